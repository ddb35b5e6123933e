package partoo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/partoo-go/partoo/gen"
	"github.com/partoo-go/partoo/internal/apispec"
)

// chSecret is a value that must never appear in an error message.
const chSecret = "s3cr3t-t0ken-value"

// chMessages returns the message of every *CustomHeaderError joined in err,
// after checking that each one is a *CustomHeaderError matching the
// sentinel and that no message leaks a header value of h.
func chMessages(t *testing.T, err error, h map[string]string) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	if !errors.Is(err, ErrInvalidCustomHeaders) {
		t.Errorf("errors.Is(%v, ErrInvalidCustomHeaders) = false", err)
	}
	joined, ok := err.(interface{ Unwrap() []error })
	if !ok {
		t.Fatalf("error %T is not an errors.Join", err)
	}
	var msgs []string
	for _, e := range joined.Unwrap() {
		var che *CustomHeaderError
		if !errors.As(e, &che) {
			t.Fatalf("joined error %T is not a *CustomHeaderError", e)
		}
		msgs = append(msgs, che.Error())
	}
	for key, v := range h {
		if len(v) >= 6 && !strings.Contains(key, v) && strings.Contains(err.Error(), v) {
			t.Errorf("the error leaks the value of %q: %v", key, err)
		}
	}
	if got, want := err.Error(), strings.Join(msgs, "\n"); got != want {
		t.Errorf("Error() = %q, want the messages one per line %q", got, want)
	}
	return msgs
}

// headersN returns n valid headers.
func headersN(n int) gen.CustomHeaders {
	h := gen.CustomHeaders{}
	for i := range n {
		h[fmt.Sprintf("X-Header-%d", i)] = chSecret
	}
	return h
}

// withHeaders returns h with n more valid headers.
func withHeaders(h gen.CustomHeaders, n int) gen.CustomHeaders {
	maps.Copy(h, headersN(n))
	return h
}

// specMaxHeaders is the spec's maximum number of custom headers, read from
// the generated tables, so that the tests follow a new spec's limit.
func specMaxHeaders(t *testing.T) int {
	t.Helper()
	if apispec.CustomHeaders < 0 || apispec.Schemas[apispec.CustomHeaders].MaxProperties < 2 {
		t.Fatal("the spec's CustomHeaders maxProperties is unset or below 2: these tests need a limit above one header")
	}
	return apispec.Schemas[apispec.CustomHeaders].MaxProperties
}

// tooManyHeaders is the message for n headers beyond the spec's maximum.
func tooManyHeaders(n, limit int) string {
	return fmt.Sprintf("%d custom headers: at most %d are allowed", n, limit)
}

func TestValidateCustomHeaders(t *testing.T) {
	t.Parallel()
	key128 := "X-" + strings.Repeat("k", 126)
	key129 := key128 + "k"
	keyE128 := "X-" + strings.Repeat("é", 126)
	keyE129 := keyE128 + "é"
	limit := specMaxHeaders(t)
	tests := []struct {
		name string
		h    gen.CustomHeaders
		want []string // the messages, in order; nil means valid
	}{
		{"nil", nil, nil},
		{"empty", gen.CustomHeaders{}, nil},
		{"spec example", gen.CustomHeaders{"X-My-Header": "my-value", "X-Auth-Token": "secret-token"}, nil},
		{"as many headers as the spec allows", headersN(limit), nil},
		{"one header more than the spec allows", headersN(limit + 1), []string{tooManyHeaders(limit+1, limit)}},
		{"key of 128 characters", gen.CustomHeaders{key128: "v"}, nil},
		{"key of 129 characters", gen.CustomHeaders{key129: "v"},
			[]string{fmt.Sprintf("custom header %q: name is 129 characters, at most 128", key129)}},
		{"key of 128 multi-byte characters (254 bytes)", gen.CustomHeaders{keyE128: "v"}, nil},
		{"key of 129 multi-byte characters", gen.CustomHeaders{keyE129: "v"},
			[]string{fmt.Sprintf("custom header %q: name is 129 characters, at most 128", keyE129)}},
		{"value of 512 ASCII characters", gen.CustomHeaders{"X-Big": strings.Repeat("a", 512)}, nil},
		{"value of 513 ASCII characters", gen.CustomHeaders{"X-Big": strings.Repeat("a", 513)},
			[]string{`custom header "X-Big": value is 513 characters, at most 512`}},
		{"value of 512 é (1024 bytes)", gen.CustomHeaders{"X-Big": strings.Repeat("é", 512)}, nil},
		{"value of 513 é", gen.CustomHeaders{"X-Big": strings.Repeat("é", 513)},
			[]string{`custom header "X-Big": value is 513 characters, at most 512`}},
		{"value of 512 emoji (2048 bytes)", gen.CustomHeaders{"X-Big": strings.Repeat("🦊", 512)}, nil},
		{"value of 513 emoji", gen.CustomHeaders{"X-Big": strings.Repeat("🦊", 513)},
			[]string{`custom header "X-Big": value is 513 characters, at most 512`}},
		{"empty value", gen.CustomHeaders{"X-Empty": ""}, nil},
		{"X- alone", gen.CustomHeaders{"X-": "v"}, nil},
		{"x- alone", gen.CustomHeaders{"x-": "v"}, nil},
		{"lower-case prefix", gen.CustomHeaders{"x-my-header": "v"}, nil},
		{"Y-Foo", gen.CustomHeaders{"Y-Foo": "v"}, []string{`custom header "Y-Foo": the name must start with "X-" (in any case)`}},
		{"no dash", gen.CustomHeaders{"XFoo": "v"}, []string{`custom header "XFoo": the name must start with "X-" (in any case)`}},
		{"empty key", gen.CustomHeaders{"": "v"}, []string{`custom header "": the name must start with "X-" (in any case)`}},
		{"X-Partoo", gen.CustomHeaders{"X-Partoo": "v"}, []string{`custom header "X-Partoo": the X-Partoo prefix is reserved`}},
		{"X-Partoo-Id", gen.CustomHeaders{"X-Partoo-Id": "v"}, []string{`custom header "X-Partoo-Id": the X-Partoo prefix is reserved`}},
		{"x-pArToO-y", gen.CustomHeaders{"x-pArToO-y": "v"}, []string{`custom header "x-pArToO-y": the X-Partoo prefix is reserved`}},
		{"X-Partoo2", gen.CustomHeaders{"X-Partoo2": "v"}, []string{`custom header "X-Partoo2": the X-Partoo prefix is reserved`}},
		{"X-PartoX", gen.CustomHeaders{"X-PartoX": "v"}, nil},
		{"X-Part", gen.CustomHeaders{"X-Part": "v"}, nil},
		{"X-My-Partoo", gen.CustomHeaders{"X-My-Partoo": "v"}, nil},
		{"two forbidden characters", gen.CustomHeaders{"X-a:b/c": "v"},
			[]string{`custom header "X-a:b/c": characters ':' and '/' are not allowed in a header name`}},
		{"missing prefix and forbidden character", gen.CustomHeaders{"Y-a=b": "v"}, []string{
			`custom header "Y-a=b": the name must start with "X-" (in any case)`,
			`custom header "Y-a=b": character '=' is not allowed in a header name`,
		}},
		{"reserved and too long", gen.CustomHeaders{"X-Partoo" + strings.Repeat("p", 121): "v"}, []string{
			fmt.Sprintf("custom header %q: name is 129 characters, at most 128", "X-Partoo"+strings.Repeat("p", 121)),
			fmt.Sprintf("custom header %q: the X-Partoo prefix is reserved", "X-Partoo"+strings.Repeat("p", 121)),
		}},
		{"control character is shown escaped", gen.CustomHeaders{"X-a\x00:": "v"},
			[]string{`custom header "X-a\x00:": character ':' is not allowed in a header name`}},
		{"every violation at once, sorted", withHeaders(gen.CustomHeaders{
			"X-Partoo-Id": chSecret, "X-a:b": chSecret, "X-Big": strings.Repeat("s", 513), "Y-Foo": chSecret,
		}, limit+1-4), []string{
			tooManyHeaders(limit+1, limit),
			`custom header "X-Big": value is 513 characters, at most 512`,
			`custom header "X-Partoo-Id": the X-Partoo prefix is reserved`,
			`custom header "X-a:b": character ':' is not allowed in a header name`,
			`custom header "Y-Foo": the name must start with "X-" (in any case)`,
		}},
	}
	// Every character the spec's description forbids, one row each.
	for _, c := range ` ()<>@,;:\"/[]?={}` {
		key := "X-a" + string(c) + "b"
		tests = append(tests, struct {
			name string
			h    gen.CustomHeaders
			want []string
		}{fmt.Sprintf("forbidden %q", c), gen.CustomHeaders{key: "v"},
			[]string{fmt.Sprintf("custom header %q: character %q is not allowed in a header name", key, c)}})
	}
	// Characters the pattern accepts, although some are unusual in HTTP.
	for _, c := range "-_.!#$%&'*+^`|~é🦊\t\n\x7f" {
		key := "X-a" + string(c) + "b"
		tests = append(tests, struct {
			name string
			h    gen.CustomHeaders
			want []string
		}{fmt.Sprintf("allowed %q", c), gen.CustomHeaders{key: "v"}, nil})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := ValidateCustomHeaders(tt.h)
			if diff := cmp.Diff(tt.want, chMessages(t, err, tt.h)); diff != "" {
				t.Errorf("ValidateCustomHeaders() messages (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCustomHeaderErrorFields(t *testing.T) {
	t.Parallel()
	limit := specMaxHeaders(t)
	err := ValidateCustomHeaders(withHeaders(gen.CustomHeaders{
		"X-Big": strings.Repeat("é", 600), "X-Partoo-Id": "v",
	}, limit-1))
	var got []CustomHeaderError
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		got = append(got, *e.(*CustomHeaderError))
	}
	want := []CustomHeaderError{
		{Rule: "maxProperties", Limit: limit, Actual: limit + 1, Reason: tooManyHeaders(limit+1, limit)},
		{Key: "X-Big", Rule: "additionalProperties.maxLength", Limit: 512, Actual: 600, Reason: "value is 600 characters, at most 512"},
		{Key: "X-Partoo-Id", Rule: "propertyNames.pattern", Reason: "the X-Partoo prefix is reserved"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
}

// TestGeneratedLocations pins what specgen found in the spec: the client
// checks these places of the request bodies.
func TestGeneratedLocations(t *testing.T) {
	t.Parallel()
	got := map[string][]string{}
	for _, op := range apispec.Operations {
		for _, loc := range op.CustomHeadersAt {
			got[op.Method+" "+op.Path] = append(got[op.Method+" "+op.Path], loc.String())
		}
	}
	want := map[string][]string{
		"POST /webhooks":             {"items[*].custom_headers"},
		"POST /webhooks/tryout":      {"items[*].custom_headers"},
		"PUT /webhooks/{webhook_id}": {"custom_headers"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CustomHeadersAt (-want +got):\n%s", diff)
	}
}

// chServer is a fake Partoo under /v2 that counts the requests it receives
// and keeps their bodies.
type chServer struct {
	*httptest.Server
	count  atomic.Int64
	mu     sync.Mutex
	bodies []string
}

func newCHServer(t *testing.T) *chServer {
	t.Helper()
	const item = `{"id":1,"url":"https://example.com/webhook","event_type":"business_created","created_at":"2024-11-27T16:10:44.929678Z","updated_at":"2024-11-27T16:10:44.929678Z","org_id":1}`
	s := &chServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.count.Add(1)
		body, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.bodies = append(s.bodies, string(body))
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.Method == http.MethodPost && r.URL.Path == "/v2/webhooks":
			io.WriteString(w, `{"items":[`+item+`]}`)
		case r.Method == http.MethodPost && r.URL.Path == "/v2/webhooks/tryout":
			io.WriteString(w, `{"ok":true}`)
		default:
			io.WriteString(w, item)
		}
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *chServer) lastBody() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.bodies) == 0 {
		return ""
	}
	return s.bodies[len(s.bodies)-1]
}

func newCHClient(t *testing.T, s *chServer) *Client {
	t.Helper()
	c, err := NewClient("test-key", WithBaseURL(s.URL+"/v2"), WithTransport(s.Client().Transport))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestCustomHeadersCheckedBeforeSending calls every operation that carries
// custom_headers, through the helpers and through the generated methods,
// and checks that an invalid body never reaches the server while a valid
// one does, intact.
func TestCustomHeadersCheckedBeforeSending(t *testing.T) {
	t.Parallel()
	limit := specMaxHeaders(t)
	bad := gen.CustomHeaders{"X-Partoo-Id": chSecret, "X-a:b": chSecret}
	good := gen.CustomHeaders{"X-Auth-Token": chSecret}
	item := func(h gen.CustomHeaders) gen.WebhookCreateItem {
		return gen.WebhookCreateItem{URL: "https://example.com/hook", EventType: gen.EventTypeBusinessCreated, CustomHeaders: &h}
	}
	plain := gen.WebhookCreateItem{URL: "https://example.com/hook", EventType: gen.EventTypeBusinessCreated}
	rawBody := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	// onlyReader hides bytes.Reader's type so that http.NewRequest sets no
	// GetBody: the client must still read, check and resend the body.
	onlyReader := func(s string) io.Reader { return io.MultiReader(strings.NewReader(s)) }

	type call func(ctx context.Context, c *Client) error
	tests := []struct {
		name         string
		call         call
		wantLocation string // "" means the call is valid and must be sent
		wantRule     string
	}{
		{"Webhooks.Update", func(ctx context.Context, c *Client) error {
			_, err := c.Webhooks.Update(ctx, 1, gen.UpdateWebhookPayload{CustomHeaders: &bad})
			return err
		}, "custom_headers", "propertyNames.pattern"},
		{"Webhooks.Create, second item", func(ctx context.Context, c *Client) error {
			_, err := c.Webhooks.Create(ctx, gen.CreateWebhooksPayload{Items: []gen.WebhookCreateItem{item(good), item(bad)}})
			return err
		}, "items[1].custom_headers", "propertyNames.pattern"},
		{"Webhooks.Create, too many headers", func(ctx context.Context, c *Client) error {
			_, err := c.Webhooks.Create(ctx, gen.CreateWebhooksPayload{Items: []gen.WebhookCreateItem{item(headersN(limit + 1))}})
			return err
		}, "items[0].custom_headers", "maxProperties"},
		{"Webhooks.Tryout", func(ctx context.Context, c *Client) error {
			_, err := c.Webhooks.Tryout(ctx, gen.CreateWebhooksPayload{Items: []gen.WebhookCreateItem{item(gen.CustomHeaders{"X-Big": strings.Repeat("🦊", 513)})}})
			return err
		}, "items[0].custom_headers", "additionalProperties.maxLength"},
		{"generated UpdateWebhookWithResponse", func(ctx context.Context, c *Client) error {
			_, err := c.Raw().UpdateWebhookWithResponse(ctx, 1, nil, gen.UpdateWebhookPayload{CustomHeaders: &bad})
			return err
		}, "custom_headers", "propertyNames.pattern"},
		{"generated WebhookWithResponse", func(ctx context.Context, c *Client) error {
			_, err := c.Raw().WebhookWithResponse(ctx, nil, gen.CreateWebhooksPayload{Items: []gen.WebhookCreateItem{item(bad)}})
			return err
		}, "items[0].custom_headers", "propertyNames.pattern"},
		{"generated TryoutWebhooksWithResponse", func(ctx context.Context, c *Client) error {
			_, err := c.Raw().TryoutWebhooksWithResponse(ctx, nil, gen.CreateWebhooksPayload{Items: []gen.WebhookCreateItem{item(bad)}})
			return err
		}, "items[0].custom_headers", "propertyNames.pattern"},
		{"raw WebhookWithBody, reader without GetBody", func(ctx context.Context, c *Client) error {
			body := rawBody(gen.CreateWebhooksPayload{Items: []gen.WebhookCreateItem{item(bad)}})
			_, err := c.Raw().WebhookWithBody(ctx, nil, "application/json", onlyReader(body))
			return err
		}, "items[0].custom_headers", "propertyNames.pattern"},
		{"raw UpdateWebhookWithBody, null custom_headers", func(ctx context.Context, c *Client) error {
			_, err := c.Raw().UpdateWebhookWithBody(ctx, 1, nil, "application/json", strings.NewReader(`{"custom_headers":null}`))
			return err
		}, "custom_headers", "type"},
		{"raw UpdateWebhookWithBody, number value", func(ctx context.Context, c *Client) error {
			_, err := c.Raw().UpdateWebhookWithBody(ctx, 1, nil, "application/json", strings.NewReader(`{"custom_headers":{"X-A":1}}`))
			return err
		}, "custom_headers", "additionalProperties.type"},

		{"valid Webhooks.Update", func(ctx context.Context, c *Client) error {
			_, err := c.Webhooks.Update(ctx, 1, gen.UpdateWebhookPayload{CustomHeaders: &good})
			return err
		}, "", ""},
		{"valid Webhooks.Create with the most headers the spec allows", func(ctx context.Context, c *Client) error {
			_, err := c.Webhooks.Create(ctx, gen.CreateWebhooksPayload{Items: []gen.WebhookCreateItem{item(headersN(limit)), plain}})
			return err
		}, "", ""},
		{"valid Webhooks.Tryout", func(ctx context.Context, c *Client) error {
			_, err := c.Webhooks.Tryout(ctx, gen.CreateWebhooksPayload{Items: []gen.WebhookCreateItem{item(good)}})
			return err
		}, "", ""},
		{"valid generated WebhookWithResponse", func(ctx context.Context, c *Client) error {
			_, err := c.Raw().WebhookWithResponse(ctx, nil, gen.CreateWebhooksPayload{Items: []gen.WebhookCreateItem{item(good)}})
			return err
		}, "", ""},
		{"valid raw WebhookWithBody, reader without GetBody", func(ctx context.Context, c *Client) error {
			body := rawBody(gen.CreateWebhooksPayload{Items: []gen.WebhookCreateItem{item(good)}})
			_, err := c.Raw().WebhookWithBody(ctx, nil, "application/json", onlyReader(body))
			return err
		}, "", ""},
		{"valid Webhooks.Update without custom headers", func(ctx context.Context, c *Client) error {
			u := "https://example.com/new"
			_, err := c.Webhooks.Update(ctx, 1, gen.UpdateWebhookPayload{URL: &u})
			return err
		}, "", ""},
		{"GET is not affected", func(ctx context.Context, c *Client) error {
			_, err := c.Webhooks.Get(ctx, 1)
			return err
		}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newCHServer(t)
			err := tt.call(context.Background(), newCHClient(t, s))
			if tt.wantLocation == "" {
				if err != nil {
					t.Fatalf("valid call failed: %v", err)
				}
				if n := s.count.Load(); n != 1 {
					t.Errorf("the server received %d requests, want 1", n)
				}
				return
			}
			if n := s.count.Load(); n != 0 {
				t.Errorf("the server received %d requests, want 0: the invalid body was sent", n)
			}
			if !errors.Is(err, ErrInvalidCustomHeaders) {
				t.Fatalf("err = %v, want ErrInvalidCustomHeaders", err)
			}
			var che *CustomHeaderError
			if !errors.As(err, &che) {
				t.Fatalf("err = %v, want a *CustomHeaderError", err)
			}
			if che.Location != tt.wantLocation || che.Rule != tt.wantRule {
				t.Errorf("first violation at %q rule %q, want %q rule %q (%v)", che.Location, che.Rule, tt.wantLocation, tt.wantRule, err)
			}
			if strings.Contains(err.Error(), chSecret) {
				t.Errorf("the error leaks a header value: %v", err)
			}
			if !errors.Is(err, ErrInvalidRequest) {
				t.Errorf("err = %v, want it to match ErrInvalidRequest (not sent)", err)
			}
		})
	}
}

func TestRawBodyReplayedIntact(t *testing.T) {
	t.Parallel()
	s := newCHServer(t)
	c := newCHClient(t, s)
	body := `{"items":[{"url":"https://example.com/hook","event_type":"business_created","custom_headers":{"X-Auth-Token":"é🦊"}}]}`
	if _, err := c.Raw().WebhookWithBody(context.Background(), nil, "application/json", io.MultiReader(strings.NewReader(body))); err != nil {
		t.Fatal(err)
	}
	if got := s.lastBody(); got != body {
		t.Errorf("the server received %q, want %q", got, body)
	}
}

func TestInvalidJSONBodyNotSent(t *testing.T) {
	t.Parallel()
	s := newCHServer(t)
	c := newCHClient(t, s)
	_, err := c.Raw().WebhookWithBody(context.Background(), nil, "application/json", strings.NewReader(`{"items":[`))
	if !errors.Is(err, ErrInvalidRequest) || !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("err = %v, want ErrInvalidRequest wrapping the JSON error", err)
	}
	if n := s.count.Load(); n != 0 {
		t.Errorf("the server received %d requests, want 0", n)
	}
}

func TestErrorMessageThroughClient(t *testing.T) {
	t.Parallel()
	s := newCHServer(t)
	c := newCHClient(t, s)
	h := gen.CustomHeaders{"X-Partoo-Id": chSecret, "X-a:b": chSecret}
	_, err := c.Webhooks.Update(context.Background(), 7, gen.UpdateWebhookPayload{CustomHeaders: &h})
	want := `partoo: PUT /v2/webhooks/7: invalid custom headers, request not sent:
custom_headers: custom header "X-Partoo-Id": the X-Partoo prefix is reserved
custom_headers: custom header "X-a:b": character ':' is not allowed in a header name
custom_headers: custom header "X-a:b": the name is not an HTTP token (RFC 9110: letters, digits and !#$%&'*+-.^_` + "`" + `|~ only), so it could never be sent as a header`
	if err == nil || err.Error() != want {
		t.Errorf("err =\n%v\nwant\n%s", err, want)
	}
}

// TestRawBodyEveryViolation: a raw JSON body gets every violation at once,
// the HTTP rule of a name included when its value is not a string (the
// client skipped that rule for such a header before).
func TestRawBodyEveryViolation(t *testing.T) {
	t.Parallel()
	s := newCHServer(t)
	c := newCHClient(t, s)
	_, err := c.Raw().UpdateWebhookWithBody(context.Background(), 7, nil, "application/json", strings.NewReader(`{"custom_headers":{"bad name":1}}`))
	want := []string{
		`custom_headers: custom header "bad name": the name must start with "X-" (in any case)`,
		`custom_headers: custom header "bad name": character ' ' is not allowed in a header name`,
		`custom_headers: custom header "bad name": value is a number, not a string`,
		"custom_headers: custom header \"bad name\": the name is not an HTTP token (RFC 9110: letters, digits and !#$%&'*+-.^_`|~ only), so it could never be sent as a header",
	}
	var got []string
	if j, ok := errors.Unwrap(err).(interface{ Unwrap() []error }); ok {
		got = chMessages(t, j.(error), nil)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("violations of %v (-want +got):\n%s", err, diff)
	}
	if !errors.Is(err, ErrUndeliverableCustomHeader) {
		t.Errorf("err = %v, want it to match ErrUndeliverableCustomHeader", err)
	}
	if n := s.count.Load(); n != 0 {
		t.Errorf("the server received %d requests, want 0", n)
	}
}
