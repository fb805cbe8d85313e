/*
 * gh_relay_sim_main.c: gh-relay-sim, the relay board simulator as a server.
 *
 * Keeps one umockdev testbed alive so that other processes (our programs,
 * Debian's usbrelay CLI through the emulated /dev/hidrawN) can use the same
 * simulated boards: start them with UMOCKDEV_DIR set to what this prints and
 * LD_PRELOAD=libumockdev-preload.so.0. Commands (see gh_sim_command) come on
 * stdin, answers go to stdout; with --socket PATH they also come over a Unix
 * socket, one connection per command line, and `gh-relay-sim --send PATH
 * "cmd"` is the matching client for scripts. SIGTERM/SIGINT remove the
 * testbed folder (/tmp/umockdev.*) before exiting. The server re-executes
 * itself under libumockdev-preload when started without it.
 *
 *   gh-relay-sim [--socket PATH] [--board dcttech:ID:N] [--board ftdi:SERIAL:N]...
 *   gh-relay-sim --send PATH "command ..."
 *
 * First lines printed: "UMOCKDEV_DIR=<folder>" and "ready".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "gh_sim.h"

#define LINE_MAX_LEN 512
#define ANSWER_MAX 8192

static int send_command(const char *path, const char *cmd)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || strlen(path) >= sizeof sa.sun_path) {
        perror("socket");
        return 2;
    }
    strcpy(sa.sun_path, path);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
        fprintf(stderr, "gh-relay-sim: %s: %s\n", path, strerror(errno));
        close(fd);
        return 2;
    }
    char line[LINE_MAX_LEN];
    int n = snprintf(line, sizeof line, "%s\n", cmd);
    if (write(fd, line, (size_t)n) != n) {
        close(fd);
        return 2;
    }
    shutdown(fd, SHUT_WR);
    char buf[ANSWER_MAX];
    size_t got = 0;
    ssize_t r;
    while (got < sizeof buf - 1 && (r = read(fd, buf + got, sizeof buf - 1 - got)) > 0)
        got += (size_t)r;
    buf[got] = '\0';
    close(fd);
    fputs(buf, stdout);
    return strstr(buf, "\nerror") || strncmp(buf, "error", 5) == 0 ? 1 : 0;
}

static int listen_on(const char *path)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof sa.sun_path)
        return -1;
    strcpy(sa.sun_path, path);
    unlink(path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(fd, 8) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* One command per connection: read a line, answer, close. */
static void serve_client(struct gh_sim *s, int lfd)
{
    int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
    if (fd < 0)
        return;
    char line[LINE_MAX_LEN];
    size_t got = 0;
    ssize_t r;
    struct pollfd p = {.fd = fd, .events = POLLIN};
    /* Bounded: a client that says nothing for 2 s is dropped. */
    while (got < sizeof line - 1 && poll(&p, 1, 2000) > 0 &&
           (r = read(fd, line + got, sizeof line - 1 - got)) > 0) {
        got += (size_t)r;
        if (memchr(line, '\n', got))
            break;
    }
    line[got] = '\0';
    char *nl = strchr(line, '\n');
    if (nl)
        *nl = '\0';
    char out[ANSWER_MAX];
    if (strncmp(line, "reader ", 7) == 0)
        gh_sim_reader_command(s, line, out, sizeof out);   /* card readers */
    else
        gh_sim_command(s, line, out, sizeof out);
    size_t len = strlen(out), off = 0;
    while (off < len && (r = write(fd, out + off, len - off)) > 0)
        off += (size_t)r;
    close(fd);
}

static int add_initial(struct gh_sim *s, const char *spec)
{
    char fam[16], id[64];
    int n = 0;
    if (sscanf(spec, "%15[^:]:%63[^:]:%d", fam, id, &n) != 3)
        return -1;
    char cmd[128], out[256];
    snprintf(cmd, sizeof cmd, "add %s %s %d", fam, id, n);
    return gh_sim_command(s, cmd, out, sizeof out);
}

int main(int argc, char **argv)
{
    const char *sock = NULL;
    int rc = 1;

    if (argc == 4 && strcmp(argv[1], "--send") == 0)
        return send_command(argv[2], argv[3]);

    /* umockdev sends its emulated uevents through libudev, which only finds
     * the testbed's /sys under the preload: without it, unplugs would reach
     * no client. So the server runs preloaded too, re-executing itself. */
    if (!gh_sim_preload_active() && !getenv("GH_RELAY_SIM_REEXEC")) {
        const char *old = getenv("LD_PRELOAD");
        char pre[1024];
        snprintf(pre, sizeof pre, "libumockdev-preload.so.0%s%s", old && *old ? ":" : "",
                 old ? old : "");
        setenv("LD_PRELOAD", pre, 1);
        /* An ASan build must accept a preload ahead of its runtime. */
        const char *asan = getenv("ASAN_OPTIONS");
        if (!asan || !strstr(asan, "verify_asan_link_order")) {
            char opts[1024];
            snprintf(opts, sizeof opts, "%s%sverify_asan_link_order=0", asan ? asan : "",
                     asan && *asan ? ":" : "");
            setenv("ASAN_OPTIONS", opts, 1);
        }
        setenv("GH_RELAY_SIM_REEXEC", "1", 1);   /* once: never loop */
        execv("/proc/self/exe", argv);
        perror("gh-relay-sim: re-exec with the umockdev preload");
        return 1;
    }
    unsetenv("GH_RELAY_SIM_REEXEC");

    /* Block the signals before any thread exists, then read them from a
     * signalfd in the loop: cleanup runs in normal context, not a handler. */
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGHUP);
    sigprocmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);
    int sfd = signalfd(-1, &sigs, SFD_CLOEXEC);

    char err[256];
    struct gh_sim *s = gh_sim_new(err, sizeof err);
    if (!s) {
        fprintf(stderr, "gh-relay-sim: %s\n", err);
        return 1;
    }
    int lfd = -1;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--socket") == 0 && i + 1 < argc) {
            sock = argv[++i];
        } else if (strcmp(argv[i], "--board") == 0 && i + 1 < argc) {
            if (add_initial(s, argv[++i]) != 0) {
                fprintf(stderr, "gh-relay-sim: cannot add board %s\n", argv[i]);
                goto out;
            }
        } else {
            fprintf(stderr, "usage: gh-relay-sim [--socket PATH] [--board FAMILY:ID:N]...\n"
                            "       gh-relay-sim --send PATH \"command\"\n");
            goto out;
        }
    }
    if (sock && (lfd = listen_on(sock)) < 0) {
        fprintf(stderr, "gh-relay-sim: cannot listen on %s: %s\n", sock, strerror(errno));
        goto out;
    }
    printf("UMOCKDEV_DIR=%s\nready\n", gh_sim_root(s));
    fflush(stdout);

    int stdin_open = 1;
    char buf[LINE_MAX_LEN * 4];
    size_t have = 0;
    for (;;) {
        struct pollfd p[3] = {{.fd = sfd, .events = POLLIN},
                              {.fd = stdin_open ? 0 : -1, .events = POLLIN},
                              {.fd = lfd, .events = POLLIN}};
        if (poll(p, 3, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (p[0].revents) {
            rc = 0;   /* asked to stop */
            break;
        }
        if (p[2].revents & POLLIN)
            serve_client(s, lfd);
        if (p[1].revents) {
            ssize_t r = read(0, buf + have, sizeof buf - 1 - have);
            if (r <= 0) {
                stdin_open = 0;
                if (lfd < 0) {
                    rc = 0;   /* nobody can talk to us any more */
                    break;
                }
                continue;
            }
            have += (size_t)r;
            buf[have] = '\0';
            char *start = buf, *nl;
            while ((nl = strchr(start, '\n'))) {
                *nl = '\0';
                char out[ANSWER_MAX];
                if (strcmp(start, "quit") == 0) {
                    rc = 0;
                    goto out;
                }
                gh_sim_command(s, start, out, sizeof out);
                fputs(out, stdout);
                fflush(stdout);
                start = nl + 1;
            }
            have = strlen(start);
            memmove(buf, start, have);
            if (have == sizeof buf - 1)
                have = 0;   /* an absurd line: drop it */
        }
    }
out:
    if (lfd >= 0) {
        close(lfd);
        unlink(sock);
    }
    gh_sim_free(s);   /* removes /tmp/umockdev.* */
    return rc;
}
