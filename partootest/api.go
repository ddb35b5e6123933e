package partootest

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/partoo-go/partoo/gen"
	"github.com/partoo-go/partoo/internal/mockapi"
	"github.com/partoo-go/partoo/internal/mockapi/rules"
)

// api implements the strict server interface generated from the spec: one
// method per operation, with typed params, bodies and responses. It runs
// after the shared checks of Server.handle, which resolved the organization
// (orgFrom) and validated the request against the generated rules.
type api struct {
	s *Server
}

var _ mockapi.StrictServerInterface = (*api)(nil)

// GetWebhookList serves GET /webhooks: the organization's webhooks by ID,
// one page at a time.
func (a *api) GetWebhookList(ctx context.Context, req mockapi.GetWebhookListRequestObject) (mockapi.GetWebhookListResponseObject, error) {
	org := orgFrom(ctx)
	page, perPage := 1, DefaultPerPage
	if req.Params.Page != nil {
		page = *req.Params.Page
	}
	if req.Params.PerPage != nil {
		perPage = *req.Params.PerPage
	}
	a.s.mu.Lock()
	all := a.s.sortedWebhooks(func(it gen.WebhookItem) bool { return it.OrgID == org })
	a.s.mu.Unlock()

	count := len(all)
	maxPage := max(1, (count+perPage-1)/perPage)
	items := []gen.WebhookItem{}
	if page <= maxPage { // also keeps (page-1)*perPage from overflowing
		start := (page - 1) * perPage
		items = all[start:min(start+perPage, count)]
	}
	return mockapi.GetWebhookList200JSONResponse{Page: &page, MaxPage: &maxPage, Count: &count, Items: items}, nil
}

// Webhook serves POST /webhooks: it creates every item or none.
func (a *api) Webhook(ctx context.Context, req mockapi.WebhookRequestObject) (mockapi.WebhookResponseObject, error) {
	org := orgFrom(ctx)
	errs := fieldErrors{}
	for i, it := range req.Body.Items {
		if msg := checkWebhookURL(it.URL); msg != "" {
			errs.add(fmt.Sprintf("items[%d].url", i), msg)
		}
	}
	if len(errs) > 0 {
		return mockapi.Webhook400JSONResponse{N400JSONResponse: n400(errs)}, nil
	}

	s := a.s
	s.mu.Lock()
	defer s.mu.Unlock()
	taken := map[gen.EventType]int{}
	for _, it := range s.webhooks {
		if it.OrgID == org {
			taken[it.EventType] = it.ID
		}
	}
	for i, it := range req.Body.Items {
		if id, dup := taken[it.EventType]; dup {
			what := fmt.Sprintf("webhook %d", id)
			if id == 0 {
				what = "an earlier item of this request"
			}
			errs.add(fmt.Sprintf("items[%d].event_type", i), fmt.Sprintf(
				"organization %d already has a webhook for %q (%s): one URL per event type and organization.", org, it.EventType, what))
			continue
		}
		taken[it.EventType] = 0
	}
	if len(errs) > 0 {
		return mockapi.Webhook400JSONResponse{N400JSONResponse: n400(errs)}, nil
	}
	now := s.now().UTC().Format(timeFormat)
	created := make([]gen.WebhookItem, 0, len(req.Body.Items))
	for _, it := range req.Body.Items {
		for {
			if _, used := s.webhooks[s.nextID]; !used {
				break
			}
			s.nextID++
		}
		item := gen.WebhookItem{
			ID:            s.nextID,
			URL:           it.URL,
			EventType:     it.EventType,
			OrgID:         org,
			CreatedAt:     now,
			UpdatedAt:     now,
			CustomHeaders: nonEmpty(cloneHeaders(it.CustomHeaders)),
		}
		s.nextID++
		s.webhooks[item.ID] = item
		created = append(created, cloneItem(item))
	}
	return mockapi.Webhook200JSONResponse{Items: created}, nil
}

// TryoutWebhooks serves POST /webhooks/tryout: it records the first item
// (Partoo ignores the others) and, once deliveries exist, sends it.
func (a *api) TryoutWebhooks(ctx context.Context, req mockapi.TryoutWebhooksRequestObject) (mockapi.TryoutWebhooksResponseObject, error) {
	if len(req.Body.Items) == 0 {
		return mockapi.TryoutWebhooks400JSONResponse{N400JSONResponse: n400(fieldErrors{
			"items": {"Must have at least 1 item: the webhook configuration to try."},
		})}, nil
	}
	item := cloneCreateItem(req.Body.Items[0])
	if msg := checkWebhookURL(item.URL); msg != "" {
		return mockapi.TryoutWebhooks400JSONResponse{N400JSONResponse: n400(fieldErrors{"items[0].url": {msg}})}, nil
	}
	t := Tryout{OrgID: orgFrom(ctx), Item: item, Time: a.s.now()}
	a.s.mu.Lock()
	a.s.tryouts = append(a.s.tryouts, t)
	a.s.mu.Unlock()

	result, err := a.s.deliverTryout(ctx, t)
	if err != nil {
		return nil, err
	}
	return mockapi.TryoutWebhooks200JSONResponse(result), nil
}

// GetWebhook serves GET /webhooks/{webhook_id}.
func (a *api) GetWebhook(ctx context.Context, req mockapi.GetWebhookRequestObject) (mockapi.GetWebhookResponseObject, error) {
	a.s.mu.Lock()
	defer a.s.mu.Unlock()
	it, ok := a.s.webhooks[req.WebhookID]
	if !ok || it.OrgID != orgFrom(ctx) {
		return mockapi.GetWebhook404JSONResponse{N404JSONResponse: specBody[mockapi.N404JSONResponse](http.StatusNotFound)}, nil
	}
	return mockapi.GetWebhook200JSONResponse(cloneItem(it)), nil
}

// UpdateWebhook serves PUT /webhooks/{webhook_id}: the fields given
// replace the stored ones (custom_headers as a whole; {} removes them).
func (a *api) UpdateWebhook(ctx context.Context, req mockapi.UpdateWebhookRequestObject) (mockapi.UpdateWebhookResponseObject, error) {
	if req.Body.URL != nil {
		if msg := checkWebhookURL(*req.Body.URL); msg != "" {
			return mockapi.UpdateWebhook400JSONResponse{N400JSONResponse: n400(fieldErrors{"url": {msg}})}, nil
		}
	}
	s := a.s
	s.mu.Lock()
	defer s.mu.Unlock()
	it, ok := s.webhooks[req.WebhookID]
	if !ok || it.OrgID != orgFrom(ctx) {
		return mockapi.UpdateWebhook404JSONResponse{N404JSONResponse: specBody[mockapi.N404JSONResponse](http.StatusNotFound)}, nil
	}
	if req.Body.URL != nil {
		it.URL = *req.Body.URL
	}
	if req.Body.CustomHeaders != nil {
		it.CustomHeaders = nonEmpty(cloneHeaders(req.Body.CustomHeaders))
	}
	it.UpdatedAt = s.now().UTC().Format(timeFormat)
	s.webhooks[it.ID] = it
	return mockapi.UpdateWebhook200JSONResponse(cloneItem(it)), nil
}

// checkWebhookURL applies the documentation's rule for webhook URLs ("a
// valid HTTPS URL"), which the spec does not encode for every operation. To
// let tests receive deliveries, http is accepted for loopback hosts.
func checkWebhookURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() || u.Host == "" {
		return fmt.Sprintf("Not a valid URL: %q.", raw)
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

// nonEmpty turns an empty header set into none.
func nonEmpty(h *gen.CustomHeaders) *gen.CustomHeaders {
	if h == nil || len(*h) == 0 {
		return nil
	}
	return h
}

// n400 builds the spec's 400 body around errs.
func n400(errs fieldErrors) mockapi.N400JSONResponse {
	var out mockapi.N400JSONResponse
	if err := json.Unmarshal(badRequestBody(errs), &out); err != nil {
		panic("partootest: the 400 body does not fit the generated type: " + err.Error())
	}
	return out
}

// specBody returns the spec's body for status as the generated type T.
func specBody[T any](status int) T {
	var out T
	b, ok := rules.ErrorBody(status)
	if !ok {
		panic(fmt.Sprintf("partootest: the spec declares no body for %d", status))
	}
	if err := json.Unmarshal(b, &out); err != nil {
		panic(fmt.Sprintf("partootest: the spec's %d body does not fit %T: %v", status, out, err))
	}
	return out
}
