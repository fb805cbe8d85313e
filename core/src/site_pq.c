/*
 * site_pq.c: libpq, loaded only when this kiosk talks to a site server.
 *
 * A single kiosk and every gatehousectl command that never reaches a site
 * server start without libpq (and what it pulls in: Kerberos, LDAP, GSSAPI,
 * OpenSSL...): the programs are not linked with it. gh_site_pq_load()
 * opens libpq.so.5 with dlopen the first time a connection is made and
 * fills gh_pq, through which site_internal.h routes every PQ* call of the
 * site module. Without the library the error names the Debian package.
 */
#define GH_SITE_PQ_NO_REDIRECT 1
#include "site_internal.h"
#include "gatehouse/i18n.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define GH_PQ_SONAME "libpq.so.5"

struct gh_pq_api gh_pq;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char load_error[256];

static void load(void)
{
    void *h = dlopen(GH_PQ_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *e = dlerror();
        snprintf(load_error, sizeof load_error, "%s", e ? e : GH_PQ_SONAME);
        return;
    }
    /* dlsym gives a void *; POSIX lets it hold a function's address. */
#define GH_PQ_RESOLVE(f)                                                     \
    if (!load_error[0]) {                                                    \
        void *p = dlsym(h, #f);                                              \
        if (p)                                                               \
            memcpy(&gh_pq.f, &p, sizeof p);                                  \
        else                                                                 \
            snprintf(load_error, sizeof load_error, "%s: no %s", GH_PQ_SONAME, #f); \
    }
    GH_PQ_FUNCS(GH_PQ_RESOLVE)
#undef GH_PQ_RESOLVE
    if (load_error[0])
        dlclose(h);
}

enum gh_status gh_site_pq_load(struct gh_store *st)
{
    pthread_once(&once, load);
    if (!load_error[0])
        return GH_OK;
    return gh_store_fail(st, GH_E_UNAVAILABLE, _("the site server needs the PostgreSQL client "
                         "library: install the package libpq5 (%s)"), load_error);
}
