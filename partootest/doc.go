// Package partootest provides an in-memory fake of the Partoo API for tests,
// shaped like net/http/httptest; cmd/partoo-mock serves it as a program.
// This is the one description of what the fake does. [NewTestServer] (or
// [NewServer]) serves every operation of the bundled spec on a loopback
// port, from the generator's tables alone (no code per operation, no
// OpenAPI or YAML parser); [Server.Client] is a partoo.Client for it.
//
// Every request goes through the same steps, in this order:
//  1. route: the operation whose path template matches the path, in the
//     normal form of RFC 3986 (%77ebhooks is webhooks), the one with the
//     most literal segments winning (/webhooks/tryout over
//     /webhooks/{webhook_id}); an encoded slash (%2F) or an empty segment
//     (//) names no operation. A known path with another method is 405
//     with an Allow header, any other path the spec's 404 body;
//  2. authentication: a missing or unknown x-APIKey is 401;
//  3. body size: a body over [MaxBodySize] is 413;
//  4. media type: a JSON body not sent as application/json is 415;
//  5. parameters: every path, query and header parameter the operation
//     declares is checked against its schema (400);
//  6. organization (below: 400 or 403), then its quota ([WithQuota]: 429);
//  7. body: decoded once (a key repeated in one object is a 400) and
//     checked against the operation's schema, custom headers with the
//     client's very rules (partoo.ValidateCustomHeaders and
//     partoo.CheckDeliverable, in the same words), all at once (400). The behaviour reads that very document by its exact
//     keys ("URL" is not "url"): what is stored is what was validated;
//  8. the operation's behaviour, [Stateful], [Example] or [Override]
//     ([Server.Operations] lists them).
//
// Errors have the spec's bodies; a 400 is {"error": {"json": {field:
// [messages]}}}, "body" naming the body as a whole. An operation answers
// only its success status and the errors it declares (a generated client
// has a case for each): for an undeclared status the fake answers the
// closest declared one, the message in its body's shape. An invalid path
// parameter (GET /webhooks/abc) names no resource (404); an invalid or
// missing org_id is 403 where 400 is undeclared; an undeclared 400 is 404
// or 403, 415 is 400; failing those, the first 4xx declared. 405, 408, 413,
// 429 and 5xx are kept. Partoo documents no request-ID header, so the fake
// sends none (a [Fault] can).
//
// Tests seed the state with [Server.AddResource], checked as the family's
// create checks it ([Server.CreateWebhooks] for typed webhooks), read it
// ([Server.Resources], [Server.Webhooks], [Server.Deliveries],
// [Server.Requests]) and inject faults ([Server.AddFault]); what the
// server keeps is bounded ([MaxKept]).
//
// # Behaviours
//
// Stateful operations are those of a resource family, on the paths of a
// collection (/things, its search path, /things/{id}) whose items share a
// schema and have an id (or the property the item path names: org_id in
// /org/{org_id}); the items are JSON objects kept in memory. A nested item
// (/business/{business_id}/photos) keeps the parent ids of its path, and a
// call sees only the items of the parents its path names. Requests never
// set id, org_id, created_at, updated_at, parent ids or readOnly
// properties; writeOnly ones are stored, never answered.
//   - create (POST /things) builds the item from the body's properties of
//     the item and the example's values of the required ones it lacks, and
//     sets id, org_id (the call's organization), created_at and updated_at
//     (RFC 3339, or Unix seconds for a number) where the item has them.
//     Integer ids (int64) are the next free one; string ids are UUIDs for
//     format uuid, 24 hexadecimal digits when the example's id looks like a
//     MongoDB ObjectId, else decimal. It answers the stored item when the
//     operation returns one; else the spec's example with the item's
//     fields when the answer has all of them, or its id where it has one (a
//     202 names what it accepted). A batch create, whose body's array the
//     answer returns under the same name (POST /webhooks, "items"), creates
//     one item per element, all or none, and answers them;
//   - read (GET /things/{id}) answers the item, or the spec's 404 when no
//     item of the call's organization has that id; c-{code} finds the item
//     whose code is {code} (Partoo's business ids accept c-{store code});
//   - update (PUT, PATCH or POST /things/{id}) merges the body's properties
//     of the item, sets updated_at, and answers like create;
//   - delete (DELETE /things/{id}) removes the item and answers 204, or the
//     spec's example when the spec declares a body;
//   - list (GET /things or /things/search) answers the call's
//     organization's items, oldest first (integer ids in numeric order),
//     keeping those equal to every scalar query parameter named after a
//     property (?city=Paris). Page lists take page (default: the
//     parameter's default, else 1) and per_page (default: the parameter's,
//     else [DefaultPerPage]) and answer page, max_page (at least 1), count
//     and the items, none past max_page. Cursor lists take an opaque cursor
//     (a bad one is 400) and per_page, and answer count, next_cursor (null
//     on the last page) and the items; next-link lists answer next, the
//     absolute URL of the next page, in place of next_cursor. Other
//     properties the answer requires come from the spec's example.
//
// Every family but Webhooks starts with the example of its item schema (in
// [Server.OrgID] if it has an org_id), which requests built from the spec's
// examples find. Example operations (of no family) answer the success
// status with the spec's example as written, null values included (204: no
// body; a CSV file or a binary with its media type). Override operations
// keep behaviour written by hand, after the same checks: POST
// /webhooks/tryout.
//
// # Organizations
//
// The organization key ([Server.APIKey]) acts on its organization
// ([Server.OrgID]); an org_id of another organization is 403. A PROVIDER
// key ([WithProviderKey]) must give org_id on every operation that has one
// (400 without it; 403 on an operation without the parameter) and may act
// only on its organizations (403). Items of another organization do not
// exist for the call (404; lists leave them out); the items of a family
// whose item schema has no org_id, or is identified by it (organizations),
// are shared by every organization.
//
// # Assumptions
//
// Where Partoo's documentation is silent, tests inherit the fake's choices:
//   - one webhook per event type and organization (Partoo's rule, without
//     its status): a second is 400, on create and update, and refused
//     when seeded;
//   - webhook create is all or nothing; an empty items list creates nothing;
//   - webhook URLs are absolute https URLs (the docs' rule), or http to a
//     loopback host for tests; an update's URL also matches ^https://;
//   - updating a webhook's custom_headers replaces them as a whole; {}
//     removes them, null keeps them;
//   - deliveries, signed with [Server.PublicKey]'s key, POST {"type",
//     "payload"} with the webhook's custom headers; the payload is the
//     example of the event's schema in the spec's webhooks section
//     ([SampleEvent]), its org_ids the webhook's. They go to loopback hosts
//     only (https: to a certificate the system trusts), never retried;
//   - a tryout delivers the sample (Partoo, the event type's latest data)
//     with X-Partoo-Webhook-Tryout, and answers {"event_type", "url",
//     "delivered", "status_code", "error"};
//   - 405, 408 (a body not received within [Timeouts].Read) and 413 have
//     a body in the shape of the spec's errors, {"errors": {"json":
//     message}}; the messages of 400 bodies are the fake's own wording.
package partootest
