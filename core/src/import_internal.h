/*
 * import_internal.h: what the import's files share (import.c reads the file
 * and batches, import_map.c maps the header and reads cells, import_row.c
 * applies one row, import_sync.c is provenance, --sync and overlock). Not
 * installed.
 */
#ifndef GATEHOUSE_IMPORT_INTERNAL_H
#define GATEHOUSE_IMPORT_INTERNAL_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "gatehouse/import.h"
#include "gatehouse/status.h"

struct gh_store;
struct gh_account;

enum col { COL_EMAIL, COL_NAME, COL_PHONE, COL_UNIT, COL_GROUP, COL_DELINQUENT, COL_ACCESS,
           N_COLS };
extern const char *const gh_import_col_names[N_COLS];

#define GH_IMPORT_MAX_FIELDS 256   /* fields a record may have (a PMS export is wide) */
#define GH_IMPORT_HEADER_BUF 128

/* The [import] columns mapping: for each of our columns the file's header
 * ("" = our own name). custom: a mapping was given, so unknown headers are
 * ignored instead of refused. */
struct gh_import_map {
    char header[N_COLS][GH_IMPORT_HEADER_BUF];
    int custom;
};
/* Parses "email=Email Address, unit=Unit, ..."; NULL or "" is the built-in
 * mapping. -1 with err naming the bad entry. */
int gh_import_map_parse(const char *spec, struct gh_import_map *m, char *err, size_t errlen);
/* Maps the header's fields: colidx[c] = field index of column c, or -1.
 * -1 with msg (naming line) on a bad header. */
int gh_import_map_header(const struct gh_import_map *m, char *const *fields, int n,
                         long line, int *colidx, char *msg, size_t msglen);

/* A delinquent cell: 1 overdue, 0 not, -1 not understood. */
int gh_import_delinquent(const char *cell);

/* An access spec (import_default_access, or the access column). */
struct gh_import_access {
    enum { IA_NONE, IA_ALL, IA_SITE, IA_GROUP } kind;
    char group[GH_IMPORT_HEADER_BUF];
};
/* 0, or -1 when s is not all|none|site|group:NAME. */
int gh_import_access_parse(const char *s, struct gh_import_access *out);

/* The emails (keys) and email+unit pairs of a file, for --sync. */
struct gh_import_keys {
    char **email;  size_t n_email, cap_email;
    char **pair;   size_t n_pair, cap_pair;
};
int gh_import_keys_add(struct gh_import_keys *k, const char *email, const char *unit);
void gh_import_keys_sort(struct gh_import_keys *k);
int gh_import_keys_has_email(const struct gh_import_keys *k, const char *email_key);
int gh_import_keys_has_pair(const struct gh_import_keys *k, const char *email_key,
                            const char *unit_name);
void gh_import_keys_free(struct gh_import_keys *k);

/* The import in progress (import.c reads, import_row.c applies a row). */
struct gh_imp {
    struct gh_store *st;
    const char *actor;
    const char *file;            /* base name, for log entries */
    const struct gh_import_opts *opts;
    struct gh_import_stats *stats;
    struct gh_import_map map;
    struct gh_import_access dflt; /* import_default_access */
    int dflt_ok;                 /* 0: the setting names nothing usable */
    struct gh_import_keys *collect; /* --sync's first pass: collect keys, apply nothing */

    /* the record being read */
    char *field[GH_IMPORT_MAX_FIELDS];
    unsigned char want[GH_IMPORT_MAX_FIELDS]; /* field is one of ours (kept) */
    int nfields;
    int too_many, too_long;
    int content;                 /* some field has more than spaces */
    int nul_field;               /* 1-based field holding a NUL byte, 0 none */
    long rec_line;               /* line where the record starts */

    int have_header;
    int colidx[N_COLS];          /* column -> field index, -1 absent */
    int ncols;                   /* fields in the header */
    enum gh_status fatal;        /* a store error that stops the import */
    int header_bad;
    char msg[512];

    int probe;                   /* gh_import_row only looks: would it write? */
    int would;                   /* ... it would */
    int in_read;                 /* a read transaction is open (import.c) */
    int64_t read_t0;
    int in_batch;                /* an outer transaction is open */
    long batch_rows;
    int64_t batch_t0;            /* when the batch began, ms */
    long batch_line;             /* line of the batch's first row */
    struct gh_import_stats saved; /* the stats as of the last commit */
    char skipped_lines[256];     /* for the summary log entry */
};
/* The cell of column c in the current record ("" when absent). */
const char *gh_import_cell(const struct gh_imp *im, enum col c);
/* import_row.c: works out and applies one row, inside the caller's
 * savepoint. On a row error msg says why. *outcome: 0 unchanged, 1
 * created, 2 updated. With im->probe it writes nothing and sets im->would
 * when the row would change something (then it is applied for real). */
enum gh_status gh_import_row(struct gh_imp *im, char *msg, size_t msglen, int *outcome);

/* import_scan.c: refuses (GH_E_REFUSED, naming the line) a file in which a
 * quote is never closed, or closed only after swallowing line ends into a
 * record of the wrong shape; rewinds f. */
enum gh_status gh_import_scan_quotes(struct gh_store *st, FILE *f);

/* ---- import_sync.c ---------------------------------------------------- */
/* Provenance: the occupant was created by an import; the unit was rented by
 * one. */
enum gh_status gh_import_note_tenant(struct gh_store *st, int64_t account_id);
enum gh_status gh_import_note_unit(struct gh_store *st, int64_t unit, int64_t account_id);
/* --adopt: records the tenant, and the unit (0: none) when it is rented to
 * them, as an import's (probe: only says whether it would). */
enum gh_status gh_import_adopt(struct gh_store *st, int64_t account_id, int64_t unit, int probe,
                               int *changed);
/* A tenant an earlier --sync moved out is in the file again: active again
 * (if inactive), no longer marked moved out. *again = 1 when so. probe:
 * only say whether it would be so, writing nothing. */
enum gh_status gh_import_move_in_again(struct gh_store *st, const char *actor,
                                       const struct gh_account *a, int probe, int *again);
/* Sets every unit rented to the account to overlocked (on) or releases the
 * import's lock; reports each change through opts->on_change. probe: write
 * nothing, *would = 1 when a unit's lock differs from on. */
enum gh_status gh_import_overlock_tenant(struct gh_store *st, const char *actor,
                                         const struct gh_import_opts *opts,
                                         struct gh_import_stats *stats, int64_t account_id,
                                         const char *email, int on, int probe, int *would);

/* What --sync will do before any row: move-outs and units to vacate. */
struct gh_sync_item {
    int64_t account_id, unit;   /* unit 0: move the tenant out */
    char email[320];
};
struct gh_sync_plan {
    struct gh_sync_item *v;
    size_t n, cap;
    long imported;              /* tenants an import made (the guard's 100%) */
    long moving_out;
};
enum gh_status gh_import_sync_plan(struct gh_store *st, const struct gh_import_keys *keys,
                                   struct gh_sync_plan *plan);
/* One item of the plan, inside the caller's savepoint. */
enum gh_status gh_import_sync_apply(struct gh_store *st, const char *actor, const char *file,
                                    const struct gh_import_opts *opts,
                                    struct gh_import_stats *stats,
                                    const struct gh_sync_item *it);
void gh_import_sync_plan_free(struct gh_sync_plan *plan);

#endif
