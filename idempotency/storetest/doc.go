// Package storetest is the conformance suite for implementations of idempotency.Store: every
// store, in memory, on disk or on a server, must pass it, so that the receiver behaves the same
// whichever one it is given.
//
// Most callers want [Run], from a test of the store's package:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, storetest.Harness{
//			New: func(t *testing.T) (idempotency.Store, func(time.Duration)) {
//				clock := storetest.NewClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
//				s, err := mystore.New(mystore.Config{Now: clock.Now})
//				require.NoError(t, err)
//				t.Cleanup(func() { s.Close() })
//				return s, clock.Advance
//			},
//		})
//	}
//
// Each rule of idempotency.Store is a subtest on a new store: claiming a fresh key, a key in
// flight, a done key and a released one; lease expiry and reclaim; stale, spent and unknown
// tokens (ErrLeaseLost, nothing changed); retention expiry, measured from Complete; exactly one
// winner among 200 goroutines claiming one key, and never two holders at once; distinct keys
// independent and compared byte for byte (case, spaces, NUL, invalid UTF-8, glob and SQL
// metacharacters, keys over 1 KB); unique tokens; ErrConfig for an empty key or token and for durations
// that are not positive; a cancelled or expired context returned before anything is done.
//
// The suite never sleeps: it moves the store's clock with the harness's advance function, by
// whole seconds around leases of a minute and retentions of an hour, so a clock resolution of a
// second is enough. A store whose time lives on a server can take the time from an injected
// clock and send it with each call (an argument of a script, a parameter of a query), so that
// the harness can use a [Clock]. A [Clock] is safe for concurrent use; its zero value stands at
// the zero time.
package storetest
