package partoo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/partoo-go/partoo/internal/apispec"
)

// drainLimit is how much of an abandoned response body is read, after the
// part kept in an [APIError], so that the connection can be reused. A longer
// body is not read: its connection is closed instead.
const drainLimit = 4 << 10

// ErrCrossOriginRedirect matches the error of a call whose response
// redirected to another origin (another scheme, host or port, https to
// http included). The client follows same-origin redirects only: the
// Partoo API has no reason to send a request elsewhere, and a request
// carries secrets (the API key, custom header values, webhook URLs).
// Nothing is sent to the other origin. A list iterator's next-page link
// that leaves the base URL is refused with it as well.
var ErrCrossOriginRedirect = errors.New("partoo: redirect to another origin refused")

// canonicalAPIKeyHeader is APIKeyHeader in net/http's canonical form,
// computed by the generator: calling http.CanonicalHeaderKey at init would
// build net/textproto's table of common headers in every program that
// imports partoo.
const canonicalAPIKeyHeader = apispec.CanonicalAPIKeyHeader

// maxRedirects is how many redirects an attempt follows, as net/http's
// default policy.
const maxRedirects = 10

// errTooManyRedirects ends an attempt caught in a redirect loop; it is not
// retried.
var errTooManyRedirects = errors.New("partoo: stopped after 10 redirects") // maxRedirects

// execute sends req for the call cs: it waits for the rate limiter, sets
// the API key and the headers of each attempt, sends it through the
// middlewares, and turns a non-2xx response into an *APIError; then it
// retries as the call's RetryPolicy says. It returns the response of the
// first attempt with a 2xx status, its body held in memory (a
// *bufferedBody), or the error of the last attempt.
func (cs *callState) execute(ctx context.Context, req *http.Request) (*http.Response, error) {
	c := cs.c
	p := cs.retryPolicy()
	// net/http may send a request with GetBody again by itself; the
	// client keeps the body of a request that is not idempotent, for its
	// own decisions (replay.go).
	cs.getBody = req.GetBody
	if !isIdempotent(req.Method) {
		req.GetBody = nil
	}
	var last error
	for attempt := 1; ; attempt++ {
		if err := cs.waitTurn(ctx); err != nil {
			err = fmt.Errorf("partoo: %s %s: %w", req.Method, req.URL.Path, err)
			if last == nil {
				return nil, err
			}
			return nil, fmt.Errorf("%w (after %s; retry abandoned: %w)", last, attempts(cs.triesMade()), err)
		}
		sent, err := cs.attemptRequest(ctx, req, attempt)
		if err != nil {
			if last == nil {
				return nil, err
			}
			return nil, fmt.Errorf("%w (after %s; retry abandoned: %w)", last, attempts(cs.triesMade()), err)
		}
		cs.mu.Lock()
		cs.attempts++
		cs.tries++
		cs.status, cs.header = 0, nil
		cs.mu.Unlock()
		// The first attempt uses the context embedded in the call state,
		// which saves an allocation. A retry gets a new one: net/http may
		// still be dialing for an earlier attempt in the background, and
		// that dial reads its attempt's context.
		actx := &cs.actx
		if attempt > 1 {
			actx = new(attemptContext)
		}
		actx.call, actx.attempt = cs, attempt
		actx.start(ctx, cs.attemptTimeout(), sent.URL)
		sent = sent.WithContext(actx)

		var start time.Time
		if c.cfg.logger != nil {
			start = c.now()
		}
		resp, err := c.cfg.httpClient.Do(sent)
		for err == nil {
			// A 307 or 308 that net/http left to the client.
			next, ferr := cs.followRedirect(actx, sent, resp)
			if next == nil && ferr == nil {
				break
			}
			discard(resp.Body)
			if ferr != nil {
				resp, err = nil, ferr
				break
			}
			sent = next
			resp, err = c.cfg.httpClient.Do(sent)
		}
		refused := actx.refusal()
		if refused != nil {
			// The attempt was cancelled to stop a replay: its error is
			// the refusal.
			if resp != nil {
				resp.Body.Close()
			}
			resp, err = nil, refused
		}
		if err == nil && resp.StatusCode >= 200 && resp.StatusCode <= 299 {
			err = bufferBody(resp, c.cfg.maxResponse)
		}
		var apiErr *APIError
		if err == nil && (resp.StatusCode < 200 || resp.StatusCode > 299) {
			resp.Body = drainingBody{resp.Body}
			err = checkResponse(resp, c.now)
			apiErr, _ = err.(*APIError)
			if apiErr != nil {
				redactKey(apiErr, cs.key)
			}
			if apiErr != nil && apiErr.StatusCode == http.StatusNotFound && cs.op != nil {
				apiErr.hint = c.basePathHint()
			}
		}
		// Which limit ended a failed attempt: the attempt timeout, or the
		// caller's context (told before cancel, which ends actx too).
		attemptTimedOut := err != nil && refused == nil && ctx.Err() == nil && errors.Is(actx.Context.Err(), context.DeadlineExceeded)
		actx.cancel()
		var elapsed time.Duration
		if c.cfg.logger != nil {
			elapsed = c.now().Sub(start)
		}
		if err == nil {
			c.logAttempt(ctx, req, cs.getBody, attempt, resp.StatusCode, nil, elapsed)
			return resp, nil
		}
		tries := cs.triesMade()
		switch {
		case apiErr != nil:
			cs.mu.Lock()
			apiErr.Attempts = cs.attempts
			cs.mu.Unlock()
		case attemptTimedOut:
			err = fmt.Errorf("partoo: %s %s: the attempt timeout of %v passed (WithAttemptTimeout, else the client's WithTimeout): %w", req.Method, req.URL.Path, cs.attemptTimeout(), err)
		case ctx.Err() != nil:
			err = fmt.Errorf("partoo: %s %s: the caller's context ended: %w", req.Method, req.URL.Path, err)
		default:
			err = fmt.Errorf("partoo: %s %s: %w", req.Method, req.URL.Path, err)
		}
		last = err
		status := 0
		if apiErr != nil {
			status = apiErr.StatusCode
			cs.capture(apiErr.StatusCode, apiErr.Header)
		}
		c.logAttempt(ctx, req, cs.getBody, attempt, status, err, elapsed)

		switch {
		case tries >= p.MaxAttempts, refused != nil, !canReplay(req, cs.getBody), errors.Is(err, ErrResponseTooLarge):
			return nil, annotate(err, tries, "")
		case !isIdempotent(req.Method) && mayHaveBeenSent(actx, err):
			// A request that may have been written is never written
			// again unless its method is idempotent, whatever the policy.
			return nil, annotate(err, tries, "")
		case !p.CheckRetry(ctx, sent, err):
			return nil, annotate(err, tries, "")
		}
		wait := max(p.Backoff(tries, p.MinWait, p.MaxWait, err), 0)
		if wait > p.MaxWait {
			return nil, annotate(err, tries, fmt.Sprintf("not retried: the wait of %v exceeds the maximum of %v", wait, p.MaxWait))
		}
		if deadline, ok := ctx.Deadline(); ok && c.now().Add(wait).After(deadline) {
			return nil, annotate(err, tries, fmt.Sprintf("not retried: waiting %v would pass the context deadline", wait))
		}
		c.logRetry(ctx, req, attempt, err, wait)
		if serr := c.sleep(ctx, wait); serr != nil {
			return nil, fmt.Errorf("%w (after %s; retry abandoned: %w)", err, attempts(tries), serr)
		}
	}
}

// retryPolicy returns the policy of the call.
func (cs *callState) retryPolicy() *RetryPolicy {
	if cs.settings.retry != nil {
		return cs.settings.retry
	}
	return &cs.c.cfg.retry
}

// attemptTimeout returns the timeout of each attempt.
func (cs *callState) attemptTimeout() time.Duration {
	if cs.settings.hasTimeout {
		return cs.settings.attemptTimeout
	}
	return cs.c.cfg.timeout
}

// attempts returns "1 attempt" or "n attempts".
func attempts(n int) string {
	if n == 1 {
		return "1 attempt"
	}
	return fmt.Sprintf("%d attempts", n)
}

// triesMade returns how many writes of the request the retry policy's
// MaxAttempts has counted so far.
func (cs *callState) triesMade() int {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	return cs.tries
}

// attemptRequest returns the request to send for attempt, with the API key
// and the call's headers set: req itself the first time, then a clone
// with a fresh copy of the body.
func (cs *callState) attemptRequest(ctx context.Context, req *http.Request, attempt int) (*http.Request, error) {
	key, err := cs.c.cfg.apiKey(ctx)
	if err != nil {
		return nil, fmt.Errorf("partoo: %s %s: the API key source failed: %w", req.Method, req.URL.Path, err)
	}
	if cs.c.cfg.keySource {
		if err := checkKey(key); err != nil {
			return nil, fmt.Errorf("partoo: %s %s: the API key source returned an invalid key: %w", req.Method, req.URL.Path, err)
		}
	}
	r := req
	if attempt > 1 {
		r = req.Clone(ctx)
		if req.Body != nil && req.Body != http.NoBody {
			body, err := cs.getBody()
			if err != nil {
				return nil, fmt.Errorf("partoo: replaying the request body: %w", err)
			}
			r.Body = body
		}
	}
	h := r.Header
	for k, vs := range cs.settings.header {
		h[k] = append([]string(nil), vs...)
	}
	// The values share one array, each slice capped at its own value (as
	// http.Header.Clone does): one allocation instead of three.
	values := make([]string, 0, 3)
	set := func(name, value string) {
		values = append(values, value)
		h[name] = values[len(values)-1 : len(values) : len(values)]
	}
	set(canonicalAPIKeyHeader, key)
	cs.key = key
	if len(cs.settings.header["User-Agent"]) == 0 {
		set("User-Agent", cs.c.cfg.userAgent)
	}
	if len(h["Accept"]) == 0 {
		set("Accept", "application/json")
	}
	return r, nil
}

// attemptKey is the context key of an attempt.
type attemptKey struct{}

// attemptContext is the context of one attempt's request: it finds the
// attempt again from net/http's redirect hook and from middlewares, and
// carries the attempt's httptrace hooks, through which the client sees
// every write net/http makes of the request (see replay.go).
type attemptContext struct {
	context.Context
	call    *callState
	attempt int
	// cancel ends the attempt; a replay that is refused cancels it.
	cancel context.CancelFunc
	// origin is the scheme and host of the attempt's first request, the
	// only origin its redirects may go to.
	originScheme, originHost string
	// trace holds the hooks of the attempt; Value returns it for
	// httptrace's key.
	trace httptrace.ClientTrace

	// The fields below are written from net/http's hooks.
	mu sync.Mutex
	// redirected is set when the attempt followed a redirect: its first
	// hop was then written, whatever happens to the next ones.
	redirected bool
	// hops counts the redirects the attempt followed; hopTries the
	// connections net/http took for the current hop (one per write).
	hops, hopTries int
	// refused says why a replay of the request by net/http was refused.
	refused error
}

// Value returns the attempt for attemptKey and its trace for httptrace's
// key.
func (a *attemptContext) Value(key any) any {
	switch {
	case key == (attemptKey{}):
		return a
	case key == clientTraceKey && clientTraceKey != nil:
		return &a.trace
	}
	return a.Context.Value(key)
}

// start sets up a's cancellation, origin and trace. a.Context is
// the parent context, bounded by the attempt timeout d when positive.
func (a *attemptContext) start(ctx context.Context, d time.Duration, u *url.URL) {
	if d > 0 {
		a.Context, a.cancel = context.WithTimeout(ctx, d)
	} else {
		a.Context, a.cancel = context.WithCancel(ctx)
	}
	a.originScheme, a.originHost = u.Scheme, u.Host
	a.trace.GotConn = a.gotConn
	if clientTraceKey == nil || httptrace.ContextClientTrace(a.Context) != nil {
		// The caller's trace (from otelhttp, say) is composed with the
		// attempt's, so that both see every event.
		a.Context = httptrace.WithClientTrace(a.Context, &a.trace)
	}
}

// discard drains at most drainLimit bytes of a body the client drops, so
// that its connection can be reused, and closes it.
func discard(body io.ReadCloser) {
	_, _ = io.CopyN(io.Discard, body, drainLimit)
	body.Close()
}

// refusal returns why a replay of the attempt was refused, or nil.
func (a *attemptContext) refusal() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.refused
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
// found later while decoding. It reads at most limit bytes: a longer body
// is an error matching ErrResponseTooLarge, found as soon as the limit is
// crossed. Memory grows with the bytes that arrive, not with what the
// server announces (see readResponseBody). The body is closed in every case.
func bufferBody(resp *http.Response, limit int64) error {
	defer resp.Body.Close()
	if resp.ContentLength > limit {
		return fmt.Errorf("%w: the %d response announces %d bytes, more than the limit of %d", ErrResponseTooLarge, resp.StatusCode, resp.ContentLength, limit)
	}
	buf, err := readResponseBody(resp.Body, resp.ContentLength, limit)
	if err != nil {
		if errors.Is(err, ErrResponseTooLarge) {
			return fmt.Errorf("%w: the %d response is longer than the limit of %d bytes", ErrResponseTooLarge, resp.StatusCode, limit)
		}
		return fmt.Errorf("reading the %d response body: %w", resp.StatusCode, err)
	}
	resp.Body = &bufferedBody{b: buf}
	resp.ContentLength = int64(len(buf))
	return nil
}

// Growth of a response body held in memory.
const (
	// firstChunk is the most a body costs before its bytes arrive: a
	// body announced longer is read in chunks.
	firstChunk = 1 << 20
	// minChunk is the first chunk of a body of unknown length.
	minChunk = 4 << 10
)

// readResponseBody reads r to its end. n is the announced length (net/http ends
// the body there), or -1 when unknown; n is at most limit.
//
// A body announced at most firstChunk long is read into a buffer of its
// size. Any other is read into chunks that grow as bytes arrive, so that a
// length announced but not sent costs at most firstChunk. An announced body
// is moved into one buffer of its size once half of it has arrived, so
// that it costs at most 1.5 times its size. A body of unknown length is
// read in chunks of at most firstChunk and stops with ErrResponseTooLarge
// as soon as it has more than limit bytes, having held at most limit+1 of
// them; one that ends in time is joined into one buffer (twice its size
// for a moment).
func readResponseBody(r io.Reader, n, limit int64) ([]byte, error) {
	if n == 0 {
		return nil, nil
	}
	if n > 0 && n <= firstChunk {
		buf := make([]byte, n)
		if _, err := io.ReadFull(r, buf); err != nil {
			return nil, err
		}
		return buf, nil
	}
	end, size := limit+1, int64(minChunk)
	if n > 0 {
		end, size = n/2+1, firstChunk
	}
	var chunks [][]byte
	var total int64
	for total < end {
		c := make([]byte, min(size, end-total))
		k, err := io.ReadFull(r, c)
		total += int64(k)
		if k > 0 {
			chunks = append(chunks, c[:k])
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			if n > 0 {
				return nil, io.ErrUnexpectedEOF
			}
			return join(chunks, total, total), nil
		}
		if err != nil {
			return nil, err
		}
		if size < firstChunk || n > 0 {
			size *= 2
		}
	}
	if n < 0 {
		return nil, ErrResponseTooLarge
	}
	buf := join(chunks, total, n)
	if _, err := io.ReadFull(r, buf[total:]); err != nil {
		return nil, err
	}
	return buf, nil
}

// join copies the chunks, total bytes, into a buffer of size bytes; one
// chunk that fills it is returned as is.
func join(chunks [][]byte, total, size int64) []byte {
	if len(chunks) == 1 && total == size {
		return chunks[0]
	}
	if size == 0 {
		return nil
	}
	buf := make([]byte, size)
	off := 0
	for _, c := range chunks {
		off += copy(buf[off:], c)
	}
	return buf
}

// bufferedBody is a response body held in memory.
type bufferedBody struct {
	b   []byte
	off int
}

// Read reads from the buffered bytes.
func (r *bufferedBody) Read(p []byte) (int, error) {
	if r.off >= len(r.b) {
		return 0, io.EOF
	}
	n := copy(p, r.b[r.off:])
	r.off += n
	return n, nil
}

// Close does nothing: there is no connection behind the body any more.
func (*bufferedBody) Close() error { return nil }

// bodyBytes returns the bytes of a response body buffered by bufferBody,
// without copying them.
func bodyBytes(resp *http.Response) []byte {
	if b, ok := resp.Body.(*bufferedBody); ok {
		return b.b[b.off:]
	}
	var buf bytes.Buffer
	_, _ = buf.ReadFrom(resp.Body)
	return buf.Bytes()
}

// keyMarker replaces the API key wherever a server echoes it.
const keyMarker = "[API key]"

// redactKey replaces key in the text the client keeps of an error
// response (its body, messages and headers), which Error(), the body log
// and CaptureResponse show: a server that echoes an invalid key must not
// make the client print it.
func redactKey(e *APIError, key string) {
	if key == "" {
		return
	}
	if bytes.Contains(e.Body, []byte(key)) {
		e.Body = bytes.ReplaceAll(e.Body, []byte(key), []byte(keyMarker))
	}
	for i, m := range e.Messages {
		e.Messages[i] = strings.ReplaceAll(m, key, keyMarker)
	}
	e.Header = redactHeader(e.Header, key)
}

// redactHeader returns h with key replaced in its values: h itself when no
// value holds it, else a copy.
func redactHeader(h http.Header, key string) http.Header {
	if key == "" {
		return h
	}
	var out http.Header
	for k, vs := range h {
		for i, v := range vs {
			if !strings.Contains(v, key) {
				continue
			}
			if out == nil {
				out = h.Clone()
			}
			out[k][i] = strings.ReplaceAll(v, key, keyMarker)
		}
	}
	if out == nil {
		return h
	}
	return out
}

// capture records the status and header of the call's latest response.
func (cs *callState) capture(status int, h http.Header) {
	cs.status, cs.header = status, redactHeader(h, cs.key)
}

// canReplay reports whether req can be sent again with the same body,
// getBody being the client's copy of it.
func canReplay(req *http.Request, getBody func() (io.ReadCloser, error)) bool {
	return req.Body == nil || req.Body == http.NoBody || getBody != nil
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

// mayHaveBeenSent reports whether an attempt that failed with err may have
// written its request: anything but a failure to open the connection of
// its first hop. A response (an *APIError) proves it was written; a
// redirect proves the first hop was.
func mayHaveBeenSent(a *attemptContext, err error) bool {
	var apiErr *APIError
	if errors.As(err, &apiErr) || a.wasRedirected() {
		return true
	}
	return !isDialError(err)
}

// wasRedirected reports whether the attempt followed a redirect.
func (a *attemptContext) wasRedirected() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.redirected
}

// sleep waits for d with the client's clock.
func (c *Client) sleep(ctx context.Context, d time.Duration) error {
	if c.cfg.sleep != nil {
		return c.cfg.sleep(ctx, d)
	}
	return sleepContext(ctx, d)
}
