package inbox_test

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/verify"
)

// crashSecret is the signing secret cmd/internal/inboxcrash accepts.
const crashSecret = "inboxcrash-test-secret"

// crashPostgresURL returns the URL of the test PostgreSQL server, skipping the test when it is
// unreachable (failing instead when CI is "true").
func crashPostgresURL(t testing.TB) string {
	t.Helper()
	url := os.Getenv("INSPECTHOOK_POSTGRES_URL")
	if url == "" {
		url = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err == nil {
		err = conn.Ping(ctx)
		_ = conn.Close(ctx)
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("PostgreSQL at %s is unreachable: %v", url, err)
		}
		t.Skipf("PostgreSQL at %s is unreachable (set INSPECTHOOK_POSTGRES_URL): %v", url, err)
	}
	return url
}

// crashSchema returns a fresh schema name, dropped with everything in it when the test ends.
func crashSchema(t testing.TB, url, prefix string) string {
	t.Helper()
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := prefix + "_" + hex.EncodeToString(b[:])
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, url)
		if err != nil {
			t.Errorf("dropping schema %s: %v", name, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, fmt.Sprintf("DROP SCHEMA IF EXISTS %q CASCADE", name)); err != nil {
			t.Errorf("dropping schema %s: %v", name, err)
		}
	})
	return name
}

// crashBinary builds cmd/internal/inboxcrash into dir.
func crashBinary(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "inboxcrash")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/inspecthook/inspecthook/cmd/internal/inboxcrash").CombinedOutput()
	require.NoError(t, err, "go build: %s", out)
	return bin
}

// crashChild is a running inboxcrash process.
type crashChild struct {
	cmd    *exec.Cmd
	base   string
	exited chan struct{}
}

// crashStart starts inboxcrash with args and waits until it serves.
func crashStart(t *testing.T, bin string, args ...string) *crashChild {
	t.Helper()
	cmd := exec.Command(bin, args...)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	logw := &crashTestWriter{t: t}
	cmd.Stderr = logw
	t.Cleanup(func() { logw.mu.Lock(); logw.done = true; logw.mu.Unlock() })
	require.NoError(t, cmd.Start())
	c := &crashChild{cmd: cmd, exited: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(c.exited) }()
	t.Cleanup(func() { c.kill() })
	ready := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if u, ok := strings.CutPrefix(sc.Text(), "inboxcrash listening on "); ok {
				c.base = u
				ready <- nil
				_, _ = io.Copy(io.Discard, stdout)
				return
			}
		}
		ready <- fmt.Errorf("inboxcrash exited before serving: %v", sc.Err())
	}()
	select {
	case err := <-ready:
		require.NoError(t, err)
	case <-time.After(60 * time.Second):
		t.Fatal("inboxcrash did not start within 60 s")
	}
	return c
}

// kill sends SIGKILL and waits for the process to be gone.
func (c *crashChild) kill() {
	_ = c.cmd.Process.Kill()
	<-c.exited
}

// crashStatus mirrors inboxcrash's GET /crash/status.
type crashStatus struct {
	Done, Runs, Twice, Jobs, Unfinished, Running, Rescued int64
}

func (c *crashChild) status(ctx context.Context, client *http.Client) (crashStatus, error) {
	var s crashStatus
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/crash/status", nil)
	if err != nil {
		return s, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return s, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		return s, fmt.Errorf("status %d: %s", resp.StatusCode, b)
	}
	return s, json.NewDecoder(resp.Body).Decode(&s)
}

// crashTestWriter sends the child's stderr to the test log, until the test ends.
type crashTestWriter struct {
	mu   sync.Mutex
	t    *testing.T
	done bool
}

func (w *crashTestWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.done {
		w.t.Logf("inboxcrash: %s", strings.TrimRight(string(p), "\n"))
	}
	return len(p), nil
}

// crashBody is a vehReports delivery of event i.
func crashBody(i int) []byte {
	return fmt.Appendf(nil, `{"id":"evt_%d","type":"report.completed","created_at":"2026-11-27T12:00:00Z","data":{"id":"rpt_%d"}}`, i, i)
}

// crashAcks are the deliveries answered 200, across the processes of a run.
type crashAcks struct {
	mu sync.Mutex
	m  map[int]bool
}

// add records the acknowledgement of delivery i and returns how many are acknowledged.
func (a *crashAcks) add(i int) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.m[i] = true
	return len(a.m)
}

func (a *crashAcks) len() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.m)
}

// missing returns the ids not acknowledged yet, in order.
func (a *crashAcks) missing(ids []int) []int {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []int
	for _, i := range ids {
		if !a.m[i] {
			out = append(out, i)
		}
	}
	return out
}

// crashSend posts the deliveries of ids, in order, to base with conc senders and records
// those answered 200 in acks. When killAt is above zero, kill is called once as soon as
// killAt deliveries are acknowledged in all, and no further delivery is sent: those in flight
// end with an answer or an error. crashSend reports whether kill was called.
func crashSend(ctx context.Context, t *testing.T, client *http.Client, base string, ids []int, conc int, acks *crashAcks, killAt int, kill func()) bool {
	t.Helper()
	signer, err := verify.NewHMAC(verify.VehReports(crashSecret))
	require.NoError(t, err)
	var (
		killOnce sync.Once
		killed   = make(chan struct{})
		wg       sync.WaitGroup
		next     = make(chan int)
	)
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				body := crashBody(i)
				req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/webhooks/vehreports", strings.NewReader(string(body)))
				if err != nil {
					continue
				}
				req.Header.Set("Content-Type", "application/json")
				_ = signer.Sign(req, body)
				resp, err := client.Do(req)
				if err != nil {
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					continue
				}
				if k := acks.add(i); killAt > 0 && k >= killAt {
					killOnce.Do(func() { kill(); close(killed) })
				}
			}
		}()
	}
send:
	for _, i := range ids {
		select {
		case next <- i:
		case <-killed:
			break send
		case <-ctx.Done():
			break send
		}
	}
	close(next)
	wg.Wait()
	select {
	case <-killed:
		return true
	default:
		return false
	}
}

// River's timings that bound how long the jobs a killed process left running take to be
// rescued (github.com/riverqueue/river v0.51.2).
const (
	// crashLeaderLease is how long the lease of a killed leader outlives it: ElectInterval
	// (5 s) plus 10 s of padding (internal/leadership/elector.go). Another process is elected
	// only then, at its next attempt, at most ElectInterval plus 1 s of jitter later.
	crashLeaderLease = 15*time.Second + 6*time.Second
	// crashRescuerInterval is how often the leader's rescuer looks for stuck jobs, after a
	// first look when it is elected (internal/maintenance/job_rescuer.go).
	crashRescuerInterval = 30 * time.Second
	// crashRetryBackoff is the longest wait before a rescued job runs again: the retry
	// policy's attempt^4 seconds for a job rescued twice (16 s), plus River's scheduler,
	// which makes retryable jobs available every 5 s.
	crashRetryBackoff = 16*time.Second + 5*time.Second
)

// The child's inbox.Config.RescueAfter and receiver.Config.HandlerTimeout: a handler of 2 ms
// keeps far within its deadline, which is well below RescueAfter, so the rescuer only runs
// again jobs whose process is dead (or, on a machine stalled for seconds, a live one, which
// at-least-once allows).
const (
	crashRescueAfter    = 3 * time.Second
	crashHandlerTimeout = time.Second
)

// TestCrash kills a receiver with its inbox (SIGKILL) twice while deliveries are being received
// and processed, starting it again on the same database each time, and checks that every
// acknowledged delivery is processed: the inbox may run a delivery more than once (at least
// once), never zero times. INSPECTHOOK_CRASH_DELIVERIES sets the number of deliveries (default
// 2,000; the 10,000 run is INSPECTHOOK_CRASH_DELIVERIES=10000).
//
// The child is killed once a third of the deliveries are acknowledged, started again, killed
// once two thirds are, and started again; the test then sends the rest, re-sends what was never
// acknowledged (as a provider retries) and waits until every job is finalized and every event
// done. Nothing in the test or the child touches River's jobs: the jobs a killed process left
// running are recovered by River's own rescuer, as in production. That takes about 20 s, up to
// about 50 s, after a kill: the rescuer runs only on the elected leader, and the killed
// leader's lease expires about 15 s after its last renewal (ElectInterval 5 s plus 10 s of
// padding), when the new process is elected at its next attempt (every 5 to 6 s); the new
// leader's rescuer looks at once, then every 30 s, for jobs running for longer than
// RescueAfter (3 s here), and a rescued job runs again after its retry backoff (1 s, then
// 16 s) once River's scheduler makes it available. The two kills come seconds apart, so the
// same leader usually rescues the jobs of both. The wait is bounded generously (minutes) from
// those figures; nothing in the test asserts a timing.
func TestCrash(t *testing.T) {
	n := 2000
	if v := os.Getenv("INSPECTHOOK_CRASH_DELIVERIES"); v != "" {
		var err error
		n, err = strconv.Atoi(v)
		require.NoError(t, err, "INSPECTHOOK_CRASH_DELIVERIES")
	}
	require.GreaterOrEqual(t, n, 30, "INSPECTHOOK_CRASH_DELIVERIES")
	// The inbox's default workers and fetch settings, handlers of 2 ms.
	common := []string{"-work", "2ms",
		"-rescue-after", crashRescueAfter.String(), "-handler-timeout", crashHandlerTimeout.String()}
	tests := []struct {
		name string
		args func(t *testing.T) []string
	}{
		{"postgres", func(t *testing.T) []string {
			url := crashPostgresURL(t)
			return append([]string{"-postgres", url, "-schema", crashSchema(t, url, "inbox_crash")}, common...)
		}},
		{"sqlite", func(t *testing.T) []string {
			return append([]string{"-sqlite", filepath.Join(t.TempDir(), "inbox.db")}, common...)
		}},
	}
	var bin string
	dir := t.TempDir()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := tt.args(t)
			if bin == "" {
				bin = crashBinary(t, dir)
			}
			crashRun(t, bin, args, n)
		})
	}
}

func crashRun(t *testing.T, bin string, args []string, n int) {
	// Bounds, not timings: a busy machine is allowed to be slow.
	sendBound := 3*time.Minute + time.Duration(n)*30*time.Millisecond
	// Both kills' jobs are rescued by the same leader, or the second kill's by the leader
	// elected after it: twice the rescue path, a backoff, and the backlog.
	waitBound := 2*(crashRescueAfter+crashLeaderLease+crashRescuerInterval) + crashRetryBackoff +
		time.Minute + time.Duration(n)*20*time.Millisecond

	sendCtx, cancel := context.WithTimeout(t.Context(), sendBound)
	defer cancel()
	client := &http.Client{
		Transport: &http.Transport{MaxIdleConnsPerHost: 64, DisableCompression: true},
		Timeout:   30 * time.Second,
	}
	ids := make([]int, n)
	for i := range ids {
		ids[i] = i
	}
	acks := &crashAcks{m: map[int]bool{}}

	start := time.Now()
	child := crashStart(t, bin, args...)
	// Kill the child once a third, then two thirds, of the deliveries are acknowledged: the
	// rest is in flight or not sent yet, and the acknowledged ones are partly still waiting
	// in the inbox, partly running.
	var kills []time.Duration
	for k, killAt := range []int{n / 3, 2 * n / 3} {
		var before crashStatus
		killed := crashSend(sendCtx, t, client, child.base, acks.missing(ids), 32, acks, killAt, func() {
			before, _ = child.status(sendCtx, client)
			child.kill()
		})
		require.True(t, killed, "only %d of %d deliveries acknowledged before kill %d", acks.len(), n, k+1)
		kills = append(kills, time.Since(start))
		t.Logf("kill %d after %v: %d acknowledged; just before it %d jobs running, %d events done, %d handler runs",
			k+1, kills[k].Round(time.Millisecond), acks.len(), before.Running, before.Done, before.Runs)
		child = crashStart(t, bin, args...)
	}

	// The provider sends the rest and retries what was not acknowledged.
	missing := acks.missing(ids)
	for attempt := 0; len(missing) > 0 && attempt < 5 && sendCtx.Err() == nil; attempt++ {
		crashSend(sendCtx, t, client, child.base, missing, 32, acks, 0, nil)
		missing = acks.missing(ids)
	}
	require.Empty(t, missing, "deliveries never acknowledged")
	allAcked := time.Since(start)

	// Wait for River's rescuer to run again the jobs the killed processes left running, and
	// for the workers to finish everything.
	if d, ok := t.Deadline(); ok {
		// Fail with the counts rather than be cut off by go test's -timeout.
		waitBound = max(min(waitBound, time.Until(d)-30*time.Second), 10*time.Second)
	}
	waitCtx, cancelWait := context.WithTimeout(t.Context(), waitBound)
	defer cancelWait()
	var (
		s       crashStatus
		lastErr error
	)
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	for {
		// A status request is bounded by the client's timeout, not by waitCtx, so that an
		// error reported at the bound is the child's, not the bound's.
		cur, err := child.status(t.Context(), client)
		if err == nil {
			s, lastErr = cur, nil
			if s.Unfinished == 0 && s.Jobs >= int64(n) {
				break
			}
		} else {
			lastErr = err
		}
		select {
		case <-waitCtx.Done():
			if lastErr != nil {
				t.Logf("the last status request failed: %v", lastErr)
			}
			t.Fatalf("jobs not finalized within %v of the last acknowledgement: "+
				"%d lost (acknowledged, never handled to the end), %d of %d jobs unfinished (%d left running), "+
				"%d jobs rescued by River's rescuer, %d ran twice (%d runs)",
				waitBound, int64(n)-s.Done, s.Unfinished, s.Jobs, s.Running, s.Rescued, s.Twice, s.Runs)
		case <-tick.C:
		}
	}
	total := time.Since(start)
	lost := int64(n) - s.Done
	t.Logf("lost: %d (acknowledged, never handled to the end) of %d deliveries", lost, n)
	t.Logf("ran twice: %d events whose handler started more than once; runs: %d handler runs; "+
		"rescued: %d jobs run again by River's rescuer", s.Twice, s.Runs, s.Rescued)
	t.Logf("timings: kills at %v and %v, all acknowledged at %v, all finalized at %v (%v after the last acknowledgement)",
		kills[0].Round(time.Millisecond), kills[1].Round(time.Millisecond), allAcked.Round(time.Millisecond),
		total.Round(time.Millisecond), (total - allAcked).Round(time.Millisecond))
	if s.Rescued == 0 {
		t.Logf("no job was left running by the kills: this run did not exercise River's rescuer")
	}
	require.Zero(t, lost, "acknowledged deliveries never handled to the end")
	require.Equal(t, int64(n), s.Jobs, "one job per event")
	require.GreaterOrEqual(t, s.Runs, s.Done)
}
