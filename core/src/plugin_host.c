/*
 * plugin_host.c: the program's side of plugins (see plugin_host.h, and
 * docs/plugins.md for the plugin writer's side): the host's life.
 *
 * The host is three files, calling one way (plugin_internal.h):
 * plugin_load.c admits a plugin (file checks, dlopen, the descriptor, init,
 * the verdict), plugin_registry.c keeps what it registers (and removes it
 * again when init fails), and this file makes, shuts down and frees the
 * whole.
 *
 * Plugins are never dlclose()d: the kiosk keeps their function pointers and
 * strings (screens on the stack, tiles on the home screen), a failed init may
 * have started something that still points into the object, and glibc runs
 * a library's destructors at unload, which a half-initialised plugin may not
 * survive. A refused plugin therefore costs its mapping until exit, which is
 * the price OBS pays too.
 */
#include "plugin_internal.h"

#include <stdlib.h>
#include <string.h>

/* ---- public ------------------------------------------------------------- */

/* Plugins see the configuration without the mail credentials: a copy with
 * them wiped (host->config, for ABI 1.1 plugins) and the view of it. */
static void make_plugin_config(struct gh_plugin_host *h, const struct gh_config *cfg)
{
    struct gh_config *c = &h->plugin_cfg;
    *c = *cfg;
    memset(c->mail_username, 0, sizeof c->mail_username);
    memset(c->mail_password, 0, sizeof c->mail_password);
    h->view = (struct gh_config_view){
        .size = sizeof h->view, .path = c->path, .store_path = c->store_path,
        .plugin_dir = c->plugin_dir, .kiosk_door = c->kiosk_door,
        .mail_from = c->mail_from, .mail_enabled = c->mail_relay[0] != '\0',
        .width = c->width, .height = c->height, .rotation = c->rotation,
        .fullscreen = c->fullscreen, .scale = c->scale };
}

struct gh_plugin_host *gh_plugin_host_new(struct gh_store *st, const struct gh_config *cfg,
                                          const struct gh_ui_api *ui, int is_kiosk)
{
    struct gh_plugin_host *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    h->st = st;
    h->cfg = cfg;
    if (cfg)
        make_plugin_config(h, cfg);
    h->ui = ui;
    h->is_kiosk = is_kiosk;
    return h;
}

void gh_plugin_host_shutdown(struct gh_plugin_host *h)
{
    if (!h || h->shut)
        return;
    h->shut = 1;
    for (int i = h->ctxs.n - 1; i >= 0; i--) {
        struct gh_plugin_ctx *c = h->ctxs.v[i];
        if (c->phase != PH_LIVE)
            continue;
        c->phase = PH_DOWN;
        if (c->desc.shutdown)
            c->desc.shutdown(c->state);
    }
}

void gh_plugin_host_free(struct gh_plugin_host *h)
{
    if (!h)
        return;
    gh_plugin_host_shutdown(h);
    gh_plugin_registry_free(h);
    for (int i = 0; i < h->ctxs.n; i++)
        free(h->ctxs.v[i]);
    for (int i = 0; i < h->infos.n; i++)
        free(h->infos.v[i]);
    gh_plugin_vec_free(&h->ctxs);
    gh_plugin_vec_free(&h->infos);
    free(h);
}

const struct gh_host *gh_plugin_host_table(const struct gh_plugin_host *h, const char *plugin)
{
    const struct gh_plugin_ctx *c = h && plugin ? gh_plugin_find_ctx(h, plugin) : NULL;
    return c ? &c->host : NULL;
}

void gh_plugin_host_scan_only(struct gh_plugin_host *h)
{
    if (h)
        h->scan_only = 1;
}

int gh_plugin_host_undeclared(const struct gh_plugin_host *h)
{
    int n = 0;
    for (int i = 0; h && i < h->ctxs.n; i++) {
        const struct gh_plugin_ctx *c = h->ctxs.v[i];
        n += c->phase == PH_SCANNED && !c->desc.commands;
    }
    return n;
}
