/*
 * cmd_settings.c: `settings show` and `settings set KEY VALUE`, the product
 * settings kept in the database (SPEC "Settings"). Validation and logging
 * are the core's (gh_settings_set); this file only shows and passes on.
 */
#include "cli.h"

#include <string.h>

struct show {
    struct gh_cmd_ctx *ctx;
    int n;
};

static int show_one(void *ud, const char *key, const char *value, const char *def)
{
    struct show *sh = ud;
    FILE *f = sh->ctx->out;
    if (sh->ctx->json) {
        fputs(sh->n ? ",\n " : "[", f);
        fputs("{\"key\":", f);
        gh_cli_json_str(f, key);
        fputs(",\"value\":", f);
        gh_cli_json_str(f, value);
        fputs(",\"default\":", f);
        gh_cli_json_str(f, def);
        fputs("}", f);
    } else {
        fprintf(f, "%-22s ", key);
        gh_cli_text(f, value);
        if (def && value && strcmp(def, value) != 0) {
            fprintf(f, "  (%s ", _("default"));
            gh_cli_text(f, def);
            fputs(")", f);
        }
        fputc('\n', f);
    }
    sh->n++;
    return 0;
}

static int run_show(void *state, struct gh_cmd_ctx *ctx, int argc, char **argv)
{
    static const struct gh_cli_opt opts[] = { { NULL, NULL, NULL } };
    int rc = gh_cli_parse(ctx, opts, argc, argv, NULL, 0, 0, NULL);
    if (rc)
        return rc;
    struct show sh = { ctx, 0 };
    enum gh_status s = gh_settings_each(ctx->store, show_one, &sh);
    if (ctx->json)
        fputs(sh.n ? "]\n" : "[]\n", ctx->out);
    return s == GH_OK ? 0 : gh_cli_store_fail(ctx, s);
}

static int run_set(void *state, struct gh_cmd_ctx *ctx, int argc, char **argv)
{
    static const struct gh_cli_opt opts[] = { { NULL, NULL, NULL } };
    char *pos[2];
    int rc = gh_cli_parse(ctx, opts, argc, argv, pos, 2, 2, NULL);
    if (rc)
        return rc;
    enum gh_status s = gh_settings_set(ctx->store, ctx->actor, pos[0], pos[1]);
    if (s != GH_OK)
        return gh_cli_store_fail(ctx, s);
    fprintf(ctx->out, "%s = ", pos[0]);
    gh_cli_text(ctx->out, gh_settings_get(ctx->store, pos[0]));
    fputc('\n', ctx->out);
    return 0;
}

const struct gh_command gh_cli_cmds_settings[] = {
    { sizeof(struct gh_command), "settings show", "settings show",
      N_("Show every setting with its value (and its default when different)."), run_show },
    { sizeof(struct gh_command), "settings set",
      "settings set KEY VALUE\n"
      "Keys: self_signup on|off, signup_approval on|off, signup_default_access none|all,\n"
      "unlock_ms, idle_timeout_s, pin_attempts, lockout_min (numbers), kiosk_name (text),\n"
      "phone_country (the site's calling code, 1 to 999: 44 makes 07700 900123 +447700900123).",
      N_("Change a setting (validated and logged)."), run_set },
    { 0, NULL, NULL, NULL, NULL }
};
