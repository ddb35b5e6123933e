package partoo

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/partoo-go/partoo/internal/apispec"
)

// A call's path through the client, top to bottom, by stage: an entry (a
// generated helper's call, the raw generated client's rawDoer, or
// Client.Do in do.go) hands the request to send, which applies the call
// options (call.go), defaults the org_id (defaultOrgID, below), starts the
// observers, runs the checks (validate.go), then the attempts (execute,
// transport.go; net/http's own replays and redirects in replay.go); the
// entry decodes the answer (decode.go).

// call runs a helper's call and decodes the 2xx body into out (nil when
// the operation answers no body; a *[]byte takes a body that is not JSON
// as it is, and its request then accepts any media type unless it says
// otherwise). checkBody is the check of its body's custom headers that the
// generator wrote for the body's Go type (see send).
func (c *Client) call(ctx context.Context, op *apispec.Operation, req *http.Request, buildErr error, checkBody func() error, out any, opts []CallOption) error {
	if buildErr != nil {
		return fmt.Errorf("partoo: %s %s: build the request: %w", op.Method, c.basePath+op.Path, buildErr)
	}
	if _, raw := out.(*[]byte); raw && req.Header.Get("Accept") == "" {
		req.Header.Set("Accept", "*/*") // not the client's default, application/json
	}
	resp, err := c.send(ctx, op, req, checkBody, opts)
	if err != nil {
		return err
	}
	if b, ok := out.(*[]byte); ok || out == nil {
		if ok {
			*b = bytes.Clone(bodyBytes(resp)) // a body that is not JSON, such as a CSV file
		}
		return nil
	}
	if err := c.decode(bodyBytes(resp), out); err != nil {
		return &DecodeError{Method: req.Method, Path: req.URL.Path, StatusCode: resp.StatusCode, Err: err}
	}
	return nil
}

// goTypesOnly is the body check of a helper whose request has no body, or
// a body without custom headers: the Go types of its values are all the
// checks it needs.
func goTypesOnly() error { return nil }

// rawDoer is the gen.HttpRequestDoer of the generated client ([Client.Raw]): the
// raw generated methods go through the same pipeline as the helpers. It
// finds each request's operation from its method and path, and fails
// closed: a request that matches no operation of the spec is not sent.
type rawDoer struct{ c *Client }

// Do implements gen.HttpRequestDoer.
func (d rawDoer) Do(req *http.Request) (*http.Response, error) {
	if base := d.c.cfg.baseURL; req.URL.Scheme != base.Scheme || !strings.EqualFold(req.URL.Host, base.Host) {
		// A RequestEditorFn may have changed them: the key goes to the
		// base URL's origin only.
		return nil, fmt.Errorf("partoo: %s %s://%s%s is not under the base URL %s; request not sent", req.Method, req.URL.Scheme, req.URL.Host, req.URL.Path, d.c.BaseURL())
	}
	rel, ok := d.c.relativePath(req.URL)
	var op *apispec.Operation
	if ok {
		op = operation(req.Method, rel)
	}
	if op == nil {
		return nil, fmt.Errorf("partoo: %s %s matches no operation of the spec under the base URL %s; request not sent", req.Method, req.URL.Path, d.c.BaseURL())
	}
	return d.c.send(req.Context(), op, req, nil, nil)
}

// send runs one call of the operation op (nil for a [Client.Do] call on a
// path the spec lacks), stage by stage: the call options, the org_id
// default, the observers' start, the checks, then the attempts. checkBody
// is the check of the body's custom headers that a generated helper hands
// over, written for its body's Go type (goTypesOnly when there is nothing
// to check); the helper built its parameters from Go values of their
// types, so the checks leave out those such a value cannot break. nil,
// for the raw generated client and Do, checks every parameter and the
// custom headers of the body's JSON. send fills CaptureResponse and tells
// the observers, whatever the outcome.
func (c *Client) send(ctx context.Context, op *apispec.Operation, req *http.Request, checkBody func() error, opts []CallOption) (*http.Response, error) {
	settings, err := applyOptions(opts)
	if err != nil {
		return nil, fmt.Errorf("partoo: %s %s: request not sent: %w", req.Method, req.URL.Path, err)
	}
	cs := &callState{c: c, op: op, method: req.Method, settings: settings}
	if settings.capture != nil || len(c.cfg.observers) > 0 {
		cs.start = c.now() // the Duration of the Response
	}
	rel, ok := c.relativePath(req.URL)
	if op != nil && ok {
		cs.defaultOrgID(req, op.HasParam("query", "org_id"))
	} else if op == nil {
		cs.defaultOrgID(req, settings.orgID != 0)
	}
	var ends []func(*Response, error)
	for _, o := range c.cfg.observers {
		var end func(*Response, error)
		ctx, end = o.StartCall(ctx, cs.info())
		if end != nil {
			ends = append(ends, end)
		}
	}
	var resp *http.Response
	err = cs.check(req, rel, checkBody)
	if err == nil {
		resp, err = cs.execute(ctx, req)
	}
	if settings.capture != nil || len(ends) > 0 {
		r := cs.response(resp)
		if settings.capture != nil {
			*settings.capture = *r
		}
		for _, end := range ends {
			end(r, err)
		}
	}
	return resp, err
}

// callState is one call in flight.
type callState struct {
	c        *Client
	op       *apispec.Operation // nil for a Do call outside the spec
	method   string
	settings callSettings
	orgID    int       // the org_id sent, 0 when none
	start    time.Time // zero unless a Response is made
	// getBody is the client's own copy of the request body: a request
	// whose method is not idempotent goes to net/http without GetBody,
	// so that net/http cannot send it again on its own.
	getBody func() (io.ReadCloser, error)
	// key is the API key of the latest attempt, kept to replace it in
	// what the server answers (redactKey).
	key string
	// mu guards the counters, which net/http's hooks update too.
	mu sync.Mutex
	// attempts counts the writes of the request: the client's attempts,
	// the redirect hops and the replays net/http was let make. tries
	// counts the writes the retry policy's MaxAttempts bounds: the
	// attempts and the replays.
	attempts, tries int
	// actx is the context of the first attempt, embedded to save an
	// allocation; retries get contexts of their own (see execute).
	actx attemptContext
	// status and header are those of the latest response, 0 and nil
	// before any.
	status int
	header http.Header
}

// now returns the client's time.
func (c *Client) now() time.Time {
	if c.cfg.now != nil {
		return c.cfg.now()
	}
	return time.Now()
}

// defaultOrgID adds the org_id query parameter when the operation has one
// (applies) and the request does not set it, and records the org_id sent.
func (cs *callState) defaultOrgID(req *http.Request, applies bool) {
	if !applies {
		return
	}
	if queryHas(req.URL.RawQuery, "org_id") {
		cs.orgID, _ = strconv.Atoi(urlQuery(req.URL.RawQuery).Get("org_id"))
		return
	}
	id := cs.settings.orgID
	if id == 0 {
		id = cs.c.cfg.orgID
	}
	if id == 0 {
		return
	}
	pair := "org_id=" + strconv.Itoa(id)
	if req.URL.RawQuery == "" {
		req.URL.RawQuery = pair
	} else {
		req.URL.RawQuery += "&" + pair
	}
	cs.orgID = id
}

// queryHas reports whether a raw query sets name.
func queryHas(raw, name string) bool {
	for raw != "" {
		var pair string
		pair, raw, _ = strings.Cut(raw, "&")
		key, _, _ := strings.Cut(pair, "=")
		if key == name {
			return true
		}
		if strings.Contains(key, "%") {
			if k, err := url.QueryUnescape(key); err == nil && k == name {
				return true
			}
		}
	}
	return false
}

// info describes the call to the observers.
func (cs *callState) info() CallInfo {
	ci := CallInfo{Method: cs.method, BaseURL: cs.c.BaseURL(), OrgID: cs.orgID, PathTemplate: cs.settings.pathTemplate}
	if cs.op != nil {
		ci.OperationID, ci.PathTemplate = cs.op.ID, cs.op.Path
	}
	return ci
}

// response returns the metadata of the call's final response.
func (cs *callState) response(resp *http.Response) *Response {
	if resp != nil {
		cs.capture(resp.StatusCode, resp.Header)
	}
	r := &Response{Attempts: cs.attempts, Duration: cs.c.now().Sub(cs.start), StatusCode: cs.status, Header: cs.header}
	if cs.header != nil {
		r.RequestID = requestID(cs.header)
		if cs.status == http.StatusTooManyRequests || cs.status == http.StatusServiceUnavailable {
			r.RetryAfter = parseRetryAfter(cs.header.Get("Retry-After"), cs.c.now())
		}
	}
	return r
}

// relativePath returns the escaped request path relative to the base URL,
// and whether the request is under it.
func (c *Client) relativePath(u *url.URL) (string, bool) {
	return strings.CutPrefix(u.EscapedPath(), c.basePath)
}
