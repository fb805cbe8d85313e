/*
 * mailtest.c: helpers of the mail tests (see mailtest.h). Every wait is
 * bounded; the server is ours, started and stopped by its pid.
 */
#define _GNU_SOURCE
#include "mailtest.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef MT_SMTPD
#error "MT_SMTPD (path of smtpd.py) must be defined"
#endif
#ifndef MT_DECODE
#error "MT_DECODE (path of decode.py) must be defined"
#endif

long long mt_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(int ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

int mt_tmpdir(char *out, size_t len)
{
    const char *base = getenv("TMPDIR");
    snprintf(out, len, "%s/ghmail.XXXXXX", base && *base ? base : "/tmp");
    return mkdtemp(out) ? 0 : -1;
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    return remove(path);
}

void mt_rm_rf(const char *dir)
{
    if (dir && *dir)
        nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static int server_start_once(struct mt_server *s, const char *dir, const char *name, int port,
                             const char *const *args);

int mt_server_start(struct mt_server *s, const char *dir, const char *name, int port,
                    const char *const *args)
{
    /* smtpd.py picks a free port by binding and releasing it; another test
     * running in parallel may take it in between: then pick again */
    for (int i = 0; i < 3; i++) {
        if (server_start_once(s, dir, name, port, args) == 0)
            return 0;
        if (port != 0)
            break;
    }
    return -1;
}

static int server_start_once(struct mt_server *s, const char *dir, const char *name, int port,
                             const char *const *args)
{
    char portfile[700], portarg[16];
    const char *argv[64];
    int n = 0;
    memset(s, 0, sizeof *s);
    snprintf(s->spool, sizeof s->spool, "%s/%s.spool", dir, name);
    snprintf(s->log, sizeof s->log, "%s/%s.log", dir, name);
    snprintf(portfile, sizeof portfile, "%s/%s.port", dir, name);
    snprintf(portarg, sizeof portarg, "%d", port);
    unlink(portfile);
    argv[n++] = MT_PYTHON;
    argv[n++] = MT_SMTPD;
    argv[n++] = "--dir";
    argv[n++] = s->spool;
    argv[n++] = "--port-file";
    argv[n++] = portfile;
    argv[n++] = "--port";
    argv[n++] = portarg;
    argv[n++] = "--max-seconds";
    argv[n++] = "300";
    for (int i = 0; args && args[i] && n < 62; i++)
        argv[n++] = args[i];
    argv[n] = NULL;

    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        int fd = open(s->log, O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
            close(fd);
        }
        execv(MT_PYTHON, (char *const *)argv);
        _exit(127);
    }
    s->pid = pid;
    long long until = mt_ms() + 10000;
    while (mt_ms() < until) {
        char *p = mt_read_file(portfile);
        if (p) {
            s->port = atoi(p);
            free(p);
            return s->port > 0 ? 0 : -1;
        }
        int st;
        if (waitpid(pid, &st, WNOHANG) == pid) {
            s->pid = 0;
            fprintf(stderr, "smtpd.py exited early; see %s\n", s->log);
            return -1;
        }
        sleep_ms(20);
    }
    mt_server_stop(s);
    return -1;
}

void mt_server_stop(struct mt_server *s)
{
    if (s->pid <= 0)
        return;
    kill(s->pid, SIGTERM);
    long long until = mt_ms() + 5000;
    int st;
    while (mt_ms() < until) {
        if (waitpid(s->pid, &st, WNOHANG) == s->pid) {
            s->pid = 0;
            return;
        }
        sleep_ms(20);
    }
    kill(s->pid, SIGKILL);
    waitpid(s->pid, &st, 0);
    s->pid = 0;
}

int mt_spool_count(const char *spool)
{
    DIR *d = opendir(spool);
    int n = 0;
    if (!d)
        return 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t l = strlen(e->d_name);
        if (l > 4 && strcmp(e->d_name + l - 4, ".eml") == 0)
            n++;
    }
    closedir(d);
    return n;
}

int mt_spool_wait(const char *spool, int n, int ms)
{
    long long until = mt_ms() + ms;
    int c;
    while ((c = mt_spool_count(spool)) < n && mt_ms() < until)
        sleep_ms(20);
    return c;
}

void mt_spool_path(const char *spool, int i, const char *ext, char *out, size_t len)
{
    snprintf(out, len, "%s/%06d.%s", spool, i, ext);
}

char *mt_read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, len = 0;
    char *p = malloc(cap);
    size_t r;
    while (p && (r = fread(p + len, 1, cap - len - 1, f)) > 0) {
        len += r;
        if (cap - len - 1 == 0) {
            char *np = realloc(p, cap * 2);
            if (!np) {
                free(p);
                p = NULL;
                break;
            }
            p = np;
            cap *= 2;
        }
    }
    fclose(f);
    if (p)
        p[len] = '\0';
    return p;
}

char *mt_run(const char *cmd, int *status)
{
    FILE *f = popen(cmd, "r");
    if (!f)
        return NULL;
    size_t cap = 4096, len = 0, r;
    char *p = malloc(cap);
    while (p && (r = fread(p + len, 1, cap - len - 1, f)) > 0) {
        len += r;
        if (cap - len - 1 == 0) {
            char *np = realloc(p, cap * 2);
            if (!np) {
                free(p);
                p = NULL;
                break;
            }
            p = np;
            cap *= 2;
        }
    }
    int st = pclose(f);
    if (status)
        *status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    if (p)
        p[len] = '\0';
    return p;
}

char *mt_decode(const char *eml)
{
    char cmd[1400];
    snprintf(cmd, sizeof cmd, "%s %s '%s'", MT_PYTHON, MT_DECODE, eml);
    int st = 0;
    char *out = mt_run(cmd, &st);
    if (st != 0) {
        free(out);
        return NULL;
    }
    return out;
}

int mt_line(const char *report, const char *key, char *out, size_t len)
{
    size_t kl = strlen(key);
    for (const char *p = report; p && *p;) {
        const char *eol = strchr(p, '\n');
        size_t ll = eol ? (size_t)(eol - p) : strlen(p);
        if (ll > kl && strncmp(p, key, kl) == 0 && p[kl] == ' ') {
            size_t vl = ll - kl - 1;
            if (vl >= len)
                vl = len - 1;
            memcpy(out, p + kl + 1, vl);
            out[vl] = '\0';
            return 0;
        }
        if (!eol)
            break;
        p = eol + 1;
    }
    if (len)
        out[0] = '\0';
    return -1;
}

int mt_make_cert(const char *dir)
{
    char cmd[2000];
    snprintf(cmd, sizeof cmd,
             "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
             "-keyout '%s/key.pem' -out '%s/cert.pem' -days 2 -subj /CN=localhost "
             "-addext subjectAltName=IP:127.0.0.1,DNS:localhost >/dev/null 2>&1",
             dir, dir);
    return system(cmd) == 0 ? 0 : -1;
}
