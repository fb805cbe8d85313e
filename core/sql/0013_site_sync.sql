-- 0013: site sync (issue 20; docs/site-server.md).
--
-- Every replicated table gets a global id (gid, 32 hex digits; a setting's
-- is its key), unique, set for existing rows here and for new rows by a
-- trigger (ADD COLUMN can't have a non-constant default). Triggers append
-- every insert, update and delete of a replicated table to site_queue in the
-- same transaction as the write (the outbox pattern): a kiosk's change and
-- its queued copy commit or vanish together. The row's content is read when
-- it is pushed. The triggers do nothing on a kiosk without [site]
-- (site_state.enabled = 0) and while a pull is applied (applying = 1, set and
-- cleared inside the applying transaction, so no other connection sees it).
--
-- Adding a replicated table (cards, requests ...): the block below for it,
-- and one line in core/src/site_tables.c.
CREATE TABLE site_state (
  one             INTEGER PRIMARY KEY CHECK (one = 1),
  enabled         INTEGER NOT NULL DEFAULT 0,   -- site join has run
  applying        INTEGER NOT NULL DEFAULT 0,
  last_num        INTEGER NOT NULL DEFAULT 0,   -- last server change applied
  last_contact_ms INTEGER NOT NULL DEFAULT 0,   -- last exchange with the server
  offline_since_ms INTEGER NOT NULL DEFAULT 0,  -- first failed contact after a good one
  log_pushed_seq  INTEGER NOT NULL DEFAULT 0    -- last activity log entry the server has
) STRICT;
INSERT INTO site_state (one) VALUES (1);

CREATE TABLE site_queue (
  id        INTEGER PRIMARY KEY,
  change_id TEXT NOT NULL UNIQUE,
  tbl       TEXT NOT NULL,
  gid       TEXT NOT NULL,
  op        TEXT NOT NULL CHECK (op IN ('upsert', 'delete')),
  base_num  INTEGER NOT NULL,                   -- the server change this kiosk had seen
  at        INTEGER NOT NULL,
  ins       INTEGER NOT NULL DEFAULT 0            -- 1: the row's insert (mail waits for it)
) STRICT;
CREATE INDEX site_queue_row ON site_queue(tbl, gid);

-- Local rows the server withdrew (a sign-up that lost to another kiosk's),
-- for the staff screen and `site status`.
CREATE TABLE site_withdrawn (
  id     INTEGER PRIMARY KEY,
  at     INTEGER NOT NULL,
  tbl    TEXT NOT NULL,
  gid    TEXT NOT NULL,
  what   TEXT NOT NULL,                         -- e.g. the email of the account
  seen   INTEGER NOT NULL DEFAULT 0
) STRICT;

-- settings
ALTER TABLE settings ADD COLUMN gid TEXT;
UPDATE settings SET gid = key;
CREATE UNIQUE INDEX settings_gid ON settings(gid);
CREATE TRIGGER settings_site_ins AFTER INSERT ON settings BEGIN
  UPDATE settings SET gid = NEW.key WHERE rowid = NEW.rowid AND NEW.gid IS NULL;
  INSERT INTO site_queue (change_id, tbl, gid, op, base_num, at, ins)
    SELECT lower(hex(randomblob(16))), 'settings', (SELECT gid FROM settings WHERE rowid = NEW.rowid),
           'upsert', last_num, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER), 1
    FROM site_state WHERE enabled AND NOT applying;
END;
CREATE TRIGGER settings_site_upd AFTER UPDATE ON settings WHEN OLD.gid IS NEW.gid BEGIN
  INSERT INTO site_queue (change_id, tbl, gid, op, base_num, at)
    SELECT lower(hex(randomblob(16))), 'settings', NEW.gid, 'upsert', last_num,
           CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
    FROM site_state WHERE enabled AND NOT applying;
END;
CREATE TRIGGER settings_site_del AFTER DELETE ON settings BEGIN
  INSERT INTO site_queue (change_id, tbl, gid, op, base_num, at)
    SELECT lower(hex(randomblob(16))), 'settings', OLD.gid, 'delete', last_num,
           CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
    FROM site_state WHERE enabled AND NOT applying;
END;

-- groups
ALTER TABLE groups ADD COLUMN gid TEXT;
UPDATE groups SET gid = lower(hex(randomblob(16)));
CREATE UNIQUE INDEX groups_gid ON groups(gid);
CREATE TRIGGER groups_site_ins AFTER INSERT ON groups BEGIN
  UPDATE groups SET gid = lower(hex(randomblob(16))) WHERE rowid = NEW.rowid AND NEW.gid IS NULL;
  INSERT INTO site_queue (change_id, tbl, gid, op, base_num, at, ins)
    SELECT lower(hex(randomblob(16))), 'groups', (SELECT gid FROM groups WHERE rowid = NEW.rowid),
           'upsert', last_num, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER), 1
    FROM site_state WHERE enabled AND NOT applying;
END;
CREATE TRIGGER groups_site_upd AFTER UPDATE ON groups WHEN OLD.gid IS NEW.gid BEGIN
  INSERT INTO site_queue (change_id, tbl, gid, op, base_num, at)
    SELECT lower(hex(randomblob(16))), 'groups', NEW.gid, 'upsert', last_num,
           CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
    FROM site_state WHERE enabled AND NOT applying;
END;
CREATE TRIGGER groups_site_del AFTER DELETE ON groups BEGIN
  INSERT INTO site_queue (change_id, tbl, gid, op, base_num, at)
    SELECT lower(hex(randomblob(16))), 'groups', OLD.gid, 'delete', last_num,
           CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
    FROM site_state WHERE enabled AND NOT applying;
END;

-- locations
ALTER TABLE locations ADD COLUMN gid TEXT;
UPDATE locations SET gid = lower(hex(randomblob(16)));
CREATE UNIQUE INDEX locations_gid ON locations(gid);
CREATE TRIGGER locations_site_ins AFTER INSERT ON locations BEGIN
  UPDATE locations SET gid = lower(hex(randomblob(16))) WHERE rowid = NEW.rowid AND NEW.gid IS NULL;
  INSERT INTO site_queue (change_id, tbl, gid, op, base_num, at, ins)
    SELECT lower(hex(randomblob(16))), 'locations', (SELECT gid FROM locations WHERE rowid = NEW.rowid),
           'upsert', last_num, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER), 1
    FROM site_state WHERE enabled AND NOT applying;
END;
CREATE TRIGGER locations_site_upd AFTER UPDATE ON locations WHEN OLD.gid IS NEW.gid BEGIN
  INSERT INTO site_queue (change_id, tbl, gid, op, base_num, at)
    SELECT lower(hex(randomblob(16))), 'locations', NEW.gid, 'upsert', last_num,
           CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
    FROM site_state WHERE enabled AND NOT applying;
END;
CREATE TRIGGER locations_site_del AFTER DELETE ON locations BEGIN
  INSERT INTO site_queue (change_id, tbl, gid, op, base_num, at)
    SELECT lower(hex(randomblob(16))), 'locations', OLD.gid, 'delete', last_num,
           CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
    FROM site_state WHERE enabled AND NOT applying;
END;

-- group_locations
ALTER TABLE group_locations ADD COLUMN gid TEXT;
UPDATE group_locations SET gid = lower(hex(randomblob(16)));
CREATE UNIQUE INDEX group_locations_gid ON group_locations(gid);
CREATE TRIGGER group_locations_site_ins AFTER INSERT ON group_locations BEGIN
  UPDATE group_locations SET gid = lower(hex(randomblob(16))) WHERE rowid = NEW.rowid AND NEW.gid IS NULL;
  INSERT INTO site_queue (change_id, tbl, gid, op, base_num, at, ins)
    SELECT lower(hex(randomblob(16))), 'group_locations', (SELECT gid FROM group_locations WHERE rowid = NEW.rowid),
           'upsert', last_num, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER), 1
    FROM site_state WHERE enabled AND NOT applying;
END;
CREATE TRIGGER group_locations_site_upd AFTER UPDATE ON group_locations WHEN OLD.gid IS NEW.gid BEGIN
  INSERT INTO site_queue (change_id, tbl, gid, op, base_num, at)
    SELECT lower(hex(randomblob(16))), 'group_locations', NEW.gid, 'upsert', last_num,
           CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
    FROM site_state WHERE enabled AND NOT applying;
END;
CREATE TRIGGER group_locations_site_del AFTER DELETE ON group_locations BEGIN
  INSERT INTO site_queue (change_id, tbl, gid, op, base_num, at)
    SELECT lower(hex(randomblob(16))), 'group_locations', OLD.gid, 'delete', last_num,
           CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
    FROM site_state WHERE enabled AND NOT applying;
END;

-- group_domains
ALTER TABLE group_domains ADD COLUMN gid TEXT;
UPDATE group_domains SET gid = lower(hex(randomblob(16)));
CREATE UNIQUE INDEX group_domains_gid ON group_domains(gid);
CREATE TRIGGER group_domains_site_ins AFTER INSERT ON group_domains BEGIN
  UPDATE group_domains SET gid = lower(hex(randomblob(16))) WHERE rowid = NEW.rowid AND NEW.gid IS NULL;
  INSERT INTO site_queue (change_id, tbl, gid, op, base_num, at, ins)
    SELECT lower(hex(randomblob(16))), 'group_domains', (SELECT gid FROM group_domains WHERE rowid = NEW.rowid),
           'upsert', last_num, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER), 1
    FROM site_state WHERE enabled AND NOT applying;
END;
CREATE TRIGGER group_domains_site_upd AFTER UPDATE ON group_domains WHEN OLD.gid IS NEW.gid BEGIN
  INSERT INTO site_queue (change_id, tbl, gid, op, base_num, at)
    SELECT lower(hex(randomblob(16))), 'group_domains', NEW.gid, 'upsert', last_num,
           CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
    FROM site_state WHERE enabled AND NOT applying;
END;
CREATE TRIGGER group_domains_site_del AFTER DELETE ON group_domains BEGIN
  INSERT INTO site_queue (change_id, tbl, gid, op, base_num, at)
    SELECT lower(hex(randomblob(16))), 'group_domains', OLD.gid, 'delete', last_num,
           CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
    FROM site_state WHERE enabled AND NOT applying;
END;

-- accounts
ALTER TABLE accounts ADD COLUMN gid TEXT;
UPDATE accounts SET gid = lower(hex(randomblob(16)));
CREATE UNIQUE INDEX accounts_gid ON accounts(gid);
CREATE TRIGGER accounts_site_ins AFTER INSERT ON accounts BEGIN
  UPDATE accounts SET gid = lower(hex(randomblob(16))) WHERE rowid = NEW.rowid AND NEW.gid IS NULL;
  INSERT INTO site_queue (change_id, tbl, gid, op, base_num, at, ins)
    SELECT lower(hex(randomblob(16))), 'accounts', (SELECT gid FROM accounts WHERE rowid = NEW.rowid),
           'upsert', last_num, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER), 1
    FROM site_state WHERE enabled AND NOT applying;
END;
CREATE TRIGGER accounts_site_upd AFTER UPDATE ON accounts WHEN OLD.gid IS NEW.gid BEGIN
  INSERT INTO site_queue (change_id, tbl, gid, op, base_num, at)
    SELECT lower(hex(randomblob(16))), 'accounts', NEW.gid, 'upsert', last_num,
           CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
    FROM site_state WHERE enabled AND NOT applying;
END;
CREATE TRIGGER accounts_site_del AFTER DELETE ON accounts BEGIN
  INSERT INTO site_queue (change_id, tbl, gid, op, base_num, at)
    SELECT lower(hex(randomblob(16))), 'accounts', OLD.gid, 'delete', last_num,
           CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
    FROM site_state WHERE enabled AND NOT applying;
END;

-- account_locations
ALTER TABLE account_locations ADD COLUMN gid TEXT;
UPDATE account_locations SET gid = lower(hex(randomblob(16)));
CREATE UNIQUE INDEX account_locations_gid ON account_locations(gid);
CREATE TRIGGER account_locations_site_ins AFTER INSERT ON account_locations BEGIN
  UPDATE account_locations SET gid = lower(hex(randomblob(16))) WHERE rowid = NEW.rowid AND NEW.gid IS NULL;
  INSERT INTO site_queue (change_id, tbl, gid, op, base_num, at, ins)
    SELECT lower(hex(randomblob(16))), 'account_locations', (SELECT gid FROM account_locations WHERE rowid = NEW.rowid),
           'upsert', last_num, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER), 1
    FROM site_state WHERE enabled AND NOT applying;
END;
CREATE TRIGGER account_locations_site_upd AFTER UPDATE ON account_locations WHEN OLD.gid IS NEW.gid BEGIN
  INSERT INTO site_queue (change_id, tbl, gid, op, base_num, at)
    SELECT lower(hex(randomblob(16))), 'account_locations', NEW.gid, 'upsert', last_num,
           CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
    FROM site_state WHERE enabled AND NOT applying;
END;
CREATE TRIGGER account_locations_site_del AFTER DELETE ON account_locations BEGIN
  INSERT INTO site_queue (change_id, tbl, gid, op, base_num, at)
    SELECT lower(hex(randomblob(16))), 'account_locations', OLD.gid, 'delete', last_num,
           CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
    FROM site_state WHERE enabled AND NOT applying;
END;

-- setup_codes
ALTER TABLE setup_codes ADD COLUMN gid TEXT;
UPDATE setup_codes SET gid = lower(hex(randomblob(16)));
CREATE UNIQUE INDEX setup_codes_gid ON setup_codes(gid);
CREATE TRIGGER setup_codes_site_ins AFTER INSERT ON setup_codes BEGIN
  UPDATE setup_codes SET gid = lower(hex(randomblob(16))) WHERE rowid = NEW.rowid AND NEW.gid IS NULL;
  INSERT INTO site_queue (change_id, tbl, gid, op, base_num, at, ins)
    SELECT lower(hex(randomblob(16))), 'setup_codes', (SELECT gid FROM setup_codes WHERE rowid = NEW.rowid),
           'upsert', last_num, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER), 1
    FROM site_state WHERE enabled AND NOT applying;
END;
CREATE TRIGGER setup_codes_site_upd AFTER UPDATE ON setup_codes WHEN OLD.gid IS NEW.gid BEGIN
  INSERT INTO site_queue (change_id, tbl, gid, op, base_num, at)
    SELECT lower(hex(randomblob(16))), 'setup_codes', NEW.gid, 'upsert', last_num,
           CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
    FROM site_state WHERE enabled AND NOT applying;
END;
CREATE TRIGGER setup_codes_site_del AFTER DELETE ON setup_codes BEGIN
  INSERT INTO site_queue (change_id, tbl, gid, op, base_num, at)
    SELECT lower(hex(randomblob(16))), 'setup_codes', OLD.gid, 'delete', last_num,
           CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
    FROM site_state WHERE enabled AND NOT applying;
END;

-- door_codes
ALTER TABLE door_codes ADD COLUMN gid TEXT;
UPDATE door_codes SET gid = lower(hex(randomblob(16)));
CREATE UNIQUE INDEX door_codes_gid ON door_codes(gid);
CREATE TRIGGER door_codes_site_ins AFTER INSERT ON door_codes BEGIN
  UPDATE door_codes SET gid = lower(hex(randomblob(16))) WHERE rowid = NEW.rowid AND NEW.gid IS NULL;
  INSERT INTO site_queue (change_id, tbl, gid, op, base_num, at, ins)
    SELECT lower(hex(randomblob(16))), 'door_codes', (SELECT gid FROM door_codes WHERE rowid = NEW.rowid),
           'upsert', last_num, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER), 1
    FROM site_state WHERE enabled AND NOT applying;
END;
CREATE TRIGGER door_codes_site_upd AFTER UPDATE ON door_codes WHEN OLD.gid IS NEW.gid BEGIN
  INSERT INTO site_queue (change_id, tbl, gid, op, base_num, at)
    SELECT lower(hex(randomblob(16))), 'door_codes', NEW.gid, 'upsert', last_num,
           CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
    FROM site_state WHERE enabled AND NOT applying;
END;
CREATE TRIGGER door_codes_site_del AFTER DELETE ON door_codes BEGIN
  INSERT INTO site_queue (change_id, tbl, gid, op, base_num, at)
    SELECT lower(hex(randomblob(16))), 'door_codes', OLD.gid, 'delete', last_num,
           CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
    FROM site_state WHERE enabled AND NOT applying;
END;
