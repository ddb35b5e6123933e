package partoo

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"

	"github.com/partoo-go/partoo/internal/apispec"
	"github.com/partoo-go/partoo/internal/pathtemplate"
)

// Do sends a JSON request to an endpoint the spec lacks (or to any
// endpoint, bypassing the helpers), through exactly the same pipeline as
// the generated operations: the base URL, the API key, the User-Agent,
// retries by method (a POST is never sent again once it may have left),
// rate limiting, logging, size limits, and an [*APIError] for every
// non-2xx answer.
//
// path is relative to the base URL, such as "/business/123/photos" or
// "business/123/photos", escaped; it goes on the wire in the normal form
// of RFC 3986, its percent-encoded unreserved characters decoded
// ("%77ebhooks" is "webhooks"), so that an operation of the spec is
// recognised however it is spelled. An absolute URL, a query or fragment,
// a dot segment (".."), an encoded slash ("%2F") or an empty segment
// ("//") is refused before anything is sent: a call cannot leave the base
// URL, nor slip past the rules of an operation. query is added as the query
// string (nil for none). body is sent as JSON: nil sends no body, a
// json.RawMessage or []byte is sent as is (it must be valid JSON), any
// other value is encoded with encoding/json. out receives the JSON answer:
// nil discards it, a *json.RawMessage receives its bytes, any other pointer
// is decoded into with encoding/json (a 2xx answer that does not decode is
// a [*DecodeError]).
//
// When method and path match an operation of the spec, Do applies its
// rules as the helper would: its parameters and custom headers are checked
// before sending, and the client's org_id ([WithOrgID]) is added when the
// operation has an org_id query parameter. [WithCallOrgID] adds org_id to
// any Do call. Name the path template of a call outside the spec with
// [WithPathTemplate] for observers.
func (c *Client) Do(ctx context.Context, method, path string, query url.Values, body, out any, opts ...CallOption) error {
	if !apispec.ValidHeaderName(method) {
		return fmt.Errorf("partoo: Do: %q is not an HTTP method", method)
	}
	if out != nil {
		// Checked before anything is sent: a POST cannot be sent again
		// to fix it.
		if v := reflect.ValueOf(out); v.Kind() != reflect.Pointer || v.IsNil() {
			return fmt.Errorf("partoo: Do: out must be nil or a non-nil pointer, not %T", out)
		}
	}
	escaped, err := checkDoPath(path)
	if err != nil {
		return err
	}
	// The base URL ends with a slash; both paths are kept as escaped.
	target := c.cfg.baseURL.String() + strings.TrimPrefix(escaped, "/")
	if q := query.Encode(); q != "" {
		target += "?" + q
	}

	var reader io.Reader
	switch b := body.(type) {
	case nil:
	case json.RawMessage:
		if !json.Valid(b) {
			return fmt.Errorf("%w: %s %s", errNoBody, method, path)
		}
		reader = bytes.NewReader(b)
	case []byte:
		if !json.Valid(b) {
			return fmt.Errorf("%w: %s %s", errNoBody, method, path)
		}
		reader = bytes.NewReader(b)
	default:
		enc, err := json.Marshal(body)
		if err != nil {
			return fmt.Errorf("partoo: Do: %s %s: encode the body: %w", method, path, err)
		}
		reader = bytes.NewReader(enc)
	}
	req, err := http.NewRequest(method, target, reader)
	if err != nil {
		return fmt.Errorf("partoo: Do: %w", err)
	}
	if reader != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	rel, _ := c.relativePath(req.URL)
	op := operation(method, rel)
	resp, err := c.send(ctx, op, req, nil, opts)
	if err != nil {
		return err
	}
	b := bodyBytes(resp)
	switch o := out.(type) {
	case nil:
		return nil
	case *json.RawMessage:
		*o = append((*o)[:0], b...)
		return nil
	}
	if len(bytes.TrimSpace(b)) == 0 && resp.StatusCode == http.StatusNoContent {
		return nil
	}
	if err := json.Unmarshal(b, out); err != nil {
		return &DecodeError{Method: method, Path: req.URL.Path, StatusCode: resp.StatusCode, Err: err}
	}
	return nil
}

// errNoBody is returned by Do for a body of a type it cannot send.
var errNoBody = errors.New("partoo: Do: the body is not valid JSON")

// checkDoPath parses the path of a Do call and refuses one that could
// leave the base URL.
func checkDoPath(path string) (string, error) {
	ref, err := url.Parse(path)
	if err != nil {
		return "", fmt.Errorf("partoo: Do: invalid path %q: %w", path, err)
	}
	switch {
	case ref.Scheme != "" || ref.Host != "" || ref.User != nil || strings.HasPrefix(path, "//"):
		return "", fmt.Errorf("partoo: Do: the path %q is absolute; give a path relative to the base URL", path)
	case ref.RawQuery != "" || ref.ForceQuery || ref.Fragment != "" || strings.ContainsAny(path, "?#"):
		return "", fmt.Errorf("partoo: Do: the path %q has a query or fragment; pass the query as url.Values", path)
	case strings.Contains(strings.ToLower(path), "%2e"):
		return "", fmt.Errorf("partoo: Do: the path %q has an escaped dot", path)
	}
	for _, seg := range strings.Split(strings.TrimPrefix(ref.Path, "/"), "/") {
		if seg == "." || seg == ".." {
			return "", fmt.Errorf("partoo: Do: the path %q has a dot segment; it must stay under the base URL", path)
		}
	}
	if strings.Trim(ref.Path, "/") == "" {
		return "", fmt.Errorf("partoo: Do: the path %q names no endpoint", path)
	}
	// The normal form (RFC 3986, 6.2.2): %77ebhooks is webhooks, so that
	// the operation's rules apply however the path is spelled.
	norm, encodedSlash, emptySegment := pathtemplate.Normalize(ref.EscapedPath())
	switch {
	case encodedSlash:
		return "", fmt.Errorf("partoo: Do: the path %q has an encoded slash (%%2F); a segment cannot hold a slash", path)
	case emptySegment:
		return "", fmt.Errorf("partoo: Do: the path %q has an empty segment (//)", path)
	}
	return norm, nil
}
