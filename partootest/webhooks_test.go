package partootest_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/partoo-go/partoo"
	"github.com/partoo-go/partoo/gen"
	"github.com/partoo-go/partoo/partootest"
)

func TestCreateWebhooks(t *testing.T) {
	t.Parallel()
	srv := partootest.NewTestServer(t)
	tests := []struct {
		name      string
		items     []gen.WebhookItem
		wantField string // the field of the refusal; "" for success
	}{
		{"valid, in two organizations", []gen.WebhookItem{
			{URL: "https://a.example", EventType: gen.EventTypeLeadReceived},
			{ID: 40, URL: "http://127.0.0.1:9/hook", EventType: gen.EventTypeLeadReceived, OrgID: 2, CustomHeaders: &gen.CustomHeaders{"X-A": "b"}},
		}, ""},
		{"second webhook for an event type", []gen.WebhookItem{{URL: "https://b.example", EventType: gen.EventTypeLeadReceived}}, "items[0].event_type"},
		{"twice one event type", []gen.WebhookItem{
			{URL: "https://b.example", EventType: gen.EventTypeMessageCreated},
			{URL: "https://c.example", EventType: gen.EventTypeMessageCreated},
		}, "items[1].event_type"},
		{"http to a public host", []gen.WebhookItem{{URL: "http://b.example", EventType: gen.EventTypeBusinessCreated}}, "items[0].url"},
		{"unknown event type", []gen.WebhookItem{{URL: "https://b.example", EventType: "business_exploded"}}, "items[0].event_type"},
		{"undeliverable header", []gen.WebhookItem{{URL: "https://b.example", EventType: gen.EventTypeBusinessCreated, CustomHeaders: &gen.CustomHeaders{"X-A": "s3cret\r\n"}}}, "items[0].custom_headers"},
		{"taken ID", []gen.WebhookItem{{ID: 40, URL: "https://b.example", EventType: gen.EventTypeBusinessCreated}}, "items[0].id"},
		{"negative ID", []gen.WebhookItem{{ID: -1, URL: "https://b.example", EventType: gen.EventTypeBusinessCreated}}, "items[0].id"},
	}
	for _, tt := range tests { // in order: the first one stores webhooks
		t.Run(tt.name, func(t *testing.T) {
			before := len(srv.Webhooks())
			got, err := srv.CreateWebhooks(tt.items...)
			if tt.wantField == "" {
				if err != nil {
					t.Fatal(err)
				}
				if got[0].OrgID != srv.OrgID || got[1].ID != 40 || got[1].OrgID != 2 || got[0].ID == 0 || got[0].CreatedAt == "" {
					t.Errorf("stored %+v", got)
				}
				return
			}
			var fields partootest.FieldErrors
			if !errors.As(err, &fields) || len(fields[tt.wantField]) == 0 {
				t.Fatalf("CreateWebhooks: %v, want a refusal on %s", err, tt.wantField)
			}
			if strings.Contains(err.Error(), "s3cret") {
				t.Errorf("the error shows a header value: %v", err)
			}
			if n := len(srv.Webhooks()); n != before || got != nil {
				t.Errorf("%d webhooks after a refused call, want %d", n, before)
			}
		})
	}
}

func TestCreateUniqueness(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		existing  []gen.WebhookItem
		body      string
		want      int
		wantField string
	}{
		{
			name:      "same event and org as an existing webhook",
			existing:  []gen.WebhookItem{{URL: "https://a.example", EventType: gen.EventTypeBusinessCreated}},
			body:      `{"items":[{"url":"https://b.example","event_type":"business_created"}]}`,
			want:      400,
			wantField: "items[0].event_type",
		},
		{
			name:      "same URL for the same event again",
			existing:  []gen.WebhookItem{{URL: "https://a.example", EventType: gen.EventTypeBusinessCreated}},
			body:      `{"items":[{"url":"https://a.example","event_type":"business_created"}]}`,
			want:      400,
			wantField: "items[0].event_type",
		},
		{
			name:      "twice the same event in one request",
			body:      `{"items":[{"url":"https://a.example","event_type":"lead_received"},{"url":"https://b.example","event_type":"lead_received"}]}`,
			want:      400,
			wantField: "items[1].event_type",
		},
		{
			name:     "same event in another organization",
			existing: []gen.WebhookItem{{URL: "https://a.example", EventType: gen.EventTypeBusinessCreated, OrgID: 9}},
			body:     `{"items":[{"url":"https://a.example","event_type":"business_created"}]}`,
			want:     200,
		},
		{
			name:     "same URL for two events",
			existing: []gen.WebhookItem{{URL: "https://a.example", EventType: gen.EventTypeBusinessCreated}},
			body:     `{"items":[{"url":"https://a.example","event_type":"business_updated"},{"url":"https://a.example","event_type":"business_deleted"}]}`,
			want:     200,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := partootest.NewTestServer(t)
			addWebhooks(t, srv, tt.existing...)
			r := call(t, srv, srv.APIKey, "POST", "/webhooks", "", tt.body)
			if r.Status != tt.want {
				t.Fatalf("status %d (%s), want %d", r.Status, r.Body, tt.want)
			}
			if tt.want == 400 {
				if _, ok := fieldMessages(t, r.Body)[tt.wantField]; !ok {
					t.Errorf("400 body %s has no message for %q", r.Body, tt.wantField)
				}
				if got := len(srv.Webhooks()); got != len(tt.existing) {
					t.Errorf("%d webhooks stored after a refused create, want %d: create must be all-or-nothing", got, len(tt.existing))
				}
			}
		})
	}
}

func TestGetUpdateTryout(t *testing.T) {
	t.Parallel()
	now := time.Date(2024, 11, 27, 16, 10, 44, 929678000, time.UTC)
	srv := partootest.NewTestServer(t, partootest.WithClock(func() time.Time { return now }))
	c := srv.Client()
	ctx := context.Background()

	created, err := c.Webhooks.Create(ctx, payload(gen.WebhookCreateItem{
		URL: "https://example.com/webhook", EventType: gen.EventTypeBusinessCreated,
		CustomHeaders: &gen.CustomHeaders{"X-Auth-Token": "secret-token"},
	}))
	if err != nil {
		t.Fatal(err)
	}
	want := gen.WebhookItem{
		ID: 1, URL: "https://example.com/webhook", EventType: gen.EventTypeBusinessCreated, OrgID: 1,
		CreatedAt: "2024-11-27T16:10:44.929678Z", UpdatedAt: "2024-11-27T16:10:44.929678Z",
		CustomHeaders: &gen.CustomHeaders{"X-Auth-Token": "secret-token"},
	}
	if diff := cmp.Diff([]gen.WebhookItem{want}, created); diff != "" {
		t.Errorf("created (-want +got):\n%s", diff)
	}
	got, err := c.Webhooks.Get(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, *got); diff != "" {
		t.Errorf("get (-want +got):\n%s", diff)
	}

	now = now.Add(time.Hour)
	newURL := "https://example.com/v2/webhook"
	updated, err := c.Webhooks.Update(ctx, 1, gen.UpdateWebhookPayload{URL: &newURL})
	if err != nil {
		t.Fatal(err)
	}
	want.URL, want.UpdatedAt = newURL, "2024-11-27T17:10:44.929678Z"
	if diff := cmp.Diff(want, *updated); diff != "" {
		t.Errorf("update of the URL (-want +got):\n%s", diff)
	}
	updated, err = c.Webhooks.Update(ctx, 1, gen.UpdateWebhookPayload{CustomHeaders: &gen.CustomHeaders{}})
	if err != nil {
		t.Fatal(err)
	}
	if updated.CustomHeaders != nil {
		t.Errorf("custom headers after updating them to {}: %v, want none", *updated.CustomHeaders)
	}
	if _, err := c.Webhooks.Update(ctx, 2, gen.UpdateWebhookPayload{URL: &newURL}); !errors.Is(err, partoo.ErrNotFound) {
		t.Errorf("update of a missing webhook: %v, want ErrNotFound", err)
	}
	if _, err := c.Webhooks.Get(ctx, 2); !errors.Is(err, partoo.ErrNotFound) {
		t.Errorf("get of a missing webhook: %v, want ErrNotFound", err)
	}

	result, err := c.Webhooks.Tryout(ctx, payload(gen.WebhookCreateItem{URL: "https://example.com/try", EventType: gen.EventTypeLeadReceived}))
	if err != nil {
		t.Fatal(err)
	}
	if result["delivered"] != false || result["event_type"] != "lead_received" {
		t.Errorf("tryout result %v", result)
	}
	r := call(t, srv, srv.APIKey, "POST", "/webhooks/tryout", "",
		`{"items":[{"url":"https://example.com/first","event_type":"message_created"},{"url":"https://example.com/ignored","event_type":"business_created"}]}`)
	if r.Status != 200 {
		t.Fatalf("tryout with two items: %d %s", r.Status, r.Body)
	}
	tryouts := srv.Deliveries()
	if len(tryouts) != 2 || !tryouts[1].Tryout {
		t.Fatalf("deliveries %+v, want 2 tryouts", tryouts)
	}
	if tryouts[1].URL != "https://example.com/first" || tryouts[1].OrgID != 1 || !tryouts[1].Time.Equal(now) {
		t.Errorf("second tryout %+v, want the first item of the request, org 1", tryouts[1])
	}
	if n := len(srv.Webhooks()); n != 1 {
		t.Errorf("%d webhooks after tryouts, want 1: a tryout creates nothing", n)
	}
}
