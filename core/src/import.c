/*
 * import.c: tenants from a property management system, as CSV (import.h).
 *
 * The file is read a line at a time and handed to libcsv, which deals with
 * quoting (commas, quotes and line breaks inside fields) and with CR, LF and
 * CRLF line ends; a UTF-8 byte order mark at the start is skipped. The first
 * record is the header: email, name, phone, unit and optionally group, in
 * any order, nothing else.
 *
 * Each row goes through the same core functions as the command line
 * (gh_occupant_create, gh_account_update, gh_group_member_add,
 * gh_unit_rent_occupant), so the rules, the log entries and the welcome
 * mail are the same as for an occupant added by hand. A row is compared
 * with what is stored first and changes nothing when it already matches:
 * that is what makes a second run of the same file a no-op (no log entries,
 * no mail). An existing occupant keeps their state, access and group unless
 * the row names another group: the file adds and corrects, it never takes
 * away (an empty cell means "no information", not "clear it").
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
 * Input that means one thing: before any row is imported the whole file is
 * scanned for a stray quote (one never closed, or one whose field runs over
 * line ends into a record of the wrong shape): such a file is refused as a
 * whole, naming the line where the quote opened, because every row after it
 * would be read wrongly. A NUL byte in a row refuses that row.
 *
 * New occupants get access "all" (every common door of the property; the
 * unit rule still keeps them out of other people's units), or the named
 * group's access.
 */
#include "gatehouse/import.h"
#include "gatehouse/account.h"
#include "gatehouse/audit.h"
#include "gatehouse/group.h"
#include "gatehouse/i18n.h"
#include "gatehouse/location.h"
#include "gatehouse/store.h"
#include "rules_internal.h"
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
/* Page cache while importing, in KiB. Every new account goes into several
 * indexes on random keys (email, phone, name); with SQLite's default 2 MiB
 * cache, a table of 100k accounts no longer fits and each insert reads
 * index pages back from the file, which made a 100k-row import 3x slower
 * than a 20k one, row for row. */
#define GH_IMPORT_CACHE_KIB 65536   /* keep in step with the PRAGMA below */
#define FIELD_MAX 2048          /* longer than any valid field; caps memory */

enum col { COL_EMAIL, COL_NAME, COL_PHONE, COL_UNIT, COL_GROUP, N_COLS };
static const char *const col_names[N_COLS] = { "email", "name", "phone", "unit", "group" };

struct imp {
    struct gh_store *st;
    const char *actor;
    const struct gh_import_opts *opts;
    struct gh_import_stats *stats;

    /* the record being read */
    char *field[N_COLS + 1];
    int nfields;
    int too_many, too_long;
    int nul_field;               /* 1-based field holding a NUL byte, 0 none */
    long rec_line;               /* line where the record starts */

    int have_header;
    int map[N_COLS + 1];         /* field index -> column, -1 unused */
    int ncols;                   /* fields in the header */
    enum gh_status fatal;        /* a store error that stops the import */
    int header_bad;
    char msg[512];

    int in_batch;                /* an outer transaction is open */
    long batch_rows;
    int64_t batch_t0;            /* when the batch began, ms */
    long batch_line;             /* line of the batch's first row */
    struct gh_import_stats saved; /* the stats as of the last commit */
    char skipped_lines[256];     /* for the summary log entry */
};

static void report(struct imp *im, long line, const char *msg)
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

static const char *cell(struct imp *im, enum col c)
{
    for (int i = 0; i < im->nfields && i < im->ncols; i++)
        if (im->map[i] == (int)c)
            return im->field[i] ? im->field[i] : "";
    return "";
}

static void free_record(struct imp *im)
{
    for (int i = 0; i <= N_COLS; i++) {
        free(im->field[i]);
        im->field[i] = NULL;
    }
    im->nfields = 0;
    im->too_many = im->too_long = 0;
    im->nul_field = 0;
}

static void on_field(void *data, size_t len, void *ud)
{
    struct imp *im = ud;
    if (im->nfields > N_COLS) {
        im->too_many = 1;
        im->nfields++;
        return;
    }
    if (len > FIELD_MAX) {
        im->too_long = 1;
        len = 0;
    }
    if (len && !im->nul_field && memchr(data, '\0', len))
        im->nul_field = im->nfields + 1;
    char *s = malloc(len + 1);
    if (!s) {
        im->fatal = GH_E_NOMEM;
        return;
    }
    if (len)
        memcpy(s, data, len);
    s[len] = '\0';
    trim(s);
    im->field[im->nfields++] = s;
}

static void header(struct imp *im)
{
    int seen[N_COLS] = {0};
    im->have_header = 1;
    if (im->too_many || im->nfields > N_COLS) {
        snprintf(im->msg, sizeof im->msg,
                 _("line %ld: too many columns (expected email, name, phone, unit and optionally group)"),
                 im->rec_line);
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
    for (int i = 0; i < im->nfields; i++) {
        int c = -1;
        for (int k = 0; k < N_COLS; k++)
            if (strcasecmp(im->field[i], col_names[k]) == 0)
                c = k;
        if (c < 0) {
            snprintf(im->msg, sizeof im->msg,
                     _("line %ld: unknown column '%.64s' (expected email, name, phone, unit and optionally group)"),
                     im->rec_line, im->field[i]);
            im->header_bad = 1;
            return;
        }
        if (seen[c]++) {
            snprintf(im->msg, sizeof im->msg, _("line %ld: column '%s' appears twice"),
                     im->rec_line, col_names[c]);
            im->header_bad = 1;
            return;
        }
        im->map[i] = c;
    }
    for (int k = 0; k < COL_GROUP; k++)
        if (!seen[k]) {
            snprintf(im->msg, sizeof im->msg, _("line %ld: missing column '%s'"), im->rec_line,
                     col_names[k]);
            im->header_bad = 1;
            return;
        }
}

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static enum gh_status batch_open(struct imp *im)
{
    if (im->in_batch)
        return GH_OK;
    enum gh_status s = gh_store_begin(im->st);
    if (s == GH_OK) {
        im->in_batch = 1;
        im->batch_rows = 0;
        im->batch_t0 = mono_ms();
        im->batch_line = im->rec_line;
    }
    return s;
}

static enum gh_status batch_close(struct imp *im)
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
static enum gh_status batch_maybe_close(struct imp *im)
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

/* The same number, once both are in E.164 with the site's calling code. */
static int same_phone(struct gh_store *st, const char *a, const char *b)
{
    char ka[GH_PHONE_BUF] = "", kb[GH_PHONE_BUF] = "";
    if (gh_rules_phone_key(st, a, ka, sizeof ka, NULL, 0) != 0)
        return 0;
    if (gh_rules_phone_key(st, b, kb, sizeof kb, NULL, 0) != 0)
        return 0;
    return strcmp(ka, kb) == 0;
}

/* Works out and applies one row, inside the caller's savepoint. Returns the
 * status; on a row error msg says why. *outcome: 0 unchanged, 1 created,
 * 2 updated. */
static enum gh_status do_row(struct imp *im, char *msg, size_t msglen, int *outcome)
{
    struct gh_store *st = im->st;
    const char *email = cell(im, COL_EMAIL), *name = cell(im, COL_NAME);
    const char *phone = cell(im, COL_PHONE), *unit = cell(im, COL_UNIT);
    const char *group = cell(im, COL_GROUP);
    char err[256];
    enum gh_status s;
    *outcome = 0;

    if (!*email) {
        snprintf(msg, msglen, "%s", _("email: required"));
        return GH_E_INVALID;
    }
    if (gh_ident_check_email(email, err, sizeof err) != 0 ||
        (*name && gh_ident_check_name(name, err, sizeof err) != 0)) {
        snprintf(msg, msglen, "%s", err);
        return GH_E_INVALID;
    }
    char key[GH_PHONE_BUF];
    if (*phone && gh_rules_phone_key(st, phone, key, sizeof key, err, sizeof err) != 0) {
        snprintf(msg, msglen, "%s", err);
        return GH_E_INVALID;
    }

    struct gh_location loc = {0};
    if (*unit) {
        s = gh_location_find(st, unit, &loc);
        if (s == GH_E_NOTFOUND || s == GH_E_INVALID) {
            snprintf(msg, msglen, _("unit: no location named '%.100s'"), unit);
            return GH_E_NOTFOUND;
        }
        if (s != GH_OK)
            goto core_fail;
        if (loc.door != GH_DOOR_UNIT) {
            snprintf(msg, msglen, _("unit: '%.100s' is not a unit"), unit);
            return GH_E_INVALID;
        }
    }
    struct gh_group grp = {0};
    if (*group) {
        s = gh_group_find(st, group, &grp);
        if (s == GH_E_NOTFOUND || s == GH_E_INVALID) {
            snprintf(msg, msglen, _("group: no group named '%.100s'"), group);
            return GH_E_NOTFOUND;
        }
        if (s != GH_OK)
            goto core_fail;
        if (grp.archived) {
            snprintf(msg, msglen, _("group: '%.100s' is archived"), group);
            return GH_E_REFUSED;
        }
    }

    struct gh_account a;
    s = gh_account_find(st, email, &a);
    if (s != GH_OK && s != GH_E_NOTFOUND)
        goto core_fail;
    int exists = s == GH_OK;
    if (exists && strcasecmp(a.email, email) != 0)
        exists = 0;     /* matched something else (a phone, an id): not this email */
    if (exists && a.kind != GH_KIND_OCCUPANT) {
        snprintf(msg, msglen, "%s", _("email: already used by a staff account"));
        return GH_E_EXISTS;
    }

    /* The unit: vacant, or already this occupant's (directly or through
     * the group the row names or they are in). */
    int rent = 0;
    if (*unit) {
        int64_t my_group = grp.id ? grp.id : exists ? a.group_id : 0;
        if (loc.tenant_account && (!exists || loc.tenant_account != a.id)) {
            snprintf(msg, msglen, _("unit: '%.100s' is rented to someone else"), loc.name);
            return GH_E_REFUSED;
        }
        if (loc.tenant_group && loc.tenant_group != my_group) {
            snprintf(msg, msglen, _("unit: '%.100s' is rented to someone else"), loc.name);
            return GH_E_REFUSED;
        }
        rent = !loc.tenant_account && !loc.tenant_group;
    }

    if (!exists) {
        struct gh_account_new in = {
            .email = email, .name = *name ? name : NULL, .phone = *phone ? phone : NULL,
            .access = grp.id ? GH_ACCESS_GROUP : GH_ACCESS_ALL,
            .group = grp.id ? grp.name : NULL,
            .no_welcome = im->opts ? im->opts->no_welcome : 0,
        };
        int64_t id = 0;
        if ((s = gh_occupant_create(st, im->actor, &in, &id)) != GH_OK)
            goto core_fail;
        if (rent && (s = gh_unit_rent_occupant(st, im->actor, loc.id, id)) != GH_OK)
            goto core_fail;
        *outcome = 1;
        return GH_OK;
    }

    int new_name = *name && strcmp(name, a.name) != 0;
    int new_phone = *phone && !same_phone(st, phone, a.phone);
    int new_group = grp.id && a.group_id != grp.id;
    if (new_name || new_phone) {
        s = gh_account_update(st, im->actor, a.id, new_name ? name : NULL,
                              new_phone ? phone : NULL);
        if (s != GH_OK)
            goto core_fail;
    }
    if (new_group && (s = gh_group_member_add(st, im->actor, grp.name, a.id)) != GH_OK)
        goto core_fail;
    if (rent && (s = gh_unit_rent_occupant(st, im->actor, loc.id, a.id)) != GH_OK)
        goto core_fail;
    *outcome = (new_name || new_phone || new_group || rent) ? 2 : 0;
    return GH_OK;

core_fail:
    snprintf(msg, msglen, "%s", gh_store_errmsg(st));
    if (!msg[0])
        snprintf(msg, msglen, "%s", gh_strerror(s));
    return s;
}

static void row(struct imp *im)
{
    char msg[512] = "";
    im->stats->rows++;
    if (im->nul_field) {
        int c = im->nul_field - 1 < im->ncols ? im->map[im->nul_field - 1] : -1;
        snprintf(msg, sizeof msg, _("%s: contains a NUL byte (a zero byte); the row is skipped"),
                 c >= 0 ? col_names[c] : _("field"));
        report(im, im->rec_line, msg);
        return;
    }
    if (im->too_many || im->nfields != im->ncols) {
        int nl = 0;
        for (int i = 0; i < im->nfields && i <= N_COLS; i++)
            nl |= im->field[i] && strchr(im->field[i], '\n');
        snprintf(msg, sizeof msg, _("expected %d fields, found %d%s"), im->ncols, im->nfields,
                 nl ? _(" (is a quote not closed?)") : "");
        report(im, im->rec_line, msg);
        return;
    }
    if (im->too_long) {
        snprintf(msg, sizeof msg, "%s", _("a field is too long"));
        report(im, im->rec_line, msg);
        return;
    }

    enum gh_status s = batch_open(im);
    if (s == GH_OK)
        s = gh_store_begin(im->st);   /* the row's savepoint */
    if (s != GH_OK) {
        im->fatal = s;
        snprintf(im->msg, sizeof im->msg, _("line %ld: %s"), im->rec_line,
                 gh_store_errmsg(im->st));
        return;
    }
    int outcome = 0;
    s = do_row(im, msg, sizeof msg, &outcome);
    if (s == GH_OK && (s = gh_store_commit(im->st)) == GH_OK) {
        if (outcome == 1)
            im->stats->created++;
        else if (outcome == 2)
            im->stats->updated++;
        else
            im->stats->unchanged++;
    } else {
        gh_store_rollback(im->st);
        if (!msg[0])
            snprintf(msg, sizeof msg, "%s", gh_store_errmsg(im->st));
        if (is_fatal(s)) {
            im->fatal = s;
            snprintf(im->msg, sizeof im->msg, _("line %ld: %s"), im->rec_line, msg);
            return;
        }
        report(im, im->rec_line, msg);
    }
    if ((s = batch_maybe_close(im)) != GH_OK)
        im->fatal = s;
}

static void on_record(int term, void *ud)
{
    struct imp *im = ud;
    (void)term;
    if (im->fatal || im->header_bad) {
        free_record(im);
        return;
    }
    /* A line of nothing but separators ("",,,) is a blank line too. */
    int blank = 1;
    for (int i = 0; i < im->nfields && i <= N_COLS; i++)
        if (im->field[i] && im->field[i][0])
            blank = 0;
    if (blank && !im->too_many && !im->nul_field) {
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
static void stopped(struct imp *im)
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

/* ---- the stray-quote scan ---------------------------------------------- */

/* Reads the file once as libcsv will (a quote opens a quoted field only at
 * the start of a field, spaces before it allowed; "" inside is a quote; a
 * quote followed by a comma, a line end or the end closes it; a quote
 * followed by anything else is kept as text and the field goes on). */
struct scan {
    long line, quote_line;       /* current line; where the open quote is */
    long header_fields;          /* fields of the first non-blank record, -1 */
    int in_quote, after_quote, field_start, content;
    long nfields;                /* fields ended in this record */
    int field_spans, field_junk; /* this quoted field: over a line end; text after a quote */
    long rec_quote_line;         /* first quote of this record that spans lines, 0 */
    int rec_junk;
};

static void scan_end_field(struct scan *sc)
{
    if (sc->field_spans && !sc->rec_quote_line)
        sc->rec_quote_line = sc->quote_line;
    sc->rec_junk |= sc->field_spans && sc->field_junk;
    sc->field_spans = sc->field_junk = 0;
    sc->nfields++;
    sc->field_start = 1;
}

/* The end of a record: the line of a stray quote in it, or 0. */
static long scan_end_record(struct scan *sc)
{
    long bad = 0;
    scan_end_field(sc);
    if (sc->content) {
        if (sc->header_fields < 0)
            sc->header_fields = sc->nfields;
        else if (sc->rec_quote_line && (sc->nfields != sc->header_fields || sc->rec_junk))
            bad = sc->rec_quote_line;
    }
    sc->nfields = 0;
    sc->content = 0;
    sc->rec_quote_line = 0;
    sc->rec_junk = 0;
    return bad;
}

/* One byte; the line of a stray quote once one is known, else 0. */
static long scan_byte(struct scan *sc, int c)
{
    long bad = 0;
    if (sc->in_quote && sc->after_quote) {
        if (c == '"') {
            sc->after_quote = 0;
        } else if (c == ',' || c == '\n' || c == '\r') {
            sc->in_quote = sc->after_quote = 0;
            if (c == ',')
                scan_end_field(sc);
            else
                bad = scan_end_record(sc);
        } else if (c != ' ' && c != '\t') {
            sc->after_quote = 0;
            sc->field_junk = 1;  /* libcsv keeps it as text and reads on */
        }
    } else if (sc->in_quote) {
        if (c == '"')
            sc->after_quote = 1;
        else if (c == '\n')
            sc->field_spans = 1;
    } else if (c == ',') {
        scan_end_field(sc);
    } else if (c == '\n' || c == '\r') {
        if (sc->content || sc->nfields)
            bad = scan_end_record(sc);
        sc->field_start = 1;
    } else if (sc->field_start && (c == ' ' || c == '\t')) {
        /* spaces before a field */
    } else {
        sc->content = 1;
        if (sc->field_start && c == '"') {
            sc->in_quote = 1;
            sc->quote_line = sc->line;
        }
        sc->field_start = 0;
    }
    if (c == '\n')
        sc->line++;
    return bad;
}

/* Refuses the whole file when a quote in it is never closed, or is closed
 * only after swallowing line ends into a record of the wrong shape: every
 * row after it would be read wrongly. Nothing is imported then. */
static enum gh_status scan_quotes(struct gh_store *st, FILE *f)
{
    struct scan sc = { .line = 1, .header_fields = -1, .field_start = 1 };
    unsigned char buf[65536];
    size_t n, i = 0;
    long bad = 0;
    int first = 1;

    while (!bad && (n = fread(buf, 1, sizeof buf, f)) > 0) {
        i = first && n >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
        first = 0;
        for (; i < n && !bad; i++)
            bad = scan_byte(&sc, buf[i]);
    }
    if (!bad && sc.in_quote && !sc.after_quote)
        bad = sc.quote_line;
    else if (!bad && (sc.content || sc.nfields))
        bad = scan_end_record(&sc);
    if (ferror(f))
        return gh_store_fail(st, GH_E_IO, "%s", strerror(errno));
    rewind(f);
    if (bad)
        return gh_store_fail(st, GH_E_REFUSED,
                             _("line %ld: a quote opened on this line is not closed, so the "
                               "lines after it would be read as one field; nothing was "
                               "imported (close or remove the quote and import again)"),
                             bad);
    return GH_OK;
}

static enum gh_status import_file(struct gh_store *st, const char *actor, const char *path,
                                  const struct gh_import_opts *opts, struct gh_import_stats *out)
{
    struct gh_import_stats dummy;
    struct gh_import_stats *stats = out ? out : &dummy;
    memset(stats, 0, sizeof *stats);
    struct imp im = { .st = st, .actor = actor ? actor : "import", .opts = opts, .stats = stats };
    struct csv_parser p;
    char *line = NULL;
    size_t cap = 0;
    long long done = 0, total = 0;
    long lineno = 0;
    enum gh_status s = GH_OK;
    int csv_ok = 0;
    int64_t old_cache = 0;

    FILE *f = fopen(path, "rb");
    if (!f)
        return gh_store_fail(st, GH_E_IO, "%s: %s", path, strerror(errno));
    struct stat sb;
    if (fstat(fileno(f), &sb) == 0)
        total = (long long)sb.st_size;
    if ((s = scan_quotes(st, f)) != GH_OK)
        goto fail;
    if (csv_init(&p, CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
        s = gh_store_fail(st, GH_E_NOMEM, "%s", gh_strerror(GH_E_NOMEM));
        goto fail;
    }
    csv_ok = 1;

    /* A bigger cache for the run, put back as it was at the end. */
    sqlite3_stmt *cq = gh_store_prepare(st, "PRAGMA cache_size");
    if (cq && sqlite3_step(cq) == SQLITE_ROW)
        old_cache = sqlite3_column_int64(cq, 0);
    gh_store_done(st, cq);
    if (old_cache && gh_store_exec(st, "PRAGMA cache_size = -65536" /* GH_IMPORT_CACHE_KIB */,
                                   "import cache") != GH_OK)
        old_cache = 0;

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
            im.rec_line = lineno;
        if (csv_parse(&p, text, (size_t)n, on_field, on_record, &im) != (size_t)n) {
            s = gh_store_fail(st, GH_E_INVALID, _("line %ld: %s"), lineno,
                              csv_strerror(csv_error(&p)));
            goto fail;
        }
        if (im.fatal || im.header_bad)
            break;
        if (opts && opts->on_progress && (lineno & 63) == 0)
            opts->on_progress(opts->ud, done, total, stats->rows);
    }
    if (ferror(f)) {
        s = gh_store_fail(st, GH_E_IO, "%s: %s", path, strerror(errno));
        goto fail;
    }
    if (!im.fatal && !im.header_bad &&
        csv_fini(&p, on_field, on_record, &im) != 0) {
        /* An opening quote that never closed swallowed the rest of the file. */
        stats->rows++;
        report(&im, im.rec_line, _("a quoted field is not closed"));
        free_record(&im);
    }
    if (im.header_bad) {
        s = gh_store_fail(st, GH_E_REFUSED, "%s", im.msg);
        goto fail;
    }
    if (!im.have_header && !im.fatal) {
        s = gh_store_fail(st, GH_E_REFUSED, "%s: %s", path,
                          _("empty file (expected a header line: email,name,phone,unit[,group])"));
        goto fail;
    }
    if (im.fatal) {
        s = im.fatal;
        if (im.msg[0])
            gh_store_fail(st, s, "%s", im.msg);
        goto fail;
    }
    if ((s = batch_close(&im)) != GH_OK)
        goto fail;
    if (opts && opts->on_progress)
        opts->on_progress(opts->ud, total, total, stats->rows);

    /* One summary entry, only when the run did something: a second run of
     * the same clean file leaves the log as it was. */
    if (!(opts && opts->dry_run) && (stats->created || stats->updated || stats->skipped)) {
        const char *base = strrchr(path, '/');
        s = gh_audit_appendf(st, im.actor, "import", base ? base + 1 : path,
                             stats->skipped ? GH_OUTCOME_REFUSED : GH_OUTCOME_OK,
                             "%ld rows: %ld created, %ld updated, %ld unchanged, %ld skipped%s%s%s",
                             stats->rows, stats->created, stats->updated, stats->unchanged,
                             stats->skipped, stats->skipped ? " (lines " : "",
                             stats->skipped ? im.skipped_lines : "", stats->skipped ? ")" : "");
        if (s != GH_OK)
            goto fail;
    }
    s = stats->skipped ? GH_E_INVALID : GH_OK;
    if (s == GH_E_INVALID)
        gh_store_fail(st, s, _("%ld row(s) skipped"), stats->skipped);
    goto done;

fail:
    if (im.in_batch) {
        im.in_batch = 0;
        gh_store_rollback(st);
    }
    stopped(&im);
done:
    if (old_cache) {
        char pragma[64];
        snprintf(pragma, sizeof pragma, "PRAGMA cache_size = %lld", (long long)old_cache);
        gh_store_exec(st, pragma, "import cache");
    }
    free_record(&im);
    if (csv_ok)
        csv_free(&p);
    free(line);
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
