package rawbody_test

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/internal/rawbody"
)

// The goal: a body whose length is declared, up to 32 KiB, is read with exactly one allocation
// of exactly its length, whatever reader carries it. These tests hold Read to it for the bodies
// a receiver meets: an httptest request (a bytes.Reader), the body net/http's server hands a
// handler, and either of them behind http.MaxBytesReader (http.MaxBytesHandler), which answers
// a zero-length read with 0, nil and so cannot tell Read that the body has ended.

// bodyKinds builds, for a body, the readers a receiver meets. Each call returns a fresh body.
var bodyKinds = []struct {
	name string
	body func(b []byte) io.ReadCloser
}{
	{"httptest", func(b []byte) io.ReadCloser {
		return httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(b)).Body
	}},
	{"net/http server body", serverBody},
	{"MaxBytesReader over httptest", func(b []byte) io.ReadCloser {
		return http.MaxBytesReader(nil, io.NopCloser(bytes.NewReader(b)), 8<<20)
	}},
	{"MaxBytesReader over net/http server body", func(b []byte) io.ReadCloser {
		return http.MaxBytesReader(nil, serverBody(b), 8<<20)
	}},
}

// serverBody is the body net/http's server gives a handler for a request that declares its
// length: http.ReadRequest builds it the same way.
func serverBody(b []byte) io.ReadCloser {
	wire := "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: " + strconv.Itoa(len(b)) + "\r\n\r\n" + string(b)
	r, err := http.ReadRequest(bufio.NewReader(bytes.NewReader([]byte(wire))))
	if err != nil {
		panic(err)
	}
	return r.Body
}

// bytesPerRun is the mean number of bytes f allocates, by the allocator's size classes, as
// testing.AllocsPerRun counts allocations.
func bytesPerRun(runs int, f func()) uint64 {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	f() // warm up
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range runs {
		f()
	}
	runtime.ReadMemStats(&after)
	return (after.TotalAlloc - before.TotalAlloc) / uint64(runs)
}

var sink []byte

func TestReadIsOneRightSizedAllocation(t *testing.T) {
	for _, kind := range bodyKinds {
		for _, n := range []int{1, 2748, 4096, 32 << 10} {
			t.Run(fmt.Sprintf("%s/%d", kind.name, n), func(t *testing.T) {
				want := pattern(n)
				const runs = 50
				// The requests are built before counting: only Read is measured.
				reqs := make([]*http.Request, 2*runs+2)
				for i := range reqs {
					reqs[i] = request(kind.body(want), int64(n))
				}
				next := 0
				var got []byte
				read := func() {
					var err error
					got, err = rawbody.Read(reqs[next], 8<<20)
					next++
					if err != nil {
						t.Fatal(err)
					}
				}
				allocs := testing.AllocsPerRun(runs, read)
				assert.Equal(t, 1.0, allocs, "one allocation")
				assert.Equal(t, want, got)
				assert.Equal(t, n, cap(got), "of exactly the declared length")

				next = 0
				readBytes := bytesPerRun(runs, read)
				exact := bytesPerRun(runs, func() { sink = make([]byte, n) })
				assert.Equal(t, exact, readBytes, "bytes allocated per read: those of make([]byte, %d)", n)
			})
		}
	}
}

func TestReadLargeDeclaredBodyEndsExact(t *testing.T) {
	for _, kind := range bodyKinds {
		for _, n := range []int{32<<10 + 1, 100 << 10, 1 << 20} {
			want := pattern(n)
			got, err := rawbody.Read(request(kind.body(want), int64(n)), 8<<20)
			require.NoError(t, err)
			assert.Equal(t, want, got, "%s: %d bytes", kind.name, n)
			assert.Equal(t, n, cap(got), "%s: %d bytes: the last growth stops at the declared length", kind.name, n)
		}
	}
}

func TestReadMoreThanDeclared(t *testing.T) {
	// A body longer than it declared (no net/http body does this): every byte is read, under
	// the limit, behind a MaxBytesReader too.
	for _, n := range []int{1, 100, 600, 5000} {
		want := pattern(n + 700)
		body := http.MaxBytesReader(nil, io.NopCloser(bytes.NewReader(want)), 1<<20)
		got, err := rawbody.Read(request(body, int64(n)), 1<<20)
		require.NoError(t, err)
		assert.Equal(t, want, got, "declared %d", n)

		body = http.MaxBytesReader(nil, io.NopCloser(bytes.NewReader(want)), 1<<20)
		_, err = rawbody.Read(request(body, int64(n)), int64(n+699))
		var tooLarge *http.MaxBytesError
		assert.ErrorAs(t, err, &tooLarge, "declared %d, one byte over the limit", n)
	}
}

// TestReadOverHTTPServer reads bodies the way a receiver does behind a real net/http server,
// with and without http.MaxBytesHandler in front: the buffer is exactly the body.
func TestReadOverHTTPServer(t *testing.T) {
	for _, wrap := range []bool{false, true} {
		var got []byte
		var readErr error
		var h http.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			got, readErr = rawbody.Read(r, 8<<20)
		})
		if wrap {
			h = http.MaxBytesHandler(h, 8<<20)
		}
		srv := httptest.NewServer(h)
		for _, n := range []int{1, 2748, 32 << 10, 100 << 10} {
			want := pattern(n)
			res, err := http.Post(srv.URL, "application/json", bytes.NewReader(want))
			require.NoError(t, err)
			require.NoError(t, res.Body.Close())
			require.NoError(t, readErr)
			assert.Equal(t, want, got)
			assert.Equal(t, n, cap(got), "MaxBytesHandler %t, %d bytes", wrap, n)
		}
		srv.Close()
	}
}

// BenchmarkRead reads bodies of each kind and size: B/op against the body's size (MB/s is
// set from it) shows what a read allocates; for declared lengths up to 32 KiB it is the size
// class of the body's length.
func BenchmarkRead(b *testing.B) {
	for _, kind := range bodyKinds {
		for _, n := range []int{2748, 32 << 10, 100 << 10} {
			b.Run(fmt.Sprintf("%s/%d", kind.name, n), func(b *testing.B) {
				want := pattern(n)
				reqs := make([]*http.Request, 256)
				b.SetBytes(int64(n))
				b.ReportAllocs()
				i := len(reqs)
				for b.Loop() {
					if i == len(reqs) {
						b.StopTimer()
						for j := range reqs {
							reqs[j] = request(kind.body(want), int64(n))
						}
						i = 0
						b.StartTimer()
					}
					got, err := rawbody.Read(reqs[i], 8<<20)
					i++
					if err != nil || len(got) != n {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
