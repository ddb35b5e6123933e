package partoo

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/partoo-go/partoo/internal/apispec"
)

// A call is one use of an operation (a helper, one page of an iterator,
// [Client.Do], or a raw generated method): one or more attempts, each an
// HTTP round trip. Timeouts apply at three levels:
//
//   - the context given to the call bounds the whole call: every attempt,
//     the waits between them (backoff, Retry-After, rate limiting) and the
//     reading of the response;
//   - the attempt timeout bounds each attempt (the round trip and the
//     reading of its body): [WithAttemptTimeout] for one call, else the
//     client's [WithTimeout], else [DefaultTimeout];
//   - an http.Client given with [WithHTTPClient] may add its own Timeout,
//     which bounds each attempt too.
//
// An attempt that times out is retried as any transport error is (see
// [DefaultCheckRetry]); a call whose context ends is not.

// CallOption configures one call: every helper, iterator and [Client.Do]
// accept them as trailing arguments. Options that receive an invalid value
// make the call fail before anything is sent, with an error that matches
// [ErrInvalidOption].
type CallOption func(*callSettings) error

// ErrInvalidOption matches the error of an option given a value it
// refuses: [NewClient] fails with it for an [Option], and a call for a
// [CallOption], before anything is sent. The message names the option and
// the value, such as `partoo: GET /v2/webhooks: request not sent:
// WithHeader: "Bad Name" is not a valid header name`.
var ErrInvalidOption = errors.New("partoo: invalid option")

// optionError is an option's refusal of its value; it matches
// ErrInvalidOption and reads as the option's own message.
type optionError struct{ err error }

func (e *optionError) Error() string        { return e.err.Error() }
func (e *optionError) Unwrap() error        { return e.err }
func (e *optionError) Is(target error) bool { return target == ErrInvalidOption }

// callSettings holds the call options.
type callSettings struct {
	header         http.Header
	retry          *RetryPolicy // with defaults filled; nil: the client's
	attemptTimeout time.Duration
	hasTimeout     bool
	orgID          int
	capture        *Response
	pathTemplate   string
	maxPages       int
}

// WithHeader adds a header to the requests of one call, for example an
// idempotency key of your own or a tracing header. It may not set the API
// key header ([APIKeyHeader]), Content-Type or Content-Length, which the
// client owns; name must be a valid header name and value a valid header
// value. Several WithHeader options with one name add several values.
func WithHeader(name, value string) CallOption {
	return func(s *callSettings) error {
		switch {
		case !apispec.ValidHeaderName(name):
			return fmt.Errorf("WithHeader: %q is not a valid header name", name)
		case !apispec.ValidHeaderValue(value):
			return fmt.Errorf("WithHeader: the value of %q has a control character", name)
		}
		switch http.CanonicalHeaderKey(name) {
		case canonicalAPIKeyHeader, "Content-Type", "Content-Length", "Host":
			return fmt.Errorf("WithHeader: the client sets %q itself; it cannot be set per call", name)
		}
		if s.header == nil {
			s.header = http.Header{}
		}
		s.header.Add(name, value)
		return nil
	}
}

// WithCallRetryPolicy replaces the client's retry policy for one call. Zero
// fields of p take their defaults, as with [WithRetryPolicy], and the same
// values are refused.
func WithCallRetryPolicy(p RetryPolicy) CallOption {
	return func(s *callSettings) error {
		full, err := p.checked("WithCallRetryPolicy")
		if err != nil {
			return err
		}
		s.retry = &full
		return nil
	}
}

// WithoutCallRetries sends the requests of one call once: no retry on any
// status or error.
func WithoutCallRetries() CallOption {
	return WithCallRetryPolicy(RetryPolicy{MaxAttempts: 1})
}

// WithAttemptTimeout bounds each attempt of one call, instead of the
// client's [WithTimeout]; the call's context still bounds the whole call.
// Zero means no attempt timeout; a negative d is an error.
func WithAttemptTimeout(d time.Duration) CallOption {
	return func(s *callSettings) error {
		if d < 0 {
			return fmt.Errorf("WithAttemptTimeout: the timeout %v is negative", d)
		}
		s.attemptTimeout, s.hasTimeout = d, true
		return nil
	}
}

// WithCallOrgID sets the org_id of one call, on an operation that has an
// org_id query parameter (or, with [Client.Do], on any request), unless the
// call's params set one. It wins over [WithOrgID]. orgID must be positive.
func WithCallOrgID(orgID int) CallOption {
	return func(s *callSettings) error {
		if orgID <= 0 {
			return fmt.Errorf("WithCallOrgID: org_id %d is not a positive integer", orgID)
		}
		s.orgID = orgID
		return nil
	}
}

// CaptureResponse makes one call fill *r with the metadata of its final
// response: status, headers, attempts, duration, request ID and
// Retry-After. It is filled whatever the outcome, also when the call
// fails (with what is known: a call refused before sending has zero
// attempts). For an iterator, *r describes the last page fetched. A nil r
// is an error.
func CaptureResponse(r *Response) CallOption {
	return func(s *callSettings) error {
		if r == nil {
			return errors.New("CaptureResponse: the Response is nil")
		}
		s.capture = r
		return nil
	}
}

// WithPathTemplate names the path template of a [Client.Do] call, such as
// "/business/{business_id}/photos", for observers ([Observer]) that need a
// low-cardinality name: OpenTelemetry's span names and url.template. The
// operations of the spec have theirs already.
func WithPathTemplate(template string) CallOption {
	return func(s *callSettings) error {
		if !strings.HasPrefix(template, "/") || strings.ContainsAny(template, "?# \t\r\n") {
			return fmt.Errorf("WithPathTemplate: %q is not a path template (it starts with / and has no query)", template)
		}
		s.pathTemplate = template
		return nil
	}
}

// DefaultMaxPages is how many pages an iterator fetches at most, unless
// [WithMaxPages] says otherwise: a server that always announces one more
// page cannot make a loop run forever.
const DefaultMaxPages = 10_000

// ErrTooManyPages matches the error an iterator yields when it has fetched
// its maximum number of pages ([WithMaxPages], [DefaultMaxPages]) and the
// server still announces more.
var ErrTooManyPages = errors.New("partoo: too many pages")

// WithMaxPages sets how many pages one iterator fetches at most before it
// stops with an error matching [ErrTooManyPages]. n must be positive.
func WithMaxPages(n int) CallOption {
	return func(s *callSettings) error {
		if n <= 0 {
			return fmt.Errorf("WithMaxPages: %d is not a positive number of pages", n)
		}
		s.maxPages = n
		return nil
	}
}

// Response is the metadata of a call's final response, filled by
// [CaptureResponse] and passed to an [Observer].
type Response struct {
	// StatusCode is the HTTP status of the final response, or 0 when no
	// response arrived.
	StatusCode int
	// Header is the header of the final response, or nil.
	Header http.Header
	// Attempts is how many times the request was written: every attempt,
	// every redirect hop followed, and every try net/http made by itself
	// (see [RetryPolicy]).
	Attempts int
	// Duration is the time from the start of the call to its end, waits
	// between attempts included.
	Duration time.Duration
	// RequestID is the request identifier of the final response. Partoo
	// documents none, so the client takes the first of the usual headers
	// present: X-Request-Id, Request-Id, X-Correlation-Id,
	// X-Amzn-Requestid, X-Amzn-Trace-Id. Empty when none is.
	RequestID string
	// RetryAfter is the wait a 429 (or 503) asked for with Retry-After, or
	// zero.
	RetryAfter time.Duration
}

// CallInfo describes a call to an [Observer]. It never holds the API key, a
// query string or a request body.
type CallInfo struct {
	// OperationID is the spec's operationId, or "" for a [Client.Do] call
	// on a path the spec lacks.
	OperationID string
	// Method is the HTTP method.
	Method string
	// PathTemplate is the operation's path template relative to the base
	// URL, such as "/webhooks/{webhook_id}"; for a Do call outside the
	// spec, the one given with [WithPathTemplate], or "".
	PathTemplate string
	// BaseURL is the client's base URL, with no trailing slash.
	BaseURL string
	// OrgID is the org_id the call sends, or 0.
	OrgID int
}

// AttemptInfo describes one attempt of a call.
type AttemptInfo struct {
	// Call describes the call.
	Call CallInfo
	// Attempt is the attempt's number, from 1.
	Attempt int
}

// Observer is told about every call of a client and can watch each of its
// attempts: OpenTelemetry instrumentation (module
// github.com/partoo-go/partoo/otel) is one. Register one with
// [WithObserver].
type Observer interface {
	// StartCall is called when a call starts, before its first attempt. The
	// context it returns is the parent of the call's attempts; end is
	// called once when the call is over, with its final response (never
	// nil) and its error.
	StartCall(ctx context.Context, call CallInfo) (_ context.Context, end func(resp *Response, err error))
	// RoundTripper wraps the transport of every attempt, as a middleware
	// does ([WithMiddleware]); [AttemptFromContext] on the request's context
	// tells which call and attempt a request belongs to.
	RoundTripper(next http.RoundTripper) http.RoundTripper
}

// WithObserver registers o. Several observers are called in the order
// given; their RoundTrippers wrap the middlewares. A nil o is an error.
func WithObserver(o Observer) Option {
	return func(cfg *config) error {
		if o == nil {
			return errors.New("partoo: WithObserver: the observer is nil")
		}
		cfg.observers = append(cfg.observers, o)
		return nil
	}
}

// AttemptFromContext returns the call and attempt that the context of an
// outgoing request belongs to, for middlewares and observers.
func AttemptFromContext(ctx context.Context) (AttemptInfo, bool) {
	a, ok := ctx.Value(attemptKey{}).(*attemptContext)
	if !ok {
		return AttemptInfo{}, false
	}
	return AttemptInfo{Call: a.call.info(), Attempt: a.attempt}, true
}

// applyOptions collects the call options.
func applyOptions(opts []CallOption) (callSettings, error) {
	if len(opts) == 0 {
		return callSettings{}, nil // s below escapes to the options
	}
	var s callSettings
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&s); err != nil {
			return s, &optionError{err}
		}
	}
	return s, nil
}
