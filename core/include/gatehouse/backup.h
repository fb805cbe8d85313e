/*
 * backup.h: copies of the kiosk's database that are safe to take while it
 * runs, restoring one, and the lock that says "a kiosk is using this
 * database".
 *
 * A backup is one self-contained SQLite file (rollback journal mode, mode
 * 0600: it holds PIN hashes and contact details) made with SQLite's online
 * backup API from a single read transaction, so in WAL mode it never stops
 * the kiosk from writing and it is a consistent snapshot. It is written next
 * to its destination under a temporary name, checked, and renamed into place.
 * The site key beside the database (sitekey.h) goes beside the backup as
 * "<backup>.key" (mode 0600, also written whole and renamed).
 *
 * A restore is refused while a kiosk holds the instance lock. The file is
 * first copied aside and checked there: PRAGMA integrity_check; that it is a
 * Gatehouse database no newer than this program; that it holds no trigger or
 * view this version lacks (checked before the copy is opened, so none runs)
 * and that, migrated, its schema is exactly a new database's (type, name and
 * sql of every table, index, trigger and view); that the activity log
 * verifies (gh_audit_verify: an emptied or front-cut log too); and that
 * "<backup>.key" is the key the backup records (required when it records
 * one). Only then is the current database saved as "<db>.pre-restore" (its
 * key as "<db>.pre-restore.key") and overwritten in one transaction, again
 * through the backup API, so a gatehousectl reading at the same time sees
 * the old or the new database, never a mix; then the backup's key is
 * renamed into place as "<db>.key". Entries cut off the end of the backup's
 * log can't be seen here: only an anchor kept elsewhere shows them.
 *
 * The instance lock is an advisory flock(2) on "<db>.lock" in the database's
 * folder, holding the owner's pid as text. The kernel drops it when the
 * process dies, so a crashed kiosk never leaves a stale lock behind.
 */
#ifndef GATEHOUSE_BACKUP_H
#define GATEHOUSE_BACKUP_H
#include <stddef.h>
#include <stdint.h>
#include "gatehouse/status.h"

struct gh_instance_lock;

/* Takes the instance lock for the database at db_path without waiting.
 * GH_E_REFUSED when another process holds it (err names its pid),
 * GH_E_IO when the lock file can't be opened. The kiosk holds it from start
 * to exit; restore holds it while it works. */
enum gh_status gh_store_instance_lock(const char *db_path, struct gh_instance_lock **out,
                                      char *err, size_t errlen);
/* Releases and frees; NULL is fine. */
void gh_store_instance_unlock(struct gh_instance_lock *lk);
/* Who holds the lock: 0 nobody, a pid, or -1 held by a process that did not
 * write its pid. Does not take the lock. */
long gh_store_instance_holder(const char *db_path);

struct gh_backup_info {
    int64_t bytes;          /* size of the file written or restored */
    int schema_version;     /* the database's migration level */
    int64_t log_entries;    /* activity-log entries verified (restore/check) */
    char previous[4096];    /* restore: where the replaced database was saved, "" if none */
    int has_key;            /* a site key was written (backup) or restored beside it */
};

/* Writes a backup of the database at db_path to file, and its site key to
 * file.key (replacing them atomically if they exist). Refused when the key
 * the database records is missing or another (err names the file): such a
 * backup could never be restored. info may be NULL. */
enum gh_status gh_backup_create(const char *db_path, const char *file,
                                struct gh_backup_info *info, char *err, size_t errlen);
/* Checks a backup without changing it: integrity, schema, activity log,
 * site key. GH_E_STORE (not a database / damaged), GH_E_INVALID (not a
 * Gatehouse database, a schema not this version's, or another database's
 * key; err names each difference), GH_E_SCHEMA (newer than this program),
 * GH_E_TAMPERED (log chain broken or emptied; err names the first bad
 * entry), GH_E_NOTFOUND (the backup or its recorded key file missing). */
enum gh_status gh_backup_check(const char *file, struct gh_backup_info *info,
                               char *err, size_t errlen);
/* Replaces the database at db_path with the backup in file, after the checks
 * of gh_backup_check. GH_E_REFUSED while a kiosk runs. */
enum gh_status gh_backup_restore(const char *db_path, const char *file,
                                 struct gh_backup_info *info, char *err, size_t errlen);

#endif
