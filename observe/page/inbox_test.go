package page_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/inspecthook/inspecthook/observe/page"
)

// fakeInbox is a page.Inbox of the test's own: no River, no database.
type fakeInbox struct {
	mu       sync.Mutex
	stats    page.InboxStats
	statsErr error
	jobs     []page.Job // newest first
	listErr  error
	jobErr   error
	retryErr error
	filters  []page.JobFilter // what List was asked
	retried  []int64
}

func (f *fakeInbox) Stats(context.Context) (page.InboxStats, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.stats, f.statsErr
}

func (f *fakeInbox) List(_ context.Context, jf page.JobFilter) ([]page.Job, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.filters = append(f.filters, jf)
	if f.listErr != nil {
		return nil, f.listErr
	}
	var out []page.Job
	for _, j := range f.jobs {
		if (len(jf.States) == 0 || slices.Contains(jf.States, j.State)) &&
			(jf.Provider == "" || jf.Provider == j.Provider) && (jf.Key == "" || jf.Key == j.IdempotencyKey) && len(out) < jf.Limit {
			out = append(out, j)
		}
	}
	return out, nil
}

func (f *fakeInbox) Job(_ context.Context, id int64) (page.Job, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.jobErr != nil {
		return page.Job{}, f.jobErr
	}
	for _, j := range f.jobs {
		if j.ID == id {
			return j, nil
		}
	}
	return page.Job{}, fmt.Errorf("fake inbox: job %d: %w", id, page.ErrJobNotFound)
}

func (f *fakeInbox) Retry(_ context.Context, id int64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.retryErr != nil {
		return f.retryErr
	}
	f.retried = append(f.retried, id)
	return nil
}

// lastFilter is what List was last asked.
func (f *fakeInbox) lastFilter() page.JobFilter {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.filters[len(f.filters)-1]
}

// fakeJobs are a dead letter, a job waiting for its retry, and a completed one, newest first.
func fakeJobs(now time.Time) []page.Job {
	return []page.Job{
		{ID: 9, Provider: "safetyculture", IdempotencyKey: "safetyculture:k9", State: page.StateDiscarded, Attempt: 3, MaxAttempts: 3,
			Errors: []string{"first failure", "downstream rejects it"}, Body: []byte(`{"a":1}`), ReceivedAt: now.Add(-time.Hour),
			CreatedAt: now.Add(-time.Hour), ScheduledAt: now.Add(-time.Minute), FinalizedAt: now.Add(-time.Minute)},
		{ID: 8, Provider: "record360", IdempotencyKey: "record360:k8", State: page.StateRetryable, Attempt: 1, MaxAttempts: 3,
			Errors: []string{"503"}, ReceivedAt: now.Add(-2 * time.Hour), CreatedAt: now.Add(-2 * time.Hour), ScheduledAt: now.Add(16 * time.Second)},
		{ID: 7, Provider: "record360", IdempotencyKey: "record360:k7", State: page.StateCompleted, Attempt: 1, MaxAttempts: 3,
			ReceivedAt: now.Add(-3 * time.Hour), CreatedAt: now.Add(-3 * time.Hour), FinalizedAt: now.Add(-3 * time.Hour)},
	}
}

// newFakeInboxPage returns a page on f at /deliveries/, its clock at now.
func newFakeInboxPage(t *testing.T, f *fakeInbox, now time.Time) http.Handler {
	t.Helper()
	p, err := page.New(page.Config{Inbox: f, BasePath: base, Logger: discard, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Close() })
	return p
}

// serve sends r from the loopback address to h.
func serve(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	r.RemoteAddr = "127.0.0.1:1"
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// TestInboxViewThroughTheInterface checks the inbox view on an Inbox that is no inbox.Inbox:
// the filter each query asks for, the rows, counts and errors shown.
func TestInboxViewThroughTheInterface(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		query      string
		wantFilter page.JobFilter
		wantIDs    []string
	}{
		{"", page.JobFilter{Limit: 201}, []string{"9", "8", "7"}},
		{"state=waiting", page.JobFilter{States: []string{page.StateAvailable, page.StateScheduled, page.StateRetryable, page.StatePending}, Limit: 201}, []string{"8"}},
		{"state=discarded", page.JobFilter{States: []string{page.StateDiscarded}, Limit: 201}, []string{"9"}},
		{"state=completed&provider=record360", page.JobFilter{States: []string{page.StateCompleted}, Provider: "record360", Limit: 201}, []string{"7"}},
		{"state=teleported", page.JobFilter{Limit: 201}, []string{"9", "8", "7"}},
		{"key=record360%3Ak8", page.JobFilter{Key: "record360:k8", Limit: 201}, []string{"8"}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			f := &fakeInbox{jobs: fakeJobs(now), stats: page.InboxStats{
				Counts: []page.StateCount{
					{Provider: "record360", State: page.StateCompleted, Jobs: 1},
					{Provider: "record360", State: page.StateRetryable, Jobs: 1},
					{Provider: "safetyculture", State: page.StateDiscarded, Jobs: 1},
				},
				OldestWaiting: now.Add(-2 * time.Hour),
			}}
			w := serve(newFakeInboxPage(t, f, now), httptest.NewRequest(http.MethodGet, base+"inbox?"+tt.query, nil))
			if w.Code != http.StatusOK {
				t.Fatalf("status %d: %s", w.Code, w.Body)
			}
			if got := f.lastFilter(); fmt.Sprint(got) != fmt.Sprint(tt.wantFilter) {
				t.Errorf("List was asked %+v, want %+v", got, tt.wantFilter)
			}
			view := w.Body.String()
			var ids []string
			for _, r := range rows(view) {
				ids = append(ids, r.id)
			}
			if !slices.Equal(ids, tt.wantIDs) {
				t.Errorf("the view lists jobs %v, want %v", ids, tt.wantIDs)
			}
			for _, want := range []string{
				`<tr><td>safetyculture</td><td><span class="state discarded">discarded</span></td><td class="num">1</td></tr>`,
				"The oldest waiting delivery was received 2h0m0s ago.",
				`<option value="record360">record360</option>`,
			} {
				if !strings.Contains(view, want) && !strings.Contains(view, strings.Replace(want, `">record360<`, `" selected>record360<`, 1)) {
					t.Errorf("the view lacks %q", want)
				}
			}
		})
	}

	t.Run("rows", func(t *testing.T) {
		f := &fakeInbox{jobs: fakeJobs(now)}
		view := serve(newFakeInboxPage(t, f, now), httptest.NewRequest(http.MethodGet, base+"inbox", nil)).Body.String()
		got := rows(view)
		want := [][]string{
			{"9", "safetyculture", "discarded", "3/3", "", "downstream rejects it", "2026-03-01 11:00:00.000", "Replay"},
			{"8", "record360", "retryable", "1/3", "in 16s", "503", "2026-03-01 10:00:00.000", ""},
			{"7", "record360", "completed", "1/3", "", "", "2026-03-01 09:00:00.000", ""},
		}
		if len(got) != len(want) {
			t.Fatalf("%d rows, want %d", len(got), len(want))
		}
		for i := range want {
			if !slices.Equal(got[i].cells, want[i]) {
				t.Errorf("row %d: %q, want %q", i, got[i].cells, want[i])
			}
		}
		if n := strings.Count(view, ">Replay</button>"); n != 1 {
			t.Errorf("%d Replay buttons, want 1, on the dead letter", n)
		}
		if !strings.Contains(view, `href="/deliveries/?key=safetyculture%3Ak9&amp;provider=safetyculture"`) {
			t.Error("a job does not link to the deliveries with its key")
		}
	})

	t.Run("more than shown", func(t *testing.T) {
		f := &fakeInbox{}
		for i := range 250 {
			f.jobs = append(f.jobs, page.Job{ID: int64(300 - i), Provider: "record360", State: page.StateAvailable})
		}
		view := serve(newFakeInboxPage(t, f, now), httptest.NewRequest(http.MethodGet, base+"inbox", nil)).Body.String()
		if n := len(rows(view)); n != 200 {
			t.Errorf("%d rows, want 200", n)
		}
		if !strings.Contains(view, "Only the newest jobs are shown") {
			t.Error("the view does not say that older jobs are not shown")
		}
	})

	t.Run("unreadable", func(t *testing.T) {
		for name, f := range map[string]*fakeInbox{
			"stats": {statsErr: errors.New("database is locked"), jobs: fakeJobs(now)},
			"list":  {listErr: errors.New("database is locked")},
		} {
			w := serve(newFakeInboxPage(t, f, now), httptest.NewRequest(http.MethodGet, base+"inbox", nil))
			if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "The inbox could not be read; see the log.") {
				t.Errorf("%s fails: %d, %s", name, w.Code, w.Body)
			}
		}
	})
}

// TestJobAndReplayThroughTheInterface checks one job's page and the replay of a dead letter on an
// Inbox that is no inbox.Inbox: ErrJobNotFound is a 404, another error a 500, a job that is no
// dead letter is not replayed.
func TestJobAndReplayThroughTheInterface(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	t.Run("job", func(t *testing.T) {
		tests := []struct {
			name, id string
			jobErr   error
			want     int
			says     []string
			not      []string
		}{
			{"a dead letter", "9", nil, http.StatusOK, []string{"Job 9", "first failure", "downstream rejects it", "&#34;a&#34;: 1", "<th>Finished</th>", ">Replay</button>"}, nil},
			{"a waiting job", "8", nil, http.StatusOK, []string{"Job 8", "<th>Next retry</th>", "in 16s"}, []string{"<th>Finished</th>", ">Replay</button>"}},
			{"no such job", "5", nil, http.StatusNotFound, []string{"The inbox holds no job 5 (any longer)."}, nil},
			{"an unreadable inbox", "9", errors.New("database is locked"), http.StatusInternalServerError, []string{"The inbox could not be read; see the log."}, []string{"database is locked"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				f := &fakeInbox{jobs: fakeJobs(now), jobErr: tt.jobErr}
				w := serve(newFakeInboxPage(t, f, now), httptest.NewRequest(http.MethodGet, base+"inbox/"+tt.id, nil))
				if w.Code != tt.want {
					t.Fatalf("status %d, want %d: %s", w.Code, tt.want, w.Body)
				}
				for _, s := range tt.says {
					if !strings.Contains(w.Body.String(), s) {
						t.Errorf("the page lacks %q", s)
					}
				}
				for _, s := range tt.not {
					if strings.Contains(w.Body.String(), s) {
						t.Errorf("the page shows %q", s)
					}
				}
			})
		}
	})

	t.Run("replay", func(t *testing.T) {
		tests := []struct {
			name     string
			id       int64
			mutate   func(f *fakeInbox)
			want     int
			replayed bool
		}{
			{"a dead letter", 9, nil, http.StatusSeeOther, true},
			{"no dead letter now", 8, nil, http.StatusConflict, false},
			{"gone", 9, func(f *fakeInbox) { f.jobs = f.jobs[1:] }, http.StatusNotFound, false},
			{"an unreadable inbox", 9, func(f *fakeInbox) { f.jobErr = errors.New("database is locked") }, http.StatusInternalServerError, false},
			{"a failed retry", 9, func(f *fakeInbox) { f.retryErr = errors.New("database is locked") }, http.StatusInternalServerError, false},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				f := &fakeInbox{jobs: fakeJobs(now)}
				h := newFakeInboxPage(t, f, now)
				if tt.id != 9 { // a job the view shows no Replay for: make it a dead letter while the view is read
					f.jobs[1].State = page.StateDiscarded
				}
				view := serve(h, httptest.NewRequest(http.MethodGet, base+"inbox", nil)).Body.String()
				id := strconv.FormatInt(tt.id, 10)
				m := regexp.MustCompile(`action="/deliveries/inbox/` + id + `/replay" class="inline"><input type="hidden" name="csrf" value="([0-9a-f]+)"`).FindStringSubmatch(view)
				if m == nil {
					t.Fatalf("no Replay form for job %s:\n%s", id, view)
				}
				if tt.id != 9 {
					f.jobs[1].State = page.StateRetryable
				}
				if tt.mutate != nil {
					tt.mutate(f)
				}
				r := httptest.NewRequest(http.MethodPost, base+"inbox/"+id+"/replay", strings.NewReader(url.Values{"csrf": {m[1]}}.Encode()))
				r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				w := serve(h, r)
				if w.Code != tt.want {
					t.Fatalf("status %d, want %d: %s", w.Code, tt.want, w.Body)
				}
				if got := len(f.retried) == 1 && f.retried[0] == tt.id; got != tt.replayed {
					t.Errorf("retried %v, want job %d retried: %v", f.retried, tt.id, tt.replayed)
				}
				if tt.replayed && w.Header().Get("Location") != base+"inbox?replayed="+id {
					t.Errorf("redirected to %q", w.Header().Get("Location"))
				}
			})
		}
	})
}
