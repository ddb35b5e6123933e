package partoo

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"golang.org/x/time/rate"
)

// drainLimit is how much of an abandoned response body is read, after the
// part kept in an [APIError], so that the connection can be reused. A longer
// body is not read: its connection is closed instead.
const drainLimit = 4 << 10

// doer is the gen.HttpRequestDoer under every generated operation. For each
// attempt it waits for the rate limiter, sends the request, and turns a
// non-2xx response into an *APIError, so error mapping is the same for all
// operations, including future ones; then it retries as the RetryPolicy
// says. It holds no secret: the API key is set by the request editor.
type doer struct {
	client  *http.Client
	retry   RetryPolicy // with its defaults filled in
	limiter *rate.Limiter
	logger  *slog.Logger
	now     func() time.Time
	sleep   func(context.Context, time.Duration) error
}

// newDoer builds the doer of a client from its configuration.
func newDoer(cfg *config) *doer {
	d := &doer{
		client:  cfg.httpClient,
		retry:   cfg.retry.withDefaults(),
		limiter: cfg.limiter,
		logger:  cfg.logger,
		now:     cfg.now,
		sleep:   cfg.sleep,
	}
	if d.now == nil {
		d.now = time.Now
	}
	if d.sleep == nil {
		d.sleep = sleepContext
	}
	return d
}

// Do implements gen.HttpRequestDoer. It returns the response of the first
// attempt that gets a 2xx status, or the error of the last attempt: an
// *APIError or a transport error, annotated with the number of attempts
// when there were several.
func (d *doer) Do(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	p := d.retry
	var last error
	for attempt := 1; ; attempt++ {
		if err := d.waitTurn(ctx); err != nil {
			err = fmt.Errorf("partoo: %s %s: %w", req.Method, req.URL.Path, err)
			if last == nil {
				return nil, err
			}
			return nil, fmt.Errorf("%w (after %s; retry abandoned: %w)", last, attempts(attempt-1), err)
		}
		sent, err := attemptRequest(req, attempt)
		if err != nil {
			return nil, fmt.Errorf("%w (after %s; retry abandoned: partoo: replaying the request body: %w)", last, attempts(attempt-1), err)
		}

		start := d.now()
		resp, err := d.client.Do(sent)
		if err == nil && resp.StatusCode >= 200 && resp.StatusCode <= 299 {
			err = bufferBody(resp)
		}
		elapsed := d.now().Sub(start)
		if err == nil && resp.StatusCode >= 200 && resp.StatusCode <= 299 {
			d.logAttempt(ctx, req, sent, attempt, resp, nil, nil, elapsed)
			return resp, nil
		}
		var apiErr *APIError
		if err != nil {
			err = fmt.Errorf("partoo: %s %s: %w", req.Method, req.URL.Path, err)
		} else {
			resp.Body = drainingBody{resp.Body}
			err = checkResponse(resp, d.now)
			apiErr, _ = err.(*APIError)
		}
		last = err
		d.logAttempt(ctx, req, sent, attempt, nil, apiErr, err, elapsed)

		if attempt >= p.MaxAttempts || !canReplay(req) || !p.CheckRetry(ctx, sent, err) {
			return nil, annotate(err, attempt, "")
		}
		wait := max(p.Backoff(attempt, p.MinWait, p.MaxWait, err), 0)
		if wait > p.MaxWait {
			return nil, annotate(err, attempt, fmt.Sprintf("not retried: the wait of %v exceeds the maximum of %v", wait, p.MaxWait))
		}
		if deadline, ok := ctx.Deadline(); ok && d.now().Add(wait).After(deadline) {
			return nil, annotate(err, attempt, fmt.Sprintf("not retried: waiting %v would pass the context deadline", wait))
		}
		d.logRetry(ctx, req, attempt, err, wait)
		if serr := d.sleep(ctx, wait); serr != nil {
			return nil, fmt.Errorf("%w (after %s; retry abandoned: %w)", err, attempts(attempt), serr)
		}
	}
}

// attemptRequest returns the request to send for attempt: req itself the
// first time, then a clone with a fresh copy of the body.
func attemptRequest(req *http.Request, attempt int) (*http.Request, error) {
	if attempt == 1 {
		return req, nil
	}
	r := req.Clone(req.Context())
	if req.Body != nil && req.Body != http.NoBody {
		body, err := req.GetBody()
		if err != nil {
			return nil, err
		}
		r.Body = body
	}
	return r, nil
}

// canReplay reports whether req can be sent again with the same body.
func canReplay(req *http.Request) bool {
	return req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
}

// annotate adds the number of attempts (when more than one) and a note to
// the error of the last attempt, which stays reachable with errors.Is/As.
func annotate(err error, n int, note string) error {
	var parts []string
	if n > 1 {
		parts = append(parts, "after "+attempts(n))
	}
	if note != "" {
		parts = append(parts, note)
	}
	if len(parts) == 0 {
		return err
	}
	return fmt.Errorf("%w (%s)", err, strings.Join(parts, "; "))
}

// attempts returns "1 attempt" or "n attempts".
func attempts(n int) string {
	if n == 1 {
		return "1 attempt"
	}
	return fmt.Sprintf("%d attempts", n)
}

// drainingBody is a response body whose Close first reads up to drainLimit
// more bytes, so that a short abandoned body does not cost the connection.
type drainingBody struct {
	io.ReadCloser
}

// Close drains at most drainLimit bytes and closes the body.
func (b drainingBody) Close() error {
	_, _ = io.CopyN(io.Discard, b.ReadCloser, drainLimit)
	return b.ReadCloser.Close()
}

// bufferBody reads a successful response's body into memory, so that a
// connection cut in the middle of it is a transport error of this attempt
// (retried for idempotent methods, never for a POST) instead of a failure
// found later while decoding. On error the body is closed.
func bufferBody(resp *http.Response) error {
	var buf bytes.Buffer
	if n := resp.ContentLength; n > 0 && n <= maxPresize {
		// One byte more than announced, so ReadFrom sees EOF without growing.
		buf.Grow(int(n) + 1)
	}
	_, err := buf.ReadFrom(resp.Body)
	resp.Body.Close()
	if err != nil {
		return fmt.Errorf("reading the %d response body: %w", resp.StatusCode, err)
	}
	body := &bufferedBody{}
	body.Reset(buf.Bytes())
	resp.Body = body
	resp.ContentLength = int64(buf.Len())
	return nil
}

// bufferedBody is a response body held in memory.
type bufferedBody struct{ bytes.Reader }

// Close does nothing: there is no connection behind the body any more.
func (*bufferedBody) Close() error { return nil }

// maxPresize caps the buffer allocated up front from a Content-Length.
const maxPresize = 8 << 20
