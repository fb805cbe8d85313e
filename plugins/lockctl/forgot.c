/*
 * forgot.c: "Forgot your PIN?" at the kiosk (SPEC "Kiosk identity"; the rule
 * is the core's gh_forgot_pin).
 *
 *   lockctl.forgot  the person types their email or phone and sends it (the
 *                   Send button, or Next on the keyboard). Whatever the core
 *                   did, the screen says the same sentence, so a passer-by
 *                   learns nothing about who has an account; the screen then
 *                   goes home by itself after a few seconds.
 *
 * Reached from the email-and-PIN log-in screen and from under the door-code
 * keypad. What was typed is wiped on leave.
 */
#include <stdio.h>
#include <string.h>

#include "lockctl.h"

#define SENT_SHOWN_MS 8000

static void forgot_enter(void *state, struct gh_ui *ui, const void *arg)
{
    struct lockctl *lc = state;
    (void)arg;
    lc->ui = ui;
    explicit_bzero(lc->forgot_who, sizeof lc->forgot_who);
    lc->forgot_sent_at = 0;
    lc->forgot_err[0] = '\0';
    lc->u->focus(ui, "lockctl.forgot.who");
}

static void forgot_leave(void *state)
{
    struct lockctl *lc = state;
    explicit_bzero(lc->forgot_who, sizeof lc->forgot_who);
    lc->forgot_sent_at = 0;
    lc->forgot_err[0] = '\0';
}

static void forgot_send(struct lockctl *lc, struct gh_ui *ui)
{
    struct gh_store *st = lc->host->store;
    size_t k = strspn(lc->forgot_who, " ");
    if (!lc->forgot_who[k]) {
        snprintf(lc->forgot_err, sizeof lc->forgot_err, "%s",
                 _("Type your email address or mobile number first."));
        return;
    }
    enum gh_status s = GH_HAS(lc->core, auth_forgot_pin)
                           ? lc->core->auth_forgot_pin(st, "kiosk", lc->forgot_who + k)
                           : GH_E_UNAVAILABLE;
    explicit_bzero(lc->forgot_who, sizeof lc->forgot_who);
    if (s != GH_OK) {
        lc->host->log(lc->host->ctx, GH_LOG_ERR, "forgot PIN: %s", lc->core->errmsg(st));
        snprintf(lc->forgot_err, sizeof lc->forgot_err, "%s",
                 _("This is not available right now. Please try again, or ask the staff."));
        return;
    }
    lc->forgot_sent_at = lc->host->mono_ms();
    lc->u->focus(ui, NULL);
}

static void forgot_draw(void *state, struct gh_ui *ui)
{
    struct lockctl *lc = state;
    const struct gh_ui_api *u = lc->u;
    lc->ui = ui;
    u->heading(ui, _("Forgot your PIN?"));
    if (lc->forgot_sent_at) {
        u->text(ui, "lockctl.forgot.sent",
                _("If this matches an active account, we've emailed a new setup code to its "
                  "address."), GH_UI_SUCCESS);
        u->text(ui, "lockctl.forgot.next",
                _("Then tap \"First time here?\" and set a new PIN with it. Your old PIN "
                  "works until then."), GH_UI_NORMAL);
        int64_t shown = lc->host->mono_ms() - lc->forgot_sent_at;
        if (u->button(ui, "lockctl.forgot.done", _("Done"), GH_UI_PRIMARY) ||
            shown >= SENT_SHOWN_MS)
            u->home(ui);
        else
            u->wake_in(ui, (int)(SENT_SHOWN_MS - shown));   /* home with nobody touching */
        return;
    }
    u->text(ui, "lockctl.forgot.hint",
            _("Type the email address or mobile number of your account. We'll email a new "
              "setup code to the account's address."), GH_UI_NORMAL);
    if (u->field(ui, "lockctl.forgot.who", _("Email or phone"), lc->forgot_who,
                 sizeof lc->forgot_who, GH_KB_EMAIL,
                 lc->forgot_err[0] ? lc->forgot_err : NULL))
        lc->forgot_err[0] = '\0';
    int next = u->entered(ui, "lockctl.forgot.who");
    u->row_begin(ui, 2);
    int cancel = u->button(ui, "lockctl.forgot.cancel", _("Cancel"), GH_UI_NORMAL);
    int send = u->button(ui, "lockctl.forgot.send", _("Send"), GH_UI_PRIMARY);
    u->row_end(ui);
    if (cancel)
        u->home(ui);
    else if (send || next) {
        forgot_send(lc, ui);
        u->invalidate(ui);
    }
}

int lc_forgot_register(struct lockctl *lc)
{
    static const struct gh_screen forgot = {
        .size = sizeof forgot, .id = "lockctl.forgot", .enter = forgot_enter,
        .draw = forgot_draw, .leave = forgot_leave };
    return lc->host->register_screen(lc->host->ctx, &forgot);
}
