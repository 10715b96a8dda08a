// Package page is an HTML page of the most recent webhook deliveries, for the team that runs the
// receivers: what came in, from which provider, what it was answered and why, with each
// delivery's headers (credentials redacted) and pretty-printed body, and, with an inbox, the
// stored jobs, their attempts and errors, and a Replay button on each dead letter.
//
// A Page is an http.Handler to mount behind your own authentication. It is rendered on the server
// with html/template, has no external assets and no JavaScript, and works in any browser,
// including a text one. Without Config.Authorize it serves loopback clients only (127.0.0.1,
// ::1, with no proxy header), and answers anyone else 403.
//
// A Page learns of deliveries in two steps: Middleware, wrapped around each receiver, records
// what only the request knows (the method, the peer address and the headers, every credential
// redacted at once), and Observe, the receiver's Observer, completes that record from the
// receiver's Outcome, with the path the receiver redacted (Outcome.Path: query values, URL
// tokens and other secrets of its Verifier), and keeps it. A body is kept only
// when it was authenticated and decoded (Outcome.Envelope.Raw), cut to Config.KeepBodyBytes;
// requests refused before authentication (401, 405, 413, 415, 429) are kept without their body.
//
// The list shows each delivery's event id or, for a format that has none (such as
// SafetyCulture's), its idempotency key, marked "key:" and linked to the deliveries with that key.
//
// The deliveries are kept in a ring of Config.Size rows in memory, newest first. With Config.DB
// (SQLite through modernc.org/sqlite) they are also written, in the background, to a table of
// their own (TableName), trimmed to Size rows and read back by New, so a restart keeps them.
//
// The inbox view reads the inbox of the receiver's asynchronous mode through Inbox, a small
// interface; package pageinbox adapts an *inbox.Inbox to it. The page itself does not import
// package inbox, so a program that shows no inbox does not link River.
//
// Wiring it up, with the page under /deliveries/ behind an authentication of your own:
//
//	p, err := page.New(page.Config{
//		BasePath:  "/deliveries/",
//		DB:        db,                // optional: a *sql.DB on SQLite, to keep deliveries across restarts
//		Inbox:     pageinbox.New(ib), // optional: the inbox of the asynchronous mode, for its jobs and dead letters
//		Authorize: isAdmin,           // func(*http.Request) bool; without it, loopback clients only
//	})
//	if err != nil { ... }
//	defer p.Close()
//
//	v, err := verify.NewHMAC(verify.SafetyCulture(os.Getenv("SC_WEBHOOK_SECRET")))
//	if err != nil { ... }
//	rx, err := receiver.New(safetyculture.Provider(), receiver.Config{
//		Verifier: v,
//		Observer: receiver.Observers(p.Observe, metrics.Observe), // the page and anything else
//	})
//	if err != nil { ... }
//
//	mux := http.NewServeMux()
//	mux.Handle("POST /webhooks/safetyculture", p.Middleware(rx))
//	mux.Handle("/deliveries/", p)
//
// The routes, under BasePath:
//
//	GET  ""                    the deliveries, newest first; filters ?provider=, ?class=2xx|3xx|4xx|5xx, ?type=, ?key=
//	GET  "d/{id}"              one delivery: its fields, headers and body
//	GET  "inbox"               with Config.Inbox: counts, and jobs by ?state= and ?provider= (?key= finds one)
//	GET  "inbox/{id}"          one job: its attempts, errors and body
//	POST "inbox/{id}/replay"   run a dead letter again (Inbox.Retry), then back to the inbox view
//	GET  "style.css"           the page's style sheet
//
// A replay is a form POST that carries a token the Page derived from a secret of its own,
// and it is refused when the browser says it came from another site, so another site cannot
// make a visitor's browser replay jobs. Every answer forbids framing, sniffing and referrers, and
// its Content-Security-Policy allows the page's own style sheet and nothing else.
package page

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/inspecthook/inspecthook/receiver"
)

// Defaults and limits of Config.
const (
	DefaultSize          = 500
	MaxSize              = 100_000
	DefaultKeepBodyBytes = 256 << 10
	DefaultMaxBodyMemory = 64 << 20
)

var (
	// ErrConfig is returned by New for a configuration it cannot run.
	ErrConfig = errors.New("page: invalid configuration")

	// ErrJobNotFound is what an Inbox's Job returns, wrapped, for a job it does not hold: the
	// page answers 404.
	ErrJobNotFound = errors.New("page: inbox job not found")
)

// Config configures a Page. Every field is optional; zero fields get the documented defaults.
type Config struct {
	// Size is how many deliveries are kept, the newest: in memory, and in DB when set.
	// Default DefaultSize (500); at most MaxSize (100 000).
	Size int

	// DB, when set, keeps the deliveries in SQLite (modernc.org/sqlite, driver name "sqlite")
	// too, in the table TableName, created when missing: New reads its newest Size rows back,
	// so the page survives a restart. Rows are written in the background, in batches, and the
	// table is trimmed to Size rows. It may be the inbox's own database. One Page writes to
	// the table at a time.
	DB *sql.DB

	// Inbox, when set, adds the inbox view: counts by provider and state, the jobs with their
	// attempts, next retry and last error, and a Replay button on each dead letter. For the
	// inbox of the receiver's asynchronous mode (an *inbox.Inbox ib), set it to
	// pageinbox.New(ib). Without it the page has no inbox view, and a program that does not
	// import pageinbox links no part of River.
	Inbox Inbox

	// Authorize decides who may see the page and replay jobs: it is called for every request
	// to the Page, and a request it returns false for is answered 403. Put your own
	// authentication here (a session, a header set by an authenticating proxy, mutual TLS).
	// When nil, only loopback clients are served: a request whose peer address is not
	// 127.0.0.0/8 or ::1, or that carries a proxy header (Forwarded, X-Forwarded-For,
	// X-Real-IP, ...), is answered 403 with a message saying so.
	Authorize func(r *http.Request) bool

	// BasePath is the path the Page is mounted at, such as "/deliveries/", for its links. The
	// Page serves requests whose path starts with it, and requests with it already stripped
	// (http.StripPrefix). Default: found from each request's path.
	BasePath string

	// Now is the clock of the page's relative times ("in 16s"). Default time.Now.
	Now func() time.Time

	// KeepBodyBytes is how much of one delivery's body the page keeps; a longer body is kept
	// cut, and marked. It refuses nothing: the Receiver's MaxBodyBytes caps what is accepted.
	// Default DefaultKeepBodyBytes (256 KiB).
	KeepBodyBytes int

	// MaxBodyMemory caps the bytes of bodies held in memory: past it, the oldest deliveries'
	// bodies are dropped from memory (and read from DB when it is set). Default
	// DefaultMaxBodyMemory (64 MiB), or KeepBodyBytes when that is more.
	MaxBodyMemory int64

	// RedactHeaders names headers whose values are credentials although their names do not
	// say so, such as a custom API key header "X-Account". Their values are redacted as
	// Authorization's, Cookie's and every header whose name contains signature, token, secret,
	// key, auth, password, credential, cookie, session or jwt (Idempotency-Key excepted).
	RedactHeaders []string

	// Logger receives what goes wrong in the background (writing to DB) and in the inbox view.
	// Default slog.Default().
	Logger *slog.Logger
}

// Page is the HTML page of the most recent deliveries: an http.Handler, a Middleware for
// receivers and an Observer for them. Build it with New. It is safe for concurrent use.
type Page struct {
	cfg     Config
	store   *store
	base    string // Config.BasePath, normalised; "" when found from each request
	secret  []byte // keys the replay form's tokens
	redact  map[string]bool
	log     *slog.Logger
	now     func() time.Time
	tmpl    map[string]*template.Template
	cssETag string
}

//go:embed templates/*.html templates/style.css
var assets embed.FS

// New builds the Page of cfg. With cfg.DB it creates the table when missing and reads the kept
// deliveries back. It returns an error wrapping ErrConfig for a size or limit out of range or a
// BasePath that is not a path.
func New(cfg Config) (*Page, error) {
	switch {
	case cfg.Size < 0 || cfg.Size > MaxSize:
		return nil, fmt.Errorf("%w: Size %d is not between 0 (the default, %d) and %d", ErrConfig, cfg.Size, DefaultSize, MaxSize)
	case cfg.KeepBodyBytes < 0:
		return nil, fmt.Errorf("%w: KeepBodyBytes %d is negative", ErrConfig, cfg.KeepBodyBytes)
	case cfg.MaxBodyMemory < 0:
		return nil, fmt.Errorf("%w: MaxBodyMemory %d is negative", ErrConfig, cfg.MaxBodyMemory)
	case cfg.BasePath != "" && !strings.HasPrefix(cfg.BasePath, "/"):
		return nil, fmt.Errorf("%w: BasePath %q does not start with /", ErrConfig, cfg.BasePath)
	case strings.ContainsAny(cfg.BasePath, "?#{} \t\r\n"):
		return nil, fmt.Errorf("%w: BasePath %q is not a plain path", ErrConfig, cfg.BasePath)
	}
	if cfg.Size == 0 {
		cfg.Size = DefaultSize
	}
	if cfg.KeepBodyBytes == 0 {
		cfg.KeepBodyBytes = DefaultKeepBodyBytes
	}
	if cfg.MaxBodyMemory == 0 {
		cfg.MaxBodyMemory = max(DefaultMaxBodyMemory, int64(cfg.KeepBodyBytes))
	}
	if cfg.MaxBodyMemory < int64(cfg.KeepBodyBytes) {
		return nil, fmt.Errorf("%w: MaxBodyMemory %d is less than KeepBodyBytes %d", ErrConfig, cfg.MaxBodyMemory, cfg.KeepBodyBytes)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	p := &Page{
		cfg:    cfg,
		secret: make([]byte, 32),
		redact: make(map[string]bool),
		log:    cfg.Logger,
		now:    cfg.Now,
	}
	if cfg.BasePath != "" {
		p.base = strings.TrimSuffix(cfg.BasePath, "/") + "/"
	}
	_, _ = rand.Read(p.secret) // never fails (crypto/rand)
	for _, h := range cfg.RedactHeaders {
		p.redact[http.CanonicalHeaderKey(h)] = true
	}
	var err error
	if p.tmpl, err = parseTemplates(); err != nil {
		return nil, err
	}
	css, _ := fs.ReadFile(assets, "templates/style.css")
	sum := sha256.Sum256(css)
	p.cssETag = `"` + hex.EncodeToString(sum[:8]) + `"`

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if p.store, err = newStore(ctx, cfg.Size, cfg.MaxBodyMemory, cfg.DB, cfg.Logger); err != nil {
		return nil, err
	}
	return p, nil
}

// Close writes the deliveries still queued for DB and stops writing; it returns once they are
// written. Later deliveries are kept in memory only. Without DB it does nothing. Call it after
// the server has stopped.
func (p *Page) Close() error {
	p.store.close()
	return nil
}

// capture is what Middleware records of one request, in its context, for Observe.
type capture struct {
	method         string
	path           string
	remote         string
	headers        []header
	headersDropped int
}

// captureKey is the context key of a *capture.
type captureKey struct{}

// Middleware wraps a receiver (or any handler whose Observer is Observe) so that the page shows
// each delivery's method, path, peer address and headers: it records them, redacted at once, in
// the request's context, where Observe finds them. The value of Authorization,
// Proxy-Authorization, Cookie, Set-Cookie, of any header whose name contains signature, token,
// secret, key, auth, password, credential, cookie, session or jwt, and of Config.RedactHeaders
// becomes verify.Redacted. The path shown is the receiver's Outcome.Path, redacted by the
// receiver with its Verifier (every query value, and every path segment that holds a URL token
// or another of its secrets), wherever Middleware is mounted: around a receiver on a ServeMux
// route, in chi's Use or With. For a handler that is no Receiver, Middleware's own redaction is
// shown: every query value redacted, and a path matched by a route pattern with wildcards
// (which may hold a URL token) shown as the pattern.
func (p *Page) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := &capture{method: clip(clean(r.Method), 16), path: redactPath(r), remote: remoteIP(r.RemoteAddr)}
		c.headers, c.headersDropped = redactHeaders(r.Header, p.redact)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), captureKey{}, c)))
	})
}

// Observe is a receiver's Observer (receiver.Config.Observer, alone or in receiver.Observers):
// it keeps the delivery o describes, with what Middleware recorded in ctx, and o.Path (redacted
// by the receiver) in place of the path Middleware recorded when o has one. The body kept is
// Outcome.Envelope.Raw, cut to KeepBodyBytes: none for a request refused before it was
// authenticated (401, 405, 413, 415, 429) or whose body did not decode. The reason shown is
// a few plain words: the kind of an authentication failure, never its detail, events.Message for
// a body that did not decode, the handler's error for one that failed.
func (p *Page) Observe(ctx context.Context, o receiver.Outcome) {
	d := delivery{
		ReceivedAt:      o.ReceivedAt,
		Provider:        clip(clean(o.Provider), maxField),
		Type:            clip(clean(o.Type), maxField),
		EventID:         clip(clean(o.EventID), maxField),
		Version:         clip(clean(o.Version), maxField),
		IdempotencyKey:  clip(clean(o.IdempotencyKey), maxField),
		Status:          o.Status,
		Stage:           o.Stage.String(),
		Duplicate:       o.Duplicate,
		Reason:          reason(o),
		Duration:        o.Duration,
		HandlerDuration: o.HandlerDuration,
		Scheme:          clip(clean(o.Scheme), 64),
	}
	if o.Stage == 0 {
		d.Stage = ""
	}
	for i, t := range o.Types {
		if i == 16 {
			break
		}
		d.Types = append(d.Types, clip(clean(t), maxField))
	}
	if d.ReceivedAt.IsZero() {
		d.ReceivedAt = p.now()
	}
	if c, ok := ctx.Value(captureKey{}).(*capture); ok && c != nil {
		d.Captured = true
		d.Method, d.Path, d.RemoteAddr = c.method, c.path, c.remote
		d.Headers, d.HeadersDropped = c.headers, c.headersDropped
	}
	if o.Path != "" {
		// Redacted by the receiver, which knows its Verifier and sees the path values of the
		// route, wherever Middleware is mounted.
		d.Path = clip(clean(o.Path), maxField)
	}
	switch {
	case refusedBeforeAuth(o):
		d.BodyNote = "not kept: the request was refused before it was authenticated"
	case o.Envelope == nil || o.Envelope.Raw == nil:
		if o.Duplicate {
			d.BodyNote = "not kept: a duplicate answered before decoding, by the key in its header"
		} else {
			d.BodyNote = "not kept: the body did not decode"
		}
	default:
		raw := o.Envelope.Raw
		d.BodyKept, d.BodySize = true, len(raw)
		d.Body = bytes.Clone(raw[:min(len(raw), p.cfg.KeepBodyBytes)])
		if d.Body == nil {
			d.Body = []byte{}
		}
	}
	p.store.add(d)
}

// ServeHTTP serves the page's routes (see the package documentation) to the clients
// Config.Authorize accepts, or to loopback clients when it is nil; others get 403.
func (p *Page) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Cache-Control", "no-store")
	if msg, ok := p.allowed(r); !ok {
		http.Error(w, msg, http.StatusForbidden)
		return
	}
	base, rel, ok := p.route(r)
	v := view{Base: base, HasInbox: p.cfg.Inbox != nil, Now: p.now()}
	if !ok {
		p.fail(w, r, v, http.StatusNotFound, "Not found", "There is no such page here.")
		return
	}
	parts := strings.Split(rel, "/")
	switch {
	case rel == "style.css":
		if p.methods(w, r, v, http.MethodGet, http.MethodHead) {
			p.css(w, r)
		}
	case rel == "":
		if p.methods(w, r, v, http.MethodGet, http.MethodHead) {
			p.list(w, r, v)
		}
	case len(parts) == 2 && parts[0] == "d":
		if p.methods(w, r, v, http.MethodGet, http.MethodHead) {
			p.detail(w, r, v, parts[1])
		}
	case parts[0] == "inbox" && p.cfg.Inbox == nil:
		p.fail(w, r, v, http.StatusNotFound, "No inbox", "This page has no inbox: set page.Config.Inbox to see the jobs of the asynchronous mode.")
	case rel == "inbox":
		if p.methods(w, r, v, http.MethodGet, http.MethodHead) {
			p.inbox(w, r, v)
		}
	case len(parts) == 2 && parts[0] == "inbox":
		if p.methods(w, r, v, http.MethodGet, http.MethodHead) {
			p.job(w, r, v, parts[1])
		}
	case len(parts) == 3 && parts[0] == "inbox" && parts[2] == "replay":
		if p.methods(w, r, v, http.MethodPost) {
			p.replay(w, r, v, parts[1])
		}
	default:
		p.fail(w, r, v, http.StatusNotFound, "Not found", "There is no such page here.")
	}
}

// allowed decides whether r may be served, and says why not.
func (p *Page) allowed(r *http.Request) (string, bool) {
	if p.cfg.Authorize != nil {
		if p.cfg.Authorize(r) {
			return "", true
		}
		return "403 Forbidden: you are not authorised to see the webhook deliveries page.", false
	}
	if !isLoopback(r.RemoteAddr) {
		return "403 Forbidden: the webhook deliveries page serves loopback clients only (127.0.0.1, ::1), and this request came from " +
			remoteIP(r.RemoteAddr) + ". To serve it to others, mount it behind your own authentication and set page.Config.Authorize.", false
	}
	if h := proxiedBy(r); h != "" {
		return "403 Forbidden: the webhook deliveries page serves loopback clients only, and this request came through a proxy (it has a " +
			h + " header). To serve it through a proxy, set page.Config.Authorize.", false
	}
	return "", true
}

// route returns the path the page is mounted at, ending in "/", and the route under it; ok is
// false for a path that is no route.
func (p *Page) route(r *http.Request) (base, rel string, ok bool) {
	path := r.URL.Path
	if p.base != "" {
		switch {
		case strings.HasPrefix(path, p.base):
			rel = path[len(p.base):]
		case path+"/" == p.base:
			rel = ""
		default: // mounted behind http.StripPrefix
			rel = strings.TrimPrefix(path, "/")
		}
		tail, known := routeTail("/" + rel)
		return p.base, rel, known && tail == rel
	}
	rel, ok = routeTail(path)
	if !ok {
		return "/", "", false
	}
	orig := path
	if u, err := url.ParseRequestURI(r.RequestURI); err == nil && u.Path != "" && strings.HasSuffix(u.Path, rel) {
		orig = u.Path // the path before http.StripPrefix, when it was used
	}
	base = strings.TrimSuffix(orig, rel)
	base = "/" + strings.Trim(base, "/") + "/"
	if base == "//" {
		base = "/"
	}
	return base, rel, true
}

// routeTail finds the page's route at the end of path: "", "style.css", "d/{id}", "inbox",
// "inbox/{id}" or "inbox/{id}/replay".
func routeTail(path string) (string, bool) {
	segs := strings.Split(path, "/")
	n := len(segs)
	last := segs[n-1]
	switch {
	case n >= 4 && segs[n-3] == "inbox" && isID(segs[n-2]) && last == "replay":
		return "inbox/" + segs[n-2] + "/replay", true
	case n >= 3 && segs[n-2] == "d" && isID(last):
		return "d/" + last, true
	case n >= 3 && segs[n-2] == "inbox" && isID(last):
		return "inbox/" + last, true
	case last == "inbox", last == "style.css", last == "":
		return last, true
	}
	return "", false
}

// isID reports whether s is a positive decimal id.
func isID(s string) bool {
	id, err := strconv.ParseInt(s, 10, 64)
	return err == nil && id > 0 && strconv.FormatInt(id, 10) == s
}

// methods answers 405 unless r's method is one of allowed.
func (p *Page) methods(w http.ResponseWriter, r *http.Request, v view, allowed ...string) bool {
	if slices.Contains(allowed, r.Method) {
		return true
	}
	w.Header().Set("Allow", strings.Join(allowed, ", "))
	p.fail(w, r, v, http.StatusMethodNotAllowed, "Method not allowed", r.Method+" is not allowed here: use "+strings.Join(allowed, " or ")+".")
	return false
}

// css serves the style sheet.
func (p *Page) css(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "text/css; charset=utf-8")
	h.Set("Cache-Control", "private, max-age=3600")
	h.Set("ETag", p.cssETag)
	if r.Header.Get("If-None-Match") == p.cssETag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	css, _ := fs.ReadFile(assets, "templates/style.css")
	if r.Method != http.MethodHead {
		_, _ = w.Write(css)
	}
}

// view is what every template is given.
type view struct {
	Title    string
	Base     string
	HasInbox bool
	Nav      string // "deliveries" or "inbox"
	Now      time.Time
}

// listView is the data of the list.
type listView struct {
	view
	Filter    filter
	Providers []string
	Classes   []string
	Rows      []rowView
	Matched   int
	Held      int
	Size      int
	Counts    []classCount
	Filtered  bool
	OlderURL  string
	NewestURL string
	ClearURL  string
}

// classCount is how many of the matched deliveries have a status of one class.
type classCount struct {
	Class string
	N     int
}

// rowView is one delivery of the list.
type rowView struct {
	delivery
	URL    string
	KeyURL string // the deliveries with its idempotency key, when it has one and no event id
}

// listLimit is how many deliveries the list shows at once.
const listLimit = 100

// list serves the deliveries, newest first, filtered by the query.
func (p *Page) list(w http.ResponseWriter, r *http.Request, v view) {
	q := r.URL.Query()
	f := filter{
		Provider: clip(q.Get("provider"), maxField),
		Class:    q.Get("class"),
		Type:     clip(strings.TrimSpace(q.Get("type")), maxField),
		Key:      clip(q.Get("key"), maxField),
		Limit:    listLimit,
	}
	if statusClass(100*atoiPrefix(f.Class)) != f.Class {
		f.Class = ""
	}
	f.Before, _ = strconv.ParseInt(q.Get("before"), 10, 64)
	l := p.store.list(f)
	held, providers := p.store.counts()
	if f.Provider != "" && !slices.Contains(providers, f.Provider) {
		providers = append(providers, f.Provider)
	}
	v.Title, v.Nav = "Deliveries", "deliveries"
	lv := listView{
		view:      v,
		Filter:    f,
		Providers: providers,
		Classes:   []string{"2xx", "3xx", "4xx", "5xx"},
		Matched:   l.Matched,
		Held:      held,
		Size:      p.cfg.Size,
		Filtered:  f.Provider != "" || f.Class != "" || f.Type != "" || f.Key != "",
		ClearURL:  v.Base,
	}
	for _, c := range lv.Classes {
		if n := l.Classes[c]; n > 0 {
			lv.Counts = append(lv.Counts, classCount{c, n})
		}
	}
	for _, d := range l.Rows {
		rv := rowView{delivery: d, URL: v.Base + "d/" + strconv.FormatInt(d.ID, 10)}
		if d.EventID == "" && d.IdempotencyKey != "" {
			rv.KeyURL = v.Base + "?" + filter{Provider: d.Provider, Key: d.IdempotencyKey}.query(0)
		}
		lv.Rows = append(lv.Rows, rv)
	}
	if l.More && len(l.Rows) > 0 {
		lv.OlderURL = v.Base + "?" + f.query(l.Rows[len(l.Rows)-1].ID)
	}
	if f.Before > 0 {
		lv.NewestURL = v.Base + "?" + f.query(0)
	}
	p.render(w, r, http.StatusOK, "list", lv)
}

// query is f as a query string, with before when it is not 0.
func (f filter) query(before int64) string {
	q := url.Values{}
	for k, v := range map[string]string{"provider": f.Provider, "class": f.Class, "type": f.Type, "key": f.Key} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if before > 0 {
		q.Set("before", strconv.FormatInt(before, 10))
	}
	return q.Encode()
}

// atoiPrefix is the number s starts with, 0 for none.
func atoiPrefix(s string) int {
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			break
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// detailView is the data of one delivery's page.
type detailView struct {
	view
	D            delivery
	Body         string
	Pretty       bool
	Cut          int // bytes of the body not kept
	KeyURL       string
	InboxURL     string
	ProviderURL  string
	TypeURL      string
	TypesJoined  string
	HasHeaders   bool
	ShowBody     bool
	ReceivedNote string
}

// detail serves one delivery.
func (p *Page) detail(w http.ResponseWriter, r *http.Request, v view, idText string) {
	id, _ := strconv.ParseInt(idText, 10, 64)
	d, ok, err := p.store.get(r.Context(), id)
	if err != nil {
		p.log.WarnContext(r.Context(), "page: reading a delivery", "id", id, "error", err)
	}
	if !ok {
		p.fail(w, r, v, http.StatusNotFound, "Delivery not kept", "Delivery "+idText+" is not kept (any longer): the page keeps the newest "+strconv.Itoa(p.cfg.Size)+".")
		return
	}
	v.Title, v.Nav = "Delivery "+idText, "deliveries"
	dv := detailView{view: v, D: d, HasHeaders: len(d.Headers) > 0, TypesJoined: strings.Join(d.Types, ", ")}
	if d.BodyKept && d.Body != nil {
		dv.ShowBody = true
		dv.Cut = d.BodySize - len(d.Body)
		dv.Body, dv.Pretty = prettyBody(d.Body, dv.Cut > 0)
	}
	if d.Provider != "" {
		dv.ProviderURL = v.Base + "?" + filter{Provider: d.Provider}.query(0)
	}
	if d.Type != "" {
		dv.TypeURL = v.Base + "?" + filter{Type: d.Type}.query(0)
	}
	if d.IdempotencyKey != "" {
		dv.KeyURL = v.Base + "?" + filter{Key: d.IdempotencyKey}.query(0)
		if p.cfg.Inbox != nil {
			dv.InboxURL = v.Base + "inbox?" + url.Values{"key": {d.IdempotencyKey}, "provider": {d.Provider}}.Encode()
		}
	}
	p.render(w, r, http.StatusOK, "detail", dv)
}

// prettyBody returns body indented as JSON when it is JSON (and was not cut), else as text.
func prettyBody(body []byte, cut bool) (string, bool) {
	if !cut {
		var buf bytes.Buffer
		if err := json.Indent(&buf, body, "", "  "); err == nil {
			return strings.ToValidUTF8(buf.String(), "\uFFFD"), true
		}
	}
	return strings.ToValidUTF8(string(body), "\uFFFD"), false
}

// errorView is the data of an error page.
type errorView struct {
	view
	Status  int
	Heading string
	Message string
}

// fail answers status with a page that says msg.
func (p *Page) fail(w http.ResponseWriter, r *http.Request, v view, status int, heading, msg string) {
	v.Title = heading
	p.render(w, r, status, "error", errorView{view: v, Status: status, Heading: heading, Message: msg})
}

// render executes the template name with data and writes it with status.
func (p *Page) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	var buf bytes.Buffer
	if err := p.tmpl[name].ExecuteTemplate(&buf, "layout", data); err != nil {
		p.log.ErrorContext(r.Context(), "page: rendering", "template", name, "error", err)
		http.Error(w, "500 Internal Server Error: the page could not be rendered.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(buf.Bytes())
	}
}

// parseTemplates parses each page's template with the layout.
func parseTemplates() (map[string]*template.Template, error) {
	funcs := template.FuncMap{
		"stamp":    func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05.000") },
		"rfc3339":  func(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) },
		"duration": humanDuration,
		"class":    statusClass,
		"since":    since,
		"until":    until,
		"plural": func(n int, one, many string) string {
			if n == 1 {
				return "1 " + one
			}
			return strconv.Itoa(n) + " " + many
		},
	}
	layout, err := template.New("layout").Funcs(funcs).ParseFS(assets, "templates/layout.html")
	if err != nil {
		return nil, fmt.Errorf("page: templates: %w", err)
	}
	out := make(map[string]*template.Template)
	for _, name := range []string{"list", "detail", "inbox", "job", "error"} {
		t, err := template.Must(layout.Clone()).ParseFS(assets, "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("page: templates: %w", err)
		}
		out[name] = t
	}
	return out, nil
}

// humanDuration shows d in the unit that suits it.
func humanDuration(d time.Duration) string {
	switch {
	case d <= 0:
		return "0"
	case d < time.Millisecond:
		return strconv.FormatInt(d.Microseconds(), 10) + " µs"
	case d < time.Second:
		return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 1, 64) + " ms"
	case d < time.Minute:
		return strconv.FormatFloat(d.Seconds(), 'f', 2, 64) + " s"
	}
	return d.Round(time.Second).String()
}

// since says how long before now t was, such as "16s ago".
func since(now, t time.Time) string {
	d := now.Sub(t)
	if d < 0 {
		return "just now"
	}
	return roughly(d) + " ago"
}

// until says how long after now t is, such as "in 16s", or "due now".
func until(now, t time.Time) string {
	d := t.Sub(now)
	if d <= 0 {
		return "due now"
	}
	return "in " + roughly(d)
}

// roughly shows d to the second, or coarser when it is long.
func roughly(d time.Duration) string {
	switch {
	case d < time.Second:
		return "<1s"
	case d < time.Hour:
		return d.Round(time.Second).String()
	case d < 48*time.Hour:
		return d.Round(time.Minute).String()
	}
	return strconv.Itoa(int(d.Hours()/24)) + "d"
}
