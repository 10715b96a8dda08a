// Command apidump writes the exported API of every public package of the module, one
// declaration a line, sorted, in the spirit of the Go project's api/*.txt files:
//
//	pkg github.com/inspecthook/inspecthook/verify, func NewHMAC(HMACConfig) (*HMAC, error)
//	pkg github.com/inspecthook/inspecthook/verify, method (*HMAC) Verify(*http.Request, []uint8) error
//	pkg github.com/inspecthook/inspecthook/verify, type HMACConfig struct, Header string
//
// It leaves out internal packages, commands (package main) and test files. With -check FILE it
// compares the API with FILE instead and exits 1, printing the lines added and removed, when
// they differ; with -w FILE it rewrites FILE. The committed file is api/inspecthook.txt:
//
//	go run ./cmd/internal/apidump -check api/inspecthook.txt   # what CI runs
//	go run ./cmd/internal/apidump -w api/inspecthook.txt       # after an intended change
//
// An intended change updates the file and adds a CHANGELOG.md entry in the same commit.
package main

import (
	"errors"
	"flag"
	"fmt"
	"go/types"
	"io"
	"os"
	"slices"
	"strings"

	"golang.org/x/tools/go/packages"
)

func main() {
	check := flag.String("check", "", "compare the API with this `file`; exit 1 when they differ")
	write := flag.String("w", "", "write the API to this `file`")
	flag.Parse()
	public := func(path string) bool { return !isInternal(path) }
	if err := run(*check, *write, flag.Args(), public, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "apidump:", err)
		os.Exit(1)
	}
}

// errDiffers is returned by run when -check finds a difference.
var errDiffers = errors.New("the exported API differs from the recorded one: if the change is intended, run go run ./cmd/internal/apidump -w api/inspecthook.txt and add a CHANGELOG.md entry")

// run writes (to out or to write) or checks (against check) the API of the packages matching
// patterns (default ./...) that keep accepts.
func run(check, write string, patterns []string, keep func(path string) bool, out io.Writer) error {
	if len(patterns) == 0 {
		patterns = []string{"./..."}
	}
	lines, err := load(patterns, keep)
	if err != nil {
		return err
	}
	text := strings.Join(lines, "\n") + "\n"
	switch {
	case write != "":
		return os.WriteFile(write, []byte(text), 0o644)
	case check != "":
		recorded, err := os.ReadFile(check)
		if err != nil {
			return err
		}
		added, removed := diff(splitLines(string(recorded)), lines)
		for _, l := range removed {
			fmt.Fprintln(out, "-", l)
		}
		for _, l := range added {
			fmt.Fprintln(out, "+", l)
		}
		if len(added)+len(removed) > 0 {
			return errDiffers
		}
		fmt.Fprintf(out, "the exported API matches %s (%d lines)\n", check, len(lines))
		return nil
	default:
		_, err := io.WriteString(out, text)
		return err
	}
}

// load returns the sorted API lines of the packages matching patterns that are not commands and
// that keep accepts.
func load(patterns []string, keep func(path string) bool) ([]string, error) {
	cfg := &packages.Config{Mode: packages.NeedName | packages.NeedTypes}
	pkgs, err := packages.Load(cfg, patterns...)
	if err != nil {
		return nil, err
	}
	var lines []string
	var errs []error
	for _, p := range pkgs {
		for _, e := range p.Errors {
			errs = append(errs, e)
		}
		if p.Types == nil || p.Name == "main" || !keep(p.PkgPath) {
			continue
		}
		lines = append(lines, apiOf(p.Types)...)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	slices.Sort(lines)
	return slices.Compact(lines), nil
}

// isInternal reports whether path is an internal package, which no other module can import.
func isInternal(path string) bool {
	return strings.HasSuffix(path, "/internal") || strings.Contains(path, "/internal/")
}

// apiOf returns the API lines of pkg.
func apiOf(pkg *types.Package) []string {
	prefix := "pkg " + pkg.Path() + ", "
	qual := qualifier(pkg)
	var lines []string
	add := func(s string) { lines = append(lines, prefix+s) }
	scope := pkg.Scope()
	for _, name := range scope.Names() {
		obj := scope.Lookup(name)
		if !obj.Exported() {
			continue
		}
		switch obj := obj.(type) {
		case *types.Const:
			add(fmt.Sprintf("const %s %s = %s", name, types.TypeString(obj.Type(), qual), obj.Val().ExactString()))
		case *types.Var:
			add(fmt.Sprintf("var %s %s", name, types.TypeString(obj.Type(), qual)))
		case *types.Func:
			add("func " + name + strings.TrimPrefix(types.TypeString(obj.Type(), qual), "func"))
		case *types.TypeName:
			for _, l := range typeLines(obj, qual) {
				add(l)
			}
		}
	}
	return lines
}

// typeLines describes an exported type: its kind, its exported fields or interface methods,
// and the exported methods of the type and its pointer.
func typeLines(obj *types.TypeName, qual types.Qualifier) []string {
	name := obj.Name()
	if tp, ok := obj.Type().(interface{ TypeParams() *types.TypeParamList }); ok && tp.TypeParams().Len() > 0 {
		var params []string
		for p := range tp.TypeParams().TypeParams() {
			params = append(params, p.Obj().Name()+" "+types.TypeString(p.Constraint(), qual))
		}
		name += "[" + strings.Join(params, ", ") + "]"
	}
	var lines []string
	if obj.IsAlias() {
		return []string{fmt.Sprintf("type %s = %s", name, types.TypeString(types.Unalias(obj.Type()), qual))}
	}
	under := obj.Type().Underlying()
	switch u := under.(type) {
	case *types.Struct:
		lines = append(lines, "type "+name+" struct")
		for f := range u.Fields() {
			if !f.Exported() {
				continue
			}
			if f.Embedded() {
				lines = append(lines, fmt.Sprintf("type %s struct, embedded %s", name, types.TypeString(f.Type(), qual)))
				continue
			}
			lines = append(lines, fmt.Sprintf("type %s struct, %s %s", name, f.Name(), types.TypeString(f.Type(), qual)))
		}
	case *types.Interface:
		lines = append(lines, "type "+name+" interface { ... }")
		for i := range u.NumEmbeddeds() {
			lines = append(lines, fmt.Sprintf("type %s interface, embedded %s", name, types.TypeString(u.EmbeddedType(i), qual)))
		}
		for m := range u.ExplicitMethods() {
			if m.Exported() {
				lines = append(lines, fmt.Sprintf("type %s interface, %s%s", name, m.Name(), strings.TrimPrefix(types.TypeString(m.Type(), qual), "func")))
			}
		}
		return lines // an interface's method set is listed above
	default:
		lines = append(lines, fmt.Sprintf("type %s %s", name, types.TypeString(under, qual)))
	}
	for _, t := range []types.Type{obj.Type(), types.NewPointer(obj.Type())} {
		ms := types.NewMethodSet(t)
		for sel := range ms.Methods() {
			m := sel.Obj().(*types.Func)
			if !m.Exported() || len(sel.Index()) > 1 { // promoted methods come with their embedded type
				continue
			}
			recv := m.Signature().Recv().Type()
			if _, isPtr := recv.(*types.Pointer); isPtr != (t != obj.Type()) {
				continue // each method once, under the receiver it is declared on
			}
			lines = append(lines, fmt.Sprintf("method (%s) %s%s", types.TypeString(recv, qual), m.Name(), strings.TrimPrefix(types.TypeString(m.Type(), qual), "func")))
		}
	}
	return lines
}

// qualifier writes the package's own names bare, the standard library's by package name, and
// every other package's by its path.
func qualifier(pkg *types.Package) types.Qualifier {
	return func(other *types.Package) string {
		switch {
		case other == pkg:
			return ""
		case !strings.Contains(strings.Split(other.Path(), "/")[0], "."):
			return other.Name()
		default:
			return other.Path()
		}
	}
}

// splitLines returns the non-empty lines of s.
func splitLines(s string) []string {
	return slices.DeleteFunc(strings.Split(s, "\n"), func(l string) bool { return strings.TrimSpace(l) == "" })
}

// diff returns the lines of now missing from before (added) and of before missing from now
// (removed), both sorted.
func diff(before, now []string) (added, removed []string) {
	in := func(lines []string) map[string]bool {
		m := make(map[string]bool, len(lines))
		for _, l := range lines {
			m[l] = true
		}
		return m
	}
	b, n := in(before), in(now)
	for _, l := range now {
		if !b[l] {
			added = append(added, l)
		}
	}
	for _, l := range before {
		if !n[l] {
			removed = append(removed, l)
		}
	}
	slices.Sort(added)
	slices.Sort(removed)
	return added, removed
}
