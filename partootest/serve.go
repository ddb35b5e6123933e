package partootest

import (
	"bytes"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/partoo-go/partoo"
)

// Redacted replaces the API key in the headers of the request log.
const Redacted = "REDACTED"

// Request is one request as the server received it, in the request log.
type Request struct {
	Time          time.Time   // when the server received the request
	RemoteAddr    string      // the client's address ("127.0.0.1:53412"), one per connection
	Method        string      // the HTTP method
	Path          string      // as received, base path included ("/v2/webhooks/3"), as the client's errors show it
	Query         url.Values  // the parsed query string
	Header        http.Header // the request header, the value of x-APIKey [Redacted]
	Body          []byte      // the start of the body: at most [MaxLoggedBody] bytes
	BodyTruncated bool        // the body was longer than Body
	Truncated     bool        // Path, Query or Header were cut to [MaxLoggedHeader] bytes each
	// Status is the status the server sent, or 0 for none: a dropped
	// connection, a request still handled or abandoned during a Delay.
	Status  int
	Faulted bool // a [Fault] applied to the request
}

// keepLast appends v to log and keeps its last n entries.
func keepLast[T any](log []T, v T, n int) []T {
	if len(log) >= n {
		log = append(log[:0], log[len(log)-n+1:]...)
	}
	return append(log, v)
}

// Requests returns a copy of the request log ([WithRequestLog]), oldest
// first, faulted and rejected requests included.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.requests))
	for i, r := range s.requests {
		out[i] = *r
		out[i].Query = url.Values(http.Header(r.Query).Clone()) // a deep copy
		out[i].Header, out[i].Body = r.Header.Clone(), bytes.Clone(r.Body)
	}
	return out
}

// RequestCount returns how many requests the server received since it
// started or since [Server.ClearRequests], the log's or not.
func (s *Server) RequestCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requestCount
}

// ClearRequests empties the request log and resets [Server.RequestCount].
func (s *Server) ClearRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests, s.requestCount = nil, 0
}

// serveHTTP is the server's handler: it reads the body, logs the request,
// and answers as the fault that applies, if any, and the engine say.
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

	// ReadTimeout bounds this read; net/http lifts it once the body is in,
	// so it does not cut a fault's Delay short.
	body, readErr := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodySize))
	entry := logEntry(r, body, readErr != nil)
	entry.Time = s.now()
	rel := r.URL.Path
	if p, ok := strings.CutPrefix(rel, s.basePath); ok && strings.HasPrefix(p, "/") {
		rel = p
	}
	s.mu.Lock()
	fault, faulted := s.takeFault(r.Method, rel)
	entry.Faulted = faulted
	s.requests = keepLast(s.requests, entry, s.requestLog)
	s.requestCount++
	s.mu.Unlock()

	status := s.respond(w, r, body, readErr, fault)

	s.mu.Lock()
	entry.Status = status
	s.mu.Unlock()
	if s.logger != nil {
		s.logger.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.String("query", r.URL.RawQuery),
			slog.Int("status", status), slog.Duration("duration", time.Since(start)), slog.Bool("faulted", faulted))
	}
}

// respond produces the response as the fault (the zero Fault for none)
// says, and returns the status sent (0 for none).
func (s *Server) respond(w http.ResponseWriter, r *http.Request, body []byte, readErr error, fault Fault) int {
	if fault.Delay > 0 {
		select {
		case <-time.After(fault.Delay):
		case <-r.Context().Done():
			return 0
		case <-s.done:
			return 0
		}
	}
	if fault.Status != 0 {
		return fault.canned().write(w, fault.Mode)
	}
	return s.handle(r, body, readErr).write(w, fault.Mode)
}

// logEntry returns the request log's copy of r and its body (bodyCut: not
// read whole), cut to MaxLoggedBody and MaxLoggedHeader, the key redacted.
func logEntry(r *http.Request, body []byte, bodyCut bool) *Request {
	e := &Request{RemoteAddr: r.RemoteAddr, Method: r.Method, Path: r.URL.Path, Header: http.Header{},
		Body: bytes.Clone(body[:min(len(body), MaxLoggedBody)]), BodyTruncated: bodyCut || len(body) > MaxLoggedBody}
	raw := r.URL.RawQuery
	if len(e.Path) > MaxLoggedHeader {
		e.Path, e.Truncated = e.Path[:MaxLoggedHeader], true
	}
	if len(raw) > MaxLoggedHeader {
		raw, e.Truncated = raw[:MaxLoggedHeader], true
		if i := strings.LastIndexByte(raw, '&'); i >= 0 {
			raw = raw[:i]
		}
	}
	e.Query, _ = url.ParseQuery(raw)
	budget := MaxLoggedHeader
	for _, k := range slices.Sorted(maps.Keys(r.Header)) {
		for _, v := range r.Header[k] {
			if len(k)+len(v) > budget {
				e.Truncated = true
				continue
			}
			budget -= len(k) + len(v)
			if k == http.CanonicalHeaderKey(partoo.APIKeyHeader) {
				v = Redacted
			}
			e.Header[k] = append(e.Header[k], v)
		}
	}
	return e
}
