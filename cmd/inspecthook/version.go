package main

import (
	"fmt"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
)

func init() {
	extraCommands = append(extraCommands, (*app).versionCommand)
}

func (a *app) versionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the module version inspecthook was built from",
		Long: `version prints the version of the inspecthook module the binary was built from, as Go
recorded it in the binary: the release tag for "go install ...@v0.1.0" or a binary built from
a tagged checkout, a pseudo-version naming the commit otherwise; then the Go version and the
platform.`,
		Example: "  inspecthook version",
		Args:    exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			info, _ := debug.ReadBuildInfo()
			_, err := fmt.Fprintln(a.stdout, versionLine(info))
			return err
		},
	}
}

// versionLine describes the build info: "inspecthook v0.1.0 (go1.26.8 linux/amd64)", with the
// commit when the version does not name one.
func versionLine(info *debug.BuildInfo) string {
	if info == nil {
		return "inspecthook (unknown version: built without module information)"
	}
	version := info.Main.Version
	if version == "" {
		version = "(devel)"
	}
	var goos, goarch, revision, modified string
	for _, s := range info.Settings {
		switch s.Key {
		case "GOOS":
			goos = s.Value
		case "GOARCH":
			goarch = s.Value
		case "vcs.revision":
			revision = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "inspecthook %s (%s", version, info.GoVersion)
	if goos != "" {
		fmt.Fprintf(&b, " %s/%s", goos, goarch)
	}
	if version == "(devel)" && revision != "" {
		fmt.Fprintf(&b, ", commit %.12s", revision)
		if modified == "true" {
			b.WriteString(" with changes")
		}
	}
	b.WriteString(")")
	return b.String()
}
