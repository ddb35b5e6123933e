package partoo

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/partoo-go/partoo/internal/apispec"
)

// ErrInvalidRequest matches every error of a request that the client
// refused to send because it breaks the spec: a [*ValidationError] (a
// parameter) or a [*CustomHeaderError] (custom headers). Nothing was sent.
var ErrInvalidRequest = errors.New("partoo: invalid request")

// ValidationError is one way a request breaks its operation's parameters
// as the spec states them (type, range, enum, pattern, length, required).
// The client checks the parameters of every operation, and the custom
// headers of every request body ([ValidateCustomHeaders]), before anything
// is sent; the fake server (package partootest) and Partoo check the rest
// of the body. Match it with errors.Is(err, [ErrInvalidRequest]).
type ValidationError struct {
	// Operation is the operationId.
	Operation string
	// Param names the parameter, such as "per_page", or "business_ids[1]"
	// for an element of an array; In is its location: "path", "query" or
	// "header".
	Param, In string
	// Rule is the JSON Schema keyword broken: "type", "enum", "minimum",
	// "maximum", "pattern", "maxLength", "required", ...
	Rule string
	// Reason says what is wrong; it quotes the value given.
	Reason string
}

// Error returns the operation, the parameter and the reason, such as
// `getWebhookList: query parameter per_page: Must be greater than or equal
// to 1 and less than or equal to 100, got 500.` The error of the call wraps
// it after the request's method and path: `partoo: GET /v2/webhooks:
// request not sent: getWebhookList: query parameter per_page: Must be
// greater than or equal to 1 and less than or equal to 100, got 500.`
func (e *ValidationError) Error() string {
	return fmt.Sprintf("%s: %s parameter %s: %s", e.Operation, e.In, e.Param, e.Reason)
}

// Is reports whether target is [ErrInvalidRequest].
func (e *ValidationError) Is(target error) bool { return target == ErrInvalidRequest }

// check is the checks stage of a call: it refuses a request that breaks
// the spec, before anything is sent. checkBody is the check a generated
// helper wrote for its body's Go type, or nil for a request built without
// Go types (see send): every parameter and the custom headers of the
// body's JSON are then checked. A Do call outside the spec has nothing to
// check.
func (cs *callState) check(req *http.Request, rel string, checkBody func() error) error {
	op := cs.op
	switch {
	case op == nil:
		return nil
	case checkBody == nil:
		if err := checkParams(op, req, rel, nil); err != nil {
			return err
		}
		return cs.c.checkBodyJSON(op, req)
	}
	if err := checkBody(); err != nil {
		return err
	}
	return checkParams(op, req, rel, skipTypeOnly)
}

// checkParams checks the path and query parameters of req against op.
// rel is the request path relative to the base URL (escaped). skip, when
// not nil, leaves out the parameters it reports.
func checkParams(op *apispec.Operation, req *http.Request, rel string, skip func(*apispec.Param) bool) error {
	vs := op.CheckParams(rel, func(name string) []string { return queryValues(req.URL.RawQuery, name) }, req.Header.Values, skip)
	if len(vs) == 0 {
		return nil
	}
	errs := make([]error, len(vs))
	for i, v := range vs {
		errs[i] = &ValidationError{Operation: op.ID, Param: v.Location, In: v.Param.In, Rule: v.Keyword, Reason: v.Message}
	}
	return fmt.Errorf("partoo: %s %s: request not sent: %w", req.Method, req.URL.Path, errors.Join(errs...))
}

// skipTypeOnly reports the parameters that a Go value of their type
// cannot break: path parameters and optional ones whose schema sets
// nothing but the type.
func skipTypeOnly(p *apispec.Param) bool {
	return (p.In == "path" || !p.Required) && !apispec.Schemas[p.Schema].Constrained()
}

// queryValues returns the values of name in a raw query, without
// allocating when the name is plainly absent: when it does not appear and
// no escape could spell it (per%5Fpage is per_page).
func queryValues(raw, name string) []string {
	if !strings.Contains(raw, name) && !strings.Contains(raw, "%") {
		return nil
	}
	return urlQuery(raw)[name]
}

func urlQuery(raw string) url.Values {
	q, _ := url.ParseQuery(raw)
	return q
}

// checkBodyJSON checks the custom headers of a request body, read from its
// JSON, at every location op.CustomHeadersAt names. It reads the body
// through GetBody; a body without GetBody (a raw ...WithBody call given a
// plain io.Reader) is read into memory and put back, with GetBody set, so
// that it can still be sent and replayed.
func (c *Client) checkBodyJSON(op *apispec.Operation, req *http.Request) error {
	if len(op.CustomHeadersAt) == 0 || req == nil || req.Body == nil || req.Body == http.NoBody {
		return nil
	}
	body, err := snapshotBody(req)
	if err != nil {
		return fmt.Errorf("partoo: %s %s: read the request body to check its custom headers: %w", req.Method, req.URL.Path, err)
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber() // 1e400 is valid JSON, out of float64's range
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return fmt.Errorf("partoo: %s %s: %w: the request body is not valid JSON, so its custom headers cannot be checked; request not sent: %w",
			req.Method, req.URL.Path, ErrInvalidRequest, err)
	}
	hc := c.headerCheck()
	for _, loc := range op.CustomHeadersAt {
		loc.Visit(doc, func(where string, value any) {
			hc.errs = hc.v.CheckHeaders(where, value, hc.errs)
		})
	}
	return hc.err(op, req)
}

// snapshotBody returns the request body without consuming it.
func snapshotBody(req *http.Request) ([]byte, error) {
	if req.GetBody != nil {
		rc, err := req.GetBody()
		if err != nil {
			return nil, err
		}
		defer rc.Close()
		return io.ReadAll(rc)
	}
	body, err := io.ReadAll(req.Body)
	req.Body.Close()
	if err != nil {
		return nil, err
	}
	req.Body = io.NopCloser(bytes.NewReader(body))
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	req.ContentLength = int64(len(body))
	return body, nil
}
