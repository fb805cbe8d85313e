-- 0005: mail that is no longer true when its turn comes is cancelled, not
-- sent (a setup code replaced or voided, an account blocked meanwhile, a
-- sign-up already approved). SQLite can't change a CHECK constraint in
-- place, so the table is rebuilt with the same columns, rows and indexes.
CREATE TABLE outbox_new (
  id              INTEGER PRIMARY KEY,
  created_at      INTEGER NOT NULL,
  kind            TEXT NOT NULL,
  account_id      INTEGER REFERENCES accounts(id),
  to_addr         TEXT NOT NULL,
  to_name         TEXT NOT NULL DEFAULT '',
  subject         TEXT NOT NULL,
  body            TEXT NOT NULL,
  message_id      TEXT NOT NULL UNIQUE,
  state           TEXT NOT NULL DEFAULT 'queued'
                  CHECK (state IN ('queued','sent','failed','cancelled')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  first_fail_at   INTEGER,
  last_error      TEXT NOT NULL DEFAULT '',
  sent_at         INTEGER,
  secret          TEXT
);
INSERT INTO outbox_new (id, created_at, kind, account_id, to_addr, to_name, subject, body,
                        message_id, state, attempts, next_attempt_at, first_fail_at,
                        last_error, sent_at, secret)
  SELECT id, created_at, kind, account_id, to_addr, to_name, subject, body, message_id, state,
         attempts, next_attempt_at, first_fail_at, last_error, sent_at, secret FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_due ON outbox(state, next_attempt_at, id);
CREATE INDEX outbox_account ON outbox(account_id);
