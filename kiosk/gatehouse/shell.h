/*
 * shell.h: the kiosk's built-in screens (home, staff log-in, staff menu),
 * registered through the plugin registry as the static plugin "kiosk", so
 * they are found, listed and pushed exactly like plugin screens.
 *
 * Stable screen ids: "home", "staff.login", "staff.pin", "staff.menu".
 */
#ifndef GATEHOUSE_KIOSK_SHELL_H
#define GATEHOUSE_KIOSK_SHELL_H
#include "gatehouse/plugin.h"

struct gh_ui;
struct gh_plugin_host;
struct gh_session;

/* The descriptor to pass to gh_plugin_host_add_static. ui may be NULL
 * (--no-screen): the screens are still registered but never drawn. The
 * staff log-in begins session's staff session (session.h). */
const struct gh_plugin *gh_shell_plugin(struct gh_ui *ui, struct gh_plugin_host *h,
                                        struct gh_session *session, int mail_on);

#endif
