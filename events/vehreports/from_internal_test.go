package vehreports

import (
	"errors"
	"io/fs"
	"path"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook"
	"github.com/inspecthook/inspecthook/events"
)

// TestMemberNames checks that the member names each payload decoder matches in another case are
// the JSON names of its struct's fields, all of them, in lower case.
func TestMemberNames(t *testing.T) {
	tests := []struct {
		typ   reflect.Type
		names []string
	}{
		{reflect.TypeFor[Report](), reportNames},
		{reflect.TypeFor[Verdict](), verdictNames},
		{reflect.TypeFor[Agreement](), agreementNames},
		{reflect.TypeFor[LicenceCheck](), licenceCheckNames},
		{reflect.TypeFor[Endorsement](), endorsementNames},
		{reflect.TypeFor[Vehicle](), vehicleNames},
		{reflect.TypeFor[Customer](), customerNames},
		{reflect.TypeFor[User](), userNames},
		{reflect.TypeFor[Template](), templateNames},
		{reflect.TypeFor[Credits](), creditsNames},
		{reflect.TypeFor[Payment](), paymentNames},
		{reflect.TypeFor[Subscription](), subscriptionNames},
	}
	for _, tt := range tests {
		t.Run(tt.typ.Name(), func(t *testing.T) {
			var tags []string
			for f := range tt.typ.Fields() {
				if tag, _, _ := strings.Cut(f.Tag.Get("json"), ","); tag != "-" {
					tags = append(tags, tag)
				}
			}
			assert.ElementsMatch(t, tags, tt.names)
			for _, n := range tt.names {
				assert.Equal(t, strings.ToLower(n), n)
			}
		})
	}
}

// TestScannerMalformed checks that the scanner, which reads values a decoder has checked, ends
// on anything else without panicking or looping.
func TestScannerMalformed(t *testing.T) {
	for _, body := range []string{
		``, `{`, `{"a"`, `{"a":`, `{"a":1`, `{"a" 1}`, `{1:2}`, `{"a":"`, `{"a":"\`, `{"a":[1,`, `{"a":{"b":`,
		`{,}`, `{"a"::1}`, `{"id":"\u12"}`, `{"id":tru`, `[`, `"`, `:`, `{"vehicle":{"id":`,
	} {
		t.Run(body, func(t *testing.T) {
			var r Report
			_ = r.decode(newScanner([]byte(body)))
			var l LicenceCheck
			_ = l.decode(newScanner([]byte(`{"endorsements":` + body + `}`)))
		})
	}
}

// FuzzScanner feeds the payload decoders bytes no decoder has checked, which Decode never
// does: they must return, without panicking. Run it with
//
//	go test ./events/vehreports -run '^$' -fuzz '^FuzzScanner$' -fuzztime 60s
func FuzzScanner(f *testing.F) {
	for _, seed := range []string{
		`{"id":"a","vehicle":{"id":1,"make":"F"},"template":"t","signed_off_by":{"id":[]}}`,
		`{"endorsements":[{"code":"A"},null,1,[]],"categories":["B",null,2],"checked_by":7}`,
		`{"reasons":["a",{"b":[1,{"c":"\u00e9\ud800"}]},true,null],"vehicle":{"changes":{"x":[]}}}`,
		`"veh"`, `12`, `null`, `[`, `{"a":`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		_ = new(Report).decode(newScanner(b))
		_ = new(Verdict).decode(newScanner(b))
		_ = new(LicenceCheck).decode(newScanner(b))
		_ = new(Vehicle).decode(newScanner(b))
		_ = new(Agreement).decode(newScanner(b))
		_ = new(Payment).decode(newScanner(b))
	})
}

// TestDecodeAfterRead checks the way Decode reads a body whose payload it cannot decode in
// place (errRetry): with the payload decoded from its bytes once the body is read, every
// fixture decodes as Decode decodes it.
func TestDecodeAfterRead(t *testing.T) {
	files, err := fs.Glob(inspecthook.Fixtures(), path.Join(Name, "*.json"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, file := range files {
		t.Run(file, func(t *testing.T) {
			body, err := fs.ReadFile(inspecthook.Fixtures(), file)
			require.NoError(t, err)
			want, wantErr := Provider().Decode(body)

			var h head
			err = h.read(body, false)
			require.False(t, errors.Is(err, errRetry))
			var got *events.Envelope
			if err == nil {
				got, err = h.envelope(body)
			}
			assert.Equal(t, want, got)
			if wantErr != nil {
				require.Error(t, err)
				assert.Equal(t, strings.TrimPrefix(wantErr.Error(), "vehreports: "), strings.TrimPrefix(err.Error(), "vehreports: "))
			} else {
				assert.NoError(t, err)
			}
		})
	}
}
