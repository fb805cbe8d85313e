/*
 * lockctl.h: what the lock control plugin's files share. They call one way:
 * the relay layer (relay.h) -> door.c (relay manager life, activity-log
 * events, unlocking) -> opened.c -> screens.c (the Unlock screens), mine.c,
 * forgot.c -> doorkiosk.c (the door-code keypad), commands.c (the
 * gatehousectl commands) -> lockctl.c (descriptor, init, registration).
 * Internal to the plugin; the relay layer itself is relay.h.
 */
#ifndef GH_LOCKCTL_LOCKCTL_H
#define GH_LOCKCTL_LOCKCTL_H

#include <gatehouse/plugin.h>
#include "relay.h"

/* How often the poller runs when no pulse ends sooner: hotplug events,
 * rescans and switch-off retries are handled at this pace. */
#define LC_POLL_PERIOD_MS 1000
/* A person's door list with nothing tapped ends the session after this. */
#define LC_LIST_IDLE_MS 10000

/* One door of the unlock list (a copy of the location and its unlock time). */
struct lc_door {
    struct gh_location loc;
    int64_t open_until;           /* host->mono_ms() when its pulse ends, 0 not open */
};

/* The person logged in at the Unlock tile, and what they see. */
struct lc_session {
    int active;
    int oom;                      /* a list could not grow: not shown half */
    struct gh_account acct;
    char actor[64];               /* "occupant:<id>" / "staff:<id>" */
    struct lc_door *doors;        /* allowed doors, tree order */
    int ndoors, capdoors;
    struct gh_decision why;       /* why nothing is allowed (when ndoors == 0) */
    struct gh_location *units;    /* occupant: units they rent (share switches) */
    int nunits, capunits;
    int *shared;                  /* the switches' state, one per unit */
    char msg[512];                /* last result line on the doors screen */
    int msg_style;
    int via_pin;                  /* logged in with email/phone + PIN (not a door code) */
    int64_t shown_at;             /* host->mono_ms() of the list's last touch: 10 s, then home */
};

struct lockctl {
    const struct gh_host *host;
    const struct gh_core_api *core;
    const struct gh_ui_api *u;    /* NULL in gatehousectl */
    struct lc_relay_mgr *mgr;     /* NULL until opened (kiosk: at init) */
    struct gh_store *log_st;      /* where manager events are logged, NULL: nowhere */
    const char *log_actor;        /* "kiosk" or the CLI's actor */
    int open_busy;                /* gatehousectl: a board was held by another program */
    int quiet_found;              /* gatehousectl: boards found at each run are not news */
    struct gh_ui *ui;             /* while one of our screens is shown */
    char last_poll_err[256];      /* said once in the log */
    int64_t pulses_end;           /* host->mono_ms() when the last pulse started here ends, 0 none */

    /* lockctl.login: what is typed (wiped on leave and at home) */
    char who[GH_EMAIL_MAX + 1];
    char pin[16];
    char login_err[256];          /* under the PIN field */
    char refused[256];            /* this account may not log in, and why */
    /* lockctl.doors */
    char search[64];
    struct lc_session s;

    /* the door-code keypad (door kiosk home, lobby lockctl.code): wiped at
     * every check and at home */
    char code[GH_DOORCODE_BUF];
    char code_msg[512];           /* under the dots: wrong code, denial, ... */
    int64_t code_locked_until;    /* host->mono_ms() when the throttle ends, 0 none */
    int64_t code_at;              /* host->mono_ms() of the last key or result: a code
                                   * or message left for idle_timeout_s is wiped */
    /* lockctl.opened: the door just opened and the first name, for its
     * unlock time (then home) */
    struct lc_door opened;
    char opened_who[GH_NAME_BUF];
    /* lockctl.forgot: what is typed (wiped on leave), and when it was sent */
    char forgot_who[GH_EMAIL_MAX + 1];
    char forgot_err[256];
    int64_t forgot_sent_at;       /* host->mono_ms(), 0: not sent yet */
};

extern struct lockctl lc_state;

/* door.c */
/* Opens the relay manager (switching every relay found off); GH_OK or a
 * status with the manager's message in err. Events go to the activity log
 * through st as actor (st NULL: not logged). */
enum gh_status lc_mgr_open(struct lockctl *lc, struct gh_store *st, const char *actor,
                           char *err, size_t errlen);
void lc_mgr_close(struct lockctl *lc);
/* Runs the manager's poll now if anything is due; returns ms until it next
 * wants to run (at most LC_POLL_PERIOD_MS). */
int lc_service(struct lockctl *lc, int64_t now);
/* Decides (logged as an unlock), pulses the door's relay for its unlock
 * time and logs a relay failure. Returns GH_OK when the relay is on;
 * *d says the decision; on a relay failure msg gets the reason (English). */
enum gh_status lc_unlock(struct lockctl *lc, struct gh_store *st, const char *actor,
                         const struct gh_account *who, const struct gh_location *door,
                         struct gh_decision *d, char *msg, size_t msglen);
/* "BOARD:CH door NAME", the target of relay entries. */
void lc_relay_target(const struct gh_location *door, char *buf, size_t len);
/* The [kiosk] door of this kiosk, "" for a lobby kiosk. */
const char *lc_kiosk_door(const struct lockctl *lc);
/* Why a door cannot be opened now, in words; NULL when it can. */
const char *lc_door_unavailable(struct lockctl *lc, const struct gh_location *l);

/* opened.c: lockctl.opened */
int lc_opened_register(struct lockctl *lc);
void lc_opened_wipe(struct lockctl *lc);
/* The door opened for a (relay on): lockctl.opened says so for its unlock
 * time, then the kiosk goes home. */
void lc_opened_show(struct lockctl *lc, struct gh_ui *ui, const struct gh_location *door,
                    const struct gh_account *a);

/* screens.c */
int lc_screens_register(struct lockctl *lc);
void lc_screens_wipe(struct lockctl *lc);
/* The core's sentence fragment as a sentence (capital, full stop). */
void lc_sentence(char *out, size_t len, const char *in);
/* A person is known (PIN log-in or door code): load their doors and show
 * them; with exactly one door, open it at once. 0, or -1 with msg set. */
int lc_session_start(struct lockctl *lc, struct gh_ui *ui, const struct gh_account *a,
                     int via_pin, char *msg, size_t msglen);

/* forgot.c: "Forgot your PIN?" (lockctl.forgot) */
int lc_forgot_register(struct lockctl *lc);

/* mine.c: My door code and Recent openings (after a PIN log-in) */
int lc_mine_register(struct lockctl *lc);
void lc_mine_wipe(struct lockctl *lc);

/* doorkiosk.c: the door-code keypad, the door kiosk's home */
int lc_door_register(struct lockctl *lc);
void lc_door_wipe(struct lockctl *lc);

/* commands.c */
int lc_commands_register(struct lockctl *lc);
/* The commands above, NULL-terminated, for the descriptor (ABI 1.1). */
extern const struct gh_command *const lc_commands[];

#endif
