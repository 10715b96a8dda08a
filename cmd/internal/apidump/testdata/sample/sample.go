// Package sample is the package apidump's tests describe.
package sample

import "net/http"

// Limit is a constant.
const Limit = 10

// Default is a variable.
var Default = &Box{}

// Box is a struct with a method on each receiver.
type Box struct {
	Name  string
	inner int
	http.Header
}

// Open is declared on the pointer.
func (b *Box) Open() error { return nil }

// Size is declared on the value.
func (b Box) Size() int { return b.inner }

// Opener is an interface.
type Opener interface {
	Open() error
}

// List is generic.
type List[T any] []T

// Alias is an alias.
type Alias = Box

// New makes a Box.
func New(name string) *Box { return &Box{Name: name} }

func unexported() {}
