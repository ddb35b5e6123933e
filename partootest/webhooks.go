package partootest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"

	"github.com/partoo-go/partoo/gen"
	"github.com/partoo-go/partoo/internal/loopback"
)

// webhookCollection is the collection of the Webhooks family.
const webhookCollection = "/webhooks"

// rules are what a family checks beyond the spec; the zero value checks
// nothing. check returns the problems of vs, the items a create stores or
// the new value of the item self an update stores, at locating a field of
// the i-th item; updated tidies the new value v of an item that was old.
type rules struct {
	check   func(f *family, vs []map[string]any, self *stored, at func(i int, field string) string) FieldErrors
	updated func(old, v map[string]any)
}

// familyRules are the rules by collection path template.
var familyRules = map[string]rules{
	webhookCollection: {check: checkWebhooks, updated: updatedWebhook},
}

// operationRules are the behaviours written by hand ([Override]), by
// operationId; one the spec lacks is not served.
var operationRules = map[string]handler{
	"tryoutWebhooks": (*Server).tryoutWebhooks,
}

// checkWebhooks applies the URL rule and allows one webhook per event
// type and organization, among the stored webhooks and vs. An update is
// checked on the fields it changes.
func checkWebhooks(f *family, vs []map[string]any, self *stored, at func(i int, field string) string) FieldErrors {
	changed := func(v map[string]any, k string) bool { return self == nil || jsonText(v[k]) != jsonText(self.v[k]) }
	key := func(v map[string]any) string { return jsonText(v["org_id"]) + " " + jsonText(v["event_type"]) }
	taken := map[string]string{}
	for _, e := range f.items {
		if e != self {
			taken[key(e.v)] = "webhook " + e.id
		}
	}
	var errs FieldErrors
	for i, v := range vs {
		u, _ := v["url"].(string)
		if msg := checkWebhookURL(u); msg != "" && changed(v, "url") {
			errs = errs.add(at(i, "url"), msg)
		}
		switch what, dup := taken[key(v)]; {
		case !dup:
			taken[key(v)] = "an earlier item of this request"
		case changed(v, "org_id") || changed(v, "event_type"):
			errs = errs.add(at(i, "event_type"), fmt.Sprintf("organization %s already has a webhook for %s (%s): one URL per event type and organization.",
				jsonText(v["org_id"]), jsonText(v["event_type"]), what))
		}
	}
	return errs
}

// updatedWebhook applies the update rules of custom_headers: they are
// replaced as a whole, {} removes them, and null keeps them.
func updatedWebhook(old, v map[string]any) {
	switch h, ok := v["custom_headers"]; {
	case ok && h == nil && old["custom_headers"] != nil:
		v["custom_headers"] = old["custom_headers"]
	case ok && (h == nil || jsonText(h) == "{}"):
		delete(v, "custom_headers")
	}
}

// checkWebhookURL applies the documentation's rule for webhook URLs ("a
// valid HTTPS URL"), which the spec does not encode for every operation. To
// let tests receive deliveries, http is accepted for loopback hosts.
func checkWebhookURL(raw string) string {
	switch u, err := url.Parse(raw); {
	case err != nil || !u.IsAbs() || u.Host == "":
		return fmt.Sprintf("Not a valid absolute URL: %q.", raw)
	case u.Scheme == "https" || u.Scheme == "http" && loopback.Host(u.Hostname()):
		return ""
	}
	return fmt.Sprintf("Only HTTPS URLs are supported, got %q (the fake also accepts http to a loopback host).", raw)
}

// tryoutWebhooks serves POST /webhooks/tryout: it delivers the sample
// event of the first item of the validated document (Partoo ignores the
// others), which [Server.Deliveries] records, and answers the fake's own
// result (Partoo documents none): {"event_type", "url", "delivered"}, plus
// "status_code" when the receiver answered and "error" when it failed.
func (s *Server) tryoutWebhooks(c *call) *response {
	obj, _ := c.doc.(map[string]any)
	items, _ := obj["items"].([]any)
	if len(items) == 0 {
		return badRequest(FieldErrors{"items": {"Must have at least 1 item: the webhook configuration to try."}})
	}
	h := webhookOf(items[0])
	if msg := checkWebhookURL(h.URL); msg != "" {
		return badRequest(FieldErrors{"items[0].url": {msg}})
	}
	d := s.send(c.r.Context(), Delivery{OrgID: c.org, URL: h.URL, EventType: h.EventType, Tryout: true, Body: sampleEvent(h.EventType, c.org)}, h.CustomHeaders)
	result := gen.TryoutResult{"event_type": string(h.EventType), "url": h.URL, "delivered": d.OK()}
	if d.StatusCode != 0 {
		result["status_code"] = d.StatusCode
	}
	if !d.OK() {
		result["error"] = d.failure().Error()
	}
	return marshalResponse(successStatus(c.op), result)
}

// CreateWebhooks creates webhooks as POST /webhooks does, with its checks
// and rules, all or none, to seed what Partoo would accept
// ([Server.AddResource] stores anything). Each keeps its OrgID (zero:
// [Server.OrgID]), ID and timestamps (zero: filled as a create fills them).
// A refusal is a [FieldErrors] naming items[i] ("items[1].event_type").
func (s *Server) CreateWebhooks(items ...gen.WebhookItem) ([]gen.WebhookItem, error) {
	op := s.engine.create(webhookCollection)
	if op == nil {
		return nil, errors.New("CreateWebhooks: the server serves no create of " + webhookCollection)
	}
	payload := gen.CreateWebhooksPayload{Items: make([]gen.WebhookCreateItem, len(items))}
	vs := make([]map[string]any, len(items))
	for i, it := range items {
		if it.ID < 0 {
			return nil, FieldErrors{fmt.Sprintf("items[%d].id", i): {fmt.Sprintf("Webhook ID %d is negative.", it.ID)}}
		}
		payload.Items[i] = gen.WebhookCreateItem{URL: it.URL, EventType: it.EventType, CustomHeaders: it.CustomHeaders}
		vs[i] = webhookValue(it)
	}
	b, _ := json.Marshal(payload) // strings and maps of strings always encode
	if _, errs := checkBody(validator, op, b); len(errs) > 0 {
		return nil, errs
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	stored, errs := s.store(s.families[webhookCollection], vs, s.OrgID, func(i int, field string) string { return fmt.Sprintf("items[%d].%s", i, field) })
	if len(errs) > 0 {
		return nil, errs
	}
	out := make([]gen.WebhookItem, len(stored))
	for i, e := range stored {
		out[i] = webhookOf(e.v)
	}
	return out, nil
}

// Webhooks returns every stored webhook configuration, of every
// organization, sorted by ID.
func (s *Server) Webhooks() []gen.WebhookItem {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []gen.WebhookItem
	if f := s.families[webhookCollection]; f != nil {
		for _, e := range f.sorted() {
			out = append(out, webhookOf(e.v))
		}
	}
	return out
}

// webhookOf reads a webhook from a JSON object (a validated request's item
// or a stored one) by its exact keys, where encoding/json would also take
// "URL" for "url"; fields of the wrong type (stored by AddResource) are
// left zero.
func webhookOf(v any) gen.WebhookItem {
	obj, _ := v.(map[string]any)
	exact := map[string]any{}
	for _, k := range []string{"id", "org_id", "url", "event_type", "custom_headers", "created_at", "updated_at"} {
		if x, ok := obj[k]; ok {
			exact[k] = x
		}
	}
	var it gen.WebhookItem
	b, _ := json.Marshal(exact)
	json.Unmarshal(b, &it)
	return it
}

// webhookValue encodes a webhook for storage without its zero fields (ID,
// OrgID, timestamps, custom headers), which storage fills or omits; the
// caller has checked that the URL and event type are not empty.
func webhookValue(it gen.WebhookItem) map[string]any {
	b, _ := json.Marshal(it)
	v, _ := decodeObject(b)
	for k, x := range v {
		if x == json.Number("0") || x == "" || jsonText(x) == "{}" {
			delete(v, k)
		}
	}
	return v
}
