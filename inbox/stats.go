package inbox

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// WaitingStates are the River states of a delivery that has not run to an end yet: stored and
// due (available), due later or after a backoff (scheduled, retryable), or held (pending).
var WaitingStates = []string{"available", "scheduled", "retryable", "pending"}

// StateCount is how many deliveries of one provider are in one River state.
type StateCount struct {
	Provider string
	State    string // River's: "available", "running", "retryable", "completed", "discarded" (dead), ...
	Jobs     int
}

// Stats is a summary of the Inbox for metrics and pages: counts, not bodies.
type Stats struct {
	// Counts holds one entry per provider and state that has jobs, sorted by provider then
	// state. Finished jobs are counted until Retention removes them.
	Counts []StateCount
	// OldestWaiting is when the oldest delivery still waiting (WaitingStates) was received;
	// zero when none waits.
	OldestWaiting time.Time
}

// Stats counts the Inbox's deliveries by provider and state, in one aggregate query that reads
// no body, and finds the oldest waiting one (the first stored of those waiting).
func (ib *Inbox) Stats(ctx context.Context) (Stats, error) {
	var (
		st   Stats
		err  error
		rows []StateCount
	)
	if ib.cfg.Pool != nil {
		rows, err = ib.countsPostgres(ctx)
	} else {
		rows, err = ib.countsSQLite(ctx)
	}
	if err != nil {
		return Stats{}, wrap("stats", err)
	}
	st.Counts = rows
	states := make([]rivertype.JobState, len(WaitingStates))
	for i, s := range WaitingStates {
		states[i] = rivertype.JobState(s)
	}
	res, err := ib.client.JobList(ctx, river.NewJobListParams().Kinds(Kind).Queues(ib.cfg.Queue).
		States(states...).OrderBy(river.JobListOrderByID, river.SortOrderAsc).First(1))
	if err != nil {
		return Stats{}, wrap("stats", err)
	}
	if len(res.Jobs) > 0 {
		j := jobOf(res.Jobs[0])
		st.OldestWaiting = j.ReceivedAt
		if st.OldestWaiting.IsZero() {
			st.OldestWaiting = j.CreatedAt
		}
	}
	return st, nil
}

const countsPostgres = `SELECT coalesce(args->>'provider', ''), state::text, count(*)
FROM river_job WHERE kind = $1 AND queue = $2 GROUP BY 1, 2 ORDER BY 1, 2`

const countsSQLite = `SELECT coalesce(json_extract(args, '$.provider'), ''), state, count(*)
FROM river_job WHERE kind = ? AND queue = ? GROUP BY 1, 2 ORDER BY 1, 2`

func (ib *Inbox) countsPostgres(ctx context.Context) ([]StateCount, error) {
	rows, err := ib.cfg.Pool.Query(ctx, countsPostgres, Kind, ib.cfg.Queue)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return scanCounts(rows)
}

func (ib *Inbox) countsSQLite(ctx context.Context) ([]StateCount, error) {
	rows, err := ib.cfg.DB.QueryContext(ctx, countsSQLite, Kind, ib.cfg.Queue)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return scanCounts(rows)
}

// countRows is what pgx.Rows and *sql.Rows have in common.
type countRows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}

// scanCounts reads the rows of countsPostgres or countsSQLite.
func scanCounts(rows countRows) ([]StateCount, error) {
	var out []StateCount
	for rows.Next() {
		var c StateCount
		if err := rows.Scan(&c.Provider, &c.State, &c.Jobs); err != nil {
			return nil, fmt.Errorf("scanning counts: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
