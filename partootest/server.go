// Package partootest provides an in-memory fake of the Partoo API for tests,
// shaped like net/http/httptest.
//
// [NewServer] (or [NewTestServer] in a test) starts a real HTTP server on a
// free loopback port that serves every operation of the bundled spec.
// [Server.Client] returns a partoo.Client pointed at it. The fake follows the
// spec by itself: it is driven by the tables the generator compiles from the
// spec (operations, parameters, schemas, examples, error bodies), with no
// code written per operation, so a new operation in the spec is served as
// soon as the tables are regenerated.
//
// Every request goes through the same steps, in this order:
//  1. route: the operation whose path template matches the path (the one
//     with the most literal segments, so /webhooks/tryout wins over
//     /webhooks/{webhook_id}); a known path with another method is 405 with
//     an Allow header, any other path the spec's 404 body. The path is
//     matched in the normal form of RFC 3986 (%77ebhooks is webhooks), so
//     an operation's checks apply however it is spelled; an encoded slash
//     (%2F) or an empty segment (//) names no operation;
//  2. authentication: a missing or unknown x-APIKey is 401;
//  3. body size: a body over [MaxBodySize] is 413;
//  4. media type: a body that is not application/json is 415;
//  5. parameters: every path, query and header parameter the operation
//     declares is checked against its schema (400; 404 for a path
//     parameter, see below);
//  6. organization: see "Organizations" below (400 or 403), then the
//     organization's quota when [WithQuota] sets one (429);
//  7. body: the JSON body is decoded once (a key repeated in one object
//     is a 400) and checked against the operation's schema, the custom
//     headers against the client's rules (partoo.ValidateCustomHeaders
//     and partoo.CheckDeliverable), all at once (400). The behaviour reads
//     that very document by its exact keys: "URL" is not "url", and what
//     is stored is what was validated;
//  8. the operation's behaviour, one of [Stateful], [Example] and
//     [Override]; [Server.Operations] lists them.
//
// Errors have the spec's bodies; a 400 is {"error": {"json": {field:
// [messages]}}}, one entry per field, "body" for the body as a whole.
//
// An operation answers only its success status and the error statuses it
// declares, so that a client generated from the spec, in any language,
// has a case for every answer. Where a step above would answer a status
// the operation does not declare, the fake answers the closest one it
// declares: a path parameter that is not valid (GET /webhooks/abc) names
// no resource and is the spec's 404; an org_id that is not valid or is
// missing is 403 where 400 is not declared; a 400 is 404 or 403, and 415
// is 400, where those are not declared; failing those, the first 4xx the
// operation declares. The body keeps the message, in the shape of the
// spec's body for that status. 405 (a path with no such
// operation), 408 and 413 (the front end's limits), 429 ([WithQuota]) and
// 5xx are not operations' answers and are kept; faults send what they
// say.
//
// The fake sends no request ID: Partoo documents no request-ID header
// (its reference pages show none), and the fake does not invent one. So
// partoo.Response.RequestID and partoo.APIError.RequestID are empty
// against it; against a server that sends one of the usual headers
// (X-Request-Id, ...), the client fills them. A test that needs one can
// have a fault send it, in the Header of a canned response.
//
// Tests inspect and prepare the state ([Server.AddResource],
// [Server.Resources], [Server.CreateWebhooks], [Server.Webhooks],
// [Server.Tryouts]), read the request log ([Server.Requests],
// [Server.RequestCount]) and inject faults ([Server.AddFault]): forced
// statuses with Retry-After, latency, dropped connections, bodies cut
// mid-stream, truncated JSON, empty and huge bodies. [Server.AddResource]
// is the one way to seed any family with items as they are;
// [Server.CreateWebhooks] creates webhooks as POST /webhooks does.
//
// Importing partootest links no OpenAPI or YAML parser: the spec is
// compiled into Go tables.
//
// # Behaviours
//
// Stateful operations belong to a resource family: the operations on a
// collection path (/things), its search path (/things/search) and its item
// path (/things/{id}), whose items have an id. Items are JSON objects kept
// in memory, per family:
//   - create (POST /things) builds the item from the body's fields that
//     are properties of the item (other fields are ignored) and the
//     example's values of the required properties the body lacks, and sets
//     id, org_id (the call's organization), created_at and updated_at when
//     the item has those properties. Integer ids are the next free integer;
//     string ids count in 24 hexadecimal digits when the example's id looks
//     like that (a MongoDB ObjectId), in decimal otherwise. The answer is
//     the stored item when the operation returns an item, else the spec's
//     example. A batch create, whose body holds the items in an array that
//     the answer returns under the same name (POST /webhooks and "items"),
//     creates one item per element, all or none, and answers them;
//   - read (GET /things/{id}) answers the item, or the spec's 404 when no
//     item of the call's organization has that id. An id written
//     c-{code} finds the item whose code is {code} (Partoo's business ids
//     accept c-{store code});
//   - update (PUT, PATCH or POST /things/{id}) merges the body's fields
//     that are properties of the item (except id, org_id and created_at)
//     and sets updated_at; it answers like create;
//   - delete (DELETE /things/{id}) removes the item and answers 204 with
//     no body, or the spec's example when the spec declares a body;
//   - list (GET /things or /things/search) answers the items of the
//     call's organization, oldest first (integer ids in numeric order),
//     keeping those equal to every scalar query parameter whose name is a
//     property of the item (?city=Paris keeps the items whose city is
//     "Paris"; array parameters do not filter). Page lists take page
//     (default: the parameter's default, else 1) and per_page (default:
//     the parameter's default, else [DefaultPerPage]) and answer page,
//     max_page (at least 1), count and the items; a page past max_page is
//     200 with no items. Cursor lists take an opaque cursor (a bad one is
//     400) and per_page, and answer count, next_cursor (null on the last
//     page) and the items. Other properties the spec requires in the answer
//     come from its example.
//
// Every family without rules of its own (below; the Webhooks family has
// some, and starts empty) starts with one item, the example of its item
// schema (in the organization of [Server.OrgID] when the item has an
// org_id), so a request built from the spec's examples finds it. Families
// are keyed by their collection's path template: the items of
// /business/{id}/photos are shared by every business.
//
// Example operations (the operations of no resource family) answer the
// status of the spec's success response with its example, built by the
// generator from the spec's examples and defaults; 204 has no body.
//
// Override operations keep behaviour written by hand, after the same
// checks: POST /webhooks/tryout (see "Assumptions").
//
// On top of the stateful behaviour, the Webhooks family follows the rules
// Partoo documents and the spec does not encode (see "Assumptions"): one
// webhook per event type and organization, and its URL rule, checked on
// create, on update and by [Server.CreateWebhooks].
//
// # Organizations
//
// The organization key ([Server.APIKey]) acts on its organization
// ([Server.OrgID]); an org_id of another organization is 403. A PROVIDER
// key ([WithProviderKey]) must give org_id on every operation that has one
// (400 on org_id without it; 403 on an operation without the parameter)
// and may act only on its organizations (403). Items of another
// organization do not exist for the call (404; lists leave them out);
// the items of a family whose item schema has no org_id are shared by
// every organization.
//
// # Assumptions
//
// Where Partoo's documentation is silent, the fake makes choices, which
// tests written against it inherit:
//   - a second webhook for the same event type and organization is
//     refused with 400 (Partoo documents the rule, not the status), on
//     create and on update;
//   - webhook create is all-or-nothing, and an empty items list creates
//     nothing;
//   - webhook URLs must be absolute https URLs (the docs' rule), except
//     that http is accepted for loopback hosts so tests can receive
//     deliveries; an update's URL also follows the spec's ^https://
//     pattern;
//   - updating a webhook's custom_headers replaces them as a whole; {}
//     removes them, null keeps them;
//   - a delivery's body is the example of its event's schema in the
//     spec's webhooks section ([SampleEvent]), with the webhook's
//     organization in every org_id; the fake delivers to loopback hosts
//     only (http or https; for https the receiver's certificate must be one
//     the system trusts), so a test never reaches the network, and it does
//     not retry; a tryout always sends the sample (Partoo uses the latest
//     data of the event type when it has some);
//   - tryouts are recorded, and their sample event is delivered, signed
//     with the server's key ([Server.PublicKey]), to loopback URLs only
//     (see [Server.Emit]); the result is the fake's own
//     {"event_type", "url", "delivered", "status_code", "error"};
//   - a body over [MaxBodySize] is 413 and a body not received within the
//     read timeout ([Timeouts]) is 408, both with a body in the shape of
//     the spec's errors, {"errors": {"json": message}}; so is 405;
//   - the messages of 400 bodies are the fake's own wording; the shape is
//     the spec's.
package partootest

import (
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

// DefaultOrgID is the organization of the server's API key unless
// [WithOrgID] says otherwise.
const DefaultOrgID = 1

// DefaultPerPage is the page size of list operations when a request gives
// no per_page and the spec declares no default. Partoo does not document
// its default; this is the fake's.
const DefaultPerPage = 20

// MaxBodySize is the largest request body the server reads; a larger one
// gets 413.
const MaxBodySize = 1 << 20

// DefaultRequestLog is how many requests the request log keeps unless
// [WithRequestLog] says otherwise.
const DefaultRequestLog = 500

// MaxLoggedBody is how many bytes of each request body the request log
// keeps; [Request.BodyTruncated] reports a longer body.
const MaxLoggedBody = 4 << 10

// MaxLoggedHeader is how many bytes the request log keeps of each
// request's path, of its query string and of its header fields (names and
// values together); [Request.Truncated] reports a request cut to it.
const MaxLoggedHeader = 8 << 10

// MaxKept is how many tryouts ([Server.Tryouts]) and deliveries
// ([Server.Deliveries]) the server keeps: the last ones.
//
// What the server keeps is bounded: the request log holds at most
// [WithRequestLog] requests (default [DefaultRequestLog]) of at most
// [MaxLoggedBody] + 3 × [MaxLoggedHeader] bytes each; tryouts and
// deliveries at most MaxKept each, their items bounded by the spec's
// limits (a tryout's item, a delivery's sample event; a delivery of
// [Server.Emit] holds the payload its caller gave). Stored resources are
// kept until deleted, each create bounded by [MaxBodySize].
const MaxKept = 500

// The default timeouts of the server's connections; see [Timeouts].
const (
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
	URL string
	// APIKey is the organization-scoped API key the server accepts, for the
	// organization OrgID.
	APIKey string
	// OrgID is the organization of APIKey.
	OrgID int

	basePath string
	httpSrv  *http.Server
	served   chan struct{} // closed when Serve returns
	done     chan struct{} // closed by Close: ends delays early
	inflight sync.WaitGroup
	logger   *slog.Logger
	now      func() time.Time
	engine   *engine
	// clientTransport is the connection pool of the clients made by
	// Client and ClientWithKey; Close closes its idle connections.
	clientTransport *http.Transport

	// hooks signs and sends webhook deliveries (deliveries.go).
	hooks *deliveries

	closeOnce sync.Once

	mu       sync.Mutex
	keys     map[string]keyInfo
	families map[string]*family // by collection path template
	tryouts  []Tryout
	log      requestLog
	faults   []*faultState
	quota    *quotaState // nil: no limit
	// keepAlivesOff records that syncKeepAlives turned keep-alives off.
	keepAlivesOff bool
	// closing is set by Close; no request starts afterwards.
	closing bool
}

// keyInfo is what an API key may do.
type keyInfo struct {
	provider bool
	orgs     []int // one org for an organization key
}

// Option configures a [Server].
type Option func(*config) error

type config struct {
	addr       string
	apiKey     string
	orgID      int
	providers  map[string][]int
	logger     *slog.Logger
	now        func() time.Time
	requestLog int
	timeouts   Timeouts
	quota      *Quota // WithQuota (quota.go); nil: no limit
	// signingKey signs webhook deliveries (WithSigningKey); nil for a
	// random key.
	signingKey ed25519.PrivateKey
	// ops replaces the spec's operations, and noRules serves them without
	// the rules Partoo documents beyond the spec: test hooks of this
	// package (export_test.go).
	ops     []apispec.Operation
	schemas []apispec.Schema // the schemas ops point into, when not the spec's
	noRules bool
}

// WithAPIKey sets the organization-scoped API key the server accepts. If not
// set, a random key is chosen. It must not be blank or contain a line break.
func WithAPIKey(key string) Option {
	return func(c *config) error {
		if strings.TrimSpace(key) == "" || strings.ContainsAny(key, "\r\n") {
			return errors.New("WithAPIKey: the key is blank or contains a line break")
		}
		c.apiKey = key
		return nil
	}
}

// WithOrgID sets the organization of the server's API key. If not set, it is
// [DefaultOrgID]. orgID must be positive.
func WithOrgID(orgID int) Option {
	return func(c *config) error {
		if orgID <= 0 {
			return fmt.Errorf("WithOrgID: org_id %d is not positive", orgID)
		}
		c.orgID = orgID
		return nil
	}
}

// WithProviderKey adds a PROVIDER API key that may act on the organizations
// orgIDs (at least one, each positive). Every call made with it must give
// org_id (partoo.WithOrgID or a call's params): without one the server
// answers 400, and with an organization not in orgIDs 403.
func WithProviderKey(key string, orgIDs ...int) Option {
	return func(c *config) error {
		if strings.TrimSpace(key) == "" || strings.ContainsAny(key, "\r\n") {
			return errors.New("WithProviderKey: the key is blank or contains a line break")
		}
		if len(orgIDs) == 0 {
			return errors.New("WithProviderKey: no organization given")
		}
		for _, id := range orgIDs {
			if id <= 0 {
				return fmt.Errorf("WithProviderKey: org_id %d is not positive", id)
			}
		}
		if c.providers == nil {
			c.providers = map[string][]int{}
		}
		c.providers[key] = slices.Clone(orgIDs)
		return nil
	}
}

// WithLogger logs one line per request (method, path, query, status,
// duration and whether a fault applied) to l. Headers and bodies are not
// logged, so neither the API key nor custom header values appear. If not
// set, the server is silent.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		if l == nil {
			return errors.New("WithLogger: the logger is nil")
		}
		c.logger = l
		return nil
	}
}

// WithAddr makes the server listen on addr (host:port) instead of a free
// loopback port, for a standalone server such as cmd/partoo-mock.
func WithAddr(addr string) Option {
	return func(c *config) error {
		if _, _, err := net.SplitHostPort(addr); err != nil {
			return fmt.Errorf("WithAddr: %q: %v", addr, err)
		}
		c.addr = addr
		return nil
	}
}

// WithClock sets the function that gives the current time, used for
// created_at, updated_at and the logs. If not set, it is time.Now.
func WithClock(now func() time.Time) Option {
	return func(c *config) error {
		if now == nil {
			return errors.New("WithClock: the function is nil")
		}
		c.now = now
		return nil
	}
}

// WithRequestLog sets how many requests the request log keeps: the last n
// ([Server.Requests]). If not set, it is [DefaultRequestLog]. n must be
// positive.
func WithRequestLog(n int) Option {
	return func(c *config) error {
		if n <= 0 {
			return fmt.Errorf("WithRequestLog: size %d is not positive", n)
		}
		c.requestLog = n
		return nil
	}
}

// Timeouts bound how long the server waits for a client; a zero field
// takes its default. They keep a slow or idle client from holding a
// connection, and its memory, for ever.
type Timeouts struct {
	// ReadHeader bounds the reading of a request's headers; the server
	// closes the connection when it runs out. Default:
	// [DefaultReadHeaderTimeout].
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
	return func(c *config) error {
		for _, f := range []struct {
			name string
			d    time.Duration
		}{{"ReadHeader", t.ReadHeader}, {"Read", t.Read}, {"Idle", t.Idle}} {
			if f.d < 0 {
				return fmt.Errorf("WithTimeouts: %s %v is negative", f.name, f.d)
			}
		}
		c.timeouts = t
		return nil
	}
}

// withDefaults fills the zero fields.
func (t Timeouts) withDefaults() Timeouts {
	if t.ReadHeader == 0 {
		t.ReadHeader = DefaultReadHeaderTimeout
	}
	if t.Read == 0 {
		t.Read = DefaultReadTimeout
	}
	if t.Idle == 0 {
		t.Idle = DefaultIdleTimeout
	}
	return t
}

// NewServer starts a fake Partoo API on a free port of 127.0.0.1 and returns
// it. The caller must call [Server.Close] when done. NewServer panics, with a
// "partootest:" prefix, when an option is invalid or the server cannot
// listen.
func NewServer(opts ...Option) *Server {
	s, err := newServer(opts...)
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

func newServer(opts ...Option) (*Server, error) {
	cfg := config{addr: "127.0.0.1:0", orgID: DefaultOrgID, now: time.Now, requestLog: DefaultRequestLog}
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(&cfg); err != nil {
			return nil, err
		}
	}
	if cfg.apiKey == "" {
		cfg.apiKey = randomKey()
	}
	base, err := url.Parse(gen.ServerURLProductionServer)
	if err != nil {
		return nil, fmt.Errorf("the spec's server URL: %w", err)
	}
	s := &Server{
		APIKey:   cfg.apiKey,
		OrgID:    cfg.orgID,
		basePath: strings.TrimSuffix(base.Path, "/"),
		served:   make(chan struct{}),
		done:     make(chan struct{}),
		logger:   cfg.logger,
		now:      cfg.now,
		keys:     map[string]keyInfo{cfg.apiKey: {orgs: []int{cfg.orgID}}},
		log:      requestLog{size: cfg.requestLog},

		clientTransport: newClientTransport(),
	}
	if q := cfg.quota; q != nil {
		s.quota = &quotaState{Quota: *q, last: map[int][]time.Time{}, next: map[int]int{}}
	}
	for key, orgs := range cfg.providers {
		if _, dup := s.keys[key]; dup {
			return nil, errors.New("WithProviderKey: the key is already the organization key")
		}
		s.keys[key] = keyInfo{provider: true, orgs: orgs}
	}
	ops := cfg.ops
	if ops == nil {
		ops = apispec.Operations[:]
	}
	s.engine = newEngine(ops, !cfg.noRules, cfg.schemas)
	s.families = s.engine.newFamilies(s.OrgID, s.now())
	if err := s.initDeliveries(cfg.signingKey); err != nil {
		return nil, err
	}

	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", cfg.addr, err)
	}
	host, port, _ := net.SplitHostPort(ln.Addr().String())
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	s.URL = "http://" + net.JoinHostPort(host, port) + s.basePath
	t := cfg.timeouts.withDefaults()
	s.httpSrv = &http.Server{
		Handler:           http.HandlerFunc(s.serveHTTP),
		ReadHeaderTimeout: t.ReadHeader,
		ReadTimeout:       t.Read,
		IdleTimeout:       t.Idle,
		ErrorLog:          log.New(io.Discard, "", 0),
	}
	go func() {
		defer close(s.served)
		s.httpSrv.Serve(ln)
	}()
	return s, nil
}

// Close stops the server: it stops listening, closes the connections, ends
// the waits of faults with a Delay, and blocks until every request being
// handled has returned. Calling Close more than once, or on a Server that
// was never started, does nothing.
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

// newClientTransport returns the transport of the clients a Server makes:
// a pool of their own, so that their requests never share a connection with
// other code, and closing another server (an httptest.Server closes the idle
// connections of http.DefaultTransport) cannot break them. It never uses a
// proxy: the server is local.
func newClientTransport() *http.Transport {
	t := &http.Transport{}
	if dt, ok := http.DefaultTransport.(*http.Transport); ok {
		t = dt.Clone()
	}
	t.Proxy = nil
	return t
}

// Shutdown stops the server gracefully: it stops listening, lets the
// requests being handled finish (a fault's Delay included) until ctx is
// done, then closes everything as [Server.Close] does. It returns ctx's
// error when requests were still running at the deadline.
func (s *Server) Shutdown(ctx context.Context) error {
	var err error
	if s.httpSrv != nil {
		err = s.httpSrv.Shutdown(ctx)
	}
	s.Close()
	return err
}

// Client returns a client authenticated with [Server.APIKey] and pointed at
// the server, with opts applied after partoo.WithBaseURL and
// partoo.WithTransport. Like httptest.Server.Client, its transport belongs to
// the server: it is not shared with other code, and [Server.Close] closes
// its idle connections. It panics, with a "partootest:" prefix, if an option
// is invalid.
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
