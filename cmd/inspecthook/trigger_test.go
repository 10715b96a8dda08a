package main

import (
	"bufio"
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/spf13/pflag"

	"github.com/inspecthook/inspecthook/receiver"
)

func init() {
	scriptCmds["triggerrx"] = cmdTriggerRx
	scriptCmds["triggersig"] = cmdTriggerSig
	scriptCmds["triggerhmac"] = cmdTriggerHMAC
}

// triggerAuthFlags parses the scheme flags of the command line from args, as listen and verify
// would, with $INSPECTHOOK_SECRET of the script: the scripts' receivers accept exactly what the
// command's flags describe.
func triggerAuthFlags(ts *testscript.TestScript, args []string) *authFlags {
	f := &authFlags{}
	fs := pflag.NewFlagSet("auth", pflag.ContinueOnError)
	f.register(fs, ts.Getenv, "a secret")
	ts.Check(fs.Parse(args))
	if fs.NArg() > 0 {
		ts.Fatalf("unexpected arguments %q", fs.Args())
	}
	return f
}

// cmdTriggerRx starts a receiver built with the SDK (receiver.New, no handlers, so every event
// is acknowledged "ok" once and "ok: already received" after) for a provider, verifying with
// the scheme flags given, and puts its URL in $RX_URL:
//
//	triggerrx PROVIDER [--scheme S] [--secret S] ...
//
// It serves one request at a time, so that concurrent copies of one event are answered as
// duplicates in a fixed way (one "ok", the others "ok: already received") rather than some of
// them 409 while the first is in flight.
func cmdTriggerRx(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 {
		ts.Fatalf("usage: triggerrx PROVIDER [scheme flags]")
	}
	p, err := lookupProvider(args[0])
	ts.Check(err)
	v, err := triggerAuthFlags(ts, args[1:]).verifier(p, time.Now)
	ts.Check(err)
	rx, err := receiver.New(p.provider, receiver.Config{
		Verifier: v,
		Logger:   slog.New(slog.DiscardHandler),
	})
	ts.Check(err)
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		rx.ServeHTTP(w, r)
	}))
	ts.Defer(func() {
		srv.Close()
		rx.Close()
	})
	ts.Setenv("RX_URL", srv.URL)
}

// cmdTriggerSig checks with the SDK's verifier that a request an app recorded (app headers,
// app body) is authentic under the scheme flags given:
//
//	triggersig PROVIDER HEADERSFILE BODYFILE [--scheme S] [--secret S] ...
func cmdTriggerSig(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 3 {
		ts.Fatalf("usage: triggersig PROVIDER HEADERSFILE BODYFILE [scheme flags]")
	}
	p, err := lookupProvider(args[0])
	ts.Check(err)
	v, err := triggerAuthFlags(ts, args[3:]).verifier(p, time.Now)
	ts.Check(err)
	r := triggerReadRecorded(ts, args[1])
	body, err := os.ReadFile(ts.MkAbs(args[2]))
	ts.Check(err)
	err = v.Verify(r, body)
	switch {
	case err != nil && !neg:
		ts.Fatalf("not authentic: %v", err)
	case err == nil && neg:
		ts.Fatalf("authentic, and should not be")
	}
}

// triggerReadRecorded rebuilds a request from the file app headers writes: "METHOD URI" then
// one "Name: value" a line.
func triggerReadRecorded(ts *testscript.TestScript, file string) *http.Request {
	data, err := os.ReadFile(ts.MkAbs(file))
	ts.Check(err)
	sc := bufio.NewScanner(bytes.NewReader(data))
	if !sc.Scan() {
		ts.Fatalf("%s is empty", file)
	}
	method, uri, ok := strings.Cut(sc.Text(), " ")
	if !ok {
		ts.Fatalf("%s: first line %q is not METHOD URI", file, sc.Text())
	}
	r := httptest.NewRequest(method, uri, nil)
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), ": ")
		if !ok {
			ts.Fatalf("%s: line %q is not 'Name: value'", file, sc.Text())
		}
		r.Header.Add(name, value)
	}
	return r
}

// cmdTriggerHMAC checks, independently of package verify, that a recorded request carries in
// header NAME the lowercase hex HMAC-SHA256 of BODYFILE keyed with SECRET:
//
//	triggerhmac SECRET BODYFILE HEADERSFILE NAME
func cmdTriggerHMAC(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 4 {
		ts.Fatalf("usage: triggerhmac SECRET BODYFILE HEADERSFILE NAME")
	}
	body, err := os.ReadFile(ts.MkAbs(args[1]))
	ts.Check(err)
	mac := hmac.New(sha256.New, []byte(args[0]))
	mac.Write(body)
	want := hex.EncodeToString(mac.Sum(nil))
	got := triggerReadRecorded(ts, args[2]).Header.Values(args[3])
	match := len(got) == 1 && got[0] == want
	switch {
	case !match && !neg:
		ts.Fatalf("%s is %q, want [%s]", args[3], got, want)
	case match && neg:
		ts.Fatalf("%s is the HMAC, and should not be", args[3])
	}
}

func TestTriggerPercentile(t *testing.T) {
	ms := func(n ...int) []time.Duration {
		ds := make([]time.Duration, len(n))
		for i, v := range n {
			ds[i] = time.Duration(v) * time.Millisecond
		}
		return ds
	}
	hundred := make([]int, 100)
	for i := range hundred {
		hundred[i] = i + 1
	}
	tests := []struct {
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{nil, 50, 0},
		{ms(7), 0, 7 * time.Millisecond},
		{ms(7), 99, 7 * time.Millisecond},
		{ms(1, 2), 50, 1 * time.Millisecond},
		{ms(1, 2), 51, 2 * time.Millisecond},
		{ms(1, 2, 3, 4), 50, 2 * time.Millisecond},
		{ms(1, 2, 3, 4), 90, 4 * time.Millisecond},
		{ms(hundred...), 50, 50 * time.Millisecond},
		{ms(hundred...), 90, 90 * time.Millisecond},
		{ms(hundred...), 99, 99 * time.Millisecond},
		{ms(hundred...), 100, 100 * time.Millisecond},
	}
	for _, tt := range tests {
		if got := triggerPercentile(tt.sorted, tt.p); got != tt.want {
			t.Errorf("triggerPercentile(%v, %v) = %v, want %v", tt.sorted, tt.p, got, tt.want)
		}
	}
}

func TestTriggerSummarize(t *testing.T) {
	res := func(n, status int, body string, ms int) triggerResult {
		return triggerResult{Request: n, Status: status, Body: body, duration: time.Duration(ms) * time.Millisecond}
	}
	// In the order the workers finished them, not the order they were sent.
	results := []triggerResult{
		res(2, 200, "ok: already received\n", 4),
		res(1, 200, "ok\n", 10),
		res(3, 200, "ok: already received\n", 2),
		res(5, 409, "in flight\nmore", 3),
		{Request: 4, Error: "connection refused: nothing listens at x"},
	}
	s := triggerSummarize(results, 500*time.Millisecond)
	want := []triggerAnswer{
		{Status: 200, Body: "ok", Count: 1, First: 1},
		{Status: 200, Body: "ok: already received", Count: 2, First: 2},
		{Status: 0, Body: "error: connection refused: nothing listens at x", Count: 1, First: 4},
		{Status: 409, Body: "in flight", Count: 1, First: 5},
	}
	if len(s.Answers) != len(want) {
		t.Fatalf("answers %+v, want %+v", s.Answers, want)
	}
	for i := range want {
		if s.Answers[i] != want[i] {
			t.Errorf("answer %d: %+v, want %+v", i, s.Answers[i], want[i])
		}
	}
	if s.OK {
		t.Error("OK with a 409 and an error")
	}
	if s.Sent != 5 || s.RequestsPerSecond != 10 || s.TotalMS != 500 {
		t.Errorf("sent %d, %v/s, total %v ms; want 5, 10/s, 500 ms", s.Sent, s.RequestsPerSecond, s.TotalMS)
	}
	// Latencies of the four answered requests only: 2, 3, 4, 10 ms.
	if l := *s.LatencyMS; l != (triggerLatencies{Min: 2, P50: 3, P90: 10, P99: 10, Max: 10}) {
		t.Errorf("latencies %+v", l)
	}

	ok := triggerSummarize([]triggerResult{res(1, 200, "ok", 1), res(2, 204, "", 1)}, time.Second)
	if !ok.OK {
		t.Error("not OK with every answer 2xx")
	}
	if none := triggerSummarize(nil, 0); none.OK || none.LatencyMS != nil || none.RequestsPerSecond != 0 {
		t.Errorf("no results: %+v", none)
	}
}

func TestTriggerFindDelivery(t *testing.T) {
	sc, err := lookupProvider("safetyculture")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name          string
		fixture, kind string
		want          int
	}{
		// An event type takes its reference fixture, not a variant.
		{"TRIGGER_EVENT_INSPECTION_COMPLETED", "legacy_inspection_completed.json", "event", 200},
		{"trigger_event_inspection_completed", "legacy_inspection_completed.json", "event", 200},
		// A fixture by its name, of any kind.
		{"newer_inspection_completed.json", "newer_inspection_completed.json", "variant", 200},
		{"unknown_future_action_event.json", "unknown_future_action_event.json", "unknown", 200},
		{"safetyculture/bad_empty.json", "bad_empty.json", "bad", 400},
		// An unknown event type takes its fixture.
		{"TRIGGER_EVENT_TRAINING_CERTIFICATE_ISSUED", "unknown_future_training_event.json", "unknown", 200},
	}
	for _, tt := range tests {
		d, err := triggerFindDelivery(sc, tt.name)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if d.fixture != tt.fixture || d.kind != tt.kind || d.want != tt.want {
			t.Errorf("%s: fixture %s kind %s want %d (%d bytes); want %s %s %d", tt.name, d.fixture, d.kind, d.want, len(d.body), tt.fixture, tt.kind, tt.want)
		}
	}
	if _, err := triggerFindDelivery(sc, "nope.json"); err == nil || !strings.Contains(err.Error(), "inspecthook events safetyculture") {
		t.Errorf("unknown name: %v", err)
	}
}

func TestTriggerParseHeaders(t *testing.T) {
	h, err := triggerParseHeaders([]string{"X-One: 1", "x-one:2", "Host:  example.com "})
	if err != nil {
		t.Fatal(err)
	}
	if got := h.Values("X-One"); len(got) != 2 || got[0] != "1" || got[1] != "2" {
		t.Errorf("X-One %q", got)
	}
	if h.Get("Host") != "example.com" {
		t.Errorf("Host %q", h.Get("Host"))
	}
	for _, bad := range []string{"no colon", ": value", "bad name: x", "X-A: a\nb"} {
		if _, err := triggerParseHeaders([]string{bad}); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
