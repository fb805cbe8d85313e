-- 0016: site sync for the tables that came after 0013 (issue 20;
-- docs/site-server.md): cards, requests and their replies, the property
-- management provenance and unit overlocks (0010-0012), and site_offline,
-- new here: each kiosk's offline periods, replicated so that every kiosk's
-- digest can say how long each kiosk of the site was offline.
--
-- Each table gets what 0013 gave the others: a unique gid set by a trigger,
-- and capture triggers into site_queue in the same transaction as the
-- write. On a kiosk that joined its site before this migration, the rows
-- already here are queued once, so the server and the other kiosks get them.

-- One row per offline period of one kiosk (kiosk: its [site] kiosk name),
-- written by that kiosk when it reaches the server again (site_offline.c).
-- A zero-length row marks a kiosk that joined, so a digest lists it too.
CREATE TABLE site_offline (
  id       INTEGER PRIMARY KEY,
  kiosk    TEXT NOT NULL,
  since_ms INTEGER NOT NULL,
  until_ms INTEGER NOT NULL
) STRICT;
CREATE INDEX site_offline_until ON site_offline(until_ms);

-- cards
ALTER TABLE cards ADD COLUMN gid TEXT;
UPDATE cards SET gid = lower(hex(randomblob(16)));
CREATE UNIQUE INDEX cards_gid ON cards(gid);
CREATE TRIGGER cards_site_ins AFTER INSERT ON cards BEGIN
  UPDATE cards SET gid = lower(hex(randomblob(16))) WHERE rowid = NEW.rowid AND NEW.gid IS NULL;
  INSERT INTO site_queue (change_id, tbl, gid, op, base_num, at, ins)
    SELECT lower(hex(randomblob(16))), 'cards', (SELECT gid FROM cards WHERE rowid = NEW.rowid),
           'upsert', last_num, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER), 1
    FROM site_state WHERE enabled AND NOT applying;
END;
CREATE TRIGGER cards_site_upd AFTER UPDATE ON cards WHEN OLD.gid IS NEW.gid BEGIN
  INSERT INTO site_queue (change_id, tbl, gid, op, base_num, at)
    SELECT lower(hex(randomblob(16))), 'cards', NEW.gid, 'upsert', last_num,
           CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
    FROM site_state WHERE enabled AND NOT applying;
END;
CREATE TRIGGER cards_site_del AFTER DELETE ON cards BEGIN
  INSERT INTO site_queue (change_id, tbl, gid, op, base_num, at)
    SELECT lower(hex(randomblob(16))), 'cards', OLD.gid, 'delete', last_num,
           CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
    FROM site_state WHERE enabled AND NOT applying;
END;
-- rows this kiosk had before it replicated them, on a site already joined
INSERT INTO site_queue (change_id, tbl, gid, op, base_num, at)
  SELECT lower(hex(randomblob(16))), 'cards', gid, 'upsert', 0, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
  FROM cards WHERE (SELECT enabled FROM site_state) ORDER BY rowid;

-- requests
ALTER TABLE requests ADD COLUMN gid TEXT;
UPDATE requests SET gid = lower(hex(randomblob(16)));
CREATE UNIQUE INDEX requests_gid ON requests(gid);
CREATE TRIGGER requests_site_ins AFTER INSERT ON requests BEGIN
  UPDATE requests SET gid = lower(hex(randomblob(16))) WHERE rowid = NEW.rowid AND NEW.gid IS NULL;
  INSERT INTO site_queue (change_id, tbl, gid, op, base_num, at, ins)
    SELECT lower(hex(randomblob(16))), 'requests', (SELECT gid FROM requests WHERE rowid = NEW.rowid),
           'upsert', last_num, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER), 1
    FROM site_state WHERE enabled AND NOT applying;
END;
CREATE TRIGGER requests_site_upd AFTER UPDATE ON requests WHEN OLD.gid IS NEW.gid BEGIN
  INSERT INTO site_queue (change_id, tbl, gid, op, base_num, at)
    SELECT lower(hex(randomblob(16))), 'requests', NEW.gid, 'upsert', last_num,
           CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
    FROM site_state WHERE enabled AND NOT applying;
END;
CREATE TRIGGER requests_site_del AFTER DELETE ON requests BEGIN
  INSERT INTO site_queue (change_id, tbl, gid, op, base_num, at)
    SELECT lower(hex(randomblob(16))), 'requests', OLD.gid, 'delete', last_num,
           CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
    FROM site_state WHERE enabled AND NOT applying;
END;
-- rows this kiosk had before it replicated them, on a site already joined
INSERT INTO site_queue (change_id, tbl, gid, op, base_num, at)
  SELECT lower(hex(randomblob(16))), 'requests', gid, 'upsert', 0, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
  FROM requests WHERE (SELECT enabled FROM site_state) ORDER BY rowid;

-- request_replies
ALTER TABLE request_replies ADD COLUMN gid TEXT;
UPDATE request_replies SET gid = lower(hex(randomblob(16)));
CREATE UNIQUE INDEX request_replies_gid ON request_replies(gid);
CREATE TRIGGER request_replies_site_ins AFTER INSERT ON request_replies BEGIN
  UPDATE request_replies SET gid = lower(hex(randomblob(16))) WHERE rowid = NEW.rowid AND NEW.gid IS NULL;
  INSERT INTO site_queue (change_id, tbl, gid, op, base_num, at, ins)
    SELECT lower(hex(randomblob(16))), 'request_replies', (SELECT gid FROM request_replies WHERE rowid = NEW.rowid),
           'upsert', last_num, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER), 1
    FROM site_state WHERE enabled AND NOT applying;
END;
CREATE TRIGGER request_replies_site_upd AFTER UPDATE ON request_replies WHEN OLD.gid IS NEW.gid BEGIN
  INSERT INTO site_queue (change_id, tbl, gid, op, base_num, at)
    SELECT lower(hex(randomblob(16))), 'request_replies', NEW.gid, 'upsert', last_num,
           CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
    FROM site_state WHERE enabled AND NOT applying;
END;
CREATE TRIGGER request_replies_site_del AFTER DELETE ON request_replies BEGIN
  INSERT INTO site_queue (change_id, tbl, gid, op, base_num, at)
    SELECT lower(hex(randomblob(16))), 'request_replies', OLD.gid, 'delete', last_num,
           CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
    FROM site_state WHERE enabled AND NOT applying;
END;
-- rows this kiosk had before it replicated them, on a site already joined
INSERT INTO site_queue (change_id, tbl, gid, op, base_num, at)
  SELECT lower(hex(randomblob(16))), 'request_replies', gid, 'upsert', 0, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
  FROM request_replies WHERE (SELECT enabled FROM site_state) ORDER BY rowid;

-- import_tenants
ALTER TABLE import_tenants ADD COLUMN gid TEXT;
UPDATE import_tenants SET gid = lower(hex(randomblob(16)));
CREATE UNIQUE INDEX import_tenants_gid ON import_tenants(gid);
CREATE TRIGGER import_tenants_site_ins AFTER INSERT ON import_tenants BEGIN
  UPDATE import_tenants SET gid = lower(hex(randomblob(16))) WHERE rowid = NEW.rowid AND NEW.gid IS NULL;
  INSERT INTO site_queue (change_id, tbl, gid, op, base_num, at, ins)
    SELECT lower(hex(randomblob(16))), 'import_tenants', (SELECT gid FROM import_tenants WHERE rowid = NEW.rowid),
           'upsert', last_num, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER), 1
    FROM site_state WHERE enabled AND NOT applying;
END;
CREATE TRIGGER import_tenants_site_upd AFTER UPDATE ON import_tenants WHEN OLD.gid IS NEW.gid BEGIN
  INSERT INTO site_queue (change_id, tbl, gid, op, base_num, at)
    SELECT lower(hex(randomblob(16))), 'import_tenants', NEW.gid, 'upsert', last_num,
           CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
    FROM site_state WHERE enabled AND NOT applying;
END;
CREATE TRIGGER import_tenants_site_del AFTER DELETE ON import_tenants BEGIN
  INSERT INTO site_queue (change_id, tbl, gid, op, base_num, at)
    SELECT lower(hex(randomblob(16))), 'import_tenants', OLD.gid, 'delete', last_num,
           CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
    FROM site_state WHERE enabled AND NOT applying;
END;
-- rows this kiosk had before it replicated them, on a site already joined
INSERT INTO site_queue (change_id, tbl, gid, op, base_num, at)
  SELECT lower(hex(randomblob(16))), 'import_tenants', gid, 'upsert', 0, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
  FROM import_tenants WHERE (SELECT enabled FROM site_state) ORDER BY rowid;

-- import_units
ALTER TABLE import_units ADD COLUMN gid TEXT;
UPDATE import_units SET gid = lower(hex(randomblob(16)));
CREATE UNIQUE INDEX import_units_gid ON import_units(gid);
CREATE TRIGGER import_units_site_ins AFTER INSERT ON import_units BEGIN
  UPDATE import_units SET gid = lower(hex(randomblob(16))) WHERE rowid = NEW.rowid AND NEW.gid IS NULL;
  INSERT INTO site_queue (change_id, tbl, gid, op, base_num, at, ins)
    SELECT lower(hex(randomblob(16))), 'import_units', (SELECT gid FROM import_units WHERE rowid = NEW.rowid),
           'upsert', last_num, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER), 1
    FROM site_state WHERE enabled AND NOT applying;
END;
CREATE TRIGGER import_units_site_upd AFTER UPDATE ON import_units WHEN OLD.gid IS NEW.gid BEGIN
  INSERT INTO site_queue (change_id, tbl, gid, op, base_num, at)
    SELECT lower(hex(randomblob(16))), 'import_units', NEW.gid, 'upsert', last_num,
           CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
    FROM site_state WHERE enabled AND NOT applying;
END;
CREATE TRIGGER import_units_site_del AFTER DELETE ON import_units BEGIN
  INSERT INTO site_queue (change_id, tbl, gid, op, base_num, at)
    SELECT lower(hex(randomblob(16))), 'import_units', OLD.gid, 'delete', last_num,
           CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
    FROM site_state WHERE enabled AND NOT applying;
END;
-- rows this kiosk had before it replicated them, on a site already joined
INSERT INTO site_queue (change_id, tbl, gid, op, base_num, at)
  SELECT lower(hex(randomblob(16))), 'import_units', gid, 'upsert', 0, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
  FROM import_units WHERE (SELECT enabled FROM site_state) ORDER BY rowid;

-- unit_overlocks
ALTER TABLE unit_overlocks ADD COLUMN gid TEXT;
UPDATE unit_overlocks SET gid = lower(hex(randomblob(16)));
CREATE UNIQUE INDEX unit_overlocks_gid ON unit_overlocks(gid);
CREATE TRIGGER unit_overlocks_site_ins AFTER INSERT ON unit_overlocks BEGIN
  UPDATE unit_overlocks SET gid = lower(hex(randomblob(16))) WHERE rowid = NEW.rowid AND NEW.gid IS NULL;
  INSERT INTO site_queue (change_id, tbl, gid, op, base_num, at, ins)
    SELECT lower(hex(randomblob(16))), 'unit_overlocks', (SELECT gid FROM unit_overlocks WHERE rowid = NEW.rowid),
           'upsert', last_num, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER), 1
    FROM site_state WHERE enabled AND NOT applying;
END;
CREATE TRIGGER unit_overlocks_site_upd AFTER UPDATE ON unit_overlocks WHEN OLD.gid IS NEW.gid BEGIN
  INSERT INTO site_queue (change_id, tbl, gid, op, base_num, at)
    SELECT lower(hex(randomblob(16))), 'unit_overlocks', NEW.gid, 'upsert', last_num,
           CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
    FROM site_state WHERE enabled AND NOT applying;
END;
CREATE TRIGGER unit_overlocks_site_del AFTER DELETE ON unit_overlocks BEGIN
  INSERT INTO site_queue (change_id, tbl, gid, op, base_num, at)
    SELECT lower(hex(randomblob(16))), 'unit_overlocks', OLD.gid, 'delete', last_num,
           CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
    FROM site_state WHERE enabled AND NOT applying;
END;
-- rows this kiosk had before it replicated them, on a site already joined
INSERT INTO site_queue (change_id, tbl, gid, op, base_num, at)
  SELECT lower(hex(randomblob(16))), 'unit_overlocks', gid, 'upsert', 0, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
  FROM unit_overlocks WHERE (SELECT enabled FROM site_state) ORDER BY rowid;

-- site_offline
ALTER TABLE site_offline ADD COLUMN gid TEXT;
UPDATE site_offline SET gid = lower(hex(randomblob(16)));
CREATE UNIQUE INDEX site_offline_gid ON site_offline(gid);
CREATE TRIGGER site_offline_site_ins AFTER INSERT ON site_offline BEGIN
  UPDATE site_offline SET gid = lower(hex(randomblob(16))) WHERE rowid = NEW.rowid AND NEW.gid IS NULL;
  INSERT INTO site_queue (change_id, tbl, gid, op, base_num, at, ins)
    SELECT lower(hex(randomblob(16))), 'site_offline', (SELECT gid FROM site_offline WHERE rowid = NEW.rowid),
           'upsert', last_num, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER), 1
    FROM site_state WHERE enabled AND NOT applying;
END;
CREATE TRIGGER site_offline_site_upd AFTER UPDATE ON site_offline WHEN OLD.gid IS NEW.gid BEGIN
  INSERT INTO site_queue (change_id, tbl, gid, op, base_num, at)
    SELECT lower(hex(randomblob(16))), 'site_offline', NEW.gid, 'upsert', last_num,
           CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
    FROM site_state WHERE enabled AND NOT applying;
END;
CREATE TRIGGER site_offline_site_del AFTER DELETE ON site_offline BEGIN
  INSERT INTO site_queue (change_id, tbl, gid, op, base_num, at)
    SELECT lower(hex(randomblob(16))), 'site_offline', OLD.gid, 'delete', last_num,
           CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
    FROM site_state WHERE enabled AND NOT applying;
END;
-- rows this kiosk had before it replicated them, on a site already joined
INSERT INTO site_queue (change_id, tbl, gid, op, base_num, at)
  SELECT lower(hex(randomblob(16))), 'site_offline', gid, 'upsert', 0, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
  FROM site_offline WHERE (SELECT enabled FROM site_state) ORDER BY rowid;
