package partootel

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/partoo-go/partoo"
)

// roundTripFunc is an http.RoundTripper made of a function.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }

// probe wraps the observer's RoundTripper and checks that the request it
// is handed comes back unchanged.
type probe struct {
	*observer
	t *testing.T
}

func (p probe) RoundTripper(next http.RoundTripper) http.RoundTripper {
	inner := p.observer.RoundTripper(next)
	return roundTripFunc(func(req *http.Request) (*http.Response, error) {
		header, ctx := req.Header.Clone(), req.Context()
		resp, err := inner.RoundTrip(req)
		if diff := cmp.Diff(header, req.Header); diff != "" {
			p.t.Errorf("the caller's request headers changed (-before +after):\n%s", diff)
		}
		if req.Context() != ctx {
			p.t.Error("the caller's request context changed")
		}
		return resp, err
	})
}

func TestRoundTripperLeavesRequestAlone(t *testing.T) {
	t.Parallel()
	var traceparent string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		traceparent = r.Header.Get("Traceparent")
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"ok":true}`)
	}))
	t.Cleanup(srv.Close)
	o := newObserver(config{
		tracerProvider: sdktrace.NewTracerProvider(),
		propagator:     propagation.TraceContext{},
	})
	client, err := partoo.NewClient("test-key", partoo.WithBaseURL(srv.URL+"/v2"),
		partoo.WithTransport(srv.Client().Transport), partoo.WithObserver(probe{o, t}))
	if err != nil {
		t.Fatal(err)
	}
	if err := client.Do(context.Background(), http.MethodGet, "/things/1", nil, nil, nil); err != nil {
		t.Fatal(err)
	}
	if traceparent == "" {
		t.Error("the server received no traceparent: the probe checked nothing")
	}
}
