package inbox_test

import (
	"context"
	"crypto/rand"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/events/record360"
	"github.com/inspecthook/inspecthook/inbox"
	"github.com/inspecthook/inspecthook/inbox/inboxpg"
	"github.com/inspecthook/inspecthook/inbox/inboxsqlite"
	"github.com/inspecthook/inspecthook/receiver"
	"github.com/inspecthook/inspecthook/verify"
	"github.com/inspecthook/inspecthook/webhooktest"
)

const inboxToken = "r360-inbox-token-5c1e"

// inboxKeyHeader carries a test's own idempotency key, so one fixture makes many deliveries.
const inboxKeyHeader = "X-Test-Key"

// inboxHandlerTimeout bounds the handlers of the tests that block until their context ends.
const inboxHandlerTimeout = 2 * time.Second

// inboxPostgresURL is the test server's address.
func inboxPostgresURL() string {
	if u := os.Getenv("INSPECTHOOK_POSTGRES_URL"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
}

// inboxDriver opens the database of one River driver for a test.
type inboxDriver struct {
	name string
	open func(t *testing.T) inbox.Driver
}

// inboxDrivers are the drivers every behaviour test runs on.
var inboxDrivers = []inboxDriver{
	{"postgres", inboxPostgres},
	{"sqlite", inboxSQLite},
}

// inboxSQLite opens a SQLite file of the test's own, with one connection as River advises.
func inboxSQLite(t *testing.T) inbox.Driver {
	t.Helper()
	db, err := inboxsqlite.OpenDB(filepath.Join(t.TempDir(), "inbox.db"))
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	return inboxsqlite.New(db)
}

// inboxPostgres opens a pool whose search_path is a fresh schema of the test's own, dropped when
// the test ends. It skips the test when the server is unreachable, and fails it when CI is "true".
func inboxPostgres(t *testing.T) inbox.Driver {
	return inboxpg.New(inboxPostgresPool(t))
}

// inboxPostgresPool opens a pool whose search_path is a fresh schema of the test's own, dropped
// when the test ends. It skips the test when the server is unreachable, and fails it when CI is
// "true".
func inboxPostgresPool(t *testing.T) *pgxpool.Pool {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	admin, err := pgx.Connect(ctx, inboxPostgresURL())
	if err != nil {
		where := inboxPostgresURL()
		if u, perr := url.Parse(where); perr == nil {
			where = u.Redacted()
		}
		if os.Getenv("CI") == "true" {
			t.Fatalf("PostgreSQL at %s is unreachable (CI=true, so this fails instead of skipping): %v", where, err)
		}
		t.Skipf("PostgreSQL at %s is unreachable; set INSPECTHOOK_POSTGRES_URL to run this test: %v", where, err)
	}
	schema := "inbox_test_" + strings.ToLower(rand.Text()[:16])
	_, err = admin.Exec(ctx, "CREATE SCHEMA "+pgx.Identifier{schema}.Sanitize())
	require.NoError(t, err)
	_ = admin.Close(ctx)

	pc, err := pgxpool.ParseConfig(inboxPostgresURL())
	require.NoError(t, err)
	pc.ConnConfig.RuntimeParams["search_path"] = schema
	pc.MaxConns = 8
	pool, err := pgxpool.NewWithConfig(context.Background(), pc)
	require.NoError(t, err)
	t.Cleanup(func() {
		pool.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, inboxPostgresURL())
		if err != nil {
			t.Errorf("dropping schema %s: %v", schema, err)
			return
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, "DROP SCHEMA "+pgx.Identifier{schema}.Sanitize()+" CASCADE"); err != nil {
			t.Errorf("dropping schema %s: %v", schema, err)
		}
	})
	return pool
}

// inboxNowRetry retries a failed attempt at once.
type inboxNowRetry struct{}

func (inboxNowRetry) NextRetry(*rivertype.JobRow) time.Time { return time.Now() }

var _ river.ClientRetryPolicy = inboxNowRetry{}

// inboxCall is one run of the test handler.
type inboxCall struct {
	Key     string
	Attempt int
}

// inboxEnv is an Inbox with a Record360 receiver registered, whose handler reports each run on
// calls and returns what behave says.
type inboxEnv struct {
	ib     *inbox.Inbox
	rx     *receiver.Receiver
	signer *verify.Bearer
	body   []byte
	calls  chan inboxCall

	mu     sync.Mutex
	behave func(ctx context.Context, d receiver.Delivery) error
}

// newInboxEnv opens an Inbox on d with a fast retry policy (unless cfg has one), registers the
// receiver and starts the workers; everything stops when the test ends.
func newInboxEnv(t *testing.T, d inboxDriver, cfg inbox.Config) *inboxEnv {
	t.Helper()
	if cfg.RetryPolicy == nil {
		cfg.RetryPolicy = inboxNowRetry{}
	}
	if cfg.Logger == nil {
		cfg.Logger = webhooktest.Logger(t)
	}
	ib, err := inbox.Open(t.Context(), d.open(t), cfg)
	require.NoError(t, err)
	signer, err := verify.NewBearer(inboxToken)
	require.NoError(t, err)
	e := &inboxEnv{ib: ib, signer: signer, calls: make(chan inboxCall, 100),
		body: webhooktest.FixtureBody(t, "record360", "v3_inspection_created.json")}
	e.rx, err = receiver.New(record360.Provider(), receiver.Config{
		Verifier: signer, Inbox: ib, IdempotencyKeyHeader: inboxKeyHeader, Logger: cfg.Logger,
		HandlerTimeout: inboxHandlerTimeout,
	})
	require.NoError(t, err)
	receiver.Handle(e.rx, record360.InspectionCreated, func(ctx context.Context, _ *record360.Inspection) error {
		del := receiver.FromContext(ctx)
		e.mu.Lock()
		behave := e.behave
		e.mu.Unlock()
		var err error
		if behave != nil {
			err = behave(ctx, del)
		}
		e.calls <- inboxCall{Key: del.IdempotencyKey, Attempt: del.Attempt}
		return err
	})
	ib.Register(e.rx)
	require.NoError(t, ib.Start(t.Context()))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = ib.Stop(ctx)
	})
	return e
}

// setBehave sets what the handler returns from now on.
func (e *inboxEnv) setBehave(f func(ctx context.Context, d receiver.Delivery) error) {
	e.mu.Lock()
	e.behave = f
	e.mu.Unlock()
}

// post delivers the fixture with key and returns the response.
func (e *inboxEnv) post(t *testing.T, key string) *httptest.ResponseRecorder {
	t.Helper()
	r := webhooktest.NewRequest(t, "/webhooks/record360", e.body, e.signer)
	r.Header.Set(inboxKeyHeader, key)
	w := httptest.NewRecorder()
	e.rx.ServeHTTP(w, r)
	return w
}

// wantQueued posts key and requires the answer "ok: queued".
func (e *inboxEnv) wantQueued(t *testing.T, key string) {
	t.Helper()
	w := e.post(t, key)
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	require.Equal(t, "ok: queued\n", w.Body.String())
}

// nextCall waits for the handler's next run.
func (e *inboxEnv) nextCall(t *testing.T) inboxCall {
	t.Helper()
	select {
	case c := <-e.calls:
		return c
	case <-time.After(20 * time.Second):
		t.Fatal("the handler did not run within 20 s")
		return inboxCall{}
	}
}

// waitState waits until the only job of key is in state, and returns it.
func (e *inboxEnv) waitState(t *testing.T, key, state string) inbox.Job {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		jobs, err := e.ib.List(t.Context(), inbox.ListParams{})
		require.NoError(t, err)
		for _, j := range jobs {
			if strings.HasSuffix(j.IdempotencyKey, key) && j.State == state {
				return j
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no job of key %s reached %s within 20 s: %+v", key, state, jobs)
		}
		<-tick.C
	}
}
