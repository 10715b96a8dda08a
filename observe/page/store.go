package page

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"time"
)

// TableName is the SQLite table of Config.DB: created when missing, one row per delivery, trimmed
// to Config.Size rows. One Page (one process) writes to it at a time.
const TableName = "inspecthook_page_deliveries"

// Bounds of the asynchronous writes to Config.DB.
const (
	writeQueue   = 1024             // deliveries waiting to be written; more are kept in memory only
	writeBatch   = 128              // deliveries written in one transaction
	writeTimeout = 10 * time.Second // of one batch
)

// delivery is one row of the page: what became of one request, as kept in memory and, as JSON,
// in Config.DB.
type delivery struct {
	ID              int64         `json:"id"`
	ReceivedAt      time.Time     `json:"received_at"`
	Provider        string        `json:"provider"`
	Type            string        `json:"type,omitempty"`
	Types           []string      `json:"types,omitempty"`
	EventID         string        `json:"event_id,omitempty"`
	Version         string        `json:"version,omitempty"`
	IdempotencyKey  string        `json:"idempotency_key,omitempty"`
	Inferred        bool          `json:"inferred,omitempty"` // type and event id taken from an earlier delivery with the key
	Status          int           `json:"status"`
	Stage           string        `json:"stage"`
	Duplicate       bool          `json:"duplicate,omitempty"`
	Reason          string        `json:"reason,omitempty"`
	Duration        time.Duration `json:"duration_ns"`
	HandlerDuration time.Duration `json:"handler_ns,omitempty"`
	Scheme          string        `json:"scheme,omitempty"`
	Captured        bool          `json:"captured,omitempty"` // the request went through Page.Middleware
	Method          string        `json:"method,omitempty"`
	Path            string        `json:"path,omitempty"`
	RemoteAddr      string        `json:"remote_addr,omitempty"`
	Headers         []header      `json:"headers,omitempty"`
	HeadersDropped  int           `json:"headers_dropped,omitempty"`

	// BodyKept says a body was kept: Body in memory, or in the table when bodyInDB.
	BodyKept bool `json:"body_kept,omitempty"`
	// BodySize is the length of the body as received, when kept; Body holds at most
	// Config.KeepBodyBytes of it.
	BodySize int `json:"body_size,omitempty"`
	// BodyNote says why no body was kept.
	BodyNote string `json:"body_note,omitempty"`

	Body     []byte `json:"-"`
	bodyInDB bool   // Body is not in memory: read it from the table
}

// filter selects deliveries for the list.
type filter struct {
	Provider string // exact
	Class    string // "2xx", "3xx", "4xx" or "5xx"
	Type     string // a case-insensitive part of the type or one of the types
	Key      string // exact idempotency key
	Before   int64  // only ids below it; 0 for none
	Limit    int
}

// match reports whether d passes f (Before and Limit aside).
func (f filter) match(d *delivery) bool {
	if f.Provider != "" && d.Provider != f.Provider {
		return false
	}
	if f.Class != "" && statusClass(d.Status) != f.Class {
		return false
	}
	if f.Key != "" && d.IdempotencyKey != f.Key {
		return false
	}
	if f.Type != "" {
		want := strings.ToLower(f.Type)
		found := strings.Contains(strings.ToLower(d.Type), want)
		for _, t := range d.Types {
			found = found || strings.Contains(strings.ToLower(t), want)
		}
		if !found {
			return false
		}
	}
	return true
}

// statusClass is "2xx" for 200..299 and so on.
func statusClass(status int) string {
	if status < 100 || status > 599 {
		return ""
	}
	return fmt.Sprintf("%dxx", status/100)
}

// listing is one page of the list.
type listing struct {
	Rows    []delivery // newest first, bodies left out
	Matched int        // deliveries that pass the filter, on every page
	Classes map[string]int
	More    bool // older matching deliveries exist past Rows
}

// store holds the most recent deliveries: a ring in memory, newest last, and optionally a table
// in SQLite written in the background.
type store struct {
	mu        sync.RWMutex
	size      int
	ring      []delivery // grows to size, then circular from start
	start     int        // index of the oldest delivery once the ring is full
	nextID    int64
	bodyMem   int64            // bytes of the bodies held in memory
	bodyMax   int64            // at most this many
	bodyFloor int64            // deliveries below this id hold no body in memory
	byKey     map[string]int64 // provider+key: the newest delivery with that key and a type
	providers map[string]int   // deliveries held, by provider

	db      *sql.DB
	log     *slog.Logger
	queue   chan delivery
	closed  bool
	dropped int64 // deliveries not written to the table because the queue was full
	done    chan struct{}
}

// newStore builds the store and, with db, creates the table when missing and loads its newest
// size rows.
func newStore(ctx context.Context, size int, bodyMax int64, db *sql.DB, log *slog.Logger) (*store, error) {
	s := &store{
		size:      size,
		nextID:    1,
		bodyMax:   bodyMax,
		byKey:     make(map[string]int64),
		providers: make(map[string]int),
		db:        db,
		log:       log,
	}
	if db == nil {
		return s, nil
	}
	if err := s.load(ctx); err != nil {
		return nil, err
	}
	s.queue = make(chan delivery, writeQueue)
	s.done = make(chan struct{})
	go s.write()
	return s, nil
}

// load creates the table when missing and reads its newest size rows into the ring; their bodies
// stay in the table.
func (s *store) load(ctx context.Context) error {
	_, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS `+TableName+` (
	id          INTEGER PRIMARY KEY,
	received_at INTEGER NOT NULL,
	record      TEXT    NOT NULL,
	body        BLOB
)`)
	if err != nil {
		return fmt.Errorf("page: creating table %s: %w", TableName, err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, record FROM `+TableName+` ORDER BY id DESC LIMIT ?`, s.size)
	if err != nil {
		return fmt.Errorf("page: reading table %s: %w", TableName, err)
	}
	defer rows.Close()
	var loaded []delivery
	for rows.Next() {
		var (
			id     int64
			record []byte
		)
		if err := rows.Scan(&id, &record); err != nil {
			return fmt.Errorf("page: reading table %s: %w", TableName, err)
		}
		var d delivery
		if err := json.Unmarshal(record, &d); err != nil {
			s.log.Warn("page: skipping a delivery that does not decode", "table", TableName, "id", id, "error", err)
			continue
		}
		d.ID = id
		d.bodyInDB = d.BodyKept
		loaded = append(loaded, d)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("page: reading table %s: %w", TableName, err)
	}
	var maxID sql.NullInt64
	if err := s.db.QueryRowContext(ctx, `SELECT MAX(id) FROM `+TableName).Scan(&maxID); err != nil {
		return fmt.Errorf("page: reading table %s: %w", TableName, err)
	}
	for i := len(loaded) - 1; i >= 0; i-- {
		s.insert(loaded[i])
	}
	if maxID.Valid && maxID.Int64 >= s.nextID {
		s.nextID = maxID.Int64 + 1
	}
	return nil
}

// add gives d the next id, keeps it, queues it for the table, and returns the id.
func (s *store) add(d delivery) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	d.ID = s.nextID
	s.nextID++
	if d.Duplicate && d.Type == "" && d.IdempotencyKey != "" {
		// A duplicate answered before decoding, by the key in its header, carries only that
		// key; it is a delivery of the event kept under the key, whose type and id it takes.
		if i, ok := s.index(s.byKey[d.Provider+"\x00"+d.IdempotencyKey]); ok {
			prev := s.at(i)
			d.Type, d.Types, d.EventID, d.Version, d.Inferred = prev.Type, prev.Types, prev.EventID, prev.Version, true
		}
	}
	s.insert(d)
	if s.queue != nil && !s.closed {
		select {
		case s.queue <- d:
		default:
			s.dropped++
			if s.dropped == 1 || s.dropped%1000 == 0 {
				s.log.Warn("page: the table cannot keep up; deliveries are kept in memory only", "table", TableName, "dropped", s.dropped)
			}
		}
	}
	return d.ID
}

// insert puts d in the ring, newest, evicting the oldest when the ring is full, and then drops
// the bodies of the oldest deliveries until those held fit bodyMax. s.mu is held.
func (s *store) insert(d delivery) {
	if len(s.ring) < s.size {
		s.ring = append(s.ring, d)
	} else {
		s.evict(&s.ring[s.start])
		s.ring[s.start] = d
		s.start = (s.start + 1) % s.size
	}
	s.bodyMem += int64(len(d.Body))
	s.providers[d.Provider]++
	if d.Type != "" && d.IdempotencyKey != "" {
		s.byKey[d.Provider+"\x00"+d.IdempotencyKey] = d.ID
	}
	for s.bodyMem > s.bodyMax {
		i, ok := s.firstFrom(s.bodyFloor)
		if !ok {
			break
		}
		for ; i < len(s.ring); i++ {
			if e := s.at(i); len(e.Body) > 0 {
				s.bodyMem -= int64(len(e.Body))
				e.Body = nil
				e.bodyInDB = s.db != nil
				if s.db == nil {
					e.BodyNote = "no longer held: newer bodies took the memory (Config.MaxBodyMemory)"
					e.BodyKept = false
				}
				s.bodyFloor = e.ID + 1
				break
			}
		}
		if i == len(s.ring) {
			break
		}
	}
}

// evict forgets e, the oldest delivery, before its slot is reused. s.mu is held.
func (s *store) evict(e *delivery) {
	s.bodyMem -= int64(len(e.Body))
	if s.providers[e.Provider]--; s.providers[e.Provider] <= 0 {
		delete(s.providers, e.Provider)
	}
	k := e.Provider + "\x00" + e.IdempotencyKey
	if s.byKey[k] == e.ID {
		delete(s.byKey, k)
	}
}

// at returns the delivery at logical position i, 0 the oldest. s.mu is held.
func (s *store) at(i int) *delivery {
	return &s.ring[(s.start+i)%len(s.ring)]
}

// firstFrom returns the logical position of the oldest delivery whose id is at least id.
func (s *store) firstFrom(id int64) (int, bool) {
	i := sort.Search(len(s.ring), func(i int) bool { return s.at(i).ID >= id })
	return i, i < len(s.ring)
}

// index returns the logical position of delivery id.
func (s *store) index(id int64) (int, bool) {
	if id <= 0 {
		return 0, false
	}
	i, ok := s.firstFrom(id)
	return i, ok && s.at(i).ID == id
}

// get returns delivery id, its body read from the table when it is not in memory.
func (s *store) get(ctx context.Context, id int64) (delivery, bool, error) {
	s.mu.RLock()
	i, ok := s.index(id)
	var d delivery
	if ok {
		d = *s.at(i)
	}
	s.mu.RUnlock()
	if !ok {
		return delivery{}, false, nil
	}
	if d.bodyInDB && s.db != nil {
		err := s.db.QueryRowContext(ctx, `SELECT body FROM `+TableName+` WHERE id = ?`, id).Scan(&d.Body)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return d, true, fmt.Errorf("page: reading the body of delivery %d: %w", id, err)
		}
		if errors.Is(err, sql.ErrNoRows) {
			d.BodyNote = "not written to the table yet"
		}
	}
	return d, true, nil
}

// list returns the deliveries that pass f, newest first.
func (s *store) list(f filter) listing {
	s.mu.RLock()
	defer s.mu.RUnlock()
	l := listing{Classes: make(map[string]int)}
	for i := len(s.ring) - 1; i >= 0; i-- {
		d := s.at(i)
		if !f.match(d) {
			continue
		}
		l.Matched++
		l.Classes[statusClass(d.Status)]++
		if f.Before > 0 && d.ID >= f.Before {
			continue
		}
		if len(l.Rows) == f.Limit {
			l.More = true
			continue
		}
		row := *d
		row.Body, row.Headers = nil, nil
		l.Rows = append(l.Rows, row)
	}
	return l
}

// counts returns how many deliveries are held in all, and the providers among them, sorted.
func (s *store) counts() (int, []string) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	names := make([]string, 0, len(s.providers))
	for p := range s.providers {
		names = append(names, p)
	}
	sort.Strings(names)
	return len(s.ring), names
}

// write is the goroutine that writes queued deliveries to the table in batches, trimming it to
// size rows, until the queue is closed.
func (s *store) write() {
	defer close(s.done)
	batch := make([]delivery, 0, writeBatch)
	for d := range s.queue {
		batch = append(batch[:0], d)
	more:
		for len(batch) < writeBatch {
			select {
			case d, ok := <-s.queue:
				if !ok {
					break more
				}
				batch = append(batch, d)
			default:
				break more
			}
		}
		if err := s.writeBatch(batch); err != nil {
			s.log.Warn("page: writing deliveries to the table failed; they are kept in memory only", "table", TableName, "deliveries", len(batch), "error", err)
		}
		clear(batch) // drop the bodies
	}
}

// writeBatch inserts batch in one transaction and deletes the rows older than the newest size.
func (s *store) writeBatch(batch []delivery) error {
	ctx, cancel := context.WithTimeout(context.Background(), writeTimeout)
	defer cancel()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	stmt, err := tx.PrepareContext(ctx, `INSERT OR REPLACE INTO `+TableName+` (id, received_at, record, body) VALUES (?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	var last int64
	for _, d := range batch {
		record, err := json.Marshal(&d)
		if err != nil {
			return err
		}
		var body any
		if d.BodyKept {
			body = d.Body
			if d.Body == nil {
				body = []byte{}
			}
		}
		if _, err := stmt.ExecContext(ctx, d.ID, d.ReceivedAt.UnixNano(), record, body); err != nil {
			return err
		}
		last = max(last, d.ID)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM `+TableName+` WHERE id <= ?`, last-int64(s.size)); err != nil {
		return err
	}
	return tx.Commit()
}

// close stops the writer after it has written what is queued.
func (s *store) close() {
	s.mu.Lock()
	if s.queue == nil || s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	close(s.queue)
	s.mu.Unlock()
	<-s.done
}
