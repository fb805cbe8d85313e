/*
 * audit_internal.h: what audit_retention.c needs of audit.c's hashing. Not
 * installed, not for plugins.
 */
#ifndef GATEHOUSE_AUDIT_INTERNAL_H
#define GATEHOUSE_AUDIT_INTERNAL_H
#include "gatehouse/audit.h"

/* The seal of a checkpoint entry (its prev_hash column): version 2's
 * encoding of e's seq, at, actor, action, target, outcome and reason under
 * the domain "gatehouse-audit-checkpoint\n", with `continues` (the hash of
 * the last pruned entry, kept in the checkpoint's hash column) in place of
 * the previous hash. */
void gh_audit_checkpoint_seal(const struct gh_audit_entry *e, const char *continues,
                              char out[65]);

#endif
