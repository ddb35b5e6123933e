package partootest

import (
	"cmp"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/partoo-go/partoo"
	"github.com/partoo-go/partoo/gen"
	"github.com/partoo-go/partoo/internal/apispec"
)

// The fake's defaults and limits. What the server keeps is bounded: the
// request log holds the last [WithRequestLog] requests, each cut to
// MaxLoggedBody + 3 × MaxLoggedHeader bytes; deliveries the last MaxKept,
// bounded by the spec's limits (or, for [Server.Emit], its caller's
// payload); stored resources until deleted, each create by MaxBodySize.
const (
	// DefaultOrgID is the organization of the server's API key unless
	// [WithOrgID] says otherwise.
	DefaultOrgID = 1
	// DefaultPerPage is the page size of a list when the request gives no
	// per_page and the spec declares no default (Partoo documents none).
	DefaultPerPage = 20
	// MaxBodySize is the largest request body the server reads; a larger
	// one gets 413.
	MaxBodySize = 1 << 20
	// DefaultRequestLog is how many requests the request log keeps unless
	// [WithRequestLog] says otherwise.
	DefaultRequestLog = 500
	// MaxLoggedBody is how many bytes of each request body the request log
	// keeps; [Request.BodyTruncated] reports a longer body.
	MaxLoggedBody = 4 << 10
	// MaxLoggedHeader is how many bytes the request log keeps of a path, of
	// a query and of the header fields (names and values); [Request.Truncated]
	// reports a request cut to it.
	MaxLoggedHeader = 8 << 10
	// MaxKept is how many deliveries ([Server.Deliveries]), those of
	// tryouts included, the server keeps: the last ones.
	MaxKept = 500
	// The default [Timeouts] of the server's connections.
	DefaultReadHeaderTimeout = 10 * time.Second
	DefaultReadTimeout       = 30 * time.Second
	DefaultIdleTimeout       = 60 * time.Second
)

// Server is a fake Partoo API listening on a loopback port. Create it with
// [NewServer] or [NewTestServer] and stop it with [Server.Close]. Its
// methods are safe for concurrent use.
type Server struct {
	// URL is the base URL of the API, with the spec's base path and no
	// trailing slash, for example "http://127.0.0.1:41234/v2". Give it to
	// partoo.WithBaseURL, or use [Server.Client].
	URL    string
	APIKey string // the organization-scoped API key the server accepts
	OrgID  int    // the organization of APIKey

	config
	basePath        string
	httpSrv         *http.Server
	served          chan struct{} // closed when Serve returns
	done            chan struct{} // closed by Close: ends delays early
	inflight        sync.WaitGroup
	engine          *engine
	clientTransport *http.Transport // the pool of Client's clients, closed by Close
	deliveryClient  *http.Client    // sends webhook deliveries
	closeOnce       sync.Once

	mu           sync.Mutex
	families     map[string]*family // by collection path template
	requests     []*Request         // the last requestLog requests
	requestCount int                // requests received since the last clear
	deliveries   []Delivery
	faults       []*Fault
	quotaUsed    map[int][]time.Time // per organization, its last accepted requests
	closing      bool                // set by Close: no request starts afterwards
}

// keyInfo is what an API key may do.
type keyInfo struct {
	provider bool
	orgs     []int // one org for an organization key
}

// Option configures a [Server].
type Option func(*config) error

// config is what the options set.
type config struct {
	addr       string
	apiKey     string
	orgID      int
	keys       map[string]keyInfo // the API keys, by key
	logger     *slog.Logger
	now        func() time.Time
	requestLog int
	timeouts   Timeouts
	quota      *Quota             // nil: no limit
	signingKey ed25519.PrivateKey // signs webhook deliveries; nil: a random key
	// ops replaces the spec's operations, and noRules serves them without
	// the rules Partoo documents beyond the spec: test hooks of this
	// package (export_test.go).
	ops     []apispec.Operation
	schemas []apispec.Schema // the schemas ops point into, when not the spec's
	noRules bool
}

// option returns an Option that applies set when ok, else fails naming the
// option and the rule it breaks.
func option(name string, ok bool, rule string, set func(*config)) Option {
	return func(c *config) error {
		if !ok {
			return errors.New(name + ": " + rule)
		}
		set(c)
		return nil
	}
}

// validKey reports whether key may be an API key: not blank, no line break.
func validKey(key string) bool {
	return strings.TrimSpace(key) != "" && !strings.ContainsAny(key, "\r\n")
}

// WithAPIKey sets the organization-scoped API key the server accepts. If not
// set, a random key is chosen. It must not be blank or contain a line break.
func WithAPIKey(key string) Option {
	return option("WithAPIKey", validKey(key), "the key is blank or contains a line break", func(c *config) { c.apiKey = key })
}

// WithOrgID sets the organization of the server's API key. If not set, it is
// [DefaultOrgID]. orgID must be positive.
func WithOrgID(orgID int) Option {
	return option("WithOrgID", orgID > 0, fmt.Sprintf("org_id %d is not positive", orgID), func(c *config) { c.orgID = orgID })
}

// WithProviderKey adds a PROVIDER API key that may act on orgIDs (at least
// one, each positive). Its calls must give org_id (partoo.WithOrgID or the
// call's params): 400 without, 403 with an organization not in orgIDs.
func WithProviderKey(key string, orgIDs ...int) Option {
	rule := ""
	switch {
	case !validKey(key):
		rule = "the key is blank or contains a line break"
	case len(orgIDs) == 0:
		rule = "no organization given"
	case slices.Min(orgIDs) <= 0:
		rule = fmt.Sprintf("org_id %d is not positive", slices.Min(orgIDs))
	}
	return option("WithProviderKey", rule == "", rule, func(c *config) {
		c.keys[key] = keyInfo{provider: true, orgs: slices.Clone(orgIDs)}
	})
}

// WithLogger logs one line per request to l: method, path, query, status,
// duration, whether a fault applied; never headers or bodies, which hold
// the API key and custom header values. Without it the server is silent.
func WithLogger(l *slog.Logger) Option {
	return option("WithLogger", l != nil, "the logger is nil", func(c *config) { c.logger = l })
}

// WithAddr makes the server listen on addr (host:port) instead of a free
// loopback port, for a standalone server such as cmd/partoo-mock.
func WithAddr(addr string) Option {
	_, _, err := net.SplitHostPort(addr)
	return option("WithAddr", err == nil, fmt.Sprintf("%q: %v", addr, err), func(c *config) { c.addr = addr })
}

// WithClock sets the function that gives the current time, used for
// created_at, updated_at and the logs. If not set, it is time.Now.
func WithClock(now func() time.Time) Option {
	return option("WithClock", now != nil, "the function is nil", func(c *config) { c.now = now })
}

// WithRequestLog makes the request log ([Server.Requests]) keep the last n
// requests, n positive, instead of [DefaultRequestLog].
func WithRequestLog(n int) Option {
	return option("WithRequestLog", n > 0, fmt.Sprintf("size %d is not positive", n), func(c *config) { c.requestLog = n })
}

// Timeouts bound how long the server waits for a client, so that a slow or
// idle one cannot hold a connection, and its memory, for ever; a zero field
// takes its default.
type Timeouts struct {
	// ReadHeader bounds the reading of a request's headers, then the
	// connection is closed. Default: [DefaultReadHeaderTimeout].
	ReadHeader time.Duration
	// Read bounds the reading of a whole request, headers and body, from
	// its first byte; a body still incomplete then gets 408 and the
	// connection is closed. It does not bound the handling of the request
	// (a fault's Delay). Default: [DefaultReadTimeout].
	Read time.Duration
	// Idle bounds how long a kept-alive connection may wait for its next
	// request. Default: [DefaultIdleTimeout].
	Idle time.Duration
}

// WithTimeouts sets the server's timeouts; zero fields keep their
// defaults, negative ones are an error.
func WithTimeouts(t Timeouts) Option {
	least := min(t.ReadHeader, t.Read, t.Idle)
	return option("WithTimeouts", least >= 0, fmt.Sprintf("timeout %v is negative", least), func(c *config) { c.timeouts = t })
}

// NewServer starts a fake Partoo API on a free port of 127.0.0.1; call
// [Server.Close] when done. It panics, prefixed "partootest:", when an
// option is invalid or it cannot listen; [Start] returns the error instead.
func NewServer(opts ...Option) *Server {
	s, err := Start(opts...)
	if err != nil {
		panic("partootest: " + err.Error())
	}
	return s
}

// NewTestServer is [NewServer] for a test: it stops the server when the
// test and its subtests end (t.Cleanup).
func NewTestServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s := NewServer(opts...)
	t.Cleanup(s.Close)
	return s
}

// Start is [NewServer] returning an error, naming the option at fault, where
// NewServer panics, for a program such as cmd/partoo-mock.
func Start(opts ...Option) (*Server, error) {
	s := &Server{config: config{keys: map[string]keyInfo{}, addr: "127.0.0.1:0", orgID: DefaultOrgID, now: time.Now, requestLog: DefaultRequestLog}}
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(&s.config); err != nil {
			return nil, err
		}
	}
	s.APIKey, s.OrgID = cmp.Or(s.apiKey, randomKey()), s.orgID
	if _, dup := s.keys[s.APIKey]; dup {
		return nil, errors.New("WithProviderKey: the key is already the organization key")
	}
	s.keys[s.APIKey] = keyInfo{orgs: []int{s.OrgID}}
	if s.signingKey == nil {
		_, s.signingKey, _ = ed25519.GenerateKey(nil) // crypto/rand, which never fails
	}
	base, err := url.Parse(gen.ServerURLProductionServer)
	if err != nil {
		return nil, fmt.Errorf("the spec's server URL: %w", err)
	}
	s.basePath = strings.TrimSuffix(base.Path, "/")
	s.served, s.done = make(chan struct{}), make(chan struct{})
	s.clientTransport, s.deliveryClient = newClientTransport(), newDeliveryClient()
	s.quotaUsed = map[int][]time.Time{}
	if s.ops == nil {
		s.ops = apispec.Operations[:]
	}
	s.engine = newEngine(s.ops, !s.noRules, s.schemas)
	s.families = s.engine.newFamilies(s.OrgID, s.now())

	ln, err := net.Listen("tcp", s.addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", s.addr, err)
	}
	host, port, _ := net.SplitHostPort(ln.Addr().String())
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	s.URL = "http://" + net.JoinHostPort(host, port) + s.basePath
	s.httpSrv = &http.Server{
		Handler:           http.HandlerFunc(s.serveHTTP),
		ReadHeaderTimeout: cmp.Or(s.timeouts.ReadHeader, DefaultReadHeaderTimeout),
		ReadTimeout:       cmp.Or(s.timeouts.Read, DefaultReadTimeout),
		IdleTimeout:       cmp.Or(s.timeouts.Idle, DefaultIdleTimeout),
		ErrorLog:          log.New(io.Discard, "", 0),
	}
	go func() {
		defer close(s.served)
		s.httpSrv.Serve(ln)
	}()
	return s, nil
}

// Close stops listening, closes the connections, ends the faults' Delays,
// and returns once every request being handled has returned. Calling it
// again, or on a Server never started, does nothing.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		if s.httpSrv == nil {
			return
		}
		s.mu.Lock()
		s.closing = true
		s.mu.Unlock()
		close(s.done)
		s.httpSrv.Close()
		<-s.served
		s.inflight.Wait()
		s.clientTransport.CloseIdleConnections()
	})
}

// Shutdown stops listening, lets the requests being handled finish (a
// fault's Delay included) until ctx is done, then closes the server as
// [Server.Close] does; it returns ctx's error if requests were still running.
func (s *Server) Shutdown(ctx context.Context) error {
	var err error
	if s.httpSrv != nil {
		err = s.httpSrv.Shutdown(ctx)
	}
	s.Close()
	return err
}

// newClientTransport returns a connection pool of the Server's own, with
// no proxy (the server is local): closing another server (an
// httptest.Server closes http.DefaultTransport's idle connections) cannot
// break its clients.
func newClientTransport() *http.Transport {
	t := &http.Transport{}
	if dt, ok := http.DefaultTransport.(*http.Transport); ok {
		t = dt.Clone()
	}
	t.Proxy = nil
	return t
}

// Client returns a client of the server with [Server.APIKey], opts applied
// after partoo.WithBaseURL and partoo.WithTransport. As with
// httptest.Server.Client, the transport is the server's own, which
// [Server.Close] closes. It panics, prefixed "partootest:", on an invalid
// option.
func (s *Server) Client(opts ...partoo.Option) *partoo.Client {
	return s.ClientWithKey(s.APIKey, opts...)
}

// ClientWithKey is [Server.Client] with another API key, for example a
// PROVIDER key added with [WithProviderKey] or an invalid key.
func (s *Server) ClientWithKey(apiKey string, opts ...partoo.Option) *partoo.Client {
	c, err := partoo.NewClient(apiKey, append([]partoo.Option{partoo.WithBaseURL(s.URL), partoo.WithTransport(s.clientTransport)}, opts...)...)
	if err != nil {
		panic("partootest: Client: " + err.Error())
	}
	return c
}

// randomKey returns a fresh API key, so that tests can check it never leaks.
func randomKey() string {
	b := make([]byte, 16)
	rand.Read(b)
	return "partootest_" + hex.EncodeToString(b)
}
