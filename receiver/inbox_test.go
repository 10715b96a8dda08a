package receiver_test

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/events/record360"
	"github.com/inspecthook/inspecthook/receiver"
)

// memInbox is an Inbox in memory, unique by idempotency key.
type memInbox struct {
	mu   sync.Mutex
	keys map[string]bool
	jobs []receiver.InboxDelivery
	err  error
}

func (m *memInbox) Enqueue(_ context.Context, d receiver.InboxDelivery) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.err != nil {
		return false, m.err
	}
	if m.keys[d.IdempotencyKey] {
		return true, nil
	}
	m.keys[d.IdempotencyKey] = true
	m.jobs = append(m.jobs, d)
	return false, nil
}

func TestInboxMode(t *testing.T) {
	inbox := &memInbox{keys: map[string]bool{}}
	e := newEnv(t, receiver.Config{Inbox: inbox})
	var got []receiver.Delivery
	receiver.Handle(e.rx, record360.InspectionCreated, func(ctx context.Context, insp *record360.Inspection) error {
		got = append(got, receiver.FromContext(ctx))
		if receiver.FromContext(ctx).Attempt < 2 {
			return errors.New("try again")
		}
		return nil
	})
	body := inspectionBody(t)

	w := e.post(body)
	assert.Equal(t, http.StatusOK, w.Code)
	assert.Equal(t, "ok: queued\n", w.Body.String())
	assert.Empty(t, got, "the handler does not run in the request")
	w = e.post(body)
	assert.Equal(t, "ok: already received\n", w.Body.String())
	outs := e.outcomes()
	require.Len(t, outs, 2)
	assert.Equal(t, receiver.StageEnqueue, outs[0].Stage)
	assert.True(t, outs[1].Duplicate)

	require.Len(t, inbox.jobs, 1)
	job := inbox.jobs[0]
	assert.Equal(t, "record360", job.Provider)
	assert.Equal(t, "record360:v3:12", job.IdempotencyKey)
	assert.Equal(t, body, job.Body)
	assert.Equal(t, t0, job.ReceivedAt)

	// The Inbox's workers: the first attempt fails, the second succeeds.
	job.Attempt = 1
	require.Error(t, e.rx.Process(t.Context(), job))
	job.Attempt = 2
	require.NoError(t, e.rx.Process(t.Context(), job))
	require.Len(t, got, 2)
	assert.Equal(t, 2, got[1].Attempt)
	assert.Equal(t, "12", got[1].EventID)
	assert.Equal(t, "record360:v3:12", got[1].IdempotencyKey)
	assert.Equal(t, t0, got[1].ReceivedAt)
}

func TestInboxModeFailures(t *testing.T) {
	down := errors.New("database down")
	inbox := &memInbox{keys: map[string]bool{}, err: down}
	e := newEnv(t, receiver.Config{Inbox: inbox})
	w := e.post(inspectionBody(t))
	assert.Equal(t, http.StatusServiceUnavailable, w.Code)
	assert.Equal(t, "60", w.Header().Get("Retry-After"), "as when the idempotency store is down")
	require.Len(t, e.errors(), 1)
	assert.ErrorIs(t, e.errors()[0], down)

	// Not this receiver's provider, or a body that no longer decodes: a retry cannot help.
	err := e.rx.Process(t.Context(), receiver.InboxDelivery{Provider: "safetyculture", Body: inspectionBody(t), Attempt: 1})
	assert.True(t, receiver.IsPermanent(err), "%v", err)
	err = e.rx.Process(t.Context(), receiver.InboxDelivery{Provider: "record360", Body: []byte(`{"id":`), Attempt: 1})
	assert.True(t, receiver.IsPermanent(err), "%v", err)

	// A panic is an error to retry.
	receiver.Handle(e.rx, record360.InspectionCreated, func(context.Context, *record360.Inspection) error { panic("boom") })
	err = e.rx.Process(t.Context(), receiver.InboxDelivery{Provider: "record360", Body: inspectionBody(t), Attempt: 1})
	assert.ErrorIs(t, err, receiver.ErrPanic)
}

// TestProcessEndsWithItsContext checks that an Inbox stopping its workers reaches the handler.
func TestProcessEndsWithItsContext(t *testing.T) {
	e := newEnv(t, receiver.Config{Inbox: &memInbox{keys: map[string]bool{}}})
	receiver.Handle(e.rx, record360.InspectionCreated, func(ctx context.Context, _ *record360.Inspection) error {
		<-ctx.Done()
		return ctx.Err()
	})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	err := e.rx.Process(ctx, receiver.InboxDelivery{Provider: "record360", Body: inspectionBody(t), Attempt: 1})
	assert.ErrorIs(t, err, context.Canceled)
}
