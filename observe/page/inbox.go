package page

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"
)

// Inbox is what the inbox view reads and does: the stored jobs of the receiver's asynchronous
// mode. Package pageinbox adapts an *inbox.Inbox to it (pageinbox.New); the page itself does
// not import package inbox, so a program without an inbox does not link River and its drivers.
// Its methods are called from the page's request handlers, concurrently, with the request's
// context.
type Inbox interface {
	// Stats counts the jobs by provider and state and finds the oldest waiting one.
	Stats(ctx context.Context) (InboxStats, error)

	// List returns at most f.Limit jobs that pass f, the newest first.
	List(ctx context.Context, f JobFilter) ([]Job, error)

	// Job returns job id, or an error wrapping ErrJobNotFound when the inbox holds no such
	// job.
	Job(ctx context.Context, id int64) (Job, error)

	// Retry makes job id, a dead letter (StateDiscarded), run again, once, at once.
	Retry(ctx context.Context, id int64) error
}

// The states of a job, by River's names for its job states, as the inbox view shows and filters
// them (package inbox has the same constants). A dead letter is a job in StateDiscarded.
const (
	StateAvailable = "available" // stored and due: runs when a worker is free
	StateScheduled = "scheduled" // due later
	StateRetryable = "retryable" // failed; runs again after a backoff
	StatePending   = "pending"   // held, not yet due
	StateRunning   = "running"   // a worker runs it
	StateCompleted = "completed" // its handler succeeded
	StateCancelled = "cancelled" // a permanent error, or cancelled
	StateDiscarded = "discarded" // failed every attempt: a dead letter
)

// StateCount is how many jobs of one provider are in one state.
type StateCount struct {
	Provider string
	State    string // StateAvailable, StateRunning, ..., StateDiscarded
	Jobs     int
}

// InboxStats is the summary the inbox view shows above the jobs.
type InboxStats struct {
	// Counts holds one entry per provider and state that has jobs, in the order shown (by
	// provider, then state).
	Counts []StateCount
	// OldestWaiting is when the oldest job still waiting (StateAvailable, StateScheduled,
	// StateRetryable or StatePending) was received; zero when none waits.
	OldestWaiting time.Time
}

// JobFilter selects the jobs of the inbox view. Its zero fields select every job.
type JobFilter struct {
	States   []string // any of these states; every state when empty
	Provider string   // this provider's jobs only; every provider's when empty
	Key      string   // the job of this idempotency key, as Job.IdempotencyKey holds it; any when empty
	Limit    int      // at most this many jobs; the page always sets it
}

// Job is one stored delivery of the inbox.
type Job struct {
	ID             int64
	Provider       string
	IdempotencyKey string
	State          string // StateAvailable, StateRunning, ..., StateDiscarded (a dead letter)
	Attempt        int    // attempts made so far
	MaxAttempts    int
	Errors         []string // the error of each failed attempt, oldest first
	Body           []byte   // the raw body as received; List may leave it out
	ReceivedAt     time.Time
	CreatedAt      time.Time // when it was stored
	ScheduledAt    time.Time // when it runs next, for a job waiting
	FinalizedAt    time.Time // when it completed, was discarded or cancelled; zero before
}

// waitingStates are the states of a job that has not run to an end yet.
var waitingStates = []string{StateAvailable, StateScheduled, StateRetryable, StatePending}

// inboxStates are the choices of the inbox view's state filter: the ?state= value, a state or
// "waiting" (every one of waitingStates), its label, and the states it selects.
var inboxStates = []struct {
	Value, Label string
	States       []string
}{
	{"", "every state", nil},
	{"waiting", "waiting", waitingStates},
	{StateRunning, StateRunning, []string{StateRunning}},
	{StateDiscarded, StateDiscarded + " (dead letters)", []string{StateDiscarded}},
	{StateCancelled, StateCancelled, []string{StateCancelled}},
	{StateCompleted, StateCompleted, []string{StateCompleted}},
}

// inboxShown is how many jobs the inbox view shows, the newest first.
const inboxShown = 200

// inboxView is the data of the inbox view.
type inboxView struct {
	view
	States        []stateOption
	Providers     []string
	State         string
	Provider      string
	Key           string
	Counts        []StateCount
	OldestWaiting string
	Jobs          []jobView
	More          bool
	Replayed      int64
	Err           string
}

// stateOption is one choice of the state filter.
type stateOption struct {
	Value, Label string
}

// jobView is one job of the inbox view.
type jobView struct {
	Job
	URL           string
	Attempts      string
	NextRetry     string
	LastError     string
	Discarded     bool // a dead letter: it has a Replay button
	Completed     bool
	Token         string
	ReplayURL     string
	DeliveriesURL string
	BodyText      string
	Pretty        bool
	ErrorsShown   []string
}

// inbox serves the jobs of the Inbox.
func (p *Page) inbox(w http.ResponseWriter, r *http.Request, v view) {
	ctx := r.Context()
	q := r.URL.Query()
	v.Title, v.Nav = "Inbox", "inbox"
	iv := inboxView{view: v, State: q.Get("state"), Provider: clip(q.Get("provider"), maxField), Key: clip(q.Get("key"), maxField)}
	iv.Replayed, _ = strconv.ParseInt(q.Get("replayed"), 10, 64)
	var states []string
	found := false
	for _, s := range inboxStates {
		iv.States = append(iv.States, stateOption{s.Value, s.Label})
		if s.Value == iv.State {
			states, found = slices.Clone(s.States), true
		}
	}
	if !found {
		iv.State = ""
	}
	stats, err := p.cfg.Inbox.Stats(ctx)
	if err != nil {
		p.log.WarnContext(ctx, "page: reading the inbox's counts", "error", err)
		iv.Err = "The inbox could not be read; see the log."
	}
	iv.Counts = stats.Counts
	if !stats.OldestWaiting.IsZero() {
		iv.OldestWaiting = since(v.Now, stats.OldestWaiting)
	}
	providers := map[string]bool{}
	for _, c := range stats.Counts {
		providers[c.Provider] = true
	}
	if iv.Provider != "" {
		providers[iv.Provider] = true
	}
	for name := range providers {
		iv.Providers = append(iv.Providers, name)
	}
	slices.Sort(iv.Providers)

	jobs, err := p.cfg.Inbox.List(ctx, JobFilter{States: states, Provider: iv.Provider, Key: iv.Key, Limit: inboxShown + 1})
	if err != nil {
		p.log.WarnContext(ctx, "page: listing the inbox's jobs", "error", err)
		iv.Err = "The inbox could not be read; see the log."
	}
	iv.More = len(jobs) > inboxShown
	for _, j := range jobs[:min(len(jobs), inboxShown)] {
		iv.Jobs = append(iv.Jobs, p.jobView(v, j))
	}
	p.render(w, r, http.StatusOK, "inbox", iv)
}

// jobView describes j for the templates.
func (p *Page) jobView(v view, j Job) jobView {
	id := strconv.FormatInt(j.ID, 10)
	jv := jobView{
		Job:       j,
		URL:       v.Base + "inbox/" + id,
		Attempts:  strconv.Itoa(j.Attempt) + "/" + strconv.Itoa(j.MaxAttempts),
		Discarded: j.State == StateDiscarded,
		Completed: j.State == StateCompleted,
		ReplayURL: v.Base + "inbox/" + id + "/replay",
	}
	jv.Body = nil // the list never shows bodies
	if jv.Discarded {
		jv.Token = p.token("replay", j.ID)
	}
	switch j.State {
	case StateRetryable, StateScheduled:
		jv.NextRetry = until(v.Now, j.ScheduledAt)
	case StateAvailable:
		jv.NextRetry = "due now"
	}
	if n := len(j.Errors); n > 0 {
		jv.LastError = clip(clean(j.Errors[n-1]), maxReason)
	}
	if j.IdempotencyKey != "" {
		jv.DeliveriesURL = v.Base + "?" + filter{Key: clip(clean(j.IdempotencyKey), maxField), Provider: j.Provider}.query(0)
	}
	return jv
}

// jobPage is the data of one job's page.
type jobPage struct {
	view
	J jobView
}

// job serves one job of the Inbox.
func (p *Page) job(w http.ResponseWriter, r *http.Request, v view, idText string) {
	id, _ := strconv.ParseInt(idText, 10, 64)
	j, err := p.cfg.Inbox.Job(r.Context(), id)
	switch {
	case errors.Is(err, ErrJobNotFound):
		p.fail(w, r, v, http.StatusNotFound, "Job not found", "The inbox holds no job "+idText+" (any longer).")
		return
	case err != nil:
		p.log.WarnContext(r.Context(), "page: reading an inbox job", "id", id, "error", err)
		p.fail(w, r, v, http.StatusInternalServerError, "Inbox unavailable", "The inbox could not be read; see the log.")
		return
	}
	v.Title, v.Nav = "Job "+idText, "inbox"
	jv := p.jobView(v, j)
	body := j.Body
	if len(body) > p.cfg.KeepBodyBytes {
		body = body[:p.cfg.KeepBodyBytes]
	}
	jv.BodyText, jv.Pretty = prettyBody(body, len(body) < len(j.Body))
	for _, e := range j.Errors {
		jv.ErrorsShown = append(jv.ErrorsShown, clip(clean(e), 4*maxReason))
	}
	p.render(w, r, http.StatusOK, "job", jobPage{view: v, J: jv})
}

// replay runs a dead letter (a discarded job) again: a form POST with the job's token, from the
// page itself.
func (p *Page) replay(w http.ResponseWriter, r *http.Request, v view, idText string) {
	id, _ := strconv.ParseInt(idText, 10, 64)
	if !sameOrigin(r) {
		p.fail(w, r, v, http.StatusForbidden, "Cross-site request refused", "Replay is only accepted from this page itself.")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	if err := r.ParseForm(); err != nil {
		p.fail(w, r, v, http.StatusBadRequest, "Bad form", "The form could not be read.")
		return
	}
	if !hmac.Equal([]byte(r.PostForm.Get("csrf")), []byte(p.token("replay", id))) {
		p.fail(w, r, v, http.StatusForbidden, "Form token missing or wrong", "This replay did not come from the inbox view of this page (or the page restarted since it was loaded): open the inbox view and press Replay again.")
		return
	}
	ctx := r.Context()
	j, err := p.cfg.Inbox.Job(ctx, id)
	switch {
	case errors.Is(err, ErrJobNotFound):
		p.fail(w, r, v, http.StatusNotFound, "Job not found", "The inbox holds no job "+idText+" (any longer).")
		return
	case err != nil:
		p.log.WarnContext(ctx, "page: reading an inbox job", "id", id, "error", err)
		p.fail(w, r, v, http.StatusInternalServerError, "Inbox unavailable", "The inbox could not be read; see the log.")
		return
	case j.State != StateDiscarded:
		p.fail(w, r, v, http.StatusConflict, "Not a dead letter", "Job "+idText+" is "+j.State+" now, not "+StateDiscarded+" (a dead letter): it was not replayed.")
		return
	}
	if err := p.cfg.Inbox.Retry(ctx, id); err != nil {
		p.log.WarnContext(ctx, "page: replaying an inbox job", "id", id, "error", err)
		p.fail(w, r, v, http.StatusInternalServerError, "Replay failed", "The inbox could not replay job "+idText+"; see the log.")
		return
	}
	p.log.InfoContext(ctx, "page: dead letter replayed", "id", id, "provider", j.Provider)
	http.Redirect(w, r, v.Base+"inbox?replayed="+idText, http.StatusSeeOther)
}

// sameOrigin reports whether a browser request may come from the page itself: its
// Sec-Fetch-Site, when sent, is same-origin (or none: typed by the user), and its Origin, when
// sent and not "null" (which the page's no-referrer policy makes browsers send), names r's
// host. The form token is checked as well.
func sameOrigin(r *http.Request) bool {
	switch r.Header.Get("Sec-Fetch-Site") {
	case "", "same-origin", "none":
	default:
		return false
	}
	origin := r.Header.Get("Origin")
	if origin == "" || origin == "null" {
		return true
	}
	u, err := url.Parse(origin)
	return err == nil && u.Host == r.Host
}

// token is the form token of an action on one id, keyed by the Page's secret.
func (p *Page) token(action string, id int64) string {
	m := hmac.New(sha256.New, p.secret)
	m.Write([]byte(action + "/" + strconv.FormatInt(id, 10)))
	return hex.EncodeToString(m.Sum(nil)[:16])
}
