/*
 * session.h: the kiosk's staff session, and the hooks that connect the UI
 * toolkit (which knows neither plugins nor accounts) to the plugin registry
 * and the store.
 *
 * A staff member logs in on staff.pin (shell.c: gh_session_begin); the
 * session ends whenever the kiosk goes home (Done, the idle time-out,
 * popping back home). Before every frame it re-reads the staff account: a
 * staff member switched off, blocked or stripped of a permission a screen
 * on the stack needs is sent home with the reason (SPEC, issue 11).
 */
#ifndef GATEHOUSE_KIOSK_SESSION_H
#define GATEHOUSE_KIOSK_SESSION_H
#include "gatehouse/account.h"

struct gh_ui;
struct gh_plugin_host;
struct gh_store;

struct gh_session {
    struct gh_ui *ui;
    struct gh_plugin_host *host;
    struct gh_store *st;
    struct gh_account acct;      /* the staff member, while on */
    int on;
    /* The kiosk's first language ([kiosk] languages), set before attach:
     * the screen returns to it when a person's session ends. */
    char first_lang[16];
};

/* Gives ui its hooks (screens from host's registry, pollers, the home
 * event, the staff session), reads the idle time-out, and shows home_id. */
void gh_session_attach(struct gh_session *s, struct gh_ui *ui, struct gh_plugin_host *host,
                       struct gh_store *st, const char *home_id);
/* Re-reads idle_timeout_s from the store (on start and on a settings event). */
void gh_session_reload_settings(struct gh_session *s);
/* The person at the kiosk chose lang: the whole screen speaks it from the
 * next frame, until the idle time-out or the end of a staff session. */
void gh_session_set_lang(struct gh_session *s, const char *lang);
/* The person at the kiosk tapped "Aa": larger text (GH_UI_LARGE_TEXT) from
 * the next frame, or normal again; like the language, until the idle
 * time-out or the end of a staff session. */
void gh_session_set_large_text(struct gh_session *s, int on);
/* Staff member a logged in (copied). */
void gh_session_begin(struct gh_session *s, const struct gh_account *a);

#endif
