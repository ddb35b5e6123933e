package main

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/partoo-go/partoo/tools/internal/specload"
)

// schemaRow is one schema of the generated table: the keywords of one
// openapi3.Schema, with references to other schemas as table indexes
// (noSchema for none), counts unset when absent, values as JSON texts.
type schemaRow struct {
	Name                               string // the component's name, or ""
	Where                              string // where it was first met, for messages
	Types                              []string
	Enum                               []string // const too
	Default                            string
	Format                             string // a known one only
	HasMinimum, HasMaximum             bool
	ExclusiveMinimum, ExclusiveMaximum bool
	Minimum, Maximum                   float64
	MultipleOf                         float64 // 0 for none
	MinLength, MaxLength               int
	Pattern                            int // an index in the pattern table
	Items                              int
	MinItems, MaxItems                 int
	UniqueItems                        bool
	Properties                         []namedSchema
	Required                           []string
	AdditionalProperties               int // a schema, anyProperties or noProperties
	PropertyNames                      int
	MinProperties, MaxProperties       int
	AllOf, AnyOf, OneOf                []int
	Discriminator                      string        // the property that names the branch
	Mapping                            []namedSchema // the branch of each discriminator value
	ReadOnly, WriteOnly                bool
	Example                            string
	value                              *openapi3.Schema
}

// namedSchema is a property, or a discriminator value, and its schema.
type namedSchema struct {
	Name   string
	Schema int
}

// patternRow is one pattern of the generated table.
type patternRow struct {
	Source string
	RE2    translation
	Hints  nameHints
}

// The values of schemaRow fields that are not schema indexes or counts.
const (
	noSchema      = -1
	unset         = -1 // a count keyword is absent
	anyProperties = -1 // additionalProperties is absent or true
	noProperties  = -2 // additionalProperties is false
)

// schemaTable gives every schema of the spec one row, however often met.
type schemaTable struct {
	rows     []*schemaRow
	names    map[*openapi3.Schema]string // component names
	patterns []patternRow
	err      error       // the first refusal; nothing is added after it
	examples map[int]any // built, or building
}

func newSchemaTable(components openapi3.Schemas) *schemaTable {
	t := &schemaTable{names: map[*openapi3.Schema]string{}}
	// In order: a component that only refers to another one keeps the first name.
	for _, name := range slices.Backward(sortedKeys(components)) {
		t.names[components[name].Value] = name // resolved by the loader
	}
	return t
}

// add returns the index of the schema of ref (resolved and checked by the
// loader), compiling it and what it refers to on first sight. where
// locates ref in the spec, for messages.
func (t *schemaTable) add(ref *openapi3.SchemaRef, where string) (int, error) {
	i := t.sub(ref, where)
	return i, t.err
}

// sub is add for the schemas a row refers to: a refusal stays in t.err.
func (t *schemaTable) sub(ref *openapi3.SchemaRef, where string) int {
	if ref == nil || t.err != nil {
		return noSchema
	}
	s := ref.Value
	if i := slices.IndexFunc(t.rows, func(r *schemaRow) bool { return r.value == s }); i >= 0 {
		return i
	}
	if name := t.names[s]; name != "" {
		where = "components.schemas." + name
	}
	i, row := len(t.rows), &schemaRow{Name: t.names[s], Where: where, value: s}
	t.rows = append(t.rows, row)
	t.fill(row, s, where)
	return i
}

// honoured are the keywords internal/apispec's validator implements, and annotations.
var honoured = strings.Fields(`type enum const default format minimum maximum exclusiveMinimum exclusiveMaximum
	multipleOf minLength maxLength pattern items minItems maxItems uniqueItems properties required additionalProperties
	propertyNames minProperties maxProperties allOf anyOf oneOf discriminator readOnly writeOnly title description
	example examples externalDocs xml deprecated allowEmptyValue $schema $id $anchor $dynamicAnchor $comment`)

// fill sets the row of s. The order of the sub calls numbers the table.
func (t *schemaTable) fill(row *schemaRow, s *openapi3.Schema, where string) {
	m, _ := s.MarshalYAML() // the keywords s uses, as kin-openapi writes them back
	used, ok := m.(map[string]any)
	kws := slices.DeleteFunc(sortedKeys(used), func(kw string) bool {
		return slices.Contains(honoured, kw) || strings.HasPrefix(kw, "x-")
	})
	if !ok {
		kws = []string{"a boolean schema"}
	}
	if len(kws) > 0 {
		t.err = fmt.Errorf("%s: keyword(s) %s not supported by specgen: teach internal/apispec's validator and specgen "+
			"to honour it (tools/cmd/specgen/schemas.go), or change the spec", where, strings.Join(kws, ", "))
		return
	}
	row.Types = *cmp.Or(s.Type, &openapi3.Types{})
	row.Required = s.Required
	row.ReadOnly, row.WriteOnly = s.ReadOnly, s.WriteOnly
	for _, e := range s.Enum {
		row.Enum = append(row.Enum, jsonText(e))
	}
	if s.Const != nil {
		row.Enum = []string{jsonText(s.Const)}
	}
	if s.Default != nil {
		row.Default = jsonText(s.Default)
	}
	// An unknown format is an annotation (spec-lint reports it).
	if specload.KnownFormat(s.Format) {
		row.Format = s.Format
	}
	row.HasMinimum, row.Minimum = s.Min != nil, *cmp.Or(s.Min, new(float64))
	row.HasMaximum, row.Maximum = s.Max != nil, *cmp.Or(s.Max, new(float64))
	// With an inclusive and an exclusive bound, the stricter one is kept.
	if b := s.ExclusiveMin.Value; b != nil && (!row.HasMinimum || *b >= row.Minimum) {
		row.HasMinimum, row.Minimum, row.ExclusiveMinimum = true, *b, true
	}
	if b := s.ExclusiveMax.Value; b != nil && (!row.HasMaximum || *b <= row.Maximum) {
		row.HasMaximum, row.Maximum, row.ExclusiveMaximum = true, *b, true
	}
	row.MultipleOf = *cmp.Or(s.MultipleOf, new(float64))
	row.MinLength, row.MaxLength = count(&s.MinLength), count(s.MaxLength)
	row.Pattern = t.pattern(s.Pattern, where+".pattern")
	row.Items = t.sub(s.Items, where+".items")
	row.MinItems, row.MaxItems = count(&s.MinItems), count(s.MaxItems)
	row.UniqueItems = s.UniqueItems
	for _, name := range sortedKeys(s.Properties) {
		row.Properties = append(row.Properties, namedSchema{name, t.sub(s.Properties[name], where+".properties."+name)})
	}
	row.AdditionalProperties = t.sub(s.AdditionalProperties.Schema, where+".additionalProperties") // or anyProperties
	if has := s.AdditionalProperties.Has; has != nil && !*has {
		row.AdditionalProperties = noProperties
	}
	row.PropertyNames = t.sub(s.PropertyNames, where+".propertyNames")
	row.MinProperties, row.MaxProperties = count(&s.MinProps), count(s.MaxProps)
	row.AllOf = t.subs(s.AllOf, where+".allOf")
	row.AnyOf = t.subs(s.AnyOf, where+".anyOf")
	row.OneOf = t.subs(s.OneOf, where+".oneOf")
	switch d := s.Discriminator; {
	case d == nil || t.err != nil:
	case len(row.OneOf) == 0 && len(row.AnyOf) == 0:
		t.err = fmt.Errorf("%s.discriminator: a discriminator needs oneOf or anyOf", where)
	default:
		row.Discriminator = d.PropertyName
		t.mapping(row, s, where)
	}
}

// subs adds the schemas of a list keyword.
func (t *schemaTable) subs(refs openapi3.SchemaRefs, where string) (out []int) {
	for k, ref := range refs {
		out = append(out, t.sub(ref, fmt.Sprintf("%s[%d]", where, k)))
	}
	return out
}

// mapping fills the discriminator's mapping: the explicit one, then the
// component name of every branch not mapped (OpenAPI's implicit mapping).
func (t *schemaTable) mapping(row *schemaRow, s *openapi3.Schema, where string) {
	branches := slices.Concat(s.OneOf, s.AnyOf)
	for _, v := range sortedKeys(s.Discriminator.Mapping) {
		target := s.Discriminator.Mapping[v].Ref
		k := slices.IndexFunc(branches, func(b *openapi3.SchemaRef) bool { return b.Ref == target })
		if k < 0 {
			t.err = fmt.Errorf("%s.discriminator.mapping[%q]: %q is not one of the schema's branches", where, v, target)
			return
		}
		row.Mapping = append(row.Mapping, namedSchema{v, t.sub(branches[k], where+".discriminator")})
	}
	for _, b := range branches {
		switch name := t.names[b.Value]; {
		case slices.ContainsFunc(row.Mapping, func(m namedSchema) bool { return t.rows[m.Schema].value == b.Value }):
		case name == "":
			t.err = fmt.Errorf("%s.discriminator: an inline branch has no mapping value; add it to discriminator.mapping", where)
			return
		default:
			row.Mapping = append(row.Mapping, namedSchema{name, t.sub(b, where+".discriminator")})
		}
	}
}

// pattern returns the index of a pattern (translated on first sight), or noSchema.
func (t *schemaTable) pattern(src, where string) int {
	i := slices.IndexFunc(t.patterns, func(p patternRow) bool { return p.Source == src })
	if i >= 0 || src == "" || t.err != nil {
		return i
	}
	tr, err := translatePattern(where, src)
	if err != nil {
		t.err = err
		return noSchema
	}
	t.patterns = append(t.patterns, patternRow{Source: src, RE2: tr, Hints: hintsOf(src)})
	return len(t.patterns) - 1
}

// jsonText encodes a value of the spec as JSON, which cannot fail: the
// loader decoded it from JSON.
func jsonText(v any) string {
	var b strings.Builder
	e := json.NewEncoder(&b)
	e.SetEscapeHTML(false) // the text is read as Go, not HTML: "<string>", not "\u003cstring\u003e"
	_ = e.Encode(v)
	return strings.TrimSuffix(b.String(), "\n")
}

// count reads a count keyword, clamped to an int32, or unset.
func count(n *uint64) int {
	if n == nil {
		return unset
	}
	return int(min(*n, math.MaxInt32))
}

// allOfParts returns schema i and its allOf parts, depth first, 16 deep at most.
func (t *schemaTable) allOfParts(i, depth int) []*schemaRow {
	if i < 0 || depth > 16 {
		return nil
	}
	out := []*schemaRow{t.rows[i]}
	for _, sub := range t.rows[i].AllOf {
		out = append(out, t.allOfParts(sub, depth+1)...)
	}
	return out
}

// properties returns the properties of schema i and its allOf parts, by name.
func (t *schemaTable) properties(i int) map[string]int {
	out := map[string]int{}
	for _, row := range slices.Backward(t.allOfParts(i, 0)) { // the first one met wins
		for _, p := range row.Properties {
			out[p.Name] = p.Schema
		}
	}
	return out
}

// hasType reports whether schema i or an allOf part allows the type ty explicitly.
func (t *schemaTable) hasType(i int, ty string) bool {
	return slices.ContainsFunc(t.allOfParts(i, 0), func(row *schemaRow) bool { return slices.Contains(row.Types, ty) })
}
