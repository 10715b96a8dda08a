package main

import (
	"strings"

	"github.com/inspecthook/inspecthook"
	"github.com/inspecthook/inspecthook/events"
	"github.com/inspecthook/inspecthook/events/inspectorio"
	"github.com/inspecthook/inspecthook/events/record360"
	"github.com/inspecthook/inspecthook/events/safetyculture"
	"github.com/inspecthook/inspecthook/events/vehreports"
)

// providerInfo is what the command knows of one provider.
type providerInfo struct {
	name     string
	provider events.Provider
	// scheme is how the provider authenticates unless --scheme says otherwise.
	scheme string
	// auth says in a few words how the provider authenticates, for "events".
	auth string
}

// providers are the providers the SDK has packages for, in the order they are listed.
var providers = []providerInfo{
	{
		name: record360.Name, provider: record360.Provider(), scheme: schemeBearer,
		auth: "no signature: custom headers (Bearer by default; Basic, API key or JWT with --scheme)",
	},
	{
		name: safetyculture.Name, provider: safetyculture.Provider(), scheme: schemeHMAC,
		auth: "HMAC-SHA256 of the body, hex, in x-safetyculture-signature",
	},
	{
		name: inspectorio.Name, provider: inspectorio.Provider(), scheme: schemeBasic,
		auth: "optional HTTP Basic (secret user:password); Standard Webhooks with --scheme standard-webhooks (v1 with whsec_, v1a with whsk_/whpk_ keys)",
	},
	{
		name: vehreports.Name, provider: vehreports.Provider(), scheme: schemeHMAC,
		auth: "HMAC-SHA256 of the body, hex, in X-VehReports-Signature (sha256= prefix optional)",
	},
}

// providerNames lists the providers' names, for messages and completion.
func providerNames() []string {
	names := make([]string, len(providers))
	for i, p := range providers {
		names[i] = p.name
	}
	return names
}

// lookupProvider finds a provider by name, regardless of case; an unknown name is a usage error.
func lookupProvider(name string) (providerInfo, error) {
	for _, p := range providers {
		if strings.EqualFold(p.name, name) {
			return p, nil
		}
	}
	if name == "" {
		return providerInfo{}, usagef("no provider given: one of %s", strings.Join(providerNames(), ", "))
	}
	return providerInfo{}, usagef("unknown provider %q: one of %s", name, strings.Join(providerNames(), ", "))
}

// fixtures returns the provider's fixtures from the embedded corpus.
func (p providerInfo) fixtures() ([]inspecthook.Fixture, error) {
	return inspecthook.LoadFixtures(p.name)
}
