// Package partoo is a Go client for the Partoo REST API v2
// (https://developers.partoo.co), generated from Partoo's bundled OpenAPI
// document in api/ and wrapped with authentication, server selection,
// org_id defaulting, typed errors, pagination and local validation.
//
// # Authentication
//
// Every request carries the API key in the x-APIKey header:
//
//	client, err := partoo.NewClient(os.Getenv("PARTOO_API_KEY"))
//
// The key never appears in errors, logs or formatted values, and
// [NewClient] refuses to send it over plain http except to a loopback host.
//
// # Environments
//
// [Production] is the default; [WithServer]([Sandbox]) selects the sandbox
// and [WithBaseURL] a proxy or a fake server (see package partootest). The
// server URLs come from the spec's servers.
//
// # Organizations
//
// PROVIDER keys act on several organizations and must say which one:
// [WithOrgID] sets a default org_id for every operation that accepts one,
// [Client.ForOrg] derives a client for another organization, and an org_id
// set in a call's params always wins.
//
// # Operations
//
// The client has one service per tag of the spec, with one method per
// operation, all generated from the spec: client.Webhooks.List,
// client.Webhooks.Create, ... ([Services]). The methods take the path
// parameters, the params struct of the operation (nil for none) and the
// request body of package gen, and return the decoded answer and an error.
// Every operation is also reachable through the generated client of package
// gen, [Client.Raw], for example client.Raw().GetWebhookListWithResponse, and
// [Client.Do] sends a request to an endpoint the spec lacks; all three go
// through the same pipeline. [CallOption] values tune one call: an extra
// header, a retry policy, an org_id, the raw response.
//
// # Errors
//
// Every non-2xx response, for every operation, is an [*APIError]. Match the
// status with errors.Is and [ErrBadRequest], [ErrUnauthorized],
// [ErrForbidden], [ErrNotFound], [ErrUnsupportedMediaType],
// [ErrRateLimited] or [ErrServer], or read the details with errors.As. A
// 2xx body that cannot be decoded is a [*DecodeError].
//
// # Pagination
//
// A list operation's method returns an iterator (iter.Seq2) over the items
// of every page, following the page/max_page or cursor fields the spec
// declares; it stops at the first error, and after [DefaultMaxPages] pages
// with [ErrTooManyPages] (see [WithMaxPages]).
//
// # Validation
//
// A request the spec forbids fails locally, with nothing sent: the
// parameters against their schemas ([ErrInvalidRequest], a
// [*ValidationError] naming the parameter, the value and the rule) and the
// webhook custom headers against the spec's CustomHeaders schema
// ([ErrInvalidCustomHeaders], [ValidateCustomHeaders]). Custom headers
// that no HTTP client could deliver are refused too
// ([ErrUndeliverableCustomHeader], [CheckDeliverable]).
//
// # Retries
//
// Idempotent requests (GET, PUT, ...) are retried on 429, 502, 503, 504 and
// transport errors with exponential backoff and jitter, honouring
// Retry-After; a POST is retried only when it provably never left (a dial
// error), so a webhook is never created twice. See [RetryPolicy],
// [WithRetryPolicy], [WithoutRetries] and the opt-in [WithRateLimit]
// (one process) or [WithLimiter] (a quota shared between processes).
// [WithLogger] logs attempts with the API key and custom header values
// redacted.
//
// # Webhooks
//
// Receiving Partoo's deliveries (ED25519 signature verification, typed
// events, an http.Handler) is the job of package
// github.com/partoo-go/partoo/webhook.
package partoo
