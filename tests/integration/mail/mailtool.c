/*
 * mailtool.c: test helper for the command-line mail tests. Fills and reads
 * an outbox through the core's own functions (no SQL of ours):
 *
 *   mailtool seed DB N [DOMAIN]   queue N welcome emails to userK@DOMAIN
 *   mailtool dump DB              one line per message: ID STATE MESSAGE-ID TO
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gatehouse/outbox.h"
#include "gatehouse/store.h"

static int dump_one(void *ud, const struct gh_mail *m)
{
    printf("%lld %s %s %s\n", (long long)m->id, gh_mail_state_name(m->state), m->message_id,
           m->to_addr);
    return 0;
}

int main(int argc, char **argv)
{
    struct gh_store *st = NULL;
    char err[512];
    if (argc < 3) {
        fprintf(stderr, "usage: mailtool seed DB N [DOMAIN] | dump DB\n");
        return 2;
    }
    if (gh_store_open(argv[2], &st, err, sizeof err) != GH_OK) {
        fprintf(stderr, "mailtool: %s\n", err);
        return 1;
    }
    int rc = 0;
    if (strcmp(argv[1], "seed") == 0 && argc >= 4) {
        int n = atoi(argv[3]);
        const char *domain = argc > 4 ? argv[4] : "example.org";
        if (gh_store_begin(st) != GH_OK)
            rc = 1;
        for (int i = 1; i <= n && rc == 0; i++) {
            char to[256], name[64], code[16];
            snprintf(to, sizeof to, "user%d@%s", i, domain);
            snprintf(name, sizeof name, "User %d", i);
            snprintf(code, sizeof code, "%06d", 100000 + i);
            const char *vars[] = { "name", name, "code", code, "kiosk", "Lobby",
                                   "email", to, NULL, NULL };
            if (gh_outbox_compose(st, "welcome", 0, to, name, vars, NULL) != GH_OK) {
                fprintf(stderr, "mailtool: %s\n", gh_store_errmsg(st));
                rc = 1;
            }
        }
        if (rc == 0 && gh_store_commit(st) != GH_OK)
            rc = 1;
        if (rc)
            gh_store_rollback(st);
    } else if (strcmp(argv[1], "dump") == 0) {
        if (gh_outbox_list(st, -1, dump_one, NULL) != GH_OK) {
            fprintf(stderr, "mailtool: %s\n", gh_store_errmsg(st));
            rc = 1;
        }
    } else {
        fprintf(stderr, "usage: mailtool seed DB N [DOMAIN] | dump DB\n");
        rc = 2;
    }
    gh_store_close(st);
    return rc;
}
