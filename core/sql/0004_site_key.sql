-- 0004: the site key's fingerprint (see core/src/sitekey.c). The key itself
-- lives in a file beside the database, never in it; recording which key this
-- database was made with lets a later start tell a missing or foreign key
-- file from a first start.
CREATE TABLE site_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;
