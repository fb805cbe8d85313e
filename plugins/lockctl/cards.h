/*
 * cards.h: what the lock control plugin's card files share (cards.c: the
 * readers in the kiosk and what a card read does; card_screens.c: the staff
 * screen "Cards"; card_commands.c: `reader list`). Internal to the plugin.
 */
#ifndef GH_LOCKCTL_CARDS_H
#define GH_LOCKCTL_CARDS_H

#include "lockctl.h"
#include "readers.h"

#define LC_CARD_POLL_MS 10        /* how often the kiosk takes queued reads */
#define LC_ENROL_MS 30000         /* "Hold the card to the reader": then it gives up */

struct lc_cards {
    struct lc_readers *readers;
    char status[2048];            /* the readers' state, for the staff screen */
    int trouble;                  /* backends in trouble */
    char last_error[LC_READ_TEXT_BUF];
    /* the staff screen: the person being looked at */
    char who[GH_EMAIL_MAX + 1];
    struct gh_account person;
    int have_person;
    char msg[512];
    int msg_style;
    /* enrolment: the next card read goes to enrol_account, until enrol_until
     * (host->mono_ms) */
    int64_t enrol_account;
    int64_t enrol_until;
};

/* [readers] as the host gives it (config_view): the keyboard-wedge IDs
 * ("" none) and pcsc (0/1). */
void lc_readers_config(const struct gh_host *h, const char **keyboard, int *pcsc);
/* The readers configured ([readers]) added to r; how many. */
int lc_cards_add_backends(struct lc_readers *r, const struct gh_host *h);
/* card_screens.c */
int lc_card_screens_register(struct lockctl *lc);
/* A card read while enrolment waits: attached to the person (or refused). */
void lc_card_enrol(struct lockctl *lc, struct gh_ui *ui, const char *uid);

#endif
