-- 0012: property management sync (issue 18).
--
-- import_tenants: occupants an import created. import_units: units an
-- import rented, and to whom. Together they are the provenance `import
-- --sync` needs: a tenant absent from the file is moved out only when every
-- unit they rent came from an import (a unit rented by hand keeps them).
-- A row of import_units counts only while the unit is still rented to that
-- account (staff may have vacated or re-rented it since).
CREATE TABLE import_tenants (
  account_id   INTEGER PRIMARY KEY REFERENCES accounts(id),
  created_at   INTEGER NOT NULL,
  moved_out_at INTEGER                  -- set by a --sync move-out
);
CREATE TABLE import_units (
  location_id INTEGER PRIMARY KEY REFERENCES locations(id),
  account_id  INTEGER NOT NULL REFERENCES accounts(id),
  rented_at   INTEGER NOT NULL
);
CREATE INDEX import_units_account ON import_units(account_id);

-- Overlocked units (a tenant behind on rent). The lock holds for the tenant
-- the unit had when it was set: once the unit is vacated or rented to
-- someone else the row no longer matches and the new tenant is not locked
-- out (the trigger below deletes the row then). source: 'import' (the delinquent column) or 'hand' (unit overlock).
CREATE TABLE unit_overlocks (
  location_id    INTEGER PRIMARY KEY REFERENCES locations(id),
  tenant_account INTEGER REFERENCES accounts(id),
  tenant_group   INTEGER REFERENCES groups(id),
  source         TEXT NOT NULL CHECK (source IN ('import','hand')),
  since          INTEGER NOT NULL
);
CREATE INDEX unit_overlocks_account ON unit_overlocks(tenant_account);

-- A tenancy that changes (vacated, or rented to someone else) ends the
-- unit's overlock and its import provenance, whichever program or screen
-- changed it: a later tenant, or the same one renting it again by hand,
-- starts clean.
CREATE TRIGGER locations_tenancy_ends AFTER UPDATE OF tenant_account, tenant_group ON locations
BEGIN
  DELETE FROM unit_overlocks WHERE location_id = NEW.id
    AND (tenant_account IS NOT NEW.tenant_account OR tenant_group IS NOT NEW.tenant_group);
  DELETE FROM import_units WHERE location_id = NEW.id
    AND account_id IS NOT NEW.tenant_account;
END;
