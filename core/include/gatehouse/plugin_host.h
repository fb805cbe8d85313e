/*
 * plugin_host.h: the program's side of plugins (gatehouse and gatehousectl;
 * plugins themselves see only plugin.h).
 *
 * The host loads the configured plugins (opened with O_NOFOLLOW, the open
 * file and every folder above it checked for who could change them, then
 * that same descriptor dlopen()ed RTLD_NOW|RTLD_LOCAL through
 * /proc/self/fd, in the configured order), checks each descriptor, gives it the host table and
 * keeps what it registers: screens, tiles, commands, hooks and pollers. A
 * refused plugin leaves one operational log line and one activity-log entry
 * naming it and why, and nothing it registered. Built-in parts of the
 * programs (the kiosk's home and staff screens) register through the same
 * registry with gh_plugin_host_add_static, so there is one way in.
 */
#ifndef GATEHOUSE_PLUGIN_HOST_H
#define GATEHOUSE_PLUGIN_HOST_H
#include <stddef.h>
#include <stdint.h>
#include "gatehouse/plugin.h"

struct gh_plugin_host;

struct gh_reg_screen { const struct gh_screen *screen; void *state; const char *plugin; };
struct gh_reg_tile { const struct gh_tile *tile; void *state; const char *plugin; };
struct gh_reg_command { const struct gh_command *cmd; void *state; const char *plugin; };

enum gh_plugin_load_state { GH_PLUGIN_LOADED = 0, GH_PLUGIN_REFUSED = 1 };
struct gh_plugin_info {
    char name[64];
    char path[512];
    enum gh_plugin_load_state state;
    char reason[256];            /* why refused */
};

/* ui: the toolkit table in the kiosk, NULL in gatehousectl. */
struct gh_plugin_host *gh_plugin_host_new(struct gh_store *st, const struct gh_config *cfg,
                                          const struct gh_ui_api *ui, int is_kiosk);
/* Loads cfg's enabled plugins from cfg->plugin_dir (all *.so there, sorted,
 * when no list is set). Returns how many loaded; refusals are logged and
 * listed by gh_plugin_host_info. */
int gh_plugin_host_load_all(struct gh_plugin_host *h);
enum gh_status gh_plugin_host_load_file(struct gh_plugin_host *h, const char *path,
                                        char *err, size_t errlen);
enum gh_status gh_plugin_host_add_static(struct gh_plugin_host *h,
                                         const struct gh_plugin *desc,
                                         char *err, size_t errlen);
/* Calls every plugin's shutdown, last loaded first. Safe to call twice. */
void gh_plugin_host_shutdown(struct gh_plugin_host *h);
void gh_plugin_host_free(struct gh_plugin_host *h);

int gh_plugin_host_info_count(const struct gh_plugin_host *h);
const struct gh_plugin_info *gh_plugin_host_info(const struct gh_plugin_host *h, int i);

const struct gh_reg_screen *gh_plugin_host_screen(const struct gh_plugin_host *h,
                                                  const char *id);
/* Tiles of one area, sorted by order then load order. */
int gh_plugin_host_tile_count(const struct gh_plugin_host *h, enum gh_tile_area area);
const struct gh_reg_tile *gh_plugin_host_tile(const struct gh_plugin_host *h,
                                              enum gh_tile_area area, int i);
int gh_plugin_host_command_count(const struct gh_plugin_host *h);
const struct gh_reg_command *gh_plugin_host_command(const struct gh_plugin_host *h, int i);
/* Finds the longest command whose words match argv's first words; *consumed
 * = how many. NULL if none. */
const struct gh_reg_command *gh_plugin_host_match(const struct gh_plugin_host *h,
                                                  int argc, char **argv, int *consumed);
/* The one word matcher (the host's and gatehousectl's built-in commands):
 * how many of name's words ("relay list", split at spaces and tabs) equal
 * argv's words, counting from the first until one differs; *nwords (if not
 * NULL) = how many words name has. name matches argv when the result equals
 * *nwords. */
int gh_plugin_words_match(const char *name, int argc, char *const *argv, int *nwords);
/* Passes an event to every hook registered for its kind. */
void gh_plugin_host_emit(struct gh_plugin_host *h, const struct gh_event *ev);
/* Runs every poller; returns the smallest "call me again in" ms, or -1. */
int gh_plugin_host_poll(struct gh_plugin_host *h, int64_t mono_now_ms);
/* The host table given to plugins (the core table inside is static). */
const struct gh_core_api *gh_core_api_table(void);

/* Appended by the plugin host: makes h the store's event listener
 * (gh_store_set_listener), so core events reach the plugins' hooks. The kiosk
 * decides whether to call it (the store has one listener). */
void gh_plugin_host_listen(struct gh_plugin_host *h);
/* The host table given to the named loaded plugin (for gh_cmd_ctx.host), or
 * NULL. */
const struct gh_host *gh_plugin_host_table(const struct gh_plugin_host *h,
                                           const char *plugin);

/* Appended (issue 11): from now on h checks and maps plugins (the file and
 * folder checks, dlopen, the descriptor) but runs no init. What each plugin
 * declares in its descriptor's `commands` is listed by
 * gh_plugin_host_command_count / _command / _match (their run is never to
 * be called: there is no state). Refusals are recorded
 * (gh_plugin_host_info) and logged at debug level only: the caller reports
 * them when it does not go on to load the plugins for real. */
void gh_plugin_host_scan_only(struct gh_plugin_host *h);
/* Plugins a scan admitted that do not declare their commands (ABI 1.0, or
 * `commands` NULL): their commands are known only after their init. */
int gh_plugin_host_undeclared(const struct gh_plugin_host *h);

/* Appended by the plugin host: fn(ud) is called when an event makes a
 * poller that returned -1 ("only on events") due again, so a loop that
 * sleeps until the next poll knows to call gh_plugin_host_poll now. */
void gh_plugin_host_on_due(struct gh_plugin_host *h, void (*fn)(void *ud), void *ud);

#endif
