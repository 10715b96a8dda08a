package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const samplePath = "github.com/inspecthook/inspecthook/cmd/internal/apidump/testdata/sample"

func TestLoad(t *testing.T) {
	lines, err := load([]string{"./testdata/sample/..."}, func(path string) bool { return !strings.HasSuffix(path, "/hidden") })
	if err != nil {
		t.Fatal(err)
	}
	p := "pkg " + samplePath + ", "
	want := []string{
		p + "const Limit untyped int = 10",
		p + "func New(name string) *Box",
		p + "method (*Box) Open() error",
		p + "method (Box) Size() int",
		p + "type Alias = Box",
		p + "type Box struct",
		p + "type Box struct, Name string",
		p + "type Box struct, embedded http.Header",
		p + "type List[T any] []T",
		p + "type Opener interface { ... }",
		p + "type Opener interface, Open() error",
		p + "var Default *Box",
	}
	if got := strings.Join(lines, "\n"); got != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", got, strings.Join(want, "\n"))
	}
}

func TestIsInternal(t *testing.T) {
	tests := []struct {
		path string
		want bool
	}{
		{"github.com/inspecthook/inspecthook/internal/rawbody", true},
		{"github.com/inspecthook/inspecthook/cmd/internal/leasesoak", true},
		{"github.com/inspecthook/inspecthook/internal", true},
		{"github.com/inspecthook/inspecthook/verify", false},
		{"github.com/inspecthook/inspecthook/internalize", false},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			if got := isInternal(tt.path); got != tt.want {
				t.Errorf("isInternal(%q) = %v, want %v", tt.path, got, tt.want)
			}
		})
	}
}

func TestCheck(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "api.txt")
	lines, err := load([]string{"./testdata/sample"}, all)
	if err != nil {
		t.Fatal(err)
	}
	recorded := strings.Join(lines, "\n") + "\n"
	tests := []struct {
		name, recorded string
		wantErr        error
		wantOut        []string
	}{
		{name: "same", recorded: recorded, wantOut: []string{"matches"}},
		{name: "a line was removed from the API", recorded: recorded + "pkg " + samplePath + ", func Gone()\n",
			wantErr: errDiffers, wantOut: []string{"- pkg " + samplePath + ", func Gone()"}},
		{name: "a line was added to the API", recorded: strings.Replace(recorded, "pkg "+samplePath+", func New(name string) *Box\n", "", 1),
			wantErr: errDiffers, wantOut: []string{"+ pkg " + samplePath + ", func New(name string) *Box"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := os.WriteFile(file, []byte(tt.recorded), 0o644); err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			err := run(file, "", []string{"./testdata/sample"}, all, &out)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("run: %v, want %v", err, tt.wantErr)
			}
			for _, w := range tt.wantOut {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, out.String())
				}
			}
		})
	}
}

// all keeps every package: the sample is under cmd/internal.
func all(string) bool { return true }

func TestWrite(t *testing.T) {
	file := filepath.Join(t.TempDir(), "api.txt")
	if err := run("", file, []string{"./testdata/sample"}, all, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(file, "", []string{"./testdata/sample"}, all, &out); err != nil {
		t.Fatalf("a file just written does not match: %v\n%s", err, out.String())
	}
}
