package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"
)

// Exit statuses.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// envSecret is the environment variable a secret is read from when --secret is not given.
const envSecret = "INSPECTHOOK_SECRET"

// app is what every command shares: its streams and its environment.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	noColor        bool // --no-color
}

// usageError marks an error as a mistake in the command line: exit status 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// usagef returns a usage error.
func usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// errReported is a failure whose explanation the command has already printed: exit status 1
// with nothing more said.
var errReported = errors.New("failure already reported")

// run runs the command line args and returns the exit status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	a := &app{stdin: stdin, stdout: stdout, stderr: stderr, getenv: getenv}
	root := a.rootCommand()
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	if errors.Is(err, errReported) {
		return exitFailure
	}
	fmt.Fprintln(stderr, "inspecthook:", err)
	var ue usageError
	if errors.As(err, &ue) || isCobraUsage(err) {
		fmt.Fprintln(stderr, "Run 'inspecthook --help' for usage.")
		return exitUsage
	}
	return exitFailure
}

// isCobraUsage recognises the usage errors cobra makes itself: an unknown command.
func isCobraUsage(err error) bool {
	return strings.HasPrefix(err.Error(), "unknown command ")
}

func (a *app) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "inspecthook",
		Short: "Receive, send, sign and check webhooks of inspection and fleet platforms",
		Long: `inspecthook receives, sends, signs and checks webhook deliveries of Record360,
SafetyCulture, Inspectorio and vehReports exactly as the inspecthook Go SDK does, and works
its asynchronous inbox.

Secrets come from --secret or the INSPECTHOOK_SECRET environment variable and are never
printed. Exit status: 0 success, 1 failure, 2 usage error.`,
		Example: `  # see what a provider sends, in one terminal
  INSPECTHOOK_SECRET=s3cret inspecthook listen safetyculture
  # make it send an event, in another
  INSPECTHOOK_SECRET=s3cret inspecthook trigger safetyculture TRIGGER_EVENT_INSPECTION_COMPLETED --url http://127.0.0.1:8080/`,
		SilenceErrors: true,
		SilenceUsage:  true,
		// Args rejects an unknown command as a usage error (cobra would not mark it).
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usagef("unknown command %q", args[0])
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	root.PersistentFlags().BoolVar(&a.noColor, "no-color", false, "never colour the output (NO_COLOR in the environment does the same)")
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(
		a.eventsCommand(),
	)
	for _, c := range a.commands() {
		root.AddCommand(c)
	}
	a.completionExamples(root)
	return root
}

// completionExamples adds cobra's completion command now, rather than when it runs, to give it
// and its shells an example each, as every other command has.
func (a *app) completionExamples(root *cobra.Command) {
	root.InitDefaultCompletionCmd()
	examples := map[string]string{
		"bash":       "  source <(inspecthook completion bash)\n  inspecthook completion bash > /etc/bash_completion.d/inspecthook",
		"zsh":        "  inspecthook completion zsh > \"${fpath[1]}/_inspecthook\"",
		"fish":       "  inspecthook completion fish > ~/.config/fish/completions/inspecthook.fish",
		"powershell": "  inspecthook completion powershell | Out-String | Invoke-Expression",
	}
	for _, c := range root.Commands() {
		if c.Name() != "completion" {
			continue
		}
		c.Example = "  source <(inspecthook completion bash)   # commands, providers, event types and flag values"
		for _, sh := range c.Commands() {
			sh.Example = examples[sh.Name()]
		}
	}
}

// extraCommands are the commands added by the other files of the package, each with a
// constructor registered in init.
var extraCommands []func(*app) *cobra.Command

func (a *app) commands() []*cobra.Command {
	cs := make([]*cobra.Command, 0, len(extraCommands))
	for _, f := range extraCommands {
		cs = append(cs, f(a))
	}
	return cs
}

// exactArgs is cobra.ExactArgs with a usage error.
func exactArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return usagef("%s takes %s (got %d argument(s))", cmd.CommandPath(), what, len(args))
		}
		return nil
	}
}

// rangeArgs is cobra.RangeArgs with a usage error.
func rangeArgs(min, max int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < min || len(args) > max {
			return usagef("%s takes %s (got %d argument(s))", cmd.CommandPath(), what, len(args))
		}
		return nil
	}
}
