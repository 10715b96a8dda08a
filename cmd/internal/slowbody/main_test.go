package main

import (
	"strings"
	"testing"
	"time"
)

// TestRun runs a small measurement end to end: every slow request reaches the body read and a
// figure is printed.
func TestRun(t *testing.T) {
	var out strings.Builder
	if err := run(&out, 5, 1<<20, 30*time.Second); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "5 connections declaring 1048576 bytes, 5 sent: RSS ") {
		t.Errorf("output %q", out.String())
	}
}
