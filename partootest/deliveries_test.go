package partootest_test

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/partoo-go/partoo"
	"github.com/partoo-go/partoo/gen"
	"github.com/partoo-go/partoo/partootest"
	"github.com/partoo-go/partoo/webhook"
)

// receiver is a webhook.Handler behind a real loopback server, recording
// the events it accepts and the statuses of everything it answers.
type receiver struct {
	URL string

	mu     sync.Mutex
	events []webhook.Event
	denied []int
}

func newReceiver(t *testing.T, pub ed25519.PublicKey, opts webhook.HandlerOptions, fail error) *receiver {
	t.Helper()
	rc := &receiver{}
	opts.PublicKey = pub
	opts.OnError = func(_ *http.Request, status int, _ error) {
		rc.mu.Lock()
		defer rc.mu.Unlock()
		rc.denied = append(rc.denied, status)
	}
	h, err := webhook.NewHandler(opts, func(ctx context.Context, ev webhook.Event) error {
		rc.mu.Lock()
		defer rc.mu.Unlock()
		rc.events = append(rc.events, ev)
		return fail
	})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("POST /partoo/hooks", h)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	rc.URL = srv.URL + "/partoo/hooks"
	return rc
}

func (rc *receiver) got() ([]webhook.Event, []int) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]webhook.Event(nil), rc.events...), append([]int(nil), rc.denied...)
}

// TestTryoutDeliversVerifiedTypedEvents is the end-to-end path: register a
// webhook on the fake with the client, try it out, and the receiver built
// with package webhook gets a verified, typed test event, with the
// webhook's custom header.
func TestTryoutDeliversVerifiedTypedEvents(t *testing.T) {
	t.Parallel()
	tests := []struct {
		event gen.EventType
		check func(t *testing.T, ev webhook.Event)
	}{
		{gen.EventTypeBusinessCreated, func(t *testing.T, ev webhook.Event) {
			if ev.Business == nil || ev.Business.ID != "5409c35a97bbc544d8e26737" || *ev.Business.OrgID != partootest.DefaultOrgID || *ev.Business.Name != "Corner shop" {
				t.Errorf("business = %+v", ev.Business)
			}
		}},
		{gen.EventTypeBusinessUpdated, func(t *testing.T, ev webhook.Event) {
			if ev.Business == nil || *ev.Business.Code != "CS-75019" || *ev.OrgID != partootest.DefaultOrgID {
				t.Errorf("business = %+v", ev.Business)
			}
		}},
		{gen.EventTypeBusinessDeleted, func(t *testing.T, ev webhook.Event) {
			// The payload is the spec's sample, whatever its shape: {} in
			// today's spec, more in a bundle that describes it.
			if ev.Business != nil || !json.Valid(ev.Payload) {
				t.Errorf("business_deleted = business %v, payload %s; want a raw event", ev.Business, ev.Payload)
			}
		}},
		{gen.EventTypeMessageCreated, func(t *testing.T, ev webhook.Event) {
			if ev.Message == nil || ev.Conversation == nil || *ev.OrgID != partootest.DefaultOrgID {
				t.Fatalf("message event = %+v", ev)
			}
			if want := time.Date(2023, 1, 31, 16, 22, 17, 327878000, time.UTC); !ev.Message.Date.Equal(want) {
				t.Errorf("date = %v, want %v", ev.Message.Date, want)
			}
			if ev.Conversation.Business.ID != "123" || *ev.Message.ContentType != gen.MessageContentTypeText {
				t.Errorf("conversation business %q, content type %q", ev.Conversation.Business.ID, *ev.Message.ContentType)
			}
		}},
		{gen.EventTypeMessageUpdated, func(t *testing.T, ev webhook.Event) {
			if ev.Message == nil || *ev.Message.Status != gen.MessageStatusSending {
				t.Errorf("message = %+v", ev.Message)
			}
		}},
		{gen.EventTypeLeadReceived, func(t *testing.T, ev webhook.Event) {
			if ev.Lead == nil || len(ev.Lead.Values) != 1 || ev.Lead.Values[0].Value != "John" || ev.Lead.CreatedAt.IsZero() {
				t.Errorf("lead = %+v", ev.Lead)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(string(tt.event), func(t *testing.T) {
			t.Parallel()
			srv := partootest.NewTestServer(t)
			rc := newReceiver(t, srv.PublicKey(), webhook.HandlerOptions{CheckSecret: webhook.HeaderSecret("X-Auth-Token", "s3cret")}, nil)
			client := srv.Client()
			ctx := context.Background()

			item := gen.WebhookCreateItem{URL: rc.URL, EventType: tt.event, CustomHeaders: &gen.CustomHeaders{"X-Auth-Token": "s3cret"}}
			if _, err := client.Webhooks.Create(ctx, payload(item)); err != nil {
				t.Fatalf("Create: %v", err)
			}
			result, err := client.Webhooks.Tryout(ctx, payload(item))
			if err != nil {
				t.Fatalf("Tryout: %v", err)
			}
			if result["delivered"] != true || result["status_code"] != 200.0 || result["event_type"] != string(tt.event) {
				t.Errorf("tryout result = %v", result)
			}
			events, denied := rc.got()
			if len(events) != 1 || len(denied) != 0 {
				t.Fatalf("receiver got %d events and denied %v, want 1 event", len(events), denied)
			}
			ev := events[0]
			if ev.Type != tt.event || !ev.Tryout {
				t.Errorf("event type %q, tryout %t", ev.Type, ev.Tryout)
			}
			tt.check(t, ev)

			ds := srv.Deliveries()
			if len(ds) != 1 || !ds[0].Tryout || !ds[0].OK() || ds[0].URL != rc.URL || ds[0].WebhookID != 0 || string(ds[0].Body) != string(ev.Body) {
				t.Errorf("Deliveries = %+v", ds)
			}
		})
	}
}

func TestTryoutFailures(t *testing.T) {
	t.Parallel()
	srv := partootest.NewTestServer(t)
	client := srv.Client()
	ctx := context.Background()
	prod, err := webhook.PublicKey(webhook.Production)
	if err != nil {
		t.Fatal(err)
	}
	wrongKey := newReceiver(t, prod, webhook.HandlerOptions{}, nil)
	failing := newReceiver(t, srv.PublicKey(), webhook.HandlerOptions{}, errors.New("database is down"))
	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL := closed.URL + "/gone"
	closed.Close()

	tests := []struct {
		name       string
		url        string
		wantStatus any // the result's status_code, nil when absent
		wantError  string
	}{
		{"receiver with Partoo's production key", wrongKey.URL, 401.0, "status 401"},
		{"receiver fails", failing.URL, 500.0, "status 500"},
		{"nobody listening", closedURL, nil, "connect"},
		{"not a loopback host", "https://example.com/partoo", nil, "loopback hosts only"},
		{"localhost name", strings.Replace(failing.URL, "127.0.0.1", "localhost", 1), 500.0, "status 500"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			result, err := client.Webhooks.Tryout(ctx, payload(gen.WebhookCreateItem{URL: tt.url, EventType: gen.EventTypeLeadReceived}))
			if err != nil {
				t.Fatalf("Tryout: %v", err)
			}
			if result["delivered"] != false || result["status_code"] != tt.wantStatus {
				t.Errorf("result = %v, want delivered false, status_code %v", result, tt.wantStatus)
			}
			if msg, _ := result["error"].(string); !strings.Contains(msg, tt.wantError) {
				t.Errorf("result error = %q, want it to contain %q", msg, tt.wantError)
			}
		})
	}
	if _, denied := wrongKey.got(); len(denied) != 1 || denied[0] != http.StatusUnauthorized {
		t.Errorf("the receiver with the wrong key answered %v, want [401]", denied)
	}
	if events, _ := failing.got(); len(events) != 2 {
		t.Errorf("the failing receiver got %d events, want 2", len(events))
	}
}

func TestEmit(t *testing.T) {
	t.Parallel()
	srv := partootest.NewTestServer(t, partootest.WithProviderKey("provider", 10, 11))
	ctx := context.Background()
	a := newReceiver(t, srv.PublicKey(), webhook.HandlerOptions{}, nil)
	b := newReceiver(t, srv.PublicKey(), webhook.HandlerOptions{}, nil)
	leads := newReceiver(t, srv.PublicKey(), webhook.HandlerOptions{}, nil)
	// In order (a slice, not a map), so webhook IDs, and so deliveries, are
	// in a known order: org 10's first.
	for _, reg := range []struct {
		org int
		url string
	}{{10, a.URL}, {11, b.URL}} {
		c := srv.ClientWithKey("provider", partoo.WithOrgID(reg.org))
		if _, err := c.Webhooks.Create(ctx, payload(gen.WebhookCreateItem{URL: reg.url, EventType: gen.EventTypeMessageCreated, CustomHeaders: &gen.CustomHeaders{"X-Org": "x"}})); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := srv.Client().Webhooks.Create(ctx, payload(gen.WebhookCreateItem{URL: leads.URL, EventType: gen.EventTypeLeadReceived})); err != nil {
		t.Fatal(err)
	}

	// A payload of the test's own, to every message_created webhook.
	payload := json.RawMessage(`{"message":{"id":9,"date":"2024-01-02T03:04:05Z","sender_type":"Consumer","status":"Success","content":"Hi"},"org_id":10}`)
	ds, err := srv.Emit(ctx, gen.EventTypeMessageCreated, payload)
	if err != nil {
		t.Fatalf("Emit: %v", err)
	}
	if len(ds) != 2 || ds[0].URL != a.URL || ds[1].URL != b.URL || ds[0].Tryout || !ds[0].OK() || ds[0].WebhookID == 0 {
		t.Fatalf("deliveries = %+v", ds)
	}
	for _, rc := range []*receiver{a, b} {
		events, _ := rc.got()
		if len(events) != 1 {
			t.Fatalf("receiver got %d events, want 1", len(events))
		}
		ev := events[0]
		if ev.Tryout || *ev.Message.ID != 9 || *ev.Message.Content != "Hi" || ev.Message.Date.Year() != 2024 {
			t.Errorf("event = %+v, message %+v", ev, ev.Message)
		}
	}
	if events, _ := leads.got(); len(events) != 0 {
		t.Errorf("the lead receiver got %d message events", len(events))
	}

	// nil sends the sample payload, in each webhook's organization.
	ds, err = srv.Emit(ctx, gen.EventTypeMessageCreated, nil)
	if err != nil {
		t.Fatalf("Emit sample: %v", err)
	}
	for i, rc := range []*receiver{a, b} {
		events, _ := rc.got()
		if got, want := *events[1].OrgID, 10+i; got != want {
			t.Errorf("sample org_id = %d, want %d", got, want)
		}
	}
	if len(ds) != 2 {
		t.Errorf("%d deliveries, want 2", len(ds))
	}

	// No webhook for the type: nothing sent, no error.
	if ds, err := srv.Emit(ctx, gen.EventTypeBusinessDeleted, nil); len(ds) != 0 || err != nil {
		t.Errorf("Emit without webhooks = %v, %v", ds, err)
	}
	// A payload that cannot be encoded.
	var unsupported *json.UnsupportedTypeError
	if _, err := srv.Emit(ctx, gen.EventTypeLeadReceived, func() {}); !errors.As(err, &unsupported) {
		t.Errorf("Emit of a func: %v", err)
	}
	if got := len(srv.Deliveries()); got != 4 {
		t.Errorf("Deliveries has %d entries, want 4", got)
	}
}

func TestEmitReportsFailedDeliveries(t *testing.T) {
	t.Parallel()
	srv := partootest.NewTestServer(t)
	failing := newReceiver(t, srv.PublicKey(), webhook.HandlerOptions{}, errors.New("boom"))
	addWebhooks(t, srv,
		gen.WebhookItem{URL: failing.URL, EventType: gen.EventTypeLeadReceived},
		gen.WebhookItem{URL: "https://partoo.example/hooks", EventType: gen.EventTypeLeadReceived, OrgID: 2},
	)
	ds, err := srv.Emit(context.Background(), gen.EventTypeLeadReceived, nil)
	if len(ds) != 2 || ds[0].StatusCode != 500 || ds[1].Err == nil {
		t.Fatalf("deliveries = %+v", ds)
	}
	joined, ok := err.(interface{ Unwrap() []error })
	if !ok || len(joined.Unwrap()) != 2 || !errors.Is(err, ds[1].Err) {
		t.Errorf("Emit error = %v, want one error per failed delivery, wrapping the delivery's Err", err)
	}
}

func TestWithSigningKey(t *testing.T) {
	t.Parallel()
	_, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	srv := partootest.NewTestServer(t, partootest.WithSigningKey(priv))
	if !srv.PublicKey().Equal(priv.Public()) {
		t.Error("PublicKey is not the public half of the signing key")
	}
	// The deliveries are signed with the key: a receiver that knows only
	// its public half accepts them.
	rc := newReceiver(t, priv.Public().(ed25519.PublicKey), webhook.HandlerOptions{}, nil)
	if _, err := srv.CreateWebhooks(gen.WebhookItem{URL: rc.URL, EventType: gen.EventTypeLeadReceived}); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Emit(context.Background(), gen.EventTypeLeadReceived, nil); err != nil {
		t.Errorf("Emit: %v", err)
	}
	if events, denied := rc.got(); len(events) != 1 || len(denied) != 0 {
		t.Errorf("the receiver got %d events and denied %v, want 1 event", len(events), denied)
	}
	if other := partootest.NewTestServer(t); other.PublicKey().Equal(srv.PublicKey()) {
		t.Error("two servers share a signing key")
	}

	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), "partootest: WithSigningKey") {
			t.Errorf("NewServer with a short key: recover() = %v", r)
		}
	}()
	partootest.NewServer(partootest.WithSigningKey(priv[:32]))
}

func TestSampleEventsParse(t *testing.T) {
	t.Parallel()
	for _, event := range []gen.EventType{
		gen.EventTypeBusinessCreated, gen.EventTypeBusinessUpdated, gen.EventTypeBusinessDeleted,
		gen.EventTypeMessageCreated, gen.EventTypeMessageUpdated, gen.EventTypeLeadReceived, "future_event",
	} {
		ev, err := webhook.Parse(partootest.SampleEvent(event))
		if err != nil || ev.Type != event {
			t.Errorf("Parse(SampleEvent(%q)) = %q, %v", event, ev.Type, err)
		}
	}
}

func TestZeroServerDeliveries(t *testing.T) {
	t.Parallel()
	var s partootest.Server
	if s.PublicKey() != nil || s.Deliveries() != nil {
		t.Error("a zero Server has a key or deliveries")
	}
	if _, err := s.Emit(context.Background(), gen.EventTypeLeadReceived, nil); err == nil {
		t.Error("Emit on a zero Server: no error")
	}
}
