-- 0005: personal door codes and the per-kiosk failure throttle (issue 12).
-- (Assigned number 0008; numbered 0005 on this branch so the sequence has
-- no gap. The lead renumbers at merge.)
--
-- A door code is kept only as its keyed hash with the site key (sitekey.h,
-- domain "door-code"): the database alone never reveals a code. code_hash
-- is UNIQUE, which is both the "unique across accounts" rule and the index
-- that finds a typed code's owner in one lookup. One row per account:
-- issuing a new code replaces the row, which voids the old code.
CREATE TABLE door_codes (
  account_id INTEGER PRIMARY KEY REFERENCES accounts(id),
  code_hash  TEXT NOT NULL UNIQUE,
  issued_at  INTEGER NOT NULL
);

-- Failures on one kiosk across all accounts (kind 0: door codes, 1: PIN
-- log-ins), for the throttle's window; rows older than the window are
-- dropped as new ones come.
CREATE TABLE kiosk_failures (
  id    INTEGER PRIMARY KEY,
  kiosk TEXT NOT NULL,
  kind  INTEGER NOT NULL,
  at    INTEGER NOT NULL
);
CREATE INDEX kiosk_failures_window ON kiosk_failures(kiosk, kind, at);

-- The throttle of one kiosk and kind: attempts are refused before until_at;
-- wait_ms is the current wait (0: not throttled), doubled by each failure
-- while throttled; mailed_at is when the last security email was queued.
CREATE TABLE kiosk_throttle (
  kiosk        TEXT NOT NULL,
  kind         INTEGER NOT NULL,
  until_at     INTEGER NOT NULL DEFAULT 0,
  wait_ms      INTEGER NOT NULL DEFAULT 0,
  last_fail_at INTEGER NOT NULL DEFAULT 0,
  mailed_at    INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (kiosk, kind)
);
