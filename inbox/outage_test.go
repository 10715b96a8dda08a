package inbox_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/events/vehreports"
	"github.com/inspecthook/inspecthook/inbox"
	"github.com/inspecthook/inspecthook/inbox/inboxpg"
	"github.com/inspecthook/inspecthook/receiver"
	"github.com/inspecthook/inspecthook/verify"
)

// errOutageDown is what the pool's BeforeConnect returns while the database is "down".
var errOutageDown = errors.New("database down for the test")

// outageRuns counts the handler runs of each event id.
type outageRuns struct {
	mu   sync.Mutex
	runs map[string]int
	ch   chan struct{} // signalled after every run
}

func newOutageRuns() *outageRuns {
	return &outageRuns{runs: map[string]int{}, ch: make(chan struct{}, 1)}
}

func (r *outageRuns) add(id string) {
	r.mu.Lock()
	r.runs[id]++
	r.mu.Unlock()
	select {
	case r.ch <- struct{}{}:
	default:
	}
}

func (r *outageRuns) snapshot() map[string]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[string]int, len(r.runs))
	for k, v := range r.runs {
		out[k] = v
	}
	return out
}

// waitFor waits until every id in ids has run, or fails the test at the deadline.
func (r *outageRuns) waitFor(t *testing.T, ids []string, deadline time.Duration) map[string]int {
	t.Helper()
	timeout := time.NewTimer(deadline)
	defer timeout.Stop()
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		got := r.snapshot()
		missing := 0
		for _, id := range ids {
			if got[id] == 0 {
				missing++
			}
		}
		if missing == 0 {
			return got
		}
		select {
		case <-r.ch:
		case <-tick.C:
		case <-timeout.C:
			t.Fatalf("%d of %d events never handled within %v", missing, len(ids), deadline)
		}
	}
}

// outageNode is one receiver with its own pool and inbox, served over loopback.
type outageNode struct {
	pool *pgxpool.Pool
	ib   *inbox.Inbox
	srv  *httptest.Server
}

// outageStart opens a pool on schema named appName (its application_name), whose new
// connections fail while down is set, an inbox on it, and a vehReports receiver whose handler
// reports to runs; it is served by an httptest server. Everything stops when the test ends.
func outageStart(t *testing.T, url, schema, appName string, down *atomic.Bool, runs *outageRuns) *outageNode {
	t.Helper()
	ctx := t.Context()
	pc, err := pgxpool.ParseConfig(url)
	require.NoError(t, err)
	pc.ConnConfig.RuntimeParams["search_path"] = schema
	pc.ConnConfig.RuntimeParams["application_name"] = appName
	pc.MaxConns = 8
	pc.BeforeConnect = func(context.Context, *pgx.ConnConfig) error {
		if down != nil && down.Load() {
			return errOutageDown
		}
		return nil
	}
	pool, err := pgxpool.NewWithConfig(ctx, pc)
	require.NoError(t, err)
	_, err = pool.Exec(ctx, "CREATE SCHEMA IF NOT EXISTS "+pgx.Identifier{schema}.Sanitize())
	require.NoError(t, err)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	ib, err := inbox.Open(ctx, inboxpg.New(pool), inbox.Config{Logger: quiet, Workers: 10})
	require.NoError(t, err)
	v, err := verify.NewHMAC(verify.VehReports(crashSecret))
	require.NoError(t, err)
	rx, err := receiver.New(vehreports.Provider(), receiver.Config{Verifier: v, Inbox: ib, Logger: quiet})
	require.NoError(t, err)
	receiver.Handle(rx, vehreports.ReportCompleted, func(ctx context.Context, _ *vehreports.Report) error {
		runs.add(receiver.FromContext(ctx).EventID)
		return nil
	})
	ib.Register(rx)
	require.NoError(t, ib.Start(ctx))
	srv := httptest.NewServer(rx)
	t.Cleanup(func() {
		srv.Close()
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = ib.Stop(sctx)
		pool.Close()
	})
	return &outageNode{pool: pool, ib: ib, srv: srv}
}

// outagePost sends the signed delivery body to url and returns the status, the Retry-After
// header and the body of the answer.
func outagePost(ctx context.Context, client *http.Client, signer verify.Signer, url string, body []byte) (int, string, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(string(body)))
	if err != nil {
		return 0, "", "", err
	}
	req.Header.Set("Content-Type", "application/json")
	if err := signer.Sign(req, body); err != nil {
		return 0, "", "", err
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, "", "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Retry-After"), string(b), nil
}

// TestOutage cuts the inbox off PostgreSQL (its connections terminated, new ones refused):
// deliveries are answered 503 with Retry-After, the sender retries them once the database is
// back, none is lost and every event's handler runs.
func TestOutage(t *testing.T) {
	url := crashPostgresURL(t)
	schema := crashSchema(t, url, "inbox_outage")
	appName := schema // unique per test
	var down atomic.Bool
	runs := newOutageRuns()
	node := outageStart(t, url, schema, appName, &down, runs)
	signer, err := verify.NewHMAC(verify.VehReports(crashSecret))
	require.NoError(t, err)
	client := &http.Client{Timeout: 30 * time.Second}
	ctx := t.Context()

	var all []string
	send := func(from, to int) (statuses []int, retryAfter []string) {
		for i := from; i < to; i++ {
			status, ra, _, err := outagePost(ctx, client, signer, node.srv.URL, crashBody(i))
			require.NoError(t, err)
			statuses = append(statuses, status)
			retryAfter = append(retryAfter, ra)
		}
		return statuses, retryAfter
	}
	ids := func(from, to int) []string {
		var out []string
		for i := from; i < to; i++ {
			out = append(out, "evt_"+strconv.Itoa(i))
		}
		return out
	}

	// Before: queued and handled.
	statuses, _ := send(0, 20)
	for i, s := range statuses {
		require.Equal(t, http.StatusOK, s, "delivery %d before the outage", i)
	}
	all = append(all, ids(0, 20)...)
	runs.waitFor(t, all, 30*time.Second)

	// The outage: every connection of the pool is terminated and no new one can be made.
	down.Store(true)
	admin, err := pgx.Connect(ctx, url)
	require.NoError(t, err)
	defer admin.Close(context.Background())
	var killed int
	require.NoError(t, admin.QueryRow(ctx,
		"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()",
		appName).Scan(&killed))
	require.Positive(t, killed, "no connection of the pool found")
	statuses, retryAfter := send(20, 40)
	for i, s := range statuses {
		assert.Equal(t, http.StatusServiceUnavailable, s, "delivery %d during the outage", 20+i)
		assert.NotEmpty(t, retryAfter[i], "Retry-After of delivery %d", 20+i)
	}

	// Back: the sender retries what was refused; everything is handled.
	down.Store(false)
	statuses, _ = send(20, 40)
	for i, s := range statuses {
		require.Equal(t, http.StatusOK, s, "delivery %d retried after the outage", 20+i)
	}
	statuses, _ = send(40, 60)
	for i, s := range statuses {
		require.Equal(t, http.StatusOK, s, "delivery %d after the outage", 40+i)
	}
	all = append(all, ids(20, 60)...)
	got := runs.waitFor(t, all, 60*time.Second)
	twice := 0
	for _, id := range all {
		if got[id] > 1 {
			twice++
		}
	}
	t.Logf("%d connections terminated; %d events handled, %d more than once", killed, len(all), twice)
	assert.Len(t, got, len(all), "only the events sent were handled")
}
