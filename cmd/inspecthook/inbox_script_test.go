package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river/rivertype"
	"github.com/rogpeppe/go-internal/testscript"

	"github.com/inspecthook/inspecthook"
	"github.com/inspecthook/inspecthook/events/record360"
	"github.com/inspecthook/inspecthook/events/safetyculture"
	"github.com/inspecthook/inspecthook/events/vehreports"
	"github.com/inspecthook/inspecthook/inbox"
	"github.com/inspecthook/inspecthook/inbox/inboxpg"
	"github.com/inspecthook/inspecthook/inbox/inboxsqlite"
	"github.com/inspecthook/inspecthook/receiver"
	"github.com/inspecthook/inspecthook/verify"
)

func init() {
	scriptCmds["inboxseed"] = cmdInboxSeed
}

// seedTimeout bounds the whole of inboxseed: opening the database, running the jobs until they
// have finished, stopping the workers.
const seedTimeout = 60 * time.Second

// seedError is the error the seeded handlers fail with, every attempt.
const seedError = "downstream rejects it: 502 Bad Gateway"

// seedJob is one delivery inboxseed stores.
type seedJob struct {
	env      string // the environment variable that gets its job ID
	provider string
	fixture  string // its body: a file of the provider's fixtures
	key      string
	want     string // the state it is left in
	compact  bool   // store the fixture compacted, on one line
}

// seedRun are the deliveries the workers run: one succeeds, two fail every attempt (the second
// stored compacted, so that "inbox show" indents it).
var seedRun = []seedJob{
	{"COMPLETED_ID", record360.Name, "v3_inspection_created.json", "r360-inspection-created-0001", inbox.StateCompleted, false},
	{"DEAD_ID", safetyculture.Name, "legacy_inspection_completed.json", "safetyculture-audit_01HZX5D8A2-audit_completed", inbox.StateDiscarded, false},
	{"DEAD2_ID", vehreports.Name, "report_completed.json", "vehreports-evt_7Hq2-report.completed", inbox.StateDiscarded, true},
}

// seedWaiting is the delivery stored after the workers stopped: it waits, available.
var seedWaiting = seedJob{"WAITING_ID", record360.Name, "v3_inspection_created.json", "r360-inspection-created-0002", inbox.StateAvailable, false}

// seedNowRetry retries a failed attempt at once, so that dead letters come quickly.
type seedNowRetry struct{}

// NextRetry implements river.ClientRetryPolicy.
func (seedNowRetry) NextRetry(*rivertype.JobRow) time.Time { return time.Now() }

// cmdInboxSeed is the scripts' command
//
//	inboxseed sqlite PATH
//	inboxseed postgres
//
// It opens an inbox on a new SQLite file at PATH, or on $PG_URL in a schema of its own (dropped
// when the script ends), runs receivers whose handlers succeed for record360 and fail every
// attempt for safetyculture and vehreports, with MaxAttempts 2 and retries at once, until it
// holds one completed job and two dead letters (discarded) with two errors each (the vehreports body stored
// compacted, on one line); then it stops the workers
// and stores one more record360 delivery, which waits (available). It sets $INBOX_DB to the
// database as --db takes it, and $COMPLETED_ID, $DEAD_ID (safetyculture), $DEAD2_ID (vehreports)
// and $WAITING_ID to the jobs' IDs.
func cmdInboxSeed(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) == 0 {
		ts.Fatalf("usage: inboxseed sqlite PATH | inboxseed postgres")
	}
	ctx, cancel := context.WithTimeout(context.Background(), seedTimeout)
	defer cancel()
	cfg := inbox.Config{MaxAttempts: 2, RetryPolicy: seedNowRetry{}, Logger: slog.New(slog.DiscardHandler)}
	var (
		spec   string
		driver inbox.Driver
	)
	switch {
	case args[0] == "sqlite" && len(args) == 2:
		path := ts.MkAbs(args[1])
		db, err := inboxsqlite.OpenDB(path)
		ts.Check(err)
		defer db.Close()
		driver, spec = inboxsqlite.New(db), path
	case args[0] == "postgres" && len(args) == 1:
		pool, u := seedPostgres(ctx, ts)
		defer pool.Close()
		driver, spec = inboxpg.New(pool), u
	default:
		ts.Fatalf("usage: inboxseed sqlite PATH | inboxseed postgres")
	}
	ts.Check(seedInbox(ctx, ts, driver, cfg))
	ts.Setenv("INBOX_DB", spec)
}

// seedPostgres creates a schema of the script's own on $PG_URL, dropped when the script ends,
// and returns a pool whose search_path is that schema, and the URL that names it.
func seedPostgres(ctx context.Context, ts *testscript.TestScript) (*pgxpool.Pool, string) {
	base := ts.Getenv("PG_URL")
	admin, err := pgx.Connect(ctx, base)
	if err != nil {
		ts.Fatalf("PostgreSQL is unreachable (guard the script with [!postgres] skip): %v", err)
	}
	schema := "inspecthook_cli_" + strings.ToLower(rand.Text()[:16])
	_, err = admin.Exec(ctx, "CREATE SCHEMA "+pgx.Identifier{schema}.Sanitize())
	_ = admin.Close(ctx)
	ts.Check(err)
	ts.Defer(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, base)
		if err != nil {
			ts.Logf("dropping schema %s: %v", schema, err)
			return
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, "DROP SCHEMA "+pgx.Identifier{schema}.Sanitize()+" CASCADE"); err != nil {
			ts.Logf("dropping schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	ts.Check(err)
	q := u.Query()
	q.Set("search_path", schema) // pgx passes it to the server as a run-time parameter
	u.RawQuery = q.Encode()
	pool, err := pgxpool.New(ctx, u.String())
	ts.Check(err)
	return pool, u.String()
}

// seedInbox fills the inbox of driver and cfg as cmdInboxSeed says.
func seedInbox(ctx context.Context, ts *testscript.TestScript, driver inbox.Driver, cfg inbox.Config) error {
	ib, err := inbox.Open(ctx, driver, cfg)
	if err != nil {
		return err
	}
	if err := seedReceivers(ib, cfg.Logger); err != nil {
		return err
	}
	ids := map[string]int64{}
	for _, j := range seedRun {
		if ids[j.env], err = seedEnqueue(ctx, ib, j); err != nil {
			return err
		}
	}
	if err := ib.Start(ctx); err != nil {
		return err
	}
	waitErr := seedWait(ctx, ib, ids)
	stopCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := ib.Stop(stopCtx); err != nil || waitErr != nil {
		return errors.Join(waitErr, err)
	}
	if ids[seedWaiting.env], err = seedEnqueue(ctx, ib, seedWaiting); err != nil {
		return err
	}
	for env, id := range ids {
		ts.Setenv(env, strconv.FormatInt(id, 10))
	}
	return nil
}

// seedReceivers registers a receiver for each seeded provider: record360's handler succeeds,
// the others' fail every attempt.
func seedReceivers(ib *inbox.Inbox, log *slog.Logger) error {
	v, err := verify.NewBearer("inbox-seed-token")
	if err != nil {
		return err
	}
	fail := func(context.Context) error { return errors.New(seedError) }
	r360, err := receiver.New(record360.Provider(), receiver.Config{Verifier: v, Logger: log})
	if err != nil {
		return err
	}
	receiver.Handle(r360, record360.InspectionCreated, func(context.Context, *record360.Inspection) error { return nil })
	sc, err := receiver.New(safetyculture.Provider(), receiver.Config{Verifier: v, Logger: log})
	if err != nil {
		return err
	}
	receiver.Handle(sc, safetyculture.InspectionCompleted, func(ctx context.Context, _ *safetyculture.InspectionEvent) error { return fail(ctx) })
	vr, err := receiver.New(vehreports.Provider(), receiver.Config{Verifier: v, Logger: log})
	if err != nil {
		return err
	}
	receiver.Handle(vr, vehreports.ReportCompleted, func(ctx context.Context, _ *vehreports.Report) error { return fail(ctx) })
	for _, rx := range []*receiver.Receiver{r360, sc, vr} {
		ib.Register(rx)
	}
	return nil
}

// seedEnqueue stores j's delivery and returns its job ID.
func seedEnqueue(ctx context.Context, ib *inbox.Inbox, j seedJob) (int64, error) {
	body, err := seedBody(j.provider, j.fixture)
	if err != nil {
		return 0, err
	}
	if j.compact {
		var b bytes.Buffer
		if err := json.Compact(&b, body); err != nil {
			return 0, err
		}
		body = b.Bytes()
	}
	dup, err := ib.Enqueue(ctx, receiver.InboxDelivery{Provider: j.provider, IdempotencyKey: j.key, Body: body, ReceivedAt: time.Now()})
	if err != nil {
		return 0, err
	}
	if dup {
		return 0, fmt.Errorf("key %s already stored", j.key)
	}
	jobs, err := ib.List(ctx, inbox.ListParams{Provider: j.provider, Limit: 1000})
	if err != nil {
		return 0, err
	}
	for _, got := range jobs {
		if got.IdempotencyKey == j.key {
			return got.ID, nil
		}
	}
	return 0, fmt.Errorf("the job of key %s is not listed", j.key)
}

// seedBody is the body of a provider's fixture, as the scripts' fixture command writes it.
func seedBody(provider, file string) ([]byte, error) {
	fixtures, err := inspecthook.LoadFixtures(provider)
	if err != nil {
		return nil, err
	}
	for _, f := range fixtures {
		if f.File == provider+"/"+file {
			return f.Body()
		}
	}
	return nil, fmt.Errorf("no fixture %s/%s", provider, file)
}

// seedWait polls the inbox until every job of seedRun is in the state it wants, and the dead
// letters hold an error per attempt, or ctx ends.
func seedWait(ctx context.Context, ib *inbox.Inbox, ids map[string]int64) error {
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		var pending []string
		for _, want := range seedRun {
			j, err := ib.Job(ctx, ids[want.env])
			if err != nil {
				return err
			}
			if j.State != want.want || (want.want == inbox.StateDiscarded && len(j.Errors) != j.MaxAttempts) {
				pending = append(pending, fmt.Sprintf("job %d %s (%d errors), want %s", j.ID, j.State, len(j.Errors), want.want))
			}
		}
		if len(pending) == 0 {
			return nil
		}
		select {
		case <-tick.C:
		case <-ctx.Done():
			slices.Sort(pending)
			return fmt.Errorf("the seeded jobs did not finish within %s: %s", seedTimeout, strings.Join(pending, "; "))
		}
	}
}

// TestInboxBodies checks how show prints bodies the seeded scripts do not hold: one that is not
// JSON is printed as it is, and --json puts it under body_text or body_base64.
func TestInboxBodies(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, tc := range []struct {
		body      []byte
		wantText  string // in show's output
		wantField string // in --json
	}{
		{[]byte(`{"a":[1,2]}`), "{\n  \"a\": [\n    1,\n    2\n  ]\n}\n", `"body":{"a":[1,2]}`},
		{[]byte("event=done&id=7"), "body:       15 bytes\nevent=done&id=7\n", `"body_text":"event=done&id=7"`},
		{[]byte{0xff, 0xfe}, "body:       2 bytes\n\xff\xfe\n", `"body_base64":"//4="`},
		{nil, "body:       0 bytes\n", `"errors":["a\nb"]`},
	} {
		var out strings.Builder
		a := &app{stdout: &out, stderr: &out, getenv: func(string) string { return "" }}
		j := inbox.Job{ID: 7, Provider: "record360", IdempotencyKey: "k", State: inbox.StateRetryable, Attempt: 1, MaxAttempts: 3,
			Errors: []string{"a\nb"}, Body: tc.body, CreatedAt: now, ScheduledAt: now.Add(time.Minute)}
		if err := a.printInboxJob(j, now); err != nil {
			t.Fatal(err)
		}
		got := out.String()
		if !strings.HasSuffix(got, tc.wantText) {
			t.Errorf("show of %q ends\n%q\nwant\n%q", tc.body, got, tc.wantText)
		}
		for _, want := range []string{"next retry: 2026-01-02T03:05:05Z (in 1m0s)\n", "  1. a\n     b\n"} {
			if !strings.Contains(got, want) {
				t.Errorf("show of %q:\n%s\nwants %q", tc.body, got, want)
			}
		}
		if strings.Contains(got, "received:") {
			t.Errorf("show prints a zero receipt time:\n%s", got)
		}
		out.Reset()
		if err := writeJSON(&out, inboxJSONOf(j, true)); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), tc.wantField) {
			t.Errorf("--json of %q: %s, want %s", tc.body, out.String(), tc.wantField)
		}
	}
}

// TestInboxCells checks the cut-short cells and ages of "inbox ls".
func TestInboxCells(t *testing.T) {
	if got := inboxCut("abcdef", 4); got != "abc…" {
		t.Errorf("inboxCut = %q", got)
	}
	if got := inboxCut("abcd", 4); got != "abcd" {
		t.Errorf("inboxCut = %q", got)
	}
	if got := inboxOneLine("panic: x\n\tat y\n"); got != "panic: x at y" {
		t.Errorf("inboxOneLine = %q", got)
	}
	now := time.Date(2026, 1, 5, 12, 0, 0, 0, time.Local)
	for d, want := range map[time.Duration]string{
		3 * time.Second:  "3s ago",
		5 * time.Minute:  "5m ago",
		30 * time.Hour:   "30h ago",
		72 * time.Hour:   "2026-01-02 12:00",
		-1 * time.Minute: "2026-01-05 12:01",
	} {
		if got := inboxAge(now.Add(-d), now); got != want {
			t.Errorf("inboxAge(%s) = %q, want %q", d, got, want)
		}
	}
}
