// Package webhook receives the webhook deliveries Partoo sends: it verifies
// their ED25519 signature, decodes them into typed events, and serves them
// with an [http.Handler].
//
// Registering webhooks (POST /webhooks, tryout, ...) is done with the client
// in the root package, through [partoo.Client.Webhooks].
//
// # Verifying
//
// Partoo POSTs a JSON body {"type": ..., "payload": ...} to the configured
// HTTPS URL and signs the exact bytes of that body with ED25519. The base64
// signature is in the [SignatureHeader] header. [Verify] checks it with a
// public key; the [Production] and [Sandbox] environments use different
// keys, returned by [PublicKey]:
//
//	pub, err := webhook.PublicKey(webhook.Production) // or webhook.Sandbox
//	...
//	err = webhook.Verify(pub, rawBody, r.Header.Get(webhook.SignatureHeader))
//	switch {
//	case errors.Is(err, webhook.ErrNotSigned):        // no header
//	case errors.Is(err, webhook.ErrInvalidHeader):    // not strict base64 of 64 bytes
//	case errors.Is(err, webhook.ErrInvalidSignature): // wrong body, key or environment
//	}
//
// Always verify the raw body as received, before decoding it: re-encoding
// decoded JSON changes the bytes.
//
// This package does not import the API client (package partoo), so a
// program that only receives webhooks does not link it. [Environment]
// values are the client's server URLs: Environment(server) converts a
// partoo.Server.
//
// [Verify], [ParsePublicKey] and [NewHandler] refuse the public keys of
// small order, such as the identity point, with [ErrWeakPublicKey]:
// crypto/ed25519 accepts them, and under them signatures can be forged
// without any private key (under the identity, one fixed signature verifies
// every body). Partoo's keys are not weak; this catches a corrupted or
// substituted key.
//
// Users may also configure custom headers on a webhook (for example an
// X-Auth-Token) or put a secret in its URL; [HeaderSecret], [QuerySecret]
// and [PathSecret] check such a shared secret in constant time.
//
// # Decoding
//
// [Parse] decodes a body into an [Event]: business_created and
// business_updated fill [Event.Business]; message_created and message_updated
// fill [Event.Message], [Event.Conversation] and [Event.OrgID]; lead_received
// fills [Event.Lead]. Any other type, business_deleted included (its payload
// is not documented), is returned as a raw event with only [Event.Payload]:
// an unknown type is never an error. The models are the ones generated from
// the spec's webhooks section (package gen), with lenient decoding where
// Partoo is inconsistent: [Time] accepts RFC 3339 and Partoo's
// "2023-01-31 16:22:17.327878+00:00", and [ID] accepts a string or an integer.
//
// # Serving
//
// [NewHandler] returns an http.Handler that accepts POST only (405), caps the
// body (1 MiB by default, 413 beyond), checks the optional shared secret and
// the signature before any parsing (401), answers 400 to a body that is not a
// valid event, then calls your function: 200 when it returns nil, 500 when it
// returns an error, so that Partoo retries (up to 5 times, with exponential
// backoff; Partoo never retries a 4xx). Test deliveries sent by
// POST /webhooks/tryout have [Event.Tryout] set. With
// [HandlerOptions.AllowedOrgIDs], it answers 403 to a delivery for another
// organization, or whose organization it cannot tell, before calling you.
//
// # What a signature does not prove
//
// The signature covers the body only, not the headers. The [TryoutHeader]
// header can be added to, or removed from, a genuine delivery without
// breaking its signature, so [Event.Tryout] is a hint, not proof: do not
// skip checks, nor grant anything, because a delivery says it is a test.
//
// A signature proves that Partoo sent the body, not that it was sent to
// you: Partoo signs every customer's deliveries with the same key per
// environment, so a delivery captured from, or made for, another Partoo
// customer verifies at your URL too. Check that the event is for your
// organization: [Event.OrgID] holds the org_id of business and message
// events. [HandlerOptions.AllowedOrgIDs] does that check for you; it
// refuses the events that carry no org_id (lead_received, business_deleted
// and unknown types), so receive those on another URL, with a handler
// without the option, if you need them. A shared secret ([HeaderSecret],
// [QuerySecret], [PathSecret]) also tells your webhooks from others'.
//
// # Replays and duplicates
//
// Partoo's signature covers the body only. It carries no timestamp, and no
// event or delivery id is documented, so a delivery that was captured can be
// replayed later and still verifies, and a retried delivery arrives again.
// Make your processing idempotent, or deduplicate: for example, keep
// the SHA-256 of [Event.Body] for a while and acknowledge (return nil for) a
// body you have already processed. Record a body only once your processing
// has succeeded; otherwise Partoo's retry of a failed delivery would be
// dropped. See the example of [NewHandler] (deduplicate).
package webhook
