package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/spf13/pflag"

	"github.com/inspecthook/inspecthook"
)

// init registers the deliver command of the listen scripts.
func init() {
	scriptCmds["deliver"] = cmdListenDeliver
}

// cmdListenDeliver is the scripts' stand-in for a provider sending one delivery:
//
//	deliver URL PROVIDER BODY [--secret S] [--scheme X] [scheme flags] [--header 'Name: value']...
//	        [--content-type T] [--status N] [--out FILE]
//
// BODY is the name of one of PROVIDER's embedded fixtures, or file:NAME for a file of the
// script's directory. The body is signed as PROVIDER signs it with the first --secret and the
// scheme flags of the inspecthook commands (no --secret: not signed; another secret than the
// listener's: forged), after the --header headers are set, and POSTed to URL. The delivery must
// be answered 2xx (with !, anything else), or N with --status. --out writes the status and the
// answer's body to FILE, one after the other on two lines.
func cmdListenDeliver(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 3 {
		ts.Fatalf("usage: deliver URL PROVIDER BODY [flags]")
	}
	target, provider, bodyName := args[0], args[1], args[2]
	fs := pflag.NewFlagSet("deliver", pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var (
		auth        authFlags
		headers     []string
		contentType string
		want        int
		out         string
	)
	auth.register(fs, func(string) string { return "" }, "the secret to sign with")
	fs.StringArrayVar(&headers, "header", nil, "a header to send, 'Name: value'")
	fs.StringVar(&contentType, "content-type", "application/json", "the Content-Type")
	fs.IntVar(&want, "status", 0, "the status the delivery must be answered")
	fs.StringVar(&out, "out", "", "a file for the status and the answer")
	if err := fs.Parse(args[3:]); err != nil {
		ts.Fatalf("deliver: %v", err)
	}
	if fs.NArg() > 0 {
		ts.Fatalf("deliver: unexpected arguments %q", fs.Args())
	}

	p, err := lookupProvider(provider)
	ts.Check(err)
	body := listenDeliverBody(ts, p.name, bodyName)

	req, err := http.NewRequest(http.MethodPost, target, bytes.NewReader(body))
	ts.Check(err)
	req.Header.Set("Content-Type", contentType)
	for _, h := range headers {
		name, value, ok := strings.Cut(h, ":")
		if !ok {
			ts.Fatalf("deliver: header %q is not 'Name: value'", h)
		}
		req.Header.Add(strings.TrimSpace(name), strings.TrimSpace(value))
	}
	if len(auth.secrets) > 0 || auth.jwtKeyFile != "" {
		signer, err := auth.signer(p, nil)
		ts.Check(err)
		ts.Check(signer.Sign(req, body))
	}

	client := &http.Client{Timeout: 20 * time.Second}
	resp, err := client.Do(req)
	ts.Check(err)
	answer, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	ts.Check(err)
	ts.Logf("deliver %s %s: %d %q", provider, bodyName, resp.StatusCode, answer)
	if out != "" {
		ts.Check(os.WriteFile(ts.MkAbs(out), fmt.Appendf(nil, "%d\n%s", resp.StatusCode, answer), 0o644))
	}
	var ok bool
	if want != 0 {
		ok = resp.StatusCode == want
	} else {
		ok = resp.StatusCode >= 200 && resp.StatusCode < 300
	}
	if ok == neg {
		expected := "2xx"
		if want != 0 {
			expected = strconv.Itoa(want)
		}
		if neg {
			expected = "not " + expected
		}
		ts.Fatalf("deliver: answered %d %q, want %s", resp.StatusCode, answer, expected)
	}
}

// listenDeliverBody is the body named by deliver's BODY argument: a fixture of provider, or
// file:NAME.
func listenDeliverBody(ts *testscript.TestScript, provider, name string) []byte {
	if file, ok := strings.CutPrefix(name, "file:"); ok {
		body, err := os.ReadFile(ts.MkAbs(file))
		ts.Check(err)
		return body
	}
	fixtures, err := inspecthook.LoadFixtures(provider)
	ts.Check(err)
	for _, f := range fixtures {
		if f.File == provider+"/"+name {
			body, err := f.Body()
			ts.Check(err)
			return body
		}
	}
	ts.Fatalf("deliver: no fixture %s/%s", provider, name)
	return nil
}
