/*
 * reader_pcsc.c: PC/SC card readers through pcsclite and pcscd (readers.h).
 *
 * One PC/SC context; SCardGetStatusChange waits on every reader and on
 * pcscd's "\\?PnP?\Notification" pseudo reader (a reader plugged in or
 * out: the list is read again). A card that becomes present is connected
 * (shared, T=0 or T=1) and asked its UID with GET DATA (FF CA 00 00 00);
 * the answer is the UID and 90 00. The time of the read is when pcscd told
 * us the card is present. pcscd going away makes the wait fail: the context
 * is closed, and readers.c opens a new one a second later.
 */
#define _GNU_SOURCE
#include "readers.h"

#include <PCSC/winscard.h>
#include <PCSC/wintypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_READERS 8
#define PNP "\\\\?PnP?\\Notification"

struct pch {
    SCARDCONTEXT ctx;
    SCARD_READERSTATE st[MAX_READERS + 1];   /* readers, then PnP */
    char names[MAX_READERS][128];
    int n;
    int reload;
    int pnp;                                  /* pcscd offers PnP notification */
};

static void *pc_open(const char *arg, int grab, char *err, size_t errlen)
{
    (void)arg; (void)grab;
    struct pch *h = calloc(1, sizeof *h);
    if (!h) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    LONG rc = SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &h->ctx);
    if (rc != SCARD_S_SUCCESS) {
        snprintf(err, errlen, "pcscd is not reachable: %s", pcsc_stringify_error(rc));
        free(h);
        return NULL;
    }
    h->reload = 1;
    h->pnp = 1;
    return h;
}

/* Reads the reader list again; the states of readers still there are kept. */
static LONG load_readers(struct pch *h)
{
    char buf[MAX_READERS * 128 + 2];
    DWORD len = sizeof buf;
    SCARD_READERSTATE old[MAX_READERS];
    int nold = h->n;
    memcpy(old, h->st, sizeof old);
    LONG rc = SCardListReaders(h->ctx, NULL, buf, &len);
    h->n = 0;
    if (rc == SCARD_E_NO_READERS_AVAILABLE)
        rc = SCARD_S_SUCCESS, len = 0;
    if (rc != SCARD_S_SUCCESS)
        return rc;
    for (char *p = buf; len && *p && h->n < MAX_READERS; p += strlen(p) + 1) {
        snprintf(h->names[h->n], sizeof h->names[0], "%s", p);
        memset(&h->st[h->n], 0, sizeof h->st[0]);
        h->st[h->n].szReader = h->names[h->n];
        h->st[h->n].dwCurrentState = SCARD_STATE_UNAWARE;
        for (int i = 0; i < nold; i++)
            if (strcmp(old[i].szReader, p) == 0)
                h->st[h->n].dwCurrentState = old[i].dwCurrentState;
        h->n++;
    }
    memset(&h->st[h->n], 0, sizeof h->st[0]);
    h->st[h->n].szReader = PNP;
    h->st[h->n].dwCurrentState = SCARD_STATE_UNAWARE;
    h->reload = 0;
    return SCARD_S_SUCCESS;
}

/* GET DATA for the UID of the card in reader; 0 and hex in uid, or -1. */
static int read_uid(struct pch *h, const char *reader, char *uid, size_t len)
{
    static const BYTE get_uid[] = { 0xFF, 0xCA, 0x00, 0x00, 0x00 };
    SCARDHANDLE card;
    DWORD proto = 0, rlen;
    BYTE resp[64];
    if (SCardConnect(h->ctx, reader, SCARD_SHARE_SHARED, SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1,
                     &card, &proto) != SCARD_S_SUCCESS)
        return -1;
    rlen = sizeof resp;
    LONG rc = SCardTransmit(card, proto == SCARD_PROTOCOL_T0 ? SCARD_PCI_T0 : SCARD_PCI_T1,
                            get_uid, sizeof get_uid, NULL, resp, &rlen);
    SCardDisconnect(card, SCARD_LEAVE_CARD);
    if (rc != SCARD_S_SUCCESS || rlen < 3 || resp[rlen - 2] != 0x90 || resp[rlen - 1] != 0x00 ||
        (rlen - 2) * 2 >= len)
        return -1;
    for (DWORD i = 0; i < rlen - 2; i++)
        snprintf(uid + 2 * i, 3, "%02x", resp[i]);
    explicit_bzero(resp, sizeof resp);
    return 0;
}

/* A reader's state changed: 1 and *ev when a card arrived and was read. */
static int changed(struct pch *h, int i, int64_t at, struct lc_reader_event *ev)
{
    DWORD was = h->st[i].dwCurrentState, now = h->st[i].dwEventState;
    h->st[i].dwCurrentState = now & ~SCARD_STATE_CHANGED;
    if (!(now & SCARD_STATE_PRESENT) || (was & SCARD_STATE_PRESENT) || (now & SCARD_STATE_MUTE))
        return 0;
    memset(ev, 0, sizeof *ev);
    if (read_uid(h, h->names[i], ev->uid, sizeof ev->uid) != 0) {
        ev->kind = LC_EV_ERROR;
        snprintf(ev->text, sizeof ev->text, "%s: a card that did not give its UID (GET DATA)",
                 h->names[i]);
        return 1;
    }
    ev->kind = LC_EV_CARD;
    ev->at_us = at;
    snprintf(ev->text, sizeof ev->text, "pcsc %s", h->names[i]);
    return 1;
}

static int pc_wait(void *hp, int timeout_ms, struct lc_reader_event *ev, char *err, size_t errlen)
{
    struct pch *h = hp;
    LONG rc = h->reload ? load_readers(h) : SCARD_S_SUCCESS;
    if (rc == SCARD_S_SUCCESS) {
        int total = h->n + (h->pnp ? 1 : 0);
        rc = SCardGetStatusChange(h->ctx, (DWORD)timeout_ms, h->st, (DWORD)total);
        if (rc == SCARD_E_UNKNOWN_READER && h->pnp && h->n == 0)
            h->pnp = 0, rc = SCARD_E_TIMEOUT;    /* no PnP support: poll the list */
    }
    if (rc == SCARD_E_TIMEOUT) {
        if (!h->pnp)
            h->reload = 1;
        return 0;
    }
    if (rc != SCARD_S_SUCCESS) {
        snprintf(err, errlen, "pcscd: %s", pcsc_stringify_error(rc));
        return -1;
    }
    int64_t at = lc_reader_now_us();
    if (h->pnp && (h->st[h->n].dwEventState & SCARD_STATE_CHANGED)) {
        h->st[h->n].dwCurrentState = h->st[h->n].dwEventState & ~SCARD_STATE_CHANGED;
        h->reload = 1;
    }
    for (int i = 0; i < h->n; i++)
        if ((h->st[i].dwEventState & SCARD_STATE_CHANGED) && changed(h, i, at, ev))
            return 1;
    return 0;
}

static void pc_describe(void *hp, char *buf, size_t len)
{
    struct pch *h = hp;
    size_t k = 0;
    buf[0] = '\0';
    for (int i = 0; i < h->n && k < len; i++)
        k += (size_t)snprintf(buf + k, len - k, "%spcsc  %s%s", k ? "\n" : "", h->names[i],
                              h->st[i].dwCurrentState & SCARD_STATE_PRESENT ? "  (card present)"
                                                                            : "");
    if (!h->n)
        snprintf(buf, len, "pcsc: pcscd is running, no reader plugged in");
}

static void pc_close(void *hp)
{
    struct pch *h = hp;
    if (!h)
        return;
    SCardReleaseContext(h->ctx);
    free(h);
}

const struct lc_reader_backend lc_reader_pcsc = {
    .kind = "pcsc", .open = pc_open, .wait = pc_wait, .describe = pc_describe,
    .close = pc_close };
