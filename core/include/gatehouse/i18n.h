/*
 * i18n.h: every string a person reads goes through _(), with the English
 * text in the code. Today _() returns its argument; a catalogue (gettext or
 * our own) can be plugged in behind gh_i18n_lookup without touching callers.
 */
#ifndef GATEHOUSE_I18N_H
#define GATEHOUSE_I18N_H

const char *gh_i18n_lookup(const char *msgid);

#ifndef _
#define _(s) gh_i18n_lookup(s)
#endif
/* Marks a string for translation where it must stay a constant. */
#define N_(s) (s)

#endif
