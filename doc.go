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
// The Webhooks service ([Client.Webhooks]) covers the webhook
// configurations. Every operation of the spec is also reachable through the
// embedded generated client (package gen), for example
// client.GetWebhookListWithResponse, and goes through the same
// authentication, validation and error path.
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
// [Paginate] turns any list operation into an iterator over its items,
// following page and max_page; [WebhooksService.List] uses it.
//
// # Validation
//
// Request bodies are checked against the spec's custom_headers rules
// before anything is sent; see [ValidateCustomHeaders] and
// [ErrInvalidCustomHeaders].
//
// # Retries
//
// Idempotent requests (GET, PUT, ...) are retried on 429, 502, 503, 504 and
// transport errors with exponential backoff and jitter, honouring
// Retry-After; a POST is retried only when it provably never left (a dial
// error), so a webhook is never created twice. See [RetryPolicy],
// [WithRetryPolicy], [WithoutRetries] and the opt-in [WithRateLimit].
// [WithLogger] logs attempts with the API key and custom header values
// redacted.
//
// # Webhooks
//
// Receiving Partoo's deliveries (ED25519 signature verification, typed
// events, an http.Handler) is the job of package
// github.com/partoo-go/partoo/webhook.
package partoo
