package apispec

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// headerTables returns a Validator over a copy of the generated tables
// whose CustomHeaders schema, its names' and its values' schemas, and
// patterns, mutate changed.
func headerTables(t *testing.T, mutate func(ch, names, values *Schema, patterns *[]Pattern)) Validator {
	t.Helper()
	if CustomHeaders < 0 || Schemas[CustomHeaders].PropertyNames < 0 || Schemas[CustomHeaders].AdditionalProperties < 0 {
		t.Fatal("the spec's CustomHeaders has no propertyNames or additionalProperties schema")
	}
	schemas, patterns := slices.Clone(Schemas[:]), slices.Clone(Patterns[:])
	ch := &schemas[CustomHeaders]
	mutate(ch, &schemas[ch.PropertyNames], &schemas[ch.AdditionalProperties], &patterns)
	return Validator{Schemas: schemas, Patterns: patterns}
}

// usePattern appends p to patterns and returns its index.
func usePattern(patterns *[]Pattern, p Pattern) int {
	*patterns = append(*patterns, p)
	return len(*patterns) - 1
}

// messages returns the violations sorted, as the error lines they make.
func messages(vs []HeaderViolation) []string {
	SortHeaderViolations(vs)
	var out []string
	for _, v := range vs {
		out = append(out, v.Violation().Error())
	}
	return out
}

// TestHeaderRulesComeFromTheTables shows that the verdict follows the
// tables: the same code enforces other limits and patterns when the spec
// changes.
func TestHeaderRulesComeFromTheTables(t *testing.T) {
	t.Parallel()
	limit := Schemas[CustomHeaders].MaxProperties
	if limit == Unset {
		t.Fatal("the spec's CustomHeaders has no maxProperties")
	}
	headers := func(n int) map[string]string {
		h := map[string]string{}
		for i := range n {
			h["X-H"+strings.Repeat("h", i)] = "v"
		}
		return h
	}
	tests := []struct {
		name   string
		mutate func(ch, names, values *Schema, patterns *[]Pattern)
		h      map[string]string
		want   []string
	}{
		{"the spec's maximum", func(*Schema, *Schema, *Schema, *[]Pattern) {}, headers(limit), nil},
		{"one beyond it", func(*Schema, *Schema, *Schema, *[]Pattern) {}, headers(limit + 1),
			[]string{fmt.Sprintf("%d custom headers: at most %d are allowed", limit+1, limit)}},
		{"a larger maxProperties accepts it", func(ch, _, _ *Schema, _ *[]Pattern) { ch.MaxProperties = limit + 3 }, headers(limit + 1), nil},
		{"no maxProperties", func(ch, _, _ *Schema, _ *[]Pattern) { ch.MaxProperties = Unset }, headers(40), nil},
		{"minProperties", func(ch, _, _ *Schema, _ *[]Pattern) { ch.MinProperties = 1 }, map[string]string{},
			[]string{"0 custom headers: at least 1 is required"}},
		{"value maxLength 4", func(_, _, values *Schema, _ *[]Pattern) { values.MaxLength = 4 }, map[string]string{"X-A": "12345"},
			[]string{`custom header "X-A": value is 5 characters, at most 4`}},
		{"value minLength 2", func(_, _, values *Schema, _ *[]Pattern) { values.MinLength = 2 }, map[string]string{"X-A": "é"},
			[]string{`custom header "X-A": value is 1 character, at least 2`}},
		{"name minLength 3", func(_, names, _ *Schema, _ *[]Pattern) { names.MinLength = 3 }, map[string]string{"X-": "v"},
			[]string{`custom header "X-": name is 2 characters, at least 3`}},
		{"value pattern", func(_, _, values *Schema, p *[]Pattern) {
			values.Pattern = usePattern(p, Pattern{Source: `^[a-z]+$`, MustMatch: []string{`^[a-z]+$`}})
		}, map[string]string{"X-A": "ABC-secret", "X-B": "abc"},
			[]string{`custom header "X-A": value does not match the pattern "^[a-z]+$"`}},
		{"another name pattern, without hints", func(_, names, _ *Schema, p *[]Pattern) {
			names.Pattern = usePattern(p, Pattern{Source: `^[Aa]pp-(?!internal)[a-z-]*$`,
				MustMatch: []string{`^[Aa]pp-[a-z\-]*$`}, MustNotMatch: []string{`^[Aa]pp-internal`}})
		}, map[string]string{"App-ok": "v", "app-internal-x": "v", "X-Foo": "v"}, []string{
			`custom header "X-Foo": name does not match the pattern "^[Aa]pp-(?!internal)[a-z-]*$"`,
			`custom header "app-internal-x": name does not match the pattern "^[Aa]pp-(?!internal)[a-z-]*$"`,
		}},
		{"a pattern that cannot be checked refuses every name", func(_, names, _ *Schema, p *[]Pattern) {
			names.Pattern = usePattern(p, Pattern{Source: "^x"})
		}, map[string]string{"X-A": "v"}, []string{
			`custom header "X-A": name could not be checked against the pattern "^x": the pattern "^x" has no RE2 translation in the generated tables (run make generate)`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			val := headerTables(t, tt.mutate)
			if diff := cmp.Diff(tt.want, messages(val.CheckHeaderMap("", tt.h, nil))); diff != "" {
				t.Errorf("CheckHeaderMap (-want +got):\n%s", diff)
			}
			doc := map[string]any{}
			for k, v := range tt.h {
				doc[k] = v
			}
			if diff := cmp.Diff(tt.want, messages(val.CheckHeaders("", doc, nil))); diff != "" {
				t.Errorf("CheckHeaders (-want +got):\n%s", diff)
			}
		})
	}
}

// TestCheckHeaders covers what only a JSON value can hold: another type
// for the headers or for a value, and the HTTP rule applied to both
// paths.
func TestCheckHeaders(t *testing.T) {
	t.Parallel()
	token := `the name is not an HTTP token (RFC 9110: letters, digits and !#$%&'*+-.^_` + "`" + `|~ only), so it could never be sent as a header`
	tests := []struct {
		name        string
		doc         any
		deliverable bool
		want        []string
	}{
		{"valid", map[string]any{"X-A": "v"}, true, nil},
		{"empty object", map[string]any{}, true, nil},
		{"null", nil, true, []string{"loc: custom headers must be a JSON object, got null"}},
		{"array", []any{}, false, []string{"loc: custom headers must be a JSON object, got an array"}},
		{"string", "X-A: v", false, []string{"loc: custom headers must be a JSON object, got a string"}},
		{"number value", map[string]any{"X-A": 5.0}, false, []string{`loc: custom header "X-A": value is a number, not a string`}},
		{"null value", map[string]any{"X-A": nil}, false, []string{`loc: custom header "X-A": value is null, not a string`}},
		{"object value and bad name", map[string]any{"X-Partoo": map[string]any{}}, false, []string{
			`loc: custom header "X-Partoo": the X-Partoo prefix is reserved`,
			`loc: custom header "X-Partoo": value is an object, not a string`,
		}},
		{"value with a line feed, HTTP rule off", map[string]any{"X-A": "a\nb"}, false, nil},
		{"value with a line feed", map[string]any{"X-A": "a\nb"}, true, []string{
			`loc: custom header "X-A": the value has a control character (CR, LF, NUL or another, except a tab), so it could never be sent as a header`,
		}},
		{"name not a token, value not a string", map[string]any{"X-a b": true}, true, []string{
			`loc: custom header "X-a b": character ' ' is not allowed in a header name`,
			`loc: custom header "X-a b": value is a boolean, not a string`,
			`loc: custom header "X-a b": ` + token,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			val := Validator{Deliverable: tt.deliverable}
			if diff := cmp.Diff(tt.want, messages(val.CheckHeaders("loc", tt.doc, nil))); diff != "" {
				t.Errorf("CheckHeaders (-want +got):\n%s", diff)
			}
			if h, ok := stringMap(tt.doc); ok {
				if diff := cmp.Diff(tt.want, messages(val.CheckHeaderMap("loc", h, nil))); diff != "" {
					t.Errorf("CheckHeaderMap (-want +got):\n%s", diff)
				}
			}
		})
	}
}

// stringMap returns doc as a map of strings, if it is one.
func stringMap(doc any) (map[string]string, bool) {
	m, ok := doc.(map[string]any)
	if !ok {
		return nil, false
	}
	h := map[string]string{}
	for k, v := range m {
		s, ok := v.(string)
		if !ok {
			return nil, false
		}
		h[k] = s
	}
	return h, true
}

// TestHeaderRulesInTheValidator: with HeaderRules, the validator reports
// the custom-header rules, in their words, at the schema's location, and
// the plain keywords elsewhere.
func TestHeaderRulesInTheValidator(t *testing.T) {
	t.Parallel()
	doc := map[string]any{"X-Partoo": "v", "Y a": 1}
	got := Validator{HeaderRules: true, Deliverable: true}.Validate(CustomHeaders, doc, "custom_headers")
	want := Validator{Deliverable: true}.CheckHeaders("custom_headers", doc, nil)
	SortHeaderViolations(want)
	if len(got) != len(want) {
		t.Fatalf("Validate = %v, want the %d violations of CheckHeaders", got, len(want))
	}
	for i := range want {
		if got[i] != want[i].Violation() {
			t.Errorf("violation %d = %#v, want %#v", i, got[i], want[i].Violation())
		}
	}
	plain := Validator{}.Validate(CustomHeaders, doc, "custom_headers")
	if len(plain) == 0 || plain[0].Keyword == want[0].Rule {
		t.Errorf("without HeaderRules, Validate = %v, want the plain keywords", plain)
	}
}

// TestNameHintsExplain pins the reasons the hints give, the one statement
// of the name rule: MatchPattern's verdict is that no reason is given.
func TestNameHintsExplain(t *testing.T) {
	t.Parallel()
	spec := NameHints{Prefix: "X-", PrefixFold: true, Reserved: "Partoo", ReservedFold: true, Forbidden: ` ()<>@,;:\"/[]?={}`, Exact: true}
	// A forbidden character that is also in the prefix.
	dash := NameHints{Prefix: "X-", Forbidden: "-:", Exact: true}
	tests := []struct {
		name  string
		hints NameHints
		s     string
		want  []string
	}{
		{"valid", spec, "X-Auth", nil},
		{"lower-case prefix", spec, "x-auth", nil},
		{"no prefix", spec, "Y-Foo", []string{`the name must start with "X-" (in any case)`}},
		{"reserved", spec, "x-pArToO-id", []string{"the X-Partoo prefix is reserved"}},
		{"reserved and forbidden", spec, "X-Partoo:a:b/c", []string{"the X-Partoo prefix is reserved", `characters ':' and '/' are not allowed in a header name`}},
		{"no prefix and forbidden, searched in the whole name", spec, "Y=a", []string{
			`the name must start with "X-" (in any case)`, `character '=' is not allowed in a header name`}},
		{"a forbidden non-ASCII character", NameHints{Prefix: "X-", Forbidden: "é", Exact: true}, "X-café", []string{`character 'é' is not allowed in a header name`}},
		{"case-sensitive prefix", dash, "x-a", []string{`the name must start with "X-"`}},
		// Without the prefix, a character of the prefix is not blamed: the
		// name lacks the prefix, which holds it.
		{"no prefix, a forbidden character of the prefix", dash, "Y-a:b", []string{
			`the name must start with "X-"`, `character ':' is not allowed in a header name`}},
		// After the prefix, it is: the pattern ^X-[^-:]*$ refuses "X--a"
		// for that character. (The client's former copy of this rule
		// skipped it there too and fell back to "does not match the
		// pattern"; this reason is the precise one.)
		{"after the prefix, a forbidden character of the prefix", dash, "X--a", []string{`character '-' is not allowed in a header name`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := tt.hints.Explain(tt.s)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Explain(%q) (-want +got):\n%s", tt.s, diff)
			}
			if match := tt.hints.Match(tt.s); match != (tt.want == nil) {
				t.Errorf("Match(%q) = %v, want %v", tt.s, match, tt.want == nil)
			}
		})
	}
}

// Match reports whether s has the prefix, does not continue with the
// reserved text, and has no forbidden character after the prefix: the
// tests' view of a hint matcher.
func (h NameHints) Match(s string) bool { return newHintMatcher(h).reasons(s) == nil }

// Explain says why s breaks the hints (hintMatcher.reasons).
func (h NameHints) Explain(s string) []string { return newHintMatcher(h).reasons(s) }
