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
package partoo
