package rawbody_test

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/internal/rawbody"
)

// rewind is a body that can be read again from the start without allocating.
type rewind struct{ *bytes.Reader }

func (rewind) Close() error { return nil }

// counted counts the bytes read through it and fails the test past max.
type counted struct {
	t   *testing.T
	r   io.Reader
	n   int
	max int
}

func (c *counted) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	if c.n > c.max {
		c.t.Errorf("read %d bytes, want at most %d", c.n, c.max)
	}
	return n, err
}

func (*counted) Close() error { return nil }

// untouchable fails the test when read.
type untouchable struct{ t *testing.T }

func (u untouchable) Read([]byte) (int, error) {
	u.t.Error("the body was read")
	return 0, io.EOF
}

func (untouchable) Close() error { return nil }

func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('a' + i%26)
	}
	return b
}

func request(body io.ReadCloser, contentLength int64) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/", nil)
	r.Body, r.ContentLength = body, contentLength
	return r
}

func TestReadDeclaredLengthIsOneAllocation(t *testing.T) {
	for _, n := range []int{1, 1000, 32 << 10} {
		want := pattern(n)
		body := rewind{bytes.NewReader(want)}
		r := request(body, int64(n))
		var got []byte
		allocs := testing.AllocsPerRun(20, func() {
			body.Reset(want)
			var err error
			got, err = rawbody.Read(r, 1<<20)
			if err != nil {
				t.Fatal(err)
			}
		})
		assert.Equal(t, 1.0, allocs, "%d bytes", n)
		assert.Equal(t, want, got)
		assert.Equal(t, n, cap(got), "exactly the declared size")
	}
}

func TestReadOverHTTP(t *testing.T) {
	want := pattern(5000)
	var got []byte
	var readErr error
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, readErr = rawbody.Read(r, 1<<20)
	}))
	defer srv.Close()
	res, err := http.Post(srv.URL, "application/json", bytes.NewReader(want))
	require.NoError(t, err)
	require.NoError(t, res.Body.Close())
	require.NoError(t, readErr)
	assert.Equal(t, want, got)
	assert.Equal(t, len(want), cap(got), "net/http's body ends without a larger buffer")
}

func TestReadGrowsWithTheBytes(t *testing.T) {
	for _, n := range []int{0, 1, 511, 512, 513, 4096, 100 << 10} {
		want := pattern(n)
		got, err := rawbody.Read(request(io.NopCloser(bytes.NewReader(want)), -1), 1<<20)
		require.NoError(t, err)
		assert.Equal(t, want, got, "%d bytes", n)
		assert.LessOrEqual(t, cap(got), 2*n+512, "%d bytes", n)
	}
	t.Run("declared large, sent small", func(t *testing.T) {
		got, err := rawbody.Read(request(io.NopCloser(strings.NewReader("hello")), 8<<20), 8<<20)
		require.NoError(t, err)
		assert.Equal(t, "hello", string(got))
		assert.LessOrEqual(t, cap(got), 32<<10, "the first allocation is bounded")
	})
	t.Run("readers that say nothing on a zero-length read", func(t *testing.T) {
		want := pattern(3000)
		for name, r := range map[string]io.Reader{
			"one byte":       iotest.OneByteReader(bytes.NewReader(want)),
			"half":           iotest.HalfReader(bytes.NewReader(want)),
			"EOF with data":  iotest.DataErrReader(bytes.NewReader(want)),
			"timeout, retry": iotest.TimeoutReader(bytes.NewReader(want)),
		} {
			got, err := rawbody.Read(request(io.NopCloser(r), int64(len(want))), 1<<20)
			if name == "timeout, retry" {
				assert.ErrorIs(t, err, rawbody.ErrRead, name)
				assert.ErrorIs(t, err, iotest.ErrTimeout, name)
				continue
			}
			require.NoError(t, err, name)
			assert.Equal(t, want, got, name)
		}
	})
}

func TestReadLimit(t *testing.T) {
	const limit = 1000
	tests := []struct {
		name          string
		body          func(t *testing.T) io.ReadCloser
		contentLength int64
		wantLen       int // -1: too large
	}{
		{"declared over the limit", func(t *testing.T) io.ReadCloser { return untouchable{t} }, limit + 1, -1},
		{"declared at the limit", func(t *testing.T) io.ReadCloser { return io.NopCloser(bytes.NewReader(pattern(limit))) }, limit, limit},
		{"unknown, at the limit", func(t *testing.T) io.ReadCloser { return io.NopCloser(bytes.NewReader(pattern(limit))) }, -1, limit},
		{"unknown, one byte over", func(t *testing.T) io.ReadCloser {
			return &counted{t: t, r: bytes.NewReader(pattern(limit + 1)), max: limit + 1}
		}, -1, -1},
		{"unknown, far over", func(t *testing.T) io.ReadCloser {
			return &counted{t: t, r: bytes.NewReader(pattern(1 << 20)), max: limit + 1}
		}, -1, -1},
		{"declared small, sent far over", func(t *testing.T) io.ReadCloser {
			return &counted{t: t, r: bytes.NewReader(pattern(1 << 20)), max: limit + 1}
		}, 10, -1},
		{"an outer MaxBytesReader", func(t *testing.T) io.ReadCloser {
			return http.MaxBytesReader(httptest.NewRecorder(), io.NopCloser(bytes.NewReader(pattern(600))), 500)
		}, -1, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := rawbody.Read(request(tt.body(t), tt.contentLength), limit)
			if tt.wantLen >= 0 {
				require.NoError(t, err)
				assert.Len(t, got, tt.wantLen)
				return
			}
			var tooLarge *http.MaxBytesError
			require.ErrorAs(t, err, &tooLarge)
			if tt.name == "an outer MaxBytesReader" {
				assert.Equal(t, int64(500), tooLarge.Limit)
			} else {
				assert.Equal(t, int64(limit), tooLarge.Limit)
			}
			assert.Nil(t, got)
		})
	}
	t.Run("zero limit", func(t *testing.T) {
		got, err := rawbody.Read(request(io.NopCloser(strings.NewReader("")), -1), 0)
		require.NoError(t, err)
		assert.Empty(t, got)
		_, err = rawbody.Read(request(io.NopCloser(strings.NewReader("x")), -1), 0)
		var tooLarge *http.MaxBytesError
		assert.ErrorAs(t, err, &tooLarge)
	})
}

// failAfter sends data and then fails with err.
type failAfter struct {
	data []byte
	err  error
}

func (f *failAfter) Read(p []byte) (int, error) {
	if len(f.data) == 0 {
		return 0, f.err
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, nil
}

func (*failAfter) Close() error { return nil }

func TestReadErrors(t *testing.T) {
	hungUp := errors.New("connection reset")
	tests := []struct {
		name          string
		body          io.ReadCloser
		contentLength int64
		cause         error
	}{
		{"fails at once", &failAfter{err: hungUp}, -1, hungUp},
		{"fails after some bytes", &failAfter{data: pattern(700), err: hungUp}, -1, hungUp},
		{"fails when the declared length is reached", &failAfter{data: pattern(100), err: hungUp}, 100, hungUp},
		{"ends early", &failAfter{data: pattern(10), err: io.ErrUnexpectedEOF}, 100, io.ErrUnexpectedEOF},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := rawbody.Read(request(tt.body, tt.contentLength), 1<<20)
			assert.ErrorIs(t, err, rawbody.ErrRead)
			assert.ErrorIs(t, err, tt.cause)
			assert.Nil(t, got)
		})
	}
}

func TestReadNoBody(t *testing.T) {
	for name, body := range map[string]io.ReadCloser{"nil": nil, "NoBody": http.NoBody} {
		got, err := rawbody.Read(request(body, 0), 10)
		require.NoError(t, err, name)
		assert.NotNil(t, got, name)
		assert.Empty(t, got, name)
	}
}

func TestWith(t *testing.T) {
	body := []byte(`{"event":"create"}`)
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader("consumed"))
	origBody, origCtx := r.Body, r.Context()

	r2 := rawbody.With(r, body)
	require.NotSame(t, r, r2)
	assert.True(t, origBody == r.Body, "r.Body unchanged")
	assert.True(t, origCtx == r.Context(), "r's context unchanged")
	assert.Nil(t, r.GetBody)
	_, ok := rawbody.From(r.Context())
	assert.False(t, ok)

	got, ok := rawbody.From(r2.Context())
	require.True(t, ok)
	assert.Same(t, &body[0], &got[0], "From does not copy")
	read, err := io.ReadAll(r2.Body)
	require.NoError(t, err)
	assert.Equal(t, body, read)
	assert.Equal(t, int64(len(body)), r2.ContentLength)
	require.NoError(t, r2.Body.Close())
	got, ok = rawbody.From(r2.Context())
	require.True(t, ok, "the body is still there after Body is read and closed")
	assert.Equal(t, body, got)
}
