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
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/verify"
)

// crashSecret is the signing secret internal/cmd/inboxcrash accepts.
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

// crashBinary builds internal/cmd/inboxcrash into dir.
func crashBinary(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "inboxcrash")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/inspecthook/inspecthook/internal/cmd/inboxcrash").CombinedOutput()
	require.NoError(t, err, "go build: %s", out)
	return bin
}

// crashChild is a running inboxcrash process.
type crashChild struct {
	cmd     *exec.Cmd
	base    string
	rescued int
	exited  chan struct{}
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
			line := sc.Text()
			if n, ok := strings.CutPrefix(line, "inboxcrash rescued "); ok {
				c.rescued, _ = strconv.Atoi(n)
			}
			if u, ok := strings.CutPrefix(line, "inboxcrash listening on "); ok {
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
	Done, Runs, Twice, Jobs, Unfinished int64
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

// crashSend posts the deliveries of ids to c with conc senders and returns which were
// answered 200. afterAck, when set, is called once with the count of acknowledgements each time
// one arrives.
func crashSend(ctx context.Context, t *testing.T, client *http.Client, base string, ids []int, conc int, afterAck func(n int64)) map[int]bool {
	t.Helper()
	signer, err := verify.NewHMAC(verify.VehReports(crashSecret))
	require.NoError(t, err)
	var (
		mu    sync.Mutex
		acked = map[int]bool{}
		n     atomic.Int64
		wg    sync.WaitGroup
		next  = make(chan int)
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
				if resp.StatusCode == http.StatusOK {
					mu.Lock()
					acked[i] = true
					mu.Unlock()
					if afterAck != nil {
						afterAck(n.Add(1))
					}
				}
			}
		}()
	}
	for _, i := range ids {
		select {
		case next <- i:
		case <-ctx.Done():
		}
	}
	close(next)
	wg.Wait()
	return acked
}

// TestCrash kills a receiver with its inbox (SIGKILL) while deliveries are being received and
// processed, starts it again on the same database, and checks that every acknowledged
// delivery is processed: the inbox may run a delivery more than once (at least once), never
// zero times. INSPECTHOOK_CRASH_DELIVERIES sets the number of deliveries (default 2,000; the
// 10,000 run, about 40 s per driver on 2 cores, is INSPECTHOOK_CRASH_DELIVERIES=10000).
//
// The restarted process is given -rescue, which makes the jobs the killed one left running
// available again at once: River's rescuer does the same only after RescueStuckJobsAfter
// (an hour by default), too long for a test.
func TestCrash(t *testing.T) {
	n := 2000
	if v := os.Getenv("INSPECTHOOK_CRASH_DELIVERIES"); v != "" {
		var err error
		n, err = strconv.Atoi(v)
		require.NoError(t, err, "INSPECTHOOK_CRASH_DELIVERIES")
	}
	// 50 workers: the inbox fetches at most Workers jobs at a time, so with the default 10 a
	// handler of 2 ms runs only about 100 deliveries a second and the run takes minutes.
	tests := []struct {
		name string
		args func(t *testing.T) []string
	}{
		{"postgres", func(t *testing.T) []string {
			url := crashPostgresURL(t)
			return []string{"-postgres", url, "-schema", crashSchema(t, url, "inbox_crash"), "-workers", "50", "-work", "2ms"}
		}},
		{"sqlite", func(t *testing.T) []string {
			return []string{"-sqlite", filepath.Join(t.TempDir(), "inbox.db"), "-workers", "50", "-work", "2ms"}
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
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	client := &http.Client{
		Transport: &http.Transport{MaxIdleConnsPerHost: 64, DisableCompression: true},
		Timeout:   30 * time.Second,
	}
	ids := make([]int, n)
	for i := range ids {
		ids[i] = i
	}

	start := time.Now()
	child := crashStart(t, bin, args...)
	// Kill the child once half the deliveries are acknowledged: the other half is in flight
	// or not sent yet, and the acknowledged half is partly still waiting in the inbox.
	var (
		killOnce sync.Once
		before   crashStatus
		killed   = make(chan struct{})
	)
	acked := crashSend(ctx, t, client, child.base, ids, 32, func(k int64) {
		if k < int64(n/2) {
			return
		}
		killOnce.Do(func() {
			before, _ = child.status(ctx, client)
			child.kill()
			close(killed)
		})
	})
	select {
	case <-killed:
	default:
		t.Fatalf("only %d of %d deliveries acknowledged before the kill", len(acked), n)
	}
	ackedAtKill := len(acked)
	t.Logf("killed after %v: %d acknowledged, %d done and %d handler runs just before the kill",
		time.Since(start).Round(time.Millisecond), ackedAtKill, before.Done, before.Runs)

	// The provider retries what was not acknowledged; the new process runs what is waiting.
	child = crashStart(t, bin, append(args, "-rescue")...)
	var missing []int
	for _, i := range ids {
		if !acked[i] {
			missing = append(missing, i)
		}
	}
	for attempt := 0; len(missing) > 0 && attempt < 5; attempt++ {
		for i := range crashSend(ctx, t, client, child.base, missing, 32, nil) {
			acked[i] = true
		}
		missing = missing[:0]
		for _, i := range ids {
			if !acked[i] {
				missing = append(missing, i)
			}
		}
	}
	require.Empty(t, missing, "deliveries never acknowledged")

	var s crashStatus
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		var err error
		s, err = child.status(ctx, client)
		require.NoError(t, err)
		if s.Unfinished == 0 && s.Jobs == int64(n) {
			break
		}
		select {
		case <-ctx.Done():
			t.Fatalf("jobs not finalized in time: %+v", s)
		case <-tick.C:
		}
	}
	lost := int64(n) - s.Done
	t.Logf("%d deliveries (%d acknowledged before the kill) in %v: %d lost, %d ran more than once (%d runs), %d jobs left running by the killed process",
		n, ackedAtKill, time.Since(start).Round(time.Millisecond), lost, s.Twice, s.Runs, child.rescued)
	require.Zero(t, lost, "acknowledged deliveries never processed")
	require.Equal(t, int64(n), s.Jobs, "one job per event")
	require.GreaterOrEqual(t, s.Runs, s.Done)
}
