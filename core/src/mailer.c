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
 * The message itself is composed by mail_format.c; the batch against the
 * store (claims, marks) is mail_batch.c, which calls this file and never
 * the other way round: what a batch keeps with the mailer between batches
 * (its committer) is attached here as an opaque object with its own free.
 */
#include "gatehouse/mailer.h"

#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <sodium.h>

#include "gatehouse/clock.h"
#include "gatehouse/config.h"
#include "gatehouse/i18n.h"
#include "gatehouse/mail_format.h"
#include "gatehouse/outbox.h"

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
    struct gh_config cfg;         /* for the handle, made on first use */
    int smtps;
    pthread_t preload;            /* loads libcurl while the caller reads the store */
    int preloading;               /* preload not joined yet */
    void *attached;               /* the batch's committer; NULL until needed */
    void (*attached_free)(void *);
    /* more connections to the relay ([mail] connections): a lane is a
     * mailer of its own (handle, upload, step) made on first use, whose
     * cancel is its parent's */
    int connections;
    struct gh_mailer *parent;
    struct gh_mailer *lanes[GH_CONFIG_MAX_MAIL_CONNECTIONS - 1];
};

static int is_cancelled(struct gh_mailer *m)
{
    return atomic_load(&m->cancel) || (m->parent && atomic_load(&m->parent->cancel));
}

/* ---- the client ------------------------------------------------------------- */

const char *gh_mailer_verdict_name(enum gh_mail_verdict v)
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
    return is_cancelled(m);
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

/* The [mail] settings a mailer needs, checked: relay URL scheme (*smtps
 * set for smtps://) and the From address (and name, if one was given). */
static enum gh_status check_config(const struct gh_config *cfg, int *smtps, char *from_addr,
                                   size_t alen, char *from_name, size_t nlen, char *err,
                                   size_t errlen)
{
    if (!cfg->mail_relay[0]) {
        snprintf(err, errlen, "%s", _("no mail relay configured ([mail] relay)"));
        return GH_E_CONFIG;
    }
    *smtps = strncasecmp(cfg->mail_relay, "smtps://", 8) == 0;
    if (!*smtps && strncasecmp(cfg->mail_relay, "smtp://", 7) != 0) {
        snprintf(err, errlen, _("[mail] relay must start with smtp:// or smtps://: \"%.200s\""),
                 cfg->mail_relay);
        return GH_E_CONFIG;
    }
    split_from(cfg->mail_from, from_addr, alen, from_name, nlen);
    if (!gh_mail_format_addr_ok(from_addr)) {
        snprintf(err, errlen, _("[mail] from is not a valid address: \"%.200s\""), cfg->mail_from);
        return GH_E_CONFIG;
    }
    return GH_OK;
}

/* Every option of the handle that stays the same from message to message. */
static CURLcode set_options(struct gh_mailer *m, const struct gh_config *cfg, int smtps)
{
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
    return rc;
}

static void *preload_main(void *arg)
{
    pthread_once(&curl_once, curl_init);
    return arg;
}

/* Loading libcurl and the TLS libraries it pulls in costs tens of ms
 * (kiosk/common/curl_lazy.c). A thread starts on it at once, so that the
 * caller's first batch reads and claims its mail from the store meanwhile;
 * the handle is made at the first send (make_handle). No signal is ever
 * delivered to this thread (like the mail worker's). */
static void start_preload(struct gh_mailer *m)
{
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    m->preloading = pthread_create(&m->preload, NULL, preload_main, NULL) == 0;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/* The easy handle, made once libcurl is loaded. GH_OK, or GH_E_CONFIG with
 * the reason in err (libcurl not installed or refusing an option: the same
 * for every message, so the batch stops with them all still queued). */
static enum gh_status make_handle(struct gh_mailer *m, char *err, size_t errlen)
{
    if (m->curl)
        return GH_OK;
    if (m->preloading) {
        pthread_join(m->preload, NULL);
        m->preloading = 0;
    }
    pthread_once(&curl_once, curl_init);
    if (curl_init_rc != CURLE_OK) {
        snprintf(err, errlen, "libcurl did not initialise: %s", curl_easy_strerror(curl_init_rc));
        return GH_E_CONFIG;
    }
    m->curl = curl_easy_init();
    if (!m->curl) {
        snprintf(err, errlen, "libcurl: could not create a handle");
        return GH_E_CONFIG;
    }
    CURLcode rc = set_options(m, &m->cfg, m->smtps);
    if (rc != CURLE_OK) {
        snprintf(err, errlen, "libcurl refused an option: %s", curl_easy_strerror(rc));
        curl_easy_cleanup(m->curl);
        m->curl = NULL;
        return GH_E_CONFIG;
    }
    return GH_OK;
}

enum gh_status gh_mailer_new(const struct gh_config *cfg, struct gh_mailer **out,
                             char *err, size_t errlen)
{
    struct gh_mailer *m = NULL;
    char from_addr[256], from_name[256];
    int smtps = 0;
    *out = NULL;
    enum gh_status s = check_config(cfg, &smtps, from_addr, sizeof from_addr, from_name,
                                    sizeof from_name, err, errlen);
    if (s != GH_OK)
        return s;
    m = calloc(1, sizeof *m);
    if (!m) {
        snprintf(err, errlen, "out of memory");
        return GH_E_NOMEM;
    }
    atomic_init(&m->cancel, 0);
    m->cfg = *cfg;
    m->smtps = smtps;
    snprintf(m->url, sizeof m->url, "%s", cfg->mail_relay);
    snprintf(m->from_addr, sizeof m->from_addr, "%s", from_addr);
    snprintf(m->from_cfg_name, sizeof m->from_cfg_name, "%s", from_name);
    snprintf(m->from_name, sizeof m->from_name, "%s", from_name[0] ? from_name : "Gatehouse");
    m->tls_required = smtps || cfg->mail_starttls;
    m->connections = gh_config_mail_connections();
    start_preload(m);
    *out = m;
    return GH_OK;
}

void gh_mailer_free(struct gh_mailer *m)
{
    if (!m)
        return;
    if (m->attached_free)
        m->attached_free(m->attached);
    for (int k = 0; k < GH_CONFIG_MAX_MAIL_CONNECTIONS - 1; k++)
        gh_mailer_free(m->lanes[k]);
    if (m->preloading)
        pthread_join(m->preload, NULL);
    if (m->curl)
        curl_easy_cleanup(m->curl);
    sodium_memzero(m, sizeof *m);         /* the relay password is in cfg */
    free(m);
}

void gh_mailer_set_from_name(struct gh_mailer *m, const char *name)
{
    snprintf(m->from_name, sizeof m->from_name, "%s", name ? name : "");
    for (int k = 0; k < GH_CONFIG_MAX_MAIL_CONNECTIONS - 1; k++)
        if (m->lanes[k])
            snprintf(m->lanes[k]->from_name, sizeof m->from_name, "%s", m->from_name);
}

int gh_mailer_connections(const struct gh_mailer *m)
{
    return m->connections > 0 ? m->connections : 1;
}

/* Lane k: a copy of m's settings with a handle of its own, made at its
 * first send (m's libcurl is loaded by then: lanes start after m's batch
 * has claimed its mail, and make_handle joins m's preload). */
struct gh_mailer *gh_mailer_lane(struct gh_mailer *m, int k)
{
    if (k == 0)
        return m;
    if (k < 0 || k >= gh_mailer_connections(m) || m->parent)
        return NULL;
    struct gh_mailer *l = m->lanes[k - 1];
    if (l)
        return l;
    if (m->preloading) {
        pthread_join(m->preload, NULL);
        m->preloading = 0;
    }
    l = calloc(1, sizeof *l);
    if (!l)
        return NULL;
    atomic_init(&l->cancel, 0);
    l->cfg = m->cfg;
    l->smtps = m->smtps;
    l->tls_required = m->tls_required;
    l->connections = 1;
    l->parent = m;
    memcpy(l->url, m->url, sizeof l->url);
    memcpy(l->from_addr, m->from_addr, sizeof l->from_addr);
    memcpy(l->from_name, m->from_name, sizeof l->from_name);
    memcpy(l->from_cfg_name, m->from_cfg_name, sizeof l->from_cfg_name);
    m->lanes[k - 1] = l;
    return l;
}

void gh_mailer_use_kiosk_name(struct gh_mailer *m, const char *kiosk)
{
    gh_mailer_set_from_name(m, m->from_cfg_name[0] ? m->from_cfg_name
                               : kiosk && *kiosk ? kiosk : "Gatehouse");
}

void gh_mailer_cancel(struct gh_mailer *m) { atomic_store(&m->cancel, 1); }
void gh_mailer_reset_cancel(struct gh_mailer *m) { atomic_store(&m->cancel, 0); }
int gh_mailer_cancelled(struct gh_mailer *m) { return is_cancelled(m); }

void gh_mailer_attach(struct gh_mailer *m, void *obj, void (*free_fn)(void *))
{
    if (m->attached_free && m->attached != obj)
        m->attached_free(m->attached);
    m->attached = obj;
    m->attached_free = free_fn;
}

void *gh_mailer_attached(const struct gh_mailer *m) { return m->attached; }

void gh_mailer_disconnect(struct gh_mailer *m)
{
    /* dropping the handle is the one way to close its cached connection;
     * duphandle keeps every option */
    if (!m->curl)
        return;
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
    } else if (rc == CURLE_ABORTED_BY_CALLBACK && is_cancelled(m)) {
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

    if (is_cancelled(m)) {
        res->verdict = GH_MAILV_CANCELLED;
        detailf(res, "%s", _("delivery cancelled (shutting down)"));
        return res->verdict;
    }
    enum gh_status s = make_handle(m, err, sizeof err);
    if (s == GH_OK)
        s = gh_mail_format_message(mail, m->from_name, m->from_addr, gh_clock_now_ms(), &msg,
                                   &len, err, sizeof err);
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
