package ratelimit_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"time"

	"golang.org/x/time/rate"

	"github.com/inspecthook/inspecthook/ratelimit"
)

// A client may send two deliveries at once, then one every 30 seconds; the third is refused
// with the time to wait.
func ExampleLimiter_Middleware() {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	l, err := ratelimit.New(ratelimit.Config{
		Rate:  rate.Every(30 * time.Second),
		Burst: 2,
		Now:   func() time.Time { return now },
	})
	if err != nil {
		panic(err)
	}
	h := l.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "ok")
	}))

	for range 3 {
		r := httptest.NewRequest(http.MethodPost, "/webhooks/record360", nil)
		r.RemoteAddr = "203.0.113.9:51234"
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		fmt.Printf("%d Retry-After=%q %q\n", w.Code, w.Header().Get("Retry-After"), w.Body.String())
	}
	// Output:
	// 200 Retry-After="" "ok\n"
	// 200 Retry-After="" "ok\n"
	// 429 Retry-After="30" "rate limit exceeded\n"
}

// Behind a load balancer, trust X-Forwarded-For from its addresses only: the bucket is the first
// address, from the right, that is not one of them.
func ExampleClientIP() {
	bucketOf := ratelimit.ClientIP(netip.MustParsePrefix("10.0.0.0/8"))

	r := httptest.NewRequest(http.MethodPost, "/webhooks/safetyculture", nil)
	r.RemoteAddr = "10.0.0.5:40000"                                        // the load balancer
	r.Header.Set("X-Forwarded-For", "198.51.100.1, 203.0.113.9, 10.0.3.7") // spoofed, client, inner proxy
	fmt.Println(bucketOf(r))

	r.RemoteAddr = "192.0.2.44:40000" // not the load balancer: the header is ignored
	fmt.Println(bucketOf(r))
	// Output:
	// 203.0.113.9
	// 192.0.2.44
}

// Code that writes its own responses calls Allow, or AllowBucket with a bucket of its own.
func ExampleLimiter_AllowBucket() {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	l, _ := ratelimit.New(ratelimit.Config{Rate: 2, Burst: 1, Now: func() time.Time { return now }})

	for _, account := range []string{"acct-1", "acct-1", "acct-2"} {
		ok, retryAfter := l.AllowBucket(account)
		fmt.Println(account, ok, retryAfter)
	}
	// Output:
	// acct-1 true 0s
	// acct-1 false 500ms
	// acct-2 true 0s
}

// The hook sees each refusal; errors.As gives the wait, which the response's Retry-After
// rounds up to whole seconds.
func ExampleMiddleware() {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	l, err := ratelimit.New(ratelimit.Config{
		Rate:   rate.Every(1500 * time.Millisecond),
		Burst:  1,
		Bucket: ratelimit.Global,
		Now:    func() time.Time { return now },
	})
	if err != nil {
		panic(err)
	}
	limit := ratelimit.Middleware(l, ratelimit.WithOnReject(func(r *http.Request, status int, err error) {
		if le, ok := errors.AsType[*ratelimit.LimitError](err); ok {
			fmt.Println("refused:", status, "retry in", le.RetryAfter)
		}
	}))
	h := limit(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "ok")
	}))

	for range 2 {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/webhooks/inspectorio", nil))
		fmt.Printf("%d Retry-After=%q %q\n", w.Code, w.Header().Get("Retry-After"), w.Body.String())
	}
	// Output:
	// 200 Retry-After="" "ok\n"
	// refused: 429 retry in 1.5s
	// 429 Retry-After="2" "rate limit exceeded\n"
}
