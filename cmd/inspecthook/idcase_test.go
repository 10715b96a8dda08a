package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/inspecthook/inspecthook/events/safetyculture"
	"github.com/inspecthook/inspecthook/verify"
	"github.com/inspecthook/inspecthook/webhooktest"
)

// Ids of an older SafetyCulture audit are upper-case hex; the same text in lower case is another
// audit.
const (
	idcaseFixture = "variant_legacy_upper_case_ids.json"
	idcaseUpper   = "audit_50BA6B1C3E2D4F5A8B9C0D1E2F3A4B5C"
	idcaseLower   = "audit_50ba6b1c3e2d4f5a8b9c0d1e2f3a4b5c"
	idcaseSecret  = "idcase-secret-5d1f"
)

// idcaseApp is an application that records the bodies it is sent and answers "app ok".
type idcaseApp struct {
	mu     sync.Mutex
	bodies [][]byte
}

func (a *idcaseApp) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	a.mu.Lock()
	a.bodies = append(a.bodies, b)
	a.mu.Unlock()
	_, _ = io.WriteString(w, "app ok")
}

func (a *idcaseApp) received() [][]byte {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([][]byte(nil), a.bodies...)
}

// idcaseBodies returns the fixture with the upper-case audit id and the same body with the id
// in lower case.
func idcaseBodies(t *testing.T) (upper, lower []byte) {
	t.Helper()
	upper = webhooktest.FixtureBody(t, safetyculture.Name, idcaseFixture)
	if !bytes.Contains(upper, []byte(idcaseUpper)) {
		t.Fatalf("%s does not hold %s", idcaseFixture, idcaseUpper)
	}
	return upper, bytes.ReplaceAll(upper, []byte(idcaseUpper), []byte(idcaseLower))
}

// idcaseKey is the idempotency key the SDK derives for body.
func idcaseKey(t *testing.T, body []byte) string {
	t.Helper()
	env, err := safetyculture.Provider().Decode(body)
	if err != nil {
		t.Fatal(err)
	}
	return env.IdempotencyKey
}

var idcaseListening = regexp.MustCompile(`Listening on (http://\S+) `)

// TestListenKeepsIDCase runs "inspecthook listen safetyculture --json --forward-to" and sends it
// the audit with the upper-case id and the same audit spelt in lower case: each line holds the
// key the SDK derives from the id as sent, the two keys differ, and the application receives
// each body byte for byte.
func TestListenKeepsIDCase(t *testing.T) {
	app := &idcaseApp{}
	srv := httptest.NewServer(app)
	defer srv.Close()

	var stdout bytes.Buffer
	errR, errW := io.Pipe()
	done := make(chan int, 1)
	go func() {
		defer errW.Close()
		done <- run([]string{"listen", "safetyculture", "--secret", idcaseSecret, "--addr", "127.0.0.1:0", "--json",
			"--forward-to", srv.URL, "--max-deliveries", "2"}, strings.NewReader(""), &stdout, errW, func(string) string { return "" })
	}()
	stderr := bufio.NewReader(errR)
	var url string
	for url == "" {
		line, err := stderr.ReadString('\n')
		if m := idcaseListening.FindStringSubmatch(line); m != nil {
			url = m[1]
		}
		if err != nil {
			t.Fatalf("listen stopped before listening: %v", err)
		}
	}
	drained := make(chan string, 1)
	go func() {
		rest, _ := io.ReadAll(stderr)
		drained <- string(rest)
	}()

	signer, err := verify.NewHMAC(verify.SafetyCulture(idcaseSecret))
	if err != nil {
		t.Fatal(err)
	}
	upper, lower := idcaseBodies(t)
	for _, body := range [][]byte{upper, lower} {
		resp, err := webhooktest.Send(context.Background(), nil, url, body, signer)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d", resp.StatusCode)
		}
	}
	if code := <-done; code != exitOK {
		t.Fatalf("listen exited %d: %s", code, <-drained)
	}
	<-drained

	// The fields of a --json line this test reads.
	type line struct {
		Type           string `json:"type"`
		IdempotencyKey string `json:"idempotency_key"`
		Duplicate      bool   `json:"duplicate"`
	}
	var lines []line
	for _, text := range strings.Split(strings.TrimSpace(stdout.String()), "\n") {
		var v line
		if err := json.Unmarshal([]byte(text), &v); err != nil {
			t.Fatalf("%q: %v", text, err)
		}
		lines = append(lines, v)
	}
	if len(lines) != 2 {
		t.Fatalf("%d lines, want 2:\n%s", len(lines), stdout.String())
	}
	want := []string{idcaseKey(t, upper), idcaseKey(t, lower)}
	if want[0] == want[1] {
		t.Fatal("the SDK gives the upper- and lower-case ids one key")
	}
	for i, v := range lines {
		switch {
		case v.IdempotencyKey != want[i]:
			t.Errorf("delivery %d: key %q, want %q", i+1, v.IdempotencyKey, want[i])
		case v.Duplicate:
			t.Errorf("delivery %d: a duplicate: the lower-case id is another audit", i+1)
		case v.Type != safetyculture.InspectionCompleted.Name():
			t.Errorf("delivery %d: type %q", i+1, v.Type)
		}
	}
	got := app.received()
	if len(got) != 2 || !bytes.Equal(got[0], upper) || !bytes.Equal(got[1], lower) {
		t.Errorf("the application received %d bodies, not the two sent byte for byte", len(got))
	}
}

// TestTriggerKeepsIDCase runs "inspecthook trigger safetyculture" with the fixture of the
// upper-case audit: the application receives the fixture byte for byte.
func TestTriggerKeepsIDCase(t *testing.T) {
	app := &idcaseApp{}
	srv := httptest.NewServer(app)
	defer srv.Close()

	tests := []struct{ name, arg string }{
		{"by file name", idcaseFixture},
		{"by file name, upper case", strings.ToUpper(idcaseFixture)},
	}
	upper, _ := idcaseBodies(t)
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run([]string{"trigger", "safetyculture", tt.arg, "--url", srv.URL, "--secret", idcaseSecret},
				strings.NewReader(""), &stdout, &stderr, func(string) string { return "" })
			if code != exitOK {
				t.Fatalf("trigger exited %d: %s%s", code, stdout.String(), stderr.String())
			}
			got := app.received()
			if len(got) != i+1 || !bytes.Equal(got[i], upper) {
				t.Fatalf("the application did not receive the fixture byte for byte")
			}
			if !bytes.Contains(got[i], []byte(`"audit_id": "`+idcaseUpper+`"`)) || bytes.Contains(got[i], []byte(idcaseLower)) {
				t.Errorf("the audit id changed case on the way")
			}
		})
	}
}
