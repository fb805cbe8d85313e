-- Schema version 3: the staff search screen (gh_account_search) walks one
-- key's prefix range at a time, in key order, reading ids only. With these
-- indexes every walk is answered from an index alone, with no table row
-- read: (kind, key) for "any state", (kind, state, key) with the state
-- toggle, so a rare state (pending, blocked) among 100,000 accounts costs no
-- more than a common one. (kind, name_key) exists since version 1.
CREATE INDEX accounts_kind_email ON accounts(kind, email_key);
CREATE INDEX accounts_kind_phone ON accounts(kind, phone_key);
CREATE INDEX accounts_state_name ON accounts(kind, state, name_key);
CREATE INDEX accounts_state_email ON accounts(kind, state, email_key);
CREATE INDEX accounts_state_phone ON accounts(kind, state, phone_key);
