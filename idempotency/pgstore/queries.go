package pgstore

import (
	_ "embed"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
)

// Every statement takes the time as a parameter, NULL for the server's clock: coalesce($n,
// now()). now() is the start of the statement's transaction, which for these single statements
// is the statement's own start, so a statement sees one time throughout. Durations are whole
// microseconds ($n * interval '1 microsecond'); keys are bytea, compared byte for byte.

// claimSQL is Claim: $1 key, $2 the new token, $3 the lease, $4 the time.
//
// It reads the key first (live), from the statement's snapshot, taken when the statement
// started. A live row, one whose lease or retention has not ended, is the answer: won = false
// with its state and expiry (InFlight or Done), without locking or writing anything, so that
// duplicate and in-flight deliveries, however many, never queue on the row nor hold up the
// holder's Renew and Complete. A done row is never changed before it expires, so Done read from
// the snapshot is exact; a claimed row can have been completed or released since, and then
// InFlight is merely conservative (409: the sender retries).
//
// Otherwise (claimed) it inserts the row or, when the key exists, takes it over only if it has
// expired (ON CONFLICT (key) DO UPDATE ... WHERE expired): won = true with the new lease. ON
// CONFLICT sees the latest committed row, not the snapshot, and so can find the key live when the
// snapshot did not: a concurrent Claim inserted it, or took over an expired row, after this
// statement started. Then neither part returns a row, and Claim asks again with
// claimLockedSQL: one more round trip, only when claims of one key race. Reading the current row
// in the same statement cannot avoid it, since that read sees the same snapshot.
const claimSQL = `
WITH live AS (
	SELECT state, expires_at FROM %[1]s
	WHERE key = $1 AND expires_at > coalesce($4::timestamptz, now())
), claimed AS (
	INSERT INTO %[1]s AS t (key, token, state, expires_at)
	SELECT $1::bytea, $2::text, 'claimed', coalesce($4::timestamptz, now()) + $3::bigint * interval '1 microsecond'
	WHERE NOT EXISTS (SELECT FROM live)
	ON CONFLICT (key) DO UPDATE
		SET token = excluded.token, state = excluded.state, expires_at = excluded.expires_at
		WHERE t.expires_at <= coalesce($4::timestamptz, now())
	RETURNING t.expires_at
)
SELECT true, 'claimed', expires_at FROM claimed
UNION ALL
SELECT false, state, expires_at FROM live`

// claimLockedSQL is Claim after claimSQL returned no row; same parameters and result. Its DO
// UPDATE always updates, writing the row's own values back unless it has expired, so that it
// always returns the latest row, locked: won when the token is the new one. It answers every
// time, however the key changes, but writes a row version for a live key, which is why it is
// only the fallback of claimSQL.
const claimLockedSQL = `
INSERT INTO %[1]s AS t (key, token, state, expires_at)
VALUES ($1, $2, 'claimed', coalesce($4::timestamptz, now()) + $3::bigint * interval '1 microsecond')
ON CONFLICT (key) DO UPDATE SET
	token      = CASE WHEN t.expires_at <= coalesce($4::timestamptz, now()) THEN excluded.token ELSE t.token END,
	state      = CASE WHEN t.expires_at <= coalesce($4::timestamptz, now()) THEN excluded.state ELSE t.state END,
	expires_at = CASE WHEN t.expires_at <= coalesce($4::timestamptz, now()) THEN excluded.expires_at ELSE t.expires_at END
RETURNING coalesce(t.token = $2, false), t.state, t.expires_at`

// renewSQL is Renew: $1 key, $2 token, $3 the lease, $4 the time.
const renewSQL = `
UPDATE %[1]s SET expires_at = coalesce($4::timestamptz, now()) + $3::bigint * interval '1 microsecond'
WHERE key = $1 AND token = $2 AND state = 'claimed' AND expires_at > coalesce($4::timestamptz, now())`

// completeSQL is Complete: $1 key, $2 token, $3 the retention, $4 the time. The token is
// cleared, so that it holds nothing once done.
const completeSQL = `
UPDATE %[1]s SET state = 'done', token = NULL,
	expires_at = coalesce($4::timestamptz, now()) + $3::bigint * interval '1 microsecond'
WHERE key = $1 AND token = $2 AND state = 'claimed' AND expires_at > coalesce($4::timestamptz, now())`

// releaseSQL is Release: $1 key, $2 token, $3 the time.
const releaseSQL = `
DELETE FROM %[1]s
WHERE key = $1 AND token = $2 AND state = 'claimed' AND expires_at > coalesce($3::timestamptz, now())`

// cleanupSQL is one batch of Cleanup: $1 the time, $2 the batch size. The subquery picks at most
// $2 expired rows (through the expiry index, when few rows have expired) and locks them,
// skipping rows another transaction holds (a Claim taking one over, another replica's cleanup),
// and the DELETE removes them by their physical address. ctid = ANY (ARRAY(...)) is one TID scan;
// the equivalent ctid IN (SELECT ...) plans as a hash aggregate and a nested loop of TID scans,
// some four times slower on batches of 1000. The rows stay locked from the subquery to the
// DELETE, so no Claim takes one over in between; the DELETE checks the expiry again all the same.
const cleanupSQL = `
DELETE FROM %[1]s
WHERE ctid = ANY (ARRAY(
	SELECT ctid FROM %[1]s
	WHERE expires_at <= coalesce($1::timestamptz, now())
	LIMIT $2
	FOR UPDATE SKIP LOCKED
)) AND expires_at <= coalesce($1::timestamptz, now())`

// lockSQL takes the transaction-scoped advisory lock that serialises migrations of one table
// across every process: $1 the lock's name.
const lockSQL = `SELECT pg_advisory_xact_lock(hashtextextended($1::text, 0))`

// probeSQL reads no row but fails unless the table has the columns the queries use.
const probeSQL = `SELECT key, token, state, expires_at FROM %[1]s LIMIT 0`

//go:embed migrate.sql
var migrateSQL string

// queries are the statements of one table.
type queries struct {
	claim, claimLocked, renew, complete, release, cleanup string
	migrate, probe                                        string
	lock                                                  string // the advisory lock's name
}

// newQueries returns the statements for the table named by ident.
func newQueries(ident pgx.Identifier) queries {
	table := ident.Sanitize()
	index := pgx.Identifier{ident[len(ident)-1] + indexSuffix}.Sanitize()
	f := func(sql string) string { return strings.TrimSpace(fmt.Sprintf(sql, table)) }
	return queries{
		claim:       f(claimSQL),
		claimLocked: f(claimLockedSQL),
		renew:       f(renewSQL),
		complete:    f(completeSQL),
		release:     f(releaseSQL),
		cleanup:     f(cleanupSQL),
		probe:       f(probeSQL),
		migrate:     strings.NewReplacer("{{table}}", table, "{{index}}", index).Replace(migrateSQL),
		lock:        "inspecthook/pgstore migrate " + table,
	}
}
