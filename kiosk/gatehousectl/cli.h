/*
 * cli.h: what the files of gatehousectl share.
 *
 * gatehousectl is a table of commands, not an if-chain. Every command file
 * (cmd_*.c) defines exactly one NULL-name-terminated table of
 * struct gh_command (the same struct plugins register, from plugin.h) and
 * main.c walks a fixed list of those tables. A command's run() is called
 * with state NULL, a context whose store is open, and the words after the
 * command's name. It returns the exit code: 0 done, 1 refused or failed
 * (one line on stderr naming the rule or field, usually gh_store_errmsg),
 * 2 usage error.
 *
 * Adding a file of commands without touching anyone else's: define the
 * table under one of the names declared below. Tables owned by other areas
 * are declared weak, so main links whether or not their file exists yet; a
 * missing one is simply NULL and skipped.
 *
 * A command's `usage` is its synopsis on the first line ("occupant add
 * --email E ..."); further lines, if any, describe options and are shown
 * only by `gatehousectl COMMAND --help`. main handles --help and -h for
 * every command before run() is called, so run() never sees them.
 *
 * The database: main opens ctx->store before run(). If the database file
 * does not exist, only `init` (which creates it) and `restore` (which gets
 * ctx->store == NULL and may create it from a backup) are run; the others
 * are refused, so a typo in --db never leaves an empty database behind.
 * ctx->config->store_path is the effective path (--db applied).
 */
#ifndef GATEHOUSECTL_CLI_H
#define GATEHOUSECTL_CLI_H
#include <stdint.h>
#include <stdio.h>
#include "gatehouse/plugin.h"

/* ---- the command tables -------------------------------------------------- */
/* gatehousectl's own (kiosk/gatehousectl/cmd_*.c). */
extern const struct gh_command gh_cli_cmds_init[];      /* init */
extern const struct gh_command gh_cli_cmds_settings[];  /* settings ... */
extern const struct gh_command gh_cli_cmds_location[];  /* location ... */
extern const struct gh_command gh_cli_cmds_group[];     /* group ... */
extern const struct gh_command gh_cli_cmds_staff[];     /* staff ... */
extern const struct gh_command gh_cli_cmds_occupant[];  /* occupant ... */
extern const struct gh_command gh_cli_cmds_unit[];      /* unit ..., door check */
extern const struct gh_command gh_cli_cmds_log[];       /* log, log verify */
extern const struct gh_command gh_cli_cmds_outbox[];    /* outbox list|show */
extern const struct gh_command gh_cli_cmds_import[];    /* import */
extern const struct gh_command gh_cli_cmds_digest[];    /* log digest */
extern const struct gh_command gh_cli_cmds_relay[];     /* relay all-off */
/* `relay all-off` with the words after it: run by main before the
 * configuration is read (cmd_relay.c). Returns the exit code. */
int gh_cli_relay_all_off(int argc, char **argv);
extern const struct gh_command gh_cli_cmds_doorcode[];  /* door-code issue|revoke */
extern const struct gh_command gh_cli_cmds_card[];      /* card add|list|remove */
extern const struct gh_command gh_cli_cmds_site[];      /* site init|join|sync|status */
/* Other areas' (weak: NULL until their file lands). */
extern const struct gh_command gh_cli_cmds_mail[] __attribute__((weak));   /* outbox flush, outbox retry ID */
extern const struct gh_command gh_cli_cmds_backup[] __attribute__((weak)); /* backup FILE, restore FILE */

/* The command being run (set by main), for usage messages. */
extern const struct gh_command *gh_cli_current;

/* ---- option parsing ------------------------------------------------------- */
/* One accepted option of a command. Long options only ("--email"); a value
 * is given as "--email V" or "--email=V". "--" ends the options. */
struct gh_cli_opt {
    const char *name;        /* "--email" */
    const char **value;      /* non-NULL: the option takes a value, stored here */
    int *flag;               /* non-NULL: a switch, set to 1 */
};
/* Parses argv against opts (terminated by {NULL}). Words that are not
 * options are collected into pos[] (room for maxpos). A repeated option, an
 * unknown one, a missing value or fewer than minpos / more than maxpos
 * positional words is a usage error: one line saying what, then the usage
 * line, on ctx->err, and 2 is returned. 0 when all is well. */
int gh_cli_parse(struct gh_cmd_ctx *ctx, const struct gh_cli_opt *opts,
                 int argc, char **argv, char **pos, int minpos, int maxpos, int *npos);
/* Prints "gatehousectl: <message>" and the current command's usage line on
 * ctx->err; returns 2. As for every printf-like call here, a translation is
 * never the whole format: pass "%s", _("...") (a % in a translation would
 * read arguments that are not there); _("... %s ...") with its arguments is
 * a legitimate translated format. */
int gh_cli_usage_error(struct gh_cmd_ctx *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Prints "gatehousectl: <message>" on ctx->err; returns 1. */
int gh_cli_fail(struct gh_cmd_ctx *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Prints the store's message for a failed core call (or gh_strerror(s) when
 * the store left none); returns 1. */
int gh_cli_store_fail(struct gh_cmd_ctx *ctx, enum gh_status s);

/* Splits "A,B,C" into a NULL-terminated array of pointers into a copy of
 * the text (empty items dropped, spaces around items trimmed). Free the
 * result with free() (one block). NULL on allocation failure. */
char **gh_cli_split(const char *list, int *n);
/* Strict decimal integer in [min, max]: 0 ok, -1 not. */
int gh_cli_int(const char *s, int64_t min, int64_t max, int64_t *out);
/* Reads a secret for "--pin -": one line from stdin, newline stripped.
 * 0 ok, -1 (message on ctx->err) if stdin is empty or the line too long. */
int gh_cli_read_secret(struct gh_cmd_ctx *ctx, const char *what, char *buf, size_t len);

/* ---- lookups that print their own error ------------------------------------ */
/* WHO: an email, a phone or a numeric id, of an occupant or a staff account.
 * 0 and *out filled, or 1 after printing "no account matches WHO 'x'". */
int gh_cli_find_who(struct gh_cmd_ctx *ctx, const char *who, struct gh_account *out);
/* A location by name or id; 0, or 1 after printing "no location named 'x'". */
int gh_cli_find_location(struct gh_cmd_ctx *ctx, const char *name, struct gh_location *out);

/* ---- the language of a person's emails (cli_lang.c) ------------------------ */
/* A command's --lang CODE (NULL: not given): 0 when the kiosk writes mail in
 * it, else 2 after "--lang CODE: ... (languages: en, es, fr)" and the usage. */
int gh_cli_check_lang(struct gh_cmd_ctx *ctx, const char *lang);
/* Stores lang on account id (NULL: nothing to do); 0, or 1 after the error. */
int gh_cli_store_lang(struct gh_cmd_ctx *ctx, int64_t id, const char *lang);
/* "language:      es" for occupant show (JSON: ,"lang":...,"mail_lang":...). */
void gh_cli_show_lang(struct gh_cmd_ctx *ctx, int64_t id);

/* ---- output ------------------------------------------------------------------ */
/* Writes s as a JSON string literal (quotes included): ", \ and control
 * characters escaped, other bytes (UTF-8) passed through; invalid UTF-8
 * bytes become U+FFFD so the output always parses. NULL is written as null. */
void gh_cli_json_str(FILE *f, const char *s);
/* Writes s for a terminal table cell: control characters shown as '?', so
 * a stored name can never move the cursor or fake a line. */
void gh_cli_text(FILE *f, const char *s);
/* Unix ms as "2026-11-23 17:41:04" (UTC), "-" for 0. */
void gh_cli_time(int64_t ms, char *buf, size_t len);
/* The account as one JSON object (id, kind, email, name, phone, state,
 * access, group, perms, ...), no trailing newline. */
void gh_cli_json_account(FILE *f, const struct gh_account *a);
/* The same members without the braces, for callers that add their own. */
void gh_cli_json_account_fields(FILE *f, const struct gh_account *a);

#endif
