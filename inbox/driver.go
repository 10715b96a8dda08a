package inbox

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/rivermigrate"
)

// Driver is the database an Inbox keeps its deliveries in: River's driver for it, and the one
// query River does not offer (Stats' counts), in the database's dialect. Build it with
// inboxpg.New (PostgreSQL) or inboxsqlite.New (SQLite), so that a program links only the
// database driver it uses. The zero Driver is not usable.
type Driver struct {
	name   string
	build  func(ctx context.Context, rc *river.Config, log *slog.Logger) (client, error)
	counts CountFunc
}

// CountFunc counts the jobs of kind in queue by provider (the job's "provider" argument) and
// River state, sorted by provider then state: the query behind Inbox.Stats, written by a driver
// package in its database's dialect.
type CountFunc func(ctx context.Context, kind, queue string) ([]StateCount, error)

// NewDriver makes a Driver of River's driver d, named name ("postgres", "sqlite"), whose counts
// are computed by counts. It is for driver packages such as inboxpg and inboxsqlite; most
// callers want theirs.
func NewDriver[TTx any](name string, d riverdriver.Driver[TTx], counts CountFunc) Driver {
	return Driver{
		name:   name,
		counts: counts,
		build: func(ctx context.Context, rc *river.Config, log *slog.Logger) (client, error) {
			m, err := rivermigrate.New(d, &rivermigrate.Config{Logger: log})
			if err != nil {
				return nil, fmt.Errorf("inbox: migrator: %w", err)
			}
			if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
				return nil, fmt.Errorf("inbox: migrate: %w", err)
			}
			c, err := river.NewClient(d, rc)
			if err != nil {
				return nil, fmt.Errorf("%w: %w", ErrConfig, err)
			}
			return c, nil
		},
	}
}

// Name is the database's name given to NewDriver: "postgres" or "sqlite" for this module's
// drivers.
func (d Driver) Name() string { return d.name }
