/*
 * signup.h: what the sign-up plugin's two files share.
 *
 * rules.c holds the forms' state and everything that decides what a person
 * is told (checking a field through the core, turning the core's
 * "field: sentence" into words for the screen, submitting through the
 * core); it draws nothing, so a unit test can drive it against a real
 * database. signup.c draws the screens and moves between them.
 *
 * No rule lives here: every check and every change goes through the core's
 * table (host->core), which also logs it.
 */
#ifndef GH_SIGNUP_PLUGIN_H
#define GH_SIGNUP_PLUGIN_H
#include <stddef.h>
#include "gatehouse/plugin.h"

/* ---- the sign-up form ---------------------------------------------------- */
enum signup_field { SF_EMAIL = 0, SF_NAME, SF_PHONE, SF_ORG, SF_UNIT, SF_COUNT };

#define SIGNUP_MSG 400

/* Buffers are larger than the rules allow, so that a person who types too
 * much is told so in words instead of keys silently doing nothing. */
struct signup_form {
    char email[GH_EMAIL_MAX + 66];
    char name[GH_NAME_BUF];
    char phone[GH_PHONE_BUF];
    char org[GH_REQ_BUF];
    char unit[GH_REQ_BUF];
    char err[SF_COUNT][SIGNUP_MSG];   /* shown under each field; "" none */
    char general[SIGNUP_MSG];         /* a refusal that is about no one field */
};

/* The buffer of field i and its size. */
char *signup_form_buf(struct signup_form *f, int i, size_t *cap);
/* Checks field i through the core; sets or clears f->err[i]. 0 if valid. */
int signup_form_check_field(const struct gh_core_api *core, struct signup_form *f, int i);
/* Checks every field; returns the first field in error, or -1. */
int signup_form_check(const struct gh_core_api *core, struct signup_form *f);
/* Checks, then signs up through core->occupant_signup as "kiosk". On a
 * refusal about one field, its message goes under that field and *bad is
 * that field; otherwise the message goes to f->general and *bad is -1. */
enum gh_status signup_form_submit(const struct gh_core_api *core, struct gh_store *st,
                                  struct signup_form *f, struct gh_signup_result *res,
                                  int *bad);

/* ---- the setup code ("First time here?") --------------------------------- */
enum setup_field { SU_WHO = 0, SU_CODE, SU_PIN, SU_PIN2, SU_COUNT };

struct signup_setup {
    char who[GH_EMAIL_MAX + 66];
    char code[GH_CODE_LEN + 1];       /* the pad can type no seventh digit */
    char pin[9], pin2[9];             /* 4 to 8 digits */
    char err[SU_COUNT][SIGNUP_MSG];
    char general[SIGNUP_MSG];
};

char *signup_setup_buf(struct signup_setup *s, int i, size_t *cap);
int signup_setup_check_field(const struct gh_core_api *core, struct signup_setup *s, int i);
int signup_setup_check(const struct gh_core_api *core, struct signup_setup *s);
/* Checks (nothing reaches the core, nor counts as an attempt, until the
 * PINs are fine), then core->auth_redeem. Messages as for the form. */
enum gh_status signup_setup_redeem(const struct gh_core_api *core, struct gh_store *st,
                                   struct signup_setup *s, int *bad);

/* ---- helpers --------------------------------------------------------------- */
/* Zeroes memory in a way the compiler may not drop (plugins get no
 * explicit_bzero from the program). */
void signup_wipe(void *p, size_t n);
/* "email: must contain one @" -> "Must contain one @." for under the field. */
void signup_friendly(const char *core_msg, char *out, size_t len);

#endif
