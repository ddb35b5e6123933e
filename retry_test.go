package partoo

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/partoo-go/partoo/gen"
)

// rtKey is the API key of the retry tests.
const rtKey = "pk_retry_T0pS3cret"

const rtItemJSON = `{"id":1,"url":"https://example.com/webhook","event_type":"business_created","created_at":"2024-11-27T16:10:44.929678Z","updated_at":"2024-11-27T16:10:44.929678Z","org_id":1}`

// rtClock is a client clock whose sleep returns at once and moves the time
// forward, so retry tests wait for nothing and can run in parallel. It
// starts at the real time, so that context deadlines compare sensibly.
type rtClock struct {
	mu     sync.Mutex
	t      time.Time
	sleeps []time.Duration
}

func newRTClock() *rtClock { return &rtClock{t: time.Now()} }

func (c *rtClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *rtClock) sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sleeps = append(c.sleeps, d)
	c.t = c.t.Add(d)
	return nil
}

func (c *rtClock) slept() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.sleeps...)
}

// rtSeen is what the scripted server saw of one request.
type rtSeen struct {
	Method, Path string
	Keys         []string // values of x-APIKey
	Body         string
}

// rtServer answers the n-th request with the n-th step, and records every
// request.
type rtServer struct {
	*httptest.Server
	t     *testing.T
	mu    sync.Mutex
	steps []http.HandlerFunc
	seen  []rtSeen
}

func newRTServer(t *testing.T, steps ...http.HandlerFunc) *rtServer {
	t.Helper()
	return newRTServerWith(t, nil, steps...)
}

// newRTServerWith is newRTServer with setup applied to the server before it
// starts.
func newRTServerWith(t *testing.T, setup func(*http.Server), steps ...http.HandlerFunc) *rtServer {
	t.Helper()
	s := &rtServer{t: t, steps: steps}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		n := len(s.seen)
		s.seen = append(s.seen, rtSeen{Method: r.Method, Path: r.URL.Path, Keys: r.Header.Values(APIKeyHeader), Body: string(body)})
		s.mu.Unlock()
		if n >= len(s.steps) {
			t.Errorf("unexpected request %d: %s %s", n+1, r.Method, r.URL.Path)
			http.Error(w, "unexpected", http.StatusTeapot)
			return
		}
		s.steps[n](w, r)
	}))
	if setup != nil {
		setup(s.Config)
	}
	s.Start()
	t.Cleanup(s.Close)
	return s
}

func (s *rtServer) requests() []rtSeen {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]rtSeen(nil), s.seen...)
}

// reply answers with status, JSON body and header pairs.
func reply(status int, body string, header ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		io.WriteString(w, body)
	}
}

// hangUp closes the connection without answering, after reading the
// request: the request reached the server.
func hangUp(w http.ResponseWriter, _ *http.Request) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(err)
	}
	conn.Close()
}

func newRTClient(t *testing.T, s *rtServer, clk *rtClock, opts ...Option) *Client {
	t.Helper()
	// s.Client's transport is the server's own: closing another test's
	// httptest server (which closes the idle connections of
	// http.DefaultTransport) cannot break this test's requests.
	all := append([]Option{WithBaseURL(s.URL + "/v2"), WithTransport(s.Client().Transport), withClock(clk.now, clk.sleep)}, opts...)
	c, err := NewClient(rtKey, all...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestDefaultCheckRetry(t *testing.T) {
	t.Parallel()
	apiErr := func(status int) error { return &APIError{StatusCode: status} }
	dialErr := &url.Error{Op: "Post", URL: "http://127.0.0.1:1/v2/webhooks", Err: &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connect: connection refused")}}
	readErr := &url.Error{Op: "Post", URL: "http://127.0.0.1:1/v2/webhooks", Err: &net.OpError{Op: "read", Net: "tcp", Err: errors.New("connection reset by peer")}}
	eofErr := fmt.Errorf("partoo: POST /v2/webhooks: %w", &url.Error{Op: "Post", URL: "http://x", Err: io.EOF})
	certErr := &url.Error{Op: "Get", URL: "https://x", Err: &tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}}}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()

	tests := []struct {
		name   string
		ctx    context.Context
		method string
		err    error
		want   bool
	}{
		{"GET 429", nil, "GET", apiErr(429), true},
		{"GET 502", nil, "GET", apiErr(502), true},
		{"GET 503", nil, "GET", apiErr(503), true},
		{"GET 504", nil, "GET", apiErr(504), true},
		{"GET 500 is not retried", nil, "GET", apiErr(500), false},
		{"GET 501", nil, "GET", apiErr(501), false},
		{"GET 400", nil, "GET", apiErr(400), false},
		{"GET 401", nil, "GET", apiErr(401), false},
		{"GET 404", nil, "GET", apiErr(404), false},
		{"HEAD 503", nil, "HEAD", apiErr(503), true},
		{"OPTIONS 503", nil, "OPTIONS", apiErr(503), true},
		{"DELETE 503", nil, "DELETE", apiErr(503), true},
		{"PUT 503", nil, "PUT", apiErr(503), true},
		{"PUT 500 is not retried", nil, "PUT", apiErr(500), false},
		{"POST 503", nil, "POST", apiErr(503), false},
		{"POST 429", nil, "POST", apiErr(429), false},
		{"PATCH 503", nil, "PATCH", apiErr(503), false},
		{"GET connection reset", nil, "GET", readErr, true},
		{"GET EOF", nil, "GET", eofErr, true},
		{"PUT dial error", nil, "PUT", dialErr, true},
		{"POST dial error: nothing was sent", nil, "POST", dialErr, true},
		{"POST connection reset: may have been received", nil, "POST", readErr, false},
		{"POST EOF", nil, "POST", eofErr, false},
		{"GET certificate error", nil, "GET", certErr, false},
		{"GET 503 after the context is done", cancelled, "GET", apiErr(503), false},
		{"GET reset after the context is done", cancelled, "GET", readErr, false},
		{"no error", nil, "GET", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := tt.ctx
			if ctx == nil {
				ctx = context.Background()
			}
			req := httptest.NewRequest(tt.method, "http://127.0.0.1/v2/webhooks", nil)
			if got := DefaultCheckRetry(ctx, req, tt.err); got != tt.want {
				t.Errorf("DefaultCheckRetry(%s, %v) = %v, want %v", tt.method, tt.err, got, tt.want)
			}
		})
	}
}

func TestDefaultBackoff(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name             string
		attempt          int
		minWait, maxWait time.Duration
		err              error
		lo, hi           time.Duration
	}{
		{"first retry", 1, time.Second, 30 * time.Second, &APIError{StatusCode: 503}, 500 * time.Millisecond, time.Second},
		{"second retry doubles", 2, time.Second, 30 * time.Second, &APIError{StatusCode: 503}, time.Second, 2 * time.Second},
		{"third retry", 3, time.Second, 30 * time.Second, errors.New("reset"), 2 * time.Second, 4 * time.Second},
		{"capped at maxWait", 7, time.Second, 30 * time.Second, nil, 15 * time.Second, 30 * time.Second},
		{"no overflow", 200, time.Second, 30 * time.Second, nil, 15 * time.Second, 30 * time.Second},
		{"Retry-After wins", 1, time.Second, 30 * time.Second, &APIError{StatusCode: 429, RetryAfter: 7 * time.Second}, 7 * time.Second, 7 * time.Second},
		{"Retry-After above maxWait is returned as is", 1, time.Second, 30 * time.Second, &APIError{StatusCode: 429, RetryAfter: time.Minute}, time.Minute, time.Minute},
		{"Retry-After of a wrapped error", 2, time.Second, 30 * time.Second, fmt.Errorf("x: %w", &APIError{StatusCode: 503, RetryAfter: 3 * time.Second}), 3 * time.Second, 3 * time.Second},
		{"zero minWait", 3, 0, 30 * time.Second, nil, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			seen := map[time.Duration]bool{}
			for range 200 {
				got := DefaultBackoff(tt.attempt, tt.minWait, tt.maxWait, tt.err)
				if got < tt.lo || got > tt.hi {
					t.Fatalf("DefaultBackoff(%d, %v, %v) = %v, want within [%v, %v]", tt.attempt, tt.minWait, tt.maxWait, got, tt.lo, tt.hi)
				}
				seen[got] = true
			}
			if tt.lo != tt.hi && len(seen) < 10 {
				t.Errorf("only %d distinct waits in 200 draws: no jitter?", len(seen))
			}
		})
	}
}

func TestRetryOptionsRejectBadValues(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		opt     Option
		wantErr string
	}{
		{"negative attempts", WithRetryPolicy(RetryPolicy{MaxAttempts: -1}), "MaxAttempts -1 is negative"},
		{"negative min wait", WithRetryPolicy(RetryPolicy{MinWait: -time.Second}), "MinWait -1s is negative"},
		{"negative max wait", WithRetryPolicy(RetryPolicy{MaxWait: -time.Second}), "MaxWait -1s is negative"},
		{"min above max", WithRetryPolicy(RetryPolicy{MinWait: time.Minute, MaxWait: time.Second}), "MinWait 1m0s is more than MaxWait 1s"},
		{"min above default max", WithRetryPolicy(RetryPolicy{MinWait: time.Hour}), "MinWait 1h0m0s is more than MaxWait 30s"},
		{"zero rate", WithRateLimit(0, time.Minute), "0 requests is not a positive number"},
		{"zero period", WithRateLimit(300, 0), "the period 0s is not positive"},
		{"nil logger", WithLogger(nil), "the logger is nil"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := NewClient(rtKey, tt.opt)
			if !errors.Is(err, ErrInvalidOption) || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("NewClient error = %v, want one matching ErrInvalidOption that says %q", err, tt.wantErr)
			}
		})
	}
}

func TestRetries(t *testing.T) {
	t.Parallel()
	ok := reply(200, rtItemJSON)
	type call func(ctx context.Context, c *Client) error
	get := func(ctx context.Context, c *Client) error { _, err := c.Webhooks.Get(ctx, 1); return err }
	put := func(ctx context.Context, c *Client) error {
		u := "https://example.com/new"
		_, err := c.Webhooks.Update(ctx, 1, gen.UpdateWebhookPayload{URL: &u, CustomHeaders: &gen.CustomHeaders{"X-Auth-Token": "tok"}})
		return err
	}
	post := func(ctx context.Context, c *Client) error {
		_, err := c.Webhooks.Create(ctx, gen.CreateWebhooksPayload{Items: []gen.WebhookCreateItem{{URL: "https://example.com/hook", EventType: gen.EventTypeBusinessCreated}}})
		return err
	}
	tests := []struct {
		name      string
		steps     []http.HandlerFunc
		opts      []Option
		call      call
		wantSeen  int
		wantErr   error  // matched with errors.Is; nil means success
		wantInErr string // part of the error message
		wantSleep []time.Duration
		sleepLo   time.Duration // bounds of each jittered sleep, when wantSleep is nil
		sleepHi   time.Duration
	}{
		{name: "GET 503 then 200", steps: []http.HandlerFunc{reply(503, ""), ok}, call: get, wantSeen: 2,
			sleepLo: DefaultMinWait / 2, sleepHi: DefaultMinWait},
		{name: "GET 429 honours Retry-After seconds", steps: []http.HandlerFunc{reply(429, "", "Retry-After", "7"), ok}, call: get, wantSeen: 2,
			wantSleep: []time.Duration{7 * time.Second}},
		{name: "GET 429 with a Retry-After above MaxWait is not retried", steps: []http.HandlerFunc{reply(429, "", "Retry-After", "60")}, call: get, wantSeen: 1,
			wantErr: ErrRateLimited, wantInErr: "not retried: the wait of 1m0s exceeds the maximum of 30s"},
		{name: "GET 429 with a longer MaxWait", steps: []http.HandlerFunc{reply(429, "", "Retry-After", "60"), ok}, call: get, wantSeen: 2,
			opts: []Option{WithRetryPolicy(RetryPolicy{MaxWait: 2 * time.Minute})}, wantSleep: []time.Duration{time.Minute}},
		{name: "GET 502 503 504: gives up after 3 attempts", steps: []http.HandlerFunc{reply(502, ""), reply(503, ""), reply(504, "")}, call: get, wantSeen: 3,
			wantErr: ErrServer, wantInErr: "504 Gateway Timeout (after 3 attempts)", sleepLo: DefaultMinWait / 2, sleepHi: 2 * DefaultMinWait},
		{name: "GET hang-up then 200", steps: []http.HandlerFunc{hangUp, ok}, call: get, wantSeen: 2, sleepLo: DefaultMinWait / 2, sleepHi: DefaultMinWait},
		{name: "GET 400 is sent once", steps: []http.HandlerFunc{reply(400, `{"error":{"json":{}}}`)}, call: get, wantSeen: 1, wantErr: ErrBadRequest},
		{name: "GET 404 is sent once", steps: []http.HandlerFunc{reply(404, `{"error":{"json":"Resource not found"}}`)}, call: get, wantSeen: 1, wantErr: ErrNotFound},
		{name: "GET 500 is sent once", steps: []http.HandlerFunc{reply(500, "")}, call: get, wantSeen: 1, wantErr: ErrServer},
		{name: "PUT 500 is sent once", steps: []http.HandlerFunc{reply(500, "")}, call: put, wantSeen: 1, wantErr: ErrServer, wantInErr: "PUT /v2/webhooks/1: 500 Internal Server Error"},
		{name: "PUT 503 then 200", steps: []http.HandlerFunc{reply(503, ""), ok}, call: put, wantSeen: 2, sleepLo: DefaultMinWait / 2, sleepHi: DefaultMinWait},
		{name: "PUT hang-up then 200", steps: []http.HandlerFunc{hangUp, ok}, call: put, wantSeen: 2, sleepLo: DefaultMinWait / 2, sleepHi: DefaultMinWait},
		{name: "POST 503 is sent once", steps: []http.HandlerFunc{reply(503, "")}, call: post, wantSeen: 1, wantErr: ErrServer},
		{name: "POST 429 is sent once", steps: []http.HandlerFunc{reply(429, "", "Retry-After", "1")}, call: post, wantSeen: 1, wantErr: ErrRateLimited},
		{name: "POST hang-up after the server read it is sent once", steps: []http.HandlerFunc{hangUp}, call: post, wantSeen: 1, wantErr: io.EOF},
		{name: "WithoutRetries", steps: []http.HandlerFunc{reply(503, "")}, opts: []Option{WithoutRetries()}, call: get, wantSeen: 1, wantErr: ErrServer},
		{name: "MaxAttempts 5", steps: []http.HandlerFunc{reply(503, ""), reply(503, ""), reply(503, ""), reply(503, ""), ok},
			opts: []Option{WithRetryPolicy(RetryPolicy{MaxAttempts: 5, MinWait: time.Millisecond, MaxWait: time.Second})}, call: get, wantSeen: 5,
			sleepLo: time.Millisecond / 2, sleepHi: 8 * time.Millisecond},
		{name: "custom CheckRetry retries a PUT 500", steps: []http.HandlerFunc{reply(500, ""), ok}, call: put, wantSeen: 2,
			opts: []Option{WithRetryPolicy(RetryPolicy{CheckRetry: func(ctx context.Context, req *http.Request, err error) bool {
				return errors.Is(err, ErrServer) || DefaultCheckRetry(ctx, req, err)
			}})}, sleepLo: DefaultMinWait / 2, sleepHi: DefaultMinWait},
		{name: "custom Backoff", steps: []http.HandlerFunc{reply(503, ""), reply(503, ""), ok}, call: get, wantSeen: 3,
			opts: []Option{WithRetryPolicy(RetryPolicy{Backoff: func(attempt int, _, _ time.Duration, _ error) time.Duration {
				return time.Duration(attempt) * time.Millisecond
			}})}, wantSleep: []time.Duration{time.Millisecond, 2 * time.Millisecond}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newRTServer(t, tt.steps...)
			clk := newRTClock()
			c := newRTClient(t, s, clk, tt.opts...)
			err := tt.call(context.Background(), c)
			switch {
			case tt.wantErr == nil && err != nil:
				t.Fatalf("err = %v, want success", err)
			case tt.wantErr != nil && !errors.Is(err, tt.wantErr):
				t.Fatalf("err = %v, want errors.Is %v", err, tt.wantErr)
			}
			if tt.wantInErr != "" && !strings.Contains(err.Error(), tt.wantInErr) {
				t.Errorf("err = %q, want it to contain %q", err, tt.wantInErr)
			}
			if err != nil && strings.Contains(err.Error(), rtKey) {
				t.Errorf("the error leaks the API key: %v", err)
			}
			seen := s.requests()
			if len(seen) != tt.wantSeen {
				t.Fatalf("server saw %d requests, want %d", len(seen), tt.wantSeen)
			}
			for i, r := range seen {
				if len(r.Keys) != 1 || r.Keys[0] != rtKey {
					t.Errorf("attempt %d: %d x-APIKey values, want exactly the key once", i+1, len(r.Keys))
				}
				if r.Method != seen[0].Method || r.Path != seen[0].Path || r.Body != seen[0].Body {
					t.Errorf("attempt %d = %s %s %q, want the first attempt replayed intact: %s %s %q", i+1, r.Method, r.Path, r.Body, seen[0].Method, seen[0].Path, seen[0].Body)
				}
			}
			slept := clk.slept()
			if tt.wantSleep != nil {
				if diff := cmp.Diff(tt.wantSleep, slept); diff != "" {
					t.Errorf("sleeps (-want +got):\n%s", diff)
				}
				return
			}
			if want := max(0, tt.wantSeen-1); len(slept) != want {
				t.Errorf("slept %d times (%v), want %d", len(slept), slept, want)
			}
			for _, d := range slept {
				if d < tt.sleepLo || d > tt.sleepHi {
					t.Errorf("slept %v, want within [%v, %v]", d, tt.sleepLo, tt.sleepHi)
				}
			}
		})
	}
}

func TestRetryBodyIsReplayedIntact(t *testing.T) {
	t.Parallel()
	s := newRTServer(t, reply(503, ""), reply(502, ""), reply(200, rtItemJSON))
	c := newRTClient(t, s, newRTClock())
	u := "https://example.com/a-new-url"
	if _, err := c.Webhooks.Update(context.Background(), 9, gen.UpdateWebhookPayload{URL: &u, CustomHeaders: &gen.CustomHeaders{"X-Auth-Token": "t0k", "X-Other": "v"}}); err != nil {
		t.Fatal(err)
	}
	seen := s.requests()
	if len(seen) != 3 {
		t.Fatalf("server saw %d requests, want 3", len(seen))
	}
	want := `{"custom_headers":{"X-Auth-Token":"t0k","X-Other":"v"},"url":"https://example.com/a-new-url"}`
	for i, r := range seen {
		if r.Body != want {
			t.Errorf("attempt %d body = %q, want %q", i+1, r.Body, want)
		}
	}
}

func TestRetryNeedsAReplayableBody(t *testing.T) {
	t.Parallel()
	s := newRTServer(t, reply(503, ""))
	c := newRTClient(t, s, newRTClock())
	req, err := http.NewRequest(http.MethodPut, s.URL+"/v2/webhooks/1", io.NopCloser(strings.NewReader(`{"url":"https://e.com"}`)))
	if err != nil {
		t.Fatal(err)
	}
	if req.GetBody != nil {
		t.Fatal("test setup: the body must not be replayable")
	}
	cs := &callState{c: c, method: req.Method}
	if _, err := cs.execute(context.Background(), req); !errors.Is(err, ErrServer) {
		t.Errorf("err = %v, want ErrServer", err)
	}
	if n := len(s.requests()); n != 1 {
		t.Errorf("server saw %d requests, want 1: a body without GetBody cannot be replayed", n)
	}
}

func TestRetryNeverSleepsPastTheDeadline(t *testing.T) {
	t.Parallel()
	s := newRTServer(t, reply(429, "", "Retry-After", "20"), reply(503, "", "Retry-After", "5"), reply(200, rtItemJSON))
	clk := newRTClock()
	c := newRTClient(t, s, clk)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	start := time.Now()
	_, err := c.Webhooks.Get(ctx, 1)
	if !errors.Is(err, ErrRateLimited) || !strings.Contains(err.Error(), "not retried: waiting 20s would pass the context deadline") {
		t.Errorf("err = %v, want the 429 returned at once", err)
	}
	if elapsed := time.Since(start); elapsed > 5*time.Second {
		t.Errorf("took %v", elapsed)
	}
	if len(clk.slept()) != 0 || len(s.requests()) != 1 {
		t.Errorf("slept %v and sent %d requests, want no sleep and 1 request", clk.slept(), len(s.requests()))
	}
	// A wait that ends before the deadline is taken.
	if _, err := c.Webhooks.Get(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]time.Duration{5 * time.Second}, clk.slept()); diff != "" {
		t.Errorf("sleeps (-want +got):\n%s", diff)
	}
}

func TestRetryRetryAfterHTTPDate(t *testing.T) {
	t.Parallel()
	clk := newRTClock()
	date := clk.now().Add(12 * time.Second).UTC().Format(http.TimeFormat)
	s := newRTServer(t, reply(503, "", "Retry-After", date), reply(200, rtItemJSON))
	c := newRTClient(t, s, clk)
	if _, err := c.Webhooks.Get(context.Background(), 1); err != nil {
		t.Fatal(err)
	}
	slept := clk.slept()
	if len(slept) != 1 || slept[0] <= 11*time.Second || slept[0] > 12*time.Second {
		t.Errorf("slept %v, want one wait in (11s, 12s] from the HTTP date", slept)
	}
}

func TestRetryContextCancelledDuringBackoff(t *testing.T) {
	t.Parallel()
	s := newRTServer(t, reply(503, ""))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// The real sleep, with a cancel 20ms after the backoff of about an
	// hour starts.
	sleep := func(ctx context.Context, d time.Duration) error {
		time.AfterFunc(20*time.Millisecond, cancel)
		return sleepContext(ctx, d)
	}
	c, err := NewClient(rtKey, WithBaseURL(s.URL+"/v2"), WithTransport(s.Client().Transport), WithRetryPolicy(RetryPolicy{MinWait: time.Hour, MaxWait: time.Hour}), withClock(time.Now, sleep))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = c.Webhooks.Get(ctx, 1)
	if !errors.Is(err, context.Canceled) || !errors.Is(err, ErrServer) {
		t.Errorf("err = %v, want both context.Canceled and the 503", err)
	}
	if !strings.Contains(err.Error(), "(after 1 attempt; retry abandoned: context canceled)") {
		t.Errorf("err = %q", err)
	}
	if elapsed := time.Since(start); elapsed > 5*time.Second {
		t.Errorf("returned after %v, want promptly after the cancel", elapsed)
	}
	if n := len(s.requests()); n != 1 {
		t.Errorf("server saw %d requests, want 1", n)
	}
}

func TestSleepContext(t *testing.T) {
	t.Parallel()
	if err := sleepContext(context.Background(), time.Millisecond); err != nil {
		t.Errorf("sleep: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := sleepContext(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("sleep with a cancelled context = %v, want context.Canceled", err)
	}
	if err := sleepContext(ctx, 0); !errors.Is(err, context.Canceled) {
		t.Errorf("zero sleep with a cancelled context = %v, want context.Canceled", err)
	}
}

func TestRetryPOSTDialErrorIsRetried(t *testing.T) {
	t.Parallel()
	// Every dial is refused, so no byte of the request was ever sent, and
	// even a POST may be retried. The refusal is made by the dialer of a
	// real http.Transport rather than by a closed port, which another test
	// running in parallel could be given and answer.
	var dials atomic.Int64
	refusing := &http.Transport{DialContext: func(_ context.Context, network, addr string) (net.Conn, error) {
		dials.Add(1)
		return nil, &net.OpError{Op: "dial", Net: network, Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	}}
	defer refusing.CloseIdleConnections()
	clk := newRTClock()
	c, err := NewClient(rtKey, WithBaseURL("http://127.0.0.1:9/v2"), WithTransport(refusing), withClock(clk.now, clk.sleep))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Webhooks.Create(context.Background(), gen.CreateWebhooksPayload{Items: []gen.WebhookCreateItem{{URL: "https://example.com/hook", EventType: gen.EventTypeBusinessCreated}}})
	if !isDialError(err) || !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("err = %v, want a refused dial after 3 attempts", err)
	}
	if n := dials.Load(); n != 3 {
		t.Errorf("%d dials, want 3", n)
	}
}

func TestRetryDrainsShortErrorBodies(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		bodySize  int
		wantConns int
	}{
		{"a body within the kept part and the drain reuses the connection", MaxErrorBodySize + drainLimit/2, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			body := strings.Repeat("x", tt.bodySize)
			var mu sync.Mutex
			conns := 0
			s := newRTServerWith(t, func(hs *http.Server) {
				hs.ConnState = func(_ net.Conn, st http.ConnState) {
					if st == http.StateNew {
						mu.Lock()
						conns++
						mu.Unlock()
					}
				}
			}, reply(503, body), reply(200, rtItemJSON))
			c := newRTClient(t, s, newRTClock(), WithHTTPClient(s.Client()))
			if _, err := c.Webhooks.Get(context.Background(), 1); err != nil {
				t.Fatal(err)
			}
			mu.Lock()
			defer mu.Unlock()
			if conns != tt.wantConns {
				t.Errorf("%d connections, want %d", conns, tt.wantConns)
			}
		})
	}
}

// countingReader counts the bytes read from an endless body.
type countingReader struct{ n int64 }

func (r *countingReader) Read(p []byte) (int, error) {
	r.n += int64(len(p))
	return len(p), nil
}

func (r *countingReader) Close() error { return nil }

// TestDrainingBodyReadsAtMostDrainLimit checks the other half of the
// drain: a longer abandoned body is not read to its end. (Whether net/http
// then reuses the connection is its own business: Go 1.27 drains some more
// itself.)
func TestDrainingBodyReadsAtMostDrainLimit(t *testing.T) {
	t.Parallel()
	r := &countingReader{}
	if err := (drainingBody{r}).Close(); err != nil {
		t.Fatal(err)
	}
	if r.n != drainLimit {
		t.Errorf("Close read %d bytes of an endless body, want %d: enough to reuse the connection after a short body, no more", r.n, drainLimit)
	}
}

func TestErrorBodyReadIsBounded(t *testing.T) {
	t.Parallel()
	// An endless error body: the client reads its cap and stops.
	s := newRTServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadRequest)
		chunk := bytes.Repeat([]byte("y"), 32<<10)
		for r.Context().Err() == nil {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	c := newRTClient(t, s, newRTClock())
	_, err := c.Webhooks.Get(context.Background(), 1)
	var apiErr *APIError
	if !errors.As(err, &apiErr) || len(apiErr.Body) != MaxErrorBodySize {
		t.Fatalf("err = %v, want an *APIError with a %d-byte body", err, MaxErrorBodySize)
	}
}

func TestRateLimit(t *testing.T) {
	t.Parallel()
	steps := make([]http.HandlerFunc, 5)
	for i := range steps {
		steps[i] = reply(200, rtItemJSON)
	}
	s := newRTServer(t, steps...)
	clk := newRTClock()
	c := newRTClient(t, s, clk, WithRateLimit(120, time.Minute)) // one every 500ms
	for range 4 {
		if _, err := c.Webhooks.Get(context.Background(), 1); err != nil {
			t.Fatal(err)
		}
	}
	want := []time.Duration{500 * time.Millisecond, 500 * time.Millisecond, 500 * time.Millisecond}
	if diff := cmp.Diff(want, roundMS(clk.slept())); diff != "" {
		t.Errorf("waits for a turn (-want +got):\n%s", diff)
	}

	// A turn that would come after the deadline fails at once.
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := c.Webhooks.Get(ctx, 1)
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "would pass the context deadline") {
		t.Errorf("err = %v, want context.DeadlineExceeded from the limiter", err)
	}
	if n := len(s.requests()); n != 4 {
		t.Errorf("server saw %d requests, want 4", n)
	}
	// The failed call gave its turn back: the next one waits one interval.
	if _, err := c.Webhooks.Get(context.Background(), 1); err != nil {
		t.Fatal(err)
	}
	if got := roundMS(clk.slept()); len(got) != 4 || got[3] != 500*time.Millisecond {
		t.Errorf("waits = %v, want a fourth wait of 500ms", got)
	}
}

func TestRateLimitCountsEveryAttemptAndIsSharedByForOrg(t *testing.T) {
	t.Parallel()
	s := newRTServer(t, reply(503, ""), reply(200, rtItemJSON), reply(200, rtItemJSON))
	clk := newRTClock()
	c := newRTClient(t, s, clk, WithRateLimit(1, time.Minute), WithRetryPolicy(RetryPolicy{MinWait: time.Millisecond, MaxWait: time.Millisecond}))
	if _, err := c.Webhooks.Get(context.Background(), 1); err != nil {
		t.Fatal(err)
	}
	other, err := c.ForOrg(7)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.Webhooks.Get(context.Background(), 1); err != nil {
		t.Fatal(err)
	}
	var total time.Duration
	for _, d := range clk.slept() {
		total += d
	}
	// Three requests at one a minute: the retry and the ForOrg call each
	// waited for a turn.
	if total < 2*time.Minute-time.Millisecond { // the limiter computes in float64 seconds
		t.Errorf("waited %v in all (%v), want at least 2m", total, clk.slept())
	}
}

func TestRateLimitWaitHonoursCancel(t *testing.T) {
	t.Parallel()
	s := newRTServer(t, reply(200, rtItemJSON))
	c, err := NewClient(rtKey, WithBaseURL(s.URL+"/v2"), WithTransport(s.Client().Transport), WithRateLimit(1, time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Webhooks.Get(context.Background(), 1); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(20*time.Millisecond, cancel)
	start := time.Now()
	if _, err := c.Webhooks.Get(ctx, 1); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if elapsed := time.Since(start); elapsed > 5*time.Second {
		t.Errorf("returned after %v", elapsed)
	}
}

func roundMS(ds []time.Duration) []time.Duration {
	out := make([]time.Duration, len(ds))
	for i, d := range ds {
		out[i] = d.Round(time.Millisecond)
	}
	return out
}
