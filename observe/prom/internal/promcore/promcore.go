// Package promcore holds what package prom and package prominbox share: the registry, namespace
// and buckets a prom.Metrics was built with, and the rules that keep label values bounded.
package promcore

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/inspecthook/inspecthook/events"
)

// Label values given to what falls outside the known set.
const (
	Other   = "other"   // a provider, stage, status, scheme or state outside the known ones
	Unknown = "unknown" // an event type the provider was not tracked with
	None    = "none"    // no event type: the request ended before decoding, or carried none
)

// BuiltinProviders are the names of the SDK's provider packages (events/record360,
// events/safetyculture, events/inspectorio, events/vehreports): kept as provider label values
// even when not tracked, their event types then labelled Unknown.
var BuiltinProviders = []string{"inspectorio", "record360", "safetyculture", "vehreports"}

// Core is the state of one prom.Metrics that its extensions share.
type Core struct {
	Reg       prometheus.Registerer
	Namespace string
	Buckets   []float64

	mu    sync.Mutex                                 // serialises Track
	known atomic.Pointer[map[string]map[string]bool] // provider name -> its event types (nil: not tracked)
}

// NewCore returns a Core that knows the built-in provider names and no event type.
func NewCore(reg prometheus.Registerer, namespace string, buckets []float64) *Core {
	c := &Core{Reg: reg, Namespace: namespace, Buckets: buckets}
	known := make(map[string]map[string]bool, len(BuiltinProviders))
	for _, name := range BuiltinProviders {
		known[name] = nil
	}
	c.known.Store(&known)
	return c
}

// Track declares p's name and event types (p.EventTypes()) as label values. A nil p is ignored.
// It is safe to call while metrics are observed: the sets are replaced, never changed in place.
func (c *Core) Track(p events.Provider) {
	if p == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	next := maps.Clone(*c.known.Load())
	types := make(map[string]bool)
	for t := range next[p.Name()] { // a provider tracked twice keeps the types of both

		types[t] = true
	}
	for _, t := range p.EventTypes() {
		if t != "" {
			types[t] = true
		}
	}
	next[p.Name()] = types
	c.known.Store(&next)
}

// Provider is the provider label value of name: name when it is tracked or built in, else Other.
func (c *Core) Provider(name string) string {
	if _, ok := (*c.known.Load())[name]; ok {
		return name
	}
	return Other
}

// EventType is the event_type label value of typ delivered by provider: None for "", typ when the
// provider was tracked with it, else Unknown.
func (c *Core) EventType(provider, typ string) string {
	if typ == "" {
		return None
	}
	if (*c.known.Load())[provider][typ] {
		return typ
	}
	return Unknown
}

// Tracked returns the names of the tracked providers, sorted.
func (c *Core) Tracked() []string {
	var names []string
	for name, types := range *c.known.Load() {
		if types != nil {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names
}

// statuses holds the label value of every status code from 100 to 599.
var statuses = func() []string {
	s := make([]string, 600)
	for code := 100; code < 600; code++ {
		s[code] = strconv.Itoa(code)
	}
	return s
}()

// Status is the status label value of code: its digits from 100 to 599, else Other.
func Status(code int) string {
	if code >= 100 && code < 600 {
		return statuses[code]
	}
	return Other
}

// StatusClass is the status_class label value of code: "2xx", "4xx"... from 100 to 599, else
// Other.
func StatusClass(code int) string {
	switch {
	case code >= 100 && code < 200:
		return "1xx"
	case code >= 200 && code < 300:
		return "2xx"
	case code >= 300 && code < 400:
		return "3xx"
	case code >= 400 && code < 500:
		return "4xx"
	case code >= 500 && code < 600:
		return "5xx"
	}
	return Other
}

// Of returns the Core of a *prom.Metrics; package prom sets it, so that prominbox reaches the
// Core of the Metrics it is given without prom exporting it.
var Of func(metrics any) *Core

// Register registers every one of cs on reg, or none: when one fails, those registered before
// it are unregistered and its error is returned, wrapped.
func Register(reg prometheus.Registerer, cs ...prometheus.Collector) error {
	for i, c := range cs {
		if err := reg.Register(c); err != nil {
			for _, done := range cs[:i] {
				reg.Unregister(done)
			}
			return fmt.Errorf("prom: registering the metrics: %w", err)
		}
	}
	return nil
}
