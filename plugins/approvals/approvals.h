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

#endif
