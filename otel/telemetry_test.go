package partootel_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/baggage"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/partoo-go/partoo"
	"github.com/partoo-go/partoo/gen"
	partootel "github.com/partoo-go/partoo/otel"
)

// testKey is a distinctive API key, searched for in everything recorded.
const testKey = "pk-SECRET-KEY-5f2b8c1e9d"

const webhookJSON = `{"id":%d,"url":"https://example.com/webhook","event_type":"business_created","created_at":"2024-11-27T16:10:44.929678Z","updated_at":"2024-11-27T16:10:44.929678Z","org_id":1}`

// received is a request as the fake API saw it.
type received struct {
	path   string
	query  url.Values
	header http.Header
}

// api is a fake Partoo API mounted under /v2.
type api struct {
	mu       sync.Mutex
	requests []received
	flaky    atomic.Int32 // requests to /v2/webhooks/3 so far
}

func (a *api) record(r *http.Request) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.requests = append(a.requests, received{path: r.URL.Path, query: r.URL.Query(), header: r.Header.Clone()})
}

// received returns the requests seen so far.
func (a *api) received() []received {
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Clone(a.requests)
}

func (a *api) handler() http.Handler {
	mux := http.NewServeMux()
	writeJSON := func(w http.ResponseWriter, status int, body string) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
	mux.HandleFunc("GET /v2/webhooks/1", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", "req-get-1")
		writeJSON(w, http.StatusOK, fmt.Sprintf(webhookJSON, 1))
	})
	mux.HandleFunc("GET /v2/webhooks/2", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", "req-404")
		writeJSON(w, http.StatusNotFound, `{"errors":{"json":"Resource not found"}}`)
	})
	mux.HandleFunc("GET /v2/webhooks/3", func(w http.ResponseWriter, r *http.Request) {
		if a.flaky.Add(1) == 1 {
			writeJSON(w, http.StatusServiceUnavailable, `{"errors":{"json":"try again"}}`)
			return
		}
		w.Header().Set("X-Request-Id", "req-flaky-ok")
		writeJSON(w, http.StatusOK, fmt.Sprintf(webhookJSON, 3))
	})
	mux.HandleFunc("GET /v2/webhooks", func(w http.ResponseWriter, r *http.Request) {
		page := 1
		if p := r.URL.Query().Get("page"); p != "" {
			page, _ = strconv.Atoi(p)
		}
		writeJSON(w, http.StatusOK, fmt.Sprintf(`{"page":%d,"max_page":2,"count":2,"items":[`+webhookJSON+`]}`, page, 10+page))
	})
	mux.HandleFunc("GET /v2/things/{id}", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, `{"ok":true}`)
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.record(r)
		mux.ServeHTTP(w, r)
	})
}

// fixture is a client instrumented with in-memory exporters, talking to a
// fake API.
type fixture struct {
	api    *api
	srv    *httptest.Server
	client *partoo.Client
	spans  *tracetest.SpanRecorder
	reader *sdkmetric.ManualReader
	// tracer makes the test's own root spans, with the same provider.
	tracer trace.Tracer
}

func newFixture(t *testing.T, opts ...partoo.Option) *fixture {
	t.Helper()
	f := &fixture{api: &api{}, spans: tracetest.NewSpanRecorder(), reader: sdkmetric.NewManualReader()}
	f.srv = httptest.NewServer(f.api.handler())
	t.Cleanup(f.srv.Close)
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(f.spans))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(f.reader))
	f.tracer = tp.Tracer("test")
	all := []partoo.Option{
		partoo.WithBaseURL(f.srv.URL + "/v2"),
		partoo.WithTransport(f.srv.Client().Transport),
		partoo.WithRetryPolicy(partoo.RetryPolicy{MinWait: time.Millisecond, MaxWait: time.Millisecond}),
		partootel.WithTelemetry(
			partootel.WithTracerProvider(tp),
			partootel.WithMeterProvider(mp),
			partootel.WithPropagator(propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{})),
		),
	}
	client, err := partoo.NewClient(testKey, append(all, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	f.client = client
	return f
}

// port is the fake API's port, as server.port records it.
func (f *fixture) port() string {
	u, _ := url.Parse(f.srv.URL)
	return u.Port()
}

// ended returns the ended spans, the test's root spans left out.
func (f *fixture) ended() []sdktrace.ReadOnlySpan {
	var out []sdktrace.ReadOnlySpan
	for _, s := range f.spans.Ended() {
		if s.InstrumentationScope().Name == partootel.ScopeName {
			out = append(out, s)
		}
	}
	return out
}

// metrics collects the metrics recorded so far.
func (f *fixture) metrics(t *testing.T) metricdata.ResourceMetrics {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := f.reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	return rm
}

// durations returns the data points of http.client.request.duration.
func durations(t *testing.T, rm metricdata.ResourceMetrics) []metricdata.HistogramDataPoint[float64] {
	t.Helper()
	m, ok := findMetric(rm, "http.client.request.duration")
	if !ok {
		return nil
	}
	h, ok := m.Data.(metricdata.Histogram[float64])
	if !ok {
		t.Fatalf("http.client.request.duration is a %T, want a float64 histogram", m.Data)
	}
	if m.Unit != "s" {
		t.Errorf("http.client.request.duration unit = %q, want s", m.Unit)
	}
	return h.DataPoints
}

// retries returns the data points of partoo.client.retries.
func retries(t *testing.T, rm metricdata.ResourceMetrics) []metricdata.DataPoint[int64] {
	t.Helper()
	m, ok := findMetric(rm, "partoo.client.retries")
	if !ok {
		return nil
	}
	s, ok := m.Data.(metricdata.Sum[int64])
	if !ok || !s.IsMonotonic {
		t.Fatalf("partoo.client.retries is a %T, want a monotonic int64 sum", m.Data)
	}
	return s.DataPoints
}

func findMetric(rm metricdata.ResourceMetrics, name string) (metricdata.Metrics, bool) {
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name == name {
				return m, true
			}
		}
	}
	return metricdata.Metrics{}, false
}

// attrs returns attributes as strings, for cmp.Diff.
func attrs(kvs []attribute.KeyValue) map[string]string {
	m := make(map[string]string, len(kvs))
	for _, kv := range kvs {
		m[string(kv.Key)] = kv.Value.String()
	}
	return m
}

// byName returns the spans named name.
func byName(spans []sdktrace.ReadOnlySpan, name string) []sdktrace.ReadOnlySpan {
	var out []sdktrace.ReadOnlySpan
	for _, s := range spans {
		if s.Name() == name {
			out = append(out, s)
		}
	}
	return out
}

// one returns the single span named name.
func one(t *testing.T, spans []sdktrace.ReadOnlySpan, name string) sdktrace.ReadOnlySpan {
	t.Helper()
	got := byName(spans, name)
	if len(got) != 1 {
		t.Fatalf("%d spans named %q, want 1; spans: %v", len(got), name, names(spans))
	}
	return got[0]
}

func names(spans []sdktrace.ReadOnlySpan) []string {
	var out []string
	for _, s := range spans {
		out = append(out, s.Name())
	}
	slices.Sort(out)
	return out
}

// childOf fails unless child's parent is parent.
func childOf(t *testing.T, child sdktrace.ReadOnlySpan, parent trace.SpanContext) {
	t.Helper()
	if got := child.Parent(); got.TraceID() != parent.TraceID() || got.SpanID() != parent.SpanID() {
		t.Errorf("span %q: parent %s/%s, want %s/%s", child.Name(), got.TraceID(), got.SpanID(), parent.TraceID(), parent.SpanID())
	}
}

func TestHelperCall(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx, root := f.tracer.Start(context.Background(), "test")
	m, _ := baggage.NewMember("tenant", "acme")
	bag, _ := baggage.New(m)
	ctx = baggage.ContextWithBaggage(ctx, bag)
	item, err := f.client.Webhooks.Get(ctx, 1, partoo.WithCallOrgID(7))
	root.End()
	if err != nil {
		t.Fatal(err)
	}
	if item.ID != 1 {
		t.Errorf("item id = %d, want 1", item.ID)
	}

	spans := f.ended()
	if got, want := names(spans), []string{"GET /v2/webhooks/{webhook_id}", "partoo getWebhook"}; !slices.Equal(got, want) {
		t.Fatalf("spans = %q, want %q", got, want)
	}
	call := one(t, spans, "partoo getWebhook")
	att := one(t, spans, "GET /v2/webhooks/{webhook_id}")
	childOf(t, call, root.SpanContext())
	childOf(t, att, call.SpanContext())
	for _, s := range spans {
		if s.SpanKind() != trace.SpanKindClient {
			t.Errorf("span %q: kind %v, want client", s.Name(), s.SpanKind())
		}
		if s.Status().Code != codes.Unset {
			t.Errorf("span %q: status %v, want unset", s.Name(), s.Status())
		}
		if len(s.Events()) != 0 {
			t.Errorf("span %q: %d events, want none", s.Name(), len(s.Events()))
		}
	}
	wantCall := map[string]string{
		"http.request.method":       "GET",
		"server.address":            "127.0.0.1",
		"server.port":               f.port(),
		"url.template":              "/v2/webhooks/{webhook_id}",
		"partoo.operation_id":       "getWebhook",
		"partoo.org_id":             "7",
		"http.response.status_code": "200",
		"partoo.attempts":           "1",
		"partoo.request_id":         "req-get-1",
	}
	if diff := cmp.Diff(wantCall, attrs(call.Attributes())); diff != "" {
		t.Errorf("call span attributes (-want +got):\n%s", diff)
	}
	wantAttempt := map[string]string{
		"http.request.method":       "GET",
		"server.address":            "127.0.0.1",
		"server.port":               f.port(),
		"url.template":              "/v2/webhooks/{webhook_id}",
		"partoo.operation_id":       "getWebhook",
		"partoo.attempt":            "1",
		"http.response.status_code": "200",
	}
	if diff := cmp.Diff(wantAttempt, attrs(att.Attributes())); diff != "" {
		t.Errorf("attempt span attributes (-want +got):\n%s", diff)
	}

	// The server received the attempt span's context and the baggage.
	reqs := f.api.received()
	if len(reqs) != 1 {
		t.Fatalf("%d requests, want 1", len(reqs))
	}
	if got := reqs[0].header.Values("Traceparent"); len(got) != 1 {
		t.Errorf("traceparent values = %q, want one", got)
	}
	sent := trace.SpanContextFromContext(propagation.TraceContext{}.Extract(context.Background(), propagation.HeaderCarrier(reqs[0].header)))
	if sent.TraceID() != att.SpanContext().TraceID() || sent.SpanID() != att.SpanContext().SpanID() {
		t.Errorf("traceparent = %q, want the attempt span %s/%s", reqs[0].header.Get("Traceparent"), att.SpanContext().TraceID(), att.SpanContext().SpanID())
	}
	if got := reqs[0].header.Get("Baggage"); got != "tenant=acme" {
		t.Errorf("baggage = %q, want tenant=acme", got)
	}

	rm := f.metrics(t)
	points := durations(t, rm)
	if len(points) != 1 || points[0].Count != 1 {
		t.Fatalf("duration points = %+v, want one with count 1", points)
	}
	wantDuration := map[string]string{
		"http.request.method":       "GET",
		"server.address":            "127.0.0.1",
		"server.port":               f.port(),
		"url.template":              "/v2/webhooks/{webhook_id}",
		"http.response.status_code": "200",
	}
	if diff := cmp.Diff(wantDuration, attrs(points[0].Attributes.ToSlice())); diff != "" {
		t.Errorf("duration attributes (-want +got):\n%s", diff)
	}
	if got := retries(t, rm); len(got) != 0 {
		t.Errorf("retries = %+v, want none", got)
	}
}

func TestIteratorPages(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx, root := f.tracer.Start(context.Background(), "test")
	var ids []int
	for item, err := range f.client.Webhooks.List(ctx, nil) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, item.ID)
	}
	root.End()
	if want := []int{11, 12}; !slices.Equal(ids, want) {
		t.Fatalf("ids = %v, want %v", ids, want)
	}
	spans := f.ended()
	calls := byName(spans, "partoo getWebhookList")
	attempts := byName(spans, "GET /v2/webhooks")
	if len(calls) != 2 || len(attempts) != 2 || len(spans) != 4 {
		t.Fatalf("spans = %q, want two calls with one attempt each", names(spans))
	}
	for i, call := range calls {
		childOf(t, call, root.SpanContext())
		childOf(t, attempts[i], call.SpanContext())
		a := attrs(call.Attributes())
		if a["partoo.attempts"] != "1" || a["url.template"] != "/v2/webhooks" || a["partoo.operation_id"] != "getWebhookList" {
			t.Errorf("page %d: call attributes = %v", i+1, a)
		}
	}
	var n uint64
	for _, p := range durations(t, f.metrics(t)) {
		n += p.Count
	}
	if n != 2 {
		t.Errorf("duration count = %d, want 2", n)
	}
}

func TestDo(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		path        string
		opts        []partoo.CallOption
		call        string
		attempt     string
		template    string // "" for none
		operationID string // "" for none
	}{
		{
			name:     "with path template",
			path:     "/things/42",
			opts:     []partoo.CallOption{partoo.WithPathTemplate("/things/{id}")},
			call:     "partoo GET /things/{id}",
			attempt:  "GET /v2/things/{id}",
			template: "/v2/things/{id}",
		},
		{
			name:    "without path template",
			path:    "/things/42",
			call:    "partoo GET",
			attempt: "GET",
		},
		{
			name:        "operation of the spec",
			path:        "/webhooks/1",
			call:        "partoo getWebhook",
			attempt:     "GET /v2/webhooks/{webhook_id}",
			template:    "/v2/webhooks/{webhook_id}",
			operationID: "getWebhook",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			if err := f.client.Do(context.Background(), http.MethodGet, tt.path, nil, nil, nil, tt.opts...); err != nil {
				t.Fatal(err)
			}
			spans := f.ended()
			call := one(t, spans, tt.call)
			att := one(t, spans, tt.attempt)
			childOf(t, att, call.SpanContext())
			for _, s := range spans {
				a := attrs(s.Attributes())
				if got, ok := a["url.template"]; ok != (tt.template != "") || got != tt.template {
					t.Errorf("span %q: url.template = %q (set: %v), want %q", s.Name(), got, ok, tt.template)
				}
				if got := a["partoo.operation_id"]; got != tt.operationID {
					t.Errorf("span %q: partoo.operation_id = %q, want %q", s.Name(), got, tt.operationID)
				}
				if got := a["http.request.method"]; got != "GET" {
					t.Errorf("span %q: http.request.method = %q, want GET", s.Name(), got)
				}
			}
		})
	}
}

func TestRetriedCall(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	if _, err := f.client.Webhooks.Get(context.Background(), 3); err != nil {
		t.Fatal(err)
	}
	spans := f.ended()
	call := one(t, spans, "partoo getWebhook")
	attempts := byName(spans, "GET /v2/webhooks/{webhook_id}")
	if len(attempts) != 2 || len(spans) != 3 {
		t.Fatalf("spans = %q, want a call with two attempts", names(spans))
	}
	ca := attrs(call.Attributes())
	if ca["partoo.attempts"] != "2" || ca["http.response.status_code"] != "200" || ca["partoo.request_id"] != "req-flaky-ok" {
		t.Errorf("call attributes = %v", ca)
	}
	if _, ok := ca["error.type"]; ok || call.Status().Code != codes.Unset {
		t.Errorf("call span: error.type %q, status %v; want none (the call succeeded)", ca["error.type"], call.Status())
	}
	// Spans end in the order of the attempts.
	reqs := f.api.received()
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want 2", len(reqs))
	}
	for i, att := range attempts {
		childOf(t, att, call.SpanContext())
		a := attrs(att.Attributes())
		wantStatus, wantCode := "503", codes.Error
		if i == 1 {
			wantStatus, wantCode = "200", codes.Unset
		}
		if a["partoo.attempt"] != strconv.Itoa(i+1) || a["http.response.status_code"] != wantStatus || att.Status().Code != wantCode {
			t.Errorf("attempt %d: attributes %v, status %v", i+1, a, att.Status())
		}
		if i == 0 && a["error.type"] != "503" {
			t.Errorf("attempt 1: error.type = %q, want 503", a["error.type"])
		}
		// Each request carried its own attempt's context, once.
		h := reqs[i].header
		if got := h.Values("Traceparent"); len(got) != 1 {
			t.Errorf("request %d: traceparent values = %q, want one", i+1, got)
		}
		sent := trace.SpanContextFromContext(propagation.TraceContext{}.Extract(context.Background(), propagation.HeaderCarrier(h)))
		if sent.SpanID() != att.SpanContext().SpanID() {
			t.Errorf("request %d: traceparent %q, want span %s", i+1, h.Get("Traceparent"), att.SpanContext().SpanID())
		}
	}

	rm := f.metrics(t)
	var n uint64
	statuses := map[string]uint64{}
	for _, p := range durations(t, rm) {
		n += p.Count
		v, _ := p.Attributes.Value("http.response.status_code")
		statuses[v.String()] += p.Count
	}
	if n != 2 || statuses["503"] != 1 || statuses["200"] != 1 {
		t.Errorf("durations: count %d by status %v, want one 503 and one 200", n, statuses)
	}
	r := retries(t, rm)
	if len(r) != 1 || r[0].Value != 1 {
		t.Fatalf("retries = %+v, want one point of value 1", r)
	}
	if v, _ := r[0].Attributes.Value("partoo.operation_id"); v.AsString() != "getWebhook" {
		t.Errorf("retries partoo.operation_id = %q, want getWebhook", v.AsString())
	}
}

func TestNotFound(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	_, err := f.client.Webhooks.Get(context.Background(), 2)
	if !errors.Is(err, partoo.ErrNotFound) {
		t.Fatalf("err = %v, want ErrNotFound", err)
	}
	spans := f.ended()
	for _, name := range []string{"partoo getWebhook", "GET /v2/webhooks/{webhook_id}"} {
		s := one(t, spans, name)
		a := attrs(s.Attributes())
		if a["error.type"] != "404" || a["http.response.status_code"] != "404" {
			t.Errorf("span %q: attributes %v, want error.type and status 404", name, a)
		}
		if s.Status().Code != codes.Error {
			t.Errorf("span %q: status %v, want Error", name, s.Status())
		}
	}
	if a := attrs(one(t, spans, "partoo getWebhook").Attributes()); a["partoo.attempts"] != "1" || a["partoo.request_id"] != "req-404" {
		t.Errorf("call attributes = %v, want 1 attempt and request id req-404", a)
	}
	points := durations(t, f.metrics(t))
	if len(points) != 1 {
		t.Fatalf("duration points = %+v, want one", points)
	}
	if v, _ := points[0].Attributes.Value("error.type"); v.AsString() != "404" {
		t.Errorf("duration error.type = %q, want 404", v.AsString())
	}
}

func TestRefusedBeforeSending(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	n := gen.QueryPerPage1100(500) // the spec caps per_page at 100
	var err error
	for _, err = range f.client.Webhooks.List(context.Background(), &gen.GetWebhookListParams{PerPage: &n}) {
		if err != nil {
			break
		}
	}
	if !errors.Is(err, partoo.ErrInvalidRequest) {
		t.Fatalf("err = %v, want ErrInvalidRequest", err)
	}
	if got := f.api.received(); len(got) != 0 {
		t.Fatalf("the server received %d requests, want none", len(got))
	}
	spans := f.ended()
	if len(spans) != 1 {
		t.Fatalf("spans = %q, want the call span alone", names(spans))
	}
	call := one(t, spans, "partoo getWebhookList")
	a := attrs(call.Attributes())
	if a["partoo.attempts"] != "0" || a["error.type"] != "invalid_request" {
		t.Errorf("call attributes = %v, want 0 attempts and error.type invalid_request", a)
	}
	if _, ok := a["http.response.status_code"]; ok {
		t.Errorf("call attributes = %v, want no status code", a)
	}
	if st := call.Status(); st.Code != codes.Error || st.Description != "invalid_request" {
		t.Errorf("call status = %+v, want Error invalid_request", st)
	}
	rm := f.metrics(t)
	if got := durations(t, rm); len(got) != 0 {
		t.Errorf("durations = %+v, want none", got)
	}
	if got := retries(t, rm); len(got) != 0 {
		t.Errorf("retries = %+v, want none", got)
	}
}

func TestTransportError(t *testing.T) {
	t.Parallel()
	dead := httptest.NewServer(http.NotFoundHandler())
	deadURL := dead.URL
	dead.Close()
	f := newFixture(t, partoo.WithBaseURL(deadURL+"/v2"), partoo.WithRetryPolicy(partoo.RetryPolicy{
		MaxAttempts: 2, MinWait: time.Millisecond, MaxWait: time.Millisecond,
	}))
	_, err := f.client.Webhooks.Get(context.Background(), 1)
	if err == nil {
		t.Fatal("Get on a closed server succeeded")
	}
	spans := f.ended()
	call := one(t, spans, "partoo getWebhook")
	attempts := byName(spans, "GET /v2/webhooks/{webhook_id}")
	if len(attempts) != 2 {
		t.Fatalf("spans = %q, want two attempts", names(spans))
	}
	for _, s := range append(attempts, call) {
		a := attrs(s.Attributes())
		if a["error.type"] != "connection" || s.Status().Code != codes.Error || s.Status().Description != "connection" {
			t.Errorf("span %q: error.type %q, status %+v; want connection", s.Name(), a["error.type"], s.Status())
		}
		if _, ok := a["http.response.status_code"]; ok {
			t.Errorf("span %q: a status code without a response", s.Name())
		}
	}
	r := retries(t, f.metrics(t))
	if len(r) != 1 || r[0].Value != 1 {
		t.Errorf("retries = %+v, want one point of value 1", r)
	}
}

// TestNothingSecretRecorded makes calls that carry the API key, a custom
// header value and query strings, some failing with errors that quote the
// URL, and searches every span and metric point for them.
func TestNothingSecretRecorded(t *testing.T) {
	t.Parallel()
	const (
		headerValue = "hdr-SECRET-VALUE-77d1"
		queryValue  = "qry-SECRET-TOKEN-93ab"
	)
	secrets := []string{testKey, headerValue, queryValue, "token=", "?"}
	f := newFixture(t)
	ctx := context.Background()
	header := partoo.WithHeader("X-Custom-Secret", headerValue)
	query := url.Values{"token": {queryValue}}

	if _, err := f.client.Webhooks.Get(ctx, 1, header); err != nil {
		t.Fatal(err)
	}
	if _, err := f.client.Webhooks.Get(ctx, 3, header); err != nil { // retried after a 503
		t.Fatal(err)
	}
	if _, err := f.client.Webhooks.Get(ctx, 2, header); !errors.Is(err, partoo.ErrNotFound) {
		t.Fatalf("err = %v, want ErrNotFound", err)
	}
	if err := f.client.Do(ctx, http.MethodGet, "/things/1", query, nil, nil, header, partoo.WithPathTemplate("/things/{id}")); err != nil {
		t.Fatal(err)
	}
	if err := f.client.Do(ctx, http.MethodGet, "/things/2", query, nil, nil, header); err != nil {
		t.Fatal(err)
	}
	if err := f.client.Do(ctx, "PURGE", "/things/3", query, nil, nil, header); err == nil {
		t.Fatal("PURGE /things/3 succeeded, want a 405")
	}
	for _, err := range f.client.Webhooks.List(ctx, nil, header) {
		if err != nil {
			t.Fatal(err)
		}
	}
	// The server saw the secrets: the test is not vacuous.
	var sawHeader, sawQuery bool
	for _, r := range f.api.received() {
		sawHeader = sawHeader || r.header.Get("X-Custom-Secret") == headerValue
		sawQuery = sawQuery || r.query.Get("token") == queryValue
	}
	if !sawHeader || !sawQuery {
		t.Fatalf("the server saw the header value: %v, the query: %v; want both", sawHeader, sawQuery)
	}

	// Transport errors, whose messages quote the URL with its query.
	dead := httptest.NewServer(http.NotFoundHandler())
	deadURL := dead.URL
	dead.Close()
	f2 := newFixture(t, partoo.WithBaseURL(deadURL+"/v2"))
	if err := f2.client.Do(ctx, http.MethodGet, "/things/4", query, nil, nil, header); err == nil {
		t.Fatal("Do on a closed server succeeded")
	}

	var b strings.Builder
	n := 0
	for _, fx := range []*fixture{f, f2} {
		for _, s := range fx.spans.Ended() {
			n++
			fmt.Fprintf(&b, "span %s kind=%v status=%v %q\n", s.Name(), s.SpanKind(), s.Status().Code, s.Status().Description)
			for _, kv := range s.Attributes() {
				fmt.Fprintf(&b, "  %s=%s\n", kv.Key, kv.Value.String())
			}
			for _, e := range s.Events() {
				fmt.Fprintf(&b, "  event %s\n", e.Name)
				for _, kv := range e.Attributes {
					fmt.Fprintf(&b, "    %s=%s\n", kv.Key, kv.Value.String())
				}
			}
			for _, l := range s.Links() {
				for _, kv := range l.Attributes {
					fmt.Fprintf(&b, "  link %s=%s\n", kv.Key, kv.Value.String())
				}
			}
		}
		rm := fx.metrics(t)
		for _, sm := range rm.ScopeMetrics {
			for _, m := range sm.Metrics {
				fmt.Fprintf(&b, "metric %s %s %s\n", m.Name, m.Unit, m.Description)
				switch d := m.Data.(type) {
				case metricdata.Histogram[float64]:
					for _, p := range d.DataPoints {
						n++
						fmt.Fprintf(&b, "  %s count=%d\n", p.Attributes.Encoded(attribute.DefaultEncoder()), p.Count)
						for _, e := range p.Exemplars {
							fmt.Fprintf(&b, "  exemplar %v\n", e.FilteredAttributes)
						}
					}
				case metricdata.Sum[int64]:
					for _, p := range d.DataPoints {
						n++
						fmt.Fprintf(&b, "  %s value=%d\n", p.Attributes.Encoded(attribute.DefaultEncoder()), p.Value)
						for _, e := range p.Exemplars {
							fmt.Fprintf(&b, "  exemplar %v\n", e.FilteredAttributes)
						}
					}
				default:
					t.Errorf("metric %s: unexpected data %T", m.Name, m.Data)
				}
			}
		}
	}
	if n < 20 {
		t.Fatalf("only %d spans and points recorded:\n%s", n, b.String())
	}
	text := b.String()
	for _, s := range secrets {
		if strings.Contains(text, s) {
			t.Errorf("the telemetry contains %q:\n%s", s, text)
		}
	}
	if t.Failed() {
		return
	}
	// The method outside the standard ones is recorded as _OTHER, its
	// name on the two spans of its call only, not on metrics.
	if !strings.Contains(text, "span partoo HTTP ") || strings.Count(text, "http.request.method_original=PURGE") != 2 {
		t.Errorf("the PURGE call is not recorded as _OTHER, with its name on its spans only:\n%s", text)
	}
}

// TestConcurrentCalls runs calls from several goroutines on one client,
// for the race detector.
func TestConcurrentCalls(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if _, err := f.client.Webhooks.Get(context.Background(), 1); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if got := len(byName(f.ended(), "partoo getWebhook")); got != 8 {
		t.Errorf("%d call spans, want 8", got)
	}
}

// TestGlobalDefaults checks that WithTelemetry without options, or with
// nil ones, uses the otel globals: no-ops until the application sets them,
// so the call works and carries no trace context.
func TestGlobalDefaults(t *testing.T) {
	t.Parallel()
	tests := map[string]partoo.Option{
		"no options": partootel.WithTelemetry(),
		"nil options": partootel.WithTelemetry(nil, partootel.WithTracerProvider(nil),
			partootel.WithMeterProvider(nil), partootel.WithPropagator(nil)),
	}
	for name, opt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			a := &api{}
			srv := httptest.NewServer(a.handler())
			t.Cleanup(srv.Close)
			client, err := partoo.NewClient(testKey, partoo.WithBaseURL(srv.URL+"/v2"), partoo.WithTransport(srv.Client().Transport), opt)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := client.Webhooks.Get(context.Background(), 1); err != nil {
				t.Fatal(err)
			}
			reqs := a.received()
			if len(reqs) != 1 {
				t.Fatalf("%d requests, want 1", len(reqs))
			}
			if got := reqs[0].header.Get("Traceparent"); got != "" {
				t.Errorf("traceparent = %q, want none with the global no-op propagator", got)
			}
		})
	}
}
