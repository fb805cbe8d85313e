/*
 * oplog.c: operational log lines on stderr, with journal priorities when
 * stderr is the journal (see oplog.h).
 *
 * systemd sets JOURNAL_STREAM="DEV:INODE" for a service whose stderr is a
 * journal stream. The variable is inherited by children that may have their
 * stderr redirected (an operator running `gatehousectl ... 2>file` from a
 * unit's shell), so, as systemd.exec(5) advises, the prefix is used only when
 * stderr's device and inode are the ones announced. The answer is worked out
 * once; stderr does not move under a running program.
 */
#include "gatehouse/oplog.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int journal;                  /* stderr is the journal stream */
static int max_level = GH_LOG_INFO;
static const char *ident = "gatehouse";

static void probe(void)
{
    const char *js = getenv("JOURNAL_STREAM");
    const char *dbg = getenv("GATEHOUSE_DEBUG");
    if (dbg && strcmp(dbg, "1") == 0)
        max_level = GH_LOG_DEBUG;
    if (!js || !*js)
        return;
    unsigned long long dev = 0, ino = 0;
    char tail;
    if (sscanf(js, "%llu:%llu%c", &dev, &ino, &tail) != 2)
        return;
    struct stat sb;
    if (fstat(STDERR_FILENO, &sb) != 0)
        return;
    journal = (unsigned long long)sb.st_dev == dev && (unsigned long long)sb.st_ino == ino;
}

int gh_oplog_to_journal(void)
{
    pthread_once(&once, probe);
    return journal;
}

void gh_oplog_set_level(int level)
{
    pthread_once(&once, probe);
    max_level = level;
}

void gh_oplog_set_ident(const char *name)
{
    ident = name && *name ? name : "gatehouse";
}

static const char *level_name(int level)
{
    switch (level) {
    case GH_LOG_ERR: return "error";
    case GH_LOG_WARN: return "warning";
    case GH_LOG_INFO: return "info";
    case GH_LOG_DEBUG: return "debug";
    default: return level < GH_LOG_ERR ? "error" : "notice";
    }
}

void gh_oplog(int level, const char *fmt, ...)
{
    pthread_once(&once, probe);
    if (level > max_level)
        return;
    if (level < 0)
        level = 0;
    if (level > 7)
        level = 7;

    /* Built in one buffer and written with one write(2), so lines from the
     * mail thread and the main loop never interleave mid-line. */
    char line[2048];
    int n = journal ? snprintf(line, sizeof line, "<%d>", level)
                    : snprintf(line, sizeof line, "%s: %s: ", ident, level_name(level));
    if (n < 0)
        return;
    size_t head = (size_t)n < sizeof line ? (size_t)n : sizeof line - 1;

    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(line + head, sizeof line - head - 1, fmt, ap);
    va_end(ap);
    if (m < 0)
        return;
    size_t len = head + ((size_t)m < sizeof line - head - 1 ? (size_t)m : sizeof line - head - 2);
    for (size_t i = head; i < len; i++)
        if (line[i] == '\n' || line[i] == '\r')
            line[i] = ' ';
    line[len++] = '\n';

    const char *p = line;
    while (len > 0) {
        ssize_t w = write(STDERR_FILENO, p, len);
        if (w <= 0)
            return;   /* nowhere else to report a failing stderr */
        p += w;
        len -= (size_t)w;
    }
}
