/*
 * mailer.c: the SMTP client that delivers the outbox to the relay (see
 * mailer.h for the rules it follows).
 *
 * One libcurl easy handle per mailer, kept between sends: libcurl keeps the
 * connection to the relay open in the handle's cache, so a batch pays for
 * one TCP connect, one TLS handshake and one AUTH. Per message only the
 * recipient list and the upload change.
 *
 * libcurl reports every refused SMTP command as the same CURLcode (55 for
 * MAIL/RCPT, 8 after DATA, measured with 7.88; see TESTING.md), so the
 * verdict comes from CURLINFO_RESPONSE_CODE and from the step the relay was
 * answering, which a debug callback learns by watching the commands libcurl
 * writes ("MAIL FROM", "RCPT TO", "DATA"...). Only the command word is kept;
 * the AUTH line, which carries the credentials, is never copied.
 *
 * The message itself is composed here (gh_mail_format): headers are built
 * only from sanitised text, so no CR or LF from a name or subject can start
 * a header of its own; the body is quoted-printable, which any relay
 * carries unchanged whether it offers 8BITMIME or not. Dot-stuffing of lines
 * that start with "." is libcurl's job for SMTP uploads (it has done it
 * since SMTP support came in, 7.20); the tests send such lines to prove it.
 */
#include "gatehouse/mailer.h"
#include "gatehouse/mail_thread.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <sodium.h>

#include "gatehouse/clock.h"
#include "gatehouse/config.h"
#include "gatehouse/i18n.h"
#include "gatehouse/oplog.h"
#include "gatehouse/outbox.h"
#include "gatehouse/store.h"

struct committer;
static void committer_free(struct committer *c);

struct gh_mailer {
    CURL *curl;
    char url[512];
    char from_addr[256];
    char from_name[404];
    char from_cfg_name[256];      /* a name given in [mail] from, if any */
    int tls_required;             /* starttls or smtps: for the problem text */
    atomic_int cancel;
    /* the upload in progress */
    const char *up;
    size_t up_len, up_pos;
    /* what the relay is doing, from the debug callback */
    char step[16];
    char reply[256];              /* last reply line from the relay */
    int quitting;                 /* QUIT sent: later replies are not news */
    char errbuf[CURL_ERROR_SIZE];
    struct committer *committer;  /* marks accepted messages sent; NULL until needed */
};

/* ---- small text buffer ----------------------------------------------------- */

struct sbuf {
    char *p;
    size_t len, cap;
    int oom;
};

static void sb_grow(struct sbuf *b, size_t more)
{
    if (b->oom || b->len + more + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 1024;
    while (cap < b->len + more + 1)
        cap *= 2;
    char *np = realloc(b->p, cap);
    if (!np) {
        b->oom = 1;
        return;
    }
    b->p = np;
    b->cap = cap;
}

static void sb_putn(struct sbuf *b, const char *s, size_t n)
{
    sb_grow(b, n);
    if (b->oom)
        return;
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void sb_puts(struct sbuf *b, const char *s) { sb_putn(b, s, strlen(s)); }

static void sb_putc(struct sbuf *b, char c) { sb_putn(b, &c, 1); }

static void sb_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
    char tmp[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof tmp) {
        sb_putn(b, tmp, (size_t)n);
        return;
    }
    sb_grow(b, (size_t)n);
    if (b->oom)
        return;
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

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
static int header_text(const char *in, struct sbuf *out)
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
                sb_putc(out, ' ');
            pending_space = 0;
            sb_puts(out, "\xEF\xBF\xBD");
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
                sb_putc(out, ' ');
            pending_space = 0;
            sb_putn(out, (const char *)s + i, l);
            if (l > 1)
                ascii = 0;
        }
        i += l;
    }
    return ascii;
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void put_base64(struct sbuf *b, const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)s[i] << 16;
        if (i + 1 < n) v |= (unsigned)s[i + 1] << 8;
        if (i + 2 < n) v |= s[i + 2];
        char q[4] = { b64[(v >> 18) & 63], b64[(v >> 12) & 63],
                      i + 1 < n ? b64[(v >> 6) & 63] : '=', i + 2 < n ? b64[v & 63] : '=' };
        sb_putn(b, q, 4);
    }
}

/* RFC 2047 "B" encoded-words for UTF-8 text, one per line after the first:
 * "=?UTF-8?B?" + base64 + "?=" is at most 75 characters, and a line that
 * holds one (with its header name or the leading space of a folded line)
 * at most 76. Words end on character boundaries, so each decodes alone.
 * `col` is the column the first word starts at. */
#define EW_OVERHEAD 12 /* =?UTF-8?B? and ?= */
static void put_encoded_words(struct sbuf *b, const char *text, size_t col)
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
            sb_puts(b, "\r\n ");
        sb_puts(b, "=?UTF-8?B?");
        put_base64(b, s + i, take);
        sb_puts(b, "?=");
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
static void put_phrase(struct sbuf *b, const char *clean, int ascii, size_t col)
{
    if (!ascii) {
        put_encoded_words(b, clean, col);
    } else if (is_atext_phrase(clean) && !strstr(clean, "=?")) {
        sb_puts(b, clean);
    } else {
        sb_putc(b, '"');
        for (const char *p = clean; *p; p++) {
            if (*p == '"' || *p == '\\')
                sb_putc(b, '\\');
            sb_putc(b, *p);
        }
        sb_putc(b, '"');
    }
}

int gh_mail_addr_ok(const char *addr)
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
static void put_mailbox(struct sbuf *b, const char *hdr, const char *name, const char *addr)
{
    struct sbuf clean = { 0 };
    int ascii = header_text(name, &clean);
    sb_puts(b, hdr);
    sb_puts(b, ": ");
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
            sb_puts(b, "\r\n");
        sb_printf(b, " <%s>", addr);
    } else {
        sb_puts(b, addr);
    }
    sb_puts(b, "\r\n");
    free(clean.p);
}

/* Subject: ASCII text folded at spaces to keep lines near 78 characters,
 * or encoded-words. */
static void put_subject(struct sbuf *b, const char *subject)
{
    struct sbuf clean = { 0 };
    int ascii = header_text(subject, &clean);
    sb_puts(b, "Subject: ");
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
                sb_puts(b, "\r\n");
                col = 0;
            }
            sb_putn(b, p, wl);
            col += wl;
            p += wl;
        }
    }
    sb_puts(b, "\r\n");
    free(clean.p);
}

static void put_date(struct sbuf *b, int64_t ms)
{
    static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
    static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    /* day and month names by hand: strftime's %a/%b follow the locale */
    sb_printf(b, "Date: %s, %d %s %04d %02d:%02d:%02d +0000\r\n", days[tm.tm_wday],
              tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
              tm.tm_sec);
}

/* The body: every line end (CRLF, CR or LF) made CRLF, then RFC 2045
 * quoted-printable with soft breaks at 76 columns. "From " at the start of a
 * line is encoded too, so that no mbox on the way mangles it. Written
 * straight into room reserved once for the worst case (every byte "=XX",
 * plus a soft break every 25 of those): this loop is most of the cost of
 * composing a message. */
static void put_body_qp(struct sbuf *b, const char *body)
{
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *s = (const unsigned char *)(body ? body : "");
    size_t n = strlen((const char *)s);
    sb_grow(b, n * 3 + (n / 25 + 2) * 3 + 4);
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

enum gh_status gh_mail_format(const struct gh_mail *mail, const char *from_name,
                              const char *from_addr, int64_t date_ms,
                              char **out, size_t *outlen, char *err, size_t errlen)
{
    struct sbuf b = { 0 };
    *out = NULL;
    if (outlen)
        *outlen = 0;
    if (!gh_mail_addr_ok(mail->to_addr)) {
        snprintf(err, errlen, _("recipient address is not one we can send to: \"%.200s\""),
                 mail->to_addr);
        return GH_E_INVALID;
    }
    if (!gh_mail_addr_ok(from_addr)) {
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
    sb_printf(&b, "Message-ID: %s\r\n", mail->message_id);
    char root[256];   /* a request's notice: one conversation (mail_thread.h) */
    if (gh_mail_thread_of(mail->message_id, NULL, root, sizeof root) > 0)
        sb_printf(&b, "In-Reply-To: %s\r\nReferences: %s\r\n", root, root);
    sb_puts(&b, "MIME-Version: 1.0\r\n"
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

/* ---- the client ------------------------------------------------------------- */

const char *gh_mail_verdict_name(enum gh_mail_verdict v)
{
    switch (v) {
    case GH_MAILV_SENT: return "sent";
    case GH_MAILV_TRANSIENT: return "transient";
    case GH_MAILV_PERMANENT: return "permanent";
    case GH_MAILV_CONFIG: return "config";
    case GH_MAILV_CANCELLED: return "cancelled";
    }
    return "?";
}

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc;
static void curl_init(void) { curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT); }

static size_t read_cb(char *buf, size_t size, size_t nitems, void *ud)
{
    struct gh_mailer *m = ud;
    size_t room = size * nitems, left = m->up_len - m->up_pos;
    size_t n = left < room ? left : room;
    memcpy(buf, m->up + m->up_pos, n);
    m->up_pos += n;
    return n;
}

static int xfer_cb(void *ud, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
    struct gh_mailer *m = ud;
    return atomic_load(&m->cancel) ? 1 : 0;
}

/* Learns which step the relay is answering from the commands libcurl
 * writes, and keeps the relay's last reply line for the error text. */
static int debug_cb(CURL *h, curl_infotype type, char *data, size_t size, void *ud)
{
    struct gh_mailer *m = ud;
    static const struct { const char *cmd; const char *step; } steps[] = {
        { "EHLO", "ehlo" }, { "HELO", "ehlo" }, { "STARTTLS", "starttls" },
        { "AUTH", "auth" }, { "MAIL", "mail" }, { "RCPT", "rcpt" },
        { "DATA", "data" },
    };
    if (type == CURLINFO_HEADER_OUT) {
        /* QUIT (and the reply to it) come after a refusal, on libcurl's way
         * out: keep the step and reply that decided the outcome */
        if (size >= 4 && strncasecmp(data, "QUIT", 4) == 0) {
            m->quitting = 1;
            return 0;
        }
        for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
            size_t l = strlen(steps[i].cmd);
            if (size >= l && strncasecmp(data, steps[i].cmd, l) == 0) {
                snprintf(m->step, sizeof m->step, "%s", steps[i].step);
                break;
            }
        }
    } else if (type == CURLINFO_HEADER_IN && !m->quitting) {
        size_t n = size;
        while (n && (data[n - 1] == '\n' || data[n - 1] == '\r'))
            n--;
        if (n >= sizeof m->reply)
            n = sizeof m->reply - 1;
        /* keep printable ASCII only: this text goes into logs */
        for (size_t i = 0; i < n; i++) {
            unsigned char c = (unsigned char)data[i];
            m->reply[i] = (c >= 0x20 && c < 0x7F) ? (char)c : '?';
        }
        m->reply[n] = '\0';
    }
    return 0;
}

/* [mail] from is an address, or "Name <address>" as the example config
 * shows; a name given there is the deployer's choice and wins over the
 * kiosk_name setting. */
static void split_from(const char *from, char *addr, size_t alen, char *name, size_t nlen)
{
    const char *lt = strchr(from, '<'), *gt = lt ? strchr(lt, '>') : NULL;
    name[0] = '\0';
    if (!lt || !gt) {
        while (*from == ' ' || *from == '\t')
            from++;
        size_t n = strlen(from);
        while (n && (from[n - 1] == ' ' || from[n - 1] == '\t'))
            n--;
        snprintf(addr, alen, "%.*s", (int)n, from);
        return;
    }
    snprintf(addr, alen, "%.*s", (int)(gt - lt - 1), lt + 1);
    const char *b = from, *e = lt;
    while (b < e && (*b == ' ' || *b == '\t' || *b == '"'))
        b++;
    while (e > b && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '"'))
        e--;
    snprintf(name, nlen, "%.*s", (int)(e - b), b);
}

enum gh_status gh_mailer_new(const struct gh_config *cfg, struct gh_mailer **out,
                             char *err, size_t errlen)
{
    struct gh_mailer *m = NULL;
    *out = NULL;
    if (!cfg->mail_relay[0]) {
        snprintf(err, errlen, "%s", _("no mail relay configured ([mail] relay)"));
        return GH_E_CONFIG;
    }
    int smtps = strncasecmp(cfg->mail_relay, "smtps://", 8) == 0;
    if (!smtps && strncasecmp(cfg->mail_relay, "smtp://", 7) != 0) {
        snprintf(err, errlen, _("[mail] relay must start with smtp:// or smtps://: \"%.200s\""),
                 cfg->mail_relay);
        return GH_E_CONFIG;
    }
    char from_addr[256], from_name[256];
    split_from(cfg->mail_from, from_addr, sizeof from_addr, from_name, sizeof from_name);
    if (!gh_mail_addr_ok(from_addr)) {
        snprintf(err, errlen, _("[mail] from is not a valid address: \"%.200s\""), cfg->mail_from);
        return GH_E_CONFIG;
    }
    pthread_once(&curl_once, curl_init);
    if (curl_init_rc != CURLE_OK) {
        snprintf(err, errlen, "libcurl did not initialise: %s", curl_easy_strerror(curl_init_rc));
        return GH_E_INTERNAL;
    }
    m = calloc(1, sizeof *m);
    if (!m) {
        snprintf(err, errlen, "out of memory");
        return GH_E_NOMEM;
    }
    atomic_init(&m->cancel, 0);
    snprintf(m->url, sizeof m->url, "%s", cfg->mail_relay);
    snprintf(m->from_addr, sizeof m->from_addr, "%s", from_addr);
    snprintf(m->from_cfg_name, sizeof m->from_cfg_name, "%s", from_name);
    snprintf(m->from_name, sizeof m->from_name, "%s", from_name[0] ? from_name : "Gatehouse");
    m->tls_required = smtps || cfg->mail_starttls;
    m->curl = curl_easy_init();
    if (!m->curl) {
        snprintf(err, errlen, "libcurl: could not create a handle");
        goto fail;
    }
    CURL *h = m->curl;
    char envelope_from[260];
    snprintf(envelope_from, sizeof envelope_from, "<%s>", m->from_addr);
    long ct = cfg->mail_connect_timeout_s > 0 ? cfg->mail_connect_timeout_s : 10;
    long tt = cfg->mail_timeout_s > 0 ? cfg->mail_timeout_s : 30;
    CURLcode rc = CURLE_OK;
#define SET(opt, val) do { if (rc == CURLE_OK) rc = curl_easy_setopt(h, opt, val); } while (0)
    SET(CURLOPT_URL, m->url);
    SET(CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    SET(CURLOPT_MAIL_FROM, envelope_from);
    SET(CURLOPT_UPLOAD, 1L);
    SET(CURLOPT_READFUNCTION, read_cb);
    SET(CURLOPT_READDATA, m);
    SET(CURLOPT_NOSIGNAL, 1L);              /* we run in a thread */
    SET(CURLOPT_CONNECTTIMEOUT, ct);
    SET(CURLOPT_SERVER_RESPONSE_TIMEOUT, tt);
    SET(CURLOPT_TIMEOUT, tt);               /* a whole message, connect included */
    SET(CURLOPT_SSL_VERIFYPEER, 1L);
    SET(CURLOPT_SSL_VERIFYHOST, 2L);
    if (cfg->mail_cafile[0])
        SET(CURLOPT_CAINFO, cfg->mail_cafile);
    if (!smtps && cfg->mail_starttls)
        SET(CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
    if (cfg->mail_username[0]) {
        SET(CURLOPT_USERNAME, cfg->mail_username);
        SET(CURLOPT_PASSWORD, cfg->mail_password);
    }
    SET(CURLOPT_NOPROGRESS, 0L);
    SET(CURLOPT_XFERINFOFUNCTION, xfer_cb);
    SET(CURLOPT_XFERINFODATA, m);
    SET(CURLOPT_DEBUGFUNCTION, debug_cb);
    SET(CURLOPT_DEBUGDATA, m);
    SET(CURLOPT_VERBOSE, 1L);               /* feeds debug_cb; nothing printed */
    SET(CURLOPT_ERRORBUFFER, m->errbuf);
#undef SET
    if (rc != CURLE_OK) {
        snprintf(err, errlen, "libcurl refused an option: %s", curl_easy_strerror(rc));
        goto fail;
    }
    *out = m;
    return GH_OK;
fail:
    gh_mailer_free(m);
    return GH_E_INTERNAL;
}

void gh_mailer_free(struct gh_mailer *m)
{
    if (!m)
        return;
    committer_free(m->committer);
    if (m->curl)
        curl_easy_cleanup(m->curl);
    free(m);
}

void gh_mailer_set_from_name(struct gh_mailer *m, const char *name)
{
    snprintf(m->from_name, sizeof m->from_name, "%s", name ? name : "");
}

void gh_mailer_cancel(struct gh_mailer *m) { atomic_store(&m->cancel, 1); }
void gh_mailer_reset_cancel(struct gh_mailer *m) { atomic_store(&m->cancel, 0); }

void gh_mailer_disconnect(struct gh_mailer *m)
{
    /* dropping the handle is the one way to close its cached connection;
     * duphandle keeps every option */
    CURL *fresh = curl_easy_duphandle(m->curl);
    if (!fresh)
        return;
    curl_easy_cleanup(m->curl);
    m->curl = fresh;
}

/* Truncating is fine for a log sentence; vsnprintf keeps GCC's
 * -Wformat-truncation out of every call. */
static void detailf(struct gh_mail_result *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void detailf(struct gh_mail_result *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->detail, sizeof r->detail, fmt, ap);
    va_end(ap);
}

static int is_tls_error(CURLcode rc)
{
    switch (rc) {
    case CURLE_SSL_CONNECT_ERROR:          /* 35 */
    case CURLE_SSL_ENGINE_NOTFOUND:        /* 53 */
    case CURLE_SSL_ENGINE_SETFAILED:       /* 54 */
    case CURLE_SSL_CERTPROBLEM:            /* 58 */
    case CURLE_SSL_CIPHER:                 /* 59 */
    case CURLE_PEER_FAILED_VERIFICATION:   /* 60 */
    case CURLE_USE_SSL_FAILED:             /* 64: STARTTLS required, not offered */
    case CURLE_SSL_ENGINE_INITFAILED:      /* 66 */
    case CURLE_SSL_CACERT_BADFILE:         /* 77 */
    case CURLE_SSL_CRL_BADFILE:            /* 82 */
    case CURLE_SSL_ISSUER_ERROR:           /* 83 */
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:   /* 90 */
    case CURLE_SSL_INVALIDCERTSTATUS:      /* 91 */
    case CURLE_SSL_CLIENTCERT:             /* 98 */
        return 1;
    default:
        return 0;
    }
}

/* The verdict for one finished transfer; see the table in mailer.h. */
static void classify(struct gh_mailer *m, CURLcode rc, long code, struct gh_mail_result *r)
{
    const char *why = m->errbuf[0] ? m->errbuf : curl_easy_strerror(rc);
    r->curl_code = (int)rc;
    r->smtp_code = code;
    r->relay = 0;
    snprintf(r->step, sizeof r->step, "%s", m->step);
    int before_rcpt = strcmp(m->step, "rcpt") != 0 && strcmp(m->step, "data") != 0;

    if (rc == CURLE_OK) {
        r->verdict = GH_MAILV_SENT;
        detailf(r, "accepted: %s", m->reply);
    } else if (rc == CURLE_ABORTED_BY_CALLBACK && atomic_load(&m->cancel)) {
        r->verdict = GH_MAILV_CANCELLED;
        detailf(r, "%s", _("delivery cancelled (shutting down)"));
    } else if (rc == CURLE_LOGIN_DENIED || rc == CURLE_AUTH_ERROR) {
        r->verdict = GH_MAILV_CONFIG;
        r->relay = 1;
        detailf(r, _("mail relay refused the login ([mail] username/password): %s%s%s"), why,
                 m->reply[0] ? ": " : "", m->reply);
    } else if (is_tls_error(rc)) {
        r->verdict = GH_MAILV_CONFIG;
        r->relay = 1;
        detailf(r, _("TLS with the mail relay failed (certificate, [mail] cafile or "
                     "starttls): %s (curl %d)"), why, (int)rc);
    } else if (rc == CURLE_UNSUPPORTED_PROTOCOL || rc == CURLE_URL_MALFORMAT ||
               rc == CURLE_NOT_BUILT_IN) {
        r->verdict = GH_MAILV_CONFIG;
        r->relay = 1;
        detailf(r, _("[mail] relay URL is not usable: %s"), why);
    } else if (code >= 400 && code < 500) {
        /* 4xx: try again later. 421 (closing), or a refusal before RCPT,
         * is the relay's state, not this message's. */
        r->verdict = GH_MAILV_TRANSIENT;
        r->relay = code == 421 || before_rcpt;
        detailf(r, _("relay deferred at %s: %s"), m->step,
                 m->reply[0] ? m->reply : why);
    } else if (code >= 500 && code < 600) {
        if (!before_rcpt || (strcmp(m->step, "mail") == 0 && code == 552)) {
            /* the relay will never take this message (552 at MAIL: too big) */
            r->verdict = GH_MAILV_PERMANENT;
            detailf(r, _("relay refused at %s: %s"), m->step,
                     m->reply[0] ? m->reply : why);
        } else {
            /* refused before any recipient: sender address, "must issue
             * STARTTLS first", relaying denied... the same for every
             * message, so it is the deployment's to fix */
            r->verdict = GH_MAILV_CONFIG;
            r->relay = 1;
            detailf(r, _("mail relay refused us at %s ([mail] from, starttls, auth?): %s"),
                    m->step,
                     m->reply[0] ? m->reply : why);
        }
    } else {
        /* no SMTP answer: connection refused or dropped, time-out, DNS */
        r->verdict = GH_MAILV_TRANSIENT;
        r->relay = 1;
        detailf(r, _("mail relay unreachable: %s (curl %d)"), why, (int)rc);
    }
}

enum gh_mail_verdict gh_mailer_send(struct gh_mailer *m, const struct gh_mail *mail,
                                    struct gh_mail_result *res)
{
    char *msg = NULL, err[256] = "";
    size_t len = 0;
    struct curl_slist *rcpt = NULL;
    memset(res, 0, sizeof *res);
    snprintf(res->step, sizeof res->step, "compose");

    if (atomic_load(&m->cancel)) {
        res->verdict = GH_MAILV_CANCELLED;
        detailf(res, "%s", _("delivery cancelled (shutting down)"));
        return res->verdict;
    }
    enum gh_status s = gh_mail_format(mail, m->from_name, m->from_addr, gh_clock_now_ms(),
                                      &msg, &len, err, sizeof err);
    if (s != GH_OK) {
        res->verdict = s == GH_E_INVALID ? GH_MAILV_PERMANENT
                     : s == GH_E_CONFIG ? GH_MAILV_CONFIG : GH_MAILV_TRANSIENT;
        res->relay = s == GH_E_CONFIG;
        detailf(res, "%s", err);
        return res->verdict;
    }
    char to[270];
    snprintf(to, sizeof to, "<%s>", mail->to_addr);
    rcpt = curl_slist_append(NULL, to);
    if (!rcpt) {
        free(msg);
        res->verdict = GH_MAILV_TRANSIENT;
        detailf(res, "%s", _("out of memory"));
        return res->verdict;
    }
    m->up = msg;
    m->up_len = len;
    m->up_pos = 0;
    m->errbuf[0] = '\0';
    m->reply[0] = '\0';
    m->quitting = 0;
    snprintf(m->step, sizeof m->step, "connect");
    curl_easy_setopt(m->curl, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(m->curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
    CURLcode rc = curl_easy_perform(m->curl);
    long code = 0;
    curl_easy_getinfo(m->curl, CURLINFO_RESPONSE_CODE, &code);
    classify(m, rc, code, res);
    /* the handle must not keep pointers to what we free now */
    curl_easy_setopt(m->curl, CURLOPT_MAIL_RCPT, (struct curl_slist *)NULL);
    m->up = NULL;
    m->up_len = m->up_pos = 0;
    curl_slist_free_all(rcpt);
    sodium_memzero(msg, len);
    free(msg);
    return res->verdict;
}

/* ---- a batch ------------------------------------------------------------------ */

struct due_list {
    struct gh_mail *v;
    int n, cap;
    int oom;
};

static int collect_due(void *ud, const struct gh_mail *m)
{
    struct due_list *d = ud;
    if (d->n == d->cap) {
        int cap = d->cap ? d->cap * 2 : 32;
        struct gh_mail *nv = realloc(d->v, (size_t)cap * sizeof *nv);
        if (!nv) {
            d->oom = 1;
            return 1;
        }
        d->v = nv;
        d->cap = cap;
    }
    struct gh_mail *c = &d->v[d->n];
    *c = *m;
    c->body = strdup(m->body ? m->body : "");
    if (!c->body) {
        d->oom = 1;
        return 1;
    }
    d->n++;
    return 0;
}

/* Queued messages that are not due yet: they hold back later messages to
 * the same recipient, so that a retry never overtakes... or is overtaken. */
struct waiting {
    int64_t id, at;
    char addr[256];
};
struct wait_list {
    struct waiting *v;
    int n, cap;
    int64_t now, earliest;
    int oom;
};

static int collect_waiting(void *ud, const struct gh_mail *m)
{
    struct wait_list *w = ud;
    if (m->state != GH_MAIL_QUEUED || m->next_attempt_at <= w->now)
        return 0;
    if (!w->earliest || m->next_attempt_at < w->earliest)
        w->earliest = m->next_attempt_at;
    if (w->n == w->cap) {
        int cap = w->cap ? w->cap * 2 : 32;
        struct waiting *nv = realloc(w->v, (size_t)cap * sizeof *nv);
        if (!nv) {
            w->oom = 1;
            return 1;
        }
        w->v = nv;
        w->cap = cap;
    }
    w->v[w->n].id = m->id;
    w->v[w->n].at = m->next_attempt_at;
    snprintf(w->v[w->n].addr, sizeof w->v[w->n].addr, "%s", m->to_addr);
    w->n++;
    return 0;
}

static int add_waiting(struct wait_list *w, const struct gh_mail *m)
{
    int64_t saved = w->now;
    struct gh_mail tmp = *m;
    tmp.state = GH_MAIL_QUEUED;
    tmp.next_attempt_at = INT64_MAX; /* held back for the rest of this batch */
    w->now = 0;
    int64_t earliest = w->earliest;
    int r = collect_waiting(w, &tmp);
    w->earliest = earliest;
    w->now = saved;
    return r;
}

static int held_back(const struct wait_list *w, const struct gh_mail *m)
{
    for (int i = 0; i < w->n; i++)
        if (w->v[i].id < m->id && strcasecmp(w->v[i].addr, m->to_addr) == 0)
            return 1;
    return 0;
}

/* ---- marking accepted messages sent ------------------------------------------ */

/* Marking a message sent is a transaction with an fsync and an activity-log
 * entry: on this hardware several times what the SMTP exchange itself costs
 * the client. So the relay's acceptances go to a committer thread with its
 * own store connection, which marks whatever has gathered in one
 * transaction (group commit) while the sender goes on with the next
 * message; on two cores the marking costs the sender almost nothing.
 *
 * A batch waits for the committer before it returns, so a message is never
 * handed out as due while its mark is still pending (it would be sent
 * twice). A crash can lose the marks of what was accepted but not yet
 * committed, at most GH_MAILER_MARK_GROUP messages plus what arrived during
 * one commit: those go again with the same Message-IDs (at-least-once). The
 * store's write lock is only ever held for the marking, never across a
 * send. */
struct committer {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t work, idle;
    struct gh_store *st;          /* the committer's own connection */
    char path[1024];
    int64_t q[GH_MAILER_MARK_GROUP];
    int n;                        /* queued ids */
    int busy, stop;
    int draining;                 /* a drain waits: commit what there is now */
    int marked;                   /* since the last drain */
    enum gh_status err;           /* first failure since the last drain */
    char errmsg[512];
};

/* A commit costs an fsync whether it marks one message or sixty-four, and
 * the relay accepts a message about as fast as a commit takes: committing
 * whatever is there at once made a group of one or two, an fsync a message.
 * So the committer waits a moment for a fuller group, unless the batch is
 * waiting for it (drain) or it is stopping. Called with c->mu held. */
static void gather(struct committer *c)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);        /* the condition's clock */
    long ns = until.tv_nsec + GH_MAILER_MARK_GATHER_MS * 1000000L;
    until.tv_sec += ns / 1000000000L;
    until.tv_nsec = ns % 1000000000L;
    while (c->n < GH_MAILER_MARK_GROUP && !c->stop && !c->draining)
        if (pthread_cond_timedwait(&c->work, &c->mu, &until) == ETIMEDOUT)
            break;
}

static void *committer_main(void *arg)
{
    struct committer *c = arg;
    int64_t ids[GH_MAILER_MARK_GROUP];
    pthread_mutex_lock(&c->mu);
    for (;;) {
        while (c->n == 0 && !c->stop)
            pthread_cond_wait(&c->work, &c->mu);
        if (c->n == 0)
            break;                /* stop, and nothing left to mark */
        gather(c);
        int k = c->n;
        memcpy(ids, c->q, (size_t)k * sizeof ids[0]);
        c->n = 0;
        c->busy = 1;
        pthread_cond_broadcast(&c->idle);      /* room in the queue again */
        pthread_mutex_unlock(&c->mu);

        int marked = 0;
        enum gh_status s = gh_store_begin(c->st);
        for (int i = 0; i < k && s == GH_OK; i++) {
            s = gh_outbox_mark_sent(c->st, ids[i]);
            if (s == GH_E_REFUSED) {
                /* already sent or failed: another deliverer (a flush
                 * beside the kiosk) got there first; ours was a duplicate */
                gh_oplog(GH_LOG_INFO, "mail %lld: %s", (long long)ids[i],
                         gh_store_errmsg(c->st));
                s = GH_OK;
                continue;
            }
            marked++;
        }
        if (s == GH_OK)
            s = gh_store_commit(c->st);
        else
            gh_store_rollback(c->st);
        char why[512] = "";
        if (s != GH_OK) {
            /* accepted but not marked: they will go again, same Message-IDs */
            snprintf(why, sizeof why, "%s", gh_store_errmsg(c->st));
            gh_oplog(GH_LOG_ERR, "%d mails accepted by the relay but not marked sent: %s", k,
                     why);
            marked = 0;
        }

        pthread_mutex_lock(&c->mu);
        c->busy = 0;
        c->marked += marked;
        if (s != GH_OK && c->err == GH_OK) {
            c->err = s;
            snprintf(c->errmsg, sizeof c->errmsg, "%s", why);
        }
        pthread_cond_broadcast(&c->idle);
    }
    pthread_mutex_unlock(&c->mu);
    return NULL;
}

static void committer_free(struct committer *c)
{
    if (!c)
        return;
    pthread_mutex_lock(&c->mu);
    c->stop = 1;
    pthread_cond_broadcast(&c->work);
    pthread_mutex_unlock(&c->mu);
    pthread_join(c->thread, NULL);
    gh_store_close(c->st);
    pthread_cond_destroy(&c->work);
    pthread_cond_destroy(&c->idle);
    pthread_mutex_destroy(&c->mu);
    free(c);
}

/* The committer for st's database, started on first use. NULL when it can't
 * be had (no file path, no second connection, no thread): the caller then
 * marks on st itself. */
static struct committer *committer_for(struct gh_mailer *m, struct gh_store *st)
{
    const char *path = gh_store_path(st);
    char err[256];
    if (m->committer && path && strcmp(m->committer->path, path) == 0)
        return m->committer;
    committer_free(m->committer);
    m->committer = NULL;
    if (!path || !*path || strcmp(path, ":memory:") == 0 || strlen(path) >= 1024)
        return NULL;
    struct committer *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    snprintf(c->path, sizeof c->path, "%s", path);
    if (gh_store_open(path, &c->st, err, sizeof err) != GH_OK) {
        gh_oplog(GH_LOG_WARN, "mail: marking sent on the sending thread: %s", err);
        free(c);
        return NULL;
    }
    pthread_mutex_init(&c->mu, NULL);
    pthread_cond_init(&c->work, NULL);
    pthread_cond_init(&c->idle, NULL);
    /* like the mail worker: no signal is ever delivered to this thread */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int rc = pthread_create(&c->thread, NULL, committer_main, c);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        gh_store_close(c->st);
        pthread_cond_destroy(&c->work);
        pthread_cond_destroy(&c->idle);
        pthread_mutex_destroy(&c->mu);
        free(c);
        return NULL;
    }
    m->committer = c;
    return c;
}

static void committer_add(struct committer *c, int64_t id)
{
    pthread_mutex_lock(&c->mu);
    while (c->n == GH_MAILER_MARK_GROUP)
        pthread_cond_wait(&c->idle, &c->mu);   /* the group is full: wait for a commit */
    c->q[c->n++] = id;
    /* the first starts the committer's gathering, a full group ends it;
     * waking it for every message in between would only cost switches */
    if (c->n == 1 || c->n == GH_MAILER_MARK_GROUP)
        pthread_cond_signal(&c->work);
    pthread_mutex_unlock(&c->mu);
}

/* Waits until everything handed over is committed; adds the count to out
 * and returns the first failure (its text set on st). */
static enum gh_status committer_drain(struct committer *c, struct gh_store *st,
                                      struct gh_mail_batch *out)
{
    pthread_mutex_lock(&c->mu);
    c->draining = 1;
    pthread_cond_signal(&c->work);                /* stop gathering: commit now */
    while (c->n > 0 || c->busy)
        pthread_cond_wait(&c->idle, &c->mu);
    c->draining = 0;
    out->sent += c->marked;
    enum gh_status s = c->err;
    char why[512];
    snprintf(why, sizeof why, "%s", c->errmsg);
    c->marked = 0;
    c->err = GH_OK;
    c->errmsg[0] = '\0';
    pthread_mutex_unlock(&c->mu);
    if (s != GH_OK)
        return gh_store_fail(st, s, "%s", why);
    return GH_OK;
}

/* Without a committer: marks one message on the caller's connection. */
static enum gh_status mark_here(struct gh_store *st, int64_t id, struct gh_mail_batch *out)
{
    enum gh_status s = gh_outbox_mark_sent(st, id);
    if (s == GH_E_REFUSED) {
        gh_oplog(GH_LOG_INFO, "mail %lld: %s", (long long)id, gh_store_errmsg(st));
        return GH_OK;
    }
    if (s != GH_OK) {
        gh_oplog(GH_LOG_ERR, "mail %lld accepted by the relay but not marked sent: %s",
                 (long long)id, gh_store_errmsg(st));
        return s;
    }
    out->sent++;
    return GH_OK;
}

/* What each claimed message says is checked against the database now, in
 * the claiming transaction; the ones no longer true are cancelled (and so no
 * longer claimed) and skipped. */
static enum gh_status recheck_claimed(struct gh_store *st, struct due_list *due,
                                      const unsigned char *claimed, struct gh_mail_batch *out)
{
    enum gh_status s = GH_OK;
    for (int i = 0; i < due->n && s == GH_OK; i++) {
        int cancelled = 0;
        if (!claimed[i])
            continue;
        s = gh_outbox_recheck(st, &due->v[i], &cancelled);
        if (s == GH_OK && cancelled) {
            due->v[i].state = GH_MAIL_CANCELLED;
            out->cancelled++;
            gh_oplog(GH_LOG_INFO, "mail %lld cancelled: no longer true",
                     (long long)due->v[i].id);
        }
    }
    return s;
}

static int by_id(const void *a, const void *b)
{
    const struct gh_mail *x = a, *y = b;
    return x->id < y->id ? -1 : x->id > y->id;
}

/* ---- one deliverer, and its batch claimed before sending ---------------------- */

/* One deliverer at a time per database (the kiosk's mail thread, `outbox
 * flush`): a flock on "<db>.mail-lock" held for a batch; a second deliverer
 * waits for the first one's batch (bounded: a batch stops at the first
 * relay failure), or gives up after GH_MAILER_LOCK_WAIT_MS or a cancel. It
 * is what makes a claim found at the start of a batch
 * (gh_outbox_unclaim_all) one that a deliverer killed mid-batch left
 * behind. Like the instance lock, a read-only descriptor does when the file
 * belongs to another user. Returns the fd; -1 when there is no file to lock
 * (an in-memory store), or with a status in *s when it can't be had. */
static int deliverer_lock(struct gh_mailer *m, struct gh_store *st, enum gh_status *s)
{
    const char *db = gh_store_path(st);
    char path[1100];
    *s = GH_OK;
    if (!db || !*db || strcmp(db, ":memory:") == 0 ||
        snprintf(path, sizeof path, "%s.mail-lock", db) >= (int)sizeof path)
        return -1;
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0 && (errno == EACCES || errno == EROFS))
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        *s = gh_store_fail(st, GH_E_IO, "can't open the delivery lock %s: %s", path,
                           strerror(errno));
        return -1;
    }
    for (int waited = 0; flock(fd, LOCK_EX | LOCK_NB) != 0; waited += 20) {
        if (errno != EWOULDBLOCK)
            *s = gh_store_fail(st, GH_E_IO, "can't lock %s: %s", path, strerror(errno));
        else if (waited >= GH_MAILER_LOCK_WAIT_MS || atomic_load(&m->cancel))
            *s = gh_store_fail(st, GH_E_TRANSIENT, "another deliverer has held %s for %d s "
                               "(or this one is stopping); nothing was sent, try again",
                               path, waited / 1000);
        if (*s != GH_OK) {
            close(fd);
            return -1;
        }
        struct timespec ts = { 0, 20 * 1000000L };
        nanosleep(&ts, NULL);
    }
    return fd;
}

/* claimed[i] for due.v[i] taken for this batch (gh_outbox_claim), used[i]
 * once it was sent, deferred or failed. */
struct claims {
    unsigned char *claimed, *used;
};

/* Claims, in one write transaction and before anything is sent, every due
 * message that is not held back behind an earlier one. An error (the
 * database write-locked past the busy time-out) means nothing may be sent:
 * a message we could not mark we would send again later. */
static enum gh_status claim_batch(struct gh_store *st, struct due_list *due,
                                  const struct wait_list *wait, int64_t now, struct claims *c,
                                  struct gh_mail_batch *out)
{
    enum gh_status s = GH_OK;
    char why[512];
    c->claimed = calloc((size_t)due->n, 2);
    int64_t *ids = malloc((size_t)due->n * sizeof *ids);
    int *at = malloc((size_t)due->n * sizeof *at);
    unsigned char *got = malloc((size_t)due->n);
    if (!c->claimed || !ids || !at || !got) {
        s = gh_store_fail(st, GH_E_NOMEM, "out of memory claiming the outbox batch");
        goto out;
    }
    c->used = c->claimed + due->n;
    int k = 0;
    for (int i = 0; i < due->n; i++)
        if (!held_back(wait, &due->v[i])) {
            ids[k] = due->v[i].id;
            at[k++] = i;
        }
    /* one write transaction claims and re-checks: what is sent is what was
     * true when it was claimed (SPEC "Mail") */
    if ((s = gh_store_begin(st)) != GH_OK) {
        snprintf(why, sizeof why, "%s", gh_store_errmsg(st));
        s = gh_store_fail(st, s, _("could not claim %d email(s) before sending, so none was "
                                   "sent: %s"), k, why);
        goto out;
    }
    s = gh_outbox_claim(st, ids, k, now, got);
    for (int j = 0; s == GH_OK && j < k; j++)
        c->claimed[at[j]] = got[j];
    if (s == GH_OK)
        s = recheck_claimed(st, due, c->claimed, out);
    if (s == GH_OK)
        s = gh_store_commit(st);
    else
        gh_store_rollback(st);
    if (s != GH_OK) {
        memset(c->claimed, 0, (size_t)due->n);
        out->cancelled = 0;
        for (int i = 0; i < due->n; i++)
            if (due->v[i].state == GH_MAIL_CANCELLED)
                due->v[i].state = GH_MAIL_QUEUED;
    }
out:
    free(ids);
    free(at);
    free(got);
    return s;
}

/* Gives back what was claimed but not used (a relay configuration problem,
 * a cancel, held back behind a deferred message): due again as before. */
static void release_claims(struct gh_store *st, const struct due_list *due, struct claims *c)
{
    for (int i = 0; c->claimed && i < due->n; i++)
        if (c->claimed[i] && !c->used[i] && gh_outbox_unclaim(st, due->v[i].id) != GH_OK)
            gh_oplog(GH_LOG_WARN, "mail %lld: claim not given back (the next batch gives "
                     "it back): %s", (long long)due->v[i].id, gh_store_errmsg(st));
    free(c->claimed);
    c->claimed = c->used = NULL;
}

/* The start of a batch, holding the delivery lock: a claim still in the
 * outbox is a dead deliverer's (killed mid-batch); its messages are due. */
static enum gh_status take_over_claims(struct gh_store *st)
{
    int n = 0;
    enum gh_status s = gh_outbox_unclaim_all(st, &n);
    if (s == GH_OK && n > 0)
        gh_oplog(GH_LOG_WARN, "mail: %d email(s) claimed by a deliverer that stopped "
                 "mid-batch are due again", n);
    return s;
}

enum gh_status gh_mailer_deliver_due(struct gh_mailer *m, struct gh_store *st,
                                     int64_t now, int limit, struct gh_mail_batch *out)
{
    struct due_list due = { 0 };
    struct wait_list wait = { 0 };
    struct claims claims = { 0 };
    struct committer *com = NULL;
    enum gh_status s = GH_OK;
    char relay_down[512] = "";
    memset(out, 0, sizeof *out);
    out->relay = GH_MAILV_SENT;
    if (limit <= 0)
        limit = GH_MAILER_BATCH;
    int lock = deliverer_lock(m, st, &s);
    if (s != GH_OK || (s = take_over_claims(st)) != GH_OK)
        goto done;

    const char *kiosk = gh_settings_get(st, GH_SETTING_KIOSK_NAME);
    gh_mailer_set_from_name(m, m->from_cfg_name[0] ? m->from_cfg_name
                               : kiosk && *kiosk ? kiosk : "Gatehouse");

    int64_t queued = gh_outbox_count(st, GH_MAIL_QUEUED);
    s = gh_outbox_due(st, now, limit, collect_due, &due);
    if (s == GH_OK && due.oom)
        s = gh_store_fail(st, GH_E_NOMEM, "out of memory reading the outbox");
    if (s != GH_OK)
        goto done;
    out->more = due.n >= limit;
    if (queued > due.n) {
        wait.now = now;
        s = gh_outbox_list(st, GH_MAIL_QUEUED, collect_waiting, &wait);
        if (s == GH_OK && wait.oom)
            s = gh_store_fail(st, GH_E_NOMEM, "out of memory reading the outbox");
        if (s != GH_OK)
            goto done;
        out->next_due = wait.earliest;
    }
    if (due.n > 1)
        qsort(due.v, (size_t)due.n, sizeof *due.v, by_id);
    if (due.n > 0 && (s = claim_batch(st, &due, &wait, now, &claims, out)) != GH_OK)
        goto done;                /* nothing sent: nothing we could not mark */
    if (due.n > 0)
        com = committer_for(m, st);

    for (int i = 0; i < due.n; i++) {
        struct gh_mail *mail = &due.v[i];
        struct gh_mail_result r;
        if (mail->state == GH_MAIL_CANCELLED)
            continue;
        if (held_back(&wait, mail)) {
            out->waiting++;
            continue;
        }
        if (!claims.claimed[i])
            continue;             /* another deliverer took it first */
        claims.used[i] = 1;
        if (relay_down[0]) {
            /* the relay did not answer for an earlier message of this
             * batch: this one had its try too */
            s = gh_outbox_mark_deferred(st, mail->id, relay_down);
            if (s != GH_OK)
                goto done;
            out->deferred++;
            add_waiting(&wait, mail);
            continue;
        }
        gh_mailer_send(m, mail, &r);
        if (strcmp(r.step, "compose") != 0)
            out->tried++;         /* the relay was contacted (or tried) */
        switch (r.verdict) {
        case GH_MAILV_SENT:
            gh_oplog(GH_LOG_DEBUG, "mail %lld accepted for %s", (long long)mail->id,
                     mail->to_addr);
            if (com) {
                committer_add(com, mail->id);
            } else if ((s = mark_here(st, mail->id, out)) != GH_OK) {
                goto done;
            }
            break;
        case GH_MAILV_TRANSIENT:
            gh_oplog(GH_LOG_WARN, "mail %lld deferred: %s", (long long)mail->id, r.detail);
            s = gh_outbox_mark_deferred(st, mail->id, r.detail);
            if (s != GH_OK)
                goto done;
            out->deferred++;
            add_waiting(&wait, mail);
            if (r.relay) {
                snprintf(relay_down, sizeof relay_down, "%s", r.detail);
                out->relay = GH_MAILV_TRANSIENT;
                snprintf(out->problem, sizeof out->problem, "%s", r.detail);
                out->problem_code = (long)r.curl_code * 1000 + r.smtp_code;
                /* a connection that failed half-way is not worth keeping */
                gh_mailer_disconnect(m);
            }
            break;
        case GH_MAILV_PERMANENT:
            gh_oplog(GH_LOG_WARN, "mail %lld failed: %s", (long long)mail->id, r.detail);
            s = gh_outbox_mark_failed(st, mail->id, r.detail);
            if (s != GH_OK)
                goto done;
            out->failed++;
            break;
        case GH_MAILV_CONFIG:
        case GH_MAILV_CANCELLED:
            /* left queued untouched: no attempt counted against them, and
             * their claims given back below */
            claims.used[i] = 0;
            out->held += due.n - i;
            if (r.verdict == GH_MAILV_CANCELLED && strcmp(r.step, "compose") != 0)
                out->tried--;     /* a send cut short tells nothing about the relay */
            if (r.verdict == GH_MAILV_CONFIG) {
                out->relay = GH_MAILV_CONFIG;
                snprintf(out->problem, sizeof out->problem, "%s", r.detail);
                out->problem_code = (long)r.curl_code * 1000 + r.smtp_code;
                gh_mailer_disconnect(m);
            }
            out->more = 0;
            goto done;
        }
    }
done:
    if (com) {
        /* before anyone asks for due mail again, every mark is in */
        enum gh_status ms = committer_drain(com, st, out);
        if (s == GH_OK)
            s = ms;
    }
    release_claims(st, &due, &claims);
    if (lock >= 0)
        close(lock);              /* the flock goes with it */
    for (int i = 0; i < due.n; i++) {
        /* a welcome body carries a setup code: leave no copy behind */
        sodium_memzero(due.v[i].body, strlen(due.v[i].body));
        free(due.v[i].body);
    }
    free(due.v);
    free(wait.v);
    return s;
}
