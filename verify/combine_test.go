package verify_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/verify"
)

func TestAllAndAny(t *testing.T) {
	basic, err := verify.NewBasic(verify.Credential{Username: "r360", Password: "pw"})
	require.NoError(t, err)
	account, err := verify.NewAPIKey("X-Account-Id", "acct-42")
	require.NoError(t, err)
	bearer, err := verify.NewBearer("tok")
	require.NoError(t, err)
	all, err := verify.All(basic, account)
	require.NoError(t, err)
	anyv, err := verify.Any(bearer, basic)
	require.NoError(t, err)

	both := http.Header{}
	require.NoError(t, all.(verify.Signer).Sign(both, body))
	assert.NotEmpty(t, both.Get("Authorization"))
	assert.Equal(t, "acct-42", both.Get("X-Account-Id"))

	tests := []struct {
		name   string
		v      verify.Verifier
		header http.Header
		want   error
	}{
		{"all: both", all, both, nil},
		{"all: basic only", all, with(both, "X-Account-Id", "<nil>"), verify.ErrMissing},
		{"all: wrong account", all, with(both, "X-Account-Id", "acct-43"), verify.ErrInvalid},
		{"all: wrong password", all, with(basicHeader("r360", "nope"), "X-Account-Id", "acct-42"), verify.ErrInvalid},
		{"any: bearer", anyv, hdr("Authorization", "Bearer tok"), nil},
		{"any: basic", anyv, basicHeader("r360", "pw"), nil},
		{"any: nothing", anyv, http.Header{}, verify.ErrMissing},
		// The bearer part sees another scheme (missing); the basic part saw a wrong password,
		// which is the failure worth reporting.
		{"any: wrong basic", anyv, basicHeader("r360", "nope"), verify.ErrInvalid},
		{"any: wrong bearer", anyv, hdr("Authorization", "Bearer nope"), verify.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.v.Verify(tt.header, body)
			if tt.want == nil {
				assert.NoError(t, err)
			} else {
				assert.ErrorIs(t, err, tt.want)
			}
		})
	}

	t.Run("any signs with its first signer", func(t *testing.T) {
		h := http.Header{}
		require.NoError(t, anyv.(verify.Signer).Sign(h, body))
		assert.Equal(t, "Bearer tok", h.Get("Authorization"))
		assert.NoError(t, anyv.Verify(h, body))
	})
	t.Run("config errors", func(t *testing.T) {
		for _, f := range []func(...verify.Verifier) (verify.Verifier, error){verify.All, verify.Any} {
			_, err := f()
			assert.ErrorIs(t, err, verify.ErrConfig)
			_, err = f(basic, nil)
			assert.ErrorIs(t, err, verify.ErrConfig)
		}
	})
	t.Run("nested", func(t *testing.T) {
		nested, err := verify.Any(all, bearer)
		require.NoError(t, err)
		assert.NoError(t, nested.Verify(both, body))
		assert.NoError(t, nested.Verify(hdr("Authorization", "Bearer tok"), body))
		assert.ErrorIs(t, nested.Verify(basicHeader("r360", "pw"), body), verify.ErrMissing)
	})
}
