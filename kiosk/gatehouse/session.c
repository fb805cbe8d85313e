/*
 * session.c: the kiosk's staff session and the UI toolkit's hooks (see
 * session.h). The toolkit asks; this file answers from the plugin registry
 * and the store.
 */
#include <string.h>
#include <stdio.h>
#include "session.h"
#include "gatehouse/plugin_host.h"
#include "gatehouse/ui_host.h"
#include "gatehouse/store.h"
#include "gatehouse/audit.h"
#include "gatehouse/i18n.h"
#include "gatehouse/oplog.h"

static int find_screen(void *ud, const char *id, struct gh_ui_screen *out)
{
    struct gh_session *s = ud;
    const struct gh_reg_screen *reg = s->host ? gh_plugin_host_screen(s->host, id) : NULL;
    if (!reg)
        return 0;
    *out = (struct gh_ui_screen){ reg->screen, reg->state, reg->plugin };
    return 1;
}

static void went_home(void *ud)
{
    struct gh_session *s = ud;
    struct gh_event ev = { .kind = GH_EVENT_HOME, .id = 0, .text = NULL };
    if (s->host)
        gh_plugin_host_emit(s->host, &ev);
}

static int poll_plugins(void *ud, int64_t now)
{
    struct gh_session *s = ud;
    return s->host ? gh_plugin_host_poll(s->host, now) : -1;
}

static const char *may_open(void *ud, unsigned perm)
{
    struct gh_session *s = ud;
    if (!s->on || !gh_perms_has(s->acct.perms, perm))
        return _("A staff member with the right permission must log in first.");
    return NULL;
}

/* Why the staff session can't go on with account a (read just now, status
 * st), or NULL: gone, not staff, not active, or without a permission that a
 * screen on the stack needs. */
static const char *staff_gone(enum gh_status st, const struct gh_account *a,
                              const unsigned *perms, int n)
{
    if (st != GH_OK && st != GH_E_NOTFOUND)
        return _("Your staff account could not be checked, so the staff session has ended. "
                 "Please log in again.");
    if (st == GH_E_NOTFOUND || a->kind != GH_KIND_STAFF || a->state != GH_STATE_ACTIVE)
        return _("Your staff account is no longer active. Ask an administrator.");
    for (int i = 0; i < n; i++)
        if (perms[i] && !gh_perms_has(a->perms, perms[i]))
            return _("Your staff permissions have changed. Please log in again.");
    return NULL;
}

/* A staff session re-reads the staff account (state, permissions) before
 * every action (issue 11): the toolkit asks before every frame, and a tap
 * acts only while a frame is built. A staff member switched off, blocked or
 * stripped of a permission from elsewhere (gatehousectl, another kiosk) is
 * sent home with the reason, before the tap that would have acted; the end
 * is logged. A failed read ends the session too (fail closed). */
static const char *recheck(void *ud, const unsigned *perms, int n)
{
    struct gh_session *s = ud;
    if (!s->on || !s->st)
        return NULL;
    struct gh_account a;
    int64_t id = s->acct.id;
    enum gh_status st = gh_account_get(s->st, id, &a);
    const char *why = staff_gone(st, &a, perms, n);
    if (!why) {
        s->acct = a;
        explicit_bzero(&a, sizeof a);
        return NULL;
    }
    char target[64];
    snprintf(target, sizeof target, "staff:%lld", (long long)id);
    gh_oplog(GH_LOG_INFO, "staff session of account %lld ended: %s", (long long)id, why);
    gh_audit_append(s->st, "kiosk", "staff.session", target, GH_OUTCOME_REFUSED,
                    st == GH_OK ? "staff account no longer active or permission removed"
                                : "staff account could not be read");
    explicit_bzero(&a, sizeof a);
    return why;                          /* the toolkit goes home: end() below */
}

static const struct gh_account *staff(void *ud)
{
    struct gh_session *s = ud;
    return s->on ? &s->acct : NULL;
}

/* The person has gone: the first language and the normal text size. */
static void back_to_first_lang(struct gh_session *s)
{
    if (s->ui && gh_ui_large_text(s->ui)) {
        gh_ui_set_large_text(s->ui, 0);
        gh_oplog(GH_LOG_DEBUG, "text size back to normal");
    }
    if (strcmp(gh_i18n_current(), s->first_lang[0] ? s->first_lang : "en") == 0)
        return;
    gh_i18n_use(s->first_lang);
    gh_oplog(GH_LOG_DEBUG, "language back to %s", gh_i18n_current());
    if (s->ui)
        gh_ui_invalidate(s->ui);
}

/* A staff session that ends is a person leaving: their language and text
 * size go too.
 * (Going home from a person's own screens, e.g. Cancel, keeps it.) */
static void end(void *ud)
{
    struct gh_session *s = ud;
    int was_on = s->on;
    explicit_bzero(&s->acct, sizeof s->acct);
    s->on = 0;
    if (was_on)
        back_to_first_lang(s);
}

static int personal(void *ud)
{
    struct gh_session *s = ud;
    return strcmp(gh_i18n_current(), s->first_lang[0] ? s->first_lang : "en") != 0 ||
           (s->ui && gh_ui_large_text(s->ui));
}

static void idle(void *ud)
{
    back_to_first_lang(ud);
}

void gh_session_set_lang(struct gh_session *s, const char *lang)
{
    if (gh_i18n_use(lang) != 0)
        return;
    gh_oplog(GH_LOG_DEBUG, "language %s chosen at the kiosk", gh_i18n_current());
    if (s->ui)
        gh_ui_invalidate(s->ui);
}

void gh_session_set_large_text(struct gh_session *s, int on)
{
    if (s->ui && gh_ui_set_large_text(s->ui, on) == GH_OK)
        gh_oplog(GH_LOG_DEBUG, "text size %s chosen at the kiosk", on ? "larger" : "normal");
}

void gh_session_begin(struct gh_session *s, const struct gh_account *a)
{
    s->acct = *a;
    s->on = 1;
    if (s->ui)
        gh_ui_invalidate(s->ui);
}

void gh_session_reload_settings(struct gh_session *s)
{
    if (!s->ui || !s->st)
        return;
    int64_t sec = gh_settings_get_int(s->st, GH_SETTING_IDLE_TIMEOUT_S);
    if (sec > 0 && sec < 24 * 3600)
        gh_ui_set_idle_timeout(s->ui, (int)(sec * 1000));
}

void gh_session_attach(struct gh_session *s, struct gh_ui *ui, struct gh_plugin_host *host,
                       struct gh_store *st, const char *home_id)
{
    const struct gh_ui_hooks hooks = {
        .ud = s, .screen = find_screen, .went_home = went_home, .poll = poll_plugins,
        .may_open = may_open, .recheck = recheck, .staff = staff, .end = end,
        .personal = personal, .idle = idle };
    s->ui = ui;
    s->host = host;
    s->st = st;
    gh_session_reload_settings(s);
    gh_ui_attach(ui, &hooks, home_id);
}
