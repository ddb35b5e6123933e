//go:build unix

// Package contract holds the contract test of the partoo client against an
// independent implementation of the spec: Stoplight Prism (pinned in
// tools/prism), mocking api/openapi-bundled.yaml. Run it with `make
// contract`, which installs Prism and makes its absence a failure; a plain
// `go test ./...` skips it when Prism is not installed. Its tests build on
// unix only.
//
// It lives in the tools module because it reads the spec with kin-openapi
// and YAML libraries, which must never reach the client's go.mod.
package contract

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/partoo-go/partoo"
	"github.com/partoo-go/partoo/api"
	"github.com/partoo-go/partoo/gen"
	"github.com/partoo-go/partoo/internal/apispec"
	"github.com/partoo-go/partoo/partootest"
)

// violationsHeader is the response header in which Prism reports how a
// request breaks the spec.
const violationsHeader = "sl-violations"

// exchange is one request the client sent to Prism.
type exchange struct {
	method, path string
	status       int
	violations   string
}

// recorder is the transport of the client of Prism: it records each
// exchange, so that the test sees Prism's verdict on every request.
type recorder struct {
	mu  sync.Mutex
	log []exchange
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	r.log = append(r.log, exchange{req.Method, req.URL.EscapedPath(), resp.StatusCode, resp.Header.Get(violationsHeader)})
	r.mu.Unlock()
	return resp, nil
}

// since returns the exchanges after the first n.
func (r *recorder) since(n int) []exchange {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.log[n:])
}

func (r *recorder) len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.log)
}

// retryAfterExamples returns the example of each Retry-After header the
// spec declares on an error response, by operationId and status.
func retryAfterExamples(t *testing.T, spec []byte) map[string]map[int]time.Duration {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(spec)
	if err != nil {
		t.Fatalf("load spec: %v", err)
	}
	out := map[string]map[int]time.Duration{}
	for _, path := range doc.Paths.InMatchingOrder() {
		for _, op := range doc.Paths.Value(path).Operations() {
			for code, resp := range op.Responses.Map() {
				status, err := strconv.Atoi(code)
				if err != nil || status < 400 || resp.Value == nil {
					continue
				}
				if h := resp.Value.Headers["Retry-After"]; h != nil && h.Value != nil {
					if secs, ok := h.Value.Example.(float64); ok {
						if out[op.OperationID] == nil {
							out[op.OperationID] = map[int]time.Duration{}
						}
						out[op.OperationID][status] = time.Duration(secs) * time.Second
					}
				}
			}
		}
	}
	return out
}

// sentinel is the error the client must match for a status.
func sentinel(status int) error {
	switch {
	case status == http.StatusBadRequest:
		return partoo.ErrBadRequest
	case status == http.StatusUnauthorized:
		return partoo.ErrUnauthorized
	case status == http.StatusForbidden:
		return partoo.ErrForbidden
	case status == http.StatusNotFound:
		return partoo.ErrNotFound
	case status == http.StatusUnsupportedMediaType:
		return partoo.ErrUnsupportedMediaType
	case status == http.StatusTooManyRequests:
		return partoo.ErrRateLimited
	case status >= 500 && status <= 599:
		return partoo.ErrServer
	}
	return nil
}

// ordered returns the operations of the spec in the order the test sends
// them: creates first, so that the items the other examples name exist in
// the fake, deletes last.
func ordered() []*apispec.Operation {
	rank := func(op *apispec.Operation) int {
		switch op.Resource.Role {
		case apispec.Create:
			return 0
		case apispec.Delete:
			return 2
		}
		return 1
	}
	ops := make([]*apispec.Operation, len(apispec.Operations))
	for i := range apispec.Operations {
		ops[i] = &apispec.Operations[i]
	}
	sort.SliceStable(ops, func(i, j int) bool { return rank(ops[i]) < rank(ops[j]) })
	return ops
}

// call sends r through the client's raw path (Client.Do, which applies the
// operation's rules as the helpers do) and returns the metadata of the
// answer, its body when it is a success, and the error.
func call(ctx context.Context, c *partoo.Client, op *apispec.Operation, r request) (partoo.Response, []byte, error) {
	var resp partoo.Response
	var out json.RawMessage
	opts := []partoo.CallOption{partoo.CaptureResponse(&resp)}
	for name := range r.header {
		opts = append(opts, partoo.WithHeader(name, r.header.Get(name)))
	}
	if op.Success.Media != "" {
		// A success that is not JSON (its errors are): the client asks
		// for JSON alone unless told otherwise.
		opts = append(opts, partoo.WithHeader("Accept", op.Success.Media+", application/json"))
	}
	if r.media != "" {
		return callMedia(ctx, c, op, r)
	}
	var body any
	if r.body != nil {
		body = json.RawMessage(r.body)
	}
	err := c.Do(ctx, op.Method, r.path, r.query, body, &out, opts...)
	return resp, out, err
}

// callMedia is call for a body that is not JSON, which Client.Do does not
// send: r goes through the doer of the generated client (Client.Raw), the
// client's pipeline, and the metadata is read from the HTTP response.
func callMedia(ctx context.Context, c *partoo.Client, op *apispec.Operation, r request) (partoo.Response, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, op.Method, c.BaseURL()+r.target(), bytes.NewReader(r.body))
	if err != nil {
		return partoo.Response{}, nil, err
	}
	req.Header = r.header.Clone()
	if r.media != "" {
		req.Header.Set("Content-Type", r.media)
	}
	if op.Success.Media != "" {
		req.Header.Set("Accept", op.Success.Media)
	}
	resp, err := c.Raw().ClientInterface.(*gen.Client).Client.Do(req)
	if err != nil {
		return partoo.Response{}, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return partoo.Response{StatusCode: resp.StatusCode, Header: resp.Header}, b, err
}

// send sends r outside the client, with key as the API key ("" for none),
// and returns the status, the header and the body of the answer.
func send(t *testing.T, base, key string, op *apispec.Operation, r request) (int, http.Header, []byte) {
	t.Helper()
	var body io.Reader
	if r.body != nil {
		body = bytes.NewReader(r.body)
	}
	req, err := http.NewRequest(op.Method, base+r.target(), body)
	if err != nil {
		t.Fatal(err)
	}
	for name := range r.header {
		req.Header.Set(name, r.header.Get(name))
	}
	if key != "" {
		req.Header.Set(apispec.APIKeyHeader, key)
	}
	switch {
	case r.media != "":
		req.Header.Set("Content-Type", r.media)
	case r.body != nil:
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, b
}

// prismViolations returns how Prism says a request breaks the spec: its
// sl-violations header, or, when the operation declares no status for an
// invalid request, the body of the 422 Prism makes up; "" when Prism
// found no violation.
func prismViolations(status int, h http.Header, body []byte) string {
	if v := h.Get(violationsHeader); v != "" {
		return v
	}
	if status == http.StatusUnprocessableEntity {
		return string(body)
	}
	return ""
}

// checkExchanges fails on any Prism violation and on a request that is not
// one of op's.
func checkExchanges(t *testing.T, op *apispec.Operation, got []exchange) {
	t.Helper()
	if len(got) == 0 {
		t.Errorf("%s: no request reached Prism", op.ID)
	}
	for _, e := range got {
		if e.violations != "" {
			t.Errorf("%s %s: Prism reports a contract violation: %s", e.method, e.path, e.violations)
		}
		if apispec.Route(apispec.Operations[:], e.method, e.path) != op {
			t.Errorf("%s sent %s %s, want %s %s", op.ID, e.method, e.path, op.Method, op.Path)
		}
	}
}

// checkError checks an error answer of op: a status it declares (400 when
// want400), with a body of the schema it declares for that status.
func checkError(t *testing.T, who string, op *apispec.Operation, status int, body []byte, want400 bool) {
	t.Helper()
	schema, declared := errorSchema(op, status)
	switch {
	case want400 && status != http.StatusBadRequest:
		t.Errorf("%s answered %d, want 400: %s", who, status, body)
	case !declared || status < 400 || status > 499:
		t.Errorf("%s answered %d, want a 4xx the operation declares (%v): %s", who, status, op.Errors, body)
	default:
		if err := conforms(schema, body); err != nil {
			t.Errorf("%s answered %d: %v", who, status, err)
		}
	}
}

// TestContract drives every operation of the spec, from the generated
// tables and the spec's examples alone, through the client's raw path to
// Prism mocking the spec and to the fake (partootest): a valid request,
// which both must answer with a success whose body fits the spec; the
// operation's service method, found by reflection, against Prism; the
// same request without the API key; requests that each break one rule of the
// spec, which the client refuses before sending when it checks the rule,
// the fake answers 400 in the shape the operation declares (or, for an
// operation that declares no 400, a 4xx it declares), and Prism reports as
// a violation, so that a silent Prism cannot pass; and, with Prism forced
// to each error status the operation declares, the typed error. Prism's
// own limits are found from the spec, never by operation: an operation
// whose request or example holds an integer beyond 2^53-1 (Prism reads
// numbers as doubles) is checked against the fake alone, and for one that
// declares no 401, Prism's made-up 401 carries no violation.
func TestContract(t *testing.T) {
	spec := api.OpenAPIBundled()
	derived, changes, err := forPrism(spec)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range changes {
		t.Logf("spec copy for Prism: %s", c)
	}
	path := filepath.Join(t.TempDir(), "openapi-for-prism.yaml")
	if err := os.WriteFile(path, derived, 0o600); err != nil {
		t.Fatal(err)
	}
	p := startPrism(t, path)
	rec := &recorder{}
	prismClient, err := partoo.NewClient("contract-test-key",
		partoo.WithBaseURL(p.URL),
		partoo.WithHTTPClient(&http.Client{Transport: rec, Timeout: 30 * time.Second}),
		partoo.WithoutRetries(), // each forced status must reach the test as is
	)
	if err != nil {
		t.Fatal(err)
	}
	srv := partootest.NewTestServer(t)
	fakeClient := srv.Client(partoo.WithoutRetries())
	retryAfter := retryAfterExamples(t, spec)
	ctx := context.Background()

	invalid := 0
	for _, op := range ordered() {
		t.Run(op.ID, func(t *testing.T) {
			valid, err := validRequest(op)
			if err != nil {
				t.Fatalf("%s %s: no valid request can be built from the spec: %v", op.Method, op.Path, err)
			}
			// Prism reads JSON numbers and path integers as IEEE doubles:
			// an operation whose request or example holds an integer beyond
			// 2^53-1 is checked against the fake alone.
			prism := !beyondDoubles(op, valid)
			if !prism {
				t.Logf("%s: an integer beyond 2^53-1, which Prism cannot hold exactly: checked against the fake only", op.ID)
			}
			t.Run("valid request", func(t *testing.T) {
				fr, fb, ferr := call(ctx, fakeClient, op, valid)
				pr, pb, perr := fr, fb, error(nil)
				if prism {
					n := rec.len()
					pr, pb, perr = call(ctx, prismClient, op, valid)
					checkExchanges(t, op, rec.since(n))
				}
				if perr != nil || ferr != nil {
					t.Fatalf("%s %s: Prism: %v; fake: %v", op.Method, valid.target(), perr, ferr)
				}
				if pr.StatusCode/100 != fr.StatusCode/100 || fr.StatusCode != op.Success.Status {
					t.Errorf("Prism answered %d, the fake %d, want the spec's %d", pr.StatusCode, fr.StatusCode, op.Success.Status)
				}
				for _, a := range []struct {
					who  string
					body []byte
				}{{"Prism", pb}, {"the fake", fb}} {
					if err := conforms(op.Success.Schema, a.body); err != nil {
						t.Errorf("%s's success: %v", a.who, err)
					}
				}
			})
			t.Run("service method", func(t *testing.T) {
				if !prism {
					t.Skip("an integer beyond 2^53-1: Prism cannot hold it exactly")
				}
				n := rec.len()
				if err := callHelper(ctx, prismClient, op); err != nil {
					t.Errorf("%v", err)
				}
				checkExchanges(t, op, rec.since(n))
			})
			t.Run("without the API key", func(t *testing.T) {
				// For an operation that declares no 401, Prism makes one up,
				// with no violation header: the status is what is checked.
				_, declared := errorSchema(op, http.StatusUnauthorized)
				if status, h, body := send(t, p.URL, "", op, valid); prism && (status != http.StatusUnauthorized || declared && h.Get(violationsHeader) == "") {
					t.Errorf("Prism answered %d (violations %q): %s, want 401 with a violation", status, h.Get(violationsHeader), body)
				}
				status, _, body := send(t, srv.URL, "", op, valid)
				if declared && status != http.StatusUnauthorized {
					t.Errorf("the fake answered %d, want 401: %s", status, body)
				}
				checkError(t, "the fake", op, status, body, false)
			})
			want400 := slices.Contains(op.Errors, http.StatusBadRequest)
			for _, b := range breaches(op, valid) {
				invalid++
				t.Run("invalid "+b.kind, func(t *testing.T) {
					t.Logf("rule broken: %s", b.rule)
					before := srv.RequestCount()
					_, _, err := call(ctx, fakeClient, op, b.req)
					var apiErr *partoo.APIError
					switch {
					case b.local:
						if !errors.Is(err, partoo.ErrInvalidRequest) || srv.RequestCount() != before {
							t.Errorf("err = %v, the fake saw %d requests: want the client to refuse it before sending", err, srv.RequestCount()-before)
						}
					case !errors.As(err, &apiErr) || !errors.Is(err, sentinel(apiErr.StatusCode)):
						t.Errorf("err = %v, want an *APIError matching its status' sentinel", err)
					default:
						checkError(t, "the fake, through the client,", op, apiErr.StatusCode, apiErr.Body, want400)
					}
					status, _, body := send(t, srv.URL, srv.APIKey, op, b.req)
					checkError(t, "the fake", op, status, body, want400)
					if status, h, body := send(t, p.URL, "contract-test-key", op, b.req); prism && prismViolations(status, h, body) == "" {
						t.Errorf("Prism answered %d with no violation: %s", status, body)
					}
				})
			}
			for k, status := range op.Errors {
				t.Run(fmt.Sprintf("status %d", status), func(t *testing.T) {
					if !prism {
						t.Skip("an integer beyond 2^53-1: Prism cannot hold it exactly")
					}
					want := sentinel(status)
					if want == nil {
						t.Fatalf("the spec declares %d, which has no sentinel error in package partoo", status)
					}
					n := rec.len()
					forced := valid
					forced.header = valid.header.Clone()
					forced.header.Set("Prefer", "code="+strconv.Itoa(status))
					_, _, err := call(ctx, prismClient, op, forced)
					var apiErr *partoo.APIError
					if !errors.Is(err, want) || !errors.As(err, &apiErr) || apiErr.StatusCode != status {
						t.Fatalf("err = %v, want an *APIError with status %d matching %v", err, status, want)
					}
					if wantRA, ok := retryAfter[op.ID][status]; ok && apiErr.RetryAfter != wantRA {
						t.Errorf("RetryAfter = %v, want %v (the spec's example)", apiErr.RetryAfter, wantRA)
					}
					if err := conforms(op.ErrorSchemas[k], apiErr.Body); err != nil {
						t.Errorf("Prism's %d: %v", status, err)
					}
					got := rec.since(n)
					checkExchanges(t, op, got)
					for _, e := range got {
						if e.status != status {
							t.Errorf("Prism answered %d, want the forced %d", e.status, status)
						}
					}
				})
			}
		})
	}
	if invalid == 0 {
		t.Error("no rule of the spec could be broken: the test shows nothing about invalid requests")
	}
}

// TestPrismLimitationWithVerbatimSpec pins down why TestContract feeds
// Prism a copy of the spec (see forPrism): with the verbatim spec, the
// pinned Prism validates no request body whose schema holds a pattern that
// does not compile under ajv's "u" flag, not even one of the wrong type.
// The operations concerned are found from the tables. If this test fails
// after a Prism upgrade, the copy may no longer be needed.
func TestPrismLimitationWithVerbatimSpec(t *testing.T) {
	path := filepath.Join(t.TempDir(), "openapi-bundled.yaml")
	if err := os.WriteFile(path, api.OpenAPIBundled(), 0o600); err != nil {
		t.Fatal(err)
	}
	p := startPrism(t, path)
	bodies, params := 0, 0
	for i := range apispec.Operations {
		op := &apispec.Operations[i]
		valid, err := validRequest(op)
		if err != nil {
			t.Fatalf("%s: %v", op.ID, err)
		}
		limited := op.Body.Schema >= 0 && reaches(op.Body.Schema, func(s *apispec.Schema) bool {
			return s.Pattern >= 0 && unicodeSafePattern(apispec.Patterns[s.Pattern].Source) != apispec.Patterns[s.Pattern].Source
		})
		for _, b := range breaches(op, valid) {
			switch {
			case b.kind == "parameter":
				params++
				t.Run(op.ID+" parameter", func(t *testing.T) {
					if status, h, body := send(t, p.URL, "k", op, b.req); prismViolations(status, h, body) == "" {
						t.Errorf("%s: no violation: the parameters are not validated with the verbatim spec", b.rule)
					}
				})
			case limited && b.kind == "body":
				bodies++
				t.Run(op.ID+" body", func(t *testing.T) {
					if v := prismViolations(send(t, p.URL, "k", op, b.req)); v != "" {
						t.Errorf("Prism now validates this body with the verbatim spec (%s): drop forPrism from TestContract and update docs/testing.md", v)
					}
				})
			}
		}
	}
	if params == 0 {
		t.Error("no parameter rule to break: the test shows nothing")
	}
	if bodies == 0 {
		t.Skip("no request body of the spec holds a pattern that ajv's \"u\" flag refuses: the limitation has nothing to show")
	}
}

// reaches reports whether the schema of index i, or one it refers to,
// satisfies pred.
func reaches(i int, pred func(*apispec.Schema) bool) bool {
	seen := map[int]bool{}
	var walk func(i int) bool
	walk = func(i int) bool {
		if i < 0 || seen[i] {
			return false
		}
		seen[i] = true
		s := &apispec.Schemas[i]
		if pred(s) {
			return true
		}
		refs := []int{s.Items, s.AdditionalProperties, s.PropertyNames}
		for _, p := range s.Properties {
			refs = append(refs, p.Schema)
		}
		for _, m := range s.Mapping {
			refs = append(refs, m.Schema)
		}
		refs = append(append(append(refs, s.AllOf...), s.AnyOf...), s.OneOf...)
		return slices.ContainsFunc(refs, walk)
	}
	return walk(i)
}
