package partoo

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
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
