/*
 * languages.c: the configured languages and their catalogues (see
 * languages.h). A language named in the configuration whose catalogue is
 * missing stops the program with the file named: a kiosk must not quietly
 * offer "Español" and then show English.
 */
#include "gatehouse/languages.h"
#include "gatehouse/config.h"
#include "gatehouse/i18n.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef GH_LOCALEDIR
#define GH_LOCALEDIR "/usr/share/locale"
#endif

/* 1 if this program's file lies inside the build tree it was built in. */
static int run_from_build_tree(void)
{
#if defined(GH_BUILD_DIR) && defined(GH_BUILD_LOCALE_DIR)
    char exe[PATH_MAX], tree[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0 || !realpath(GH_BUILD_DIR, tree))
        return 0;
    exe[n] = '\0';
    size_t t = strlen(tree);
    return strncmp(exe, tree, t) == 0 && exe[t] == '/';
#else
    return 0;
#endif
}

const char *gh_languages_dir(const struct gh_config *cfg, char *buf, size_t len)
{
    const struct gh_config_langs *l = gh_config_langs();
    (void)cfg;
    if (l->locale_dir[0])
        snprintf(buf, len, "%s", l->locale_dir);
#ifdef GH_BUILD_LOCALE_DIR
    else if (run_from_build_tree())
        snprintf(buf, len, "%s", GH_BUILD_LOCALE_DIR);
#endif
    else
        snprintf(buf, len, "%s", GH_LOCALEDIR);
    return buf;
}

enum gh_status gh_languages_load(const struct gh_config *cfg, char *err, size_t errlen)
{
    char dir[1024], why[1200];
    const struct gh_config_langs *l = gh_config_langs();
    gh_languages_dir(cfg, dir, sizeof dir);
    for (int i = 0; i < l->n_languages; i++) {
        const char *lang = l->languages[i];
        if (strcmp(lang, "en") == 0)
            continue;                    /* the message ids are English */
        if (gh_i18n_load_dir(dir, lang, why, sizeof why) != GH_I18N_OK) {
            snprintf(err, errlen, _("%s: [kiosk] languages: no usable catalogue for \"%s\" (%s)"),
                     cfg->path[0] ? cfg->path : "configuration", lang, why);
            return GH_E_CONFIG;
        }
    }
    return GH_OK;
}

const char *gh_languages_default(const struct gh_config *cfg)
{
    const struct gh_config_langs *l = gh_config_langs();
    (void)cfg;
    return l->n_languages > 0 ? l->languages[0] : "en";
}

int gh_languages_offered(const struct gh_config *cfg, const char *lang)
{
    const struct gh_config_langs *l = gh_config_langs();
    (void)cfg;
    for (int i = 0; lang && i < l->n_languages; i++)
        if (strcmp(l->languages[i], lang) == 0)
            return 1;
    return 0;
}

int gh_languages_usable(const char *lang)
{
    if (!lang || !*lang)
        return 0;
    return strcmp(lang, "en") == 0 || (gh_languages_offered(NULL, lang) && gh_i18n_has(lang));
}

const char *gh_languages_pick(const char *stored)
{
    return gh_languages_usable(stored) ? stored : gh_languages_default(NULL);
}

const char *gh_languages_list(char *buf, size_t len)
{
    const struct gh_config_langs *l = gh_config_langs();
    size_t o = 0;
    if (len == 0)
        return buf;
    buf[0] = '\0';
    if (!gh_languages_offered(NULL, "en"))
        o = (size_t)snprintf(buf, len, "en");
    for (int i = 0; i < l->n_languages && o < len; i++) {
        if (!gh_languages_usable(l->languages[i]))
            continue;
        int w = snprintf(buf + o, len - o, "%s%s", o ? ", " : "", l->languages[i]);
        o = w < 0 ? len : o + (size_t)w;
    }
    return buf;
}

int gh_languages_check(const char *lang, char *err, size_t errlen)
{
    char list[160];
    if (!lang || !*lang || gh_languages_usable(lang))
        return 0;
    snprintf(err, errlen, _("lang: \"%s\" is not a language of this kiosk (languages: %s)"),
             lang, gh_languages_list(list, sizeof list));
    return -1;
}
