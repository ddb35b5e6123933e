package partoo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/partoo-go/partoo/internal/apispec"
)

// A call's path through the client, top to bottom: an entry (a generated
// helper's call, the raw generated client's rawDoer, or Client.Do in
// do.go) hands the request to send, which defaults its org_id and checks
// it against the spec (checkAndExecute); execute (transport.go) runs the
// attempts; call decodes the answer.

// call runs a helper's call and decodes the 2xx body into out (nil when
// the operation answers no body; a *[]byte takes a body that is not JSON
// as it is, and its request then accepts any media type unless it says
// otherwise). check is what the helper's check of its body's custom
// headers found.
func (c *Client) call(ctx context.Context, op *apispec.Operation, req *http.Request, buildErr, check error, out any, opts []CallOption) error {
	if buildErr != nil {
		return fmt.Errorf("partoo: %s %s: build the request: %w", op.Method, c.basePath+op.Path, buildErr)
	}
	if _, raw := out.(*[]byte); raw && req.Header.Get("Accept") == "" {
		req.Header.Set("Accept", "*/*") // not the client's default, application/json
	}
	resp, err := c.send(ctx, op, req, bodyCheck{typed: true, err: check}, opts)
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
	return d.c.send(req.Context(), op, req, bodyCheck{}, nil)
}

// bodyCheck says which check of a request's custom headers was done before
// send, and what it found. A generated helper builds its request from Go
// values of the parameters' types and checks the custom headers of its
// body before send (on the typed body, or on its JSON when the types
// cannot be walked): typed is set and err is the result. The zero value,
// for the raw generated client and Do, says nothing was checked: send
// checks every parameter and the custom headers of the body's JSON.
type bodyCheck struct {
	typed bool
	err   error
}

// send runs one call of the operation op (nil for a [Client.Do] call on a
// path the spec lacks): the checks before anything is sent, the org_id
// default, then the attempts. done is the check of the custom headers done
// before (see bodyCheck), which decides the checks left to do. It fills
// CaptureResponse and tells the observers, whatever the outcome.
func (c *Client) send(ctx context.Context, op *apispec.Operation, req *http.Request, done bodyCheck, opts []CallOption) (*http.Response, error) {
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
	resp, err := cs.checkAndExecute(ctx, req, rel, done)
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

// defaultOrgID adds the org_id query parameter when the operation has one
// (applies) and the request does not set it, and records the org_id sent.
func (cs *callState) defaultOrgID(req *http.Request, applies bool) {
	if !applies {
		return
	}
	if queryHas(req.URL.RawQuery, "org_id") {
		cs.orgID = queryInt(req.URL.RawQuery, "org_id")
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

// checkAndExecute refuses a request that breaks the spec, then sends it:
// the violations a helper found in its body, its parameters (only those a
// typed Go value can break when a helper built them), and the custom
// headers of a body nobody checked before.
func (cs *callState) checkAndExecute(ctx context.Context, req *http.Request, rel string, done bodyCheck) (*http.Response, error) {
	if done.err != nil {
		return nil, done.err
	}
	if op := cs.op; op != nil {
		if err := checkParams(op, req, rel, done.typed); err != nil {
			return nil, err
		}
		if !done.typed {
			if err := cs.c.checkBodyJSON(op, req); err != nil {
				return nil, err
			}
		}
	}
	return cs.execute(ctx, req)
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

// errNoBody is returned by Do for a body of a type it cannot send.
var errNoBody = errors.New("partoo: Do: the body is not valid JSON")
