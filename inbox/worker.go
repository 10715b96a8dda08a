package inbox

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/inspecthook/inspecthook/receiver"
)

// worker runs stored deliveries with their provider's receiver.
type worker struct {
	river.WorkerDefaults[args]
	ib *Inbox
}

// Timeout disables River's job timeout: the receiver's HandlerTimeout bounds the handler.
func (*worker) Timeout(*river.Job[args]) time.Duration { return -1 }

// Work calls rx.Process: nil completes the job, a Permanent error cancels it, another error
// retries it until MaxAttempts, after which River discards it (a dead letter).
func (w *worker) Work(ctx context.Context, job *river.Job[args]) error {
	w.ib.mu.RLock()
	rx := w.ib.receivers[job.Args.Provider]
	w.ib.mu.RUnlock()
	var err error
	if rx == nil {
		err = receiver.Permanent(fmt.Errorf("inbox: no receiver registered for provider %q", job.Args.Provider))
	} else {
		err = rx.Process(ctx, receiver.InboxDelivery{
			Provider:       job.Args.Provider,
			IdempotencyKey: job.Args.Key,
			Body:           job.Args.Body,
			ReceivedAt:     job.Args.ReceivedAt,
			Attempt:        job.Attempt,
		})
	}
	if err == nil {
		return nil
	}
	if w.ib.cfg.OnError != nil {
		j := jobOf(job.JobRow)
		j.State = "running"
		w.ib.cfg.OnError(ctx, j, err)
	}
	if receiver.IsPermanent(err) {
		return river.JobCancel(err)
	}
	return err
}
