package partoo

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/partoo-go/partoo/gen"
)

func TestCanonicalAPIKeyHeader(t *testing.T) {
	if got := http.CanonicalHeaderKey(APIKeyHeader); got != canonicalAPIKeyHeader {
		t.Errorf("http.CanonicalHeaderKey(%q) = %q, the client sets %q", APIKeyHeader, got, canonicalAPIKeyHeader)
	}
}

// TestCrossOriginRedirectTable checks the origin rule on its own: another
// scheme (https to http), host or port is refused.
func TestCrossOriginRedirectTable(t *testing.T) {
	t.Parallel()
	var hits atomic.Int64
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	t.Cleanup(target.Close)
	tls := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// https to http, to another port of the same host.
		http.Redirect(w, r, target.URL+r.URL.Path, http.StatusTemporaryRedirect)
	}))
	t.Cleanup(tls.Close)
	c, err := NewClient("test-key", WithBaseURL(tls.URL+"/v2"), WithTransport(tls.Client().Transport))
	if err != nil {
		t.Fatal(err)
	}
	h := gen.CustomHeaders{"X-Auth-Token": "secret"}
	_, err = c.Webhooks.Update(context.Background(), 1, gen.UpdateWebhookPayload{CustomHeaders: &h})
	if !errors.Is(err, ErrCrossOriginRedirect) {
		t.Fatalf("err = %v, want ErrCrossOriginRedirect", err)
	}
	if !strings.Contains(err.Error(), strings.TrimPrefix(target.URL, "http://")) {
		t.Errorf("err = %v, want it to name the target host", err)
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the http target received %d requests, want 0", n)
	}
}

// TestHeaderValuesApart: the values of the headers the client sets share
// one array, so a transport that appends to one of them must not overwrite
// another.
func TestHeaderValuesApart(t *testing.T) {
	t.Parallel()
	var got http.Header
	rt := roundTripFunc(func(req *http.Request) (*http.Response, error) {
		for _, name := range []string{canonicalAPIKeyHeader, "User-Agent", "Accept"} {
			req.Header[name] = append(req.Header[name], "appended")
		}
		got = req.Header.Clone()
		body := `{"id":1}`
		return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
			Body: io.NopCloser(strings.NewReader(body)), ContentLength: int64(len(body)), Request: req}, nil
	})
	c, err := NewClient("test-key", WithBaseURL("https://api.example.com/v2"), WithTransport(rt), WithUserAgent("agent"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Webhooks.Get(context.Background(), 1); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string][]string{
		canonicalAPIKeyHeader: {"test-key", "appended"},
		"User-Agent":          {"agent", "appended"},
		"Accept":              {"application/json", "appended"},
	} {
		if !slices.Equal(got[name], want) {
			t.Errorf("%s = %q, want %q", name, got[name], want)
		}
	}
}

// TestReadResponseBody: the body read into memory is exact at every
// boundary of its growth, and one byte over the limit of a body of unknown
// length is refused.
func TestReadResponseBody(t *testing.T) {
	t.Parallel()
	const limit = 3 << 20
	for _, tt := range []struct {
		size     int
		announce bool
		tooLarge bool
	}{
		{0, false, false}, {1, false, false}, {minChunk, false, false}, {minChunk + 1, false, false},
		{firstChunk, false, false}, {firstChunk + 1, false, false}, {limit, false, false}, {limit + 1, false, true},
		{0, true, false}, {firstChunk, true, false}, {firstChunk + 1, true, false}, {2*firstChunk + 3, true, false}, {limit, true, false},
	} {
		body := bytes.Repeat([]byte("0123456789"), tt.size/10+1)[:tt.size]
		n := int64(-1)
		if tt.announce {
			n = int64(tt.size)
		}
		got, err := readResponseBody(bytes.NewReader(body), n, limit)
		switch {
		case tt.tooLarge:
			if !errors.Is(err, ErrResponseTooLarge) {
				t.Errorf("%d bytes, announced %t: err = %v, want ErrResponseTooLarge", tt.size, tt.announce, err)
			}
		case err != nil || !bytes.Equal(got, body):
			t.Errorf("%d bytes, announced %t: got %d bytes, err %v", tt.size, tt.announce, len(got), err)
		}
	}
	// An announced body that ends early is cut.
	if _, err := readResponseBody(bytes.NewReader(make([]byte, firstChunk+10)), 2*firstChunk, limit); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("short announced body: err = %v, want io.ErrUnexpectedEOF", err)
	}
}
