/*
 * languages.h: the kiosk's languages from the configuration ([kiosk]
 * languages = en, es, fr; the first is the kiosk's default) and where their
 * catalogues are found. Both programs call gh_languages_load once at start,
 * before any other thread runs (i18n.h).
 *
 * The catalogue folder (LANG/LC_MESSAGES/gatehouse.mo under it):
 *   [kiosk] locale_dir, when set;
 *   the build tree's locale/ folder, for a program run from the build tree;
 *   the installed locale folder (e.g. /usr/share/locale) otherwise.
 */
#ifndef GATEHOUSE_LANGUAGES_H
#define GATEHOUSE_LANGUAGES_H
#include <stddef.h>
#include "gatehouse/status.h"

struct gh_config;

/* The folder the catalogues are read from, into buf. */
const char *gh_languages_dir(const struct gh_config *cfg, char *buf, size_t len);
/* Loads the catalogue of every configured language ("en" needs none).
 * GH_E_CONFIG when one is missing or damaged: err names the language and
 * the file. */
enum gh_status gh_languages_load(const struct gh_config *cfg, char *err, size_t errlen);
/* The kiosk's default language (the first configured). */
const char *gh_languages_default(const struct gh_config *cfg);
/* 1 if lang is one of the configured languages. */
int gh_languages_offered(const struct gh_config *cfg, const char *lang);
/* 1 if a person's emails can be written in lang: "en" (the message ids),
 * or a configured language whose catalogue is loaded. */
int gh_languages_usable(const char *lang);
/* The language a person's emails are written in, from what their account
 * stores: that language when usable, else the kiosk's first language. */
const char *gh_languages_pick(const char *stored);
/* "en, es, fr": the usable languages, for a message that lists them. */
const char *gh_languages_list(char *buf, size_t len);
/* 0 if lang is NULL, "" (the kiosk's first language) or usable; else -1
 * with "lang: ... (languages: en, es, fr)" in err. */
int gh_languages_check(const char *lang, char *err, size_t errlen);

#endif
