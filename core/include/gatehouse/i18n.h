/*
 * i18n.h: every string a person reads goes through _(), with the English
 * text in the code as the message id. Catalogues are GNU .mo files built
 * from po/LANG.po; _() answers in the language chosen for the calling
 * thread (gh_i18n_use), English when none is chosen or a string is missing.
 *
 * Load every language at start, before other threads run (gh_i18n_load*);
 * after that, lookups from any thread need no lock.
 */
#ifndef GATEHOUSE_I18N_H
#define GATEHOUSE_I18N_H

#include <stddef.h>
#include <stdint.h>

#define GH_I18N_LANG_MAX 16

enum gh_i18n_result {
    GH_I18N_OK = 0,
    GH_I18N_MISSING, /* no catalogue file for that language */
    GH_I18N_BAD,     /* a bad language code or a damaged catalogue */
};

/* Loads the .mo file at path as language lang ("es", "pt_BR"). Loading a
 * language twice is a no-op. On failure err says which file and why. */
enum gh_i18n_result gh_i18n_load(const char *lang, const char *path, char *err, size_t errlen);
/* The same from localedir/LANG/LC_MESSAGES/gatehouse.mo. */
enum gh_i18n_result gh_i18n_load_dir(const char *localedir, const char *lang, char *err,
                                     size_t errlen);
int gh_i18n_has(const char *lang);
/* Chooses this thread's language; "en", "" or NULL mean English.
 * -1 if that language isn't loaded (the choice is then unchanged). */
int gh_i18n_use(const char *lang);
const char *gh_i18n_current(void);
/* Composing something for one person in their language (a mail at queue
 * time): gh_i18n_push switches this thread to lang (as gh_i18n_use; a
 * language not loaded leaves the thread as it was) and saves the choice it
 * had, which gh_i18n_pop puts back. The screen's language is untouched
 * afterwards whatever lang was. */
struct gh_i18n_prev { const void *cat; };
void gh_i18n_push(const char *lang, struct gh_i18n_prev *prev);
void gh_i18n_pop(const struct gh_i18n_prev *prev);
/* A date in this thread's language and the kiosk's local time (i18n_date.c):
 * "5 December 2026", "5 de diciembre de 2026", "5 décembre 2026"; with_time
 * adds the 24-hour time ("5 December 2026 at 14:05"). Month names and the
 * order of the parts come from the catalogue. Returns buf ("" if ms < 0). */
const char *gh_i18n_date(int64_t ms, int with_time, char *buf, size_t len);
/* The language's name in its own words ("Español"), for a language button. */
const char *gh_i18n_name(const char *lang);
/* 1 if lang's catalogue has a non-empty translation of msgid. */
int gh_i18n_translated(const char *lang, const char *msgid);
/* Unloads every catalogue (at exit, after other threads have stopped). */
void gh_i18n_unload_all(void);

const char *gh_i18n_lookup(const char *msgid);
const char *gh_i18n_lookup_in(const char *lang, const char *msgid);

#ifndef _
#define _(s) gh_i18n_lookup(s)
#endif
/* Marks a string for translation where it must stay a constant. */
#define N_(s) (s)

#endif
