/*
 * import.h: tenants from a property management system, as CSV with a header
 * (email,name,phone,unit[,group][,delinquent][,access], or the site's
 * [import] columns mapping). Staff-created semantics, idempotent by email,
 * each row all-or-nothing, bad rows reported with their line number. With
 * sync, the file is the complete list of current tenants (issue 18).
 */
#ifndef GATEHOUSE_IMPORT_H
#define GATEHOUSE_IMPORT_H
#include <stdint.h>
#include <stdio.h>
#include "gatehouse/status.h"

struct gh_store;

/* What a row or a --sync did, for the dry run's table. */
enum gh_import_change {
    GH_IMPORT_ADDED = 0, GH_IMPORT_CHANGED, GH_IMPORT_MOVED_OUT, GH_IMPORT_OVERLOCKED,
    GH_IMPORT_RELEASED
};

struct gh_import_opts {
    int dry_run;
    int no_welcome;
    /* Called for each bad row: line number and sentence. */
    void (*on_error)(void *ud, long line, const char *msg);
    /* Progress: bytes read of total, rows done. May be NULL. */
    void (*on_progress)(void *ud, long long done, long long total, long rows);
    void *ud;
    /* issue 18 */
    int sync;                   /* move out imported tenants absent from the file */
    int force;                  /* --sync even when > 20% would be moved out */
    int adopt;                  /* occupants in the file count as an import's (upgrades) */
    const char *columns;        /* [import] columns mapping; NULL/"" built-in */
    /* Each change: the tenant's email and what (may be NULL). */
    void (*on_change)(void *ud, enum gh_import_change kind, const char *email,
                      const char *what);
};
/* --sync refuses when more than this share of the imported tenants would be
 * moved out (the file may be cut short). */
#define GH_IMPORT_SYNC_GUARD_PCT 20
struct gh_import_stats {
    long rows, created, updated, unchanged, skipped;
    /* After a failure mid-way (disk full, database locked): the rows
     * committed before it (the counts above are theirs), and the line of
     * the first row that was not; 0 when nothing is left to do. */
    long committed, resume_line;
    /* issue 18 */
    long moved_out, overlocked, released;
    long imported;              /* --sync: tenants an import made, before it */
};
/* GH_OK when no row was skipped; GH_E_INVALID when some were (stats say how
 * many); GH_E_REFUSED, nothing imported, for a bad header or a quote that is
 * never closed (the message names the line where it opened), or when --sync
 * would move out more than GH_IMPORT_SYNC_GUARD_PCT of the imported tenants
 * (stats.moved_out and .imported say how many); other codes
 * for an unreadable file or a database failure (committed, resume_line). */
enum gh_status gh_import_csv(struct gh_store *st, const char *actor, const char *path,
                             const struct gh_import_opts *opts, struct gh_import_stats *out);

/* Queues the summary of an import (the drop folder's) to every digest_to
 * address ("import_summary" mail; none when digest_to is empty), logged
 * "import.mailed". ok: the file went to done/, else failed/. Each text is
 * one line (it goes into a mail template): "; " between items. */
struct gh_import_report {
    char summary[512];           /* "10 rows: 1 created, ..." or why it failed */
    char changes[4096];          /* "moved out a5@example.com (Unit 3); ..." */
    char problems[4096];         /* "line 4: delinquent: ...; ..." */
};
enum gh_status gh_import_mail_summary(struct gh_store *st, const char *actor, const char *file,
                                      int ok, const struct gh_import_report *r, int *queued);

#endif
