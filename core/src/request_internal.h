/*
 * request_internal.h: what the request modules share (request.c: who may
 * file and see; request_state.c: replies and state changes; request_mail.c:
 * the notices; inbox.c: replies by email). Not for plugins.
 */
#ifndef GATEHOUSE_REQUEST_INTERNAL_H
#define GATEHOUSE_REQUEST_INTERNAL_H
#include <stddef.h>
#include <stdint.h>
#include "gatehouse/account.h"
#include "gatehouse/request.h"

/* Who is asking: the building (id 0) or an account, with their live group. */
struct gh_req_viewer {
    int64_t id;
    int staff;                  /* the building, or staff with `requests` */
    int64_t group;              /* an occupant's live group, 0: none */
    struct gh_account a;        /* when id != 0 */
};
/* Refuses (GH_E_REFUSED, the rule in errmsg) anyone who may not see
 * requests: pending, inactive and blocked occupants, staff without the
 * permission. */
enum gh_status gh_request_viewer(struct gh_store *st, int64_t who, struct gh_req_viewer *v);
/* The request if v may see it, else GH_E_NOTFOUND. */
enum gh_status gh_request_load(struct gh_store *st, const struct gh_req_viewer *v, int64_t id,
                               struct gh_request *out);
/* Trims and checks the text of a request or reply (lines of text, at most
 * 2,000 characters); -1 with a sentence naming field in err. */
int gh_request_check_text(const char *field, const char *in, char *out, size_t outlen,
                          char *err, size_t errlen);

/* request_mail.c, inside the caller's transaction, about request r as it
 * is now (the caller reads it after its change). kind is the template:
 * "request_new" / "request_update" go to every staff member with
 * `requests` (or admin), "request_reply" / "request_state" to the filer.
 * text: the reply, or NULL for the request's own text. */
enum gh_status gh_request_mail_staff(struct gh_store *st, const struct gh_request *r,
                                     const char *kind, const char *text);
enum gh_status gh_request_mail_filer(struct gh_store *st, const struct gh_request *r,
                                     const char *kind, const char *by, const char *text);
#endif
