/*
 * imap.c: the replies mailbox over libcurl's IMAP (imap.h).
 *
 * Why the fetch is a custom command. libcurl's own message fetch (a URL
 * ending ";UID=n") sends "UID FETCH n BODY[]", and BODY[] sets \Seen as a
 * side effect: a message would be marked read before we know what it is,
 * and lost if the kiosk stopped before committing it (measured against
 * Dovecot 2.3 with libcurl 7.88). So we send "UID FETCH n
 * BODY.PEEK[]<0.N>" ourselves. libcurl hands a custom command's untagged
 * lines to the write callback but not the literal that follows them, while
 * every line it reads reaches the debug callback (CURLINFO_HEADER_IN) in
 * order, CRLF included; the literal is taken from there, exactly as many
 * bytes as its "{size}" announces. A message whose bytes don't add up (a
 * line in it that libcurl took for the end of the response) is refused as
 * unreadable and the connection dropped, so nothing after it is misread.
 *
 * One easy handle, so libcurl keeps one connection (and one SELECT) for the
 * search, the fetches and the stores of a poll.
 */
#include "gatehouse/imap.h"
#include "gatehouse/config.h"
#include "gatehouse/i18n.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct gh_imap {
    CURL *curl;
    char url[600];
    char errbuf[CURL_ERROR_SIZE];
    char problem[512];
    long code;
    /* the response being read */
    char *out;                  /* write callback: untagged lines */
    size_t out_len, out_cap;
    int capture;                /* debug callback: collecting a literal */
    char *lit;
    size_t lit_len, lit_want;
    int lit_bad;
};

static pthread_once_t once = PTHREAD_ONCE_INIT;
static CURLcode init_rc;
static void init(void) { init_rc = curl_global_init(CURL_GLOBAL_DEFAULT); }

static int grow(char **p, size_t *cap, size_t need)
{
    if (need <= *cap)
        return 0;
    size_t n = *cap ? *cap : 1024;
    while (n < need)
        n *= 2;
    char *q = realloc(*p, n);
    if (!q)
        return -1;
    *p = q;
    *cap = n;
    return 0;
}

static size_t write_cb(char *data, size_t size, size_t n, void *ud)
{
    struct gh_imap *h = ud;
    size_t len = size * n;
    if (h->out_len + len > 1024 * 1024 || grow(&h->out, &h->out_cap, h->out_len + len + 1))
        return 0;
    memcpy(h->out + h->out_len, data, len);
    h->out_len += len;
    h->out[h->out_len] = '\0';
    return len;
}

/* Collects the literal of "* n FETCH (... {size}" from the lines read. */
static void take_line(struct gh_imap *h, const char *data, size_t size)
{
    if (h->lit_want) {
        size_t room = h->lit_want - h->lit_len;
        size_t n = size < room ? size : room;
        memcpy(h->lit + h->lit_len, data, n);
        h->lit_len += n;
        if (h->lit_len == h->lit_want)
            h->capture = 0;         /* the rest is ")" and the tagged reply */
        return;
    }
    if (size < 4 || data[0] != '*' || !memchr(data, '{', size))
        return;
    const char *brace = memchr(data, '{', size);
    char *end = NULL;
    unsigned long want = strtoul(brace + 1, &end, 10);
    if (!end || *end != '}' || want == 0 || want > GH_IMAP_MAX_MESSAGE) {
        h->lit_bad = 1;
        h->capture = 0;
        return;
    }
    h->lit = malloc(want + 1);
    if (!h->lit) {
        h->lit_bad = 1;
        h->capture = 0;
        return;
    }
    h->lit_want = want;
}

static int debug_cb(CURL *c, curl_infotype type, char *data, size_t size, void *ud)
{
    (void)c;
    struct gh_imap *h = ud;
    if (type == CURLINFO_HEADER_IN && h->capture)
        take_line(h, data, size);
    return 0;
}

enum gh_status gh_imap_new(const struct gh_config *cfg, const struct gh_imap_config *ic,
                           struct gh_imap **out, char *err, size_t errlen)
{
    *out = NULL;
    int imaps = strncasecmp(ic->url, "imaps://", 8) == 0;
    if (!imaps && strncasecmp(ic->url, "imap://", 7) != 0) {
        snprintf(err, errlen, _("[mail] imap must start with imap:// or imaps://: \"%.200s\""),
                 ic->url);
        return GH_E_CONFIG;
    }
    pthread_once(&once, init);
    struct gh_imap *h = calloc(1, sizeof *h);
    if (init_rc != CURLE_OK || !h || !(h->curl = curl_easy_init())) {
        snprintf(err, errlen, "libcurl: could not create a handle");
        gh_imap_free(h);
        return GH_E_INTERNAL;
    }
    snprintf(h->url, sizeof h->url, "%s", ic->url);
    CURL *c = h->curl;
    long ct = cfg->mail_connect_timeout_s > 0 ? cfg->mail_connect_timeout_s : 10;
    long tt = cfg->mail_timeout_s > 0 ? cfg->mail_timeout_s : 30;
    CURLcode rc = CURLE_OK;
#define SET(opt, val) do { if (rc == CURLE_OK) rc = curl_easy_setopt(c, opt, val); } while (0)
    SET(CURLOPT_URL, h->url);
    SET(CURLOPT_PROTOCOLS_STR, "imap,imaps");
    SET(CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);  /* imap://: STARTTLS or nothing */
    SET(CURLOPT_NOSIGNAL, 1L);
    SET(CURLOPT_CONNECTTIMEOUT, ct);
    SET(CURLOPT_SERVER_RESPONSE_TIMEOUT, tt);
    SET(CURLOPT_TIMEOUT, tt);
    SET(CURLOPT_SSL_VERIFYPEER, 1L);
    SET(CURLOPT_SSL_VERIFYHOST, 2L);
    if (cfg->mail_cafile[0])
        SET(CURLOPT_CAINFO, cfg->mail_cafile);
    SET(CURLOPT_USERNAME, ic->username);
    SET(CURLOPT_PASSWORD, ic->password);
    SET(CURLOPT_WRITEFUNCTION, write_cb);
    SET(CURLOPT_WRITEDATA, h);
    SET(CURLOPT_DEBUGFUNCTION, debug_cb);
    SET(CURLOPT_DEBUGDATA, h);
    SET(CURLOPT_VERBOSE, 1L);                     /* feeds debug_cb; nothing printed */
    SET(CURLOPT_ERRORBUFFER, h->errbuf);
#undef SET
    if (rc != CURLE_OK) {
        snprintf(err, errlen, "libcurl refused an option: %s", curl_easy_strerror(rc));
        gh_imap_free(h);
        return GH_E_INTERNAL;
    }
    *out = h;
    return GH_OK;
}

void gh_imap_free(struct gh_imap *h)
{
    if (!h)
        return;
    if (h->curl)
        curl_easy_cleanup(h->curl);
    free(h->out);
    free(h->lit);
    free(h);
}

const char *gh_imap_problem(const struct gh_imap *h, long *code)
{
    if (code)
        *code = h ? h->code : 0;
    return h ? h->problem : "";
}

static enum gh_status classify(struct gh_imap *h, CURLcode rc)
{
    const char *why = h->errbuf[0] ? h->errbuf : curl_easy_strerror(rc);
    h->code = (long)rc;
    if (rc == CURLE_LOGIN_DENIED || rc == CURLE_AUTH_ERROR) {
        snprintf(h->problem, sizeof h->problem,
                 _("the replies mailbox refused the login ([mail] imap_username/"
                   "imap_password): %s"), why);
        return GH_E_CONFIG;
    }
    if (rc == CURLE_SSL_CONNECT_ERROR || rc == CURLE_PEER_FAILED_VERIFICATION ||
        rc == CURLE_USE_SSL_FAILED || rc == CURLE_SSL_CACERT_BADFILE ||
        rc == CURLE_SSL_CERTPROBLEM) {
        snprintf(h->problem, sizeof h->problem,
                 _("TLS with the replies mailbox failed (certificate, [mail] cafile): %s "
                   "(curl %d)"), why, (int)rc);
        return GH_E_CONFIG;
    }
    if (rc == CURLE_UNSUPPORTED_PROTOCOL || rc == CURLE_URL_MALFORMAT) {
        snprintf(h->problem, sizeof h->problem, _("[mail] imap is not usable: %s"), why);
        return GH_E_CONFIG;
    }
    snprintf(h->problem, sizeof h->problem,
             _("the replies mailbox is unreachable: %s (curl %d)"), why, (int)rc);
    return GH_E_TRANSIENT;
}

/* Runs one command on the mailbox; GH_OK or the classified failure. */
static enum gh_status run(struct gh_imap *h, const char *command)
{
    h->out_len = 0;
    h->errbuf[0] = '\0';
    curl_easy_setopt(h->curl, CURLOPT_CUSTOMREQUEST, command);
    CURLcode rc = curl_easy_perform(h->curl);
    if (rc != CURLE_OK)
        return classify(h, rc);
    h->problem[0] = '\0';
    h->code = 0;
    return GH_OK;
}

enum gh_status gh_imap_unseen(struct gh_imap *h, uint64_t **uids, size_t *n)
{
    *uids = NULL;
    *n = 0;
    enum gh_status s = run(h, "UID SEARCH UNSEEN");
    if (s != GH_OK)
        return s;
    const char *p = h->out ? strstr(h->out, "* SEARCH") : NULL;
    if (!p)
        return GH_OK;
    p += 8;
    size_t cap = 0;
    while (*p == ' ') {
        char *end = NULL;
        unsigned long long v = strtoull(p + 1, &end, 10);
        if (!end || end == p + 1)
            break;
        if (*n == cap) {
            uint64_t *nv = realloc(*uids, (cap = cap ? cap * 2 : 16) * sizeof *nv);
            if (!nv) {
                free(*uids);
                *uids = NULL;
                *n = 0;
                return GH_E_NOMEM;
            }
            *uids = nv;
        }
        (*uids)[(*n)++] = v;
        p = end;
    }
    return GH_OK;
}

enum gh_status gh_imap_fetch(struct gh_imap *h, uint64_t uid, char **raw, size_t *len)
{
    char cmd[96];
    *raw = NULL;
    *len = 0;
    snprintf(cmd, sizeof cmd, "UID FETCH %llu BODY.PEEK[]<0.%d>", (unsigned long long)uid,
             GH_IMAP_MAX_MESSAGE);
    free(h->lit);
    h->lit = NULL;
    h->lit_len = h->lit_want = 0;
    h->lit_bad = 0;
    h->capture = 1;
    enum gh_status s = run(h, cmd);
    h->capture = 0;
    if (s != GH_OK)
        return s;
    if (h->lit_bad || !h->lit || h->lit_len != h->lit_want) {
        /* Not the bytes announced: drop the connection (a copy of the
         * handle has none), whatever is still unread on it must not be
         * taken for the next answer. */
        CURL *fresh = curl_easy_duphandle(h->curl);
        if (fresh) {
            curl_easy_cleanup(h->curl);
            h->curl = fresh;
        }
        snprintf(h->problem, sizeof h->problem, "message %llu could not be read whole",
                 (unsigned long long)uid);
        return GH_E_INVALID;
    }
    h->lit[h->lit_len] = '\0';
    *raw = h->lit;
    *len = h->lit_len;
    h->lit = NULL;
    h->lit_len = h->lit_want = 0;
    return GH_OK;
}

enum gh_status gh_imap_mark_seen(struct gh_imap *h, uint64_t uid)
{
    char cmd[80];
    snprintf(cmd, sizeof cmd, "UID STORE %llu +FLAGS.SILENT (\\Seen)",
             (unsigned long long)uid);
    return run(h, cmd);
}
