/*
 * mkdb.c: makes the database the shell's script tests and the kiosk
 * benchmark run against, through the core's own functions (no CLI needed).
 *
 *   mkdb DB [OCCUPANTS [KEY=VALUE ...]]
 *
 * Staff: sam@example.com PIN 2580 (approve, manage), pat@example.com PIN
 * 1357 (open_common). Occupant: occ@example.com PIN 4682, active;
 * new@example.com, whose welcome mail waits in the outbox. Then
 * OCCUPANTS more occupants (bulk, for the benchmark), in batches of one
 * transaction each. KEY=VALUE pairs are settings (gh_settings_set).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gatehouse/store.h"
#include "gatehouse/account.h"
#include "gatehouse/auth.h"

static int check(struct gh_store *st, enum gh_status s, const char *what)
{
    if (s == GH_OK)
        return 0;
    fprintf(stderr, "mkdb: %s: %s\n", what, gh_store_errmsg(st));
    return -1;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: mkdb DB [OCCUPANTS [KEY=VALUE ...]]\n");
        return 2;
    }
    long extra = argc > 2 ? strtol(argv[2], NULL, 10) : 0;
    struct gh_store *st = NULL;
    char err[512];
    if (gh_store_open(argv[1], &st, err, sizeof err) != GH_OK) {
        fprintf(stderr, "mkdb: %s\n", err);
        return 1;
    }
    int64_t id;
    struct gh_account_new sam = { .email = "sam@example.com", .name = "Sam Staff" };
    struct gh_account_new pat = { .email = "pat@example.com", .name = "Pat Porter",
                                  .phone = "+44 7700 900123" };
    struct gh_account_new occ = { .email = "occ@example.com", .name = "Olive Occupant",
                                  .access = GH_ACCESS_ALL, .no_welcome = 1 };
    if (check(st, gh_staff_create(st, "test", &sam, "2580", GH_PERM_APPROVE | GH_PERM_MANAGE,
                                  &id), "staff sam") ||
        check(st, gh_staff_create(st, "test", &pat, "1357", GH_PERM_OPEN_COMMON, &id),
              "staff pat") ||
        check(st, gh_occupant_create(st, "test", &occ, &id), "occupant") ||
        check(st, gh_auth_set_pin(st, "test", id, "4682"), "occupant pin"))
        goto fail;
    /* one occupant with a welcome mail waiting in the outbox */
    struct gh_account_new mail = { .email = "new@example.com", .name = "Nia New",
                                   .access = GH_ACCESS_ALL };
    if (check(st, gh_occupant_create(st, "test", &mail, &id), "occupant with mail"))
        goto fail;
    for (long i = 0; i < extra; i += 1000) {
        if (check(st, gh_store_begin(st), "begin"))
            goto fail;
        for (long j = i; j < i + 1000 && j < extra; j++) {
            char email[64], name[64];
            snprintf(email, sizeof email, "person%ld@bulk.example", j);
            snprintf(name, sizeof name, "Person %ld", j);
            struct gh_account_new a = { .email = email, .name = name,
                                        .access = GH_ACCESS_ALL, .no_welcome = 1 };
            if (check(st, gh_occupant_create(st, "test", &a, &id), "bulk occupant")) {
                gh_store_rollback(st);
                goto fail;
            }
        }
        if (check(st, gh_store_commit(st), "commit"))
            goto fail;
    }
    for (int i = 3; i < argc; i++) {
        char key[64];
        const char *eq = strchr(argv[i], '=');
        if (!eq || eq - argv[i] >= (long)sizeof key) {
            fprintf(stderr, "mkdb: %s: expected KEY=VALUE\n", argv[i]);
            goto fail;
        }
        snprintf(key, sizeof key, "%.*s", (int)(eq - argv[i]), argv[i]);
        if (check(st, gh_settings_set(st, "test", key, eq + 1), argv[i]))
            goto fail;
    }
    gh_store_close(st);
    return 0;
fail:
    gh_store_close(st);
    return 1;
}
