package partootest

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/partoo-go/partoo/internal/pathtemplate"
)

// Mode says how the response to a faulted request is written.
type Mode int

const (
	// ModeComplete writes the whole response. It is the zero Mode.
	ModeComplete Mode = iota
	// ModeDrop closes the connection without writing anything: the client
	// sees a transport error. While one is pending keep-alives are off: on a
	// fresh connection Go's http.Transport does not silently resend the
	// request, as it does on a reused one.
	ModeDrop
	// ModeCutMidBody sends the headers (with the whole body's
	// Content-Length) and half the body, then closes the connection.
	ModeCutMidBody
	// ModeTruncate sends the first half of the body as a complete response
	// (its Content-Length matches): a JSON body arrives truncated.
	ModeTruncate
	// ModeEmptyBody sends the status and headers with an empty body.
	ModeEmptyBody
)

// modeNames are the names of the modes, as in their constants.
var modeNames = [...]string{"Complete", "Drop", "CutMidBody", "Truncate", "EmptyBody"}

// String returns the mode's name, as in the constant without its prefix.
func (m Mode) String() string {
	if m < 0 || int(m) >= len(modeNames) {
		return "Mode(" + strconv.Itoa(int(m)) + ")"
	}
	return modeNames[m]
}

// Fault makes the server misbehave for the requests it matches. Add one with
// [Server.AddFault]. The zero Fault matches every request and changes
// nothing; set the fields that describe the failure:
//
//	// The next two GETs of any webhook answer 503, then the server recovers.
//	srv.AddFault(partootest.Fault{Method: "GET", Path: "/webhooks/{webhook_id}", Times: 2, Status: 503})
//	// Every list call is rate limited.
//	srv.AddFault(partootest.Fault{Path: "/webhooks", Status: 429, Header: http.Header{"Retry-After": {"1"}}})
//	// The next create is processed (the webhook exists afterwards), but the
//	// connection dies in the middle of the response body.
//	srv.AddFault(partootest.Fault{Method: "POST", Path: "/webhooks", Times: 1, Mode: partootest.ModeCutMidBody})
//
// Faulted requests are recorded in the request log like the others (with
// [Request.Faulted] set), so tests can assert the number of attempts.
type Fault struct {
	Method string // the request method (case-insensitive); "" matches any
	// Path matches the request path relative to [Server.URL], exactly
	// ("/webhooks/3") or as a path template ("/webhooks/{webhook_id}", a
	// {name} matching any one segment); "" matches any path.
	Path string
	// Times is how many matching requests the fault applies to, counting
	// down; 0 means every matching request until [Server.ClearFaults].
	Times int

	// Delay is waited before the request is handled; the request is not
	// handled when the client goes away or the server closes meanwhile.
	Delay time.Duration

	// Status, if not zero, is the status of a canned response sent instead
	// of handling the request, which changes nothing. When it is zero the
	// real response goes through Mode: a write can succeed on the server
	// while the client sees a failure.
	Status int
	// Header holds headers of the canned response, such as Retry-After;
	// without a Content-Type, one is chosen from the body.
	Header http.Header
	// Body is the canned response's body; nil is the spec's for Status, if any.
	Body []byte
	// BodySize, if positive, makes the canned body BodySize bytes of Body
	// (or 'x') repeated, streamed without being held in memory.
	BodySize int64

	Mode Mode // how the response, canned or real, is written
}

// validate reports a Fault that cannot be applied.
func (f Fault) validate() error {
	switch {
	case f.Times < 0:
		return fmt.Errorf("negative Times %d", f.Times)
	case f.Delay < 0:
		return fmt.Errorf("negative Delay %v", f.Delay)
	case f.Status != 0 && (f.Status < 100 || f.Status > 999):
		return fmt.Errorf("status %d is not an HTTP status code", f.Status)
	case f.BodySize < 0:
		return fmt.Errorf("negative BodySize %d", f.BodySize)
	case f.BodySize > 0 && f.Status == 0:
		return errors.New("a BodySize needs a canned response (a non-zero Status)")
	case f.Mode < ModeComplete || f.Mode > ModeEmptyBody:
		return fmt.Errorf("unknown Mode %d", int(f.Mode))
	case f.Path != "" && !strings.HasPrefix(f.Path, "/"):
		return fmt.Errorf("path %q must start with /", f.Path)
	}
	return nil
}

// matches reports whether the fault applies to method and path (relative
// to [Server.URL]).
func (f *Fault) matches(method, path string) bool {
	_, ok := pathtemplate.Match(f.Path, path)
	return (f.Method == "" || strings.EqualFold(f.Method, method)) && (f.Path == "" || f.Path == path || ok)
}

// AddFault adds a fault; the first fault added that matches a request and
// has uses left applies, alone. It panics if f is invalid: a negative
// Times, Delay or BodySize, an unknown Mode, a Status not an HTTP status, a
// Path not starting with "/", or a BodySize without a Status.
func (s *Server) AddFault(f Fault) {
	if err := f.validate(); err != nil {
		panic("partootest: AddFault: " + err.Error())
	}
	f.Header = f.Header.Clone()
	f.Body = bytes.Clone(f.Body)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.setFaults(append(s.faults, &f))
}

// ClearFaults removes every fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.setFaults(nil)
}

// setFaults sets the pending faults, HTTP keep-alives off (idle
// connections closed) while one is a [ModeDrop]. The caller holds s.mu;
// http.Server calls none of our code holding its own lock.
func (s *Server) setFaults(faults []*Fault) {
	s.faults = faults
	if s.httpSrv != nil {
		s.httpSrv.SetKeepAlivesEnabled(!slices.ContainsFunc(faults, func(f *Fault) bool { return f.Mode == ModeDrop }))
	}
}

// takeFault returns a copy of the fault that applies to the request, using
// one of its uses (counted down in its Times), and whether there is one.
// The caller holds s.mu.
func (s *Server) takeFault(method, path string) (Fault, bool) {
	for i, f := range s.faults {
		if !f.matches(method, path) {
			continue
		}
		out := *f
		if f.Times > 0 {
			if f.Times--; f.Times == 0 {
				s.setFaults(slices.Delete(s.faults, i, i+1))
			}
		}
		return out, true
	}
	return Fault{}, false
}

// canned is a response the fault sends instead of the handler's.
func (f *Fault) canned() *response {
	body := f.Body
	if body == nil {
		body, _ = errorBody(f.Status)
	}
	r := &response{status: f.Status, header: http.Header{}, body: body, size: int64(len(body))}
	maps.Copy(r.header, f.Header.Clone())
	if f.BodySize > 0 {
		r.size, r.body = f.BodySize, []byte(cmp.Or(string(body), "x"))
	}
	if r.header.Get("Content-Type") == "" && r.size > 0 {
		ctype := http.DetectContentType(r.body)
		if json.Valid(body) && f.BodySize == 0 {
			ctype = "application/json"
		}
		r.header.Set("Content-Type", ctype)
	}
	return r
}

// response is a complete response held by the server before it is written:
// size bytes of body, made of body repeated.
type response struct {
	status int
	header http.Header
	body   []byte
	size   int64
	reason string // what an error's body says, for [declared] to answer it with another status; "" for the spec's bodies
}

// write sends r to w as mode says and returns the status sent (0 for none).
func (r *response) write(w http.ResponseWriter, mode Mode) int {
	if mode == ModeDrop {
		if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
			conn.Close()
		}
		return 0
	}
	// The body's announced length and the bytes sent: when they differ
	// (ModeCutMidBody), net/http closes the connection after the response.
	announced, sent := r.size, r.size
	switch mode {
	case ModeCutMidBody:
		sent = r.size / 2
	case ModeTruncate:
		announced, sent = r.size/2, r.size/2
	case ModeEmptyBody:
		announced, sent = 0, 0
	}
	h := w.Header()
	maps.Copy(h, r.header.Clone())
	h.Del("Content-Length")
	if bodyAllowed(r.status) {
		h.Set("Content-Length", strconv.FormatInt(announced, 10))
	}
	w.WriteHeader(r.status)
	writeRepeated(w, r.body, sent)
	return r.status
}

// writeRepeated writes n bytes made of pattern repeated.
func writeRepeated(w io.Writer, pattern []byte, n int64) {
	block := pattern
	if int64(len(block)) < n && len(block) < 32<<10 {
		block = bytes.Repeat(pattern, (32<<10)/len(pattern)+1)
	}
	for n > 0 && len(block) > 0 {
		m, err := w.Write(block[:min(int64(len(block)), n)])
		if n -= int64(m); err != nil {
			return
		}
	}
}
