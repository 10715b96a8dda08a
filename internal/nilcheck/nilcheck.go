// Package nilcheck tells a nil interface from one holding a nil pointer, so that constructors
// can refuse both: a nil Verifier or Store must never mean "accept everything".
package nilcheck

import "reflect"

// Is reports whether v is nil or holds a nil pointer, map, slice, func, channel or interface.
func Is(v any) bool {
	if v == nil {
		return true
	}
	switch rv := reflect.ValueOf(v); rv.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Func, reflect.Chan, reflect.Interface:
		return rv.IsNil()
	}
	return false
}
