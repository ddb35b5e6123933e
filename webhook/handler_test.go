package webhook_test

import (
	"context"
	"crypto/ed25519"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/partoo-go/partoo/gen"
	"github.com/partoo-go/partoo/webhook"
)

// recorder collects what a handler passes to its callback and to OnError.
type recorder struct {
	mu       sync.Mutex
	events   []webhook.Event
	statuses []int
	errs     []error
}

func (rc *recorder) handle(fail error) webhook.HandlerFunc {
	return func(ctx context.Context, ev webhook.Event) error {
		rc.mu.Lock()
		defer rc.mu.Unlock()
		rc.events = append(rc.events, ev)
		return fail
	}
}

func (rc *recorder) onError(r *http.Request, status int, err error) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.statuses = append(rc.statuses, status)
	rc.errs = append(rc.errs, err)
}

func TestHandlerStatuses(t *testing.T) {
	t.Parallel()
	pub, priv := testKey(t, 1)
	_, otherPriv := testKey(t, 2)
	errCallback := errors.New("database is down")
	const smallCap = 200
	small := `{"type":"ping","payload":{}}`
	atCap := small + strings.Repeat(" ", smallCap-len(small))
	overCap := atCap + " "
	atDefaultCap := small + strings.Repeat(" ", webhook.DefaultMaxBodyBytes-len(small))

	type request struct {
		method string
		target string
		body   string
		header map[string]string
	}
	signed := func(body string, extra ...string) request {
		h := map[string]string{webhook.SignatureHeader: sign(priv, body)}
		for i := 0; i+1 < len(extra); i += 2 {
			h[extra[i]] = extra[i+1]
		}
		return request{http.MethodPost, "/partoo", body, h}
	}
	withSig := func(body, sig string) request {
		return request{http.MethodPost, "/partoo", body, map[string]string{webhook.SignatureHeader: sig}}
	}
	tests := []struct {
		name      string
		opts      webhook.HandlerOptions // PublicKey is set to pub
		fail      error                  // returned by the callback
		req       request
		want      int
		wantCalls int
		wantErr   error // what OnError's error wraps, if not nil
		check     func(t *testing.T, ev webhook.Event)
	}{
		{name: "valid delivery", req: signed(messageBody), want: 200, wantCalls: 1, check: func(t *testing.T, ev webhook.Event) {
			if ev.Type != gen.EventTypeMessageUpdated || ev.Message == nil || ev.Tryout {
				t.Errorf("event = type %q, message %v, tryout %t", ev.Type, ev.Message, ev.Tryout)
			}
			if string(ev.Body) != messageBody {
				t.Error("Body is not the delivered body")
			}
		}},
		{name: "tryout delivery", req: signed(leadBody, webhook.TryoutHeader, "true"), want: 200, wantCalls: 1, check: func(t *testing.T, ev webhook.Event) {
			if !ev.Tryout || ev.Lead == nil {
				t.Errorf("event = tryout %t, lead %v", ev.Tryout, ev.Lead)
			}
		}},
		{name: "tryout header with an empty value", req: signed(small, webhook.TryoutHeader, ""), want: 200, wantCalls: 1, check: func(t *testing.T, ev webhook.Event) {
			if !ev.Tryout {
				t.Error("Tryout is false with the header present")
			}
		}},
		{name: "unknown event type", req: signed(`{"type":"future_event","payload":{"id":1}}`), want: 200, wantCalls: 1, check: func(t *testing.T, ev webhook.Event) {
			if ev.Type != "future_event" || string(ev.Payload) != `{"id":1}` {
				t.Errorf("event = %q %s", ev.Type, ev.Payload)
			}
		}},
		{name: "GET", req: request{http.MethodGet, "/partoo", "", nil}, want: 405},
		{name: "PUT with a valid signature", req: request{http.MethodPut, "/partoo", small, map[string]string{webhook.SignatureHeader: sign(priv, small)}}, want: 405},
		{name: "body at the cap", opts: webhook.HandlerOptions{MaxBodyBytes: smallCap}, req: signed(atCap), want: 200, wantCalls: 1},
		{name: "body over the cap", opts: webhook.HandlerOptions{MaxBodyBytes: smallCap}, req: signed(overCap), want: 413},
		{name: "body at the default cap", req: signed(atDefaultCap), want: 200, wantCalls: 1},
		{name: "body over the default cap", req: signed(atDefaultCap + " "), want: 413},
		{name: "missing signature", req: request{http.MethodPost, "/partoo", messageBody, nil}, want: 401, wantErr: webhook.ErrNotSigned},
		{name: "bad base64", req: withSig(messageBody, "not base64!"), want: 401, wantErr: webhook.ErrInvalidHeader},
		{name: "signed by another key", req: withSig(messageBody, sign(otherPriv, messageBody)), want: 401, wantErr: webhook.ErrInvalidSignature},
		{name: "signature of another body", req: withSig(messageBody, sign(priv, leadBody)), want: 401, wantErr: webhook.ErrInvalidSignature},
		{name: "malformed JSON signed by another key is not parsed", req: withSig(`{"type":`, sign(otherPriv, `{"type":`)), want: 401, wantErr: webhook.ErrInvalidSignature},
		{name: "secret matches", opts: webhook.HandlerOptions{CheckSecret: webhook.HeaderSecret("X-Auth-Token", "s3cret")}, req: signed(small, "X-Auth-Token", "s3cret"), want: 200, wantCalls: 1},
		{name: "secret missing", opts: webhook.HandlerOptions{CheckSecret: webhook.HeaderSecret("X-Auth-Token", "s3cret")}, req: signed(small), want: 401, wantErr: webhook.ErrSecretMismatch},
		{name: "secret in the query", opts: webhook.HandlerOptions{CheckSecret: webhook.QuerySecret("key", "s3cret")}, req: request{http.MethodPost, "/partoo?key=s3cret", small, map[string]string{webhook.SignatureHeader: sign(priv, small)}}, want: 200, wantCalls: 1},
		{name: "secret wrong, signature valid", opts: webhook.HandlerOptions{CheckSecret: webhook.QuerySecret("key", "s3cret")}, req: request{http.MethodPost, "/partoo?key=guess", small, map[string]string{webhook.SignatureHeader: sign(priv, small)}}, want: 401, wantErr: webhook.ErrSecretMismatch},
		{name: "malformed JSON", req: signed(`{"type":"business_created",`), want: 400, wantErr: webhook.ErrInvalidPayload},
		{name: "not an event", req: signed(`{"payload":{}}`), want: 400, wantErr: webhook.ErrInvalidPayload},
		{name: "business event without business", req: signed(`{"type":"business_updated","payload":{}}`), want: 400, wantErr: webhook.ErrInvalidPayload},
		{name: "callback fails", fail: errCallback, req: signed(businessBody), want: 500, wantCalls: 1, wantErr: errCallback},

		// AllowedOrgIDs: businessBody is for org 42, messageBody for 123.
		{name: "allowed org, business event", opts: webhook.HandlerOptions{AllowedOrgIDs: []int{42}}, req: signed(businessBody), want: 200, wantCalls: 1},
		{name: "allowed org, message event", opts: webhook.HandlerOptions{AllowedOrgIDs: []int{7, 123}}, req: signed(messageBody), want: 200, wantCalls: 1},
		{name: "other org, business event", opts: webhook.HandlerOptions{AllowedOrgIDs: []int{7}}, req: signed(businessBody), want: 403, wantErr: webhook.ErrOrgNotAllowed},
		{name: "other org, message event", opts: webhook.HandlerOptions{AllowedOrgIDs: []int{42}}, req: signed(messageBody), want: 403, wantErr: webhook.ErrOrgNotAllowed},
		{name: "other org, tryout delivery", opts: webhook.HandlerOptions{AllowedOrgIDs: []int{7}}, req: signed(businessBody, webhook.TryoutHeader, "true"), want: 403, wantErr: webhook.ErrOrgNotAllowed},
		{name: "no org_id: lead event", opts: webhook.HandlerOptions{AllowedOrgIDs: []int{42}}, req: signed(leadBody), want: 403, wantErr: webhook.ErrOrgNotAllowed},
		{name: "no org_id: business without one", opts: webhook.HandlerOptions{AllowedOrgIDs: []int{42}}, req: signed(`{"type":"business_updated","payload":{"business":{"id":"a"}}}`), want: 403, wantErr: webhook.ErrOrgNotAllowed},
		{name: "no org_id: business_deleted", opts: webhook.HandlerOptions{AllowedOrgIDs: []int{42}}, req: signed(`{"type":"business_deleted","payload":{"business":{"org_id":42}}}`), want: 403, wantErr: webhook.ErrOrgNotAllowed},
		{name: "no org_id: unknown type", opts: webhook.HandlerOptions{AllowedOrgIDs: []int{42}}, req: signed(`{"type":"future_event","payload":{"org_id":42}}`), want: 403, wantErr: webhook.ErrOrgNotAllowed},
		{name: "no org_id, no AllowedOrgIDs", req: signed(leadBody), want: 200, wantCalls: 1},
		{name: "other org, bad signature: 401 first", opts: webhook.HandlerOptions{AllowedOrgIDs: []int{7}}, req: withSig(businessBody, sign(otherPriv, businessBody)), want: 401, wantErr: webhook.ErrInvalidSignature},
		{name: "other org, invalid event: 400 first", opts: webhook.HandlerOptions{AllowedOrgIDs: []int{7}}, req: signed(`{"type":"message_created","payload":{"org_id":8}}`), want: 400, wantErr: webhook.ErrInvalidPayload},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var rc recorder
			opts := tt.opts
			opts.PublicKey = pub
			opts.OnError = rc.onError
			h, err := webhook.NewHandler(opts, rc.handle(tt.fail))
			if err != nil {
				t.Fatal(err)
			}
			req := httptest.NewRequest(tt.req.method, tt.req.target, strings.NewReader(tt.req.body))
			for k, v := range tt.req.header {
				req.Header.Set(k, v)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)

			if rec.Code != tt.want {
				t.Fatalf("status = %d, want %d; OnError got %v", rec.Code, tt.want, rc.errs)
			}
			if len(rc.events) != tt.wantCalls {
				t.Fatalf("callback called %d times, want %d", len(rc.events), tt.wantCalls)
			}
			if tt.want == http.StatusMethodNotAllowed && rec.Header().Get("Allow") != http.MethodPost {
				t.Errorf("Allow = %q, want POST", rec.Header().Get("Allow"))
			}
			if tt.want == http.StatusOK {
				if len(rc.statuses) != 0 {
					t.Errorf("OnError called for a 200: %v", rc.errs)
				}
			} else {
				if len(rc.statuses) != 1 || rc.statuses[0] != tt.want {
					t.Fatalf("OnError statuses = %v, want [%d]", rc.statuses, tt.want)
				}
				if tt.wantErr != nil && !errors.Is(rc.errs[0], tt.wantErr) {
					t.Errorf("OnError error = %v, want it to wrap %v", rc.errs[0], tt.wantErr)
				}
				if tt.want == http.StatusRequestEntityTooLarge {
					var tooLarge *http.MaxBytesError
					if !errors.As(rc.errs[0], &tooLarge) {
						t.Errorf("OnError error = %v, want a *http.MaxBytesError", rc.errs[0])
					}
				}
				// The answer is the status text only: no detail leaks.
				if got, want := strings.TrimSpace(rec.Body.String()), http.StatusText(tt.want); got != want {
					t.Errorf("body = %q, want %q", got, want)
				}
			}
			if tt.check != nil && len(rc.events) == 1 {
				tt.check(t, rc.events[0])
			}
		})
	}
}

func TestNewHandlerValidatesOptions(t *testing.T) {
	t.Parallel()
	pub, _ := testKey(t, 1)
	identity := make(ed25519.PublicKey, ed25519.PublicKeySize)
	identity[0] = 1
	ok := func(context.Context, webhook.Event) error { return nil }
	// Each row changes one thing of a valid configuration, so an error
	// comes from that change.
	tests := []struct {
		name    string
		edit    func(*webhook.HandlerOptions)
		fn      webhook.HandlerFunc
		wantErr bool
		is      error // what the error wraps, if not nil
	}{
		{name: "valid", fn: ok},
		{name: "valid with AllowedOrgIDs", edit: func(o *webhook.HandlerOptions) { o.AllowedOrgIDs = []int{42} }, fn: ok},
		{name: "no public key", edit: func(o *webhook.HandlerOptions) { o.PublicKey = nil }, fn: ok, wantErr: true},
		{name: "short public key", edit: func(o *webhook.HandlerOptions) { o.PublicKey = pub[:31] }, fn: ok, wantErr: true},
		{name: "private key as public key", edit: func(o *webhook.HandlerOptions) { o.PublicKey = make(ed25519.PublicKey, 64) }, fn: ok, wantErr: true},
		{name: "identity as public key", edit: func(o *webhook.HandlerOptions) { o.PublicKey = identity }, fn: ok, wantErr: true, is: webhook.ErrWeakPublicKey},
		{name: "negative cap", edit: func(o *webhook.HandlerOptions) { o.MaxBodyBytes = -1 }, fn: ok, wantErr: true},
		{name: "empty AllowedOrgIDs", edit: func(o *webhook.HandlerOptions) { o.AllowedOrgIDs = []int{} }, fn: ok, wantErr: true},
		{name: "nil callback", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			opts := webhook.HandlerOptions{PublicKey: pub}
			if tt.edit != nil {
				tt.edit(&opts)
			}
			h, err := webhook.NewHandler(opts, tt.fn)
			if !tt.wantErr {
				if err != nil || h == nil {
					t.Fatalf("NewHandler = %v, %v; want a handler", h, err)
				}
				return
			}
			if err == nil || h != nil {
				t.Fatalf("NewHandler = %v, %v; want nil and an error", h, err)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("NewHandler error = %v, want it to wrap %v", err, tt.is)
			}
			if tt.is == nil && errors.Is(err, webhook.ErrWeakPublicKey) {
				t.Errorf("NewHandler error = %v wraps ErrWeakPublicKey", err)
			}
		})
	}
}

// TestHandlerKeepsItsOwnOrgIDs checks that NewHandler copies
// AllowedOrgIDs: changing the caller's slice afterwards changes nothing.
func TestHandlerKeepsItsOwnOrgIDs(t *testing.T) {
	t.Parallel()
	pub, priv := testKey(t, 1)
	var rc recorder
	orgs := []int{42}
	h, err := webhook.NewHandler(webhook.HandlerOptions{PublicKey: pub, AllowedOrgIDs: orgs, OnError: rc.onError}, rc.handle(nil))
	if err != nil {
		t.Fatal(err)
	}
	orgs[0] = 123 // the org of messageBody
	for _, tt := range []struct {
		body string
		want int
	}{{businessBody, http.StatusOK}, {messageBody, http.StatusForbidden}} {
		req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(tt.body))
		req.Header.Set(webhook.SignatureHeader, sign(priv, tt.body))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != tt.want {
			t.Errorf("status = %d, want %d; OnError got %v", rec.Code, tt.want, rc.errs)
		}
	}
}

func TestHandlerKeepsItsOwnKey(t *testing.T) {
	t.Parallel()
	pub, priv := testKey(t, 1)
	key := append(ed25519.PublicKey(nil), pub...)
	h, err := webhook.NewHandler(webhook.HandlerOptions{PublicKey: key}, func(context.Context, webhook.Event) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	clear(key) // the caller reuses its slice
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(leadBody))
	req.Header.Set(webhook.SignatureHeader, sign(priv, leadBody))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("status = %d, want 200", rec.Code)
	}
}

// TestHandlerOverHTTP runs the handler behind a real server, with concurrent
// deliveries, to exercise http.MaxBytesReader and the race detector.
func TestHandlerOverHTTP(t *testing.T) {
	t.Parallel()
	pub, priv := testKey(t, 1)
	var rc recorder
	h, err := webhook.NewHandler(webhook.HandlerOptions{PublicKey: pub, MaxBodyBytes: 4096}, rc.handle(nil))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)

	post := func(body, sig string) int {
		req, err := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader(body))
		if err != nil {
			t.Error(err)
			return 0
		}
		req.Header.Set(webhook.SignatureHeader, sig)
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Error(err)
			return 0
		}
		defer resp.Body.Close()
		io.Copy(io.Discard, resp.Body)
		return resp.StatusCode
	}
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if got := post(messageBody, sign(priv, messageBody)); got != http.StatusOK {
				t.Errorf("valid delivery: status %d", got)
			}
		}()
	}
	wg.Wait()
	big := `{"type":"ping","payload":"` + strings.Repeat("x", 5000) + `"}`
	if got := post(big, sign(priv, big)); got != http.StatusRequestEntityTooLarge {
		t.Errorf("big delivery: status %d, want 413", got)
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if len(rc.events) != 8 {
		t.Errorf("callback called %d times, want 8", len(rc.events))
	}
}
