package receiver

import (
	"context"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"time"
)

// Outcome is what became of one request, for Config.Observer.
type Outcome struct {
	// Delivery is the delivery as far as it was decoded: Provider and ReceivedAt are always
	// set; a duplicate answered before decoding, by the key in its IdempotencyKeyHeader (see
	// the package documentation), has its IdempotencyKey too, and nothing decoded.
	Delivery

	Stage     Stage // where handling ended; StageComplete for a success
	Status    int   // the status code sent
	Duplicate bool  // the event had already been handled: the handler was not called
	Err       error // why it failed, or the Permanent error it was acknowledged with
	Duration  time.Duration

	// Handled is set when a handler (typed or HandleUnknown) ran for the request, and
	// HandlerDuration is the time it ran (which an injected clock may make zero).
	Handled         bool
	HandlerDuration time.Duration

	// Scheme names the Receiver's authentication scheme as verify.Scheme does ("hmac",
	// "basic", ...); "" with InsecureSkipVerify.
	Scheme string

	// Path is the request's path and query redacted as the log line shows them, by
	// verify.RedactRequest with the Receiver's Verifier: every query value, any fragment, and
	// every path segment that holds the URL token's path value or a secret of the Verifier
	// are verify.Redacted ("/webhooks/record360/REDACTED?account=REDACTED"). Show or record it
	// rather than the request's URL, which may hold a token; it is not cut to the log line's
	// 256 bytes.
	Path string

	decoding bool        // the delivery holds a slot of the Receiver's gate
	handler  handlerFunc // the handler of Route, chosen with it (nil for none)
}

// Observers returns an Observer that calls each of obs in turn, skipping nil ones: for
// Config.Observer when metrics, traces and a page of deliveries all watch one Receiver.
func Observers(obs ...func(ctx context.Context, o Outcome)) func(ctx context.Context, o Outcome) {
	obs = slices.DeleteFunc(slices.Clone(obs), func(f func(context.Context, Outcome)) bool { return f == nil })
	return func(ctx context.Context, o Outcome) {
		for _, f := range obs {
			f(ctx, o)
		}
	}
}

// OnErrors returns an OnError hook that calls each of fs in turn, skipping nil ones.
func OnErrors(fs ...func(ctx context.Context, d Delivery, err error)) func(ctx context.Context, d Delivery, err error) {
	fs = slices.DeleteFunc(slices.Clone(fs), func(f func(context.Context, Delivery, error)) bool { return f == nil })
	return func(ctx context.Context, d Delivery, err error) {
		for _, f := range fs {
			f(ctx, d, err)
		}
	}
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

// report logs the outcome of r, the request as the Receiver was given it, and hands the
// outcome to the observer. The log line's path is Outcome.Path: r's path and query redacted.
// Nothing of the line is built when the logger would drop it, nor the path when neither the
// line nor an observer needs it.
func (rx *Receiver) report(r *http.Request, o *Outcome) {
	ctx := r.Context()
	level := slog.LevelInfo
	switch {
	case o.Status >= 500:
		level = slog.LevelError
	case o.Status >= 400:
		level = slog.LevelWarn
	}
	logged := rx.log.Enabled(ctx, level)
	if logged || rx.cfg.Observer != nil {
		o.Path = rx.redactedPath(r)
	}
	if logged {
		attrs := []slog.Attr{
			slog.Int("status", o.Status),
			slog.String("stage", o.Stage.String()),
			slog.Duration("duration", o.Duration),
			slog.String("path", truncate(o.Path)),
		}
		if o.Type != "" {
			attrs = append(attrs, slog.String("type", truncate(o.Type)))
		}
		if o.IdempotencyKey != "" { // known without the type for a duplicate found before decoding
			attrs = append(attrs, slog.String("key", truncate(o.IdempotencyKey)))
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
	}
	if rx.cfg.Observer != nil {
		rx.cfg.Observer(ctx, *o)
	}
}
