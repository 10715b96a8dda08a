package receiver_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/events"
	"github.com/inspecthook/inspecthook/events/record360"
	"github.com/inspecthook/inspecthook/events/safetyculture"
	"github.com/inspecthook/inspecthook/idempotency"
	"github.com/inspecthook/inspecthook/idempotency/storetest"
	"github.com/inspecthook/inspecthook/ratelimit"
	"github.com/inspecthook/inspecthook/receiver"
	"github.com/inspecthook/inspecthook/verify"
)

// TestStatuses walks every row of the stage table: each request is answered with its status,
// and the handler runs only for the one that gets through.
func TestStatuses(t *testing.T) {
	body := inspectionBody(t)
	tests := []struct {
		name    string
		cfg     receiver.Config
		req     func(t *testing.T) *http.Request
		status  int
		stage   receiver.Stage
		handled int
	}{
		{"success", receiver.Config{}, func(*testing.T) *http.Request { return request(body) }, 200, receiver.StageComplete, 1},
		{"GET", receiver.Config{}, func(*testing.T) *http.Request {
			r := request(body)
			r.Method = http.MethodGet
			return r
		}, 405, receiver.StageMethod, 0},
		{"text/plain", receiver.Config{}, func(*testing.T) *http.Request {
			r := request(body)
			r.Header.Set("Content-Type", "text/plain")
			return r
		}, 415, receiver.StageMethod, 0},
		{"no content type", receiver.Config{}, func(*testing.T) *http.Request {
			r := request(body)
			r.Header.Del("Content-Type")
			return r
		}, 415, receiver.StageMethod, 0},
		{"JSON with charset", receiver.Config{}, func(*testing.T) *http.Request {
			r := request(body)
			r.Header.Set("Content-Type", "Application/JSON; charset=utf-8")
			return r
		}, 200, receiver.StageComplete, 1},
		{"+json type", receiver.Config{}, func(*testing.T) *http.Request {
			r := request(body)
			r.Header.Set("Content-Type", "application/vnd.record360.event+json")
			return r
		}, 200, receiver.StageComplete, 1},
		{"body over the cap", receiver.Config{MaxBodyBytes: 1024}, func(*testing.T) *http.Request { return request(body) }, 413, receiver.StageBody, 0},
		{"body over the cap, length unknown", receiver.Config{MaxBodyBytes: 1024}, func(*testing.T) *http.Request {
			r := request(body)
			r.ContentLength = -1
			return r
		}, 413, receiver.StageBody, 0},
		{"no credentials", receiver.Config{}, func(*testing.T) *http.Request {
			r := request(body)
			r.Header.Del("Authorization")
			return r
		}, 401, receiver.StageVerify, 0},
		{"wrong token", receiver.Config{}, func(*testing.T) *http.Request {
			r := request(body)
			r.Header.Set("Authorization", "Bearer guess")
			return r
		}, 401, receiver.StageVerify, 0},
		{"not JSON", receiver.Config{}, func(*testing.T) *http.Request { return request([]byte(`{"id":`)) }, 400, receiver.StageDecode, 0},
		{"top-level array", receiver.Config{}, func(*testing.T) *http.Request { return request([]byte(`[{"id":"1"}]`)) }, 400, receiver.StageDecode, 0},
		{"no type", receiver.Config{}, func(*testing.T) *http.Request {
			return request([]byte(`{"id":"1","object":"event","data":{"object":"inspection"}}`))
		}, 400, receiver.StageDecode, 0},
		{"insecure mode, no credentials", receiver.Config{InsecureSkipVerify: true}, func(*testing.T) *http.Request {
			r := request(body)
			r.Header.Del("Authorization")
			return r
		}, 200, receiver.StageComplete, 1},
		{"insecure mode, body over the cap", receiver.Config{InsecureSkipVerify: true, MaxBodyBytes: 1024}, func(*testing.T) *http.Request { return request(body) }, 413, receiver.StageBody, 0},
		{"wrong token and a body over the cap: credentials first", receiver.Config{MaxBodyBytes: 1024}, func(*testing.T) *http.Request {
			r := request(body)
			r.Header.Set("Authorization", "Bearer guess")
			return r
		}, 401, receiver.StageVerify, 0},
		{"missing id", receiver.Config{}, func(*testing.T) *http.Request {
			return request([]byte(`{"object":"event","type":"inspection.created","data":{"object":"inspection","id":"1"}}`))
		}, 422, receiver.StageValidate, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, tt.cfg)
			var handled atomic.Int32
			receiver.Handle(e.rx, record360.InspectionCreated, func(context.Context, *record360.Inspection) error {
				handled.Add(1)
				return nil
			})
			w := e.serve(tt.req(t))
			assert.Equal(t, tt.status, w.Code, w.Body.String())
			assert.Equal(t, int(handled.Load()), tt.handled, "handler calls")
			outs := e.outcomes()
			require.Len(t, outs, 1)
			assert.Equal(t, tt.stage, outs[0].Stage)
			assert.Equal(t, tt.status, outs[0].Status)
			if tt.status != 200 {
				assert.Error(t, outs[0].Err)
			}
			if tt.status == 405 {
				assert.Equal(t, "POST", w.Header().Get("Allow"))
			}
			if tt.status == 401 {
				assert.Equal(t, "unauthorized\n", w.Body.String(), "no detail")
			}
		})
	}
}

func TestRateLimitBeforeTheBodyIsRead(t *testing.T) {
	c := storetest.NewClock(t0)
	lim, err := ratelimit.New(ratelimit.Config{Rate: 0.5, Burst: 1, Bucket: ratelimit.Global, Now: c.Now})
	require.NoError(t, err)
	e := newEnv(t, receiver.Config{Limiter: lim, Now: c.Now})
	body := inspectionBody(t)

	assert.Equal(t, 200, e.post(body).Code)
	r := request(body)
	cr := &countingReader{r: bytes.NewReader(body)}
	r.Body = io.NopCloser(cr)
	w := e.serve(r)
	assert.Equal(t, 429, w.Code)
	assert.Equal(t, "2", w.Header().Get("Retry-After"), "one token per 2 s, computed from the bucket")
	assert.Zero(t, cr.read, "the body of a rate-limited request is not read")

	c.Advance(2 * time.Second)
	assert.Equal(t, 200, e.post(body).Code, "the duplicate of a done event, let through by the limiter")
}

func TestDuplicateIsAcknowledgedWithoutTheHandler(t *testing.T) {
	e := newEnv(t, receiver.Config{})
	var calls atomic.Int32
	receiver.Handle(e.rx, record360.InspectionCreated, func(context.Context, *record360.Inspection) error {
		calls.Add(1)
		return nil
	})
	body := inspectionBody(t)
	for range 3 {
		assert.Equal(t, 200, e.post(body).Code)
	}
	assert.Equal(t, int32(1), calls.Load())
	outs := e.outcomes()
	assert.False(t, outs[0].Duplicate)
	assert.True(t, outs[1].Duplicate)
	assert.True(t, outs[2].Duplicate)

	// The same event re-indented by a proxy is still the same event: the key is its id.
	assert.Equal(t, 200, e.post(bytes.ReplaceAll(body, []byte("\n  "), []byte("\n"))).Code)
	assert.Equal(t, int32(1), calls.Load())
}

func TestInFlightGets409(t *testing.T) {
	e := newEnv(t, receiver.Config{})
	started, release := make(chan struct{}), make(chan struct{})
	receiver.Handle(e.rx, record360.InspectionCreated, func(context.Context, *record360.Inspection) error {
		close(started)
		<-release
		return nil
	})
	body := inspectionBody(t)
	first := make(chan int)
	go func() { first <- e.post(body).Code }()
	<-started
	w := e.post(body)
	assert.Equal(t, 409, w.Code)
	assert.NotEmpty(t, w.Header().Get("Retry-After"))
	close(release)
	assert.Equal(t, 200, <-first)
	assert.Equal(t, 200, e.post(body).Code)
}

func TestHandlerErrorThenRetryIsProcessed(t *testing.T) {
	boom := errors.New("database down")
	tests := []struct {
		name    string
		fail    func() error
		wantErr error
	}{
		{"error", func() error { return boom }, boom},
		{"panic", func() error { panic("nil map") }, receiver.ErrPanic},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, receiver.Config{})
			var calls atomic.Int32
			receiver.Handle(e.rx, record360.InspectionCreated, func(context.Context, *record360.Inspection) error {
				if calls.Add(1) == 1 {
					return tt.fail()
				}
				return nil
			})
			body := inspectionBody(t)
			w := e.post(body)
			assert.Equal(t, 500, w.Code)
			assert.Equal(t, "internal server error\n", w.Body.String(), "no detail to the sender")
			require.NotEmpty(t, e.errors())
			assert.ErrorIs(t, e.errors()[0], tt.wantErr)
			assert.Equal(t, receiver.StageDispatch, e.outcomes()[0].Stage)

			assert.Equal(t, 200, e.post(body).Code, "the claim was released: the retry runs the handler")
			assert.Equal(t, int32(2), calls.Load())
			assert.Equal(t, 200, e.post(body).Code)
			assert.Equal(t, int32(2), calls.Load(), "then it is done")
			if tt.name == "panic" {
				assert.Contains(t, e.logs.String(), "handler panicked")
				assert.Contains(t, e.logs.String(), "receiver_test.go", "the stack is logged")
			}
		})
	}
}

func TestPermanentErrorIsAcknowledged(t *testing.T) {
	e := newEnv(t, receiver.Config{})
	var calls atomic.Int32
	rejected := errors.New("unit not in our fleet")
	receiver.Handle(e.rx, record360.InspectionCreated, func(context.Context, *record360.Inspection) error {
		calls.Add(1)
		return receiver.Permanent(rejected)
	})
	body := inspectionBody(t)
	assert.Equal(t, 200, e.post(body).Code)
	require.Len(t, e.errors(), 1)
	assert.ErrorIs(t, e.errors()[0], rejected)
	assert.True(t, receiver.IsPermanent(e.errors()[0]))
	assert.ErrorIs(t, e.outcomes()[0].Err, rejected)
	assert.Equal(t, 200, e.post(body).Code)
	assert.Equal(t, int32(1), calls.Load(), "not retried")
	assert.NoError(t, receiver.Permanent(nil))
}

func TestUnknownEvents(t *testing.T) {
	unknown := fixture(t, "record360/unknown_v3_inspection_updated.json")
	t.Run("acknowledged without a fallback", func(t *testing.T) {
		e := newEnv(t, receiver.Config{})
		assert.Equal(t, 200, e.post(unknown).Code)
	})
	t.Run("to the fallback", func(t *testing.T) {
		e := newEnv(t, receiver.Config{})
		var got *events.Envelope
		receiver.HandleUnknown(e.rx, func(_ context.Context, env *events.Envelope) error {
			got = env
			return nil
		})
		assert.Equal(t, 200, e.post(unknown).Code)
		require.NotNil(t, got)
		assert.Equal(t, "inspection.updated", got.Type)
		assert.Nil(t, got.Payload)
		assert.Equal(t, unknown, got.Raw)
	})
	t.Run("known types without a handler go to the fallback too", func(t *testing.T) {
		e := newEnv(t, receiver.Config{})
		var types []string
		receiver.HandleUnknown(e.rx, func(_ context.Context, env *events.Envelope) error {
			types = append(types, env.Type)
			return nil
		})
		assert.Equal(t, 200, e.post(inspectionBody(t)).Code)
		assert.Equal(t, []string{"inspection.created"}, types)
	})
	t.Run("fallback errors are retried", func(t *testing.T) {
		e := newEnv(t, receiver.Config{})
		receiver.HandleUnknown(e.rx, func(context.Context, *events.Envelope) error { return errors.New("no") })
		assert.Equal(t, 500, e.post(unknown).Code)
	})
}

func TestStoreFailureIs503(t *testing.T) {
	e := newEnv(t, receiver.Config{Store: failingStore{}})
	w := e.post(inspectionBody(t))
	assert.Equal(t, 503, w.Code)
	assert.NotEmpty(t, w.Header().Get("Retry-After"))
	require.Len(t, e.errors(), 1)
	assert.ErrorIs(t, e.errors()[0], errStore)
}

var errStore = errors.New("store unreachable")

type failingStore struct{}

func (failingStore) Claim(context.Context, string, time.Duration) (idempotency.Claim, error) {
	return idempotency.Claim{}, errStore
}
func (failingStore) Complete(context.Context, string, string, time.Duration) error { return errStore }
func (failingStore) Release(context.Context, string, string) error                 { return errStore }
func (failingStore) Renew(context.Context, string, string, time.Duration) error {
	return errStore
}

func TestDeliveryInContext(t *testing.T) {
	e := newEnv(t, receiver.Config{HandlerTimeout: 7 * time.Second})
	body := inspectionBody(t)
	var got receiver.Delivery
	var deadline time.Time
	var hasDeadline bool
	receiver.Handle(e.rx, record360.InspectionCreated, func(ctx context.Context, insp *record360.Inspection) error {
		got = receiver.FromContext(ctx)
		deadline, hasDeadline = ctx.Deadline()
		assert.Equal(t, events.ID("430"), insp.ID)
		return nil
	})
	before := time.Now()
	require.Equal(t, 200, e.post(body).Code)
	assert.Equal(t, "record360", got.Provider)
	assert.Equal(t, "12", got.EventID)
	assert.Equal(t, "inspection.created", got.Type)
	assert.Equal(t, "v3", got.Version)
	assert.Equal(t, "record360:v3:12", got.IdempotencyKey)
	assert.Equal(t, t0, got.ReceivedAt)
	require.NotNil(t, got.Envelope)
	assert.Equal(t, body, got.Envelope.Raw, "the raw bytes reach the handler")
	require.True(t, hasDeadline)
	assert.WithinDuration(t, before.Add(7*time.Second), deadline, 5*time.Second)

	assert.Zero(t, receiver.FromContext(context.Background()), "outside a handler: the zero Delivery")
}

func TestHandlerContextOutlivesTheSender(t *testing.T) {
	e := newEnv(t, receiver.Config{})
	ctx, cancel := context.WithCancel(context.Background())
	var handlerErr error
	receiver.Handle(e.rx, record360.InspectionCreated, func(hctx context.Context, _ *record360.Inspection) error {
		cancel() // the sender hangs up mid-handler
		handlerErr = hctx.Err()
		return nil
	})
	assert.Equal(t, 200, e.serve(request(inspectionBody(t)).WithContext(ctx)).Code)
	assert.NoError(t, handlerErr, "the handler finishes its work")
}

// TestHandlerTimeout checks that HandlerTimeout reports the deadline the handlers run under,
// configured or the default.
func TestHandlerTimeout(t *testing.T) {
	tests := []struct {
		name string
		cfg  time.Duration
		want time.Duration
	}{
		{"default", 0, receiver.DefaultHandlerTimeout},
		{"configured", 7 * time.Second, 7 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, receiver.Config{HandlerTimeout: tt.cfg})
			assert.Equal(t, tt.want, e.rx.HandlerTimeout())
			var deadline time.Time
			receiver.Handle(e.rx, record360.InspectionCreated, func(ctx context.Context, _ *record360.Inspection) error {
				deadline, _ = ctx.Deadline()
				return nil
			})
			before := time.Now()
			require.Equal(t, 200, e.serve(request(inspectionBody(t))).Code)
			assert.False(t, deadline.Before(before.Add(tt.want)), "the handler's deadline is HandlerTimeout from its start")
			assert.False(t, deadline.After(time.Now().Add(tt.want)), "the handler's deadline is HandlerTimeout from its start")
		})
	}
}

func TestRequestIsNotModified(t *testing.T) {
	e := newEnv(t, receiver.Config{})
	r := request(inspectionBody(t))
	header, url, ctx := r.Header.Clone(), *r.URL, r.Context()
	receiver.Handle(e.rx, record360.InspectionCreated, func(context.Context, *record360.Inspection) error { return nil })
	require.Equal(t, 200, e.serve(r).Code)
	assert.Equal(t, header, r.Header)
	assert.Equal(t, url, *r.URL)
	assert.Equal(t, http.MethodPost, r.Method)
	assert.Equal(t, ctx, r.Context())
}

func TestLogsHoldNoSecretsOrBodies(t *testing.T) {
	e := newEnv(t, receiver.Config{})
	receiver.Handle(e.rx, record360.InspectionCreated, func(context.Context, *record360.Inspection) error {
		return errors.New("failed")
	})
	body := inspectionBody(t)
	e.post(body)
	r := request(body)
	r.Header.Set("Authorization", "Bearer "+token+"x")
	e.serve(r)
	logs := e.logs.String()
	assert.Contains(t, logs, "status=500")
	assert.Contains(t, logs, "status=401")
	assert.NotContains(t, logs, token)
	assert.NotContains(t, logs, "WMWRF33519TW73378", "no body content")
}

func TestConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		p    events.Provider
		cfg  receiver.Config
	}{
		{"no provider", nil, receiver.Config{InsecureSkipVerify: true}},
		{"no verifier", record360.Provider(), receiver.Config{}},
		{"both", record360.Provider(), receiver.Config{Verifier: bearer(t), InsecureSkipVerify: true}},
		{"negative body cap", record360.Provider(), receiver.Config{Verifier: bearer(t), MaxBodyBytes: -1}},
		{"negative timeout", record360.Provider(), receiver.Config{Verifier: bearer(t), HandlerTimeout: -time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := receiver.New(tt.p, tt.cfg)
			assert.ErrorIs(t, err, receiver.ErrConfig)
		})
	}
}

func TestInsecureModeWarns(t *testing.T) {
	e := newEnv(t, receiver.Config{InsecureSkipVerify: true})
	assert.Contains(t, e.logs.String(), "level=WARN")
	assert.Contains(t, e.logs.String(), "InsecureSkipVerify")
	r := request(inspectionBody(t))
	r.Header.Del("Authorization")
	assert.Equal(t, 200, e.serve(r).Code)
}

func TestHandleMisuse(t *testing.T) {
	e := newEnv(t, receiver.Config{})
	assert.Panics(t, func() {
		receiver.Handle(e.rx, safetyculture.InspectionCompleted, func(context.Context, *safetyculture.InspectionEvent) error { return nil })
	}, "a key of another provider")
	receiver.Handle(e.rx, record360.TaskCompleted, func(context.Context, *record360.Task) error { return nil })
	assert.Panics(t, func() {
		receiver.Handle(e.rx, record360.TaskCompleted, func(context.Context, *record360.Task) error { return nil })
	}, "a second handler")
	assert.Panics(t, func() { receiver.Handle[record360.Task](e.rx, record360.V1TaskComplete, nil) })
}

// TestConcurrentIdenticalDeliveries sends one event 200 times at once: the handler runs exactly
// once, and every other delivery gets 200 (done) or 409 (in flight), never a 5xx.
func TestConcurrentIdenticalDeliveries(t *testing.T) {
	e := newEnv(t, receiver.Config{})
	var calls atomic.Int32
	receiver.Handle(e.rx, record360.InspectionCreated, func(context.Context, *record360.Inspection) error {
		calls.Add(1)
		return nil
	})
	body := inspectionBody(t)
	codes := make(chan int, 200)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			codes <- e.post(body).Code
		}()
	}
	close(start)
	wg.Wait()
	close(codes)
	count := map[int]int{}
	for c := range codes {
		count[c]++
	}
	assert.Equal(t, int32(1), calls.Load(), "handler runs exactly once")
	assert.Equal(t, 200, count[200]+count[409], "statuses: %v", count)
	assert.GreaterOrEqual(t, count[200], 1)
}

// TestRoutingByContains: a SafetyCulture delivery lists several types; a handler registered for
// any of them receives it, and Delivery.Route (in the handler and in the Outcome) names the
// event whose handler ran; "" when HandleUnknown runs it.
func TestRoutingByContains(t *testing.T) {
	secret := "sc-org-secret"
	v, err := verify.NewHMAC(verify.SafetyCulture(secret))
	require.NoError(t, err)
	body := fixture(t, "safetyculture/variant_legacy_several_types.json")
	for _, tt := range []struct {
		name      string
		register  func(rx *receiver.Receiver, got *[]receiver.Delivery)
		wantRoute string
	}{
		{"a handler for another of the types", func(rx *receiver.Receiver, got *[]receiver.Delivery) {
			receiver.Handle(rx, safetyculture.InspectionCompleted, func(ctx context.Context, _ *safetyculture.InspectionEvent) error {
				*got = append(*got, receiver.FromContext(ctx))
				return nil
			})
		}, "TRIGGER_EVENT_INSPECTION_COMPLETED"},
		{"HandleUnknown", func(rx *receiver.Receiver, got *[]receiver.Delivery) {
			receiver.HandleUnknown(rx, func(ctx context.Context, _ *events.Envelope) error {
				*got = append(*got, receiver.FromContext(ctx))
				return nil
			})
		}, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var outs []receiver.Outcome
			rx, err := receiver.New(safetyculture.Provider(), receiver.Config{Verifier: v,
				Observer: func(_ context.Context, o receiver.Outcome) { outs = append(outs, o) }})
			require.NoError(t, err)
			var got []receiver.Delivery
			tt.register(rx, &got)
			r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
			r.Header.Set("Content-Type", "application/json")
			require.NoError(t, v.Sign(r, body))
			w := httptest.NewRecorder()
			rx.ServeHTTP(w, r)
			assert.Equal(t, 200, w.Code, w.Body.String())
			require.Len(t, got, 1)
			assert.Equal(t, "TRIGGER_EVENT_INSPECTION_UPDATED", got[0].Type, "routed on UPDATED")
			assert.Equal(t, tt.wantRoute, got[0].Route, "the handler that ran")
			require.Len(t, outs, 1)
			assert.Equal(t, tt.wantRoute, outs[0].Route)
		})
	}
}

func TestIdempotencyKeyHeader(t *testing.T) {
	e := newEnv(t, receiver.Config{IdempotencyKeyHeader: "Webhook-Id"})
	var keys []string
	receiver.Handle(e.rx, record360.InspectionCreated, func(ctx context.Context, _ *record360.Inspection) error {
		d := receiver.FromContext(ctx)
		keys = append(keys, d.IdempotencyKey)
		return nil
	})
	body := inspectionBody(t)
	for i, id := range []string{"msg_1", "msg_2", "msg_1", ""} {
		r := request(body)
		if id != "" {
			r.Header.Set("Webhook-Id", id)
		}
		assert.Equal(t, 200, e.serve(r).Code, fmt.Sprint(i))
	}
	assert.Equal(t, []string{"record360:msg_1", "record360:msg_2", "record360:v3:12"}, keys)
}

func TestStageNames(t *testing.T) {
	assert.Equal(t, "verify", receiver.StageVerify.String())
	assert.Equal(t, "complete", receiver.StageComplete.String())
	assert.True(t, strings.HasPrefix(receiver.Stage(99).String(), "Stage("))
}

// TestHeaderKeyClaimedBeforeDecoding checks that with IdempotencyKeyHeader the claim stage runs
// before decoding for a delivery that carries the header: a duplicate is answered without
// decoding (a body that would not decode is not looked at), while a delivery without the header
// is decoded and claimed by the body's key.
func TestHeaderKeyClaimedBeforeDecoding(t *testing.T) {
	var stages []receiver.Stage
	e := newEnv(t, receiver.Config{
		IdempotencyKeyHeader: "Webhook-Id",
		OnStage:              func(_ context.Context, s receiver.Stage) { stages = append(stages, s) },
	})
	runs := 0
	receiver.Handle(e.rx, record360.InspectionCreated, func(context.Context, *record360.Inspection) error {
		runs++
		return nil
	})
	S := func(ss ...receiver.Stage) []receiver.Stage { return ss }
	tests := []struct {
		name, id, body string
		status         int
		reply          string
		stages         []receiver.Stage
		runs           int
	}{
		{"new", "msg_1", string(inspectionBody(t)), 200, "ok\n",
			S(receiver.StageMethod, receiver.StageVerify, receiver.StageClaim, receiver.StageDecode, receiver.StageDispatch), 1},
		{"duplicate, not decoded", "msg_1", `{"not": "a record360 body"`, 200, "ok: already received\n",
			S(receiver.StageMethod, receiver.StageVerify, receiver.StageClaim), 1},
		{"no header: decoded, then claimed", "", string(inspectionBody(t)), 200, "ok\n",
			S(receiver.StageMethod, receiver.StageVerify, receiver.StageDecode, receiver.StageClaim, receiver.StageDispatch), 2},
		{"no header, a bad body", "", `{"not": "a record360 body"`, 400, "body is not valid JSON\n",
			S(receiver.StageMethod, receiver.StageVerify, receiver.StageDecode), 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stages = nil
			r := request([]byte(tt.body))
			if tt.id != "" {
				r.Header.Set("Webhook-Id", tt.id)
			}
			w := e.serve(r)
			assert.Equal(t, tt.status, w.Code)
			assert.Equal(t, tt.reply, w.Body.String())
			assert.Equal(t, tt.stages, stages)
			assert.Equal(t, tt.runs, runs)
		})
	}
	outs := e.outcomes()
	require.Len(t, outs, len(tests))
	assert.True(t, outs[1].Duplicate)
	assert.Equal(t, "record360:msg_1", outs[1].IdempotencyKey, "a duplicate found before decoding carries its key")
}

// TestWrap checks Wrap hands over the registered handler (nil when none) and refuses what Handle
// refuses.
func TestWrap(t *testing.T) {
	e := newEnv(t, receiver.Config{})
	var order []string
	receiver.Handle(e.rx, record360.InspectionCreated, func(context.Context, *record360.Inspection) error {
		order = append(order, "app")
		return nil
	})
	receiver.Wrap(e.rx, record360.InspectionCreated, func(next func(context.Context, *record360.Inspection) error) func(context.Context, *record360.Inspection) error {
		require.NotNil(t, next, "the registered handler")
		return func(ctx context.Context, p *record360.Inspection) error {
			order = append(order, "wrapper")
			return next(ctx, p)
		}
	})
	var got func(context.Context, *record360.Task) error = func(context.Context, *record360.Task) error { return nil }
	receiver.Wrap(e.rx, record360.TaskCompleted, func(next func(context.Context, *record360.Task) error) func(context.Context, *record360.Task) error {
		got = next
		return func(context.Context, *record360.Task) error { return nil }
	})
	assert.Nil(t, got, "no handler registered: next is nil")
	assert.Equal(t, 200, e.serve(request(inspectionBody(t))).Code)
	assert.Equal(t, []string{"wrapper", "app"}, order)

	assert.Panics(t, func() { receiver.Wrap(e.rx, record360.InspectionCreated, nil) })
	assert.Panics(t, func() {
		receiver.Wrap(e.rx, record360.InspectionCreated, func(func(context.Context, *record360.Inspection) error) func(context.Context, *record360.Inspection) error {
			return nil
		})
	})
	assert.Panics(t, func() {
		receiver.Wrap(e.rx, safetyculture.InspectionCompleted, func(h func(context.Context, *safetyculture.InspectionEvent) error) func(context.Context, *safetyculture.InspectionEvent) error {
			return h
		})
	}, "an event of another provider")
}
