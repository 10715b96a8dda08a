// Package redistest gives the tests of the Redis-backed packages the shared Redis (skipping
// without it on a developer's machine, failing in CI), key prefixes of their own, private
// redis-server processes to kill, and a wait for a condition with a deadline.
package redistest

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// Addr is the shared Redis the tests use: INSPECTHOOK_REDIS_ADDR, or 127.0.0.1:6379.
func Addr() string {
	if addr := os.Getenv("INSPECTHOOK_REDIS_ADDR"); addr != "" {
		return addr
	}
	return "127.0.0.1:6379"
}

// Unavailable skips the test for a server it cannot use, or fails it when CI is "true", so CI
// always runs the test for real.
func Unavailable(tb testing.TB, format string, args ...any) {
	tb.Helper()
	msg := fmt.Sprintf(format, args...)
	if os.Getenv("CI") == "true" {
		tb.Fatal(msg)
	}
	tb.Skip(msg)
}

// Client returns a client with opts, closed at the end of the test, after checking with a
// probe that dials once that the server at opts.Addr answers (Unavailable otherwise).
func Client(tb testing.TB, opts *redis.Options) *redis.Client {
	tb.Helper()
	probe := redis.NewClient(&redis.Options{Addr: opts.Addr, MaxRetries: -1, DialerRetries: 1, DisableIdentity: true})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	err := probe.Ping(ctx).Err()
	_ = probe.Close()
	if err != nil {
		Unavailable(tb, "no Redis at %s (set INSPECTHOOK_REDIS_ADDR): %v", opts.Addr, err)
	}
	client := redis.NewClient(opts)
	tb.Cleanup(func() { _ = client.Close() })
	return client
}

// Shared returns a new client of the shared Redis.
func Shared(tb testing.TB) *redis.Client {
	tb.Helper()
	return Client(tb, &redis.Options{Addr: Addr()})
}

// Prefix returns a key prefix no other test uses, and deletes at the end of the test every key
// that contains it (also under a package's own prefix, such as redis_rate's "rate:").
func Prefix(tb testing.TB, client redis.UniversalClient) string {
	tb.Helper()
	prefix := "inspecthook-test:" + rand.Text() + ":"
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := DeleteKeys(ctx, client, "*"+prefix+"*"); err != nil {
			tb.Errorf("deleting the keys of %s: %v", prefix, err)
		}
	})
	return prefix
}

// DeleteKeys deletes every key that matches the glob pattern, in batches.
func DeleteKeys(ctx context.Context, client redis.UniversalClient, pattern string) error {
	iter := client.Scan(ctx, 0, pattern, 1000).Iterator()
	var batch []string
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := client.Del(ctx, batch...).Err()
		batch = batch[:0]
		return err
	}
	for iter.Next(ctx) {
		batch = append(batch, iter.Val())
		if len(batch) == 500 {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := iter.Err(); err != nil {
		return err
	}
	return flush()
}

// Server is a private redis-server on a loopback port, for tests that kill it or count its
// commands. It keeps nothing on disk.
type Server struct {
	tb   testing.TB
	bin  string
	port int

	mu  sync.Mutex
	cmd *exec.Cmd
	out *bytes.Buffer
}

// StartServer starts a private redis-server on a free loopback port and kills it at the end of
// the test. Without redis-server on PATH the test is Unavailable.
func StartServer(tb testing.TB) *Server {
	tb.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		Unavailable(tb, "no redis-server on PATH for a private server: %v", err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	if err := l.Close(); err != nil {
		tb.Fatal(err)
	}
	s := &Server{tb: tb, bin: bin, port: port}
	s.Start()
	tb.Cleanup(s.Kill)
	return s
}

// Addr is the server's address.
func (s *Server) Addr() string { return "127.0.0.1:" + strconv.Itoa(s.port) }

// Start starts the server on its port and waits until it answers PING.
func (s *Server) Start() {
	s.tb.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		s.tb.Fatal("redis-server is already running")
	}
	s.out = &bytes.Buffer{}
	cmd := exec.Command(s.bin, "--port", strconv.Itoa(s.port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no")
	cmd.Stdout, cmd.Stderr = s.out, s.out
	if err := cmd.Start(); err != nil {
		s.tb.Fatal(err)
	}
	s.cmd = cmd

	client := redis.NewClient(&redis.Options{Addr: s.Addr(), MaxRetries: -1, DisableIdentity: true})
	defer client.Close()
	WaitFor(s.tb, 10*time.Second, "redis-server on "+s.Addr(), func() bool {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		return client.Ping(ctx).Err() == nil
	})
}

// Kill kills the server at once (SIGKILL) and waits for it to exit. It does nothing when the
// server is not running.
func (s *Server) Kill() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	err := s.cmd.Wait()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		s.tb.Errorf("waiting for redis-server: %v", err)
	}
	s.cmd = nil
}

// WaitFor waits until cond is true, checking every few milliseconds, and fails the test after
// timeout.
func WaitFor(tb testing.TB, timeout time.Duration, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		<-tick.C
	}
}
