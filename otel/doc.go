// Package partootel records OpenTelemetry traces and metrics for the calls
// of a [partoo.Client], and propagates the trace context to the Partoo API.
//
// It is a module of its own (github.com/partoo-go/partoo/otel), so that the
// client's module does not depend on OpenTelemetry. Register it with
// [WithTelemetry]:
//
//	client, err := partoo.NewClient(key, partootel.WithTelemetry())
//
// By default it uses the global TracerProvider, MeterProvider and
// TextMapPropagator of go.opentelemetry.io/otel (which record and inject
// nothing until the application sets them); [WithTracerProvider],
// [WithMeterProvider] and [WithPropagator] choose others.
//
// # Spans
//
// Each call (a helper such as client.Webhooks.Get, one page of an iterator,
// a [partoo.Client.Do] call, a raw generated method) makes one span of kind
// client, named "partoo <operationId>", such as "partoo getWebhook". A Do
// call on a path the spec lacks is named "partoo <METHOD> <template>" when
// [partoo.WithPathTemplate] names its template, else "partoo <METHOD>". A
// call refused before anything is sent (a request that breaks the spec)
// has its span too, with partoo.attempts = 0 and no child.
//
// Each attempt (each HTTP round trip, retries included; an attempt that
// follows a same-origin redirect makes one per hop) makes a child span of
// kind client named as the OpenTelemetry HTTP semantic conventions say:
// "<METHOD> <url.template>", such as "GET /v2/webhooks/{webhook_id}", or
// "<METHOD>" when the template is unknown. It starts when the request is
// handed to the transport and ends when the client has read or closed the
// response body.
//
// Attributes, from the HTTP semantic conventions (semconv v1.43.0):
//
//   - http.request.method: the method; "_OTHER" for a method outside the
//     standard ones, with http.request.method_original (span names then
//     say "HTTP");
//   - server.address and server.port: the host and port of the base URL
//     (port 443 or 80 when the URL names none);
//   - url.template: the path template as an absolute path, base path
//     included, such as "/v2/webhooks/{webhook_id}"; absent for a Do call
//     without [partoo.WithPathTemplate];
//   - http.response.status_code: the status of the (final) response, when
//     one arrived;
//   - error.type, on failure: the status code ("404", "503") for a non-2xx
//     response; otherwise the error's own ErrorType() when it has one, else
//     the kind [partoo.ErrorKind] gives it, the words of the client's logs:
//     "timeout", "canceled", "invalid_request", "response_too_large",
//     "cross_origin_redirect", "connection" or "other".
//
// and of this package:
//
//   - partoo.operation_id: the spec's operationId, when the call has one;
//   - partoo.org_id: the org_id the call sends, when it sends one;
//   - partoo.attempts (call span): how many times the request was sent;
//   - partoo.attempt (attempt span): the attempt's number, from 1;
//   - partoo.request_id (call span): the request identifier of the final
//     response ([partoo.Response.RequestID]), when it has one.
//
// A failed call or attempt has the status Error (a 2xx answer that a
// helper then fails to decode is reported after the call's span has ended:
// the span shows the HTTP outcome). Its description is the
// error.type, except for a non-2xx response, whose status code says it
// all (the semantic conventions then leave the description empty). Error
// messages are never recorded, nor are exception events.
//
// # Metrics
//
//   - http.client.request.duration (histogram, seconds): one measurement
//     per attempt span, with http.request.method, server.address,
//     server.port, url.template, http.response.status_code and error.type
//     as above;
//   - partoo.client.retries (counter, {retry}): the attempts after the
//     first, added when a call ends, with partoo.operation_id,
//     http.request.method and url.template.
//
// # Propagation
//
// Each attempt's request carries the attempt span's context, injected by
// the propagator (W3C traceparent and, with a Baggage propagator, baggage)
// into a clone of the request: the request the client built is never
// changed.
//
// # What is never recorded
//
// No header value (the API key in [partoo.APIKeyHeader], the headers of
// [partoo.WithHeader], custom headers), no query string, no request or
// response body, no full URL and no error message (a transport error's
// message quotes the URL, query string included) reaches a span, an event
// or a metric. The one value taken from a response is the request
// identifier.
package partootel
