package partootest_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/partoo-go/partoo"
	"github.com/partoo-go/partoo/gen"
	"github.com/partoo-go/partoo/internal/apispec"
	"github.com/partoo-go/partoo/partootest"
)

// origin is srv.URL without the base path: "http://127.0.0.1:41234".
func origin(t *testing.T, srv *partootest.Server) string {
	t.Helper()
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	return u.Scheme + "://" + u.Host
}

// specBody returns the decoded body the spec declares for status.
func specBody(t *testing.T, status int) any {
	t.Helper()
	for _, b := range apispec.ErrorBodies {
		if b.Status == status {
			return decodeJSON(t, b.Body)
		}
	}
	t.Fatalf("the spec declares no body for %d", status)
	return nil
}

func decodeJSON(t *testing.T, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("not JSON: %v: %q", err, s)
	}
	return v
}

// object decodes a JSON object.
func object(t *testing.T, s string) map[string]any {
	t.Helper()
	m, ok := decodeJSON(t, s).(map[string]any)
	if !ok {
		t.Fatalf("not a JSON object: %s", s)
	}
	return m
}

// sameShape reports whether a and b are decoded JSON objects with the same
// keys at every level, whatever their strings say.
func sameShape(a, b any) bool {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			if !sameShape(v, y[k]) {
				return false
			}
		}
		return true
	case string:
		_, ok := b.(string)
		return ok
	}
	return false
}

// The paths the router does not know get the spec's JSON 404, never Go's
// text one: trailing slashes, empty segments, paths outside the base path.
func TestNotFoundIsJSON(t *testing.T) {
	t.Parallel()
	srv := partootest.NewTestServer(t)
	addWebhooks(t, srv, gen.WebhookItem{ID: 1, URL: "https://a.example", EventType: gen.EventTypeLeadReceived})
	want := specBody(t, http.StatusNotFound)
	for _, path := range []string{"/v2/webhooks/", "/v2/webhooks/1/", "/v2//webhooks", "/v2", "/v2/", "/v2/nothing", "/v2/webhooks/1/extra", "/elsewhere", "/v2x/webhooks"} {
		for _, key := range []string{srv.APIKey, ""} {
			t.Run(fmt.Sprintf("%s key %t", path, key != ""), func(t *testing.T) {
				r := callURL(t, key, http.MethodGet, origin(t, srv)+path, "", "")
				if r.Status != http.StatusNotFound || r.Header.Get("Content-Type") != "application/json" {
					t.Fatalf("status %d, Content-Type %q (%s), want 404 with JSON", r.Status, r.Header.Get("Content-Type"), r.Body)
				}
				if diff := cmp.Diff(want, decodeJSON(t, r.Body)); diff != "" {
					t.Errorf("body (-spec +got):\n%s", diff)
				}
			})
		}
	}
}

func TestMethodNotAllowed(t *testing.T) {
	t.Parallel()
	srv := partootest.NewTestServer(t)
	tests := []struct {
		method, path, allow string
	}{
		{"DELETE", "/webhooks/1", "GET, PUT"},
		{"POST", "/webhooks/1", "GET, PUT"},
		{"PATCH", "/webhooks", "GET, POST"},
		{"HEAD", "/webhooks", "GET, POST"},
		// Two templates match: /webhooks/tryout and /webhooks/{webhook_id}.
		{"DELETE", "/webhooks/tryout", "GET, POST, PUT"},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			t.Parallel()
			r := call(t, srv, srv.APIKey, tt.method, tt.path, "", "")
			if r.Status != http.StatusMethodNotAllowed || r.Header.Get("Allow") != tt.allow {
				t.Fatalf("status %d, Allow %q, want 405 with Allow %q", r.Status, r.Header.Get("Allow"), tt.allow)
			}
			if tt.method == "HEAD" {
				return // no body
			}
			if !sameShape(specBody(t, http.StatusNotFound), decodeJSON(t, r.Body)) || r.Header.Get("Content-Type") != "application/json" {
				t.Errorf("body %s (%s), want the shape of the spec's errors", r.Body, r.Header.Get("Content-Type"))
			}
		})
	}
}

// padded is a valid create body of exactly n bytes.
func padded(n int) string {
	const prefix, suffix = `{"items":[],"pad":"`, `"}`
	return prefix + strings.Repeat("x", n-len(prefix)-len(suffix)) + suffix
}

func TestBodyTooLarge(t *testing.T) {
	t.Parallel()
	srv := partootest.NewTestServer(t)
	tests := []struct {
		name string
		size int
		want int
	}{
		{"at the limit", partootest.MaxBodySize, http.StatusOK},
		{"one byte over", partootest.MaxBodySize + 1, http.StatusRequestEntityTooLarge},
		{"twice the limit", 2 * partootest.MaxBodySize, http.StatusRequestEntityTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := call(t, srv, srv.APIKey, http.MethodPost, "/webhooks", "", padded(tt.size))
			if r.Status != tt.want {
				t.Fatalf("status %d (%.200s), want %d", r.Status, r.Body, tt.want)
			}
			if tt.want == http.StatusRequestEntityTooLarge {
				if !sameShape(specBody(t, http.StatusNotFound), decodeJSON(t, r.Body)) || r.Header.Get("Content-Type") != "application/json" {
					t.Errorf("413 body %s (%s), want the shape of the spec's errors", r.Body, r.Header.Get("Content-Type"))
				}
			}
		})
	}
	if n := len(srv.Webhooks()); n != 0 {
		t.Errorf("%d webhooks stored, want 0", n)
	}
}

// A client that sends its body one byte at a time is cut off at the read
// timeout: its connection does not stay open, and its memory is freed.
func TestSlowBodyIsCut(t *testing.T) {
	t.Parallel()
	const readTimeout = 200 * time.Millisecond
	srv := partootest.NewTestServer(t, partootest.WithTimeouts(partootest.Timeouts{Read: readTimeout}))
	u, _ := url.Parse(srv.URL)
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	head := "POST /v2/webhooks HTTP/1.1\r\nHost: " + u.Host + "\r\n" + partoo.APIKeyHeader + ": " + srv.APIKey +
		"\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n"
	if _, err := io.WriteString(conn, head); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	defer close(stop)
	go func() { // trickle the body until the server gives up
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				if _, err := conn.Write([]byte(" ")); err != nil {
					return
				}
			}
		}
	}()

	// The server must answer and close well before this deadline; a
	// timeout here means it kept the connection open.
	start := time.Now()
	conn.SetReadDeadline(start.Add(readTimeout + 5*time.Second))
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("no response after %v: %v", time.Since(start), err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestTimeout || !sameShape(specBody(t, http.StatusNotFound), decodeJSON(t, string(body))) {
		t.Errorf("status %d, body %s; want 408 in the shape of the spec's errors", resp.StatusCode, body)
	}
	_, err = br.ReadByte()
	var netErr net.Error
	if errors.As(err, &netErr) && netErr.Timeout() {
		t.Fatalf("the connection is still open %v after the request started (read timeout %v)", time.Since(start), readTimeout)
	}
	if err == nil {
		t.Fatal("the server sent more after its 408")
	}
	if log := srv.Requests(); len(log) != 1 || log[0].Status != http.StatusRequestTimeout || !log[0].BodyTruncated {
		t.Errorf("request log %+v, want one truncated request answered 408", log)
	}
}

// The read timeout bounds reading the request, not handling it: a fault's
// Delay longer than the timeout still ends with the response.
func TestReadTimeoutDoesNotCancelHandling(t *testing.T) {
	t.Parallel()
	srv := partootest.NewTestServer(t, partootest.WithTimeouts(partootest.Timeouts{Read: 50 * time.Millisecond}))
	srv.AddFault(partootest.Fault{Delay: 300 * time.Millisecond, Times: 1})
	for _, body := range []string{"", padded(10 << 10)} {
		method := http.MethodGet
		if body != "" {
			method = http.MethodPost
		}
		status, _, _, err := rawDo(srv, method, "/webhooks", body)
		if err != nil || status != http.StatusOK {
			t.Errorf("%s: status %d, err %v; want 200", method, status, err)
		}
	}
}

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

// The fake applies the client's deliverability rule to custom headers
// (names must be HTTP tokens, values valid field values), not only the
// spec's schema, and never shows a value.
func TestCustomHeadersMustBeDeliverable(t *testing.T) {
	t.Parallel()
	headers := []struct {
		name, json string
	}{
		{"name with a space", `{"Bad Name":"s3cret"}`},
		{"name not a token", `{"X-Bad\u00e9":"s3cret"}`},
		{"value with CR LF", `{"X-Ok":"s3cret\r\nX-Injected: 1"}`},
		{"value with NUL", `{"X-Ok":"s3cret\u0000"}`},
		{"value not a string", `{"X-Ok":1}`},
	}
	srv := partootest.NewTestServer(t)
	hook := addWebhooks(t, srv, gen.WebhookItem{URL: "https://a.example", EventType: gen.EventTypeLeadReceived})[0]
	for _, h := range headers {
		ops := []struct {
			method, path, body, field string
		}{
			{"POST", "/webhooks", `{"items":[{"url":"https://b.example","event_type":"message_created","custom_headers":` + h.json + `}]}`, "items[0].custom_headers"},
			{"POST", "/webhooks/tryout", `{"items":[{"url":"https://b.example","event_type":"message_created","custom_headers":` + h.json + `}]}`, "items[0].custom_headers"},
			{"PUT", fmt.Sprintf("/webhooks/%d", hook.ID), `{"custom_headers":` + h.json + `}`, "custom_headers"},
		}
		for _, op := range ops {
			t.Run(h.name+" "+op.method+" "+op.path, func(t *testing.T) {
				r := call(t, srv, srv.APIKey, op.method, op.path, "", op.body)
				if r.Status != http.StatusBadRequest {
					t.Fatalf("status %d (%s), want 400", r.Status, r.Body)
				}
				if len(fieldMessages(t, r.Body)[op.field]) == 0 {
					t.Errorf("400 body %s has no message for %q", r.Body, op.field)
				}
				if strings.Contains(r.Body, "s3cret") {
					t.Errorf("the 400 body shows a header value: %s", r.Body)
				}
			})
		}
	}
	if got := srv.Webhooks(); len(got) != 1 || got[0].CustomHeaders != nil || len(srv.Tryouts()) != 0 {
		t.Errorf("webhooks %+v and %d tryouts after refused calls", got, len(srv.Tryouts()))
	}
}

func TestCreateWebhooks(t *testing.T) {
	t.Parallel()
	srv := partootest.NewTestServer(t)
	tests := []struct {
		name      string
		items     []gen.WebhookItem
		wantField string // the field of the refusal; "" for success
	}{
		{"valid, in two organizations", []gen.WebhookItem{
			{URL: "https://a.example", EventType: gen.EventTypeLeadReceived},
			{ID: 40, URL: "http://127.0.0.1:9/hook", EventType: gen.EventTypeLeadReceived, OrgID: 2, CustomHeaders: &gen.CustomHeaders{"X-A": "b"}},
		}, ""},
		{"second webhook for an event type", []gen.WebhookItem{{URL: "https://b.example", EventType: gen.EventTypeLeadReceived}}, "items[0].event_type"},
		{"twice one event type", []gen.WebhookItem{
			{URL: "https://b.example", EventType: gen.EventTypeMessageCreated},
			{URL: "https://c.example", EventType: gen.EventTypeMessageCreated},
		}, "items[1].event_type"},
		{"http to a public host", []gen.WebhookItem{{URL: "http://b.example", EventType: gen.EventTypeBusinessCreated}}, "items[0].url"},
		{"unknown event type", []gen.WebhookItem{{URL: "https://b.example", EventType: "business_exploded"}}, "items[0].event_type"},
		{"undeliverable header", []gen.WebhookItem{{URL: "https://b.example", EventType: gen.EventTypeBusinessCreated, CustomHeaders: &gen.CustomHeaders{"X-A": "s3cret\r\n"}}}, "items[0].custom_headers"},
		{"taken ID", []gen.WebhookItem{{ID: 40, URL: "https://b.example", EventType: gen.EventTypeBusinessCreated}}, "items[0].id"},
		{"negative ID", []gen.WebhookItem{{ID: -1, URL: "https://b.example", EventType: gen.EventTypeBusinessCreated}}, "items[0].id"},
	}
	for _, tt := range tests { // in order: the first one stores webhooks
		t.Run(tt.name, func(t *testing.T) {
			before := len(srv.Webhooks())
			got, err := srv.CreateWebhooks(tt.items...)
			if tt.wantField == "" {
				if err != nil {
					t.Fatal(err)
				}
				if got[0].OrgID != srv.OrgID || got[1].ID != 40 || got[1].OrgID != 2 || got[0].ID == 0 || got[0].CreatedAt == "" {
					t.Errorf("stored %+v", got)
				}
				return
			}
			var fields partootest.FieldErrors
			if !errors.As(err, &fields) || len(fields[tt.wantField]) == 0 {
				t.Fatalf("CreateWebhooks: %v, want a refusal on %s", err, tt.wantField)
			}
			if strings.Contains(err.Error(), "s3cret") {
				t.Errorf("the error shows a header value: %v", err)
			}
			if n := len(srv.Webhooks()); n != before || got != nil {
				t.Errorf("%d webhooks after a refused call, want %d", n, before)
			}
		})
	}
}

// ops is a table of operations of the test's own, over the spec's schemas:
// a business family with string ids (24 hex digits), a cursor search, a
// code and an organization; a lead family with integer ids and no create;
// and two operations of no family.
func ops(t *testing.T) []apispec.Operation {
	t.Helper()
	named := func(name string) int {
		for i := range apispec.Schemas {
			if apispec.Schemas[i].Name == name {
				return i
			}
		}
		t.Fatalf("the spec has no schema %q", name)
		return 0
	}
	param := func(op int, name string) apispec.Param {
		for _, p := range apispec.Operations[op].Params {
			if p.Name == name {
				return p
			}
		}
		t.Fatalf("operation %d has no parameter %q", op, name)
		return apispec.Param{}
	}
	business, lead, event, empty := named("WebhookBusiness"), named("WebhookLead"), named("WebhookEvent"), named("TryoutResult")
	str := apispec.Schemas[business].Property("city")
	orgID, page, perPage := param(apispec.OpGetWebhookList, "org_id"), param(apispec.OpGetWebhookList, "page"), param(apispec.OpGetWebhookList, "per_page")
	businessID := apispec.Param{Name: "business_id", In: "path", Required: true, Schema: str}
	item := apispec.Response{Status: 200, Schema: business, Example: apispec.Schemas[business].Example}
	res := func(role apispec.ResourceRole, inResponse bool) apispec.Resource {
		r := apispec.Resource{Role: role, Collection: "/business", Item: business, ItemInResponse: inResponse}
		if role == apispec.Read || role == apispec.Update || role == apispec.Delete {
			r.IDParam = "business_id"
		}
		return r
	}
	noBody := apispec.Body{Schema: apispec.NoSchema}
	return []apispec.Operation{
		{ID: "createBusiness", Method: "POST", Path: "/business", Params: []apispec.Param{orgID}, Body: apispec.Body{Schema: business, Required: true}, Success: item, Resource: res(apispec.Create, true)},
		{ID: "searchBusinesses", Method: "GET", Path: "/business/search", Body: noBody,
			Params: []apispec.Param{orgID, perPage, {Name: "cursor", In: "query", Schema: str}, {Name: "city", In: "query", Schema: str}},
			// A success schema that requires more than the list: type and payload.
			Success: apispec.Response{Status: 200, Schema: event, Example: `{"payload":{"n":1},"type":"business_created"}`},
			List:    apispec.List{Style: apispec.CursorList, Field: "businesses", Item: business}, Resource: res(apispec.ListItems, false)},
		{ID: "getBusiness", Method: "GET", Path: "/business/{business_id}", Params: []apispec.Param{businessID, orgID}, Body: noBody, Success: item, Resource: res(apispec.Read, true)},
		{ID: "updateBusiness", Method: "PUT", Path: "/business/{business_id}", Params: []apispec.Param{businessID, orgID}, Body: apispec.Body{Schema: business, Required: true}, Success: item, Resource: res(apispec.Update, true)},
		{ID: "deleteBusiness", Method: "DELETE", Path: "/business/{business_id}", Params: []apispec.Param{businessID, orgID}, Body: noBody,
			Success: apispec.Response{Status: 204, Schema: apispec.NoSchema}, Resource: res(apispec.Delete, false)},
		{ID: "listLeads", Method: "GET", Path: "/leads", Params: []apispec.Param{page, perPage}, Body: noBody,
			Success:  apispec.Response{Status: 200, Schema: empty, Example: "{}"},
			List:     apispec.List{Style: apispec.PageList, Field: "leads", Item: lead},
			Resource: apispec.Resource{Role: apispec.ListItems, Collection: "/leads", Item: lead}},
		{ID: "getLead", Method: "GET", Path: "/leads/{lead_id}", Body: noBody,
			Params:   []apispec.Param{{Name: "lead_id", In: "path", Required: true, Schema: apispec.Schemas[lead].Property("id")}},
			Success:  apispec.Response{Status: 200, Schema: lead, Example: apispec.Schemas[lead].Example},
			Resource: apispec.Resource{Role: apispec.Read, Collection: "/leads", IDParam: "lead_id", Item: lead, ItemInResponse: true}},
		{ID: "ping", Method: "GET", Path: "/ping", Body: noBody, Success: apispec.Response{Status: 200, Schema: empty, Example: `{"pong":true}`}, Resource: apispec.Resource{Item: apispec.NoSchema}},
		{ID: "noop", Method: "POST", Path: "/noop", Body: noBody, Success: apispec.Response{Status: 204, Schema: apispec.NoSchema}, Resource: apispec.Resource{Item: apispec.NoSchema}},
	}
}

// The stateful behaviour on a family of the test's own: create, read (by
// id and by c-{code}), update, list with a cursor and a filter, delete,
// and organizations.
func TestStatefulFamily(t *testing.T) {
	t.Parallel()
	now := time.Date(2024, 11, 27, 16, 10, 44, 0, time.UTC)
	srv := partootest.NewTestServer(t, partootest.WithOperations(ops(t)...), partootest.WithProviderKey("prov", 1, 2),
		partootest.WithClock(func() time.Time { return now }))

	r := call(t, srv, srv.APIKey, "POST", "/business", "", `{"name":"Shop","city":"Lyon","code":"S-1","unknown":1,"id":"abc"}`)
	if r.Status != 200 {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	created := object(t, r.Body)
	id, _ := created["id"].(string)
	if id != "000000000000000000000001" || created["org_id"] != 1.0 || created["name"] != "Shop" || created["code"] != "S-1" || created["country"] != nil {
		t.Errorf("created %v: want a new 24-hex id, org 1, the body's fields and no optional field of the example", created)
	}
	if _, ok := created["unknown"]; ok {
		t.Error("a field that is not an item property was stored")
	}

	for _, path := range []string{"/business/" + id, "/business/c-S-1"} {
		if r := call(t, srv, srv.APIKey, "GET", path, "", ""); r.Status != 200 || !cmp.Equal(object(t, r.Body), created) {
			t.Errorf("GET %s: %d %s, want the created item", path, r.Status, r.Body)
		}
	}
	for _, tt := range []struct{ key, path string }{
		{srv.APIKey, "/business/c-NOPE"},
		{srv.APIKey, "/business/ffffffffffffffffffffffff"},
		{"prov", "/business/" + id + "?org_id=2"}, // another organization's item
	} {
		if r := call(t, srv, tt.key, "GET", tt.path, "", ""); r.Status != 404 || !cmp.Equal(decodeJSON(t, r.Body), specBody(t, 404)) {
			t.Errorf("GET %s: %d %s, want the spec's 404", tt.path, r.Status, r.Body)
		}
	}

	r = call(t, srv, srv.APIKey, "PUT", "/business/"+id, "", `{"name":"Shop 2","org_id":99,"id":"zzz"}`)
	updated := object(t, r.Body)
	if r.Status != 200 || updated["name"] != "Shop 2" || updated["id"] != id || updated["org_id"] != 1.0 || updated["city"] != "Lyon" {
		t.Errorf("update: %d %v; want the name merged, id and org_id kept", r.Status, updated)
	}

	for i := range 5 {
		city := map[bool]string{true: "Paris", false: "Lyon"}[i%2 == 0]
		if _, err := srv.AddResource("/business", map[string]any{"name": fmt.Sprintf("B%d", i), "city": city}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := srv.AddResource("/business", map[string]any{"name": "Elsewhere", "city": "Paris", "org_id": 2}); err != nil {
		t.Fatal(err)
	}

	// Walk the cursor pages of organization 1.
	var names []string
	cursor, pages := "", 0
	for {
		q := url.Values{"per_page": {"2"}}
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		r := call(t, srv, srv.APIKey, "GET", "/business/search?"+q.Encode(), "", "")
		var page struct {
			Count      int               `json:"count"`
			NextCursor *string           `json:"next_cursor"`
			Businesses []json.RawMessage `json:"businesses"`
			Type       string            `json:"type"`
			Payload    map[string]any    `json:"payload"`
		}
		if r.Status != 200 || json.Unmarshal([]byte(r.Body), &page) != nil {
			t.Fatalf("search: %d %s", r.Status, r.Body)
		}
		if page.Count != 7 || page.Type != "business_created" || page.Payload["n"] != 1.0 {
			t.Errorf("page %s: want count 7 and the required type and payload of the example", r.Body)
		}
		for _, b := range page.Businesses {
			names = append(names, object(t, string(b))["name"].(string))
		}
		if pages++; page.NextCursor == nil || pages > 10 {
			break
		}
		cursor = *page.NextCursor
	}
	// The family started with its example item, Corner shop.
	if want := []string{"Corner shop", "Shop 2", "B0", "B1", "B2", "B3", "B4"}; !cmp.Equal(names, want) || pages != 4 {
		t.Errorf("walked %d pages: %v, want 4 pages of %v", pages, names, want)
	}

	r = call(t, srv, srv.APIKey, "GET", "/business/search?city=Paris", "", "")
	var paris struct{ Businesses []struct{ Name string } }
	json.Unmarshal([]byte(r.Body), &paris)
	if got := fmt.Sprint(paris.Businesses); r.Status != 200 || got != "[{Corner shop} {B0} {B2} {B4}]" {
		t.Errorf("city=Paris: %d %s, want Corner shop, B0, B2, B4", r.Status, got)
	}
	if r := call(t, srv, srv.APIKey, "GET", "/business/search?cursor=not-a-cursor", "", ""); r.Status != 400 || len(fieldMessages(t, r.Body)["cursor"]) == 0 {
		t.Errorf("bad cursor: %d %s, want 400 on cursor", r.Status, r.Body)
	}

	r = call(t, srv, srv.APIKey, "DELETE", "/business/"+id, "", "")
	if r.Status != 204 || r.Body != "" || r.Header.Get("Content-Type") != "" {
		t.Errorf("delete: %d %q (%s), want 204 without body", r.Status, r.Body, r.Header.Get("Content-Type"))
	}
	for _, method := range []string{"GET", "DELETE"} {
		if r := call(t, srv, srv.APIKey, method, "/business/"+id, "", ""); r.Status != 404 {
			t.Errorf("%s after delete: %d", method, r.Status)
		}
	}
	if n := len(srv.Resources("/business")); n != 7 {
		t.Errorf("%d businesses stored, want 7 (the example, five added, one elsewhere)", n)
	}
}

// A family without a create operation starts with its example item, so a
// request built from the spec's examples finds it; page lists paginate it.
func TestStatefulFamilySeededFromExample(t *testing.T) {
	t.Parallel()
	srv := partootest.NewTestServer(t, partootest.WithOperations(ops(t)...))
	table := ops(t)
	example := object(t, table[6].Success.Example)
	seeded := srv.Resources("/leads")
	if len(seeded) != 1 || !cmp.Equal(object(t, string(seeded[0])), example) {
		t.Fatalf("seeded %s, want the item example %v", seeded, example)
	}
	if r := call(t, srv, srv.APIKey, "GET", fmt.Sprintf("/leads/%v", example["id"]), "", ""); r.Status != 200 || !cmp.Equal(object(t, r.Body), example) {
		t.Errorf("GET the example's id: %d %s", r.Status, r.Body)
	}
	for range 44 {
		if _, err := srv.AddResource("/leads", map[string]any{"source": "test"}); err != nil {
			t.Fatal(err)
		}
	}
	size := pageSizeOf(t, ops(t), "listLeads") // the spec's default per_page, else DefaultPerPage
	tests := []struct {
		query                     string
		page, maxPage, count, len int
	}{
		{"", 1, (45 + size - 1) / size, 45, size},
		{"?per_page=20&page=3", 3, 3, 45, 5},
		{"?per_page=20&page=4", 4, 3, 45, 0},
		{"?per_page=100", 1, 1, 45, 45},
		{"?per_page=1&page=45", 45, 45, 45, 1},
	}
	for _, tt := range tests {
		r := call(t, srv, srv.APIKey, "GET", "/leads"+tt.query, "", "")
		var got struct {
			Page, MaxPage, Count int
			Leads                []json.RawMessage
		}
		var raw map[string]json.RawMessage
		if r.Status != 200 || json.Unmarshal([]byte(r.Body), &raw) != nil {
			t.Fatalf("%s: %d %s", tt.query, r.Status, r.Body)
		}
		json.Unmarshal(raw["page"], &got.Page)
		json.Unmarshal(raw["max_page"], &got.MaxPage)
		json.Unmarshal(raw["count"], &got.Count)
		json.Unmarshal(raw["leads"], &got.Leads)
		if got.Page != tt.page || got.MaxPage != tt.maxPage || got.Count != tt.count || len(got.Leads) != tt.len || got.Leads == nil {
			t.Errorf("%s: page %d, max_page %d, count %d, %d leads; want %d, %d, %d, %d", tt.query, got.Page, got.MaxPage, got.Count, len(got.Leads), tt.page, tt.maxPage, tt.count, tt.len)
		}
	}
}

func TestAddResource(t *testing.T) {
	t.Parallel()
	srv := partootest.NewTestServer(t, partootest.WithOperations(ops(t)...))
	tests := []struct {
		name       string
		collection string
		item       any
		wantID     any // nil for an error
	}{
		{"next integer after the seeded example", "/leads", map[string]any{"source": "x"}, 2.0},
		{"an id of its own", "/leads", map[string]any{"id": 10}, 10.0},
		{"next integer after the largest", "/leads", struct{}{}, 11.0},
		{"taken id", "/leads", map[string]any{"id": 10}, nil},
		{"string id in an integer family", "/leads", map[string]any{"id": "abc"}, nil},
		{"integer id in a string family", "/business", map[string]any{"id": 5}, nil},
		{"hex counter", "/business", map[string]any{}, "000000000000000000000001"},
		{"not an object", "/leads", []int{1}, nil},
		{"not JSON", "/leads", func() {}, nil},
		{"unknown collection", "/nothing", map[string]any{}, nil},
		{"item path instead of collection", "/leads/{lead_id}", map[string]any{}, nil},
	}
	for _, tt := range tests { // in order: ids depend on the earlier rows
		t.Run(tt.name, func(t *testing.T) {
			got, err := srv.AddResource(tt.collection, tt.item)
			if tt.wantID == nil {
				if err == nil {
					t.Errorf("AddResource = %s, want an error", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if v := object(t, string(got)); v["id"] != tt.wantID {
				t.Errorf("stored %s, want id %v", got, tt.wantID)
			}
		})
	}
	if srv.Resources("/nothing") != nil {
		t.Error("Resources of an unknown collection is not nil")
	}
}

// Example operations answer the spec's example, after the same checks.
func TestExampleBehavior(t *testing.T) {
	t.Parallel()
	srv := partootest.NewTestServer(t, partootest.WithOperations(ops(t)...))
	tests := []struct {
		key, method, path, body string
		want                    int
		wantBody                string
	}{
		{srv.APIKey, "GET", "/ping", "", 200, `{"pong":true}`},
		{srv.APIKey, "POST", "/noop", "", 204, ""},
		{"", "GET", "/ping", "", 401, `{"errors":{"authentication":"User not authenticated"}}`},
	}
	for _, tt := range tests {
		r := call(t, srv, tt.key, tt.method, tt.path, "", tt.body)
		if r.Status != tt.want || r.Body != tt.wantBody {
			t.Errorf("%s %s: %d %s, want %d %s", tt.method, tt.path, r.Status, r.Body, tt.want, tt.wantBody)
		}
		if ct := r.Header.Get("Content-Type"); (r.Body != "") != (ct == "application/json") {
			t.Errorf("%s %s: Content-Type %q with body %q", tt.method, tt.path, ct, r.Body)
		}
	}

	// On the spec's operations: without its override, the tryout is an
	// example operation whose body is still validated.
	plain := partootest.NewTestServer(t, partootest.WithoutRules())
	tryout := apispec.Operations[apispec.OpTryoutWebhooks]
	r := call(t, plain, plain.APIKey, "POST", "/webhooks/tryout", "", `{"items":[{"url":"https://a.example","event_type":"lead_received"}]}`)
	if r.Status != tryout.Success.Status || !cmp.Equal(decodeJSON(t, r.Body), decodeJSON(t, tryout.Success.Example)) {
		t.Errorf("tryout: %d %s, want %d %s", r.Status, r.Body, tryout.Success.Status, tryout.Success.Example)
	}
	if r := call(t, plain, plain.APIKey, "POST", "/webhooks/tryout", "", `{"items":[{"url":"https://a.example"}]}`); r.Status != 400 {
		t.Errorf("invalid tryout: %d %s, want 400", r.Status, r.Body)
	}
	if len(plain.Tryouts()) != 0 {
		t.Error("the example behaviour recorded a tryout")
	}
}

// The generic engine serves the spec's Webhooks family when its override
// is off: the client's helpers work against it.
func TestStatefulWebhooksWithoutOverride(t *testing.T) {
	t.Parallel()
	now := time.Date(2024, 11, 27, 16, 10, 44, 929678000, time.UTC)
	srv := partootest.NewTestServer(t, partootest.WithoutRules(), partootest.WithProviderKey("prov", 1, 2),
		partootest.WithClock(func() time.Time { return now }))
	r := call(t, srv, srv.APIKey, "POST", "/webhooks", "", `{"items":[{"url":"https://a.example","event_type":"lead_received"}]}`)
	var created struct{ Items []gen.WebhookItem }
	if r.Status != 200 || json.Unmarshal([]byte(r.Body), &created) != nil || len(created.Items) != 1 || created.Items[0].ID != 2 {
		t.Errorf("create: %d %s, want the batch of items created, id 2", r.Status, r.Body)
	}
	// Without the override, the family starts with its example, id 1.
	stored := srv.Webhooks()
	if len(stored) != 2 || stored[0].ID != 1 || stored[1].ID != 2 || stored[1].OrgID != 1 || stored[1].CreatedAt != "2024-11-27T16:10:44.929678Z" {
		t.Fatalf("stored %+v, want the example and id 2 in org 1 created now", stored)
	}
	stored = stored[1:]
	c := srv.Client()
	ctx := context.Background()
	got, err := c.Webhooks.Get(ctx, 2)
	if err != nil || !cmp.Equal(*got, stored[0]) {
		t.Errorf("Get = %+v, %v; want %+v", got, err, stored[0])
	}
	now = now.Add(time.Hour)
	newURL := "https://b.example"
	updated, err := c.Webhooks.Update(ctx, 2, gen.UpdateWebhookPayload{URL: &newURL})
	if err != nil || updated.URL != newURL || updated.UpdatedAt != "2024-11-27T17:10:44.929678Z" || updated.CreatedAt != stored[0].CreatedAt {
		t.Errorf("Update = %+v, %v", updated, err)
	}
	if _, err := srv.ClientWithKey("prov", partoo.WithOrgID(2)).Webhooks.Get(ctx, 2); !errors.Is(err, partoo.ErrNotFound) {
		t.Errorf("Get from another organization: %v, want ErrNotFound", err)
	}
	for i := range 43 {
		if _, err := srv.AddResource("/webhooks", map[string]any{"url": fmt.Sprintf("https://h%d.example", i), "event_type": "lead_received"}); err != nil {
			t.Fatal(err)
		}
	}
	srv.AddResource("/webhooks", map[string]any{"url": "https://other.example", "event_type": "lead_received", "org_id": 2})
	perPage := 7
	var ids []int
	for it, err := range c.Webhooks.List(ctx, &gen.GetWebhookListParams{PerPage: &perPage}) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, it.ID)
	}
	if len(ids) != 45 || ids[0] != 1 || ids[44] != 45 {
		t.Errorf("listed %d webhooks (%v), want ids 1..45 of organization 1", len(ids), ids)
	}
}

func TestOperations(t *testing.T) {
	t.Parallel()
	srv := partootest.NewTestServer(t)
	got := srv.Operations()
	if len(got) != len(apispec.Operations) {
		t.Fatalf("%d operations, want the spec's %d", len(got), len(apispec.Operations))
	}
	overridden := map[string]bool{"tryoutWebhooks": true}
	generic := func(op *apispec.Operation) partootest.Behavior {
		if op.Resource.Role != apispec.NoRole {
			return partootest.Stateful
		}
		return partootest.Example
	}
	for i, info := range got {
		op := &apispec.Operations[i]
		want := partootest.OperationInfo{ID: op.ID, Method: op.Method, Path: op.Path, Behavior: generic(op)}
		if overridden[op.ID] {
			want.Behavior = partootest.Override // the tryout
		}
		if info != want {
			t.Errorf("operation %d: %+v, want %+v", i, info, want)
		}
	}
	var zero partootest.Server
	if diff := cmp.Diff(got, zero.Operations()); diff != "" {
		t.Errorf("a zero Server's Operations differ (-NewServer +zero):\n%s", diff)
	}

	plain := partootest.NewTestServer(t, partootest.WithoutRules())
	for i, info := range plain.Operations() {
		want := generic(&apispec.Operations[i])
		if info.Behavior != want {
			t.Errorf("without rules, %s is %s, want %s", info.ID, info.Behavior, want)
		}
	}

	custom := partootest.NewTestServer(t, partootest.WithOperations(ops(t)...))
	behaviors := map[string]partootest.Behavior{}
	for _, info := range custom.Operations() {
		behaviors[info.ID] = info.Behavior
	}
	want := map[string]partootest.Behavior{
		"createBusiness": partootest.Stateful, "searchBusinesses": partootest.Stateful, "getBusiness": partootest.Stateful,
		"updateBusiness": partootest.Stateful, "deleteBusiness": partootest.Stateful, "listLeads": partootest.Stateful,
		"getLead": partootest.Stateful, "ping": partootest.Example, "noop": partootest.Example,
	}
	if diff := cmp.Diff(want, behaviors); diff != "" {
		t.Errorf("behaviours (-want +got):\n%s", diff)
	}
}

// specPageSize is the page size the list operationID answers by default,
// read from the spec's tables rather than from the server: per_page's
// default when the spec declares one, else partootest.DefaultPerPage.
func specPageSize(t *testing.T, operationID string) int {
	t.Helper()
	return pageSizeOf(t, apispec.Operations[:], operationID)
}

// pageSizeOf is specPageSize for the operations ops.
func pageSizeOf(t *testing.T, ops []apispec.Operation, operationID string) int {
	t.Helper()
	for i := range ops {
		op := &ops[i]
		if op.ID != operationID {
			continue
		}
		for j := range op.Params {
			if p := &op.Params[j]; p.Name == "per_page" && p.In == "query" {
				if d, ok := p.Default(); ok {
					n, err := strconv.Atoi(d)
					if err != nil {
						t.Fatalf("%s: per_page default %q: %v", operationID, d, err)
					}
					return n
				}
			}
		}
		return partootest.DefaultPerPage
	}
	t.Fatalf("the spec has no operation %s", operationID)
	return 0
}
