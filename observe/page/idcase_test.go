package page_test

import (
	"bytes"
	"context"
	"database/sql"
	"html"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/inspecthook/inspecthook/events/safetyculture"
	"github.com/inspecthook/inspecthook/observe/page"
	"github.com/inspecthook/inspecthook/receiver"
)

// Ids of an older SafetyCulture audit are upper-case hex; the same text in lower case is another
// audit.
const (
	idcaseUpper = "audit_50BA6B1C3E2D4F5A8B9C0D1E2F3A4B5C"
	idcaseLower = "audit_50ba6b1c3e2d4f5a8b9c0d1e2f3a4b5c"
)

// idcaseDB opens a SQLite file for the page's table.
func idcaseDB(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "page.db")+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// TestPageKeepsIDCase sends the audit with the upper-case id, and the same audit spelt in lower
// case, through a receiver the page observes: the page lists two deliveries, each with the key
// the SDK derives from the id as sent, finds each by its exact key only, and shows each body
// with its id as sent; the same holds for an event id and a key of mixed case.
func TestPageKeepsIDCase(t *testing.T) {
	upper := scBody(t, "variant_legacy_upper_case_ids.json")
	lower := bytes.ReplaceAll(upper, []byte(idcaseUpper), []byte(idcaseLower))
	keys := make([]string, 2)
	for i, b := range [][]byte{upper, lower} {
		env, err := safetyculture.Provider().Decode(b)
		if err != nil {
			t.Fatal(err)
		}
		keys[i] = env.IdempotencyKey
	}
	if keys[0] == keys[1] {
		t.Fatal("the SDK gives the upper- and lower-case ids one key")
	}

	check := func(t *testing.T, e *env) {
		t.Helper()
		got := rows(e.page(t, base))
		if len(got) != 3 {
			t.Fatalf("%d rows, want 3", len(got))
		}
		// Newest first: the synthetic outcome, the lower-case audit, the upper-case one.
		for i, want := range []string{"evt_50BA6b1C", "key: " + keys[1], "key: " + keys[0]} {
			if cell := got[i].cells[colEventID]; cell != want {
				t.Errorf("row %d: the id cell is %q, want %q", i, cell, want)
			}
		}

		filters := []struct {
			key  string
			want int
		}{
			{keys[0], 1},
			{keys[1], 1},
			{strings.ToUpper(keys[0]), 0},
			{"acme:Key-50BA6b1C", 1},
			{"acme:key-50ba6b1c", 0},
			{"acme:KEY-50BA6B1C", 0},
		}
		for _, f := range filters {
			if n := len(rows(e.page(t, base+"?key="+url.QueryEscape(f.key)))); n != f.want {
				t.Errorf("the key %q lists %d deliveries, want %d", f.key, n, f.want)
			}
		}

		for id, want := range map[string]string{"1": idcaseUpper, "2": idcaseLower} {
			d := html.UnescapeString(e.page(t, base+"d/"+id))
			if !strings.Contains(d, `"audit_id": "`+want+`"`) {
				t.Errorf("delivery %s does not show the audit id %s as sent", id, want)
			}
			other := idcaseLower
			if want == idcaseLower {
				other = idcaseUpper
			}
			if strings.Contains(d, other) {
				t.Errorf("delivery %s shows %s", id, other)
			}
		}
		if d := html.UnescapeString(e.page(t, base+"d/3")); !strings.Contains(d, "evt_50BA6b1C") || !strings.Contains(d, "acme:Key-50BA6b1C") {
			t.Errorf("the detail of the synthetic delivery does not show its id and key as sent:\n%s", d)
		}
	}

	tests := []struct {
		name string
		db   bool // keep the deliveries in SQLite too, and check them again after a restart
	}{
		{"in memory", false},
		{"in SQLite", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var cfg page.Config
			if tt.db {
				cfg.DB = idcaseDB(t)
			}
			e := newEnv(t, cfg, nil)
			e.send(t, scPath, upper, e.sc, http.StatusOK)
			e.send(t, scPath, lower, e.sc, http.StatusOK)
			e.p.Observe(context.Background(), receiver.Outcome{
				Delivery: receiver.Delivery{Provider: "acme", Type: "t", EventID: "evt_50BA6b1C", IdempotencyKey: "acme:Key-50BA6b1C",
					ReceivedAt: time.Now()},
				Status: http.StatusOK, Stage: receiver.StageComplete,
			})
			check(t, e)
			if !tt.db {
				return
			}
			if err := e.p.Close(); err != nil {
				t.Fatal(err)
			}
			check(t, newEnv(t, cfg, nil))
		})
	}
}
