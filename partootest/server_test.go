package partootest_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/partoo-go/partoo"
	"github.com/partoo-go/partoo/gen"
	"github.com/partoo-go/partoo/partootest"
)

// reply is a raw response: the tests below talk HTTP directly where the
// client would refuse the request locally or retry it.
type reply struct {
	Status int
	Header http.Header
	Body   string
}

// call sends one raw request to srv. key "" sends no x-APIKey; contentType
// "" sends application/json when there is a body.
func call(t *testing.T, srv *partootest.Server, key, method, path, contentType, body string) reply {
	t.Helper()
	return callURL(t, key, method, srv.URL+path, contentType, body)
}

// callURL is call with an absolute URL.
func callURL(t *testing.T, key, method, rawURL, contentType, body string) reply {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, rawURL, rd)
	if err != nil {
		t.Fatal(err)
	}
	if key != "" {
		req.Header.Set(partoo.APIKeyHeader, key)
	}
	if contentType == "" && body != "" {
		contentType = "application/json"
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	client, done := isolatedClient(10 * time.Second)
	defer done()
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, rawURL, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", method, rawURL, err)
	}
	return reply{Status: resp.StatusCode, Header: resp.Header, Body: strings.TrimSpace(string(b))}
}

// isolatedClient returns an HTTP client with a connection pool of its own,
// and the function that closes its idle connections. The tests of this
// package close httptest servers, and closing one closes the idle
// connections of http.DefaultTransport, which would break a request running
// in parallel that shares them.
func isolatedClient(timeout time.Duration) (*http.Client, func()) {
	tr := &http.Transport{}
	return &http.Client{Transport: tr, Timeout: timeout}, tr.CloseIdleConnections
}

// payload is the body of a create or a tryout of items.
func payload(items ...gen.WebhookCreateItem) gen.CreateWebhooksPayload {
	return gen.CreateWebhooksPayload{Items: items}
}

// fieldMessages decodes a 400 body of the spec's shape,
// {"error": {"json": {field: [messages]}}}.
func fieldMessages(t *testing.T, body string) map[string][]string {
	t.Helper()
	var v struct {
		Error struct {
			JSON map[string][]string `json:"json"`
		} `json:"error"`
	}
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatalf("400 body %s: %v", body, err)
	}
	return v.Error.JSON
}

func TestServerShape(t *testing.T) {
	t.Parallel()
	srv := partootest.NewTestServer(t)
	if !strings.HasPrefix(srv.URL, "http://127.0.0.1:") || !strings.HasSuffix(srv.URL, "/v2") {
		t.Errorf("URL = %q, want http://127.0.0.1:<port>/v2", srv.URL)
	}
	if srv.APIKey == "" || srv.OrgID != partootest.DefaultOrgID {
		t.Errorf("APIKey = %q, OrgID = %d", srv.APIKey, srv.OrgID)
	}
	if got := srv.Client().BaseURL(); got != srv.URL {
		t.Errorf("Client().BaseURL() = %q, want %q", got, srv.URL)
	}
	other := partootest.NewTestServer(t)
	if other.URL == srv.URL || other.APIKey == srv.APIKey {
		t.Errorf("two servers share a URL or a key: %q %q", other.URL, other.APIKey)
	}
}

// Closing an httptest.Server closes the idle connections of
// http.DefaultTransport. The clients of a partootest.Server have a pool of
// their own, so their connection survives it, as with httptest.Server.Client.
func TestClientHasItsOwnConnectionPool(t *testing.T) {
	t.Parallel()
	srv := partootest.NewTestServer(t)
	c := srv.Client()
	ctx := context.Background()
	hook, err := c.Webhooks.Create(ctx, payload(gen.WebhookCreateItem{URL: "https://a.example", EventType: gen.EventTypeLeadReceived}))
	if err != nil {
		t.Fatal(err)
	}
	httptest.NewServer(http.NotFoundHandler()).Close()
	if _, err := c.Webhooks.Get(ctx, hook[0].ID); err != nil {
		t.Fatal(err)
	}
	log := srv.Requests()
	if len(log) != 2 || log[0].RemoteAddr == "" {
		t.Fatalf("%d requests logged, first from %q; want 2 with a remote address", len(log), log[0].RemoteAddr)
	}
	if log[0].RemoteAddr != log[1].RemoteAddr {
		t.Errorf("the second request came from %s, the first from %s: closing an httptest.Server closed the client's connection", log[1].RemoteAddr, log[0].RemoteAddr)
	}
}

func TestNewServerPanicsOnBadOptions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opt  partootest.Option
	}{
		{"blank key", partootest.WithAPIKey(" ")},
		{"zero org", partootest.WithOrgID(0)},
		{"provider without orgs", partootest.WithProviderKey("p")},
		{"provider with negative org", partootest.WithProviderKey("p", -1)},
		{"nil logger", partootest.WithLogger(nil)},
		{"bad addr", partootest.WithAddr("no-port")},
		{"nil clock", partootest.WithClock(nil)},
		{"empty request log", partootest.WithRequestLog(0)},
		{"negative request log", partootest.WithRequestLog(-1)},
		{"negative read timeout", partootest.WithTimeouts(partootest.Timeouts{Read: -time.Second})},
		{"negative idle timeout", partootest.WithTimeouts(partootest.Timeouts{Idle: -time.Second})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			defer func() {
				r := recover()
				if s, _ := r.(string); !strings.HasPrefix(s, "partootest: ") {
					t.Errorf("recovered %v, want a panic starting with %q", r, "partootest: ")
				}
			}()
			srv := partootest.NewServer(tt.opt)
			srv.Close()
		})
	}
}

func TestClose(t *testing.T) {
	t.Parallel()
	t.Run("twice", func(t *testing.T) {
		t.Parallel()
		srv := partootest.NewServer()
		srv.Close()
		srv.Close()
		if _, err := http.Get(srv.URL + "/webhooks"); err == nil {
			t.Error("the server still answers after Close")
		}
	})
	t.Run("never started", func(t *testing.T) {
		t.Parallel()
		var srv partootest.Server
		srv.Close()
		srv.Close()
	})
	t.Run("ends a delay", func(t *testing.T) {
		t.Parallel()
		srv := partootest.NewServer()
		srv.AddFault(partootest.Fault{Delay: time.Hour})
		errc := make(chan error, 1)
		go func() {
			resp, err := http.Get(srv.URL + "/webhooks")
			if err == nil {
				resp.Body.Close()
			}
			errc <- err
		}()
		for srv.RequestCount() == 0 {
			time.Sleep(time.Millisecond)
		}
		start := time.Now()
		srv.Close()
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("Close took %v with a request in a one-hour delay", d)
		}
		<-errc
	})
}

func TestShutdownLetsRequestsFinish(t *testing.T) {
	t.Parallel()
	srv := partootest.NewServer()
	srv.AddFault(partootest.Fault{Delay: 100 * time.Millisecond})
	type result struct {
		status int
		err    error
	}
	done := make(chan result, 1)
	go func() {
		status, _, _, err := rawDo(srv, "GET", "/webhooks", "")
		done <- result{status, err}
	}()
	for srv.RequestCount() == 0 {
		time.Sleep(time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		t.Errorf("Shutdown: %v", err)
	}
	if r := <-done; r.err != nil || r.status != 200 {
		t.Errorf("the request in flight got %d, %v; want 200", r.status, r.err)
	}
	srv.Close() // after Shutdown, Close does nothing
}

// addWebhooks seeds items (partootest's AddResource) and returns them as
// stored.
func addWebhooks(t testing.TB, srv *partootest.Server, items ...gen.WebhookItem) []gen.WebhookItem {
	t.Helper()
	out := make([]gen.WebhookItem, len(items))
	for i, it := range items {
		b, err := srv.AddResource("/webhooks", it)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b[0], &out[i]); err != nil {
			t.Fatal(err)
		}
	}
	return out
}
