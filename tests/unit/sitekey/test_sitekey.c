/*
 * test_sitekey.c: the site key file beside the database (sitekey.h) and the
 * keyed hash of short secrets, against real SQLite files in a temporary
 * folder. One ctest entry per rule; an unknown name fails (no test matched).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "gh_test.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gatehouse/sitekey.h"
#include "gatehouse/store.h"

struct fx {
    char dir[128], db[256], key[300];
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    assert_non_null(f);
    gh_test_tmpdir(f->dir, sizeof f->dir, "sitekey");
    snprintf(f->db, sizeof f->db, "%s/gatehouse.db", f->dir);
    snprintf(f->key, sizeof f->key, "%s.key", f->db);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    gh_test_rmdir(f->dir);
    free(f);
    return 0;
}

static struct gh_store *open_ok(const char *db)
{
    struct gh_store *st = NULL;
    char err[512];
    enum gh_status s = gh_store_open(db, &st, err, sizeof err);
    if (s != GH_OK)
        fail_msg("open %s: %s", db, err);
    return st;
}

static void read_file(const char *path, unsigned char *buf, size_t n, size_t *got)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    *got = fread(buf, 1, n, fp);
    fclose(fp);
}

static void a_new_database_gets_a_32_byte_key_file_readable_only_by_its_owner(void **state)
{
    struct fx *f = *state;
    struct gh_store *st = open_ok(f->db);
    struct stat sb;
    assert_int_equal(stat(f->key, &sb), 0);
    assert_int_equal(sb.st_size, GH_SITEKEY_BYTES);
    assert_int_equal(sb.st_mode & 0777, 0600);
    char a[GH_SITEKEY_HEX], b[GH_SITEKEY_HEX];
    assert_int_equal(gh_store_keyed_hash(st, "setup-code", "123456", a), GH_OK);
    assert_int_equal(strlen(a), 64);
    gh_store_close(st);

    /* The same key is read back on the next start: same hash. */
    st = open_ok(f->db);
    assert_int_equal(gh_store_keyed_hash(st, "setup-code", "123456", b), GH_OK);
    assert_string_equal(a, b);
    gh_store_close(st);
}

static void keyed_hashes_differ_by_domain_and_secret_and_never_contain_it(void **state)
{
    struct fx *f = *state;
    struct gh_store *st = open_ok(f->db);
    char a[GH_SITEKEY_HEX], b[GH_SITEKEY_HEX], c[GH_SITEKEY_HEX];
    assert_int_equal(gh_store_keyed_hash(st, "setup-code", "12345678", a), GH_OK);
    assert_int_equal(gh_store_keyed_hash(st, "door-code", "12345678", b), GH_OK);
    assert_int_equal(gh_store_keyed_hash(st, "setup-code", "12345679", c), GH_OK);
    assert_string_not_equal(a, b);
    assert_string_not_equal(a, c);
    assert_null(strstr(a, "12345678"));
    gh_store_close(st);
}

static void a_missing_key_file_is_a_clear_error_naming_it_and_no_new_key_is_made(void **state)
{
    struct fx *f = *state;
    gh_store_close(open_ok(f->db));
    assert_int_equal(unlink(f->key), 0);
    struct gh_store *st = open_ok(f->db);   /* the store still opens: the log, mail ... */
    char h[GH_SITEKEY_HEX];
    assert_int_equal(gh_store_keyed_hash(st, "setup-code", "123456", h), GH_E_CONFIG);
    assert_non_null(strstr(gh_store_errmsg(st), f->key));
    assert_non_null(strstr(gh_store_errmsg(st), "backup"));
    gh_store_close(st);
    struct stat sb;
    assert_int_not_equal(stat(f->key, &sb), 0);   /* a new key would void every code */
}

static void another_databases_key_is_refused(void **state)
{
    struct fx *f = *state;
    char other[300], other_key[320];
    snprintf(other, sizeof other, "%s/other.db", f->dir);
    snprintf(other_key, sizeof other_key, "%s.key", other);
    gh_store_close(open_ok(f->db));
    gh_store_close(open_ok(other));
    assert_int_equal(rename(other_key, f->key), 0);
    struct gh_store *st = open_ok(f->db);
    char h[GH_SITEKEY_HEX];
    assert_int_equal(gh_store_keyed_hash(st, "door-code", "12345678", h), GH_E_CONFIG);
    assert_non_null(strstr(gh_store_errmsg(st), "another database"));
    gh_store_close(st);
}

static void a_damaged_key_file_is_refused(void **state)
{
    struct fx *f = *state;
    gh_store_close(open_ok(f->db));
    assert_int_equal(truncate(f->key, 16), 0);
    struct gh_store *st = open_ok(f->db);
    char h[GH_SITEKEY_HEX];
    assert_int_equal(gh_store_keyed_hash(st, "door-code", "12345678", h), GH_E_CONFIG);
    assert_non_null(strstr(gh_store_errmsg(st), "damaged"));
    gh_store_close(st);
}

static void a_key_file_waiting_beside_an_older_database_is_adopted(void **state)
{
    struct fx *f = *state;
    unsigned char key[GH_SITEKEY_BYTES], back[GH_SITEKEY_BYTES];
    char err[256];
    assert_int_equal(gh_sitekey_create(f->key, key, err, sizeof err), GH_OK);
    assert_int_equal(gh_sitekey_create(f->key, key, err, sizeof err), GH_E_EXISTS);
    struct gh_store *st = open_ok(f->db);
    gh_store_close(st);
    size_t got = 0;
    read_file(f->key, back, sizeof back, &got);
    assert_int_equal(got, GH_SITEKEY_BYTES);
    assert_memory_equal(key, back, GH_SITEKEY_BYTES);
}

/* Several programs opening a new database at the same moment (the kiosk, its
 * mail thread, gatehousectl) all open it and end up with the one same key. */
static void programs_opening_a_new_database_at_once_share_one_key(void **state)
{
    struct fx *f = *state;
    enum { KIDS = 6 };
    int go[2], out[2];
    assert_int_equal(pipe(go), 0);
    assert_int_equal(pipe(out), 0);
    for (int i = 0; i < KIDS; i++) {
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            char c, h[GH_SITEKEY_HEX] = "", line[80];
            close(go[1]);
            if (read(go[0], &c, 1) < 0)
                _exit(2);
            struct gh_store *st = NULL;
            char err[256];
            if (gh_store_open(f->db, &st, err, sizeof err) != GH_OK ||
                gh_store_keyed_hash(st, "door-code", "12345678", h) != GH_OK)
                snprintf(h, sizeof h, "FAILED");
            gh_store_close(st);
            int n = snprintf(line, sizeof line, "%-64s\n", h);
            _exit(write(out[1], line, (size_t)n) == n ? 0 : 3);
        }
    }
    close(go[0]);
    close(out[1]);
    close(go[1]);                                 /* all start now */
    char buf[KIDS * 65 + 1];
    size_t got = 0;
    ssize_t r;
    while (got < sizeof buf - 1 && (r = read(out[0], buf + got, sizeof buf - 1 - got)) > 0)
        got += (size_t)r;
    buf[got] = '\0';
    close(out[0]);
    for (int i = 0; i < KIDS; i++) {
        int ws = 0;
        wait(&ws);
        assert_true(WIFEXITED(ws) && WEXITSTATUS(ws) == 0);
    }
    assert_int_equal(got, (size_t)KIDS * 65);
    assert_null(strstr(buf, "FAILED"));
    for (int i = 1; i < KIDS; i++)
        assert_memory_equal(buf, buf + i * 65, 64);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

static const struct CMUnitTest tests[] = {
        T(a_new_database_gets_a_32_byte_key_file_readable_only_by_its_owner),
        T(keyed_hashes_differ_by_domain_and_secret_and_never_contain_it),
        T(a_missing_key_file_is_a_clear_error_naming_it_and_no_new_key_is_made),
        T(another_databases_key_is_refused),
        T(a_damaged_key_file_is_refused),
        T(a_key_file_waiting_beside_an_older_database_is_adopted),
        T(programs_opening_a_new_database_at_once_share_one_key),
};

GH_TEST_MAIN(tests)
