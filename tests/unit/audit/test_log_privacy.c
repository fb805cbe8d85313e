/*
 * test_log_privacy.c: issue 16's activity log. New entries name accounts by
 * id only and the listing shows who they are at display time ("removed
 * occupant #N" once removed); log_retention_days prunes old entries behind
 * one sealed checkpoint, from which `log verify` still verifies, an edit
 * after it is still caught, and an anchor older than it is "before the
 * retention window". Real SQLite files in a temporary folder; tampering with
 * a raw connection, as someone with the file would. One ctest a rule.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "gh_test.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gatehouse/account.h"
#include "gatehouse/audit.h"
#include "gatehouse/clock.h"
#include "gatehouse/store.h"

#define DAY_MS (24 * 3600 * 1000LL)

struct fx {
    char dir[128], db[256];
    struct gh_store *st;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    char err[512];
    assert_non_null(f);
    gh_test_tmpdir(f->dir, sizeof f->dir, "logpriv");
    snprintf(f->db, sizeof f->db, "%s/gatehouse.db", f->dir);
    if (gh_store_open(f->db, &f->st, err, sizeof err) != GH_OK)
        fail_msg("open: %s", err);
    gh_clock_set_virtual(1);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    gh_store_close(f->st);
    gh_test_rmdir(f->dir);
    free(f);
    return 0;
}

static void raw(const char *db, const char *sql)
{
    sqlite3 *h = NULL;
    char *msg = NULL;
    assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
    sqlite3_busy_timeout(h, 5000);
    if (sqlite3_exec(h, sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("SQL failed: %s: %s", sql, msg ? msg : "?");
    sqlite3_close(h);
}

static int64_t raw_int(const char *db, const char *sql)
{
    sqlite3 *h = NULL;
    sqlite3_stmt *q = NULL;
    int64_t v = -1;
    assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &q, NULL), SQLITE_OK);
    if (sqlite3_step(q) == SQLITE_ROW)
        v = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    sqlite3_close(h);
    return v;
}

static int64_t occupant(struct gh_store *st, const char *email, const char *name)
{
    struct gh_account_new n;
    int64_t id = 0;
    memset(&n, 0, sizeof n);
    n.email = email;
    n.name = name;
    n.phone = "+1 555 010 7777";
    n.no_welcome = 0;                     /* the welcome's mail.queued entry too */
    if (gh_occupant_create(st, "cli", &n, &id) != GH_OK)
        fail_msg("create %s: %s", email, gh_store_errmsg(st));
    return id;
}

static void fill(struct gh_store *st, int n, const char *what)
{
    for (int i = 1; i <= n; i++)
        assert_int_equal(gh_audit_appendf(st, "cli", "test.step", "thing", GH_OUTCOME_OK,
                                          "%s %d", what, i), GH_OK);
}

static void expect_intact(struct gh_store *st, int64_t entries)
{
    int64_t bad = -1, n = -1;
    if (gh_audit_verify(st, &bad, &n) != GH_OK)
        fail_msg("log verify: %s", gh_store_errmsg(st));
    assert_int_equal(n, entries);
}

static void expect_tampered_at(struct gh_store *st, int64_t seq, const char *phrase)
{
    int64_t bad = 0, n = -1;
    assert_int_equal(gh_audit_verify(st, &bad, &n), GH_E_TAMPERED);
    assert_int_equal(bad, seq);
    if (phrase && !strstr(gh_store_errmsg(st), phrase))
        fail_msg("expected '%s' in: %s", phrase, gh_store_errmsg(st));
}

static void expect_has(const char *text, const char *part)
{
    if (!strstr(text, part))
        fail_msg("expected '%s' in: %s", part, text);
}

static void expect_lacks(const char *text, const char *part)
{
    if (strstr(text, part))
        fail_msg("did not expect '%s' in: %s", part, text);
}

/* ---- entries name accounts by id; the listing looks them up --------------- */

/* Every field of every entry, joined: what the log stores. */
static void all_stored(const char *db, char *out, size_t len)
{
    sqlite3 *h = NULL;
    sqlite3_stmt *q = NULL;
    size_t o = 0;
    out[0] = '\0';
    assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(h, "SELECT actor || '|' || target || '|' || reason "
                                           "FROM audit ORDER BY seq", -1, &q, NULL), SQLITE_OK);
    while (sqlite3_step(q) == SQLITE_ROW && o + 1 < len)
        o += (size_t)snprintf(out + o, len - o, "%s\n", (const char *)sqlite3_column_text(q, 0));
    sqlite3_finalize(q);
    sqlite3_close(h);
}

static void new_entries_name_accounts_by_id_only(void **state)
{
    struct fx *f = *state;
    static char stored[65536];
    int64_t id = occupant(f->st, "hana.zq@example.org", "Hana Zebrowski");
    struct gh_account a;
    char actor[64];
    assert_int_equal(gh_account_get(f->st, id, &a), GH_OK);
    assert_int_equal(gh_account_set_email(f->st, "cli", id, "hana.new@example.org"), GH_OK);
    assert_int_equal(gh_staff_create(f->st, "cli",
                                     &(struct gh_account_new){ .email = "sam@example.com",
                                                               .name = "Sam Staff",
                                                               .no_welcome = 1 },
                                     "2580", GH_PERM_ADMIN | GH_PERM_MANAGE, &id), GH_OK);
    assert_int_equal(gh_account_get(f->st, id, &a), GH_OK);
    gh_account_actor(&a, actor, sizeof actor);
    assert_string_equal(actor, "staff:2");
    assert_int_equal(gh_occupant_set_state(f->st, actor, 1, GH_STATE_BLOCKED), GH_OK);
    all_stored(f->db, stored, sizeof stored);
    expect_has(stored, "occupant:1|");
    expect_has(stored, "staff:2|");
    expect_lacks(stored, "hana");
    expect_lacks(stored, "Hana");
    expect_lacks(stored, "sam@");
    expect_lacks(stored, "Sam Staff");
    expect_lacks(stored, "555");
}

static void the_listing_shows_current_names_and_removed_occupant_after_removal(void **state)
{
    struct fx *f = *state;
    char out[1024];
    int64_t id = occupant(f->st, "hana.zq@example.org", "Hana Zebrowski");
    char ref[32], old[128];
    snprintf(ref, sizeof ref, "occupant:%lld", (long long)id);
    snprintf(old, sizeof old, "by occupant:%lld:hana.zq@example.org, for %s.", (long long)id, ref);
    gh_audit_show(f->st, ref, out, sizeof out);
    assert_string_equal(out, "occupant:1 (Hana Zebrowski, hana.zq@example.org)");
    /* An entry from before the change keeps its text; the new form in the
     * same text is looked up; a token inside a word is not a reference. */
    gh_audit_show(f->st, old, out, sizeof out);
    assert_string_equal(out, "by occupant:1:hana.zq@example.org, for occupant:1 (Hana Zebrowski, "
                             "hana.zq@example.org).");
    gh_audit_show(f->st, "xoccupant:1 occupant:12 staff:99", out, sizeof out);
    assert_string_equal(out, "xoccupant:1 occupant:12 staff:99");
    gh_audit_show(f->st, "occupant:1: allowed", out, sizeof out);   /* a door entry */
    assert_string_equal(out, "occupant:1 (Hana Zebrowski, hana.zq@example.org): allowed");
    /* The current email, after a change. */
    assert_int_equal(gh_account_set_email(f->st, "cli", id, "hana.new@example.org"), GH_OK);
    gh_audit_show(f->st, "account:1 changed", out, sizeof out);
    assert_string_equal(out, "account:1 (Hana Zebrowski, hana.new@example.org) changed");
    assert_int_equal(gh_occupant_remove(f->st, "cli", id, 1), GH_OK);
    gh_audit_show(f->st, ref, out, sizeof out);
    assert_string_equal(out, "removed occupant #1");
    /* The stored entries did not change: the chain still verifies. */
    int64_t bad = -1, n = 0;
    assert_int_equal(gh_audit_verify(f->st, &bad, &n), GH_OK);
    assert_true(n > 3);
}

/* ---- log_retention_days: prune behind one checkpoint ------------------------ */

/* 5 entries 40 days ago, then 3 now: pruning at 30 days leaves the
 * checkpoint (in entry 5's place) and entries 6..8. */
static void old_and_new(struct fx *f)
{
    fill(f->st, 5, "old");
    gh_clock_advance(40 * DAY_MS);
    fill(f->st, 3, "new");
}

static void retention_prunes_old_entries_behind_a_checkpoint_that_verifies(void **state)
{
    struct fx *f = *state;
    int64_t pruned = -1, cp = 0, head = 0;
    char hash5[65], hash[65];
    old_and_new(f);
    sqlite3 *h = NULL;
    sqlite3_stmt *q = NULL;
    assert_int_equal(sqlite3_open(f->db, &h), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(h, "SELECT hash FROM audit WHERE seq = 5", -1, &q, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    snprintf(hash5, sizeof hash5, "%s", (const char *)sqlite3_column_text(q, 0));
    sqlite3_finalize(q);
    sqlite3_close(h);

    assert_int_equal(gh_audit_prune(f->st, "cli", 0, &pruned), GH_OK);   /* 0: keep all */
    assert_int_equal(pruned, 0);
    assert_int_equal(gh_audit_prune(f->st, "cli", 30, &pruned), GH_OK);
    assert_int_equal(pruned, 5);
    assert_int_equal(raw_int(f->db, "SELECT count(*) FROM audit"), 4);
    assert_int_equal(raw_int(f->db, "SELECT count(*) FROM audit WHERE reason LIKE 'old%'"), 0);
    assert_int_equal(gh_audit_checkpoint(f->st, &cp, NULL), GH_OK);
    assert_int_equal(cp, 5);
    expect_intact(f->st, 4);
    /* The checkpoint keeps entry 5's hash: an anchor there still holds. */
    assert_int_equal(gh_audit_check_anchor(f->st, 5, hash5), GH_OK);
    assert_int_equal(gh_audit_head(f->st, &head, hash), GH_OK);
    assert_int_equal(gh_audit_check_anchor(f->st, head, hash), GH_OK);
    /* New entries go on after it; pruning again finds nothing older. */
    fill(f->st, 2, "later");
    assert_int_equal(gh_audit_prune(f->st, "cli", 30, &pruned), GH_OK);
    assert_int_equal(pruned, 0);
    expect_intact(f->st, 6);
    /* 40 more days: a second prune replaces the checkpoint with a newer one. */
    gh_clock_advance(40 * DAY_MS);
    fill(f->st, 1, "newest");
    assert_int_equal(gh_audit_prune(f->st, "cli", 30, &pruned), GH_OK);
    assert_int_equal(pruned, 5);
    assert_int_equal(gh_audit_checkpoint(f->st, &cp, NULL), GH_OK);
    assert_int_equal(cp, 10);
    assert_int_equal(raw_int(f->db, "SELECT count(*) FROM audit WHERE action = 'log.checkpoint'"),
                     1);
    expect_intact(f->st, 2);
}

static void an_edit_after_the_checkpoint_is_still_caught(void **state)
{
    struct fx *f = *state;
    int64_t pruned = 0;
    old_and_new(f);
    assert_int_equal(gh_audit_prune(f->st, "cli", 30, &pruned), GH_OK);
    raw(f->db, "UPDATE audit SET reason = 'new 2 (edited)' WHERE seq = 7");
    expect_tampered_at(f->st, 7, "changed");
}

static void an_edited_or_moved_checkpoint_is_caught(void **state)
{
    struct fx *f = *state;
    int64_t pruned = 0;
    old_and_new(f);
    assert_int_equal(gh_audit_prune(f->st, "cli", 30, &pruned), GH_OK);
    raw(f->db, "UPDATE audit SET reason = replace(reason, 'entries 1', 'entries 3') "
               "WHERE seq = 5");
    expect_tampered_at(f->st, 5, "checkpoint");
    raw(f->db, "UPDATE audit SET reason = replace(reason, 'entries 3', 'entries 1') "
               "WHERE seq = 5");
    expect_intact(f->st, 4);
    /* Entries after it removed: the next one no longer follows it. */
    raw(f->db, "DELETE FROM audit WHERE seq = 6");
    expect_tampered_at(f->st, 6, "missing");
}

static void an_anchor_older_than_the_checkpoint_is_before_the_retention_window(void **state)
{
    struct fx *f = *state;
    int64_t pruned = 0, seq = 0;
    char hash[65];
    fill(f->st, 2, "old");
    assert_int_equal(gh_audit_head(f->st, &seq, hash), GH_OK);
    assert_int_equal(seq, 2);
    fill(f->st, 3, "old");
    gh_clock_advance(40 * DAY_MS);
    fill(f->st, 1, "new");
    assert_int_equal(gh_audit_prune(f->st, "cli", 30, &pruned), GH_OK);
    assert_int_equal(gh_audit_check_anchor(f->st, 2, hash), GH_E_EXPIRED);
    expect_has(gh_store_errmsg(f->st), "before the retention window");
    expect_lacks(gh_store_errmsg(f->st), "rewritten");
}

static void the_kiosk_prunes_at_start_and_then_once_a_day(void **state)
{
    struct fx *f = *state;
    struct gh_audit_retention r;
    memset(&r, 0, sizeof r);
    old_and_new(f);
    assert_int_equal(gh_audit_retention_tick(&r, f->st, 0, 1000), GH_AUDIT_PRUNE_EVERY_MS);
    assert_int_equal(raw_int(f->db, "SELECT count(*) FROM audit"), 8);   /* 0: keep all */
    memset(&r, 0, sizeof r);
    assert_int_equal(gh_audit_retention_tick(&r, f->st, 30, 1000), GH_AUDIT_PRUNE_EVERY_MS);
    assert_int_equal(raw_int(f->db, "SELECT count(*) FROM audit"), 4);
    gh_clock_advance(40 * DAY_MS);
    fill(f->st, 1, "newer");
    /* Not before a day has passed on the monotonic clock. */
    assert_int_equal(gh_audit_retention_tick(&r, f->st, 30, 1000 + 3600 * 1000),
                     GH_AUDIT_PRUNE_EVERY_MS - 3600 * 1000);
    assert_int_equal(raw_int(f->db, "SELECT count(*) FROM audit"), 5);
    gh_audit_retention_tick(&r, f->st, 30, 1000 + GH_AUDIT_PRUNE_EVERY_MS);
    assert_int_equal(raw_int(f->db, "SELECT count(*) FROM audit"), 2);
    expect_intact(f->st, 2);
}

static void entries_the_site_server_has_not_received_are_not_pruned(void **state)
{
    struct fx *f = *state;
    int64_t pruned = 0;
    old_and_new(f);
    raw(f->db, "UPDATE site_state SET enabled = 1, log_pushed_seq = 3");
    assert_int_equal(gh_audit_prune(f->st, "cli", 30, &pruned), GH_OK);
    assert_int_equal(pruned, 3);
    assert_int_equal(raw_int(f->db, "SELECT min(seq) FROM audit"), 3);
    expect_intact(f->st, 6);
}

static void log_retention_days_refuses_a_negative_or_non_number_naming_it(void **state)
{
    struct fx *f = *state;
    assert_string_equal(gh_settings_get(f->st, GH_SETTING_LOG_RETENTION_DAYS), "0");
    const char *bad[] = { "-1", "abc", "30days", "", "36501" };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        assert_int_equal(gh_settings_set(f->st, "cli", GH_SETTING_LOG_RETENTION_DAYS, bad[i]),
                         GH_E_INVALID);
        expect_has(gh_store_errmsg(f->st), "log_retention_days: must be a whole number");
        assert_string_equal(gh_settings_get(f->st, GH_SETTING_LOG_RETENTION_DAYS), "0");
    }
    assert_int_equal(gh_settings_set(f->st, "cli", GH_SETTING_LOG_RETENTION_DAYS, "30"), GH_OK);
    assert_int_equal(gh_settings_get_int(f->st, GH_SETTING_LOG_RETENTION_DAYS), 30);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

static const struct CMUnitTest tests[] = {
        T(new_entries_name_accounts_by_id_only),
        T(the_listing_shows_current_names_and_removed_occupant_after_removal),
        T(retention_prunes_old_entries_behind_a_checkpoint_that_verifies),
        T(an_edit_after_the_checkpoint_is_still_caught),
        T(an_edited_or_moved_checkpoint_is_caught),
        T(an_anchor_older_than_the_checkpoint_is_before_the_retention_window),
        T(the_kiosk_prunes_at_start_and_then_once_a_day),
        T(entries_the_site_server_has_not_received_are_not_pruned),
        T(log_retention_days_refuses_a_negative_or_non_number_naming_it),
};

GH_TEST_MAIN(tests)
