package partoo

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"time"

	"golang.org/x/time/rate"

	"github.com/partoo-go/partoo/gen"
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

// DefaultTimeout is the timeout of each attempt (each HTTP round trip,
// retries counted separately) of the HTTP client that
// [NewClient] builds when no client is given with [WithHTTPClient].
const DefaultTimeout = 30 * time.Second

// APIKeyHeader is the request header that carries the API key, as declared by
// the spec's ApiKeyAuth security scheme.
const APIKeyHeader = "x-APIKey"

// Client is a Partoo REST API client. Create one with [NewClient].
//
// Every operation of the spec is available through the embedded generated
// client (for example GetWebhookListWithResponse), and the Webhooks service
// offers idiomatic helpers. All calls go through the same path: org_id
// defaulting, local validation of the request body, authentication, and the
// mapping of every non-2xx response to an [*APIError]. Because of that
// mapping, the generated XxxWithResponse methods return an error instead of a
// response for any non-2xx status.
//
// A Client is safe for concurrent use by multiple goroutines.
type Client struct {
	*gen.ClientWithResponses

	// Webhooks manages webhook configurations.
	Webhooks *WebhooksService

	cfg *config
}

// config holds the options. The API key is kept behind a function, which fmt
// prints as an address: no verb applied to a Client or to anything that
// points at it can print the key.
type config struct {
	apiKey     func() string
	baseURL    *url.URL
	httpClient *http.Client
	transport  http.RoundTripper
	userAgent  string
	orgID      *int
	timeout    time.Duration
	ops        *operationTable

	// Retries, rate limiting and logging (retry.go, ratelimit.go,
	// logging.go). now and sleep are the client's clock, replaced in tests;
	// nil means the real ones.
	retry   RetryPolicy
	limiter *rate.Limiter
	logger  *slog.Logger
	now     func() time.Time
	sleep   func(context.Context, time.Duration) error
}

// Option configures a [Client]. Options that receive an invalid value make
// [NewClient] return an error.
type Option func(*config) error

// NewClient returns a client that authenticates with apiKey.
//
// Unless an option says otherwise, the client talks to [Production], uses an
// HTTP client with a [DefaultTimeout] timeout, sends the User-Agent
// "partoo-go/<Version> (<Go version>)", and sets no org_id.
//
// NewClient fails when apiKey is empty or blank, when an option is given an
// invalid value, or when the API key would travel over plain HTTP to a host
// that is not a loopback address.
func NewClient(apiKey string, opts ...Option) (*Client, error) {
	if strings.TrimSpace(apiKey) == "" {
		return nil, errors.New("partoo: the API key is empty")
	}
	if strings.ContainsAny(apiKey, "\r\n") {
		return nil, errors.New("partoo: the API key contains a line break")
	}
	cfg := &config{apiKey: func() string { return apiKey }, timeout: DefaultTimeout}
	if err := WithServer(Production)(cfg); err != nil {
		return nil, err
	}
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(cfg); err != nil {
			return nil, err
		}
	}
	if cfg.baseURL.Scheme == "http" && !isLoopback(cfg.baseURL.Hostname()) {
		return nil, fmt.Errorf("partoo: refusing to send the API key over plain http to %q: use https, or a loopback host for tests", cfg.baseURL.Host)
	}
	if cfg.httpClient == nil {
		cfg.httpClient = &http.Client{Transport: cfg.transport, Timeout: cfg.timeout}
	}
	// cfg.httpClient is ours (built here, or copied by WithHTTPClient), so
	// this does not change the caller's client.
	cfg.httpClient.CheckRedirect = keepKeyOnOrigin(cfg.httpClient.CheckRedirect)
	if cfg.userAgent == "" {
		cfg.userAgent = defaultUserAgent()
	}
	cfg.ops = newOperationTable(gen.Operations())
	return newClient(cfg)
}

// newClient builds the generated client and the services on cfg.
func newClient(cfg *config) (*Client, error) {
	c := &Client{cfg: cfg}
	g, err := gen.NewClientWithResponses(cfg.baseURL.String(),
		gen.WithHTTPClient(newDoer(cfg)),
		gen.WithRequestEditorFn(c.prepare),
	)
	if err != nil {
		return nil, fmt.Errorf("partoo: %w", err)
	}
	c.ClientWithResponses = g
	c.Webhooks = &WebhooksService{client: c}
	return c, nil
}

// ForOrg returns a copy of c whose calls default to the organization orgID,
// as [WithOrgID] does; c itself is unchanged. PROVIDER users act on several
// organizations this way. An org_id given in a call's params still wins.
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
	return strings.TrimSuffix(c.cfg.baseURL.String(), "/")
}

// prepare is the client-level request editor: it runs before every request
// of every operation.
func (c *Client) prepare(ctx context.Context, req *http.Request) error {
	// The operation is only needed for an org_id default or a body to
	// validate; a plain GET of a client without org_id skips the lookup.
	var op *operationRoute
	if c.cfg.orgID != nil || (req.Body != nil && req.Body != http.NoBody) {
		op = c.cfg.ops.match(req.Method, c.relativePath(req.URL))
	}
	if c.cfg.orgID != nil && op != nil && op.hasQuery("org_id") {
		q := req.URL.Query()
		if !q.Has("org_id") {
			q.Set("org_id", strconv.Itoa(*c.cfg.orgID))
			req.URL.RawQuery = q.Encode()
		}
	}
	if err := validateRequest(req, op); err != nil {
		return err
	}
	req.Header.Set(APIKeyHeader, c.cfg.apiKey())
	req.Header.Set("User-Agent", c.cfg.userAgent)
	if req.Header.Get("Accept") == "" {
		req.Header.Set("Accept", "application/json")
	}
	return nil
}

// relativePath returns the request path relative to the base URL.
func (c *Client) relativePath(u *url.URL) string {
	base := strings.TrimSuffix(c.cfg.baseURL.EscapedPath(), "/")
	return strings.TrimPrefix(u.EscapedPath(), base)
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
		u, err := url.Parse(string(s))
		if err != nil {
			return fmt.Errorf("partoo: server %q: %w", string(s), err)
		}
		cfg.baseURL = withTrailingSlash(u)
		return nil
	}
}

// WithBaseURL sends requests to rawURL instead of a Partoo environment, for a
// proxy or a fake server such as partootest. rawURL must be an absolute http
// or https URL with a host and no query, fragment or user info; plain http is
// only accepted for loopback hosts. The path is kept (Partoo's is /v2).
func WithBaseURL(rawURL string) Option {
	return func(cfg *config) error {
		u, err := url.Parse(rawURL)
		if err != nil {
			return fmt.Errorf("partoo: invalid base URL %q: %w", rawURL, err)
		}
		switch {
		case u.Scheme != "http" && u.Scheme != "https":
			return fmt.Errorf("partoo: invalid base URL %q: the scheme must be http or https", rawURL)
		case u.Host == "":
			return fmt.Errorf("partoo: invalid base URL %q: the host is missing", rawURL)
		case u.User != nil:
			return errors.New("partoo: invalid base URL: it must not carry user info")
		case u.RawQuery != "" || u.Fragment != "":
			return fmt.Errorf("partoo: invalid base URL %q: it must not have a query or fragment", rawURL)
		}
		cfg.baseURL = withTrailingSlash(u)
		return nil
	}
}

// WithHTTPClient makes the client send requests with a copy of hc, so that
// later changes to hc do not affect it. Its Timeout applies as set; a zero
// Timeout means no timeout, and [WithTimeout] and [WithTransport] have no
// effect. If not set, an http.Client with [DefaultTimeout] over
// [http.DefaultTransport] is used. A nil hc is an error.
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

// WithTransport makes the default HTTP client send requests through rt
// instead of [http.DefaultTransport]: for example a transport with its own
// connection pool, proxy or TLS settings, or one that records requests in a
// test. [WithTimeout] still applies. It has no effect together with
// [WithHTTPClient], whose client brings its own transport. A nil rt is an
// error.
func WithTransport(rt http.RoundTripper) Option {
	return func(cfg *config) error {
		if rt == nil {
			return errors.New("partoo: WithTransport: the transport is nil")
		}
		cfg.transport = rt
		return nil
	}
}

// WithTimeout sets the timeout of each attempt of the default HTTP client;
// bound a whole call, retries included, with the context. If not
// set, [DefaultTimeout] applies. Zero means no timeout; a negative value is an
// error. It has no effect together with [WithHTTPClient].
func WithTimeout(d time.Duration) Option {
	return func(cfg *config) error {
		if d < 0 {
			return fmt.Errorf("partoo: WithTimeout: the timeout %v is negative", d)
		}
		cfg.timeout = d
		return nil
	}
}

// WithUserAgent sets the User-Agent header. If not set, it is
// "partoo-go/<Version> (<Go version>)". An empty or multi-line value is an
// error.
func WithUserAgent(ua string) Option {
	return func(cfg *config) error {
		if strings.TrimSpace(ua) == "" || strings.ContainsAny(ua, "\r\n") {
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
		cfg.orgID = &orgID
		return nil
	}
}

// maxRedirects is how many redirects a request follows, as net/http's
// default policy.
const maxRedirects = 10

// keepKeyOnOrigin wraps a CheckRedirect policy (nil means net/http's
// default) so that the API key only follows a redirect to the same scheme
// and host as the original request. net/http copies custom headers such as
// x-APIKey to every redirect target, which would hand the key to another
// host, or send it in clear text after an https-to-http redirect.
func keepKeyOnOrigin(next func(*http.Request, []*http.Request) error) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		if next != nil {
			if err := next(req, via); err != nil {
				return err
			}
		} else if len(via) >= maxRedirects {
			return fmt.Errorf("partoo: stopped after %d redirects", maxRedirects)
		}
		first := via[0].URL
		if req.URL.Scheme != first.Scheme || !strings.EqualFold(req.URL.Host, first.Host) {
			req.Header.Del(APIKeyHeader)
		}
		return nil
	}
}

func withTrailingSlash(u *url.URL) *url.URL {
	c := *u
	if !strings.HasSuffix(c.Path, "/") {
		c.Path += "/"
		if c.RawPath != "" {
			c.RawPath += "/"
		}
	}
	return &c
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func defaultUserAgent() string {
	return "partoo-go/" + Version + " (" + runtime.Version() + ")"
}
