package partootest_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/partoo-go/partoo"
	"github.com/partoo-go/partoo/gen"
	"github.com/partoo-go/partoo/partootest"
)

// rawDo sends a request with the server's key through a plain http.Client
// (no retries) and reads the whole body; err is the transport or read
// error.
func rawDo(srv *partootest.Server, method, path, body string) (status int, header http.Header, b []byte, err error) {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, srv.URL+path, rd)
	if err != nil {
		return 0, nil, nil, err
	}
	req.Header.Set(partoo.APIKeyHeader, srv.APIKey)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	client, done := isolatedClient(10 * time.Second)
	defer done()
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	b, err = io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, b, err
}

func statuses(t *testing.T, srv *partootest.Server, method, path string, n int) []int {
	t.Helper()
	var out []int
	for range n {
		status, _, _, err := rawDo(srv, method, path, "")
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		out = append(out, status)
	}
	return out
}

func TestFaultStatus(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		fault  partootest.Fault
		method string
		paths  []string
		want   []int
	}{
		{
			name:  "next two requests",
			fault: partootest.Fault{Times: 2, Status: 503},
			paths: []string{"/webhooks", "/webhooks/1", "/webhooks"},
			want:  []int{503, 503, 200},
		},
		{
			name:  "exact path only",
			fault: partootest.Fault{Path: "/webhooks/1", Status: 500},
			paths: []string{"/webhooks", "/webhooks/1", "/webhooks/1"},
			want:  []int{200, 500, 500},
		},
		{
			name:  "path template",
			fault: partootest.Fault{Path: "/webhooks/{webhook_id}", Status: 502},
			paths: []string{"/webhooks/1", "/webhooks/2", "/webhooks"},
			want:  []int{502, 502, 200},
		},
		{
			name:  "another method",
			fault: partootest.Fault{Method: "post", Status: 500},
			paths: []string{"/webhooks", "/webhooks/1"},
			want:  []int{200, 200},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := partootest.NewTestServer(t)
			addWebhooks(t, srv, gen.WebhookItem{ID: 1, URL: "https://a.example", EventType: gen.EventTypeLeadReceived})
			srv.AddFault(tt.fault)
			var got []int
			for _, p := range tt.paths {
				got = append(got, statuses(t, srv, "GET", p, 1)...)
			}
			if !equalInts(got, tt.want) {
				t.Errorf("statuses %v, want %v", got, tt.want)
			}
			var faulted int
			for _, r := range srv.Requests() {
				if r.Faulted {
					faulted++
				}
			}
			wantFaulted := 0
			for _, s := range tt.want {
				if s == tt.fault.Status {
					wantFaulted++
				}
			}
			if faulted != wantFaulted || srv.RequestCount() != len(tt.paths) {
				t.Errorf("log: %d requests, %d faulted; want %d and %d", srv.RequestCount(), faulted, len(tt.paths), wantFaulted)
			}
		})
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestFaultRetryAfterAndClear(t *testing.T) {
	t.Parallel()
	srv := partootest.NewTestServer(t)
	srv.AddFault(partootest.Fault{Path: "/webhooks", Status: 429, Header: http.Header{"Retry-After": {"1"}}})
	for range 3 {
		status, h, body, err := rawDo(srv, "GET", "/webhooks", "")
		if err != nil || status != 429 || h.Get("Retry-After") != "1" || len(body) != 0 {
			t.Fatalf("got %d Retry-After=%q body=%q err=%v; want 429, Retry-After 1, no body (the spec declares none)", status, h.Get("Retry-After"), body, err)
		}
	}
	srv.ClearFaults()
	if got := statuses(t, srv, "GET", "/webhooks", 1); got[0] != 200 {
		t.Errorf("after ClearFaults: %d, want 200", got[0])
	}
}

func TestFaultDefaultAndCustomBodies(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name            string
		fault           partootest.Fault
		wantBody        string
		wantContentType string
	}{
		{"spec body for 404", partootest.Fault{Status: 404}, `{"errors":{"json":"Resource not found"}}`, "application/json"},
		{"no spec body for 500", partootest.Fault{Status: 500}, ``, ""},
		{"HTML page", partootest.Fault{Status: 502, Body: []byte("<html><body>Bad gateway</body></html>")}, "<html><body>Bad gateway</body></html>", "text/html; charset=utf-8"},
		{"explicit content type", partootest.Fault{Status: 500, Body: []byte("oops"), Header: http.Header{"Content-Type": {"text/x-custom"}}}, "oops", "text/x-custom"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := partootest.NewTestServer(t)
			srv.AddFault(tt.fault)
			status, h, body, err := rawDo(srv, "GET", "/webhooks", "")
			if err != nil || status != tt.fault.Status {
				t.Fatalf("status %d, err %v", status, err)
			}
			if string(body) != tt.wantBody || h.Get("Content-Type") != tt.wantContentType {
				t.Errorf("body %q (%s), want %q (%s)", body, h.Get("Content-Type"), tt.wantBody, tt.wantContentType)
			}
		})
	}
}

func TestFaultModes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		mode partootest.Mode
		// check inspects the outcome of a GET /webhooks/1.
		check func(t *testing.T, status int, body []byte, err error)
	}{
		{"drop", partootest.ModeDrop, func(t *testing.T, status int, body []byte, err error) {
			if err == nil {
				t.Errorf("no transport error (status %d)", status)
			}
		}},
		{"cut mid-body", partootest.ModeCutMidBody, func(t *testing.T, status int, body []byte, err error) {
			if status != 200 || !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Errorf("status %d, err %v; want 200 then io.ErrUnexpectedEOF while reading", status, err)
			}
		}},
		{"truncate", partootest.ModeTruncate, func(t *testing.T, status int, body []byte, err error) {
			if status != 200 || err != nil || json.Valid(body) || len(body) == 0 {
				t.Errorf("status %d, err %v, body %q; want 200 with a truncated JSON body", status, err, body)
			}
		}},
		{"empty body", partootest.ModeEmptyBody, func(t *testing.T, status int, body []byte, err error) {
			if status != 200 || err != nil || len(body) != 0 {
				t.Errorf("status %d, err %v, body %q; want 200 with no body", status, err, body)
			}
		}},
		{"complete", partootest.ModeComplete, func(t *testing.T, status int, body []byte, err error) {
			if status != 200 || err != nil || !json.Valid(body) {
				t.Errorf("status %d, err %v, body %q; want 200 with JSON", status, err, body)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := partootest.NewTestServer(t)
			addWebhooks(t, srv, gen.WebhookItem{ID: 1, URL: "https://a.example", EventType: gen.EventTypeLeadReceived})
			srv.AddFault(partootest.Fault{Method: "GET", Path: "/webhooks/{webhook_id}", Times: 1, Mode: tt.mode})
			status, _, body, err := rawDo(srv, "GET", "/webhooks/1", "")
			tt.check(t, status, body, err)
			if got := statuses(t, srv, "GET", "/webhooks/1", 1); got[0] != 200 {
				t.Errorf("after the fault: %d, want 200", got[0])
			}
		})
	}
}

// A fault without Status lets the request through: the server changes its
// state even though the client sees a failure. Resilience tests rely on
// this to prove that a create is never sent twice.
func TestFaultAfterProcessing(t *testing.T) {
	t.Parallel()
	for _, mode := range []partootest.Mode{partootest.ModeDrop, partootest.ModeCutMidBody} {
		t.Run(mode.String(), func(t *testing.T) {
			t.Parallel()
			srv := partootest.NewTestServer(t)
			srv.AddFault(partootest.Fault{Method: "POST", Path: "/webhooks", Times: 1, Mode: mode})
			_, err := srv.Client().Webhooks.Create(context.Background(), payload(gen.WebhookCreateItem{URL: "https://a.example", EventType: gen.EventTypeLeadReceived}))
			if err == nil {
				t.Fatal("create succeeded through the fault")
			}
			if n := len(srv.Webhooks()); n != 1 {
				t.Errorf("%d webhooks stored, want 1: the request was processed before the failure", n)
			}
			if log := srv.Requests(); len(log) != 1 || !log[0].Faulted {
				t.Errorf("log %+v, want one faulted POST: a create must not be retried", log)
			}
		})
	}
	t.Run("canned status has no effect", func(t *testing.T) {
		t.Parallel()
		srv := partootest.NewTestServer(t)
		srv.AddFault(partootest.Fault{Method: "POST", Status: 503})
		status, _, _, err := rawDo(srv, "POST", "/webhooks", `{"items":[{"url":"https://a.example","event_type":"lead_received"}]}`)
		if err != nil || status != 503 {
			t.Fatalf("status %d, err %v", status, err)
		}
		if n := len(srv.Webhooks()); n != 0 {
			t.Errorf("%d webhooks stored after a canned 503, want 0", n)
		}
	})
}

func TestFaultDelay(t *testing.T) {
	t.Parallel()
	t.Run("latency", func(t *testing.T) {
		t.Parallel()
		srv := partootest.NewTestServer(t)
		srv.AddFault(partootest.Fault{Delay: 50 * time.Millisecond, Times: 1})
		start := time.Now()
		got := statuses(t, srv, "GET", "/webhooks", 1)
		if d := time.Since(start); d < 50*time.Millisecond || got[0] != 200 {
			t.Errorf("status %d after %v, want 200 after at least 50ms", got[0], d)
		}
	})
	t.Run("client gives up", func(t *testing.T) {
		t.Parallel()
		srv := partootest.NewTestServer(t)
		srv.AddFault(partootest.Fault{Method: "POST", Delay: time.Hour})
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		_, err := srv.Client().Webhooks.Create(ctx, payload(gen.WebhookCreateItem{URL: "https://a.example", EventType: gen.EventTypeLeadReceived}))
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("err %v, want context.DeadlineExceeded", err)
		}
		srv.Close() // waits for the handler to return
		if n := len(srv.Webhooks()); n != 0 {
			t.Errorf("%d webhooks stored: a request abandoned during its delay must not be handled", n)
		}
	})
}

func TestFaultLargeBody(t *testing.T) {
	t.Parallel()
	const size = 10 << 20
	srv := partootest.NewTestServer(t)
	srv.AddFault(partootest.Fault{Status: 500, Body: []byte("error "), BodySize: size, Times: 1})
	req, _ := http.NewRequest("GET", srv.URL+"/webhooks", nil)
	client, done := isolatedClient(0)
	defer done()
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	head := make([]byte, 12)
	io.ReadFull(resp.Body, head)
	n, err := io.Copy(io.Discard, resp.Body)
	if err != nil || n+12 != size || resp.ContentLength != size || string(head) != "error error " {
		t.Errorf("read %d bytes (Content-Length %d, start %q, err %v), want %d bytes of %q repeated", n+12, resp.ContentLength, head, err, size, "error ")
	}

	srv.AddFault(partootest.Fault{Status: 500, BodySize: size, Times: 1})
	_, err = srv.Client().Webhooks.Get(context.Background(), 1)
	var apiErr *partoo.APIError
	if !errors.As(err, &apiErr) || len(apiErr.Body) > partoo.MaxErrorBodySize {
		t.Errorf("client error %T with a %d-byte body, want an *APIError capped at %d", err, len(apiErr.Body), partoo.MaxErrorBodySize)
	}
}

func TestAddFaultPanicsOnInvalidFault(t *testing.T) {
	t.Parallel()
	srv := partootest.NewTestServer(t)
	tests := []struct {
		name  string
		fault partootest.Fault
	}{
		{"negative times", partootest.Fault{Times: -1}},
		{"negative delay", partootest.Fault{Delay: -time.Second}},
		{"status out of range", partootest.Fault{Status: 42}},
		{"unknown mode", partootest.Fault{Mode: partootest.Mode(99)}},
		{"relative path", partootest.Fault{Path: "webhooks"}},
		{"body size without status", partootest.Fault{BodySize: 10}},
		{"negative body size", partootest.Fault{Status: 500, BodySize: -1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if s, _ := recover().(string); !strings.HasPrefix(s, "partootest: AddFault: ") {
					t.Errorf("recovered %q, want a partootest: AddFault: panic", s)
				}
			}()
			srv.AddFault(tt.fault)
		})
	}
}

func TestModeString(t *testing.T) {
	t.Parallel()
	for mode, want := range map[partootest.Mode]string{
		partootest.ModeComplete: "Complete", partootest.ModeDrop: "Drop", partootest.ModeCutMidBody: "CutMidBody",
		partootest.ModeTruncate: "Truncate", partootest.ModeEmptyBody: "EmptyBody", partootest.Mode(9): "Mode(9)",
	} {
		if got := mode.String(); got != want {
			t.Errorf("Mode(%d).String() = %q, want %q", int(mode), got, want)
		}
	}
}

// A drop on a connection the client reuses must still reach the client:
// Go's transport would otherwise resend the GET on a new connection and
// hide the failure.
func TestFaultDropOnReusedConnection(t *testing.T) {
	t.Parallel()
	srv := partootest.NewTestServer(t)
	client := &http.Client{Transport: &http.Transport{}}
	defer client.CloseIdleConnections()
	get := func() error {
		req, _ := http.NewRequest("GET", srv.URL+"/webhooks", nil)
		req.Header.Set(partoo.APIKeyHeader, srv.APIKey)
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		io.Copy(io.Discard, resp.Body)
		return resp.Body.Close()
	}
	for range 3 {
		if err := get(); err != nil {
			t.Fatal(err)
		}
	}
	srv.AddFault(partootest.Fault{Times: 1, Mode: partootest.ModeDrop})
	if err := get(); err == nil {
		t.Error("the drop was hidden: the request succeeded")
	}
	if err := get(); err != nil {
		t.Errorf("after the drop: %v", err)
	}
	if n := srv.RequestCount(); n != 5 {
		t.Errorf("%d requests logged, want 5 (3, the dropped one, 1)", n)
	}
}
