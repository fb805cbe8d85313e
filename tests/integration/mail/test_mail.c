/*
 * test_mail.c: SPEC "Mail" against real parts: the outbox in a real SQLite
 * file (WAL) in a temporary folder, the real libcurl, and a real SMTP server
 * on loopback (aiosmtpd, smtpd.py) with the faults a relay really has. What
 * arrived is read back by Python's email package (decode.py), not by us.
 *
 * One process per test (ctest passes the test's name as a filter), so the
 * clock (made virtual where a retry must fall due) and the mail worker's
 * state never leak between tests.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "gh_test.h"

#include <dirent.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "gatehouse/account.h"
#include "gatehouse/audit.h"
#include "gatehouse/clock.h"
#include "gatehouse/config.h"
#include "gatehouse/mail_batch.h"
#include "gatehouse/mail_format.h"
#include "gatehouse/outbox.h"
#include "gatehouse/store.h"
#include "mailtest.h"

struct fx {
    char dir[256];
    char db[300];
    struct gh_store *st;
    struct gh_config cfg;
    struct mt_server srv;
    struct gh_mailer *m;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    char err[256];
    signal(SIGPIPE, SIG_IGN);     /* a relay that hangs up mid-write */
    assert_non_null(f);
    assert_int_equal(mt_tmpdir(f->dir, sizeof f->dir), 0);
    snprintf(f->db, sizeof f->db, "%s/gatehouse.db", f->dir);
    assert_int_equal(gh_store_open(f->db, &f->st, err, sizeof err), GH_OK);
    gh_config_defaults(&f->cfg);
    snprintf(f->cfg.store_path, sizeof f->cfg.store_path, "%s", f->db);
    snprintf(f->cfg.mail_from, sizeof f->cfg.mail_from, "kiosk@lobby.example.org");
    f->cfg.mail_connect_timeout_s = 2;
    f->cfg.mail_timeout_s = 5;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    gh_mail_worker_stop();
    gh_mailer_free(f->m);
    mt_server_stop(&f->srv);
    gh_store_close(f->st);
    if (!getenv("GH_KEEP_TMP"))
        mt_rm_rf(f->dir);
    free(f);
    return 0;
}

/* Starts the server and points the config (and a new mailer) at it. */
static void relay(struct fx *f, const char *scheme, const char *const *args)
{
    char err[256];
    assert_int_equal(mt_server_start(&f->srv, f->dir, "relay", f->srv.port, args), 0);
    snprintf(f->cfg.mail_relay, sizeof f->cfg.mail_relay, "%s://127.0.0.1:%d",
             scheme ? scheme : "smtp", f->srv.port);
    gh_mailer_free(f->m);
    f->m = NULL;
    assert_int_equal(gh_mailer_new(&f->cfg, &f->m, err, sizeof err), GH_OK);
}

static int64_t queue(struct fx *f, const char *to, const char *name, const char *code)
{
    int64_t id = 0;
    const char *vars[] = { "name", name && *name ? name : "there", "code", code,
                           "kiosk", "Lobby", "email", to, NULL, NULL };
    enum gh_status s = gh_outbox_compose(f->st, "welcome", 0, to, name, vars, &id);
    if (s != GH_OK)
        fail_msg("compose: %s", gh_store_errmsg(f->st));
    return id;
}

static void get_mail(struct fx *f, int64_t id, struct gh_mail *m)
{
    assert_int_equal(gh_outbox_get(f->st, id, m), GH_OK);
}

static enum gh_mail_state state_of(struct fx *f, int64_t id)
{
    struct gh_mail m;
    get_mail(f, id, &m);
    enum gh_mail_state s = m.state;
    gh_mail_clear(&m);
    return s;
}

static struct gh_mail_batch flush(struct fx *f)
{
    struct gh_mail_batch b;
    assert_int_equal(gh_mail_batch_deliver(f->m, f->st, gh_clock_now_ms(), 0, &b), GH_OK);
    return b;
}

/* decode.py's report of received message i, and a line of it. */
static char *received(struct fx *f, int i)
{
    char path[700];
    mt_spool_path(f->srv.spool, i, "eml", path, sizeof path);
    char *r = mt_decode(path);
    if (!r)
        fail_msg("could not decode %s", path);
    return r;
}

static void expect_line(const char *report, const char *key, const char *want)
{
    char got[2048];
    if (mt_line(report, key, got, sizeof got) != 0)
        fail_msg("no \"%s\" in:\n%s", key, report);
    if (strcmp(got, want) != 0)
        fail_msg("%s: got \"%s\", want \"%s\"", key, got, want);
}

struct audit_count { const char *action; int n; char last_reason[512]; };
static int count_audit(void *ud, const struct gh_audit_entry *e)
{
    struct audit_count *c = ud;
    if (strcmp(e->action, c->action) == 0) {
        if (c->n == 0)
            snprintf(c->last_reason, sizeof c->last_reason, "%s", e->reason);
        c->n++;
    }
    return 0;
}
static int audit_count(struct fx *f, const char *action, char *last, size_t len)
{
    struct audit_count c = { action, 0, "" };
    assert_int_equal(gh_audit_list(f->st, 0, count_audit, &c), GH_OK);
    if (last)
        snprintf(last, len, "%s", c.last_reason);
    return c.n;
}

/* ---- the message -------------------------------------------------------------- */

struct find_kind { const char *kind; int64_t id; };
static int find_kind_cb(void *ud, const struct gh_mail *m)
{
    struct find_kind *k = ud;
    if (strcmp(m->kind, k->kind) == 0)
        k->id = m->id;            /* newest first: ends on the oldest */
    return 0;
}

static void welcome_email_arrives_with_code_and_all_headers(void **state)
{
    struct fx *f = *state;
    relay(f, "smtp", NULL);
    assert_int_equal(gh_settings_set(f->st, "test", GH_SETTING_KIOSK_NAME, "Harbour House"),
                     GH_OK);
    /* staff create an occupant: active at once, welcome queued at once */
    struct gh_account_new in = { .email = "ann@example.org", .name = "Ann Smith",
                                 .access = GH_ACCESS_ALL };
    int64_t acct = 0;
    assert_int_equal(gh_occupant_create(f->st, "test", &in, &acct), GH_OK);
    struct find_kind k = { "welcome", 0 };
    assert_int_equal(gh_outbox_list(f->st, GH_MAIL_QUEUED, find_kind_cb, &k), GH_OK);
    assert_true(k.id > 0);
    struct gh_mail q;
    get_mail(f, k.id, &q);

    struct gh_mail_batch b = flush(f);
    assert_int_equal(b.sent, 1);
    assert_int_equal(b.failed + b.deferred + b.held, 0);
    assert_int_equal(mt_spool_count(f->srv.spool), 1);
    assert_int_equal(state_of(f, k.id), GH_MAIL_SENT);

    char *r = received(f, 1);
    expect_line(r, "ADDR To:", "ann@example.org");
    expect_line(r, "NAME To:", "Ann Smith");
    expect_line(r, "ADDR From:", "kiosk@lobby.example.org");
    expect_line(r, "NAME From:", "Harbour House");
    expect_line(r, "HDR Subject:", "Your setup code for Harbour House");
    expect_line(r, "HDR Message-ID:", q.message_id);
    expect_line(r, "HDR MIME-Version:", "1.0");
    expect_line(r, "HDR Content-Type:", "text/plain; charset=\"UTF-8\"");
    expect_line(r, "HDR Content-Transfer-Encoding:", "quoted-printable");
    expect_line(r, "DEFECTS", "0");
    expect_line(r, "BAREEOL", "0");
    char date[128];
    assert_int_equal(mt_line(r, "HDR Date:", date, sizeof date), 0);
    assert_non_null(strstr(date, "+0000"));
    /* the body carries the 6-digit setup code on its own line */
    const char *body = strstr(r, "\nBODY\n");
    assert_non_null(body);
    assert_non_null(strstr(body, "Hello Ann Smith,"));
    char code[8] = "";
    for (const char *p = body; (p = strstr(p, "\n    ")) != NULL;) {
        p += 5;
        if (strspn(p, "0123456789") == 6 && p[6] == '\n')
            snprintf(code, sizeof code, "%.6s", p);
    }
    assert_int_equal(strlen(code), 6);
    assert_non_null(strstr(q.body, code));   /* the code the core issued */
    /* the envelope: our sender, their address */
    char jpath[700];
    mt_spool_path(f->srv.spool, 1, "json", jpath, sizeof jpath);
    char *env = mt_read_file(jpath);
    assert_non_null(strstr(env, "\"mail_from\": \"kiosk@lobby.example.org\""));
    assert_non_null(strstr(env, "\"rcpt_tos\": [\"ann@example.org\"]"));
    /* sent is logged; the code left the outbox with the message */
    assert_int_equal(audit_count(f, "mail.sent", NULL, 0), 1);
    struct gh_mail after;
    get_mail(f, k.id, &after);
    assert_null(strstr(after.body, code));
    gh_mail_clear(&after);
    gh_mail_clear(&q);
    free(env);
    free(r);
}

static void lines_starting_with_a_dot_survive_smtp_dot_stuffing(void **state)
{
    struct fx *f = *state;
    relay(f, "smtp", NULL);
    struct gh_mail m = { .id = 1 };
    snprintf(m.to_addr, sizeof m.to_addr, "dot@example.org");
    snprintf(m.subject, sizeof m.subject, "dots");
    snprintf(m.message_id, sizeof m.message_id, "<dots.1@test>");
    m.body = (char *)"first\n.\n..two\n.leading dot\r\nmixed\rends\n. \nlast";
    struct gh_mail_result res;
    assert_int_equal(gh_mailer_send(f->m, &m, &res), GH_MAILV_SENT);
    assert_int_equal(mt_spool_count(f->srv.spool), 1);
    char *r = received(f, 1);
    const char *body = strstr(r, "\nBODY\n");
    assert_non_null(body);
    /* every line end is CRLF on the wire and comes back as one newline;
     * a lone "." did not end the message early */
    assert_string_equal(body + 6, "first\n.\n..two\n.leading dot\nmixed\nends\n. \nlast\n");
    expect_line(r, "BAREEOL", "0");
    free(r);
}

static void non_ascii_names_and_subject_are_rfc2047_encoded(void **state)
{
    struct fx *f = *state;
    relay(f, "smtp", NULL);
    const char *name = "Zoë Ünïcødé-Ωmega Þórsdóttir, née Łukasiewicz 日本語のテキスト";
    const char *kiosk = "Größenwahn Lobby — Ærø";
    assert_int_equal(gh_settings_set(f->st, "test", GH_SETTING_KIOSK_NAME, kiosk), GH_OK);
    queue(f, "zoe@example.org", name, "123456");
    struct gh_mail_batch b = flush(f);
    assert_int_equal(b.sent, 1);
    char *r = received(f, 1);
    /* RFC 2047 6.2 decoding gives back exactly what was stored */
    expect_line(r, "RFCNAME To:", name);
    expect_line(r, "RFCNAME From:", kiosk);
    expect_line(r, "ADDR To:", "zoe@example.org");
    char subj[512];
    snprintf(subj, sizeof subj, "Your setup code for %s", "Lobby");
    expect_line(r, "HDR Subject:", subj);
    /* policy.default's address parser keeps the folding between encoded
     * words as a space; we split names only before a space, so apart
     * from the number of spaces it reads the same */
    char got[1024], a[1024], b2[1024];
    assert_int_equal(mt_line(r, "NAME To:", got, sizeof got), 0);
    size_t j = 0;
    for (size_t i = 0; got[i]; i++)
        if (!(got[i] == ' ' && i > 0 && got[i - 1] == ' '))
            a[j++] = got[i];
    a[j] = '\0';
    snprintf(b2, sizeof b2, "%s", name);
    assert_string_equal(a, b2);
    /* the raw form: encoded-words of at most 75 characters, lines short */
    char n[32];
    assert_int_equal(mt_line(r, "MAXWORD", n, sizeof n), 0);
    assert_true(atoi(n) > 0 && atoi(n) <= 75);
    assert_int_equal(mt_line(r, "MAXEWLINE", n, sizeof n), 0);
    assert_true(atoi(n) > 0 && atoi(n) <= 76);     /* RFC 2047 section 2 */
    assert_int_equal(mt_line(r, "MAXLINE", n, sizeof n), 0);
    assert_true(atoi(n) <= 998);                    /* RFC 5322 2.1.1 */
    expect_line(r, "DEFECTS", "0");
    free(r);

    /* a non-ASCII subject, split over several words, on the same rules */
    struct gh_mail m = { .id = 9 };
    snprintf(m.to_addr, sizeof m.to_addr, "zoe@example.org");
    snprintf(m.to_name, sizeof m.to_name, "%s", name);
    snprintf(m.subject, sizeof m.subject,
             "Willkommen bei %s: Ihr Einrichtungscode für die Tür — 日本語のテキストも", kiosk);
    snprintf(m.message_id, sizeof m.message_id, "<nonascii.9@test>");
    m.body = (char *)"Grüße aus dem Foyer\n";
    struct gh_mail_result res;
    gh_mailer_set_from_name(f->m, kiosk);
    assert_int_equal(gh_mailer_send(f->m, &m, &res), GH_MAILV_SENT);
    r = received(f, 2);
    expect_line(r, "HDR Subject:", m.subject);
    assert_int_equal(mt_line(r, "MAXWORD", n, sizeof n), 0);
    assert_true(atoi(n) <= 75);
    assert_int_equal(mt_line(r, "MAXEWLINE", n, sizeof n), 0);
    assert_true(atoi(n) > 0 && atoi(n) <= 76);     /* RFC 2047 section 2 */
    assert_int_equal(mt_line(r, "MAXLINE", n, sizeof n), 0);
    assert_true(atoi(n) <= 998);                    /* RFC 5322 2.1.1 */
    assert_non_null(strstr(r, "\nBODY\nGrüße aus dem Foyer\n"));
    free(r);
}

/* Random display names and subjects (ASCII specials, quotes, "=?",
 * 2-, 3- and 4-byte characters, long runs without spaces) round-trip
 * through our encoding and Python's RFC 2047 decoder unchanged. */
static void random_names_and_subjects_round_trip_through_rfc2047(void **state)
{
    struct fx *f = *state;
    static const char *const tok[] = {
        "a", "Zo", "Smith", "O'Neil", "\"", "\\", ",", "<", ">", "@", "(", ")", ";", ":",
        ".", "=?", "?=", "=", "_", "é", "ß", "Ω", "日本", "語", "😀", "ñ", "Ærø", "-", "x7",
        "Łukasiewicz", "ffffffffffffffffffffffff", "中文中文中文中文中文中文中文中文中文",
    };
    const int ntok = (int)(sizeof tok / sizeof tok[0]), n = 150;
    char files[150][320];
    static char names[150][404], subjects[150][512];
    unsigned seed = 12345;
    size_t cmdlen = 64;
    for (int i = 0; i < n; i++) {
        char *nm = names[i], *sj = subjects[i];
        size_t nl = 0, sl = 0;
        int words = 1 + (int)(rand_r(&seed) % 12);
        for (int w = 0; w < words; w++) {
            const char *t = tok[rand_r(&seed) % ntok];
            int glue = rand_r(&seed) % 3 == 0;      /* no space between some */
            if (nl + strlen(t) + 2 < 200) {
                if (nl && !glue)
                    nm[nl++] = ' ';
                memcpy(nm + nl, t, strlen(t));
                nl += strlen(t);
            }
        }
        nm[nl] = '\0';
        for (int w = 0; w < 3 * words; w++) {
            const char *t = tok[rand_r(&seed) % ntok];
            if (sl + strlen(t) + 2 < 400) {
                if (sl)
                    sj[sl++] = ' ';
                memcpy(sj + sl, t, strlen(t));
                sl += strlen(t);
            }
        }
        sj[sl] = '\0';
        struct gh_mail m = { .id = i + 1 };
        snprintf(m.to_addr, sizeof m.to_addr, "r%d@example.org", i);
        snprintf(m.to_name, sizeof m.to_name, "%s", nm);
        snprintf(m.subject, sizeof m.subject, "%s", sj);
        snprintf(m.message_id, sizeof m.message_id, "<rand.%d@test>", i);
        m.body = (char *)"x\n";
        char *out = NULL, err[256];
        size_t len = 0;
        assert_int_equal(gh_mail_format_message(&m, "Lobby", "kiosk@lobby.example.org", 0, &out, &len,
                                        err, sizeof err), GH_OK);
        /* no header line over 998, no encoded-word over 75 */
        for (const char *p = out; *p;) {
            size_t l = strcspn(p, "\r");
            assert_true(l <= 998);
            if (strstr(p, "=?UTF-8?B?") && strstr(p, "=?UTF-8?B?") < p + l)
                assert_true(l <= 76);
            if (l == 0)
                break;              /* end of the headers */
            p += l + 2;
        }
        snprintf(files[i], sizeof files[i], "%s/r%03d.eml", f->dir, i);
        FILE *fh = fopen(files[i], "wb");
        assert_non_null(fh);
        fwrite(out, 1, len, fh);
        fclose(fh);
        free(out);
        cmdlen += strlen(files[i]) + 3;
    }
    char *cmd = malloc(cmdlen + 256);
    assert_non_null(cmd);
    int o = sprintf(cmd, "%s %s --names", MT_PYTHON, MT_DECODE);
    for (int i = 0; i < n; i++)
        o += sprintf(cmd + o, " '%s'", files[i]);
    int st = 0;
    char *rep = mt_run(cmd, &st);
    free(cmd);
    assert_int_equal(st, 0);
    for (int i = 0; i < n; i++) {
        char key[16], got[600];
        snprintf(key, sizeof key, "N %d", i);
        assert_int_equal(mt_line(rep, key, got, sizeof got), 0);
        if (strcmp(got, names[i]) != 0)
            fail_msg("name %d: sent \"%s\", read \"%s\"", i, names[i], got);
        snprintf(key, sizeof key, "S %d", i);
        assert_int_equal(mt_line(rep, key, got, sizeof got), 0);
        if (strcmp(got, subjects[i]) != 0)
            fail_msg("subject %d: sent \"%s\", read \"%s\"", i, subjects[i], got);
    }
    free(rep);
}

/* Whatever bytes reach the formatter as a name, kiosk name, subject or
 * body (CR, LF, NUL-free controls, invalid UTF-8, long runs), the message
 * has exactly our nine headers, 7-bit printable, CRLF line ends only, no
 * whitespace-only or overlong lines, and a 7-bit body of lines <= 76. */
static void no_bytes_in_a_name_or_subject_can_add_a_header(void **state)
{
    static const char *const names[] = {
        "Date:", "From:", "To:", "Subject:", "Message-ID:", "MIME-Version:",
        "Content-Type:", "Content-Transfer-Encoding:", "Auto-Submitted:" };
    unsigned seed = 4242;
    (void)state;
    for (int iter = 0; iter < 3000; iter++) {
        char name[300], kiosk[120], subject[500], body[600];
        char *fields[] = { name, kiosk, subject, body };
        size_t sizes[] = { sizeof name, sizeof kiosk, sizeof subject, sizeof body };
        for (int k = 0; k < 4; k++) {
            size_t len = (size_t)(rand_r(&seed) % (unsigned)(sizes[k] - 1));
            for (size_t i = 0; i < len; i++) {
                unsigned r = (unsigned)rand_r(&seed) % 16;
                unsigned char c;
                if (r < 3)
                    c = (unsigned char)"\r\n\t"[r];
                else if (r < 9)
                    c = (unsigned char)(0x20 + rand_r(&seed) % 95);
                else
                    c = (unsigned char)(1 + rand_r(&seed) % 255);
                fields[k][i] = (char)c;
            }
            fields[k][len] = '\0';
        }
        struct gh_mail m = { .id = iter + 1 };
        snprintf(m.to_addr, sizeof m.to_addr, "r%d@example.org", iter);
        snprintf(m.to_name, sizeof m.to_name, "%s", name);
        snprintf(m.subject, sizeof m.subject, "%s", subject);
        snprintf(m.message_id, sizeof m.message_id, "<fz.%d@test>", iter);
        m.body = body;
        char *out = NULL, err[256];
        size_t len = 0;
        assert_int_equal(gh_mail_format_message(&m, kiosk, "kiosk@lobby.example.org", 0, &out, &len,
                                        err, sizeof err), GH_OK);
        assert_int_equal(strlen(out), len);
        int headers = 0, in_body = 0;
        for (const char *p = out; *p;) {
            const char *e = strstr(p, "\r\n");
            assert_non_null(e);                       /* every line ends in CRLF */
            size_t l = (size_t)(e - p);
            for (size_t i = 0; i < l; i++) {
                unsigned char c = (unsigned char)p[i];
                assert_true(c == '\t' || (c >= 0x20 && c < 0x7F));  /* 7-bit, no CR/LF */
            }
            if (!in_body) {
                if (l == 0) {
                    in_body = 1;
                } else if (p[0] == ' ' || p[0] == '\t') {
                    assert_true(strspn(p, " \t") < l);  /* not whitespace only */
                    assert_true(l <= 998);
                } else {
                    int known = 0;
                    for (size_t h = 0; h < sizeof names / sizeof names[0]; h++)
                        known |= strncmp(p, names[h], strlen(names[h])) == 0;
                    if (!known)
                        fail_msg("iteration %d: unexpected header line \"%.*s\"", iter,
                                 (int)l, p);
                    headers++;
                    assert_true(l <= 998);
                }
            } else {
                assert_true(l <= 76);
            }
            p = e + 2;
        }
        assert_true(in_body);
        assert_int_equal(headers, 9);
        free(out);
    }
}

static void crlf_in_a_name_is_refused_at_input_and_never_reaches_a_header(void **state)
{
    struct fx *f = *state;
    relay(f, "smtp", NULL);
    /* at input: the core refuses it, naming the field */
    struct gh_account_new in = { .email = "eve@example.org",
                                 .name = "Eve\r\nBcc: victim@example.org",
                                 .access = GH_ACCESS_ALL };
    int64_t acct = 0;
    assert_int_equal(gh_occupant_create(f->st, "test", &in, &acct), GH_E_INVALID);
    const char *vars[] = { "name", "Eve", "code", "123456", NULL, NULL };
    assert_int_equal(gh_outbox_compose(f->st, "welcome", 0, "eve@example.org",
                                       "Eve\nBcc: victim@example.org", vars, NULL),
                     GH_E_INVALID);
    assert_int_equal(gh_outbox_count(f->st, -1), 0);

    /* and if a row held one anyway (an old database, a bug), the mailer
     * still never lets it start a header line */
    struct gh_mail m = { .id = 7 };
    snprintf(m.to_addr, sizeof m.to_addr, "eve@example.org");
    snprintf(m.to_name, sizeof m.to_name, "Eve\r\nBcc: victim@example.org");
    snprintf(m.subject, sizeof m.subject, "Hi\r\nX-Injected: yes\nBcc: victim2@example.org");
    snprintf(m.message_id, sizeof m.message_id, "<crlf.7@test>");
    m.body = (char *)"body\n";
    struct gh_mail_result res;
    gh_mailer_set_from_name(f->m, "Lobby\r\nBcc: victim3@example.org");
    assert_int_equal(gh_mailer_send(f->m, &m, &res), GH_MAILV_SENT);
    char *r = received(f, 1);
    assert_null(strstr(r, "HDR Bcc"));
    assert_null(strstr(r, "HDR X-Injected"));
    expect_line(r, "NAME To:", "Eve Bcc: victim@example.org");
    expect_line(r, "HDR Subject:", "Hi X-Injected: yes Bcc: victim2@example.org");
    char path[700];
    mt_spool_path(f->srv.spool, 1, "json", path, sizeof path);
    char *env = mt_read_file(path);
    assert_non_null(strstr(env, "\"rcpt_tos\": [\"eve@example.org\"]"));
    free(env);
    free(r);

    /* an address with a line break (or any header syntax) is never sent */
    snprintf(m.to_addr, sizeof m.to_addr, "eve@example.org>\r\nBcc: x@example.org");
    assert_int_equal(gh_mailer_send(f->m, &m, &res), GH_MAILV_PERMANENT);
    assert_int_equal(mt_spool_count(f->srv.spool), 1);
}

/* ---- what the relay says ---------------------------------------------------------- */

static void reply_451_to_rcpt_defers_then_delivers_with_the_same_message_id(void **state)
{
    struct fx *f = *state;
    const char *args[] = { "--rcpt-fault", "451:1", NULL };
    gh_clock_set_virtual(1);
    relay(f, "smtp", args);
    int64_t id = queue(f, "bob@example.org", "Bob", "222333");
    struct gh_mail before;
    get_mail(f, id, &before);

    struct gh_mail_batch b = flush(f);
    assert_int_equal(b.deferred, 1);
    assert_int_equal(b.sent, 0);
    struct gh_mail m;
    get_mail(f, id, &m);
    assert_int_equal(m.state, GH_MAIL_QUEUED);
    assert_int_equal(m.attempts, 1);
    assert_true(m.next_attempt_at > gh_clock_now_ms());   /* backed off */
    assert_non_null(strstr(m.last_error, "451"));
    gh_mail_clear(&m);

    /* not due yet: nothing happens */
    b = flush(f);
    assert_int_equal(b.tried, 0);
    assert_int_equal(mt_spool_count(f->srv.spool), 0);

    /* the backoff passes (1 minute + jitter): delivered */
    gh_clock_advance(2 * 60 * 1000);
    b = flush(f);
    assert_int_equal(b.sent, 1);
    assert_int_equal(state_of(f, id), GH_MAIL_SENT);
    char *r = received(f, 1);
    expect_line(r, "HDR Message-ID:", before.message_id);
    assert_int_equal(audit_count(f, "mail.deferred", NULL, 0), 1);
    gh_mail_clear(&before);
    free(r);
}

static void reply_451_after_data_is_transient_too(void **state)
{
    struct fx *f = *state;
    const char *args[] = { "--data-fault", "451:1", NULL };
    gh_clock_set_virtual(1);
    relay(f, "smtp", args);
    int64_t id = queue(f, "bob@example.org", "Bob", "222333");
    struct gh_mail_batch b = flush(f);
    assert_int_equal(b.deferred, 1);
    gh_clock_advance(2 * 60 * 1000);
    b = flush(f);
    assert_int_equal(b.sent, 1);
    assert_int_equal(state_of(f, id), GH_MAIL_SENT);
}

static void reply_550_marks_failed_visibly_logged_and_not_retried(void **state)
{
    struct fx *f = *state;
    const char *args[] = { "--rcpt-fault", "550:1", "--rcpt-fault-to", "nobody@example.org",
                           NULL };
    gh_clock_set_virtual(1);
    relay(f, "smtp", args);
    int64_t bad = queue(f, "nobody@example.org", "Nobody", "111111");
    int64_t good = queue(f, "ann@example.org", "Ann", "222222");
    struct gh_mail_batch b = flush(f);
    assert_int_equal(b.failed, 1);
    assert_int_equal(b.sent, 1);       /* the batch went on past the refusal */
    struct gh_mail m;
    get_mail(f, bad, &m);
    assert_int_equal(m.state, GH_MAIL_FAILED);
    assert_non_null(strstr(m.last_error, "550"));
    gh_mail_clear(&m);
    assert_int_equal(state_of(f, good), GH_MAIL_SENT);
    assert_int_equal(gh_outbox_count(f->st, GH_MAIL_FAILED), 1);
    char why[512];
    assert_int_equal(audit_count(f, "mail.failed", why, sizeof why), 1);
    assert_non_null(strstr(why, "550"));

    /* days later: still failed, never sent again */
    gh_clock_advance(3LL * 24 * 3600 * 1000);
    b = flush(f);
    assert_int_equal(b.tried, 0);
    assert_int_equal(state_of(f, bad), GH_MAIL_FAILED);
    assert_int_equal(mt_spool_count(f->srv.spool), 1);
}

static void reply_550_after_data_marks_failed(void **state)
{
    struct fx *f = *state;
    const char *args[] = { "--data-fault", "554:1", NULL };
    relay(f, "smtp", args);
    int64_t id = queue(f, "ann@example.org", "Ann", "222222");
    struct gh_mail_batch b = flush(f);
    assert_int_equal(b.failed, 1);
    assert_int_equal(state_of(f, id), GH_MAIL_FAILED);
}

static void relay_down_then_up_delivers_everything_in_order_per_recipient(void **state)
{
    struct fx *f = *state;
    gh_clock_set_virtual(1);
    /* a port nobody listens on yet: reserve one by starting and stopping */
    relay(f, "smtp", NULL);
    int port = f->srv.port;
    mt_server_stop(&f->srv);

    int64_t a1 = queue(f, "a@example.org", "A", "100001");
    int64_t b1 = queue(f, "b@example.org", "B", "200001");
    int64_t a2 = queue(f, "a@example.org", "A", "100002");
    struct gh_mail_batch b = flush(f);
    /* a1 and b1 had their try (one connection attempt was enough to know
     * for both); a2 waits behind a1 rather than risk overtaking it */
    assert_int_equal(b.tried, 1);
    assert_int_equal(b.deferred, 2);
    assert_int_equal(b.waiting, 1);
    assert_int_equal(b.relay, GH_MAILV_TRANSIENT);
    assert_non_null(strstr(b.problem, "unreachable"));

    /* down for a while: retried on schedule, still nothing lost */
    gh_clock_advance(90 * 1000);
    b = flush(f);
    assert_true(b.deferred >= 1);
    assert_int_equal(gh_outbox_count(f->st, GH_MAIL_QUEUED), 3);

    /* the relay comes back; new mail to A is queued while A's earlier
     * messages still wait for their retry: it must not overtake them */
    f->srv.port = port;
    const char *none[] = { NULL };
    assert_int_equal(mt_server_start(&f->srv, f->dir, "relay", port, none), 0);
    int64_t a3 = queue(f, "a@example.org", "A", "100003");
    int64_t c1 = queue(f, "c@example.org", "C", "300001");
    b = flush(f);
    assert_int_equal(b.sent, 1);       /* C only */
    assert_true(b.waiting >= 1);       /* A's new one waits behind a1, a2 */
    assert_int_equal(state_of(f, c1), GH_MAIL_SENT);
    assert_int_equal(state_of(f, a3), GH_MAIL_QUEUED);

    /* once the retries fall due, everything goes, A's in order */
    for (int i = 0; i < 10 && gh_outbox_count(f->st, GH_MAIL_QUEUED) > 0; i++) {
        gh_clock_advance(5 * 60 * 1000);
        flush(f);
    }
    assert_int_equal(gh_outbox_count(f->st, GH_MAIL_QUEUED), 0);
    assert_int_equal(gh_outbox_count(f->st, GH_MAIL_SENT), 5);
    int n = mt_spool_count(f->srv.spool);
    assert_int_equal(n, 5);
    /* order of arrival for A = order of queueing */
    int64_t want[] = { a1, a2, a3 };
    int k = 0;
    for (int i = 1; i <= n; i++) {
        char *r = received(f, i);
        char to[256], mid[256];
        mt_line(r, "ADDR To:", to, sizeof to);
        mt_line(r, "HDR Message-ID:", mid, sizeof mid);
        if (strcmp(to, "a@example.org") == 0) {
            struct gh_mail m;
            assert_true(k < 3);
            get_mail(f, want[k++], &m);
            assert_string_equal(mid, m.message_id);
            gh_mail_clear(&m);
        }
        free(r);
    }
    assert_int_equal(k, 3);
    assert_int_equal(state_of(f, b1), GH_MAIL_SENT);
}

static void relay_down_for_72_hours_marks_the_message_failed(void **state)
{
    struct fx *f = *state;
    gh_clock_set_virtual(1);
    relay(f, "smtp", NULL);
    mt_server_stop(&f->srv);          /* and it never comes back */
    int64_t id = queue(f, "ann@example.org", "Ann", "222222");
    int64_t t0 = gh_clock_now_ms();
    /* retried on the backoff schedule (1 min doubling, cap 1 h) */
    for (int i = 0; i < 500 && state_of(f, id) == GH_MAIL_QUEUED; i++) {
        struct gh_mail_batch b = flush(f);
        assert_int_equal(b.failed, 0);
        gh_clock_advance(10 * 60 * 1000);
    }
    struct gh_mail m;
    get_mail(f, id, &m);
    assert_int_equal(m.state, GH_MAIL_FAILED);
    assert_true(gh_clock_now_ms() - t0 >= 72LL * 3600 * 1000);
    assert_true(gh_clock_now_ms() - t0 <= 74LL * 3600 * 1000);
    assert_non_null(strstr(m.last_error, "72 hours"));
    assert_true(m.attempts > 70 && m.attempts < 90);  /* ~hourly after the first hour */
    gh_mail_clear(&m);
    assert_int_equal(audit_count(f, "mail.failed", NULL, 0), 1);
}

/* `outbox flush --force` beside the kiosk: two deliverers, two connections,
 * the same due mail. Some messages go twice (at-least-once), but every one
 * is delivered, marked sent exactly once, and neither side errors out. */
struct deliverer { struct fx *f; struct gh_mailer *m; struct gh_store *st;
                   enum gh_status s; int sent; };
static void *deliver_thread(void *arg)
{
    struct deliverer *d = arg;
    for (int i = 0; i < 20; i++) {
        struct gh_mail_batch b;
        d->s = gh_mail_batch_deliver(d->m, d->st, gh_clock_now_ms(), 10, &b);
        if (d->s != GH_OK)
            break;
        d->sent += b.sent;
        if (!b.more && b.sent == 0)
            break;
    }
    return NULL;
}

static void two_deliverers_at_once_deliver_everything_and_mark_each_once(void **state)
{
    struct fx *f = *state;
    char err[256];
    relay(f, "smtp", NULL);
    const int n = 60;
    for (int i = 0; i < n; i++) {
        char to[64];
        snprintf(to, sizeof to, "u%d@example.org", i);
        queue(f, to, "U", "123456");
    }
    struct deliverer d[2];
    pthread_t th[2];
    for (int k = 0; k < 2; k++) {
        d[k] = (struct deliverer){ .f = f };
        assert_int_equal(gh_store_open(f->db, &d[k].st, err, sizeof err), GH_OK);
        assert_int_equal(gh_mailer_new(&f->cfg, &d[k].m, err, sizeof err), GH_OK);
    }
    for (int k = 0; k < 2; k++)
        assert_int_equal(pthread_create(&th[k], NULL, deliver_thread, &d[k]), 0);
    for (int k = 0; k < 2; k++)
        pthread_join(th[k], NULL);
    for (int k = 0; k < 2; k++) {
        if (d[k].s != GH_OK)
            fail_msg("deliverer %d: %s", k, gh_store_errmsg(d[k].st));
        gh_mailer_free(d[k].m);
        gh_store_close(d[k].st);
    }
    assert_int_equal(gh_outbox_count(f->st, GH_MAIL_SENT), n);
    assert_int_equal(d[0].sent + d[1].sent, n);          /* each marked once */
    assert_int_equal(audit_count(f, "mail.sent", NULL, 0), n);
    int got = mt_spool_count(f->srv.spool);
    assert_true(got >= n);
    int64_t bad = 0, count = 0;
    assert_int_equal(gh_audit_verify(f->st, &bad, &count), GH_OK);
}

static void hanging_relay_times_out_and_defers(void **state)
{
    struct fx *f = *state;
    const char *args[] = { "--hang", NULL };
    f->cfg.mail_connect_timeout_s = 1;
    f->cfg.mail_timeout_s = 1;
    relay(f, "smtp", args);
    int64_t id = queue(f, "ann@example.org", "Ann", "222222");
    long long t0 = mt_ms();
    struct gh_mail_batch b = flush(f);
    long long took = mt_ms() - t0;
    assert_int_equal(b.deferred, 1);
    assert_true(took < 4000);
    struct gh_mail m;
    get_mail(f, id, &m);
    assert_int_equal(m.state, GH_MAIL_QUEUED);
    assert_int_equal(m.attempts, 1);
    gh_mail_clear(&m);
}

/* The client port the sink saw for received message i (one per connection). */
static int peer_port(struct fx *f, int i)
{
    char path[700];
    mt_spool_path(f->srv.spool, i, "json", path, sizeof path);
    char *env = mt_read_file(path);
    assert_non_null(env);
    const char *p = strstr(env, "\"peer_port\": ");
    assert_non_null(p);
    int port = atoi(p + 13);
    free(env);
    return port;
}

static void one_connection_is_reused_for_a_whole_batch(void **state)
{
    struct fx *f = *state;
    relay(f, "smtp", NULL);
    for (int i = 0; i < 5; i++)
        queue(f, "ann@example.org", "Ann", "222222");
    struct gh_mail_batch b = flush(f);
    assert_int_equal(b.sent, 5);
    int first = peer_port(f, 1);
    assert_true(first > 0);
    for (int i = 2; i <= 5; i++)
        assert_int_equal(peer_port(f, i), first);
}

/* The Message-ID header of received message i, read from the file as it
 * arrived (plain ASCII; decode.py per message is slow for 48) */
static void message_id_of(struct fx *f, int i, char *out, size_t len)
{
    char path[700];
    mt_spool_path(f->srv.spool, i, "eml", path, sizeof path);
    char *eml = mt_read_file(path);
    assert_non_null(eml);
    const char *p = strstr(eml, "\nMessage-ID: ");
    assert_non_null(p);
    p += strlen("\nMessage-ID: ");
    snprintf(out, len, "%.*s", (int)strcspn(p, "\r\n"), p);
    free(eml);
}

/* 48 messages to four recipients, queued in turn: with [mail] connections
 * = want, the sink sees that many connections, and each recipient's mail
 * arrives in the order it was queued. */
static void deliver_48_to_four(struct fx *f, int want)
{
    const char *to[] = { "a@example.org", "b@example.org", "c@example.org", "d@example.org" };
    char mids[48][256];
    for (int i = 0; i < 48; i++) {
        char code[16];
        snprintf(code, sizeof code, "%06d", 100000 + i);
        struct gh_mail m;
        get_mail(f, queue(f, to[i % 4], "X", code), &m);
        snprintf(mids[i], sizeof mids[i], "%s", m.message_id);
        gh_mail_clear(&m);
    }
    struct gh_mail_batch b = flush(f);
    assert_int_equal(b.sent, 48);
    assert_int_equal(b.held, 0);
    assert_int_equal(gh_outbox_count(f->st, GH_MAIL_SENT), 48);
    assert_int_equal(mt_spool_count(f->srv.spool), 48);
    int ports[4] = { 0 }, n_ports = 0, last[4] = { -1, -1, -1, -1 };
    for (int i = 1; i <= 48; i++) {
        int port = peer_port(f, i), seen = 0;
        for (int k = 0; k < n_ports; k++)
            seen |= ports[k] == port;
        if (!seen && n_ports < 4)
            ports[n_ports++] = port;
        char mid[256];
        message_id_of(f, i, mid, sizeof mid);
        int j = 0;
        while (j < 48 && strcmp(mids[j], mid) != 0)
            j++;
        assert_true(j < 48);
        assert_true(j > last[j % 4]);     /* after the one before it to that address */
        last[j % 4] = j;
    }
    assert_int_equal(n_ports, want);
}

static void a_large_batch_goes_over_two_connections_in_order_per_recipient(void **state)
{
    struct fx *f = *state;
    relay(f, "smtp", NULL);               /* [mail] connections: 2 by default */
    assert_int_equal(gh_mailer_connections(f->m), 2);
    deliver_48_to_four(f, 2);
}

static void connections_1_sends_a_large_batch_over_one(void **state)
{
    struct fx *f = *state;
    char path[700], err[512];
    snprintf(path, sizeof path, "%s/one.conf", f->dir);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs("[mail]\nconnections = 1\n", fp);
    fclose(fp);
    struct gh_config c;
    assert_int_equal(gh_config_load(path, &c, err, sizeof err), GH_OK);
    relay(f, "smtp", NULL);
    assert_int_equal(gh_mailer_connections(f->m), 1);
    deliver_48_to_four(f, 1);
}

/* ---- TLS and AUTH ---------------------------------------------------------------------- */

static void starttls_and_auth_with_a_private_ca_deliver(void **state)
{
    struct fx *f = *state;
    char cert[300], key[300];
    assert_int_equal(mt_make_cert(f->dir), 0);
    snprintf(cert, sizeof cert, "%s/cert.pem", f->dir);
    snprintf(key, sizeof key, "%s/key.pem", f->dir);
    const char *args[] = { "--starttls", cert, key, "--auth", "kiosk", "s3cret pass", NULL };
    snprintf(f->cfg.mail_cafile, sizeof f->cfg.mail_cafile, "%s", cert);
    snprintf(f->cfg.mail_username, sizeof f->cfg.mail_username, "kiosk");
    snprintf(f->cfg.mail_password, sizeof f->cfg.mail_password, "s3cret pass");
    f->cfg.mail_starttls = 1;
    relay(f, "smtp", args);
    int64_t id1 = queue(f, "ann@example.org", "Ann", "222222");
    int64_t id2 = queue(f, "bob@example.org", "Bob", "333333");
    struct gh_mail_batch b = flush(f);
    assert_int_equal(b.sent, 2);
    assert_int_equal(state_of(f, id1), GH_MAIL_SENT);
    assert_int_equal(state_of(f, id2), GH_MAIL_SENT);
    char path[700];
    mt_spool_path(f->srv.spool, 1, "json", path, sizeof path);
    char *env = mt_read_file(path);
    assert_non_null(strstr(env, "\"tls\": true"));
    assert_non_null(strstr(env, "\"auth\": true"));
    free(env);
}

static void smtps_implicit_tls_delivers(void **state)
{
    struct fx *f = *state;
    char cert[300], key[300];
    assert_int_equal(mt_make_cert(f->dir), 0);
    snprintf(cert, sizeof cert, "%s/cert.pem", f->dir);
    snprintf(key, sizeof key, "%s/key.pem", f->dir);
    const char *args[] = { "--tls", cert, key, "--auth", "kiosk", "pw", NULL };
    snprintf(f->cfg.mail_cafile, sizeof f->cfg.mail_cafile, "%s", cert);
    snprintf(f->cfg.mail_username, sizeof f->cfg.mail_username, "kiosk");
    snprintf(f->cfg.mail_password, sizeof f->cfg.mail_password, "pw");
    relay(f, "smtps", args);
    int64_t id = queue(f, "ann@example.org", "Ann", "222222");
    struct gh_mail_batch b = flush(f);
    assert_int_equal(b.sent, 1);
    assert_int_equal(state_of(f, id), GH_MAIL_SENT);
}

static void starttls_required_but_not_offered_keeps_mail_queued(void **state)
{
    struct fx *f = *state;
    f->cfg.mail_starttls = 1;
    relay(f, "smtp", NULL);   /* a plain relay */
    int64_t id = queue(f, "ann@example.org", "Ann", "222222");
    struct gh_mail_batch b = flush(f);
    assert_int_equal(b.relay, GH_MAILV_CONFIG);
    assert_int_equal(b.held, 1);
    assert_int_equal(mt_spool_count(f->srv.spool), 0);
    struct gh_mail m;
    get_mail(f, id, &m);
    assert_int_equal(m.state, GH_MAIL_QUEUED);
    assert_int_equal(m.attempts, 0);
    gh_mail_clear(&m);
}

/* A relay problem leaves every message queued as it was: no attempt
 * counted, no 72-hour clock started. */
static void expect_untouched(struct fx *f, int64_t id)
{
    struct gh_mail m;
    get_mail(f, id, &m);
    assert_int_equal(m.state, GH_MAIL_QUEUED);
    assert_int_equal(m.attempts, 0);
    assert_int_equal(m.first_fail_at, 0);
    assert_string_equal(m.last_error, "");
    gh_mail_clear(&m);
}

static void wrong_password_keeps_mail_queued_and_reports_the_problem(void **state)
{
    struct fx *f = *state;
    char cert[300], key[300];
    assert_int_equal(mt_make_cert(f->dir), 0);
    snprintf(cert, sizeof cert, "%s/cert.pem", f->dir);
    snprintf(key, sizeof key, "%s/key.pem", f->dir);
    const char *args[] = { "--starttls", cert, key, "--auth", "kiosk", "right", NULL };
    snprintf(f->cfg.mail_cafile, sizeof f->cfg.mail_cafile, "%s", cert);
    snprintf(f->cfg.mail_username, sizeof f->cfg.mail_username, "kiosk");
    snprintf(f->cfg.mail_password, sizeof f->cfg.mail_password, "wrong");
    f->cfg.mail_starttls = 1;
    relay(f, "smtp", args);
    int64_t id1 = queue(f, "ann@example.org", "Ann", "222222");
    int64_t id2 = queue(f, "bob@example.org", "Bob", "333333");
    struct gh_mail_batch b = flush(f);
    assert_int_equal(b.relay, GH_MAILV_CONFIG);
    assert_int_equal(b.tried, 1);      /* stopped at the first: all would fail */
    assert_int_equal(b.held, 2);
    assert_int_equal(b.sent + b.deferred + b.failed, 0);
    assert_non_null(strstr(b.problem, "login"));
    assert_non_null(strstr(b.problem, "535"));
    assert_null(strstr(b.problem, "wrong"));  /* the password is not echoed */
    expect_untouched(f, id1);
    expect_untouched(f, id2);
    assert_int_equal(mt_spool_count(f->srv.spool), 0);

    /* the worker shows it to staff, raises it once, logs it once */
    assert_int_equal(gh_mail_worker_start(&f->cfg, b.problem, sizeof b.problem), GH_OK);
    char problem[512] = "";
    long long until = mt_ms() + 10000;
    while (!gh_mail_worker_problem(problem, sizeof problem) && mt_ms() < until)
        usleep(20000);
    assert_non_null(strstr(problem, "login"));
    for (int i = 0; i < 3; i++) {
        gh_mail_worker_kick();
        usleep(200000);
    }
    struct gh_mail_worker_stats ws;
    gh_mail_worker_stats(&ws);
    assert_true(ws.batches >= 2);
    gh_mail_worker_stop();
    assert_int_equal(audit_count(f, "mail.relay_problem", NULL, 0), 1);
    expect_untouched(f, id1);
    expect_untouched(f, id2);
}

struct ev_seen { int n; char text[512]; };
static void on_event(void *ud, const struct gh_event *ev)
{
    struct ev_seen *s = ud;
    if (ev->kind == GH_EVENT_MAIL_PROBLEM) {
        s->n++;
        snprintf(s->text, sizeof s->text, "%s", ev->text ? ev->text : "");
    }
}

static void untrusted_certificate_keeps_mail_queued_and_reports_the_problem(void **state)
{
    struct fx *f = *state;
    char cert[300], key[300];
    assert_int_equal(mt_make_cert(f->dir), 0);
    snprintf(cert, sizeof cert, "%s/cert.pem", f->dir);
    snprintf(key, sizeof key, "%s/key.pem", f->dir);
    const char *args[] = { "--starttls", cert, key, NULL };
    f->cfg.mail_starttls = 1;          /* no cafile: the system's CAs */
    relay(f, "smtp", args);
    int64_t id = queue(f, "ann@example.org", "Ann", "222222");
    struct gh_mail_batch b = flush(f);
    assert_int_equal(b.relay, GH_MAILV_CONFIG);
    assert_non_null(strstr(b.problem, "certificate"));
    expect_untouched(f, id);

    /* through the worker: the problem reaches the kiosk's thread as an event */
    assert_int_equal(gh_mail_worker_start(&f->cfg, b.problem, sizeof b.problem), GH_OK);
    struct ev_seen seen = { 0 };
    long long until = mt_ms() + 10000;
    while (seen.n == 0 && mt_ms() < until) {
        gh_mail_worker_take_events(on_event, &seen);
        usleep(20000);
    }
    assert_int_equal(seen.n, 1);
    assert_non_null(strstr(seen.text, "certificate"));
    gh_mail_worker_stop();
    expect_untouched(f, id);
    assert_int_equal(mt_spool_count(f->srv.spool), 0);
}

/* ---- the worker ---------------------------------------------------------------------------- */

static void worker_delivers_at_once_when_kicked(void **state)
{
    struct fx *f = *state;
    char err[256];
    relay(f, "smtp", NULL);
    assert_int_equal(gh_mail_worker_start(&f->cfg, err, sizeof err), GH_OK);
    usleep(100000);
    int64_t id = queue(f, "ann@example.org", "Ann", "222222");
    long long t0 = mt_ms();
    gh_mail_worker_kick();
    assert_int_equal(mt_spool_wait(f->srv.spool, 1, 5000), 1);
    /* well before the 2 s poll: the kick woke it */
    assert_true(mt_ms() - t0 < 1500);
    long long until = mt_ms() + 5000;
    while (state_of(f, id) != GH_MAIL_SENT && mt_ms() < until)
        usleep(20000);
    assert_int_equal(state_of(f, id), GH_MAIL_SENT);
    t0 = mt_ms();
    gh_mail_worker_stop();
    assert_true(mt_ms() - t0 < 1000);
}

static void worker_finds_mail_queued_by_another_process_by_polling(void **state)
{
    struct fx *f = *state;
    char err[256];
    relay(f, "smtp", NULL);
    assert_int_equal(gh_mail_worker_start(&f->cfg, err, sizeof err), GH_OK);
    usleep(200000);
    /* queued on our own connection, no kick: as gatehousectl would */
    queue(f, "ann@example.org", "Ann", "222222");
    queue(f, "bob@example.org", "Bob", "333333");
    assert_int_equal(mt_spool_wait(f->srv.spool, 2, 8000), 2);
    gh_mail_worker_stop();
    long long until = mt_ms() + 2000;
    while (gh_outbox_count(f->st, GH_MAIL_SENT) < 2 && mt_ms() < until)
        usleep(20000);
    assert_int_equal(gh_outbox_count(f->st, GH_MAIL_SENT), 2);
}

static void worker_stops_promptly_while_the_relay_hangs(void **state)
{
    struct fx *f = *state;
    char err[256];
    const char *args[] = { "--hang", NULL };
    f->cfg.mail_connect_timeout_s = 30;
    f->cfg.mail_timeout_s = 60;
    relay(f, "smtp", args);
    queue(f, "ann@example.org", "Ann", "222222");
    assert_int_equal(gh_mail_worker_start(&f->cfg, err, sizeof err), GH_OK);
    usleep(500000);                   /* it is now waiting for a greeting */
    long long t0 = mt_ms();
    gh_mail_worker_stop();
    long long took = mt_ms() - t0;
    assert_true(took < 2500);
    /* the cancelled message is untouched, not counted as a failure */
    assert_int_equal(gh_outbox_count(f->st, GH_MAIL_QUEUED), 1);
}

static void worker_clears_the_problem_when_the_relay_works_again(void **state)
{
    struct fx *f = *state;
    char err[256];
    gh_clock_set_virtual(1);
    relay(f, "smtp", NULL);
    int port = f->srv.port;
    mt_server_stop(&f->srv);
    queue(f, "ann@example.org", "Ann", "222222");
    assert_int_equal(gh_mail_worker_start(&f->cfg, err, sizeof err), GH_OK);
    char problem[512] = "";
    long long until = mt_ms() + 8000;
    while (!gh_mail_worker_problem(problem, sizeof problem) && mt_ms() < until)
        usleep(20000);
    assert_non_null(strstr(problem, "unreachable"));
    const char *none[] = { NULL };
    assert_int_equal(mt_server_start(&f->srv, f->dir, "relay", port, none), 0);
    gh_clock_advance(5 * 60 * 1000);  /* the retry falls due */
    assert_int_equal(mt_spool_wait(f->srv.spool, 1, 8000), 1);
    until = mt_ms() + 5000;
    while (gh_mail_worker_problem(problem, sizeof problem) && mt_ms() < until)
        usleep(20000);
    assert_string_equal(problem, "");
    struct ev_seen seen = { 0 };
    gh_mail_worker_take_events(on_event, &seen);
    assert_int_equal(seen.n, 2);       /* raised, then cleared */
    assert_string_equal(seen.text, "");
    gh_mail_worker_stop();
    assert_int_equal(audit_count(f, "mail.relay_ok", NULL, 0), 1);
}

/* SIGTERM must interrupt the kiosk loop's wait, so it must never be
 * delivered to the mail thread: that thread blocks every signal. */
static void worker_thread_blocks_signals_so_sigterm_reaches_the_kiosk_loop(void **state)
{
    struct fx *f = *state;
    char err[256];
    relay(f, "smtp", NULL);
    assert_int_equal(gh_mail_worker_start(&f->cfg, err, sizeof err), GH_OK);
    usleep(100000);
    DIR *d = opendir("/proc/self/task");
    assert_non_null(d);
    struct dirent *e;
    int others = 0;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.' || atoi(e->d_name) == getpid())
            continue;
        char path[300];
        snprintf(path, sizeof path, "/proc/self/task/%s/status", e->d_name);
        char *st = mt_read_file(path);
        assert_non_null(st);
        const char *blk = strstr(st, "SigBlk:");
        assert_non_null(blk);
        unsigned long long mask = strtoull(blk + 7, NULL, 16);
        assert_true(mask & (1ULL << (SIGTERM - 1)));
        assert_true(mask & (1ULL << (SIGINT - 1)));
        others++;
        free(st);
    }
    closedir(d);
    assert_true(others >= 1);
    gh_mail_worker_stop();
}

static void worker_without_a_relay_says_mail_is_off(void **state)
{
    struct fx *f = *state;
    char err[256], problem[512];
    f->cfg.mail_relay[0] = '\0';
    assert_int_equal(gh_mail_worker_start(&f->cfg, err, sizeof err), GH_OK);
    assert_int_equal(gh_mail_worker_problem(problem, sizeof problem), 1);
    assert_non_null(strstr(problem, "relay"));
    gh_mail_worker_kick();            /* harmless */
    gh_mail_worker_stop();
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
static const struct CMUnitTest tests[] = {
    T(welcome_email_arrives_with_code_and_all_headers),
    T(lines_starting_with_a_dot_survive_smtp_dot_stuffing),
    T(non_ascii_names_and_subject_are_rfc2047_encoded),
    T(random_names_and_subjects_round_trip_through_rfc2047),
    T(no_bytes_in_a_name_or_subject_can_add_a_header),
    T(crlf_in_a_name_is_refused_at_input_and_never_reaches_a_header),
    T(reply_451_to_rcpt_defers_then_delivers_with_the_same_message_id),
    T(reply_451_after_data_is_transient_too),
    T(reply_550_marks_failed_visibly_logged_and_not_retried),
    T(reply_550_after_data_marks_failed),
    T(relay_down_then_up_delivers_everything_in_order_per_recipient),
    T(a_large_batch_goes_over_two_connections_in_order_per_recipient),
    T(connections_1_sends_a_large_batch_over_one),
    T(relay_down_for_72_hours_marks_the_message_failed),
    T(two_deliverers_at_once_deliver_everything_and_mark_each_once),
    T(hanging_relay_times_out_and_defers),
    T(one_connection_is_reused_for_a_whole_batch),
    T(starttls_and_auth_with_a_private_ca_deliver),
    T(smtps_implicit_tls_delivers),
    T(starttls_required_but_not_offered_keeps_mail_queued),
    T(wrong_password_keeps_mail_queued_and_reports_the_problem),
    T(untrusted_certificate_keeps_mail_queued_and_reports_the_problem),
    T(worker_delivers_at_once_when_kicked),
    T(worker_finds_mail_queued_by_another_process_by_polling),
    T(worker_stops_promptly_while_the_relay_hangs),
    T(worker_clears_the_problem_when_the_relay_works_again),
    T(worker_thread_blocks_signals_so_sigterm_reaches_the_kiosk_loop),
    T(worker_without_a_relay_says_mail_is_off),
};

GH_TEST_MAIN(tests)
