// Package inboxsqlite keeps an inbox in a SQLite file, through River's riversqlite driver and
// modernc.org/sqlite (pure Go, no cgo), which this package registers itself: one process with a
// local disk, such as a single VM or a development machine, and no server to run.
//
//	db, err := inboxsqlite.OpenDB("inbox.db")
//	ib, err := inbox.Open(ctx, inboxsqlite.New(db), inbox.Config{})
//
// SQLite has no LISTEN/NOTIFY: River polls for new jobs every inbox.Config.FetchPollInterval.
// Only one process may work the file's jobs at a time. Programs that import only this driver
// package link no PostgreSQL driver.
package inboxsqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"

	"github.com/riverqueue/river/riverdriver/riversqlite"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver

	"github.com/inspecthook/inspecthook/inbox"
)

// Pragmas are the settings OpenDB opens a file with: wait up to 10 s for a lock instead of
// failing at once, and write ahead to a log (readers do not block the writer). Synchronous
// stays SQLite's FULL, so a delivery acknowledged is on disk even after a power loss.
const Pragmas = "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)"

// OpenDB opens (creating it when missing) the SQLite file at path with Pragmas and one
// connection, as River advises for SQLite: a second connection would only wait for the first's
// lock. Close it after the Inbox has stopped.
func OpenDB(path string) (*sql.DB, error) {
	if path == "" {
		return nil, errors.New("inboxsqlite: empty path")
	}
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?"+Pragmas)
	if err != nil {
		return nil, fmt.Errorf("inboxsqlite: %w", err)
	}
	db.SetMaxOpenConns(1)
	if err := db.Ping(); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("inboxsqlite: opening %s: %w", path, err)
	}
	return db, nil
}

// countsSQL counts the jobs of a kind and queue by provider and state.
const countsSQL = `SELECT coalesce(args->>'provider', ''), state, count(*)
FROM river_job WHERE kind = ? AND queue = ? GROUP BY 1, 2 ORDER BY 1, 2`

// New returns the inbox.Driver of db, for inbox.Open. db is a modernc.org/sqlite database,
// best opened with OpenDB; it stays the caller's to close, after the Inbox has stopped.
func New(db *sql.DB) inbox.Driver {
	return inbox.NewDriver("sqlite", riversqlite.New(db), func(ctx context.Context, kind, queue string) ([]inbox.StateCount, error) {
		rows, err := db.QueryContext(ctx, countsSQL, kind, queue)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var out []inbox.StateCount
		for rows.Next() {
			var c inbox.StateCount
			if err := rows.Scan(&c.Provider, &c.State, &c.Jobs); err != nil {
				return nil, err
			}
			out = append(out, c)
		}
		return out, rows.Err()
	})
}
