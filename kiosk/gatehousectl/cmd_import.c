/*
 * cmd_import.c: `import FILE.csv`, tenants from a property management
 * system (the work is gh_import_csv in core/src/import.c). This file reports:
 * each bad row with its line number on stderr, a progress bar on stderr
 * when it is a terminal, and a summary on stdout. Exit 1 if any row was
 * skipped, so a script notices.
 */
#include "cli.h"
#include "gatehouse/import.h"

#include <string.h>
#include <time.h>
#include <unistd.h>

struct progress {
    struct gh_cmd_ctx *ctx;
    int tty;
    int bar_shown;
    int64_t last_ms;
};

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
    fprintf(p->ctx->err, "gatehousectl: %s %ld: ", _("line"), line);
    gh_cli_text(p->ctx->err, msg);
    fputc('\n', p->ctx->err);
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

static int run_import(void *state, struct gh_cmd_ctx *ctx, int argc, char **argv)
{
    int dry = 0, no_welcome = 0;
    const struct gh_cli_opt opts[] = {
        { "--dry-run", NULL, &dry }, { "--no-welcome", NULL, &no_welcome }, { NULL, NULL, NULL }
    };
    char *pos[1];
    int rc = gh_cli_parse(ctx, opts, argc, argv, pos, 1, 1, NULL);
    if (rc)
        return rc;
    struct progress p = { ctx, isatty(fileno(ctx->err)), 0, 0 };
    struct gh_import_opts io = {
        .dry_run = dry, .no_welcome = no_welcome,
        .on_error = on_error, .on_progress = on_progress, .ud = &p,
    };
    struct gh_import_stats st = {0};
    int64_t t0 = now_ms();
    enum gh_status s = gh_import_csv(ctx->store, ctx->actor, pos[0], &io, &st);
    clear_bar(&p);
    if (s != GH_OK && s != GH_E_INVALID) {
        gh_cli_store_fail(ctx, s);
        if (st.resume_line > 0)
            gh_cli_fail(ctx, _("import stopped: %ld row(s) were committed; to go on, run the "
                               "same import again (rows already imported are left as they "
                               "are), or import from line %ld on"),
                        st.committed, st.resume_line);
        return 1;
    }
    double secs = (double)(now_ms() - t0) / 1000.0;
    if (ctx->json)
        fprintf(ctx->out, "{\"dry_run\":%s,\"rows\":%ld,\"created\":%ld,\"updated\":%ld,"
                          "\"unchanged\":%ld,\"skipped\":%ld,\"seconds\":%.3f}\n",
                dry ? "true" : "false", st.rows, st.created, st.updated, st.unchanged,
                st.skipped, secs);
    else
        fprintf(ctx->out, "%s%ld %s: %ld %s, %ld %s, %ld %s, %ld %s (%.1f s)\n",
                dry ? _("dry run, nothing written: ") : "", st.rows, _("rows"), st.created,
                _("created"), st.updated, _("updated"), st.unchanged, _("unchanged"),
                st.skipped, _("skipped"), secs);
    if (s == GH_E_INVALID)
        return gh_cli_fail(ctx, _("%ld row(s) skipped; see the lines above"), st.skipped);
    return 0;
}

const struct gh_command gh_cli_cmds_import[] = {
    { sizeof(struct gh_command), "import",
      "import FILE.csv [--dry-run] [--no-welcome]\n"
      "The first line names the columns: email, name, phone, unit and optionally group,\n"
      "in any order. Each row creates the occupant (active, welcome email queued) or\n"
      "updates the one with that email, and rents them the named unit. Running the\n"
      "same file again changes nothing. A bad row is reported with its line number and\n"
      "skipped; the others are imported. A quote that is never closed refuses the whole\n"
      "file (nothing is imported), naming the line where it opened. If the database\n"
      "fails mid-way, the rows committed and the line to go on from are printed.\n"
      "  --dry-run     check every row and report, writing nothing\n"
      "  --no-welcome  queue no welcome emails (send them later with resend-welcome)",
      N_("Import occupants and their units from a CSV file."), run_import },
    { 0, NULL, NULL, NULL, NULL }
};
