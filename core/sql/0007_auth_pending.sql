-- Attempts are counted before the secret is checked (issue 11): an attempt
-- inserts its failure row first, pending = 1 while its PIN or code is being
-- checked; a wrong secret makes it a finished failure (pending = 0, under a
-- new id), a right one deletes it. A right PIN clears only the failures
-- finished before it was tried, so attempts still being checked keep their
-- places and concurrent attempts can't check more than pin_attempts secrets.
ALTER TABLE auth_failures ADD COLUMN pending INTEGER NOT NULL DEFAULT 0;
