package partootest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/partoo-go/partoo"
	"github.com/partoo-go/partoo/internal/apispec"
	"github.com/partoo-go/partoo/internal/pathtemplate"
)

// The engine serves the operations of the spec's tables: the checks every
// operation shares, then the operation's behaviour. Nothing here is written
// for one operation.

// handler is an operation's behaviour. It runs after every check passed.
type handler func(s *Server, c *call) *response

// engine holds the operations the server serves, each with its behaviour.
type engine struct {
	ops       []apispec.Operation
	tbl       schemaTable // the schemas ops point into
	validator apispec.Validator
	behaviors []Behavior
	handlers  []handler
	rules     bool // the rules Partoo documents beyond the spec apply
}

// newEngine assigns a behaviour to every operation: its own handler when
// rules is true and it has one ([Override]), else the stateful behaviour
// of its resource family, else its example. The operations point into
// schemas, or into the spec's tables when schemas is nil.
func newEngine(ops []apispec.Operation, rules bool, schemas []apispec.Schema) *engine {
	e := &engine{ops: ops, tbl: apispec.Schemas[:], validator: validator, behaviors: make([]Behavior, len(ops)), handlers: make([]handler, len(ops)), rules: rules}
	if schemas != nil {
		e.tbl, e.validator = schemas, apispec.Validator{Schemas: schemas, Request: true}
	}
	for i := range ops {
		op := &ops[i]
		h, ok := operationRules[op.ID]
		switch {
		case rules && ok:
			e.behaviors[i], e.handlers[i] = Override, h
		case op.Success.Media != "":
			e.behaviors[i], e.handlers[i] = Example, mediaExample
		case op.Resource.Role != apispec.NoRole:
			e.behaviors[i], e.handlers[i] = Stateful, (*Server).stateful
		default:
			e.behaviors[i], e.handlers[i] = Example, (*Server).example
		}
	}
	return e
}

// operation returns the operation id, or nil when the engine does not
// serve it.
func (e *engine) operation(id string) *apispec.Operation {
	if e == nil {
		return nil
	}
	for i := range e.ops {
		if e.ops[i].ID == id {
			return &e.ops[i]
		}
	}
	return nil
}

// handler returns the behaviour of op, one of e.ops.
func (e *engine) handler(op *apispec.Operation) handler {
	for i := range e.ops {
		if &e.ops[i] == op {
			return e.handlers[i]
		}
	}
	return (*Server).example
}

// mediaExample answers a success body that is not JSON (a CSV file) with
// the spec's example of it.
func mediaExample(_ *Server, c *call) *response {
	resp := jsonResponse(successStatus(c.op), []byte(c.op.Success.Example))
	resp.header.Set("Content-Type", c.op.Success.Media)
	return resp
}

// call is one request to an operation, once the checks passed.
type call struct {
	op    *apispec.Operation
	r     *http.Request
	rel   string // the escaped path relative to the base path
	org   int    // the organization the call acts on
	query url.Values
	body  []byte
	doc   any // the decoded body (numbers as json.Number); nil when none
}

// pathParam returns the unescaped value of the path parameter name.
func (c *call) pathParam(name string) string {
	v, _ := c.op.PathParam(c.rel, name)
	return v
}

// handle runs the checks every operation shares, in the order a client
// meets them (route, authentication, body size, media type, parameters,
// organization, body), then the operation's behaviour, and returns the
// response.
func (s *Server) handle(r *http.Request, body []byte, readErr error) (resp *response) {
	var matched *apispec.Operation
	defer func() {
		if matched != nil {
			resp = declared(matched, resp)
		}
	}()
	e := s.engine
	rel, ok := strings.CutPrefix(r.URL.EscapedPath(), s.basePath)
	if !ok || !strings.HasPrefix(rel, "/") {
		return specError(http.StatusNotFound)
	}
	// Percent-encoded unreserved characters are the characters (RFC 3986,
	// 6.2.2.2: %77ebhooks is webhooks), so the operation's checks apply
	// however the client spells its path. An encoded slash stays inside
	// its segment and an empty segment is kept, so neither names an
	// operation: both are the spec's 404, and the client refuses them.
	rel, _, _ = pathtemplate.Normalize(rel)
	op := apispec.Route(e.ops, r.Method, rel)
	if op == nil {
		allowed := apispec.Allowed(e.ops, rel)
		if len(allowed) == 0 {
			return specError(http.StatusNotFound)
		}
		resp := messageError(http.StatusMethodNotAllowed, fmt.Sprintf("Method %s not allowed: use %s.", r.Method, strings.Join(allowed, ", ")))
		resp.header.Set("Allow", strings.Join(allowed, ", "))
		return resp
	}
	matched = op

	s.mu.Lock()
	key, known := s.keys[r.Header.Get(partoo.APIKeyHeader)]
	s.mu.Unlock()
	if !known {
		return specError(http.StatusUnauthorized)
	}
	if readErr != nil {
		return readError(readErr)
	}
	hasBody := op.Body.Schema != apispec.NoSchema
	if hasBody && (len(body) > 0 || op.Body.Required) {
		mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if err != nil || mt != "application/json" {
			return specError(http.StatusUnsupportedMediaType)
		}
	}
	query := r.URL.Query()
	var errs FieldErrors
	for _, v := range op.CheckParams(rel, func(name string) []string { return query[name] }, r.Header.Values, nil) {
		errs = errs.add(v.Location, v.Message)
	}
	if len(errs) > 0 {
		switch {
		case errs.only(op, "path") && slices.Contains(op.Errors, http.StatusNotFound):
			// A path that names no resource, whatever the reason: the
			// spec's 404, as for an id that names nothing.
			return specError(http.StatusNotFound)
		case errs.only(op, "org_id"):
			return declared(op, badRequest(errs), http.StatusBadRequest, http.StatusForbidden)
		}
		return badRequest(errs)
	}
	org, status, errs := resolveOrg(op, key, query)
	switch {
	case len(errs) > 0:
		return declared(op, badRequest(errs), http.StatusBadRequest, http.StatusForbidden)
	case status != 0:
		return specError(status)
	}
	if resp := s.takeQuota(org); resp != nil {
		return resp
	}
	c := &call{op: op, r: r, rel: rel, org: org, query: query, body: body}
	if hasBody {
		doc, errs := checkBody(e.validator, op, body)
		if len(errs) > 0 {
			return badRequest(errs)
		}
		c.doc = doc
	}
	return e.handler(op)(s, c)
}

// closest lists, for each error status the fake may meet, the statuses
// that say nearly the same, in order: what the fake answers instead on an
// operation that does not declare it.
var closest = map[int][]int{
	http.StatusBadRequest:           {http.StatusNotFound, http.StatusForbidden},
	http.StatusUnauthorized:         {http.StatusForbidden},
	http.StatusForbidden:            {http.StatusNotFound, http.StatusUnauthorized},
	http.StatusNotFound:             {http.StatusForbidden, http.StatusBadRequest},
	http.StatusUnsupportedMediaType: {http.StatusBadRequest},
}

// declared returns resp when op declares its status; otherwise the answer
// of the first status in prefer, then in closest, then among its 4xx, that
// op declares, in the shape of the spec's body for it and with resp's
// reason. So an
// operation answers only what the spec says it may, and a client
// generated from the spec has a case for every answer. An operation that
// declares no 4xx keeps the status. 408, 413, 429 and 5xx are
// kept too: a server's front end answers them for any operation (Partoo
// documents 429 with Retry-After for all, [WithQuota]).
func declared(op *apispec.Operation, resp *response, prefer ...int) *response {
	st := resp.status
	switch {
	case st < 400, st >= 500, st == http.StatusTooManyRequests, st == http.StatusRequestTimeout, st == http.StatusRequestEntityTooLarge:
		return resp
	}
	if len(prefer) == 0 && slices.Contains(op.Errors, st) {
		return resp
	}
	// Then any 4xx the operation declares, in its order: a client
	// generated from the spec has a case for it.
	var declared4xx []int
	for _, e := range op.Errors {
		if e >= 400 && e <= 499 && e != http.StatusTooManyRequests {
			declared4xx = append(declared4xx, e)
		}
	}
	for _, alt := range append(append(prefer, closest[st]...), declared4xx...) {
		switch {
		case !slices.Contains(op.Errors, alt):
		case alt == st:
			return resp
		case resp.reason == "":
			return specError(alt)
		case alt == http.StatusBadRequest:
			return badRequest(FieldErrors{"body": {resp.reason}})
		default:
			out := shapedError(alt, alt, resp.reason)
			out.reason = resp.reason
			return out
		}
	}
	return resp
}

// readError answers a body that could not be read: too large (413), not
// received in time (408), or broken (400).
func readError(err error) *response {
	var tooBig *http.MaxBytesError
	var netErr net.Error
	switch {
	case errors.As(err, &tooBig):
		return messageError(http.StatusRequestEntityTooLarge, fmt.Sprintf("Request body too large: at most %d bytes.", tooBig.Limit))
	case errors.As(err, &netErr) && netErr.Timeout():
		resp := messageError(http.StatusRequestTimeout, "Request body not received in time.")
		resp.header.Set("Connection", "close")
		return resp
	}
	return badRequest(FieldErrors{"body": {"The body could not be read: " + err.Error()}})
}

// resolveOrg returns the organization a call acts on, or why it may not:
// a 400 on org_id when a PROVIDER key gives none, a 403 when the key may
// not act on the org_id given (or a PROVIDER key calls an operation
// without org_id).
func resolveOrg(op *apispec.Operation, key keyInfo, query url.Values) (int, int, FieldErrors) {
	declared := op.HasParam("query", "org_id")
	raw, given := query["org_id"]
	if !declared || !given {
		switch {
		case !key.provider:
			return key.orgs[0], 0, nil
		case !declared:
			return 0, http.StatusForbidden, nil
		}
		return 0, 0, FieldErrors{"org_id": {"Missing data for required field: a PROVIDER key must give the organization it acts on."}}
	}
	org, err := strconv.Atoi(raw[0])
	if err == nil && slices.Contains(key.orgs, org) {
		return org, 0, nil
	}
	return 0, http.StatusForbidden, nil
}

// checkBody decodes a JSON body and checks it against op's schema with
// val (validator: the spec's, with the custom headers checked by the
// client's rules).
func checkBody(val apispec.Validator, op *apispec.Operation, body []byte) (any, FieldErrors) {
	if len(bytes.TrimSpace(body)) == 0 {
		if op.Body.Required {
			return nil, FieldErrors{"body": {"Missing data for required field: the request body is empty."}}
		}
		return nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	doc, err := decodeValue(dec, 0)
	if err != nil {
		return nil, FieldErrors{"body": {"Invalid JSON: " + err.Error()}}
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, FieldErrors{"body": {"Invalid JSON: data after the top-level value."}}
	}
	var errs FieldErrors
	for _, v := range val.Validate(op.Body.Schema, doc, "") {
		errs = errs.add(v.Location, v.Message)
	}
	return doc, errs
}

// maxBodyDepth is the deepest nesting of a request body the fake reads.
const maxBodyDepth = 64

// decodeValue reads one JSON value from dec, which uses json.Number: the
// body is decoded once, and this very value is validated and stored. A
// key repeated in one object is an error: encoding/json would keep the
// last one silently (and a struct would take "URL" for "url"), so a
// document could pass validation with one value and be read with another.
func decodeValue(dec *json.Decoder, depth int) (any, error) {
	if depth > maxBodyDepth {
		return nil, fmt.Errorf("nested deeper than %d levels", maxBodyDepth)
	}
	t, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t {
	case json.Delim('{'):
		obj := map[string]any{}
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return nil, err
			}
			key, _ := kt.(string)
			if _, dup := obj[key]; dup {
				return nil, fmt.Errorf("the key %q appears twice in one object", key)
			}
			v, err := decodeValue(dec, depth+1)
			if err != nil {
				return nil, err
			}
			obj[key] = v
		}
		_, err := dec.Token() // }
		return obj, err
	case json.Delim('['):
		arr := []any{}
		for dec.More() {
			v, err := decodeValue(dec, depth+1)
			if err != nil {
				return nil, err
			}
			arr = append(arr, v)
		}
		_, err := dec.Token() // ]
		return arr, err
	}
	return t, nil
}

// validator checks request bodies: the spec's keywords, except for custom
// headers, which get the client's rules, the HTTP rule included
// (partoo.ValidateCustomHeaders and partoo.CheckDeliverable): the fake
// refuses what the client refuses, every violation at once, in the same
// words, never quoting a header value.
var validator = apispec.Validator{HeaderRules: true, Deliverable: true, Request: true}

// FieldErrors is a request the API refuses with 400, as the spec's 400 body
// holds it ({"error": {"json": {field: [messages]}}}): the messages by
// field, located as in the request body ("items[1].event_type", "body" for
// the body as a whole) or named after a parameter ("per_page").
// [Server.CreateWebhooks] returns it; inspect it with errors.As. Messages
// never show custom header values.
type FieldErrors map[string][]string

// only reports whether every field of e is a parameter of op: one in the
// location in ("path", "query", "header"), or one named in.
func (e FieldErrors) only(op *apispec.Operation, in string) bool {
	for field := range e {
		name, _, _ := strings.Cut(field, "[")
		found := false
		for _, p := range op.Params {
			if p.Name == name && (p.In == in || p.Name == in) {
				found = true
			}
		}
		if !found {
			return false
		}
	}
	return len(e) > 0
}

// Error returns every message as "field: message", sorted by field and
// joined with "; ".
func (e FieldErrors) Error() string {
	var parts []string
	for _, field := range sortedKeys(e) {
		for _, msg := range e[field] {
			parts = append(parts, field+": "+msg)
		}
	}
	return strings.Join(parts, "; ")
}

// add appends msg to the messages of field ("" is the body) and returns
// e, allocated on first use.
func (e FieldErrors) add(field, msg string) FieldErrors {
	if e == nil {
		e = FieldErrors{}
	}
	if field == "" {
		field = "body"
	}
	e[field] = append(e[field], msg)
	return e
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// badRequest is a 400 in the spec's shape.
func badRequest(errs FieldErrors) *response {
	resp := jsonResponse(http.StatusBadRequest, badRequestBody(errs))
	resp.reason = errs.Error()
	return resp
}

// badRequestBody builds the spec's 400 body around errs: the field
// messages go into the innermost empty object of the spec's body,
// {"error": {"json": {}}}.
func badRequestBody(errs FieldErrors) []byte {
	inner := map[string]any{}
	for k, msgs := range errs {
		inner[k] = msgs
	}
	var v map[string]any
	if tmpl, ok := errorBody(http.StatusBadRequest); !ok || json.Unmarshal(tmpl, &v) != nil || !fillInnermost(v, inner) {
		v = map[string]any{"error": map[string]any{"json": inner}}
	}
	b, _ := json.Marshal(v)
	return b
}

// fillInnermost replaces the first empty object found depth first in v by
// fields.
func fillInnermost(v map[string]any, fields map[string]any) bool {
	for _, k := range sortedKeys(v) {
		m, ok := v[k].(map[string]any)
		if !ok {
			continue
		}
		if len(m) == 0 {
			v[k] = fields
			return true
		}
		if fillInnermost(m, fields) {
			return true
		}
	}
	return false
}

// errorBody returns the body the spec declares for status.
func errorBody(status int) ([]byte, bool) {
	for _, b := range apispec.ErrorBodies {
		if b.Status == status {
			return []byte(b.Body), true
		}
	}
	return nil, false
}

// specError is the response the spec declares for status; it has no body
// when the spec declares none.
func specError(status int) *response {
	body, _ := errorBody(status)
	return jsonResponse(status, body)
}

// messageError is an error the spec does not declare (405, 408, 413),
// with msg in the shape of the spec's errors: its 404 body with msg in
// place of the message, {"errors": {"json": msg}}.
func messageError(status int, msg string) *response {
	resp := shapedError(status, http.StatusNotFound, msg)
	resp.reason = msg
	return resp
}

// shapedError is a response of status whose body is the spec's body for
// shape with msg in place of its messages, {"errors": {"json": msg}} when
// the spec declares none.
func shapedError(status, shape int, msg string) *response {
	var v any
	if tmpl, ok := errorBody(shape); !ok || json.Unmarshal(tmpl, &v) != nil || !replaceStrings(v, msg) {
		v = map[string]any{"errors": map[string]any{"json": msg}}
	}
	b, _ := json.Marshal(v)
	return jsonResponse(status, b)
}

// replaceStrings replaces every string of v, a decoded JSON object, by
// msg, and reports whether there was one.
func replaceStrings(v any, msg string) bool {
	m, ok := v.(map[string]any)
	if !ok {
		return false
	}
	found := false
	for k, sub := range m {
		if _, ok := sub.(string); ok {
			m[k], found = msg, true
			continue
		}
		found = replaceStrings(sub, msg) || found
	}
	return found
}

// jsonResponse is a response with a JSON body, or none when body is
// empty.
func jsonResponse(status int, body []byte) *response {
	r := &response{status: status, header: http.Header{}, body: body, size: int64(len(body))}
	if len(body) > 0 {
		r.header.Set("Content-Type", "application/json")
	}
	return r
}

// marshalResponse is a JSON response of v.
func marshalResponse(status int, v any) *response {
	b, err := json.Marshal(v)
	if err != nil {
		return messageError(http.StatusInternalServerError, "The fake could not encode its answer: "+err.Error())
	}
	return jsonResponse(status, b)
}
