package page_test

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"

	"github.com/inspecthook/inspecthook"
	"github.com/inspecthook/inspecthook/events/safetyculture"
	"github.com/inspecthook/inspecthook/inbox"
	"github.com/inspecthook/inspecthook/inbox/inboxsqlite"
	"github.com/inspecthook/inspecthook/observe/page"
	"github.com/inspecthook/inspecthook/observe/page/pageinbox"
	"github.com/inspecthook/inspecthook/receiver"
	"github.com/inspecthook/inspecthook/verify"
)

// A SafetyCulture receiver wrapped by the page's Middleware, with the page's Observe as its
// Observer, and the page at /deliveries/: a signed delivery and a forged one come in, and a
// browser on the same machine reads the list.
func Example() {
	quiet := slog.New(slog.DiscardHandler)
	p, err := page.New(page.Config{BasePath: "/deliveries/", Logger: quiet})
	if err != nil {
		log.Fatal(err)
	}
	defer p.Close()

	v, err := verify.NewHMAC(verify.SafetyCulture("example-secret"))
	if err != nil {
		log.Fatal(err)
	}
	rx, err := receiver.New(safetyculture.Provider(), receiver.Config{
		Verifier: v,
		Observer: receiver.Observers(p.Observe), // with your metrics and traces beside it
		Logger:   quiet,
	})
	if err != nil {
		log.Fatal(err)
	}
	defer rx.Close()

	mux := http.NewServeMux()
	mux.Handle("POST /webhooks/safetyculture", p.Middleware(rx))
	mux.Handle("/deliveries/", p) // loopback clients only: set Config.Authorize to serve others

	body, err := fs.ReadFile(inspecthook.Fixtures(), "safetyculture/newer_inspection_completed.json")
	if err != nil {
		log.Fatal(err)
	}
	forger, _ := verify.NewHMAC(verify.SafetyCulture("a-guess"))
	for _, signer := range []verify.Signer{v, forger} {
		r := httptest.NewRequest(http.MethodPost, "/webhooks/safetyculture", bytes.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		if err := signer.Sign(r, body); err != nil {
			log.Fatal(err)
		}
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, r)
		fmt.Println("delivery answered", w.Code)
	}

	for _, from := range []string{"127.0.0.1:50000", "192.0.2.1:50000"} {
		r := httptest.NewRequest(http.MethodGet, "/deliveries/", nil)
		r.RemoteAddr = from
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, r)
		statuses := regexp.MustCompile(`<span class="code">(\d+)</span>`).FindAllStringSubmatch(w.Body.String(), -1)
		fmt.Printf("page from %s: %d, %d rows:", from, w.Code, len(statuses))
		for _, s := range statuses {
			fmt.Print(" ", s[1])
		}
		fmt.Println()
	}
	// Output:
	// delivery answered 200
	// delivery answered 401
	// page from 127.0.0.1:50000: 200, 2 rows: 401 200
	// page from 192.0.2.1:50000: 403, 0 rows:
}

// Behind your own authentication: here a header that an authenticating proxy sets, and that it
// removes from the requests it receives.
func ExampleConfig_authorize() {
	p, err := page.New(page.Config{
		BasePath: "/ops/deliveries/",
		Authorize: func(r *http.Request) bool {
			return r.Header.Get("X-Auth-Request-Groups") == "webhook-admins"
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer p.Close()
	http.Handle("/ops/deliveries/", p)
}

// With the inbox of the asynchronous mode: pageinbox.New adapts it to Config.Inbox, and the page
// gains its inbox view, with a Replay button on each dead letter. Here the page keeps its
// deliveries in the inbox's SQLite database too. A program that sets no Inbox does not import
// pageinbox, and links no part of River.
func ExampleConfig_inbox() {
	ctx := context.Background()
	db, err := inboxsqlite.OpenDB("inbox.db")
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	ib, err := inbox.Open(ctx, inboxsqlite.New(db), inbox.Config{})
	if err != nil {
		log.Fatal(err)
	}
	p, err := page.New(page.Config{BasePath: "/deliveries/", DB: db, Inbox: pageinbox.New(ib)})
	if err != nil {
		log.Fatal(err)
	}
	defer p.Close()
	http.Handle("/deliveries/", p) // and receiver.Config{Inbox: ib, Observer: p.Observe} for each receiver
}
