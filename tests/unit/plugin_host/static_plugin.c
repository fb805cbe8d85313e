/*
 * static_plugin.c: tests/plugins/order.c linked into the test program as the
 * plugin ght_static, the way the kiosk links its built-in screens: the same
 * source as a loadable plugin, registered with gh_plugin_host_add_static.
 */
#define GHT_NAME ght_static
#define GHT_ORDER 5
#include "order.c"
