-- The schema of a sqlitestore database. Open and New run it every time; each statement is
-- idempotent, so running it on a database that already has the schema changes nothing. A later
-- version adds statements here that are idempotent too (IF NOT EXISTS, or guarded by a check).

-- One row per key: held (token set, expires = end of the lease) or done (token NULL,
-- expires = end of the retention). A row whose expires has passed by the store's clock is
-- free, as if it were absent, until Claim takes it over or Cleanup deletes it.
--
-- key is a BLOB so that keys compare byte for byte (NUL bytes and invalid UTF-8 included);
-- expires is in Unix nanoseconds. STRICT makes SQLite refuse a value of another type.
CREATE TABLE IF NOT EXISTS inspecthook_idempotency (
    key     BLOB    NOT NULL PRIMARY KEY,
    token   TEXT,
    expires INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

-- Cleanup finds expired rows through this index without scanning the table.
CREATE INDEX IF NOT EXISTS inspecthook_idempotency_expires ON inspecthook_idempotency (expires);
