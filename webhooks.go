package partoo

import (
	"context"
	"encoding/json"
	"iter"
	"net/http"

	"github.com/partoo-go/partoo/gen"
)

// WebhooksService manages webhook configurations: the Webhooks tag of the
// Partoo API. Get it from [Client.Webhooks].
//
// Calls are scoped to the client's org_id ([WithOrgID], [Client.ForOrg]).
type WebhooksService struct {
	client *Client
}

// Get returns the webhook configuration id.
//
// Partoo API: GET /webhooks/{webhook_id} (operationId getWebhook).
func (s *WebhooksService) Get(ctx context.Context, id int) (*gen.WebhookItem, error) {
	return decodeJSON[gen.WebhookItem](s.client.GetWebhook(ctx, id, &gen.GetWebhookParams{}))
}

// List returns an iterator over every webhook configuration, fetching the
// pages as the loop goes. params may be nil; its PerPage sets the page size
// (1 to 100) and its Page the first page.
//
// Partoo API: GET /webhooks (operationId getWebhookList).
func (s *WebhooksService) List(ctx context.Context, params *gen.GetWebhookListParams) iter.Seq2[gen.WebhookItem, error] {
	if params == nil {
		params = &gen.GetWebhookListParams{}
	}
	return Paginate[gen.WebhookItem](ctx, s.client.GetWebhookList, params)
}

// Create registers one or more webhook configurations and returns them as
// created. The custom_headers of every item are validated locally first.
// Partoo allows a single webhook per event type and organization.
//
// Partoo API: POST /webhooks (operationId Webhook).
func (s *WebhooksService) Create(ctx context.Context, items ...gen.WebhookCreateItem) ([]gen.WebhookItem, error) {
	body := gen.CreateWebhooksPayload{Items: items}
	if body.Items == nil {
		body.Items = []gen.WebhookCreateItem{}
	}
	out, err := decodeJSON[struct {
		Items []gen.WebhookItem `json:"items"`
	}](s.client.Webhook(ctx, &gen.WebhookParams{}, body))
	if err != nil {
		return nil, err
	}
	return out.Items, nil
}

// Update changes the URL and/or the custom headers of the webhook
// configuration id and returns it as updated. Nil fields of update are not
// sent. The custom headers are validated locally first.
//
// Partoo API: PUT /webhooks/{webhook_id} (operationId updateWebhook; the
// method is an assumption, see the README's spec provenance).
func (s *WebhooksService) Update(ctx context.Context, id int, update gen.UpdateWebhookPayload) (*gen.WebhookItem, error) {
	return decodeJSON[gen.WebhookItem](s.client.UpdateWebhook(ctx, id, &gen.UpdateWebhookParams{}, update))
}

// Tryout asks Partoo to send a test delivery for item to item.URL, with the
// extra header X-Partoo-Webhook-Tryout, and returns Partoo's free-form
// result. Partoo tries one configuration per request.
//
// Partoo API: POST /webhooks/tryout (operationId tryoutWebhooks, an
// assumption).
func (s *WebhooksService) Tryout(ctx context.Context, item gen.WebhookCreateItem) (gen.TryoutResult, error) {
	out, err := decodeJSON[gen.TryoutResult](s.client.TryoutWebhooks(ctx, &gen.TryoutWebhooksParams{},
		gen.CreateWebhooksPayload{Items: []gen.WebhookCreateItem{item}}))
	if err != nil {
		return nil, err
	}
	return *out, nil
}

// decodeJSON decodes the JSON body of a successful raw response into a T.
// It takes the raw operation's two results so that a call reads as one line.
func decodeJSON[T any](resp *http.Response, err error) (*T, error) {
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var v T
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
		return nil, newDecodeError(resp, err)
	}
	return &v, nil
}
