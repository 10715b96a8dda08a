package verify_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/verify"
)

// TestToleranceBothDirections checks, for every scheme that reads a time from the delivery, that
// its window is configurable and holds in both directions, boundary included: a delivery signed
// that far in the past or the future passes, one second further fails with ErrTooOld or
// ErrTooNew. The window is the scheme's Tolerance (its default, and a configured one), or for a
// JWT its Leeway around exp (the past) and nbf or iat (the future). A JWT expires at exp itself
// (RFC 7519, section 4.1.4: the time must be before it), so there the boundary is excluded.
func TestToleranceBothDirections(t *testing.T) {
	jwtSecret := []byte("jwt-tolerance-secret")

	// deliver returns a verifier with the window w (0: the scheme's default) and a delivery its
	// sender made skew away from the verifier's clock.
	type deliver func(t *testing.T, w, skew time.Duration) (verify.Verifier, http.Header)
	signed := func(t *testing.T, s verify.Signer) http.Header {
		h := http.Header{}
		require.NoError(t, s.Sign(request(h), body))
		return h
	}
	standard := func(signer, verifier string) deliver {
		return func(t *testing.T, w, skew time.Duration) (verify.Verifier, http.Header) {
			s := mustStandard(t, verify.StandardWebhooksConfig{Secrets: []string{signer}, Now: at(t0.Add(skew))})
			return mustStandard(t, verify.StandardWebhooksConfig{Secrets: []string{verifier}, Tolerance: w, Now: at(t0)}), signed(t, s)
		}
	}
	jwtClaims := func(claims func(skew time.Duration) jwt.RegisteredClaims) deliver {
		return func(t *testing.T, w, skew time.Duration) (verify.Verifier, http.Header) {
			v := mustJWT(t, verify.JWTConfig{Secrets: [][]byte{jwtSecret}, Leeway: w, Now: at(t0)})
			return v, bearerOf(mint(t, jwt.SigningMethodHS256, jwtSecret, claims(skew)))
		}
	}
	date := func(d time.Duration) *jwt.NumericDate { return jwt.NewNumericDate(t0.Add(d)) }

	schemes := []struct {
		name     string
		deliver  deliver
		fallback time.Duration // the window when w is 0
		old, new bool          // the directions the scheme checks
		expires  bool          // the past boundary is excluded: a JWT's exp
	}{
		{"HMAC with a timestamp", func(t *testing.T, w, skew time.Duration) (verify.Verifier, http.Header) {
			cfg := verify.HMACConfig{Header: "X-Sig", TimestampHeader: "X-Ts", Secrets: [][]byte{[]byte("k")}, Tolerance: w, Now: at(t0)}
			v := mustHMAC(t, cfg)
			cfg.Now = at(t0.Add(skew))
			return v, signed(t, mustHMAC(t, cfg))
		}, verify.DefaultTolerance, true, true, false},
		{"Standard Webhooks v1", standard(whsec, whsec), verify.DefaultTolerance, true, true, false},
		{"Standard Webhooks v1a", standard(edNew.whsk, edNew.whpk), verify.DefaultTolerance, true, true, false},
		{"JWT exp", jwtClaims(func(skew time.Duration) jwt.RegisteredClaims {
			return jwt.RegisteredClaims{ExpiresAt: date(skew)}
		}), 0, true, false, true},
		{"JWT nbf", jwtClaims(func(skew time.Duration) jwt.RegisteredClaims {
			return jwt.RegisteredClaims{NotBefore: date(skew)}
		}), 0, false, true, false},
		{"JWT iat", jwtClaims(func(skew time.Duration) jwt.RegisteredClaims {
			return jwt.RegisteredClaims{IssuedAt: date(skew)}
		}), 0, false, true, false},
	}
	for _, sc := range schemes {
		for _, w := range []time.Duration{0, 90 * time.Second, 2 * time.Hour} {
			window := w
			if w == 0 {
				window = sc.fallback
			}
			type row struct {
				skew time.Duration
				want error
			}
			var rows []row
			switch {
			case sc.old && sc.expires:
				rows = append(rows, row{-window + time.Second, nil}, row{-window, verify.ErrTooOld})
			case sc.old:
				rows = append(rows, row{-window, nil}, row{-window - time.Second, verify.ErrTooOld})
			}
			if sc.new {
				rows = append(rows, row{window, nil}, row{window + time.Second, verify.ErrTooNew})
			}
			for _, r := range rows {
				t.Run(fmt.Sprintf("%s/window %s/skew %s", sc.name, w, r.skew), func(t *testing.T) {
					v, h := sc.deliver(t, w, r.skew)
					checkErr(t, r.want, v.Verify(request(h), body))
				})
			}
		}
	}
}
