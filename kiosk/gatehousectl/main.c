/*
 * main.c: gatehousectl, the kiosk's administration command line.
 *
 *     gatehousectl [--config FILE] [--db FILE] [--json] COMMAND ...
 *
 * Reads the global options, finds the command in the built-in tables (see
 * cli.h), opens the database and runs it. Commands that are not built in
 * may come from plugins: only then are the plugins scanned (checked and
 * mapped, no init) for the commands their descriptors declare, and only for
 * a declared command are they loaded and initialised; --help and a
 * mistyped command list plugin commands from the scan alone, so a plugin
 * whose init crashes can't take them down. Built-in commands pay nothing
 * for plugins (the bench
 * target is a few milliseconds per invocation; built-in changes therefore
 * reach no plugin hook, which is fine: hooks of the running kiosk live in
 * another process anyway). Exit codes: 0 done,
 * 1 refused or failed, 2 usage error.
 *
 * The actor written to the activity log is "cli:<user>": the person behind
 * sudo (SUDO_USER) when run through sudo as root, else the login name of
 * the real uid. Both are only as trustworthy as the machine's accounts, but
 * they say who typed the command, which plain "cli" would not.
 */
#include "cli.h"
#include "gatehouse/i18n.h"
#include "gatehouse/languages.h"
#include "gatehouse/oplog.h"
#include "gatehouse/plugin_host.h"

#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef GH_VERSION
#error "GH_VERSION (the project version) must come from the build"
#endif
/* The configuration the installed kiosk runs with (its systemd units pass
 * it); read when no --config is given, so that an operator's plain
 * `gatehousectl ...` works on the same database. */
#ifndef GH_CTL_DEFAULT_CONFIG
#define GH_CTL_DEFAULT_CONFIG "/etc/gatehouse/gatehouse.conf"
#endif

/* Every table of built-in commands, in --help order. The weak ones are NULL
 * until their file is linked in. */
static const struct gh_command *cli_tables(int i)
{
    switch (i) {
    case 0: return gh_cli_cmds_init;
    case 1: return gh_cli_cmds_settings;
    case 2: return gh_cli_cmds_location;
    case 3: return gh_cli_cmds_group;
    case 4: return gh_cli_cmds_staff;
    case 5: return gh_cli_cmds_occupant;
    case 6: return gh_cli_cmds_unit;
    case 7: return gh_cli_cmds_log;
    case 8: return gh_cli_cmds_outbox;
    case 9: return gh_cli_cmds_mail;
    case 10: return gh_cli_cmds_import;
    case 11: return gh_cli_cmds_backup;
    case 12: return gh_cli_cmds_digest;
    case 13: return gh_cli_cmds_relay;
    case 14: return gh_cli_cmds_doorcode;
    case 15: return gh_cli_cmds_card;
    case 16: return gh_cli_cmds_site;
    default: return NULL;
    }
}
#define N_TABLES 17

/* Commands that run when the database file does not exist yet. */
static const char *const no_db_ok[] = { "init", "restore", NULL };
/* Commands that get no store at all and open the database themselves:
 * restore must work when the current database is damaged and won't open. */
static const char *const no_store[] = { "restore", NULL };

/* How many words of argv the command name matches (all or nothing): the
 * plugin host's matcher, so built-in and plugin commands match alike. */
static int name_match(const char *name, int argc, char **argv)
{
    int words = 0;
    int same = gh_plugin_words_match(name, argc, argv, &words);
    return same == words ? words : 0;
}

/* Do argv's first k words start the command's name ("occupant" for
 * "occupant add")? */
static int name_prefix(const char *name, int k, char **argv)
{
    int words = 0;
    return gh_plugin_words_match(name, k, argv, &words) == k && words > k;
}

static const struct gh_command *find_builtin(int argc, char **argv, int *consumed)
{
    const struct gh_command *best = NULL;
    int best_n = 0;
    for (int t = 0; t < N_TABLES; t++) {
        const struct gh_command *tab = cli_tables(t);
        for (int i = 0; tab && tab[i].name; i++) {
            int n = name_match(tab[i].name, argc, argv);
            if (n > best_n) {
                best = &tab[i];
                best_n = n;
            }
        }
    }
    *consumed = best_n;
    return best;
}

static void print_cmd_line(FILE *f, const struct gh_command *c, const char *tag)
{
    const char *u = c->usage ? c->usage : c->name;
    int n = (int)strcspn(u, "\n");
    fprintf(f, "  %.*s\n", n, u);
    if (c->summary)
        fprintf(f, "      %s%s\n", _(c->summary), tag ? tag : "");
}

static void print_cmd_help(FILE *f, const struct gh_command *c)
{
    const char *u = c->usage ? c->usage : c->name;
    size_t n = strcspn(u, "\n");
    fprintf(f, "%s gatehousectl %.*s\n", _("usage:"), (int)n, u);
    if (c->summary)
        fprintf(f, "\n%s\n", _(c->summary));
    if (u[n])
        fprintf(f, "\n%s\n", u + n + 1);
}

/* ---- the program's state ------------------------------------------------- */
struct cli {
    struct gh_config cfg;
    const char *config_path, *db_path, *lang;
    int json;
    char actor[96];
    struct gh_store *st;
    struct gh_plugin_host *scan;   /* descriptors only: what plugins declare */
    struct gh_plugin_host *host;   /* loaded and initialised, for a plugin command */
};

static void make_actor(char *buf, size_t len)
{
    const char *user = NULL;
    const char *sudo = getenv("SUDO_USER");
    if (sudo && *sudo && geteuid() == 0)
        user = sudo;
    struct passwd *pw = NULL;
    if (!user && (pw = getpwuid(getuid())) != NULL)
        user = pw->pw_name;
    if (!user || !*user) {
        snprintf(buf, len, "cli");
        return;
    }
    /* A user name is the admin's own, but keep the log clean anyway. */
    size_t o = (size_t)snprintf(buf, len, "cli:");
    for (const char *p = user; *p && o + 1 < len && o < 4 + 32; p++)
        buf[o++] = ((unsigned char)*p < 0x21 || *p == 0x7F) ? '?' : *p;
    buf[o] = '\0';
}

static int db_exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

static int open_store(struct cli *c)
{
    char err[512] = "";
    enum gh_status s = gh_store_open(c->cfg.store_path, &c->st, err, sizeof err);
    if (s != GH_OK) {
        fprintf(stderr, "gatehousectl: %s\n", err[0] ? err : gh_strerror(s));
        return 1;
    }
    return 0;
}

/* Loads plugins (once); needs the store. 0 when the host is up. */
static int load_plugins(struct cli *c)
{
    if (c->host)
        return 0;
    if (!c->st && (!db_exists(c->cfg.store_path) || open_store(c) != 0))
        return -1;
    c->host = gh_plugin_host_new(c->st, &c->cfg, NULL, 0);
    if (!c->host)
        return -1;
    gh_plugin_host_load_all(c->host);
    /* Changes a plugin command makes reach the plugins' hooks too. */
    gh_plugin_host_listen(c->host);
    return 0;
}

/* Scans the plugins (once): checks and maps them and reads the commands
 * their descriptors declare, running no init and needing no database. */
static struct gh_plugin_host *scan_plugins(struct cli *c)
{
    if (!c->scan && (c->scan = gh_plugin_host_new(NULL, &c->cfg, NULL, 0)) != NULL) {
        gh_plugin_host_scan_only(c->scan);
        gh_plugin_host_load_all(c->scan);
    }
    return c->scan;
}

/* The scan logs refusals quietly, as a full load would log them again; when
 * no full load follows, they are said here. */
static void report_refusals(const struct cli *c)
{
    if (c->host || !c->scan)
        return;
    for (int i = 0; i < gh_plugin_host_info_count(c->scan); i++) {
        const struct gh_plugin_info *in = gh_plugin_host_info(c->scan, i);
        if (in->state == GH_PLUGIN_REFUSED)
            gh_oplog(GH_LOG_WARN, "plugin %s refused: %s", in->name, in->reason);
    }
}

/* The commands plugins offer: registered ones once loaded, else declared. */
static const struct gh_plugin_host *plugin_cmds(const struct cli *c)
{
    return c->host ? c->host : c->scan;
}

/* --config, else $GATEHOUSE_CONFIG, else the installed configuration when
 * this user can read it; NULL: built-in defaults. An explicit file that is
 * missing or unreadable is reported by gh_config_load; the default one is
 * skipped (a developer's `--db test.db` on a machine with the package). */
static const char *config_to_load(const struct cli *c)
{
    if (c->config_path)
        return c->config_path;
    const char *env = getenv("GATEHOUSE_CONFIG");
    if (env && *env)
        return env;
    return access(GH_CTL_DEFAULT_CONFIG, R_OK) == 0 ? GH_CTL_DEFAULT_CONFIG : NULL;
}

static void usage_short(FILE *f)
{
    fprintf(f, "%s gatehousectl [--config FILE] [--db FILE] [--json] COMMAND ...\n"
               "%s\n", _("usage:"), _("Try 'gatehousectl --help' for the list of commands."));
}

static void print_help(struct cli *c)
{
    FILE *f = stdout;
    fprintf(f, "%s gatehousectl [--config FILE] [--db FILE] [--json] COMMAND ...\n\n", _("usage:"));
    fputs(_("Administer a Gatehouse kiosk: accounts, groups, locations, doors, the\n"
            "activity log and the outbox.\n\n"), f);
    fputs(_("Options:\n"
            "  --config FILE  the INI configuration (default: $GATEHOUSE_CONFIG, else\n"
            "                 /etc/gatehouse/gatehouse.conf when readable, else built-in\n"
            "                 defaults: database ./gatehouse.db)\n"
            "  --lang CODE    this program's language (es, fr; default: $LANGUAGE,\n"
            "                 $LANG, else English)\n"
            "  --db FILE      the database (default: the configuration's [store] path)\n"
            "  --json         machine-readable output for list and show commands\n"
            "  --help         this text; COMMAND --help for one command\n"
            "  --version      the program's version\n\n"), f);
    fputs(_("WHO is an email, a phone or a numeric id of an occupant or a staff account.\n"
            "Exit status: 0 done, 1 refused or failed, 2 usage error.\n\n"), f);
    fputs(_("Commands:\n"), f);
    for (int t = 0; t < N_TABLES; t++) {
        const struct gh_command *tab = cli_tables(t);
        for (int i = 0; tab && tab[i].name; i++)
            print_cmd_line(f, &tab[i], NULL);
    }
    /* From the descriptors: no plugin's init runs for --help. */
    const struct gh_plugin_host *p = scan_plugins(c);
    if (gh_plugin_host_command_count(p) > 0) {
        fputs(_("\nCommands from plugins:\n"), f);
        for (int i = 0; i < gh_plugin_host_command_count(p); i++) {
            const struct gh_reg_command *r = gh_plugin_host_command(p, i);
            char tag[96];
            snprintf(tag, sizeof tag, " [%s]", r->plugin ? r->plugin : "?");
            print_cmd_line(f, r->cmd, tag);
        }
    }
    if (gh_plugin_host_undeclared(p) > 0)
        fprintf(f, _("\n%d plugin(s) do not declare their commands (plugin ABI 1.0); "
                     "they are found when a command is typed.\n"), gh_plugin_host_undeclared(p));
}

/* Lists (f != NULL) or counts the commands, built-in and from plugins
 * already loaded, whose names start with argv's first k words ("occupant"). */
static int list_group(struct cli *c, FILE *f, int k, char **argv)
{
    int n = 0;
    for (int t = 0; t < N_TABLES; t++) {
        const struct gh_command *tab = cli_tables(t);
        for (int i = 0; tab && tab[i].name; i++)
            if (name_prefix(tab[i].name, k, argv)) {
                if (f && !n)
                    fprintf(f, "%s\n", _("Commands:"));
                if (f)
                    print_cmd_line(f, &tab[i], NULL);
                n++;
            }
    }
    const struct gh_plugin_host *p = plugin_cmds(c);
    for (int i = 0; i < gh_plugin_host_command_count(p); i++) {
        const struct gh_reg_command *r = gh_plugin_host_command(p, i);
        if (name_prefix(r->cmd->name, k, argv)) {
            if (f && !n)
                fprintf(f, "%s\n", _("Commands:"));
            if (f)
                print_cmd_line(f, r->cmd, NULL);
            n++;
        }
    }
    return n;
}
static int count_group(struct cli *c, int k, char **argv) { return list_group(c, NULL, k, argv); }
static void print_group(struct cli *c, FILE *f, int k, char **argv) { list_group(c, f, k, argv); }

/* Is --help or -h among the words (before a "--")? */
static int wants_help(int argc, char **argv)
{
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            return 0;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return 1;
    }
    return 0;
}

/* Takes "--json" out of the command's words (it may be typed after the
 * command, as people do); returns the new count. */
static int strip_json(struct cli *c, int argc, char **argv)
{
    int o = 0;
    int done = 0;
    for (int i = 0; i < argc; i++) {
        if (!done && strcmp(argv[i], "--") == 0)
            done = 1;
        if (!done && strcmp(argv[i], "--json") == 0) {
            c->json = 1;
            continue;
        }
        argv[o++] = argv[i];
    }
    argv[o] = NULL;
    return o;
}

static int run_builtin(struct cli *c, const struct gh_command *cmd, int argc, char **argv)
{
    int store_optional = 0;
    for (int i = 0; no_db_ok[i]; i++)
        store_optional |= strcmp(cmd->name, no_db_ok[i]) == 0;
    for (int i = 0; no_store[i]; i++)
        if (strcmp(cmd->name, no_store[i]) == 0)
            goto run;
    if (!db_exists(c->cfg.store_path)) {
        if (!store_optional) {
            fprintf(stderr, "gatehousectl: %s '%s' %s\n", _("no database at"),
                    c->cfg.store_path, _("(run 'gatehousectl init' first, or give --db FILE)"));
            return 1;
        }
        if (strcmp(cmd->name, "init") != 0)
            goto run;
    }
    if (open_store(c) != 0)
        return 1;
run:;
    struct gh_cmd_ctx ctx = {
        .size = sizeof ctx, .store = c->st, .config = &c->cfg, .actor = c->actor,
        .json = c->json, .out = stdout, .err = stderr, .host = NULL,
    };
    gh_cli_current = cmd;
    return cmd->run(NULL, &ctx, argc, argv);
}

/* A command from a plugin: its --help from the scan; to run it, the
 * plugins are loaded and initialised. Returns the exit code, or -1 when no
 * plugin has the command. */
static int run_plugin_command(struct cli *c, int argc, char **argv)
{
    int consumed = 0;
    const struct gh_plugin_host *scan = scan_plugins(c);
    const struct gh_reg_command *r = gh_plugin_host_match(scan, argc, argv, &consumed);
    if (r && wants_help(argc - consumed, argv + consumed)) {
        print_cmd_help(stdout, r->cmd);
        return 0;
    }
    if (!r && gh_plugin_host_undeclared(scan) == 0)
        return -1;
    if (r && !c->st && !db_exists(c->cfg.store_path)) {
        fprintf(stderr, "gatehousectl: %s '%s' %s\n", _("no database at"),
                c->cfg.store_path, _("(run 'gatehousectl init' first, or give --db FILE)"));
        return 1;
    }
    if (load_plugins(c) != 0)
        return -1;
    r = gh_plugin_host_match(c->host, argc, argv, &consumed);
    if (!r)
        return -1;        /* its plugin was refused at init: say "unknown" */
    if (wants_help(argc - consumed, argv + consumed)) {
        print_cmd_help(stdout, r->cmd);
        return 0;
    }
    /* A plugin's command sees the configuration its plugin does: without
     * the mail credentials. */
    const struct gh_host *ht = gh_plugin_host_table(c->host, r->plugin);
    struct gh_cmd_ctx ctx = {
        .size = sizeof ctx, .store = c->st, .config = ht ? ht->config : NULL,
        .actor = c->actor, .json = c->json, .out = stdout, .err = stderr, .host = ht,
    };
    gh_cli_current = r->cmd;
    return r->cmd->run(r->state, &ctx, argc - consumed, argv + consumed);
}

/* Not a command: a group of them ("occupant --help", "occupant",
 * "occupant bogus") is listed, else the usage line. Exit code. */
static int unknown_command(struct cli *c, int argc, char **argv)
{
    int words = 0;
    while (words < argc && argv[words][0] != '-')
        words++;
    for (int k = words; k > 0; k--) {
        if (count_group(c, k, argv) == 0)
            continue;
        if (k == words && wants_help(argc, argv)) {
            print_group(c, stdout, k, argv);
            return 0;
        }
        fputs("gatehousectl: ", stderr);
        if (k < words) {
            fprintf(stderr, "%s '", _("unknown command"));
            for (int j = 0; j <= k; j++) {
                gh_cli_text(stderr, argv[j]);
                fputs(j < k ? " " : "'\n", stderr);
            }
        } else
            fprintf(stderr, "%s\n", _("which one?"));
        print_group(c, stderr, k, argv);
        return 2;
    }
    fprintf(stderr, "gatehousectl: %s '", _("unknown command"));
    gh_cli_text(stderr, argv[0]);
    fputs("'\n", stderr);
    usage_short(stderr);
    return 2;
}

static int choose_language(struct cli *c);

/* --help before the command: the configuration is read if it can be, for
 * the plugin folder, but a bad one does not stop the help (a bad --lang
 * does). */
static int global_help(struct cli *c)
{
    if (config_to_load(c)) {
        char err[600];
        if (gh_config_load(config_to_load(c), &c->cfg, err, sizeof err) == GH_OK && c->db_path)
            snprintf(c->cfg.store_path, sizeof c->cfg.store_path, "%s", c->db_path);
    } else if (c->db_path)
        snprintf(c->cfg.store_path, sizeof c->cfg.store_path, "%s", c->db_path);
    if (choose_language(c) == 2)
        return 2;
    print_help(c);
    return 0;
}

/* Global options, before the command. Returns -1 to go on with argv[*at]
 * (the command), else the exit code (--version, --help, a usage error). */
static int parse_options(struct cli *c, int argc, char **argv, int *at)
{
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *a = argv[i];
        const char **val = NULL;
        if (strcmp(a, "--config") == 0)
            val = &c->config_path;
        else if (strcmp(a, "--db") == 0)
            val = &c->db_path;
        else if (strcmp(a, "--lang") == 0)
            val = &c->lang;
        else if (strncmp(a, "--lang=", 7) == 0)
            c->lang = a + 7;
        else if (strncmp(a, "--config=", 9) == 0)
            c->config_path = a + 9;
        else if (strncmp(a, "--db=", 5) == 0)
            c->db_path = a + 5;
        else if (strcmp(a, "--json") == 0)
            c->json = 1;
        else if (strcmp(a, "--version") == 0) {
            printf("gatehousectl %s\n", GH_VERSION);
            return 0;
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            return global_help(c);
        } else {
            fprintf(stderr, "gatehousectl: %s '%s'\n", _("unknown option"), a);
            usage_short(stderr);
            return 2;
        }
        if (!val)
            continue;
        if (i + 1 >= argc) {
            fprintf(stderr, "gatehousectl: %s %s\n", _("missing value for"), a);
            usage_short(stderr);
            return 2;
        }
        *val = argv[++i];
    }
    if (i >= argc) {
        usage_short(stderr);
        return 2;
    }
    *at = i;
    return -1;
}

/* The configuration, with --db applied. 0, or the exit code. */
static int read_config(struct cli *c)
{
    char err[600] = "";
    enum gh_status s = gh_config_load(config_to_load(c), &c->cfg, err, sizeof err);
    if (s != GH_OK) {
        fprintf(stderr, "gatehousectl: %s\n", err[0] ? err : gh_strerror(s));
        return 1;
    }
    if (c->db_path) {
        if (strlen(c->db_path) >= sizeof c->cfg.store_path) {
            fprintf(stderr, "gatehousectl: --db: %s\n", _("path too long"));
            return 2;
        }
        snprintf(c->cfg.store_path, sizeof c->cfg.store_path, "%s", c->db_path);
    }
    return 0;
}

/* "es_ES.UTF-8" or "es:fr" -> "es" (the first language named). */
static void lang_code(const char *v, char *out, size_t len)
{
    size_t n = strcspn(v ? v : "", ":._@");
    snprintf(out, len, "%.*s", (int)(n < len ? n : len - 1), v ? v : "");
}

/* The configured languages' catalogues (a missing one is an error, as in
 * the kiosk), then this program's own language: --lang, else $LANGUAGE or
 * $LANG; English when that language has no catalogue. 0, or exit code. */
static int choose_language(struct cli *c)
{
    char err[1600], dir[1024], code[GH_I18N_LANG_MAX];
    if (gh_languages_load(&c->cfg, err, sizeof err) != GH_OK) {
        fprintf(stderr, "gatehousectl: %s\n", err);
        return 1;
    }
    const char *want = c->lang;
    if (!want || !*want)
        want = getenv("LANGUAGE");
    if (!want || !*want)
        want = getenv("LANG");
    lang_code(want, code, sizeof code);
    if (!code[0] || strcmp(code, "C") == 0 || strcmp(code, "POSIX") == 0)
        return 0;
    gh_i18n_load_dir(gh_languages_dir(&c->cfg, dir, sizeof dir), code, err, sizeof err);
    if (gh_i18n_use(code) != 0 && c->lang) {
        fprintf(stderr, "gatehousectl: --lang %s: %s\n", c->lang, err);
        return 2;
    }
    return 0;
}

/* The command's words (after the global options): help, a built-in, a
 * plugin's, or unknown. Exit code. */
static int dispatch(struct cli *c, int argc, char **argv)
{
    if (strcmp(argv[0], "help") == 0 && argc == 1) {
        print_help(c);
        return 0;
    }
    int consumed = 0;
    const struct gh_command *cmd = find_builtin(argc, argv, &consumed);
    if (cmd) {
        if (wants_help(argc - consumed, argv + consumed)) {
            print_cmd_help(stdout, cmd);
            return 0;
        }
        return run_builtin(c, cmd, argc - consumed, argv + consumed);
    }
    /* Not built in: plugins are loaded (init run) only for a command one of
     * them declares, or when one does not declare its commands. */
    int rc = run_plugin_command(c, argc, argv);
    return rc < 0 ? unknown_command(c, argc, argv) : rc;
}

/* Plugins shut down, the store closed; a failed write to stdout fails a
 * command that said it succeeded. */
static int finish(struct cli *c, int rc)
{
    fflush(stdout);
    report_refusals(c);
    if (c->host) {
        gh_plugin_host_shutdown(c->host);
        gh_plugin_host_free(c->host);
    }
    gh_plugin_host_free(c->scan);    /* nothing ran: nothing to shut down */
    if (c->st)
        gh_store_close(c->st);
    if (ferror(stdout) && rc == 0)
        rc = 1;
    return rc;
}

int main(int argc, char **argv)
{
    struct cli c = {0};
    int i = 1;
    gh_config_defaults(&c.cfg);
    make_actor(c.actor, sizeof c.actor);
    /* Operational lines name this program; a command line is not a daemon,
     * so only warnings and errors unless GATEHOUSE_DEBUG asks for more. */
    gh_oplog_set_ident("gatehousectl");
    const char *dbg = getenv("GATEHOUSE_DEBUG");
    if (!dbg || strcmp(dbg, "1") != 0)
        gh_oplog_set_level(GH_LOG_WARN);

    int rc = parse_options(&c, argc, argv, &i);
    if (rc >= 0)
        return finish(&c, rc);
    /* `relay all-off` reads no configuration and opens no database, so that
     * neither can stand between an operator and an open door (cmd_relay.c). */
    if (i + 1 < argc && strcmp(argv[i], "relay") == 0 && strcmp(argv[i + 1], "all-off") == 0)
        return gh_cli_relay_all_off(argc - i - 2, argv + i + 2);
    if ((rc = read_config(&c)) != 0 || (rc = choose_language(&c)) != 0)
        return rc;
    int cargc = strip_json(&c, argc - i, argv + i);
    return finish(&c, dispatch(&c, cargc, argv + i));
}
