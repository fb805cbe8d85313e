/*
 * import.h: tenants from a property management system, as CSV with a header
 * (email,name,phone,unit[,group]). Staff-created semantics, idempotent by
 * email, each row all-or-nothing, bad rows reported with their line number.
 */
#ifndef GATEHOUSE_IMPORT_H
#define GATEHOUSE_IMPORT_H
#include <stdint.h>
#include <stdio.h>
#include "gatehouse/status.h"

struct gh_store;

struct gh_import_opts {
    int dry_run;
    int no_welcome;
    /* Called for each bad row: line number and sentence. */
    void (*on_error)(void *ud, long line, const char *msg);
    /* Progress: bytes read of total, rows done. May be NULL. */
    void (*on_progress)(void *ud, long long done, long long total, long rows);
    void *ud;
};
struct gh_import_stats {
    long rows, created, updated, unchanged, skipped;
    /* After a failure mid-way (disk full, database locked): the rows
     * committed before it (the counts above are theirs), and the line of
     * the first row that was not; 0 when nothing is left to do. */
    long committed, resume_line;
};
/* GH_OK when no row was skipped; GH_E_INVALID when some were (stats say how
 * many); GH_E_REFUSED, nothing imported, for a bad header or a quote that is
 * never closed (the message names the line where it opened); other codes
 * for an unreadable file or a database failure (committed, resume_line). */
enum gh_status gh_import_csv(struct gh_store *st, const char *actor, const char *path,
                             const struct gh_import_opts *opts, struct gh_import_stats *out);

#endif
