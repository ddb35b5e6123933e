package partoo_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/partoo-go/partoo"
	"github.com/partoo-go/partoo/gen"
	"github.com/partoo-go/partoo/internal/syncbuf"
	"github.com/partoo-go/partoo/partootest"
)

// suiteKey is the API key of the fault-injection suite. No output of the
// suite may contain it.
const suiteKey = "pk_resilience_9Qx7-NeverPrintMe"

// faultCase is one row of the suite. run makes the calls and returns the
// error of the call under test, after checking what is specific to it.
type faultCase struct {
	name   string
	faults []partootest.Fault
	// timeout is the HTTP client's timeout; zero means 5s.
	timeout time.Duration
	run     func(t *testing.T, env *faultEnv) error
	// attempts is the exact number of requests the server must log for
	// method and path (a spec path template).
	method, path string
	attempts     int
	// check inspects the error returned by run; nil means run must succeed.
	check func(t *testing.T, err error)
}

// faultEnv is what a case runs against.
type faultEnv struct {
	srv        *partootest.Server
	client     *partoo.Client
	hook       gen.WebhookItem // one webhook seeded on the server
	transport  *http.Transport // of client, closed at the end of the case
	logHandler slog.Handler    // of client, writing to the captured output
}

// onMessage is a log handler that calls do when a record with the message
// msg goes through it.
type onMessage struct {
	slog.Handler
	msg string
	do  func()
}

// Handle calls do for the watched message, then passes r on.
func (h onMessage) Handle(ctx context.Context, r slog.Record) error {
	if r.Message == h.msg {
		h.do()
	}
	return h.Handler.Handle(ctx, r)
}

// suitePolicy retries fast, so that the suite runs in milliseconds, while
// its MaxWait still lets a Retry-After of one second be honoured.
func suitePolicy() partoo.RetryPolicy {
	return partoo.RetryPolicy{MinWait: time.Millisecond, MaxWait: 2 * time.Second}
}

// TestResilience is the fault-injection suite: each case injects faults with
// partootest, makes calls through the real client, and checks that the
// call ends in success or a clear typed error, after the exact number of
// attempts, with no panic, no goroutine left behind and no API key in any
// output (client logs, server logs, error strings).
//
// The cases run one after the other, and this test is not parallel, so that
// goleak sees only the goroutines of the case it checks: Go runs the
// parallel tests of the package after the sequential ones.
func TestResilience(t *testing.T) {
	cases := []faultCase{
		{
			name:   "GET 503 then 200 succeeds in 2 attempts",
			faults: []partootest.Fault{{Method: "GET", Path: "/webhooks/{webhook_id}", Times: 1, Status: 503}},
			run: func(t *testing.T, env *faultEnv) error {
				got, err := env.client.Webhooks.Get(context.Background(), env.hook.ID)
				if err == nil && got.ID != env.hook.ID {
					t.Errorf("got webhook %d, want %d", got.ID, env.hook.ID)
				}
				return err
			},
			method: "GET", path: "/webhooks/{webhook_id}", attempts: 2,
		},
		{
			name: "GET 429 with Retry-After 1 waits at least 1s then succeeds",
			faults: []partootest.Fault{{Method: "GET", Path: "/webhooks", Times: 1, Status: 429,
				Header: http.Header{"Retry-After": {"1"}}}},
			run: func(t *testing.T, env *faultEnv) error {
				start := time.Now()
				var n int
				for _, err := range env.client.Webhooks.List(context.Background(), nil) {
					if err != nil {
						return err
					}
					n++
				}
				if elapsed := time.Since(start); elapsed < time.Second {
					t.Errorf("the call took %v, want at least the 1s of Retry-After", elapsed)
				}
				reqs := requestsTo(env.srv, "GET", "/webhooks")
				if len(reqs) == 2 {
					if gap := reqs[1].Time.Sub(reqs[0].Time); gap < time.Second {
						t.Errorf("the retry came %v after the 429, want at least 1s", gap)
					}
				}
				if n != 1 {
					t.Errorf("listed %d webhooks, want 1", n)
				}
				return nil
			},
			method: "GET", path: "/webhooks", attempts: 2,
		},
		{
			name:   "PUT 500 is not retried",
			faults: []partootest.Fault{{Method: "PUT", Path: "/webhooks/{webhook_id}", Times: 1, Status: 500}},
			run: func(t *testing.T, env *faultEnv) error {
				u := "https://example.com/moved"
				_, err := env.client.Webhooks.Update(context.Background(), env.hook.ID, gen.UpdateWebhookPayload{URL: &u})
				if now := env.srv.Webhooks(); len(now) != 1 || now[0].URL != env.hook.URL {
					t.Errorf("the webhooks are %+v, want %q unchanged", now, env.hook.URL)
				}
				return err
			},
			method: "PUT", path: "/webhooks/{webhook_id}", attempts: 1,
			check: wantAPIError(500, partoo.ErrServer),
		},
		{
			name:   "POST create 503 is not retried",
			faults: []partootest.Fault{{Method: "POST", Path: "/webhooks", Times: 1, Status: 503}},
			run: func(t *testing.T, env *faultEnv) error {
				_, err := env.client.Webhooks.Create(context.Background(), gen.CreateWebhooksPayload{Items: []gen.WebhookCreateItem{newItem()}})
				if n := len(env.srv.Webhooks()); n != 1 {
					t.Errorf("the server holds %d webhooks, want only the seeded one", n)
				}
				return err
			},
			method: "POST", path: "/webhooks", attempts: 1,
			check: wantAPIError(503, partoo.ErrServer),
		},
		{
			name: "POST create dropped after the server stored it is never sent twice",
			// No Status: the server handles the create, then hangs up
			// instead of answering. A retry would register a duplicate.
			faults: []partootest.Fault{{Method: "POST", Path: "/webhooks", Times: 1, Mode: partootest.ModeDrop}},
			run: func(t *testing.T, env *faultEnv) error {
				_, err := env.client.Webhooks.Create(context.Background(), gen.CreateWebhooksPayload{Items: []gen.WebhookCreateItem{newItem()}})
				created := 0
				for _, w := range env.srv.Webhooks() {
					if w.URL == newItem().URL {
						created++
					}
				}
				if created != 1 {
					t.Errorf("the server holds %d copies of the new webhook, want exactly 1", created)
				}
				return err
			},
			method: "POST", path: "/webhooks", attempts: 1,
			check: wantTransportError,
		},
		{
			name:   "POST create cut mid-body after the server stored it is never sent twice",
			faults: []partootest.Fault{{Method: "POST", Path: "/webhooks", Times: 1, Mode: partootest.ModeCutMidBody}},
			run: func(t *testing.T, env *faultEnv) error {
				_, err := env.client.Webhooks.Create(context.Background(), gen.CreateWebhooksPayload{Items: []gen.WebhookCreateItem{newItem()}})
				if n := len(env.srv.Webhooks()); n != 2 {
					t.Errorf("the server holds %d webhooks, want the seeded one and the new one", n)
				}
				return err
			},
			method: "POST", path: "/webhooks", attempts: 1,
			check: wantBodyCut,
		},
		{
			name:   "GET connection dropped then 200 succeeds in 2 attempts",
			faults: []partootest.Fault{{Method: "GET", Path: "/webhooks/{webhook_id}", Times: 1, Mode: partootest.ModeDrop}},
			run:    getHook,
			method: "GET", path: "/webhooks/{webhook_id}", attempts: 2,
		},
		{
			name:   "GET connection reset mid-body then 200 succeeds in 2 attempts",
			faults: []partootest.Fault{{Method: "GET", Path: "/webhooks/{webhook_id}", Times: 1, Mode: partootest.ModeCutMidBody}},
			run:    getHook,
			method: "GET", path: "/webhooks/{webhook_id}", attempts: 2,
		},
		{
			name:   "GET connection reset mid-body every time is a transport error after 3 attempts",
			faults: []partootest.Fault{{Method: "GET", Path: "/webhooks/{webhook_id}", Times: 3, Mode: partootest.ModeCutMidBody}},
			run:    getHook,
			method: "GET", path: "/webhooks/{webhook_id}", attempts: 3,
			check: wantBodyCut,
		},
		{
			name:   "GET 503 cut mid-body then 200 succeeds in 2 attempts",
			faults: []partootest.Fault{{Method: "GET", Path: "/webhooks/{webhook_id}", Times: 1, Status: 503, Mode: partootest.ModeCutMidBody}},
			run:    getHook,
			method: "GET", path: "/webhooks/{webhook_id}", attempts: 2,
		},
		{
			name:   "truncated JSON on 200 is a decode error",
			faults: []partootest.Fault{{Method: "GET", Path: "/webhooks/{webhook_id}", Times: 1, Mode: partootest.ModeTruncate}},
			run:    getHook,
			method: "GET", path: "/webhooks/{webhook_id}", attempts: 1,
			check: wantDecodeError(),
		},
		{
			name:   "empty body on 200 is a decode error",
			faults: []partootest.Fault{{Method: "GET", Path: "/webhooks/{webhook_id}", Times: 1, Mode: partootest.ModeEmptyBody}},
			run:    getHook,
			method: "GET", path: "/webhooks/{webhook_id}", attempts: 1,
			check: wantDecodeError(),
		},
		{
			name: "HTML 502 page from a proxy: 3 attempts, then an APIError with a snippet",
			faults: []partootest.Fault{{Method: "GET", Path: "/webhooks/{webhook_id}", Status: 502,
				Header: http.Header{"Content-Type": {"text/html"}},
				Body:   []byte("<html>\n<head><title>502 Bad Gateway</title></head>\n<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body>\n</html>\n")}},
			run:    getHook,
			method: "GET", path: "/webhooks/{webhook_id}", attempts: 3,
			check: func(t *testing.T, err error) {
				wantAPIError(502, partoo.ErrServer)(t, err)
				if msg := err.Error(); !strings.Contains(msg, "<title>502 Bad Gateway</title>") || !strings.Contains(msg, "(after 3 attempts)") {
					t.Errorf("Error() = %q, want the page's snippet and the attempt count", msg)
				}
			},
		},
		{
			name: "10 MiB error body on every attempt: read up to the cap, never held",
			faults: []partootest.Fault{{Method: "GET", Path: "/webhooks/{webhook_id}", Status: 503,
				Body: []byte("overloaded "), BodySize: 10 << 20}},
			run: func(t *testing.T, env *faultEnv) error {
				var before, after runtime.MemStats
				runtime.ReadMemStats(&before)
				_, err := env.client.Webhooks.Get(context.Background(), env.hook.ID)
				runtime.ReadMemStats(&after)
				// Client and server share the process: 3 bodies of 10 MiB
				// were offered, and far less than one was allocated.
				if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 5<<20 {
					t.Errorf("the call allocated %d bytes, want well under one 10 MiB body", alloc)
				}
				return err
			},
			method: "GET", path: "/webhooks/{webhook_id}", attempts: 3,
			check: func(t *testing.T, err error) {
				wantAPIError(503, partoo.ErrServer)(t, err)
				var apiErr *partoo.APIError
				if errors.As(err, &apiErr) && len(apiErr.Body) != partoo.MaxErrorBodySize {
					t.Errorf("kept %d bytes of the body, want %d", len(apiErr.Body), partoo.MaxErrorBodySize)
				}
			},
		},
		{
			name:    "server slower than the client timeout: 3 timed-out attempts",
			faults:  []partootest.Fault{{Method: "GET", Path: "/webhooks/{webhook_id}", Delay: 2 * time.Minute}},
			timeout: 100 * time.Millisecond,
			run: func(t *testing.T, env *faultEnv) error {
				// A margin of 100 times what the call should take, so that
				// only a client that waits for the server fails it.
				start := time.Now()
				_, err := env.client.Webhooks.Get(context.Background(), env.hook.ID)
				if elapsed := time.Since(start); elapsed > time.Minute {
					t.Errorf("the call took %v, want about 3×100ms", elapsed)
				}
				return err
			},
			method: "GET", path: "/webhooks/{webhook_id}", attempts: 3,
			check: func(t *testing.T, err error) {
				var netErr net.Error
				if !errors.As(err, &netErr) || !netErr.Timeout() {
					t.Errorf("err = %v, want a timeout", err)
				}
				if !strings.Contains(err.Error(), "(after 3 attempts)") {
					t.Errorf("err = %q, want the attempt count", err)
				}
			},
		},
		{
			name:   "server slower than the call's deadline: 1 attempt, DeadlineExceeded",
			faults: []partootest.Fault{{Method: "GET", Path: "/webhooks/{webhook_id}", Delay: 2 * time.Minute}},
			run: func(t *testing.T, env *faultEnv) error {
				ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
				defer cancel()
				start := time.Now()
				_, err := env.client.Webhooks.Get(ctx, env.hook.ID)
				if elapsed := time.Since(start); elapsed > time.Minute {
					t.Errorf("the call took %v, want about 150ms", elapsed)
				}
				return err
			},
			method: "GET", path: "/webhooks/{webhook_id}", attempts: 1,
			check: wantIs(context.DeadlineExceeded),
		},
		{
			name:   "context cancelled during the backoff",
			faults: []partootest.Fault{{Method: "GET", Path: "/webhooks/{webhook_id}", Status: 503}},
			run: func(t *testing.T, env *faultEnv) error {
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				// The client logs "partoo: retrying" just before its
				// backoff of 10s to 20s; the cancel comes 20ms later.
				var timer *time.Timer
				defer func() {
					if timer != nil {
						timer.Stop()
					}
				}()
				client, err := partoo.NewClient(env.srv.APIKey, partoo.WithBaseURL(env.srv.URL),
					partoo.WithHTTPClient(&http.Client{Transport: env.transport}),
					partoo.WithRetryPolicy(partoo.RetryPolicy{MinWait: 20 * time.Second, MaxWait: 20 * time.Second}),
					partoo.WithLogger(slog.New(onMessage{Handler: env.logHandler, msg: "partoo: retrying", do: func() {
						timer = time.AfterFunc(20*time.Millisecond, cancel)
					}})))
				if err != nil {
					return err
				}
				start := time.Now()
				_, err = client.Webhooks.Get(ctx, env.hook.ID)
				if elapsed := time.Since(start); elapsed > 15*time.Second { // the backoff is 20s
					t.Errorf("the call took %v, want it to end at the cancel", elapsed)
				}
				return err
			},
			method: "GET", path: "/webhooks/{webhook_id}", attempts: 1,
			check: func(t *testing.T, err error) {
				wantIs(context.Canceled)(t, err)
				wantAPIError(503, partoo.ErrServer)(t, err)
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { runFaultCase(t, tc) })
	}
	t.Run("one client shared by 64 goroutines", testSharedClient)
}

// runFaultCase runs one case against a fresh partootest server and checks
// the attempts, the goroutines and the absence of the API key in outputs.
func runFaultCase(t *testing.T, tc faultCase) {
	defer goleak.VerifyNone(t, leakOptions()...)

	var out syncbuf.Buffer // every output of the case
	srv := partootest.NewServer(partootest.WithAPIKey(suiteKey),
		partootest.WithLogger(slog.New(slog.NewTextHandler(&out, nil))))
	defer srv.Close()
	transport := &http.Transport{}
	defer transport.CloseIdleConnections()
	timeout := tc.timeout
	if timeout == 0 {
		timeout = 5 * time.Second
	}
	logHandler := slog.NewJSONHandler(&out, &slog.HandlerOptions{Level: slog.LevelDebug})
	client := srv.Client(
		partoo.WithHTTPClient(&http.Client{Transport: transport, Timeout: timeout}),
		partoo.WithRetryPolicy(suitePolicy()),
		partoo.WithLogger(slog.New(logHandler)),
	)
	hook := addWebhooks(t, srv, gen.WebhookItem{URL: "https://example.com/seeded", EventType: gen.EventTypeBusinessUpdated,
		CustomHeaders: &gen.CustomHeaders{"X-Auth-Token": "seeded-token"}})[0]
	for _, f := range tc.faults {
		srv.AddFault(f)
	}

	err := tc.run(t, &faultEnv{srv: srv, client: client, hook: hook, transport: transport, logHandler: logHandler})

	switch {
	case tc.check == nil && err != nil:
		t.Errorf("err = %v, want success", err)
	case tc.check != nil && err == nil:
		t.Errorf("the call succeeded, want an error")
	case tc.check != nil:
		tc.check(t, err)
	}
	if got := len(requestsTo(srv, tc.method, tc.path)); got != tc.attempts {
		t.Errorf("the server logged %d attempts of %s %s, want %d", got, tc.method, tc.path, tc.attempts)
	}
	for i, r := range srv.Requests() {
		if v := r.Header.Values(partoo.APIKeyHeader); len(v) != 1 {
			t.Errorf("request %d carried %d x-APIKey headers, want 1", i+1, len(v))
		}
	}
	if err != nil {
		for _, verb := range []string{"%v", "%+v", "%#v", "%q"} {
			fmt.Fprintf(&out, "error "+verb+"\n", err)
		}
	}
	assertNoKey(t, out.String())
}

// testSharedClient makes 64 goroutines share one client, with a rate
// limiter and transient 503s, under the race detector.
func testSharedClient(t *testing.T) {
	defer goleak.VerifyNone(t, leakOptions()...)

	var out syncbuf.Buffer
	srv := partootest.NewServer(partootest.WithAPIKey(suiteKey))
	defer srv.Close()
	transport := &http.Transport{}
	defer transport.CloseIdleConnections()
	const workers, faulted = 64, 20
	client := srv.Client(
		partoo.WithHTTPClient(&http.Client{Transport: transport, Timeout: 10 * time.Second}),
		// Enough attempts that no call runs out, whatever the interleaving:
		// then every 503 costs exactly one more request.
		partoo.WithRetryPolicy(partoo.RetryPolicy{MaxAttempts: faulted + 1, MinWait: time.Millisecond, MaxWait: 5 * time.Millisecond}),
		partoo.WithRateLimit(100_000, time.Second),
		partoo.WithLogger(slog.New(slog.NewJSONHandler(&out, &slog.HandlerOptions{Level: slog.LevelDebug}))),
	)
	srv.AddFault(partootest.Fault{Method: "GET", Path: "/webhooks/{webhook_id}", Times: faulted, Status: 503})

	events := []gen.EventType{gen.EventTypeBusinessCreated, gen.EventTypeBusinessDeleted, gen.EventTypeBusinessUpdated,
		gen.EventTypeLeadReceived, gen.EventTypeMessageCreated, gen.EventTypeMessageUpdated}
	var wg sync.WaitGroup
	errs := make(chan error, workers*3)
	for i := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx := context.Background()
			item := gen.WebhookCreateItem{
				URL:           fmt.Sprintf("https://example.com/worker/%d", i),
				EventType:     events[i%len(events)],
				CustomHeaders: &gen.CustomHeaders{"X-Auth-Token": fmt.Sprintf("token-%d", i)},
			}
			created, err := client.Webhooks.Create(ctx, gen.CreateWebhooksPayload{Items: []gen.WebhookCreateItem{item}})
			if err != nil {
				// The fake allows one webhook per event type and
				// organization: later workers with the same type get 400.
				if !errors.Is(err, partoo.ErrBadRequest) {
					errs <- fmt.Errorf("worker %d create: %w", i, err)
				}
				created = srv.Webhooks()[:1]
			}
			if _, err := client.Webhooks.Get(ctx, created[0].ID); err != nil {
				errs <- fmt.Errorf("worker %d get: %w", i, err)
			}
			for _, err := range client.Webhooks.List(ctx, nil) {
				if err != nil {
					errs <- fmt.Errorf("worker %d list: %w", i, err)
					break
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
		fmt.Fprintln(&out, err)
	}
	if got := len(requestsTo(srv, "GET", "/webhooks/{webhook_id}")); got != workers+faulted {
		t.Errorf("%d GET attempts, want %d: one per worker plus one per 503", got, workers+faulted)
	}
	if got := len(requestsTo(srv, "POST", "/webhooks")); got != workers {
		t.Errorf("%d POST attempts, want %d: creates are never retried", got, workers)
	}
	assertNoKey(t, out.String())
}

// leakOptions are the goleak options of a case: goroutines running when
// it starts are not its own.
func leakOptions() []goleak.Option {
	return []goleak.Option{goleak.IgnoreCurrent()}
}

// requestsTo returns the logged requests matching method and the path
// template.
func requestsTo(srv *partootest.Server, method, template string) []partootest.Request {
	base, _ := url.Parse(srv.URL)
	var out []partootest.Request
	for _, r := range srv.Requests() {
		if r.Method == method && pathMatches(template, strings.TrimPrefix(r.Path, base.Path)) {
			out = append(out, r)
		}
	}
	return out
}

func pathMatches(template, path string) bool {
	ts, ps := strings.Split(template, "/"), strings.Split(path, "/")
	if len(ts) != len(ps) {
		return false
	}
	for i := range ts {
		if ts[i] != ps[i] && !strings.HasPrefix(ts[i], "{") {
			return false
		}
	}
	return true
}

func assertNoKey(t *testing.T, out string) {
	t.Helper()
	if strings.Contains(out, suiteKey) {
		t.Fatalf("the API key appears in the output of the case")
	}
	if strings.TrimSpace(out) == "" {
		t.Errorf("no output was captured: the key check would prove nothing")
	}
	t.Logf("output checked for the API key (%d bytes)", len(out))
}

func newItem() gen.WebhookCreateItem {
	return gen.WebhookCreateItem{URL: "https://example.com/new", EventType: gen.EventTypeBusinessCreated,
		CustomHeaders: &gen.CustomHeaders{"X-Auth-Token": "new-token"}}
}

func getHook(_ *testing.T, env *faultEnv) error {
	_, err := env.client.Webhooks.Get(context.Background(), env.hook.ID)
	return err
}

func wantAPIError(status int, sentinel error) func(*testing.T, error) {
	return func(t *testing.T, err error) {
		t.Helper()
		var apiErr *partoo.APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != status || !errors.Is(err, sentinel) {
			t.Errorf("err = %v (%T), want an *APIError with status %d matching %v", err, err, status, sentinel)
		}
	}
}

// wantBodyCut checks the error of a 2xx whose body was cut mid-read: a
// transport error wrapping io.ErrUnexpectedEOF, not an *APIError nor a
// *DecodeError.
func wantBodyCut(t *testing.T, err error) {
	t.Helper()
	var apiErr *partoo.APIError
	var de *partoo.DecodeError
	if err == nil || errors.As(err, &apiErr) || errors.As(err, &de) || !errors.Is(err, io.ErrUnexpectedEOF) ||
		!strings.Contains(err.Error(), "reading the 200 response body") {
		t.Errorf("err = %v (%T), want a transport error reading the 200 body, wrapping io.ErrUnexpectedEOF", err, err)
	}
}

// wantDecodeError checks for a *DecodeError of a 200 that wraps the JSON
// decoder's syntax error.
func wantDecodeError() func(*testing.T, error) {
	return func(t *testing.T, err error) {
		t.Helper()
		var de *partoo.DecodeError
		var syntax *json.SyntaxError
		if !errors.As(err, &de) || de.StatusCode != http.StatusOK || !errors.As(err, &syntax) {
			t.Errorf("err = %v (%T), want a *DecodeError of a 200 wrapping a *json.SyntaxError", err, err)
		}
	}
}

func wantIs(target error) func(*testing.T, error) {
	return func(t *testing.T, err error) {
		t.Helper()
		if !errors.Is(err, target) {
			t.Errorf("err = %v, want errors.Is %v", err, target)
		}
	}
}

// wantTransportError checks an error with no HTTP response: neither an
// *APIError nor a *DecodeError.
func wantTransportError(t *testing.T, err error) {
	t.Helper()
	var apiErr *partoo.APIError
	var de *partoo.DecodeError
	if errors.As(err, &apiErr) || errors.As(err, &de) {
		t.Errorf("err = %v (%T), want a transport error", err, err)
	}
	if !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) && !isReset(err) {
		t.Errorf("err = %v, want the connection's EOF or reset", err)
	}
}

func isReset(err error) bool {
	var opErr *net.OpError
	return errors.As(err, &opErr) && opErr.Op == "read"
}
