package legacy

import (
	"errors"
	"fmt"
	"reflect"

	"github.com/inspecthook/inspecthook/events"
)

// sentinels are the errors a decoder's error wraps, most specific last.
var sentinels = []error{events.ErrNotJSON, events.ErrShape, events.ErrNoType, events.ErrInvalid}

// Sentinel returns the sentinel error err wraps, nil for nil, or an error saying it wraps none.
func Sentinel(err error) error {
	if err == nil {
		return nil
	}
	for _, s := range sentinels {
		if errors.Is(err, s) {
			return s
		}
	}
	return fmt.Errorf("no sentinel in %q", err)
}

// Diff compares what the current decoder returned (env, err) with what the legacy one did
// (oldEnv, oldErr) and describes the first difference; "" when they agree: the same sentinel
// error, and, when an envelope came with it, the same envelope and payload.
func Diff(env *events.Envelope, err error, oldEnv *events.Envelope, oldErr error) string {
	s, oldS := Sentinel(err), Sentinel(oldErr)
	if s != oldS {
		return fmt.Sprintf("error: got %v (%v), legacy %v (%v)", s, err, oldS, oldErr)
	}
	if (env == nil) != (oldEnv == nil) {
		return fmt.Sprintf("envelope: got %v, legacy %v (error %v)", env != nil, oldEnv != nil, err)
	}
	if env == nil {
		return ""
	}
	a, b := *env, *oldEnv
	a.Payload, b.Payload = nil, nil
	if !reflect.DeepEqual(a, b) {
		return fmt.Sprintf("envelope:\n got    %#v\n legacy %#v", a, b)
	}
	if !reflect.DeepEqual(env.Payload, oldEnv.Payload) {
		return fmt.Sprintf("payload:\n got    %#v\n legacy %#v", env.Payload, oldEnv.Payload)
	}
	return ""
}
