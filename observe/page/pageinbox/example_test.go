package pageinbox_test

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/inspecthook/inspecthook"
	"github.com/inspecthook/inspecthook/events/record360"
	"github.com/inspecthook/inspecthook/inbox"
	"github.com/inspecthook/inspecthook/inbox/inboxsqlite"
	"github.com/inspecthook/inspecthook/observe/page"
	"github.com/inspecthook/inspecthook/observe/page/pageinbox"
	"github.com/inspecthook/inspecthook/receiver"
	"github.com/inspecthook/inspecthook/verify"
)

// A Record360 receiver in the asynchronous mode, on an inbox in SQLite, and the page with its
// inbox view: a delivery is queued, and a browser on the same machine sees the job waiting.
func Example() {
	ctx := context.Background()
	quiet := slog.New(slog.DiscardHandler)
	dir, err := os.MkdirTemp("", "pageinbox-example-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	db, err := inboxsqlite.OpenDB(filepath.Join(dir, "inbox.db"))
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	ib, err := inbox.Open(ctx, inboxsqlite.New(db), inbox.Config{Logger: quiet})
	if err != nil {
		log.Fatal(err)
	}

	p, err := page.New(page.Config{BasePath: "/deliveries/", Inbox: pageinbox.New(ib), Logger: quiet})
	if err != nil {
		log.Fatal(err)
	}
	defer p.Close()

	v, err := verify.NewBearer("example-token")
	if err != nil {
		log.Fatal(err)
	}
	rx, err := receiver.New(record360.Provider(), receiver.Config{Verifier: v, Inbox: ib, Observer: p.Observe, Logger: quiet})
	if err != nil {
		log.Fatal(err)
	}
	defer rx.Close()
	ib.Register(rx) // and ib.Start(ctx) to run the workers; here the job waits

	mux := http.NewServeMux()
	mux.Handle("POST /webhooks/record360", p.Middleware(rx))
	mux.Handle("/deliveries/", p) // loopback clients only: set page.Config.Authorize to serve others

	body, err := fs.ReadFile(inspecthook.Fixtures(), "record360/v3_inspection_created.json")
	if err != nil {
		log.Fatal(err)
	}
	r := httptest.NewRequest(http.MethodPost, "/webhooks/record360", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	if err := v.Sign(r, body); err != nil {
		log.Fatal(err)
	}
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, r)
	fmt.Println("delivery answered", w.Code, strings.TrimSpace(w.Body.String()))

	r = httptest.NewRequest(http.MethodGet, "/deliveries/inbox", nil)
	r.RemoteAddr = "127.0.0.1:50000"
	w = httptest.NewRecorder()
	mux.ServeHTTP(w, r)
	fmt.Println("inbox view:", w.Code)
	for _, m := range regexp.MustCompile(`<tr class="job (\w+)" data-id="(\d+)">\s*<td[^>]*><a[^>]*>\d+</a></td>\s*<td>(\w+)</td>`).FindAllStringSubmatch(w.Body.String(), -1) {
		fmt.Printf("job %s: %s, %s\n", m[2], m[3], m[1])
	}
	// Output:
	// delivery answered 200 ok: queued
	// inbox view: 200
	// job 1: record360, available
}
