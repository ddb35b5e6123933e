package partootest

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/partoo-go/partoo/gen"
)

// The Webhooks family keeps behaviour written by hand (the [Override]
// behaviour): Partoo documents rules for it that the spec does not encode
// (one webhook per event type and organization, https URLs), and tryouts
// send signed deliveries. The overrides run after the checks every
// operation shares, and store the webhooks as items of the family's
// collection, like any stateful family.

// webhookCollection is the collection of the Webhooks family.
const webhookCollection = "/webhooks"

// webhookOverrides are the overrides by operationId. An operationId the
// spec lacks is simply not served.
var webhookOverrides = map[string]handler{
	"getWebhookList": (*Server).listWebhooks,
	"Webhook":        (*Server).createWebhooks,
	"getWebhook":     (*Server).getWebhook,
	"updateWebhook":  (*Server).updateWebhook,
	"tryoutWebhooks": (*Server).tryoutWebhooks,
}

// Tryout is a recorded call to POST /webhooks/tryout.
type Tryout struct {
	// OrgID is the organization the call acted on.
	OrgID int
	// Item is the webhook configuration tried: the first of the request's
	// items (Partoo ignores the others).
	Item gen.WebhookCreateItem
	// Time is when the server received the call.
	Time time.Time
}

// listWebhooks serves GET /webhooks: the organization's webhooks by ID,
// one page at a time.
func (s *Server) listWebhooks(c *call) *response {
	page := intParam(c.op, c.query, "page", 1)
	perPage := intParam(c.op, c.query, "per_page", DefaultPerPage)
	s.mu.Lock()
	all := s.webhooksWhere(func(f *family, e *stored) bool { return f.visible(e, c.org) })
	s.mu.Unlock()
	count := int64(len(all))
	start, end, maxPage := pageWindow(page, perPage, count)
	return marshalResponse(successStatus(c.op), struct {
		Page    int64             `json:"page"`
		MaxPage int64             `json:"max_page"`
		Count   int64             `json:"count"`
		Items   []gen.WebhookItem `json:"items"`
	}{page, maxPage, count, append([]gen.WebhookItem{}, all[start:end]...)})
}

// createWebhooks serves POST /webhooks: it creates every item or none.
func (s *Server) createWebhooks(c *call) *response {
	var body gen.CreateWebhooksPayload
	if err := json.Unmarshal(c.body, &body); err != nil {
		return badRequest(FieldErrors{"body": {"Invalid webhook configurations: " + err.Error()}})
	}
	items := make([]gen.WebhookItem, len(body.Items))
	for i, it := range body.Items {
		items[i] = gen.WebhookItem{URL: it.URL, EventType: it.EventType, OrgID: c.org, CustomHeaders: it.CustomHeaders}
	}
	created, errs := s.storeWebhooks(items)
	if len(errs) > 0 {
		return badRequest(errs)
	}
	return marshalResponse(successStatus(c.op), struct {
		Items []gen.WebhookItem `json:"items"`
	}{created})
}

// getWebhook serves GET /webhooks/{webhook_id}.
func (s *Server) getWebhook(c *call) *response {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.families[webhookCollection].lookup(c.pathParam(webhookIDParam(c)), c.org)
	if e == nil {
		return specError(http.StatusNotFound)
	}
	return marshalResponse(successStatus(c.op), webhookOf(e.v))
}

// updateWebhook serves PUT /webhooks/{webhook_id}: the fields given
// replace the stored ones (custom_headers as a whole; {} removes them).
func (s *Server) updateWebhook(c *call) *response {
	var body gen.UpdateWebhookPayload
	if len(c.body) > 0 {
		if err := json.Unmarshal(c.body, &body); err != nil {
			return badRequest(FieldErrors{"body": {"Invalid webhook update: " + err.Error()}})
		}
	}
	if body.URL != nil {
		if msg := checkWebhookURL(*body.URL); msg != "" {
			return badRequest(FieldErrors{"url": {msg}})
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.families[webhookCollection].lookup(c.pathParam(webhookIDParam(c)), c.org)
	if e == nil {
		return specError(http.StatusNotFound)
	}
	if body.URL != nil {
		e.v["url"] = *body.URL
	}
	if body.CustomHeaders != nil {
		delete(e.v, "custom_headers")
		if len(*body.CustomHeaders) > 0 {
			h := map[string]any{}
			for k, v := range *body.CustomHeaders {
				h[k] = v
			}
			e.v["custom_headers"] = h
		}
	}
	e.v["updated_at"] = s.now().UTC().Format(timeFormat)
	return marshalResponse(successStatus(c.op), webhookOf(e.v))
}

// tryoutWebhooks serves POST /webhooks/tryout: it records the first item
// (Partoo ignores the others) and delivers its sample event.
func (s *Server) tryoutWebhooks(c *call) *response {
	var body gen.CreateWebhooksPayload
	if err := json.Unmarshal(c.body, &body); err != nil {
		return badRequest(FieldErrors{"body": {"Invalid webhook configurations: " + err.Error()}})
	}
	if len(body.Items) == 0 {
		return badRequest(FieldErrors{"items": {"Must have at least 1 item: the webhook configuration to try."}})
	}
	item := cloneCreateItem(body.Items[0])
	if msg := checkWebhookURL(item.URL); msg != "" {
		return badRequest(FieldErrors{"items[0].url": {msg}})
	}
	t := Tryout{OrgID: c.org, Item: item, Time: s.now()}
	s.mu.Lock()
	s.tryouts = append(s.tryouts, t)
	s.mu.Unlock()
	return marshalResponse(successStatus(c.op), s.deliverTryout(c.r.Context(), t))
}

// webhookIDParam names the path parameter of a webhook's ID.
func webhookIDParam(c *call) string {
	if c.op.Resource.IDParam != "" {
		return c.op.Resource.IDParam
	}
	return "webhook_id"
}

// storeWebhooks checks items as POST /webhooks does (the URL rule, one
// webhook per event type and organization, among the stored webhooks and
// the items; every problem at once) and stores all of them or none. Items keep their IDs and
// timestamps when they have some (see AddWebhooks). The errors are located
// at items[i].
func (s *Server) storeWebhooks(items []gen.WebhookItem) ([]gen.WebhookItem, FieldErrors) {
	var errs FieldErrors
	for i, it := range items {
		if msg := checkWebhookURL(it.URL); msg != "" {
			errs = errs.add(fmt.Sprintf("items[%d].url", i), msg)
		}
	}
	type orgEvent struct {
		org   int
		event gen.EventType
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	taken := map[orgEvent]string{}
	for _, it := range s.webhooksWhere(nil) {
		taken[orgEvent{it.OrgID, it.EventType}] = fmt.Sprintf("webhook %d", it.ID)
	}
	for i, it := range items {
		k := orgEvent{it.OrgID, it.EventType}
		if what, dup := taken[k]; dup {
			errs = errs.add(fmt.Sprintf("items[%d].event_type", i), fmt.Sprintf(
				"organization %d already has a webhook for %q (%s): one URL per event type and organization.", it.OrgID, it.EventType, what))
			continue
		}
		taken[k] = "an earlier item of this request"
	}
	if len(errs) > 0 {
		return nil, errs
	}
	out, at, err := s.addWebhookValues(items)
	if err != nil {
		return nil, FieldErrors{fmt.Sprintf("items[%d].id", at): {err.Error()}}
	}
	return out, nil
}

// CreateWebhooks stores webhook configurations after the checks of POST
// /webhooks, each in its OrgID (zero: [Server.OrgID]): the spec's schema
// of the items (url, event_type and the custom-header rules, including
// deliverability), absolute https URLs (or http to a loopback host), and
// one webhook per event type and organization. It stores all of them or
// none. Unlike a create, it keeps the IDs and timestamps the items have,
// filling the others as [Server.AddWebhooks] does. Use it to seed a
// server with configurations Partoo would accept; AddWebhooks stores
// anything. A refusal is a [FieldErrors] whose fields name each item at
// fault as items[i], i its index in items ("items[1].event_type").
func (s *Server) CreateWebhooks(items ...gen.WebhookItem) ([]gen.WebhookItem, error) {
	if s.engine == nil {
		return nil, errors.New("CreateWebhooks: the Server was not created by NewServer")
	}
	payload := gen.CreateWebhooksPayload{Items: make([]gen.WebhookCreateItem, len(items))}
	for i, it := range items {
		if it.ID < 0 {
			return nil, FieldErrors{fmt.Sprintf("items[%d].id", i): {fmt.Sprintf("Webhook ID %d is negative.", it.ID)}}
		}
		payload.Items[i] = gen.WebhookCreateItem{URL: it.URL, EventType: it.EventType, CustomHeaders: it.CustomHeaders}
	}
	if op := s.engine.operation("Webhook"); op != nil {
		b, err := json.Marshal(payload)
		if err != nil {
			return nil, fmt.Errorf("CreateWebhooks: encode the items: %w", err)
		}
		doc, _ := decodeObject(b)
		var errs FieldErrors
		for _, v := range validator.Validate(op.Body.Schema, doc, "") {
			errs = errs.add(v.Location, v.Message)
		}
		if len(errs) > 0 {
			return nil, errs
		}
	}
	items = append([]gen.WebhookItem(nil), items...)
	for i := range items {
		if items[i].OrgID == 0 {
			items[i].OrgID = s.OrgID
		}
	}
	out, errs := s.storeWebhooks(items)
	if len(errs) > 0 {
		return nil, errs
	}
	return out, nil
}

// AddWebhooks stores webhook configurations as they are, bypassing the
// API's validation (so a test can seed, say, an event type the client does
// not know; [Server.CreateWebhooks] validates), and returns them as
// stored. An item with a zero ID gets the next free one, a zero OrgID the
// server's [Server.OrgID], and an empty created_at or updated_at the
// current time (updated_at takes created_at when only that is given).
// AddWebhooks panics, with a "partootest:" prefix, if an ID is negative or
// already taken.
func (s *Server) AddWebhooks(items ...gen.WebhookItem) []gen.WebhookItem {
	out, err := s.addWebhooks(items)
	if err != nil {
		panic("partootest: AddWebhooks: " + err.Error())
	}
	return out
}

func (s *Server) addWebhooks(items []gen.WebhookItem) ([]gen.WebhookItem, error) {
	for _, it := range items {
		if it.ID < 0 {
			return nil, fmt.Errorf("webhook ID %d is negative", it.ID)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out, _, err := s.addWebhookValues(items)
	return out, err
}

// addWebhookValues stores items, all or none, and returns them as stored,
// or the index of the item whose ID is taken. The caller holds s.mu.
func (s *Server) addWebhookValues(items []gen.WebhookItem) ([]gen.WebhookItem, int, error) {
	f := s.families[webhookCollection]
	if f == nil {
		return nil, 0, errors.New("the Server was not created by NewServer")
	}
	vs := make([]map[string]any, len(items))
	for i, it := range items {
		vs[i] = webhookValue(it)
	}
	stored, at, err := f.addAll(vs, s.OrgID, s.now())
	if err != nil {
		return nil, at, err
	}
	out := make([]gen.WebhookItem, len(stored))
	for i, e := range stored {
		out[i] = webhookOf(e.v)
	}
	return out, 0, nil
}

// Webhooks returns every stored webhook configuration, of every
// organization, sorted by ID.
func (s *Server) Webhooks() []gen.WebhookItem {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.webhooksWhere(nil)
}

// Webhook returns the webhook configuration id, whatever its organization.
func (s *Server) Webhook(id int) (gen.WebhookItem, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.families == nil {
		return gen.WebhookItem{}, false
	}
	e := s.families[webhookCollection].byID[strconv.Itoa(id)]
	if e == nil {
		return gen.WebhookItem{}, false
	}
	return webhookOf(e.v), true
}

// webhooksWhere returns the webhooks keep accepts (all when keep is nil),
// by ID. The caller holds s.mu.
func (s *Server) webhooksWhere(keep func(*family, *stored) bool) []gen.WebhookItem {
	f := s.families[webhookCollection]
	if f == nil {
		return nil
	}
	var out []gen.WebhookItem
	for _, e := range f.sorted() {
		if keep == nil || keep(f, e) {
			out = append(out, webhookOf(e.v))
		}
	}
	return out
}

// Tryouts returns the recorded tryout calls, oldest first.
func (s *Server) Tryouts() []Tryout {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Tryout, len(s.tryouts))
	for i, t := range s.tryouts {
		t.Item = cloneCreateItem(t.Item)
		out[i] = t
	}
	return out
}

// webhookOf decodes a stored webhook; fields of the wrong type (stored by
// AddResource) are left zero.
func webhookOf(v map[string]any) gen.WebhookItem {
	var it gen.WebhookItem
	b, _ := json.Marshal(v)
	json.Unmarshal(b, &it)
	return it
}

// webhookValue encodes a webhook for storage, leaving out a zero ID, a
// zero OrgID, empty timestamps and empty custom headers, which storage
// fills or omits.
func webhookValue(it gen.WebhookItem) map[string]any {
	b, _ := json.Marshal(it)
	v, _ := decodeObject(b)
	if it.ID == 0 {
		delete(v, "id")
	}
	if it.OrgID == 0 {
		delete(v, "org_id")
	}
	if it.CreatedAt == "" {
		delete(v, "created_at")
	}
	if it.UpdatedAt == "" {
		delete(v, "updated_at")
	}
	if it.CustomHeaders != nil && len(*it.CustomHeaders) == 0 {
		delete(v, "custom_headers")
	}
	return v
}

// checkWebhookURL applies the documentation's rule for webhook URLs ("a
// valid HTTPS URL"), which the spec does not encode for every operation. To
// let tests receive deliveries, http is accepted for loopback hosts.
func checkWebhookURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() || u.Host == "" {
		return fmt.Sprintf("Not a valid absolute URL: %q.", raw)
	}
	switch {
	case u.Scheme == "https":
		return ""
	case u.Scheme == "http" && isLoopback(u.Hostname()):
		return ""
	}
	return fmt.Sprintf("Only HTTPS URLs are supported, got %q (the fake also accepts http to a loopback host).", raw)
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func cloneCreateItem(it gen.WebhookCreateItem) gen.WebhookCreateItem {
	if it.CustomHeaders != nil {
		h := maps.Clone(*it.CustomHeaders)
		it.CustomHeaders = &h
	}
	return it
}
