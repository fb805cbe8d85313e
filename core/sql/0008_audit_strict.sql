-- 0007: the activity log becomes a STRICT table, and each entry says which
-- hash algorithm sealed it (see core/src/audit.c).
--
-- Version 1 (every entry written before this migration) hashed the fields as
-- C strings: a NUL byte inside a field hid what came after it, and `at`
-- read as a number whatever its stored type, so `at` edited to a REAL or to
-- text still verified. Version 2 hashes each field's exact bytes with a tag
-- for its storage type. STRICT makes SQLite refuse a value of another type
-- (`at` can no longer hold text or a REAL). Existing entries keep
-- hash_version 1 and still verify; every new entry is version 2, and a
-- version 1 entry after a version 2 one is tampering.
--
-- The table is rebuilt keeping every row and its seq. The CASTs only matter
-- for a log already tampered with before this version (a text `at`): they
-- give the values the version 1 check read anyway, so such an entry still
-- fails verification instead of stopping the migration.
CREATE TABLE audit_strict (
  seq          INTEGER PRIMARY KEY,
  at           INTEGER NOT NULL,
  actor        TEXT NOT NULL,
  action       TEXT NOT NULL,
  target       TEXT NOT NULL DEFAULT '',
  outcome      TEXT NOT NULL CHECK (outcome IN ('ok','refused','failed')),
  reason       TEXT NOT NULL DEFAULT '',
  prev_hash    TEXT NOT NULL,
  hash         TEXT NOT NULL,
  hash_version INTEGER NOT NULL DEFAULT 2 CHECK (hash_version IN (1, 2))
) STRICT;
INSERT INTO audit_strict (seq, at, actor, action, target, outcome, reason, prev_hash, hash,
                          hash_version)
  SELECT seq, CAST(at AS INTEGER), CAST(actor AS TEXT), CAST(action AS TEXT),
         CAST(target AS TEXT), CAST(outcome AS TEXT), CAST(reason AS TEXT),
         CAST(prev_hash AS TEXT), CAST(hash AS TEXT), 1
  FROM audit ORDER BY seq;
DROP TABLE audit;
ALTER TABLE audit_strict RENAME TO audit;
