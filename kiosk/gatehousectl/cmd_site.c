/*
 * cmd_site.c: `site init|join|sync|status` (issue 20, site.h,
 * docs/site-server.md). The server is [site] server in the configuration.
 */
#include "cli.h"
#include "gatehouse/config.h"
#include "gatehouse/site.h"

#include <inttypes.h>

static int connect_site(struct gh_cmd_ctx *ctx, struct gh_site **site)
{
    enum gh_status s = gh_site_connect(ctx->store, ctx->config, site);
    return s == GH_OK ? 0 : gh_cli_store_fail(ctx, s);
}

static int no_args(struct gh_cmd_ctx *ctx, int argc, char **argv)
{
    static const struct gh_cli_opt opts[] = { { NULL, NULL, NULL } };
    return gh_cli_parse(ctx, opts, argc, argv, NULL, 0, 0, NULL);
}

static int run_init(void *state, struct gh_cmd_ctx *ctx, int argc, char **argv)
{
    struct gh_site *site = NULL;
    int from = 0, to = 0, rc = no_args(ctx, argc, argv);
    (void)state;
    if (rc || (rc = connect_site(ctx, &site)) != 0)
        return rc;
    enum gh_status s = gh_site_init_schema(site, &from, &to);
    rc = s == GH_OK ? 0 : gh_cli_store_fail(ctx, s);
    if (!rc && ctx->json)
        fprintf(ctx->out, "{\"from\": %d, \"to\": %d}\n", from, to);
    else if (!rc && from == to)
        fprintf(ctx->out, _("site server schema is up to date (version %d)\n"), to);
    else if (!rc)
        fprintf(ctx->out, _("site server schema: version %d -> %d\n"), from, to);
    gh_site_close(site);
    return rc;
}

/* --key FILE: the site key put in place first (site_keyfile.c). */
static int install_key(struct gh_cmd_ctx *ctx, struct gh_site *site, const char *file,
                       int force)
{
    int replaced = 0;
    enum gh_status s = gh_site_key_install(site, file, force, &replaced);
    if (s != GH_OK)
        return gh_cli_store_fail(ctx, s);
    if (replaced)
        fprintf(ctx->out, "%s\n", _("site key: this kiosk now holds the site's key"));
    return 0;
}

static int run_join(void *state, struct gh_cmd_ctx *ctx, int argc, char **argv)
{
    static const char *const said[] = {
        N_("joined: loaded the site's data from the server"),
        N_("joined: this kiosk's data is now the site's (first kiosk)"),
        N_("already joined: synced"),
    };
    const char *key = NULL;
    int force = 0;
    const struct gh_cli_opt opts[] = { { "--key", &key, NULL }, { "--force", NULL, &force },
                                       { NULL, NULL, NULL } };
    struct gh_site *site = NULL;
    enum gh_site_join_kind kind = GH_SITE_JOINED_AGAIN;
    int rc = gh_cli_parse(ctx, opts, argc, argv, NULL, 0, 0, NULL);
    (void)state;
    if (!rc && force && !key)
        rc = gh_cli_usage_error(ctx, "%s", _("--force: only with --key FILE"));
    if (rc || (rc = connect_site(ctx, &site)) != 0)
        return rc;
    if (key)
        rc = install_key(ctx, site, key, force);
    enum gh_status s = rc ? GH_OK : gh_site_join(site, &kind);
    if (!rc)
        rc = s == GH_OK ? 0 : gh_cli_store_fail(ctx, s);
    if (!rc)
        fprintf(ctx->out, "%s\n", _(said[kind]));
    gh_site_close(site);
    return rc;
}

static int run_sync(void *state, struct gh_cmd_ctx *ctx, int argc, char **argv)
{
    struct gh_site *site = NULL;
    struct gh_site_sync_result r = { 0, 0, 0 };
    int rc = no_args(ctx, argc, argv);
    (void)state;
    if (rc || (rc = connect_site(ctx, &site)) != 0)
        return rc;
    enum gh_status s = gh_site_sync(site, &r);
    rc = s == GH_OK ? 0 : gh_cli_store_fail(ctx, s);
    if (!rc && ctx->json)
        fprintf(ctx->out, "{\"pushed\": %" PRId64 ", \"pulled\": %" PRId64
                ", \"last_change\": %" PRId64 "}\n", r.pushed, r.pulled, r.last_num);
    else if (!rc)
        fprintf(ctx->out, _("pushed %" PRId64 ", pulled %" PRId64 ", last change %" PRId64 "\n"),
                r.pushed, r.pulled, r.last_num);
    gh_site_close(site);
    return rc;
}

static void print_status(struct gh_cmd_ctx *ctx, const struct gh_site_status *st)
{
    char contact[32], since[32];
    int stale = gh_site_stale(ctx->store, st);
    /* Offline since the first failed contact, or since the last good one
     * when there has been none for site_stale_after_s. */
    int64_t since_ms = st->offline_since_ms ? st->offline_since_ms : st->last_contact_ms;
    gh_cli_time(st->last_contact_ms, contact, sizeof contact);
    gh_cli_time(since_ms, since, sizeof since);
    if (ctx->json) {
        fprintf(ctx->out, "{\"joined\": %s, \"connected\": %s, \"last_contact_ms\": %" PRId64
                ", \"offline_since_ms\": %" PRId64 ", \"last_change\": %" PRId64
                ", \"queued\": %" PRId64 ", \"conflicts\": %" PRId64 "}\n",
                st->joined ? "true" : "false",
                st->joined && !stale ? "true" : "false",
                st->last_contact_ms, stale ? since_ms : 0, st->last_num, st->queued,
                st->conflicts);
        return;
    }
    if (!st->joined) {
        fprintf(ctx->out, "%s\n", _("not part of a site"));
        return;
    }
    if (stale)
        fprintf(ctx->out, _("working offline since %s (UTC)\n"), since);
    else
        fprintf(ctx->out, _("connected (last contact %s UTC)\n"), contact);
    fprintf(ctx->out, _("last change applied: %" PRId64 "\nlocal changes waiting: %" PRId64
                        "\nconflicts: %" PRId64 "\n"), st->last_num, st->queued, st->conflicts);
}

static int run_status(void *state, struct gh_cmd_ctx *ctx, int argc, char **argv)
{
    struct gh_site_status st;
    int rc = no_args(ctx, argc, argv);
    (void)state;
    if (rc)
        return rc;
    enum gh_status s = gh_site_status_read(ctx->store, &st);
    if (s != GH_OK)
        return gh_cli_store_fail(ctx, s);
    print_status(ctx, &st);
    return 0;
}

static int run_log_verify(void *state, struct gh_cmd_ctx *ctx, int argc, char **argv)
{
    struct gh_site *site = NULL;
    int64_t entries = 0;
    int kiosks = 0, rc = no_args(ctx, argc, argv);
    (void)state;
    if (rc || (rc = connect_site(ctx, &site)) != 0)
        return rc;
    enum gh_status s = gh_site_log_verify(site, &entries, &kiosks);
    rc = s == GH_OK ? 0 : gh_cli_store_fail(ctx, s);
    if (!rc)
        fprintf(ctx->out, _("site log verified: %" PRId64 " entries from %d kiosk(s)\n"),
                entries, kiosks);
    gh_site_close(site);
    return rc;
}

const struct gh_command gh_cli_cmds_site[] = {
    { sizeof(struct gh_command), "site init", "site init",
      N_("Create or upgrade the site server's schema ([site] server); idempotent."), run_init },
    { sizeof(struct gh_command), "site join",
      "site join [--key FILE [--force]]\n"
      "  --key FILE  the site key: a copy of a joined kiosk's <database>.key file. Every\n"
      "              kiosk of a site needs the same key (codes and cards are hashed with\n"
      "              it); checked against the site's fingerprint, put in place (0600)\n"
      "              before the data is loaded. The kiosk's own key is replaced only if\n"
      "              nothing was made with it yet, or with --force; it is kept as\n"
      "              <database>.key.old-SECONDS.",
      N_("Join this kiosk to the site: load the server's data into an empty database, or "
         "make this kiosk's data the site's on an empty server."), run_join },
    { sizeof(struct gh_command), "site sync", "site sync",
      N_("Push this kiosk's changes to the site server and pull the server's, now."), run_sync },
    { sizeof(struct gh_command), "site status", "site status",
      N_("Connected or offline since when, last change applied, changes waiting, conflicts."),
      run_status },
    { sizeof(struct gh_command), "site log verify", "site log verify",
      N_("Check every kiosk's log chain and the site chain over them on the server."),
      run_log_verify },
    { 0, NULL, NULL, NULL, NULL }
};
