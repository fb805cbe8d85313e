-- 0011: requests (issue 17; SPEC "Requests").
--
-- A request is filed by one occupant, for a location or for the building as
-- a whole (location_id NULL: "General"). state: open -> answered (staff
-- replied) -> resolved; resolved_at says when, for the 14-day reopen rule.
-- The filer's group is not stored: who may see a request follows the filer's
-- group as it is now (SPEC: an occupant sees the requests of every member
-- of their live group).
CREATE TABLE requests (
  id          INTEGER PRIMARY KEY,
  account_id  INTEGER NOT NULL REFERENCES accounts(id),
  location_id INTEGER REFERENCES locations(id),
  subject     TEXT NOT NULL,
  body        TEXT NOT NULL,
  state       TEXT NOT NULL DEFAULT 'open'
              CHECK (state IN ('open','answered','resolved')),
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  resolved_at INTEGER
);
CREATE INDEX requests_account ON requests(account_id, state);
CREATE INDEX requests_queue ON requests(state, created_at, id);

-- The thread. author_id NULL: the building itself (gatehousectl without
-- --as). message_id: the email a reply came in (IMAP), UNIQUE so that a
-- message fetched twice (its \Seen flag not stored after the commit) is
-- threaded once.
CREATE TABLE request_replies (
  id         INTEGER PRIMARY KEY,
  request_id INTEGER NOT NULL REFERENCES requests(id),
  author_id  INTEGER REFERENCES accounts(id),
  at         INTEGER NOT NULL,
  body       TEXT NOT NULL,
  via        TEXT NOT NULL DEFAULT 'kiosk' CHECK (via IN ('kiosk','cli','email')),
  message_id TEXT UNIQUE
);
CREATE INDEX request_replies_request ON request_replies(request_id, at, id);
