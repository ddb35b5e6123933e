package apispec

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// The custom-header rules: the keywords of the CustomHeaders schema, in
// words that name the key and never print a value (values carry secrets),
// and the HTTP rule. The client checks its request bodies with them
// (partoo.CustomHeaderError has the fields of HeaderViolation) and the fake
// server its requests' (Validator.HeaderRules), so both refuse the same
// headers with the same violations.

// HeaderViolation is one violation of the custom-header rules. It names
// the key but never holds a value.
type HeaderViolation struct {
	// Location is where the headers sit in a request body, such as
	// "items[0].custom_headers".
	Location string
	// Key is the header name at fault, or "" for the headers as a whole.
	Key string
	// Rule is the keyword broken, as a path in the CustomHeaders schema
	// ("maxProperties", "propertyNames.pattern"...), or "http.token" or
	// "http.field-value" for the HTTP rule.
	Rule string
	// Limit is the schema's limit for count and length rules, else 0.
	Limit int
	// Actual is the count or the length, in code points, that broke the
	// limit, else 0.
	Actual int
	// Reason says in plain words what is wrong, without the value.
	Reason string
}

// Keyed reports whether v is about one key rather than the headers as a
// whole.
func (v HeaderViolation) Keyed() bool {
	return strings.HasPrefix(v.Rule, "propertyNames.") || strings.HasPrefix(v.Rule, "additionalProperties.") || v.Undeliverable()
}

// Undeliverable reports whether v breaks the HTTP rule: the schema allows
// the header, but HTTP cannot carry it.
func (v HeaderViolation) Undeliverable() bool { return strings.HasPrefix(v.Rule, "http.") }

// Violation returns v as a Violation of the keyword Rule, whose message is
// the key quoted with %q and the reason, such as
// `custom header "X-Big": value is 513 characters, at most 512`.
func (v HeaderViolation) Violation() Violation {
	msg := v.Reason
	if v.Keyed() {
		msg = fmt.Sprintf("custom header %q: %s", v.Key, v.Reason)
	}
	return Violation{Location: v.Location, Keyword: v.Rule, Message: msg}
}

// SortHeaderViolations sorts vs in the order they are reported: by
// location, the whole headers first, then by key, then as found.
func SortHeaderViolations(vs []HeaderViolation) {
	slices.SortStableFunc(vs, func(a, b HeaderViolation) int {
		if c := strings.Compare(a.Location, b.Location); c != 0 {
			return c
		}
		if ak, bk := a.Keyed(), b.Keyed(); ak != bk {
			if ak {
				return 1
			}
			return -1
		}
		return strings.Compare(a.Key, b.Key)
	})
}

// headerSchema returns the CustomHeaders schema of the tables, or nil when
// the spec has none.
func (val Validator) headerSchema() *Schema {
	if CustomHeaders < 0 || CustomHeaders >= val.numSchemas() {
		return nil
	}
	return val.schema(CustomHeaders)
}

// CheckHeaders appends to out the violations of the custom-header rules by
// doc, a value decoded from JSON found at loc, and returns out: the
// CustomHeaders schema's keywords, type included, and the HTTP rule when
// val.Deliverable is set. Lengths count code points, as JSON Schema does.
func (val Validator) CheckHeaders(loc string, doc any, out []HeaderViolation) []HeaderViolation {
	s := val.headerSchema()
	m, ok := doc.(map[string]any)
	if !ok {
		if s == nil || s.Types&TypeObject == 0 {
			return out // JSON Schema: object keywords ignore other types
		}
		return append(out, HeaderViolation{Location: loc, Rule: "type",
			Reason: fmt.Sprintf("custom headers must be a JSON object, got %s", JSONType(doc))})
	}
	out = checkCount(s, loc, len(m), out)
	for key, value := range m {
		out = val.checkName(s, loc, key, out)
		str, isString := value.(string)
		switch {
		case isString:
			out = val.checkValue(s, loc, key, str, out)
		case s != nil && s.AdditionalProperties >= 0 && val.schema(s.AdditionalProperties).Types&TypeString != 0:
			out = append(out, HeaderViolation{Location: loc, Key: key, Rule: "additionalProperties.type",
				Reason: fmt.Sprintf("value is %s, not a string", JSONType(value))})
		}
		if val.Deliverable {
			out = checkToken(loc, key, out)
			if isString {
				out = checkFieldValue(loc, key, str, out)
			}
		}
	}
	return out
}

// CheckHeaderMap is CheckHeaders for a Go map, whose values are strings.
// It allocates nothing for valid headers.
func (val Validator) CheckHeaderMap(loc string, h map[string]string, out []HeaderViolation) []HeaderViolation {
	s := val.headerSchema()
	out = checkCount(s, loc, len(h), out)
	for key, value := range h {
		out = val.checkName(s, loc, key, out)
		out = val.checkValue(s, loc, key, value, out)
		if val.Deliverable {
			out = checkToken(loc, key, out)
			out = checkFieldValue(loc, key, value, out)
		}
	}
	return out
}

// CheckDeliverable appends to out the violations of the HTTP rule alone by
// h, found at loc: a name must be an RFC 9110 token, a value a valid field
// value.
func CheckDeliverable(loc string, h map[string]string, out []HeaderViolation) []HeaderViolation {
	for key, value := range h {
		out = checkToken(loc, key, out)
		out = checkFieldValue(loc, key, value, out)
	}
	return out
}

func checkCount(s *Schema, loc string, n int, out []HeaderViolation) []HeaderViolation {
	if s == nil {
		return out
	}
	if s.MaxProperties != Unset && n > s.MaxProperties {
		out = append(out, HeaderViolation{Location: loc, Rule: "maxProperties", Limit: s.MaxProperties, Actual: n,
			Reason: fmt.Sprintf("%s: at most %d %s allowed", countHeaders(n), s.MaxProperties, isAre(s.MaxProperties))})
	}
	if n < s.MinProperties {
		out = append(out, HeaderViolation{Location: loc, Rule: "minProperties", Limit: s.MinProperties, Actual: n,
			Reason: fmt.Sprintf("%s: at least %d %s required", countHeaders(n), s.MinProperties, isAre(s.MinProperties))})
	}
	return out
}

func (val Validator) checkName(s *Schema, loc, key string, out []HeaderViolation) []HeaderViolation {
	if s == nil || s.PropertyNames < 0 {
		return out
	}
	names := val.schema(s.PropertyNames)
	out = checkLength(names, loc, key, "propertyNames", "name", key, out)
	if names.Pattern < 0 {
		return out
	}
	c, err := val.compiled(names.Pattern)
	var reasons []string
	switch {
	case err != nil:
		reasons = []string{fmt.Sprintf("name could not be checked against the pattern %q: %v", val.pattern(names.Pattern).Source, err)}
	case c.hints != nil: // exact: the hints' reasons are the verdict
		reasons = c.hints.reasons(key)
	case !c.matches(key):
		reasons = []string{fmt.Sprintf("name does not match the pattern %q", val.pattern(names.Pattern).Source)}
	}
	for _, reason := range reasons {
		out = append(out, HeaderViolation{Location: loc, Key: key, Rule: "propertyNames.pattern", Reason: reason})
	}
	return out
}

func (val Validator) checkValue(s *Schema, loc, key, value string, out []HeaderViolation) []HeaderViolation {
	if s == nil || s.AdditionalProperties < 0 {
		return out
	}
	values := val.schema(s.AdditionalProperties)
	out = checkLength(values, loc, key, "additionalProperties", "value", value, out)
	if values.Pattern < 0 {
		return out
	}
	// The reasons never quote the value: it may be a secret.
	ok, err := val.match(values.Pattern, value)
	switch {
	case err != nil:
		out = append(out, HeaderViolation{Location: loc, Key: key, Rule: "additionalProperties.pattern",
			Reason: fmt.Sprintf("value could not be checked against the pattern %q: %v", val.pattern(values.Pattern).Source, err)})
	case !ok:
		out = append(out, HeaderViolation{Location: loc, Key: key, Rule: "additionalProperties.pattern",
			Reason: fmt.Sprintf("value does not match the pattern %q", val.pattern(values.Pattern).Source)})
	}
	return out
}

// checkLength applies the maxLength and minLength of s to str, counted in
// code points. what is "name" or "value"; str never reaches the message.
func checkLength(s *Schema, loc, key, keyword, what, str string, out []HeaderViolation) []HeaderViolation {
	// A string of b bytes holds between ceil(b/4) and b characters (an
	// invalid byte counts as one): count them only when these bounds do
	// not settle both limits.
	if (s.MaxLength == Unset || len(str) <= s.MaxLength) && (len(str)+3)/4 >= s.MinLength {
		return out
	}
	n := utf8.RuneCountInString(str)
	if s.MaxLength != Unset && n > s.MaxLength {
		out = append(out, HeaderViolation{Location: loc, Key: key, Rule: keyword + ".maxLength", Limit: s.MaxLength, Actual: n,
			Reason: fmt.Sprintf("%s is %s, at most %d", what, countChars(n), s.MaxLength)})
	}
	if n < s.MinLength {
		out = append(out, HeaderViolation{Location: loc, Key: key, Rule: keyword + ".minLength", Limit: s.MinLength, Actual: n,
			Reason: fmt.Sprintf("%s is %s, at least %d", what, countChars(n), s.MinLength)})
	}
	return out
}

// checkToken applies the HTTP rule to a name: it must be an RFC 9110
// token.
func checkToken(loc, key string, out []HeaderViolation) []HeaderViolation {
	if ValidHeaderName(key) {
		return out
	}
	return append(out, HeaderViolation{Location: loc, Key: key, Rule: "http.token",
		Reason: "the name is not an HTTP token (RFC 9110: letters, digits and !#$%&'*+-.^_`|~ only), so it could never be sent as a header"})
}

// checkFieldValue applies the HTTP rule to a value: no control character
// but a horizontal tab.
func checkFieldValue(loc, key, value string, out []HeaderViolation) []HeaderViolation {
	if ValidHeaderValue(value) {
		return out
	}
	return append(out, HeaderViolation{Location: loc, Key: key, Rule: "http.field-value",
		Reason: "the value has a control character (CR, LF, NUL or another, except a tab), so it could never be sent as a header"})
}

// ValidHeaderName reports whether s is an RFC 9110 token, as a header
// name or a method must be.
func ValidHeaderName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// ValidHeaderValue reports whether s is a valid RFC 9110 field value: no
// control character but a horizontal tab.
func ValidHeaderValue(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 0x20 && c != '\t') || c == 0x7f {
			return false
		}
	}
	return true
}

// hintMatcher applies NameHints, with the forbidden ASCII characters in a
// bit set.
type hintMatcher struct {
	NameHints
	forbidden [4]uint64 // bit c set: ASCII character c is forbidden
	wide      bool      // Forbidden has characters beyond ASCII
}

func newHintMatcher(h NameHints) *hintMatcher {
	m := &hintMatcher{NameHints: h}
	for _, r := range h.Forbidden {
		if r < utf8.RuneSelf {
			m.forbidden[r>>6] |= 1 << (r & 63)
		} else {
			m.wide = true
		}
	}
	return m
}

// reasons is the one statement of the hints: it says why s breaks them,
// nil when it breaks none, which is the matcher's verdict. It allocates
// only for a name it refuses. A name without the prefix is searched whole
// for forbidden characters, but for those of the prefix itself: when "-"
// is forbidden after "X-", "Y-a" is only told that it lacks the prefix.
func (m *hintMatcher) reasons(s string) []string {
	var out []string
	rest, hasPrefix := cutPrefixFold(s, m.Prefix, m.PrefixFold)
	spare := ""
	switch {
	case !hasPrefix:
		anyCase := ""
		if m.PrefixFold {
			anyCase = " (in any case)"
		}
		out = append(out, fmt.Sprintf("the name must start with %q%s", m.Prefix, anyCase))
		spare = m.Prefix
	case m.Reserved != "":
		if _, reserved := cutPrefixFold(rest, m.Reserved, m.ReservedFold); reserved {
			out = append(out, fmt.Sprintf("the %s prefix is reserved", m.Prefix+m.Reserved))
		}
	}
	if !m.mayForbid(rest) {
		return out
	}
	var bad []rune
	for _, r := range rest {
		if m.forbids(r) && !strings.ContainsRune(spare, r) && !slices.Contains(bad, r) {
			bad = append(bad, r)
		}
	}
	if len(bad) > 0 {
		out = append(out, forbiddenReason(bad))
	}
	return out
}

// mayForbid reports whether s may hold a forbidden character: a loop over
// its bytes, the fast path of a valid name, true for a forbidden ASCII
// character or, when some are forbidden, any other one.
func (m *hintMatcher) mayForbid(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf && m.wide || c < utf8.RuneSelf && m.forbidden[c>>6]&(1<<(c&63)) != 0 {
			return true
		}
	}
	return false
}

// forbids reports whether r is a forbidden character.
func (m *hintMatcher) forbids(r rune) bool {
	if r < utf8.RuneSelf {
		return m.forbidden[r>>6]&(1<<(r&63)) != 0
	}
	return m.wide && strings.ContainsRune(m.Forbidden, r)
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
