-- Schema version 3: the staff search screen filters by state while it
-- searches by prefix (gh_account_search). With (kind, state, key) indexes a
-- walk over one key's prefix range in one state is an ordered index range,
-- so a rare state (pending, blocked) among 100,000 accounts costs no more
-- than a common one, and no walk has to skip rows of other states.
CREATE INDEX accounts_state_name ON accounts(kind, state, name_key);
CREATE INDEX accounts_state_email ON accounts(kind, state, email_key);
CREATE INDEX accounts_state_phone ON accounts(kind, state, phone_key);
