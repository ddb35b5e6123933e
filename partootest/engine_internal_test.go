package partootest

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/partoo-go/partoo"
	"github.com/partoo-go/partoo/gen"
	"github.com/partoo-go/partoo/internal/apispec"
)

// webhookItem is the answer of the recording transport: a valid webhook.
const webhookItem = `{"id":1,"url":"https://example.com/webhook","event_type":"business_created","created_at":"2024-11-27T16:10:44.929678Z","updated_at":"2024-11-27T16:10:44.929678Z","org_id":1}`

// countingTransport answers every request with webhookItem and counts
// them: a request it sees is one the client did not refuse.
type countingTransport struct{ sent atomic.Int64 }

func (t *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	t.sent.Add(1)
	if r.Body != nil {
		io.Copy(io.Discard, r.Body)
		r.Body.Close()
	}
	return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(webhookItem)), Request: r}, nil
}

// clientRefusals returns the error lines of the custom-header violations
// in err, each a *partoo.CustomHeaderError, in order.
func clientRefusals(err error) []string {
	var out []string
	var walk func(error)
	walk = func(err error) {
		var che *partoo.CustomHeaderError
		switch e := err.(type) {
		case nil:
		case interface{ Unwrap() []error }:
			for _, x := range e.Unwrap() {
				walk(x)
			}
		default:
			if errors.As(err, &che) && che == err {
				out = append(out, che.Error())
				return
			}
			walk(errors.Unwrap(err))
		}
	}
	walk(err)
	return out
}

// fakeRefusals returns the fake's violations of body for op, as error
// lines in the order it reports them, and whether it could read the body.
func fakeRefusals(op *apispec.Operation, body string) ([]string, bool) {
	_, errs := checkBody(validator, op, []byte(body))
	var out []string
	for _, field := range sortedKeys(errs) {
		for _, msg := range errs[field] {
			if field == "body" && strings.HasPrefix(msg, "Invalid JSON") {
				return nil, false // a repeated key, or too deep for the fake
			}
			out = append(out, apispec.Violation{Location: field, Message: msg}.Error())
		}
	}
	return out, true
}

// FuzzCustomHeadersAgree feeds any JSON value, as the custom headers of an
// update and of the two items of a create, to the client's raw methods
// (checked from the JSON bytes), to its typed helpers when the value is a
// map of strings, and to the fake's validator, and checks that the fake
// refuses exactly what the client refuses, with the same violations in
// the same order, and that no message holds a distinctive header value.
func FuzzCustomHeadersAgree(f *testing.F) {
	for _, seed := range [][2]string{
		{`{"X-A":"v"}`, `{}`},
		{`{"X-Partoo":1,"bad name":null,"X-B":{"X-C":"d"},"X-D":[1,"2"],"X-E":"a\nb","X-F":2.5}`, `null`},
		{`{"X-1":"a","X-2":"b","X-3":"c","X-4":"d","X-5":"e","X-6":"f"}`, `[]`},
		{`"X-A: v"`, `7`},
		{`{"X-Big":"` + strings.Repeat("é", 513) + `","x-partoo-id":"s3cr3t-t0ken"}`, `{"Y=a b":"\u0000"}`},
		{`{"X-é":true,"X-\u007f":false,"":""}`, `{"X-Auth-Token":"secret-token"}`},
	} {
		f.Add(seed[0], seed[1])
	}
	rt := &countingTransport{}
	c, err := partoo.NewClient("test-key", partoo.WithBaseURL("http://127.0.0.1/v2"), partoo.WithTransport(rt), partoo.WithoutRetries())
	if err != nil {
		f.Fatal(err)
	}
	update, create := operation(f, "updateWebhook"), operation(f, "Webhook")
	f.Fuzz(func(t *testing.T, a, b string) {
		if !json.Valid([]byte(a)) || !json.Valid([]byte(b)) {
			return
		}
		agree(t, c, rt, update, create, a, b, false)
		// Again with every string value marked: no message may show one.
		agree(t, c, rt, update, create, marked(a), marked(b), true)
	})
}

// operation returns the spec's operation id.
func operation(tb testing.TB, id string) *apispec.Operation {
	tb.Helper()
	for i := range apispec.Operations {
		if apispec.Operations[i].ID == id {
			return &apispec.Operations[i]
		}
	}
	tb.Fatalf("the spec has no operation %q", id)
	return nil
}

// agree checks that the client and the fake refuse the same custom headers
// a (of an update and of a create's first item) and b (of its second
// item), and, when checkLeaks is set, that no message shows secretMark.
func agree(t *testing.T, c *partoo.Client, rt *countingTransport, update, create *apispec.Operation, a, b string, checkLeaks bool) {
	t.Helper()
	item := func(h string) string {
		return `{"url":"https://example.com/hook","event_type":"business_created","custom_headers":` + h + `}`
	}
	ctx := context.Background()
	for _, tc := range []struct {
		op   *apispec.Operation
		body string
		send func(body io.Reader) error
	}{
		{update, `{"custom_headers":` + a + `}`, func(body io.Reader) error {
			_, err := c.Raw().UpdateWebhookWithBody(ctx, 1, nil, "application/json", body)
			return err
		}},
		{create, `{"items":[` + item(a) + `,` + item(b) + `]}`, func(body io.Reader) error {
			_, err := c.Raw().WebhookWithBody(ctx, nil, "application/json", body)
			return err
		}},
	} {
		fake, ok := fakeRefusals(tc.op, tc.body)
		if !ok {
			continue
		}
		before := rt.sent.Load()
		err := tc.send(strings.NewReader(tc.body))
		client := clientRefusals(err)
		if sent := rt.sent.Load() > before; sent != (len(client) == 0) {
			t.Fatalf("%s: sent %v, with the violations %q (err %v)", tc.body, sent, client, err)
		}
		if !slices.Equal(client, fake) {
			t.Errorf("%s\nclient refuses: %q\nfake refuses:   %q", tc.body, client, fake)
		}
		if checkLeaks && strings.Contains(strings.Join(client, "\n"), secretMark) {
			t.Errorf("a message shows a header value: %q", client)
		}
	}
	// The typed helpers walk the same headers as a Go map.
	var h gen.CustomHeaders
	if json.Unmarshal([]byte(a), &h) != nil || h == nil {
		return
	}
	fake, ok := fakeRefusals(update, `{"custom_headers":`+a+`}`)
	_, err := c.Webhooks.Update(ctx, 1, gen.UpdateWebhookPayload{CustomHeaders: &h})
	if typed := clientRefusals(err); ok && !slices.Equal(typed, fake) {
		t.Errorf("%s\ntyped Update refuses: %q\nfake refuses:         %q", a, typed, fake)
	}
}

// secretMark starts every string value of marked's output.
const secretMark = "\u2603s3cr3t:"

// marked returns text with every string value of its object prefixed with
// secretMark, or text as it is when it is not an object or a key holds the
// mark.
func marked(text string) string {
	var m map[string]any
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	if dec.Decode(&m) != nil || m == nil {
		return text
	}
	for k, v := range m {
		if strings.Contains(k, secretMark) {
			return text
		}
		if s, ok := v.(string); ok {
			m[k] = secretMark + s
		}
	}
	b, err := json.Marshal(m)
	if err != nil {
		return text
	}
	return string(b)
}
