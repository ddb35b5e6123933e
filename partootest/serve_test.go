package partootest_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/partoo-go/partoo"
	"github.com/partoo-go/partoo/gen"
	"github.com/partoo-go/partoo/partootest"
)

// The request log keeps the last N requests, each body cut to
// MaxLoggedBody, while RequestCount counts every request.
func TestRequestLogIsBounded(t *testing.T) {
	t.Parallel()
	const keep, sent = 3, 7
	srv := partootest.NewTestServer(t, partootest.WithRequestLog(keep))
	for i := range sent {
		r := call(t, srv, srv.APIKey, http.MethodPost, fmt.Sprintf("/webhooks?n=%d", i), "", padded(16<<10))
		if r.Status != http.StatusOK {
			t.Fatalf("request %d: %d %s", i, r.Status, r.Body)
		}
	}
	log := srv.Requests()
	if len(log) != keep || srv.RequestCount() != sent {
		t.Fatalf("%d requests kept, RequestCount %d; want %d and %d", len(log), srv.RequestCount(), keep, sent)
	}
	for i, r := range log {
		if want := fmt.Sprint(sent - keep + i); r.Query.Get("n") != want {
			t.Errorf("entry %d is request %s, want %s (the last ones, oldest first)", i, r.Query.Get("n"), want)
		}
		if len(r.Body) != partootest.MaxLoggedBody || !r.BodyTruncated || r.Path != "/v2/webhooks" {
			t.Errorf("entry %d: %d body bytes, truncated %t, path %q; want %d, true, /v2/webhooks", i, len(r.Body), r.BodyTruncated, r.Path, partootest.MaxLoggedBody)
		}
	}
	small := call(t, srv, srv.APIKey, http.MethodGet, "/webhooks", "", "")
	if last := srv.Requests()[keep-1]; small.Status != http.StatusOK || last.BodyTruncated || len(last.Body) != 0 {
		t.Errorf("a request without body: truncated %t, %d bytes", last.BodyTruncated, len(last.Body))
	}
	srv.ClearRequests()
	if srv.RequestCount() != 0 || len(srv.Requests()) != 0 {
		t.Errorf("after ClearRequests: count %d, %d kept", srv.RequestCount(), len(srv.Requests()))
	}
}

func TestRequestLog(t *testing.T) {
	t.Parallel()
	srv := partootest.NewTestServer(t)
	c := srv.Client()
	ctx := context.Background()
	if _, err := c.Webhooks.Create(ctx, payload(gen.WebhookCreateItem{URL: "https://a.example", EventType: gen.EventTypeLeadReceived})); err != nil {
		t.Fatal(err)
	}
	perPage := 5
	for _, err := range c.Webhooks.List(ctx, &gen.GetWebhookListParams{PerPage: &perPage}) {
		if err != nil {
			t.Fatal(err)
		}
	}
	call(t, srv, "", "GET", "/webhooks/1", "", "")

	log := srv.Requests()
	if srv.RequestCount() != 3 || len(log) != 3 {
		t.Fatalf("RequestCount %d, %d logged requests, want 3", srv.RequestCount(), len(log))
	}
	type row struct {
		Method, Path, Query, Key string
		Status                   int
		Body                     bool
	}
	var got []row
	for _, r := range log {
		got = append(got, row{r.Method, r.Path, r.Query.Encode(), r.Header.Get(partoo.APIKeyHeader), r.Status, len(r.Body) > 0})
	}
	want := []row{
		{"POST", "/v2/webhooks", "", partootest.Redacted, 200, true},
		{"GET", "/v2/webhooks", "per_page=5", partootest.Redacted, 200, false},
		{"GET", "/v2/webhooks/1", "", "", 401, false},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("request log (-want +got):\n%s", diff)
	}
	for _, r := range log {
		for k, v := range r.Header {
			if strings.Contains(strings.Join(v, ","), srv.APIKey) {
				t.Errorf("header %s shows the API key", k)
			}
		}
	}
	if !bytes.Contains(log[0].Body, []byte(`"lead_received"`)) {
		t.Errorf("logged body %s", log[0].Body)
	}
	srv.ClearRequests()
	if srv.RequestCount() != 0 {
		t.Error("ClearRequests left requests")
	}
}

// TestWhatTheFakeKeepsIsBounded: the request log keeps at most
// MaxLoggedHeader bytes of a request's path, query and header, and the
// server keeps the last MaxKept tryouts and deliveries, however many
// bytes the clients send.
func TestWhatTheFakeKeepsIsBounded(t *testing.T) {
	t.Parallel()
	srv := partootest.NewTestServer(t)
	big := strings.Repeat("v", 200<<10)
	req, err := http.NewRequest(http.MethodGet, srv.URL+"/webhooks?a="+big+"&b=1", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set(partoo.APIKeyHeader, srv.APIKey)
	for i := range 4 {
		req.Header.Set(fmt.Sprintf("X-Big-%d", i), big)
	}
	client, done := isolatedClient(10 * time.Second)
	defer done()
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	logged := srv.Requests()[0]
	size := 0
	for k, vs := range logged.Header {
		for _, v := range vs {
			size += len(k) + len(v)
		}
	}
	qsize := len(logged.Query.Encode())
	if !logged.Truncated || size > partootest.MaxLoggedHeader || qsize > partootest.MaxLoggedHeader || len(logged.Path) > partootest.MaxLoggedHeader {
		t.Errorf("logged %d header bytes, %d query bytes, Truncated %t; want at most %d each, and Truncated", size, qsize, logged.Truncated, partootest.MaxLoggedHeader)
	}
	if logged.Header.Get(partoo.APIKeyHeader) != partootest.Redacted {
		t.Errorf("the key header is %q, want it kept and redacted", logged.Header.Get(partoo.APIKeyHeader))
	}

	c := srv.Client()
	body := gen.CreateWebhooksPayload{Items: []gen.WebhookCreateItem{{URL: "https://b.example", EventType: gen.EventTypeLeadReceived}}}
	for range partootest.MaxKept + 10 {
		if _, err := c.Webhooks.Tryout(context.Background(), body); err != nil {
			t.Fatal(err)
		}
	}
	if d := len(srv.Deliveries()); d != partootest.MaxKept {
		t.Errorf("%d deliveries kept, want %d", d, partootest.MaxKept)
	}
}
