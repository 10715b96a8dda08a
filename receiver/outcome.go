package receiver

import (
	"context"
	"log/slog"
	"strconv"
	"time"
)

// Outcome is what became of one request, for Config.Observer.
type Outcome struct {
	Delivery        // as far as it was decoded; Provider and ReceivedAt are always set
	Stage     Stage // where handling ended; StageComplete for a success
	Status    int   // the status code sent
	Duplicate bool  // the event had already been handled: the handler was not called
	Err       error // why it failed, or the Permanent error it was acknowledged with
	Duration  time.Duration
}

type outcomeKey struct{}

// outcomeFrom returns the outcome the Receiver records the request in, or a scratch one when the
// stages run without a Receiver.
func outcomeFrom(ctx context.Context) *Outcome {
	if o, ok := ctx.Value(outcomeKey{}).(*Outcome); ok {
		return o
	}
	return &Outcome{}
}

// end records where and how the request ended.
func (o *Outcome) end(stage Stage, status int, err error) {
	o.Stage, o.Status, o.Err = stage, status, err
}

// maxLogField bounds a text field of a log line, so that a sender cannot make one line huge.
const maxLogField = 256

// truncate cuts s to maxLogField bytes, marking the cut with how many bytes were dropped.
func truncate(s string) string {
	if len(s) <= maxLogField {
		return s
	}
	return s[:maxLogField] + "...[" + strconv.Itoa(len(s)-maxLogField) + " more bytes]"
}

// report logs the outcome and hands it to the observer. path is the request's URL with any
// secret token redacted.
func (rx *Receiver) report(ctx context.Context, o *Outcome, path string) {
	level := slog.LevelInfo
	switch {
	case o.Status >= 500:
		level = slog.LevelError
	case o.Status >= 400:
		level = slog.LevelWarn
	}
	attrs := []slog.Attr{
		slog.Int("status", o.Status),
		slog.String("stage", o.Stage.String()),
		slog.Duration("duration", o.Duration),
		slog.String("path", truncate(path)),
	}
	if o.Type != "" {
		attrs = append(attrs, slog.String("type", truncate(o.Type)), slog.String("key", truncate(o.IdempotencyKey)))
	}
	if o.EventID != "" {
		attrs = append(attrs, slog.String("event_id", truncate(o.EventID)))
	}
	if o.Duplicate {
		attrs = append(attrs, slog.Bool("duplicate", true))
	}
	if o.Err != nil {
		attrs = append(attrs, slog.String("error", truncate(o.Err.Error())))
	}
	rx.log.LogAttrs(ctx, level, "webhook delivery", attrs...)
	if rx.cfg.Observer != nil {
		rx.cfg.Observer(*o)
	}
}
