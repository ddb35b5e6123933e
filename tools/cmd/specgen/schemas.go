package main

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/partoo-go/partoo/tools/internal/specload"
)

// schemaRow is one schema of the generated table: the keywords of one
// openapi3.Schema, with references to other schemas as table indexes.
type schemaRow struct {
	Name                               string
	Where                              string // where it was first met, for messages
	Types                              []string
	Enum                               []string // JSON texts
	Default                            string
	Format                             string
	HasMinimum, HasMaximum             bool
	ExclusiveMinimum, ExclusiveMaximum bool
	Minimum, Maximum                   float64
	MultipleOf                         float64
	MinLength, MaxLength               int
	Pattern                            int
	Items                              int
	MinItems, MaxItems                 int
	UniqueItems                        bool
	Properties                         []propertyRow
	Required                           []string
	AdditionalProperties               int
	PropertyNames                      int
	MinProperties, MaxProperties       int
	AllOf, AnyOf, OneOf                []int
	Discriminator                      string
	Mapping                            []mappingRow
	ReadOnly, WriteOnly                bool
	Example                            string

	value *openapi3.Schema
}

type propertyRow struct {
	Name   string
	Schema int
}

type mappingRow struct {
	Value  string
	Schema int
}

// patternRow is one pattern of the generated table.
type patternRow struct {
	Source string
	RE2    translation
	Hints  nameHints // set when the pattern is that of propertyNames
}

// Values of schemaRow fields that are not schema indexes.
const (
	noSchema      = -1
	unset         = -1
	anyProperties = -1
	noProperties  = -2
)

// schemaTable assigns every schema of the spec an index, once: a
// component referenced from several places is one row.
type schemaTable struct {
	rows     []*schemaRow
	index    map[*openapi3.Schema]int
	names    map[*openapi3.Schema]string // component names
	patterns []patternRow
}

func newSchemaTable(doc *openapi3.T) *schemaTable {
	t := &schemaTable{index: map[*openapi3.Schema]int{}, names: map[*openapi3.Schema]string{}}
	if doc.Components != nil {
		for name, ref := range doc.Components.Schemas {
			t.names[ref.Value] = name // resolved by the loader
		}
	}
	return t
}

// add returns the index of the schema of ref, compiling it (and what it
// refers to) on first sight. where locates ref in the spec, for messages.
// The loader has resolved every reference and checked every type name and
// multipleOf.
func (t *schemaTable) add(ref *openapi3.SchemaRef, where string) (int, error) {
	if ref == nil {
		return noSchema, nil
	}
	s := ref.Value
	if i, ok := t.index[s]; ok {
		return i, nil
	}
	if name := t.names[s]; name != "" {
		where = "components.schemas." + name
	}
	i := len(t.rows)
	row := &schemaRow{Name: t.names[s], Where: where, value: s}
	t.rows = append(t.rows, row)
	t.index[s] = i
	if err := t.fill(row, s, where); err != nil {
		return noSchema, err
	}
	return i, nil
}

// honoured are the keywords the validator of internal/apispec implements,
// and the annotations, which it need not.
var honoured = map[string]bool{
	"type": true, "enum": true, "const": true, "default": true, "format": true,
	"minimum": true, "maximum": true, "exclusiveMinimum": true, "exclusiveMaximum": true, "multipleOf": true,
	"minLength": true, "maxLength": true, "pattern": true, "items": true, "minItems": true, "maxItems": true,
	"uniqueItems": true, "properties": true, "required": true, "additionalProperties": true, "propertyNames": true,
	"minProperties": true, "maxProperties": true, "allOf": true, "anyOf": true, "oneOf": true, "discriminator": true,
	"readOnly": true, "writeOnly": true, "title": true, "description": true, "example": true, "examples": true,
	"externalDocs": true, "xml": true, "deprecated": true, "allowEmptyValue": true,
	"$schema": true, "$id": true, "$anchor": true, "$dynamicAnchor": true, "$comment": true,
}

// unsupported lists the JSON Schema keywords that s uses and the
// validator does not implement: those kin-openapi writes back for s.
func unsupported(s *openapi3.Schema) []string {
	m, _ := s.MarshalYAML()
	used, ok := m.(map[string]any)
	if !ok {
		return []string{"a boolean schema"}
	}
	var out []string
	for _, kw := range sortedKeys(used) {
		if !honoured[kw] && !strings.HasPrefix(kw, "x-") {
			out = append(out, kw)
		}
	}
	return out
}

// errUnsupported ends every refusal of a keyword.
const errUnsupported = "teach internal/apispec's validator and specgen to honour it (tools/cmd/specgen/schemas.go), or change the spec"

func (t *schemaTable) fill(row *schemaRow, s *openapi3.Schema, where string) error {
	if kws := unsupported(s); len(kws) > 0 {
		return fmt.Errorf("%s: keyword(s) %s not supported by specgen: %s", where, strings.Join(kws, ", "), errUnsupported)
	}
	if s.Type != nil {
		row.Types = append(row.Types, (*s.Type)...)
	}
	row.ReadOnly, row.WriteOnly = s.ReadOnly, s.WriteOnly
	var err error
	for _, e := range s.Enum {
		row.Enum = append(row.Enum, jsonText(e))
	}
	if s.Const != nil {
		row.Enum = []string{jsonText(s.Const)}
	}
	if s.Default != nil {
		row.Default = jsonText(s.Default)
	}
	// A format the validator does not know is an annotation: the value is
	// checked as a plain value of its type (spec-lint reports it as an
	// advisory finding).
	if specload.KnownFormat(s.Format) {
		row.Format = s.Format
	}
	if s.Min != nil {
		row.HasMinimum, row.Minimum = true, *s.Min
	}
	if s.Max != nil {
		row.HasMaximum, row.Maximum = true, *s.Max
	}
	// An exclusive bound is the bound itself (OpenAPI 3.1). When both an
	// inclusive and an exclusive bound are set, both apply, so the
	// stricter one is kept.
	if b := s.ExclusiveMin.Value; b != nil && (!row.HasMinimum || *b >= row.Minimum) {
		row.HasMinimum, row.Minimum, row.ExclusiveMinimum = true, *b, true
	}
	if b := s.ExclusiveMax.Value; b != nil && (!row.HasMaximum || *b <= row.Maximum) {
		row.HasMaximum, row.Maximum, row.ExclusiveMaximum = true, *b, true
	}
	if s.MultipleOf != nil {
		row.MultipleOf = *s.MultipleOf
	}
	row.MinLength, row.MaxLength = clampInt(s.MinLength), limit(s.MaxLength)
	row.Pattern = noSchema
	if s.Pattern != "" {
		if row.Pattern, err = t.pattern(s.Pattern, where+".pattern"); err != nil {
			return err
		}
	}
	if row.Items, err = t.add(s.Items, where+".items"); err != nil {
		return err
	}
	row.MinItems, row.MaxItems, row.UniqueItems = clampInt(s.MinItems), limit(s.MaxItems), s.UniqueItems
	for _, name := range sortedKeys(s.Properties) {
		i, err := t.add(s.Properties[name], where+".properties."+name)
		if err != nil {
			return err
		}
		row.Properties = append(row.Properties, propertyRow{Name: name, Schema: i})
	}
	row.Required = append(row.Required, s.Required...)
	row.AdditionalProperties = anyProperties
	switch ap := s.AdditionalProperties; {
	case ap.Has != nil && !*ap.Has:
		row.AdditionalProperties = noProperties
	case ap.Schema != nil:
		if row.AdditionalProperties, err = t.add(ap.Schema, where+".additionalProperties"); err != nil {
			return err
		}
	}
	if row.PropertyNames, err = t.add(s.PropertyNames, where+".propertyNames"); err != nil {
		return err
	}
	if row.PropertyNames >= 0 && t.rows[row.PropertyNames].Pattern >= 0 {
		p := &t.patterns[t.rows[row.PropertyNames].Pattern]
		p.Hints = hintsOf(p.Source)
	}
	row.MinProperties, row.MaxProperties = clampInt(s.MinProps), limit(s.MaxProps)
	for _, list := range []struct {
		kw   string
		refs openapi3.SchemaRefs
		out  *[]int
	}{{"allOf", s.AllOf, &row.AllOf}, {"anyOf", s.AnyOf, &row.AnyOf}, {"oneOf", s.OneOf, &row.OneOf}} {
		for k, ref := range list.refs {
			i, err := t.add(ref, fmt.Sprintf("%s.%s[%d]", where, list.kw, k))
			if err != nil {
				return err
			}
			*list.out = append(*list.out, i)
		}
	}
	if d := s.Discriminator; d != nil {
		if len(row.OneOf) == 0 && len(row.AnyOf) == 0 {
			return fmt.Errorf("%s.discriminator: a discriminator needs oneOf or anyOf", where)
		}
		row.Discriminator = d.PropertyName
		if err := t.mapping(row, s, where); err != nil {
			return err
		}
	}
	return nil
}

// mapping fills the discriminator's mapping: the explicit one, completed
// by the component name of every branch not mapped (OpenAPI's implicit
// mapping).
func (t *schemaTable) mapping(row *schemaRow, s *openapi3.Schema, where string) error {
	branches := slices.Concat(s.OneOf, s.AnyOf)
	mapped := map[*openapi3.Schema]bool{}
	for _, v := range sortedKeys(s.Discriminator.Mapping) {
		target := s.Discriminator.Mapping[v].Ref
		k := slices.IndexFunc(branches, func(b *openapi3.SchemaRef) bool { return b.Ref == target })
		if k < 0 {
			return fmt.Errorf("%s.discriminator.mapping[%q]: %q is not one of the schema's branches", where, v, target)
		}
		i, err := t.add(branches[k], where+".discriminator")
		if err != nil {
			return err
		}
		mapped[branches[k].Value] = true
		row.Mapping = append(row.Mapping, mappingRow{Value: v, Schema: i})
	}
	for _, b := range branches {
		if mapped[b.Value] {
			continue
		}
		name := t.names[b.Value]
		if name == "" {
			return fmt.Errorf("%s.discriminator: an inline branch has no mapping value; add it to discriminator.mapping", where)
		}
		i, err := t.add(b, where+".discriminator")
		if err != nil {
			return err
		}
		row.Mapping = append(row.Mapping, mappingRow{Value: name, Schema: i})
	}
	return nil
}

// pattern returns the index of a pattern, translated into RE2 on first
// sight.
func (t *schemaTable) pattern(src, where string) (int, error) {
	if i := slices.IndexFunc(t.patterns, func(p patternRow) bool { return p.Source == src }); i >= 0 {
		return i, nil
	}
	tr, err := translatePattern(where, src)
	if err != nil {
		return noSchema, err
	}
	t.patterns = append(t.patterns, patternRow{Source: src, RE2: tr})
	return len(t.patterns) - 1, nil
}

// jsonText encodes a value of the spec (decoded from YAML or JSON) as JSON.
func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%q", fmt.Sprint(v))
	}
	return string(b)
}

func clampInt(n uint64) int { return int(min(n, math.MaxInt32)) }

func limit(n *uint64) int {
	if n == nil {
		return unset
	}
	return clampInt(*n)
}

// properties returns the properties an object schema declares, its own and
// those of its allOf parts, by name.
func (t *schemaTable) properties(i int) map[string]int {
	out := map[string]int{}
	var walk func(i int, depth int)
	walk = func(i int, depth int) {
		if i < 0 || depth > 16 {
			return
		}
		row := t.rows[i]
		for _, p := range row.Properties {
			if _, ok := out[p.Name]; !ok {
				out[p.Name] = p.Schema
			}
		}
		for _, sub := range row.AllOf {
			walk(sub, depth+1)
		}
	}
	walk(i, 0)
	return out
}

// hasType reports whether the schema (or one of its allOf parts) allows
// the JSON type ty explicitly.
func (t *schemaTable) hasType(i int, ty string) bool {
	return i >= 0 && (slices.Contains(t.rows[i].Types, ty) ||
		slices.ContainsFunc(t.rows[i].AllOf, func(sub int) bool { return t.hasType(sub, ty) }))
}
