/*
 * mail_committer.h: the thread that marks accepted messages sent, in
 * groups, on its own store connection (mail_committer.c). Private to the
 * mail batch (mail_batch.c), which is its only caller.
 */
#ifndef GATEHOUSE_MAIL_COMMITTER_H
#define GATEHOUSE_MAIL_COMMITTER_H
#include <stdint.h>
#include "gatehouse/status.h"

struct gh_mailer;
struct gh_store;
struct gh_mail_batch;
struct gh_mail_committer;

/* The committer for st's database, kept with the mailer between batches
 * (gh_mailer_attach) and started on first use. NULL when it can't be had
 * (no file path, no second connection, no thread): the caller then marks
 * on st itself. */
struct gh_mail_committer *gh_mail_committer_for(struct gh_mailer *m, struct gh_store *st);
/* Hands over message id to be marked sent; waits only while a full group
 * is being committed. Safe from any thread. */
void gh_mail_committer_add(struct gh_mail_committer *c, int64_t id);
/* Waits until everything handed over is committed; adds the count to
 * out->sent and returns the first failure (its text set on st). */
enum gh_status gh_mail_committer_drain(struct gh_mail_committer *c, struct gh_store *st,
                                       struct gh_mail_batch *out);
#endif
