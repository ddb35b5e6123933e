package spectest

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"

	"github.com/partoo-go/partoo/api"
	"github.com/partoo-go/partoo/tools/internal/speclint"
	"github.com/partoo-go/partoo/tools/internal/specload"
)

// seedFile is the seed excerpt: Partoo's own bundled YAML for
// GET /webhooks/{webhook_id}, in a ````yaml fence of its docs page.
const seedFile = "testdata/seed-getWebhook.md"

// seedYAML reads the seed excerpt's YAML as speclint, which the lint holds
// the bundle to, reads it.
func seedYAML(t *testing.T) map[string]any {
	t.Helper()
	seed, err := speclint.ReadSeed(seedFile)
	if err != nil {
		t.Fatal(err)
	}
	return seed
}

// apiDir is the repository's api/ directory.
const apiDir = "../../api"

func bundle(t *testing.T) map[string]any {
	t.Helper()
	var doc map[string]any
	if err := yaml.Unmarshal(api.OpenAPIBundled(), &doc); err != nil {
		t.Fatalf("bundle: %v", err)
	}
	return doc
}

// partooFile returns the document that must hold the seed's elements
// unchanged, and its name: for a bundle api/provenance.yaml says is
// Partoo's, Partoo's verbatim file (api/partoo-verbatim.yaml, checked
// against its recorded SHA-256), since the bundle every consumer reads is
// its repaired form and may differ from it where a repair, a derived
// operationId or the upgrade to OpenAPI 3.1 says so
// (TestBundleIsTheRepairedVerbatim); for a bundle the project assembled,
// the bundle itself.
func partooFile(t *testing.T) (map[string]any, string) {
	t.Helper()
	raw, err := specload.VerbatimBundle(apiDir)
	if err != nil {
		t.Fatal(err)
	}
	if raw == nil {
		return bundle(t), "api/" + api.FileName
	}
	var doc map[string]any
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("%s: %v", specload.VerbatimFile, err)
	}
	return doc, "api/" + specload.VerbatimFile
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
// is in Partoo's file, unchanged in meaning: top-level fields, the operation
// and each of its components are semantically identical. Partoo's file is
// the verbatim bundle when the bundle is Partoo's, the bundle itself when
// the project assembled it (api/provenance.yaml; see partooFile). When
// Partoo changes them, commit Partoo's new excerpt over the seed.
// Where every other element comes from is speclint's provenance rule (make
// spec-lint).
func TestBundleKeepsTheSeed(t *testing.T) {
	seed := seedYAML(t)
	doc, file := partooFile(t)
	for _, key := range []string{"openapi", "info", "servers", "security"} {
		if d := cmp.Diff(seed[key], doc[key]); d != "" {
			t.Errorf("%s: %s differs from Partoo's verbatim YAML (the seed); %s; -Partoo +bundle:\n%s", file, key, specload.VerbatimRule, d)
		}
	}
	seedPaths := sub(t, seed, "paths").(map[string]any)
	for path, item := range seedPaths {
		for method, op := range item.(map[string]any) {
			if d := cmp.Diff(op, sub(t, doc, "paths", path, method)); d != "" {
				t.Errorf("%s: %s %s differs from Partoo's verbatim YAML (the seed); %s; -Partoo +bundle:\n%s",
					file, strings.ToUpper(method), path, specload.VerbatimRule, d)
			}
		}
	}
	n := 0
	for section, comps := range sub(t, seed, "components").(map[string]any) {
		for name, want := range comps.(map[string]any) {
			n++
			if d := cmp.Diff(want, sub(t, doc, "components", section, name)); d != "" {
				t.Errorf("%s: components.%s.%s differs from Partoo's verbatim YAML (the seed); %s; -Partoo +bundle:\n%s",
					file, section, name, specload.VerbatimRule, d)
			}
		}
	}
	if n < 10 {
		t.Errorf("compared only %d seed components; the seed parse is broken", n)
	}
}

// TestBundleIsTheRepairedVerbatim checks, for a bundle api/provenance.yaml
// says is Partoo's, that api/openapi-bundled.yaml is exactly what
// specload.Effective makes of Partoo's verbatim file, the repairs overlay
// and the naming file: it differs from Partoo's file only where a repair, a
// derived operationId or the upgrade to OpenAPI 3.1 says so. A bundle the
// project assembled has no verbatim file and no repairs (specload refuses
// them); it is the file the seed is checked against.
func TestBundleIsTheRepairedVerbatim(t *testing.T) {
	res, err := specload.FromAPI(apiDir)
	if err != nil {
		t.Fatal(err)
	}
	if res == nil {
		t.Skipf("api/%s says the project assembled the bundle: no verbatim file to repair", specload.ProvenanceFile)
	}
	if !bytes.Equal(api.OpenAPIBundled(), res.Spec) {
		t.Errorf("api/%s is not what %s, %s and %s give: run make generate (never edit it by hand: repair through %s)", api.FileName, specload.VerbatimFile, specload.RepairsFile, specload.NamesFile, specload.RepairsFile)
	}
}
