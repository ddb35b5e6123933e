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

// examples builds, for every schema of the table, a value valid against
// it: the spec's own example when there is one and it is valid, otherwise
// one assembled from the examples, defaults and constraints of its parts.
// The fake Partoo server answers with these values where no stateful
// behaviour applies, and tests build valid requests from them.
type examples struct {
	t        *schemaTable
	done     map[int]any
	building map[int]bool
}

// noExample reports a schema for which no valid value can be built: the
// one error of the example builder.
func noExample(row *schemaRow, why string) error {
	return fmt.Errorf("%s: no valid example can be built (%s); add an `example` to the schema", row.Where, why)
}

// fillExamples sets the Example of every row that can have one, and
// returns why the others cannot: fine unless an answer needs one.
func (t *schemaTable) fillExamples() map[int]error {
	ex := &examples{t: t, done: map[int]any{}, building: map[int]bool{}}
	missing := map[int]error{}
	for i, row := range t.rows {
		if v, err := ex.value(i); err != nil {
			missing[i] = err
		} else {
			row.Example = jsonText(v)
		}
	}
	return missing
}

// value returns a valid value for schema i: the spec's own example,
// examples or default (an invalid one is spec-lint's to report), else one
// built from the schema's keywords.
func (ex *examples) value(i int) (any, error) {
	row := ex.t.rows[i]
	if v, ok := ex.done[i]; ok {
		return v, nil
	}
	if ex.building[i] {
		// A recursive schema: null, where valid, stops the recursion.
		if slices.Contains(row.Types, "null") {
			return nil, nil
		}
		return nil, noExample(row, "it contains itself")
	}
	ex.building[i] = true
	defer delete(ex.building, i)
	s, candidates := row.value, []any{}
	if _, set := cmp.Or(s.Origin, &openapi3.Origin{}).Fields.Lookup("example"); s.Example != nil || set {
		candidates = append(candidates, s.Example) // "example: null" is an example
	}
	if candidates = append(candidates, s.Examples...); s.Default != nil {
		candidates = append(candidates, s.Default)
	}
	for _, c := range candidates {
		if c = normalize(c); ex.valid(i, c) == nil {
			ex.done[i] = c
			return c, nil
		}
	}
	v, err := ex.build(i)
	if err != nil {
		return nil, err
	}
	if err := ex.valid(i, v); err != nil {
		return nil, noExample(row, "the value built from its parts is not valid: "+strings.SplitN(err.Error(), "\n", 2)[0])
	}
	ex.done[i] = v
	return v, nil
}

// valid reports whether v is valid against the schema, with the semantics
// of JSON Schema 2020-12 and ECMAScript patterns.
func (ex *examples) valid(i int, v any) error {
	return ex.t.rows[i].value.VisitJSON(v, openapi3.EnableJSONSchema2020(), openapi3.SetSchemaRegexCompiler(ecma.Compile),
		openapi3.EnableFormatValidation(), openapi3.MultiErrors())
}

// formatExamples are the strings built for the formats the validator checks.
var formatExamples = map[string]string{
	"date-time": "2024-11-27T16:10:44Z", "date": "2024-11-27", "email": "user@example.com", "uri": "https://example.com/",
	"uuid": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
}

// build assembles a value from the schema's keywords.
func (ex *examples) build(i int) (any, error) {
	row := ex.t.rows[i]
	for _, e := range row.Enum {
		if e != "null" {
			return normalize(json.RawMessage(e)), nil
		}
	}
	if branches := slices.Concat(row.OneOf, row.AnyOf); len(branches) > 0 {
		if len(row.Mapping) > 0 {
			branches = []int{row.Mapping[0].Schema}
		}
		var firstErr error
		for _, b := range branches {
			switch v, err := ex.value(b); {
			case err != nil || v == nil:
				firstErr = cmp.Or(firstErr, err)
			case len(row.Properties) > 0 && isObject(v):
				return ex.object(row, maps.Clone(v.(map[string]any)))
			default:
				return v, nil // checked against the whole schema
			}
		}
		if firstErr != nil {
			return nil, firstErr
		}
	}
	obj := map[string]any{}
	for _, part := range row.AllOf {
		v, err := ex.value(part)
		if err != nil {
			// A part may require what another part defines: built alone
			// it is not valid, the whole is checked instead.
			v, err = ex.build(part)
		}
		if err != nil || !isObject(v) {
			return v, err // a non-object allOf: its value stands for the whole
		}
		maps.Copy(obj, v.(map[string]any))
	}
	if len(row.AllOf) > 0 {
		return ex.object(row, obj)
	}
	switch primaryType(row) {
	case "object":
		return ex.object(row, obj)
	case "array":
		n := max(row.MinItems, 1)
		if row.MaxItems != unset {
			n = min(n, row.MaxItems)
		}
		item, err := ex.valueOr(row.Items)
		if err == nil && n > 1 && row.UniqueItems && row.Items >= 0 {
			return nil, noExample(row, "minItems above 1 with uniqueItems")
		}
		return slices.Repeat([]any{item}, n), err
	case "string":
		if row.Pattern >= 0 {
			return nil, noExample(row, fmt.Sprintf("a string with the pattern %q and no example", ex.t.patterns[row.Pattern].Source))
		}
		s := cmp.Or(formatExamples[row.Format], "example") // ASCII: bytes are characters
		s += strings.Repeat("x", max(0, row.MinLength-len(s)))
		if row.MaxLength != unset {
			s = s[:min(len(s), row.MaxLength)]
		}
		return s, nil
	case "integer", "number":
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
		return normalize(v), nil
	case "boolean":
		return true, nil
	}
	return nil, nil // null, or no type
}

// object adds to obj a value for every declared property of row (a fake
// answer shows every field; an optional one without a value is left out),
// then keys up to minProperties.
func (ex *examples) object(row *schemaRow, obj map[string]any) (any, error) {
	for _, p := range row.Properties {
		if _, ok := obj[p.Name]; ok {
			continue
		}
		switch v, err := ex.value(p.Schema); {
		case err == nil:
			obj[p.Name] = v
		case slices.Contains(row.Required, p.Name):
			return nil, err
		}
	}
	for k := 0; len(obj) < row.MinProperties; k++ {
		if row.AdditionalProperties == noProperties {
			return nil, noExample(row, "minProperties needs properties the schema forbids")
		}
		v, err := ex.valueOr(row.AdditionalProperties)
		if err != nil {
			return nil, err
		}
		obj[fmt.Sprintf("key%d", k)] = v
	}
	return obj, nil
}

// valueOr is the value of schema i, or a string when there is no schema.
func (ex *examples) valueOr(i int) (any, error) {
	if i < 0 {
		return "value", nil
	}
	return ex.value(i)
}

func isObject(v any) bool {
	_, ok := v.(map[string]any)
	return ok
}

// primaryType is the type a built value has: the first non-null type.
func primaryType(row *schemaRow) string {
	for _, t := range row.Types {
		if t != "null" {
			return t
		}
	}
	switch {
	case len(row.Properties) > 0 || row.AdditionalProperties >= 0 || row.PropertyNames >= 0:
		return "object"
	case row.Items >= 0:
		return "array"
	case len(row.Types) == 1:
		return "null"
	}
	return ""
}

// normalize turns a value of the spec into the one encoding/json decodes
// from its JSON, numbers as json.Number.
func normalize(v any) any {
	dec := json.NewDecoder(strings.NewReader(jsonText(v)))
	dec.UseNumber()
	var out any
	if err := dec.Decode(&out); err != nil {
		return v
	}
	return out
}

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}
