package inspecthook_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
)

// TestReadmeQuickStartCompiles builds every complete program (a Go block starting with
// "package main") and every complete test file (a block starting with "package x_test") in
// README.md against this checkout of the module.
func TestReadmeQuickStartCompiles(t *testing.T) {
	if testing.Short() {
		t.Skip("builds programs; skipped with -short")
	}
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```go\n(package (main|\\w+_test)\n.*?)```").FindAllSubmatch(readme, -1)
	if len(blocks) == 0 {
		t.Fatal("README.md has no Go block starting with package main")
	}
	root, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	sum, err := os.ReadFile("go.sum")
	if err != nil {
		t.Fatal(err)
	}
	for i, b := range blocks {
		dir := t.TempDir()
		gomod := "module readmecheck\n\ngo 1.26\n\nrequire github.com/inspecthook/inspecthook v0.0.0\n\n" +
			"replace github.com/inspecthook/inspecthook => " + root + "\n"
		file := "main.go"
		if string(b[2]) != "main" {
			file = "readme_test.go"
		}
		for name, data := range map[string][]byte{"go.mod": []byte(gomod), "go.sum": sum, file: b[1]} {
			if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		cmd := exec.Command("go", "vet", "-mod=mod", ".")
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("README Go block %d does not compile: %v\n%s\n--- block ---\n%s", i+1, err, out, b[1])
		}
	}
}
