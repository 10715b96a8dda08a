package receiver_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/inspecthook/inspecthook/events/record360"
	"github.com/inspecthook/inspecthook/receiver"
)

// BenchmarkBareHandler is the floor: a handler that reads the body and answers 200.
func BenchmarkBareHandler(b *testing.B) {
	body := inspectionBody(b)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.ReadAll(r.Body)
		w.WriteHeader(http.StatusOK)
	})
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, request(body))
		if w.Code != 200 {
			b.Fatal(w.Code)
		}
	}
}

// BenchmarkReceiver is the whole stack, in process, for the Record360 v3 inspection fixture:
// content type, Bearer verification, decoding and validation, a claim and completion in the
// in-memory store, and a typed handler. Each iteration is a new event (a new id), so nothing is
// answered from the store.
func BenchmarkReceiver(b *testing.B) {
	template := inspectionBody(b)
	rx, err := receiver.New(record360.Provider(), receiver.Config{
		Verifier: bearer(b),
		Logger:   slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		b.Fatal(err)
	}
	defer rx.Close()
	receiver.Handle(rx, record360.InspectionCreated, func(context.Context, *record360.Inspection) error { return nil })
	b.SetBytes(int64(len(template)))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		body := bytes.Replace(template, []byte(`"id": "12"`), []byte(`"id": "`+strconv.Itoa(i)+`"`), 1)
		w := httptest.NewRecorder()
		rx.ServeHTTP(w, request(body))
		if w.Code != 200 {
			b.Fatal(w.Code, w.Body.String())
		}
	}
}
