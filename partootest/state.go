package partootest

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/partoo-go/partoo"
	"github.com/partoo-go/partoo/gen"
)

// Redacted replaces the API key in the headers of the request log.
const Redacted = "REDACTED"

// timeFormat is how the fake writes created_at and updated_at: ISO 8601
// with microseconds and a Z, like the examples of Partoo's documentation.
const timeFormat = "2006-01-02T15:04:05.000000Z"

// Request is one request as the server received it, in the request log.
type Request struct {
	// Time is when the server received the request.
	Time time.Time
	// RemoteAddr is the client's address ("127.0.0.1:53412"): requests
	// with the same RemoteAddr came over the same connection.
	RemoteAddr string
	// Method is the HTTP method.
	Method string
	// Path is the request path relative to [Server.URL], like the spec's
	// paths ("/webhooks/3"); a request outside the base path keeps its full
	// path.
	Path string
	// Query is the parsed query string.
	Query url.Values
	// Header is the request header, with the value of x-APIKey replaced by
	// [Redacted].
	Header http.Header
	// Body is the request body (at most [MaxBodySize] bytes).
	Body []byte
	// Status is the status the server sent, or 0 when it sent none (the
	// connection was dropped, the request is still being handled, or it was
	// abandoned during a fault's Delay).
	Status int
	// Faulted reports whether a [Fault] applied to the request.
	Faulted bool
}

// clone returns a deep copy of r.
func (r *Request) clone() Request {
	c := *r
	c.Query = maps.Clone(r.Query)
	for k, v := range c.Query {
		c.Query[k] = slices.Clone(v)
	}
	c.Header = r.Header.Clone()
	c.Body = bytes.Clone(r.Body)
	return c
}

// Requests returns a copy of the request log, oldest first: every request
// the server received, including faulted ones and ones it rejected.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.requests))
	for i, r := range s.requests {
		out[i] = r.clone()
	}
	return out
}

// RequestCount returns the number of requests in the log.
func (s *Server) RequestCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.requests)
}

// ClearRequests empties the request log.
func (s *Server) ClearRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
}

// AddWebhooks stores webhook configurations as they are, bypassing the
// API's validation (so a test can seed, say, an event type the client does
// not know), and returns them as stored. An item with a zero ID gets the
// next free one, a zero OrgID the server's [Server.OrgID], and an empty
// created_at or updated_at the current time. AddWebhooks panics, with a
// "partootest:" prefix, if an ID is negative or already taken.
func (s *Server) AddWebhooks(items ...gen.WebhookItem) []gen.WebhookItem {
	out, err := s.addWebhooks(items)
	if err != nil {
		panic("partootest: AddWebhooks: " + err.Error())
	}
	return out
}

func (s *Server) addWebhooks(items []gen.WebhookItem) ([]gen.WebhookItem, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	seen := map[int]bool{}
	for _, it := range items {
		if it.ID < 0 {
			return nil, fmt.Errorf("webhook ID %d is negative", it.ID)
		}
		if it.ID == 0 {
			continue
		}
		if _, taken := s.webhooks[it.ID]; taken || seen[it.ID] {
			return nil, fmt.Errorf("webhook ID %d is already taken", it.ID)
		}
		seen[it.ID] = true
	}
	now := s.now().UTC().Format(timeFormat)
	out := make([]gen.WebhookItem, 0, len(items))
	for _, it := range items {
		it = cloneItem(it)
		if it.ID == 0 {
			for s.webhooks[s.nextID].ID != 0 || seen[s.nextID] {
				s.nextID++
			}
			it.ID = s.nextID
		}
		if it.ID >= s.nextID {
			s.nextID = it.ID + 1
		}
		if it.OrgID == 0 {
			it.OrgID = s.OrgID
		}
		if it.CreatedAt == "" {
			it.CreatedAt = now
		}
		if it.UpdatedAt == "" {
			it.UpdatedAt = it.CreatedAt
		}
		s.webhooks[it.ID] = it
		out = append(out, cloneItem(it))
	}
	return out, nil
}

// Webhooks returns every stored webhook configuration, of every
// organization, sorted by ID.
func (s *Server) Webhooks() []gen.WebhookItem {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sortedWebhooks(func(gen.WebhookItem) bool { return true })
}

// Webhook returns the webhook configuration id, whatever its organization.
func (s *Server) Webhook(id int) (gen.WebhookItem, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	it, ok := s.webhooks[id]
	return cloneItem(it), ok
}

// sortedWebhooks returns copies of the webhooks keep accepts, by ID. The
// caller holds s.mu.
func (s *Server) sortedWebhooks(keep func(gen.WebhookItem) bool) []gen.WebhookItem {
	var out []gen.WebhookItem
	for _, it := range s.webhooks {
		if keep(it) {
			out = append(out, cloneItem(it))
		}
	}
	slices.SortFunc(out, func(a, b gen.WebhookItem) int { return a.ID - b.ID })
	return out
}

// Tryouts returns the recorded tryout calls, oldest first.
func (s *Server) Tryouts() []Tryout {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Tryout, len(s.tryouts))
	for i, t := range s.tryouts {
		t.Item = cloneCreateItem(t.Item)
		out[i] = t
	}
	return out
}

func cloneItem(it gen.WebhookItem) gen.WebhookItem {
	it.CustomHeaders = cloneHeaders(it.CustomHeaders)
	return it
}

func cloneCreateItem(it gen.WebhookCreateItem) gen.WebhookCreateItem {
	it.CustomHeaders = cloneHeaders(it.CustomHeaders)
	return it
}

func cloneHeaders(h *gen.CustomHeaders) *gen.CustomHeaders {
	if h == nil {
		return nil
	}
	c := maps.Clone(*h)
	return &c
}

// redactHeader returns a copy of h with the API key replaced.
func redactHeader(h http.Header) http.Header {
	c := h.Clone()
	if c == nil {
		return http.Header{}
	}
	key := http.CanonicalHeaderKey(partoo.APIKeyHeader)
	for i := range c[key] {
		c[key][i] = Redacted
	}
	return c
}

// randomKey returns a fresh API key, so that tests can check it never leaks.
func randomKey() string {
	b := make([]byte, 16)
	rand.Read(b)
	return "partootest_" + hex.EncodeToString(b)
}
