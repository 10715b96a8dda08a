package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/events/record360"
	"github.com/inspecthook/inspecthook/webhooktest"
)

// sentLine is one "sent" line of the output.
type sentLine struct {
	index    int // line number in the output
	provider string
	what     string // the fixture's file name, with "#n" in the burst
	kind     string // the fixture's kind, or "again", "forged", "burst"
	status   int
	answer   string
}

func TestDemo(t *testing.T) {
	// The deadline is a watchdog: the demo finishes in well under a second.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out bytes.Buffer
	require.NoError(t, run(ctx, &out), "the demo exits 0 by itself")

	lines := strings.Split(strings.TrimRight(out.String(), "\n"), "\n")
	sent := parseSent(t, lines)
	summary := parseSummary(t, lines)

	t.Run("loopback only", func(t *testing.T) {
		assert.Regexp(t, `^inspecthook demo: .* on http://127\.0\.0\.1:\d+ \(loopback only\)$`, lines[0])
	})

	t.Run("every fixture answered with its expected status", func(t *testing.T) {
		got := map[string]int{}
		for _, s := range sent {
			if s.kind != "again" && s.kind != "forged" && s.kind != "burst" {
				got[s.provider+"/"+s.what] = s.status
			}
		}
		want := map[string]int{}
		for _, name := range providerNames {
			for _, f := range webhooktest.Fixtures(t, name) {
				want[f.File] = webhooktest.WantStatus(f)
			}
		}
		assert.Equal(t, want, got)
		assert.Contains(t, lines, fmt.Sprintf("summary: fixtures answered as expected: %d of %d", len(want), len(want)))
	})

	t.Run("summary counts every request by status", func(t *testing.T) {
		byStatus := map[int]int{}
		for _, s := range sent {
			byStatus[s.status]++
		}
		assert.Equal(t, byStatus, summary)
		assert.Contains(t, lines, fmt.Sprintf("summary: %d requests sent", len(sent)))
		assert.Equal(t, 1, summary[http.StatusUnauthorized], "exactly one 401: the bad signature")
		assert.GreaterOrEqual(t, summary[http.StatusTooManyRequests], 1, "the burst is rate-limited")
		assert.Equal(t, "summary: every answer as expected", lines[len(lines)-1])
	})

	t.Run("bad signature", func(t *testing.T) {
		s := only(t, sent, "forged")
		assert.Equal(t, http.StatusUnauthorized, s.status)
	})

	t.Run("duplicate answered 200 without a second handler call", func(t *testing.T) {
		s := only(t, sent, "again")
		assert.Equal(t, http.StatusOK, s.status)
		assert.Contains(t, s.answer, "already processed")
		// A handler prints its line before the answer is sent: a handler call for the
		// duplicate would be the line just before it.
		assert.True(t, strings.HasPrefix(lines[s.index-1], "duplicate:"), "line before the duplicate: %q", lines[s.index-1])
		first := fmt.Sprintf("  event     %-13s %-42s inspection=430 unit=WMWRF33519TW73378", record360.Name, "inspection.created")
		assert.Equal(t, 1, countPrefix(lines, first), "the inspection is handled once though sent twice")
	})

	t.Run("burst", func(t *testing.T) {
		var statuses []int
		for _, s := range sent {
			if s.kind != "burst" {
				continue
			}
			statuses = append(statuses, s.status)
			if s.status == http.StatusTooManyRequests {
				assert.Regexp(t, `Retry-After: \d+$`, s.answer)
			}
		}
		require.Len(t, statuses, burstSize)
		assert.Equal(t, []int{200, 200, 200}, statuses[:burstLimit], "the burst's first deliveries pass, as duplicates")
		assert.Contains(t, statuses, http.StatusTooManyRequests)
	})

	t.Run("typed events printed with their payload's fields", func(t *testing.T) {
		m := regexp.MustCompile(`^summary: events handled: (\d+) typed, (\d+) fallback$`).FindStringSubmatch(lines[len(lines)-2])
		require.NotNil(t, m, "events line: %q", lines[len(lines)-2])
		assert.Equal(t, m[1], strconv.Itoa(countPrefix(lines, "  event ")))
		assert.Equal(t, m[2], strconv.Itoa(countPrefix(lines, "  fallback ")))

		for _, want := range []string{
			"  event     safetyculture TRIGGER_EVENT_INSPECTION_COMPLETED         inspection=audit_7e9ee886325a4fb096989c3e2896e876 format=legacy",
			"  event     inspectorio   report.created                             report=12301 path=/reports/12301 message=wh-638ce960-1231-11e9-a15d-d1c47c8f7593",
			`  event     vehreports    report.completed                           report=VR-2025-004127 registration="LB21 XKT" verdict=pass`,
			"  fallback  vehreports    payment.failed                             (no typed handler registered here)",
			"  fallback  safetyculture TRIGGER_EVENT_TRAINING_COURSE_COMPLETED    (event type unknown to the provider package)",
		} {
			assert.Contains(t, lines, want)
		}
	})
}

// parseSent returns the "sent" lines of the output.
func parseSent(t *testing.T, lines []string) []sentLine {
	t.Helper()
	var sent []sentLine
	for i, l := range lines {
		f := strings.Fields(l)
		if len(f) == 0 || f[0] != "sent" {
			continue
		}
		arrow := slices.Index(f, "->")
		require.Greater(t, arrow, 3, "line %q", l)
		status, err := strconv.Atoi(f[arrow+1])
		require.NoError(t, err, "line %q", l)
		sent = append(sent, sentLine{
			index:    i,
			provider: f[1],
			what:     strings.Join(f[2:arrow-1], " "),
			kind:     f[arrow-1],
			status:   status,
			answer:   strings.Join(f[arrow+2:], " "),
		})
	}
	require.NotEmpty(t, sent)
	return sent
}

// parseSummary returns the summary's count of responses by status.
func parseSummary(t *testing.T, lines []string) map[int]int {
	t.Helper()
	re := regexp.MustCompile(`^summary: status (\d{3}): (\d+)$`)
	counts := map[int]int{}
	for _, l := range lines {
		if m := re.FindStringSubmatch(l); m != nil {
			status, _ := strconv.Atoi(m[1])
			n, _ := strconv.Atoi(m[2])
			counts[status] = n
		}
	}
	require.NotEmpty(t, counts, "no status in the summary")
	return counts
}

// only returns the one sent line of kind.
func only(t *testing.T, sent []sentLine, kind string) sentLine {
	t.Helper()
	var found []sentLine
	for _, s := range sent {
		if s.kind == kind {
			found = append(found, s)
		}
	}
	require.Len(t, found, 1, "%s lines", kind)
	return found[0]
}

func countPrefix(lines []string, prefix string) int {
	n := 0
	for _, l := range lines {
		if strings.HasPrefix(l, prefix) {
			n++
		}
	}
	return n
}
