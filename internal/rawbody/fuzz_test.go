package rawbody_test

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"testing"

	"github.com/inspecthook/inspecthook/internal/rawbody"
)

// chunked hands out its bytes in reads of at most step bytes (1 to 16), as a slow sender would;
// with eofWithData, the read that takes the last bytes also reports the end.
type chunked struct {
	b           []byte
	step        int
	eofWithData bool
}

func (c *chunked) Read(p []byte) (int, error) {
	if len(c.b) == 0 {
		return 0, io.EOF
	}
	n := copy(p[:min(len(p), c.step)], c.b)
	c.b = c.b[n:]
	if c.eofWithData && len(c.b) == 0 {
		return n, io.EOF
	}
	return n, nil
}

// countingReader counts the bytes Read takes.
type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

// FuzzRead reads bodies of any bytes, in chunks of any size, under any cap and with any declared
// length: Read returns the body exactly, or a *http.MaxBytesError exactly when it is larger than
// the cap, and never reads more than one byte past the cap.
func FuzzRead(f *testing.F) {
	f.Add([]byte(`{"id":"1"}`), uint8(3), uint16(64), int16(10))
	f.Add([]byte(`{"id":"1"}`), uint8(1), uint16(4), int16(-1))
	f.Add([]byte{}, uint8(5), uint16(0), int16(0))
	f.Add(bytes.Repeat([]byte("x"), 1000), uint8(16), uint16(999), int16(5))
	f.Fuzz(func(t *testing.T, body []byte, step uint8, limit uint16, declared int16) {
		// Odd steps also hand over the end of the body with the last bytes.
		counter := &countingReader{r: &chunked{b: body, step: int(step%16) + 1, eofWithData: step%2 == 1}}
		r := request(io.NopCloser(counter), int64(declared))
		got, err := rawbody.Read(r, int64(limit))
		if counter.n > int(limit)+1 {
			t.Fatalf("read %d bytes under a cap of %d", counter.n, limit)
		}
		var tooLarge *http.MaxBytesError
		switch {
		case int64(declared) > int64(limit) || len(body) > int(limit):
			if !errors.As(err, &tooLarge) || tooLarge.Limit != int64(limit) {
				t.Fatalf("%d bytes (declared %d) under a cap of %d: got %v, want a MaxBytesError", len(body), declared, limit, err)
			}
		case err != nil:
			t.Fatalf("%d bytes under a cap of %d: %v", len(body), limit, err)
		case !bytes.Equal(got, body):
			t.Fatalf("read %q, want %q", got, body)
		}
	})
}
