package redisstore_test

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
	"github.com/stretchr/testify/require"
)

// redisAddr is the shared Redis the tests use, from INSPECTHOOK_REDIS_ADDR.
func redisAddr() string {
	if addr := os.Getenv("INSPECTHOOK_REDIS_ADDR"); addr != "" {
		return addr
	}
	return "127.0.0.1:6379"
}

// unavailable skips the test, or fails it when CI is "true", for a server it cannot use.
func unavailable(tb testing.TB, format string, args ...any) {
	tb.Helper()
	msg := fmt.Sprintf(format, args...)
	if os.Getenv("CI") == "true" {
		tb.Fatal(msg)
	}
	tb.Skip(msg)
}

// newClient returns a client with opts, closed at the end of the test, after checking that
// the server at opts.Addr answers.
func newClient(tb testing.TB, opts *redis.Options) *redis.Client {
	tb.Helper()
	// A probe that dials once, so that a missing server is found at once.
	probe := redis.NewClient(&redis.Options{Addr: opts.Addr, MaxRetries: -1, DialerRetries: 1, DisableIdentity: true})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	err := probe.Ping(ctx).Err()
	_ = probe.Close()
	if err != nil {
		unavailable(tb, "redisstore: no Redis at %s (set INSPECTHOOK_REDIS_ADDR): %v", opts.Addr, err)
	}
	client := redis.NewClient(opts)
	tb.Cleanup(func() { _ = client.Close() })
	return client
}

// sharedClient returns a client of the shared Redis.
func sharedClient(tb testing.TB) *redis.Client {
	tb.Helper()
	return newClient(tb, &redis.Options{Addr: redisAddr()})
}

// newPrefix returns a key prefix no other test uses, and deletes its keys at the end of the
// test.
func newPrefix(tb testing.TB, client redis.UniversalClient) string {
	tb.Helper()
	prefix := "inspecthook-test:" + rand.Text() + ":"
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := deleteKeys(ctx, client, prefix); err != nil {
			tb.Errorf("deleting the keys of %s: %v", prefix, err)
		}
	})
	return prefix
}

// deleteKeys deletes every key that starts with prefix, which must hold no glob character.
func deleteKeys(ctx context.Context, client redis.UniversalClient, prefix string) error {
	iter := client.Scan(ctx, 0, prefix+"*", 1000).Iterator()
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

// redisServer is a private redis-server on a loopback port, for tests that kill it or count
// its commands. It keeps nothing on disk.
type redisServer struct {
	tb   testing.TB
	bin  string
	port int

	mu  sync.Mutex
	cmd *exec.Cmd
	out *bytes.Buffer
}

// startRedis starts a private redis-server on a free loopback port and stops it at the end of
// the test.
func startRedis(tb testing.TB) *redisServer {
	tb.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		unavailable(tb, "redisstore: no redis-server on PATH for a private server: %v", err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(tb, err)
	port := l.Addr().(*net.TCPAddr).Port
	require.NoError(tb, l.Close())
	s := &redisServer{tb: tb, bin: bin, port: port}
	s.Start()
	tb.Cleanup(s.Kill)
	return s
}

// Addr is the server's address.
func (s *redisServer) Addr() string { return "127.0.0.1:" + strconv.Itoa(s.port) }

// Start starts the server on its port and waits until it answers PING.
func (s *redisServer) Start() {
	s.tb.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	require.Nil(s.tb, s.cmd, "redis-server is already running")
	s.out = &bytes.Buffer{}
	cmd := exec.Command(s.bin, "--port", strconv.Itoa(s.port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no")
	cmd.Stdout, cmd.Stderr = s.out, s.out
	require.NoError(s.tb, cmd.Start())
	s.cmd = cmd

	client := redis.NewClient(&redis.Options{Addr: s.Addr(), MaxRetries: -1, DisableIdentity: true})
	defer client.Close()
	deadline := time.Now().Add(10 * time.Second)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err := client.Ping(ctx).Err()
		cancel()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			s.tb.Fatalf("redis-server on %s did not answer: %v\n%s", s.Addr(), err, s.out)
		}
		<-tick.C
	}
}

// Kill kills the server, at once (SIGKILL), and waits for it to exit. It does nothing when
// the server is not running.
func (s *redisServer) Kill() {
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

// waitFor waits until cond is true, checking every few milliseconds, and fails the test after
// timeout.
func waitFor(tb testing.TB, timeout time.Duration, what string, cond func() bool) {
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
