package partoo

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
)

// net/http sends a request again on its own in a few cases: HTTP/1 after a
// kept-alive connection failed (for GET, HEAD, OPTIONS and TRACE, and for
// any method with an Idempotency-Key or X-Idempotency-Key header), HTTP/2
// after a stream was refused or, before Go 1.27, reset with PROTOCOL_ERROR,
// and on a redirect. The client sees each write through the hooks of an
// httptrace.ClientTrace installed on every attempt: a redirect passes
// through CheckRedirect, and every try of a request, replays included,
// takes a connection (GotConn) right before it is written. So:
//
//   - a request whose method is not idempotent goes to net/http without
//     GetBody, which keeps net/http from replaying it or following a 307 or
//     308 with its body; the client keeps the body to follow such a
//     redirect itself, and for its own retry decision;
//   - a replay that net/http is about to make anyway is let through only
//     for an idempotent method, within the retry policy's MaxAttempts and
//     after a turn of the rate limiter; otherwise it is refused before it
//     is written, and the attempt ends with errReplayRefused;
//   - every write counts in Response.Attempts and APIError.Attempts, and
//     every redirect hop and replay takes a turn of the rate limiter.

// errReplayRefused ends an attempt whose request net/http was about to
// send again by itself after a failure, when the client does not allow it.
// It is not retried.
var errReplayRefused = errors.New("the connection failed after the request may have been written, and net/http would have sent it again by itself")

// clientTraceKey is the context key under which net/http/httptrace looks
// for a *httptrace.ClientTrace. Its type is unexported, so it is found by
// asking httptrace to look into a context that records the key. An
// attempt's context answers it with the attempt's trace, which saves the
// context httptrace.WithClientTrace would allocate for every attempt.
var clientTraceKey = findClientTraceKey()

// keyProbe is a context that records the key it is asked for.
type keyProbe struct {
	context.Context
	key any
}

// Value records key.
func (p *keyProbe) Value(key any) any {
	p.key = key
	return nil
}

func findClientTraceKey() any {
	p := &keyProbe{Context: context.Background()}
	httptrace.ContextClientTrace(p)
	return p.key
}

// gotConn is called by net/http right before each write of the request.
// The first write of the attempt and of each redirect hop was accounted
// for already; any further one is a replay by net/http.
func (a *attemptContext) gotConn(info httptrace.GotConnInfo) {
	a.mu.Lock()
	a.hopTries++
	replay := a.hopTries > 1
	a.mu.Unlock()
	if !replay {
		return
	}
	if err := a.call.allowReplay(a); err != nil {
		a.refuse(err, info.Conn)
	}
}

// allowReplay decides whether net/http may send the request again within
// the attempt a, and counts the write when it may.
func (cs *callState) allowReplay(a *attemptContext) error {
	if !isIdempotent(cs.method) {
		return fmt.Errorf("%w; a %s is not sent twice", errReplayRefused, cs.method)
	}
	cs.mu.Lock()
	tries := cs.tries
	cs.mu.Unlock()
	if max := cs.retryPolicy().MaxAttempts; tries >= max {
		return fmt.Errorf("%w; the retry policy allows %s", errReplayRefused, attempts(max))
	}
	if err := cs.waitTurn(a); err != nil {
		return fmt.Errorf("%w; %w", errReplayRefused, err)
	}
	cs.mu.Lock()
	cs.tries++
	cs.attempts++
	cs.mu.Unlock()
	return nil
}

// refuse stops the write net/http is about to make: HTTP/2 checks the
// request's context before it writes a stream's headers, and an HTTP/1
// connection, which serves this one request at a time, is closed before
// net/http's writer goroutine can use it. A cleartext HTTP/2 (h2c)
// connection cannot be told from an HTTP/1 one here, so it is closed too;
// the client only speaks cleartext to loopback hosts.
func (a *attemptContext) refuse(err error, conn net.Conn) {
	a.mu.Lock()
	if a.refused == nil {
		a.refused = err
	}
	a.mu.Unlock()
	a.cancel()
	if conn == nil {
		return
	}
	if tc, ok := conn.(*tls.Conn); ok && tc.ConnectionState().NegotiatedProtocol == "h2" {
		return
	}
	conn.Close()
}

// sameOriginRedirects wraps a CheckRedirect policy (nil means net/http's
// default) so that only redirects to the origin of the attempt's first
// request are followed, at most maxRedirects of them; it marks the attempt
// as redirected (its first hop was sent), counts the hop as a write and
// waits for its turn of the rate limiter.
func sameOriginRedirects(next func(*http.Request, []*http.Request) error) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		scheme, host, hops := via[0].URL.Scheme, via[0].URL.Host, len(via)
		a, _ := req.Context().Value(attemptKey{}).(*attemptContext)
		if a != nil {
			a.mu.Lock()
			a.redirected = true
			scheme, host, hops = a.originScheme, a.originHost, a.hops+1
			a.mu.Unlock()
		}
		if req.URL.Scheme != scheme || !strings.EqualFold(req.URL.Host, host) {
			return fmt.Errorf("%w: %s %s://%s answered with a redirect to %s://%s", ErrCrossOriginRedirect,
				via[len(via)-1].Method, scheme, host, req.URL.Scheme, req.URL.Host)
		}
		if hops >= maxRedirects {
			return errTooManyRedirects
		}
		if next != nil {
			if err := next(req, via); err != nil {
				return err
			}
		}
		if a == nil {
			return nil
		}
		if err := a.call.waitTurn(a); err != nil {
			return err
		}
		a.mu.Lock()
		a.hops++
		a.hopTries = 0
		a.mu.Unlock()
		a.call.mu.Lock()
		a.call.attempts++
		a.call.mu.Unlock()
		return nil
	}
}

// followRedirect returns the request that follows resp when resp is a 307
// or 308 that net/http left to the client: the request had a body and no
// GetBody (its method is not idempotent). The redirect passes the same
// CheckRedirect as net/http's, and the body is the client's copy. It
// returns nil, nil when there is nothing to follow: resp is another
// status, has no Location, or the body cannot be sent again.
func (cs *callState) followRedirect(a *attemptContext, sent *http.Request, resp *http.Response) (*http.Request, error) {
	if resp.StatusCode != http.StatusTemporaryRedirect && resp.StatusCode != http.StatusPermanentRedirect {
		return nil, nil
	}
	if sent.GetBody != nil || sent.Body == nil || sent.Body == http.NoBody || cs.getBody == nil {
		return nil, nil
	}
	loc := resp.Header.Get("Location")
	if loc == "" {
		return nil, nil
	}
	u, err := sent.URL.Parse(loc)
	if err != nil {
		return nil, &url.Error{Op: urlErrorOp(sent.Method), URL: sent.URL.String(), Err: fmt.Errorf("failed to parse Location header %q: %w", loc, err)}
	}
	next := sent.Clone(a)
	next.URL, next.Host, next.Response = u, "", resp
	next.Body, err = cs.getBody()
	if err != nil {
		return nil, fmt.Errorf("partoo: replaying the request body: %w", err)
	}
	if err := cs.c.cfg.httpClient.CheckRedirect(next, []*http.Request{sent}); err != nil {
		next.Body.Close()
		if errors.Is(err, http.ErrUseLastResponse) {
			return nil, nil
		}
		return nil, &url.Error{Op: urlErrorOp(sent.Method), URL: u.Redacted(), Err: err}
	}
	return next, nil
}

// urlErrorOp is the Op of a *url.Error for method, as net/http spells it.
func urlErrorOp(method string) string {
	if method == "" {
		return "Get"
	}
	return method[:1] + strings.ToLower(method[1:])
}
