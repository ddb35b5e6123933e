package spectest

import (
	"os"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/partoo-go/partoo/api"
	"github.com/partoo-go/partoo/tools/internal/provenance"
)

// seedYAML extracts the YAML between the ```` fences of the seed excerpt:
// Partoo's own bundled YAML for GET /webhooks/{webhook_id}.
func seedYAML(t *testing.T) map[string]any {
	t.Helper()
	raw, err := os.ReadFile("testdata/seed-getWebhook.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(raw)
	start := strings.Index(text, "````yaml")
	if start < 0 {
		t.Fatal("seed: no ````yaml fence")
	}
	text = text[start:]
	text = text[strings.Index(text, "\n")+1:]
	end := strings.Index(text, "````")
	if end < 0 {
		t.Fatal("seed: no closing fence")
	}
	var doc map[string]any
	if err := yaml.Unmarshal([]byte(text[:end]), &doc); err != nil {
		t.Fatalf("seed: %v", err)
	}
	return doc
}

func bundle(t *testing.T) map[string]any {
	t.Helper()
	var doc map[string]any
	if err := yaml.Unmarshal(api.OpenAPIBundled(), &doc); err != nil {
		t.Fatalf("bundle: %v", err)
	}
	return doc
}

func sub(t *testing.T, m map[string]any, keys ...string) any {
	t.Helper()
	var cur any = m
	for _, k := range keys {
		mm, ok := cur.(map[string]any)
		if !ok {
			t.Fatalf("%v: not an object at %q", keys, k)
		}
		cur, ok = mm[k]
		if !ok {
			return nil
		}
	}
	return cur
}

// TestBundleKeepsTheSeed checks that Partoo's YAML for the seed's operation
// is in the bundle, unchanged in meaning: top-level fields, the operation and
// each of its components are semantically identical, whichever way the
// bundle was made (api/provenance.yaml). When Partoo changes them, take the
// new seed with make update-spec SEED=path. Where every other element comes
// from is speclint's provenance rule (make spec-lint).
func TestBundleKeepsTheSeed(t *testing.T) {
	seed, doc := seedYAML(t), bundle(t)
	for _, key := range []string{"openapi", "info", "servers", "security"} {
		if d := provenance.FirstDiff(seed[key], doc[key]); d != "" {
			t.Errorf("%s differs from Partoo's verbatim YAML (the seed) at %s; %s", key, d, provenance.VerbatimRule)
		}
	}
	seedPaths := sub(t, seed, "paths").(map[string]any)
	for path, item := range seedPaths {
		for method, op := range item.(map[string]any) {
			if d := provenance.FirstDiff(op, sub(t, doc, "paths", path, method)); d != "" {
				t.Errorf("%s %s differs from Partoo's verbatim YAML (the seed) at %s; %s", strings.ToUpper(method), path, d, provenance.VerbatimRule)
			}
		}
	}
	n := 0
	for section, comps := range sub(t, seed, "components").(map[string]any) {
		for name, want := range comps.(map[string]any) {
			n++
			if d := provenance.FirstDiff(want, sub(t, doc, "components", section, name)); d != "" {
				t.Errorf("components.%s.%s differs from Partoo's verbatim YAML (the seed) at %s; %s", section, name, d, provenance.VerbatimRule)
			}
		}
	}
	if n < 10 {
		t.Errorf("compared only %d seed components; the seed parse is broken", n)
	}
}
