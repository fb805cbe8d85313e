/*
 * cmd_staff.c: staff accounts (employees): `staff add` with a PIN (or a
 * welcome email with a setup code) and permissions, `staff list`, `staff
 * show`, `staff set-perms`, `staff resend-welcome` and `staff
 * clear-lockout`. The rules (no admin demotes or switches off themselves,
 * the last active admin stays) are the core's (staff_admin.c).
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
    const char *lang = NULL;
    const struct gh_cli_opt opts[] = {
        { "--email", &email, NULL }, { "--pin", &pin, NULL }, { "--perms", &perms, NULL },
        { "--name", &name, NULL }, { "--phone", &phone, NULL }, { "--lang", &lang, NULL },
        { NULL, NULL, NULL }
    };
    int rc = gh_cli_parse(ctx, opts, argc, argv, NULL, 0, 0, NULL);
    if (rc || (rc = gh_cli_check_lang(ctx, lang)) != 0)
        return rc;
    if (!email || !perms)
        return gh_cli_usage_error(ctx, "%s", _("--email and --perms are required"));
    char err[256] = "", pinbuf[64];
    unsigned bits = 0;
    if (gh_perms_parse(perms, &bits, err, sizeof err) != 0)
        return gh_cli_fail(ctx, "%s", err[0] ? err : _("perms: unknown permission"));
    if (pin && strcmp(pin, "-") == 0) {
        if (gh_cli_read_secret(ctx, "PIN", pinbuf, sizeof pinbuf) != 0)
            return 1;
        pin = pinbuf;
    }
    struct gh_account_new in = { .email = email, .name = name, .phone = phone };
    int64_t id = 0;
    enum gh_status s = gh_staff_create_lang(ctx->store, ctx->actor, &in, pin, bits, lang, &id);
    sodium_memzero(pinbuf, sizeof pinbuf);
    if (s != GH_OK)
        return gh_cli_store_fail(ctx, s);
    char pf[128];
    gh_perms_format(bits, pf, sizeof pf);
    fprintf(ctx->out, "%s %lld: ", _("added staff"), (long long)id);
    gh_cli_text(ctx->out, email);
    fprintf(ctx->out, " (%s)%s\n", pf, pin ? "" : _("; welcome email with a setup code queued"));
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

/* WHO, which must be a staff account. */
static int find_staff(struct gh_cmd_ctx *ctx, int argc, char **argv, char **pos, int npos,
                      struct gh_account *a)
{
    static const struct gh_cli_opt opts[] = { { NULL, NULL, NULL } };
    int rc = gh_cli_parse(ctx, opts, argc, argv, pos, npos, npos, NULL);
    if (rc || (rc = gh_cli_find_who(ctx, pos[0], a)) != 0)
        return rc;
    if (a->kind != GH_KIND_STAFF)
        return gh_cli_fail(ctx, _("%s is an occupant, not a staff account (see occupant show)"),
                           a->email);
    return 0;
}

static void show_text(struct gh_cmd_ctx *ctx, const struct gh_account *a)
{
    FILE *f = ctx->out;
    char pf[128], t[64];
    gh_perms_format(a->perms, pf, sizeof pf);
    fprintf(f, "%-14s %lld\n%-14s ", "id:", (long long)a->id, _("email:"));
    gh_cli_text(f, a->email);
    fprintf(f, "\n%-14s ", _("name:"));
    gh_cli_text(f, a->name[0] ? a->name : "-");
    fprintf(f, "\n%-14s ", _("phone:"));
    gh_cli_text(f, a->phone[0] ? a->phone : "-");
    fprintf(f, "\n%-14s %s\n", _("state:"), gh_state_name(a->state));
    fprintf(f, "%-14s %s\n", _("permissions:"), pf[0] ? pf : "-");
    gh_cli_show_lang(ctx, a->id);
    fprintf(f, "%-14s %s\n", _("PIN set:"), a->has_pin ? _("yes") : _("no"));
    gh_cli_time(a->created_at, t, sizeof t);
    fprintf(f, "%-14s %s\n", _("created:"), t);
    gh_cli_time(a->last_seen_at, t, sizeof t);
    fprintf(f, "%-14s %s\n", _("last activity:"), t);
    if (a->locked_until > 0) {
        gh_cli_time(a->locked_until, t, sizeof t);
        fprintf(f, "%-14s %s\n", _("locked until:"), t);
    }
}

static int run_show(void *state, struct gh_cmd_ctx *ctx, int argc, char **argv)
{
    char *pos[1];
    struct gh_account a;
    int rc = find_staff(ctx, argc, argv, pos, 1, &a);
    if (rc)
        return rc;
    if (ctx->json) {
        gh_cli_json_account(ctx->out, &a);
        fputc('\n', ctx->out);
    } else {
        show_text(ctx, &a);
    }
    return 0;
}

static int run_set_perms(void *state, struct gh_cmd_ctx *ctx, int argc, char **argv)
{
    char *pos[2], err[256] = "", pf[128];
    struct gh_account a;
    unsigned bits = 0;
    int rc = find_staff(ctx, argc, argv, pos, 2, &a);
    if (rc)
        return rc;
    if (gh_perms_parse(pos[1], &bits, err, sizeof err) != 0)
        return gh_cli_usage_error(ctx, "%s", err[0] ? err : _("perms: unknown permission"));
    enum gh_status s = gh_staff_set_perms(ctx->store, ctx->actor, a.id, bits);
    if (s != GH_OK)
        return gh_cli_store_fail(ctx, s);
    gh_perms_format(bits, pf, sizeof pf);
    fprintf(ctx->out, "%s ", _("permissions of"));
    gh_cli_text(ctx->out, a.email);
    fprintf(ctx->out, ": %s\n", pf[0] ? pf : "-");
    return 0;
}

static int run_resend(void *state, struct gh_cmd_ctx *ctx, int argc, char **argv)
{
    const char *lang = NULL;
    const struct gh_cli_opt opts[] = { { "--lang", &lang, NULL }, { NULL, NULL, NULL } };
    char *pos[1];
    struct gh_account a;
    int rc = gh_cli_parse(ctx, opts, argc, argv, pos, 1, 1, NULL);
    if (rc || (rc = gh_cli_check_lang(ctx, lang)) != 0 ||
        (rc = gh_cli_find_who(ctx, pos[0], &a)) != 0)
        return rc;
    if (a.kind != GH_KIND_STAFF)
        return gh_cli_fail(ctx, _("%s is an occupant, not a staff account (see occupant show)"),
                           a.email);
    if ((rc = gh_cli_store_lang(ctx, a.id, lang)) != 0)
        return rc;
    enum gh_status s = gh_account_resend_welcome(ctx->store, ctx->actor, a.id);
    if (s != GH_OK)
        return gh_cli_store_fail(ctx, s);
    fprintf(ctx->out, "%s ", _("welcome email queued for"));
    gh_cli_text(ctx->out, a.email);
    fprintf(ctx->out, "; %s\n", _("the previous setup code no longer works"));
    return 0;
}

static int run_clear_lockout(void *state, struct gh_cmd_ctx *ctx, int argc, char **argv)
{
    char *pos[1];
    struct gh_account a;
    int rc = find_staff(ctx, argc, argv, pos, 1, &a);
    if (rc)
        return rc;
    enum gh_status s = gh_account_clear_lockout(ctx->store, ctx->actor, a.id);
    if (s != GH_OK)
        return gh_cli_store_fail(ctx, s);
    fprintf(ctx->out, "%s ", _("lock-out cleared for"));
    gh_cli_text(ctx->out, a.email);
    fputc('\n', ctx->out);
    return 0;
}

const struct gh_command gh_cli_cmds_staff[] = {
    { sizeof(struct gh_command), "staff add",
      "staff add --email E --perms P1,P2 [--pin PIN] [--name N] [--phone P] [--lang CODE]\n"
      "  --pin PIN     4 to 8 digits; '--pin -' reads it from standard input, which keeps\n"
      "                it out of ps(1) and the shell history (use that in scripts).\n"
      "                Without --pin a welcome email with a setup code is queued.\n"
      "  --perms LIST  approve, manage, open_common, open_vacant, open_shared, admin,\n"
      "                requests\n"
      "                (admin implies all)\n"
      "  --lang CODE   the language of their emails, one of [kiosk] languages\n"
      "                (default: the kiosk's first language)",
      N_("Add a staff account with a kiosk PIN and permissions."), run_add },
    { sizeof(struct gh_command), "staff list", "staff list",
      N_("Show every staff account."), run_list },
    { sizeof(struct gh_command), "staff show", "staff show WHO",
      N_("Show one staff account with its permissions and lock-out."), run_show },
    { sizeof(struct gh_command), "staff set-perms",
      "staff set-perms WHO P1,P2\n"
      "  The whole new list (approve, manage, open_common, open_vacant, open_shared,\n"
      "  admin). The last active admin keeps admin.",
      N_("Replace a staff account's permissions."), run_set_perms },
    { sizeof(struct gh_command), "staff resend-welcome",
      "staff resend-welcome WHO [--lang CODE]\n"
      "  --lang CODE  first store CODE as the language of their emails",
      N_("Queue the welcome email again with a new setup code (the old one stops working)."),
      run_resend },
    { sizeof(struct gh_command), "staff clear-lockout", "staff clear-lockout WHO",
      N_("End a staff account's kiosk lock-out now."), run_clear_lockout },
    { 0, NULL, NULL, NULL, NULL }
};
