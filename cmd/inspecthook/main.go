// Command inspecthook is the terminal side of the SDK: it receives, sends, signs and checks
// webhook deliveries of Record360, SafetyCulture, Inspectorio and vehReports exactly as the SDK's
// packages do, and works the asynchronous inbox.
//
// Install it with
//
//	go install github.com/inspecthook/inspecthook/cmd/inspecthook@latest
//
// The commands:
//
//	inspecthook listen P [--forward-to URL]              receive, verify, decode and print deliveries
//	inspecthook trigger P EVENT --url URL                 send a fixture signed as P signs
//	inspecthook sign P < body                             print the headers P would send
//	inspecthook verify P --header 'Name: value' < body    is this delivery authentic, and if not, why
//	inspecthook events [P]                                providers, event types, payload types, fixtures
//	inspecthook inbox ls|show|retry|cancel --db DB        the asynchronous inbox
//	inspecthook completion bash|zsh|fish|powershell       shell completion
//
// Every command has --help with an example. Secrets come from --secret or the environment
// variable INSPECTHOOK_SECRET and are never printed. Output is coloured only on a terminal (and
// never with NO_COLOR set); --json prints JSON for scripts. The exit status is 0 for success,
// 1 for a failure (a delivery that is not authentic, an answer that is not 2xx, a job that is not
// found) and 2 for a usage error.
package main

import (
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv))
}
