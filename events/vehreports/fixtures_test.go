package vehreports_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook"
	"github.com/inspecthook/inspecthook/events"
	"github.com/inspecthook/inspecthook/events/vehreports"
)

// sentinels maps the error names used in index.json to the events sentinels.
var sentinels = map[string]error{
	"ErrNotJSON": events.ErrNotJSON,
	"ErrShape":   events.ErrShape,
	"ErrNoType":  events.ErrNoType,
	"ErrInvalid": events.ErrInvalid,
}

// typed reports whether an envelope carries the key's payload, of the key's type.
type typed func(*events.Envelope) bool

func payloadCheck[T any](k events.Key[T]) (string, typed) {
	return k.Name(), func(env *events.Envelope) bool {
		p, ok := k.Payload(env)
		return ok && p != nil
	}
}

// keys holds every exported Key, by event type.
var keys = func() map[string]typed {
	m := make(map[string]typed)
	add := func(name string, check typed) { m[name] = check }
	add(payloadCheck(vehreports.ReportCompleted))
	add(payloadCheck(vehreports.InspectionVerdictFlagged))
	add(payloadCheck(vehreports.AgreementSigned))
	add(payloadCheck(vehreports.AgreementReturnDue))
	add(payloadCheck(vehreports.AgreementClosed))
	add(payloadCheck(vehreports.LicenceChecked))
	add(payloadCheck(vehreports.LicenceFailed))
	add(payloadCheck(vehreports.LicencePointsFlagged))
	add(payloadCheck(vehreports.VehicleCreated))
	add(payloadCheck(vehreports.VehicleUpdated))
	add(payloadCheck(vehreports.CustomerCreated))
	add(payloadCheck(vehreports.CreditsPurchased))
	add(payloadCheck(vehreports.CreditsLow))
	add(payloadCheck(vehreports.CreditsExpiring))
	add(payloadCheck(vehreports.PaymentSucceeded))
	add(payloadCheck(vehreports.PaymentFailed))
	add(payloadCheck(vehreports.SubscriptionCancelled))
	return m
}()

func TestEveryEventHasOneFixture(t *testing.T) {
	count := make(map[string]int)
	for _, f := range loadFixtures(t) {
		if f.Kind == inspecthook.KindEvent {
			count[f.Event]++
		}
	}
	types := vehreports.Provider().EventTypes()
	require.Len(t, types, 17, "seed 004 lists 17 events")
	require.Len(t, keys, len(types))
	for _, name := range types {
		assert.Equal(t, 1, count[name], "event fixtures for %q", name)
		assert.Contains(t, keys, name, "exported Key for %q", name)
	}
	for name := range count {
		assert.Contains(t, types, name, "event fixture for an event with no Key")
	}
}

func TestFixtures(t *testing.T) {
	p := vehreports.Provider()
	kinds := make(map[string]int)
	for _, f := range loadFixtures(t) {
		kinds[f.Kind]++
		t.Run(f.File, func(t *testing.T) {
			body, err := f.Body()
			require.NoError(t, err)
			env, err := p.Decode(body)
			switch f.Kind {
			case inspecthook.KindEvent, inspecthook.KindVariant:
				require.NoError(t, err)
				assert.Equal(t, f.Event, env.Type)
				assert.Equal(t, f.Version, env.Version)
				assert.Equal(t, vehreports.Name, env.Provider)
				assert.Equal(t, body, env.Raw)
				assert.NotEmpty(t, env.IdempotencyKey)
				check, ok := keys[f.Event]
				require.True(t, ok, "no Key for %q", f.Event)
				assert.True(t, check(env), "payload of %q is %T", f.Event, env.Payload)
			case inspecthook.KindUnknown:
				require.NoError(t, err)
				assert.Equal(t, f.Event, env.Type)
				assert.Equal(t, f.Version, env.Version)
				assert.Nil(t, env.Payload)
				assert.Equal(t, body, env.Raw)
				assert.NotContains(t, p.EventTypes(), f.Event)
			case inspecthook.KindBad:
				want, ok := sentinels[f.Error]
				require.True(t, ok, "unknown sentinel %q", f.Error)
				require.Error(t, err)
				assert.ErrorIs(t, err, want)
				for name, other := range sentinels {
					if name != f.Error {
						assert.False(t, errors.Is(err, other), "also wraps %s: %v", name, err)
					}
				}
				if want == events.ErrInvalid {
					require.NotNil(t, env, "the envelope comes with ErrInvalid")
					assert.Equal(t, body, env.Raw)
				} else {
					assert.Nil(t, env)
				}
			default:
				t.Fatalf("unknown kind %q", f.Kind)
			}
		})
	}
	for _, kind := range []string{inspecthook.KindEvent, inspecthook.KindVariant, inspecthook.KindUnknown, inspecthook.KindBad} {
		assert.NotZero(t, kinds[kind], "no fixture of kind %q", kind)
	}
}
