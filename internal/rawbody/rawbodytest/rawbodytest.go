// Package rawbodytest speaks HTTP/1.1 over raw TCP to a handler behind a real net/http server,
// as a sender that declares a body and then stalls: for the tests of every stage that answers
// before the body is read (verify, ratelimit, events, idempotency, receiver), which check that
// the answer comes at once with "Connection: close" and that the server closes the connection
// (see rawbody.CloseUnread).
//
// net/http reads and discards up to 256 KiB of a body the handler left unread before it writes
// the response, unless the response says "Connection: close", and reads as much again before
// it closes the connection. Server's read timeout is a minute and a Conn's deadline Deadline,
// so a server that waits for the body fails the test instead of answering late.
package rawbodytest

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Deadline bounds every exchange on a Conn: generous for a loaded machine, far below Server's
// read timeout, which a server that drains the body would wait for.
const Deadline = 10 * time.Second

// Declared is what a stalling sender declares: below net/http's 256 KiB limit, so that the
// server would try to drain it.
const Declared = 200 << 10

// Server serves h over HTTP/1.1 on loopback with a read timeout of a minute; it is closed when
// the test ends.
func Server(t testing.TB, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ReadTimeout = time.Minute
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

// Conn is an HTTP/1.1 client on one TCP connection that writes requests byte for byte.
type Conn struct {
	t    testing.TB
	conn net.Conn
	br   *bufio.Reader
}

// Dial connects to srv with a deadline of Deadline from now. The connection is closed when the
// test ends, before a Server dialled after it was made is closed.
func Dial(t testing.TB, srv *httptest.Server) *Conn {
	t.Helper()
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	require.NoError(t, conn.SetDeadline(time.Now().Add(Deadline)))
	return &Conn{t: t, conn: conn, br: bufio.NewReader(conn)}
}

// Send writes the head of a request for path with header and a Content-Length of declared
// (chunked encoding when declared is negative), then body as it is, which may be only the start
// of what was declared.
func (c *Conn) Send(method, path string, header http.Header, declared int, body string) {
	c.t.Helper()
	var b strings.Builder
	b.WriteString(method + " " + path + " HTTP/1.1\r\nHost: example.test\r\n")
	for k, vs := range header {
		for _, v := range vs {
			b.WriteString(k + ": " + v + "\r\n")
		}
	}
	if declared >= 0 {
		b.WriteString("Content-Length: " + strconv.Itoa(declared) + "\r\n")
	} else {
		b.WriteString("Transfer-Encoding: chunked\r\n")
	}
	b.WriteString("\r\n" + body)
	_, err := io.WriteString(c.conn, b.String())
	require.NoError(c.t, err)
}

// Response reads one response and its body. res.Close reports "Connection: close".
func (c *Conn) Response() (res *http.Response, body string) {
	c.t.Helper()
	res, err := http.ReadResponse(c.br, nil)
	require.NoError(c.t, err, "no answer within %v: the server is waiting for the body", Deadline)
	b, err := io.ReadAll(res.Body)
	require.NoError(c.t, err)
	return res, string(b)
}

// RequireClosed fails the test unless the server closes (or resets) the connection, with
// nothing more to read, before the deadline.
func (c *Conn) RequireClosed() {
	c.t.Helper()
	_, err := c.br.ReadByte()
	if ne, ok := errors.AsType[net.Error](err); ok && ne.Timeout() {
		c.t.Fatalf("the server kept the connection open for %v after answering", Deadline)
	}
	if !errors.Is(err, syscall.ECONNRESET) { // a close with unread bytes resets the connection
		require.ErrorIs(c.t, err, io.EOF, "the server closes the connection")
	}
}

// EarlyAnswer serves h behind a new Server and sends it, on a new Conn, the head of a request
// and sent, the start of a body of declared bytes (chunked when declared is negative), then
// nothing more. It returns the answer after requiring that it came at once with
// "Connection: close" and that the server then closed the connection.
func EarlyAnswer(t testing.TB, h http.Handler, method, path string, header http.Header, declared int, sent string) (res *http.Response, body string) {
	t.Helper()
	c := Dial(t, Server(t, h))
	c.Send(method, path, header, declared, sent)
	res, body = c.Response()
	require.True(t, res.Close, "the answer carries Connection: close")
	c.RequireClosed()
	return res, body
}
