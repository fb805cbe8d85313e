/*
 * cmd_backup.c: `gatehousectl backup FILE` and `gatehousectl restore FILE`,
 * the command-line face of core/src/backup.c (see gatehouse/backup.h).
 *
 * backup is safe while the kiosk runs: one read snapshot through SQLite's
 * online backup API, with the site key written beside it as FILE.key.
 * restore is refused while a kiosk holds the database's instance lock,
 * checks the backup on a copy first (integrity, a schema exactly this
 * version's, the activity log chain, the key in FILE.key being the one the
 * backup records), and keeps the replaced database (and its key) as
 * <db>.pre-restore.
 * restore gets no store from main.c: the database it replaces may be
 * damaged or missing, which is when a restore is needed most. It opens the
 * database only to write the log line (the current one after a refusal, if
 * it opens; the restored one after success).
 * Both are written to the activity log: a backup is a copy of every PIN
 * hash and address, so who took one is worth knowing; a restore (or a
 * refused one) changes everything.
 */
#include "cli.h"
#include "gatehouse/backup.h"
#include "gatehouse/sitekey.h"

#include <string.h>
#include <sys/stat.h>

static void log_event(struct gh_cmd_ctx *ctx, struct gh_store *st, const char *action,
                      const char *file, enum gh_outcome outcome, const char *reason)
{
    if (st && gh_audit_append(st, ctx->actor, action, file, outcome, reason) != GH_OK)
        fprintf(ctx->err, "gatehousectl: %s %s\n", _("could not write the activity log:"),
                gh_store_errmsg(st));
}

static int run_backup(void *state, struct gh_cmd_ctx *ctx, int argc, char **argv)
{
    static const struct gh_cli_opt opts[] = { { NULL, NULL, NULL } };
    char *pos[1];
    int npos = 0;
    int rc = gh_cli_parse(ctx, opts, argc, argv, pos, 1, 1, &npos);
    if (rc)
        return rc;
    const char *file = pos[0];
    char err[1024];
    struct gh_backup_info info;
    enum gh_status s = gh_backup_create(ctx->config->store_path, file, &info, err, sizeof err);
    if (s != GH_OK) {
        log_event(ctx, ctx->store, "store.backup", file, GH_OUTCOME_FAILED, err);
        return gh_cli_fail(ctx, "%s", err);
    }
    log_event(ctx, ctx->store, "store.backup", file, GH_OUTCOME_OK, "");
    char key[4096];
    if (!info.has_key || gh_sitekey_path(file, key, sizeof key) != GH_OK)
        key[0] = '\0';
    if (ctx->json) {
        fputs("{\"file\":", ctx->out);
        gh_cli_json_str(ctx->out, file);
        fputs(",\"key_file\":", ctx->out);
        gh_cli_json_str(ctx->out, key[0] ? key : NULL);
        fprintf(ctx->out, ",\"bytes\":%lld,\"schema\":%d}\n", (long long)info.bytes,
                info.schema_version);
    } else {
        fprintf(ctx->out, "%s ", _("backup written:"));
        gh_cli_text(ctx->out, file);
        fprintf(ctx->out, " (%lld %s, %s %d)\n", (long long)info.bytes, _("bytes"), _("schema"),
                info.schema_version);
        if (key[0]) {
            fprintf(ctx->out, "%s ", _("site key written:"));
            gh_cli_text(ctx->out, key);
            fprintf(ctx->out, " (%s)\n", _("keep it with the backup: restore needs it"));
        }
    }
    return 0;
}

static int run_restore(void *state, struct gh_cmd_ctx *ctx, int argc, char **argv)
{
    static const struct gh_cli_opt opts[] = { { NULL, NULL, NULL } };
    char *pos[1];
    int npos = 0;
    int rc = gh_cli_parse(ctx, opts, argc, argv, pos, 1, 1, &npos);
    if (rc)
        return rc;
    const char *file = pos[0];
    const char *db = ctx->config->store_path;
    char err[1024];
    struct gh_backup_info info;
    enum gh_status s = gh_backup_restore(db, file, &info, err, sizeof err);
    struct gh_store *st = ctx->store, *own = NULL;
    char why[512];
    if (s != GH_OK) {
        /* Nothing was replaced: the refusal goes into the current log when
         * there is a database that opens (not while it is damaged). */
        struct stat sb;
        if (!st && stat(db, &sb) == 0 && gh_store_open(db, &own, why, sizeof why) == GH_OK)
            st = own;
        log_event(ctx, st, "store.restore", file,
                  s == GH_E_REFUSED ? GH_OUTCOME_REFUSED : GH_OUTCOME_FAILED, err);
        gh_store_close(own);
        return gh_cli_fail(ctx, "%s", err);
    }
    /* The restored log carries on from the backup's last entry. */
    if (!st) {
        if (gh_store_open(db, &own, why, sizeof why) == GH_OK)
            st = own;
        else
            fprintf(ctx->err, "gatehousectl: %s\n", why);
    }
    log_event(ctx, st, "store.restore", file, GH_OUTCOME_OK,
              info.previous[0] ? info.previous : "");
    gh_store_close(own);
    if (ctx->json) {
        fputs("{\"file\":", ctx->out);
        gh_cli_json_str(ctx->out, file);
        fputs(",\"database\":", ctx->out);
        gh_cli_json_str(ctx->out, db);
        fputs(",\"previous\":", ctx->out);
        gh_cli_json_str(ctx->out, info.previous[0] ? info.previous : NULL);
        fprintf(ctx->out, ",\"log_entries\":%lld,\"schema\":%d,\"key_restored\":%s}\n",
                (long long)info.log_entries, info.schema_version,
                info.has_key ? "true" : "false");
    } else {
        fprintf(ctx->out, "%s ", _("database restored from"));
        gh_cli_text(ctx->out, file);
        fprintf(ctx->out, " (%lld %s)\n", (long long)info.log_entries,
                _("activity log entries verified"));
        if (info.previous[0]) {
            fprintf(ctx->out, "%s ", _("the database it replaced is kept as"));
            gh_cli_text(ctx->out, info.previous);
            fputc('\n', ctx->out);
        }
        char key[4096];
        if (info.has_key && gh_sitekey_path(db, key, sizeof key) == GH_OK) {
            fprintf(ctx->out, "%s ", _("site key restored as"));
            gh_cli_text(ctx->out, key);
            fputc('\n', ctx->out);
        }
    }
    return 0;
}

const struct gh_command gh_cli_cmds_backup[] = {
    { sizeof(struct gh_command), "backup", "backup FILE",
      N_("Write a consistent copy of the database to FILE and its site key to FILE.key "
         "(safe while the kiosk runs)."),
      run_backup },
    { sizeof(struct gh_command), "restore", "restore FILE",
      N_("Replace the database (and its site key) with a checked backup; refused while the "
         "kiosk runs."),
      run_restore },
    { 0, NULL, NULL, NULL, NULL }
};
