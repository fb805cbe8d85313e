/*
 * cmd_staff.c: staff accounts (employees): `staff add` with a PIN and
 * permissions, and `staff list`.
 *
 * The PIN may be given on the command line, as the contract says,
 * but anything there is visible to every local user in ps(1) and lands in
 * shell history; `--pin -` reads it from standard input instead
 * (`printf '2580\n' | gatehousectl staff add ... --pin -`), which is what
 * scripts should use.
 */
#include "cli.h"

#include <sodium.h>
#include <string.h>

static int run_add(void *state, struct gh_cmd_ctx *ctx, int argc, char **argv)
{
    const char *email = NULL, *pin = NULL, *perms = NULL, *name = NULL, *phone = NULL;
    const struct gh_cli_opt opts[] = {
        { "--email", &email, NULL }, { "--pin", &pin, NULL }, { "--perms", &perms, NULL },
        { "--name", &name, NULL }, { "--phone", &phone, NULL }, { NULL, NULL, NULL }
    };
    int rc = gh_cli_parse(ctx, opts, argc, argv, NULL, 0, 0, NULL);
    if (rc)
        return rc;
    if (!email || !pin || !perms)
        return gh_cli_usage_error(ctx, "%s", _("--email, --pin and --perms are required"));
    char err[256] = "", pinbuf[64];
    unsigned bits = 0;
    if (gh_perms_parse(perms, &bits, err, sizeof err) != 0)
        return gh_cli_fail(ctx, "%s", err[0] ? err : _("perms: unknown permission"));
    if (strcmp(pin, "-") == 0) {
        if (gh_cli_read_secret(ctx, "PIN", pinbuf, sizeof pinbuf) != 0)
            return 1;
        pin = pinbuf;
    }
    struct gh_account_new in = { .email = email, .name = name, .phone = phone };
    int64_t id = 0;
    enum gh_status s = gh_staff_create(ctx->store, ctx->actor, &in, pin, bits, &id);
    sodium_memzero(pinbuf, sizeof pinbuf);
    if (s != GH_OK)
        return gh_cli_store_fail(ctx, s);
    char pf[128];
    gh_perms_format(bits, pf, sizeof pf);
    fprintf(ctx->out, "%s %lld: ", _("added staff"), (long long)id);
    gh_cli_text(ctx->out, email);
    fprintf(ctx->out, " (%s)\n", pf);
    return 0;
}

struct list {
    struct gh_cmd_ctx *ctx;
    int n;
};

static int list_one(void *ud, const struct gh_account *a)
{
    struct list *li = ud;
    FILE *f = li->ctx->out;
    if (li->ctx->json) {
        fputs(li->n ? ",\n " : "[", f);
        gh_cli_json_account(f, a);
    } else {
        char pf[128];
        gh_perms_format(a->perms, pf, sizeof pf);
        if (!li->n)
            fprintf(f, "%-5s %-9s %-32s %-24s %-16s %s\n", "ID", _("STATE"), _("EMAIL"),
                    _("NAME"), _("PHONE"), _("PERMISSIONS"));
        fprintf(f, "%-5lld %-9s ", (long long)a->id, gh_state_name(a->state));
        gh_cli_text(f, a->email);
        int w = 32 - (int)strlen(a->email);
        fprintf(f, "%*s ", w > 0 ? w : 0, "");
        gh_cli_text(f, a->name[0] ? a->name : "-");
        w = 24 - (int)strlen(a->name[0] ? a->name : "-");
        fprintf(f, "%*s ", w > 0 ? w : 0, "");
        gh_cli_text(f, a->phone[0] ? a->phone : "-");
        w = 16 - (int)strlen(a->phone[0] ? a->phone : "-");
        fprintf(f, "%*s %s\n", w > 0 ? w : 0, "", pf);
    }
    li->n++;
    return 0;
}

static int run_list(void *state, struct gh_cmd_ctx *ctx, int argc, char **argv)
{
    static const struct gh_cli_opt opts[] = { { NULL, NULL, NULL } };
    int rc = gh_cli_parse(ctx, opts, argc, argv, NULL, 0, 0, NULL);
    if (rc)
        return rc;
    struct list li = { ctx, 0 };
    struct gh_account_query q = { .kind = GH_KIND_STAFF, .state = -1 };
    enum gh_status s = gh_account_list(ctx->store, &q, list_one, &li);
    if (ctx->json)
        fputs(li.n ? "]\n" : "[]\n", ctx->out);
    return s == GH_OK ? 0 : gh_cli_store_fail(ctx, s);
}

const struct gh_command gh_cli_cmds_staff[] = {
    { sizeof(struct gh_command), "staff add",
      "staff add --email E --pin PIN --perms P1,P2 [--name N] [--phone P]\n"
      "  --pin PIN     4 to 8 digits; '--pin -' reads it from standard input, which keeps\n"
      "                it out of ps(1) and the shell history (use that in scripts)\n"
      "  --perms LIST  approve, manage, open_common, open_vacant, open_shared, admin,\n"
      "                requests\n"
      "                (admin implies all)",
      N_("Add a staff account with a kiosk PIN and permissions."), run_add },
    { sizeof(struct gh_command), "staff list", "staff list",
      N_("Show every staff account."), run_list },
    { 0, NULL, NULL, NULL, NULL }
};
