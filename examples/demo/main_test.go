package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook"
	"github.com/inspecthook/inspecthook/webhooktest"
)

var (
	// fixtureLineRE matches a per-fixture line of -v: provider, file, kind, status, answer.
	fixtureLineRE = regexp.MustCompile(`^  (\S+)\s+(\S+\.json)\s+(event|variant|unknown|bad)\s+-> (\d{3}) (.*)$`)

	// burstLineRE matches a delivery of the burst: number, date_triggered, status, answer, and
	// which handler was called.
	burstLineRE = regexp.MustCompile(`^     #(\d+)\s+date_triggered=(\S+)\s+-> (\d{3}) (.*?)\s{2,}(\S.*)$`)

	// tableRowRE matches a row of the table.
	tableRowRE = regexp.MustCompile(`^(\S+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)$`)
)

// output is one run of the demo, its lines and the parts the tests read.
type output struct {
	lines []string
	err   error
}

// runDemo runs the demo with args and returns its output.
func runDemo(t *testing.T, args ...string) output {
	t.Helper()
	// The deadline is a watchdog: the demo finishes in well under a second.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var stdout, stderr bytes.Buffer
	err := run(ctx, args, &stdout, &stderr)
	assert.Empty(t, stderr.String())
	return output{lines: strings.Split(strings.TrimRight(stdout.String(), "\n"), "\n"), err: err}
}

// index returns the number of the first line with prefix, failing the test when there is none.
func (o output) index(t *testing.T, prefix string) int {
	t.Helper()
	i := slices.IndexFunc(o.lines, func(l string) bool { return strings.HasPrefix(l, prefix) })
	require.GreaterOrEqual(t, i, 0, "no line starting with %q", prefix)
	return i
}

// step returns the numbers of the POST line and of the answer line of the story's step that
// starts with prefix; the handler calls are the lines between.
func (o output) step(t *testing.T, prefix string) (post, answer int) {
	t.Helper()
	start := o.index(t, prefix)
	post, answer = -1, -1
	for i := start + 1; i < len(o.lines) && o.lines[i] != ""; i++ {
		switch {
		case post < 0 && strings.HasPrefix(o.lines[i], "     POST "):
			post = i
		case answer < 0 && strings.HasPrefix(o.lines[i], "     -> "):
			answer = i
		}
	}
	require.True(t, post > start && answer > post, "step %q: POST line %d, answer line %d", prefix, post, answer)
	return post, answer
}

// table returns the rows of the table by provider name, "total" included.
func (o output) table(t *testing.T) map[string]row {
	t.Helper()
	rows := map[string]row{}
	for _, l := range o.lines[o.index(t, tableHeader)+1:] {
		m := tableRowRE.FindStringSubmatch(l)
		if m == nil {
			break
		}
		n := make([]int, 7)
		for i := range n {
			n[i], _ = strconv.Atoi(m[i+2])
		}
		rows[m[1]] = row{sent: n[0], handled: n[1], duplicates: n[2], badRequest: n[3], invalid: n[4], other: n[5], unexpected: n[6]}
	}
	return rows
}

// fixtureLine is a per-fixture line of -v.
type fixtureLine struct {
	index    int
	provider string
	file     string
	status   int
	answer   string
}

func (o output) fixtureLines() []fixtureLine {
	var found []fixtureLine
	for i, l := range o.lines {
		if m := fixtureLineRE.FindStringSubmatch(l); m != nil {
			status, _ := strconv.Atoi(m[4])
			found = append(found, fixtureLine{index: i, provider: m[1], file: m[2], status: status, answer: m[5]})
		}
	}
	return found
}

func TestDemo(t *testing.T) {
	quiet := runDemo(t)
	verbose := runDemo(t, "-v")

	for _, tc := range []struct {
		name string
		out  output
	}{
		{"default", quiet},
		{"-v", verbose},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := tc.out
			require.NoError(t, out.err)
			assert.Equal(t, 0, exitCode(out.err), "every answer was the one expected")
			assert.Equal(t, "every answer was the one expected: exit status 0", out.lines[len(out.lines)-1])

			t.Run("loopback only", func(t *testing.T) {
				assert.Regexp(t, `^inspecthook demo: .* on http://127\.0\.0\.1:\d+ \(loopback only\)$`, out.lines[0])
			})

			t.Run("the page and the metrics are mounted and see every delivery", func(t *testing.T) {
				assert.Regexp(t, `^deliveries page: http://127\.0\.0\.1:\d+/deliveries/   metrics: http://127\.0\.0\.1:\d+/metrics$`, out.lines[out.index(t, "deliveries page: ")])
				m := regexp.MustCompile(`^the deliveries page lists (\d+) deliveries; /metrics \(\d+ bytes\) counts (\d+) deliveries, (\d+) refused$`).
					FindStringSubmatch(out.lines[out.index(t, "the deliveries page lists ")])
				require.NotNil(t, m)
				// The story's deliveries (a new event, its retry, a forgery, a burst),
				// then every fixture of the corpus.
				fixtures := 0
				for _, name := range providerNames {
					fixtures += len(webhooktest.Fixtures(t, name))
				}
				sent := strconv.Itoa(1 + 1 + 1 + burstSize + fixtures)
				assert.Equal(t, sent, m[1], "rows on the page")
				assert.Equal(t, sent, m[2], "deliveries counted")
				assert.NotEqual(t, "0", m[3], "refusals counted")
			})

			t.Run("the story comes first, the table last", func(t *testing.T) {
				order := []int{
					out.index(t, "1. "), out.index(t, "2. "), out.index(t, "3. "), out.index(t, "4. "),
					out.index(t, "Replay: "), out.index(t, "Duplicates: "), out.index(t, tableHeader),
				}
				assert.True(t, slices.IsSorted(order), "line numbers %v", order)
				for _, f := range out.fixtureLines() {
					assert.Greater(t, f.index, order[4], "fixture line after the replay's heading")
					assert.Less(t, f.index, order[5], "fixture line before the table")
				}
			})

			t.Run("a new event is handled by its typed handler", func(t *testing.T) {
				post, answer := out.step(t, "1. ")
				assert.Regexp(t, `^     POST /webhooks/safetyculture  date_triggered=\S+$`, out.lines[post])
				assert.Equal(t, []string{
					`     typed handler: TRIGGER_EVENT_ACTION_CREATED title="Replace expired fire extinguisher in loading bay" status="To Do"`,
				}, out.lines[post+1:answer], "one typed handler call, with fields of its payload")
				assert.Equal(t, "     -> 200 ok", out.lines[answer])
			})

			t.Run("the same delivery again is answered without the handler", func(t *testing.T) {
				first, _ := out.step(t, "1. ")
				post, answer := out.step(t, "2. ")
				assert.Equal(t, out.lines[first], out.lines[post], "the same delivery as step 1")
				assert.Equal(t, post+1, answer, "no handler call")
				assert.Equal(t, "     -> 200 ok: already received  (no handler called)", out.lines[answer])
			})

			t.Run("a forged signature is answered 401", func(t *testing.T) {
				post, answer := out.step(t, "3. ")
				assert.Equal(t, post+1, answer, "no handler call")
				assert.Regexp(t, `^     -> 401 .*  \(no handler called\)$`, out.lines[answer])
			})

			t.Run("the burst: those let through are handled, the others answered 429", func(t *testing.T) {
				var statuses []int
				seen := map[string]bool{}
				for _, l := range out.lines[out.index(t, "4. "):out.index(t, "Replay: ")] {
					m := burstLineRE.FindStringSubmatch(l)
					if m == nil {
						continue
					}
					assert.Equal(t, strconv.Itoa(len(statuses)+1), m[1])
					assert.False(t, seen[m[2]], "date_triggered %s sent twice: each delivery is a new event", m[2])
					seen[m[2]] = true
					status, _ := strconv.Atoi(m[3])
					statuses = append(statuses, status)
					switch status {
					case http.StatusOK:
						assert.Equal(t, "typed handler called", m[5], "line %q", l)
					case http.StatusTooManyRequests:
						assert.Regexp(t, `, Retry-After: \d+$`, m[4])
						assert.Equal(t, "no handler called", m[5], "line %q", l)
					default:
						t.Errorf("status %d in the burst: %q", status, l)
					}
				}
				require.Len(t, statuses, burstSize)
				assert.Equal(t, slices.Repeat([]int{http.StatusOK}, burstLimit), statuses[:burstLimit], "the burst's first deliveries are let through")
				assert.Contains(t, statuses, http.StatusTooManyRequests)
			})

			t.Run("the table counts every fixture by answer", func(t *testing.T) {
				rows := out.table(t)
				var total row
				for _, name := range providerNames {
					r, ok := rows[name]
					require.True(t, ok, "no row for %s", name)
					want := row{}
					for _, f := range webhooktest.Fixtures(t, name) {
						want.sent++
						switch webhooktest.WantStatus(f) {
						case http.StatusBadRequest:
							want.badRequest++
						case http.StatusUnprocessableEntity:
							want.invalid++
						}
					}
					assert.Equal(t, want.sent, r.sent, "%s: sent", name)
					assert.Equal(t, want.sent-want.badRequest-want.invalid, r.handled+r.duplicates, "%s: 200s", name)
					assert.Equal(t, want.badRequest, r.badRequest, "%s: 400s", name)
					assert.Equal(t, want.invalid, r.invalid, "%s: 422s", name)
					assert.Zero(t, r.other, "%s: other statuses", name)
					assert.Zero(t, r.unexpected, "%s: unexpected", name)
					total.sent += r.sent
					total.handled += r.handled
					total.duplicates += r.duplicates
					total.badRequest += r.badRequest
					total.invalid += r.invalid
				}
				assert.Equal(t, total, rows["total"])
				assert.Positive(t, rows["safetyculture"].duplicates, "the corpus's variants repeating another fixture's event")
				assert.Equal(t, duplicatesNote, out.lines[out.index(t, tableHeader)-2], "the note just above the table")
			})
		})
	}

	t.Run("the table does not depend on -v", func(t *testing.T) {
		assert.Equal(t, quiet.table(t), verbose.table(t))
	})

	t.Run("-v adds one line per fixture", func(t *testing.T) {
		assert.Empty(t, quiet.fixtureLines(), "no per-fixture lines without -v")
		assert.Less(t, len(quiet.lines), 60, "the default output fits on a screen or two")

		got := map[string]int{}
		duplicates := map[string]int{}
		for _, f := range verbose.fixtureLines() {
			got[f.provider+"/"+f.file] = f.status
			if strings.Contains(f.answer, "already received") {
				duplicates[f.provider]++
				assert.False(t, strings.HasPrefix(verbose.lines[f.index+1], "                  "), "no handler call under a duplicate: %q", verbose.lines[f.index+1])
			}
		}
		want := map[string]int{}
		for _, name := range providerNames {
			for _, f := range webhooktest.Fixtures(t, name) {
				want[f.File] = webhooktest.WantStatus(f)
			}
		}
		assert.Equal(t, want, got, "every fixture, with its expected status")
		for name, r := range verbose.table(t) {
			if name != "total" {
				assert.Equal(t, r.duplicates, duplicates[name], "%s: duplicates in the table and answered as such", name)
			}
		}

		for _, want := range []string{
			"                  typed handler: TRIGGER_EVENT_INSPECTION_COMPLETED inspection=audit_7e9ee886325a4fb096989c3e2896e876 format=legacy",
			"                  typed handler: report.created report=12301 path=/reports/12301",
			`                  typed handler: report.completed report=VR-2025-004127 registration="LB21 XKT" verdict=pass`,
			"                  fallback handler: payment.failed (no typed handler registered here)",
			"                  fallback handler: TRIGGER_EVENT_TRAINING_CERTIFICATE_ISSUED (event type unknown to the provider package)",
		} {
			assert.Contains(t, verbose.lines, want)
		}
	})
}

func TestFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want error
		code int
	}{
		{[]string{"-h"}, flag.ErrHelp, 0},
		{[]string{"-nope"}, errUsage, 2},
		{[]string{"extra"}, errUsage, 2},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), tc.args, &stdout, &stderr)
			require.ErrorIs(t, err, tc.want)
			assert.Equal(t, tc.code, exitCode(err))
			assert.Empty(t, stdout.String(), "nothing sent")
			assert.Contains(t, stderr.String(), "-v")
		})
	}
}

func TestExitCode(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want int
	}{
		{"every answer expected", nil, 0},
		{"help", flag.ErrHelp, 0},
		{"unexpected answer", errUnexpected, 1},
		{"setup failed", errors.New("listen: address in use"), 1},
		{"bad flag", fmt.Errorf("%w: flag provided but not defined", errUsage), 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, exitCode(tc.err))
		})
	}
}

// TestTally checks that an answer other than the expected one is counted, marked and makes
// run's result errUnexpected (exit status 1).
func TestTally(t *testing.T) {
	event := inspecthook.Fixture{Provider: "record360", File: "record360/event.json", Kind: inspecthook.KindEvent}
	bad := inspecthook.Fixture{Provider: "record360", File: "record360/bad.json", Kind: inspecthook.KindBad, Error: "ErrNotJSON"}
	handled := answer{status: http.StatusOK, text: "ok", calls: []handlerCall{{typed: true, typ: "inspection.created"}}}
	duplicate := answer{status: http.StatusOK, text: "ok: already received"}
	for _, tc := range []struct {
		name    string
		fixture inspecthook.Fixture
		answer  answer
		want    row
		ok      bool
	}{
		{"new event", event, handled, row{sent: 1, handled: 1}, true},
		{"duplicate", event, duplicate, row{sent: 1, duplicates: 1}, true},
		{"bad body refused", bad, answer{status: http.StatusBadRequest}, row{sent: 1, badRequest: 1}, true},
		{"bad body accepted", bad, handled, row{sent: 1, handled: 1, unexpected: 1}, false},
		{"event refused", event, answer{status: http.StatusUnprocessableEntity}, row{sent: 1, invalid: 1, unexpected: 1}, false},
		{"server error", event, answer{status: http.StatusInternalServerError}, row{sent: 1, other: 1, unexpected: 1}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tl := newTally([]string{"record360"})
			mark := tl.fixture(tc.fixture, tc.answer)
			assert.Equal(t, tc.want, *tl.rows["record360"])
			assert.Equal(t, !tc.ok, tl.failed())
			if tc.ok {
				assert.Empty(t, mark)
			} else {
				assert.Contains(t, mark, "UNEXPECTED")
				d := &demo{out: &printer{w: io.Discard}, calls: &handlerCalls{}, tally: tl}
				d.summary()
				assert.Equal(t, 1, exitCode(d.result()))
			}
		})
	}
}
