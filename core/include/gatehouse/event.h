/*
 * event.h: what the core tells the rest of the program after a change has
 * committed. The kiosk's plugin host passes these to plugins' hooks; the mail
 * thread wakes on GH_EVENT_MAIL_QUEUED.
 */
#ifndef GATEHOUSE_EVENT_H
#define GATEHOUSE_EVENT_H
#include <stdint.h>

enum gh_event_kind {
    GH_EVENT_ACCOUNT_ACTIVE = 1,   /* an account became active */
    GH_EVENT_ACCOUNT_STATE = 2,    /* any state change (state in .text) */
    GH_EVENT_SIGNUP = 3,           /* a self sign-up was recorded */
    GH_EVENT_MAIL_QUEUED = 4,      /* a message entered the outbox */
    GH_EVENT_SETTINGS = 5,         /* a setting changed (key in .text) */
    GH_EVENT_UNLOCK = 6,           /* a door unlock was granted (door id) */
    GH_EVENT_MAIL_PROBLEM = 7,     /* relay config/auth/TLS problem (.text) */
    GH_EVENT_HOME = 8              /* kiosk went home: wipe typed data, end sessions */
};

struct gh_event {
    enum gh_event_kind kind;
    int64_t id;          /* account, door or message id */
    const char *text;    /* optional detail */
};

typedef void (*gh_event_fn)(void *ud, const struct gh_event *ev);

#endif
