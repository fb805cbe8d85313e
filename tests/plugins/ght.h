/*
 * ght.h: what the test plugins share. They are real plugins, loaded by the
 * real host from a temporary folder; to let a test see what ran inside them
 * (init, hooks, pollers, shutdown, in which order) each appends a line to the
 * file named by the environment variable GHT_TRACE, when it is set.
 *
 * GHT_NAME (a -D from the build) is the plugin's name, so one source can be
 * built as several plugins; GHT_EXPORT expands it before pasting it into the
 * entry point's name.
 */
#ifndef GHT_H
#define GHT_H
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <gatehouse/plugin.h>

#define GHT_STR_(x) #x
#define GHT_STR(x) GHT_STR_(x)
#define GHT_EXPORT_(n) GH_PLUGIN_EXPORT(n)
#define GHT_EXPORT(n) GHT_EXPORT_(n)

static inline void ght_trace(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline void ght_trace(const char *fmt, ...)
{
    const char *path = getenv("GHT_TRACE");
    if (!path || !*path)
        return;
    FILE *f = fopen(path, "a");
    if (!f)
        return;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(f, fmt, ap);
    va_end(ap);
    fputc('\n', f);
    fclose(f);
}

#endif
