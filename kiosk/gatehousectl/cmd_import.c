/*
 * cmd_import.c: `import FILE.csv`, tenants from a property management
 * system (the work is gh_import_csv in core/src/import.c). This file reports:
 * each bad row with its line number on stderr, a progress bar on stderr
 * when it is a terminal, the changes as a table (--dry-run, --sync) and a
 * summary on stdout. Exit 1 if any row was skipped, so a script notices,
 * and when --sync refuses a file that would move out too many tenants.
 */
#include "cli.h"
#include "gatehouse/config.h"
#include "gatehouse/import.h"
#include "gatehouse/store.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct change {
    enum gh_import_change kind;
    char *email, *what;
};

struct progress {
    struct gh_cmd_ctx *ctx;
    int tty;
    int bar_shown;
    int64_t last_ms;
    struct change *ch;
    size_t n, cap;
    int nomem;
    struct gh_import_report *mail; /* --mail-summary: the report, one line each */
};

/* Appends "; "-separated text to a report field, "..." once it is full. */
static void add_item(char *buf, size_t len, const char *text)
{
    size_t n = strlen(buf);
    if (n + 8 >= len) {
        if (n + 4 < len || !strstr(buf, "..."))
            snprintf(buf + (n + 4 < len ? n : len - 4), 4, "...");
        return;
    }
    snprintf(buf + n, len - n, "%s%s", n ? "; " : "", text);
    for (char *c = buf + n; *c; c++)
        if (*c == '\n' || *c == '\r')
            *c = ' ';
}

static const char *const kind_names[] = {
    N_("added"), N_("changed"), N_("moved out"), N_("overlocked"), N_("released")
};
static const char *const kind_json[] = { "added", "changed", "moved_out", "overlocked",
                                         "released" };

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void clear_bar(struct progress *p)
{
    if (p->bar_shown) {
        fputs("\r\033[K", p->ctx->err);
        p->bar_shown = 0;
    }
}

static void on_error(void *ud, long line, const char *msg)
{
    struct progress *p = ud;
    clear_bar(p);
    if (line > 0)
        fprintf(p->ctx->err, "gatehousectl: %s %ld: ", _("line"), line);
    else
        fputs("gatehousectl: ", p->ctx->err);
    gh_cli_text(p->ctx->err, msg);
    fputc('\n', p->ctx->err);
    if (p->mail) {
        char item[700];
        if (line > 0)
            snprintf(item, sizeof item, "%s %ld: %s", _("line"), line, msg);
        else
            snprintf(item, sizeof item, "%s", msg);
        add_item(p->mail->problems, sizeof p->mail->problems, item);
    }
}

static void on_progress(void *ud, long long done, long long total, long rows)
{
    struct progress *p = ud;
    if (!p->tty)
        return;
    int64_t t = now_ms();
    /* At most ten redraws a second, and always the last one. */
    if (done < total && t - p->last_ms < 100)
        return;
    p->last_ms = t;
    int width = 40, fill = total > 0 ? (int)(done * width / total) : width;
    fprintf(p->ctx->err, "\r[%.*s%*s] %3d%%  %ld %s", fill,
            "########################################", width - fill, "",
            total > 0 ? (int)(done * 100 / total) : 100, rows, _("rows"));
    fflush(p->ctx->err);
    p->bar_shown = 1;
}

static void on_change(void *ud, enum gh_import_change kind, const char *email, const char *what)
{
    struct progress *p = ud;
    if (p->nomem)
        return;
    if (p->n == p->cap) {
        size_t nc = p->cap ? p->cap * 2 : 64;
        struct change *nv = realloc(p->ch, nc * sizeof *nv);
        if (!nv) {
            p->nomem = 1;
            return;
        }
        p->ch = nv;
        p->cap = nc;
    }
    struct change *c = &p->ch[p->n];
    c->kind = kind;
    c->email = strdup(email ? email : "");
    c->what = strdup(what ? what : "");
    if (!c->email || !c->what) {
        free(c->email);
        free(c->what);
        p->nomem = 1;
        return;
    }
    p->n++;
}

/* added, changed, moved out, overlocked, released; in file order within. */
static void print_table(struct gh_cmd_ctx *ctx, const struct progress *p)
{
    if (!p->n)
        return;
    fprintf(ctx->out, "%-11s %-32s %s\n", _("CHANGE"), _("TENANT"), _("WHAT"));
    for (int k = GH_IMPORT_ADDED; k <= GH_IMPORT_RELEASED; k++)
        for (size_t i = 0; i < p->n; i++) {
            if ((int)p->ch[i].kind != k)
                continue;
            fprintf(ctx->out, "%-11s ", _(kind_names[k]));
            gh_cli_text(ctx->out, p->ch[i].email);
            int pad = 32 - (int)strlen(p->ch[i].email);
            fprintf(ctx->out, "%*s ", pad > 0 ? pad : 0, "");
            gh_cli_text(ctx->out, p->ch[i].what);
            fputc('\n', ctx->out);
        }
}

static void print_json(struct gh_cmd_ctx *ctx, const struct progress *p, int dry,
                       const struct gh_import_stats *st, double secs)
{
    fprintf(ctx->out, "{\"dry_run\":%s,\"rows\":%ld,\"created\":%ld,\"updated\":%ld,"
                      "\"unchanged\":%ld,\"skipped\":%ld,\"moved_out\":%ld,\"overlocked\":%ld,"
                      "\"released\":%ld,\"seconds\":%.3f,\"changes\":[",
            dry ? "true" : "false", st->rows, st->created, st->updated, st->unchanged,
            st->skipped, st->moved_out, st->overlocked, st->released, secs);
    for (size_t i = 0; i < p->n; i++) {
        fprintf(ctx->out, "%s{\"change\":\"%s\",\"email\":", i ? "," : "",
                kind_json[p->ch[i].kind]);
        gh_cli_json_str(ctx->out, p->ch[i].email);
        fputs(",\"what\":", ctx->out);
        gh_cli_json_str(ctx->out, p->ch[i].what);
        fputc('}', ctx->out);
    }
    fputs("]}\n", ctx->out);
}

static void print_summary(struct gh_cmd_ctx *ctx, int dry, int sync,
                          const struct gh_import_stats *st, double secs)
{
    fprintf(ctx->out, "%s%ld %s: %ld %s, %ld %s, %ld %s, %ld %s",
            dry ? _("dry run, nothing written: ") : "", st->rows, _("rows"), st->created, _("created"), st->updated, _("updated"),
            st->unchanged, _("unchanged"), st->skipped, _("skipped"));
    if (sync || st->overlocked || st->released)
        fprintf(ctx->out, "; %ld %s, %ld %s, %ld %s", st->moved_out, _("moved out"),
                st->overlocked, _("overlocked"), st->released, _("released"));
    fprintf(ctx->out, " (%.1f s)\n", secs);
}

/* A failure that stopped the import (not just skipped rows). */
static int stopped(struct gh_cmd_ctx *ctx, enum gh_status s, const struct gh_import_stats *st)
{
    gh_cli_store_fail(ctx, s);
    if (st->resume_line > 0)
        gh_cli_fail(ctx, _("import stopped: %ld row(s) were committed; to go on, run the "
                           "same import again (rows already imported are left as they "
                           "are), or import from line %ld on"),
                    st->committed, st->resume_line);
    return 1;
}

static void free_changes(struct progress *p)
{
    for (size_t i = 0; i < p->n; i++) {
        free(p->ch[i].email);
        free(p->ch[i].what);
    }
    free(p->ch);
}

/* --mail-summary: the report, queued for the digest_to addresses. */
static void mail_summary(struct gh_cmd_ctx *ctx, struct progress *p, const char *path, int ok,
                         const char *why)
{
    struct gh_import_report *r = p->mail;
    if (!r)
        return;
    if (why)
        snprintf(r->summary, sizeof r->summary, "%s", why);
    for (size_t i = 0; i < p->n; i++) {
        char item[700];
        snprintf(item, sizeof item, "%s %s%s%s%s", _(kind_names[p->ch[i].kind]), p->ch[i].email,
                 p->ch[i].what[0] ? " (" : "", p->ch[i].what, p->ch[i].what[0] ? ")" : "");
        add_item(r->changes, sizeof r->changes, item);
    }
    const char *base = strrchr(path, '/');
    int queued = 0;
    enum gh_status s = gh_import_mail_summary(ctx->store, ctx->actor, base ? base + 1 : path, ok,
                                              r, &queued);
    if (s != GH_OK)
        gh_cli_store_fail(ctx, s);
    else
        fprintf(ctx->err, "gatehousectl: %s: %d\n", _("summary mailed to digest_to addresses"),
                queued);
    free(r);
    p->mail = NULL;
}

static void report(struct gh_cmd_ctx *ctx, struct progress *p, int dry, int sync,
                   const struct gh_import_stats *st, double secs)
{
    if (ctx->json) {
        print_json(ctx, p, dry, st, secs);
    } else {
        if (dry || sync)
            print_table(ctx, p);
        print_summary(ctx, dry, sync, st, secs);
    }
    char *text = NULL;
    size_t len = 0;
    FILE *m = p->mail ? open_memstream(&text, &len) : NULL;
    if (m) {
        struct gh_cmd_ctx mc = *ctx;
        mc.out = m;
        print_summary(&mc, dry, sync, st, secs);
        fclose(m);
        snprintf(p->mail->summary, sizeof p->mail->summary, "%s", text ? text : "");
        p->mail->summary[strcspn(p->mail->summary, "\n")] = '\0';
        free(text);
    }
}

static int run_import(void *state, struct gh_cmd_ctx *ctx, int argc, char **argv)
{
    int dry = 0, no_welcome = 0, sync = 0, force = 0, mail = 0, adopt = 0;
    const struct gh_cli_opt opts[] = {
        { "--dry-run", NULL, &dry }, { "--no-welcome", NULL, &no_welcome },
        { "--sync", NULL, &sync }, { "--force", NULL, &force },
        { "--mail-summary", NULL, &mail }, { "--adopt", NULL, &adopt }, { NULL, NULL, NULL }
    };
    char *pos[1];
    int rc = gh_cli_parse(ctx, opts, argc, argv, pos, 1, 1, NULL);
    if (rc)
        return rc;
    if (force && !sync)
        return gh_cli_usage_error(ctx, "%s", _("--force goes with --sync"));
    struct progress p = { .ctx = ctx, .tty = isatty(fileno(ctx->err)) };
    if (mail && !(p.mail = calloc(1, sizeof *p.mail)))
        return gh_cli_fail(ctx, "%s", _("out of memory"));
    struct gh_import_opts io = {
        .dry_run = dry, .no_welcome = no_welcome, .sync = sync, .force = force, .adopt = adopt,
        .columns = gh_config_import_columns(),
        .on_error = on_error, .on_progress = on_progress, .on_change = on_change, .ud = &p,
    };
    struct gh_import_stats st = {0};
    int64_t t0 = now_ms();
    enum gh_status s = gh_import_csv(ctx->store, ctx->actor, pos[0], &io, &st);
    clear_bar(&p);
    if (s != GH_OK && s != GH_E_INVALID) {
        char why[1100];
        snprintf(why, sizeof why, "%s", gh_store_errmsg(ctx->store));
        rc = stopped(ctx, s, &st);
        mail_summary(ctx, &p, pos[0], 0, why);
        free_changes(&p);
        return rc;
    }
    report(ctx, &p, dry, sync || adopt, &st, (double)(now_ms() - t0) / 1000.0);
    mail_summary(ctx, &p, pos[0], s == GH_OK, NULL);
    free_changes(&p);
    if (s == GH_E_INVALID)
        return gh_cli_fail(ctx, _("%ld row(s) skipped; see the lines above"), st.skipped);
    return 0;
}

const struct gh_command gh_cli_cmds_import[] = {
    { sizeof(struct gh_command), "import",
      "import FILE.csv [--dry-run] [--no-welcome] [--sync [--force]] [--adopt] [--mail-summary]\n"
      "The first line names the columns: email, name, phone, unit and optionally group,\n"
      "delinquent and access, in any order; or the site's own headers, mapped with\n"
      "[import] columns in gatehouse.conf. Each row creates the occupant (active,\n"
      "welcome email queued) or updates the one with that email, and rents them the\n"
      "named unit. Running the same file again changes nothing. A bad row is reported\n"
      "with its line number and skipped; the others are imported. A quote that is never\n"
      "closed refuses the whole file (nothing is imported), naming the line where it\n"
      "opened. If the database fails mid-way, the rows committed and the line to go on\n"
      "from are printed. A delinquent cell (yes/no, 1/0, true/false or an amount)\n"
      "overlocks the tenant's units, or releases them.\n"
      "  --dry-run     check every row and print the changes, writing nothing\n"
      "  --no-welcome  queue no welcome emails (send them later with resend-welcome)\n"
      "  --sync        the file is the complete list of tenants: tenants an import\n"
      "                made who are not in it are moved out (units vacated, account\n"
      "                inactive); refused if that is more than 20% of them\n"
      "  --force       sync even when more than 20% would be moved out\n"
      "  --adopt       occupants in the file, and their units in it, count as an\n"
      "                import's from now on (tenants added before --sync existed)\n"
      "  --mail-summary  queue the report for the digest_to addresses (the drop folder)",
      N_("Import occupants and their units from a CSV file."), run_import },
    { 0, NULL, NULL, NULL, NULL }
};
