/*
 * cmd_occupant.c: occupants (tenants): staff creation, the kiosk's self
 * sign-up rules, listing and showing, every state change of SPEC "Occupant
 * states", location access, the welcome email and the setup code.
 *
 * The rules themselves are the core's; each command here parses, looks the
 * account up (WHO: email, phone or id), calls one core function and reports
 * its outcome or its refusal (which names the rule or the field).
 */
#include "cli.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

/* --all | --group G | --locations A,B, at most one. 0, or 2 after a usage
 * error. *locv must be freed by the caller. */
static int parse_access(struct gh_cmd_ctx *ctx, int all, const char *group, const char *locs,
                        enum gh_access *access, char ***locv, int *nloc)
{
    *locv = NULL;
    *nloc = 0;
    if (all + !!group + !!locs > 1)
        return gh_cli_usage_error(ctx, "%s", _("give only one of --all, --group and --locations"));
    *access = all ? GH_ACCESS_ALL : group ? GH_ACCESS_GROUP : locs ? GH_ACCESS_SPECIFIC
                                                                  : GH_ACCESS_NONE;
    if (locs) {
        if (!(*locv = gh_cli_split(locs, nloc)))
            return gh_cli_fail(ctx, "%s", gh_strerror(GH_E_NOMEM));
        if (*nloc == 0)
            return gh_cli_usage_error(ctx, "%s", _("--locations: name at least one location"));
    }
    return 0;
}

static void describe(FILE *f, const struct gh_account *a)
{
    gh_cli_text(f, a->email);
    fprintf(f, " (%s %lld)", _("id"), (long long)a->id);
}

static int run_add(void *state, struct gh_cmd_ctx *ctx, int argc, char **argv)
{
    const char *email = NULL, *name = NULL, *phone = NULL, *group = NULL, *locs = NULL;
    const char *lang = NULL;
    int all = 0;
    const struct gh_cli_opt opts[] = {
        { "--email", &email, NULL }, { "--name", &name, NULL }, { "--phone", &phone, NULL },
        { "--all", NULL, &all }, { "--group", &group, NULL }, { "--locations", &locs, NULL },
        { "--lang", &lang, NULL }, { NULL, NULL, NULL }
    };
    int rc = gh_cli_parse(ctx, opts, argc, argv, NULL, 0, 0, NULL);
    if (rc || (rc = gh_cli_check_lang(ctx, lang)) != 0)
        return rc;
    if (!email)
        return gh_cli_usage_error(ctx, "%s", _("--email is required"));
    struct gh_account_new in = { .email = email, .name = name, .phone = phone, .group = group };
    char **locv = NULL;
    if ((rc = parse_access(ctx, all, group, locs, &in.access, &locv, &in.n_locations)) != 0)
        goto out;
    in.locations = (const char *const *)locv;
    int64_t id = 0;
    enum gh_status s = gh_occupant_create_lang(ctx->store, ctx->actor, &in, lang, &id);
    if (s != GH_OK) {
        rc = gh_cli_store_fail(ctx, s);
        goto out;
    }
    fprintf(ctx->out, "%s %lld: ", _("added occupant"), (long long)id);
    gh_cli_text(ctx->out, email);
    fprintf(ctx->out, " (%s, %s %s); %s\n", _("active"), _("access"), gh_access_name(in.access),
            _("welcome email queued"));
out:
    free(locv);
    return rc;
}

static int run_signup(void *state, struct gh_cmd_ctx *ctx, int argc, char **argv)
{
    const char *email = NULL, *name = NULL, *phone = NULL, *org = NULL, *unit = NULL;
    const char *lang = NULL;
    const struct gh_cli_opt opts[] = {
        { "--email", &email, NULL }, { "--name", &name, NULL }, { "--phone", &phone, NULL },
        { "--org", &org, NULL }, { "--unit", &unit, NULL }, { "--lang", &lang, NULL },
        { NULL, NULL, NULL }
    };
    int rc = gh_cli_parse(ctx, opts, argc, argv, NULL, 0, 0, NULL);
    if (rc || (rc = gh_cli_check_lang(ctx, lang)) != 0)
        return rc;
    if (!email)
        return gh_cli_usage_error(ctx, "%s", _("--email is required"));
    struct gh_signup in = { .email = email, .name = name, .phone = phone, .org = org, .unit = unit };
    struct gh_signup_result res = {0};
    enum gh_status s = gh_occupant_signup_lang(ctx->store, ctx->actor, &in, lang, &res);
    if (s != GH_OK)
        return gh_cli_store_fail(ctx, s);
    static const char *const what[] = {
        [GH_SIGNUP_PENDING] = N_("signed up; waiting for approval"),
        [GH_SIGNUP_ACTIVE] = N_("signed up; active, welcome email queued"),
        [GH_SIGNUP_REACTIVATED_PENDING] = N_("re-activated; waiting for approval"),
        [GH_SIGNUP_REACTIVATED_ACTIVE] = N_("re-activated; active, welcome email queued"),
    };
    const char *w = (unsigned)res.outcome < sizeof what / sizeof what[0] ? what[res.outcome] : "?";
    if (ctx->json) {
        fprintf(ctx->out, "{\"id\":%lld,\"outcome\":", (long long)res.account_id);
        gh_cli_json_str(ctx->out, w);
        fprintf(ctx->out, ",\"joined_group_id\":%lld}\n", (long long)res.joined_group_id);
        return 0;
    }
    fprintf(ctx->out, "%s %lld: ", _("occupant"), (long long)res.account_id);
    gh_cli_text(ctx->out, email);
    fprintf(ctx->out, " %s", _(w));
    if (res.joined_group_id) {
        struct gh_group g;
        if (gh_group_get(ctx->store, res.joined_group_id, &g) == GH_OK) {
            fprintf(ctx->out, "; %s ", _("joined group"));
            gh_cli_text(ctx->out, g.name);
        }
    }
    fputc('\n', ctx->out);
    return 0;
}

struct list {
    struct gh_cmd_ctx *ctx;
    int n;
};

static void cell(FILE *f, const char *s, int width)
{
    const char *v = s && *s ? s : "-";
    gh_cli_text(f, v);
    int w = width - (int)strlen(v);
    fprintf(f, "%*s ", w > 0 ? w : 0, "");
}

static int list_one(void *ud, const struct gh_account *a)
{
    struct list *li = ud;
    FILE *f = li->ctx->out;
    if (li->ctx->json) {
        fputs(li->n ? ",\n " : "[", f);
        gh_cli_json_account(f, a);
    } else {
        if (!li->n)
            fprintf(f, "%-6s %-9s %-32s %-24s %-16s %-9s %s\n", "ID", _("STATE"), _("EMAIL"),
                    _("NAME"), _("PHONE"), _("ACCESS"), _("GROUP"));
        fprintf(f, "%-6lld %-9s ", (long long)a->id, gh_state_name(a->state));
        cell(f, a->email, 32);
        cell(f, a->name, 24);
        cell(f, a->phone, 16);
        fprintf(f, "%-9s ", gh_access_name(a->access));
        gh_cli_text(f, a->group_id ? a->group_name : "-");
        fputc('\n', f);
    }
    li->n++;
    return 0;
}

static int run_list(void *state, struct gh_cmd_ctx *ctx, int argc, char **argv)
{
    const char *st = NULL;
    const struct gh_cli_opt opts[] = { { "--state", &st, NULL }, { NULL, NULL, NULL } };
    int rc = gh_cli_parse(ctx, opts, argc, argv, NULL, 0, 0, NULL);
    if (rc)
        return rc;
    struct gh_account_query q = { .kind = GH_KIND_OCCUPANT, .state = -1 };
    if (st) {
        enum gh_state v;
        if (gh_state_parse(st, &v) != 0)
            return gh_cli_usage_error(ctx, "%s", _("--state: must be active, pending, inactive or blocked"));
        q.state = (int)v;
        q.oldest_first = v == GH_STATE_PENDING;   /* the approval queue, oldest first */
    }
    struct list li = { ctx, 0 };
    enum gh_status s = gh_account_list(ctx->store, &q, list_one, &li);
    if (ctx->json)
        fputs(li.n ? "]\n" : "[]\n", ctx->out);
    return s == GH_OK ? 0 : gh_cli_store_fail(ctx, s);
}

static int unit_name(void *ud, const struct gh_location *l)
{
    struct list *li = ud;
    if (li->ctx->json) {
        fputs(li->n ? "," : "", li->ctx->out);
        gh_cli_json_str(li->ctx->out, l->name);
    } else {
        fputs(li->n ? ", " : "", li->ctx->out);
        gh_cli_text(li->ctx->out, l->name);
    }
    li->n++;
    return 0;
}

static int run_show(void *state, struct gh_cmd_ctx *ctx, int argc, char **argv)
{
    static const struct gh_cli_opt opts[] = { { NULL, NULL, NULL } };
    char *pos[1];
    int rc = gh_cli_parse(ctx, opts, argc, argv, pos, 1, 1, NULL);
    if (rc)
        return rc;
    struct gh_account a;
    if ((rc = gh_cli_find_who(ctx, pos[0], &a)) != 0)
        return rc;
    FILE *f = ctx->out;
    struct list li = { ctx, 0 };
    enum gh_status s = GH_OK;
    if (ctx->json) {
        fputc('{', f);
        gh_cli_json_account_fields(f, &a);
        fprintf(f, ",\"door_code\":%s", gh_doorcode_has(ctx->store, a.id) ? "true" : "false");
        gh_cli_show_lang(ctx, a.id);
        fputs(",\"units\":[", f);
        if (a.kind == GH_KIND_OCCUPANT)
            s = gh_unit_list_for(ctx->store, a.id, unit_name, &li);
        fputs("]}\n", f);
        return s == GH_OK ? 0 : gh_cli_store_fail(ctx, s);
    }
    char t[64];
    fprintf(f, "%-14s %lld\n", "id:", (long long)a.id);
    fprintf(f, "%-14s %s\n", _("kind:"), gh_kind_name(a.kind));
    fprintf(f, "%-14s ", _("email:"));
    gh_cli_text(f, a.email);
    fprintf(f, "\n%-14s ", _("name:"));
    gh_cli_text(f, a.name[0] ? a.name : "-");
    fprintf(f, "\n%-14s ", _("phone:"));
    gh_cli_text(f, a.phone[0] ? a.phone : "-");
    fprintf(f, "\n%-14s %s\n", _("state:"), gh_state_name(a.state));
    fprintf(f, "%-14s %s\n", _("door code:"),
            gh_doorcode_has(ctx->store, a.id) ? _("yes") : _("none"));
    if (a.kind == GH_KIND_STAFF) {
        char pf[128];
        gh_perms_format(a.perms, pf, sizeof pf);
        fprintf(f, "%-14s %s\n", _("permissions:"), pf);
    } else {
        fprintf(f, "%-14s %s\n", _("access:"), gh_access_name(a.access));
        fprintf(f, "%-14s ", _("group:"));
        gh_cli_text(f, a.group_id ? a.group_name : "-");
        fprintf(f, "\n%-14s ", _("units:"));
        s = gh_unit_list_for(ctx->store, a.id, unit_name, &li);
        fputs(li.n ? "\n" : "-\n", f);
        if (a.req_org[0] || a.req_unit[0]) {
            fprintf(f, "%-14s ", _("asked for:"));
            gh_cli_text(f, a.req_org[0] ? a.req_org : "-");
            fputs(" / ", f);
            gh_cli_text(f, a.req_unit[0] ? a.req_unit : "-");
            fputc('\n', f);
        }
    }
    gh_cli_show_lang(ctx, a.id);
    fprintf(f, "%-14s %s\n", _("PIN set:"), a.has_pin ? _("yes") : _("no"));
    gh_cli_time(a.created_at, t, sizeof t);
    fprintf(f, "%-14s %s\n", _("created:"), t);
    if (a.signed_up_at) {
        gh_cli_time(a.signed_up_at, t, sizeof t);
        fprintf(f, "%-14s %s\n", _("signed up:"), t);
    }
    gh_cli_time(a.last_seen_at, t, sizeof t);
    fprintf(f, "%-14s %s\n", _("last activity:"), t);
    if (a.locked_until > 0) {
        gh_cli_time(a.locked_until, t, sizeof t);
        fprintf(f, "%-14s %s\n", _("locked until:"), t);
    }
    return s == GH_OK ? 0 : gh_cli_store_fail(ctx, s);
}

/* The commands that take one WHO and change its state. */
static int one_who(struct gh_cmd_ctx *ctx, int argc, char **argv, char **pos, int npos,
                   struct gh_account *a)
{
    static const struct gh_cli_opt opts[] = { { NULL, NULL, NULL } };
    int rc = gh_cli_parse(ctx, opts, argc, argv, pos, npos, npos, NULL);
    if (rc)
        return rc;
    return gh_cli_find_who(ctx, pos[0], a);
}

/* WHO [--lang CODE]: the commands that queue mail to the person; a valid
 * --lang is stored on the account before the mail is composed. */
static int one_who_lang(struct gh_cmd_ctx *ctx, int argc, char **argv, struct gh_account *a)
{
    const char *lang = NULL;
    const struct gh_cli_opt opts[] = { { "--lang", &lang, NULL }, { NULL, NULL, NULL } };
    char *pos[1];
    int rc = gh_cli_parse(ctx, opts, argc, argv, pos, 1, 1, NULL);
    if (rc || (rc = gh_cli_check_lang(ctx, lang)) != 0 ||
        (rc = gh_cli_find_who(ctx, pos[0], a)) != 0)
        return rc;
    return gh_cli_store_lang(ctx, a->id, lang);
}

static int report_state(struct gh_cmd_ctx *ctx, const char *verb, int64_t id)
{
    struct gh_account a;
    if (gh_account_get(ctx->store, id, &a) != GH_OK)
        return 0;
    fprintf(ctx->out, "%s ", verb);
    describe(ctx->out, &a);
    fprintf(ctx->out, ": %s\n", gh_state_name(a.state));
    return 0;
}

static int run_approve(void *state, struct gh_cmd_ctx *ctx, int argc, char **argv)
{
    struct gh_account a;
    int rc = one_who_lang(ctx, argc, argv, &a);
    if (rc)
        return rc;
    enum gh_status s = gh_occupant_approve(ctx->store, ctx->actor, a.id);
    return s == GH_OK ? report_state(ctx, _("approved"), a.id) : gh_cli_store_fail(ctx, s);
}

static int run_reject(void *state, struct gh_cmd_ctx *ctx, int argc, char **argv)
{
    char *pos[1];
    struct gh_account a;
    int rc = one_who(ctx, argc, argv, pos, 1, &a);
    if (rc)
        return rc;
    enum gh_status s = gh_occupant_reject(ctx->store, ctx->actor, a.id);
    return s == GH_OK ? report_state(ctx, _("rejected"), a.id) : gh_cli_store_fail(ctx, s);
}

static int run_set_state(void *state, struct gh_cmd_ctx *ctx, int argc, char **argv)
{
    char *pos[2];
    static const struct gh_cli_opt opts[] = { { NULL, NULL, NULL } };
    int rc = gh_cli_parse(ctx, opts, argc, argv, pos, 2, 2, NULL);
    if (rc)
        return rc;
    enum gh_state to;
    if (gh_state_parse(pos[1], &to) != 0 || to == GH_STATE_PENDING || to == GH_STATE_REMOVED)
        return gh_cli_usage_error(ctx, "%s", _("state: must be active, inactive or blocked"));
    struct gh_account a;
    if ((rc = gh_cli_find_who(ctx, pos[0], &a)) != 0)
        return rc;
    enum gh_status s = gh_occupant_set_state(ctx->store, ctx->actor, a.id, to);
    return s == GH_OK ? report_state(ctx, _("changed"), a.id) : gh_cli_store_fail(ctx, s);
}

static int run_remove(void *state, struct gh_cmd_ctx *ctx, int argc, char **argv)
{
    int force = 0;
    const struct gh_cli_opt opts[] = { { "--force", NULL, &force }, { NULL, NULL, NULL } };
    char *pos[1];
    struct gh_account a;
    int rc = gh_cli_parse(ctx, opts, argc, argv, pos, 1, 1, NULL);
    if (rc || (rc = gh_cli_find_who(ctx, pos[0], &a)) != 0)
        return rc;
    enum gh_status s = gh_occupant_remove(ctx->store, ctx->actor, a.id, force);
    if (s != GH_OK)
        return gh_cli_store_fail(ctx, s);
    /* the details are gone: name the account by its id only */
    fprintf(ctx->out, _("removed occupant #%lld: personal details erased\n"), (long long)a.id);
    return 0;
}

static int run_access(void *state, struct gh_cmd_ctx *ctx, int argc, char **argv)
{
    const char *group = NULL, *locs = NULL;
    int all = 0;
    const struct gh_cli_opt opts[] = {
        { "--all", NULL, &all }, { "--group", &group, NULL }, { "--locations", &locs, NULL },
        { NULL, NULL, NULL }
    };
    char *pos[1];
    int rc = gh_cli_parse(ctx, opts, argc, argv, pos, 1, 1, NULL);
    if (rc)
        return rc;
    if (!all && !group && !locs)
        return gh_cli_usage_error(ctx, "%s", _("give one of --all, --group and --locations"));
    enum gh_access acc;
    char **locv = NULL;
    int n = 0;
    struct gh_account a;
    if ((rc = parse_access(ctx, all, group, locs, &acc, &locv, &n)) != 0 ||
        (rc = gh_cli_find_who(ctx, pos[0], &a)) != 0)
        goto out;
    enum gh_status s = gh_occupant_set_access(ctx->store, ctx->actor, a.id, acc, group,
                                              (const char *const *)locv, n);
    if (s != GH_OK) {
        rc = gh_cli_store_fail(ctx, s);
        goto out;
    }
    fprintf(ctx->out, "%s ", _("access of"));
    describe(ctx->out, &a);
    fprintf(ctx->out, ": %s", gh_access_name(acc));
    if (group || locs) {
        fputc(' ', ctx->out);
        gh_cli_text(ctx->out, group ? group : locs);
    }
    fputc('\n', ctx->out);
out:
    free(locv);
    return rc;
}

static int run_resend(void *state, struct gh_cmd_ctx *ctx, int argc, char **argv)
{
    struct gh_account a;
    int rc = one_who_lang(ctx, argc, argv, &a);
    if (rc)
        return rc;
    enum gh_status s = gh_account_resend_welcome(ctx->store, ctx->actor, a.id);
    if (s != GH_OK)
        return gh_cli_store_fail(ctx, s);
    fprintf(ctx->out, "%s ", _("welcome email queued for"));
    describe(ctx->out, &a);
    fprintf(ctx->out, "; %s\n", _("the previous setup code no longer works"));
    return 0;
}

static int run_set_lang(void *state, struct gh_cmd_ctx *ctx, int argc, char **argv)
{
    char *pos[2];
    struct gh_account a;
    int rc = one_who(ctx, argc, argv, pos, 2, &a);
    if (rc)
        return rc;
    const char *lang = strcmp(pos[1], "default") == 0 ? "" : pos[1];
    if (*lang && (rc = gh_cli_check_lang(ctx, lang)) != 0)
        return rc;
    enum gh_status s = gh_account_set_lang(ctx->store, ctx->actor, a.id, lang);
    if (s != GH_OK)
        return gh_cli_store_fail(ctx, s);
    fprintf(ctx->out, "%s ", _("emails in"));
    fprintf(ctx->out, "%s ", *lang ? lang : _("the kiosk's first language"));
    fprintf(ctx->out, "%s ", _("for"));
    describe(ctx->out, &a);
    fputc('\n', ctx->out);
    return 0;
}

static int run_setup(void *state, struct gh_cmd_ctx *ctx, int argc, char **argv)
{
    const char *code = NULL, *pin = NULL;
    const struct gh_cli_opt opts[] = {
        { "--code", &code, NULL }, { "--pin", &pin, NULL }, { NULL, NULL, NULL }
    };
    char *pos[1], pinbuf[64] = "", codebuf[64] = "";
    int rc = gh_cli_parse(ctx, opts, argc, argv, pos, 1, 1, NULL);
    if (rc)
        return rc;
    if (!code || !pin)
        return gh_cli_usage_error(ctx, "%s", _("--code and --pin are required"));
    if (strcmp(code, "-") == 0 && strcmp(pin, "-") == 0)
        return gh_cli_usage_error(ctx, "%s", _("only one of --code and --pin can be read from standard input"));
    if (strcmp(pin, "-") == 0) {
        if (gh_cli_read_secret(ctx, "PIN", pinbuf, sizeof pinbuf) != 0)
            return 1;
        pin = pinbuf;
    }
    if (strcmp(code, "-") == 0) {
        if (gh_cli_read_secret(ctx, _("code"), codebuf, sizeof codebuf) != 0)
            return 1;
        code = codebuf;
    }
    struct gh_account a;
    if ((rc = gh_cli_find_who(ctx, pos[0], &a)) != 0)
        goto out;
    enum gh_status s = gh_auth_redeem(ctx->store, ctx->actor, pos[0], code, pin);
    if (s != GH_OK) {
        rc = gh_cli_store_fail(ctx, s);
        goto out;
    }
    fprintf(ctx->out, "%s ", _("PIN set for"));
    describe(ctx->out, &a);
    fputc('\n', ctx->out);
out:
    sodium_memzero(pinbuf, sizeof pinbuf);
    sodium_memzero(codebuf, sizeof codebuf);
    return rc;
}

static int run_clear_lockout(void *state, struct gh_cmd_ctx *ctx, int argc, char **argv)
{
    char *pos[1];
    struct gh_account a;
    int rc = one_who(ctx, argc, argv, pos, 1, &a);
    if (rc)
        return rc;
    enum gh_status s = gh_account_clear_lockout(ctx->store, ctx->actor, a.id);
    if (s != GH_OK)
        return gh_cli_store_fail(ctx, s);
    fprintf(ctx->out, "%s ", _("lock-out cleared for"));
    describe(ctx->out, &a);
    fputc('\n', ctx->out);
    return 0;
}

#define CMD(name, usage, summary, fn) { sizeof(struct gh_command), name, usage, summary, fn }
const struct gh_command gh_cli_cmds_occupant[] = {
    CMD("occupant add",
        "occupant add --email E [--name N] [--phone P] [--all | --group G | --locations A,B]\n"
        "             [--lang CODE]\n"
        "  --all            every location, including ones added later\n"
        "  --group G        whatever group G grants (the occupant joins G)\n"
        "  --locations A,B  these locations and everything inside them\n"
        "  --lang CODE      the language of their emails, one of [kiosk] languages\n"
        "                   (default: the kiosk's first language)\n"
        "Without an access option the occupant can open no door until given one\n"
        "(occupant access). The account is active at once and a welcome email with a\n"
        "setup code is queued.",
        N_("Add an occupant as staff: active at once, welcome email queued."), run_add),
    CMD("occupant signup",
        "occupant signup --email E [--name N] [--phone P] [--org TEXT] [--unit TEXT]\n"
        "                [--lang CODE]\n"
        "Follows the kiosk's self sign-up rules (settings self_signup, signup_approval,\n"
        "signup_default_access, group email domains). --org and --unit are a request\n"
        "shown to the approver, never access by themselves. --lang CODE: the language\n"
        "of their emails (as the kiosk stores the language the person used).",
        N_("Sign up as the kiosk's form does (pending while approval is on)."), run_signup),
    CMD("occupant list", "occupant list [--state active|pending|inactive|blocked]",
        N_("Show occupants (pending ones oldest first: the approval queue)."), run_list),
    CMD("occupant show", "occupant show WHO",
        N_("Show one account (occupant or staff) with its access and units."), run_show),
    CMD("occupant approve",
        "occupant approve WHO [--lang CODE]\n"
        "  --lang CODE  first store CODE as the language of their emails",
        N_("Approve a pending sign-up: active, welcome email queued."), run_approve),
    CMD("occupant reject", "occupant reject WHO",
        N_("Reject a pending sign-up: inactive."), run_reject),
    CMD("occupant set-state", "occupant set-state WHO active|inactive|blocked",
        N_("Change an occupant's state (blocked -> active unblocks)."), run_set_state),
    CMD("occupant remove",
        "occupant remove WHO [--force]\n"
        "  --force  also when they rent units (those are vacated)\n"
        "Vacates their units, voids their PIN, setup code and door code, cancels mail\n"
        "queued to or about them and erases their name, email, phone and sign-up\n"
        "details; the account stays as \"removed occupant #ID\", which can never log\n"
        "in, open a door or be changed. Their email and phone are free again.",
        N_("Remove a person: erase their personal details (not staff)."), run_remove),
    CMD("occupant access", "occupant access WHO (--all | --group G | --locations A,B)",
        N_("Set an occupant's location access."), run_access),
    CMD("occupant resend-welcome",
        "occupant resend-welcome WHO [--lang CODE]\n"
        "  --lang CODE  first store CODE as the language of their emails",
        N_("Queue the welcome email again with a new setup code (the old one stops working)."),
        run_resend),
    CMD("occupant set-lang",
        "occupant set-lang WHO CODE|default\n"
        "The language their emails are written in from now on: one of [kiosk]\n"
        "languages, or default for the kiosk's first language. occupant show shows it.",
        N_("Set the language of a person's emails (occupant or staff)."), run_set_lang),
    CMD("occupant setup",
        "occupant setup WHO --code CODE --pin PIN\n"
        "  --code CODE  the 6-digit setup code from the welcome email\n"
        "  --pin PIN    the new PIN, 4 to 8 digits, not all alike and not a straight run\n"
        "Either value may be '-' to read it from standard input, which keeps it out of\n"
        "ps(1) and the shell history.",
        N_("Redeem a setup code and set the occupant's PIN."), run_setup),
    CMD("occupant clear-lockout", "occupant clear-lockout WHO",
        N_("End a kiosk lock-out now (after too many wrong PINs or codes)."),
        run_clear_lockout),
    { 0, NULL, NULL, NULL, NULL }
};
