/*
 * import_scan.c: the import's stray-quote scan (import_internal.h).
 *
 * Input that means one thing: before any row is imported the whole file is
 * scanned for a stray quote (one never closed, or one whose field runs over
 * line ends into a record of the wrong shape): such a file is refused as a
 * whole, naming the line where the quote opened, because every row after it
 * would be read wrongly.
 */
#include "import_internal.h"
#include "gatehouse/i18n.h"
#include "gatehouse/store.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>


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
enum gh_status gh_import_scan_quotes(struct gh_store *st, FILE *f)
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
