package main

import (
	"bytes"
	"fmt"
	"go/format"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/partoo-go/partoo/tools/internal/specload"
)

// customHeadersSchema is the components.schemas entry whose constraints the
// client enforces locally.
const customHeadersSchema = "CustomHeaders"

// stringRules are the constraints of a string schema (propertyNames or
// additionalProperties of a map schema).
type stringRules struct {
	Type         string // "string", or "" when the schema sets no type
	HasMaxLength bool
	MaxLength    int
	MinLength    int
	Pattern      string // ECMA-262, "" when none
	// RE2 is Pattern translated for Go's regexp (see translate.go).
	RE2 translation
}

// mapRules are the constraints of an object schema used as a string map.
type mapRules struct {
	Schema           string
	Type             string // "object", or "" when the schema sets no type
	HasMaxProperties bool
	MaxProperties    int
	MinProperties    int
	Names            stringRules
	Values           stringRules
	Hints            nameHints
}

// annotation reports whether key is a keyword that carries no validation
// rule (so honouring it means ignoring it).
func annotation(key string) bool {
	switch key {
	case "description", "title", "example", "examples", "$comment":
		return true
	}
	return strings.HasPrefix(key, "x-")
}

// loadMapRules reads the raw YAML of components.schemas.<name> from the
// spec at path and returns its constraints. It fails on any keyword it
// cannot honour: a rule is never dropped silently.
func loadMapRules(path, name string, corpus int) (mapRules, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return mapRules{}, err
	}
	var doc map[string]any
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return mapRules{}, fmt.Errorf("parse %s: %w", path, err)
	}
	schema, err := lookup(doc, "components", "schemas", name)
	if err != nil {
		return mapRules{}, err
	}
	return parseMapRules(name, schema, corpus)
}

func lookup(doc map[string]any, keys ...string) (any, error) {
	var cur any = doc
	for i, k := range keys {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%s is not an object", strings.Join(keys[:i], "."))
		}
		if cur, ok = m[k]; !ok {
			return nil, fmt.Errorf("%s is missing", strings.Join(keys[:i+1], "."))
		}
	}
	return cur, nil
}

func parseMapRules(name string, schema any, corpus int) (mapRules, error) {
	where := "components.schemas." + name
	m, ok := schema.(map[string]any)
	if !ok {
		return mapRules{}, fmt.Errorf("%s: expected a schema object, got %T", where, schema)
	}
	r := mapRules{Schema: name}
	for _, key := range sortedKeys(m) {
		v := m[key]
		var err error
		switch {
		case annotation(key):
		case key == "type":
			r.Type, err = typeKeyword(v, "object")
		case key == "maxProperties":
			r.MaxProperties, err = nonNegativeInt(v)
			r.HasMaxProperties = true
		case key == "minProperties":
			r.MinProperties, err = nonNegativeInt(v)
		case key == "propertyNames":
			r.Names, err = parseStringRules(where+".propertyNames", v, corpus)
		case key == "additionalProperties":
			r.Values, err = parseStringRules(where+".additionalProperties", v, corpus)
		default:
			err = fmt.Errorf("keyword %q is not supported by specgen; teach specgen and the client's validator to honour it", key)
		}
		if err != nil && !strings.HasPrefix(err.Error(), where) {
			err = fmt.Errorf("%s.%s: %w", where, key, err)
		}
		if err != nil {
			return mapRules{}, err
		}
	}
	if r.Type == "" {
		return mapRules{}, fmt.Errorf("%s: the schema has no `type: object`; specgen only handles object schemas", where)
	}
	if r.Names.Pattern != "" {
		h, err := explainPattern(r.Names.Pattern)
		if err != nil {
			return mapRules{}, fmt.Errorf("%s.propertyNames.pattern: %w", where, err)
		}
		r.Hints = h
	}
	return r, nil
}

// parseStringRules reads a string schema; corpus is the size of the proof
// corpus of its pattern's translation.
func parseStringRules(where string, schema any, corpus int) (stringRules, error) {
	m, ok := schema.(map[string]any)
	if !ok {
		return stringRules{}, fmt.Errorf("%s: expected a schema object, got %v (boolean schemas are not supported by specgen)", where, schema)
	}
	var r stringRules
	for _, key := range sortedKeys(m) {
		v := m[key]
		var err error
		switch {
		case annotation(key):
		case key == "type":
			r.Type, err = typeKeyword(v, "string")
		case key == "maxLength":
			r.MaxLength, err = nonNegativeInt(v)
			r.HasMaxLength = true
		case key == "minLength":
			r.MinLength, err = nonNegativeInt(v)
		case key == "pattern":
			s, ok := v.(string)
			if !ok {
				err = fmt.Errorf("expected a string, got %T", v)
				break
			}
			if r.RE2, err = translatePattern(s, corpus); err == nil {
				r.Pattern = s
			}
		default:
			err = fmt.Errorf("keyword %q is not supported by specgen; teach specgen and the client's validator to honour it", key)
		}
		if err != nil {
			return stringRules{}, fmt.Errorf("%s.%s: %w", where, key, err)
		}
	}
	return r, nil
}

// typeKeyword accepts only the single JSON type want.
func typeKeyword(v any, want string) (string, error) {
	if s, ok := v.(string); ok && s == want {
		return s, nil
	}
	return "", fmt.Errorf("only `type: %s` is supported, got %v", want, v)
}

// nonNegativeInt accepts a JSON Schema non-negative integer (5 or 5.0).
func nonNegativeInt(v any) (int, error) {
	switch n := v.(type) {
	case int:
		if n >= 0 {
			return n, nil
		}
	case float64:
		if n >= 0 && n == math.Trunc(n) && n <= math.MaxInt32 {
			return int(n), nil
		}
	}
	return 0, fmt.Errorf("expected a non-negative integer, got %v", v)
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// generateRules renders the constraints file (gen/constraints.gen.go).
func generateRules(specPath, pkg string, corpus int) ([]byte, error) {
	r, err := loadMapRules(specPath, customHeadersSchema, corpus)
	if err != nil {
		return nil, err
	}
	if _, err := specload.Load(specPath); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "// Code generated by partoo-go specgen from %s. DO NOT EDIT.\n\n", "api/openapi-bundled.yaml")
	fmt.Fprintf(&b, "package %s\n\n", pkg)
	b.WriteString(rulesTypes)
	fmt.Fprintf(&b, "// %sRules returns the constraints of components.schemas.%s, read from\n", r.Schema, r.Schema)
	b.WriteString("// the spec at generation time. Each call returns a new value.\n")
	fmt.Fprintf(&b, "func %sRules() MapRules {\n\treturn MapRules{\n", r.Schema)
	fmt.Fprintf(&b, "Schema: %q,\nType: %q,\nHasMaxProperties: %t,\nMaxProperties: %d,\nMinProperties: %d,\n",
		r.Schema, r.Type, r.HasMaxProperties, r.MaxProperties, r.MinProperties)
	for _, f := range []struct {
		name string
		s    stringRules
	}{{"Names", r.Names}, {"Values", r.Values}} {
		fmt.Fprintf(&b, "%s: StringRules{Type: %q, HasMaxLength: %t, MaxLength: %d, MinLength: %d, Pattern: %s",
			f.name, f.s.Type, f.s.HasMaxLength, f.s.MaxLength, f.s.MinLength, goString(f.s.Pattern))
		if f.s.Pattern != "" {
			fmt.Fprintf(&b, ",\nMustMatch: %s,\nMustNotMatch: %s,\n", goStrings(f.s.RE2.MustMatch), goStrings(f.s.RE2.MustNotMatch))
		}
		b.WriteString("},\n")
	}
	h := r.Hints
	fmt.Fprintf(&b, "NameHints: NameHints{Prefix: %q, PrefixFold: %t, Reserved: %q, ReservedFold: %t, Forbidden: %s},\n",
		h.Prefix, h.PrefixFold, h.Reserved, h.ReservedFold, goString(h.Forbidden))
	b.WriteString("\t}\n}\n")
	src, err := format.Source(b.Bytes())
	if err != nil {
		return nil, fmt.Errorf("format generated code: %w\n%s", err, b.Bytes())
	}
	return src, nil
}

// goString quotes s as a raw string literal when that is possible, so that
// patterns read as they do in the spec.
func goString(s string) string {
	if s != "" && !strings.ContainsAny(s, "`\r") && utf8.ValidString(s) && strconv.CanBackquote(s) {
		return "`" + s + "`"
	}
	return strconv.Quote(s)
}

// goStrings renders a []string literal with goString, nil when empty.
func goStrings(list []string) string {
	if len(list) == 0 {
		return "nil"
	}
	quoted := make([]string, len(list))
	for i, s := range list {
		quoted[i] = goString(s)
	}
	return "[]string{" + strings.Join(quoted, ", ") + "}"
}

const rulesTypes = `// MapRules holds the JSON Schema constraints of an object schema whose keys
// and values are strings, as the spec states them. Lengths count Unicode
// code points, as JSON Schema does; patterns are ECMA-262 regular
// expressions.
type MapRules struct {
	// Schema is the schema's name under components.schemas.
	Schema string
	// Type is the JSON type the schema requires ("object").
	Type string
	// HasMaxProperties reports whether maxProperties is set.
	HasMaxProperties bool
	// MaxProperties is the most entries allowed, when HasMaxProperties.
	MaxProperties int
	// MinProperties is the fewest entries required (minProperties; 0 when unset).
	MinProperties int
	// Names constrains every key (propertyNames).
	Names StringRules
	// Values constrains every value (additionalProperties).
	Values StringRules
	// NameHints explain why a key fails Names.Pattern. They never decide
	// whether a key is valid.
	NameHints NameHints
}

// StringRules holds the constraints of a string schema.
type StringRules struct {
	// Type is the JSON type required ("string"), or "" when the schema sets none.
	Type string
	// HasMaxLength reports whether maxLength is set.
	HasMaxLength bool
	// MaxLength is the most code points allowed, when HasMaxLength.
	MaxLength int
	// MinLength is the fewest code points required (minLength; 0 when unset).
	MinLength int
	// Pattern is the ECMA-262 regular expression a string must match
	// (unanchored, as in JSON Schema), or "" when there is none. It is the
	// spec's text, kept for messages: the verdict comes from MustMatch and
	// MustNotMatch.
	Pattern string
	// MustMatch and MustNotMatch are Pattern translated by specgen into Go
	// regexp (RE2) syntax: a string matches Pattern exactly when it matches
	// every expression of MustMatch and none of MustNotMatch. A lookahead
	// (?!L) or (?=L) after a prefix A whose matches all have the same
	// length is tested at that one position, so it becomes ^AL in
	// MustNotMatch or MustMatch; every other construct is rewritten into
	// its RE2 equivalent. specgen refuses a pattern it cannot translate
	// this way, and checks each translation against an ECMAScript engine
	// on edge cases and a seeded pseudo-random corpus before writing it.
	// Both are nil when Pattern is "".
	MustMatch, MustNotMatch []string
}

// NameHints are derived from a propertyNames pattern of the form
// ^<prefix>(?!<reserved>)[^<forbidden>]*$ and checked against it at
// generation time. All fields are empty when the pattern has another form.
type NameHints struct {
	// Prefix is the text every name starts with, e.g. "X-".
	Prefix string
	// PrefixFold reports whether Prefix is matched ASCII case-insensitively.
	PrefixFold bool
	// Reserved is the text that may not follow Prefix, e.g. "Partoo".
	Reserved string
	// ReservedFold reports whether Reserved is matched ASCII case-insensitively.
	ReservedFold bool
	// Forbidden lists the characters a name may not contain after Prefix.
	Forbidden string
}

`
