/*
 * test_appliance.c: the core parts of running as an appliance. Online
 * backup, checked restore and the instance lock (core/src/backup.c), the
 * operational log's journal prefixes (core/src/oplog.c), and the shipped
 * example config. Real SQLite files in a temporary folder and real other
 * processes: a writer that keeps appending to the activity log while
 * backups are taken, and a stand-in kiosk that holds the lock.
 *
 *   gh_test_appliance TEST_NAME      runs one test (ctest registers each by name)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "gatehouse/audit.h"
#include "gatehouse/backup.h"
#include "gatehouse/config.h"
#include "gatehouse/oplog.h"
#include "gatehouse/store.h"

static char dir[256];

static void path_in(char *out, size_t n, const char *name)
{
    snprintf(out, n, "%s/%s", dir, name);
}

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "%s/gh-backup-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* A fresh Gatehouse database with a few log entries and a marker setting. */
static void make_db(const char *path, const char *marker)
{
    struct gh_store *st = NULL;
    char err[256];
    assert_int_equal(gh_store_open(path, &st, err, sizeof err), GH_OK);
    assert_int_equal(gh_settings_set(st, "test", GH_SETTING_KIOSK_NAME, marker), GH_OK);
    for (int i = 0; i < 3; i++)
        assert_int_equal(gh_audit_append(st, "test", "test.seed", "seed", GH_OUTCOME_OK, ""), GH_OK);
    gh_store_close(st);
}

static void expect_marker(const char *path, const char *marker)
{
    struct gh_store *st = NULL;
    char err[256];
    assert_int_equal(gh_store_open(path, &st, err, sizeof err), GH_OK);
    assert_string_equal(gh_settings_get(st, GH_SETTING_KIOSK_NAME), marker);
    int64_t bad = -1, count = 0;
    assert_int_equal(gh_audit_verify(st, &bad, &count), GH_OK);
    gh_store_close(st);
}

static int64_t log_count(const char *path)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *q = NULL;
    int64_t n = -1;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, "SELECT count(*) FROM audit", -1, &q, NULL) == SQLITE_OK &&
        sqlite3_step(q) == SQLITE_ROW)
        n = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    sqlite3_close(db);
    return n;
}

static void raw_exec(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    char *msg = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK)
        fail_msg("%s: %s", sql, msg ? msg : "?");
    sqlite3_close(db);
}

/* ---- backup while busy ------------------------------------------------------ */

/* The writer: its own connection, appending to the activity log as fast as
 * it can for run_ms. Exit status 0 only if every append succeeded. */
static void writer(const char *path, int64_t run_ms, int ready_fd)
{
    struct gh_store *st = NULL;
    char err[256];
    if (gh_store_open(path, &st, err, sizeof err) != GH_OK)
        _exit(3);
    int64_t end = mono_ms() + run_ms;
    int n = 0;
    while (mono_ms() < end) {
        if (gh_audit_appendf(st, "writer", "test.row", "row", GH_OUTCOME_OK, "row %d", n) != GH_OK) {
            fprintf(stderr, "writer: %s\n", gh_store_errmsg(st));
            _exit(4);
        }
        if (++n == 20 && write(ready_fd, "r", 1) != 1)
            _exit(5);
    }
    gh_store_close(st);
    _exit(n > 20 ? 0 : 6);
}

static void backup_while_writer_busy(void **state)
{
    (void)state;
    char db[300], bak[300], restored[300], err[512];
    path_in(db, sizeof db, "live.db");
    make_db(db, "busy");

    int p[2];
    assert_int_equal(pipe(p), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(p[0]);
        writer(db, 2500, p[1]);
    }
    close(p[1]);
    char c;
    assert_int_equal(read(p[0], &c, 1), 1);   /* the writer is writing */
    close(p[0]);

    int64_t prev = 0;
    struct gh_backup_info info;
    for (int i = 0; i < 3; i++) {
        snprintf(bak, sizeof bak, "%s/backup-%d.db", dir, i);
        int64_t t0 = mono_ms();
        enum gh_status s = gh_backup_create(db, bak, &info, err, sizeof err);
        if (s != GH_OK)
            fail_msg("backup %d: %s", i, err);
        printf("backup %d: %lld bytes in %lld ms\n", i, (long long)info.bytes,
               (long long)(mono_ms() - t0));
        /* Checked on its own: integrity, schema, and the log chain of a
         * snapshot taken mid-write. */
        s = gh_backup_check(bak, &info, err, sizeof err);
        if (s != GH_OK)
            fail_msg("check of backup %d: %s", i, err);
        assert_true(info.log_entries > prev);
        prev = info.log_entries;
        usleep(150 * 1000);
    }
    /* The writer was still going: the backups never stopped it. */
    int status = 0;
    assert_int_equal(waitpid(pid, &status, WNOHANG), 0);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    assert_true(log_count(db) > prev);

    /* The last backup restores into a new database that verifies. */
    path_in(restored, sizeof restored, "restored.db");
    if (gh_backup_restore(restored, bak, &info, err, sizeof err) != GH_OK)
        fail_msg("restore: %s", err);
    assert_string_equal(info.previous, "");
    assert_int_equal(log_count(restored), prev);
    expect_marker(restored, "busy");
    sqlite3 *h = NULL;
    sqlite3_stmt *q = NULL;
    assert_int_equal(sqlite3_open(restored, &h), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(h, "PRAGMA integrity_check", -1, &q, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(q, 0), "ok");
    sqlite3_finalize(q);
    sqlite3_close(h);
}

/* ---- the instance lock ------------------------------------------------------------ */

static pid_t fake_kiosk(const char *db)
{
    int p[2];
    assert_int_equal(pipe(p), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct gh_instance_lock *lk = NULL;
        char err[256];
        close(p[0]);
        if (gh_store_instance_lock(db, &lk, err, sizeof err) != GH_OK)
            _exit(3);
        if (write(p[1], "l", 1) != 1)
            _exit(4);
        for (;;)
            pause();
    }
    close(p[1]);
    char c;
    assert_int_equal(read(p[0], &c, 1), 1);
    close(p[0]);
    return pid;
}

static void restore_refused_while_kiosk_runs(void **state)
{
    (void)state;
    char db[300], bak[300], err[512];
    path_in(db, sizeof db, "live.db");
    path_in(bak, sizeof bak, "good.db");
    make_db(db, "old");
    assert_int_equal(gh_backup_create(db, bak, NULL, err, sizeof err), GH_OK);
    raw_exec(db, "UPDATE settings SET value = 'current' WHERE key = 'kiosk_name'");

    pid_t kiosk = fake_kiosk(db);
    assert_int_equal(gh_store_instance_holder(db), kiosk);
    struct gh_instance_lock *lk = NULL;
    assert_int_equal(gh_store_instance_lock(db, &lk, err, sizeof err), GH_E_REFUSED);
    assert_null(lk);
    assert_int_equal(gh_backup_restore(db, bak, NULL, err, sizeof err), GH_E_REFUSED);
    char pidtext[32];
    snprintf(pidtext, sizeof pidtext, "pid %ld", (long)kiosk);
    printf("refused: %s\n", err);
    assert_non_null(strstr(err, pidtext));
    assert_non_null(strstr(err, "systemctl stop"));
    expect_marker(db, "current");

    /* A kiosk that dies (even kill -9) leaves no stale lock behind. */
    kill(kiosk, SIGKILL);
    waitpid(kiosk, NULL, 0);
    assert_int_equal(gh_store_instance_holder(db), 0);
    assert_int_equal(gh_backup_restore(db, bak, NULL, err, sizeof err), GH_OK);
    expect_marker(db, "old");
    /* restore let go of the lock too */
    assert_int_equal(gh_store_instance_lock(db, &lk, err, sizeof err), GH_OK);
    assert_int_equal(gh_store_instance_holder(db), getpid());
    gh_store_instance_unlock(lk);
}

/* ---- restore checks before it touches anything ---------------------------------- */

static void refuse(const char *db, const char *bak, enum gh_status want, const char *words)
{
    char err[512] = "";
    enum gh_status s = gh_backup_restore(db, bak, NULL, err, sizeof err);
    printf("%s -> %d: %s\n", bak, s, err);
    assert_int_equal(s, want);
    if (words)
        assert_non_null(strstr(err, words));
    expect_marker(db, "current");
}

static void restore_refuses_damaged_or_foreign_files(void **state)
{
    (void)state;
    char db[300], bak[300], junk[300], other[300], broken[300], err[512];
    path_in(db, sizeof db, "live.db");
    path_in(bak, sizeof bak, "good.db");
    make_db(db, "current");
    /* A database big enough to have pages beyond the schema to damage. */
    struct gh_store *st = NULL;
    assert_int_equal(gh_store_open(db, &st, err, sizeof err), GH_OK);
    assert_int_equal(gh_store_begin(st), GH_OK);
    for (int i = 0; i < 400; i++)
        assert_int_equal(gh_audit_appendf(st, "test", "test.fill", "fill", GH_OUTCOME_OK,
                                          "a longer reason to fill pages, number %d", i), GH_OK);
    assert_int_equal(gh_store_commit(st), GH_OK);
    gh_store_close(st);
    assert_int_equal(gh_backup_create(db, bak, NULL, err, sizeof err), GH_OK);

    path_in(junk, sizeof junk, "junk.db");
    FILE *f = fopen(junk, "w");
    assert_non_null(f);
    for (int i = 0; i < 2000; i++)
        fputs("not a database ", f);
    fclose(f);
    refuse(db, junk, GH_E_STORE, "not a SQLite database");

    path_in(other, sizeof other, "other.db");
    raw_exec(other, "CREATE TABLE t(x); INSERT INTO t VALUES (1);");
    refuse(db, other, GH_E_INVALID, "not a Gatehouse database");

    /* Damage the b-tree pages of the big audit table. */
    path_in(broken, sizeof broken, "broken.db");
    char cmd[700];
    snprintf(cmd, sizeof cmd, "cp '%s' '%s'", bak, broken);
    assert_int_equal(system(cmd), 0);
    int fd = open(broken, O_RDWR);
    assert_true(fd >= 0);
    struct stat sb;
    assert_int_equal(fstat(fd, &sb), 0);
    assert_true(sb.st_size > 8 * 4096);
    char garbage[2048];
    memset(garbage, 0x5a, sizeof garbage);
    for (off_t at = sb.st_size / 2; at + 4096 < sb.st_size; at += 4096)
        assert_int_equal(pwrite(fd, garbage, sizeof garbage, at + 8), (ssize_t)sizeof garbage);
    close(fd);
    refuse(db, broken, GH_E_STORE, NULL);

    refuse(db, "/nonexistent/backup.db", GH_E_NOTFOUND, NULL);
}

static void restore_refuses_tampered_log(void **state)
{
    (void)state;
    char db[300], bak[300], err[512];
    path_in(db, sizeof db, "live.db");
    path_in(bak, sizeof bak, "tampered.db");
    make_db(db, "current");
    assert_int_equal(gh_backup_create(db, bak, NULL, err, sizeof err), GH_OK);
    /* Someone edits an entry in the backup: the chain no longer verifies. */
    raw_exec(bak, "UPDATE audit SET reason = 'nothing happened' WHERE seq = 2");
    refuse(db, bak, GH_E_TAMPERED, "activity log");
}

static void restore_replaces_and_keeps_previous(void **state)
{
    (void)state;
    char db[300], bak[300], prev[320], err[512];
    path_in(db, sizeof db, "live.db");
    path_in(bak, sizeof bak, "monday.db");
    make_db(db, "monday");
    assert_int_equal(gh_backup_create(db, bak, NULL, err, sizeof err), GH_OK);
    struct stat sb;
    assert_int_equal(stat(bak, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);   /* PIN hashes: owner only */

    struct gh_store *st = NULL;
    assert_int_equal(gh_store_open(db, &st, err, sizeof err), GH_OK);
    assert_int_equal(gh_settings_set(st, "test", GH_SETTING_KIOSK_NAME, "tuesday"), GH_OK);

    /* The open handle stays usable and sees the restored data afterwards. */
    struct gh_backup_info info;
    if (gh_backup_restore(db, bak, &info, err, sizeof err) != GH_OK)
        fail_msg("restore: %s", err);
    snprintf(prev, sizeof prev, "%s.pre-restore", db);
    assert_string_equal(info.previous, prev);
    assert_true(info.log_entries >= 4);
    assert_string_equal(gh_settings_get(st, GH_SETTING_KIOSK_NAME), "monday");
    gh_store_close(st);
    expect_marker(db, "monday");
    expect_marker(prev, "tuesday");
    /* No temporary files left next to the database. */
    char cmd[400];
    snprintf(cmd, sizeof cmd, "ls '%s' | grep -q restore-", dir);
    assert_int_not_equal(system(cmd), 0);
}

/* ---- operational log ------------------------------------------------------------------ */

/* Runs gh_oplog in a child with stderr sent to a file; journal: 1 announce
 * that file as the journal stream, 2 announce some other inode, 0 nothing. */
static void oplog_child(const char *out, int journal, int debug)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd < 0 || dup2(fd, 2) < 0)
            _exit(3);
        struct stat sb;
        fstat(2, &sb);
        char js[64];
        snprintf(js, sizeof js, "%llu:%llu", (unsigned long long)sb.st_dev,
                 (unsigned long long)sb.st_ino + (journal == 2 ? 1 : 0));
        if (journal)
            setenv("JOURNAL_STREAM", js, 1);
        else
            unsetenv("JOURNAL_STREAM");
        if (debug)
            setenv("GATEHOUSE_DEBUG", "1", 1);
        else
            unsetenv("GATEHOUSE_DEBUG");
        gh_oplog(GH_LOG_ERR, "board %s lost\nfake line", "QAAMZ");
        gh_oplog(GH_LOG_WARN, "relay slow: %d ms", 250);
        gh_oplog(GH_LOG_INFO, "ready");
        gh_oplog(GH_LOG_DEBUG, "frame");
        _exit(0);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void read_all(const char *path, char *buf, size_t n)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    size_t got = fread(buf, 1, n - 1, f);
    buf[got] = '\0';
    fclose(f);
}

static void oplog_priorities_only_on_journal(void **state)
{
    (void)state;
    char out[300], text[2048];
    path_in(out, sizeof out, "stderr.txt");

    oplog_child(out, 1, 0);
    read_all(out, text, sizeof text);
    assert_string_equal(text, "<3>board QAAMZ lost fake line\n<4>relay slow: 250 ms\n<6>ready\n");

    oplog_child(out, 1, 1);
    read_all(out, text, sizeof text);
    assert_non_null(strstr(text, "<7>frame\n"));

    /* JOURNAL_STREAM inherited, but stderr is somewhere else now. */
    oplog_child(out, 2, 0);
    read_all(out, text, sizeof text);
    assert_string_equal(text, "gatehouse: error: board QAAMZ lost fake line\n"
                              "gatehouse: warning: relay slow: 250 ms\n"
                              "gatehouse: info: ready\n");

    oplog_child(out, 0, 0);
    read_all(out, text, sizeof text);
    assert_null(strchr(text, '<'));
    assert_non_null(strstr(text, "gatehouse: error: "));
}

/* ---- the shipped config ------------------------------------------------------------------ */

static void load_ok(const char *path, struct gh_config *cfg)
{
    char err[512] = "";
    enum gh_status s = gh_config_load(path, cfg, err, sizeof err);
    if (s != GH_OK)
        fail_msg("%s: %s", path, err);
    assert_string_equal(cfg->path, path);
}

static void config_example_parses(void **state)
{
    (void)state;
    struct gh_config cfg;
    load_ok(GH_EXAMPLE_CONF, &cfg);
    assert_string_equal(cfg.store_path, "/var/lib/gatehouse/gatehouse.db");
    assert_string_equal(cfg.plugin_dir, "/usr/lib/gatehouse/plugins");
    assert_int_equal(cfg.enable_set, 0);
    assert_string_equal(cfg.mail_relay, "");
    assert_int_equal(cfg.mail_starttls, 1);
    assert_int_equal(cfg.width, 1080);
    assert_int_equal(cfg.height, 1920);
    assert_int_equal(cfg.rotation, 0);
    assert_int_equal(cfg.fullscreen, 1);

    /* The commented-out examples are valid too, once switched on. */
    char path[300], line[512];
    path_in(path, sizeof path, "all-on.conf");
    FILE *in = fopen(GH_EXAMPLE_CONF, "r"), *out = fopen(path, "w");
    assert_non_null(in);
    assert_non_null(out);
    int switched = 0;
    while (fgets(line, sizeof line, in)) {
        size_t key = strspn(line + 1, "abcdefghijklmnopqrstuvwxyz_");
        if (line[0] == '#' && key > 0 && strncmp(line + 1 + key, " = ", 3) == 0) {
            fputs(line + 1, out);
            switched++;
        } else
            fputs(line, out);
    }
    fclose(in);
    fclose(out);
    assert_true(switched >= 6);
    load_ok(path, &cfg);
    assert_int_equal(cfg.enable_set, 1);
    assert_int_equal(cfg.n_enable, 3);
    assert_string_equal(cfg.enable[2], "lockctl");
    assert_string_equal(cfg.mail_relay, "smtp://mail.example.org:587");
    assert_string_equal(cfg.mail_password, "change-me");
    assert_string_equal(cfg.mail_cafile, "/etc/gatehouse/relay-ca.pem");

    /* The file this build installs names this build's plugin folder. */
    load_ok(GH_BUILT_CONF, &cfg);
    assert_string_equal(cfg.plugin_dir, GH_BUILT_PLUGIN_DIR);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(backup_while_writer_busy, setup, teardown),
        cmocka_unit_test_setup_teardown(restore_refused_while_kiosk_runs, setup, teardown),
        cmocka_unit_test_setup_teardown(restore_refuses_damaged_or_foreign_files, setup, teardown),
        cmocka_unit_test_setup_teardown(restore_refuses_tampered_log, setup, teardown),
        cmocka_unit_test_setup_teardown(restore_replaces_and_keeps_previous, setup, teardown),
        cmocka_unit_test_setup_teardown(oplog_priorities_only_on_journal, setup, teardown),
        cmocka_unit_test_setup_teardown(config_example_parses, setup, teardown),
    };
    if (argc > 1) {
        /* A filter that names no test would pass by running nothing. */
        size_t i = 0, n = sizeof tests / sizeof tests[0];
        while (i < n && fnmatch(argv[1], tests[i].name, 0) != 0)
            i++;
        if (i == n) {
            fprintf(stderr, "no test named %s\n", argv[1]);
            return 1;
        }
        cmocka_set_test_filter(argv[1]);
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    return cmocka_run_group_tests_name("pkg", tests, NULL, NULL);
}
