/*
 * config.h: the deployment settings from the INI file (SPEC "Settings": the
 * database path, plugins, mail relay, screen). Product settings live in the
 * database (store.h). No file named gives built-in defaults; a named file
 * that can't be read, or a malformed one, is an error naming the file (and
 * the line).
 */
#ifndef GATEHOUSE_CONFIG_H
#define GATEHOUSE_CONFIG_H
#include <stddef.h>
#include "gatehouse/status.h"

#define GH_CONFIG_MAX_PLUGINS 32
#define GH_CONFIG_MAX_LANGS 8

struct gh_config {
    char path[512];              /* the file read, "" when defaults */
    /* [store] */
    char store_path[512];        /* default ./gatehouse.db */
    /* [plugins] */
    char plugin_dir[512];        /* default GH_DEFAULT_PLUGIN_DIR */
    char enable[GH_CONFIG_MAX_PLUGINS][64];  /* in load order */
    int n_enable;
    int enable_set;              /* 0: load every plugin found in dir */
    /* [mail] */
    char mail_relay[512];        /* smtp://host:port or smtps://...; "" = no mail */
    char mail_from[256];         /* address */
    char mail_username[256];
    char mail_password[256];
    int mail_starttls;           /* 1: require STARTTLS */
    char mail_cafile[512];       /* "" = system CAs */
    int mail_connect_timeout_s;  /* default 10 */
    int mail_timeout_s;          /* default 30, whole transfer */
    /* [screen] */
    int width, height;           /* default 1080 x 1920 */
    int rotation;                /* 0, 90, 180, 270 */
    int fullscreen;              /* default 0 */
    double scale;                /* default 1.0 */
    char font[512];              /* "" = find DejaVuSans.ttf */
    /* [kiosk] */
    char kiosk_door[128];        /* door = NAME: a door kiosk at that location; "" = lobby */
};

/* [site] (site.h) of the configuration last loaded: "" server = a single
 * kiosk. Outside struct gh_config, whose layout is part of the plugin ABI. */
struct gh_site_config {
    char server[1024];           /* postgresql://USER@HOST/DB?sslmode=... (libpq URI) */
    char kiosk[64];              /* this kiosk's name, unique per site */
    char password_file[512];     /* a .pgpass file; "" = libpq's default (~/.pgpass) */
};
const struct gh_site_config *gh_config_site(void);
/* [mail] connections = N (1-4, default 2): how many connections to the relay
 * a batch of mail is sent over at once (mail_batch.h). Outside struct
 * gh_config, whose layout is part of the plugin ABI. */
#define GH_CONFIG_MAIL_CONNECTIONS 2
#define GH_CONFIG_MAX_MAIL_CONNECTIONS 4
int gh_config_mail_connections(void);
/* [kiosk] languages and locale_dir. Kept outside struct gh_config, whose
 * layout plugins see (ABI 1): the last gh_config_load / gh_config_defaults
 * sets them, gh_config_langs() reads them. */
struct gh_config_langs {
    /* languages = en, es, fr: the first is the kiosk's default; default "en" */
    char languages[GH_CONFIG_MAX_LANGS][16];
    int n_languages;
    char locale_dir[512];        /* "" = found (languages.h) */
};
const struct gh_config_langs *gh_config_langs(void);

/* [screen] logo and accent (issue 19). Kept outside struct gh_config, whose
 * layout plugins see (ABI 1): the last gh_config_load / gh_config_defaults
 * sets them. */
struct gh_config_screen {
    char logo[512];              /* a PNG shown on the home screen; "" = none */
    int accent_set;              /* accent = #RRGGBB given */
    unsigned char accent[3];     /* R, G, B of the buttons' colour */
};
const struct gh_config_screen *gh_config_screen(void);
/* The background and button text the accent is checked against (the
 * kiosk's theme, core/src/ui/ui.c), and the ratios it must reach. */
#define GH_THEME_BG 0xF4F5F7u
#define GH_THEME_BUTTON_TEXT 0xFFFFFFu
/* WCAG 2.2 contrast ratio of two 0xRRGGBB colours (1 to 21). */
double gh_config_contrast(unsigned rgb_a, unsigned rgb_b);

void gh_config_defaults(struct gh_config *cfg);
/* [import] columns ("email=Email Address, unit=Unit, ..."; "" = built-in) of
 * the configuration last loaded; outside struct gh_config, whose layout is
 * part of the plugin ABI. */
const char *gh_config_import_columns(void);
/* path NULL or "": defaults (GH_OK). A file that can't be read (missing
 * included): GH_E_CONFIG, err names it. A bad line: GH_E_CONFIG,
 * err = "FILE:LINE: what is wrong". */
enum gh_status gh_config_load(const char *path, struct gh_config *cfg,
                              char *err, size_t errlen);

#endif
