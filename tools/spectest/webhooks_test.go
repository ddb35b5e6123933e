// Package spectest holds the tests of the bundled spec itself
// (api/openapi-bundled.yaml). It lives in the tools module so that the YAML
// and OpenAPI libraries it needs never reach the client's go.mod.
//
// The package has tests only: its files all end in _test.go.
package spectest

import (
	"context"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/partoo-go/partoo/api"
)

// TestWebhooksSectionIsComplete checks the spec's OpenAPI 3.1 `webhooks:`
// section (the deliveries Partoo sends, which package webhook decodes):
// every event type of the event_type enum has exactly one webhook, and each
// delivery declares the signature header and a JSON body whose `type` is the
// event_type enum. Where each element comes from is speclint's provenance
// rule (make spec-lint).
func TestWebhooksSectionIsComplete(t *testing.T) {
	loader := openapi3.NewLoader()
	spec, err := loader.LoadFromData(api.OpenAPIBundled())
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if err := spec.Validate(context.Background(), openapi3.DisableSchemaPatternValidation()); err != nil {
		t.Fatalf("validate: %v", err)
	}
	enum := spec.Components.Schemas["event_type"].Value.Enum
	want := map[string]bool{}
	for _, v := range enum {
		want[v.(string)] = true
	}
	covered := map[string]string{}
	names := make([]string, 0, len(spec.Webhooks))
	for name := range spec.Webhooks {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		op := spec.Webhooks[name].Post
		if op == nil {
			t.Errorf("webhook %s: no post operation", name)
			continue
		}
		var hasSig bool
		for _, p := range op.Parameters {
			if p.Value.In == openapi3.ParameterInHeader && p.Value.Name == "X-Partoo-Signature-v1" && p.Value.Required {
				hasSig = true
			}
		}
		if !hasSig {
			t.Errorf("webhook %s: no required X-Partoo-Signature-v1 header parameter", name)
		}
		body := op.RequestBody.Value.Content.Get("application/json")
		if body == nil {
			t.Errorf("webhook %s: no application/json body", name)
			continue
		}
		typ := body.Schema.Value.Properties["type"]
		if typ == nil || typ.Ref != "#/components/schemas/event_type" {
			t.Errorf("webhook %s: body.type is not the event_type enum", name)
		}
		// The event type a webhook carries is in its description's
		// {"type": "<event>", ...} sample.
		for ev := range want {
			if strings.Contains(op.Description, `"type": "`+ev+`"`) {
				if other, dup := covered[ev]; dup {
					t.Errorf("event %s is described by webhooks %s and %s", ev, other, name)
				}
				covered[ev] = name
			}
		}
	}
	for ev := range want {
		if _, ok := covered[ev]; !ok {
			t.Errorf("event type %s has no webhook in the webhooks section", ev)
		}
	}
}
