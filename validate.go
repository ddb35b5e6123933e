package partoo

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// validateRequest checks an outgoing request body against the spec's
// constraints before any byte leaves. op is the request's operation (nil
// when the request matches none). For every location where the spec puts a
// CustomHeaders object in the operation's JSON body (generated into
// gen.OperationInfo.CustomHeadersAt), the decoded body is checked with the
// same rules as [ValidateCustomHeaders]; any violation stops the request.
//
// The body is read through req.GetBody, which the generated client sets. A
// body without GetBody (a raw ...WithBody call given a plain io.Reader) is
// read into memory and put back, with GetBody set, so that it can still be
// sent and replayed.
func validateRequest(req *http.Request, op *operationRoute) error {
	if op == nil || len(op.info.CustomHeadersAt) == 0 || req.Body == nil || req.Body == http.NoBody {
		return nil
	}
	body, err := snapshotBody(req)
	if err != nil {
		return fmt.Errorf("partoo: %s %s: read the request body to check its custom headers: %w", req.Method, req.URL.Path, err)
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	var doc any
	if err := json.Unmarshal(body, &doc); err != nil {
		return fmt.Errorf("partoo: %s %s: the request body is not valid JSON, so its custom headers cannot be checked; request not sent: %w",
			req.Method, req.URL.Path, err)
	}
	v := defaultHeaderValidator()
	var errs []*CustomHeaderError
	for _, loc := range op.info.CustomHeadersAt {
		steps, err := parseLocation(loc)
		if err != nil {
			return fmt.Errorf("partoo: %s %s: %w", req.Method, req.URL.Path, err)
		}
		visit(doc, steps, "", func(where string, value any) {
			errs = append(errs, v.validateJSON(where, value)...)
		})
	}
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("partoo: %s %s: invalid custom headers, request not sent:\n%w", req.Method, req.URL.Path, joinHeaderErrors(errs))
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

// step is one part of a location: a property name, or every element of an
// array when wildcard is set.
type step struct {
	name     string
	wildcard bool
}

// parseLocation reads the location syntax of gen.OperationInfo.CustomHeadersAt:
// property names joined by ".", "[*]" for every array element, "" for the
// body itself.
func parseLocation(loc string) ([]step, error) {
	if loc == "" {
		return nil, nil
	}
	var steps []step
	for _, part := range strings.Split(loc, ".") {
		name, rest, _ := strings.Cut(part, "[")
		if rest != "" {
			rest = "[" + rest
		}
		if name != "" {
			steps = append(steps, step{name: name})
		}
		for rest != "" {
			var ok bool
			if rest, ok = strings.CutPrefix(rest, "[*]"); !ok {
				return nil, fmt.Errorf("invalid custom headers location %q in the generated operation table", loc)
			}
			steps = append(steps, step{wildcard: true})
		}
		if name == "" && !strings.HasPrefix(part, "[") {
			return nil, fmt.Errorf("invalid custom headers location %q in the generated operation table", loc)
		}
	}
	return steps, nil
}

// visit calls fn with every value found at steps in doc, and its concrete
// location such as "items[0].custom_headers". Parts of the body that are
// absent or of another JSON type are skipped: those are not this check's
// rules.
func visit(doc any, steps []step, where string, fn func(string, any)) {
	if len(steps) == 0 {
		fn(where, doc)
		return
	}
	s := steps[0]
	if s.wildcard {
		arr, ok := doc.([]any)
		if !ok {
			return
		}
		for i, el := range arr {
			visit(el, steps[1:], where+"["+strconv.Itoa(i)+"]", fn)
		}
		return
	}
	obj, ok := doc.(map[string]any)
	if !ok {
		return
	}
	child, ok := obj[s.name]
	if !ok {
		return
	}
	if where != "" {
		where += "."
	}
	visit(child, steps[1:], where+s.name, fn)
}
