/*
 * gh_test_store.c: the common fixture of a fresh folder with a database in
 * it (see gh_test.h). A library of its own (gh_test_store), so programs that
 * do not link the core can use the guarded main alone (gh_test).
 */
#include "gh_test.h"

#include <stdio.h>

#include "gatehouse/store.h"

void gh_test_store_open(char *dir, size_t dirlen, char *db, size_t dblen, const char *tag,
                        struct gh_store **st)
{
    char err[512] = "";
    gh_test_tmpdir(dir, dirlen, tag);
    snprintf(db, dblen, "%s/gatehouse.db", dir);
    if (gh_store_open(db, st, err, sizeof err) != GH_OK)
        fail_msg("gh_store_open %s: %s", db, err);
}

void gh_test_store_close(const char *dir, struct gh_store *st)
{
    if (st)
        gh_store_close(st);
    gh_test_rmdir(dir);
}
