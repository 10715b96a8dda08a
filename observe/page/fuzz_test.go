package page

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/inspecthook/inspecthook/verify"
)

// FuzzRedactPath feeds the page's path redaction arbitrary paths and query strings from a
// sender: whatever the query holds, every value the page shows is verify.Redacted, and it never
// panics.
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
			if rawQuery != "" {
				t.Fatalf("query %q dropped without a mark: %q", rawQuery, out)
			}
			return
		}
		if query == verify.Redacted {
			return // a query that does not parse is shown as one mark
		}
		q, err := url.ParseQuery(query)
		if err != nil {
			t.Fatalf("the page shows a query it cannot parse: %q: %v", out, err)
		}
		for name, vs := range q {
			for _, v := range vs {
				if v != verify.Redacted {
					t.Fatalf("value %q of %q shown in %q", v, name, out)
				}
			}
		}
	})
}
