package partootest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

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

func TestAuthentication(t *testing.T) {
	t.Parallel()
	srv := partootest.NewTestServer(t, partootest.WithProviderKey("provider-key", 7))
	tests := []struct {
		name, key, path string
		want            int
	}{
		{"no key", "", "/webhooks", http.StatusUnauthorized},
		{"unknown key", "not-the-key", "/webhooks", http.StatusUnauthorized},
		{"organization key", srv.APIKey, "/webhooks", http.StatusOK},
		{"provider key with org_id", "provider-key", "/webhooks?org_id=7", http.StatusOK},
		{"no key on an unknown webhook", "", "/webhooks/99", http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := call(t, srv, tt.key, http.MethodGet, tt.path, "", "")
			if r.Status != tt.want {
				t.Fatalf("status %d (%s), want %d", r.Status, r.Body, tt.want)
			}
			if tt.want == http.StatusUnauthorized {
				want := `{"errors":{"authentication":"User not authenticated"}}`
				if r.Body != want {
					t.Errorf("body %s, want the spec's 401 body %s", r.Body, want)
				}
			}
		})
	}
	_, err := srv.ClientWithKey("wrong").Webhooks.Get(context.Background(), 1)
	if !errors.Is(err, partoo.ErrUnauthorized) {
		t.Errorf("client with a wrong key: %v, want ErrUnauthorized", err)
	}
}

func TestOrgScoping(t *testing.T) {
	t.Parallel()
	srv := partootest.NewTestServer(t, partootest.WithOrgID(1), partootest.WithProviderKey("prov", 2, 3))
	seeded := addWebhooks(t, srv,
		gen.WebhookItem{URL: "https://one.example/h", EventType: gen.EventTypeBusinessCreated, OrgID: 1},
		gen.WebhookItem{URL: "https://two.example/h", EventType: gen.EventTypeBusinessCreated, OrgID: 2},
		gen.WebhookItem{URL: "https://four.example/h", EventType: gen.EventTypeBusinessCreated, OrgID: 4},
	)
	one, two := seeded[0].ID, seeded[1].ID
	tests := []struct {
		name, key, method, path, body string
		want                          int
		wantField                     string // a 400's field
		wantOrgs                      []int  // orgs of the listed items
	}{
		{name: "org key lists its org", key: srv.APIKey, method: "GET", path: "/webhooks", want: 200, wantOrgs: []int{1}},
		{name: "org key with its own org_id", key: srv.APIKey, method: "GET", path: "/webhooks?org_id=1", want: 200, wantOrgs: []int{1}},
		{name: "org key with another org_id", key: srv.APIKey, method: "GET", path: "/webhooks?org_id=2", want: 403},
		{name: "org key gets another org's webhook", key: srv.APIKey, method: "GET", path: fmt.Sprintf("/webhooks/%d", two), want: 404},
		{name: "org key updates another org's webhook", key: srv.APIKey, method: "PUT", path: fmt.Sprintf("/webhooks/%d", two), body: `{"url":"https://x.example"}`, want: 404},
		{name: "provider without org_id", key: "prov", method: "GET", path: "/webhooks", want: 400, wantField: "org_id"},
		{name: "provider without org_id on create", key: "prov", method: "POST", path: "/webhooks", body: `{"items":[]}`, want: 400, wantField: "org_id"},
		{name: "provider on its org", key: "prov", method: "GET", path: "/webhooks?org_id=2", want: 200, wantOrgs: []int{2}},
		{name: "provider on its other org", key: "prov", method: "GET", path: "/webhooks?org_id=3", want: 200, wantOrgs: []int{}},
		{name: "provider on a foreign org", key: "prov", method: "GET", path: "/webhooks?org_id=4", want: 403},
		{name: "provider gets a webhook of its org", key: "prov", method: "GET", path: fmt.Sprintf("/webhooks/%d?org_id=2", two), want: 200},
		{name: "provider gets a webhook through the wrong org", key: "prov", method: "GET", path: fmt.Sprintf("/webhooks/%d?org_id=3", two), want: 404},
		{name: "org key gets its webhook", key: srv.APIKey, method: "GET", path: fmt.Sprintf("/webhooks/%d", one), want: 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := call(t, srv, tt.key, tt.method, tt.path, "", tt.body)
			if r.Status != tt.want {
				t.Fatalf("status %d (%s), want %d", r.Status, r.Body, tt.want)
			}
			switch tt.want {
			case 403:
				if want := `{"errors":{"authorization":"Operation not allowed"}}`; r.Body != want {
					t.Errorf("body %s, want %s", r.Body, want)
				}
			case 400:
				if _, ok := fieldMessages(t, r.Body)[tt.wantField]; !ok {
					t.Errorf("400 body %s has no message for %q", r.Body, tt.wantField)
				}
			}
			if tt.wantOrgs != nil {
				var page struct{ Items []gen.WebhookItem }
				json.Unmarshal([]byte(r.Body), &page)
				orgs := []int{}
				for _, it := range page.Items {
					orgs = append(orgs, it.OrgID)
				}
				if diff := cmp.Diff(tt.wantOrgs, orgs); diff != "" {
					t.Errorf("orgs of the listed items (-want +got):\n%s", diff)
				}
			}
		})
	}

	t.Run("provider creates in the org it names", func(t *testing.T) {
		c := srv.ClientWithKey("prov", partoo.WithOrgID(3))
		got, err := c.Webhooks.Create(context.Background(), payload(gen.WebhookCreateItem{URL: "https://three.example/h", EventType: gen.EventTypeLeadReceived}))
		if err != nil {
			t.Fatal(err)
		}
		if got[0].OrgID != 3 {
			t.Errorf("created in org %d, want 3", got[0].OrgID)
		}
	})
}

func TestPagination(t *testing.T) {
	t.Parallel()
	srv := partootest.NewTestServer(t, partootest.WithProviderKey("prov", 1, 2))
	events := []gen.EventType{gen.EventTypeBusinessCreated}
	var seed []gen.WebhookItem
	for i := range 45 {
		seed = append(seed, gen.WebhookItem{URL: fmt.Sprintf("https://h%d.example", i), EventType: events[0], OrgID: 1})
	}
	addWebhooks(t, srv, seed...)

	type page struct {
		Page, MaxPage, Count, Items int
	}
	size := specPageSize(t, "getWebhookList") // the spec's default per_page, else DefaultPerPage
	tests := []struct {
		name  string
		query string
		want  page
		field string // for a 400
	}{
		{name: "defaults", query: "", want: page{1, (45 + size - 1) / size, 45, size}},
		{name: "first page of 20", query: "?per_page=20", want: page{1, 3, 45, 20}},
		{name: "last page of 20", query: "?per_page=20&page=3", want: page{3, 3, 45, 5}},
		{name: "page past max_page", query: "?per_page=20&page=4", want: page{4, 3, 45, 0}},
		{name: "huge page", query: "?per_page=100&page=9223372036854775807", want: page{9223372036854775807, 1, 45, 0}},
		{name: "per_page at the spec's maximum", query: "?per_page=100", want: page{1, 1, 45, 45}},
		{name: "per_page at the spec's minimum", query: "?per_page=1&page=45", want: page{45, 45, 45, 1}},
		{name: "empty organization", query: "?org_id=2", want: page{1, 1, 0, 0}},
		{name: "per_page 0", query: "?per_page=0", field: "per_page"},
		{name: "per_page 101", query: "?per_page=101", field: "per_page"},
		{name: "page 0", query: "?page=0", field: "page"},
		{name: "page not a number", query: "?page=two", field: "page"},
		{name: "per_page twice", query: "?per_page=1&per_page=2", field: "per_page"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := tt.query
			if !strings.Contains(q, "org_id") {
				q += map[bool]string{true: "&", false: "?"}[q != ""] + "org_id=1"
			}
			r := call(t, srv, "prov", "GET", "/webhooks"+q, "", "")
			if tt.field != "" {
				if r.Status != 400 {
					t.Fatalf("status %d (%s), want 400", r.Status, r.Body)
				}
				if _, ok := fieldMessages(t, r.Body)[tt.field]; !ok {
					t.Errorf("400 body %s has no message for %q", r.Body, tt.field)
				}
				return
			}
			if r.Status != 200 {
				t.Fatalf("status %d (%s), want 200", r.Status, r.Body)
			}
			var body struct {
				Page    *int              `json:"page"`
				MaxPage *int              `json:"max_page"`
				Count   *int              `json:"count"`
				Items   []gen.WebhookItem `json:"items"`
			}
			if err := json.Unmarshal([]byte(r.Body), &body); err != nil || body.Page == nil || body.MaxPage == nil || body.Count == nil {
				t.Fatalf("body %s: %v", r.Body, err)
			}
			got := page{*body.Page, *body.MaxPage, *body.Count, len(body.Items)}
			if got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
			for i := 1; i < len(body.Items); i++ {
				if body.Items[i].ID <= body.Items[i-1].ID {
					t.Errorf("items not sorted by ID: %d after %d", body.Items[i].ID, body.Items[i-1].ID)
				}
			}
		})
	}

	t.Run("the client's iterator walks every page", func(t *testing.T) {
		perPage := 7
		var ids []int
		for it, err := range srv.Client().Webhooks.List(context.Background(), &gen.GetWebhookListParams{PerPage: &perPage}) {
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, it.ID)
		}
		if len(ids) != 45 || ids[0] != 1 || ids[44] != 45 {
			t.Errorf("iterated %d items (%v), want IDs 1..45", len(ids), ids)
		}
	})
}

func TestCreateUniqueness(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		existing  []gen.WebhookItem
		body      string
		want      int
		wantField string
	}{
		{
			name:      "same event and org as an existing webhook",
			existing:  []gen.WebhookItem{{URL: "https://a.example", EventType: gen.EventTypeBusinessCreated}},
			body:      `{"items":[{"url":"https://b.example","event_type":"business_created"}]}`,
			want:      400,
			wantField: "items[0].event_type",
		},
		{
			name:      "same URL for the same event again",
			existing:  []gen.WebhookItem{{URL: "https://a.example", EventType: gen.EventTypeBusinessCreated}},
			body:      `{"items":[{"url":"https://a.example","event_type":"business_created"}]}`,
			want:      400,
			wantField: "items[0].event_type",
		},
		{
			name:      "twice the same event in one request",
			body:      `{"items":[{"url":"https://a.example","event_type":"lead_received"},{"url":"https://b.example","event_type":"lead_received"}]}`,
			want:      400,
			wantField: "items[1].event_type",
		},
		{
			name:     "same event in another organization",
			existing: []gen.WebhookItem{{URL: "https://a.example", EventType: gen.EventTypeBusinessCreated, OrgID: 9}},
			body:     `{"items":[{"url":"https://a.example","event_type":"business_created"}]}`,
			want:     200,
		},
		{
			name:     "same URL for two events",
			existing: []gen.WebhookItem{{URL: "https://a.example", EventType: gen.EventTypeBusinessCreated}},
			body:     `{"items":[{"url":"https://a.example","event_type":"business_updated"},{"url":"https://a.example","event_type":"business_deleted"}]}`,
			want:     200,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := partootest.NewTestServer(t)
			addWebhooks(t, srv, tt.existing...)
			r := call(t, srv, srv.APIKey, "POST", "/webhooks", "", tt.body)
			if r.Status != tt.want {
				t.Fatalf("status %d (%s), want %d", r.Status, r.Body, tt.want)
			}
			if tt.want == 400 {
				if _, ok := fieldMessages(t, r.Body)[tt.wantField]; !ok {
					t.Errorf("400 body %s has no message for %q", r.Body, tt.wantField)
				}
				if got := len(srv.Webhooks()); got != len(tt.existing) {
					t.Errorf("%d webhooks stored after a refused create, want %d: create must be all-or-nothing", got, len(tt.existing))
				}
			}
		})
	}
}

func TestValidation(t *testing.T) {
	t.Parallel()
	srv := partootest.NewTestServer(t)
	hook := addWebhooks(t, srv, gen.WebhookItem{URL: "https://a.example", EventType: gen.EventTypeBusinessCreated})[0]
	hookPath := fmt.Sprintf("/webhooks/%d", hook.ID)
	tests := []struct {
		name, method, path, contentType, body string
		want                                  int
		wantField                             string
		wantMessage                           string // part of the field's message
	}{
		{name: "create without body", method: "POST", path: "/webhooks", contentType: "application/json", want: 400, wantField: "body"},
		{name: "create with broken JSON", method: "POST", path: "/webhooks", body: `{"items":[`, want: 400, wantField: "body", wantMessage: "Invalid JSON"},
		{name: "create without items", method: "POST", path: "/webhooks", body: `{}`, want: 400, wantField: "items", wantMessage: "Missing data"},
		{name: "items not a list", method: "POST", path: "/webhooks", body: `{"items":{}}`, want: 400, wantField: "items", wantMessage: "Not a valid array"},
		{name: "item without url", method: "POST", path: "/webhooks", body: `{"items":[{"event_type":"business_created"}]}`, want: 400, wantField: "items[0].url"},
		{name: "item without event_type", method: "POST", path: "/webhooks", body: `{"items":[{"url":"https://b.example"}]}`, want: 400, wantField: "items[0].event_type"},
		{name: "unknown event_type", method: "POST", path: "/webhooks", body: `{"items":[{"url":"https://b.example","event_type":"business_exploded"}]}`, want: 400, wantField: "items[0].event_type", wantMessage: "lead_received"},
		{name: "url of the wrong type", method: "POST", path: "/webhooks", body: `{"items":[{"url":5,"event_type":"lead_received"}]}`, want: 400, wantField: "items[0].url", wantMessage: "Not a valid string"},
		{name: "null url", method: "POST", path: "/webhooks", body: `{"items":[{"url":null,"event_type":"lead_received"}]}`, want: 400, wantField: "items[0].url"},
		{name: "http url to a public host", method: "POST", path: "/webhooks", body: `{"items":[{"url":"http://b.example","event_type":"lead_received"}]}`, want: 400, wantField: "items[0].url", wantMessage: "HTTPS"},
		{name: "relative url", method: "POST", path: "/webhooks", body: `{"items":[{"url":"/hook","event_type":"lead_received"}]}`, want: 400, wantField: "items[0].url"},
		{name: "http url to loopback", method: "POST", path: "/webhooks", body: `{"items":[{"url":"http://127.0.0.1:9/hook","event_type":"lead_received"}]}`, want: 200},
		{name: "reserved custom header", method: "POST", path: "/webhooks", body: `{"items":[{"url":"https://b.example","event_type":"message_created","custom_headers":{"X-Partoo-Id":"s3cret"}}]}`, want: 400, wantField: "items[0].custom_headers", wantMessage: `"X-Partoo-Id"`},
		{name: "six custom headers", method: "POST", path: "/webhooks", body: `{"items":[{"url":"https://b.example","event_type":"message_created","custom_headers":{"X-1":"a","X-2":"a","X-3":"a","X-4":"a","X-5":"a","X-6":"a"}}]}`, want: 400, wantField: "items[0].custom_headers"},
		{name: "custom header value not a string", method: "POST", path: "/webhooks", body: `{"items":[{"url":"https://b.example","event_type":"message_created","custom_headers":{"X-A":1}}]}`, want: 400, wantField: "items[0].custom_headers"},
		{name: "form body", method: "POST", path: "/webhooks", contentType: "application/x-www-form-urlencoded", body: "items=1", want: 415},
		{name: "no content type", method: "PUT", path: hookPath, contentType: "text/plain", body: `{}`, want: 415},
		{name: "update to http", method: "PUT", path: hookPath, body: `{"url":"http://a.example"}`, want: 400, wantField: "url", wantMessage: "^https://"},
		{name: "update with a bad custom header", method: "PUT", path: hookPath, body: `{"custom_headers":{"Auth":"x"}}`, want: 400, wantField: "custom_headers", wantMessage: `"Auth"`},
		{name: "webhook_id not a number", method: "GET", path: "/webhooks/abc", want: 400, wantField: "webhook_id"},
		{name: "org_id not a number", method: "GET", path: hookPath + "?org_id=x", want: 400, wantField: "org_id"},
		{name: "tryout without items", method: "POST", path: "/webhooks/tryout", body: `{"items":[]}`, want: 400, wantField: "items"},
		{name: "unknown path", method: "GET", path: "/nothing", want: 404},
		{name: "unknown webhook", method: "GET", path: "/webhooks/999", want: 404},
		{name: "unsupported method", method: "DELETE", path: hookPath, want: 405},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := call(t, srv, srv.APIKey, tt.method, tt.path, tt.contentType, tt.body)
			if r.Status != tt.want {
				t.Fatalf("status %d (%s), want %d", r.Status, r.Body, tt.want)
			}
			switch tt.want {
			case 400:
				msgs := fieldMessages(t, r.Body)[tt.wantField]
				if len(msgs) == 0 {
					t.Fatalf("400 body %s has no message for %q", r.Body, tt.wantField)
				}
				if !strings.Contains(strings.Join(msgs, " "), tt.wantMessage) {
					t.Errorf("messages for %q are %q, want one containing %q", tt.wantField, msgs, tt.wantMessage)
				}
				if strings.Contains(r.Body, "s3cret") {
					t.Errorf("the 400 body shows a custom header value: %s", r.Body)
				}
			case 404:
				if want := `{"errors":{"json":"Resource not found"}}`; r.Body != want {
					t.Errorf("body %s, want %s", r.Body, want)
				}
			case 415:
				if want := `{"errors":{"json":"Unsupported media type. Please use application/json"}}`; r.Body != want {
					t.Errorf("body %s, want %s", r.Body, want)
				}
			case 405:
				if r.Header.Get("Allow") == "" {
					t.Error("405 without an Allow header")
				}
			}
		})
	}
}

func TestGetUpdateTryout(t *testing.T) {
	t.Parallel()
	now := time.Date(2024, 11, 27, 16, 10, 44, 929678000, time.UTC)
	srv := partootest.NewTestServer(t, partootest.WithClock(func() time.Time { return now }))
	c := srv.Client()
	ctx := context.Background()

	created, err := c.Webhooks.Create(ctx, payload(gen.WebhookCreateItem{
		URL: "https://example.com/webhook", EventType: gen.EventTypeBusinessCreated,
		CustomHeaders: &gen.CustomHeaders{"X-Auth-Token": "secret-token"},
	}))
	if err != nil {
		t.Fatal(err)
	}
	want := gen.WebhookItem{
		ID: 1, URL: "https://example.com/webhook", EventType: gen.EventTypeBusinessCreated, OrgID: 1,
		CreatedAt: "2024-11-27T16:10:44.929678Z", UpdatedAt: "2024-11-27T16:10:44.929678Z",
		CustomHeaders: &gen.CustomHeaders{"X-Auth-Token": "secret-token"},
	}
	if diff := cmp.Diff([]gen.WebhookItem{want}, created); diff != "" {
		t.Errorf("created (-want +got):\n%s", diff)
	}
	got, err := c.Webhooks.Get(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, *got); diff != "" {
		t.Errorf("get (-want +got):\n%s", diff)
	}

	now = now.Add(time.Hour)
	newURL := "https://example.com/v2/webhook"
	updated, err := c.Webhooks.Update(ctx, 1, gen.UpdateWebhookPayload{URL: &newURL})
	if err != nil {
		t.Fatal(err)
	}
	want.URL, want.UpdatedAt = newURL, "2024-11-27T17:10:44.929678Z"
	if diff := cmp.Diff(want, *updated); diff != "" {
		t.Errorf("update of the URL (-want +got):\n%s", diff)
	}
	updated, err = c.Webhooks.Update(ctx, 1, gen.UpdateWebhookPayload{CustomHeaders: &gen.CustomHeaders{}})
	if err != nil {
		t.Fatal(err)
	}
	if updated.CustomHeaders != nil {
		t.Errorf("custom headers after updating them to {}: %v, want none", *updated.CustomHeaders)
	}
	if _, err := c.Webhooks.Update(ctx, 2, gen.UpdateWebhookPayload{URL: &newURL}); !errors.Is(err, partoo.ErrNotFound) {
		t.Errorf("update of a missing webhook: %v, want ErrNotFound", err)
	}
	if _, err := c.Webhooks.Get(ctx, 2); !errors.Is(err, partoo.ErrNotFound) {
		t.Errorf("get of a missing webhook: %v, want ErrNotFound", err)
	}

	result, err := c.Webhooks.Tryout(ctx, payload(gen.WebhookCreateItem{URL: "https://example.com/try", EventType: gen.EventTypeLeadReceived}))
	if err != nil {
		t.Fatal(err)
	}
	if result["delivered"] != false || result["event_type"] != "lead_received" {
		t.Errorf("tryout result %v", result)
	}
	r := call(t, srv, srv.APIKey, "POST", "/webhooks/tryout", "",
		`{"items":[{"url":"https://example.com/first","event_type":"message_created"},{"url":"https://example.com/ignored","event_type":"business_created"}]}`)
	if r.Status != 200 {
		t.Fatalf("tryout with two items: %d %s", r.Status, r.Body)
	}
	tryouts := srv.Tryouts()
	if len(tryouts) != 2 {
		t.Fatalf("%d tryouts recorded, want 2", len(tryouts))
	}
	if tryouts[1].Item.URL != "https://example.com/first" || tryouts[1].OrgID != 1 || !tryouts[1].Time.Equal(now) {
		t.Errorf("second tryout %+v, want the first item of the request, org 1", tryouts[1])
	}
	if n := len(srv.Webhooks()); n != 1 {
		t.Errorf("%d webhooks after tryouts, want 1: a tryout creates nothing", n)
	}
}

// AddResource stores a webhook as it is, with the zero values of a Go
// struct filled, and refuses a taken ID.
func TestAddResourceWebhook(t *testing.T) {
	t.Parallel()
	srv := partootest.NewTestServer(t)
	got := addWebhooks(t, srv,
		gen.WebhookItem{ID: 10, URL: "https://a.example", EventType: "event_from_the_future", OrgID: 5, CreatedAt: "2020-01-01T00:00:00Z"},
		gen.WebhookItem{URL: "https://b.example", EventType: gen.EventTypeLeadReceived},
	)
	if got[0].ID != 10 || got[0].UpdatedAt != "2020-01-01T00:00:00Z" || got[1].ID != 11 || got[1].OrgID != srv.OrgID || got[1].CreatedAt == "" {
		t.Errorf("AddResource stored %+v", got)
	}
	if it, ok := srv.Webhook(10); !ok || it.EventType != "event_from_the_future" {
		t.Errorf("Webhook(10) = %+v, %t", it, ok)
	}
	if _, ok := srv.Webhook(12); ok {
		t.Error("Webhook(12) exists")
	}
	if _, err := srv.AddResource("/webhooks", gen.WebhookItem{ID: 10}); err == nil {
		t.Error("AddResource with a taken ID did not fail")
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

// addWebhooks stores items as they are (partootest's AddResource) and
// returns them as stored.
func addWebhooks(t testing.TB, srv *partootest.Server, items ...gen.WebhookItem) []gen.WebhookItem {
	t.Helper()
	out := make([]gen.WebhookItem, len(items))
	for i, it := range items {
		b, err := srv.AddResource("/webhooks", it)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &out[i]); err != nil {
			t.Fatal(err)
		}
	}
	return out
}
