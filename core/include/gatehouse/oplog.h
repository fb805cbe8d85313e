/*
 * oplog.h: operational log lines for the operator (start-up, plugin loaded,
 * relay board lost, mail relay down), as opposed to the activity log
 * (audit.h), which is the tamper-evident record of what people did.
 *
 * Lines go to stderr. Under systemd (stderr connected to the journal, which
 * systemd announces with JOURNAL_STREAM) each line starts with the kernel
 * style priority prefix "<3>", "<4>", "<6>", "<7>" (sd-daemon.h's SD_ERR ...
 * SD_DEBUG), so `journalctl -p warning -u gatehouse` filters them. On a
 * terminal or a redirected file the line reads "gatehouse: warning: ...".
 * No dependency beyond libc: the core is a static library linked everywhere.
 */
#ifndef GATEHOUSE_OPLOG_H
#define GATEHOUSE_OPLOG_H

/* Values are syslog priorities, so they are also the journal's. The one
 * name for log levels: plugins pass the same to host->log (plugin.h). */
enum gh_log_level { GH_LOG_ERR = 3, GH_LOG_WARN = 4, GH_LOG_INFO = 6, GH_LOG_DEBUG = 7 };

/* One line (a trailing newline is added; embedded newlines become spaces so
 * that one call is one journal entry). Thread-safe: a single write(2). */
void gh_oplog(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Lines above this level are dropped. Default GH_LOG_INFO, or GH_LOG_DEBUG
 * when the environment has GATEHOUSE_DEBUG=1. */
void gh_oplog_set_level(int max_level);
/* The name in front of a terminal line; default "gatehouse". Not copied. */
void gh_oplog_set_ident(const char *ident);
/* 1 when stderr is the journal stream (prefixes on), else 0. */
int gh_oplog_to_journal(void);

#endif
