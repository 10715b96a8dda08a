package main

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/inspecthook/inspecthook"
	"github.com/inspecthook/inspecthook/events"
)

// eventInfo is one event type of a provider, as "events P" lists it.
type eventInfo struct {
	Event       string   `json:"event"`
	PayloadType string   `json:"payload_type"` // such as "record360.Inspection"; "" for a type the package does not know
	Fixture     string   `json:"fixture,omitempty"`
	Variants    []string `json:"variants,omitempty"`
}

// providerSummary is one provider, as "events" lists it.
type providerSummary struct {
	Provider string      `json:"provider"`
	Scheme   string      `json:"scheme"`
	Auth     string      `json:"auth"`
	Events   []eventInfo `json:"events"`
	Unknown  []string    `json:"unknown_fixtures,omitempty"`
	Bad      []string    `json:"bad_fixtures,omitempty"`
}

func (a *app) eventsCommand() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "events [provider]",
		Short: "List providers, their event types, payload types and fixtures",
		Long: `events lists the providers the SDK knows, with how each authenticates and how many event
types it declares. With a provider, it lists each event type with the Go type its payload
decodes to and the fixtures of the embedded corpus that carry it (the one "trigger" sends first,
then its variants), then the fixtures of unknown event types and the bad bodies.`,
		Example: `  inspecthook events
  inspecthook events record360
  inspecthook events safetyculture --json | jq -r '.events[].event'`,
		Args:              rangeArgs(0, 1, "at most one provider"),
		ValidArgsFunction: completeProviders,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return a.listProviders(asJSON)
			}
			p, err := lookupProvider(args[0])
			if err != nil {
				return err
			}
			s, err := summarize(p)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(a.stdout, s)
			}
			return a.printProvider(s)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

// summarize lists p's event types with their payload types and fixtures.
func summarize(p providerInfo) (providerSummary, error) {
	fixtures, err := p.fixtures()
	if err != nil {
		return providerSummary{}, err
	}
	s := providerSummary{Provider: p.name, Scheme: p.scheme, Auth: p.auth}
	typer, _ := p.provider.(events.PayloadTyper)
	for _, name := range p.provider.EventTypes() {
		e := eventInfo{Event: name}
		if typer != nil {
			e.PayloadType = typeName(typer.PayloadType(name))
		}
		for _, f := range fixtures {
			if f.Event != name {
				continue
			}
			switch f.Kind {
			case inspecthook.KindEvent:
				e.Fixture = fixtureName(f)
			case inspecthook.KindVariant:
				e.Variants = append(e.Variants, fixtureName(f))
			}
		}
		s.Events = append(s.Events, e)
	}
	for _, f := range fixtures {
		switch f.Kind {
		case inspecthook.KindUnknown:
			s.Unknown = append(s.Unknown, fixtureName(f))
		case inspecthook.KindBad:
			s.Bad = append(s.Bad, fixtureName(f))
		}
	}
	return s, nil
}

// fixtureName is a fixture's file name without its provider's directory.
func fixtureName(f inspecthook.Fixture) string {
	return strings.TrimPrefix(f.File, f.Provider+"/")
}

// typeName is t as Go code names it from outside its package: "record360.Inspection".
func typeName(t reflect.Type) string {
	if t == nil {
		return ""
	}
	return t.String()
}

func (a *app) listProviders(asJSON bool) error {
	var all []providerSummary
	for _, p := range providers {
		s, err := summarize(p)
		if err != nil {
			return err
		}
		all = append(all, s)
	}
	if asJSON {
		return writeJSON(a.stdout, all)
	}
	pal := a.palette(a.stdout)
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, pal.bold("PROVIDER")+"\t"+pal.bold("EVENTS")+"\t"+pal.bold("FIXTURES")+"\t"+pal.bold("AUTHENTICATION"))
	for _, s := range all {
		n := len(s.Unknown) + len(s.Bad)
		for _, e := range s.Events {
			n += len(e.Variants)
			if e.Fixture != "" {
				n++
			}
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\n", s.Provider, len(s.Events), n, s.Auth)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(a.stdout, "\nRun 'inspecthook events <provider>' for its event types and fixtures.")
	return nil
}

func (a *app) printProvider(s providerSummary) error {
	pal := a.palette(a.stdout)
	fmt.Fprintf(a.stdout, "%s: %s\n\n", pal.bold(s.Provider), s.Auth)
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, pal.bold("EVENT")+"\t"+pal.bold("PAYLOAD")+"\t"+pal.bold("FIXTURES"))
	for _, e := range s.Events {
		files := slices.Concat([]string{e.Fixture}, e.Variants)
		fmt.Fprintf(tw, "%s\t%s\t%s\n", e.Event, e.PayloadType, strings.Join(files, " "))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(s.Unknown) > 0 {
		fmt.Fprintf(a.stdout, "\nUnknown event types (delivered with no payload): %s\n", strings.Join(s.Unknown, " "))
	}
	if len(s.Bad) > 0 {
		fmt.Fprintf(a.stdout, "Bad bodies (refused with 400 or 422): %s\n", strings.Join(s.Bad, " "))
	}
	return nil
}

// completeProviders completes a provider name as the first argument.
func completeProviders(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	return providerNames(), cobra.ShellCompDirectiveNoFileComp
}

// completeProviderEvents completes a provider, then one of its event types or fixture names.
func completeProviderEvents(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	switch len(args) {
	case 0:
		return providerNames(), cobra.ShellCompDirectiveNoFileComp
	case 1:
		p, err := lookupProvider(args[0])
		if err != nil {
			return nil, cobra.ShellCompDirectiveError
		}
		names := p.provider.EventTypes()
		if fixtures, err := p.fixtures(); err == nil {
			for _, f := range fixtures {
				names = append(names, fixtureName(f))
			}
		}
		return names, cobra.ShellCompDirectiveNoFileComp
	}
	return nil, cobra.ShellCompDirectiveNoFileComp
}
