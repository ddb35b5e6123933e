package partoo

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"time"
)

// Retry defaults, used where a [RetryPolicy] field is zero.
const (
	// DefaultMaxAttempts is how many times a request is sent at most, the
	// first attempt included.
	DefaultMaxAttempts = 3
	// DefaultMinWait is the base of the exponential backoff: the wait before
	// the first retry.
	DefaultMinWait = 1 * time.Second
	// DefaultMaxWait is the longest wait before a retry. A Retry-After
	// longer than this is not waited for.
	DefaultMaxWait = 30 * time.Second
)

// RetryPolicy says when and how a failed request is sent again. Its zero
// value is the default policy: up to [DefaultMaxAttempts] attempts,
// [DefaultCheckRetry] and [DefaultBackoff] between [DefaultMinWait] and
// [DefaultMaxWait]. Set it with [WithRetryPolicy]; [WithoutRetries]
// disables retries.
//
// Whatever the policy, a request is never retried after its context is done,
// never when waiting would pass the context's deadline (the last error is
// returned at once instead), never when its method is not idempotent (POST,
// PATCH) and any byte of it may have left — only a failure to open the
// connection of its first hop proves that none did, so a request that was
// redirected, answered or cut is not sent again — and never when its body
// cannot be replayed (a body without GetBody: the generated client sets
// GetBody for its JSON bodies, but a raw WithBody call given another reader
// than a *bytes.Reader, *bytes.Buffer or *strings.Reader is sent once).
//
// The rule holds against net/http too, which on its own sends a request
// again after some failures: over HTTP/1 when a kept-alive connection dies
// (for GET, HEAD, OPTIONS, TRACE, and any request with an Idempotency-Key
// or X-Idempotency-Key header), over HTTP/2 when a stream is refused or, on
// Go 1.26, reset with PROTOCOL_ERROR. Such a try is let through only for an
// idempotent method, counts as an attempt against MaxAttempts and takes a
// turn of the rate limiter ([WithRateLimit]); any other is stopped before
// it is written and ends the call. A 307 or 308 redirect of a POST or PATCH
// is followed by the client itself, to the same origin only, with the same
// body.
type RetryPolicy struct {
	// MaxAttempts is how many times a request is sent at most, the first
	// attempt included. Zero means DefaultMaxAttempts; 1 disables retries.
	MaxAttempts int
	// MinWait is the base of the exponential backoff. Zero means
	// DefaultMinWait.
	MinWait time.Duration
	// MaxWait caps every wait. With DefaultBackoff only a server's
	// Retry-After can ask for more; such a response is returned at once,
	// not retried early. Zero means DefaultMaxWait.
	MaxWait time.Duration
	// CheckRetry decides whether a failed attempt is retried. Nil means
	// DefaultCheckRetry.
	CheckRetry CheckRetry
	// Backoff computes the wait before each retry. Nil means
	// DefaultBackoff.
	Backoff Backoff
}

// CheckRetry reports whether the attempt of req that failed with err should
// be sent again. err is what the attempt would return to the caller: an
// [*APIError] for a non-2xx response, or a transport error. The number of
// attempts, the context's deadline and the body replay are checked by the
// client, not by CheckRetry.
type CheckRetry func(ctx context.Context, req *http.Request, err error) bool

// Backoff returns how long to wait before the next attempt. attempt is the
// number of attempts made so far (1 before the first retry), minWait and
// maxWait come from the [RetryPolicy], and err is the error of the last
// attempt, as given to [CheckRetry]. A result above maxWait stops the
// retries: the client returns err at once.
type Backoff func(attempt int, minWait, maxWait time.Duration, err error) time.Duration

// DefaultCheckRetry is the default [CheckRetry]. It retries:
//
//   - idempotent methods (GET, HEAD, OPTIONS, PUT, DELETE) on a 429, 502,
//     503 or 504 response, and on transport errors other than TLS
//     certificate errors: refused or reset connections, timeouts of the
//     HTTP client;
//   - any other method (POST: create, tryout) only when the connection could
//     not be opened (a dial error such as "connection refused"), which
//     proves that no byte of the request was sent. Once a request may have
//     reached Partoo it is never sent twice, so a create is never
//     duplicated.
//
// It does not retry a 500, whatever the method: a 500 says the server failed
// on this very request, which a retry usually repeats while spending the
// organization's rate limit. Wrap DefaultCheckRetry to retry 500s.
//
// It never retries once ctx is done.
func DefaultCheckRetry(ctx context.Context, req *http.Request, err error) bool {
	if err == nil || ctx.Err() != nil {
		return false
	}
	idempotent := isIdempotent(req.Method)
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		if !idempotent {
			return false
		}
		switch apiErr.StatusCode {
		case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
			return true
		}
		return false
	}
	if isPermanentTransportError(err) {
		return false
	}
	return idempotent || isDialError(err)
}

// DefaultBackoff is the default [Backoff]. It waits what a Retry-After
// header asked for (seconds or an HTTP date, see [APIError.RetryAfter]);
// otherwise it backs off exponentially, minWait, 2×minWait, 4×minWait...
// capped at maxWait, with jitter: the wait is a random duration between half
// of that value and that value, so that clients failing together do not
// retry together.
func DefaultBackoff(attempt int, minWait, maxWait time.Duration, err error) time.Duration {
	var apiErr *APIError
	if errors.As(err, &apiErr) && apiErr.RetryAfter > 0 {
		return apiErr.RetryAfter
	}
	d := minWait
	for i := 1; i < attempt && d > 0 && d < maxWait; i++ {
		d *= 2
	}
	if d > maxWait || d < 0 {
		d = maxWait
	}
	if d <= 0 {
		return 0
	}
	half := d / 2
	return half + rand.N(d-half+1)
}

// withDefaults returns p with its zero fields set to the defaults.
func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.MaxAttempts == 0 {
		p.MaxAttempts = DefaultMaxAttempts
	}
	if p.MinWait == 0 {
		p.MinWait = DefaultMinWait
	}
	if p.MaxWait == 0 {
		p.MaxWait = DefaultMaxWait
	}
	if p.CheckRetry == nil {
		p.CheckRetry = DefaultCheckRetry
	}
	if p.Backoff == nil {
		p.Backoff = DefaultBackoff
	}
	return p
}

// WithRetryPolicy sets the retry policy. Zero fields of p take their
// defaults, so WithRetryPolicy(RetryPolicy{MaxAttempts: 5}) only raises the
// attempt limit. If not set, the zero RetryPolicy applies (see
// [RetryPolicy]). A negative MaxAttempts, MinWait or MaxWait, or a MinWait
// above MaxWait, is an error. [WithCallRetryPolicy] replaces it for one call.
func WithRetryPolicy(p RetryPolicy) Option {
	return func(cfg *config) error {
		full, err := p.checked("WithRetryPolicy")
		if err != nil {
			return fmt.Errorf("partoo: %w", err)
		}
		cfg.retry = full
		return nil
	}
}

// checked returns p with its defaults, or why it is invalid; what names the
// option for the message.
func (p RetryPolicy) checked(what string) (RetryPolicy, error) {
	switch {
	case p.MaxAttempts < 0:
		return p, fmt.Errorf("%s: MaxAttempts %d is negative", what, p.MaxAttempts)
	case p.MinWait < 0:
		return p, fmt.Errorf("%s: MinWait %v is negative", what, p.MinWait)
	case p.MaxWait < 0:
		return p, fmt.Errorf("%s: MaxWait %v is negative", what, p.MaxWait)
	}
	full := p.withDefaults()
	if full.MinWait > full.MaxWait {
		return p, fmt.Errorf("%s: MinWait %v is more than MaxWait %v", what, full.MinWait, full.MaxWait)
	}
	return full, nil
}

// WithoutRetries sends every request once: no retry on any status or
// error. It is WithRetryPolicy(RetryPolicy{MaxAttempts: 1}).
func WithoutRetries() Option {
	return WithRetryPolicy(RetryPolicy{MaxAttempts: 1})
}

// withClock replaces the client's clock and sleep; tests use it to run
// retries and rate limiting without waiting.
func withClock(now func() time.Time, sleep func(context.Context, time.Duration) error) Option {
	return func(cfg *config) error {
		cfg.now, cfg.sleep = now, sleep
		return nil
	}
}

// sleepContext waits for d or until ctx is done, whichever comes first.
func sleepContext(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// isIdempotent reports whether HTTP defines method as idempotent, so that
// sending it twice has the effect of sending it once.
func isIdempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodPut, http.MethodDelete, http.MethodTrace:
		return true
	}
	return false
}

// isDialError reports whether err happened while opening the connection, so
// that no byte of the request was sent.
func isDialError(err error) bool {
	var opErr *net.OpError
	return errors.As(err, &opErr) && opErr.Op == "dial"
}

// isPermanentTransportError reports transport errors that a retry cannot
// fix: the server's certificate or TLS setup is wrong.
func isPermanentTransportError(err error) bool {
	var (
		verifyErr   *tls.CertificateVerificationError
		recordErr   tls.RecordHeaderError
		unknownAuth x509.UnknownAuthorityError
		hostnameErr x509.HostnameError
		invalidCert x509.CertificateInvalidError
	)
	return errors.As(err, &verifyErr) || errors.As(err, &recordErr) || errors.As(err, &unknownAuth) ||
		errors.As(err, &hostnameErr) || errors.As(err, &invalidCert) || errors.Is(err, http.ErrSchemeMismatch) ||
		errors.Is(err, ErrCrossOriginRedirect) || errors.Is(err, ErrResponseTooLarge) || errors.Is(err, errTooManyRedirects)
}
