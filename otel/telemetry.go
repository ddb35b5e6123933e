package partootel

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/metric/noop"
	"go.opentelemetry.io/otel/propagation"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/semconv/v1.43.0/httpconv"
	"go.opentelemetry.io/otel/trace"

	"github.com/partoo-go/partoo"
)

// ScopeName is the instrumentation scope of the tracer and meter this
// package uses, for views and filters.
const ScopeName = "github.com/partoo-go/partoo/otel"

// The attribute keys of this package.
const (
	operationIDKey = attribute.Key("partoo.operation_id")
	orgIDKey       = attribute.Key("partoo.org_id")
	attemptsKey    = attribute.Key("partoo.attempts")
	attemptKey     = attribute.Key("partoo.attempt")
	requestIDKey   = attribute.Key("partoo.request_id")
)

// Option configures [WithTelemetry].
type Option func(*config)

// config holds the options of WithTelemetry.
type config struct {
	tracerProvider trace.TracerProvider
	meterProvider  metric.MeterProvider
	propagator     propagation.TextMapPropagator
}

// WithTracerProvider sets the TracerProvider that creates the spans. If
// not set, or nil, the global one (otel.GetTracerProvider) is used.
func WithTracerProvider(tp trace.TracerProvider) Option {
	return func(c *config) { c.tracerProvider = tp }
}

// WithMeterProvider sets the MeterProvider that creates the instruments.
// If not set, or nil, the global one (otel.GetMeterProvider) is used.
func WithMeterProvider(mp metric.MeterProvider) Option {
	return func(c *config) { c.meterProvider = mp }
}

// WithPropagator sets the propagator that writes the trace context into
// each attempt's request headers, such as propagation.TraceContext{}. If
// not set, or nil, the global one (otel.GetTextMapPropagator) is used,
// which injects nothing until the application sets one.
func WithPropagator(p propagation.TextMapPropagator) Option {
	return func(c *config) { c.propagator = p }
}

// WithTelemetry returns a client option that records a span per call, a
// child span and a duration measurement per attempt, and a retry count,
// and propagates the trace context to the API, as the package
// documentation describes. It registers an observer with
// [partoo.WithObserver].
func WithTelemetry(opts ...Option) partoo.Option {
	var cfg config
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	return partoo.WithObserver(newObserver(cfg))
}

// observer is the partoo.Observer of WithTelemetry. It is safe for
// concurrent use: a client calls it from every goroutine that uses it.
type observer struct {
	tracer     trace.Tracer
	propagator propagation.TextMapPropagator
	duration   metric.Float64Histogram
	retries    metric.Int64Counter
	// server caches the parsed base URL of the last call.
	server atomic.Pointer[server]
}

// newObserver creates the tracer and the instruments of cfg, with the
// globals for what cfg leaves nil. An instrument the meter refuses is
// reported to otel.Handle and replaced by a no-op one.
func newObserver(cfg config) *observer {
	tp, mp, prop := cfg.tracerProvider, cfg.meterProvider, cfg.propagator
	if tp == nil {
		tp = otel.GetTracerProvider()
	}
	if mp == nil {
		mp = otel.GetMeterProvider()
	}
	if prop == nil {
		prop = otel.GetTextMapPropagator()
	}
	o := &observer{
		tracer: tp.Tracer(ScopeName,
			trace.WithInstrumentationVersion(partoo.Version),
			trace.WithSchemaURL(semconv.SchemaURL)),
		propagator: prop,
	}
	meter := mp.Meter(ScopeName,
		metric.WithInstrumentationVersion(partoo.Version),
		metric.WithSchemaURL(semconv.SchemaURL))
	duration, err := httpconv.NewClientRequestDuration(meter)
	if err != nil {
		otel.Handle(err)
	}
	o.duration = duration.Inst()
	o.retries, err = meter.Int64Counter("partoo.client.retries",
		metric.WithUnit("{retry}"),
		metric.WithDescription("Retries of Partoo API calls: the attempts after the first."))
	if err != nil {
		otel.Handle(err)
		o.retries = noop.Int64Counter{}
	}
	return o
}

// StartCall starts the span of a call and returns the function that ends
// it and counts the call's retries.
func (o *observer) StartCall(ctx context.Context, call partoo.CallInfo) (context.Context, func(*partoo.Response, error)) {
	srv := o.serverOf(call.BaseURL)
	method := methodOf(call.Method)
	template := srv.template(call.PathTemplate)
	attrs := method.spanAttrs(make([]attribute.KeyValue, 0, 9))
	attrs = append(attrs, semconv.ServerAddress(srv.address), semconv.ServerPort(srv.port))
	if template != "" {
		attrs = append(attrs, semconv.URLTemplate(template))
	}
	if call.OperationID != "" {
		attrs = append(attrs, operationIDKey.String(call.OperationID))
	}
	if call.OrgID != 0 {
		attrs = append(attrs, orgIDKey.Int(call.OrgID))
	}
	ctx, span := o.tracer.Start(ctx, callSpanName(call, method),
		trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(attrs...))
	return ctx, func(resp *partoo.Response, err error) {
		var r partoo.Response
		if resp != nil {
			r = *resp
		}
		span.SetAttributes(attemptsKey.Int(r.Attempts))
		if r.StatusCode != 0 {
			span.SetAttributes(semconv.HTTPResponseStatusCode(r.StatusCode))
		}
		if r.RequestID != "" {
			span.SetAttributes(requestIDKey.String(r.RequestID))
		}
		if err != nil {
			setError(span, err)
		}
		if r.Attempts > 1 {
			mattrs := make([]attribute.KeyValue, 0, 4)
			if call.OperationID != "" {
				mattrs = append(mattrs, operationIDKey.String(call.OperationID))
			}
			mattrs = append(mattrs, method.attr)
			if template != "" {
				mattrs = append(mattrs, semconv.URLTemplate(template))
			}
			o.retries.Add(ctx, int64(r.Attempts-1), metric.WithAttributes(mattrs...))
		}
		span.End()
	}
}

// setError sets error.type and the status Error on span.
func setError(span trace.Span, err error) {
	kind, status := errorType(err)
	span.SetAttributes(semconv.ErrorTypeKey.String(kind))
	if status != 0 {
		// The status code says it all: the semantic conventions leave
		// the description empty.
		span.SetStatus(codes.Error, "")
		return
	}
	span.SetStatus(codes.Error, kind)
}

// callSpanName returns the name of a call's span.
func callSpanName(call partoo.CallInfo, m method) string {
	switch {
	case call.OperationID != "":
		return "partoo " + call.OperationID
	case call.PathTemplate != "":
		return "partoo " + m.name + " " + call.PathTemplate
	}
	return "partoo " + m.name
}

// attemptSpanName returns the name of an attempt's span, as the HTTP
// semantic conventions say.
func attemptSpanName(m method, template string) string {
	if template == "" {
		return m.name
	}
	return m.name + " " + template
}

// method is an HTTP method as the semantic conventions record it.
type method struct {
	// name is the method, or "HTTP" for a method outside the standard
	// ones, for span names.
	name string
	// attr is http.request.method: the method, or "_OTHER".
	attr attribute.KeyValue
	// original is http.request.method_original, for spans only (it is
	// unbounded), when attr is "_OTHER".
	original attribute.KeyValue
}

// spanAttrs appends the span attributes of m to attrs.
func (m method) spanAttrs(attrs []attribute.KeyValue) []attribute.KeyValue {
	attrs = append(attrs, m.attr)
	if m.original.Valid() {
		attrs = append(attrs, m.original)
	}
	return attrs
}

// knownMethods are the methods of the semantic conventions.
var knownMethods = func() map[string]method {
	known := map[string]method{}
	for _, m := range []string{http.MethodConnect, http.MethodDelete, http.MethodGet, http.MethodHead,
		http.MethodOptions, http.MethodPatch, http.MethodPost, http.MethodPut, http.MethodTrace, "QUERY"} {
		known[m] = method{name: m, attr: semconv.HTTPRequestMethodKey.String(m)}
	}
	return known
}()

// methodOf returns how the method m is recorded.
func methodOf(m string) method {
	if k, ok := knownMethods[m]; ok {
		return k
	}
	return method{name: "HTTP", attr: semconv.HTTPRequestMethodOther, original: semconv.HTTPRequestMethodOriginal(m)}
}

// server is what the attributes need of a base URL.
type server struct {
	baseURL  string
	address  string
	port     int
	basePath string // escaped, with no trailing slash
}

// serverOf returns the parts of baseURL, from the cache when the last call
// had the same base URL.
func (o *observer) serverOf(baseURL string) *server {
	if s := o.server.Load(); s != nil && s.baseURL == baseURL {
		return s
	}
	s := &server{baseURL: baseURL}
	if u, err := url.Parse(baseURL); err == nil {
		s.address, s.port = hostPort(u)
		s.basePath = strings.TrimSuffix(u.EscapedPath(), "/")
	}
	o.server.Store(s)
	return s
}

// template returns the url.template of a path template relative to the
// base URL: an absolute path, base path included; "" when pathTemplate is.
func (s *server) template(pathTemplate string) string {
	if pathTemplate == "" {
		return ""
	}
	return s.basePath + pathTemplate
}

// hostPort returns the host of u and its port, or the scheme's default
// port when u names none.
func hostPort(u *url.URL) (string, int) {
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err == nil {
			return u.Hostname(), n
		}
	}
	switch u.Scheme {
	case "http":
		return u.Hostname(), 80
	default:
		return u.Hostname(), 443
	}
}
