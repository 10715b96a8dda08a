package main

import (
	"runtime/debug"
	"testing"
)

func TestVersionLine(t *testing.T) {
	settings := func(kv ...string) []debug.BuildSetting {
		var s []debug.BuildSetting
		for i := 0; i < len(kv); i += 2 {
			s = append(s, debug.BuildSetting{Key: kv[i], Value: kv[i+1]})
		}
		return s
	}
	tests := []struct {
		name string
		info *debug.BuildInfo
		want string
	}{
		{
			name: "a release",
			info: &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.1.0"},
				Settings: settings("GOOS", "linux", "GOARCH", "arm64", "vcs.revision", "0123456789abcdef0123")},
			want: "inspecthook v0.1.0 (go1.26.8 linux/arm64)",
		},
		{
			name: "a commit after a release",
			info: &debug.BuildInfo{GoVersion: "go1.27.3", Main: debug.Module{Version: "v0.1.1-0.20261207120000-0123456789ab+dirty"},
				Settings: settings("GOOS", "darwin", "GOARCH", "amd64")},
			want: "inspecthook v0.1.1-0.20261207120000-0123456789ab+dirty (go1.27.3 darwin/amd64)",
		},
		{
			name: "a development build with its commit",
			info: &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"},
				Settings: settings("GOOS", "linux", "GOARCH", "amd64", "vcs.revision", "0123456789abcdef0123", "vcs.modified", "true")},
			want: "inspecthook (devel) (go1.26.8 linux/amd64, commit 0123456789ab with changes)",
		},
		{
			name: "no version recorded",
			info: &debug.BuildInfo{GoVersion: "go1.26.8"},
			want: "inspecthook (devel) (go1.26.8)",
		},
		{
			name: "no build information",
			want: "inspecthook (unknown version: built without module information)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := versionLine(tt.info); got != tt.want {
				t.Errorf("versionLine = %q, want %q", got, tt.want)
			}
		})
	}
}
