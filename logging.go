package partoo

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// redacted replaces a secret in logs.
const redacted = "REDACTED"

// maxLoggedBody is the largest request or error body that is logged (after
// redaction), with WithBodyLogging; a larger one is logged as its size only.
const maxLoggedBody = 16 << 10

// WithLogger makes the client log its requests to l:
//
//   - at Debug, each attempt: method, path (never the query), attempt
//     number, status, duration, and for a failure the kind of error
//     ("api", "timeout", "canceled", "connection", "redirect",
//     "too_large", "transport");
//   - at Info, each retry: the same, and the wait before the next attempt.
//
// No header, query string or body is logged unless [WithBodyLogging] asks
// for bodies. If not set, the client logs nothing. A nil l is an error.
func WithLogger(l *slog.Logger) Option {
	return func(cfg *config) error {
		if l == nil {
			return errors.New("partoo: WithLogger: the logger is nil")
		}
		cfg.logger = l
		return nil
	}
}

// WithBodyLogging adds the bodies to the Debug lines of [WithLogger]: the
// JSON request body (on the first attempt) and the body of an error
// response, redacted first. Every value of a custom_headers object is
// replaced by "REDACTED", and so is every string that parses as a URL with
// user info, a path or a query (a webhook URL may embed a shared secret),
// wherever it sits, of which only the scheme and host are kept; a body that
// is not JSON, or larger than 16 KiB, is logged as its size only. Use it
// to debug, not in production.
func WithBodyLogging() Option {
	return func(cfg *config) error {
		cfg.logBodies = true
		return nil
	}
}

// logAttempt logs one attempt at Debug. req is the request as the caller
// built it, and getBody the client's copy of its body (nil when the body
// cannot be read again).
func (c *Client) logAttempt(ctx context.Context, req *http.Request, getBody func() (io.ReadCloser, error), attempt, status int, err error, elapsed time.Duration) {
	l := c.cfg.logger
	if l == nil || !l.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attrs := []slog.Attr{
		slog.String("method", req.Method),
		slog.String("path", req.URL.Path),
		slog.Int("attempt", attempt),
	}
	if status != 0 {
		attrs = append(attrs, slog.Int("status", status))
	}
	attrs = append(attrs, slog.Duration("elapsed", elapsed))
	if err != nil {
		attrs = append(attrs, slog.String("error", ErrorKind(err)))
	}
	if c.cfg.logBodies {
		if attempt == 1 && getBody != nil {
			if body, ok := readBody(getBody); ok {
				attrs = append(attrs, slog.String("request_body", redactBody(body)))
			}
		}
		var apiErr *APIError
		if errors.As(err, &apiErr) && len(apiErr.Body) > 0 {
			attrs = append(attrs, slog.String("response_body", redactBody(apiErr.Body)))
		}
	}
	l.LogAttrs(ctx, slog.LevelDebug, "partoo: attempt", attrs...)
}

// logRetry logs at Info that the request is sent again after wait.
func (c *Client) logRetry(ctx context.Context, req *http.Request, attempt int, err error, wait time.Duration) {
	l := c.cfg.logger
	if l == nil || !l.Enabled(ctx, slog.LevelInfo) {
		return
	}
	attrs := []slog.Attr{
		slog.String("method", req.Method),
		slog.String("path", req.URL.Path),
		slog.Int("attempt", attempt),
	}
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		attrs = append(attrs, slog.Int("status", apiErr.StatusCode))
	}
	attrs = append(attrs, slog.String("error", ErrorKind(err)), slog.Duration("wait", wait))
	l.LogAttrs(ctx, slog.LevelInfo, "partoo: retrying", attrs...)
}

// readBody returns a fresh copy of the request body, if it is small enough
// to be logged.
func readBody(getBody func() (io.ReadCloser, error)) ([]byte, bool) {
	rc, err := getBody()
	if err != nil || rc == nil {
		return nil, false
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, maxLoggedBody+1))
	if err != nil {
		return nil, false
	}
	return b, true
}

// redactBody returns a JSON body for a log line with the values of every
// custom_headers object and every URL-like string replaced. A body that is
// too large or not JSON is described by its size only, since it cannot be
// redacted.
func redactBody(body []byte) string {
	if len(bytes.TrimSpace(body)) == 0 {
		return ""
	}
	if len(body) > maxLoggedBody {
		return fmt.Sprintf("(more than %d bytes, not logged)", maxLoggedBody)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil || dec.More() {
		return fmt.Sprintf("(%d bytes, not JSON, not logged)", len(body))
	}
	out, err := json.Marshal(redactJSON(v))
	if err != nil {
		return fmt.Sprintf("(%d bytes, not logged)", len(body))
	}
	return string(out)
}

// redactJSON walks a decoded JSON value and replaces the secrets in place.
func redactJSON(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			if strings.EqualFold(k, "custom_headers") {
				t[k] = redactValues(x)
				continue
			}
			t[k] = redactJSON(x)
		}
	case []any:
		for i := range t {
			t[i] = redactJSON(t[i])
		}
	case string:
		return redactString(t)
	}
	return v
}

// redactValues keeps the keys of a custom_headers object and hides the
// values; anything else is hidden whole.
func redactValues(v any) any {
	switch t := v.(type) {
	case nil:
		return nil
	case map[string]any:
		for k := range t {
			t[k] = redacted
		}
		return t
	}
	return redacted
}

// redactString hides a string that looks like a URL with user info, a path
// or a query: only its scheme and host stay.
func redactString(s string) string {
	if !strings.Contains(s, "://") {
		return s
	}
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || u.Host == "" {
		// Something URL-like that does not parse: hide it whole.
		return redacted
	}
	if u.User == nil && (u.Path == "" || u.Path == "/") && u.RawQuery == "" && u.Fragment == "" && !u.ForceQuery {
		return s
	}
	return u.Scheme + "://" + u.Host + "/" + redacted
}
