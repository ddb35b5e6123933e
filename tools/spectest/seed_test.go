package spectest

import (
	"os"
	"reflect"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/partoo-go/partoo/api"
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

// TestBundleKeepsTheSeed checks that Partoo's verbatim YAML is kept as it is:
// top-level fields, the seed's operation and each of its components are
// semantically identical in the bundle.
func TestBundleKeepsTheSeed(t *testing.T) {
	seed, doc := seedYAML(t), bundle(t)
	for _, key := range []string{"openapi", "info", "servers", "security"} {
		if !reflect.DeepEqual(seed[key], doc[key]) {
			t.Errorf("%s differs from the seed:\nseed:   %v\nbundle: %v", key, seed[key], doc[key])
		}
	}
	seedPaths := sub(t, seed, "paths").(map[string]any)
	for path, item := range seedPaths {
		for method, op := range item.(map[string]any) {
			if got := sub(t, doc, "paths", path, method); !reflect.DeepEqual(op, got) {
				t.Errorf("%s %s differs from the seed:\nseed:   %v\nbundle: %v", method, path, op, got)
			}
		}
	}
	n := 0
	for section, comps := range sub(t, seed, "components").(map[string]any) {
		for name, want := range comps.(map[string]any) {
			n++
			if got := sub(t, doc, "components", section, name); !reflect.DeepEqual(want, got) {
				t.Errorf("components.%s.%s differs from the seed:\nseed:   %v\nbundle: %v", section, name, want, got)
			}
		}
	}
	if n < 10 {
		t.Errorf("compared only %d seed components; the seed parse is broken", n)
	}
}

// TestNonVerbatimElementsAreMarked checks that every operation and component
// the seed does not contain carries x-partoo-go-source with a known kind.
func TestNonVerbatimElementsAreMarked(t *testing.T) {
	seed, doc := seedYAML(t), bundle(t)
	check := func(where string, v any) {
		m, _ := v.(map[string]any)
		src, _ := m["x-partoo-go-source"].(map[string]any)
		kind, _ := src["kind"].(string)
		note, _ := src["note"].(string)
		if (kind != "reference-docs" && kind != "assumption") || strings.TrimSpace(note) == "" {
			t.Errorf("%s: missing or invalid x-partoo-go-source (kind %q, note %q)", where, kind, note)
		}
	}
	for path, item := range sub(t, doc, "paths").(map[string]any) {
		for method, op := range item.(map[string]any) {
			if sub(t, seed, "paths", path, method) == nil {
				check(method+" "+path, op)
			}
		}
	}
	for section, comps := range sub(t, doc, "components").(map[string]any) {
		for name, v := range comps.(map[string]any) {
			if sub(t, seed, "components", section, name) == nil {
				check("components."+section+"."+name, v)
			}
		}
	}
}
