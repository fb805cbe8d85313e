/*
 * login_check.c: does a PIN log in? For the sign-up tests, which must show
 * that the PIN chosen on the kiosk's "First time here?" screen really works,
 * without adding a log-in command to gatehousectl.
 *
 *   login_check DB WHO PIN     exit 0: logged in; 1: refused (message on
 *                              stderr); 2: usage or database error
 *
 * It goes through gh_auth_login, the same function the kiosk's log-in uses,
 * so the attempt is logged like any other ("auth.login", actor "test").
 */
#include <stdio.h>
#include <string.h>
#include "gatehouse/store.h"
#include "gatehouse/auth.h"

int main(int argc, char **argv)
{
    struct gh_store *st = NULL;
    struct gh_account a;
    char err[512];
    int rc = 2;

    if (argc != 4) {
        fprintf(stderr, "usage: login_check DB WHO PIN\n");
        return 2;
    }
    if (gh_store_open(argv[1], &st, err, sizeof err) != GH_OK) {
        fprintf(stderr, "login_check: %s\n", err);
        return 2;
    }
    memset(&a, 0, sizeof a);
    enum gh_status s = gh_auth_login(st, "test", argv[2], argv[3], &a);
    if (s == GH_OK) {
        printf("logged in: account %lld (%s)\n", (long long)a.id, a.email);
        rc = 0;
    } else {
        fprintf(stderr, "login_check: %s: %s\n", gh_strerror(s), gh_store_errmsg(st));
        rc = s == GH_E_DENIED || s == GH_E_LOCKED || s == GH_E_REFUSED ? 1 : 2;
    }
    gh_store_close(st);
    return rc;
}
