/*
 * approvals.h: what the approval queue's screens share with its tests.
 *
 * The plugin is plugins/approvals/approvals.c (screens and the staff tile);
 * when.c turns a sign-up time into the words a person reads ("12 min ago",
 * "23 Nov 2026, 18:02"), kept apart so a test can check it without a screen.
 */
#ifndef GATEHOUSE_APPROVALS_H
#define GATEHOUSE_APPROVALS_H
#include <stddef.h>
#include <stdint.h>

/* "just now", "12 min ago", "3 h ago", "yesterday", "4 days ago" for a time
 * `then` seen at `now` (unix ms). A time in the future reads "just now". */
void approvals_ago(int64_t then, int64_t now, char *buf, size_t len);

/* "23 Nov 2026, 18:02" in the kiosk's local time. */
void approvals_date(int64_t then, char *buf, size_t len);

/* after.c (issue 16): "Rent UNIT to them" on approvals.detail and "Let them
 * set a PIN now" on approvals.queue once someone is approved. */
struct gh_host;
struct gh_ui;
struct gh_account;
/* Reads whether the unit sign-up a asked for is an existing vacant unit. */
void approvals_rent_load(const struct gh_host *h, const struct gh_account *a);
/* The switch "Rent UNIT to them" (nothing when there is no such unit). */
void approvals_rent_draw(const struct gh_host *h, struct gh_ui *ui);
/* Approves account id, renting the offered unit in the same change when
 * the switch is on: the core's enum gh_status (detail in its errmsg). */
int approvals_rent_approve(const struct gh_host *h, const char *actor, int64_t id);
void approvals_rent_clear(void);
/* Someone was approved: the queue offers to hand the kiosk over to them. */
void approvals_after_set(int64_t id, const char *who);
void approvals_after_draw(const struct gh_host *h, struct gh_ui *ui);
void approvals_after_clear(void);

#endif
