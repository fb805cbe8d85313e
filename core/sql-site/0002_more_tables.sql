-- Gatehouse site server schema, version 2 (PostgreSQL 15): kiosks also
-- replicate cards, requests and their replies, the property management
-- tables, unit overlocks and their offline periods (the kiosk's migration
-- 0016). site_rows holds any table's rows already; the version says which
-- tables a site replicates, so a kiosk whose program knows only version 1
-- (and would not pass a removed card on) is told to upgrade instead of
-- syncing half of what the others do.
--
-- A card belongs to one account: two kiosks that registered the same card
-- for different people while cut off are a conflict (site_conflict.c), found
-- by this index. IF NOT EXISTS: an upgrade that is run again changes nothing.
CREATE INDEX IF NOT EXISTS site_rows_card ON site_rows ((data->>'card_hash'))
  WHERE tbl = 'cards';
