package partootest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/partoo-go/partoo"
	"github.com/partoo-go/partoo/internal/mockapi/rules"
)

// serveHTTP is the server's handler: it logs the request, applies a
// matching fault, and otherwise (or for a fault without a canned response)
// handles it with handle.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	// Add to inflight under mu, so that no Add follows Close's Wait.
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	s.inflight.Add(1)
	s.mu.Unlock()
	defer s.inflight.Done()
	start := time.Now()

	body, readErr := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodySize))
	path := r.URL.Path
	if rel, ok := strings.CutPrefix(path, s.basePath); ok && (rel == "" || strings.HasPrefix(rel, "/")) {
		path = rel
	}
	entry := &Request{
		Time:       s.now(),
		RemoteAddr: r.RemoteAddr,
		Method:     r.Method,
		Path:       path,
		Query:      r.URL.Query(),
		Header:     redactHeader(r.Header),
		Body:       body,
	}
	fault := s.takeFault(r.Method, path)
	if fault != nil && fault.Mode == ModeDrop {
		s.syncKeepAlives() // the fault may be used up
	}
	s.mu.Lock()
	s.requests = append(s.requests, entry)
	entry.Faulted = fault != nil
	s.mu.Unlock()

	status := s.respond(w, r, body, readErr, fault)

	s.mu.Lock()
	entry.Status = status
	s.mu.Unlock()
	if s.logger != nil {
		s.logger.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.String("query", r.URL.RawQuery),
			slog.Int("status", status), slog.Duration("duration", time.Since(start)), slog.Bool("faulted", fault != nil))
	}
}

// respond produces the response, faulted or not, and returns the status
// sent (0 for none).
func (s *Server) respond(w http.ResponseWriter, r *http.Request, body []byte, readErr error, fault *Fault) int {
	if fault != nil && fault.Delay > 0 {
		t := time.NewTimer(fault.Delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return 0
		case <-s.done:
			t.Stop()
			return 0
		}
	}
	var resp *response
	if fault != nil && fault.Status != 0 {
		resp = fault.canned()
	} else {
		rec := newRecorder()
		s.handle(rec, r, body, readErr)
		resp = rec.response()
	}
	mode := ModeComplete
	if fault != nil {
		mode = fault.Mode
	}
	return resp.write(w, mode)
}

// callKey is the context key of the call's resolved organization.
type callKey struct{}

// orgFrom returns the organization the call acts on.
func orgFrom(ctx context.Context) int {
	org, _ := ctx.Value(callKey{}).(int)
	return org
}

// handle runs the checks every operation shares, in the order a client
// would meet them: route, authentication, media type, parameters,
// organization, body; then the generated handler.
func (s *Server) handle(w http.ResponseWriter, r *http.Request, body []byte, readErr error) {
	rel, ok := strings.CutPrefix(r.URL.Path, s.basePath+"/")
	if !ok {
		writeSpecError(w, http.StatusNotFound)
		return
	}
	rt, allowed := s.route(r.Method, "/"+rel)
	if rt == nil {
		if len(allowed) > 0 {
			w.Header().Set("Allow", strings.Join(allowed, ", "))
			w.WriteHeader(http.StatusMethodNotAllowed)
			return
		}
		writeSpecError(w, http.StatusNotFound)
		return
	}
	op := &rt.op
	s.mu.Lock()
	key, known := s.keys[r.Header.Get(partoo.APIKeyHeader)]
	s.mu.Unlock()
	if !known {
		writeSpecError(w, http.StatusUnauthorized)
		return
	}
	if readErr != nil {
		var tooBig *http.MaxBytesError
		if errors.As(readErr, &tooBig) {
			w.WriteHeader(http.StatusRequestEntityTooLarge)
			return
		}
		writeBadRequest(w, fieldErrors{"body": {"the body could not be read: " + readErr.Error()}})
		return
	}
	if op.HasBody {
		mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if err != nil || mt != "application/json" {
			writeSpecError(w, http.StatusUnsupportedMediaType)
			return
		}
	}
	values, errs := checkParams(op, r.URL.Query(), "/"+rel)
	if len(errs) > 0 {
		writeBadRequest(w, errs)
		return
	}
	org, status, errs := resolveOrg(op, key, values)
	switch {
	case len(errs) > 0:
		writeBadRequest(w, errs)
		return
	case status != 0:
		writeSpecError(w, status)
		return
	}
	if op.HasBody {
		if errs := checkBody(rt, body); len(errs) > 0 {
			writeBadRequest(w, errs)
			return
		}
	}
	r2 := r.WithContext(context.WithValue(r.Context(), callKey{}, org))
	r2.Body = io.NopCloser(bytes.NewReader(body))
	r2.ContentLength = int64(len(body))
	s.handler.ServeHTTP(w, r2)
}

// resolveOrg returns the organization a call acts on, or the reason it may
// not: 400 field errors when a PROVIDER key omits org_id, 403 when the key
// may not act on the org_id given.
func resolveOrg(op *rules.Operation, key keyInfo, values map[string]int64) (int, int, fieldErrors) {
	given, has := values["org_id"]
	if !has {
		if key.provider {
			if !hasParam(op, "org_id") {
				return 0, http.StatusForbidden, nil
			}
			return 0, 0, fieldErrors{"org_id": {"Missing data for required field: a PROVIDER key must give the organization it acts on."}}
		}
		return key.orgs[0], 0, nil
	}
	for _, org := range key.orgs {
		if int64(org) == given {
			return org, 0, nil
		}
	}
	return 0, http.StatusForbidden, nil
}

func hasParam(op *rules.Operation, name string) bool {
	for _, p := range op.Params {
		if p.Name == name {
			return true
		}
	}
	return false
}

// fieldErrors maps a field location to its messages: the inside of the
// spec's 400 body, {"error": {"json": {field: [messages]}}}.
type fieldErrors map[string][]string

func (e fieldErrors) add(field, msg string) { e[field] = append(e[field], msg) }

// writeBadRequest writes a 400 in the spec's shape.
func writeBadRequest(w http.ResponseWriter, errs fieldErrors) {
	writeJSON(w, http.StatusBadRequest, badRequestBody(errs))
}

// badRequestBody builds the spec's 400 body around errs.
func badRequestBody(errs fieldErrors) []byte {
	tmpl, _ := rules.ErrorBody(http.StatusBadRequest)
	var v map[string]any
	if err := json.Unmarshal(tmpl, &v); err != nil {
		panic("partootest: the generated 400 body is not JSON: " + err.Error())
	}
	inner := map[string]any{}
	for k, msgs := range errs {
		inner[k] = msgs
	}
	// The spec's 400 body is {"error": {"json": {}}}: the field messages
	// go into its innermost object.
	if !fillInnermost(v, inner) {
		panic("partootest: the generated 400 body has no object to hold field errors")
	}
	b, _ := json.Marshal(v)
	return b
}

// fillInnermost replaces the first empty object found depth first in v by
// fields.
func fillInnermost(v map[string]any, fields map[string]any) bool {
	for k, sub := range v {
		m, ok := sub.(map[string]any)
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

// writeSpecError writes the body the spec declares for status.
func writeSpecError(w http.ResponseWriter, status int) {
	body, ok := rules.ErrorBody(status)
	if !ok {
		w.WriteHeader(status)
		return
	}
	writeJSON(w, status, body)
}

func writeJSON(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(body)
}

// badRequestHandler answers the generated layer's request errors (a
// parameter or body it could not decode) with a 400 in the spec's shape.
func badRequestHandler(w http.ResponseWriter, _ *http.Request, err error) {
	writeBadRequest(w, fieldErrors{"body": {err.Error()}})
}

// internalErrorHandler answers a handler error with a 500.
func internalErrorHandler(w http.ResponseWriter, _ *http.Request, err error) {
	http.Error(w, err.Error(), http.StatusInternalServerError)
}

// recorder buffers a handler's response so that a fault can alter it.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func newRecorder() *recorder { return &recorder{header: http.Header{}} }

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(b)
}

func (r *recorder) response() *response {
	status := r.status
	if status == 0 {
		status = http.StatusOK
	}
	b := r.body.Bytes()
	return &response{status: status, header: r.header, body: b, size: int64(len(b))}
}
