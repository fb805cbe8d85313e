/*
 * mailtest.h: what the mail tests share: a temporary folder, the real SMTP
 * server (smtpd.py under Debian's /usr/bin/python3, started and stopped by
 * pid), the messages it received, and Python's email package as the
 * independent reader of what we sent (decode.py).
 */
#ifndef GH_MAILTEST_H
#define GH_MAILTEST_H
#include <stddef.h>
#include <sys/types.h>

#ifndef MT_PYTHON
#define MT_PYTHON "/usr/bin/python3"
#endif

struct mt_server {
    pid_t pid;
    int port;
    char spool[600];             /* where received messages land */
    char log[600];
};

/* mkdtemp under $TMPDIR or /tmp; 0 ok. */
int mt_tmpdir(char *out, size_t len);
void mt_rm_rf(const char *dir);

/* Starts smtpd.py writing to <dir>/<name>.spool; port 0 picks a free one.
 * args: extra smtpd.py arguments, NULL-terminated (may be NULL). Waits (at
 * most 10 s) until it listens. 0 ok. */
int mt_server_start(struct mt_server *s, const char *dir, const char *name, int port,
                    const char *const *args);
/* SIGTERM, then SIGKILL if it has not gone within 5 s. Safe twice. */
void mt_server_stop(struct mt_server *s);

/* How many messages the spool holds. */
int mt_spool_count(const char *spool);
/* Waits until the spool holds at least n messages, at most ms; returns the count. */
int mt_spool_wait(const char *spool, int n, int ms);
/* Path of received message i (1-based), .eml or .json. */
void mt_spool_path(const char *spool, int i, const char *ext, char *out, size_t len);

/* Whole file as a NUL-terminated malloc'd string (NULL on error). */
char *mt_read_file(const char *path);
/* Runs a shell command, returns its stdout (malloc'd) and exit status. */
char *mt_run(const char *cmd, int *status);
/* decode.py's report on a received message (malloc'd). */
char *mt_decode(const char *eml);
/* The value after "KEY " on the first line starting with it, into out. 0 if found. */
int mt_line(const char *report, const char *key, char *out, size_t len);

/* A self-signed certificate for 127.0.0.1/localhost: <dir>/cert.pem, key.pem. */
int mt_make_cert(const char *dir);

/* Monotonic milliseconds. */
long long mt_ms(void);

#endif
