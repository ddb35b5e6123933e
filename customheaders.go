package partoo

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/partoo-go/partoo/gen"
)

// ErrInvalidCustomHeaders matches every [*CustomHeaderError] with errors.Is:
// custom headers that break the spec's CustomHeaders schema.
var ErrInvalidCustomHeaders = errors.New("partoo: invalid custom headers")

// CustomHeaderError is one violation of the spec's CustomHeaders schema. It
// names the header key but never carries or prints a header value, since
// values hold secrets such as shared tokens. Match any of them with
// errors.Is(err, [ErrInvalidCustomHeaders]).
type CustomHeaderError struct {
	// Location is where the headers sit in a request body, such as
	// "items[0].custom_headers"; it is empty for [ValidateCustomHeaders].
	Location string
	// Key is the header name at fault; it is empty when the error is about
	// the headers as a whole (their number or JSON type).
	Key string
	// Rule is the schema keyword broken, as a path in the CustomHeaders
	// schema: "type", "maxProperties", "minProperties",
	// "propertyNames.maxLength", "propertyNames.minLength",
	// "propertyNames.pattern", "additionalProperties.type",
	// "additionalProperties.maxLength", "additionalProperties.minLength" or
	// "additionalProperties.pattern".
	Rule string
	// Limit is the schema's limit for count and length rules, else 0.
	Limit int
	// Actual is the count or the length (in Unicode code points, as JSON
	// Schema counts) that broke the limit, else 0.
	Actual int
	// Reason says in plain words what is wrong, without the key.
	Reason string
}

// Error returns the location, the key quoted with %q, and the reason, e.g.
// `custom header "X-Big": value is 513 characters, at most 512`.
func (e *CustomHeaderError) Error() string {
	var b strings.Builder
	if e.Location != "" {
		b.WriteString(e.Location)
		b.WriteString(": ")
	}
	if e.keyed() {
		fmt.Fprintf(&b, "custom header %q: ", e.Key)
	}
	b.WriteString(e.Reason)
	return b.String()
}

// Is reports whether target is [ErrInvalidCustomHeaders].
func (e *CustomHeaderError) Is(target error) bool { return target == ErrInvalidCustomHeaders }

// keyed reports whether the error is about one key rather than the map.
func (e *CustomHeaderError) keyed() bool {
	return strings.HasPrefix(e.Rule, "propertyNames.") || strings.HasPrefix(e.Rule, "additionalProperties.")
}

// ValidateCustomHeaders checks h against the CustomHeaders schema of the
// bundled spec (its number of entries, and the length and pattern of every
// key and value), exactly as a JSON Schema 2020-12 validator would: lengths
// count Unicode code points and patterns are ECMA-262 regular expressions
// (they run on Go's regexp, through a translation that the generator
// derives construct by construct and checks against an ECMAScript engine).
// The rules are generated from the spec
// (gen.CustomHeadersRules); nil and empty maps are valid.
//
// It returns nil or every violation at once, joined with errors.Join, each a
// [*CustomHeaderError] (in a stable order: the whole map first, then by
// key). errors.Is(err, [ErrInvalidCustomHeaders]) reports whether an error
// came from here. Messages show keys, lengths and limits, never values.
//
// The client runs the same check on every request body that carries custom
// headers, before sending it; use ValidateCustomHeaders for user input, such
// as a settings form.
func ValidateCustomHeaders(h gen.CustomHeaders) error {
	return joinHeaderErrors(defaultHeaderValidator().validateMap("", h))
}

// defaultHeaderValidator holds the spec's rules. It is built on first use,
// and each pattern is compiled on its first match, so importing the package
// compiles nothing.
var defaultHeaderValidator = sync.OnceValue(func() *headerValidator {
	return newHeaderValidator(gen.CustomHeadersRules())
})

// headerValidator enforces one gen.MapRules value.
type headerValidator struct {
	rules         gen.MapRules
	names, values *matcher // nil when the schema has no pattern
}

func newHeaderValidator(rules gen.MapRules) *headerValidator {
	v := &headerValidator{rules: rules}
	if rules.Names.Pattern != "" {
		v.names = newMatcher(rules.Names)
	}
	if rules.Values.Pattern != "" {
		v.values = newMatcher(rules.Values)
	}
	return v
}

// validateMap checks a Go map.
func (v *headerValidator) validateMap(loc string, h map[string]string) []*CustomHeaderError {
	errs := v.checkCount(loc, len(h), nil)
	for key, value := range h {
		errs = v.checkName(loc, key, errs)
		errs = v.checkValue(loc, key, value, errs)
	}
	return errs
}

// validateJSON checks a value decoded from JSON with encoding/json: the
// schema's type keywords apply too.
func (v *headerValidator) validateJSON(loc string, doc any) []*CustomHeaderError {
	m, ok := doc.(map[string]any)
	if !ok {
		if v.rules.Type == "" {
			return nil // JSON Schema: object keywords ignore other types
		}
		return []*CustomHeaderError{{Location: loc, Rule: "type",
			Reason: fmt.Sprintf("custom headers must be a JSON %s, got %s", v.rules.Type, jsonTypeName(doc))}}
	}
	errs := v.checkCount(loc, len(m), nil)
	for key, value := range m {
		errs = v.checkName(loc, key, errs)
		s, isString := value.(string)
		switch {
		case isString:
			errs = v.checkValue(loc, key, s, errs)
		case v.rules.Values.Type != "":
			errs = append(errs, &CustomHeaderError{Location: loc, Key: key, Rule: "additionalProperties.type",
				Reason: fmt.Sprintf("value is %s, not a %s", jsonTypeName(value), v.rules.Values.Type)})
		}
	}
	return errs
}

func (v *headerValidator) checkCount(loc string, n int, errs []*CustomHeaderError) []*CustomHeaderError {
	r := v.rules
	if r.HasMaxProperties && n > r.MaxProperties {
		errs = append(errs, &CustomHeaderError{Location: loc, Rule: "maxProperties", Limit: r.MaxProperties, Actual: n,
			Reason: fmt.Sprintf("%s: at most %d %s allowed", countHeaders(n), r.MaxProperties, isAre(r.MaxProperties))})
	}
	if n < r.MinProperties {
		errs = append(errs, &CustomHeaderError{Location: loc, Rule: "minProperties", Limit: r.MinProperties, Actual: n,
			Reason: fmt.Sprintf("%s: at least %d %s required", countHeaders(n), r.MinProperties, isAre(r.MinProperties))})
	}
	return errs
}

func (v *headerValidator) checkName(loc, key string, errs []*CustomHeaderError) []*CustomHeaderError {
	errs = checkLength(loc, key, "propertyNames", "name", key, v.rules.Names, errs)
	if v.names == nil {
		return errs
	}
	ok, err := v.names.match(key)
	switch {
	case err != nil:
		errs = append(errs, &CustomHeaderError{Location: loc, Key: key, Rule: "propertyNames.pattern",
			Reason: fmt.Sprintf("name could not be checked against the pattern %q: %v", v.names.pattern, err)})
	case !ok:
		for _, reason := range explainName(key, v.rules.NameHints, v.names.pattern) {
			errs = append(errs, &CustomHeaderError{Location: loc, Key: key, Rule: "propertyNames.pattern", Reason: reason})
		}
	}
	return errs
}

func (v *headerValidator) checkValue(loc, key, value string, errs []*CustomHeaderError) []*CustomHeaderError {
	errs = checkLength(loc, key, "additionalProperties", "value", value, v.rules.Values, errs)
	if v.values == nil {
		return errs
	}
	// The reasons never quote the value: it may be a secret.
	ok, err := v.values.match(value)
	switch {
	case err != nil:
		errs = append(errs, &CustomHeaderError{Location: loc, Key: key, Rule: "additionalProperties.pattern",
			Reason: fmt.Sprintf("value could not be checked against the pattern %q: %v", v.values.pattern, err)})
	case !ok:
		errs = append(errs, &CustomHeaderError{Location: loc, Key: key, Rule: "additionalProperties.pattern",
			Reason: fmt.Sprintf("value does not match the pattern %q", v.values.pattern)})
	}
	return errs
}

// checkLength applies maxLength and minLength to s, counted in code points.
// what is "name" or "value"; s itself never reaches the message.
func checkLength(loc, key, keyword, what, s string, r gen.StringRules, errs []*CustomHeaderError) []*CustomHeaderError {
	if !r.HasMaxLength && r.MinLength == 0 {
		return errs
	}
	n := utf8.RuneCountInString(s)
	if r.HasMaxLength && n > r.MaxLength {
		errs = append(errs, &CustomHeaderError{Location: loc, Key: key, Rule: keyword + ".maxLength", Limit: r.MaxLength, Actual: n,
			Reason: fmt.Sprintf("%s is %s, at most %d", what, countChars(n), r.MaxLength)})
	}
	if n < r.MinLength {
		errs = append(errs, &CustomHeaderError{Location: loc, Key: key, Rule: keyword + ".minLength", Limit: r.MinLength, Actual: n,
			Reason: fmt.Sprintf("%s is %s, at least %d", what, countChars(n), r.MinLength)})
	}
	return errs
}

// explainName says why a name that the pattern rejected is wrong, from the
// hints that specgen derived from the pattern. It only explains: the
// pattern alone has decided that the name is invalid.
func explainName(key string, h gen.NameHints, pattern string) []string {
	var reasons []string
	rest, hasPrefix := cutPrefixFold(key, h.Prefix, h.PrefixFold)
	if h.Prefix != "" && !hasPrefix {
		anyCase := ""
		if h.PrefixFold {
			anyCase = " (in any case)"
		}
		reasons = append(reasons, fmt.Sprintf("the name must start with %q%s", h.Prefix, anyCase))
		rest = key
	}
	if h.Reserved != "" && hasPrefix {
		if _, reserved := cutPrefixFold(rest, h.Reserved, h.ReservedFold); reserved {
			reasons = append(reasons, fmt.Sprintf("the %s prefix is reserved", h.Prefix+h.Reserved))
		}
	}
	var bad []rune
	for _, r := range rest {
		if strings.ContainsRune(h.Forbidden, r) && !strings.ContainsRune(h.Prefix, r) && !containsRune(bad, r) {
			bad = append(bad, r)
		}
	}
	if len(bad) > 0 {
		reasons = append(reasons, forbiddenReason(bad))
	}
	if len(reasons) == 0 {
		reasons = append(reasons, fmt.Sprintf("name does not match the pattern %q", pattern))
	}
	return reasons
}

func forbiddenReason(bad []rune) string {
	quoted := make([]string, len(bad))
	for i, r := range bad {
		quoted[i] = fmt.Sprintf("%q", r)
	}
	if len(quoted) == 1 {
		return fmt.Sprintf("character %s is not allowed in a header name", quoted[0])
	}
	return fmt.Sprintf("characters %s and %s are not allowed in a header name",
		strings.Join(quoted[:len(quoted)-1], ", "), quoted[len(quoted)-1])
}

// cutPrefixFold is strings.CutPrefix, ASCII case-insensitive when fold is
// set (as a pattern's [Xx] classes are).
func cutPrefixFold(s, prefix string, fold bool) (string, bool) {
	if len(s) < len(prefix) {
		return s, false
	}
	for i := 0; i < len(prefix); i++ {
		a, b := s[i], prefix[i]
		if a == b || (fold && isASCIILetter(a) && a|0x20 == b|0x20) {
			continue
		}
		return s, false
	}
	return s[len(prefix):], true
}

func isASCIILetter(c byte) bool { return (c|0x20) >= 'a' && (c|0x20) <= 'z' }

func containsRune(rs []rune, r rune) bool {
	for _, x := range rs {
		if x == r {
			return true
		}
	}
	return false
}

func countHeaders(n int) string {
	if n == 1 {
		return "1 custom header"
	}
	return fmt.Sprintf("%d custom headers", n)
}

func countChars(n int) string {
	if n == 1 {
		return "1 character"
	}
	return fmt.Sprintf("%d characters", n)
}

func isAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

// jsonTypeName names the JSON type of a value decoded by encoding/json.
func jsonTypeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case float64:
		return "a number"
	case string:
		return "a string"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

// joinHeaderErrors sorts the violations (the whole map first, then by key,
// then in the order found) and joins them; nil when there are none.
func joinHeaderErrors(errs []*CustomHeaderError) error {
	if len(errs) == 0 {
		return nil
	}
	sortHeaderErrors(errs)
	out := make([]error, len(errs))
	for i, e := range errs {
		out[i] = e
	}
	return errors.Join(out...)
}

func sortHeaderErrors(errs []*CustomHeaderError) {
	sort.SliceStable(errs, func(i, j int) bool {
		a, b := errs[i], errs[j]
		if a.Location != b.Location {
			return a.Location < b.Location
		}
		if a.keyed() != b.keyed() {
			return !a.keyed()
		}
		return a.Key < b.Key
	})
}

// matcher evaluates one ECMA-262 pattern of the spec through the
// translation into Go's regexp (RE2) that specgen generated next to it (see
// gen.StringRules): a string matches when it matches every MustMatch
// expression and no MustNotMatch expression. specgen checked the
// translation against an ECMAScript engine at generation time. RE2 runs in
// time linear in the input, so no match needs a timeout. The expressions
// are compiled on first use.
type matcher struct {
	pattern string // the spec's ECMA-262 text, for messages
	compile func() (*compiledPattern, error)
}

// compiledPattern is the compiled translation of one pattern.
type compiledPattern struct {
	must, mustNot []*regexp.Regexp
}

func newMatcher(r gen.StringRules) *matcher {
	return &matcher{pattern: r.Pattern, compile: sync.OnceValues(func() (*compiledPattern, error) {
		return compilePattern(r)
	})}
}

// match reports whether s matches the pattern. An error means that s could
// not be checked: the translation is missing or does not compile.
func (m *matcher) match(s string) (bool, error) {
	p, err := m.compile()
	if err != nil {
		return false, err
	}
	for _, re := range p.must {
		if !re.MatchString(s) {
			return false, nil
		}
	}
	for _, re := range p.mustNot {
		if re.MatchString(s) {
			return false, nil
		}
	}
	return true, nil
}

func compilePattern(r gen.StringRules) (*compiledPattern, error) {
	if len(r.MustMatch) == 0 {
		// Every translation has one: the pattern without its lookaheads.
		return nil, errors.New("the pattern has no RE2 translation in the generated rules (run make generate)")
	}
	p := &compiledPattern{}
	for _, list := range []struct {
		exprs []string
		out   *[]*regexp.Regexp
	}{{r.MustMatch, &p.must}, {r.MustNotMatch, &p.mustNot}} {
		for _, expr := range list.exprs {
			re, err := regexp.Compile(expr)
			if err != nil {
				return nil, fmt.Errorf("its generated RE2 translation does not compile: %w", err)
			}
			*list.out = append(*list.out, re)
		}
	}
	return p, nil
}
