/*
 * curl_lazy.c: gatehouse and gatehousectl load libcurl only when they are
 * about to send mail (compiled into both programs: kiosk/CMakeLists.txt):
 * gatehousectl for `outbox flush`, the kiosk when its mail worker starts,
 * which it does only with a [mail] relay configured.
 *
 * Why: libcurl and the TLS, Kerberos, LDAP, SSH, IDN and compression
 * libraries it pulls in cost ~15 ms of dynamic loading on every start here
 * (measured: an empty program linked with -lcurl starts in ~20 ms against
 * ~4 ms without; in the kiosk, ~12 M of the dynamic loader's instructions
 * to the first frame, bench/kiosk). gatehousectl is called in scripts, once
 * per change, and only `outbox flush` talks to a mail relay; the rest should
 * start as fast as the sqlite3 CLI (bench/core). The kiosk must reach its
 * first frame within 1.5x of a bare SDL2 program (issue 3), and needs
 * libcurl only once its mail worker starts, i.e. when [mail] relay is set.
 *
 * How: this file defines the few libcurl functions the core's mailer calls.
 * Being in the program's own objects, they satisfy the mailer's references
 * at link time, so with --as-needed (kiosk/CMakeLists.txt) libcurl is not a
 * NEEDED library of either program. The programs export only the symbols in
 * plugin-exports.list, so libcurl's own internal calls never bind to these
 * wrappers. The first call dlopen()s libcurl.so.4 and forwards to the real
 * functions from then on. If it can't be loaded, the calls fail the way
 * libcurl itself reports failure (CURLE_FAILED_INIT, NULL), and
 * curl_easy_strerror says why.
 *
 * Since dpkg-shlibdeps no longer sees libcurl in any ELF file, the package
 * names libcurl4 in its Depends by hand (cmake/packaging.cmake).
 */
#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>

#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>

#define LIBCURL_SONAME "libcurl.so.4"

static struct {
    CURLcode (*global_init)(long);
    CURL *(*easy_init)(void);
    CURL *(*easy_duphandle)(CURL *);
    void (*easy_cleanup)(CURL *);
    CURLcode (*easy_perform)(CURL *);
    CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
    CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
    const char *(*easy_strerror)(CURLcode);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
} fn;
static int loaded;               /* 1 ok, -1 failed */
static char load_error[256];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void load(void)
{
    /* RTLD_LAZY: of the thousands of functions libcurl's dependencies
     * (Kerberos, LDAP, SSH, IDN...) import, a mail send calls few; binding
     * them on first call spares resolving them all at load. */
    void *h = dlopen(LIBCURL_SONAME, RTLD_LAZY | RTLD_LOCAL);
    if (!h) {
        snprintf(load_error, sizeof load_error, "libcurl not available: %s", dlerror());
        loaded = -1;
        return;
    }
    /* Plugins are never unloaded, and neither is this: h stays open. */
    struct { const char *name; void **slot; } syms[] = {
        { "curl_global_init", (void **)&fn.global_init },
        { "curl_easy_init", (void **)&fn.easy_init },
        { "curl_easy_duphandle", (void **)&fn.easy_duphandle },
        { "curl_easy_cleanup", (void **)&fn.easy_cleanup },
        { "curl_easy_perform", (void **)&fn.easy_perform },
        { "curl_easy_setopt", (void **)&fn.easy_setopt },
        { "curl_easy_getinfo", (void **)&fn.easy_getinfo },
        { "curl_easy_strerror", (void **)&fn.easy_strerror },
        { "curl_slist_append", (void **)&fn.slist_append },
        { "curl_slist_free_all", (void **)&fn.slist_free_all },
    };
    for (size_t i = 0; i < sizeof syms / sizeof syms[0]; i++) {
        *syms[i].slot = dlsym(h, syms[i].name);
        if (!*syms[i].slot) {
            snprintf(load_error, sizeof load_error, "libcurl: no %s", syms[i].name);
            loaded = -1;
            return;
        }
    }
    loaded = 1;
}

static int ready(void)
{
    pthread_once(&once, load);
    return loaded == 1;
}

CURLcode curl_global_init(long flags)
{
    return ready() ? fn.global_init(flags) : CURLE_FAILED_INIT;
}

CURL *curl_easy_init(void)
{
    return ready() ? fn.easy_init() : NULL;
}

CURL *curl_easy_duphandle(CURL *h)
{
    return ready() ? fn.easy_duphandle(h) : NULL;
}

void curl_easy_cleanup(CURL *h)
{
    if (h && ready())
        fn.easy_cleanup(h);
}

CURLcode curl_easy_perform(CURL *h)
{
    return ready() ? fn.easy_perform(h) : CURLE_FAILED_INIT;
}

/* The third argument's type follows from the option's number, as libcurl
 * itself defines it (CURLOPTTYPE_*), so it is read with the right type. */
CURLcode curl_easy_setopt(CURL *h, CURLoption opt, ...)
{
    if (!ready())
        return CURLE_FAILED_INIT;
    va_list ap;
    va_start(ap, opt);
    CURLcode rc;
    if (opt < CURLOPTTYPE_OBJECTPOINT)
        rc = fn.easy_setopt(h, opt, va_arg(ap, long));
    else if (opt < CURLOPTTYPE_FUNCTIONPOINT)
        rc = fn.easy_setopt(h, opt, va_arg(ap, void *));
    else if (opt < CURLOPTTYPE_OFF_T)
        rc = fn.easy_setopt(h, opt, va_arg(ap, void (*)(void)));
    else if (opt < CURLOPTTYPE_BLOB)
        rc = fn.easy_setopt(h, opt, va_arg(ap, curl_off_t));
    else
        rc = fn.easy_setopt(h, opt, va_arg(ap, void *));
    va_end(ap);
    return rc;
}

/* Every CURLINFO takes a pointer to where the answer goes. */
CURLcode curl_easy_getinfo(CURL *h, CURLINFO info, ...)
{
    if (!ready())
        return CURLE_FAILED_INIT;
    va_list ap;
    va_start(ap, info);
    void *out = va_arg(ap, void *);
    va_end(ap);
    return fn.easy_getinfo(h, info, out);
}

const char *curl_easy_strerror(CURLcode c)
{
    if (!ready())
        return load_error;
    return fn.easy_strerror(c);
}

struct curl_slist *curl_slist_append(struct curl_slist *l, const char *s)
{
    return ready() ? fn.slist_append(l, s) : NULL;
}

void curl_slist_free_all(struct curl_slist *l)
{
    if (l && ready())
        fn.slist_free_all(l);
}
