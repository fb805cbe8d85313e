/*
 * requests.c: the requests plugin (issue 17; SPEC "Requests"): occupants
 * ask the building for something, staff answer on the kiosk or by email.
 *
 *   home tile "Requests"      requests.home: log in (door code, or email or
 *                             phone and PIN), then the person's own and
 *                             their group's requests, open first; a pending
 *                             person types their email and may file one
 *                             General request (home.c)
 *   requests.thread           one request: the thread, reply, resolve,
 *                             reopen (thread.c)
 *   requests.new              a new request: location (their access, or
 *                             General), subject, text (compose.c)
 *   staff tile "Requests"     requests.queue (permission requests): every
 *                             request, oldest open first, with a count;
 *                             filters by state and location (queue.c)
 *   gatehousectl              request add/list/show/reply/resolve/reopen,
 *                             inbox fetch (commands.c)
 *
 * Every rule lives in the core (request.h), reached through host->core:
 * this plugin decides what to show and what to ask.
 */
#include <stdlib.h>
#include <string.h>

#include "requests.h"

/* Every return home ends the session: nothing typed or shown stays. */
static void on_home(void *state, const struct gh_event *ev)
{
    (void)ev;
    rq_wipe(state);
}

static int screens_register(struct requests *rq)
{
    const struct gh_host *h = rq->host;
    if (h->register_hook(h->ctx, GH_EVENT_HOME, on_home) != 0 || rq_home_register(rq) != 0 ||
        rq_thread_register(rq) != 0 || rq_compose_register(rq) != 0 ||
        rq_queue_register(rq) != 0)
        return -1;
    return 0;
}

static enum gh_status rq_init(const struct gh_host *host, void **state, char *err,
                              size_t errlen)
{
    struct requests *rq = calloc(1, sizeof *rq);
    if (!rq) {
        snprintf(err, errlen, "out of memory");
        return GH_E_NOMEM;
    }
    if (!GH_HAS(host->core, inbox_fetch)) {
        snprintf(err, errlen, "this Gatehouse has no requests in its core");
        free(rq);
        return GH_E_PLUGIN;
    }
    rq->host = host;
    rq->core = host->core;
    rq->u = host->ui;
    rq->filter_state = -1;
    rq->filter_loc = -1;
    *state = rq;
    if (rq_commands_register(rq) != 0)
        goto reg_fail;
    if (rq->u && screens_register(rq) != 0)
        goto reg_fail;
    return GH_OK;
reg_fail:
    snprintf(err, errlen, "could not register (see the log line above)");
    return GH_E_PLUGIN;
}

static void rq_shutdown(void *state)
{
    struct requests *rq = state;
    if (rq && rq->u)
        rq_wipe(rq);
}

GH_PLUGIN_EXPORT(requests)
{
    static const struct gh_plugin p = {
        .size = sizeof p, .abi_major = GH_PLUGIN_ABI_MAJOR,
        .abi_minor = GH_PLUGIN_ABI_MINOR, .signature = GH_PLUGIN_SIGNATURE,
        .name = "requests", .version = "1.0",
        .description = "requests: occupants ask the building, staff answer here or by email",
        .init = rq_init, .shutdown = rq_shutdown, .commands = rq_commands };
    return &p;
}
