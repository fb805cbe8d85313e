/*
 * imap_config.c: the [mail] imap keys (imap.h), read from the configuration
 * file that cfg was loaded from.
 *
 * Why not struct gh_config: plugins see that struct (host->config, ABI 1),
 * so its size and layout can't change within ABI 1. config.c knows these
 * keys and checks them (naming the line) when it loads the file, but keeps
 * them out of the struct; this file reads them again when the mailbox is
 * used (the kiosk's mail thread at its first poll, gatehousectl inbox
 * fetch). The password stays in this module and libcurl.
 */
#include "gatehouse/config.h"
#include "gatehouse/i18n.h"
#include "gatehouse/imap.h"

#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int take(void *user, const char *section, const char *name, const char *value)
{
    struct gh_imap_config *ic = user;
    if (strcmp(section, "mail") != 0)
        return 1;
    if (!strcmp(name, "imap"))
        snprintf(ic->url, sizeof ic->url, "%s", value);
    else if (!strcmp(name, "imap_username"))
        snprintf(ic->username, sizeof ic->username, "%s", value);
    else if (!strcmp(name, "imap_password"))
        snprintf(ic->password, sizeof ic->password, "%s", value);
    else if (!strcmp(name, "imap_poll_s"))
        ic->poll_s = atoi(value);
    return 1;
}

enum gh_status gh_imap_config_read(const struct gh_config *cfg, struct gh_imap_config *out,
                                   char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    out->poll_s = 60;
    if (!cfg->path[0] || !strcmp(cfg->path, "/dev/null"))
        return GH_OK;                 /* the built-in defaults: no mailbox */
    int rc = ini_parse(cfg->path, take, out);
    if (rc != 0) {
        snprintf(err, errlen, _("%s: could not be read again for [mail] imap"), cfg->path);
        return GH_E_CONFIG;
    }
    if (out->poll_s < 5)
        out->poll_s = 60;
    return GH_OK;
}
