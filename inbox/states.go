package inbox

import "github.com/riverqueue/river/rivertype"

// The states of a stored delivery, by River's names for its job states. A dead letter is a job
// in StateDiscarded.
const (
	StateAvailable = string(rivertype.JobStateAvailable) // stored and due: runs when a worker is free
	StateScheduled = string(rivertype.JobStateScheduled) // due later
	StateRetryable = string(rivertype.JobStateRetryable) // failed; runs again after a backoff
	StatePending   = string(rivertype.JobStatePending)   // held, not yet due
	StateRunning   = string(rivertype.JobStateRunning)   // a worker runs it
	StateCompleted = string(rivertype.JobStateCompleted) // its handler succeeded
	StateCancelled = string(rivertype.JobStateCancelled) // a Permanent error, or Cancel
	StateDiscarded = string(rivertype.JobStateDiscarded) // failed MaxAttempts times: a dead letter
)

// States returns every state a stored delivery can be in, in River's order.
func States() []string {
	all := rivertype.JobStates()
	out := make([]string, len(all))
	for i, s := range all {
		out[i] = string(s)
	}
	return out
}

// WaitingStates returns the states of a delivery that has not run to an end yet: due
// (available), due later or after a backoff (scheduled, retryable), or held (pending).
func WaitingStates() []string {
	return []string{StateAvailable, StateScheduled, StateRetryable, StatePending}
}

// IsState reports whether s is one of States.
func IsState(s string) bool {
	for _, st := range rivertype.JobStates() {
		if string(st) == s {
			return true
		}
	}
	return false
}
