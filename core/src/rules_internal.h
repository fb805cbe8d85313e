/*
 * rules_internal.h: helpers shared by the product-rule modules (account*,
 * auth.c, group.c, location.c, access.c ...), defined in rules.c (and
 * phones.c, ident.c where noted). Not installed, not for plugins.
 *
 * They exist so that every rule module refuses, logs and keys names the same
 * way: a refusal is always logged with the same sentence the person sees,
 * and a name is always compared through the same lower-casing.
 */
#ifndef GATEHOUSE_RULES_INTERNAL_H
#define GATEHOUSE_RULES_INTERNAL_H
#include <stddef.h>
#include <stdint.h>
#include "gatehouse/status.h"
#include "gatehouse/audit.h"

struct gh_store;

/* Refuses: formats the sentence, rolls back the caller's transaction when
 * in_tx (so nothing changes), logs `action` on `target` as refused with the
 * sentence as reason, and leaves the sentence in the handle's errmsg.
 * Returns s. */
enum gh_status gh_rules_refuse(struct gh_store *st, int in_tx, const char *actor,
                               const char *action, const char *target,
                               enum gh_status s, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

/* The comparison key of a name: lower-cased (ASCII, Latin-1 and basic
 * Cyrillic letters), so that "Élodie" and "élodie" are the same name and a
 * prefix search finds either. */
void gh_rules_name_key(const char *name, char *out, size_t outlen);

/* The actor of a log entry: actor, or "system" when none was given. */
const char *gh_rules_actor(const char *actor);

/* The id of the location a name (or, failing that, a numeric id) means:
 * gh_location_find's rule. On an unknown name: GH_E_NOTFOUND with
 * "location: no location named ..." on the handle. */
enum gh_status gh_rules_location_id(struct gh_store *st, const char *name_or_id, int64_t *id);
/* Resolves location names (or ids) to ids. On an unknown name: GH_E_NOTFOUND
 * with "location: no location named ..." on the handle. */
enum gh_status gh_rules_location_ids(struct gh_store *st, const char *const *names, int n,
                                     int64_t *ids);

/* "occupant:12": the target of a log entry about an account, from the
 * account (gh_rules_target_of) or, when only its id is at hand, read by id
 * ("account:12" if there is none). By id only (issue 16): `log` shows the
 * name and email at display time, so removing a person erases them. */
struct gh_account;
void gh_rules_target_of(const struct gh_account *a, char *buf, size_t len);
void gh_rules_account_target(struct gh_store *st, int64_t id, char *buf, size_t len);
/* A unit's tenant as a log entry names it: "occupant:12" (by id only) or
 * "group:3:Acme" (a group's name is not personal data). */
void gh_rules_tenant_ref(struct gh_store *st, int64_t account, int64_t group,
                         const char *group_name, char *buf, size_t len);
/* An email address as a log entry names it: the account holding it
 * ("staff:3"), or the address itself when no account does (a relay's or a
 * report's address, or what someone typed). */
void gh_rules_email_ref(struct gh_store *st, const char *email, char *buf, size_t len);

/* Prefix search (account_query.c). The exclusive
 * upper bound of a prefix range: "abc" -> "abd", so key >= lo AND key < hi
 * is "starts with lo" and SQLite answers it from an index (LIKE can't, by
 * default). 0, or -1 when there is no such bound. */
int gh_rules_prefix_hi(const char *lo, char *hi, size_t len);
/* The phone_key prefix of search text: a leading '+' and digits, with the
 * separators the SPEC drops (spaces, dots, dashes, brackets), made
 * international with the site's calling code as gh_ident_phone_e164 does
 * ("0770" -> "+44770" for 44); -1 when the text is not a phone number. */
int gh_rules_phone_prefix(const char *s, const char *country, char *out, size_t len);
/* ident.c: the international digits (no '+') of digits typed without a
 * '+', for calling code country (see gh_ident_phone_e164). Whole numbers
 * and search prefixes alike. */
void gh_rules_phone_intl(const char *digits, const char *country, char *out, size_t outlen);
/* The E.164 key of phone with this site's phone_country. */
int gh_rules_phone_key(struct gh_store *st, const char *phone, char *out, size_t outlen,
                       char *err, size_t errlen);
/* phones.c (below settings.c, which calls it): after phone_country changed
 * to country, stored numbers not yet in E.164 ("07700 900123" from before
 * it) are rewritten with the new calling code, inside the caller's
 * transaction. Those whose E.164 form another account already has are left
 * as they are and counted in *kept. */
enum gh_status gh_rules_phones_to_e164(struct gh_store *st, const char *country, long *changed,
                                       long *kept);

#endif
