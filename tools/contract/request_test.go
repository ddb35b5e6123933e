//go:build unix

package contract

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/partoo-go/partoo/internal/apispec"
)

// request is a request of one operation, built from the spec's tables.
type request struct {
	// path is the escaped path relative to the base URL.
	path   string
	query  url.Values
	header http.Header
	// body is the body, nil for none: JSON, or of type media when media
	// is set.
	body []byte
	// media is the Content-Type of a body that is not JSON; "" for JSON.
	media string
}

// validRequest builds a valid request of op from the spec: each path
// parameter and each required query or header parameter takes its
// example (the spec's, or one specgen built from its schema); the body is the example of
// the body's schema, or one built by mediaBody for a body that is not JSON.
func validRequest(op *apispec.Operation) (request, error) {
	r := request{path: op.Path, query: url.Values{}, header: http.Header{}}
	for i := range op.Params {
		p := &op.Params[i]
		if p.In != "path" && !p.Required {
			continue
		}
		v, err := paramValue(p)
		if err != nil {
			return r, err
		}
		r = r.with(p, v)
	}
	if op.Body.Schema >= 0 {
		ex := apispec.Schemas[op.Body.Schema].Example
		if ex == "" {
			return r, fmt.Errorf("the request body's schema has no example")
		}
		r.body = []byte(ex)
	}
	if op.Body.Media != "" {
		var err error
		if r.body, r.media, err = mediaBody(&op.Body); err != nil {
			return r, err
		}
	}
	return r, nil
}

// mediaBody builds a valid body that is not JSON and its Content-Type:
// for multipart/form-data, the fields the body's schema requires, a file
// for a binary field and its schema's example for the others;
// for application/x-www-form-urlencoded, the same fields as text; for any
// other type, a few bytes.
func mediaBody(b *apispec.Body) ([]byte, string, error) {
	var form []apispec.Property
	if b.MediaSchema >= 0 {
		s := &apispec.Schemas[b.MediaSchema]
		for _, p := range s.Properties {
			if slices.Contains(s.Required, p.Name) {
				form = append(form, p)
			}
		}
	}
	var buf bytes.Buffer
	switch mt, _, _ := mime.ParseMediaType(b.Media); mt {
	case "multipart/form-data":
		w := multipart.NewWriter(&buf)
		for _, p := range form {
			s := &apispec.Schemas[p.Schema]
			if s.Format == "binary" {
				f, err := w.CreateFormFile(p.Name, p.Name+".bin")
				if err != nil {
					return nil, "", err
				}
				f.Write([]byte("contract"))
				continue
			}
			v, err := fieldValue(p)
			if err != nil {
				return nil, "", err
			}
			if err := w.WriteField(p.Name, v); err != nil {
				return nil, "", err
			}
		}
		if err := w.Close(); err != nil {
			return nil, "", err
		}
		return buf.Bytes(), w.FormDataContentType(), nil
	case "application/x-www-form-urlencoded":
		q := url.Values{}
		for _, p := range form {
			v, err := fieldValue(p)
			if err != nil {
				return nil, "", err
			}
			q.Set(p.Name, v)
		}
		return []byte(q.Encode()), b.Media, nil
	}
	return []byte("contract"), b.Media, nil
}

// with returns r with the parameter p set to v.
func (r request) with(p *apispec.Param, v string) request {
	out := request{path: r.path, query: url.Values{}, header: r.header.Clone(), body: r.body, media: r.media}
	for k, vs := range r.query {
		out.query[k] = vs
	}
	switch p.In {
	case "path":
		out.path = strings.Replace(out.path, "{"+p.Name+"}", url.PathEscape(v), 1)
	case "query":
		out.query.Set(p.Name, v)
	case "header":
		out.header.Set(p.Name, v)
	}
	return out
}

// without returns r without the query or header parameter p.
func (r request) without(p *apispec.Param) request {
	out := r.with(p, "")
	out.query.Del(p.Name)
	out.header.Del(p.Name)
	return out
}

// target is the request's path and query, relative to the base URL.
func (r request) target() string {
	if q := r.query.Encode(); q != "" {
		return r.path + "?" + q
	}
	return r.path
}

// paramValue returns p's example, the valid value specgen writes for it
// (the spec's, or one built from its schema), checked against the schema.
func paramValue(p *apispec.Param) (string, error) {
	if p.Example == "" {
		return "", fmt.Errorf("%s has no example: specgen could build none from its schema", p)
	}
	if vs := apispec.CheckParam(p, []string{p.Example}); len(vs) > 0 {
		return "", fmt.Errorf("%s: its example %q is not valid: %v", p, p.Example, vs[0])
	}
	return p.Example, nil
}

// fieldValue returns the example of a form field's schema as text.
func fieldValue(p apispec.Property) (string, error) {
	if ex := apispec.Schemas[p.Schema].Example; ex != "" {
		return textOf(ex), nil
	}
	return "", fmt.Errorf("the request body's field %q has no example: specgen could build none from its schema", p.Name)
}

// textOf turns the JSON text of a value into the text a parameter
// carries: a string unquoted, an array's elements joined with commas.
func textOf(j string) string {
	var v any
	if json.Unmarshal([]byte(j), &v) != nil {
		return j
	}
	switch x := v.(type) {
	case string:
		return x
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			b, _ := json.Marshal(e)
			parts[i] = textOf(string(b))
		}
		return strings.Join(parts, ",")
	}
	return j
}

// breach is a valid request with one rule of the spec broken.
type breach struct {
	// rule says which, for messages; kind is "parameter", "custom
	// headers" or "body".
	rule, kind string
	req        request
	// local reports that the client checks the rule, so refuses the
	// request before sending it: a parameter or a custom header. The client
	// leaves the rest of the body to the server.
	local bool
}

// Values that break the rules of a parameter, tried in order: the first
// one the parameter's schema refuses is taken.
var badParamValues = []string{"not-a-number", "not-in-the-enum", "\x01 breaks the pattern", "-1", "1e400", strings.Repeat("x", 10_001), "", "2024-13-45"}

// Bodies that break the rules of a request body, tried in order.
var badBodies = []string{`[]`, `"not an object"`, `{}`, `null`}

// breaches returns the ways of breaking one rule of op that the spec's
// tables show, starting from the valid request r: a query or header
// parameter given a value its schema refuses (or left out when it is
// required), a custom header its schema refuses, and a body its schema
// refuses. Path parameters are left alone: a path that breaks them names
// no resource, which Partoo answers 404.
func breaches(op *apispec.Operation, r request) []breach {
	var out []breach
	for i := range op.Params {
		p := &op.Params[i]
		if p.In == "path" {
			continue
		}
		if p.Required && len(apispec.CheckParam(p, nil)) > 0 {
			out = append(out, breach{rule: fmt.Sprintf("%s left out", p), kind: "parameter", req: r.without(p), local: true})
			break
		}
		if v, ok := badParamValue(p); ok {
			out = append(out, breach{rule: fmt.Sprintf("%s=%q", p, v), kind: "parameter", req: r.with(p, v), local: true})
			break
		}
	}
	if b, ok := badCustomHeaders(op, r.body); ok {
		out = append(out, breach{rule: "custom headers " + string(b), kind: "custom headers", req: request{path: r.path, query: r.query, header: r.header, body: b}, local: true})
	}
	if op.Body.Schema >= 0 {
		for _, b := range badBodies {
			if refuses(op.Body.Schema, b) {
				out = append(out, breach{rule: "body " + b, kind: "body", req: request{path: r.path, query: r.query, header: r.header, body: []byte(b)}})
				break
			}
		}
	}
	return out
}

// badParamValue returns the first of badParamValues that p's schema
// refuses.
func badParamValue(p *apispec.Param) (string, bool) {
	for _, v := range badParamValues {
		if p.In == "header" && strings.ContainsRune(v, '\x01') {
			continue // net/http sends no control character in a header
		}
		if len(apispec.CheckParam(p, []string{v})) > 0 {
			return v, true
		}
	}
	return "", false
}

// Names tried for a custom header that breaks its rules; the first the
// CustomHeaders schema refuses is taken, after one built from the
// pattern's reserved prefix.
var badHeaderNames = []string{"No-Prefix", "X-Bad Name", "X-Bad:Name"}

// badCustomHeaders returns body, the valid body of op, with a custom
// header its schema refuses added at the first place where the body holds
// custom headers.
func badCustomHeaders(op *apispec.Operation, body []byte) ([]byte, bool) {
	if apispec.CustomHeaders < 0 || body == nil {
		return nil, false
	}
	names := badHeaderNames
	for _, p := range apispec.Patterns {
		if h := p.Hints; h.Reserved != "" {
			names = append([]string{h.Prefix + h.Reserved + "-Contract"}, names...)
		}
	}
	name := ""
	for _, n := range names {
		if refuses(apispec.CustomHeaders, fmt.Sprintf(`{%q: "v"}`, n)) {
			name = n
			break
		}
	}
	if name == "" {
		return nil, false
	}
	doc, err := decode(body)
	if err != nil {
		return nil, false
	}
	done := false
	for _, loc := range op.CustomHeadersAt {
		last := loc[len(loc)-1]
		if last.Each {
			continue
		}
		// The headers go into the object that holds them, which the
		// example may leave out.
		loc[:len(loc)-1].Visit(doc, func(_ string, v any) {
			parent, ok := v.(map[string]any)
			if !ok || done {
				return
			}
			h, ok := parent[last.Name].(map[string]any)
			if !ok {
				h = map[string]any{}
				parent[last.Name] = h
			}
			h[name], done = "v", true
		})
	}
	if !done {
		return nil, false
	}
	b, err := json.Marshal(doc)
	return b, err == nil
}

// refuses reports whether the JSON text j breaks the schema of index
// schema.
func refuses(schema int, j string) bool {
	v, err := decode([]byte(j))
	return err == nil && len(apispec.Validator{}.Validate(schema, v, "")) > 0
}

// decode decodes JSON as the validator takes it, numbers as json.Number.
func decode(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	err := dec.Decode(&v)
	return v, err
}

// conforms returns why body is not valid against the schema of index
// schema, or nil; NoSchema accepts anything.
func conforms(schema int, body []byte) error {
	if schema < 0 {
		return nil
	}
	v, err := decode(body)
	if err != nil {
		return fmt.Errorf("the body is not JSON: %v: %q", err, body)
	}
	if vs := (apispec.Validator{}).Validate(schema, v, ""); len(vs) > 0 {
		return fmt.Errorf("the body breaks its schema: %v: %s", vs[0], body)
	}
	return nil
}

// errorSchema returns the schema op declares for the error status, and
// whether it declares the status.
func errorSchema(op *apispec.Operation, status int) (int, bool) {
	for k, s := range op.Errors {
		if s == status {
			return op.ErrorSchemas[k], true
		}
	}
	return apispec.NoSchema, false
}

// maxDouble is the largest integer that an IEEE double, a JavaScript
// number, holds exactly: 2^53-1.
var maxDouble = big.NewInt(1<<53 - 1)

// beyondDoubles reports whether r, or the example of op's success answer,
// holds an integer beyond maxDouble: in a path segment, a query value or a
// JSON number.
func beyondDoubles(op *apispec.Operation, r request) bool {
	texts := strings.Split(r.path, "/")
	for _, vs := range r.query {
		texts = append(texts, vs...)
	}
	for _, text := range texts {
		if isBeyondDoubles(text) {
			return true
		}
	}
	return r.media == "" && jsonBeyondDoubles(r.body) ||
		op.Success.Media == "" && jsonBeyondDoubles([]byte(op.Success.Example))
}

// isBeyondDoubles reports whether text is an integer beyond maxDouble.
func isBeyondDoubles(text string) bool {
	n, ok := new(big.Int).SetString(text, 10)
	return ok && n.CmpAbs(maxDouble) > 0
}

// jsonBeyondDoubles reports whether the JSON text b holds an integer
// beyond maxDouble; b that is not JSON holds none.
func jsonBeyondDoubles(b []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	for {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		if n, ok := tok.(json.Number); ok && isBeyondDoubles(n.String()) {
			return true
		}
	}
}
