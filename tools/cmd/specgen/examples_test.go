package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/partoo-go/partoo/tools/internal/specload"
)

// schemaTableOf loads the components.schemas written in YAML (one schema a
// line), adds them in name order as build does, and returns the table and
// each component's row index by name.
func schemaTableOf(t *testing.T, schemas ...string) (*schemaTable, map[string]int) {
	t.Helper()
	spec := "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    " +
		strings.Join(schemas, "\n    ") + "\n"
	path := filepath.Join(t.TempDir(), "openapi-bundled.yaml")
	if err := os.WriteFile(path, []byte(spec), 0o644); err != nil {
		t.Fatal(err)
	}
	doc, err := specload.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	tab, index := newSchemaTable(doc), map[string]int{}
	for _, name := range sortedKeys(doc.Components.Schemas) {
		if index[name], err = tab.add(doc.Components.Schemas[name], "components.schemas."+name); err != nil {
			t.Fatal(err)
		}
	}
	return tab, index
}

// TestComponentAliasesTakeTheFirstName: components that only refer to
// another share its row, which keeps the first name in order, every time;
// so does a discriminator's implicit mapping.
func TestComponentAliasesTakeTheFirstName(t *testing.T) {
	t.Parallel()
	for run := range 20 { // the names were read in map order: at random
		tab, index := schemaTableOf(t,
			`B: {type: object, properties: {kind: {type: string}}}`,
			`C: {$ref: '#/components/schemas/B'}`,
			`D: {$ref: '#/components/schemas/B'}`,
			`Either: {oneOf: [{$ref: '#/components/schemas/D'}], discriminator: {propertyName: kind}}`,
		)
		for _, name := range []string{"B", "C", "D"} {
			if row := tab.rows[index[name]]; row.Name != "B" || row.Where != "components.schemas.B" {
				t.Fatalf("run %d: the row of %s is named %q at %s, want B at components.schemas.B", run, name, row.Name, row.Where)
			}
		}
		if m := tab.rows[index["Either"]].Mapping; len(m) != 1 || m[0].Name != "B" {
			t.Fatalf("run %d: the implicit mapping of Either = %v, want B", run, m)
		}
	}
}
