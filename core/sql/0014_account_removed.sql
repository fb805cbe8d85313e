-- 0014 (issue 16): removing a person. A removed occupant's row
-- stays, so the log and the outbox still point at an account, but every
-- personal detail in it is erased (account_remove.c): removed_at says when.
-- Such a row is read as state "removed" (it is stored 'inactive', which no
-- door and no log-in accepts) and can't be changed again.
ALTER TABLE accounts ADD COLUMN removed_at INTEGER;
