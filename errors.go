package partoo

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
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

// ErrResponseTooLarge matches the error of a call whose successful
// response body is larger than the client's limit ([WithMaxResponseSize],
// [DefaultMaxResponseSize]). The client stops reading at the limit and
// closes the connection; nothing more is buffered.
var ErrResponseTooLarge = errors.New("partoo: response body too large")

// Limits of what an [*APIError] keeps, so that a hostile or broken error
// body cannot make the client allocate without bound.
const (
	// MaxErrorBodySize is the most bytes of an error response body that
	// are read and kept in [APIError.Body]; the rest is discarded.
	MaxErrorBodySize = 64 << 10
	// maxMessages is the most messages an APIError keeps.
	maxMessages = 32
	// maxMessageBytes is the most bytes of messages an APIError keeps, all
	// messages together.
	maxMessageBytes = 4 << 10
	// maxErrorDepth is the deepest nesting of an error body that is read.
	maxErrorDepth = 16
)

// snippetSize is how much of a non-JSON error body appears in Error().
const snippetSize = 200

// APIError is the error returned for every non-2xx response, whatever the
// operation. Inspect it with errors.As, or match its status with errors.Is
// and the sentinels ([ErrNotFound], [ErrRateLimited], ...). Quote
// StatusCode, RequestID and Attempts in a support ticket.
type APIError struct {
	// StatusCode is the HTTP status code.
	StatusCode int
	// Method is the request method.
	Method string
	// Path is the request path, without the query string.
	Path string
	// Messages are the messages decoded from Partoo's error body, which uses
	// an "error" or "errors" key holding a string or an object; nested
	// objects are flattened to "field: message", and Partoo's "json"
	// wrapper key is left out. They are sorted. At most a few dozen
	// messages and a few KiB of text are kept; when more was cut, the last
	// message says so (see Truncated).
	Messages []string
	// Truncated reports that Messages does not hold every message of the
	// body: the body had more messages, longer ones, or deeper nesting
	// than the client keeps. Body holds the raw text.
	Truncated bool
	// RetryAfter is the wait the server asked for with a Retry-After header
	// (seconds or an HTTP date), or zero.
	RetryAfter time.Duration
	// Body is the raw response body, at most [MaxErrorBodySize] bytes: the
	// whole structure of Partoo's error, for code that needs more than the
	// messages.
	Body []byte
	// Header is the response header.
	Header http.Header
	// RequestID is the request identifier the response carried in one of
	// the usual headers (see [Response.RequestID]), or "".
	RequestID string
	// Attempts is how many times the request was written, retries,
	// redirect hops and net/http's own tries included (see
	// [Response.Attempts]).
	Attempts int

	// hint is a likely cause the client adds to Error(), or "".
	hint string
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
	if e.RequestID != "" {
		fmt.Fprintf(&b, " (request id %s)", e.RequestID)
	}
	if e.hint != "" {
		fmt.Fprintf(&b, " (hint: %s)", e.hint)
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
// [*APIError], with the same bounds on what it keeps as the client. The
// client calls it for every response; it is exported for code that sends
// its own requests, e.g. through a generated ...WithBody method on another
// doer.
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
		RequestID:  requestID(resp.Header),
		Attempts:   1,
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
	e.Messages, e.Truncated = decodeMessages(e.Body)
	return e
}

// requestIDHeaders are the headers that commonly carry a request
// identifier, in the order they are looked for. Partoo documents none.
var requestIDHeaders = [...]string{"X-Request-Id", "Request-Id", "X-Correlation-Id", "X-Amzn-Requestid", "X-Amzn-Trace-Id"}

// requestID returns the first request identifier found in h, or "".
func requestID(h http.Header) string {
	for _, k := range requestIDHeaders {
		if v := h[k]; len(v) > 0 && v[0] != "" {
			return v[0]
		}
	}
	return ""
}

// messages collects error messages within the bounds of an APIError.
type messages struct {
	list      []string
	bytes     int
	truncated bool
}

func (m *messages) add(s string) {
	if !m.room(len(s)) {
		return
	}
	m.list = append(m.list, s)
	m.bytes += len(s)
}

// room reports whether a message of n bytes still fits, and notes that
// text was cut when it does not.
func (m *messages) room(n int) bool {
	if len(m.list) >= maxMessages || m.bytes+n > maxMessageBytes {
		m.truncated = true
		return false
	}
	return true
}

// decodeMessages reads Partoo's error body: {"error": X} or {"errors": X}
// (also "message" and "detail"), where X is a string or an object of
// strings, objects or arrays. It walks the JSON as a stream of tokens, so
// what it keeps is bounded by the limits above whatever the body holds.
func decodeMessages(body []byte) ([]string, bool) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, false
	}
	var m messages
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			break
		}
		key, _ := t.(string)
		switch key {
		case "error", "errors", "message", "detail":
			if err := m.walk(dec, "", 0, true); err != nil {
				m.truncated = true
				return m.sorted()
			}
		default:
			if err := skipValue(dec, 0); err != nil {
				return m.sorted()
			}
		}
	}
	return m.sorted()
}

func (m *messages) sorted() ([]string, bool) {
	sort.Strings(m.list)
	if m.truncated {
		m.list = append(m.list, "(more error details were cut; see APIError.Body)")
	}
	return m.list, m.truncated
}

// walk reads one JSON value and adds its messages, labelled with prefix.
// top is set for the value right under the envelope key, where Partoo's
// "json" wrapper key is transparent.
func (m *messages) walk(dec *json.Decoder, prefix string, depth int, top bool) error {
	if depth > maxErrorDepth {
		m.truncated = true
		return skipValue(dec, depth)
	}
	t, err := dec.Token()
	if err != nil {
		return err
	}
	label := func(s string) string {
		if prefix == "" {
			return s
		}
		if !m.room(len(prefix) + 2 + len(s)) {
			return "" // not kept: do not even build it
		}
		return prefix + ": " + s
	}
	switch v := t.(type) {
	case json.Delim:
		switch v {
		case '[':
			for dec.More() {
				if err := m.walk(dec, prefix, depth+1, false); err != nil {
					return err
				}
			}
			_, err = dec.Token()
			return err
		case '{':
			empty := true
			for dec.More() {
				empty = false
				kt, err := dec.Token()
				if err != nil {
					return err
				}
				k, _ := kt.(string)
				key := k
				switch {
				case top && k == "json":
					key = prefix // Partoo's wrapper: {"error": {"json": {...}}}
				case prefix != "":
					key = prefix + "." + k
				}
				if len(key) > maxMessageBytes {
					m.truncated = true
					key = key[:maxMessageBytes]
				}
				if err := m.walk(dec, key, depth+1, top && k == "json"); err != nil {
					return err
				}
			}
			if empty && prefix != "" {
				m.add(prefix)
			}
			_, err = dec.Token()
			return err
		}
	case string:
		if l := label(v); l != "" {
			m.add(l)
		}
	case json.Number:
		if l := label(v.String()); l != "" {
			m.add(l)
		}
	case bool:
		if l := label(strconv.FormatBool(v)); l != "" {
			m.add(l)
		}
	case nil:
	}
	return nil
}

// skipValue reads and discards one JSON value, refusing to go deeper than
// maxErrorDepth.
func skipValue(dec *json.Decoder, depth int) error {
	t, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := t.(json.Delim); ok && (d == '[' || d == '{') {
		if depth > maxErrorDepth {
			return errors.New("error body nested too deeply")
		}
		for dec.More() {
			if d == '{' {
				if _, err := dec.Token(); err != nil {
					return err
				}
			}
			if err := skipValue(dec, depth+1); err != nil {
				return err
			}
		}
		_, err = dec.Token()
	}
	return err
}

// snippet returns the start of a body for an error message, cut on a rune
// boundary with whitespace collapsed.
func snippet(body []byte) string {
	if len(body) > 4*snippetSize {
		body = body[:4*snippetSize]
	}
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
// Invalid or negative values give zero; a past date gives zero. A value too
// large for a time.Duration gives the largest one, which no retry policy
// waits for.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil || isRangeErr(err) && !strings.HasPrefix(v, "-") {
		if secs < 0 {
			return 0
		}
		if err != nil || secs > int64(maxDuration/time.Second) {
			return maxDuration
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

const maxDuration = time.Duration(1<<63 - 1)

func isRangeErr(err error) bool {
	var ne *strconv.NumError
	return errors.As(err, &ne) && errors.Is(ne.Err, strconv.ErrRange)
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

// The kinds of error [ErrorKind] returns.
const (
	KindCanceled            = "canceled"              // the context was cancelled
	KindTimeout             = "timeout"               // a deadline, or a network timeout
	KindAPI                 = "api"                   // a non-2xx answer: an [*APIError]
	KindInvalidRequest      = "invalid_request"       // refused before sending: [ErrInvalidRequest]
	KindResponseTooLarge    = "response_too_large"    // [ErrResponseTooLarge]
	KindCrossOriginRedirect = "cross_origin_redirect" // [ErrCrossOriginRedirect]
	KindConnection          = "connection"            // a network operation failed: a *net.OpError
	KindOther               = "other"                 // anything else
)

// ErrorKind classifies an error of the client in a few words, for logs
// and metrics: one of the Kind constants, never any of the error's text
// (which could quote a URL or a body). A cancelled context wins over an
// [*APIError] it cut short. It returns "" for a nil error.
func ErrorKind(err error) string {
	var apiErr *APIError
	var timeout interface{ Timeout() bool }
	var opErr *net.OpError
	switch {
	case err == nil:
		return ""
	case errors.Is(err, context.Canceled):
		return KindCanceled
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &timeout) && timeout.Timeout():
		return KindTimeout
	case errors.As(err, &apiErr):
		return KindAPI
	case errors.Is(err, ErrInvalidRequest):
		return KindInvalidRequest
	case errors.Is(err, ErrResponseTooLarge):
		return KindResponseTooLarge
	case errors.Is(err, ErrCrossOriginRedirect):
		return KindCrossOriginRedirect
	case errors.As(err, &opErr):
		return KindConnection
	}
	return KindOther
}

// basePathHint returns the hint of a 404 answered to an operation of the
// spec when the client's base path is none of the spec's servers' (the
// "/v2" of [Production] and [Sandbox]): a base URL given without it is the
// likely cause. It returns "" when the base path is one of them.
func (c *Client) basePathHint() string {
	var want []string
	for _, s := range [...]Server{Production, Sandbox} {
		u, err := url.Parse(string(s))
		if err != nil {
			continue
		}
		p := strings.TrimSuffix(u.EscapedPath(), "/")
		if p == c.basePath {
			return ""
		}
		if !slices.Contains(want, p) {
			want = append(want, p)
		}
	}
	if len(want) == 0 {
		return ""
	}
	have := "no base path"
	if c.basePath != "" {
		have = "the base path " + c.basePath
	}
	return fmt.Sprintf("the base URL %s has %s, the spec's servers have %s; check WithBaseURL", c.BaseURL(), have, strings.Join(want, " or "))
}
