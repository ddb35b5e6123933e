package consumer_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"example.com/consumer-pipeline/relayapi"

	"github.com/partoo-go/partoo"
	"github.com/partoo-go/partoo/gen"
)

// relayServer is a fake of the relay service; it records the headers PUT to it.
func relayServer(t *testing.T, saved *gen.CustomHeaders) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/tenants/{tenant}/webhooks", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"tenant": "`+r.PathValue("tenant")+`", "webhooks": [
			{"id": 7, "url": "https://example.com/hook", "event_type": "business_created",
			 "created_at": "2024-11-27T16:10:44.929678Z", "updated_at": "2024-11-27T16:10:44.929678Z",
			 "org_id": 1, "custom_headers": {"X-Auth-Token": "secret"}}]}`)
	})
	mux.HandleFunc("PUT /v1/tenants/{tenant}/webhooks", func(w http.ResponseWriter, r *http.Request) {
		var body relayapi.TenantHeaders
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		*saved = body.Headers
		w.WriteHeader(http.StatusNoContent)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// TestRelayUsesPartooTypes calls the relay through its generated client and
// hands the values to and from partoo's types without any conversion.
func TestRelayUsesPartooTypes(t *testing.T) {
	t.Parallel()
	var saved gen.CustomHeaders
	srv := relayServer(t, &saved)
	relay, err := relayapi.NewClientWithResponses(srv.URL + "/v1")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	resp, err := relay.ListTenantWebhooksWithResponse(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	if resp.JSON200 == nil {
		t.Fatalf("status %d, body %s", resp.StatusCode(), resp.Body)
	}
	// The relay's items ARE partoo-go's generated type: this assignment
	// compiles only because import-mapping reused package gen.
	var hooks []gen.WebhookItem = resp.JSON200.Webhooks
	if len(hooks) != 1 || hooks[0].ID != 7 || hooks[0].EventType != gen.EventTypeBusinessCreated || hooks[0].CustomHeaders == nil {
		t.Fatalf("hooks = %+v", hooks)
	}

	headers := gen.CustomHeaders{"X-Auth-Token": "rotated", "X-Tenant": "acme"}
	// partoo's local validation (derived from the spec) applies to the
	// relay's values as they are.
	if err := partoo.ValidateCustomHeaders(headers); err != nil {
		t.Fatal(err)
	}
	put, err := relay.SetTenantHeadersWithResponse(ctx, "acme", relayapi.TenantHeaders{Headers: headers})
	if err != nil {
		t.Fatal(err)
	}
	if put.StatusCode() != http.StatusNoContent || saved["X-Tenant"] != "acme" {
		t.Fatalf("PUT: status %d, saved %v", put.StatusCode(), saved)
	}

	bad := gen.CustomHeaders{"X-Partoo-Tenant": "acme"}
	if err := partoo.ValidateCustomHeaders(bad); !errors.Is(err, partoo.ErrInvalidCustomHeaders) {
		t.Fatalf("ValidateCustomHeaders(%v) = %v, want ErrInvalidCustomHeaders", bad, err)
	}
}

// TestNoDuplicatedPartooTypes checks that the generated relay code declares
// none of Partoo's schemas itself.
func TestNoDuplicatedPartooTypes(t *testing.T) {
	t.Parallel()
	src, err := os.ReadFile("relayapi/relay.gen.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, decl := range []string{"type WebhookItem ", "type CustomHeaders ", "type EventType ", "type URL "} {
		if strings.Contains(string(src), decl) {
			t.Errorf("relayapi declares %q: import-mapping did not reuse package gen", decl)
		}
	}
	if !strings.Contains(string(src), `"github.com/partoo-go/partoo/gen"`) {
		t.Error("relayapi does not import github.com/partoo-go/partoo/gen")
	}
}
