/*
 * forgot.h: "Forgot your PIN?" (SPEC "Kiosk identity"; core/src/forgot.c).
 */
#ifndef GATEHOUSE_FORGOT_H
#define GATEHOUSE_FORGOT_H
#include "gatehouse/status.h"

struct gh_store;

/* who: an email or a phone as typed (never an id). An active account gets a
 * new setup code by email ("setup_code"; older queued code mails cancelled;
 * the PIN keeps working until the code is used), at most 3 in 24 hours.
 * Pending, inactive, blocked, unknown, or a 4th in a day: nothing is sent.
 * Every request is logged ("auth.forgot"). GH_OK in all those cases, so
 * the caller shows one sentence whatever happened; an error only when the
 * database failed. */
enum gh_status gh_forgot_pin(struct gh_store *st, const char *actor, const char *who);

#endif
