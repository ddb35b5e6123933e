package partootel

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/partoo-go/partoo"
)

// RoundTripper wraps the transport of every attempt: each request gets a
// span, the trace context in its headers, and a duration measurement.
func (o *observer) RoundTripper(next http.RoundTripper) http.RoundTripper {
	return &transport{o: o, next: next}
}

// transport is the RoundTripper of an observer.
type transport struct {
	o    *observer
	next http.RoundTripper
}

// RoundTrip starts the attempt's span, sends a clone of req that carries
// the span's context, and ends the span when the response body has been
// read or closed (at once on an error). A request that belongs to no
// attempt of a call goes through untouched.
func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	info, ok := partoo.AttemptFromContext(req.Context())
	if !ok {
		return t.next.RoundTrip(req)
	}
	o := t.o
	m := methodOf(req.Method)
	template := o.serverOf(info.Call.BaseURL).template(info.Call.PathTemplate)
	address, port := hostPort(req.URL)

	attrs := make([]attribute.KeyValue, 0, 6)
	attrs = append(attrs, m.attr, semconv.ServerAddress(address), semconv.ServerPort(port))
	if template != "" {
		attrs = append(attrs, semconv.URLTemplate(template))
	}
	spanAttrs := append(attrs[:len(attrs):len(attrs)], attemptKey.Int(info.Attempt))
	if m.original.Valid() {
		spanAttrs = append(spanAttrs, m.original)
	}
	if info.Call.OperationID != "" {
		spanAttrs = append(spanAttrs, operationIDKey.String(info.Call.OperationID))
	}

	a := &attempt{o: o, attrs: attrs, start: time.Now()}
	a.ctx, a.span = o.tracer.Start(req.Context(), attemptSpanName(m, template),
		trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(spanAttrs...))
	// The RoundTripper contract: never change the caller's request.
	r := req.Clone(a.ctx)
	o.propagator.Inject(a.ctx, propagation.HeaderCarrier(r.Header))

	resp, err := t.next.RoundTrip(r)
	if err != nil {
		a.end(err)
		return resp, err
	}
	a.status = resp.StatusCode
	if resp.Body == nil || resp.Body == http.NoBody {
		a.end(nil)
		return resp, nil
	}
	resp.Body = &body{ReadCloser: resp.Body, a: a}
	return resp, nil
}

// attempt is one attempt in flight.
type attempt struct {
	o      *observer
	ctx    context.Context
	span   trace.Span
	attrs  []attribute.KeyValue // the attributes of the duration, without the outcome
	start  time.Time
	status int // set before end may run
	once   sync.Once
}

// end records the outcome of the attempt, once: err is a transport error,
// or an error while reading the body.
func (a *attempt) end(err error) {
	a.once.Do(func() {
		elapsed := time.Since(a.start).Seconds()
		attrs := a.attrs
		if a.status != 0 {
			sc := semconv.HTTPResponseStatusCode(a.status)
			attrs = append(attrs, sc)
			a.span.SetAttributes(sc)
		}
		switch {
		case a.status >= 400:
			et := semconv.ErrorTypeKey.String(strconv.Itoa(a.status))
			attrs = append(attrs, et)
			a.span.SetAttributes(et)
			a.span.SetStatus(codes.Error, "")
		case err != nil:
			kind, _ := errorType(err)
			attrs = append(attrs, semconv.ErrorTypeKey.String(kind))
			setError(a.span, err)
		}
		a.o.duration.Record(a.ctx, elapsed, metric.WithAttributes(attrs...))
		a.span.End()
	})
}

// body is a response body that ends its attempt at its end: on EOF, on a
// read error, or on Close.
type body struct {
	io.ReadCloser
	a *attempt
}

// Read reads from the body, and ends the attempt at EOF or on an error.
func (b *body) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	switch {
	case err == io.EOF:
		b.a.end(nil)
	case err != nil:
		b.a.end(err)
	}
	return n, err
}

// Close closes the body and ends the attempt.
func (b *body) Close() error {
	err := b.ReadCloser.Close()
	b.a.end(nil)
	return err
}
