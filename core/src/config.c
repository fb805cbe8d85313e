/*
 * config.c: the deployment settings from the INI file (see config.h and
 * kiosk/gatehouse.conf.example).
 *
 * inih does the tokenising; a table of the known [section] keys says where
 * each value goes and how it is checked, so the file and the struct can't
 * drift apart. Anything unknown or malformed is an error naming FILE:LINE
 * (a typo in "relay" must not quietly leave a kiosk without mail). inih does
 * not pass line numbers to the handler in Debian's build, so lines are read
 * through our own reader, which counts them and also catches lines longer
 * than inih accepts instead of letting it split them.
 *
 * No file named (path NULL or "") means built-in defaults (database
 * ./gatehouse.db, plugins from the installed folder, no mail). A file that
 * is named but can't be read is an error naming it: a typo in --config must
 * stop the program, not run it on a fresh database without lock control.
 * /dev/null (readable, empty) is how scripts say "defaults" explicitly.
 */
#include "gatehouse/config.h"
#include "gatehouse/i18n.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#ifndef GH_DEFAULT_PLUGIN_DIR
#define GH_DEFAULT_PLUGIN_DIR "/usr/lib/gatehouse/plugins"
#endif

/* V_ELSEWHERE: checked here (lo 1: an imap:// URL; hi > 0: a whole number
 * from 5 to hi; else a string), but kept by its own module, not in struct
 * gh_config, whose layout plugins see (ABI 1): [mail] imap* (imap_config.c). */
enum vtype { V_STR, V_INT, V_BOOL, V_DOUBLE, V_ENABLE, V_RELAY, V_ROTATION, V_USBIDS, V_BOOLCHECK,
             V_ELSEWHERE, V_IMPORT, V_SITE, V_LANGS, V_MAILCONN, V_SCREEN };

/* [import] columns: kept outside struct gh_config, whose layout plugins see
 * (ABI 1); the last configuration loaded in this process. */
static char import_columns[1024];

/* [site]: kept outside struct gh_config for the same reason. */
static struct gh_site_config site_config;

const struct gh_site_config *gh_config_site(void)
{
    return &site_config;
}

/* [mail] connections: kept outside struct gh_config for the same reason. */
static int mail_connections = GH_CONFIG_MAIL_CONNECTIONS;

int gh_config_mail_connections(void)
{
    return mail_connections;
}

const char *gh_config_import_columns(void)
{
    return import_columns;
}

struct key {
    const char *section, *name;
    enum vtype type;
    size_t off, size;     /* where in struct gh_config, and the buffer size */
    long lo, hi;          /* V_INT range */
};

#define STR(sec, nm, field) { sec, nm, V_STR, offsetof(struct gh_config, field), \
                              sizeof ((struct gh_config *)0)->field, 0, 0 }
#define INT(sec, nm, field, lo, hi) { sec, nm, V_INT, offsetof(struct gh_config, field), \
                                      sizeof(int), lo, hi }
#define BOOL(sec, nm, field) { sec, nm, V_BOOL, offsetof(struct gh_config, field), \
                               sizeof(int), 0, 1 }

static const struct key keys[] = {
    STR("store", "path", store_path),
    STR("plugins", "dir", plugin_dir),
    { "plugins", "enable", V_ENABLE, 0, 0, 0, 0 },
    { "mail", "relay", V_RELAY, offsetof(struct gh_config, mail_relay),
      sizeof ((struct gh_config *)0)->mail_relay, 0, 0 },
    STR("mail", "from", mail_from),
    STR("mail", "username", mail_username),
    STR("mail", "password", mail_password),
    BOOL("mail", "starttls", mail_starttls),
    STR("mail", "cafile", mail_cafile),
    INT("mail", "connect_timeout_s", mail_connect_timeout_s, 1, 600),
    INT("mail", "timeout_s", mail_timeout_s, 1, 3600),
    INT("screen", "width", width, 64, 16384),
    INT("screen", "height", height, 64, 16384),
    { "screen", "rotation", V_ROTATION, offsetof(struct gh_config, rotation), sizeof(int), 0, 0 },
    BOOL("screen", "fullscreen", fullscreen),
    { "screen", "scale", V_DOUBLE, offsetof(struct gh_config, scale), sizeof(double), 0, 0 },
    STR("screen", "font", font),
    STR("kiosk", "door", kiosk_door),
    /* [readers] (issue 13) is the lockctl plugin's, which reads it from the
     * file; checked here, so a mistake names its line, but not kept (struct
     * gh_config is part of plugin ABI 1 and can't grow). */
    { "readers", "keyboard", V_USBIDS, 0, 0, 0, 0 },
    { "readers", "pcsc", V_BOOLCHECK, 0, 0, 0, 1 },
    { "mail", "connections", V_MAILCONN, 0, sizeof(int), 1, GH_CONFIG_MAX_MAIL_CONNECTIONS },
    { "mail", "imap", V_ELSEWHERE, 0, 512, 1, 0 },
    { "mail", "imap_username", V_ELSEWHERE, 0, 256, 0, 0 },
    { "mail", "imap_password", V_ELSEWHERE, 0, 256, 0, 0 },
    { "mail", "imap_poll_s", V_ELSEWHERE, 0, 0, 0, 86400 },
    { "import", "columns", V_IMPORT, 0, sizeof import_columns, 0, 0 },
    { "site", "server", V_SITE, offsetof(struct gh_site_config, server),
      sizeof ((struct gh_site_config *)0)->server, 0, 0 },
    { "site", "kiosk", V_SITE, offsetof(struct gh_site_config, kiosk),
      sizeof ((struct gh_site_config *)0)->kiosk, 0, 0 },
    { "site", "password_file", V_SITE, offsetof(struct gh_site_config, password_file),
      sizeof ((struct gh_site_config *)0)->password_file, 0, 0 },
    { "kiosk", "languages", V_LANGS, 0, 0, 0, 0 },
    { "kiosk", "locale_dir", V_LANGS, 1, 0, 0, 0 },
    { "screen", "logo", V_SCREEN, 0, 0, 0, 0 },
    { "screen", "accent", V_SCREEN, 1, 0, 0, 0 },
};
#define N_KEYS (sizeof keys / sizeof keys[0])

static struct gh_config_langs langs;

const struct gh_config_langs *gh_config_langs(void)
{
    return &langs;
}

static struct gh_config_screen screen_extra;

const struct gh_config_screen *gh_config_screen(void)
{
    return &screen_extra;
}

static double channel(unsigned c)
{
    double v = c / 255.0;
    return v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4);
}

static double luminance(unsigned rgb)
{
    return 0.2126 * channel((rgb >> 16) & 255) + 0.7152 * channel((rgb >> 8) & 255) +
           0.0722 * channel(rgb & 255);
}

double gh_config_contrast(unsigned a, unsigned b)
{
    double la = luminance(a), lb = luminance(b);
    return la > lb ? (la + 0.05) / (lb + 0.05) : (lb + 0.05) / (la + 0.05);
}

struct parse {
    struct gh_config *cfg;
    FILE *f;
    const char *file;
    int line;                 /* the line being parsed */
    int err_line;             /* first error found by us, 0 = none */
    char err[512];
    int seen[N_KEYS];         /* line a key was set on */
    char *buf;                /* getline buffer */
    size_t bufcap;
};

static void fail_at(struct parse *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail_at(struct parse *p, const char *fmt, ...)
{
    if (p->err_line)
        return;               /* the first error is the one to report */
    p->err_line = p->line;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->err, sizeof p->err, fmt, ap);
    va_end(ap);
}

void gh_config_defaults(struct gh_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    import_columns[0] = '\0';
    memset(&site_config, 0, sizeof site_config);
    mail_connections = GH_CONFIG_MAIL_CONNECTIONS;
    snprintf(cfg->store_path, sizeof cfg->store_path, "./gatehouse.db");
    snprintf(cfg->plugin_dir, sizeof cfg->plugin_dir, "%s", GH_DEFAULT_PLUGIN_DIR);
    cfg->mail_connect_timeout_s = 10;
    cfg->mail_timeout_s = 30;
    cfg->width = 1080;
    cfg->height = 1920;
    cfg->rotation = 0;
    cfg->fullscreen = 0;
    cfg->scale = 1.0;
    memset(&screen_extra, 0, sizeof screen_extra);
    memset(&langs, 0, sizeof langs);
    snprintf(langs.languages[0], sizeof langs.languages[0], "en");
    langs.n_languages = 1;
}

static int parse_bool(const char *v, int *out)
{
    static const char *const yes[] = { "yes", "on", "true", "1" };
    static const char *const no[] = { "no", "off", "false", "0" };
    for (size_t i = 0; i < 4; i++) {
        if (!strcasecmp(v, yes[i])) { *out = 1; return 0; }
        if (!strcasecmp(v, no[i])) { *out = 0; return 0; }
    }
    return -1;
}

static int parse_long(const char *v, long *out)
{
    if (!*v)
        return -1;
    char *end = NULL;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (errno || !end || *end)
        return -1;
    *out = n;
    return 0;
}

/* "signup, approvals lockctl" -> cfg->enable[], in order. */
static void parse_enable(struct parse *p, const char *v)
{
    struct gh_config *cfg = p->cfg;
    cfg->n_enable = 0;
    cfg->enable_set = 1;
    const char *s = v;
    while (*s) {
        while (*s == ',' || isspace((unsigned char)*s))
            s++;
        if (!*s)
            break;
        const char *e = s;
        while (*e && *e != ',' && !isspace((unsigned char)*e))
            e++;
        size_t len = (size_t)(e - s);
        for (const char *c = s; c < e; c++)
            if (!isalnum((unsigned char)*c) && *c != '_' && *c != '-') {
                fail_at(p, _("enable: \"%.*s\" is not a plugin name (letters, digits, _ and - only)"),
                        (int)len, s);
                return;
            }
        if (len >= sizeof cfg->enable[0]) {
            fail_at(p, _("enable: plugin name \"%.*s...\" is too long"), 20, s);
            return;
        }
        for (int i = 0; i < cfg->n_enable; i++)
            if (strlen(cfg->enable[i]) == len && !memcmp(cfg->enable[i], s, len)) {
                fail_at(p, _("enable: plugin \"%.*s\" is listed twice"), (int)len, s);
                return;
            }
        if (cfg->n_enable >= GH_CONFIG_MAX_PLUGINS) {
            fail_at(p, _("enable: more than %d plugins"), GH_CONFIG_MAX_PLUGINS);
            return;
        }
        memcpy(cfg->enable[cfg->n_enable], s, len);
        cfg->enable[cfg->n_enable][len] = '\0';
        cfg->n_enable++;
        s = e;
    }
}

/* "08ff:0009, ffff:0035": USB vendor:product pairs of 4 hex digits each,
 * separated by commas or spaces. 1, or 0 after saying which entry is wrong. */
static int usb_ids_ok(struct parse *p, const char *name, const char *v)
{
    const char *s = v;
    while (*s) {
        size_t n = strcspn(s, ", \t");
        int ok = n == 9 && s[4] == ':';
        for (size_t i = 0; ok && i < 9; i++)
            ok = i == 4 || isxdigit((unsigned char)s[i]);
        if (n && !ok) {
            fail_at(p, _("%s: \"%.*s\" is not a USB vendor:product (4 hex digits each, "
                         "as 08ff:0009)"), name, (int)(n > 40 ? 40 : n), s);
            return 0;
        }
        s += n;
        s += strspn(s, ", \t");
    }
    return 1;
}

/* "en, es fr" -> cfg->languages[], in order: codes like es or pt_BR
 * (whether a catalogue exists is checked when they are loaded). */
static void parse_langs(struct parse *p, const char *v)
{
    struct gh_config_langs *cfg = &langs;
    int n = 0;
    for (const char *s = v; *s;) {
        s += strspn(s, ", \t");
        size_t len = strcspn(s, ", \t");
        if (!len)
            break;
        int ok = len >= 2 && len < sizeof cfg->languages[0];
        for (size_t i = 0; ok && i < len; i++)
            ok = isalpha((unsigned char)s[i]) || s[i] == '_';
        if (!ok) {
            fail_at(p, _("languages: \"%.*s\" is not a language code (like en, es or pt_BR)"),
                    (int)(len > 20 ? 20 : len), s);
            return;
        }
        for (int i = 0; i < n; i++)
            if (strlen(cfg->languages[i]) == len && !memcmp(cfg->languages[i], s, len)) {
                fail_at(p, _("languages: \"%.*s\" is listed twice"), (int)len, s);
                return;
            }
        if (n == GH_CONFIG_MAX_LANGS) {
            fail_at(p, _("languages: more than %d languages"), GH_CONFIG_MAX_LANGS);
            return;
        }
        snprintf(cfg->languages[n++], sizeof cfg->languages[0], "%.*s", (int)len, s);
        s += len;
    }
    if (!n)
        fail_at(p, "%s", _("languages: name at least one language (the first is the default)"));
    else
        cfg->n_languages = n;
}

/* The key `name` of [section], or NULL after saying what is wrong with it
 * (outside a section, unknown section or key, set twice). */
static const struct key *find_key(struct parse *p, const char *section, const char *name)
{
    const struct key *k = NULL;
    int known_section = 0;
    for (size_t i = 0; i < N_KEYS; i++) {
        if (strcmp(keys[i].section, section) != 0)
            continue;
        known_section = 1;
        if (strcmp(keys[i].name, name) == 0) {
            k = &keys[i];
            break;
        }
    }
    if (!*section) {
        fail_at(p, _("\"%s\" is outside any [section]: put it below its [section] "
                     "header (e.g. [store] for path)"), name);
        return NULL;
    }
    if (!known_section) {
        fail_at(p, _("unknown section [%s] (known: store, plugins, mail, screen, kiosk, readers, "
                     "import, site)"), section);
        return NULL;
    }
    if (!k) {
        fail_at(p, _("unknown key \"%s\" in [%s]"), name, section);
        return NULL;
    }
    size_t idx = (size_t)(k - keys);
    if (p->seen[idx]) {
        fail_at(p, _("%s: set twice (first on line %d)"), name, p->seen[idx]);
        return NULL;
    }
    p->seen[idx] = p->line;
    return k;
}

/* A [mail] imap* value: the same checks as if it were stored here. */
static int check_elsewhere(struct parse *p, const struct key *k, const char *name,
                           const char *value)
{
    long n;
    if (k->hi > 0 && (parse_long(value, &n) != 0 || n < 5 || n > k->hi)) {
        fail_at(p, _("%s: must be a whole number from %ld to %ld"), name, 5L, k->hi);
        return 0;
    }
    if (k->lo && *value && strncasecmp(value, "imap://", 7) != 0 &&
        strncasecmp(value, "imaps://", 8) != 0) {
        fail_at(p, "%s", _("imap: must start with imap:// or imaps://"));
        return 0;
    }
    if (strlen(value) >= (k->size ? k->size : 32)) {
        fail_at(p, _("%s: longer than %zu characters"), name, (k->size ? k->size : 32) - 1);
        return 0;
    }
    for (const char *c = value; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f) {
            fail_at(p, _("%s: contains a control character"), name);
            return 0;
        }
    return 1;
}

/* Where key k's string is kept: in the configuration, or outside it. */
static char *key_field(struct parse *p, const struct key *k)
{
    if (k->type == V_IMPORT)
        return import_columns;
    if (k->type == V_MAILCONN)
        return (char *)&mail_connections;
    return k->type == V_SITE ? (char *)&site_config + k->off : (char *)p->cfg + k->off;
}

/* A string key: no longer than its field, no control characters. */
static int store_string(struct parse *p, const struct key *k, const char *name,
                        const char *value, char *field)
{
    if (strlen(value) >= k->size) {
        fail_at(p, _("%s: longer than %zu characters"), name, k->size - 1);
        return 0;
    }
    for (const char *c = value; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f) {
            fail_at(p, _("%s: contains a control character"), name);
            return 0;
        }
    memcpy(field, value, strlen(value) + 1);
    return 1;
}

/* [kiosk] languages (a list) and locale_dir (k->off 1, a folder). */
static int store_langs(struct parse *p, const struct key *k, const char *name,
                       const char *value)
{
    if (k->off == 1) {
        if (strlen(value) >= sizeof langs.locale_dir) {
            fail_at(p, _("%s: longer than %zu characters"), name, sizeof langs.locale_dir - 1);
            return 0;
        }
        snprintf(langs.locale_dir, sizeof langs.locale_dir, "%s", value);
        return 1;
    }
    parse_langs(p, value);
    return p->err_line == 0;
}

/* [screen] accent = #RRGGBB: the buttons' colour, refused unless a button
 * stands out from the background (3:1) and its white label from it (4.5:1),
 * the contrast rules every screen is tested against. */
static int store_accent(struct parse *p, const char *name, const char *value)
{
    unsigned rgb = 0;
    int ok = value[0] == '#' && strlen(value) == 7;
    for (int i = 1; ok && i < 7; i++)
        ok = isxdigit((unsigned char)value[i]);
    if (!ok) {
        fail_at(p, _("%s: \"%.20s\" is not a colour written #RRGGBB (like #1C5CBA)"), name,
                value);
        return 0;
    }
    rgb = (unsigned)strtoul(value + 1, NULL, 16);
    double bg = gh_config_contrast(rgb, GH_THEME_BG);
    double text = gh_config_contrast(rgb, GH_THEME_BUTTON_TEXT);
    if (bg < 3.0) {
        fail_at(p, _("%s: %s against the background #%06X is %.2f:1; a button needs at "
                     "least 3:1 (choose a darker colour)"), name, value, GH_THEME_BG, bg);
        return 0;
    }
    if (text < 4.5) {
        fail_at(p, _("%s: white button text on %s is %.2f:1; it needs at least 4.5:1 "
                     "(choose a darker colour)"), name, value, text);
        return 0;
    }
    screen_extra.accent_set = 1;
    screen_extra.accent[0] = (unsigned char)(rgb >> 16);
    screen_extra.accent[1] = (unsigned char)(rgb >> 8);
    screen_extra.accent[2] = (unsigned char)rgb;
    return 1;
}

/* [screen] logo (k->off 0: a file, checked when the kiosk opens it) and
 * accent (k->off 1). */
static int store_screen(struct parse *p, const struct key *k, const char *name,
                        const char *value)
{
    if (k->off == 1)
        return store_accent(p, name, value);
    struct key as_str = { "screen", "logo", V_STR, 0, sizeof screen_extra.logo, 0, 0 };
    return store_string(p, &as_str, name, value, screen_extra.logo);
}

/* Stores one value of the key k into the configuration, checked against
 * its type. 1 on success; 0 after fail_at. */
static int store_value(struct parse *p, const struct key *k, const char *name,
                       const char *value)
{
    char *field = key_field(p, k);
    switch (k->type) {
    case V_USBIDS:                      /* checked, not kept */
        return usb_ids_ok(p, name, value);
    case V_BOOLCHECK: {
        int on;
        if (parse_bool(value, &on) != 0) {
            fail_at(p, _("%s: must be yes or no"), name);
            return 0;
        }
        return 1;
    }
    case V_RELAY:
        if (*value && strncasecmp(value, "smtp://", 7) != 0 &&
            strncasecmp(value, "smtps://", 8) != 0) {
            fail_at(p, "%s", _("relay: must start with smtp:// or smtps://"));
            return 0;
        }
        __attribute__((fallthrough));   /* stored as a string */
    case V_IMPORT:
    case V_SITE:
    case V_STR:
        return store_string(p, k, name, value, field);
    case V_MAILCONN:
    case V_INT: {
        long n;
        if (parse_long(value, &n) != 0 || n < k->lo || n > k->hi) {
            fail_at(p, _("%s: must be a whole number from %ld to %ld"), name, k->lo, k->hi);
            return 0;
        }
        *(int *)field = (int)n;
        return 1;
    }
    case V_BOOL:
        if (parse_bool(value, (int *)field) != 0) {
            fail_at(p, _("%s: must be yes or no"), name);
            return 0;
        }
        return 1;
    case V_ROTATION: {
        long n;
        if (parse_long(value, &n) != 0 || (n != 0 && n != 90 && n != 180 && n != 270)) {
            fail_at(p, "%s", _("rotation: must be 0, 90, 180 or 270"));
            return 0;
        }
        *(int *)field = (int)n;
        return 1;
    }
    case V_DOUBLE: {
        char *end = NULL;
        errno = 0;
        double d = strtod(value, &end);
        if (!*value || errno || !end || *end || !(d >= 0.25 && d <= 8.0)) {
            fail_at(p, _("%s: must be a number from 0.25 to 8"), name);
            return 0;
        }
        *(double *)field = d;
        return 1;
    }
    case V_LANGS:
        return store_langs(p, k, name, value);
    case V_SCREEN:
        return store_screen(p, k, name, value);
    case V_ENABLE:
        parse_enable(p, value);
        return p->err_line == 0;
    case V_ELSEWHERE:
        return check_elsewhere(p, k, name, value);
    }
    return 0;
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
    struct parse *p = user;
    const struct key *k = find_key(p, section, name);
    return k ? store_value(p, k, name, value) : 0;
}

/* inih reads "[store] path = x" as the header [store] and drops the rest of
 * the line without a word; the key is lost. Anything but a comment after a
 * section's "]" is an error here instead. */
static void check_header(struct parse *p, const char *line)
{
    while (isspace((unsigned char)*line))
        line++;
    if (*line != '[')
        return;
    const char *end = strchr(line, ']');
    if (!end)
        return;                       /* inih reports the unclosed header */
    for (end++; isspace((unsigned char)*end); end++)
        ;
    if (*end && *end != ';' && *end != '#')
        fail_at(p, _("\"%.*s\" after a [section] header: a key must be on its own line "
                     "below the header"), (int)strcspn(end, "\r\n"), end);
}

/* fgets-style reader for inih that counts lines and refuses ones too long
 * for it (inih would otherwise parse the rest of the line as a new one). */
static char *reader(char *str, int num, void *stream)
{
    struct parse *p = stream;
    ssize_t n = getline(&p->buf, &p->bufcap, p->f);
    if (n < 0)
        return NULL;
    p->line++;
    if (n >= num) {
        fail_at(p, _("line longer than %d characters"), num - 2);
        snprintf(str, (size_t)num, "\n");   /* parsed as blank */
        return str;
    }
    check_header(p, p->buf);
    memcpy(str, p->buf, (size_t)n + 1);
    return str;
}

enum gh_status gh_config_load(const char *path, struct gh_config *cfg, char *err,
                              size_t errlen)
{
    gh_config_defaults(cfg);
    if (err && errlen)
        err[0] = '\0';
    if (!path || !*path)
        return GH_OK;
    FILE *f = fopen(path, "r");
    if (!f) {
        if (err)
            snprintf(err, errlen, _("configuration file %s can't be read: %s"), path,
                     strerror(errno));
        return GH_E_CONFIG;
    }
    struct parse p;
    memset(&p, 0, sizeof p);
    p.cfg = cfg;
    p.f = f;
    p.file = path;
    int rc = ini_parse_stream(reader, &p, handler, &p);
    free(p.buf);
    int rerr = ferror(f);
    fclose(f);

    if (rc == 0 && p.err_line == 0 && !rerr) {
        snprintf(cfg->path, sizeof cfg->path, "%s", path);
        return GH_OK;
    }
    if (rerr) {
        if (err)
            snprintf(err, errlen, _("%s: read error"), path);
    } else if (rc > 0 && (p.err_line == 0 || rc < p.err_line)) {
        /* inih found a line it could not parse before any of our errors. */
        if (err)
            snprintf(err, errlen, _("%s:%d: not a [section] or a key = value line"), path, rc);
    } else if (p.err_line) {
        if (err)
            snprintf(err, errlen, "%s:%d: %s", path, p.err_line, p.err);
    } else {
        if (err)
            snprintf(err, errlen, _("%s: could not be parsed"), path);
    }
    gh_config_defaults(cfg);   /* no half-read config escapes */
    return GH_E_CONFIG;
}
