-- 0010: cards and fobs (issue 13).
--
-- A card's UID is kept only as its keyed hash with the site key (sitekey.h,
-- domain "card"), as door codes are: the database alone never reveals a
-- UID. card_hash is UNIQUE: one card belongs to at most one account, and
-- the same index finds a read card's owner in one lookup. An account may
-- hold several cards. last4 is the UID's last 4 hex digits, the only part
-- ever shown (card list, the kiosk's "Remove card"), to tell cards apart.
CREATE TABLE cards (
  id         INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  card_hash  TEXT NOT NULL UNIQUE,
  last4      TEXT NOT NULL,
  added_at   INTEGER NOT NULL
);
CREATE INDEX cards_by_account ON cards(account_id);
