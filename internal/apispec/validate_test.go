package apispec

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// blank returns a schema with every limit unset.
func blank() Schema {
	return Schema{MaxLength: Unset, Pattern: NoSchema, Items: NoSchema, MaxItems: Unset, AdditionalProperties: AnyProperties, PropertyNames: NoSchema, MaxProperties: Unset}
}

func with(f func(*Schema)) Schema {
	s := blank()
	f(&s)
	return s
}

// testTables is a small table with one schema per keyword family.
var testSchemas = []Schema{
	// 0: a business-like object
	with(func(s *Schema) {
		s.Name, s.Types = "Thing", TypeObject
		s.Properties = []Property{{"code", 1}, {"count", 2}, {"id", 3}, {"state", 4}, {"tags", 5}, {"website", 7}, {"when", 8}}
		s.Required = []string{"id", "state"}
		s.AdditionalProperties = NoProperties
	}),
	// 1: code: a pattern and lengths
	with(func(s *Schema) { s.Types, s.Pattern, s.MinLength, s.MaxLength = TypeString, 0, 2, 5 }),
	// 2: count: an integer in [1, 10)
	with(func(s *Schema) {
		s.Types, s.HasMinimum, s.Minimum, s.HasMaximum, s.Maximum, s.ExclusiveMaximum = TypeInteger, true, 1, true, 10, true
	}),
	// 3: id: an integer multiple of 2
	with(func(s *Schema) { s.Types, s.MultipleOf = TypeInteger, 2 }),
	// 4: state: an enum
	with(func(s *Schema) { s.Types, s.Enum = TypeString, []string{`"open"`, `"closed"`} }),
	// 5: tags: 1 to 2 unique strings
	with(func(s *Schema) { s.Types, s.Items, s.MinItems, s.MaxItems, s.UniqueItems = TypeArray, 6, 1, 2, true }),
	// 6: a string
	with(func(s *Schema) { s.Types = TypeString }),
	// 7: website: a nullable uri
	with(func(s *Schema) { s.Types, s.Format = TypeString|TypeNull, "uri" }),
	// 8: when: a date-time
	with(func(s *Schema) { s.Types, s.Format = TypeString, "date-time" }),
	// 9: a discriminated union of 10 and 11
	with(func(s *Schema) {
		s.Types, s.OneOf, s.Discriminator = TypeObject, []int{10, 11}, "kind"
		s.Mapping = []Mapping{{"a", 10}, {"b", 11}}
	}),
	// 10: kind a, with a required x
	with(func(s *Schema) { s.Types, s.Properties, s.Required = TypeObject, []Property{{"x", 6}}, []string{"x"} }),
	// 11: kind b, with a required y
	with(func(s *Schema) { s.Types, s.Properties, s.Required = TypeObject, []Property{{"y", 6}}, []string{"y"} }),
	// 12: allOf of 10 and a map of strings with name rules
	with(func(s *Schema) { s.AllOf = []int{10, 13} }),
	// 13: a map of strings whose names match the pattern
	with(func(s *Schema) {
		s.Types, s.AdditionalProperties, s.PropertyNames, s.MaxProperties = TypeObject, 6, 14, 2
	}),
	// 14: names: the pattern
	with(func(s *Schema) { s.Types, s.Pattern = TypeString, 0 }),
	// 15: oneOf without a discriminator: a string or an integer
	with(func(s *Schema) { s.OneOf = []int{6, 2} }),
	// 16: a discriminated union of 10 and 11 with no type keyword of its own
	with(func(s *Schema) {
		s.OneOf, s.Discriminator = []int{10, 11}, "kind"
		s.Mapping = []Mapping{{"a", 10}, {"b", 11}}
	}),
	// 17: a uuid
	with(func(s *Schema) { s.Types, s.Format = TypeString, "uuid" }),
}

var testPatterns = []Pattern{{Source: "^[a-z]+$", MustMatch: []string{"^[a-z]+$"}}}

func decode(t *testing.T, s string) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader([]byte(s)))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestValidate(t *testing.T) {
	t.Parallel()
	val := Validator{Schemas: testSchemas, Patterns: testPatterns}
	type kw struct{ Location, Keyword string }
	tests := []struct {
		name   string
		schema int
		value  string
		want   []kw
	}{
		{"valid", 0, `{"id":4,"state":"open","code":"ab","count":9,"tags":["a"],"website":null,"when":"2024-11-27T16:10:44.9Z"}`, nil},
		{"required and unknown", 0, `{"extra":1}`, []kw{{"extra", "additionalProperties"}, {"id", "required"}, {"state", "required"}}},
		{"type", 0, `[]`, []kw{{"", "type"}}},
		{"null where not allowed", 0, `null`, []kw{{"", "type"}}},
		{"pattern and lengths", 0, `{"id":2,"state":"open","code":"ABCDEF"}`, []kw{{"code", "maxLength"}, {"code", "pattern"}}},
		{"exclusive maximum", 0, `{"id":2,"state":"open","count":10}`, []kw{{"count", "exclusiveMaximum"}}},
		{"minimum", 0, `{"id":2,"state":"open","count":0}`, []kw{{"count", "minimum"}}},
		{"integer type", 0, `{"id":2.5,"state":"open"}`, []kw{{"id", "type"}}},
		{"1.0 is an integer", 0, `{"id":2.0,"state":"open"}`, nil},
		{"multipleOf", 0, `{"id":3,"state":"open"}`, []kw{{"id", "multipleOf"}}},
		{"enum", 0, `{"id":2,"state":"gone"}`, []kw{{"state", "enum"}}},
		{"array bounds and uniqueness", 0, `{"id":2,"state":"open","tags":["a","a","b"]}`, []kw{{"tags", "maxItems"}, {"tags", "uniqueItems"}}},
		{"empty array", 0, `{"id":2,"state":"open","tags":[]}`, []kw{{"tags", "minItems"}}},
		{"item type", 0, `{"id":2,"state":"open","tags":[1]}`, []kw{{"tags[0]", "type"}}},
		{"format uri", 0, `{"id":2,"state":"open","website":"not a uri"}`, []kw{{"website", "format"}}},
		{"format date-time", 0, `{"id":2,"state":"open","when":"27/11/2024"}`, []kw{{"when", "format"}}},
		{"discriminator a", 9, `{"kind":"a","x":"1"}`, nil},
		{"discriminator a without x", 9, `{"kind":"a","y":"1"}`, []kw{{"x", "required"}}},
		{"discriminator unknown", 9, `{"kind":"c"}`, []kw{{"kind", "discriminator"}}},
		{"discriminator missing", 9, `{}`, []kw{{"kind", "discriminator"}}},
		{"untyped discriminator a", 16, `{"kind":"a","x":"1"}`, nil},
		{"untyped discriminator given an array", 16, `[]`, []kw{{"", "oneOf"}}},
		{"untyped discriminator given a string", 16, `"a"`, []kw{{"", "oneOf"}}},
		{"untyped discriminator unknown", 16, `{"kind":"c"}`, []kw{{"kind", "discriminator"}}},
		{"allOf and propertyNames", 12, `{"x":"1","y":"2"}`, nil},
		{"allOf: name pattern, count, value type", 12, `{"x":"1","Y":"2","z":3}`, []kw{{"", "maxProperties"}, {"Y", "propertyNames"}, {"z", "type"}}},
		{"format uuid", 17, `"3FA85F64-5717-4562-b3fc-2c963f66afa6"`, nil},
		{"format uuid: a letter that is no digit", 17, `"3fa85f64-5717-4562-b3fc-2c963f66afaz"`, []kw{{"", "format"}}},
		{"format uuid: a hyphen out of place", 17, `"3fa85f645-717-4562-b3fc-2c963f66afa6"`, []kw{{"", "format"}}},
		{"format uuid: too short", 17, `"3fa85f64-5717-4562-b3fc-2c963f66afa"`, []kw{{"", "format"}}},
		{"format uuid: an integer", 17, `"1"`, []kw{{"", "format"}}},
		{"oneOf string", 15, `"s"`, nil},
		{"oneOf none", 15, `true`, []kw{{"", "oneOf"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var got []kw
			for _, v := range val.Validate(tt.schema, decode(t, tt.value), "") {
				got = append(got, kw{v.Location, v.Keyword})
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("violations (-want +got):\n%s", diff)
			}
		})
	}
}

// TestValidateDepth: a value nested deeper than the limit stops the
// descent with one violation instead of recursing without bound.
func TestValidateDepth(t *testing.T) {
	t.Parallel()
	self := with(func(s *Schema) { s.Properties = []Property{{"a", 0}} })
	val := Validator{Schemas: []Schema{self}}
	deep := bytes.Repeat([]byte(`{"a":`), 10000)
	deep = append(deep, '1')
	deep = append(deep, bytes.Repeat([]byte("}"), 10000)...)
	var v any
	if err := json.Unmarshal(deep, &v); err != nil {
		t.Skip("encoding/json refuses this depth:", err)
	}
	vs := val.Validate(0, v, "")
	if len(vs) != 1 || vs[0].Keyword != "depth" {
		t.Errorf("violations = %v, want one depth violation", vs)
	}
}

func TestCheckParam(t *testing.T) {
	t.Parallel()
	val := Validator{Schemas: testSchemas, Patterns: testPatterns}
	count := &Param{Name: "count", In: "query", Schema: 2}
	state := &Param{Name: "state", In: "query", Schema: 4, Required: true}
	tags := &Param{Name: "tags", In: "query", Schema: 5}
	exploded := &Param{Name: "tags", In: "query", Schema: 5, Explode: true}
	tests := []struct {
		name   string
		p      *Param
		values []string
		want   []string // keywords
	}{
		{"valid integer", count, []string{"9"}, nil},
		{"not an integer", count, []string{"nine"}, []string{"type"}},
		{"out of range", count, []string{"10"}, []string{"exclusiveMaximum"}},
		{"absent and optional", count, nil, nil},
		{"absent and required", state, nil, []string{"required"}},
		{"enum", state, []string{"gone"}, []string{"enum"}},
		{"given twice", state, []string{"open", "closed"}, []string{"type"}},
		{"comma-separated array", tags, []string{"a,b"}, nil},
		{"comma-separated array, too long and repeated", tags, []string{"a,a,b"}, []string{"maxItems", "uniqueItems"}},
		{"exploded array", exploded, []string{"a", "b"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var got []string
			for _, v := range val.CheckParam(tt.p, tt.values) {
				got = append(got, v.Keyword)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("keywords (-want +got):\n%s", diff)
			}
		})
	}
}

// TestCheckParamAllocatesNothing: the client checks every parameter of
// every call; a valid scalar costs no allocation.
func TestCheckParamAllocatesNothing(t *testing.T) {
	val := Validator{Schemas: testSchemas, Patterns: testPatterns}
	p := &Param{Name: "count", In: "query", Schema: 2}
	values := []string{"9"}
	if n := testing.AllocsPerRun(100, func() { val.CheckParam(p, values) }); n != 0 {
		t.Errorf("CheckParam allocates %v times, want 0", n)
	}
}

// TestPatternsCompileLazily: a translation that does not compile is an
// error of the match, never a panic, and nothing compiles before use.
func TestPatternsCompileLazily(t *testing.T) {
	t.Parallel()
	val := Validator{Schemas: []Schema{with(func(s *Schema) { s.Types, s.Pattern = TypeString, 0 })}, Patterns: []Pattern{{Source: "^(", MustMatch: []string{"^("}}}}
	vs := val.Validate(0, "x", "")
	if len(vs) != 1 || vs[0].Keyword != "pattern" {
		t.Errorf("violations = %v, want one pattern violation saying it could not be checked", vs)
	}
	val.Patterns[0] = Pattern{Source: "^x"}
	if vs := val.Validate(0, "x", ""); len(vs) != 1 {
		t.Errorf("a pattern without a translation accepted a value: %v", vs)
	}
}

// TestGeneratedTables checks the invariants of the generated tables: every
// index points inside its table, and every example answer is valid
// against its own schema.
func TestGeneratedTables(t *testing.T) {
	t.Parallel()
	in := func(i int) bool { return i >= NoSchema && i < len(Schemas) }
	for i, s := range Schemas {
		for _, ref := range append(append(append([]int{s.Items, s.PropertyNames}, s.AllOf...), s.AnyOf...), s.OneOf...) {
			if !in(ref) {
				t.Errorf("schema %d refers to %d", i, ref)
			}
		}
		if s.Pattern >= len(Patterns) {
			t.Errorf("schema %d has pattern %d", i, s.Pattern)
		}
	}
	for _, op := range Operations {
		if op.Success.Schema < 0 {
			continue
		}
		if vs := (Validator{}).Validate(op.Success.Schema, decode(t, op.Success.Example), ""); len(vs) > 0 {
			t.Errorf("%s: the example answer breaks its schema: %v", op.ID, vs)
		}
	}
}

// TestExactHintsMatchTheTranslation checks, for every pattern of the spec
// whose hints are exact, that the matcher MatchPattern runs for them agrees
// with the pattern's RE2 translation (which specgen's tests prove against
// an ECMAScript engine) on edge cases and seeded random names.
func TestExactHintsMatchTheTranslation(t *testing.T) {
	t.Parallel()
	checked := 0
	for i := range Patterns {
		p := &Patterns[i]
		if !p.Hints.Exact {
			continue
		}
		checked++
		var must, mustNot []*regexp.Regexp
		for _, e := range p.MustMatch {
			must = append(must, regexp.MustCompile(e))
		}
		for _, e := range p.MustNotMatch {
			mustNot = append(mustNot, regexp.MustCompile(e))
		}
		translation := func(s string) bool {
			for _, re := range must {
				if !re.MatchString(s) {
					return false
				}
			}
			for _, re := range mustNot {
				if re.MatchString(s) {
					return false
				}
			}
			return true
		}
		h := p.Hints
		pieces := []string{h.Prefix, strings.ToLower(h.Prefix), strings.ToUpper(h.Prefix), h.Reserved,
			strings.ToLower(h.Reserved), strings.ToUpper(h.Reserved), "a", "Z", "0", "-", "_", "é", "\u212a", "\xff", "\x00", "\t", "\n", " "}
		for _, r := range h.Forbidden {
			pieces = append(pieces, string(r))
		}
		for _, r := range h.Reserved {
			pieces = append(pieces, string(r), strings.ToLower(string(r)), strings.ToUpper(string(r)))
		}
		var names []string
		for _, a := range pieces {
			names = append(names, a, h.Prefix+a, h.Prefix+h.Reserved[:len(h.Reserved)/2]+a)
			for _, b := range pieces {
				names = append(names, a+b, h.Prefix+a+b)
			}
		}
		rng := rand.New(rand.NewPCG(1, uint64(i)))
		for range 20_000 {
			var b strings.Builder
			if rng.IntN(4) > 0 {
				b.WriteString(pieces[rng.IntN(3)]) // a prefix, in some case
			}
			for range rng.IntN(6) {
				b.WriteString(pieces[rng.IntN(len(pieces))])
			}
			names = append(names, b.String())
		}
		for _, s := range names {
			if got, want := h.Match(s), translation(s); got != want {
				t.Errorf("pattern %q: the exact hints say %v for %q, the translation %v", p.Source, got, s, want)
			}
		}
	}
	if checked == 0 {
		t.Skip("the spec has no pattern with exact hints")
	}
}

// A request need not send a required property the server sets (readOnly);
// a response must have it.
func TestValidateRequestReadOnly(t *testing.T) {
	schemas := []Schema{
		with(func(s *Schema) {
			s.Types, s.Properties, s.Required = TypeObject, []Property{{"id", 1}, {"name", 2}}, []string{"id", "name"}
		}),
		with(func(s *Schema) { s.Types, s.ReadOnly = TypeInteger, true }),
		with(func(s *Schema) { s.Types = TypeString }),
	}
	for _, tt := range []struct {
		request bool
		doc     string
		want    []string
	}{
		{true, `{"name":"a"}`, nil},
		{true, `{}`, []string{"name"}},
		{false, `{"name":"a"}`, []string{"id"}},
		{false, `{"id":1,"name":"a"}`, nil},
	} {
		var doc any
		dec := json.NewDecoder(strings.NewReader(tt.doc))
		dec.UseNumber()
		if err := dec.Decode(&doc); err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, v := range (Validator{Schemas: schemas, Request: tt.request}).Validate(0, doc, "") {
			got = append(got, v.Location)
		}
		if !cmp.Equal(got, tt.want) {
			t.Errorf("request %t, %s: violations at %v, want %v", tt.request, tt.doc, got, tt.want)
		}
	}
}
