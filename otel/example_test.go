package partootel_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/propagation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/partoo-go/partoo"
	partootel "github.com/partoo-go/partoo/otel"
)

func ExampleWithTelemetry() {
	// A fake Partoo API, mounted under /v2, that reports whether each
	// request carried a trace context.
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v2/webhooks/1", func(w http.ResponseWriter, r *http.Request) {
		fmt.Println("server: traceparent received:", r.Header.Get("Traceparent") != "")
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Request-Id", "req-42")
		_, _ = io.WriteString(w, `{"id":1,"url":"https://example.com/webhook","event_type":"business_created","created_at":"2024-11-27T16:10:44.929678Z","updated_at":"2024-11-27T16:10:44.929678Z","org_id":1}`)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	// In-memory SDK providers; an application passes its own, or sets
	// the otel globals and calls WithTelemetry().
	spans := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))

	client, err := partoo.NewClient("example-api-key",
		partoo.WithBaseURL(srv.URL+"/v2"),
		partoo.WithTransport(srv.Client().Transport),
		partootel.WithTelemetry(
			partootel.WithTracerProvider(tp),
			partootel.WithMeterProvider(mp),
			partootel.WithPropagator(propagation.TraceContext{}),
		))
	if err != nil {
		fmt.Println(err)
		return
	}
	webhook, err := client.Webhooks.Get(context.Background(), 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("webhook:", webhook.URL)

	// The spans and a few of their attributes, sorted by name.
	ended := spans.Ended()
	slices.SortFunc(ended, func(a, b sdktrace.ReadOnlySpan) int { return strings.Compare(a.Name(), b.Name()) })
	show := []string{"http.response.status_code", "partoo.attempt", "partoo.attempts", "partoo.operation_id", "partoo.request_id", "url.template"}
	for _, s := range ended {
		fmt.Printf("span %q, %v:\n", s.Name(), s.SpanKind())
		attrs := s.Attributes()
		slices.SortFunc(attrs, func(a, b attribute.KeyValue) int { return strings.Compare(string(a.Key), string(b.Key)) })
		for _, kv := range attrs {
			if slices.Contains(show, string(kv.Key)) {
				fmt.Printf("  %s = %s\n", kv.Key, kv.Value.String())
			}
		}
	}

	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		fmt.Println(err)
		return
	}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if h, ok := m.Data.(metricdata.Histogram[float64]); ok {
				fmt.Printf("metric %s (%s): %d measurement(s)\n", m.Name, m.Unit, h.DataPoints[0].Count)
			}
		}
	}
	// Output:
	// server: traceparent received: true
	// webhook: https://example.com/webhook
	// span "GET /v2/webhooks/{webhook_id}", client:
	//   http.response.status_code = 200
	//   partoo.attempt = 1
	//   partoo.operation_id = getWebhook
	//   url.template = /v2/webhooks/{webhook_id}
	// span "partoo getWebhook", client:
	//   http.response.status_code = 200
	//   partoo.attempts = 1
	//   partoo.operation_id = getWebhook
	//   partoo.request_id = req-42
	//   url.template = /v2/webhooks/{webhook_id}
	// metric http.client.request.duration (s): 1 measurement(s)
}
