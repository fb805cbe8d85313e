/*
 * api.c: the table of the toolkit's functions that plugins get
 * (host->ui, struct gh_ui_api). It sits above every file it names
 * (widgets, screens, the picker), so none of them has to reach the
 * toolkit through it.
 */
#include "ui_internal.h"

#include "gatehouse/ui.h"
#include "gatehouse/ui_host.h"

static const struct gh_ui_api api = {
    .size = sizeof(struct gh_ui_api),
    .heading = ui_w_heading,
    .text = ui_w_text,
    .button = ui_w_button,
    .field = ui_w_field,
    .toggle = ui_w_toggle,
    .row_begin = ui_w_row_begin,
    .row_end = ui_row_end,
    .spacer = ui_w_spacer,
    .list_begin = ui_w_list_begin,
    .list_item = ui_w_list_item,
    .list_end = ui_list_end,
    .dialog = ui_w_dialog,
    .toast = ui_w_toast,
    .busy = ui_w_busy,
    .push = ui_api_push,
    .pop = ui_api_pop,
    .home = ui_api_home,
    .focus = ui_api_focus,
    .invalidate = ui_api_invalidate,
    .wake_in = ui_api_wake_in,
    .staff = ui_api_staff,
    .tile = ui_w_tile,
    .entered = ui_w_entered,
    .current = ui_api_current,
    .screen_exists = ui_api_screen_exists,
    .picker_new = ui_picker_new,
    .picker_free = ui_picker_free,
    .picker_set = ui_picker_set,
    .picker_draw = ui_picker_draw,
    .picker_get = ui_picker_get,
    .picker_error = ui_picker_error,
};

const struct gh_ui_api *gh_ui_api_table(void) { return &api; }
