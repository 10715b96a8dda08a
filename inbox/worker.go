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

// Work calls rx.Process: nil completes the job, a Permanent error cancels it, another error
// retries it until MaxAttempts, after which River discards it (a dead letter).
func (w *worker) Work(ctx context.Context, job *river.Job[args]) error {
	w.ib.mu.RLock()
	rx := w.ib.receivers[job.Args.Provider]
	w.ib.mu.RUnlock()
	start := time.Now()
	var err error
	if rx == nil {
		err = receiver.Permanent(fmt.Errorf("inbox: no receiver registered for provider %q", job.Args.Provider))
	} else {
		d := receiver.InboxDelivery{
			Provider:       job.Args.Provider,
			IdempotencyKey: job.Args.Key,
			Body:           job.Args.Body,
			ReceivedAt:     job.Args.ReceivedAt,
			Attempt:        job.Attempt,
		}
		runCtx, end := ctx, func(error) {}
		if tr := w.ib.cfg.Tracer; tr != nil {
			runCtx, end = tr.Attempt(ctx, d, job.Args.Trace)
		}
		err = rx.Process(runCtx, d)
		end(err)
	}
	if f := w.ib.cfg.OnAttempt; f != nil {
		j := jobOf(job.JobRow)
		j.State = "running"
		a := Attempt{Job: j, Err: err, Duration: time.Since(start)}
		switch {
		case err == nil:
			a.Result = AttemptSucceeded
		case receiver.IsPermanent(err):
			a.Result = AttemptCancelled
		case job.Attempt >= job.MaxAttempts:
			a.Result = AttemptDiscarded
		default:
			a.Result = AttemptRetried
		}
		f(ctx, a)
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

// The results of an attempt, as Attempt.Result names them.
const (
	AttemptSucceeded = "succeeded" // the handler returned nil: the job completed
	AttemptRetried   = "retried"   // it failed and will run again after a backoff
	AttemptDiscarded = "discarded" // it failed its last attempt: a dead letter, in StateDiscarded
	AttemptCancelled = "cancelled" // it failed with a Permanent error: not retried
)

// Attempt is what became of one run of a stored delivery, for Config.OnAttempt.
type Attempt struct {
	Job      Job           // the job as it was run; Job.Attempt is this attempt's number
	Result   string        // AttemptSucceeded, AttemptRetried, AttemptDiscarded or AttemptCancelled
	Err      error         // the handler's error, nil on success
	Duration time.Duration // how long the attempt took, decoding included
}
