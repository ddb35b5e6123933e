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
	"regexp"
	"slices"
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

// declaredMethods returns the methods the spec declares for any of the
// path templates, sorted: what a 405's Allow header lists. It fails the
// test when a template is not in the spec.
func declaredMethods(t *testing.T, templates ...string) []string {
	t.Helper()
	var methods []string
	for _, tmpl := range templates {
		found := false
		for _, op := range apispec.Operations {
			if op.Path == tmpl {
				found = true
				if !slices.Contains(methods, op.Method) {
					methods = append(methods, op.Method)
				}
			}
		}
		if !found {
			t.Fatalf("the spec has no operation on %s", tmpl)
		}
	}
	slices.Sort(methods)
	return methods
}

// undeclaredMethods returns the methods of candidates that the spec
// declares for none of the path templates, so that a 405 test follows the
// spec: a method the spec adds is no longer expected to be refused.
func undeclaredMethods(t *testing.T, candidates []string, templates ...string) []string {
	t.Helper()
	declared := declaredMethods(t, templates...)
	var out []string
	for _, m := range candidates {
		if !slices.Contains(declared, m) {
			out = append(out, m)
		}
	}
	return out
}

// concretePaths returns a path of each path template of the spec, its
// parameters given their examples, with the templates that path matches
// (/webhooks/tryout matches /webhooks/tryout and /webhooks/{webhook_id}).
func concretePaths() map[string][]string {
	out := map[string][]string{}
	for _, op := range apispec.Operations {
		segs := strings.Split(op.Path, "/")
		for i, seg := range segs {
			if name, ok := strings.CutPrefix(seg, "{"); ok {
				segs[i] = "1"
				for _, p := range op.Params {
					if p.In == "path" && p.Name == strings.TrimSuffix(name, "}") && p.Example != "" {
						segs[i] = url.PathEscape(p.Example)
					}
				}
			}
		}
		out[strings.Join(segs, "/")] = nil
	}
	for path := range out {
		for _, op := range apispec.Operations {
			if matchesTemplate(op.Path, path) && !slices.Contains(out[path], op.Path) {
				out[path] = append(out[path], op.Path)
			}
		}
	}
	return out
}

// matchesTemplate reports whether path fits the path template: as many
// segments, and the same literal segments.
func matchesTemplate(template, path string) bool {
	ts, ps := strings.Split(template, "/"), strings.Split(path, "/")
	if len(ts) != len(ps) {
		return false
	}
	for i, seg := range ts {
		if !strings.HasPrefix(seg, "{") && seg != ps[i] {
			return false
		}
	}
	return true
}

// TestMethodNotAllowed sends, to a path of every path template of the
// spec, each method the spec declares on none of the templates the path
// matches: a 405 whose Allow header lists the methods it declares.
func TestMethodNotAllowed(t *testing.T) {
	t.Parallel()
	srv := partootest.NewTestServer(t)
	type test struct{ method, path, allow string }
	var tests []test
	for path, templates := range concretePaths() {
		for _, m := range undeclaredMethods(t, []string{"DELETE", "GET", "HEAD", "PATCH", "POST", "PUT"}, templates...) {
			tests = append(tests, test{m, path, strings.Join(declaredMethods(t, templates...), ", ")})
		}
	}
	if len(tests) == 0 {
		t.Fatal("the spec declares every method on every path: no 405 to test")
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
// Delay longer than the timeout still ends with the response. The timeout
// leaves a 10 KiB body thousands of times the time it needs on loopback,
// so that a loaded machine cannot make the read itself time out.
func TestReadTimeoutDoesNotCancelHandling(t *testing.T) {
	t.Parallel()
	srv := partootest.NewTestServer(t, partootest.WithTimeouts(partootest.Timeouts{Read: 500 * time.Millisecond}))
	srv.AddFault(partootest.Fault{Delay: 700 * time.Millisecond})
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
	if got := srv.Webhooks(); len(got) != 1 || got[0].CustomHeaders != nil || len(srv.Deliveries()) != 0 {
		t.Errorf("webhooks %+v and %d deliveries after refused calls", got, len(srv.Deliveries()))
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
		// No IDProperty: the fake identifies the items by id.
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
			Resource: apispec.Resource{Role: apispec.ListItems, Collection: "/leads", IDProperty: "id", Item: lead}},
		{ID: "getLead", Method: "GET", Path: "/leads/{lead_id}", Body: noBody,
			Params:   []apispec.Param{{Name: "lead_id", In: "path", Required: true, Schema: apispec.Schemas[lead].Property("id")}},
			Success:  apispec.Response{Status: 200, Schema: lead, Example: apispec.Schemas[lead].Example},
			Resource: apispec.Resource{Role: apispec.Read, Collection: "/leads", IDParam: "lead_id", IDProperty: "id", Item: lead, ItemInResponse: true}},
		{ID: "ping", Method: "GET", Path: "/ping", Body: noBody, Success: apispec.Response{Status: 200, Schema: empty, Example: `{"pong":true}`}, Resource: apispec.Resource{Item: apispec.NoSchema}},
		{ID: "noop", Method: "POST", Path: "/noop", Body: noBody, Success: apispec.Response{Status: 204, Schema: apispec.NoSchema}, Resource: apispec.Resource{Item: apispec.NoSchema}},
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

// tooManyHeaders returns a JSON object of one custom header more than the
// spec's CustomHeaders maxProperties.
func tooManyHeaders(t *testing.T) string {
	t.Helper()
	if apispec.CustomHeaders < 0 || apispec.Schemas[apispec.CustomHeaders].MaxProperties == apispec.Unset {
		t.Fatal("the spec's CustomHeaders has no maxProperties")
	}
	limit := apispec.Schemas[apispec.CustomHeaders].MaxProperties
	h := map[string]string{}
	for i := range limit + 1 {
		h[fmt.Sprintf("X-%d", i)] = "a"
	}
	b, err := json.Marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
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
		{name: "one custom header more than the spec allows", method: "POST", path: "/webhooks", body: `{"items":[{"url":"https://b.example","event_type":"message_created","custom_headers":` + tooManyHeaders(t) + `}]}`, want: 400, wantField: "items[0].custom_headers"},
		{name: "custom header value not a string", method: "POST", path: "/webhooks", body: `{"items":[{"url":"https://b.example","event_type":"message_created","custom_headers":{"X-A":1}}]}`, want: 400, wantField: "items[0].custom_headers"},
		{name: "form body", method: "POST", path: "/webhooks", contentType: "application/x-www-form-urlencoded", body: "items=1", want: 415},
		{name: "no content type", method: "PUT", path: hookPath, contentType: "text/plain", body: `{}`, want: 415},
		{name: "update to http", method: "PUT", path: hookPath, body: `{"url":"http://a.example"}`, want: 400, wantField: "url", wantMessage: "^https://"},
		{name: "update with a bad custom header", method: "PUT", path: hookPath, body: `{"custom_headers":{"Auth":"x"}}`, want: 400, wantField: "custom_headers", wantMessage: `"Auth"`},
		// getWebhook declares 401, 403 and 404, not 400: a path that names
		// no resource is 404, an org_id the key cannot act on 403.
		{name: "webhook_id not a number", method: "GET", path: "/webhooks/abc", want: 404},
		{name: "org_id not a number", method: "GET", path: hookPath + "?org_id=x", want: 403},
		{name: "webhook_id not a number in an update", method: "PUT", path: "/webhooks/abc", body: `{}`, want: 404},
		{name: "tryout without items", method: "POST", path: "/webhooks/tryout", body: `{"items":[]}`, want: 400, wantField: "items"},
		{name: "unknown path", method: "GET", path: "/nothing", want: 404},
		{name: "unknown webhook", method: "GET", path: "/webhooks/999", want: 404},
		{name: "unsupported method", method: undeclaredMethods(t, []string{"DELETE", "PATCH", "POST", "PUT"}, "/webhooks/{webhook_id}")[0], path: hookPath, want: 405},
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

// TestEncodedPathSpellings: the fake decodes percent-encoded unreserved
// characters before routing, so an operation's checks apply however its
// path is spelled; an encoded slash or an empty segment names nothing.
func TestEncodedPathSpellings(t *testing.T) {
	t.Parallel()
	srv := partootest.NewTestServer(t)
	addWebhooks(t, srv, gen.WebhookItem{ID: 1, URL: "https://a.example", EventType: gen.EventTypeLeadReceived})
	for _, tt := range []struct {
		method, path, body string
		status             int
	}{
		{http.MethodGet, "/v2/%77ebhooks", "", http.StatusOK},
		{http.MethodGet, "/v2/web%68ooks/%31", "", http.StatusOK},
		{http.MethodPost, "/v2/webhooks/tr%79out", `{"items":[{"url":"https://a.example","event_type":"lead_received","custom_headers":{"X-Partoo-Evil":"v"}}]}`, http.StatusBadRequest},
		{http.MethodPost, "/v2/%77ebhooks", `{"items":[{"url":"http://a.example","event_type":"lead_received"}]}`, http.StatusBadRequest},
		{http.MethodGet, "/v2/webhooks%2F1", "", http.StatusNotFound},
		{http.MethodGet, "/v2/webhooks//1", "", http.StatusNotFound},
	} {
		r := callURL(t, srv.APIKey, tt.method, origin(t, srv)+tt.path, "application/json", tt.body)
		if r.Status != tt.status {
			t.Errorf("%s %s: status %d (%s), want %d", tt.method, tt.path, r.Status, r.Body, tt.status)
		}
	}
	if n := len(srv.Webhooks()); n != 1 {
		t.Errorf("%d webhooks stored, want 1: nothing refused is stored", n)
	}
}

// TestStoresWhatItValidated: the fake decodes a body once, refuses a key
// repeated in one object, and keeps exactly the validated document: keys
// that differ from the spec's only by case are neither read nor stored,
// by any operation (create, update, tryout), so GET serves only what the
// spec allows.
func TestStoresWhatItValidated(t *testing.T) {
	t.Parallel()
	srv := partootest.NewTestServer(t)
	hook := addWebhooks(t, srv, gen.WebhookItem{ID: 1, URL: "https://a.example", EventType: gen.EventTypeLeadReceived})[0]
	item := `"url":"https://b.example","event_type":"lead_received"`
	for _, tt := range []struct {
		name, method, path, body string
		status                   int
	}{
		{"create, key in upper case", http.MethodPost, "/webhooks", `{"items":[{` + item + `,"CUSTOM_HEADERS":{"X-Partoo-Evil":"v"}}]}`, 0},
		{"create, event type twice", http.MethodPost, "/webhooks", `{"items":[{` + item + `,"EVENT_TYPE":"nonsense_event"}]}`, 0},
		{"create, duplicate key", http.MethodPost, "/webhooks", `{"items":[{` + item + `,"custom_headers":{"X-Partoo-Evil":"v"},"custom_headers":{"X-A":"b"}}]}`, http.StatusBadRequest},
		{"create, duplicate header", http.MethodPost, "/webhooks", `{"items":[{` + item + `,"custom_headers":{"X-A":"b","X-A":"c"}}]}`, http.StatusBadRequest},
		{"update, URL in upper case", http.MethodPut, fmt.Sprintf("/webhooks/%d", hook.ID), `{"URL":"http://evil.example/x"}`, 0},
		{"update, duplicate url", http.MethodPut, fmt.Sprintf("/webhooks/%d", hook.ID), `{"url":"http://evil.example/x","url":"https://c.example"}`, http.StatusBadRequest},
		{"tryout, URL in upper case", http.MethodPost, "/webhooks/tryout", `{"items":[{` + item + `,"URL":"http://evil.example/x"}]}`, 0},
	} {
		r := callURL(t, srv.APIKey, tt.method, origin(t, srv)+"/v2"+tt.path, "application/json", tt.body)
		if tt.status != 0 && r.Status != tt.status {
			t.Errorf("%s: status %d (%s), want %d", tt.name, r.Status, r.Body, tt.status)
		}
	}
	list := callURL(t, srv.APIKey, http.MethodGet, origin(t, srv)+"/v2/webhooks?per_page=100", "", "")
	for _, bad := range []string{"Evil", "nonsense", "evil.example", "CUSTOM", "EVENT", "URL", "c.example"} {
		if strings.Contains(string(list.Body), bad) {
			t.Errorf("GET /webhooks serves %q: %s", bad, list.Body)
		}
	}
	for _, d := range srv.Deliveries() {
		if d.URL != "https://b.example" {
			t.Errorf("tryout of %q, want the url the request validated", d.URL)
		}
	}
	if len(srv.Deliveries()) != 1 {
		t.Errorf("%d tryouts, want 1", len(srv.Deliveries()))
	}
}

// TestAnswersOnlyDeclaredStatuses sends every operation of the spec the
// requests a client gets wrong (no key, a path that names nothing, an
// org_id that is not a number or not the key's, a PROVIDER key without
// org_id, a body that is not JSON or not valid) and checks that each
// answer has a status the operation declares: a client generated from the
// spec, in any language, has a case for it.
func TestAnswersOnlyDeclaredStatuses(t *testing.T) {
	t.Parallel()
	srv := partootest.NewTestServer(t, partootest.WithProviderKey("provider-key", 10, 11))
	param := regexp.MustCompile(`\{[^}]+\}`)
	for i := range apispec.Operations {
		op := &apispec.Operations[i]
		allowed := append([]int{op.Success.Status}, op.Errors...)
		path := op.Path
		bad := param.ReplaceAllString(path, "abc")
		path = param.ReplaceAllString(path, "999999")
		hasBody := op.Body.Schema != apispec.NoSchema
		body := ""
		if hasBody {
			body = `{}`
		}
		type probe struct {
			name, key, path, contentType, body string
		}
		probes := []probe{
			{name: "no key", path: path, body: body},
			{name: "unknown item", key: srv.APIKey, path: path, body: body},
			{name: "org_id not a number", key: srv.APIKey, path: path + "?org_id=x", body: body},
			{name: "org_id of another organization", key: srv.APIKey, path: path + "?org_id=424242", body: body},
			{name: "PROVIDER key without org_id", key: "provider-key", path: path, body: body},
		}
		if bad != path {
			probes = append(probes, probe{name: "path that names nothing", key: srv.APIKey, path: bad, body: body})
		}
		if hasBody {
			probes = append(probes,
				probe{name: "body not JSON", key: srv.APIKey, path: path, contentType: "text/plain", body: "x"},
				probe{name: "body of the wrong type", key: srv.APIKey, path: path, body: `[1]`})
		}
		if !slices.ContainsFunc(op.Errors, func(s int) bool { return s >= 400 && s <= 499 && s != http.StatusTooManyRequests }) {
			continue // it declares no 4xx: no status would be declared
		}
		for _, p := range probes {
			t.Run(fmt.Sprintf("%s %s: %s", op.Method, op.Path, p.name), func(t *testing.T) {
				r := call(t, srv, p.key, op.Method, p.path, p.contentType, p.body)
				if !slices.Contains(allowed, r.Status) {
					t.Errorf("%s %s answered %d, which %s does not declare (it declares %v): %s",
						op.Method, p.path, r.Status, op.ID, allowed, strings.TrimSpace(r.Body))
				}
			})
		}
	}
}

// TestPathThatNamesNothingIs404 pins the case a user meets first: a
// webhook id that is not a number names no webhook.
func TestPathThatNamesNothingIs404(t *testing.T) {
	t.Parallel()
	srv := partootest.NewTestServer(t)
	if r := call(t, srv, srv.APIKey, http.MethodGet, "/webhooks/abc", "", ""); r.Status != http.StatusNotFound {
		t.Errorf("GET /v2/webhooks/abc: %d %s, want 404", r.Status, r.Body)
	}
}
