package partoo_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/partoo-go/partoo"
	"github.com/partoo-go/partoo/gen"
	"github.com/partoo-go/partoo/partootest"
)

// These tests run the client against partootest, the fake Partoo built
// from the same spec, for behaviour that needs a server with state:
// organizations, pagination over many pages, and the round trip of every
// helper.

func TestWebhooksAgainstPartootest(t *testing.T) {
	t.Parallel()
	srv := partootest.NewTestServer(t)
	c := srv.Client()
	ctx := context.Background()

	created, err := c.Webhooks.Create(ctx, gen.CreateWebhooksPayload{Items: []gen.WebhookCreateItem{gen.WebhookCreateItem{URL: "https://example.com/a", EventType: gen.EventTypeBusinessCreated, CustomHeaders: &gen.CustomHeaders{"X-Auth-Token": "t"}},
		gen.WebhookCreateItem{URL: "https://example.com/a", EventType: gen.EventTypeBusinessUpdated}}})
	if err != nil || len(created) != 2 {
		t.Fatalf("Create: %v, %v", created, err)
	}
	if _, err := c.Webhooks.Create(ctx, gen.CreateWebhooksPayload{Items: []gen.WebhookCreateItem{gen.WebhookCreateItem{URL: "https://example.com/b", EventType: gen.EventTypeBusinessCreated}}}); !errors.Is(err, partoo.ErrBadRequest) {
		t.Errorf("second webhook for the same event: %v, want ErrBadRequest", err)
	}
	got, err := c.Webhooks.Get(ctx, created[0].ID)
	if err != nil || got.CustomHeaders == nil || (*got.CustomHeaders)["X-Auth-Token"] != "t" {
		t.Errorf("Get: %+v, %v", got, err)
	}
	u := "https://example.com/c"
	if upd, err := c.Webhooks.Update(ctx, created[1].ID, gen.UpdateWebhookPayload{URL: &u}); err != nil || upd.URL != u {
		t.Errorf("Update: %+v, %v", upd, err)
	}
	if _, err := c.Webhooks.Tryout(ctx, gen.CreateWebhooksPayload{Items: []gen.WebhookCreateItem{gen.WebhookCreateItem{URL: u, EventType: gen.EventTypeBusinessUpdated}}}); err != nil {
		t.Errorf("Tryout: %v", err)
	}
	if d := srv.Deliveries(); len(d) != 1 || !d[0].Tryout {
		t.Errorf("deliveries %+v, want the tryout's", d)
	}
	if _, err := c.Webhooks.Get(ctx, 999); !errors.Is(err, partoo.ErrNotFound) {
		t.Errorf("Get(999): %v, want ErrNotFound", err)
	}
}

func TestListAcrossPagesAgainstPartootest(t *testing.T) {
	t.Parallel()
	srv := partootest.NewTestServer(t)
	// Partoo allows one webhook per event type in an organization.
	var seed []gen.WebhookItem
	for _, e := range []gen.EventType{gen.EventTypeBusinessCreated, gen.EventTypeBusinessUpdated, gen.EventTypeBusinessDeleted,
		gen.EventTypeLeadReceived, gen.EventTypeMessageCreated, gen.EventTypeMessageUpdated} {
		seed = append(seed, gen.WebhookItem{URL: "https://example.com/" + string(e), EventType: e})
	}
	addWebhooks(t, srv, seed...)
	tests := []struct {
		name      string
		perPage   *int
		wantCalls int
	}{
		{"server default page size", nil, (6 + srv.DefaultPageSize("getWebhookList") - 1) / srv.DefaultPageSize("getWebhookList")},
		{"a last page not full", pageSize(4), 2},
		{"full pages", pageSize(3), 2},
		{"one per page", pageSize(1), 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv.ClearRequests()
			n, last := 0, 0
			for hook, err := range srv.Client().Webhooks.List(context.Background(), &gen.GetWebhookListParams{PerPage: tt.perPage}) {
				if err != nil {
					t.Fatal(err)
				}
				if hook.ID <= last {
					t.Fatalf("ID %d after %d", hook.ID, last)
				}
				n, last = n+1, hook.ID
			}
			if n != 6 || srv.RequestCount() != tt.wantCalls {
				t.Errorf("%d items in %d requests, want 6 in %d", n, srv.RequestCount(), tt.wantCalls)
			}
		})
	}
}

func TestOrganizationsAgainstPartootest(t *testing.T) {
	t.Parallel()
	srv := partootest.NewTestServer(t, partootest.WithProviderKey("provider", 41, 42))
	ctx := context.Background()
	provider := srv.ClientWithKey("provider")

	if _, err := provider.Webhooks.Create(ctx, gen.CreateWebhooksPayload{Items: []gen.WebhookCreateItem{gen.WebhookCreateItem{URL: "https://example.com", EventType: gen.EventTypeLeadReceived}}}); !errors.Is(err, partoo.ErrBadRequest) {
		t.Errorf("PROVIDER without org_id: %v, want ErrBadRequest", err)
	}
	for _, org := range []int{41, 42} {
		c, err := provider.ForOrg(org)
		if err != nil {
			t.Fatal(err)
		}
		items, err := c.Webhooks.Create(ctx, gen.CreateWebhooksPayload{Items: []gen.WebhookCreateItem{gen.WebhookCreateItem{URL: "https://example.com", EventType: gen.EventTypeLeadReceived}}})
		if err != nil || items[0].OrgID != org {
			t.Fatalf("create for org %d: %+v, %v", org, items, err)
		}
	}
	c43, _ := provider.ForOrg(43)
	if _, err := c43.Webhooks.Get(ctx, 1); !errors.Is(err, partoo.ErrForbidden) {
		t.Errorf("PROVIDER on an org it does not manage: %v, want ErrForbidden", err)
	}
	// An org_id in the call's params wins over the client's default.
	c41, _ := provider.ForOrg(41)
	org42 := 42
	resp, err := c41.Raw().GetWebhookWithResponse(ctx, 2, &gen.GetWebhookParams{OrgID: &org42})
	if err != nil || resp.JSON200 == nil || resp.JSON200.OrgID != 42 {
		t.Errorf("explicit org_id 42 through a client for 41: %+v, %v", resp, err)
	}
	if _, err := srv.Client().Webhooks.Get(ctx, 1); !errors.Is(err, partoo.ErrNotFound) {
		t.Errorf("organization key reading org 41's webhook: %v, want ErrNotFound", err)
	}
}

func pageSize(n int) *int { return &n }

// addWebhooks seeds items (partootest's AddResource) and returns them as
// stored.
func addWebhooks(t testing.TB, srv *partootest.Server, items ...gen.WebhookItem) []gen.WebhookItem {
	t.Helper()
	out := make([]gen.WebhookItem, len(items))
	for i, it := range items {
		b, err := srv.AddResource("/webhooks", it)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b[0], &out[i]); err != nil {
			t.Fatal(err)
		}
	}
	return out
}
