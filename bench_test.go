package partoo_test

// The benchmarks in this file measure what the partoo wrapper costs on top of
// the HTTP round trip (issue 8; method and results in BENCHMARKS.md). Each
// operation is called several ways against one loopback httptest server:
//
//   - path=client: through partoo.Client with every default on (org_id
//     defaulting, request validation, the API key and User-Agent editor, the
//     default transport and the error-mapping doer);
//   - path=generated: the generated client of package gen called directly,
//     with a request editor that sets the API key;
//   - path=raw: hand-written net/http + encoding/json, the practical floor;
//   - path=wire: a few lines of HTTP/1.1 over one kept-alive connection that
//     allocate nothing per call. It is not a client: it measures the share
//     of the server and of loopback, so that the client's own allocations
//     can be told apart (the server runs in this process, so every path's
//     B/op and allocs/op include the server's).
//
// client, generated and raw use an http.Client with partoo.DefaultTimeout over
// http.DefaultTransport, send the same headers and decode into the same
// gen.WebhookItem model: the differences are the layers, not the work.
//
// ns/op on loopback drifts by tens of percent from one second to the next on
// a shared machine, so the ratios are measured by the Interleaved benchmarks:
// they call the paths in turn, one call each per iteration, and report each
// path's mean time per call and its ratio to raw, measured under the same
// conditions. BenchmarkWrapperGetInMemory replaces the network with an
// in-memory transport, to show the layers' own CPU and memory cost.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/partoo-go/partoo"
	"github.com/partoo-go/partoo/gen"
)

const (
	benchAPIKey   = "bench-api-key"
	benchBasePath = "/v2"
	// benchPages and benchPerPage shape the list: 10 pages of 100 items
	// (100 is also the largest page the spec allows).
	benchPages   = 10
	benchPerPage = 100
)

// benchExampleItem returns the seed's example WebhookItem: every field holds
// the example value that Partoo's spec gives for it (schemas WebhookItem,
// url, event_type and CustomHeaders in api/openapi-bundled.yaml).
func benchExampleItem() gen.WebhookItem {
	return gen.WebhookItem{
		ID:        1,
		URL:       "https://example.com/webhook",
		EventType: gen.EventTypeBusinessCreated,
		CreatedAt: "2024-11-27T16:10:44.929678Z",
		UpdatedAt: "2024-11-27T16:10:44.929678Z",
		OrgID:     1,
		CustomHeaders: &gen.CustomHeaders{
			"X-My-Header":  "my-value",
			"X-Auth-Token": "secret-token",
		},
	}
}

// benchPageBody is the body of one page of the list.
type benchPageBody struct {
	Page    int               `json:"page"`
	MaxPage int               `json:"max_page"`
	Count   int               `json:"count"`
	Items   []gen.WebhookItem `json:"items"`
}

// benchServer is the loopback Partoo of the benchmarks: GET /v2/webhooks/1
// answers the example item, GET /v2/webhooks?page=N&per_page=100 answers page
// N of benchPages. Bodies are encoded once, so the server's cost is the same
// small constant for every path. A request without the API key gets a 401,
// which fails the benchmark.
type benchServer struct {
	url   string // base URL, including /v2
	host  string // host:port
	conns atomic.Int64
	// transport, when set, replaces the network: see benchInMemory.
	transport http.RoundTripper
}

// benchInMemory returns the server's handler behind an in-memory
// RoundTripper instead of a socket: calls then cost only CPU, the same
// handler work for every path, so the differences between paths are the
// layers' own cost, without the noise of loopback.
func benchInMemory(b *testing.B) *benchServer {
	b.Helper()
	h := benchHandler(b)
	return &benchServer{
		url: "http://127.0.0.1" + benchBasePath,
		transport: benchRoundTripFunc(func(req *http.Request) (*http.Response, error) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			resp := rec.Result()
			resp.Request = req
			return resp, nil
		}),
	}
}

// benchRoundTripFunc is an http.RoundTripper made of a function.
type benchRoundTripFunc func(*http.Request) (*http.Response, error)

// RoundTrip implements http.RoundTripper.
func (f benchRoundTripFunc) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }

// benchHandler is the server's handler.
func benchHandler(b *testing.B) http.Handler {
	b.Helper()
	item, err := json.Marshal(benchExampleItem())
	if err != nil {
		b.Fatal(err)
	}
	pages := make([][]byte, benchPages)
	for p := range pages {
		body := benchPageBody{Page: p + 1, MaxPage: benchPages, Count: benchPages * benchPerPage}
		for i := range benchPerPage {
			it := benchExampleItem()
			it.ID = p*benchPerPage + i + 1
			body.Items = append(body.Items, it)
		}
		if pages[p], err = json.Marshal(body); err != nil {
			b.Fatal(err)
		}
	}
	reply := func(w http.ResponseWriter, body []byte) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Write(body)
	}
	authorized := func(w http.ResponseWriter, r *http.Request) bool {
		if r.Header.Get(partoo.APIKeyHeader) != benchAPIKey {
			http.Error(w, `{"error":{"authentication":"User not authenticated"}}`, http.StatusUnauthorized)
			return false
		}
		return true
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+benchBasePath+"/webhooks/{id}", func(w http.ResponseWriter, r *http.Request) {
		if !authorized(w, r) {
			return
		}
		if r.PathValue("id") != "1" {
			http.Error(w, `{"error":{"json":"Resource not found"}}`, http.StatusNotFound)
			return
		}
		reply(w, item)
	})
	mux.HandleFunc("GET "+benchBasePath+"/webhooks", func(w http.ResponseWriter, r *http.Request) {
		if !authorized(w, r) {
			return
		}
		q := r.URL.Query()
		page := 1
		if v := q.Get("page"); v != "" {
			page, _ = strconv.Atoi(v)
		}
		if page < 1 || page > benchPages || q.Get("per_page") != strconv.Itoa(benchPerPage) {
			http.Error(w, `{"error":{"json":"bad page or per_page"}}`, http.StatusBadRequest)
			return
		}
		reply(w, pages[page-1])
	})
	return mux
}

// benchStartServer starts the loopback server.
func benchStartServer(b *testing.B) *benchServer {
	b.Helper()
	s := &benchServer{}
	srv := httptest.NewUnstartedServer(benchHandler(b))
	srv.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			s.conns.Add(1)
		}
	}
	srv.Start()
	b.Cleanup(srv.Close)
	s.url = srv.URL + benchBasePath
	s.host = srv.Listener.Addr().String()
	return s
}

// benchOp is one whole call of an operation. With verify set it also checks
// the result in depth (done once, outside the timed loop); without it, only
// cheaply.
type benchOp func(ctx context.Context, verify bool) error

// benchPath is one way of calling the API.
type benchPath struct {
	name  string
	setup func(b *testing.B, s *benchServer) benchOp
}

// benchSetup builds every path on s and calls each once, verified.
func benchSetup(b *testing.B, s *benchServer, paths []benchPath) []benchOp {
	b.Helper()
	ops := make([]benchOp, len(paths))
	for i, p := range paths {
		ops[i] = p.setup(b, s)
		if err := ops[i](context.Background(), true); err != nil {
			b.Fatalf("path=%s: first call: %v", p.name, err)
		}
	}
	return ops
}

// benchRun runs each path as a sub-benchmark named path=<name>, against s.
// Afterwards the server must have seen at most two new connections, so that
// no path pays a TCP handshake per call.
func benchRun(b *testing.B, s *benchServer, paths []benchPath) {
	ops := benchSetup(b, s, paths)
	for i, p := range paths {
		op := ops[i]
		b.Run("path="+p.name, func(b *testing.B) {
			ctx := context.Background()
			before := s.conns.Load()
			b.ReportAllocs()
			for b.Loop() {
				if err := op(ctx, false); err != nil {
					b.Fatal(err)
				}
			}
			if n := s.conns.Load() - before; n > 2 {
				b.Errorf("%d new connections during the benchmark: the path does not reuse connections", n)
			}
		})
	}
}

// benchInterleave calls the paths in turn, one call of each per iteration,
// rotating which one goes first, and reports each path's mean wall time per
// call (<name>-ns/call) and its ratio to the last path (<name>/<last>).
// Background load and frequency changes then hit every path alike, which
// separate sub-benchmarks cannot guarantee.
func benchInterleave(b *testing.B, paths []benchPath) {
	s := benchStartServer(b)
	ops := benchSetup(b, s, paths)
	ctx := context.Background()
	spent := make([]time.Duration, len(ops))
	calls := 0
	for b.Loop() {
		for k := range ops {
			i := (calls + k) % len(ops)
			start := time.Now()
			if err := ops[i](ctx, false); err != nil {
				b.Fatal(err)
			}
			spent[i] += time.Since(start)
		}
		calls++
	}
	base := len(paths) - 1
	for i, p := range paths {
		b.ReportMetric(float64(spent[i])/float64(calls), p.name+"-ns/call")
		if i != base {
			b.ReportMetric(float64(spent[i])/float64(spent[base]), p.name+"/"+paths[base].name)
		}
	}
}

// benchHTTPClient is the HTTP client of the generated and raw paths: the
// same timeout and transport as partoo.NewClient's default (or s's
// in-memory transport).
func benchHTTPClient(s *benchServer) *http.Client {
	return &http.Client{Timeout: partoo.DefaultTimeout, Transport: s.transport}
}

// benchClient returns a partoo.Client with every default on, pointed at s
// (and given an HTTP client with s's in-memory transport, if any).
func benchClient(b *testing.B, s *benchServer) *partoo.Client {
	b.Helper()
	opts := []partoo.Option{partoo.WithBaseURL(s.url)}
	if s.transport != nil {
		opts = append(opts, partoo.WithHTTPClient(benchHTTPClient(s)))
	}
	c, err := partoo.NewClient(benchAPIKey, opts...)
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// benchGenerated returns the generated client, called directly, with the API
// key set by a request editor.
func benchGenerated(b *testing.B, s *benchServer) *gen.ClientWithResponses {
	b.Helper()
	g, err := gen.NewClientWithResponses(s.url+"/",
		gen.WithHTTPClient(benchHTTPClient(s)),
		gen.WithRequestEditorFn(func(_ context.Context, req *http.Request) error {
			req.Header.Set(partoo.APIKeyHeader, benchAPIKey)
			req.Header.Set("User-Agent", "bench-generated")
			req.Header.Set("Accept", "application/json")
			return nil
		}))
	if err != nil {
		b.Fatal(err)
	}
	return g
}

// benchRawGet is the hand-written floor: one GET with the same headers as
// the client, a status check, and a JSON decode into v.
func benchRawGet(ctx context.Context, hc *http.Client, url string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	req.Header.Set(partoo.APIKeyHeader, benchAPIKey)
	req.Header.Set("User-Agent", "bench-raw")
	req.Header.Set("Accept", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

// benchWire is path=wire: HTTP/1.1 on one kept-alive connection, with the
// requests prepared as bytes and the bodies read into a reused buffer, so a
// call allocates nothing on the client side. It checks the status and reads
// the whole body, but parses nothing.
type benchWire struct {
	conn net.Conn
	r    *bufio.Reader
	body []byte
	// statusOK and contentLength are matched against the response.
	statusOK, contentLength []byte
}

func benchDialWire(b *testing.B, s *benchServer) *benchWire {
	b.Helper()
	conn, err := net.Dial("tcp", s.host)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { conn.Close() })
	return &benchWire{
		conn:          conn,
		r:             bufio.NewReaderSize(conn, 64<<10),
		statusOK:      []byte("HTTP/1.1 200 "),
		contentLength: []byte("content-length:"),
	}
}

// benchWireRequest returns the bytes of a GET of path (below /v2) on s,
// with the headers that net/http sends for the other paths, so that the
// server does the same work.
func benchWireRequest(s *benchServer, path string) []byte {
	return []byte("GET " + benchBasePath + path + " HTTP/1.1\r\nHost: " + s.host +
		"\r\n" + partoo.APIKeyHeader + ": " + benchAPIKey +
		"\r\nUser-Agent: bench-wire\r\nAccept: application/json\r\nAccept-Encoding: gzip\r\n\r\n")
}

// get sends req and reads the response body; it returns the body length.
func (w *benchWire) get(req []byte) (int, error) {
	if _, err := w.conn.Write(req); err != nil {
		return 0, err
	}
	line, err := w.r.ReadSlice('\n')
	if err != nil {
		return 0, err
	}
	if !bytes.HasPrefix(line, w.statusOK) {
		return 0, fmt.Errorf("wire: status line %q", line)
	}
	n := -1
	for {
		line, err = w.r.ReadSlice('\n')
		if err != nil {
			return 0, err
		}
		if len(line) <= 2 { // the empty line ending the header
			break
		}
		if len(line) > len(w.contentLength) && bytes.EqualFold(line[:len(w.contentLength)], w.contentLength) {
			n = 0
			for _, c := range bytes.TrimSpace(line[len(w.contentLength):]) {
				if c < '0' || c > '9' {
					return 0, fmt.Errorf("wire: bad Content-Length in %q", line)
				}
				n = n*10 + int(c-'0')
			}
		}
	}
	if n < 0 {
		return 0, errors.New("wire: the response has no Content-Length")
	}
	if cap(w.body) < n {
		w.body = make([]byte, n)
	}
	w.body = w.body[:n]
	_, err = io.ReadFull(w.r, w.body)
	return n, err
}

// benchCheckItem fails when got is not the example item.
func benchCheckItem(got *gen.WebhookItem, verify bool) error {
	if got == nil {
		return errors.New("no item")
	}
	if !verify {
		if got.ID != 1 {
			return fmt.Errorf("got item %d, want 1", got.ID)
		}
		return nil
	}
	if diff := cmp.Diff(benchExampleItem(), *got); diff != "" {
		return fmt.Errorf("item differs from the example (-want +got):\n%s", diff)
	}
	return nil
}

// benchGetPaths are the ways of getting the example item; raw comes last, as
// the base of the Interleaved ratios.
func benchGetPaths() []benchPath {
	return []benchPath{
		{name: "client", setup: func(b *testing.B, s *benchServer) benchOp {
			c := benchClient(b, s)
			return func(ctx context.Context, verify bool) error {
				hook, err := c.Webhooks.Get(ctx, 1)
				if err != nil {
					return err
				}
				return benchCheckItem(hook, verify)
			}
		}},
		{name: "generated", setup: func(b *testing.B, s *benchServer) benchOp {
			g := benchGenerated(b, s)
			return func(ctx context.Context, verify bool) error {
				resp, err := g.GetWebhookWithResponse(ctx, 1, &gen.GetWebhookParams{})
				if err != nil {
					return err
				}
				if resp.StatusCode() != http.StatusOK {
					return fmt.Errorf("status %d", resp.StatusCode())
				}
				return benchCheckItem(resp.JSON200, verify)
			}
		}},
		{name: "raw", setup: func(b *testing.B, s *benchServer) benchOp {
			hc := benchHTTPClient(s)
			url := s.url + "/webhooks/1"
			return func(ctx context.Context, verify bool) error {
				var hook gen.WebhookItem
				if err := benchRawGet(ctx, hc, url, &hook); err != nil {
					return err
				}
				return benchCheckItem(&hook, verify)
			}
		}},
	}
}

// benchWireGet is path=wire for Get.
func benchWireGet() benchPath {
	return benchPath{name: "wire", setup: func(b *testing.B, s *benchServer) benchOp {
		w := benchDialWire(b, s)
		req := benchWireRequest(s, "/webhooks/1")
		return func(_ context.Context, verify bool) error {
			if _, err := w.get(req); err != nil {
				return err
			}
			if verify {
				var hook gen.WebhookItem
				if err := json.Unmarshal(w.body, &hook); err != nil {
					return err
				}
				return benchCheckItem(&hook, true)
			}
			return nil
		}
	}}
}

// BenchmarkWrapperGet times Webhooks.Get of the example item through the
// client, the generated client, raw net/http, and the wire floor.
func BenchmarkWrapperGet(b *testing.B) {
	benchRun(b, benchStartServer(b), append(benchGetPaths(), benchWireGet()))
}

// BenchmarkWrapperGetInMemory times the Get paths with the network
// replaced by an in-memory transport: the difference between client and
// raw is the CPU and memory that the wrapper's layers cost per call.
func BenchmarkWrapperGetInMemory(b *testing.B) {
	benchRun(b, benchInMemory(b), benchGetPaths())
}

// BenchmarkWrapperGetInterleaved measures the Get ratios client/raw and
// generated/raw with the paths interleaved call by call. make bench-check
// reads client/raw.
func BenchmarkWrapperGetInterleaved(b *testing.B) {
	benchInterleave(b, benchGetPaths())
}

// benchCheckIDs fails unless the list yielded items 1..n in order; it
// returns the next expected id.
func benchCheckIDs(next int, items []gen.WebhookItem) (int, error) {
	for _, hook := range items {
		if hook.ID != next {
			return 0, fmt.Errorf("item %d has id %d", next, hook.ID)
		}
		next++
	}
	return next, nil
}

// benchCheckCount fails unless the list yielded every item exactly once.
func benchCheckCount(next int) error {
	if n := next - 1; n != benchPages*benchPerPage {
		return fmt.Errorf("listed %d items, want %d", n, benchPages*benchPerPage)
	}
	return nil
}

// benchListPaths are the ways of walking the list; raw comes last.
func benchListPaths() []benchPath {
	return []benchPath{
		{name: "client", setup: func(b *testing.B, s *benchServer) benchOp {
			c := benchClient(b, s)
			return func(ctx context.Context, _ bool) error {
				perPage := benchPerPage
				next := 1
				for hook, err := range c.Webhooks.List(ctx, &gen.GetWebhookListParams{PerPage: &perPage}) {
					if err != nil {
						return err
					}
					if hook.ID != next {
						return fmt.Errorf("item %d has id %d", next, hook.ID)
					}
					next++
				}
				return benchCheckCount(next)
			}
		}},
		{name: "generated", setup: func(b *testing.B, s *benchServer) benchOp {
			g := benchGenerated(b, s)
			return func(ctx context.Context, _ bool) error {
				perPage := benchPerPage
				next := 1
				for page := 1; ; page++ {
					resp, err := g.GetWebhookListWithResponse(ctx, &gen.GetWebhookListParams{Page: &page, PerPage: &perPage})
					if err != nil {
						return err
					}
					if resp.StatusCode() != http.StatusOK || resp.JSON200 == nil {
						return fmt.Errorf("page %d: status %d", page, resp.StatusCode())
					}
					if next, err = benchCheckIDs(next, resp.JSON200.Items); err != nil {
						return err
					}
					if len(resp.JSON200.Items) == 0 || resp.JSON200.MaxPage == nil || page >= *resp.JSON200.MaxPage {
						break
					}
				}
				return benchCheckCount(next)
			}
		}},
		{name: "raw", setup: func(b *testing.B, s *benchServer) benchOp {
			hc := benchHTTPClient(s)
			return func(ctx context.Context, _ bool) error {
				next := 1
				for page := 1; ; page++ {
					var body benchPageBody
					url := s.url + "/webhooks?page=" + strconv.Itoa(page) + "&per_page=" + strconv.Itoa(benchPerPage)
					if err := benchRawGet(ctx, hc, url, &body); err != nil {
						return err
					}
					var err error
					if next, err = benchCheckIDs(next, body.Items); err != nil {
						return err
					}
					if len(body.Items) == 0 || page >= body.MaxPage {
						break
					}
				}
				return benchCheckCount(next)
			}
		}},
	}
}

// benchWireList is path=wire for List: the ten page requests, unparsed.
func benchWireList() benchPath {
	return benchPath{name: "wire", setup: func(b *testing.B, s *benchServer) benchOp {
		w := benchDialWire(b, s)
		reqs := make([][]byte, benchPages)
		for p := range reqs {
			reqs[p] = benchWireRequest(s, "/webhooks?page="+strconv.Itoa(p+1)+"&per_page="+strconv.Itoa(benchPerPage))
		}
		return func(_ context.Context, verify bool) error {
			next := 1
			for _, req := range reqs {
				if _, err := w.get(req); err != nil {
					return err
				}
				if verify {
					var body benchPageBody
					err := json.Unmarshal(w.body, &body)
					if err == nil {
						next, err = benchCheckIDs(next, body.Items)
					}
					if err != nil {
						return err
					}
				}
			}
			if verify {
				return benchCheckCount(next)
			}
			return nil
		}
	}}
}

// BenchmarkWrapperList times walking a list of 10 pages of 100 items: the
// client's iterator, a page loop over the generated client and over raw
// net/http, and the wire floor.
func BenchmarkWrapperList(b *testing.B) {
	benchRun(b, benchStartServer(b), append(benchListPaths(), benchWireList()))
}

// BenchmarkWrapperListInterleaved measures the List ratios with the paths
// interleaved call by call.
func BenchmarkWrapperListInterleaved(b *testing.B) {
	benchInterleave(b, benchListPaths())
}

// benchHeaders returns the custom headers of BenchmarkWrapperValidateCustomHeaders:
// "valid-5" holds as many valid headers as the spec allows, "invalid-6" one
// header too many, each of them invalid for a different reason (no X-
// prefix, the reserved prefix, two forbidden characters, a name and a value
// one character too long). Limits come from the generated rules, not from
// numbers copied here. want is the number of violations expected.
func benchHeaders(b *testing.B) (valid, invalid gen.CustomHeaders, want int) {
	b.Helper()
	rules := gen.CustomHeadersRules()
	if !rules.HasMaxProperties || !rules.Names.HasMaxLength || !rules.Values.HasMaxLength {
		b.Fatalf("the spec's CustomHeaders rules changed shape: %+v", rules)
	}
	valid = gen.CustomHeaders{}
	for i := range rules.MaxProperties {
		valid[fmt.Sprintf("X-Bench-Header-%d", i+1)] = "a-shared-secret-value"
	}
	invalid = gen.CustomHeaders{
		"Y-Bench":     "no X- prefix",
		"X-Partoo-Id": "reserved prefix",
		"X-Bench:One": "forbidden colon",
		"X-Bench Two": "forbidden space",
		"X-" + strings.Repeat("n", rules.Names.MaxLength-1): "name one character too long",
		"X-Bench-Big": strings.Repeat("v", rules.Values.MaxLength+1),
	}
	// One violation per header, plus one for their number.
	return valid, invalid, len(invalid) + 1
}

// BenchmarkWrapperValidateCustomHeaders times partoo.ValidateCustomHeaders
// on the largest valid set of headers and on an invalid set that breaks
// every rule (the error messages are built, which is the costly part).
func BenchmarkWrapperValidateCustomHeaders(b *testing.B) {
	valid, invalid, want := benchHeaders(b)
	if err := partoo.ValidateCustomHeaders(valid); err != nil {
		b.Fatalf("valid headers rejected: %v", err)
	}
	err := partoo.ValidateCustomHeaders(invalid)
	if !errors.Is(err, partoo.ErrInvalidCustomHeaders) {
		b.Fatalf("invalid headers: got %v, want ErrInvalidCustomHeaders", err)
	}
	if joined, ok := err.(interface{ Unwrap() []error }); !ok || len(joined.Unwrap()) != want {
		b.Fatalf("invalid headers: want %d violations, got:\n%v", want, err)
	}
	for _, c := range []struct {
		name    string
		headers gen.CustomHeaders
		valid   bool
	}{
		{name: "valid-5", headers: valid, valid: true},
		{name: "invalid-6", headers: invalid},
	} {
		b.Run("headers="+c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := partoo.ValidateCustomHeaders(c.headers); (err == nil) != c.valid {
					b.Fatalf("got %v", err)
				}
			}
		})
	}
}
