package page

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/inspecthook/inspecthook/verify"
)

// FuzzRedactPath feeds the page's path redaction arbitrary paths and query strings from a
// sender: whatever the query holds, every value the page shows is verify.Redacted (parameters
// separated by "&" or ";"), and it never panics.
func FuzzRedactPath(f *testing.F) {
	for _, seed := range [][2]string{
		{"/webhooks/record360", "token=s3cret"},
		{"/webhooks", "a=1&b=2&token=s3cret&token=other"},
		{"/w", "token=%zz&x=1"},
		{"/w", "x;token=s3cret"},
		{"/w", "=s3cret&&="},
		{"/w/%2F", "token"},
	} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, path, rawQuery string) {
		r := &http.Request{URL: &url.URL{Path: path, RawQuery: rawQuery}}
		out := redactPath(r)
		if len(out) >= maxField {
			return // cut: the query may be cut mid-way
		}
		_, query, found := strings.Cut(out, "?")
		if !found {
			if before, _, _ := strings.Cut(rawQuery, "#"); before != "" {
				t.Fatalf("query %q dropped without a mark: %q", rawQuery, out)
			}
			return
		}
		for pair := range strings.FieldsFuncSeq(query, func(c rune) bool { return c == '&' || c == ';' }) {
			name, value, ok := strings.Cut(pair, "=")
			if !ok || value != verify.Redacted {
				t.Fatalf("value %q of %q shown in %q", value, name, out)
			}
		}
	})
}
