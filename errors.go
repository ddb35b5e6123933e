package partoo

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Sentinel errors matched by [*APIError] with errors.Is, by HTTP status.
var (
	// ErrBadRequest matches a 400 response: the request is malformed or
	// misses required fields.
	ErrBadRequest = errors.New("partoo: bad request")
	// ErrUnauthorized matches a 401 response: the API key is missing or invalid.
	ErrUnauthorized = errors.New("partoo: unauthorized")
	// ErrForbidden matches a 403 response: the key's user may not do this.
	ErrForbidden = errors.New("partoo: forbidden")
	// ErrNotFound matches a 404 response: the resource does not exist.
	ErrNotFound = errors.New("partoo: not found")
	// ErrUnsupportedMediaType matches a 415 response.
	ErrUnsupportedMediaType = errors.New("partoo: unsupported media type")
	// ErrRateLimited matches a 429 response: the organization exceeded its
	// rate limit; see [APIError.RetryAfter].
	ErrRateLimited = errors.New("partoo: rate limited")
	// ErrServer matches any 5xx response.
	ErrServer = errors.New("partoo: server error")
)

// MaxErrorBodySize is the most bytes of an error response body that are read
// and kept; the rest is discarded.
const MaxErrorBodySize = 64 << 10

// snippetSize is how much of a non-JSON error body appears in Error().
const snippetSize = 200

// APIError is the error returned for every non-2xx response, whatever the
// operation. Inspect it with errors.As, or match its status with errors.Is
// and the sentinels ([ErrNotFound], [ErrRateLimited], ...).
type APIError struct {
	// StatusCode is the HTTP status code.
	StatusCode int
	// Method is the request method.
	Method string
	// Path is the request path, without the query string.
	Path string
	// Messages are the messages decoded from Partoo's error body, which uses
	// an "error" or "errors" key holding a string or an object; nested
	// objects are flattened to "key.subkey: message". They are sorted.
	Messages []string
	// RetryAfter is the wait the server asked for with a Retry-After header
	// (seconds or an HTTP date), or zero.
	RetryAfter time.Duration
	// Body is the raw response body, at most [MaxErrorBodySize] bytes.
	Body []byte
	// Header is the response header.
	Header http.Header
}

// Error returns a one-line description: method, path, status, and the
// decoded messages or, for a body that is not Partoo's JSON (say an HTML page
// from a proxy), a short snippet of it.
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "partoo: %s %s: %d %s", e.Method, e.Path, e.StatusCode, http.StatusText(e.StatusCode))
	switch {
	case len(e.Messages) > 0:
		b.WriteString(": ")
		b.WriteString(strings.Join(e.Messages, "; "))
	case len(bytes.TrimSpace(e.Body)) > 0:
		fmt.Fprintf(&b, ": %q", snippet(e.Body))
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, " (retry after %v)", e.RetryAfter)
	}
	return b.String()
}

// Is reports whether the error's status matches target, one of the sentinel
// errors of this package.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrBadRequest:
		return e.StatusCode == http.StatusBadRequest
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized
	case ErrForbidden:
		return e.StatusCode == http.StatusForbidden
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound
	case ErrUnsupportedMediaType:
		return e.StatusCode == http.StatusUnsupportedMediaType
	case ErrRateLimited:
		return e.StatusCode == http.StatusTooManyRequests
	case ErrServer:
		return e.StatusCode >= 500 && e.StatusCode <= 599
	}
	return false
}

// CheckResponse returns nil for a 2xx response. For any other status it reads
// at most [MaxErrorBodySize] bytes of the body, closes it, and returns an
// [*APIError]. The client calls it for every response; it is exported for
// code that sends its own requests, e.g. through a generated ...WithBody
// method on another doer.
func CheckResponse(resp *http.Response) error {
	return checkResponse(resp, time.Now)
}

// checkResponse is CheckResponse with the clock that turns an HTTP-date
// Retry-After into a duration.
func checkResponse(resp *http.Response, now func() time.Time) error {
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		return nil
	}
	e := &APIError{
		StatusCode: resp.StatusCode,
		Header:     resp.Header,
		RetryAfter: parseRetryAfter(resp.Header.Get("Retry-After"), now()),
	}
	if resp.Request != nil {
		e.Method = resp.Request.Method
		if resp.Request.URL != nil {
			e.Path = resp.Request.URL.Path
		}
	}
	if resp.Body != nil {
		e.Body, _ = io.ReadAll(io.LimitReader(resp.Body, MaxErrorBodySize))
		resp.Body.Close()
	}
	e.Messages = decodeMessages(e.Body)
	return e
}

// decodeMessages reads Partoo's error body: {"error": X} or {"errors": X},
// where X is a string or an object of strings, objects or arrays.
func decodeMessages(body []byte) []string {
	var envelope map[string]json.RawMessage
	if json.Unmarshal(body, &envelope) != nil {
		return nil
	}
	var msgs []string
	for _, key := range []string{"error", "errors", "message", "detail"} {
		raw, ok := envelope[key]
		if !ok {
			continue
		}
		var v any
		if json.Unmarshal(raw, &v) == nil {
			msgs = flatten("", v, msgs)
		}
	}
	sort.Strings(msgs)
	return msgs
}

func flatten(prefix string, v any, out []string) []string {
	label := func(s string) string {
		if prefix == "" {
			return s
		}
		return prefix + ": " + s
	}
	switch t := v.(type) {
	case nil:
	case string:
		out = append(out, label(t))
	case []any:
		for _, item := range t {
			out = flatten(prefix, item, out)
		}
	case map[string]any:
		if len(t) == 0 && prefix != "" {
			out = append(out, prefix)
		}
		for k, item := range t {
			key := k
			if prefix != "" {
				key = prefix + "." + k
			}
			out = flatten(key, item, out)
		}
	default:
		out = append(out, label(fmt.Sprint(t)))
	}
	return out
}

// snippet returns the start of a body for an error message, cut on a rune
// boundary with whitespace collapsed.
func snippet(body []byte) string {
	s := strings.Join(strings.Fields(string(body)), " ")
	if len(s) <= snippetSize {
		return s
	}
	cut := snippetSize
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// parseRetryAfter reads a Retry-After value in seconds or as an HTTP date.
// Invalid or negative values give zero; a past date gives zero.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 || secs > int64(24*time.Hour/time.Second) {
			return 0
		}
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}

// DecodeError is returned when a 2xx response body cannot be decoded into
// the operation's model: truncated or malformed JSON, an empty body, or a
// body that is not JSON at all.
type DecodeError struct {
	// Method and Path identify the request; Path has no query string.
	Method, Path string
	// StatusCode is the HTTP status of the response.
	StatusCode int
	// Err is the underlying decoding error.
	Err error
}

// Error describes the failure.
func (e *DecodeError) Error() string {
	return fmt.Sprintf("partoo: %s %s: decode %d response: %v", e.Method, e.Path, e.StatusCode, e.Err)
}

// Unwrap returns the underlying decoding error.
func (e *DecodeError) Unwrap() error { return e.Err }

// newDecodeError builds a DecodeError for resp.
func newDecodeError(resp *http.Response, err error) *DecodeError {
	e := &DecodeError{StatusCode: resp.StatusCode, Err: err}
	if resp.Request != nil {
		e.Method = resp.Request.Method
		if resp.Request.URL != nil {
			e.Path = resp.Request.URL.Path
		}
	}
	return e
}
