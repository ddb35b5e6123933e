// Package partootest provides an in-memory fake of the Partoo API for tests,
// shaped like net/http/httptest. This documentation is the one description
// of what the fake does; cmd/partoo-mock serves the same fake.
//
// [NewServer] (or [NewTestServer] in a test) starts a real HTTP server on a
// free loopback port that serves every operation of the bundled spec;
// [Server.Client] returns a partoo.Client pointed at it. The fake reads only
// the tables the generator compiles from the spec, with no code per
// operation, and links no OpenAPI or YAML parser.
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
//     checked against the operation's schema, custom headers against the
//     client's rules (partoo.ValidateCustomHeaders, partoo.CheckDeliverable),
//     all at once (400). The behaviour reads that very document by its exact
//     keys ("URL" is not "url"): what is stored is what was validated;
//  8. the operation's behaviour, [Stateful], [Example] or [Override]
//     ([Server.Operations] lists them).
//
// Errors have the spec's bodies; a 400 is {"error": {"json": {field:
// [messages]}}}, "body" naming the body as a whole. An operation answers
// only its success status and the error statuses it declares, so a client
// generated from the spec has a case for every answer: in place of an
// undeclared status the fake answers the closest declared one, the message
// in the shape of its body. An invalid path parameter (GET /webhooks/abc)
// names no resource (404); an invalid or missing org_id is 403 where 400 is
// undeclared; an undeclared 400 is 404 or 403, 415 is 400; failing those,
// the first 4xx declared. 405, 408, 413, 429 and 5xx are kept.
//
// The fake sends no request ID, since Partoo documents no request-ID
// header: partoo.Response.RequestID and partoo.APIError.RequestID are empty
// against it. A test that needs one can have a [Fault] send it.
//
// Tests seed and inspect the state ([Server.AddResource] stores items of
// any family as they are, [Server.CreateWebhooks] creates webhooks as POST
// /webhooks does; [Server.Resources], [Server.Webhooks],
// [Server.Deliveries]), read the request log ([Server.Requests]) and
// inject faults ([Server.AddFault]). What the server keeps is bounded: see
// [MaxKept].
//
// # Behaviours
//
// Stateful operations belong to a resource family: those on a collection
// path (/things), its search path and its item path (/things/{id}), the
// family of the schema of their items. Items are JSON objects kept in
// memory per family. A nested item (/business/{business_id}/photos) keeps
// the parent ids its path gives, and a call sees only the items of the
// parents its path names. Requests never set id, org_id, created_at,
// updated_at, parent ids or readOnly properties; writeOnly properties are
// stored and never answered.
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
// Every family but Webhooks starts with one item, the example of its item
// schema (in the organization of [Server.OrgID] when it has an org_id), so
// a request built from the spec's examples finds it. Example operations
// (those of no family) answer the spec's success status with its example
// as the spec writes it, null values included (204: no body); a body that
// is not JSON (a CSV file, a binary) comes with its media type. Override
// operations keep behaviour written by hand, after the same checks: POST
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
// whose item schema has no org_id are shared by every organization.
//
// # Assumptions
//
// Where Partoo's documentation is silent, the fake makes choices, which
// tests written against it inherit:
//   - one webhook per event type and organization, a rule Partoo documents
//     without its status: a second one is 400, on create, on update and in
//     [Server.CreateWebhooks];
//   - webhook create is all-or-nothing; an empty items list creates nothing;
//   - webhook URLs must be absolute https URLs (the docs' rule), or http to
//     a loopback host so tests can receive deliveries; an update's URL
//     also follows the spec's ^https:// pattern;
//   - updating a webhook's custom_headers replaces them as a whole; {}
//     removes them, null keeps them;
//   - deliveries are signed with the server's key ([Server.PublicKey]) and
//     POST {"type", "payload"} with the webhook's custom headers; the
//     payload is the example of the event's schema in the spec's webhooks
//     section ([SampleEvent]), with the webhook's organization in every
//     org_id. They go to loopback hosts only (for https, to a certificate
//     the system trusts), so a test never reaches the network, and are
//     never retried;
//   - a tryout delivers the sample (Partoo uses the latest data of the
//     event type when it has some) with the X-Partoo-Webhook-Tryout
//     header; its result is the fake's own {"event_type", "url",
//     "delivered", "status_code", "error"};
//   - 405, 408 (a body not received within [Timeouts].Read) and 413 have
//     a body in the shape of the spec's errors, {"errors": {"json":
//     message}}; the messages of 400 bodies are the fake's own wording.
package partootest
