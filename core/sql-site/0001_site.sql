-- Gatehouse site server schema, version 1 (PostgreSQL 15). Applied by
-- `gatehousectl site init` (core/src/site_server.c) in one transaction under
-- an advisory lock; site_schema.version records the last version applied.
--
-- site_changes: every change kiosks need, numbered. A push takes
-- pg_advisory_xact_lock before numbering (num = max + 1), so commit order is
-- number order and a kiosk that has applied N never misses a change below N
-- committed later (a plain sequence would let a late commit be skipped).
-- change_id is the kiosk's id for its change: a push repeated after a crash
-- inserts nothing twice.
CREATE TABLE site_changes (
  num       BIGINT PRIMARY KEY,
  change_id TEXT NOT NULL UNIQUE,
  kiosk     TEXT NOT NULL,              -- who made it; 'server' for a decision of the server
  tbl       TEXT NOT NULL,
  gid       TEXT NOT NULL,
  op        TEXT NOT NULL CHECK (op IN ('upsert', 'delete')),
  data      JSONB,                      -- the row, foreign keys as gids; NULL for a delete
  at        TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- The current state of every row, for a new kiosk's snapshot.
CREATE TABLE site_rows (
  tbl  TEXT NOT NULL,
  gid  TEXT NOT NULL,
  data JSONB NOT NULL,
  num  BIGINT NOT NULL,                 -- the change that wrote it
  PRIMARY KEY (tbl, gid)
);
CREATE INDEX site_rows_email ON site_rows ((data->>'email_key')) WHERE tbl = 'accounts';
CREATE INDEX site_rows_phone ON site_rows ((data->>'phone_key')) WHERE tbl = 'accounts';

-- Changes the server refused (two kiosks signed up the same email offline:
-- the first to reach the server wins, the other's copy is withdrawn).
CREATE TABLE site_conflicts (
  id         BIGSERIAL PRIMARY KEY,
  change_id  TEXT NOT NULL UNIQUE,      -- the refused change (a repeated push: nothing new)
  kiosk      TEXT NOT NULL,
  tbl        TEXT NOT NULL,
  gid        TEXT NOT NULL,
  winner_gid TEXT,
  reason     TEXT NOT NULL,
  data       JSONB,
  at         TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Every kiosk's activity log with its own chain, and a site chain over them
-- in arrival order: site_hash = SHA-256(prev site_hash || kiosk || seq || hash).
CREATE TABLE site_log (
  kiosk     TEXT NOT NULL,
  seq       BIGINT NOT NULL,
  entry     JSONB NOT NULL,
  hash      TEXT NOT NULL,
  site_seq  BIGINT NOT NULL UNIQUE,
  site_hash TEXT NOT NULL,
  PRIMARY KEY (kiosk, seq)
);

CREATE TABLE site_kiosks (
  name      TEXT PRIMARY KEY,
  last_seen TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- The site key's fingerprint (never the key): every kiosk must hold the same.
CREATE TABLE site_meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

-- A listening kiosk wakes on every commit that numbered changes.
CREATE FUNCTION site_changes_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('gatehouse_site', '');
  RETURN NULL;
END $$;
CREATE TRIGGER site_changes_notify AFTER INSERT ON site_changes
  FOR EACH STATEMENT EXECUTE FUNCTION site_changes_notify();
