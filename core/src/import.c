/*
 * import.c: tenants from a property management system, as CSV (import.h,
 * issue 18 for --sync, the column mapping and overlock).
 *
 * The file is read a line at a time and handed to libcsv, which deals with
 * quoting (commas, quotes and line breaks inside fields) and with CR, LF and
 * CRLF line ends; a UTF-8 byte order mark at the start is skipped. The first
 * record is the header, mapped to our columns by import_map.c (the built-in
 * names, or the site's [import] columns mapping). Fields of columns nobody
 * asked for are not kept. Each row is applied by import_row.c.
 *
 * All-or-nothing per row, fast for the whole file, and never in the doors'
 * way: rows are grouped into transactions that are committed after
 * GH_IMPORT_BATCH_MS or GH_IMPORT_BATCH_MAX rows, whichever comes
 * first, and the write lock is then left free for a moment, so an unlock or
 * a log-in on the kiosk waits at most one batch. Each row is a nested
 * transaction (a SAVEPOINT, see store_internal.h), so a bad row is rolled
 * back alone, refusal log entries of its core calls included, and reported
 * with the line where its record starts. When the database fails mid-way
 * (disk full, locked), the batch in progress is rolled back and the stats
 * say how many rows were committed and from which line to go on. A dry run
 * does the same work in a throw-away snapshot of the database (dry_run
 * below), so what it reports is exactly what a real run would do and the
 * real database is never locked for writing.
 *
 * With --sync the file is read twice: first only its emails and units are
 * collected (import_sync.c plans the move-outs from them, and the 20% guard
 * refuses a file that looks cut short before anything changes), then the
 * move-outs are applied in the same batches, then the rows.
 *
 * A stray quote refuses the whole file (import_scan.c). A NUL byte in a row
 * refuses that row.
 */
#include "gatehouse/import.h"
#include "gatehouse/audit.h"
#include "gatehouse/i18n.h"
#include "gatehouse/store.h"
#include "import_internal.h"
#include "store_internal.h"

#include <csv.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* A batch is committed after this much time or this many rows, whichever
 * comes first; then the write lock is left free for GH_IMPORT_YIELD_MS so a
 * waiting writer (an unlock, a log-in) gets in (the store's busy handler
 * polls every millisecond). 80 ms keeps every batch under the 100 ms the
 * doors may wait; idle, 500 rows come first (~0.15 ms a row), and on a
 * loaded machine a shorter time made many more, smaller commits. */
#define GH_IMPORT_BATCH_MS 80
#define GH_IMPORT_BATCH_MAX 500
#define GH_IMPORT_YIELD_MS 3
/* A batch kept open only by rows that change nothing is committed after
 * this long (see probe_unchanged). */
#define GH_IMPORT_IDLE_MS 10
#define GH_IMPORT_READ_MS 200
/* Page cache while importing, in KiB. Every new account goes into several
 * indexes on random keys (email, phone, name); with SQLite's default 2 MiB
 * cache, a table of 100k accounts no longer fits and each insert reads
 * index pages back from the file, which made a 100k-row import 3x slower
 * than a 20k one, row for row. */
#define GH_IMPORT_CACHE_KIB 65536   /* keep in step with the PRAGMA below */
#define FIELD_MAX 2048          /* longer than any valid field; caps memory */

static void report(struct gh_imp *im, long line, const char *msg)
{
    im->stats->skipped++;
    size_t n = strlen(im->skipped_lines);
    if (n < sizeof im->skipped_lines - 16)
        snprintf(im->skipped_lines + n, sizeof im->skipped_lines - n, "%s%ld", n ? "," : "", line);
    else if (!strstr(im->skipped_lines, "..."))
        snprintf(im->skipped_lines + n, sizeof im->skipped_lines - n, ",...");
    if (im->opts && im->opts->on_error)
        im->opts->on_error(im->opts->ud, line, msg);
}

/* Errors that mean the database, not the row, is in trouble. */
static int is_fatal(enum gh_status s)
{
    return s == GH_E_STORE || s == GH_E_NOMEM || s == GH_E_IO || s == GH_E_TRANSIENT ||
           s == GH_E_INTERNAL || s == GH_E_SCHEMA;
}

static void trim(char *s)
{
    size_t n = strlen(s), i = 0;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
    while (s[i] == ' ' || s[i] == '\t')
        i++;
    if (i)
        memmove(s, s + i, n - i + 1);
}

static void free_record(struct gh_imp *im)
{
    int n = im->nfields < GH_IMPORT_MAX_FIELDS ? im->nfields : GH_IMPORT_MAX_FIELDS;
    for (int i = 0; i < n; i++) {
        free(im->field[i]);
        im->field[i] = NULL;
    }
    im->nfields = 0;
    im->too_many = im->too_long = 0;
    im->nul_field = 0;
    im->content = 0;
}

static void on_field(void *data, size_t len, void *ud)
{
    struct gh_imp *im = ud;
    int i = im->nfields++;
    for (size_t k = 0; k < len && !im->content; k++)
        im->content = ((const char *)data)[k] != ' ' && ((const char *)data)[k] != '\t';
    if (i >= GH_IMPORT_MAX_FIELDS) {
        im->too_many = 1;
        return;
    }
    if (im->have_header && !im->want[i])
        return;                  /* a column nobody asked for */
    if (len > FIELD_MAX) {
        im->too_long = 1;
        len = 0;
    }
    if (len && !im->nul_field && memchr(data, '\0', len))
        im->nul_field = i + 1;
    char *s = malloc(len + 1);
    if (!s) {
        im->fatal = GH_E_NOMEM;
        return;
    }
    if (len)
        memcpy(s, data, len);
    s[len] = '\0';
    trim(s);
    im->field[i] = s;
}

static void header(struct gh_imp *im)
{
    im->have_header = 1;
    if (im->too_many) {
        snprintf(im->msg, sizeof im->msg, _("line %ld: too many columns (at most %d)"),
                 im->rec_line, GH_IMPORT_MAX_FIELDS);
        im->header_bad = 1;
        return;
    }
    if (im->nul_field) {
        snprintf(im->msg, sizeof im->msg, _("line %ld: the header contains a NUL byte"),
                 im->rec_line);
        im->header_bad = 1;
        return;
    }
    im->ncols = im->nfields;
    if (gh_import_map_header(&im->map, im->field, im->nfields, im->rec_line, im->colidx,
                             im->msg, sizeof im->msg) != 0) {
        im->header_bad = 1;
        return;
    }
    memset(im->want, 0, sizeof im->want);
    for (int c = 0; c < N_COLS; c++)
        if (im->colidx[c] >= 0)
            im->want[im->colidx[c]] = 1;
}

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Rows that are only looked at share one read transaction (no write lock;
 * one snapshot instead of one per statement), ended after GH_IMPORT_READ_MS
 * so it never keeps the WAL from being checkpointed for long, and before
 * any write. */
static void read_end(struct gh_imp *im)
{
    if (im->in_read) {
        im->in_read = 0;
        gh_store_exec(im->st, "COMMIT", "import read");
    }
}

static void read_begin(struct gh_imp *im)
{
    if (im->in_read && mono_ms() - im->read_t0 >= GH_IMPORT_READ_MS)
        read_end(im);
    if (!im->in_read && !im->in_batch && gh_store_exec(im->st, "BEGIN", "import read") == GH_OK) {
        im->in_read = 1;
        im->read_t0 = mono_ms();
    }
}

static enum gh_status batch_open(struct gh_imp *im)
{
    if (im->in_batch)
        return GH_OK;
    read_end(im);
    enum gh_status s = gh_store_begin(im->st);
    if (s == GH_OK) {
        im->in_batch = 1;
        im->batch_rows = 0;
        im->batch_t0 = mono_ms();
        im->batch_line = im->rec_line;
    }
    return s;
}

static enum gh_status batch_close(struct gh_imp *im)
{
    if (!im->in_batch)
        return GH_OK;
    im->in_batch = 0;
    if (im->opts && im->opts->dry_run) {
        gh_store_rollback(im->st);
        return GH_OK;
    }
    enum gh_status s = gh_store_commit(im->st);
    if (s == GH_OK) {
        im->saved = *im->stats;
        im->saved.committed = im->stats->rows;
        im->batch_line = 0;
    } else {
        snprintf(im->msg, sizeof im->msg, "%s", gh_store_errmsg(im->st));
    }
    return s;
}

/* Commits the batch when it has had its time or its rows, and leaves the
 * write lock free for a moment. A dry run stays in one transaction, so
 * later rows see earlier ones. */
static enum gh_status batch_maybe_close(struct gh_imp *im)
{
    if (!im->in_batch || (im->opts && im->opts->dry_run))
        return GH_OK;
    if (++im->batch_rows < GH_IMPORT_BATCH_MAX &&
        mono_ms() - im->batch_t0 < GH_IMPORT_BATCH_MS)
        return GH_OK;
    enum gh_status s = batch_close(im);
    if (s == GH_OK) {
        struct timespec ts = { 0, GH_IMPORT_YIELD_MS * 1000000L };
        nanosleep(&ts, NULL);
    }
    return s;
}

/* Why a record can't be a row at all (NUL byte, wrong width, too long); 0
 * when it can. */
static int record_bad(struct gh_imp *im, char *msg, size_t len)
{
    if (im->nul_field) {
        const char *name = _("field");
        for (int c = 0; c < N_COLS; c++)
            if (im->colidx[c] == im->nul_field - 1)
                name = gh_import_col_names[c];
        snprintf(msg, len, _("%s: contains a NUL byte (a zero byte); the row is skipped"), name);
        return 1;
    }
    if (im->too_many || im->nfields != im->ncols) {
        int nl = 0, n = im->nfields < GH_IMPORT_MAX_FIELDS ? im->nfields : GH_IMPORT_MAX_FIELDS;
        for (int i = 0; i < n; i++)
            nl |= im->field[i] && strchr(im->field[i], '\n');
        snprintf(msg, len, _("expected %d fields, found %d%s"), im->ncols, im->nfields,
                 nl ? _(" (is a quote not closed?)") : "");
        return 1;
    }
    if (im->too_long) {
        snprintf(msg, len, "%s", _("a field is too long"));
        return 1;
    }
    return 0;
}

/* Runs fn(im, arg, msg) in its own savepoint inside the current batch; a
 * refusal is reported against line, a database failure stops the import. */
static void in_savepoint(struct gh_imp *im, long line,
                         enum gh_status (*fn)(struct gh_imp *, const void *, char *, size_t,
                                              int *),
                         const void *arg, int *outcome)
{
    char msg[512] = "";
    enum gh_status s = batch_open(im);
    if (s == GH_OK)
        s = gh_store_begin(im->st);
    if (s != GH_OK) {
        im->fatal = s;
        snprintf(im->msg, sizeof im->msg, _("line %ld: %s"), line, gh_store_errmsg(im->st));
        return;
    }
    s = fn(im, arg, msg, sizeof msg, outcome);
    if (s == GH_OK)
        s = gh_store_commit(im->st);
    if (s != GH_OK) {
        gh_store_rollback(im->st);
        if (!msg[0])
            snprintf(msg, sizeof msg, "%s", gh_store_errmsg(im->st));
        if (is_fatal(s)) {
            im->fatal = s;
            snprintf(im->msg, sizeof im->msg, _("line %ld: %s"), line, msg);
            return;
        }
        *outcome = -1;
        report(im, line, msg);
    }
    if ((s = batch_maybe_close(im)) != GH_OK)
        im->fatal = s;
}

static enum gh_status apply_row(struct gh_imp *im, const void *arg, char *msg, size_t len,
                                int *outcome)
{
    (void)arg;
    return gh_import_row(im, msg, len, outcome);
}

/* Most rows of a sync change nothing: each is first looked at without the
 * write lock, and only a row that would change something is applied (in
 * a batch). A batch opened by such a row is committed once rows that
 * change nothing have kept it open for GH_IMPORT_IDLE_MS, so the lock is
 * held for the changes, not for reading the unchanged rows around them.
 * A row the look finds wrong is applied too, and refused there, logged as
 * before. 1: unchanged, nothing to do. */
static int probe_unchanged(struct gh_imp *im)
{
    char msg[512] = "";
    int outcome = 0;
    read_begin(im);
    im->probe = 1;
    im->would = 0;
    enum gh_status s = gh_import_row(im, msg, sizeof msg, &outcome);
    im->probe = 0;
    if (s != GH_OK || im->would)
        return 0;
    if (im->in_batch && mono_ms() - im->batch_t0 >= GH_IMPORT_IDLE_MS &&
        (s = batch_close(im)) != GH_OK)
        im->fatal = s;
    return 1;
}

static void row(struct gh_imp *im)
{
    char msg[512] = "";
    /* --sync's first pass. A row that will be refused still names its
     * tenant: they are not moved out for a typo elsewhere in the row. */
    if (im->collect) {
        if (gh_import_keys_add(im->collect, gh_import_cell(im, COL_EMAIL),
                               gh_import_cell(im, COL_UNIT)) != 0)
            im->fatal = gh_store_fail(im->st, GH_E_NOMEM, "%s", _("out of memory"));
        return;
    }
    im->stats->rows++;
    if (record_bad(im, msg, sizeof msg)) {
        report(im, im->rec_line, msg);
        return;
    }
    int outcome = 0;
    if (probe_unchanged(im)) {
        im->stats->unchanged++;
        return;
    }
    in_savepoint(im, im->rec_line, apply_row, NULL, &outcome);
    if (outcome == 1)
        im->stats->created++;
    else if (outcome == 2)
        im->stats->updated++;
    else if (outcome == 0 && !im->fatal)
        im->stats->unchanged++;
}

static void on_record(int term, void *ud)
{
    struct gh_imp *im = ud;
    (void)term;
    if (im->fatal || im->header_bad) {
        free_record(im);
        return;
    }
    /* A line of nothing but separators ("",,,) is a blank line too. */
    if (!im->content && !im->too_many && !im->nul_field) {
        free_record(im);
        return;
    }
    if (!im->have_header)
        header(im);
    else
        row(im);
    free_record(im);
}

/* After a failure: the stats as of the last commit, and where to go on.
 * The batch in progress was rolled back, so its rows count as not done. */
static void stopped(struct gh_imp *im)
{
    long rows = im->stats->rows;
    if (!im->have_header || (im->opts && im->opts->dry_run)) {
        im->stats->committed = 0;
        return;
    }
    if (im->saved.committed < rows || im->batch_line) {
        long resume = im->batch_line ? im->batch_line : im->rec_line;
        *im->stats = im->saved;
        im->stats->resume_line = resume;
    }
}

/* One pass over the file: the header, then every record (collected or
 * applied, see row()). Leaves f rewound. */
static enum gh_status read_pass(struct gh_imp *im, FILE *f, const char *path, long long total)
{
    struct csv_parser p;
    char *line = NULL;
    size_t cap = 0;
    long long done = 0;
    long lineno = 0;
    enum gh_status s = GH_OK;
    const struct gh_import_opts *o = im->collect ? NULL : im->opts;
    if (csv_init(&p, CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
        return gh_store_fail(im->st, GH_E_NOMEM, "%s", gh_strerror(GH_E_NOMEM));
    ssize_t n;
    while ((n = getline(&line, &cap, f)) > 0) {
        char *text = line;
        lineno++;
        done += n;
        if (lineno == 1 && n >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0) {
            text += 3;
            n -= 3;
        }
        /* libcsv's state 0 is "no row begun": this line starts a record
         * (a quoted field with line breaks carries a record over lines). */
        if (p.pstate == 0)
            im->rec_line = lineno;
        if (csv_parse(&p, text, (size_t)n, on_field, on_record, im) != (size_t)n) {
            s = gh_store_fail(im->st, GH_E_INVALID, _("line %ld: %s"), lineno,
                              csv_strerror(csv_error(&p)));
            break;
        }
        if (im->fatal || im->header_bad)
            break;
        if (o && o->on_progress && (lineno & 63) == 0)
            o->on_progress(o->ud, done, total, im->stats->rows);
    }
    if (s == GH_OK && ferror(f))
        s = gh_store_fail(im->st, GH_E_IO, "%s: %s", path, strerror(errno));
    if (s == GH_OK && !im->fatal && !im->header_bad &&
        csv_fini(&p, on_field, on_record, im) != 0 && !im->collect) {
        /* An opening quote that never closed swallowed the rest of the file. */
        im->stats->rows++;
        report(im, im->rec_line, _("a quoted field is not closed"));
    }
    read_end(im);
    free_record(im);
    csv_free(&p);
    free(line);
    rewind(f);
    return s;
}

/* What stops an import after a pass: a bad header, an empty file, a
 * database failure. */
static enum gh_status pass_outcome(struct gh_imp *im, const char *path)
{
    if (im->header_bad)
        return gh_store_fail(im->st, GH_E_REFUSED, "%s", im->msg);
    if (!im->have_header && !im->fatal)
        return gh_store_fail(im->st, GH_E_REFUSED, "%s: %s", path,
                             _("empty file (expected a header line: "
                               "email,name,phone,unit[,group])"));
    if (im->fatal) {
        if (im->msg[0])
            gh_store_fail(im->st, im->fatal, "%s", im->msg);
        return im->fatal;
    }
    return GH_OK;
}

static enum gh_status apply_item(struct gh_imp *im, const void *arg, char *msg, size_t len,
                                 int *outcome)
{
    (void)msg;
    (void)len;
    *outcome = 0;
    return gh_import_sync_apply(im->st, im->actor, im->file, im->opts, im->stats, arg);
}

/* --sync before the rows: collect the file's tenants, plan, guard, apply. */
static enum gh_status sync_first(struct gh_imp *im, FILE *f, const char *path)
{
    struct gh_import_keys keys = {0};
    struct gh_sync_plan plan = {0};
    im->collect = &keys;
    enum gh_status s = read_pass(im, f, path, 0);
    im->collect = NULL;
    if (s == GH_OK)
        s = pass_outcome(im, path);
    im->have_header = 0;
    gh_import_keys_sort(&keys);
    if (s == GH_OK)
        s = gh_import_sync_plan(im->st, &keys, &plan);
    im->stats->imported = plan.imported;
    im->stats->moved_out = plan.moving_out;
    if (s == GH_OK && !(im->opts && im->opts->force) &&
        plan.moving_out * 100 > (long)GH_IMPORT_SYNC_GUARD_PCT * plan.imported) {
        char why[512];
        snprintf(why, sizeof why,
                 _("--sync would move out %ld of the %ld imported tenants (more than %d%%): "
                   "the file may be cut short; nothing was changed (check the file, or sync "
                   "anyway with --force)"),
                 plan.moving_out, plan.imported, GH_IMPORT_SYNC_GUARD_PCT);
        s = gh_audit_append(im->st, im->actor, "import", im->file, GH_OUTCOME_REFUSED, why);
        s = s == GH_OK ? gh_store_fail(im->st, GH_E_REFUSED, "%s", why) : s;
    } else {
        im->stats->moved_out = 0;    /* counted again as they are applied */
    }
    im->rec_line = 0;            /* a failure here has no line to go on from */
    for (size_t i = 0; s == GH_OK && i < plan.n && !im->fatal; i++) {
        int outcome = 0;
        in_savepoint(im, 0, apply_item, &plan.v[i], &outcome);
    }
    if (s == GH_OK && im->fatal)
        s = pass_outcome(im, path);
    gh_import_sync_plan_free(&plan);
    gh_import_keys_free(&keys);
    return s;
}

/* One summary entry, only when the run did something: a second run of the
 * same clean file leaves the log as it was. */
static enum gh_status summary(struct gh_imp *im)
{
    const struct gh_import_stats *t = im->stats;
    if ((im->opts && im->opts->dry_run) ||
        !(t->created || t->updated || t->skipped || t->moved_out || t->overlocked || t->released))
        return GH_OK;
    char more[160] = "";
    if (t->moved_out || t->overlocked || t->released || (im->opts && im->opts->sync))
        snprintf(more, sizeof more, "; %ld moved out, %ld overlocked, %ld released",
                 t->moved_out, t->overlocked, t->released);
    return gh_audit_appendf(im->st, im->actor, "import", im->file,
                            t->skipped ? GH_OUTCOME_REFUSED : GH_OUTCOME_OK,
                            "%ld rows: %ld created, %ld updated, %ld unchanged, %ld skipped"
                            "%s%s%s%s",
                            t->rows, t->created, t->updated, t->unchanged, t->skipped, more,
                            t->skipped ? " (lines " : "", t->skipped ? im->skipped_lines : "",
                            t->skipped ? ")" : "");
}

/* A bigger page cache for the run; returns the old size (0: unchanged). */
static int64_t cache_up(struct gh_store *st)
{
    int64_t old = 0;
    sqlite3_stmt *cq = gh_store_prepare(st, "PRAGMA cache_size");
    if (cq && sqlite3_step(cq) == SQLITE_ROW)
        old = sqlite3_column_int64(cq, 0);
    gh_store_done(st, cq);
    if (old && gh_store_exec(st, "PRAGMA cache_size = -65536" /* GH_IMPORT_CACHE_KIB */,
                             "import cache") != GH_OK)
        old = 0;
    return old;
}

static void cache_down(struct gh_store *st, int64_t old)
{
    char pragma[64];
    if (!old)
        return;
    snprintf(pragma, sizeof pragma, "PRAGMA cache_size = %lld", (long long)old);
    gh_store_exec(st, pragma, "import cache");
}

/* The mapping and the default access, before the file is read. */
static enum gh_status setup(struct gh_imp *im)
{
    char err[256];
    if (gh_import_map_parse(im->opts ? im->opts->columns : NULL, &im->map, err, sizeof err))
        return gh_store_fail(im->st, GH_E_CONFIG, "%s", err);
    const char *d = gh_settings_get(im->st, GH_SETTING_IMPORT_ACCESS);
    im->dflt_ok = d && gh_import_access_parse(d, &im->dflt) == 0;
    return GH_OK;
}

/* The rows, then the batch's commit and the summary. */
static enum gh_status rows_pass(struct gh_imp *im, FILE *f, const char *path, long long total)
{
    enum gh_status s = read_pass(im, f, path, total);
    if (s == GH_OK)
        s = pass_outcome(im, path);
    if (s == GH_OK)
        s = batch_close(im);
    if (s != GH_OK)
        return s;
    const struct gh_import_opts *o = im->opts;
    if (o && o->on_progress)
        o->on_progress(o->ud, total, total, im->stats->rows);
    if ((s = summary(im)) != GH_OK)
        return s;
    s = im->stats->skipped ? GH_E_INVALID : GH_OK;
    if (s == GH_E_INVALID)
        gh_store_fail(im->st, s, _("%ld row(s) skipped"), im->stats->skipped);
    return s;
}

static enum gh_status import_file(struct gh_store *st, const char *actor, const char *path,
                                  const struct gh_import_opts *opts, struct gh_import_stats *out)
{
    struct gh_import_stats dummy;
    struct gh_import_stats *stats = out ? out : &dummy;
    memset(stats, 0, sizeof *stats);
    const char *base = strrchr(path, '/');
    struct gh_imp *im = calloc(1, sizeof *im);
    if (!im)
        return gh_store_fail(st, GH_E_NOMEM, "%s", gh_strerror(GH_E_NOMEM));
    *im = (struct gh_imp){ .st = st, .actor = actor ? actor : "import", .opts = opts,
                           .stats = stats, .file = base ? base + 1 : path };
    long long total = 0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        free(im);
        return gh_store_fail(st, GH_E_IO, "%s: %s", path, strerror(errno));
    }
    struct stat sb;
    if (fstat(fileno(f), &sb) == 0)
        total = (long long)sb.st_size;
    int64_t old_cache = 0;
    enum gh_status s = setup(im);
    if (s == GH_OK)
        s = gh_import_scan_quotes(st, f);
    if (s == GH_OK)
        old_cache = cache_up(st);
    if (s == GH_OK && opts && opts->sync)
        s = sync_first(im, f, path);
    if (s == GH_OK)
        s = rows_pass(im, f, path, total);
    if (s != GH_OK && (s != GH_E_INVALID || im->in_batch)) {
        if (im->in_batch) {
            im->in_batch = 0;
            gh_store_rollback(st);
        }
        stopped(im);
    }
    cache_down(st, old_cache);
    free_record(im);
    free(im);
    fclose(f);
    return s;
}
/* Copies a file (the site key) if it exists; 0, or -1 on a failure. */
static int copy_if_there(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb");
    if (!in)
        return errno == ENOENT ? 0 : -1;
    int fd = open(to, O_WRONLY | O_CREAT | O_EXCL, 0600);
    FILE *o = fd >= 0 ? fdopen(fd, "wb") : NULL;
    char buf[4096];
    size_t n;
    int rc = o ? 0 : -1;
    while (o && (n = fread(buf, 1, sizeof buf, in)) > 0)
        if (fwrite(buf, 1, n, o) != n)
            rc = -1;
    if (ferror(in) || (o && fclose(o) != 0))
        rc = -1;
    else if (!o && fd >= 0)
        close(fd);
    fclose(in);
    return rc;
}

static void remove_copy(const char *tmp)
{
    static const char *const sfx[] = { "", "-wal", "-shm", "-journal", ".key" };
    char p[PATH_MAX + 16];
    for (size_t i = 0; i < sizeof sfx / sizeof sfx[0]; i++) {
        snprintf(p, sizeof p, "%s%s", tmp, sfx[i]);
        unlink(p);
    }
}

/* A dry run imports into a snapshot of the database (VACUUM INTO, a read)
 * and throws it away, so it reports exactly what a real run would do
 * without ever holding the write lock of the real one. No welcome mail is
 * prepared in the copy: it changes no row's outcome. */
static enum gh_status dry_run(struct gh_store *st, const char *actor, const char *path,
                              const struct gh_import_opts *opts, struct gh_import_stats *out)
{
    const char *dir = getenv("TMPDIR");
    char tmp[PATH_MAX], key[PATH_MAX + 8], err[256];
    snprintf(tmp, sizeof tmp, "%s/gatehouse-dry-run-XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(tmp);
    if (fd < 0)
        return gh_store_fail(st, GH_E_IO, "%s: %s", tmp, strerror(errno));
    close(fd);
    enum gh_status s = GH_OK;
    sqlite3_stmt *q = gh_store_prepare(st, "VACUUM INTO ?1");
    if (!q) {
        s = gh_store_sqlfail(st, _("copying the database for the dry run"));
        goto out;
    }
    sqlite3_bind_text(q, 1, tmp, -1, SQLITE_STATIC);
    if (sqlite3_step(q) != SQLITE_DONE)
        s = gh_store_sqlfail(st, _("copying the database for the dry run"));
    gh_store_done(st, q);
    snprintf(key, sizeof key, "%s.key", gh_store_path(st));
    char tkey[PATH_MAX + 8];
    snprintf(tkey, sizeof tkey, "%s.key", tmp);
    if (s == GH_OK && copy_if_there(key, tkey) != 0)
        s = gh_store_fail(st, GH_E_IO, "%s: %s", tkey, strerror(errno));
    if (s != GH_OK)
        goto out;
    struct gh_store *copy = NULL;
    if ((s = gh_store_open(tmp, &copy, err, sizeof err)) != GH_OK) {
        gh_store_fail(st, s, "%s", err);
        goto out;
    }
    struct gh_import_opts o = *opts;
    o.dry_run = 0;
    o.no_welcome = 1;
    s = import_file(copy, actor, path, &o, out);
    if (out)
        out->committed = out->resume_line = 0;   /* nothing is ever committed */
    gh_store_fail(st, s, "%s", gh_store_errmsg(copy));
    gh_store_close(copy);
out:
    remove_copy(tmp);
    return s;
}

enum gh_status gh_import_csv(struct gh_store *st, const char *actor, const char *path,
                             const struct gh_import_opts *opts, struct gh_import_stats *out)
{
    if (opts && opts->dry_run)
        return dry_run(st, actor, path, opts, out);
    return import_file(st, actor, path, opts, out);
}
