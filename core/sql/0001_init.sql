-- Gatehouse schema, version 1. Applied by the store's migration runner inside
-- one transaction; PRAGMA user_version records the last applied migration.
-- Times are unix milliseconds from gh_clock_now_ms().

CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

-- The location tree (site > building > floor > door). A row with door_kind
-- set is a door; a unit door may be rented to one occupant or one group.
CREATE TABLE locations (
  id             INTEGER PRIMARY KEY,
  name           TEXT NOT NULL,
  name_key       TEXT NOT NULL UNIQUE,          -- lower-cased name
  parent_id      INTEGER REFERENCES locations(id),
  door_kind      TEXT CHECK (door_kind IN ('common','unit')),
  relay_board    TEXT,
  relay_channel  INTEGER,
  unlock_ms      INTEGER,                       -- NULL: the unlock_ms setting
  tenant_account INTEGER REFERENCES accounts(id),
  tenant_group   INTEGER REFERENCES groups(id),
  shared         INTEGER NOT NULL DEFAULT 0,    -- tenant shares with management
  created_at     INTEGER NOT NULL,
  CHECK (tenant_account IS NULL OR tenant_group IS NULL),
  CHECK ((relay_board IS NULL) = (relay_channel IS NULL))
);
CREATE INDEX locations_parent ON locations(parent_id);
CREATE INDEX locations_tenant_account ON locations(tenant_account);
CREATE INDEX locations_tenant_group ON locations(tenant_group);
CREATE UNIQUE INDEX locations_relay ON locations(relay_board, relay_channel)
  WHERE relay_board IS NOT NULL;

CREATE TABLE groups (
  id         INTEGER PRIMARY KEY,
  name       TEXT NOT NULL,
  name_key   TEXT NOT NULL UNIQUE,
  access     TEXT NOT NULL CHECK (access IN ('all','specific')),
  archived   INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
);
CREATE TABLE group_locations (
  group_id    INTEGER NOT NULL REFERENCES groups(id),
  location_id INTEGER NOT NULL REFERENCES locations(id),
  PRIMARY KEY (group_id, location_id)
);
CREATE TABLE group_domains (
  group_id INTEGER NOT NULL REFERENCES groups(id),
  domain   TEXT NOT NULL,                       -- lower-cased
  PRIMARY KEY (group_id, domain)
);
CREATE INDEX group_domains_domain ON group_domains(domain);

-- Occupants and staff share one table, so that email and phone are unique
-- across both, whatever the state.
CREATE TABLE accounts (
  id           INTEGER PRIMARY KEY,
  kind         TEXT NOT NULL CHECK (kind IN ('occupant','staff')),
  email        TEXT NOT NULL,                   -- as typed
  email_key    TEXT NOT NULL UNIQUE,            -- lower-cased
  name         TEXT NOT NULL DEFAULT '',
  name_key     TEXT NOT NULL DEFAULT '',        -- lower-cased, for prefix search
  phone        TEXT,                            -- as typed
  phone_key    TEXT UNIQUE,                     -- normalised: '+' and digits
  state        TEXT NOT NULL CHECK (state IN ('active','pending','inactive','blocked')),
  access       TEXT NOT NULL DEFAULT 'none'
               CHECK (access IN ('none','all','group','specific')),
  group_id     INTEGER REFERENCES groups(id),
  perms        INTEGER NOT NULL DEFAULT 0,      -- staff permission bits
  pin_hash     TEXT,                            -- Argon2id (crypto_pwhash_str)
  req_org      TEXT NOT NULL DEFAULT '',        -- sign-up request, for the approver
  req_unit     TEXT NOT NULL DEFAULT '',
  domain_group INTEGER REFERENCES groups(id),   -- group joined by email domain
  locked_until INTEGER NOT NULL DEFAULT 0,      -- kiosk log-in lock-out
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL,
  signed_up_at INTEGER,                         -- last self sign-up
  last_seen_at INTEGER                          -- last activity
);
CREATE INDEX accounts_kind_state ON accounts(kind, state, signed_up_at, id);
CREATE INDEX accounts_name_key ON accounts(kind, name_key);
CREATE INDEX accounts_group ON accounts(group_id);

CREATE TABLE account_locations (
  account_id  INTEGER NOT NULL REFERENCES accounts(id),
  location_id INTEGER NOT NULL REFERENCES locations(id),
  PRIMARY KEY (account_id, location_id)
);

-- One live setup code per account: issuing a new one replaces the row, which
-- voids the old code. Only the hash is kept.
CREATE TABLE setup_codes (
  account_id INTEGER PRIMARY KEY REFERENCES accounts(id),
  code_hash  TEXT NOT NULL,
  issued_at  INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at    INTEGER
);

-- Failed PIN or code attempts, for the lock-out window.
CREATE TABLE auth_failures (
  id         INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  at         INTEGER NOT NULL
);
CREATE INDEX auth_failures_account ON auth_failures(account_id, at);

-- The activity log: append-only, each row chained to the previous by
-- hash = SHA-256(prev_hash || canonical content).
CREATE TABLE audit (
  seq       INTEGER PRIMARY KEY,
  at        INTEGER NOT NULL,
  actor     TEXT NOT NULL,
  action    TEXT NOT NULL,
  target    TEXT NOT NULL DEFAULT '',
  outcome   TEXT NOT NULL CHECK (outcome IN ('ok','refused','failed')),
  reason    TEXT NOT NULL DEFAULT '',
  prev_hash TEXT NOT NULL,
  hash      TEXT NOT NULL
);

-- Mail waiting for the relay. The body may hold a setup code in clear only
-- until the message is sent or failed; then it is redacted.
CREATE TABLE outbox (
  id              INTEGER PRIMARY KEY,
  created_at      INTEGER NOT NULL,
  kind            TEXT NOT NULL,                -- 'welcome', 'signup_notify', ...
  account_id      INTEGER REFERENCES accounts(id),
  to_addr         TEXT NOT NULL,
  to_name         TEXT NOT NULL DEFAULT '',
  subject         TEXT NOT NULL,
  body            TEXT NOT NULL,
  message_id      TEXT NOT NULL UNIQUE,
  state           TEXT NOT NULL DEFAULT 'queued'
                  CHECK (state IN ('queued','sent','failed')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  first_fail_at   INTEGER,
  last_error      TEXT NOT NULL DEFAULT '',
  sent_at         INTEGER
);
CREATE INDEX outbox_due ON outbox(state, next_attempt_at, id);
CREATE INDEX outbox_account ON outbox(account_id);
