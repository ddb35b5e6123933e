package main

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/partoo-go/partoo/tools/internal/ecma"
)

// fillExamples sets the Example of every row to a valid value, which the
// fake Partoo server answers with and tests build requests from, and
// returns why the other rows have none: fine unless an answer needs one.
func (t *schemaTable) fillExamples() map[int]error {
	t.examples = map[int]any{}
	missing := map[int]error{}
	for i, row := range t.rows {
		if v, err := t.example(i); err != nil {
			missing[i] = err
		} else {
			row.Example = jsonText(v)
		}
	}
	return missing
}

// building marks an example being built: met again, its schema contains itself.
type building struct{}

// example returns a valid value for schema i (any string for no schema):
// the spec's own example, examples or default (an invalid one is
// spec-lint's to report), else one built from the schema's keywords.
func (t *schemaTable) example(i int) (v any, err error) {
	if i < 0 {
		return "value", nil
	}
	row, s := t.rows[i], t.rows[i].value
	switch v, ok := t.examples[i]; {
	case !ok:
	case v != building{}:
		return v, nil
	case slices.Contains(row.Types, "null"):
		return nil, nil // null stops the recursion
	default:
		return nil, fmt.Errorf("%s: no valid example can be built: it contains itself; add an `example` to the schema", row.Where)
	}
	t.examples[i] = building{}
	defer func() {
		delete(t.examples, i)
		if err == nil {
			t.examples[i] = v
		}
	}()
	var candidates []any
	if _, set := cmp.Or(s.Origin, &openapi3.Origin{}).Fields.Lookup("example"); s.Example != nil || set {
		candidates = append(candidates, s.Example) // "example: null" is an example
	}
	candidates = append(candidates, s.Examples...)
	if s.Default != nil {
		candidates = append(candidates, s.Default)
	}
	for _, c := range candidates {
		if c = normalize(c); t.valid(i, c) == nil {
			return c, nil
		}
	}
	v, err = t.build(i)
	if err == nil && tooBig(v) { // each level under the bound, their product over it
		v, err = nil, errTooBig(row)
	}
	if err != nil {
		return nil, err
	}
	if err := t.valid(i, v); err != nil {
		return v, invalidBuilt{i, fmt.Errorf("%s: no valid example can be built: the value built from its parts is not valid (%s); "+
			"add an `example` to the schema", row.Where, strings.SplitN(err.Error(), "\n", 2)[0])}
	}
	return v, nil
}

// invalidBuilt is example's error when schema refuses the value built from
// its parts: example returns the value too, which an allOf may complete.
type invalidBuilt struct {
	schema int
	error
}

// valid checks v against schema i: JSON Schema 2020-12, with ECMAScript patterns.
func (t *schemaTable) valid(i int, v any) error {
	return t.rows[i].value.VisitJSON(v, openapi3.EnableJSONSchema2020(), openapi3.SetSchemaRegexCompiler(ecma.Compile),
		openapi3.EnableFormatValidation(), openapi3.MultiErrors())
}

// formatExamples are the strings built for the formats the validator checks.
var formatExamples = map[string]string{
	"date-time": "2024-11-27T16:10:44Z", "date": "2024-11-27", "email": "user@example.com", "uri": "https://example.com/",
	"uuid": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
}

// build assembles a value from the schema's keywords: from a oneOf or
// anyOf branch, else from the others.
func (t *schemaTable) build(i int) (any, error) {
	row := t.rows[i]
	if k := slices.IndexFunc(row.Enum, func(e string) bool { return e != "null" }); k >= 0 {
		return normalize(json.RawMessage(row.Enum[k])), nil
	}
	branches := slices.Concat(row.OneOf, row.AnyOf)
	if len(row.Mapping) > 0 {
		branches = []int{row.Mapping[0].Schema}
	}
	var why error // the first branch's error, if none has a value
	for _, b := range branches {
		v, err := t.example(b)
		switch m, ok := v.(map[string]any); {
		case err != nil || v == nil:
			why = cmp.Or(why, err)
		case len(row.Properties) > 0 && ok:
			return t.object(row, maps.Clone(m))
		default:
			return v, nil // checked against the whole schema
		}
	}
	v, err := t.assemble(row)
	if why != nil && (err != nil || t.valid(i, v) != nil) {
		return nil, why // it needed a branch
	}
	return v, err
}

// maxBuilt bounds the characters, items and keys of a built example, all
// levels counted: a larger example is written in the spec, not built.
const maxBuilt = 10000

// tooBig reports whether v holds more than maxBuilt characters, items and
// keys, all levels counted; it stops counting as soon as it does.
func tooBig(v any) bool {
	n := 0
	var count func(v any) bool
	count = func(v any) bool {
		switch v := v.(type) {
		case string:
			n += len(v)
		case []any:
			n += len(v)
			return n > maxBuilt || slices.ContainsFunc(v, count)
		case map[string]any:
			n += len(v)
			for _, e := range v {
				if n > maxBuilt || count(e) {
					return true
				}
			}
		}
		return n > maxBuilt
	}
	return count(v)
}

// errTooBig refuses to build an example of row larger than maxBuilt.
func errTooBig(row *schemaRow) error {
	return fmt.Errorf("%s: no example is built of more than %d characters, items and keys in all: add an `example` to the schema", row.Where, maxBuilt)
}

// assemble builds a value from the schema's keywords but its branches.
func (t *schemaTable) assemble(row *schemaRow) (any, error) {
	if max(row.MinItems, row.MinLength, row.MinProperties) > maxBuilt {
		return nil, errTooBig(row) // before building it
	}
	obj := map[string]any{}
	for _, part := range row.AllOf {
		v, err := t.example(part)
		if e, ok := err.(invalidBuilt); ok && e.schema == part {
			err = nil // it may require what another part defines: the whole is checked
		}
		m, ok := v.(map[string]any)
		if err != nil || !ok {
			return v, err // a non-object allOf: its value stands for the whole
		}
		maps.Copy(obj, m)
	}
	switch ty := primaryType(row); {
	case len(row.AllOf) > 0 || ty == "object":
		return t.object(row, obj)
	case ty == "array":
		n := max(row.MinItems, 1)
		if row.MaxItems != unset {
			n = min(n, row.MaxItems)
		}
		item, err := t.example(row.Items) // uniqueItems above 1 item fails the check
		return slices.Repeat([]any{item}, n), err
	case ty == "string":
		s := cmp.Or(formatExamples[row.Format], "example") // ASCII; a pattern may refuse it
		s += strings.Repeat("x", max(0, row.MinLength-len(s)))
		if row.MaxLength != unset {
			s = s[:min(len(s), row.MaxLength)]
		}
		return s, nil
	case ty == "integer" || ty == "number":
		v := 1.0
		if row.HasMinimum {
			v = row.Minimum
			if row.ExclusiveMinimum {
				v = math.Floor(v) + 1
			}
		} else if row.HasMaximum && v > row.Maximum {
			v = row.Maximum
			if row.ExclusiveMaximum {
				v = math.Ceil(v) - 1
			}
		}
		if row.MultipleOf != 0 {
			v = math.Ceil(v/row.MultipleOf) * row.MultipleOf
		}
		if v == 0 {
			v = 0 // not -0
		}
		return normalize(v), nil
	case ty == "boolean":
		return true, nil
	}
	return nil, nil // null, or no type
}

// object adds to obj a value for every declared property of row (a fake
// answer shows every field; an optional one without a value is left out),
// then keys up to minProperties.
func (t *schemaTable) object(row *schemaRow, obj map[string]any) (any, error) {
	for _, p := range row.Properties {
		if _, ok := obj[p.Name]; ok {
			continue
		}
		switch v, err := t.example(p.Schema); {
		case err == nil:
			obj[p.Name] = v
		case slices.Contains(row.Required, p.Name):
			return nil, err
		}
	}
	if row.AdditionalProperties == noProperties && len(obj) < row.MinProperties {
		return nil, fmt.Errorf("%s: no valid example can be built: minProperties needs properties the schema forbids; "+
			"add an `example` to the schema", row.Where)
	}
	for k := 0; len(obj) < row.MinProperties; k++ {
		v, err := t.example(row.AdditionalProperties)
		if err != nil {
			return nil, err
		}
		obj[fmt.Sprintf("key%d", k)] = v
	}
	return obj, nil
}

// primaryType is the type a built value has: the first non-null type, or
// the one its keywords imply ("" for null or any).
func primaryType(row *schemaRow) string {
	if k := slices.IndexFunc(row.Types, func(t string) bool { return t != "null" }); k >= 0 {
		return row.Types[k]
	}
	switch {
	case len(row.Properties) > 0 || row.AdditionalProperties >= 0 || row.PropertyNames >= 0:
		return "object"
	case row.Items >= 0:
		return "array"
	}
	return ""
}

// normalize turns a value of the spec into the one encoding/json decodes
// from its JSON, numbers as json.Number.
func normalize(v any) (out any) {
	dec := json.NewDecoder(strings.NewReader(jsonText(v)))
	dec.UseNumber()
	if dec.Decode(&out) != nil {
		return v
	}
	return out
}

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}
