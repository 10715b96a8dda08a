package page_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"image"
	_ "image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/inspecthook/inspecthook/events"
	"github.com/inspecthook/inspecthook/events/safetyculture"
	"github.com/inspecthook/inspecthook/inbox"
	"github.com/inspecthook/inspecthook/inbox/inboxsqlite"
	"github.com/inspecthook/inspecthook/observe/page"
	"github.com/inspecthook/inspecthook/observe/page/pageinbox"
	"github.com/inspecthook/inspecthook/receiver"
	"github.com/inspecthook/inspecthook/verify"
	"github.com/inspecthook/inspecthook/webhooktest"
)

// update rewrites the golden screenshot: go test ./observe/page -run TestBrowser -update
var update = flag.Bool("update", false, "rewrite testdata/deliveries.png with the browser's screenshot of the list")

// chromiumPath is where Debian's chromium package puts the browser.
const chromiumPath = "/usr/bin/chromium"

// golden is the screenshot of the list that reviewers can open.
const golden = "testdata/deliveries.png"

// stepClock is a clock that moves on by the next of steps at each reading, and by more when
// told: the receiver's clock in the browser test, so the times and durations on the page, and
// the screenshot, are the same at every run.
type stepClock struct {
	mu    sync.Mutex
	t     time.Time
	steps []time.Duration
	n     int
}

func (c *stepClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(c.steps[c.n%len(c.steps)])
	c.n++
	return c.t
}

func (c *stepClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// TestBrowser drives the page in headless Chromium: it replays deliveries into a SafetyCulture
// receiver in the asynchronous mode, reads the list, filters it with the form, opens a
// delivery, and replays a dead letter from the inbox view until it completes.
func TestBrowser(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is missing (CI=true, so this fails instead of skipping): install Debian's chromium package: %v", chromiumPath, err)
		}
		t.Skipf("%s is missing: install Debian's chromium package (apt-get install chromium) to run the browser test", chromiumPath)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()

	// The inbox, on SQLite, whose handler fails until fixed is set; one failure makes a dead
	// letter, and a replay runs at once.
	db, err := inboxsqlite.OpenDB(filepath.Join(t.TempDir(), "inbox.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ib, err := inbox.Open(ctx, inboxsqlite.New(db), inbox.Config{MaxAttempts: 1, RetryPolicy: nowRetry{}, Logger: discard})
	if err != nil {
		t.Fatal(err)
	}

	start := time.Date(2026, 3, 14, 9, 26, 53, 0, time.UTC)
	clock := &stepClock{t: start, steps: []time.Duration{
		1370 * time.Microsecond, 420 * time.Microsecond, 2890 * time.Microsecond, 610 * time.Microsecond, 7340 * time.Microsecond,
	}}
	p, err := page.New(page.Config{
		Inbox:    pageinbox.New(ib),
		BasePath: "/deliveries/",
		Now:      func() time.Time { return start.Add(12 * time.Minute) },
		Logger:   discard,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()

	signer, err := verify.NewHMAC(verify.SafetyCulture(scSecret))
	if err != nil {
		t.Fatal(err)
	}
	forger, err := verify.NewHMAC(verify.SafetyCulture("not-the-secret"))
	if err != nil {
		t.Fatal(err)
	}
	rx, err := receiver.New(safetyculture.Provider(), receiver.Config{
		Verifier: signer,
		Inbox:    ib,
		Observer: receiver.Observers(p.Observe),
		Logger:   discard,
		Now:      clock.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	var fixed atomic.Bool
	receiver.HandleUnknown(rx, func(context.Context, *events.Envelope) error {
		if !fixed.Load() {
			return errors.New("downstream rejects it: 503 from the inspections service")
		}
		return nil
	})
	ib.Register(rx)
	if err := ib.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer func() {
		stopCtx, stop := context.WithTimeout(context.Background(), 10*time.Second)
		defer stop()
		_ = ib.Stop(stopCtx)
	}()

	mux := http.NewServeMux()
	mux.Handle("POST /webhooks/safetyculture", p.Middleware(rx))
	mux.Handle("/deliveries/", p)
	srv := httptest.NewServer(mux) // on 127.0.0.1: the page serves it without Authorize
	defer srv.Close()

	// The deliveries: a new event, its duplicate, a forged one, two bad ones and another event.
	inspection := webhooktest.FixtureBody(t, "safetyculture", "newer_inspection_completed.json")
	sends := []struct {
		body   []byte
		signer verify.Signer
		want   int
	}{
		{inspection, signer, http.StatusOK},
		{inspection, signer, http.StatusOK},
		{[]byte(`{"forged":"` + forgedMark + `"}`), forger, http.StatusUnauthorized},
		{webhooktest.FixtureBody(t, "safetyculture", "bad_legacy_missing_audit_id.json"), signer, http.StatusUnprocessableEntity},
		{webhooktest.FixtureBody(t, "safetyculture", "newer_action_created.json"), signer, http.StatusOK},
		{webhooktest.FixtureBody(t, "safetyculture", "bad_truncated.json"), signer, http.StatusBadRequest},
	}
	for i, s := range sends {
		clock.advance(time.Duration(41+17*i) * time.Second)
		resp, err := webhooktest.Send(ctx, srv.Client(), srv.URL+"/webhooks/safetyculture", s.body, s.signer)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != s.want {
			t.Fatalf("delivery %d: status %d, want %d", i+1, resp.StatusCode, s.want)
		}
	}

	// The browser.
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox, // tests may run as root, where Chromium's sandbox cannot start
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("force-color-profile", "srgb"),
		chromedp.Flag("force-device-scale-factor", "1"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1360, 800),
	)
	defer cancelAlloc()
	b, cancelTab := chromedp.NewContext(allocCtx)
	defer cancelTab()

	list := srv.URL + "/deliveries/"
	must(t, "open the list", chromedp.Do(b, chromedp.Navigate(list), chromedp.WaitVisible(chromedp.CSS("table.deliveries"))))

	// The rows, newest first, with their statuses and reasons.
	if n := evalInt(t, b, `document.querySelectorAll('tbody tr').length`); n != 6 {
		t.Fatalf("the list shows %d rows, want 6", n)
	}
	statuses := evalStrings(t, b, `Array.from(document.querySelectorAll('tbody tr td.status')).map(e => e.textContent.trim())`)
	if got := strings.Join(statuses, " "); got != "400 200 422 401 200 200" {
		t.Errorf("statuses %q, want 400 200 422 401 200 200", got)
	}
	reasons := evalStrings(t, b, `Array.from(document.querySelectorAll('tbody tr td.reason')).map(e => e.textContent.trim())`)
	for i, want := range []string{"body is not valid JSON", "queued in the inbox", "required field missing", "unauthenticated: signature or credentials do not match", "already received", "queued in the inbox"} {
		if i >= len(reasons) || !strings.HasPrefix(reasons[i], want) {
			t.Errorf("row %d: reason %q, want %q", i+1, at(reasons, i), want)
		}
	}
	// SafetyCulture's deliveries have no event id: the four that decoded show their key.
	keys := evalStrings(t, b, `Array.from(document.querySelectorAll('tbody tr td a.key')).map(e => e.textContent.trim())`)
	if len(keys) != 4 || !strings.HasPrefix(at(keys, 0), "key: safetyculture:") {
		t.Errorf("the keys shown in place of event ids: %q, want 4", keys)
	}
	if dup := text(t, b, `tbody tr:nth-child(5) td:nth-child(8)`); dup != "duplicate" {
		t.Errorf("the duplicate's row says %q", dup)
	}
	// The style sheet loaded under the Content-Security-Policy, and the page has no script.
	if bg := eval[string](t, b, `getComputedStyle(document.querySelector('header.top')).backgroundColor`); bg != "rgb(16, 24, 40)" {
		t.Errorf("the header's background is %q: the style sheet did not load", bg)
	}
	if n := evalInt(t, b, `document.scripts.length`); n != 0 {
		t.Errorf("the page has %d scripts", n)
	}

	// The screenshot of the list.
	shot, err := chromedp.Run(b, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	checkScreenshot(t, shot)

	// Filter by status class with the form, as a person would: pick 4xx, press Filter.
	must(t, "pick 4xx", chromedp.Do(b, chromedp.SetValue(chromedp.ID("class"), "4xx")))
	click(t, b, "#apply")
	if n := evalInt(t, b, `document.querySelectorAll('tbody tr').length`); n != 3 {
		t.Errorf("the 4xx filter shows %d rows, want 3", n)
	}
	if got := strings.Join(evalStrings(t, b, `Array.from(document.querySelectorAll('tbody tr td.status')).map(e => e.textContent.trim())`), " "); got != "400 422 401" {
		t.Errorf("the 4xx filter shows %q", got)
	}
	if loc := eval[string](t, b, `location.search`); loc != "?provider=&class=4xx&type=" {
		t.Errorf("the filter's query is %q", loc)
	}
	if sel := eval[string](t, b, `document.getElementById('class').value`); sel != "4xx" {
		t.Errorf("the filtered page's select shows %q", sel)
	}
	// And by type, typed into the search field.
	must(t, "clear the class", chromedp.Do(b, chromedp.SetValue(chromedp.ID("class"), "")))
	must(t, "type a type", chromedp.Do(b, chromedp.SendKeys(chromedp.ID("type"), "action_created")))
	click(t, b, "#apply")
	if n := evalInt(t, b, `document.querySelectorAll('tbody tr').length`); n != 1 {
		t.Errorf("the type filter shows %d rows, want 1", n)
	}
	click(t, b, "a.clear")
	if n := evalInt(t, b, `document.querySelectorAll('tbody tr').length`); n != 6 {
		t.Errorf("after clearing the filters the list shows %d rows, want 6", n)
	}

	// Open the first delivery: its signature is redacted, its body pretty-printed.
	click(t, b, `tr[data-id="1"] td.time a`)
	if h1 := text(t, b, "h1"); !strings.HasPrefix(h1, "Delivery 1") {
		t.Errorf("the detail view's heading is %q", h1)
	}
	headers := text(t, b, "#headers")
	if !strings.Contains(headers, "X-Safetyculture-Signature") || !strings.Contains(headers, verify.Redacted) {
		t.Errorf("the headers are not shown redacted:\n%s", headers)
	}
	if strings.Contains(headers, hmacHex(inspection)) {
		t.Error("the detail view shows the signature")
	}
	if body := text(t, b, "#body"); !strings.HasPrefix(body, "{\n  \"webhook_id\": \"5378baaa-a470-48cc-8f11-ae2893551234\",\n  \"version\": \"3.0.0\",") {
		t.Errorf("the body is not pretty-printed:\n%s", body)
	}
	screenshot(t, b, "detail")
	if html := eval[string](t, b, `document.documentElement.outerHTML`); strings.Contains(html, scSecret) || strings.Contains(html, forgedMark) {
		t.Error("the detail view shows a secret or the forged body")
	}

	// The inbox view: wait for the two deliveries queued to fail into dead letters.
	click(t, b, `nav a[href="/deliveries/inbox"]`)
	pollPage(t, b, "two dead letters with a Replay button", `document.querySelectorAll('tr.job.discarded button.replay').length === 2`)
	dead, err := ib.List(ctx, inbox.ListParams{States: []string{inbox.StateDiscarded}})
	if err != nil {
		t.Fatal(err)
	}
	var job inbox.Job
	for _, j := range dead {
		if bytes.Equal(j.Body, inspection) {
			job = j
		}
	}
	if job.ID == 0 {
		t.Fatalf("no dead letter of the inspection among %+v", dead)
	}
	screenshot(t, b, "inbox-dead")
	row := fmt.Sprintf(`tr[data-id="%d"]`, job.ID)
	if cells := evalStrings(t, b, `Array.from(document.querySelectorAll('`+row+` td')).map(e => e.textContent.trim())`); len(cells) < 6 ||
		cells[2] != inbox.StateDiscarded || cells[3] != "1/1" || !strings.Contains(cells[5], "downstream rejects it") {
		t.Errorf("the dead letter's row: %q", cells)
	}

	// Fix the downstream, press Replay, and watch the job complete.
	fixed.Store(true)
	click(t, b, row+" button.replay")
	if notice := text(t, b, "#notice"); notice != "Job "+strconv.FormatInt(job.ID, 10)+" will run again now." {
		t.Errorf("after Replay the notice says %q", notice)
	}
	pollPage(t, b, "the replayed job completed", `(document.querySelector('`+row+` .state') || {}).textContent === 'completed'`)
	if n := evalInt(t, b, `document.querySelectorAll('tr.job.discarded button.replay').length`); n != 1 {
		t.Errorf("%d Replay buttons after the replay, want 1 (the other dead letter)", n)
	}
	screenshot(t, b, "inbox-replayed")
	click(t, b, row+" td a")
	screenshot(t, b, "job")
	if j, err := ib.Job(ctx, job.ID); err != nil || j.State != inbox.StateCompleted {
		t.Errorf("the job is %q (%v), want completed", j.State, err)
	}
}

// screenshot saves a full-page screenshot of the current page as name.png in the directory
// $PAGE_SCREENSHOTS, when it is set: a look at every view while working on the templates.
func screenshot(t *testing.T, b context.Context, name string) {
	t.Helper()
	dir := os.Getenv("PAGE_SCREENSHOTS")
	if dir == "" {
		return
	}
	shot, err := chromedp.Run(b, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), shot, 0o644); err != nil {
		t.Fatal(err)
	}
}

// checkScreenshot writes shot to the golden file with -update; otherwise it writes it to a
// temporary directory and checks that the golden file is a PNG of a plausible size. Pixels are
// not compared: fonts differ between machines.
func checkScreenshot(t *testing.T, shot []byte) {
	t.Helper()
	cfg, format, err := image.DecodeConfig(bytes.NewReader(shot))
	if err != nil || format != "png" || cfg.Width < 800 || cfg.Height < 300 {
		t.Fatalf("the screenshot is not a plausible PNG: %s %dx%d %v", format, cfg.Width, cfg.Height, err)
	}
	if *update {
		if err := os.WriteFile(golden, shot, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s (%dx%d)", golden, cfg.Width, cfg.Height)
		return
	}
	fresh := filepath.Join(t.TempDir(), "deliveries.png")
	if err := os.WriteFile(fresh, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(golden)
	if err != nil {
		t.Fatalf("the golden screenshot %s is missing; make it with go test ./observe/page -run TestBrowser -update: %v", golden, err)
	}
	defer f.Close()
	g, format, err := image.DecodeConfig(f)
	if err != nil || format != "png" || g.Width < 800 || g.Height < 300 || g.Width > 4000 || g.Height > 8000 {
		t.Fatalf("the golden screenshot %s is not a plausible PNG: %s %dx%d %v", golden, format, g.Width, g.Height, err)
	}
	t.Logf("the browser's screenshot is at %s (%dx%d); the golden one is %dx%d", fresh, cfg.Width, cfg.Height, g.Width, g.Height)
}

// must fails the test with what when err is not nil.
func must(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// click clicks the element sel selects and waits for the page it leads to.
func click(t *testing.T, b context.Context, sel string) {
	t.Helper()
	resp, err := chromedp.RunResponse(b, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible))
	if err != nil {
		t.Fatalf("clicking %s: %v", sel, err)
	}
	if resp != nil && resp.Status != http.StatusOK {
		t.Fatalf("clicking %s led to status %d", sel, resp.Status)
	}
}

// eval evaluates expr in the page.
func eval[T any](t *testing.T, b context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(b, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluating %s: %v", expr, err)
	}
	return v
}

func evalInt(t *testing.T, b context.Context, expr string) int {
	t.Helper()
	return eval[int](t, b, expr)
}

func evalStrings(t *testing.T, b context.Context, expr string) []string {
	t.Helper()
	return eval[[]string](t, b, expr)
}

// text is the visible text of the element sel selects.
func text(t *testing.T, b context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(b, chromedp.Text(chromedp.CSS(sel), chromedp.NodeVisible))
	if err != nil {
		t.Fatalf("reading %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

// pollPage reloads the page until cond, a JavaScript expression, is true, for at most 30 s.
func pollPage(t *testing.T, b context.Context, what, cond string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	tick := time.NewTicker(150 * time.Millisecond)
	defer tick.Stop()
	for {
		if eval[bool](t, b, cond) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited 30 s for %s", what)
		}
		<-tick.C
		must(t, "reload", chromedp.Do(b, chromedp.Reload()))
	}
}

// at is s[i], or "" past its end.
func at(s []string, i int) string {
	if i < len(s) {
		return s[i]
	}
	return ""
}
