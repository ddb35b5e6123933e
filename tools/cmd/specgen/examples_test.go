package main

import (
	"cmp"
	"fmt"
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
	tab, index := newSchemaTable(doc.Components.Schemas), map[string]int{}
	for _, name := range sortedKeys(doc.Components.Schemas) {
		if index[name], err = tab.add(doc.Components.Schemas[name], "components.schemas."+name); err != nil {
			t.Fatal(err)
		}
	}
	return tab, index
}

// TestExamplesThatCannotBeBuilt: a schema without a valid example gets an
// error that locates the schema at fault, cheaply and without a crash. Not
// parallel: the count of allocations is the process's.
func TestExamplesThatCannotBeBuilt(t *testing.T) {
	tests := []struct {
		name    string
		schemas []string
		schema  string  // whose example is missing
		where   string  // the schema the error names
		allocs  float64 // at most, to refuse it; 20,000 if 0
	}{
		{"allOf itself", []string{`Loop: {allOf: [{$ref: '#/components/schemas/Loop'}]}`},
			"Loop", "components.schemas.Loop", 0},
		{"allOf a part that holds it", []string{
			`Loop: {type: object, allOf: [{$ref: '#/components/schemas/Part'}]}`,
			`Part: {type: object, required: [n], properties: {n: {$ref: '#/components/schemas/Loop'}}}`,
		}, "Loop", "components.schemas.Loop", 0},
		{"allOf a cycle it is not part of", []string{
			`R: {allOf: [{$ref: '#/components/schemas/X'}]}`,
			`X: {allOf: [{$ref: '#/components/schemas/Y'}]}`,
			`Y: {allOf: [{$ref: '#/components/schemas/X'}]}`,
		}, "R", "components.schemas.", 0},
		{"oneOf without a branch that has an example", []string{
			`Digits: {type: string, pattern: '^[0-9]+$'}`,
			`OneOf: {oneOf: [{$ref: '#/components/schemas/Digits'}]}`,
		}, "OneOf", "components.schemas.Digits:", 0},
		{"anyOf without a branch that has an example", []string{
			`Digits: {type: string, pattern: '^[0-9]+$'}`,
			`AnyOf: {anyOf: [{$ref: '#/components/schemas/Digits'}, {$ref: '#/components/schemas/Digits2'}]}`,
			`Digits2: {type: string, pattern: '^[0-9]{2}$'}`,
		}, "AnyOf", "components.schemas.Digits:", 0},
		{"a chain of allOf whose last part has no example", allOfChain(14),
			"Z00", "components.schemas.Z", 100000}, // each part built once, not 2^14 times
		{"keys up to minProperties it cannot build", []string{`Digits: {type: object, minProperties: 1, additionalProperties: {type: string, pattern: '^[0-9]+$'}}`},
			"Digits", "components.schemas.Digits.additionalProperties:", 0},
		{"more properties than it allows", []string{`Closed: {type: object, additionalProperties: false, minProperties: 100000}`},
			"Closed", "components.schemas.Closed:", 0},
		{"a string too long to build", []string{`Long: {type: string, minLength: 2147483647}`},
			"Long", "components.schemas.Long:", 0},
		{"an array too long to build", []string{`Many: {type: array, minItems: 9999999999, items: {type: integer}}`},
			"Many", "components.schemas.Many:", 0},
		{"too many keys to build", []string{`Keys: {type: object, minProperties: 10001, additionalProperties: {type: integer}}`},
			"Keys", "components.schemas.Keys:", 0},
		{"levels each under the bound, their product over it", []string{
			`Cube: {type: array, minItems: 10000, items: {type: array, minItems: 10000, items: {type: string, minLength: 10000}}}`,
		}, "Cube", "components.schemas.Cube", 0},
		{"keys each holding a large value", []string{
			`Wide: {type: object, minProperties: 100, additionalProperties: {type: string, minLength: 200}}`,
		}, "Wide", "components.schemas.Wide:", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tab, index := schemaTableOf(t, tt.schemas...)
			tab.examples = map[int]any{}
			var err error
			// A refusal is cheap: nothing is built that the schema forbids.
			allocs := testing.AllocsPerRun(1, func() { _, err = tab.example(index[tt.schema]) })
			if err == nil || !strings.HasPrefix(err.Error(), tt.where) {
				t.Errorf("example of %s: %v, want an error at %s", tt.schema, err, tt.where)
			}
			if allocs > cmp.Or(tt.allocs, 20000) {
				t.Errorf("example of %s: %v allocations, want a cheap refusal", tt.schema, allocs)
			}
		})
	}
}

// allOfChain returns n+1 schemas: Z00 is allOf Z01, and so on to Zn, a
// string whose pattern refuses every value the builder tries.
func allOfChain(n int) []string {
	var schemas []string
	for k := range n {
		schemas = append(schemas, fmt.Sprintf("Z%02d: {allOf: [{$ref: '#/components/schemas/Z%02d'}]}", k, k+1))
	}
	return append(schemas, fmt.Sprintf("Z%02d: {type: string, pattern: '^[0-9]+$'}", n))
}

// TestBuiltNumbers: a built number is the smallest valid one, zero written
// without a sign.
func TestBuiltNumbers(t *testing.T) {
	t.Parallel()
	tab, index := schemaTableOf(t,
		`NegZero: {type: number, minimum: -0.5, multipleOf: 1}`,
		`Tenth: {type: number, multipleOf: 0.5, minimum: 0.25}`,
		`Above: {type: integer, exclusiveMinimum: 5}`,
	)
	if missing := tab.fillExamples(); len(missing) > 0 {
		t.Fatalf("examples missing: %v", missing)
	}
	for name, want := range map[string]string{"NegZero": "0", "Tenth": "0.5", "Above": "6"} {
		if got := tab.rows[index[name]].Example; got != want {
			t.Errorf("example of %s = %s, want %s", name, got, want)
		}
	}
}

// TestBuiltValues: what the builder makes of a schema without an example:
// the largest number a maximum allows, an item of any value when items is
// absent, null where a nullable schema holds itself, a branch's properties
// joined to the schema's, an allOf part's value kept, keys up to
// minProperties, and the type properties or items imply.
func TestBuiltValues(t *testing.T) {
	t.Parallel()
	tab, index := schemaTableOf(t,
		`Below: {type: integer, maximum: -3}`,
		`Under: {type: integer, exclusiveMaximum: -3}`,
		`Anything: {type: array}`,
		`Node: {type: [object, 'null'], required: [next], properties: {next: {$ref: '#/components/schemas/Node'}}}`,
		`Mixed: {type: object, properties: {a: {type: string}}, oneOf: [{type: object, properties: {b: {type: boolean}}}]}`,
		`Kept: {allOf: [{type: object, properties: {a: {type: string, example: x}}}], properties: {a: {type: string}}}`,
		`Counts: {type: object, minProperties: 2, additionalProperties: {type: integer}}`,
		`Implied: {properties: {a: {items: {type: boolean}}}}`,
	)
	if missing := tab.fillExamples(); len(missing) > 0 {
		t.Fatalf("examples missing: %v", missing)
	}
	for name, want := range map[string]string{
		"Below": "-3", "Under": "-4", "Anything": `["value"]`, "Node": `{"next":null}`, "Mixed": `{"a":"example","b":true}`,
		"Kept": `{"a":"x"}`, "Counts": `{"key0":1,"key1":1}`, "Implied": `{"a":[true]}`,
	} {
		if got := tab.rows[index[name]].Example; got != want {
			t.Errorf("example of %s = %s, want %s", name, got, want)
		}
	}
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
