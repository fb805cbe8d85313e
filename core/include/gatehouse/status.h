/*
 * status.h: the one result code of Gatehouse.
 *
 * Every core function returns an enum gh_status. GH_OK is 0; the others are
 * appended, never renumbered, so a plugin built against an older header still
 * reads them right. gh_strerror() gives static text; the detail of a
 * particular failure (which field, which rule) is in the handle's errmsg
 * (gh_store_errmsg) or the caller's error buffer.
 */
#ifndef GATEHOUSE_STATUS_H
#define GATEHOUSE_STATUS_H

enum gh_status {
    GH_OK = 0,
    GH_E_INVALID = 1,      /* bad input: a field failed validation */
    GH_E_NOTFOUND = 2,     /* no such account, location, group, message */
    GH_E_EXISTS = 3,       /* unique identifier already taken */
    GH_E_REFUSED = 4,      /* a rule says no (state, permission, setting) */
    GH_E_LOCKED = 5,       /* log-in locked out after too many failures */
    GH_E_DENIED = 6,       /* wrong PIN or code */
    GH_E_EXPIRED = 7,      /* setup code expired or used */
    GH_E_CONFIRM = 8,      /* needs confirmation (--force) */
    GH_E_STORE = 9,        /* SQLite error; detail in errmsg */
    GH_E_NOMEM = 10,
    GH_E_IO = 11,          /* file or device I/O */
    GH_E_CONFIG = 12,      /* configuration file problem */
    GH_E_SCHEMA = 13,      /* database newer than this program */
    GH_E_TRANSIENT = 14,   /* try again later (mail relay, busy device) */
    GH_E_PERMANENT = 15,   /* will not succeed by retrying */
    GH_E_UNAVAILABLE = 16, /* device or service not present */
    GH_E_PLUGIN = 17,      /* plugin refused or failed */
    GH_E_USAGE = 18,       /* command line usage */
    GH_E_TAMPERED = 19,    /* activity log chain broken */
    GH_E_INTERNAL = 20
};

/* Static English text for a status (not translated: for logs). */
const char *gh_strerror(enum gh_status s);

#endif
