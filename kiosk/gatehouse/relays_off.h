/*
 * relays_off.h: the kiosk's first act, every relay of every board off.
 *
 * Called at the top of main, before the configuration, the instance lock,
 * the database, the screen or any plugin: a door left open by a run that
 * died mid-pulse (kill -9, power cut of the computer alone) closes even when
 * the rest of start-up then fails (no display, a damaged database, a typo in
 * --config, a plugin that hangs). The lock control plugin takes the boards
 * again later, as it always did. Needs no configuration: see
 * plugins/lockctl/lc_alloff.h. Each board goes to the operations log.
 */
#ifndef GATEHOUSE_RELAYS_OFF_H
#define GATEHOUSE_RELAYS_OFF_H

/* Returns the number of boards that could not be switched off (logged as
 * errors), -1 when USB could not be used (logged), 0 done. Start-up goes on
 * in every case: the kiosk is how doors open, and its plugin retries. */
int gh_kiosk_relays_off(void);

#endif
