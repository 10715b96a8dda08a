// Command slowbody measures what unauthenticated senders can make a receiver hold: it serves a
// SafetyCulture receiver on loopback, opens -conns connections that each declare a body of
// -declare bytes and send only 5, waits until every request is being read, and prints how much
// the process's resident memory and Go heap grew. It stops by itself within -timeout.
//
//	go run ./cmd/internal/slowbody -conns 300 -declare 8388608
package main

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/inspecthook/inspecthook/events/safetyculture"
	"github.com/inspecthook/inspecthook/receiver"
	"github.com/inspecthook/inspecthook/verify"
)

func main() {
	conns := flag.Int("conns", 300, "slow connections to open")
	declare := flag.Int("declare", 8<<20, "Content-Length each one declares")
	timeout := flag.Duration("timeout", 60*time.Second, "give up after this long")
	flag.Parse()
	if err := run(os.Stdout, *conns, *declare, *timeout); err != nil {
		log.Fatal(err)
	}
}

func run(out io.Writer, conns, declare int, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()

	auth, err := verify.NewHMAC(verify.SafetyCulture("slowbody-secret"))
	if err != nil {
		return err
	}
	rx, err := receiver.New(safetyculture.Provider(), receiver.Config{
		Verifier: auth,
		Logger:   slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		return err
	}
	defer rx.Close()
	var reading atomic.Int64
	srv := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r.Body = &countFirstRead{ReadCloser: r.Body, n: &reading}
			rx.ServeHTTP(w, r)
		}),
		ReadHeaderTimeout: 10 * time.Second,
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()

	runtime.GC()
	rss0, heap0 := rss(), heapInuse()
	var open []net.Conn
	defer func() {
		for _, c := range open {
			_ = c.Close()
		}
	}()
	for range conns {
		c, err := (&net.Dialer{}).DialContext(ctx, "tcp", ln.Addr().String())
		if err != nil {
			return err
		}
		open = append(open, c)
		fmt.Fprintf(c, "POST / HTTP/1.1\r\nHost: slowbody\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n{\"a\":", declare)
	}
	for reading.Load() < int64(conns) {
		select {
		case <-ctx.Done():
			return fmt.Errorf("only %d of %d requests reached the body read", reading.Load(), conns)
		case <-time.After(10 * time.Millisecond):
		}
	}
	// Let the reads that follow the first one reserve what they will.
	select {
	case <-ctx.Done():
	case <-time.After(500 * time.Millisecond):
	}
	rss1, heap1 := rss(), heapInuse()
	fmt.Fprintf(out, "%d connections declaring %d bytes, 5 sent: RSS %+.1f MB (%.1f -> %.1f MB), heap in use %+.1f MB\n",
		conns, declare, mb(rss1-rss0), mb(rss0), mb(rss1), mb(int64(heap1)-int64(heap0)))
	return nil
}

// countFirstRead counts the requests whose body has been read from.
type countFirstRead struct {
	io.ReadCloser
	n    *atomic.Int64
	seen bool
}

func (c *countFirstRead) Read(p []byte) (int, error) {
	if !c.seen {
		c.seen = true
		c.n.Add(1)
	}
	return c.ReadCloser.Read(p)
}

func heapInuse() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// rss is the process's resident set size in bytes, from /proc/self/status.
func rss() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

func mb(b int64) float64 { return float64(b) / (1 << 20) }
