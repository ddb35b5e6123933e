package partootest

import (
	"encoding/json"
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
	h := webhookOf(s.families[webhookCollection], items[0])
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

// CreateWebhooks is [Server.AddResource] of "/webhooks" with typed items
// and answers: it seeds webhooks, all or none, checked as POST /webhooks
// checks them. Each keeps its OrgID (zero: [Server.OrgID]), ID and
// timestamps (zero: filled as a create fills them). A refusal is a
// [FieldErrors] naming items[i] ("items[1].event_type"), wrapped.
func (s *Server) CreateWebhooks(items ...gen.WebhookItem) ([]gen.WebhookItem, error) {
	seeds := make([]any, len(items))
	for i, it := range items {
		seeds[i] = it
	}
	added, err := s.AddResource(webhookCollection, seeds...)
	if err != nil {
		return nil, err
	}
	out := make([]gen.WebhookItem, len(added))
	for i, b := range added {
		json.Unmarshal(b, &out[i]) // a stored item has the item's properties only, valid
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
			out = append(out, webhookOf(f, e.v))
		}
	}
	return out
}

// webhookOf reads a webhook from a JSON object (a validated request's item
// or a stored one) by the exact names of the properties of f's item, where
// encoding/json would also take "URL" for "url".
func webhookOf(f *family, v any) gen.WebhookItem {
	obj, _ := v.(map[string]any)
	exact := map[string]any{}
	for k, x := range obj {
		if f != nil && f.has(k) {
			exact[k] = x
		}
	}
	var it gen.WebhookItem
	b, _ := json.Marshal(exact)
	json.Unmarshal(b, &it)
	return it
}
