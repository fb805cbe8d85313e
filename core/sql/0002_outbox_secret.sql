-- Schema version 2: keep the setup code out of a stored email body.
--
-- A welcome email's body is stored with a one-byte placeholder (0x1D) where
-- the setup code goes, and the code itself sits in `secret` only while the
-- message waits for the relay. gh_outbox_get/due/list put it into the body
-- they hand out. Once the message is sent or has failed, `secret` is cleared,
-- so the code is gone from the database (and from every later backup) and
-- the body reads "[code removed]" in its place. Nothing else in the row has
-- to be rewritten to redact it.
ALTER TABLE outbox ADD COLUMN secret TEXT;
