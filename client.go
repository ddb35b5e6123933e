package partoo

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"time"

	"github.com/partoo-go/partoo/gen"
	"github.com/partoo-go/partoo/internal/apispec"
	"github.com/partoo-go/partoo/internal/loopback"
)

// Server is the base URL of a Partoo API environment. The named values come
// from the `servers` of the bundled spec, through the generated constants in
// package gen.
type Server string

const (
	// Production is Partoo's production API, the default server.
	Production Server = gen.ServerURLProductionServer
	// Sandbox is Partoo's sandbox API, the dev environment for clients and
	// partners. Its webhook deliveries are signed with a different key.
	Sandbox Server = gen.ServerURLSandboxServerDevEnvironmentForClientsPartners
)

// String returns the server's base URL.
func (s Server) String() string { return string(s) }

// DefaultTimeout is the default timeout of each attempt of a call: each
// HTTP round trip, retries counted separately. See [WithTimeout].
const DefaultTimeout = 30 * time.Second

// DefaultMaxResponseSize is the largest successful response body the client
// reads unless [WithMaxResponseSize] says otherwise: 64 MiB.
const DefaultMaxResponseSize = 64 << 20

// APIKeyHeader is the request header that carries the API key, as declared by
// the spec's apiKey security scheme (generated from it).
const APIKeyHeader = apispec.APIKeyHeader

// Client is a Partoo REST API client. Create one with [NewClient].
//
// [Services] (embedded) has one service per tag of the spec, with one method
// per operation: client.Webhooks.List, client.Webhooks.Create, ... [Client.Do]
// sends requests to endpoints the spec lacks, and [Client.Raw] returns the
// generated client (for example Raw().GetWebhookListWithResponse) for the raw
// operations. All of them go through the same pipeline: org_id defaulting,
// validation against the spec before anything is sent, authentication,
// retries, rate limiting, logging, size limits, and the mapping of every
// non-2xx response to an [*APIError] (so the generated XxxWithResponse
// methods return an error, not a response, for any non-2xx status).
//
// A Client is safe for concurrent use by multiple goroutines.
type Client struct {
	Services

	raw *gen.ClientWithResponses

	cfg *config
	// server is the base URL with a trailing slash, as the generated
	// request builders want it; basePath is its escaped path without it.
	server, basePath string
	// decoders decode the answers (decode.go).
	decoders *decoders
}

// config holds the options. The API key is kept behind a function, which fmt
// prints as an address: no verb applied to a Client or to anything that
// points at it can print the key.
type config struct {
	apiKey func(context.Context) (string, error)
	// keySource reports that apiKey is WithAPIKeySource's, whose every key
	// is checked; NewClient's key is checked once.
	keySource   bool
	baseURL     *url.URL
	httpClient  *http.Client
	transport   http.RoundTripper
	userAgent   string
	orgID       int // 0: none
	timeout     time.Duration
	maxResponse int64
	middlewares []func(http.RoundTripper) http.RoundTripper
	observers   []Observer

	// Validation: the rules that custom headers must meet besides the
	// spec's (customheaders.go).
	deliverableHeaders bool

	// Retries, rate limiting and logging (retry.go, ratelimit.go,
	// logging.go). now and sleep are the client's clock, replaced in tests;
	// nil means the real ones.
	retry   RetryPolicy
	limiter Limiter
	// limitKeySecret is the HMAC key of the limiter's keys; nil: the
	// default (ratelimit.go).
	limitKeySecret []byte
	logger         *slog.Logger
	logBodies      bool
	now            func() time.Time
	sleep          func(context.Context, time.Duration) error
}

// Option configures a [Client]. Options that receive an invalid value make
// [NewClient] return an error that matches [ErrInvalidOption].
type Option func(*config) error

// NewClient returns a client that authenticates with apiKey.
//
// Unless an option says otherwise, the client talks to [Production], bounds
// each attempt with [DefaultTimeout], reads at most [DefaultMaxResponseSize]
// bytes of a response, retries as the zero [RetryPolicy] says, sends the
// User-Agent "partoo-go/<Version> (<Go version>)", and sets no org_id.
//
// NewClient fails when apiKey is empty, blank or holds a byte an HTTP
// header cannot carry ([ErrInvalidAPIKey]; unless [WithAPIKeySource] gives
// the key), when an option is given an invalid value, when both apiKey
// and [WithAPIKeySource] give a key, or when the API key would travel over
// plain HTTP to a host that is not a loopback address (all three
// [ErrInvalidOption]).
func NewClient(apiKey string, opts ...Option) (*Client, error) {
	cfg := &config{timeout: DefaultTimeout, maxResponse: DefaultMaxResponseSize, deliverableHeaders: true}
	if err := WithServer(Production)(cfg); err != nil {
		return nil, err
	}
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(cfg); err != nil {
			return nil, &optionError{err}
		}
	}
	if cfg.retry.MaxAttempts == 0 {
		cfg.retry = RetryPolicy{}.withDefaults()
	}
	if cfg.apiKey == nil {
		if err := checkKey(apiKey); err != nil {
			return nil, err
		}
		cfg.apiKey = func(context.Context) (string, error) { return apiKey, nil }
	} else if apiKey != "" {
		return nil, &optionError{errors.New("partoo: give the API key either to NewClient or with WithAPIKeySource, not both")}
	}
	if cfg.baseURL.Scheme == "http" && !loopback.Host(cfg.baseURL.Hostname()) {
		return nil, &optionError{fmt.Errorf("partoo: refusing to send the API key over plain http to %q: use https, or a loopback host for tests", cfg.baseURL.Host)}
	}
	hc := http.Client{Transport: cfg.transport}
	if cfg.httpClient != nil {
		hc = *cfg.httpClient
	}
	base := hc.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	for i := len(cfg.middlewares) - 1; i >= 0; i-- {
		base = cfg.middlewares[i](base)
	}
	for i := len(cfg.observers) - 1; i >= 0; i-- {
		base = cfg.observers[i].RoundTripper(base)
	}
	hc.Transport = base
	hc.CheckRedirect = sameOriginRedirects(hc.CheckRedirect)
	cfg.httpClient = &hc
	if cfg.userAgent == "" {
		cfg.userAgent = defaultUserAgent()
	}
	return newClient(cfg)
}

// checkKey refuses an API key that cannot be sent.
func checkKey(key string) error {
	switch {
	case strings.TrimSpace(key) == "":
		return apiKeyError("partoo: the API key is empty")
	case !apispec.ValidHeaderValue(key):
		// What net/http refuses in a header value: it would fail every
		// attempt.
		return apiKeyError("partoo: the API key contains a control character (a line break, NUL, DEL, ESC...), which an HTTP header cannot carry")
	}
	return nil
}

// ErrInvalidAPIKey matches the error of an API key that cannot be sent:
// empty, or holding a byte an HTTP header value may not carry (a control
// character other than tab, DEL included). [NewClient] returns it, and a
// key from [WithAPIKeySource] ends the call with it before anything is
// sent, without retry. The error never quotes the key.
var ErrInvalidAPIKey = errors.New("partoo: invalid API key")

// apiKeyError is an error that matches ErrInvalidAPIKey and reads as its
// own text.
type apiKeyError string

func (e apiKeyError) Error() string { return string(e) }

// Is reports whether target is ErrInvalidAPIKey.
func (e apiKeyError) Is(target error) bool { return target == ErrInvalidAPIKey }

// newClient builds the generated client and the services on cfg.
func newClient(cfg *config) (*Client, error) {
	c := &Client{cfg: cfg, server: cfg.baseURL.String(), basePath: strings.TrimSuffix(cfg.baseURL.EscapedPath(), "/"), decoders: new(decoders)}
	g, err := gen.NewClientWithResponses(c.server, gen.WithHTTPClient(rawDoer{c}))
	if err != nil {
		return nil, fmt.Errorf("partoo: %w", err)
	}
	c.raw = g
	c.Services = newServices(c)
	return c, nil
}

// Raw returns the generated client of package gen, whose XxxWithResponse
// methods (one per operation of the spec) send their requests through this
// client's pipeline, like the services: use it for what the services do not
// offer, such as the whole generated response. Its requests are
// checked against the spec, authenticated, retried and logged as the
// services' are, and a non-2xx answer is an [*APIError].
func (c *Client) Raw() *gen.ClientWithResponses { return c.raw }

// ForOrg returns a copy of c whose calls default to the organization orgID,
// as [WithOrgID] does; c itself is unchanged. PROVIDER users act on several
// organizations this way. An org_id given in a call's params or with
// [WithCallOrgID] still wins.
func (c *Client) ForOrg(orgID int) (*Client, error) {
	cfg := *c.cfg
	if err := WithOrgID(orgID)(&cfg); err != nil {
		return nil, err
	}
	return newClient(&cfg)
}

// BaseURL returns the base URL the client sends requests to, with no
// trailing slash.
func (c *Client) BaseURL() string {
	return strings.TrimSuffix(c.server, "/")
}

// WithServer selects the Partoo environment, [Production] (the default) or
// [Sandbox]. Any other value is an error; use [WithBaseURL] for proxies and
// fake servers.
func WithServer(s Server) Option {
	return func(cfg *config) error {
		switch s {
		case Production, Sandbox:
		default:
			return fmt.Errorf("partoo: unknown server %q: use partoo.Production, partoo.Sandbox or WithBaseURL", string(s))
		}
		u, err := parseBaseURL(string(s))
		if err != nil {
			return err
		}
		cfg.baseURL = u
		return nil
	}
}

// WithBaseURL sends requests to rawURL instead of a Partoo environment, for a
// proxy or a fake server such as partootest. rawURL must be an absolute http
// or https URL with a host and no query, fragment or user info (an empty
// "?" or "#" at the end is dropped); plain http is only accepted for
// loopback hosts. The path is kept (Partoo's is /v2), with
// its dot segments resolved ("/x/../v2" is "/v2"); a path with an empty
// segment ("//") or an escaped dot is refused, since the operations could
// not be recognised under it.
func WithBaseURL(rawURL string) Option {
	return func(cfg *config) error {
		u, err := parseBaseURL(rawURL)
		if err != nil {
			return err
		}
		cfg.baseURL = u
		return nil
	}
}

// parseBaseURL checks and normalises a base URL: its path ends with a
// slash and has no dot segment, so that the operations of the spec are
// recognised under it.
func parseBaseURL(rawURL string) (*url.URL, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("partoo: invalid base URL %q: %w", rawURL, err)
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, fmt.Errorf("partoo: invalid base URL %q: the scheme must be http or https", rawURL)
	case u.Host == "":
		return nil, fmt.Errorf("partoo: invalid base URL %q: the host is missing", rawURL)
	case u.User != nil:
		return nil, errors.New("partoo: invalid base URL: it must not carry user info")
	case u.RawQuery != "" || u.Fragment != "":
		return nil, fmt.Errorf("partoo: invalid base URL %q: it must not have a query or fragment", rawURL)
	case strings.Contains(strings.ToLower(u.EscapedPath()), "%2e"):
		return nil, fmt.Errorf("partoo: invalid base URL %q: the path has an escaped dot", rawURL)
	}
	// RFC 3986 removes the dot segments when resolving a reference; the
	// path's escapes stay as they were.
	clean := u.ResolveReference(&url.URL{Path: u.Path, RawPath: u.RawPath})
	if p := clean.EscapedPath(); strings.Contains(strings.TrimSuffix(p, "/"), "//") {
		return nil, fmt.Errorf("partoo: invalid base URL %q: the path has an empty segment", rawURL)
	}
	clean.RawQuery, clean.ForceQuery, clean.Fragment = "", false, ""
	if !strings.HasSuffix(clean.Path, "/") {
		clean.Path += "/"
		if clean.RawPath != "" {
			clean.RawPath += "/"
		}
	}
	return clean, nil
}

// WithHTTPClient makes the client send requests with a copy of hc, so that
// later changes to hc do not affect it: its Transport, Jar and Timeout
// apply (a Timeout bounds each attempt, as [WithTimeout] does; both
// apply). Its CheckRedirect still runs, after the client's own rule that
// only same-origin redirects are followed. With WithHTTPClient,
// [WithTransport] has no effect. A nil hc is an error.
func WithHTTPClient(hc *http.Client) Option {
	return func(cfg *config) error {
		if hc == nil {
			return errors.New("partoo: WithHTTPClient: the HTTP client is nil")
		}
		copied := *hc
		cfg.httpClient = &copied
		return nil
	}
}

// WithTransport makes the client send requests through rt instead of
// [http.DefaultTransport]: for example a transport with its own connection
// pool, proxy or TLS settings, or one that records requests in a test. It
// has no effect together with [WithHTTPClient], whose client brings its
// own transport. A nil rt is an error.
func WithTransport(rt http.RoundTripper) Option {
	return func(cfg *config) error {
		if rt == nil {
			return errors.New("partoo: WithTransport: the transport is nil")
		}
		cfg.transport = rt
		return nil
	}
}

// WithTimeout sets the default timeout of each attempt of a call (each HTTP
// round trip, the reading of the response body included); [WithAttemptTimeout]
// overrides it for one call, and the call's context bounds the whole call,
// retries and waits included. If not set, [DefaultTimeout] applies. Zero
// means no timeout; a negative value is an error.
func WithTimeout(d time.Duration) Option {
	return func(cfg *config) error {
		if d < 0 {
			return fmt.Errorf("partoo: WithTimeout: the timeout %v is negative", d)
		}
		cfg.timeout = d
		return nil
	}
}

// WithMaxResponseSize sets the largest successful response body the client
// reads, in bytes. A larger body ends the call with an error matching
// [ErrResponseTooLarge] as soon as the limit is crossed, without reading the
// rest; an iterator stops with that error. If not set,
// [DefaultMaxResponseSize] applies. n must be positive. Error bodies are
// bounded separately ([MaxErrorBodySize]). The memory a body takes grows
// with the bytes that arrive, whatever Content-Length announces: at most
// 1 MiB before the first byte, at most n+1 bytes for a body refused.
func WithMaxResponseSize(n int64) Option {
	return func(cfg *config) error {
		if n <= 0 {
			return fmt.Errorf("partoo: WithMaxResponseSize: %d bytes is not a positive size", n)
		}
		cfg.maxResponse = n
		return nil
	}
}

// WithUserAgent sets the User-Agent header. If not set, it is
// "partoo-go/<Version> (<Go version>)". An empty value, or one with a byte
// an HTTP header cannot carry (a control character other than tab, DEL
// included), is an error.
func WithUserAgent(ua string) Option {
	return func(cfg *config) error {
		if strings.TrimSpace(ua) == "" || !apispec.ValidHeaderValue(ua) {
			return fmt.Errorf("partoo: WithUserAgent: invalid user agent %q", ua)
		}
		cfg.userAgent = ua
		return nil
	}
}

// WithOrgID sets the org_id applied to every operation that has an org_id
// query parameter, unless the call sets one itself. PROVIDER users need it;
// organization-scoped keys do not. If not set, no org_id is sent. orgID must
// be positive.
func WithOrgID(orgID int) Option {
	return func(cfg *config) error {
		if orgID <= 0 {
			return fmt.Errorf("partoo: WithOrgID: org_id %d is not a positive integer", orgID)
		}
		cfg.orgID = orgID
		return nil
	}
}

// WithAPIKeySource makes the client ask src for the API key before each
// attempt, instead of using the key given to [NewClient] (pass "" there):
// for keys that rotate, or live in a vault. An error from src ends the call
// with that error, wrapped, before anything is sent; the key src returns is
// checked as NewClient checks one, and never appears in an error. A nil
// src is an error.
func WithAPIKeySource(src func(ctx context.Context) (string, error)) Option {
	return func(cfg *config) error {
		if src == nil {
			return errors.New("partoo: WithAPIKeySource: the source is nil")
		}
		cfg.apiKey, cfg.keySource = src, true
		return nil
	}
}

// WithMiddleware wraps the transport of every attempt with mw, below the
// retries: a middleware sees each try of a call, with the API key and the
// User-Agent already set, for metrics, tracing or custom authentication.
// Several middlewares nest in the order given: the first one given is the
// outermost, which sees the request first and the response last. A
// middleware must follow the http.RoundTripper contract (not modify the
// request it is given: clone it first). A nil mw is an error.
func WithMiddleware(mw func(http.RoundTripper) http.RoundTripper) Option {
	return func(cfg *config) error {
		if mw == nil {
			return errors.New("partoo: WithMiddleware: the middleware is nil")
		}
		cfg.middlewares = append(cfg.middlewares, mw)
		return nil
	}
}

// WithoutDeliverabilityCheck turns off the rule that custom header names
// and values must be able to travel as HTTP headers
// ([ErrUndeliverableCustomHeader]); the spec's own rules still apply.
func WithoutDeliverabilityCheck() Option {
	return func(cfg *config) error {
		cfg.deliverableHeaders = false
		return nil
	}
}

func defaultUserAgent() string {
	return "partoo-go/" + Version + " (" + runtime.Version() + ")"
}

// operation returns the spec operation of method and a path relative to
// the base URL (escaped), or nil.
func operation(method, rel string) *apispec.Operation {
	return apispec.Route(apispec.Operations[:], method, rel)
}
