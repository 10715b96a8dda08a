package nilcheck_test

import (
	"io"
	"testing"

	"github.com/inspecthook/inspecthook/internal/nilcheck"
)

func TestIs(t *testing.T) {
	var nilPointer *struct{}
	var nilReader io.Reader
	var nilFunc func()
	tests := []struct {
		name string
		v    any
		want bool
	}{
		{"nil", nil, true},
		{"nil interface", nilReader, true},
		{"nil pointer in an interface", nilPointer, true},
		{"nil func", nilFunc, true},
		{"nil map", map[string]int(nil), true},
		{"pointer", &struct{}{}, false},
		{"value", 42, false},
		{"empty map", map[string]int{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := nilcheck.Is(tt.v); got != tt.want {
				t.Errorf("Is(%#v) = %t, want %t", tt.v, got, tt.want)
			}
		})
	}
}
