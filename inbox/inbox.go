package inbox

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/inspecthook/inspecthook/idempotency"
	"github.com/inspecthook/inspecthook/receiver"
)

// Defaults for the zero fields of Config.
const (
	DefaultQueue       = "inspecthook"
	DefaultMaxAttempts = 25 // River's default

	// DefaultWorkers is Config.Workers' default. River fetches at most as many jobs at a time
	// as there are free workers, so the workers bound the rate as well as the concurrency.
	DefaultWorkers = 100
	// DefaultFetchCooldown is Config.FetchCooldown's default.
	DefaultFetchCooldown = 10 * time.Millisecond
	// DefaultFetchPollInterval is Config.FetchPollInterval's default.
	DefaultFetchPollInterval = 100 * time.Millisecond

	// DefaultRescueAfter is Config.RescueAfter's default: a minute above the receiver's
	// default HandlerTimeout.
	DefaultRescueAfter = receiver.DefaultHandlerTimeout + time.Minute
)

// Kind is the River job kind of a stored delivery.
const Kind = "inspecthook_delivery"

// Errors of the package.
var (
	// ErrNotFound is returned for a job id the inbox does not hold (never inserted, or removed
	// after Retention).
	ErrNotFound = errors.New("inbox: job not found")
	// ErrConfig is returned by Open for an invalid Config, by Start for a receiver whose
	// HandlerTimeout is not below RescueAfter, and by Enqueue for a delivery without an
	// idempotency key.
	ErrConfig = errors.New("inbox: invalid configuration")
)

// Config configures an Inbox. Its zero value is valid: every zero field gets the documented
// default.
type Config struct {
	// Queue is the River queue of the deliveries. Default DefaultQueue.
	Queue string
	// Workers is how many deliveries run at once in this process. Default DefaultWorkers.
	Workers int
	// FetchCooldown is the shortest time between two fetches of waiting jobs (River's
	// FetchCooldown). With Workers it bounds the rate: at most Workers jobs per FetchCooldown.
	// Default DefaultFetchCooldown.
	FetchCooldown time.Duration
	// FetchPollInterval is how often waiting jobs are looked for when nothing announces them
	// (River's FetchPollInterval): SQLite always polls, PostgreSQL is told of new jobs at once
	// and polls only as a fallback. Default DefaultFetchPollInterval; at least FetchCooldown.
	FetchPollInterval time.Duration
	// MaxAttempts is how many times a delivery runs before it becomes a dead letter.
	// Default DefaultMaxAttempts (25, River's).
	MaxAttempts int
	// Retention is how long a key stays unique after its job ended (completed, dead or
	// cancelled): the job is kept that long, then removed. Default
	// idempotency.DefaultRetention (72 h).
	Retention time.Duration
	// RescueAfter is how long a job may stay running before it is taken to have crashed with
	// its process and is run again (River's RescueStuckJobsAfter). Default DefaultRescueAfter,
	// above the receiver's default HandlerTimeout, so a live handler that keeps to its
	// deadline is never run twice at once; raise it with HandlerTimeout.
	RescueAfter time.Duration
	// RetryPolicy decides when a failed attempt runs again. Default River's
	// DefaultClientRetryPolicy: attempt^4 seconds (1 s, 16 s, 81 s, ...).
	RetryPolicy river.ClientRetryPolicy
	// Logger receives River's logs. Default slog.Default().
	Logger *slog.Logger
	// LogLevel is the lowest level of River's records that reach Logger. Default slog.LevelWarn:
	// River's start-up lines and its periodic job counts are Info, and are dropped.
	LogLevel slog.Leveler
	// OnError, when set, is called with every failed attempt.
	OnError func(ctx context.Context, job Job, err error)
	// OnAttempt, when set, is called after every attempt, successful or not, with what became
	// of it: for metrics of attempts, handler time and dead letters.
	OnAttempt func(ctx context.Context, a Attempt)
	// Tracer, when set, links each attempt to the request that stored its delivery:
	// observe/tracing's Tracing is one.
	Tracer Tracer
}

// Tracer links each run of a stored delivery to the request that stored it; observe/tracing's
// Tracing is one.
type Tracer interface {
	// Inject returns the trace context of ctx, the request's as Enqueue stores a delivery, as
	// text fields (W3C traceparent and tracestate) to keep with the job; nil for none.
	Inject(ctx context.Context) map[string]string
	// Attempt starts the span of one attempt of d, linked to stored (what Inject returned when
	// d was stored; nil for none), and returns the context the handler runs under, which
	// carries the span, and the function that ends it with the attempt's error (nil on
	// success).
	Attempt(ctx context.Context, d receiver.InboxDelivery, stored map[string]string) (_ context.Context, end func(error))
}

// Job is one stored delivery, as River holds it.
type Job struct {
	ID             int64
	Provider       string
	IdempotencyKey string
	// State is River's: "available", "running", "retryable", "scheduled", "completed",
	// "discarded" (a dead letter), "cancelled".
	State       string
	Attempt     int // attempts made so far
	MaxAttempts int
	Errors      []string // the error of each failed attempt, oldest first
	Body        []byte   // the raw body as received
	ReceivedAt  time.Time
	CreatedAt   time.Time
	ScheduledAt time.Time
	FinalizedAt *time.Time // when the job completed, was discarded or cancelled
}

// ListParams selects jobs for List. The zero value lists up to 100 jobs of every state and
// provider, oldest first.
type ListParams struct {
	States      []string // River states, such as "discarded"; default all
	Provider    string   // default all
	Key         string   // one idempotency key, as Job.IdempotencyKey holds it; default all
	NewestFirst bool     // the newest jobs first; default the oldest first
	Limit       int      // default 100
}

// args are the River job arguments of a delivery. Only the key makes a job unique.
type args struct {
	Provider   string    `json:"provider"`
	Key        string    `json:"key" river:"unique"`
	Body       []byte    `json:"body"` // base64 in JSON
	ReceivedAt time.Time `json:"received_at"`
	// Trace is the trace context of the request that stored the delivery, from Config.Tracer.
	Trace map[string]string `json:"trace,omitempty"`
}

// Kind implements river.JobArgs.
func (args) Kind() string { return Kind }

// client is the part of river.Client the Inbox uses, whatever the driver's transaction type.
type client interface {
	Start(ctx context.Context) error
	Stop(ctx context.Context) error
	StopAndCancel(ctx context.Context) error
	Insert(ctx context.Context, a river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error)
	JobGet(ctx context.Context, id int64) (*rivertype.JobRow, error)
	JobList(ctx context.Context, p *river.JobListParams) (*river.JobListResult, error)
	JobRetry(ctx context.Context, id int64) (*rivertype.JobRow, error)
	JobCancel(ctx context.Context, id int64) (*rivertype.JobRow, error)
}

// Inbox stores deliveries in River and runs them with the receivers registered with Register.
// Build it with Open. It is safe for concurrent use.
type Inbox struct {
	cfg    Config
	driver Driver
	client client

	mu        sync.RWMutex
	receivers map[string]*receiver.Receiver
}

var _ receiver.Inbox = (*Inbox)(nil)

// Open migrates the database of driver to River's schema (idempotent, safe from several
// replicas) and builds the Inbox:
//
//	ib, err := inbox.Open(ctx, inboxpg.New(pool), inbox.Config{})
//
// Workers are not started: Register the receivers, then Start.
func Open(ctx context.Context, driver Driver, cfg Config) (*Inbox, error) {
	switch {
	case driver.build == nil:
		return nil, fmt.Errorf("%w: no driver (use inboxpg.New or inboxsqlite.New)", ErrConfig)
	case cfg.Workers < 0, cfg.MaxAttempts < 0, cfg.Retention < 0, cfg.RescueAfter < 0,
		cfg.FetchCooldown < 0, cfg.FetchPollInterval < 0:
		return nil, fmt.Errorf("%w: negative limit", ErrConfig)
	}
	cfg.Queue = cmp.Or(cfg.Queue, DefaultQueue)
	cfg.Workers = cmp.Or(cfg.Workers, DefaultWorkers)
	cfg.MaxAttempts = cmp.Or(cfg.MaxAttempts, DefaultMaxAttempts)
	cfg.RescueAfter = cmp.Or(cfg.RescueAfter, DefaultRescueAfter)
	cfg.Retention = cmp.Or(cfg.Retention, idempotency.DefaultRetention)
	cfg.FetchCooldown = cmp.Or(cfg.FetchCooldown, DefaultFetchCooldown)
	cfg.FetchPollInterval = cmp.Or(cfg.FetchPollInterval, max(DefaultFetchPollInterval, cfg.FetchCooldown))
	if cfg.FetchPollInterval < cfg.FetchCooldown {
		return nil, fmt.Errorf("%w: FetchPollInterval %v is shorter than FetchCooldown %v", ErrConfig, cfg.FetchPollInterval, cfg.FetchCooldown)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.LogLevel == nil {
		cfg.LogLevel = slog.LevelWarn
	}
	riverLog := slog.New(levelHandler{min: cfg.LogLevel, h: cfg.Logger.Handler()})
	ib := &Inbox{cfg: cfg, driver: driver, receivers: map[string]*receiver.Receiver{}}
	workers := river.NewWorkers()
	if err := river.AddWorkerSafely(workers, &worker{ib: ib}); err != nil {
		return nil, fmt.Errorf("inbox: %w", err)
	}
	rc := &river.Config{
		Queues:            map[string]river.QueueConfig{cfg.Queue: {MaxWorkers: cfg.Workers}},
		Workers:           workers,
		MaxAttempts:       cfg.MaxAttempts,
		RetryPolicy:       cfg.RetryPolicy,
		Logger:            riverLog,
		FetchCooldown:     cfg.FetchCooldown,
		FetchPollInterval: cfg.FetchPollInterval,
		// River's rescuer runs a job again once it has been running for RescueStuckJobsAfter,
		// but only when the job's timeout has passed too: a job without one (-1) is never
		// rescued. So the job timeout is RescueAfter, which is above the receiver's
		// HandlerTimeout, the bound a live handler keeps to.
		JobTimeout:                  cfg.RescueAfter,
		RescueStuckJobsAfter:        cfg.RescueAfter,
		CompletedJobRetentionPeriod: cfg.Retention,
		DiscardedJobRetentionPeriod: cfg.Retention,
		CancelledJobRetentionPeriod: cfg.Retention,
	}
	var err error
	if ib.client, err = driver.build(ctx, rc, riverLog); err != nil {
		return nil, err
	}
	return ib, nil
}

// levelHandler passes on the records of at least min.
type levelHandler struct {
	min slog.Leveler
	h   slog.Handler
}

func (l levelHandler) Enabled(ctx context.Context, lv slog.Level) bool {
	return lv >= l.min.Level() && l.h.Enabled(ctx, lv)
}

func (l levelHandler) Handle(ctx context.Context, r slog.Record) error { return l.h.Handle(ctx, r) }

func (l levelHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return levelHandler{min: l.min, h: l.h.WithAttrs(as)}
}

func (l levelHandler) WithGroup(name string) slog.Handler {
	return levelHandler{min: l.min, h: l.h.WithGroup(name)}
}

// Register makes the Inbox run the deliveries of rx's provider with rx.Process. Call it before
// Start, once per provider; a later receiver of the same provider replaces the earlier one.
// A delivery of a provider no receiver is registered for is cancelled when it runs.
func (ib *Inbox) Register(rx *receiver.Receiver) {
	ib.mu.Lock()
	defer ib.mu.Unlock()
	ib.receivers[rx.Provider().Name()] = rx
}

// Enqueue stores d as a River job, unique by d.IdempotencyKey across every job state for
// Retention: duplicate is true, and nothing is stored, when the key is already held. It
// implements receiver.Inbox.
func (ib *Inbox) Enqueue(ctx context.Context, d receiver.InboxDelivery) (duplicate bool, err error) {
	if d.IdempotencyKey == "" {
		return false, fmt.Errorf("%w: empty idempotency key", ErrConfig)
	}
	var trace map[string]string
	if ib.cfg.Tracer != nil {
		trace = ib.cfg.Tracer.Inject(ctx)
	}
	res, err := ib.client.Insert(ctx, args{
		Provider:   d.Provider,
		Key:        d.IdempotencyKey,
		Body:       d.Body,
		ReceivedAt: d.ReceivedAt,
		Trace:      trace,
	}, &river.InsertOpts{
		Queue:       ib.cfg.Queue,
		MaxAttempts: ib.cfg.MaxAttempts,
		UniqueOpts:  river.UniqueOpts{ByArgs: true, ByState: rivertype.JobStates()},
	})
	if err != nil {
		return false, fmt.Errorf("inbox: enqueue: %w", err)
	}
	return res.UniqueSkippedAsDuplicate, nil
}

// Start starts the workers. Register the receivers first. It returns an error wrapping
// ErrConfig, and starts nothing, when a registered receiver's HandlerTimeout is not below
// RescueAfter: River would take a job whose handler runs that long for one that crashed, and
// run it again beside the first run.
func (ib *Inbox) Start(ctx context.Context) error {
	if err := ib.checkTimeouts(); err != nil {
		return err
	}
	if err := ib.client.Start(ctx); err != nil {
		return fmt.Errorf("inbox: start: %w", err)
	}
	return nil
}

// checkTimeouts returns an error wrapping ErrConfig when a registered receiver's handlers may
// run as long as RescueAfter or longer.
func (ib *Inbox) checkTimeouts() error {
	ib.mu.Lock()
	defer ib.mu.Unlock()
	for _, name := range slices.Sorted(maps.Keys(ib.receivers)) {
		if t := ib.receivers[name].HandlerTimeout(); t >= ib.cfg.RescueAfter {
			return fmt.Errorf("%w: the %s receiver's HandlerTimeout (%v) is not below RescueAfter (%v): "+
				"a handler still running would be run a second time; raise RescueAfter above it", ErrConfig, name, t, ib.cfg.RescueAfter)
		}
	}
	return nil
}

// Stop stops fetching jobs and waits for the running ones until ctx ends; then it cancels
// their contexts and waits for them to return. A job cut off this way is retried later, by this
// process or another. Stop returns ctx's error when the running jobs had to be cancelled.
func (ib *Inbox) Stop(ctx context.Context) error {
	err := ib.client.Stop(ctx)
	if err == nil || ctx.Err() == nil {
		if err != nil {
			return fmt.Errorf("inbox: stop: %w", err)
		}
		return nil
	}
	// A handler whose context is cancelled returns soon; give it a bounded time to.
	hard, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if herr := ib.client.StopAndCancel(hard); herr != nil {
		return fmt.Errorf("inbox: stop: %w", errors.Join(err, herr))
	}
	return fmt.Errorf("inbox: stop: running jobs cancelled: %w", err)
}

// Job returns the job id, or ErrNotFound.
func (ib *Inbox) Job(ctx context.Context, id int64) (Job, error) {
	row, err := ib.client.JobGet(ctx, id)
	if err != nil {
		return Job{}, wrap("job", err)
	}
	return jobOf(row), nil
}

// listPage is how many dead letters RetryDiscarded reads at a time.
const listPage = 500

// List returns the deliveries of p's states, provider and key, oldest first unless
// p.NewestFirst; the provider and the key are selected by the database.
func (ib *Inbox) List(ctx context.Context, p ListParams) ([]Job, error) {
	limit := p.Limit
	if limit <= 0 {
		limit = 100
	}
	order := river.SortOrderAsc
	if p.NewestFirst {
		order = river.SortOrderDesc
	}
	lp := river.NewJobListParams().Kinds(Kind).Queues(ib.cfg.Queue).First(limit).
		OrderBy(river.JobListOrderByID, order)
	if len(p.States) > 0 {
		states := make([]rivertype.JobState, len(p.States))
		for i, s := range p.States {
			states[i] = rivertype.JobState(s)
		}
		lp = lp.States(states...)
	} else {
		lp = lp.States(rivertype.JobStates()...)
	}
	if p.Provider != "" {
		lp = lp.Where(argField("provider")+" = @provider", river.NamedArgs{"provider": p.Provider})
	}
	if p.Key != "" {
		lp = lp.Where(argField("key")+" = @key", river.NamedArgs{"key": p.Key})
	}
	res, err := ib.client.JobList(ctx, lp)
	if err != nil {
		return nil, wrap("list", err)
	}
	jobs := make([]Job, 0, len(res.Jobs))
	for _, row := range res.Jobs {
		jobs = append(jobs, jobOf(row))
	}
	return jobs, nil
}

// argField is the SQL of one text field of a job's args: "->>" reads a top-level member in
// PostgreSQL and SQLite alike. name is one of args' JSON names, never user input.
func argField(name string) string { return "args ->> '" + name + "'" }

// Retry makes job id run again, once, at once: a dead letter (discarded), a cancelled or a
// completed job, or a waiting one sooner. A running job is left alone.
func (ib *Inbox) Retry(ctx context.Context, id int64) error {
	if _, err := ib.client.JobRetry(ctx, id); err != nil {
		return wrap("retry", err)
	}
	return nil
}

// RetryDiscarded retries every dead letter of provider (every provider's when empty) and
// returns how many it retried.
func (ib *Inbox) RetryDiscarded(ctx context.Context, provider string) (int, error) {
	n := 0
	for {
		jobs, err := ib.List(ctx, ListParams{States: []string{string(rivertype.JobStateDiscarded)}, Provider: provider, Limit: listPage})
		if err != nil {
			return n, err
		}
		for _, j := range jobs {
			if err := ib.Retry(ctx, j.ID); err != nil {
				return n, err
			}
			n++
		}
		if len(jobs) < listPage {
			return n, nil
		}
	}
}

// Cancel makes job id not run: a waiting job is cancelled at once, a running one is asked to
// stop (its context is cancelled) and is not retried.
func (ib *Inbox) Cancel(ctx context.Context, id int64) error {
	if _, err := ib.client.JobCancel(ctx, id); err != nil {
		return wrap("cancel", err)
	}
	return nil
}

func wrap(op string, err error) error {
	if errors.Is(err, rivertype.ErrNotFound) {
		return fmt.Errorf("%w: %w", ErrNotFound, err)
	}
	return fmt.Errorf("inbox: %s: %w", op, err)
}

// jobOf describes row; args that do not decode leave the delivery's fields empty.
func jobOf(row *rivertype.JobRow) Job {
	var a args
	_ = json.Unmarshal(row.EncodedArgs, &a)
	j := Job{
		ID:             row.ID,
		Provider:       a.Provider,
		IdempotencyKey: a.Key,
		State:          string(row.State),
		Attempt:        row.Attempt,
		MaxAttempts:    row.MaxAttempts,
		Body:           a.Body,
		ReceivedAt:     a.ReceivedAt,
		CreatedAt:      row.CreatedAt,
		ScheduledAt:    row.ScheduledAt,
		FinalizedAt:    row.FinalizedAt,
	}
	for _, e := range row.Errors {
		j.Errors = append(j.Errors, e.Error)
	}
	return j
}
