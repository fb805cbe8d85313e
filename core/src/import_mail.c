/*
 * import_mail.c: the summary of an import from the drop folder, mailed to
 * management (the digest_to addresses) through the outbox like every other
 * message, so it waits for the relay and is retried (issue 18).
 */
#include "gatehouse/import.h"
#include "gatehouse/audit.h"
#include "gatehouse/i18n.h"
#include "gatehouse/outbox.h"
#include "gatehouse/store.h"
#include "store_internal.h"

#include <stdio.h>
#include <string.h>

enum gh_status gh_import_mail_summary(struct gh_store *st, const char *actor, const char *file,
                                      int ok, const struct gh_import_report *r, int *queued)
{
    char to[512], kiosk[256], list[512], *save = NULL;
    const char *result = ok ? "done" : "failed";
    const char *vars[] = { "file", file, "result", result, "summary", r->summary,
                           "changes", r->changes[0] ? r->changes : _("none"),
                           "problems", r->problems[0] ? r->problems : _("none"),
                           "kiosk", kiosk, "folder", result, NULL };
    *queued = 0;
    gh_store_copy(to, sizeof to, gh_settings_get(st, GH_SETTING_DIGEST_TO));
    gh_store_copy(kiosk, sizeof kiosk, gh_settings_get(st, GH_SETTING_KIOSK_NAME));
    if (!to[0])
        return GH_OK;
    enum gh_status s = gh_store_begin(st);
    if (s != GH_OK)
        return s;
    gh_store_copy(list, sizeof list, to);
    for (char *a = strtok_r(list, ", ", &save); a && s == GH_OK;
         a = strtok_r(NULL, ", ", &save)) {
        s = gh_outbox_compose(st, "import_summary", 0, a, "", vars, NULL);
        *queued += s == GH_OK;
    }
    if (s == GH_OK)
        s = gh_audit_appendf(st, actor ? actor : "import", "import.mailed", file, GH_OUTCOME_OK,
                             "%s; summary queued for %d address(es)", result, *queued);
    if (s == GH_OK)
        return gh_store_commit(st);
    gh_store_rollback(st);
    *queued = 0;
    return s;
}
