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
func Validate(v any) error {
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
