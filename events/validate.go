package events

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"

	"github.com/go-playground/validator/v10"
)

var (
	validateOnce sync.Once
	validate     *validator.Validate
)

func validatorInstance() *validator.Validate {
	validateOnce.Do(func() {
		validate = validator.New(validator.WithRequiredStructEnabled())
		// Report fields by their JSON names, as the provider spells them.
		validate.RegisterTagNameFunc(func(f reflect.StructField) string {
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			switch name {
			case "-":
				return ""
			case "":
				return f.Name
			}
			return name
		})
	})
	return validate
}

// Validate checks the `validate` struct tags (github.com/go-playground/validator/v10) of v, a
// pointer to a struct. A failure is a *ValidationError, which wraps ErrInvalid, naming each
// failing field by its JSON path, such as "data.id".
//
// A type with no `validate` tag anywhere in it, its nested structs included, has nothing to check:
// it is not handed to the validator at all (what it found is remembered per type).
func Validate(v any) error {
	if !hasRules(reflect.TypeOf(v)) {
		return nil
	}
	err := validatorInstance().Struct(v)
	if err == nil {
		return nil
	}
	var fieldErrs validator.ValidationErrors
	if !errors.As(err, &fieldErrs) {
		return fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	// The namespace starts with the Go type's name, when it has one; drop it.
	typeName := reflect.TypeOf(v)
	for typeName != nil && typeName.Kind() == reflect.Pointer {
		typeName = typeName.Elem()
	}
	prefix := ""
	if typeName != nil && typeName.Name() != "" {
		prefix = typeName.Name() + "."
	}
	fields := make([]string, len(fieldErrs))
	for i, fe := range fieldErrs {
		fields[i] = strings.TrimPrefix(fe.Namespace(), prefix)
	}
	return &ValidationError{Fields: fields}
}

// rulesByType remembers, per type, whether hasRules found a `validate` tag in it.
var rulesByType sync.Map // reflect.Type → bool

// hasRules reports whether t, or a type it holds (a field's, an element's), has a field with a
// `validate` tag: a type without any cannot fail validation. Interfaces count as having rules,
// as what they hold is not known from the type.
func hasRules(t reflect.Type) bool {
	if t == nil {
		return false
	}
	if v, ok := rulesByType.Load(t); ok {
		return v.(bool)
	}
	found := typeHasRules(t, map[reflect.Type]bool{})
	rulesByType.Store(t, found)
	return found
}

func typeHasRules(t reflect.Type, seen map[reflect.Type]bool) bool {
	if seen[t] {
		return false
	}
	seen[t] = true
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Array:
		return typeHasRules(t.Elem(), seen)
	case reflect.Map:
		return typeHasRules(t.Key(), seen) || typeHasRules(t.Elem(), seen)
	case reflect.Interface:
		return true
	case reflect.Struct:
		for i := range t.NumField() {
			f := t.Field(i)
			if _, ok := f.Tag.Lookup("validate"); ok {
				return true
			}
			if typeHasRules(f.Type, seen) {
				return true
			}
		}
	}
	return false
}
