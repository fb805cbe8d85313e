/*
 * mail_format.c: composing the RFC 5322 message from an outbox row (see
 * mail_format.h for what it writes).
 *
 * Headers are built only from sanitised text, so no CR or LF from a name or
 * subject can start a header of its own; the body is quoted-printable,
 * which any relay carries unchanged whether it offers 8BITMIME or not.
 * Dot-stuffing of lines that start with "." is libcurl's job for SMTP
 * uploads (it has done it since SMTP support came in, 7.20); the tests send
 * such lines to prove it. Nothing here touches the network or the store.
 */
#include "gatehouse/mail_format.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "gatehouse/i18n.h"
#include "gatehouse/outbox.h"

/* ---- header text ------------------------------------------------------------ */

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if it is not one
 * (overlong forms, surrogates and code points above U+10FFFF refused). */
static size_t utf8_len(const unsigned char *s, size_t avail)
{
    unsigned c = s[0];
    size_t n;
    unsigned cp;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) { n = 2; cp = c & 0x1F; }
    else if (c >= 0xE0 && c <= 0xEF) { n = 3; cp = c & 0x0F; }
    else if (c >= 0xF0 && c <= 0xF4) { n = 4; cp = c & 0x07; }
    else return 0;
    if (avail < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

/* Copies header text into out as valid UTF-8 with every control character
 * (C0 including CR and LF, DEL, C1, U+2028/2029) turned into one space and
 * invalid bytes into U+FFFD; leading and trailing spaces dropped, runs of
 * spaces kept as one. This is the only way text reaches a header. Returns
 * 1 if the result is all ASCII. */
static int header_text(const char *in, struct gh_buf *out)
{
    const unsigned char *s = (const unsigned char *)(in ? in : "");
    size_t n = strlen((const char *)s);
    int ascii = 1, pending_space = 0;
    size_t start = out->len;
    for (size_t i = 0; i < n;) {
        size_t l = utf8_len(s + i, n - i);
        int space = 0;
        if (l == 0) {
            /* not UTF-8: keep the text readable rather than refuse a message */
            if (pending_space && out->len > start)
                gh_buf_putc(out, ' ');
            pending_space = 0;
            gh_buf_puts(out, "\xEF\xBF\xBD");
            ascii = 0;
            i++;
            continue;
        }
        if (l == 1 && (s[i] < 0x20 || s[i] == 0x7F || s[i] == ' '))
            space = 1;
        else if (l == 2 && s[i] == 0xC2 && s[i + 1] < 0xA0)
            space = 1; /* C1 controls U+0080..U+009F (NBSP and up are kept) */
        else if (l == 3 && s[i] == 0xE2 && s[i + 1] == 0x80 &&
                 (s[i + 2] == 0xA8 || s[i + 2] == 0xA9))
            space = 1; /* line and paragraph separators */
        if (space) {
            pending_space = 1;
        } else {
            if (pending_space && out->len > start)
                gh_buf_putc(out, ' ');
            pending_space = 0;
            gh_buf_putn(out, (const char *)s + i, l);
            if (l > 1)
                ascii = 0;
        }
        i += l;
    }
    return ascii;
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void put_base64(struct gh_buf *b, const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)s[i] << 16;
        if (i + 1 < n) v |= (unsigned)s[i + 1] << 8;
        if (i + 2 < n) v |= s[i + 2];
        char q[4] = { b64[(v >> 18) & 63], b64[(v >> 12) & 63],
                      i + 1 < n ? b64[(v >> 6) & 63] : '=', i + 2 < n ? b64[v & 63] : '=' };
        gh_buf_putn(b, q, 4);
    }
}

/* RFC 2047 "B" encoded-words for UTF-8 text, one per line after the first:
 * "=?UTF-8?B?" + base64 + "?=" is at most 75 characters, and a line that
 * holds one (with its header name or the leading space of a folded line)
 * at most 76. Words end on character boundaries, so each decodes alone.
 * `col` is the column the first word starts at. */
#define EW_OVERHEAD 12 /* =?UTF-8?B? and ?= */
static void put_encoded_words(struct gh_buf *b, const char *text, size_t col)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t n = strlen(text), i = 0;
    int first = 1, fold = 0;      /* fold: start the next word on a new line */
    while (i < n) {
        size_t room = first ? (col < 76 ? 76 - col : 0) : 75;
        if (room > 75)
            room = 75;
        size_t max_bytes = room > EW_OVERHEAD ? (room - EW_OVERHEAD) / 4 * 3 : 0;
        if (max_bytes < 12) {
            /* no room left on the first line: start on the next one */
            first = 0;
            fold = 1;
            continue;
        }
        size_t take = 0, at_space = 0;
        while (i + take < n) {
            size_t l = utf8_len(s + i + take, n - i - take);
            if (l == 0)
                l = 1; /* header_text made it valid; belt and braces */
            if (take + l > max_bytes)
                break;
            if (take > 0 && s[i + take] == ' ')
                at_space = take;
            take += l;
        }
        /* Prefer to end a word before a space (the next word starts with
         * it): a decoder that wrongly keeps the folding between two words
         * (Python's address parser does) then shows one space too many
         * rather than a space in the middle of a word. */
        if (i + take < n && at_space > max_bytes / 2)
            take = at_space;
        if (fold)
            gh_buf_puts(b, "\r\n ");
        gh_buf_puts(b, "=?UTF-8?B?");
        put_base64(b, s + i, take);
        gh_buf_puts(b, "?=");
        i += take;
        first = 0;
        fold = 1;
    }
}

/* RFC 5322 atext plus space: a display name made only of these needs no
 * quoting. */
static int is_atext_phrase(const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (isalnum(c) || c == ' ' || strchr("!#$%&'*+-/=?^_`{|}~", c))
            continue;
        return 0;
    }
    return 1;
}

/* A display name: as is, quoted, or encoded-words; col as above. */
static void put_phrase(struct gh_buf *b, const char *clean, int ascii, size_t col)
{
    if (!ascii) {
        put_encoded_words(b, clean, col);
    } else if (is_atext_phrase(clean) && !strstr(clean, "=?")) {
        gh_buf_puts(b, clean);
    } else {
        gh_buf_putc(b, '"');
        for (const char *p = clean; *p; p++) {
            if (*p == '"' || *p == '\\')
                gh_buf_putc(b, '\\');
            gh_buf_putc(b, *p);
        }
        gh_buf_putc(b, '"');
    }
}

int gh_mail_format_addr_ok(const char *addr)
{
    if (!addr || !*addr || strlen(addr) > 254)
        return 0;
    const char *at = strchr(addr, '@');
    if (!at || at == addr || strchr(at + 1, '@') || !at[1])
        return 0;
    for (const unsigned char *p = (const unsigned char *)addr; *p; p++) {
        /* ASCII only: a raw UTF-8 address would need SMTPUTF8 end to end */
        if (*p <= 0x20 || *p >= 0x7F || strchr("<>()[],;:\\\"", *p))
            return 0;
    }
    return 1;
}

/* "name <addr>" or "addr" for From and To, folding before the address when
 * the name was long. */
static void put_mailbox(struct gh_buf *b, const char *hdr, const char *name, const char *addr)
{
    struct gh_buf clean = { 0 };
    int ascii = header_text(name, &clean);
    gh_buf_puts(b, hdr);
    gh_buf_puts(b, ": ");
    if (b->oom || clean.oom) {
        b->oom = 1;
        free(clean.p);
        return;
    }
    size_t line_start = b->len - strlen(hdr) - 2;
    if (clean.len) {
        put_phrase(b, clean.p, ascii, strlen(hdr) + 2);
        /* column of the end of the last line written */
        size_t last = line_start;
        for (size_t i = line_start; i < b->len; i++)
            if (b->p[i] == '\n')
                last = i + 1;
        /* RFC 2047: a line holding an encoded-word is at most 76 long */
        if (b->len - last + strlen(addr) + 3 > 76)
            gh_buf_puts(b, "\r\n");
        gh_buf_printf(b, " <%s>", addr);
    } else {
        gh_buf_puts(b, addr);
    }
    gh_buf_puts(b, "\r\n");
    free(clean.p);
}

/* Subject: ASCII text folded at spaces to keep lines near 78 characters,
 * or encoded-words. */
static void put_subject(struct gh_buf *b, const char *subject)
{
    struct gh_buf clean = { 0 };
    int ascii = header_text(subject, &clean);
    gh_buf_puts(b, "Subject: ");
    if (clean.oom) {
        b->oom = 1;
    } else if (!clean.len) {
        /* empty subject: the header stays, with nothing after the space */
    } else if (!ascii || strstr(clean.p, "=?")) {
        put_encoded_words(b, clean.p, 9);
    } else {
        size_t col = 9;
        const char *p = clean.p;
        while (*p) {
            const char *sp = strchr(p + 1, ' ');
            size_t wl = sp ? (size_t)(sp - p) : strlen(p);
            if (col + wl > 78 && p != clean.p && *p == ' ') {
                gh_buf_puts(b, "\r\n");
                col = 0;
            }
            gh_buf_putn(b, p, wl);
            col += wl;
            p += wl;
        }
    }
    gh_buf_puts(b, "\r\n");
    free(clean.p);
}

static void put_date(struct gh_buf *b, int64_t ms)
{
    static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
    static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    /* day and month names by hand: strftime's %a/%b follow the locale */
    gh_buf_printf(b, "Date: %s, %d %s %04d %02d:%02d:%02d +0000\r\n", days[tm.tm_wday],
              tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
              tm.tm_sec);
}

/* The body: every line end (CRLF, CR or LF) made CRLF, then RFC 2045
 * quoted-printable with soft breaks at 76 columns. "From " at the start of a
 * line is encoded too, so that no mbox on the way mangles it. Written
 * straight into room reserved once for the worst case (every byte "=XX",
 * plus a soft break every 25 of those): this loop is most of the cost of
 * composing a message. */
static void put_body_qp(struct gh_buf *b, const char *body)
{
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *s = (const unsigned char *)(body ? body : "");
    size_t n = strlen((const char *)s);
    gh_buf_reserve(b, n * 3 + (n / 25 + 2) * 3 + 4);
    if (b->oom)
        return;
    char *o = b->p + b->len;
    size_t col = 0;
    int line_start = 1;
    while (*s) {
        if (*s == '\r' || *s == '\n') {
            *o++ = '\r';
            *o++ = '\n';
            s += (s[0] == '\r' && s[1] == '\n') ? 2 : 1;
            col = 0;
            line_start = 1;
            continue;
        }
        unsigned char c = *s;
        int at_eol = s[1] == '\0' || s[1] == '\r' || s[1] == '\n';
        int literal = (c >= 33 && c <= 126 && c != '=') ||
                      ((c == ' ' || c == '\t') && !at_eol);
        if (line_start && c == 'F' && strncmp((const char *)s, "From ", 5) == 0)
            literal = 0;
        size_t w = literal ? 1 : 3;
        /* a soft break leaves room for the '=' itself: at most 76 a line */
        if (col + w > 75) {
            *o++ = '=';
            *o++ = '\r';
            *o++ = '\n';
            col = 0;
        }
        if (literal) {
            *o++ = (char)c;
        } else {
            *o++ = '=';
            *o++ = hex[c >> 4];
            *o++ = hex[c & 15];
        }
        col += w;
        line_start = 0;
        s++;
    }
    if (col) {
        *o++ = '\r';
        *o++ = '\n';
    }
    b->len = (size_t)(o - b->p);
    b->p[b->len] = '\0';
}

static int message_id_ok(const char *id)
{
    size_t n = strlen(id);
    if (n < 5 || n > 250 || id[0] != '<' || id[n - 1] != '>' || !strchr(id, '@'))
        return 0;
    for (size_t i = 1; i + 1 < n; i++) {
        unsigned char c = (unsigned char)id[i];
        if (c <= 0x20 || c >= 0x7F || c == '<' || c == '>')
            return 0;
    }
    return 1;
}

enum gh_status gh_mail_format_message(const struct gh_mail *mail, const char *from_name,
                              const char *from_addr, int64_t date_ms,
                              char **out, size_t *outlen, char *err, size_t errlen)
{
    struct gh_buf b = { 0 };
    *out = NULL;
    if (outlen)
        *outlen = 0;
    if (!gh_mail_format_addr_ok(mail->to_addr)) {
        snprintf(err, errlen, _("recipient address is not one we can send to: \"%.200s\""),
                 mail->to_addr);
        return GH_E_INVALID;
    }
    if (!gh_mail_format_addr_ok(from_addr)) {
        snprintf(err, errlen, _("[mail] from is not a valid address: \"%.200s\""), from_addr);
        return GH_E_CONFIG;
    }
    if (!message_id_ok(mail->message_id)) {
        snprintf(err, errlen, "Message-ID is malformed: \"%.200s\"", mail->message_id);
        return GH_E_INVALID;
    }
    put_date(&b, date_ms);
    put_mailbox(&b, "From", from_name, from_addr);
    put_mailbox(&b, "To", mail->to_name, mail->to_addr);
    put_subject(&b, mail->subject);
    gh_buf_printf(&b, "Message-ID: %s\r\n", mail->message_id);
    gh_buf_puts(&b, "MIME-Version: 1.0\r\n"
                "Content-Type: text/plain; charset=UTF-8\r\n"
                "Content-Transfer-Encoding: quoted-printable\r\n"
                "Auto-Submitted: auto-generated\r\n"
                "\r\n");
    put_body_qp(&b, mail->body);
    if (b.oom) {
        free(b.p);
        snprintf(err, errlen, "out of memory composing a message");
        return GH_E_NOMEM;
    }
    *out = b.p;
    if (outlen)
        *outlen = b.len;
    return GH_OK;
}
