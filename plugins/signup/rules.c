/*
 * rules.c: the sign-up plugin's forms without their drawing: which buffer a
 * field is, checking a field through the core, the core's sentences turned
 * into words for a person at the screen, and the two submissions (sign-up
 * and setup-code redemption).
 *
 * The plugin decides nothing itself: an email, a name, a phone, a PIN are
 * checked by the core's own functions (the same ones the core applies when
 * it stores them), so the screen and the database can never disagree. What
 * it adds is *when* a person hears about a problem, and *where* (under the
 * field it concerns).
 */
#include <string.h>
#include <stdio.h>
#include "signup.h"

void signup_wipe(void *p, size_t n)
{
    volatile unsigned char *v = p;
    while (n--)
        *v++ = 0;
}

/* The core's messages name their field first ("phone: must have 7 to 15
 * digits"): right for the log and the command line. Under a labelled field
 * the name is noise, so it goes, and the rest becomes a sentence. */
void signup_friendly(const char *msg, char *out, size_t len)
{
    const char *colon, *p;
    size_t n;

    if (!len)
        return;
    if (!msg)
        msg = "";
    colon = strstr(msg, ": ");
    if (colon && colon - msg <= 24) {
        for (p = msg; p < colon && *p != ' '; p++)
            ;
        if (p == colon)              /* one word before ": " */
            msg = colon + 2;
    }
    snprintf(out, len, "%s", msg);
    if (out[0] >= 'a' && out[0] <= 'z')
        out[0] = (char)(out[0] - 'a' + 'A');
    n = strlen(out);
    if (n && out[n - 1] != '.' && out[n - 1] != '!' && out[n - 1] != '?' && n + 1 < len) {
        out[n] = '.';
        out[n + 1] = '\0';
    }
}


/* ---- the sign-up form -------------------------------------------------- */
char *signup_form_buf(struct signup_form *f, int i, size_t *cap)
{
    switch (i) {
    case SF_EMAIL: *cap = sizeof f->email; return f->email;
    case SF_NAME:  *cap = sizeof f->name;  return f->name;
    case SF_PHONE: *cap = sizeof f->phone; return f->phone;
    case SF_ORG:   *cap = sizeof f->org;   return f->org;
    case SF_UNIT:  *cap = sizeof f->unit;  return f->unit;
    default:       *cap = 0;               return NULL;
    }
}

int signup_form_check_field(const struct gh_core_api *core, struct signup_form *f, int i)
{
    char v[GH_REQ_BUF + GH_NAME_BUF], err[SIGNUP_MSG], key[GH_PHONE_BUF];
    size_t cap;
    const char *buf = signup_form_buf(f, i, &cap);
    int rc = 0;

    if (!buf)
        return -1;
    core->trim(buf, v, sizeof v);        /* v is larger than any buffer */
    err[0] = '\0';
    switch (i) {
    case SF_EMAIL:
        rc = core->check_email(v, err, sizeof err);
        break;
    case SF_PHONE:
        rc = v[0] ? core->normalize_phone(v, key, sizeof key, err, sizeof err) : 0;
        break;
    case SF_NAME: case SF_ORG: case SF_UNIT:
        /* Organisation and unit follow the name's rule (at most 100
         * characters, no control characters); the core checks them again,
         * by their own names, when the form is sent. */
        rc = v[0] ? core->check_name(v, err, sizeof err) : 0;
        break;
    }
    signup_wipe(v, sizeof v);
    if (rc != 0) {
        signup_friendly(err, f->err[i], sizeof f->err[i]);
        return -1;
    }
    f->err[i][0] = '\0';
    return 0;
}

int signup_form_check(const struct gh_core_api *core, struct signup_form *f)
{
    int first = -1;
    for (int i = 0; i < SF_COUNT; i++)
        if (signup_form_check_field(core, f, i) != 0 && first < 0)
            first = i;
    return first;
}

static int field_index(const char *name)
{
    static const char *const names[SF_COUNT] = { "email", "name", "phone", "org", "unit" };
    for (int i = 0; i < SF_COUNT; i++)
        if (strcmp(names[i], name) == 0)
            return i;
    return -1;
}

enum gh_status signup_form_submit(const struct gh_core_api *core, struct gh_store *st,
                                  struct signup_form *f, struct gh_signup_result *res,
                                  int *bad)
{
    struct gh_signup in = { .email = f->email, .name = f->name, .phone = f->phone,
                            .org = f->org, .unit = f->unit };
    enum gh_status s;
    int i;

    f->general[0] = '\0';
    memset(res, 0, sizeof *res);
    if ((*bad = signup_form_check(core, f)) >= 0)
        return GH_E_INVALID;
    s = core->occupant_signup(st, "kiosk", &in, res);
    switch (s) {
    case GH_OK:
        return GH_OK;
    case GH_E_INVALID: case GH_E_EXISTS:
        if ((i = field_index(res->field)) >= 0) {
            signup_friendly(core->errmsg(st), f->err[i], sizeof f->err[i]);
            *bad = i;
            return s;
        }
        signup_friendly(core->errmsg(st), f->general, sizeof f->general);
        return s;
    case GH_E_REFUSED:
        /* Sign-up turned off meanwhile, or a blocked account: the core's
         * neutral sentence and nothing more. */
        signup_friendly(core->errmsg(st), f->general, sizeof f->general);
        return s;
    default:
        snprintf(f->general, sizeof f->general, "%s",
                 _("Signing up isn't possible right now. Please try again in a minute, "
                   "or ask the staff."));
        return s;
    }
}

/* ---- the setup code -------------------------------------------------------- */
char *signup_setup_buf(struct signup_setup *s, int i, size_t *cap)
{
    switch (i) {
    case SU_WHO:  *cap = sizeof s->who;  return s->who;
    case SU_CODE: *cap = sizeof s->code; return s->code;
    case SU_PIN:  *cap = sizeof s->pin;  return s->pin;
    case SU_PIN2: *cap = sizeof s->pin2; return s->pin2;
    default:      *cap = 0;              return NULL;
    }
}

static void set_err(struct signup_setup *s, int i, const char *msg)
{
    snprintf(s->err[i], sizeof s->err[i], "%s", msg);
}

int signup_setup_check_field(const struct gh_core_api *core, struct signup_setup *s, int i)
{
    char v[GH_EMAIL_MAX + 66], err[SIGNUP_MSG];
    size_t n;

    switch (i) {
    case SU_WHO:
        /* Only that something was typed: whether it is an account is for
         * the core to find out together with the code, so this screen
         * tells no one which addresses are registered. */
        core->trim(s->who, v, sizeof v);
        n = strlen(v);
        signup_wipe(v, sizeof v);
        if (!n) {
            set_err(s, i, _("Type the email address or mobile number that the welcome "
                            "email was sent to."));
            return -1;
        }
        break;
    case SU_CODE:
        n = strlen(s->code);
        if (n != GH_CODE_LEN || strspn(s->code, "0123456789") != n) {
            set_err(s, i, _("The setup code has 6 digits. You find it in your welcome email."));
            return -1;
        }
        break;
    case SU_PIN:
        if (core->pin_quality_ok(s->pin, err, sizeof err) != 0) {
            signup_friendly(err, s->err[i], sizeof s->err[i]);
            return -1;
        }
        break;
    case SU_PIN2:
        if (!s->pin2[0]) {
            set_err(s, i, _("Type the new PIN a second time."));
            return -1;
        }
        if (strcmp(s->pin, s->pin2) != 0) {
            set_err(s, i, _("The two PINs are not the same. Type the new PIN again."));
            return -1;
        }
        break;
    default:
        return -1;
    }
    s->err[i][0] = '\0';
    return 0;
}

int signup_setup_check(const struct gh_core_api *core, struct signup_setup *s)
{
    int first = -1;
    for (int i = 0; i < SU_COUNT; i++)
        if (signup_setup_check_field(core, s, i) != 0 && first < 0)
            first = i;
    return first;
}

enum gh_status signup_setup_redeem(const struct gh_core_api *core, struct gh_store *st,
                                   struct signup_setup *s, int *bad)
{
    char who[GH_EMAIL_MAX + 66];
    enum gh_status rc;

    s->general[0] = '\0';
    if ((*bad = signup_setup_check(core, s)) >= 0)
        return GH_E_INVALID;
    core->trim(s->who, who, sizeof who);
    rc = core->auth_redeem(st, "kiosk", who, s->code, s->pin);
    signup_wipe(who, sizeof who);
    switch (rc) {
    case GH_OK:
        return GH_OK;
    case GH_E_DENIED: case GH_E_EXPIRED: case GH_E_LOCKED:
        /* wrong, used or expired code, or the lock-out it led to (with its
         * minutes): all about the code, so under the code */
        signup_friendly(core->errmsg(st), s->err[SU_CODE], sizeof s->err[SU_CODE]);
        *bad = SU_CODE;
        return rc;
    case GH_E_INVALID:
        signup_friendly(core->errmsg(st), s->err[SU_PIN], sizeof s->err[SU_PIN]);
        *bad = SU_PIN;
        return rc;
    case GH_E_REFUSED:
        /* the code was right, but the account may not log in (yet) */
        signup_friendly(core->errmsg(st), s->general, sizeof s->general);
        return rc;
    default:
        snprintf(s->general, sizeof s->general, "%s",
                 _("Your PIN can't be set right now. Please try again in a minute, "
                   "or ask the staff."));
        return rc;
    }
}
