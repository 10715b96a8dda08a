package page_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"html"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river/rivertype"
	_ "modernc.org/sqlite"

	"github.com/inspecthook/inspecthook/events"
	"github.com/inspecthook/inspecthook/events/record360"
	"github.com/inspecthook/inspecthook/events/safetyculture"
	"github.com/inspecthook/inspecthook/inbox"
	"github.com/inspecthook/inspecthook/inbox/inboxsqlite"
	"github.com/inspecthook/inspecthook/observe/page"
	"github.com/inspecthook/inspecthook/observe/page/pageinbox"
	"github.com/inspecthook/inspecthook/receiver"
	"github.com/inspecthook/inspecthook/verify"
	"github.com/inspecthook/inspecthook/webhooktest"
)

const (
	scSecret   = "sc-page-secret-4f1d9e"
	r360Token  = "r360-page-token-77ab2c"
	forgedMark = "FORGED-MARKER-0c9a"
	scPath     = "/webhooks/safetyculture"
	r360Path   = "/webhooks/record360"
	base       = "/deliveries/"
)

// discard is the logger of the receivers and inboxes under test.
var discard = slog.New(slog.DiscardHandler)

// env is a page with a SafetyCulture receiver (HMAC) and a Record360 receiver (Bearer), each
// wrapped by the page's Middleware with the page's Observe as its Observer, on one mux with the
// page at /deliveries/.
type env struct {
	p      *page.Page
	mux    *http.ServeMux
	sc     *verify.HMAC
	forger *verify.HMAC
	r360   *verify.Bearer
	scRx   *receiver.Receiver
	r360Rx *receiver.Receiver
}

// newEnv builds the env of cfg; rxCfg, when set, changes both receivers' configuration.
func newEnv(t *testing.T, cfg page.Config, rxCfg func(*receiver.Config)) *env {
	t.Helper()
	if cfg.Logger == nil {
		cfg.Logger = discard
	}
	p, err := page.New(cfg)
	if err != nil {
		t.Fatalf("page.New: %v", err)
	}
	t.Cleanup(func() { _ = p.Close() })
	e := &env{p: p, mux: http.NewServeMux()}
	if e.sc, err = verify.NewHMAC(verify.SafetyCulture(scSecret)); err != nil {
		t.Fatal(err)
	}
	if e.forger, err = verify.NewHMAC(verify.SafetyCulture("not-the-secret")); err != nil {
		t.Fatal(err)
	}
	if e.r360, err = verify.NewBearer(r360Token); err != nil {
		t.Fatal(err)
	}
	config := func(v verify.Verifier) receiver.Config {
		rc := receiver.Config{Verifier: v, Observer: p.Observe, Logger: discard}
		if rxCfg != nil {
			rxCfg(&rc)
		}
		return rc
	}
	if e.scRx, err = receiver.New(safetyculture.Provider(), config(e.sc)); err != nil {
		t.Fatal(err)
	}
	if e.r360Rx, err = receiver.New(record360.Provider(), config(e.r360)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.scRx.Close(); _ = e.r360Rx.Close() })
	e.mux.Handle("POST "+scPath, p.Middleware(e.scRx))
	e.mux.Handle("POST "+r360Path, p.Middleware(e.r360Rx))
	e.mux.Handle(base, p)
	return e
}

// send posts body to path signed with signer and requires status.
func (e *env) send(t *testing.T, path string, body []byte, signer verify.Signer, want int) {
	t.Helper()
	w := webhooktest.Replay(t, e.mux, path, body, signer)
	if w.Code != want {
		t.Fatalf("POST %s: status %d, want %d: %s", path, w.Code, want, w.Body)
	}
}

// get fetches target on the mux from the loopback address and returns the response.
func (e *env) get(t *testing.T, target string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(http.MethodGet, target, nil)
	r.RemoteAddr = "127.0.0.1:50000"
	w := httptest.NewRecorder()
	e.mux.ServeHTTP(w, r)
	return w
}

// page fetches target and requires 200.
func (e *env) page(t *testing.T, target string) string {
	t.Helper()
	w := e.get(t, target)
	if w.Code != http.StatusOK {
		t.Fatalf("GET %s: status %d: %s", target, w.Code, w.Body)
	}
	return w.Body.String()
}

// scBody returns a SafetyCulture fixture.
func scBody(t *testing.T, file string) []byte {
	return webhooktest.FixtureBody(t, "safetyculture", file)
}

// hmacHex is the SafetyCulture signature of body.
func hmacHex(body []byte) string {
	m := hmac.New(sha256.New, []byte(scSecret))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// replayFour sends a new event, its duplicate, a forged delivery and a body that fails
// validation, in that order.
func (e *env) replayFour(t *testing.T) {
	t.Helper()
	good := scBody(t, "newer_inspection_completed.json")
	e.send(t, scPath, good, e.sc, http.StatusOK)
	e.send(t, scPath, good, e.sc, http.StatusOK)
	e.send(t, scPath, []byte(`{"forged":"`+forgedMark+`"}`), e.forger, http.StatusUnauthorized)
	e.send(t, scPath, scBody(t, "bad_legacy_missing_audit_id.json"), e.sc, http.StatusUnprocessableEntity)
}

// row is one row of a table of the page: its data-id and the text of its cells.
type row struct {
	id    string
	class string
	cells []string
}

var (
	rowRE  = regexp.MustCompile(`(?s)<tr class="([^"]*)" data-id="(\d+)">(.*?)</tr>`)
	cellRE = regexp.MustCompile(`(?s)<td[^>]*>(.*?)</td>`)
	tagRE  = regexp.MustCompile(`(?s)<[^>]+>`)
)

// rows reads the rows of the page's table.
func rows(page string) []row {
	var out []row
	for _, m := range rowRE.FindAllStringSubmatch(page, -1) {
		r := row{class: m[1], id: m[2]}
		for _, c := range cellRE.FindAllStringSubmatch(m[3], -1) {
			r.cells = append(r.cells, strings.TrimSpace(html.UnescapeString(tagRE.ReplaceAllString(c[1], ""))))
		}
		out = append(out, r)
	}
	return out
}

// Columns of the list.
const (
	colTime = iota
	colProvider
	colType
	colEventID
	colStatus
	colStage
	colDuration
	colDuplicate
	colReason
)

func TestListShowsEachDelivery(t *testing.T) {
	e := newEnv(t, page.Config{}, nil)
	e.replayFour(t)
	got := rows(e.page(t, base))
	if len(got) != 4 {
		t.Fatalf("%d rows, want 4: %+v", len(got), got)
	}
	want := []struct {
		id, status, stage, typ, dup, reason string
	}{
		{"4", "422", "validate", "TRIGGER_EVENT_INSPECTION_STARTED", "", "required field missing: data.audit.audit_id"},
		{"3", "401", "verify", "—", "", "unauthenticated: signature or credentials do not match"},
		// A duplicate: decoded, then answered by the claim without the handler.
		{"2", "200", "complete", "TRIGGER_EVENT_INSPECTION_COMPLETED", "duplicate", "already received: the handler was not called"},
		{"1", "200", "complete", "TRIGGER_EVENT_INSPECTION_COMPLETED", "", ""},
	}
	for i, w := range want {
		r := got[i]
		if len(r.cells) != 9 {
			t.Fatalf("row %d has %d cells: %q", i, len(r.cells), r.cells)
		}
		if r.id != w.id || r.cells[colStatus] != w.status || r.cells[colStage] != w.stage || r.cells[colProvider] != "safetyculture" {
			t.Errorf("row %d: id %s status %q stage %q provider %q, want %s %s %s safetyculture", i, r.id, r.cells[colStatus], r.cells[colStage], r.cells[colProvider], w.id, w.status, w.stage)
		}
		if r.cells[colType] != w.typ {
			t.Errorf("row %d: type %q, want %q", i, r.cells[colType], w.typ)
		}
		if r.cells[colDuplicate] != w.dup {
			t.Errorf("row %d: duplicate cell %q, want %q", i, r.cells[colDuplicate], w.dup)
		}
		if r.cells[colReason] != w.reason {
			t.Errorf("row %d: reason %q, want %q", i, r.cells[colReason], w.reason)
		}
		// SafetyCulture's format has no event id: the list shows the idempotency key, marked,
		// where the delivery has one; a request refused before decoding has neither.
		if w.status == "401" {
			if r.cells[colEventID] != "—" {
				t.Errorf("row %d: event id %q, want —", i, r.cells[colEventID])
			}
		} else if !strings.HasPrefix(r.cells[colEventID], "key: safetyculture:") {
			t.Errorf("row %d: event id cell %q, want the idempotency key marked key:", i, r.cells[colEventID])
		}
		if !regexp.MustCompile(`^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$`).MatchString(r.cells[colTime]) || r.cells[colDuration] == "" {
			t.Errorf("row %d: time %q, duration %q", i, r.cells[colTime], r.cells[colDuration])
		}
		if r.class != "s"+w.status[:1]+"xx" {
			t.Errorf("row %d: class %q for status %s", i, r.class, w.status)
		}
	}
	if !strings.Contains(e.page(t, base), "4 deliveries kept (the page keeps the newest 500)") {
		t.Error("the summary does not say how many deliveries are kept")
	}
}

// TestListShowsKeyWithoutEventID checks the event id column: the event id where the delivery
// has one, else its idempotency key, marked "key:" in a muted link to the deliveries with that
// key, else a dash.
func TestListShowsKeyWithoutEventID(t *testing.T) {
	tests := []struct {
		name, eventID, key string
		want               string // the cell's text
		wantLink           string // the key link's href, unescaped; "" for none
	}{
		{"an event id", "evt_01J9", "record360:evt_01J9", "evt_01J9", ""},
		{"a key and no event id", "", "safetyculture:d190ee1c", "key: safetyculture:d190ee1c", base + "?key=safetyculture%3Ad190ee1c&provider=acme"},
		{"neither", "", "", "—", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, page.Config{}, nil)
			e.p.Observe(context.Background(), receiver.Outcome{
				Delivery: receiver.Delivery{Provider: "acme", Type: "t", EventID: tt.eventID, IdempotencyKey: tt.key, ReceivedAt: time.Now()},
				Status:   http.StatusOK, Stage: receiver.StageComplete,
			})
			list := e.page(t, base)
			got := rows(list)
			if len(got) != 1 {
				t.Fatalf("%d rows, want 1", len(got))
			}
			if cell := got[0].cells[colEventID]; cell != tt.want {
				t.Errorf("the event id cell is %q, want %q", cell, tt.want)
			}
			m := regexp.MustCompile(`<a class="key" href="([^"]+)"`).FindStringSubmatch(list)
			switch {
			case tt.wantLink == "" && m != nil:
				t.Errorf("a key link to %s where the cell shows no key", m[1])
			case tt.wantLink != "" && m == nil:
				t.Errorf("no key link:\n%s", list)
			case tt.wantLink != "" && html.UnescapeString(m[1]) != tt.wantLink:
				t.Errorf("the key links to %q, want %q", html.UnescapeString(m[1]), tt.wantLink)
			}
			if tt.wantLink != "" {
				if n := len(rows(e.page(t, tt.wantLink))); n != 1 {
					t.Errorf("the key link lists %d deliveries, want 1", n)
				}
			}
		})
	}
}

func TestFilters(t *testing.T) {
	e := newEnv(t, page.Config{}, nil)
	e.replayFour(t)
	e.send(t, r360Path, webhooktest.FixtureBody(t, "record360", "v3_inspection_created.json"), e.r360, http.StatusOK)
	e.send(t, scPath, scBody(t, "bad_truncated.json"), e.sc, http.StatusBadRequest)
	e.send(t, scPath, scBody(t, "newer_action_created.json"), e.sc, http.StatusOK)

	tests := []struct {
		query   string
		want    int
		check   func(r row) bool
		explain string
	}{
		{"", 7, nil, "every delivery"},
		{"provider=safetyculture", 6, func(r row) bool { return r.cells[colProvider] == "safetyculture" }, "SafetyCulture only"},
		{"provider=record360", 1, func(r row) bool { return r.cells[colType] == "inspection.created" }, "Record360 only"},
		{"provider=inspectorio", 0, nil, "a provider with no deliveries"},
		{"class=2xx", 4, func(r row) bool { return strings.HasPrefix(r.cells[colStatus], "2") }, "successes"},
		{"class=4xx", 3, func(r row) bool { return strings.HasPrefix(r.cells[colStatus], "4") }, "refusals"},
		{"class=5xx", 0, nil, "no failures"},
		{"class=bogus", 7, nil, "an unknown class is no filter"},
		{"type=inspection_completed", 2, func(r row) bool { return strings.Contains(r.cells[colType], "INSPECTION_COMPLETED") }, "part of a type, either case, the duplicate's inferred type included"},
		{"type=ACTION", 1, func(r row) bool { return strings.Contains(r.cells[colType], "ACTION_CREATED") }, "another type"},
		{"provider=safetyculture&class=4xx", 3, nil, "two filters"},
		{"provider=safetyculture&class=2xx&type=action", 1, nil, "three filters"},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			body := e.page(t, base+"?"+tt.query)
			got := rows(body)
			if len(got) != tt.want {
				t.Fatalf("%s: %d rows, want %d: %+v", tt.explain, len(got), tt.want, got)
			}
			for _, r := range got {
				if tt.check != nil && !tt.check(r) {
					t.Errorf("%s: row %q does not belong", tt.explain, r.cells)
				}
			}
			if tt.query != "" && tt.want != 7 && !strings.Contains(body, ">clear</a>") {
				t.Errorf("a filtered list has no link to clear the filters")
			}
		})
	}

	// The filters are a GET form that works without JavaScript: a select or a field per filter,
	// showing the filter applied.
	body := e.page(t, base+"?provider=record360&class=2xx")
	for _, want := range []string{
		`<form class="filters" method="get" action="/deliveries/">`,
		`<select name="provider" id="provider">`,
		`<option value="record360" selected>record360</option>`,
		`<option value="safetyculture">safetyculture</option>`,
		`<option value="2xx" selected>2xx</option>`,
		`<input type="search" name="type"`,
		`<button type="submit" id="apply">Filter</button>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the filter form lacks %q", want)
		}
	}
	if strings.Contains(body, "<script") {
		t.Error("the list has a script")
	}
}

func TestKeyFilterAndPaging(t *testing.T) {
	e := newEnv(t, page.Config{}, nil)
	good := scBody(t, "newer_inspection_completed.json")
	e.send(t, scPath, good, e.sc, http.StatusOK)
	e.send(t, scPath, good, e.sc, http.StatusOK)
	detail := e.page(t, base+"d/1")
	m := regexp.MustCompile(`href="(/deliveries/\?key=[^"]+)"`).FindStringSubmatch(detail)
	if m == nil {
		t.Fatalf("the detail view links to no key filter:\n%s", detail)
	}
	if got := rows(e.page(t, html.UnescapeString(m[1]))); len(got) != 2 {
		t.Errorf("the key filter shows %d rows, want the delivery and its duplicate", len(got))
	}

	// More than a page: the older link leads to the rest.
	for i := range 120 {
		e.p.Observe(context.Background(), receiver.Outcome{
			Delivery: receiver.Delivery{Provider: "vehreports", Type: "t" + strconv.Itoa(i), ReceivedAt: time.Now()},
			Status:   http.StatusOK, Stage: receiver.StageComplete,
		})
	}
	first := e.page(t, base+"?provider=vehreports")
	if n := len(rows(first)); n != 100 {
		t.Fatalf("the first page has %d rows, want 100", n)
	}
	older := regexp.MustCompile(`href="([^"]+)" id="older"`).FindStringSubmatch(first)
	if older == nil {
		t.Fatal("no older link")
	}
	second := rows(e.page(t, html.UnescapeString(older[1])))
	if len(second) != 20 || second[len(second)-1].cells[colType] != "t0" {
		t.Errorf("the second page has %d rows ending with %q, want 20 ending with t0", len(second), second[len(second)-1].cells)
	}
}

// allPages fetches the list and every delivery's detail view.
func (e *env) allPages(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	list := e.page(t, base)
	b.WriteString(list)
	for _, r := range rows(list) {
		b.WriteString(e.page(t, base+"d/"+r.id))
	}
	return b.String()
}

func TestDetailRedactsAndPrettyPrints(t *testing.T) {
	e := newEnv(t, page.Config{}, nil)
	e.replayFour(t)
	r360 := webhooktest.FixtureBody(t, "record360", "v3_inspection_created.json")
	e.send(t, r360Path+"?token=url-token-in-query-5a5a", r360, e.r360, http.StatusOK)

	d := e.page(t, base+"d/1")
	for _, want := range []string{
		"<th>X-Safetyculture-Signature</th><td class=\"mono redacted\">REDACTED</td>",
		"<th>Content-Type</th><td class=\"mono\">application/json</td>",
		"<th>User-Agent</th><td class=\"mono\">inspecthook-webhooktest</td>",
		"\n  &#34;webhook_id&#34;: &#34;5378baaa-a470-48cc-8f11-ae2893551234&#34;,\n", // indented, escaped
		"\n    &#34;event_types&#34;: [\n      &#34;TRIGGER_EVENT_INSPECTION&#34;,",
		"POST /webhooks/safetyculture",
		"hmac",
	} {
		if !strings.Contains(d, want) {
			t.Errorf("the detail view lacks %q:\n%s", want, d)
		}
	}
	r := e.page(t, base+"d/5")
	for _, want := range []string{
		"<th>Authorization</th><td class=\"mono redacted\">REDACTED</td>",
		"POST /webhooks/record360?token=REDACTED",
	} {
		if !strings.Contains(r, want) {
			t.Errorf("the Record360 detail view lacks %q:\n%s", want, r)
		}
	}

	all := e.allPages(t)
	good := scBody(t, "newer_inspection_completed.json")
	for _, secret := range []string{scSecret, hmacHex(good), r360Token, "url-token-in-query-5a5a", forgedMark} {
		if strings.Contains(all, secret) {
			t.Errorf("a page shows %q", secret)
		}
	}
	// The forged delivery's own signature, computed with the wrong secret, is not shown either.
	m := hmac.New(sha256.New, []byte("not-the-secret"))
	m.Write([]byte(`{"forged":"` + forgedMark + `"}`))
	if strings.Contains(all, hex.EncodeToString(m.Sum(nil))) {
		t.Error("a page shows the forged signature")
	}
}

func TestBodiesKept(t *testing.T) {
	e := newEnv(t, page.Config{KeepBodyBytes: 64}, nil)
	e.replayFour(t)
	e.send(t, scPath, scBody(t, "bad_truncated.json"), e.sc, http.StatusBadRequest)

	tests := []struct {
		id   string
		want []string
		not  []string
	}{
		{"1", []string{`bytes; the last`, `more bytes not kept]`, `<pre class="body" id="body">{`}, nil},
		{"2", []string{`id="body"`, "already received: the handler was not called", "TRIGGER_EVENT_INSPECTION_COMPLETED"}, nil},
		{"3", []string{"not kept: the request was refused before it was authenticated", "unauthenticated: signature or credentials do not match"}, []string{`id="body"`, forgedMark}},
		{"4", []string{`id="body"`, "required field missing"}, nil},
		{"5", []string{"not kept: the body did not decode", "body is not valid JSON"}, []string{`id="body"`}},
	}
	for _, tt := range tests {
		d := e.page(t, base+"d/"+tt.id)
		for _, w := range tt.want {
			if !strings.Contains(d, w) {
				t.Errorf("delivery %s: no %q in\n%s", tt.id, w, d)
			}
		}
		for _, w := range tt.not {
			if strings.Contains(d, w) {
				t.Errorf("delivery %s shows %q", tt.id, w)
			}
		}
	}
}

func TestOnlyLoopbackWithoutAuthorize(t *testing.T) {
	tests := []struct {
		name      string
		authorize func(*http.Request) bool
		remote    string
		header    string
		want      int
		message   string
	}{
		{"IPv4 loopback", nil, "127.0.0.1:4000", "", http.StatusOK, ""},
		{"another loopback address", nil, "127.8.9.10:4000", "", http.StatusOK, ""},
		{"IPv6 loopback", nil, "[::1]:4000", "", http.StatusOK, ""},
		{"a public address", nil, "192.0.2.1:4000", "", http.StatusForbidden, "serves loopback clients only (127.0.0.1, ::1), and this request came from 192.0.2.1"},
		{"a private address", nil, "10.1.2.3:4000", "", http.StatusForbidden, "set page.Config.Authorize"},
		{"IPv4-mapped loopback", nil, "[::ffff:127.0.0.1]:4000", "", http.StatusOK, ""},
		{"no address", nil, "", "", http.StatusForbidden, "loopback clients only"},
		{"loopback through a proxy", nil, "127.0.0.1:4000", "X-Forwarded-For", http.StatusForbidden, "came through a proxy (it has a X-Forwarded-For header)"},
		{"Authorize accepts a public address", func(r *http.Request) bool { return r.Header.Get("X-Admin") == "yes" }, "192.0.2.1:4000", "X-Admin", http.StatusOK, ""},
		{"Authorize refuses a public address", func(*http.Request) bool { return false }, "192.0.2.1:4000", "", http.StatusForbidden, "not authorised"},
		{"Authorize refuses loopback too", func(*http.Request) bool { return false }, "127.0.0.1:4000", "", http.StatusForbidden, "not authorised"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, page.Config{Authorize: tt.authorize}, nil)
			e.send(t, scPath, scBody(t, "newer_inspection_completed.json"), e.sc, http.StatusOK)
			for _, path := range []string{base, base + "d/1", base + "style.css", base + "inbox", base + "nope"} {
				r := httptest.NewRequest(http.MethodGet, path, nil)
				r.RemoteAddr = tt.remote
				if tt.header != "" {
					r.Header.Set(tt.header, "yes")
				}
				w := httptest.NewRecorder()
				e.mux.ServeHTTP(w, r)
				want := tt.want
				if want == http.StatusOK && (strings.HasSuffix(path, "inbox") || strings.HasSuffix(path, "nope")) {
					want = http.StatusNotFound // allowed, but no inbox here / no such route
				}
				if w.Code != want {
					t.Errorf("GET %s: status %d, want %d: %s", path, w.Code, want, w.Body)
				}
				if tt.message != "" && !strings.Contains(w.Body.String(), tt.message) {
					t.Errorf("GET %s: the answer %q does not say %q", path, w.Body, tt.message)
				}
				if w.Code == http.StatusForbidden && strings.Contains(w.Body.String(), "TRIGGER_EVENT") {
					t.Errorf("a refused request saw a delivery")
				}
				if got := w.Header().Get("X-Frame-Options"); got != "DENY" {
					t.Errorf("GET %s: X-Frame-Options %q", path, got)
				}
			}
		})
	}
}

func TestSecurityHeaders(t *testing.T) {
	e := newEnv(t, page.Config{}, nil)
	e.replayFour(t)
	for _, path := range []string{base, base + "d/1", base + "d/999", base + "style.css"} {
		w := e.get(t, path)
		h := w.Header()
		for name, want := range map[string]string{
			"Content-Security-Policy": "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
			"X-Content-Type-Options":  "nosniff",
			"Referrer-Policy":         "no-referrer",
			"X-Frame-Options":         "DENY",
		} {
			if got := h.Get(name); got != want {
				t.Errorf("GET %s: %s %q, want %q", path, name, got, want)
			}
		}
		if path != base+"style.css" && h.Get("Cache-Control") != "no-store" {
			t.Errorf("GET %s: Cache-Control %q", path, h.Get("Cache-Control"))
		}
	}
	if w := e.get(t, base+"d/999"); w.Code != http.StatusNotFound || !strings.Contains(w.Body.String(), "is not kept") {
		t.Errorf("an unknown delivery: %d %s", w.Code, w.Body)
	}
	if w := e.get(t, base+"style.css"); w.Code != http.StatusOK || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/css") {
		t.Errorf("style.css: %d %q", w.Code, w.Header().Get("Content-Type"))
	}
	r := httptest.NewRequest(http.MethodPost, base, strings.NewReader("x=1"))
	r.RemoteAddr = "127.0.0.1:1"
	w := httptest.NewRecorder()
	e.mux.ServeHTTP(w, r)
	if w.Code != http.StatusMethodNotAllowed || w.Header().Get("Allow") != "GET, HEAD" {
		t.Errorf("POST to the list: %d, Allow %q", w.Code, w.Header().Get("Allow"))
	}
}

func TestRingIsBounded(t *testing.T) {
	e := newEnv(t, page.Config{Size: 3}, nil)
	for i := 1; i <= 10; i++ {
		e.p.Observe(context.Background(), receiver.Outcome{
			Delivery: receiver.Delivery{Provider: "vehreports", Type: "event-" + strconv.Itoa(i), ReceivedAt: time.Now()},
			Status:   http.StatusOK, Stage: receiver.StageComplete,
		})
	}
	got := rows(e.page(t, base))
	if len(got) != 3 {
		t.Fatalf("%d rows, want 3", len(got))
	}
	for i, want := range []string{"event-10", "event-9", "event-8"} {
		if got[i].cells[colType] != want {
			t.Errorf("row %d: %q, want %q", i, got[i].cells[colType], want)
		}
	}
	if !strings.Contains(e.page(t, base), "3 deliveries kept (the page keeps the newest 3)") {
		t.Error("the summary does not say how many are kept")
	}
	if w := e.get(t, base+"d/7"); w.Code != http.StatusNotFound {
		t.Errorf("an evicted delivery: status %d", w.Code)
	}
	if w := e.get(t, base+"d/8"); w.Code != http.StatusOK {
		t.Errorf("a kept delivery: status %d", w.Code)
	}
}

func TestBodyMemoryIsBounded(t *testing.T) {
	e := newEnv(t, page.Config{Size: 10, KeepBodyBytes: 1000, MaxBodyMemory: 2500}, nil)
	for i := 1; i <= 4; i++ {
		body := bytes.Repeat([]byte("x"), 1000)
		e.p.Observe(context.Background(), receiver.Outcome{
			Delivery: receiver.Delivery{Provider: "vehreports", Type: "t", ReceivedAt: time.Now(), Envelope: envelope(body)},
			Status:   http.StatusOK, Stage: receiver.StageComplete,
		})
	}
	for id, kept := range map[string]bool{"1": false, "2": false, "3": true, "4": true} {
		d := e.page(t, base+"d/"+id)
		if strings.Contains(d, `id="body"`) != kept {
			t.Errorf("delivery %s: body shown %v, want %v", id, !kept, kept)
		}
		if !kept && !strings.Contains(d, "no longer held") {
			t.Errorf("delivery %s does not say its body was dropped", id)
		}
	}
}

func TestHostileTextIsEscaped(t *testing.T) {
	e := newEnv(t, page.Config{}, nil)
	// The hostile type is the delivery's only event type, so that it is the type the list shows.
	body := bytes.Replace(scBody(t, "newer_inspection_completed.json"), []byte(`"TRIGGER_EVENT_INSPECTION",`), nil, 1)
	body = bytes.Replace(body, []byte(`"TRIGGER_EVENT_INSPECTION_COMPLETED"`), []byte(`"<script>alert('type')</script>"`), 1)
	body = bytes.Replace(body, []byte(`"user_b0bc1fcbef1a4ecf9f9b3d2dbddb1234"`), []byte(`"</pre><script>alert('body')</script><img src=x onerror=alert(1)>"`), 1)
	e.send(t, scPath, body, e.sc, http.StatusOK)
	r := webhooktest.NewRequest(t, scPath, []byte(`{}`), e.forger)
	r.Header.Set("X-Evil", `"><script>alert('header')</script>`)
	e.mux.ServeHTTP(httptest.NewRecorder(), r)

	pages := []string{
		e.page(t, base),
		e.page(t, base+"d/1"),
		e.page(t, base+"d/2"),
		e.page(t, base+"?type="+url.QueryEscape(`"><script>alert('filter')</script>`)),
		e.page(t, base+"?provider="+url.QueryEscape(`"><script>x</script>`)),
	}
	for i, p := range pages {
		if strings.Contains(strings.ToLower(p), "<script") || strings.Contains(p, "<img") {
			t.Errorf("page %d has unescaped markup:\n%s", i, p)
		}
	}
	if !strings.Contains(pages[0], "&lt;script&gt;alert(&#39;type&#39;)&lt;/script&gt;") {
		t.Errorf("the list does not show the hostile type escaped:\n%s", pages[0])
	}
	if !strings.Contains(pages[1], "&lt;/pre&gt;&lt;script&gt;") {
		t.Errorf("the detail view does not show the hostile body escaped")
	}
	if !strings.Contains(pages[2], "&#34;&gt;&lt;script&gt;alert(&#39;header&#39;)") {
		t.Errorf("the detail view does not show the hostile header escaped:\n%s", pages[2])
	}
}

func TestConcurrentDeliveriesAndReads(t *testing.T) {
	e := newEnv(t, page.Config{Size: 50}, nil)
	body := scBody(t, "newer_action_created.json")
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 30 {
			e.get(t, base)
			e.get(t, base+"d/1")
		}
	}()
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 20 {
				w := httptest.NewRecorder()
				e.mux.ServeHTTP(w, webhooktest.NewRequest(t, scPath, body, e.sc))
			}
		})
	}
	wg.Wait()
	<-done
	if got := rows(e.page(t, base)); len(got) != 50 || got[0].id != "80" || got[49].id != "31" {
		t.Errorf("%d rows from %s to %s, want 50 from 80 to 31", len(got), got[0].id, got[len(got)-1].id)
	}
}

func TestHeadersAreBounded(t *testing.T) {
	e := newEnv(t, page.Config{}, nil)
	r := webhooktest.NewRequest(t, scPath, []byte(`{}`), e.forger)
	for i := range 100 {
		r.Header.Set("X-Filler-"+strconv.Itoa(100+i), strings.Repeat("v", 2000))
	}
	e.mux.ServeHTTP(httptest.NewRecorder(), r)
	d := e.page(t, base+"d/1")
	if n := strings.Count(d, "<th>X-Filler-"); n == 0 || n > 4 {
		t.Errorf("%d filler headers kept, want a few", n)
	}
	if !strings.Contains(d, "more header lines were not kept.") {
		t.Error("the dropped header lines are not counted")
	}
	if strings.Contains(d, strings.Repeat("v", 1025)) || !strings.Contains(d, "…[976 more bytes]") {
		t.Error("a long header value is not cut at 1 KiB")
	}
}

func TestConfig(t *testing.T) {
	for _, cfg := range []page.Config{
		{Size: -1},
		{Size: page.MaxSize + 1},
		{KeepBodyBytes: -1},
		{KeepBodyBytes: 100, MaxBodyMemory: 99},
		{BasePath: "deliveries/"},
		{BasePath: "/a b/"},
	} {
		if _, err := page.New(cfg); !errors.Is(err, page.ErrConfig) {
			t.Errorf("New(%+v): %v, want ErrConfig", cfg, err)
		}
	}
	p, err := page.New(page.Config{Size: page.MaxSize, KeepBodyBytes: 100 << 20})
	if err != nil {
		t.Fatalf("the largest size: %v", err)
	}
	_ = p.Close()
}

func TestMounting(t *testing.T) {
	tests := []struct {
		name    string
		cfg     page.Config
		mount   func(mux *http.ServeMux, p *page.Page)
		list    string
		wantRef string // the detail link of delivery 1
	}{
		{"BasePath", page.Config{BasePath: "/ops/hooks"}, func(mux *http.ServeMux, p *page.Page) { mux.Handle("/ops/hooks/", p) }, "/ops/hooks/", "/ops/hooks/d/1"},
		{"BasePath behind StripPrefix", page.Config{BasePath: "/ops/hooks/"}, func(mux *http.ServeMux, p *page.Page) {
			mux.Handle("/ops/hooks/", http.StripPrefix("/ops/hooks", p))
		}, "/ops/hooks/", "/ops/hooks/d/1"},
		{"found from the path", page.Config{}, func(mux *http.ServeMux, p *page.Page) { mux.Handle("/admin/deliveries/", p) }, "/admin/deliveries/", "/admin/deliveries/d/1"},
		{"found behind StripPrefix", page.Config{}, func(mux *http.ServeMux, p *page.Page) {
			mux.Handle("/x/", http.StripPrefix("/x", p))
		}, "/x/", "/x/d/1"},
		{"at the root", page.Config{}, func(mux *http.ServeMux, p *page.Page) { mux.Handle("/", p) }, "/", "/d/1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cfg.Logger = discard
			p, err := page.New(tt.cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			p.Observe(context.Background(), receiver.Outcome{
				Delivery: receiver.Delivery{Provider: "vehreports", Type: "x", ReceivedAt: time.Now()},
				Status:   http.StatusOK, Stage: receiver.StageComplete,
			})
			mux := http.NewServeMux()
			tt.mount(mux, p)
			get := func(target string) *httptest.ResponseRecorder {
				r := httptest.NewRequest(http.MethodGet, target, nil)
				r.RemoteAddr = "127.0.0.1:1"
				w := httptest.NewRecorder()
				mux.ServeHTTP(w, r)
				return w
			}
			w := get(tt.list)
			if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `href="`+tt.wantRef+`"`) {
				t.Fatalf("GET %s: %d, no link to %s:\n%s", tt.list, w.Code, tt.wantRef, w.Body)
			}
			if !strings.Contains(w.Body.String(), `href="`+tt.list+`style.css"`) {
				t.Errorf("no style sheet link under %s", tt.list)
			}
			if w := get(tt.wantRef); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "Delivery 1") {
				t.Errorf("GET %s: %d", tt.wantRef, w.Code)
			}
		})
	}
}

func TestPathWildcardsAndQueryValuesRedacted(t *testing.T) {
	p, err := page.New(page.Config{Logger: discard, RedactHeaders: []string{"x-account"}})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	tok, err := verify.NewURLToken(verify.URLTokenConfig{PathValue: "token", Tokens: []string{"path-token-93f1"}})
	if err != nil {
		t.Fatal(err)
	}
	rx, err := receiver.New(record360.Provider(), receiver.Config{Verifier: tok, Observer: p.Observe, Logger: discard})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("POST /hooks/r360/{token}", p.Middleware(rx))
	mux.Handle("/", p)
	r := webhooktest.NewRequest(t, "/hooks/r360/path-token-93f1?a=1&b=query-secret-1&b=2", webhooktest.FixtureBody(t, "record360", "v3_inspection_created.json"), nil)
	r.Header.Set("X-Account", "account-secret-77")
	r.Header.Set("Idempotency-Key", "idem-1")
	r.Header.Set("X-Api-Key", "api-key-secret")
	r.Header.Set("Cookie", "session=cookie-secret")
	r.Header.Set("Webhook-Id", "msg_1")
	r.Header.Set("Webhook-Timestamp", "1700000000")
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, r)
	if w.Code != http.StatusOK {
		t.Fatalf("delivery: %d %s", w.Code, w.Body)
	}
	g := httptest.NewRequest(http.MethodGet, "/d/1", nil)
	g.RemoteAddr = "[::1]:1"
	w = httptest.NewRecorder()
	mux.ServeHTTP(w, g)
	d := w.Body.String()
	for _, want := range []string{
		"POST /hooks/r360/REDACTED?a=REDACTED&amp;b=REDACTED&amp;b=REDACTED", // the receiver's Outcome.Path
		`<th>X-Account</th><td class="mono redacted">REDACTED</td>`,
		`<th>X-Api-Key</th><td class="mono redacted">REDACTED</td>`,
		`<th>Cookie</th><td class="mono redacted">REDACTED</td>`,
		`<th>Idempotency-Key</th><td class="mono">idem-1</td>`,
		`<th>Webhook-Id</th><td class="mono">msg_1</td>`,
		`<th>Webhook-Timestamp</th><td class="mono">1700000000</td>`,
		`<td class="mono">192.0.2.1</td>`,
	} {
		if !strings.Contains(d, want) {
			t.Errorf("the detail view lacks %q", want)
		}
	}
	for _, secret := range []string{"path-token-93f1", "query-secret-1", "account-secret-77", "api-key-secret", "cookie-secret"} {
		if strings.Contains(d, secret) {
			t.Errorf("the detail view shows %q", secret)
		}
	}
}

func TestSQLiteKeepsDeliveriesAcrossRestarts(t *testing.T) {
	path := filepath.Join(t.TempDir(), "page.db")
	open := func() *sql.DB {
		db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)")
		if err != nil {
			t.Fatal(err)
		}
		db.SetMaxOpenConns(1)
		return db
	}
	db := open()
	e := newEnv(t, page.Config{DB: db, Size: 3}, nil)
	e.send(t, r360Path, webhooktest.FixtureBody(t, "record360", "v3_inspection_created.json"), e.r360, http.StatusOK)
	e.replayFour(t) // five in all: the first two leave the ring and the table
	before := rows(e.page(t, base))
	if err := e.p.Close(); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.QueryRow(`SELECT COUNT(*) FROM ` + page.TableName).Scan(&n); err != nil || n != 3 {
		t.Fatalf("the table holds %d rows (%v), want 3", n, err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db = open()
	defer db.Close()
	e2 := newEnv(t, page.Config{DB: db, Size: 3}, nil)
	after := rows(e2.page(t, base))
	if len(after) != 3 || len(before) != 3 {
		t.Fatalf("%d rows before the restart, %d after; want 3", len(before), len(after))
	}
	for i := range after {
		if strings.Join(after[i].cells, "|") != strings.Join(before[i].cells, "|") || after[i].id != before[i].id {
			t.Errorf("row %d: %q (id %s) after the restart, %q (id %s) before", i, after[i].cells, after[i].id, before[i].cells, before[i].id)
		}
	}
	// Bodies are read back from the table; ids go on where they stopped.
	d := e2.page(t, base+"d/5")
	if !strings.Contains(d, `id="body"`) || !strings.Contains(d, "&#34;audit_data&#34;") || !strings.Contains(d, `<td class="mono redacted">REDACTED</td>`) {
		t.Errorf("the 422's detail after the restart:\n%s", d)
	}
	if d := e2.page(t, base+"d/4"); strings.Contains(d, `id="body"`) || strings.Contains(d, forgedMark) {
		t.Error("the 401's body was kept")
	}
	e2.send(t, scPath, scBody(t, "newer_action_created.json"), e2.sc, http.StatusOK)
	if got := rows(e2.page(t, base)); got[0].id != "6" || len(got) != 3 {
		t.Errorf("after the restart the next delivery is %s of %d rows, want 6 of 3", got[0].id, len(got))
	}
	if err := e2.p.Close(); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(`SELECT COUNT(*) FROM ` + page.TableName).Scan(&n); err != nil || n != 3 {
		t.Errorf("the table holds %d rows (%v), want 3", n, err)
	}
}

// nowRetry retries a failed attempt at once.
type nowRetry struct{}

func (nowRetry) NextRetry(*rivertype.JobRow) time.Time { return time.Now() }

// inboxEnv is an env whose receivers queue in an Inbox on SQLite, the page keeping its deliveries
// in the same database; the SafetyCulture handler
// fails with "downstream rejects it" until fixed is set, and a job that fails once is a dead
// letter.
type inboxEnv struct {
	*env
	ib    *inbox.Inbox
	fixed atomic.Bool
}

// newInboxEnv builds it and starts the inbox's workers.
func newInboxEnv(t *testing.T, cfg page.Config) *inboxEnv {
	t.Helper()
	db, err := inboxsqlite.OpenDB(filepath.Join(t.TempDir(), "inbox.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	ib, err := inbox.Open(t.Context(), inboxsqlite.New(db), inbox.Config{MaxAttempts: 1, RetryPolicy: nowRetry{}, Logger: discard})
	if err != nil {
		t.Fatal(err)
	}
	cfg.Inbox = pageinbox.New(ib)
	cfg.DB = db // the page's table beside River's, on the inbox's one connection
	ie := &inboxEnv{ib: ib}
	ie.env = newEnv(t, cfg, func(rc *receiver.Config) { rc.Inbox = ib })
	receiver.HandleUnknown(ie.scRx, func(context.Context, *events.Envelope) error {
		if !ie.fixed.Load() {
			return errors.New("downstream rejects it")
		}
		return nil
	})
	receiver.Handle(ie.scRx, safetyculture.InspectionCompleted, func(context.Context, *safetyculture.InspectionEvent) error {
		if !ie.fixed.Load() {
			return errors.New("downstream rejects it")
		}
		return nil
	})
	ib.Register(ie.scRx)
	ib.Register(ie.r360Rx)
	if err := ib.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = ib.Stop(ctx)
	})
	return ie
}

func TestInboxDeadLetterReplay(t *testing.T) {
	ie := newInboxEnv(t, page.Config{})
	good := scBody(t, "newer_inspection_completed.json")
	ie.send(t, scPath, good, ie.sc, http.StatusOK)
	dead := ie.waitState(t, inbox.StateDiscarded)

	view := ie.page(t, base+"inbox")
	jobs := rows(view)
	if len(jobs) != 1 || jobs[0].id != strconv.FormatInt(dead.ID, 10) {
		t.Fatalf("the inbox view lists %+v, want job %d", jobs, dead.ID)
	}
	cells := jobs[0].cells
	if cells[1] != "safetyculture" || cells[2] != inbox.StateDiscarded || cells[3] != "1/1" || !strings.Contains(cells[5], "downstream rejects it") {
		t.Errorf("the dead letter's row: %q", cells)
	}
	// The state filter offers River's name for the dead letters.
	if opt := `<option value="discarded">discarded (dead letters)</option>`; !strings.Contains(view, opt) {
		t.Errorf("the inbox view's state filter has no %s", opt)
	}
	action := base + "inbox/" + jobs[0].id + "/replay"
	if !strings.Contains(view, `<form method="post" action="`+action+`" class="inline">`) || !strings.Contains(view, `>Replay</button>`) {
		t.Fatalf("no Replay form posting to %s:\n%s", action, view)
	}
	token := regexp.MustCompile(`name="csrf" value="([0-9a-f]+)"`).FindStringSubmatch(view)
	if token == nil {
		t.Fatal("no form token")
	}

	// The delivery links to its job, and the job's page shows its errors and body.
	if d := ie.page(t, base+"d/1"); !strings.Contains(d, "its inbox job") || !strings.Contains(d, "queued in the inbox") {
		t.Errorf("the delivery's detail view:\n%s", d)
	}
	if j := ie.page(t, base+"inbox/"+jobs[0].id); !strings.Contains(j, "downstream rejects it") || !strings.Contains(j, "&#34;webhook_id&#34;") {
		t.Errorf("the job's page:\n%s", j)
	}
	if j := ie.page(t, base+"inbox?state="+inbox.StateDiscarded+"&key="+url.QueryEscape(dead.IdempotencyKey)); len(rows(j)) != 1 {
		t.Errorf("the key filter of the inbox view finds %d jobs", len(rows(j)))
	}

	post := func(form url.Values, hdr map[string]string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodPost, action, strings.NewReader(form.Encode()))
		r.RemoteAddr = "127.0.0.1:1"
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, v := range hdr {
			r.Header.Set(k, v)
		}
		w := httptest.NewRecorder()
		ie.mux.ServeHTTP(w, r)
		return w
	}
	refused := []struct {
		name string
		form url.Values
		hdr  map[string]string
		want int
	}{
		{"no token", url.Values{}, nil, http.StatusForbidden},
		{"a wrong token", url.Values{"csrf": {strings.Repeat("0", 32)}}, nil, http.StatusForbidden},
		{"another job's token", url.Values{"csrf": {"x" + token[1][1:]}}, nil, http.StatusForbidden},
		{"from another site", url.Values{"csrf": {token[1]}}, map[string]string{"Sec-Fetch-Site": "cross-site"}, http.StatusForbidden},
		{"from another origin", url.Values{"csrf": {token[1]}}, map[string]string{"Origin": "https://evil.example"}, http.StatusForbidden},
	}
	for _, tt := range refused {
		if w := post(tt.form, tt.hdr); w.Code != tt.want {
			t.Errorf("replay with %s: status %d, want %d", tt.name, w.Code, tt.want)
		}
	}
	if j, err := ie.ib.Job(t.Context(), dead.ID); err != nil || j.State != inbox.StateDiscarded {
		t.Fatalf("a refused replay changed the job: %v %v", j.State, err)
	}
	if w := ie.get(t, action); w.Code != http.StatusMethodNotAllowed {
		t.Errorf("GET of the replay route: %d", w.Code)
	}

	ie.fixed.Store(true)
	w := post(url.Values{"csrf": {token[1]}}, map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": "null"})
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != base+"inbox?replayed="+jobs[0].id {
		t.Fatalf("replay: %d to %q: %s", w.Code, w.Header().Get("Location"), w.Body)
	}
	ie.waitState(t, inbox.StateCompleted)
	after := ie.page(t, base+"inbox?replayed="+jobs[0].id)
	if !strings.Contains(after, "Job "+jobs[0].id+" will run again now.") {
		t.Error("no notice of the replay")
	}
	if r := rows(after); len(r) != 1 || r[0].cells[2] != inbox.StateCompleted || strings.Contains(after, ">Replay</button>") {
		t.Errorf("after the replay: %+v", r)
	}
	// Replaying it again is refused: it is no dead letter now.
	if w := post(url.Values{"csrf": {token[1]}}, nil); w.Code != http.StatusConflict {
		t.Errorf("a second replay: %d", w.Code)
	}
}

// waitState waits until the inbox's only job is in state.
func (ie *inboxEnv) waitState(t *testing.T, state string) inbox.Job {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		jobs, err := ie.ib.List(t.Context(), inbox.ListParams{})
		if err != nil {
			t.Fatal(err)
		}
		if len(jobs) == 1 && jobs[0].State == state {
			return jobs[0]
		}
		if time.Now().After(deadline) {
			t.Fatalf("the job did not reach %s within 20 s: %+v", state, jobs)
		}
		<-tick.C
	}
}

// envelope is a decoded envelope of body.
func envelope(body []byte) *events.Envelope { return &events.Envelope{Raw: body} }
