package receiver_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/events"
	"github.com/inspecthook/inspecthook/events/safetyculture"
	"github.com/inspecthook/inspecthook/receiver"
)

// blockingProvider is SafetyCulture's provider whose Decode reports that it started and then
// waits to be let go, counting how many decode at once.
type blockingProvider struct {
	events.Provider
	started         chan struct{}
	release         chan struct{}
	running, atOnce atomic.Int32
}

func (p *blockingProvider) Decode(body []byte) (*events.Envelope, error) {
	n := p.running.Add(1)
	defer p.running.Add(-1)
	for m := p.atOnce.Load(); n > m && !p.atOnce.CompareAndSwap(m, n); m = p.atOnce.Load() {
	}
	p.started <- struct{}{}
	<-p.release
	return p.Provider.Decode(body)
}

// TestMaxDecoding checks that deliveries decode one at a time with MaxDecoding 1, that a slot
// is given back before the handler runs, so a slow handler does not hold up the next decode,
// and that a delivery whose sender goes away while it waits is answered 503 without decoding.
func TestMaxDecoding(t *testing.T) {
	v := scVerifier(t)
	deliveries := scEvents(t, v, 3)
	p := &blockingProvider{Provider: safetyculture.Provider(), started: make(chan struct{}, 3), release: make(chan struct{})}
	var outs []receiver.Outcome
	outc := make(chan receiver.Outcome, 3)
	rx, err := receiver.New(p, receiver.Config{Verifier: v, MaxDecoding: 1, Observer: func(_ context.Context, o receiver.Outcome) { outc <- o }})
	require.NoError(t, err)
	t.Cleanup(func() { _ = rx.Close() })
	inHandler, finish := make(chan struct{}, 3), make(chan struct{})
	receiver.Handle(rx, safetyculture.InspectionStarted, func(context.Context, *safetyculture.InspectionEvent) error {
		inHandler <- struct{}{}
		<-finish
		return nil
	})
	serve := func(r *http.Request) <-chan int {
		code := make(chan int, 1)
		go func() {
			w := httptest.NewRecorder()
			rx.ServeHTTP(w, r)
			code <- w.Code
		}()
		return code
	}

	first := serve(scRequest(deliveries[0]))
	waitFor(t, p.started, "the first decode")
	second := serve(scRequest(deliveries[1]))
	// The second waits for the slot: a sender that goes away meanwhile is answered 503.
	ctx, cancel := context.WithCancel(context.Background())
	gone := serve(scRequest(deliveries[2]).WithContext(ctx))
	cancel()
	assert.Equal(t, http.StatusServiceUnavailable, waitFor(t, gone, "the answer to the sender that went away"))
	outs = append(outs, waitFor(t, outc, "its outcome"))

	p.release <- struct{}{} // the first decodes, and its handler starts...
	waitFor(t, inHandler, "the first handler")
	waitFor(t, p.started, "the second decode, while the first handler runs")
	p.release <- struct{}{}
	waitFor(t, inHandler, "the second handler")
	close(finish)
	assert.Equal(t, http.StatusOK, waitFor(t, first, "the first answer"))
	assert.Equal(t, http.StatusOK, waitFor(t, second, "the second answer"))
	assert.Equal(t, int32(1), p.atOnce.Load(), "one decode at a time")

	require.Len(t, outs, 1)
	assert.Equal(t, receiver.StageDecode, outs[0].Stage)
	assert.ErrorIs(t, outs[0].Err, context.Canceled)
}

// waitFor returns the next value on ch, failing the test after 10 s.
func waitFor[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(10 * time.Second):
		t.Fatalf("no %s within 10 s", what)
		panic("unreachable")
	}
}
