package apispec

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/mail"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Violation is one way a value breaks a schema.
type Violation struct {
	// Location is where the value sits: "" for the value itself, then
	// property names joined by "." and array indexes in brackets, such as
	// "items[0].url".
	Location string
	// Keyword is the JSON Schema keyword broken: "type", "enum",
	// "maxLength", "required", "pattern", ...
	Keyword string
	// Message says what is wrong, in plain words.
	Message string
}

// Error returns the location and the message.
func (v Violation) Error() string {
	if v.Location == "" {
		return v.Message
	}
	return v.Location + ": " + v.Message
}

// Validator checks values decoded from JSON against schemas. Its zero
// value checks against the generated Schemas and Patterns and applies every
// keyword. It is safe for concurrent use.
type Validator struct {
	// HeaderRules checks the values of the CustomHeaders schema with the
	// custom-header rules (CheckHeaders) instead of the plain keywords: the
	// fake server refuses what the client refuses, in the same words.
	HeaderRules bool
	// Deliverable adds the HTTP rule to the custom-header rules: a name
	// must be an RFC 9110 token, a value a valid field value.
	Deliverable bool
	// Schemas and Patterns replace the generated tables when not nil
	// (tests build their own).
	Schemas  []Schema
	Patterns []Pattern
	// Request checks a request body: a required property that is
	// ReadOnly may be absent, since the server sets it.
	Request bool
}

// schema returns the schema of index i.
func (val Validator) schema(i int) *Schema {
	if val.Schemas != nil {
		return &val.Schemas[i]
	}
	return &Schemas[i]
}

// readOnly reports whether schema i exists and is ReadOnly.
func (val Validator) readOnly(i int) bool {
	return i >= 0 && i < val.numSchemas() && val.schema(i).ReadOnly
}

// numSchemas returns the number of schemas.
func (val Validator) numSchemas() int {
	if val.Schemas != nil {
		return len(val.Schemas)
	}
	return len(Schemas)
}

// pattern returns the pattern of index i.
func (val Validator) pattern(i int) *Pattern {
	if val.Patterns != nil {
		return &val.Patterns[i]
	}
	return &Patterns[i]
}

// match reports whether s matches the pattern of index i.
func (val Validator) match(i int, s string) (bool, error) {
	c, err := val.compiled(i)
	if err != nil {
		return false, err
	}
	return c.matches(s), nil
}

// compiled returns the pattern of index i compiled, the generated tables'
// once per process.
func (val Validator) compiled(i int) (*compiledPattern, error) {
	if val.Patterns != nil {
		return compilePattern(&val.Patterns[i])
	}
	c := &patterns[i]
	c.once.Do(func() { c.p, c.err = compilePattern(&Patterns[i]) })
	return c.p, c.err
}

// maxDepth bounds the nesting a value may have before the validator stops
// descending; it protects against adversarial bodies.
const maxDepth = 64

// Validate checks v, a value decoded by encoding/json with UseNumber (so
// numbers are json.Number), against the schema of index schema, and returns
// every violation found, sorted by location. loc is the location of v.
func (val Validator) Validate(schema int, v any, loc string) []Violation {
	var out []Violation
	val.check(schema, v, loc, 0, &out)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Location < out[j].Location })
	return out
}

func add(out *[]Violation, loc, keyword, format string, args ...any) {
	*out = append(*out, Violation{Location: loc, Keyword: keyword, Message: fmt.Sprintf(format, args...)})
}

func (val Validator) check(idx int, v any, loc string, depth int, out *[]Violation) {
	if idx < 0 || idx >= val.numSchemas() {
		return
	}
	if depth > maxDepth {
		add(out, loc, "depth", "Nested deeper than %d levels.", maxDepth)
		return
	}
	if val.HeaderRules && idx == CustomHeaders {
		hs := val.CheckHeaders(loc, v, nil)
		SortHeaderViolations(hs)
		for _, h := range hs {
			*out = append(*out, h.Violation())
		}
		return
	}
	s := val.schema(idx)
	if !typeMatches(s.Types, v) {
		if v == nil {
			add(out, loc, "type", "Field may not be null.")
		} else {
			add(out, loc, "type", "Not a valid %s: got %s.", strings.Join(s.Types.Names(), " or "), JSONType(v))
		}
		return
	}
	if len(s.Enum) > 0 && !inEnum(s.Enum, v) {
		add(out, loc, "enum", "Must be one of: %s; got %s.", strings.Join(s.Enum, ", "), shortJSON(v))
	}
	switch t := v.(type) {
	case string:
		val.checkString(s, t, loc, out)
	case json.Number:
		checkNumber(s, t, loc, out)
	case []any:
		val.checkArray(s, t, loc, depth, out)
	case map[string]any:
		val.checkObject(s, t, loc, depth, out)
	}
	for _, sub := range s.AllOf {
		val.check(sub, v, loc, depth+1, out)
	}
	if len(s.AnyOf) > 0 || len(s.OneOf) > 0 {
		val.checkBranches(s, v, loc, depth, out)
	}
}

// typeMatches reports whether v has one of the types t (any when t is 0).
func typeMatches(t Type, v any) bool {
	if t == 0 {
		return true
	}
	switch x := v.(type) {
	case nil:
		return t&TypeNull != 0
	case bool:
		return t&TypeBoolean != 0
	case string:
		return t&TypeString != 0
	case json.Number:
		if t&TypeNumber != 0 {
			return true
		}
		return t&TypeInteger != 0 && isInteger(x)
	case float64:
		if t&TypeNumber != 0 {
			return true
		}
		return t&TypeInteger != 0 && x == math.Trunc(x)
	case []any:
		return t&TypeArray != 0
	case map[string]any:
		return t&TypeObject != 0
	}
	return false
}

// isInteger reports whether n is an integral number (1.0 is, as in JSON
// Schema).
func isInteger(n json.Number) bool {
	if _, err := strconv.ParseInt(string(n), 10, 64); err == nil {
		return true
	}
	f, err := strconv.ParseFloat(string(n), 64)
	return err == nil && f == math.Trunc(f) && !math.IsInf(f, 0)
}

// JSONType names the JSON type of a value decoded by encoding/json ("a
// string", "an object", "null"; numbers as float64 or json.Number), for
// messages.
func JSONType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case string:
		return "a string"
	case json.Number, float64:
		return "a number"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

// shortJSON renders v for a message, cut to a readable length.
func shortJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%v", v)
	}
	const max = 80
	if len(b) > max {
		cut := max
		for cut > 0 && !utf8.RuneStart(b[cut]) {
			cut--
		}
		return string(b[:cut]) + "…"
	}
	return string(b)
}

// inEnum reports whether v equals one of the enum's JSON texts.
func inEnum(enum []string, v any) bool {
	if s, ok := v.(string); ok {
		for _, e := range enum {
			if jsonStringEquals(e, s) {
				return true
			}
		}
		return false
	}
	b, err := json.Marshal(v)
	if err != nil {
		return false
	}
	for _, e := range enum {
		if jsonEqual([]byte(e), b) {
			return true
		}
	}
	return false
}

// jsonStringEquals reports whether the JSON text e is the string s,
// without allocating in the common case of a string with no escapes.
func jsonStringEquals(e, s string) bool {
	if len(e) < 2 || e[0] != '"' {
		return false
	}
	inner := e[1 : len(e)-1]
	if !strings.ContainsRune(inner, '\\') {
		return inner == s
	}
	var d string
	return json.Unmarshal([]byte(e), &d) == nil && d == s
}

// jsonEqual compares two JSON texts by value.
func jsonEqual(a, b []byte) bool {
	if bytes.Equal(a, b) {
		return true
	}
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return valueEqual(x, y)
}

func valueEqual(x, y any) bool {
	switch a := x.(type) {
	case []any:
		b, ok := y.([]any)
		if !ok || len(a) != len(b) {
			return false
		}
		for i := range a {
			if !valueEqual(a[i], b[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		b, ok := y.(map[string]any)
		if !ok || len(a) != len(b) {
			return false
		}
		for k, av := range a {
			bv, ok := b[k]
			if !ok || !valueEqual(av, bv) {
				return false
			}
		}
		return true
	case float64:
		b, ok := y.(float64)
		return ok && a == b
	case json.Number:
		switch b := y.(type) {
		case json.Number:
			fa, _ := a.Float64()
			fb, _ := b.Float64()
			return fa == fb
		case float64:
			fa, _ := a.Float64()
			return fa == b
		}
		return false
	}
	return x == y
}

func (val Validator) checkString(s *Schema, str, loc string, out *[]Violation) {
	if s.MinLength > 0 || s.MaxLength != Unset {
		n := utf8.RuneCountInString(str)
		if n < s.MinLength {
			add(out, loc, "minLength", "Must be at least %d characters, got %d.", s.MinLength, n)
		}
		if s.MaxLength != Unset && n > s.MaxLength {
			add(out, loc, "maxLength", "Must be at most %d characters, got %d.", s.MaxLength, n)
		}
	}
	if s.Pattern >= 0 {
		ok, err := val.match(s.Pattern, str)
		switch {
		case err != nil:
			add(out, loc, "pattern", "Could not be checked against the pattern %q: %v.", val.pattern(s.Pattern).Source, err)
		case !ok:
			add(out, loc, "pattern", "Does not match the pattern %q.", val.pattern(s.Pattern).Source)
		}
	}
	if s.Format != "" {
		if msg := checkFormat(s.Format, str); msg != "" {
			add(out, loc, "format", "%s", msg)
		}
	}
}

// checkFormat returns why str is not of the format, or "".
func checkFormat(format, str string) string {
	switch format {
	case "date-time":
		if _, err := time.Parse(time.RFC3339Nano, str); err != nil {
			return fmt.Sprintf("Not a valid date-time (RFC 3339, such as 2024-11-27T16:10:44Z): %q.", str)
		}
	case "date":
		if _, err := time.Parse(time.DateOnly, str); err != nil {
			return fmt.Sprintf("Not a valid date (YYYY-MM-DD): %q.", str)
		}
	case "email":
		if a, err := mail.ParseAddress(str); err != nil || a.Address != str {
			return fmt.Sprintf("Not a valid email address: %q.", str)
		}
	case "uri":
		if u, err := url.Parse(str); err != nil || !u.IsAbs() {
			return fmt.Sprintf("Not a valid absolute URI: %q.", str)
		}
	case "uuid":
		if !isUUID(str) {
			return fmt.Sprintf("Not a valid UUID (such as 3fa85f64-5717-4562-b3fc-2c963f66afa6): %q.", str)
		}
	}
	return ""
}

// isUUID reports whether s is a UUID in its text form: 32 hexadecimal
// digits in groups of 8, 4, 4, 4 and 12, separated by hyphens.
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := range len(s) {
		switch c := s[i]; {
		case i == 8 || i == 13 || i == 18 || i == 23:
			if c != '-' {
				return false
			}
		case !strings.ContainsRune("0123456789abcdefABCDEF", rune(c)):
			return false
		}
	}
	return true
}

// checkFormatNumber returns why n is out of an integer format's range, or "".
func checkFormatNumber(format string, n json.Number) string {
	var bits int
	switch format {
	case "int32":
		bits = 32
	case "int64":
		bits = 64
	default:
		return ""
	}
	if _, err := strconv.ParseInt(string(n), 10, bits); err != nil {
		return fmt.Sprintf("Not a valid %s: %s.", format, string(n))
	}
	return ""
}

func checkNumber(s *Schema, n json.Number, loc string, out *[]Violation) {
	f, err := n.Float64()
	if err != nil {
		add(out, loc, "type", "Not a valid number: %s.", string(n))
		return
	}
	if msg := rangeMessage(s, f); msg != "" {
		add(out, loc, rangeKeyword(s, f), "%s", msg)
	}
	if s.MultipleOf != 0 {
		if q := f / s.MultipleOf; q != math.Trunc(q) {
			add(out, loc, "multipleOf", "Must be a multiple of %s, got %s.", num(s.MultipleOf), string(n))
		}
	}
	if s.Format != "" {
		if msg := checkFormatNumber(s.Format, n); msg != "" {
			add(out, loc, "format", "%s", msg)
		}
	}
}

// rangeMessage returns the message for f outside the schema's bounds, or "".
func rangeMessage(s *Schema, f float64) string {
	low := s.HasMinimum && (f < s.Minimum || s.ExclusiveMinimum && f == s.Minimum)
	high := s.HasMaximum && (f > s.Maximum || s.ExclusiveMaximum && f == s.Maximum)
	if !low && !high {
		return ""
	}
	bound := func(has, excl bool, v float64, incl, exclWord string) string {
		if excl {
			return exclWord + " " + num(v)
		}
		return incl + " " + num(v)
	}
	switch {
	case s.HasMinimum && s.HasMaximum:
		return fmt.Sprintf("Must be %s and %s, got %s.",
			bound(true, s.ExclusiveMinimum, s.Minimum, "greater than or equal to", "greater than"),
			bound(true, s.ExclusiveMaximum, s.Maximum, "less than or equal to", "less than"), num(f))
	case low:
		return fmt.Sprintf("Must be %s, got %s.", bound(true, s.ExclusiveMinimum, s.Minimum, "greater than or equal to", "greater than"), num(f))
	default:
		return fmt.Sprintf("Must be %s, got %s.", bound(true, s.ExclusiveMaximum, s.Maximum, "less than or equal to", "less than"), num(f))
	}
}

func rangeKeyword(s *Schema, f float64) string {
	switch {
	case s.HasMinimum && f < s.Minimum:
		return "minimum"
	case s.HasMinimum && s.ExclusiveMinimum && f == s.Minimum:
		return "exclusiveMinimum"
	case s.HasMaximum && s.ExclusiveMaximum && f == s.Maximum:
		return "exclusiveMaximum"
	}
	return "maximum"
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func (val Validator) checkArray(s *Schema, arr []any, loc string, depth int, out *[]Violation) {
	if len(arr) < s.MinItems {
		add(out, loc, "minItems", "Must have at least %d items, got %d.", s.MinItems, len(arr))
	}
	if s.MaxItems != Unset && len(arr) > s.MaxItems {
		add(out, loc, "maxItems", "Must have at most %d items, got %d.", s.MaxItems, len(arr))
	}
	if s.UniqueItems {
		seen := make([]string, 0, len(arr))
		for i, el := range arr {
			b, _ := json.Marshal(el)
			if slices.Contains(seen, string(b)) {
				add(out, loc, "uniqueItems", "Item %d repeats an earlier item.", i)
				break
			}
			seen = append(seen, string(b))
		}
	}
	if s.Items >= 0 {
		for i, el := range arr {
			val.check(s.Items, el, loc+"["+strconv.Itoa(i)+"]", depth+1, out)
		}
	}
}

func (val Validator) checkObject(s *Schema, obj map[string]any, loc string, depth int, out *[]Violation) {
	for _, name := range s.Required {
		if _, ok := obj[name]; !ok && !(val.Request && val.readOnly(s.Property(name))) {
			add(out, join(loc, name), "required", "Missing data for required field.")
		}
	}
	if len(obj) < s.MinProperties {
		add(out, loc, "minProperties", "Must have at least %d properties, got %d.", s.MinProperties, len(obj))
	}
	if s.MaxProperties != Unset && len(obj) > s.MaxProperties {
		add(out, loc, "maxProperties", "Must have at most %d properties, got %d.", s.MaxProperties, len(obj))
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if s.PropertyNames >= 0 {
			for _, vi := range val.Validate(s.PropertyNames, k, "") {
				add(out, join(loc, k), "propertyNames", "Invalid property name: %s", vi.Message)
			}
		}
		if p := s.Property(k); p != NoSchema {
			val.check(p, obj[k], join(loc, k), depth+1, out)
			continue
		}
		switch s.AdditionalProperties {
		case AnyProperties:
		case NoProperties:
			add(out, join(loc, k), "additionalProperties", "Unknown field.")
		default:
			val.check(s.AdditionalProperties, obj[k], join(loc, k), depth+1, out)
		}
	}
}

// checkBranches applies oneOf and anyOf; a discriminator selects the one
// branch to check.
func (val Validator) checkBranches(s *Schema, v any, loc string, depth int, out *[]Violation) {
	// A discriminator only reads objects; any other value goes through
	// oneOf and anyOf as they are (a schema with a discriminator need not
	// say type: object itself).
	if obj, isObject := v.(map[string]any); s.Discriminator != "" && isObject {
		d, ok := obj[s.Discriminator].(string)
		if !ok {
			add(out, join(loc, s.Discriminator), "discriminator", "Missing data for required field: it selects the kind of object.")
			return
		}
		for _, m := range s.Mapping {
			if m.Value == d {
				val.check(m.Schema, v, loc, depth+1, out)
				return
			}
		}
		values := make([]string, len(s.Mapping))
		for i, m := range s.Mapping {
			values[i] = strconv.Quote(m.Value)
		}
		add(out, join(loc, s.Discriminator), "discriminator", "Must be one of: %s; got %q.", strings.Join(values, ", "), d)
		return
	}
	if len(s.OneOf) > 0 {
		matched, first := val.countMatches(s.OneOf, v, loc, depth)
		switch {
		case matched == 0:
			add(out, loc, "oneOf", "Matches none of the %d allowed shapes; the first one says: %s", len(s.OneOf), first)
		case matched > 1:
			add(out, loc, "oneOf", "Matches %d of the allowed shapes, but must match exactly one.", matched)
		}
	}
	if len(s.AnyOf) > 0 {
		if matched, first := val.countMatches(s.AnyOf, v, loc, depth); matched == 0 {
			add(out, loc, "anyOf", "Matches none of the %d allowed shapes; the first one says: %s", len(s.AnyOf), first)
		}
	}
}

// countMatches returns how many of the schemas v is valid against, and the
// first violation of the first schema.
func (val Validator) countMatches(schemas []int, v any, loc string, depth int) (int, string) {
	n := 0
	first := ""
	for i, sub := range schemas {
		var vs []Violation
		val.check(sub, v, loc, depth+1, &vs)
		if len(vs) == 0 {
			n++
		} else if i == 0 {
			first = vs[0].Error()
		}
	}
	return n, first
}

func join(loc, name string) string {
	if loc == "" {
		return name
	}
	return loc + "." + name
}

// compiledPattern is the compiled translation of one pattern, or the
// matcher of its exact hints.
type compiledPattern struct {
	must, mustNot []*regexp.Regexp
	hints         *hintMatcher
}

// patterns holds the compiled patterns, each compiled on first use so that
// importing the package compiles nothing.
var patterns [len(Patterns)]struct {
	once sync.Once
	p    *compiledPattern
	err  error
}

// MatchPattern reports whether s matches the pattern of index i. An error
// means the generated translation does not compile (regenerate).
func MatchPattern(i int, s string) (bool, error) { return Validator{}.match(i, s) }

// matches reports whether s matches every expression of must and none of
// mustNot, or the exact hints.
func (c *compiledPattern) matches(s string) bool {
	if c.hints != nil {
		return c.hints.reasons(s) == nil
	}
	for _, re := range c.must {
		if !re.MatchString(s) {
			return false
		}
	}
	for _, re := range c.mustNot {
		if re.MatchString(s) {
			return false
		}
	}
	return true
}

func compilePattern(p *Pattern) (*compiledPattern, error) {
	if p.Hints.Exact {
		return &compiledPattern{hints: newHintMatcher(p.Hints)}, nil
	}
	if len(p.MustMatch) == 0 {
		return nil, fmt.Errorf("the pattern %q has no RE2 translation in the generated tables (run make generate)", p.Source)
	}
	c := &compiledPattern{}
	for _, expr := range p.MustMatch {
		re, err := regexp.Compile(expr)
		if err != nil {
			return nil, fmt.Errorf("the RE2 translation of %q does not compile: %w", p.Source, err)
		}
		c.must = append(c.must, re)
	}
	for _, expr := range p.MustNotMatch {
		re, err := regexp.Compile(expr)
		if err != nil {
			return nil, fmt.Errorf("the RE2 translation of %q does not compile: %w", p.Source, err)
		}
		c.mustNot = append(c.mustNot, re)
	}
	return c, nil
}
