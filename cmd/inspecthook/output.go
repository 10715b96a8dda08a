package main

import (
	"encoding/json"
	"io"
	"math"
	"os"
	"time"

	"github.com/fatih/color"
	"github.com/mattn/go-isatty"
)

// palette colours text when its output is a terminal and colour is not turned off.
type palette struct{ on bool }

// palette returns the palette for w: colour only on a terminal, and never with --no-color or
// NO_COLOR (https://no-color.org) set.
func (a *app) palette(w io.Writer) palette {
	if a.noColor || a.getenv("NO_COLOR") != "" || a.getenv("TERM") == "dumb" {
		return palette{}
	}
	f, ok := w.(*os.File)
	return palette{on: ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))}
}

func (p palette) paint(s string, attrs ...color.Attribute) string {
	if !p.on || s == "" {
		return s
	}
	c := color.New(attrs...)
	c.EnableColor()
	return c.Sprint(s)
}

func (p palette) green(s string) string  { return p.paint(s, color.FgGreen) }
func (p palette) yellow(s string) string { return p.paint(s, color.FgYellow) }
func (p palette) red(s string) string    { return p.paint(s, color.FgRed) }
func (p palette) bold(s string) string   { return p.paint(s, color.Bold) }
func (p palette) dim(s string) string    { return p.paint(s, color.Faint) }

// status colours an HTTP status by class: 2xx green, 409 and 429 (come back later) yellow,
// other failures red.
func (p palette) status(code int, s string) string {
	switch {
	case code >= 200 && code < 300:
		return p.green(s)
	case code == 409 || code == 429:
		return p.yellow(s)
	default:
		return p.red(s)
	}
}

// writeJSON writes v as one line of JSON.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// millis is d in milliseconds, to the microsecond, for JSON output.
func millis(d time.Duration) float64 {
	return math.Round(float64(d)/float64(time.Microsecond)) / 1000
}

// humanDuration formats a duration for people: 850µs, 4.2ms, 12ms, 1.25s.
func humanDuration(d time.Duration) string {
	switch {
	case d >= time.Second:
		return d.Round(10 * time.Millisecond).String()
	case d >= 10*time.Millisecond:
		return d.Round(time.Millisecond).String()
	case d >= time.Millisecond:
		return d.Round(100 * time.Microsecond).String()
	}
	return d.Round(time.Microsecond).String()
}
