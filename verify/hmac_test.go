package verify_test

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/verify"
)

func mustHMAC(t *testing.T, cfg verify.HMACConfig) *verify.HMAC {
	t.Helper()
	v, err := verify.NewHMAC(cfg)
	require.NoError(t, err)
	return v
}

func TestHMACPresetsRoundTrip(t *testing.T) {
	tests := []struct {
		name   string
		cfg    verify.HMACConfig
		header string
		want   func(string) bool // what the provider's header value looks like
	}{
		{"SafetyCulture", verify.SafetyCulture("org-secret"), "x-safetyculture-signature", isLowerHex(64)},
		{"vehReports", verify.VehReports("endpoint-secret"), "X-VehReports-Signature", func(s string) bool {
			return strings.HasPrefix(s, "sha256=") && isLowerHex(64)(strings.TrimPrefix(s, "sha256="))
		}},
		{"GitHub", verify.GitHub("gh-secret"), "X-Hub-Signature-256", func(s string) bool {
			return strings.HasPrefix(s, "sha256=") && isLowerHex(64)(strings.TrimPrefix(s, "sha256="))
		}},
		{"sha1 base64", verify.HMACConfig{Header: "X-Sig", Algorithm: verify.SHA1, Encoding: verify.Base64, Secrets: [][]byte{[]byte("k")}}, "X-Sig", func(s string) bool {
			b, err := base64.StdEncoding.DecodeString(s)
			return err == nil && len(b) == 20
		}},
		{"sha512 hex timestamped", verify.HMACConfig{Header: "X-Sig", Algorithm: verify.SHA512, TimestampHeader: "X-Ts", Secrets: [][]byte{[]byte("k")}, Now: at(t0)}, "X-Sig", isLowerHex(128)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cfg.Now = at(t0)
			v := mustHMAC(t, tt.cfg)
			h := http.Header{}
			require.NoError(t, v.Sign(request(h), body))
			got := h.Get(tt.header)
			assert.True(t, tt.want(got), "header %s = %q", tt.header, got)
			assert.NoError(t, v.Verify(request(h), body))
			assert.ErrorIs(t, v.Verify(request(h), append([]byte(nil), body[:len(body)-1]...)), verify.ErrInvalid, "truncated body")
		})
	}
}

func isLowerHex(n int) func(string) bool {
	return func(s string) bool {
		if len(s) != n {
			return false
		}
		_, err := hex.DecodeString(s)
		return err == nil && strings.ToLower(s) == s
	}
}

func TestHMACVectors(t *testing.T) {
	algs := map[string]verify.Algorithm{"sha256": verify.SHA256, "sha1": verify.SHA1, "sha512": verify.SHA512}
	for i, vec := range loadVectors(t, "hmac") {
		alg, secret, b, wantHex, wantB64 := vec[0], vec[1], unb64(t, vec[2]), vec[3], vec[4]
		t.Run(fmt.Sprintf("%d-%s", i, alg), func(t *testing.T) {
			cfg := verify.HMACConfig{Header: "X-Sig", Algorithm: algs[alg], Secrets: [][]byte{[]byte(secret)}}
			hx := mustHMAC(t, cfg)
			assert.Equal(t, wantHex, hx.Signature("", b))
			assert.NoError(t, hx.Verify(request(hdr("X-Sig", wantHex)), b))
			assert.NoError(t, hx.Verify(request(hdr("X-Sig", strings.ToUpper(wantHex))), b), "uppercase hex")

			cfg.Encoding = verify.Base64
			bs := mustHMAC(t, cfg)
			assert.Equal(t, wantB64, bs.Signature("", b))
			for _, form := range []string{
				wantB64,
				strings.TrimRight(wantB64, "="),
				strings.NewReplacer("+", "-", "/", "_").Replace(wantB64),
				strings.TrimRight(strings.NewReplacer("+", "-", "/", "_").Replace(wantB64), "="),
			} {
				assert.NoError(t, bs.Verify(request(hdr("X-Sig", form)), b), "base64 form %q", form)
			}
		})
	}
}

func TestHMACRotation(t *testing.T) {
	verifier := mustHMAC(t, verify.SafetyCulture("old-token", "new-token"))
	tests := []struct {
		secret string
		want   error
	}{
		{"old-token", nil},
		{"new-token", nil},
		{"third-token", verify.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.secret, func(t *testing.T) {
			h := http.Header{}
			require.NoError(t, mustHMAC(t, verify.SafetyCulture(tt.secret)).Sign(request(h), body))
			err := verifier.Verify(request(h), body)
			if tt.want == nil {
				assert.NoError(t, err)
			} else {
				assert.ErrorIs(t, err, tt.want)
			}
		})
	}
}

func TestHMACTimestampTolerance(t *testing.T) {
	cfg := verify.HMACConfig{Header: "X-Sig", TimestampHeader: "X-Ts", Tolerance: 3 * time.Minute, Secrets: [][]byte{[]byte("k")}, Now: at(t0)}
	v := mustHMAC(t, cfg)
	tests := []struct {
		name   string
		signed time.Time
		want   error
	}{
		{"now", t0, nil},
		{"old at the boundary", t0.Add(-3 * time.Minute), nil},
		{"one second too old", t0.Add(-3*time.Minute - time.Second), verify.ErrTooOld},
		{"new at the boundary", t0.Add(3 * time.Minute), nil},
		{"one second too new", t0.Add(3*time.Minute + time.Second), verify.ErrTooNew},
		{"a year old", t0.AddDate(-1, 0, 0), verify.ErrTooOld},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := cfg
			c.Now = at(tt.signed)
			h := http.Header{}
			require.NoError(t, mustHMAC(t, c).Sign(request(h), body))
			assert.Equal(t, strconv.FormatInt(tt.signed.Unix(), 10), h.Get("X-Ts"))
			err := v.Verify(request(h), body)
			if tt.want == nil {
				assert.NoError(t, err)
			} else {
				assert.ErrorIs(t, err, tt.want)
			}
		})
	}

	t.Run("timestamp is signed", func(t *testing.T) {
		h := http.Header{}
		require.NoError(t, v.Sign(request(h), body))
		h.Set("X-Ts", strconv.FormatInt(t0.Unix()+1, 10))
		assert.ErrorIs(t, v.Verify(request(h), body), verify.ErrInvalid)
	})
	t.Run("default tolerance is five minutes", func(t *testing.T) {
		c := cfg
		c.Tolerance = 0
		dv := mustHMAC(t, c)
		for _, d := range []time.Duration{5 * time.Minute, -5 * time.Minute} {
			c.Now = at(t0.Add(d))
			h := http.Header{}
			require.NoError(t, mustHMAC(t, c).Sign(request(h), body))
			assert.NoError(t, dv.Verify(request(h), body))
		}
		c.Now = at(t0.Add(-5*time.Minute - time.Second))
		h := http.Header{}
		require.NoError(t, mustHMAC(t, c).Sign(request(h), body))
		assert.ErrorIs(t, dv.Verify(request(h), body), verify.ErrTooOld)
	})
}

func TestHMACRejects(t *testing.T) {
	sc := mustHMAC(t, verify.SafetyCulture("org-secret"))
	good := http.Header{}
	require.NoError(t, sc.Sign(request(good), body))
	sig := good.Get("X-Safetyculture-Signature")

	gh := mustHMAC(t, verify.GitHub("gh-secret"))
	ghGood := http.Header{}
	require.NoError(t, gh.Sign(request(ghGood), body))

	ts := mustHMAC(t, verify.HMACConfig{Header: "X-Sig", TimestampHeader: "X-Ts", Secrets: [][]byte{[]byte("k")}, Now: at(t0)})
	tsGood := http.Header{}
	require.NoError(t, ts.Sign(request(tsGood), body))

	b64 := mustHMAC(t, verify.HMACConfig{Header: "X-Sig", Encoding: verify.Base64, Secrets: [][]byte{[]byte("k")}})
	flipped := append([]byte(nil), body...)
	flipped[10] ^= 0x01

	tests := []struct {
		name   string
		v      verify.Verifier
		header http.Header
		body   []byte
		want   error
	}{
		{"no header", sc, http.Header{}, body, verify.ErrMissing},
		{"nil header", sc, nil, body, verify.ErrMissing},
		{"empty", sc, hdr("X-Safetyculture-Signature", ""), body, verify.ErrMalformed},
		{"blank", sc, hdr("X-Safetyculture-Signature", "   "), body, verify.ErrMalformed},
		{"odd-length hex", sc, hdr("X-Safetyculture-Signature", sig[:63]), body, verify.ErrMalformed},
		{"not hex", sc, hdr("X-Safetyculture-Signature", "zz"+sig[2:]), body, verify.ErrMalformed},
		{"short hex", sc, hdr("X-Safetyculture-Signature", sig[:32]), body, verify.ErrMalformed},
		{"unexpected prefix", sc, hdr("X-Safetyculture-Signature", "sha256="+sig), body, verify.ErrMalformed},
		{"repeated", sc, hdr("X-Safetyculture-Signature", sig, "X-Safetyculture-Signature", sig), body, verify.ErrMalformed},
		{"10 KB header", sc, hdr("X-Safetyculture-Signature", strings.Repeat("a", 10<<10)), body, verify.ErrMalformed},
		{"flipped body byte", sc, good, flipped, verify.ErrInvalid},
		{"truncated body", sc, good, body[:len(body)/2], verify.ErrInvalid},
		{"empty body", sc, good, nil, verify.ErrInvalid},
		{"flipped signature bit", sc, hdr("X-Safetyculture-Signature", flipHex(sig)), body, verify.ErrInvalid},
		{"wrong prefix", gh, with(ghGood, "X-Hub-Signature-256", "sha1="+strings.TrimPrefix(ghGood.Get("X-Hub-Signature-256"), "sha256=")), body, verify.ErrMalformed},
		{"prefix only", gh, hdr("X-Hub-Signature-256", "sha256="), body, verify.ErrMalformed},
		{"missing prefix", gh, with(ghGood, "X-Hub-Signature-256", strings.TrimPrefix(ghGood.Get("X-Hub-Signature-256"), "sha256=")), body, verify.ErrMalformed},
		{"bad base64", b64, hdr("X-Sig", "!!!!not*base64!!!!"), body, verify.ErrMalformed},
		{"base64 of wrong length", b64, hdr("X-Sig", base64.StdEncoding.EncodeToString([]byte("short"))), body, verify.ErrMalformed},
		{"too much padding", b64, hdr("X-Sig", b64.Signature("", body)+"=="), body, verify.ErrMalformed},
		{"timestamp missing", ts, with(tsGood, "X-Ts", "<nil>"), body, verify.ErrMissing},
		{"timestamp not a number", ts, with(tsGood, "X-Ts", "yesterday"), body, verify.ErrMalformed},
		{"timestamp negative", ts, with(tsGood, "X-Ts", "-5"), body, verify.ErrMalformed},
		{"timestamp huge", ts, with(tsGood, "X-Ts", "99999999999999999999"), body, verify.ErrMalformed},
		{"timestamp far future", ts, with(tsGood, "X-Ts", strconv.FormatInt(1<<62, 10)), body, verify.ErrTooNew},
		{"timestamp zero", ts, with(tsGood, "X-Ts", "0"), body, verify.ErrTooOld},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.ErrorIs(t, tt.v.Verify(request(tt.header), tt.body), tt.want)
		})
	}
}

func TestHMACOptionalPrefix(t *testing.T) {
	v := mustHMAC(t, verify.VehReports("s"))
	sig := v.Signature("", body)
	require.True(t, strings.HasPrefix(sig, "sha256="))
	for _, value := range []string{sig, strings.TrimPrefix(sig, "sha256="), "SHA256=" + strings.TrimPrefix(sig, "sha256=")} {
		assert.NoError(t, v.Verify(request(hdr("X-VehReports-Signature", value)), body), value)
	}
}

func TestHMACHeaderNameCase(t *testing.T) {
	v := mustHMAC(t, verify.HMACConfig{Header: "x-custom-SIGNATURE", Secrets: [][]byte{[]byte("k")}})
	h := http.Header{}
	require.NoError(t, v.Sign(request(h), body))
	assert.NotEmpty(t, h.Get("X-Custom-Signature"))
	assert.NoError(t, v.Verify(request(h), body))
}

func TestHMACSignReplaces(t *testing.T) {
	v := mustHMAC(t, verify.SafetyCulture("s"))
	h := hdr("X-Safetyculture-Signature", "stale")
	require.NoError(t, v.Sign(request(h), body))
	require.NoError(t, v.Sign(request(h), body))
	assert.Len(t, h.Values("X-Safetyculture-Signature"), 1)
	assert.NoError(t, v.Verify(request(h), body))
}

func TestHMACKeepsItsOwnSecretCopy(t *testing.T) {
	secret := []byte("mutable")
	v := mustHMAC(t, verify.HMACConfig{Header: "X-Sig", Secrets: [][]byte{secret}})
	h := http.Header{}
	require.NoError(t, v.Sign(request(h), body))
	copy(secret, "XXXXXXX")
	assert.NoError(t, v.Verify(request(h), body))
}

func TestNewHMACConfigErrors(t *testing.T) {
	key := [][]byte{[]byte("k")}
	tests := []struct {
		name string
		cfg  verify.HMACConfig
	}{
		{"no header", verify.HMACConfig{Secrets: key}},
		{"no secrets", verify.HMACConfig{Header: "X-Sig"}},
		{"preset without secrets", verify.SafetyCulture()},
		{"empty secret", verify.HMACConfig{Header: "X-Sig", Secrets: [][]byte{[]byte("k"), {}}}},
		{"empty preset secret", verify.GitHub("")},
		{"unknown algorithm", verify.HMACConfig{Header: "X-Sig", Algorithm: verify.Algorithm(42), Secrets: key}},
		{"unknown encoding", verify.HMACConfig{Header: "X-Sig", Encoding: verify.Encoding(7), Secrets: key}},
		{"negative tolerance", verify.HMACConfig{Header: "X-Sig", TimestampHeader: "X-Ts", Tolerance: -time.Second, Secrets: key}},
		{"sub-second tolerance", verify.HMACConfig{Header: "X-Sig", TimestampHeader: "X-Ts", Tolerance: time.Millisecond, Secrets: key}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := verify.NewHMAC(tt.cfg)
			assert.ErrorIs(t, err, verify.ErrConfig)
			assert.Nil(t, v)
		})
	}
}

func flipHex(s string) string {
	b, _ := hex.DecodeString(s)
	b[len(b)-1] ^= 1
	return hex.EncodeToString(b)
}
