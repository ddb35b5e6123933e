// Package conformance checks the client's local validation against an
// independent JSON Schema 2020-12 validator run on the same schemas of the
// bundled spec. It lives in the tools module so that the validator never
// reaches the client's go.mod; it has tests only.
package conformance

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/dlclark/regexp2"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"gopkg.in/yaml.v3"

	"github.com/partoo-go/partoo"
	"github.com/partoo-go/partoo/api"
	"github.com/partoo-go/partoo/gen"
	"github.com/partoo-go/partoo/internal/apispec"
)

// ecmaRegexp plugs regexp2's ECMAScript mode into jsonschema, since JSON
// Schema patterns are ECMA-262 and Go's regexp cannot compile the spec's
// lookahead. A match that fails (timeout) counts as no match.
type ecmaRegexp regexp2.Regexp

func (re *ecmaRegexp) MatchString(s string) bool {
	ok, err := (*regexp2.Regexp)(re).MatchString(s)
	return err == nil && ok
}

func (re *ecmaRegexp) String() string { return (*regexp2.Regexp)(re).String() }

func compileECMA(pattern string) (jsonschema.Regexp, error) {
	re, err := regexp2.Compile(pattern, regexp2.ECMAScript)
	if err != nil {
		return nil, err
	}
	return (*ecmaRegexp)(re), nil
}

// oracle is the CustomHeaders schema of the bundled spec, compiled by an
// independent JSON Schema 2020-12 validator.
var oracle = sync.OnceValues(func() (*jsonschema.Schema, error) {
	var doc map[string]any
	if err := yaml.Unmarshal(api.OpenAPIBundled(), &doc); err != nil {
		return nil, err
	}
	var schema any = doc
	for _, k := range []string{"components", "schemas", "CustomHeaders"} {
		m, ok := schema.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("spec: no object at %q", k)
		}
		schema = m[k]
	}
	raw, err := json.Marshal(schema)
	if err != nil {
		return nil, err
	}
	res, err := jsonschema.UnmarshalJSON(strings.NewReader(string(raw)))
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.UseRegexpEngine(compileECMA)
	if err := c.AddResource("mem:///CustomHeaders.json", res); err != nil {
		return nil, err
	}
	return c.Compile("mem:///CustomHeaders.json")
})

// namePattern returns the spec's propertyNames pattern of CustomHeaders.
func namePattern(t *testing.T) string {
	t.Helper()
	var doc struct {
		Components struct {
			Schemas struct {
				CustomHeaders struct {
					PropertyNames struct {
						Pattern string `yaml:"pattern"`
					} `yaml:"propertyNames"`
				} `yaml:"CustomHeaders"`
			} `yaml:"schemas"`
		} `yaml:"components"`
	}
	if err := yaml.Unmarshal(api.OpenAPIBundled(), &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Components.Schemas.CustomHeaders.PropertyNames.Pattern
}

// oracleViolations returns the oracle's verdict on h as a sorted set of
// "rule key" strings, in the client's Rule vocabulary.
func oracleViolations(t *testing.T, h gen.CustomHeaders) []string {
	t.Helper()
	inst := make(map[string]any, len(h))
	for k, v := range h {
		inst[k] = v
	}
	return oracleVerdict(t, inst)
}

// oracleVerdict returns the oracle's verdict on inst, a value decoded
// from JSON, as a sorted set of "rule key" strings, in the client's Rule
// vocabulary.
func oracleVerdict(t *testing.T, inst any) []string {
	t.Helper()
	sch, err := oracle()
	if err != nil {
		t.Fatalf("compile the oracle: %v", err)
	}
	err = sch.Validate(inst)
	if err == nil {
		return nil
	}
	var verr *jsonschema.ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("oracle: %v", err)
	}
	set := map[string]bool{}
	var walk func(e *jsonschema.ValidationError, key string)
	walk = func(e *jsonschema.ValidationError, key string) {
		if pn, ok := e.ErrorKind.(*kind.PropertyNames); ok {
			key = pn.Property
		}
		if len(e.Causes) == 0 {
			_, frag, _ := strings.Cut(e.SchemaURL, "#")
			path := append(strings.Split(strings.Trim(frag, "/"), "/"), e.ErrorKind.KeywordPath()...)
			var parts []string
			for _, p := range path {
				if p != "" {
					parts = append(parts, p)
				}
			}
			if len(e.InstanceLocation) > 0 {
				key = e.InstanceLocation[0]
			}
			set[strings.Join(parts, ".")+" "+key] = true
		}
		for _, c := range e.Causes {
			walk(c, key)
		}
	}
	walk(verr, "")
	return sortedSet(set)
}

// clientViolations returns the client's verdict in the same form, after
// checking the shape of its errors.
func clientViolations(t *testing.T, h gen.CustomHeaders) []string {
	t.Helper()
	err := partoo.ValidateCustomHeaders(h)
	if err == nil {
		return nil
	}
	if !errors.Is(err, partoo.ErrInvalidCustomHeaders) {
		t.Fatalf("errors.Is(err, ErrInvalidCustomHeaders) = false for %v", err)
	}
	joined, ok := err.(interface{ Unwrap() []error })
	if !ok {
		t.Fatalf("%T is not an errors.Join", err)
	}
	set := map[string]bool{}
	for _, e := range joined.Unwrap() {
		var che *partoo.CustomHeaderError
		if !errors.As(e, &che) {
			t.Fatalf("%T is not a *partoo.CustomHeaderError", e)
		}
		if che.Reason == "" || che.Rule == "" {
			t.Errorf("incomplete error %#v", che)
		}
		msg := che.Error()
		if che.Key != "" && !strings.HasPrefix(msg, fmt.Sprintf("custom header %q: ", che.Key)) {
			t.Errorf("message %q does not start with the quoted key", msg)
		}
		set[che.Rule+" "+che.Key] = true
	}
	// Values are secrets: no message may contain one. Short or
	// key-like values could appear by coincidence, so only distinctive
	// ones are checked.
	for k, v := range h {
		if utf8.RuneCountInString(v) < 8 || strings.Contains(err.Error(), v) == false {
			continue
		}
		leaked := true
		for k2 := range h {
			if strings.Contains(k2, v) {
				leaked = false
			}
		}
		if leaked && !strings.Contains(namePattern(t), v) {
			t.Errorf("the error leaks the value of %q: %v", k, err)
		}
	}
	return sortedSet(set)
}

func sortedSet(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for s := range set {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// fuzzHeaders builds the map a fuzz input stands for: two chosen entries
// plus extra valid ones, to reach the count limits.
func fuzzHeaders(k1, v1, k2, v2 string, extra uint8) gen.CustomHeaders {
	h := gen.CustomHeaders{k1: v1, k2: v2}
	for i := range int(extra % 8) {
		h[fmt.Sprintf("X-Extra-%d", i)] = "extra-value"
	}
	return h
}

// FuzzValidateCustomHeaders checks that partoo.ValidateCustomHeaders never
// panics and agrees with the oracle on every input: same verdict, and the
// same broken rules for the same keys.
func FuzzValidateCustomHeaders(f *testing.F) {
	long := func(s string, n int) string { return strings.Repeat(s, n) }
	seeds := []struct {
		k1, v1, k2, v2 string
		extra          uint8
	}{
		{"X-My-Header", "my-value", "X-Auth-Token", "secret-token", 0},
		{"X-A", "v", "X-B", "v", 3}, // 5 headers
		{"X-A", "v", "X-B", "v", 4}, // 6 headers
		{"X-" + long("k", 126), "v", "X-" + long("k", 127), "v", 0},
		{"X-" + long("é", 126), "v", "X-" + long("é", 127), "v", 0},
		{"X-V", long("a", 512), "X-W", long("a", 513), 0},
		{"X-V", long("é", 512), "X-W", long("é", 513), 0},
		{"X-V", long("🦊", 512), "X-W", long("🦊", 513), 0},
		{"X-", "v", "x-", "v", 0},
		{"Y-Foo", "v", "", "v", 0},
		{"X-Partoo", "v", "x-pArToO-y", "v", 0},
		{"X-Partoo2", "v", "X-PartoX", "v", 0},
		{"X-a b", "v", "X-a(b", "v", 0},
		{"X-a)b", "v", "X-a<b", "v", 0},
		{"X-a>b", "v", "X-a@b", "v", 0},
		{"X-a,b", "v", "X-a;b", "v", 0},
		{"X-a:b", "v", `X-a\b`, "v", 0},
		{`X-a"b`, "v", "X-a/b", "v", 0},
		{"X-a[b", "v", "X-a]b", "v", 0},
		{"X-a?b", "v", "X-a=b", "v", 0},
		{"X-a{b", "v", "X-a}b", "v", 0},
		{"X-a\tb", "v", "X-a\nb", "v", 0},
		{"X-\xff", "\xfe", "X-\x00", "", 0},
		{"X-Partoo-Id", "a-secret-value", "X-a:b", "another-secret", 5},
		{"\u212Aey", "v", "X-Pa\u212Atoo", "v", 0},
		// The client runs the pattern as RE2 expressions derived by specgen
		// (the pattern without its lookahead, and the lookahead's text after
		// the prefix, which must not match): the edges of that decomposition.
		{"x-partoo", "v", "X-PARTOO", "v", 0},
		{"X-Parto", "v", "X-Partoo\n", "v", 0},
		{"X-\nPartoo", "v", "X-\xe2\x82", "v", 0},
		{"XX-Partoo", "v", "X-PartooX-Partoo", "v", 0},
	}
	for _, s := range seeds {
		f.Add(s.k1, s.v1, s.k2, s.v2, s.extra)
	}
	f.Fuzz(func(t *testing.T, k1, v1, k2, v2 string, extra uint8) {
		h := fuzzHeaders(k1, v1, k2, v2, extra)
		got := clientViolations(t, h)
		want := oracleViolations(t, h)
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("for %q:\nclient: %q\noracle: %q", h, got, want)
		}
	})
}

// TestOracleSeesTheSpecRules guards the oracle itself: it must reject what
// the spec's description forbids, or agreeing with it would prove nothing.
func TestOracleSeesTheSpecRules(t *testing.T) {
	t.Parallel()
	// One header more than the spec's maximum, from the generated tables.
	if apispec.CustomHeaders < 0 || apispec.Schemas[apispec.CustomHeaders].MaxProperties == apispec.Unset {
		t.Fatal("the spec's CustomHeaders has no maxProperties")
	}
	tooMany := gen.CustomHeaders{}
	for i := range apispec.Schemas[apispec.CustomHeaders].MaxProperties + 1 {
		tooMany[fmt.Sprintf("X-H%d", i)] = "v"
	}
	tests := []struct {
		name string
		h    gen.CustomHeaders
		want []string
	}{
		{"valid", gen.CustomHeaders{"X-A": "v"}, nil},
		{"reserved", gen.CustomHeaders{"X-Partoo-Id": "v"}, []string{"propertyNames.pattern X-Partoo-Id"}},
		{"too many", tooMany, []string{"maxProperties "}},
		{"long key", gen.CustomHeaders{"X-" + strings.Repeat("k", 127): "v"}, []string{"propertyNames.maxLength X-" + strings.Repeat("k", 127)}},
		{"long value", gen.CustomHeaders{"X-A": strings.Repeat("é", 513)}, []string{"additionalProperties.maxLength X-A"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := oracleViolations(t, tt.h)
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("oracle = %q, want %q", got, tt.want)
			}
		})
	}
}

// FuzzCheckHeadersJSON checks the client's JSON path (the one that checks
// raw bodies, and the fake's requests) against the oracle on any JSON
// value: another type for the headers or for a value, nested objects,
// numbers, null. Same verdict, same rules broken by the same keys.
func FuzzCheckHeadersJSON(f *testing.F) {
	for _, seed := range []string{
		`{"X-A":"v"}`, `null`, `[]`, `"X-A: v"`, `7`, `{}`,
		`{"X-Partoo":1,"bad name":null,"X-B":{"X-C":"d"},"X-D":[1,"2"],"X-E":"a\nb","X-F":2.5}`,
		`{"X-1":"a","X-2":"b","X-3":"c","X-4":"d","X-5":"e","X-6":true}`,
		`{"X-Big":"` + strings.Repeat("é", 513) + `","x-partoo-id":1e400}`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if !json.Valid([]byte(text)) {
			return
		}
		doc, err := jsonschema.UnmarshalJSON(strings.NewReader(text))
		if err != nil {
			return
		}
		set := map[string]bool{}
		for _, v := range (apispec.Validator{}).CheckHeaders("", doc, nil) {
			set[v.Rule+" "+v.Key] = true
		}
		got := sortedSet(set)
		want := oracleVerdict(t, doc)
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("for %s:\nclient: %q\noracle: %q", text, got, want)
		}
	})
}
