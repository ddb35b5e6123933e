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
	"slices"
	"strings"
	"time"
)

// redacted replaces a secret in logs.
const redacted = "REDACTED"

// maxLoggedBody is the largest request or error body that is logged (after
// redaction); a larger one is logged as its size only.
const maxLoggedBody = 16 << 10

// WithLogger makes the client log its requests to l:
//
//   - at Debug, each attempt: method, path, query, attempt number, status or
//     transport error, duration, request headers, the JSON request body (on
//     the first attempt) and the body of an error response;
//   - at Info, each retry: the failure and the wait before the next attempt.
//
// Secrets are redacted before anything reaches l: the x-APIKey header (and
// Authorization and Cookie headers, should a transport add them) and the
// values of every custom_headers object (they carry secrets such as
// X-Auth-Token) are replaced by "REDACTED"; of a webhook's url, which may
// embed a shared secret, only the scheme and host are kept. A body that is
// not JSON is logged as its size only. If not set, the client logs nothing.
// A nil l is an error.
func WithLogger(l *slog.Logger) Option {
	return func(cfg *config) error {
		if l == nil {
			return errors.New("partoo: WithLogger: the logger is nil")
		}
		cfg.logger = l
		return nil
	}
}

// logEnabled reports whether the client logs at level.
func (d *doer) logEnabled(ctx context.Context, level slog.Level) bool {
	return d.logger != nil && d.logger.Enabled(ctx, level)
}

// logAttempt logs one attempt at Debug. req is the request as the caller
// built it (its GetBody gives the body), sent the request of this attempt.
func (d *doer) logAttempt(ctx context.Context, req, sent *http.Request, attempt int, resp *http.Response, apiErr *APIError, err error, elapsed time.Duration) {
	if !d.logEnabled(ctx, slog.LevelDebug) {
		return
	}
	attrs := []slog.Attr{
		slog.String("method", req.Method),
		slog.String("path", req.URL.Path),
	}
	if req.URL.RawQuery != "" {
		attrs = append(attrs, slog.String("query", req.URL.RawQuery))
	}
	attrs = append(attrs, slog.Int("attempt", attempt))
	switch {
	case resp != nil:
		attrs = append(attrs, slog.Int("status", resp.StatusCode))
	case apiErr != nil:
		attrs = append(attrs, slog.Int("status", apiErr.StatusCode))
	case err != nil:
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	attrs = append(attrs, slog.Duration("elapsed", elapsed), redactedHeaders("request_headers", sent.Header))
	if attempt == 1 && req.GetBody != nil {
		if body, ok := readBody(req); ok {
			attrs = append(attrs, slog.String("request_body", redactBody(body)))
		}
	}
	if apiErr != nil && len(apiErr.Body) > 0 {
		attrs = append(attrs, slog.String("response_body", redactBody(apiErr.Body)))
	}
	d.logger.LogAttrs(ctx, slog.LevelDebug, "partoo: attempt", attrs...)
}

// logRetry logs at Info that the request is sent again after wait.
func (d *doer) logRetry(ctx context.Context, req *http.Request, attempt int, err error, wait time.Duration) {
	if !d.logEnabled(ctx, slog.LevelInfo) {
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
	} else {
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	attrs = append(attrs, slog.Duration("wait", wait))
	d.logger.LogAttrs(ctx, slog.LevelInfo, "partoo: retrying", attrs...)
}

// readBody returns a fresh copy of the request body, if it is small enough
// to be logged.
func readBody(req *http.Request) ([]byte, bool) {
	rc, err := req.GetBody()
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

// isSensitiveHeader reports whether the header named k is logged as
// "REDACTED".
func isSensitiveHeader(k string) bool {
	switch http.CanonicalHeaderKey(k) {
	case http.CanonicalHeaderKey(APIKeyHeader), "Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie":
		return true
	}
	return false
}

// redactedHeaders returns h as a log group, sorted, with secrets replaced.
func redactedHeaders(name string, h http.Header) slog.Attr {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	attrs := make([]any, 0, len(keys))
	for _, k := range keys {
		v := strings.Join(h[k], ", ")
		if isSensitiveHeader(k) {
			v = redacted
		}
		attrs = append(attrs, slog.String(k, v))
	}
	return slog.Group(name, attrs...)
}

// redactBody returns a JSON body for a log line with the values of every
// custom_headers object and the path of every url replaced. A body that is
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
			switch {
			case strings.EqualFold(k, "custom_headers"):
				t[k] = redactValues(x)
			case strings.EqualFold(k, "url"):
				if s, ok := x.(string); ok {
					t[k] = redactURL(s)
				} else {
					t[k] = redactJSON(x)
				}
			default:
				t[k] = redactJSON(x)
			}
		}
	case []any:
		for i := range t {
			t[i] = redactJSON(t[i])
		}
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

// redactURL keeps the scheme and host of a URL: its path, query and user
// info may hold a shared secret.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		if s == "" {
			return ""
		}
		return redacted
	}
	out := u.Scheme + "://" + u.Host
	if u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		out += "/" + redacted
	}
	return out
}
