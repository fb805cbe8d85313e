/*
 * i18n.c: the translation hook behind _() (see i18n.h).
 *
 * Catalogues are GNU .mo files (built from po/LANG.po by msgfmt), read
 * whole into memory at start and never changed afterwards, so every thread
 * may look strings up without a lock. Which language _() answers in is a
 * per-thread choice: the screen's thread follows the person at the kiosk,
 * the mail thread switches to each recipient's language while it composes.
 * A string missing from a catalogue (or no catalogue at all) falls back to
 * the English message id, so a half-translated language never shows blanks.
 *
 * We read .mo ourselves rather than through glibc's gettext because gettext
 * chooses the language through the process's locale and environment, which
 * can't differ between threads and needs a cache flush to change.
 */
#include "gatehouse/i18n.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MO_MAGIC 0x950412deu
#define MO_MAGIC_SWAPPED 0xde120495u
#define MAX_LANGS 8

struct catalogue {
    char lang[GH_I18N_LANG_MAX];
    char name[64]; /* the language in its own words, from the .po header */
    unsigned char *data;
    size_t size;
    uint32_t count, orig_at, trans_at;
    int swapped;
};

static struct catalogue langs[MAX_LANGS];
static int n_langs;
static _Thread_local const struct catalogue *current;

static uint32_t word(const struct catalogue *c, size_t at)
{
    uint32_t v;
    memcpy(&v, c->data + at, 4);
    if (c->swapped)
        v = __builtin_bswap32(v);
    return v;
}

/* The string of table entry i (orig or trans table), or NULL if the file
 * points outside itself or the string isn't NUL-terminated. */
static const char *entry(const struct catalogue *c, uint32_t table, uint32_t i)
{
    size_t at = (size_t)table + (size_t)i * 8;
    if (at + 8 > c->size)
        return NULL;
    uint32_t len = word(c, at), off = word(c, at + 4);
    if ((size_t)off + len >= c->size || c->data[(size_t)off + len] != '\0')
        return NULL;
    return (const char *)c->data + off;
}

static int lang_ok(const char *lang)
{
    size_t n = strlen(lang);
    if (n < 2 || n >= GH_I18N_LANG_MAX)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char ch = lang[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_' || ch == '-'))
            return 0;
    }
    return 1;
}

static int read_all(const char *path, unsigned char **data, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    unsigned char *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len == cap) {
            cap = cap ? cap * 2 : 65536;
            unsigned char *nb = realloc(buf, cap + 1);
            if (!nb || cap > (64u << 20)) {
                free(nb ? nb : buf);
                fclose(f);
                return -1;
            }
            buf = nb;
        }
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0)
            break;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        return -1;
    }
    *data = buf;
    *size = len;
    return 0;
}

/* Checks the header and every entry, so lookups never need to. */
static int parse(struct catalogue *c, char *err, size_t errlen, const char *path)
{
    if (c->size < 28) {
        snprintf(err, errlen, "%s is too short to be a translation catalogue", path);
        return -1;
    }
    uint32_t magic;
    memcpy(&magic, c->data, 4);
    if (magic != MO_MAGIC && magic != MO_MAGIC_SWAPPED) {
        snprintf(err, errlen, "%s is not a .mo translation catalogue", path);
        return -1;
    }
    c->swapped = magic == MO_MAGIC_SWAPPED;
    c->count = word(c, 8);
    c->orig_at = word(c, 12);
    c->trans_at = word(c, 16);
    for (uint32_t i = 0; i < c->count; i++) {
        const char *o = entry(c, c->orig_at, i), *t = entry(c, c->trans_at, i);
        const char *prev = i ? entry(c, c->orig_at, i - 1) : NULL;
        if (!o || !t || (prev && strcmp(prev, o) >= 0)) {
            snprintf(err, errlen, "%s is damaged or cut short (entry %u)", path, i);
            return -1;
        }
    }
    return 0;
}

/* The header (the translation of "") may carry
 * "X-Gatehouse-Language-Name: Español"; without it the code stands in. */
static void own_name(struct catalogue *c)
{
    static const char key[] = "X-Gatehouse-Language-Name:";
    snprintf(c->name, sizeof c->name, "%s", c->lang);
    if (c->count == 0 || *entry(c, c->orig_at, 0) != '\0')
        return;
    const char *h = strstr(entry(c, c->trans_at, 0), key);
    if (!h)
        return;
    h += sizeof key - 1;
    while (*h == ' ')
        h++;
    size_t n = strcspn(h, "\n");
    if (n > 0 && n < sizeof c->name)
        snprintf(c->name, sizeof c->name, "%.*s", (int)n, h);
}

enum gh_i18n_result gh_i18n_load(const char *lang, const char *path, char *err, size_t errlen)
{
    if (!lang_ok(lang)) {
        snprintf(err, errlen, "\"%s\" is not a language code (like es or pt_BR)", lang);
        return GH_I18N_BAD;
    }
    if (gh_i18n_has(lang))
        return GH_I18N_OK;
    if (n_langs == MAX_LANGS) {
        snprintf(err, errlen, "at most %d languages can be loaded", MAX_LANGS);
        return GH_I18N_BAD;
    }
    struct catalogue c = { 0 };
    if (read_all(path, &c.data, &c.size) != 0) {
        snprintf(err, errlen, "can't read %s: %s", path, strerror(errno ? errno : EIO));
        return GH_I18N_MISSING;
    }
    if (parse(&c, err, errlen, path) != 0) {
        free(c.data);
        return GH_I18N_BAD;
    }
    snprintf(c.lang, sizeof c.lang, "%s", lang);
    own_name(&c);
    langs[n_langs++] = c;
    return GH_I18N_OK;
}

enum gh_i18n_result gh_i18n_load_dir(const char *localedir, const char *lang, char *err,
                                     size_t errlen)
{
    char path[4096];
    if (!lang_ok(lang)) {
        snprintf(err, errlen, "\"%s\" is not a language code (like es or pt_BR)", lang);
        return GH_I18N_BAD;
    }
    snprintf(path, sizeof path, "%s/%s/LC_MESSAGES/gatehouse.mo", localedir, lang);
    return gh_i18n_load(lang, path, err, errlen);
}

static const struct catalogue *find(const char *lang)
{
    for (int i = 0; lang && i < n_langs; i++)
        if (strcmp(langs[i].lang, lang) == 0)
            return &langs[i];
    return NULL;
}

int gh_i18n_has(const char *lang)
{
    return find(lang) != NULL;
}

int gh_i18n_use(const char *lang)
{
    if (!lang || !*lang || strcmp(lang, "en") == 0) {
        current = NULL;
        return 0;
    }
    const struct catalogue *c = find(lang);
    if (!c)
        return -1;
    current = c;
    return 0;
}

void gh_i18n_push(const char *lang, struct gh_i18n_prev *prev)
{
    prev->cat = current;
    gh_i18n_use(lang);
}

void gh_i18n_pop(const struct gh_i18n_prev *prev)
{
    current = prev->cat;
}

const char *gh_i18n_name(const char *lang)
{
    const struct catalogue *c = find(lang);
    if (c)
        return c->name;
    return (!lang || strcmp(lang, "en") == 0) ? "English" : lang;
}

const char *gh_i18n_current(void)
{
    return current ? current->lang : "en";
}

static const char *lookup(const struct catalogue *c, const char *msgid)
{
    uint32_t lo = 0, hi = c->count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        int cmp = strcmp(msgid, entry(c, c->orig_at, mid));
        if (cmp == 0) {
            const char *t = entry(c, c->trans_at, mid);
            return *t ? t : msgid;
        }
        if (cmp < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return msgid;
}

const char *gh_i18n_lookup(const char *msgid)
{
    if (!current || !msgid || !*msgid)
        return msgid;
    return lookup(current, msgid);
}

const char *gh_i18n_lookup_in(const char *lang, const char *msgid)
{
    const struct catalogue *c = find(lang);
    if (!c || !msgid || !*msgid)
        return msgid;
    return lookup(c, msgid);
}

int gh_i18n_translated(const char *lang, const char *msgid)
{
    const struct catalogue *c = find(lang);
    return c && msgid && *msgid && lookup(c, msgid) != msgid;
}

void gh_i18n_unload_all(void)
{
    for (int i = 0; i < n_langs; i++)
        free(langs[i].data);
    memset(langs, 0, sizeof langs);
    n_langs = 0;
    current = NULL;
}
