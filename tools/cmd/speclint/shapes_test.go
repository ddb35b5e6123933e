package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/oapi-codegen/oapi-codegen/v2/pkg/codegen"
	"github.com/partoo-go/partoo/tools/internal/specload"
	"gopkg.in/yaml.v3"
)

// generateGo runs oapi-codegen with the project's configuration on spec,
// and returns the Go structs it declares that hold one field name twice.
func generateGo(t *testing.T, spec []byte) (duplicates []string, err error) {
	t.Helper()
	raw, err := os.ReadFile("../../../oapi-codegen.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var cfg codegen.Configuration
	if err := yaml.Unmarshal(raw, &cfg); err != nil {
		t.Fatal(err)
	}
	cfg.OutputOptions.Overlay = codegen.OutputOptionsOverlay{}
	path := filepath.Join(t.TempDir(), "spec.yaml")
	if err := os.WriteFile(path, spec, 0o644); err != nil {
		t.Fatal(err)
	}
	doc, err := specload.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	src, err := codegen.Generate(doc, cfg.UpdateDefaults())
	if err != nil {
		return nil, err
	}
	f, err := parser.ParseFile(token.NewFileSet(), "gen.go", src, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	ast.Inspect(f, func(n ast.Node) bool {
		if ts, ok := n.(*ast.TypeSpec); ok {
			if st, ok := ts.Type.(*ast.StructType); ok {
				seen := map[string]bool{}
				for _, field := range st.Fields.List {
					for _, name := range field.Names {
						if seen[name.Name] {
							duplicates = append(duplicates, ts.Name.Name+"."+name.Name)
						}
						seen[name.Name] = true
					}
				}
			}
		}
		return true
	})
	return duplicates, nil
}

// TestGoNamesAcrossTheDocument lints a bundle with the Go name collisions
// that no single mapping shows: an inline enum whose type oapi-codegen
// names like a component (Media.kind gives MediaKind), and parameters of
// one operation that give one field of its Params struct (order_by and
// order-by; the query's lang, through a $ref, and a header Lang of the
// path item), beside two properties of one schema (publisher_id and
// publisherId). Each is blocking, with a repair that, pasted, makes
// oapi-codegen generate code whose structs hold each field once.
func TestGoNamesAcrossTheDocument(t *testing.T) {
	t.Parallel()
	bundle, err := os.ReadFile("testdata/shapes.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := generateGo(t, bundle); err == nil {
		t.Fatal("oapi-codegen generated the bundle as it is: it is not the shape the rule is for")
	}
	var targets []string
	var actions []Action
	for _, f := range lintSelf(t, bundle) {
		if f.Level != Blocking {
			continue
		}
		if f.Rule != "go-name" || len(f.Fix) != 1 {
			t.Errorf("unexpected blocking finding: [%s] %s", f.Rule, f.Message)
			continue
		}
		targets = append(targets, f.Fix[0].Target)
		actions = append(actions, f.Fix...)
	}
	slices.Sort(targets)
	want := []string{
		"$.components.schemas.Media.properties.kind",
		"$.components.schemas.Media.properties.publisherId",
		"$.paths['/media'].get.parameters[1]",
		"$.paths['/media/{media_id}'].parameters[0]",
	}
	if !slices.Equal(targets, want) {
		t.Errorf("repair targets:\n%q\nwant\n%q", targets, want)
	}
	overlay := pastedOverlay(t, actions)
	res, err := specload.Effective(specload.Input{Bundle: bundle, Repairs: overlay})
	if err != nil {
		t.Fatalf("%v\n%s", err, overlay)
	}
	for _, f := range lintSelf(t, res.Spec) {
		if f.Level == Blocking {
			t.Errorf("still blocking after the repairs: [%s] %s", f.Rule, f.Message)
		}
	}
	duplicates, err := generateGo(t, res.Spec)
	if err != nil || len(duplicates) > 0 {
		t.Errorf("oapi-codegen on the repaired bundle: %v, fields declared twice: %v", err, duplicates)
	}
	// With the enum's property renamed, generation goes through, and the
	// parameters and properties declare their fields twice.
	before, err := generateGo(t, []byte(strings.Replace(string(bundle), "        kind: # shape", "        kinds: # shape", 1)))
	for _, want := range []string{"SearchMediaParams.OrderBy", "GetMediaParams.Lang", "Media.PublisherID"} {
		if err != nil || !slices.Contains(before, want) {
			t.Errorf("unrepaired, oapi-codegen's fields declared twice are %v (%v), want %s among them", before, err, want)
		}
	}
}
