-- The table of a pgstore.Store, with the quoted names of the configured table and of its expiry
-- index filled in. Every statement is safe to run again.
--
-- key        the idempotency key, as bytes: keys are compared byte for byte, and may hold NUL or
--            invalid UTF-8, which text does not accept.
-- token      the holder's token while state is 'claimed'; NULL once 'done'.
-- state      'claimed' (held under a lease) or 'done' (completed, remembered for a retention).
-- expires_at the end of the lease while 'claimed', of the retention once 'done'. From then on
--            the row counts as absent: Claim takes it over and Cleanup deletes it.
CREATE TABLE IF NOT EXISTS {{table}} (
	key        bytea       PRIMARY KEY,
	token      text,
	state      text        NOT NULL CHECK (state IN ('claimed', 'done')),
	expires_at timestamptz NOT NULL
);

-- Cleanup finds expired rows through this index instead of scanning the table.
CREATE INDEX IF NOT EXISTS {{index}} ON {{table}} (expires_at);
