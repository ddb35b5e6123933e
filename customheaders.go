package partoo

import (
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/partoo-go/partoo/gen"
	"github.com/partoo-go/partoo/internal/apispec"
)

// ErrInvalidCustomHeaders matches every [*CustomHeaderError] with errors.Is:
// custom headers that break the spec's CustomHeaders schema, or that could
// not travel as HTTP headers ([ErrUndeliverableCustomHeader]).
var ErrInvalidCustomHeaders = errors.New("partoo: invalid custom headers")

// ErrUndeliverableCustomHeader matches the [*CustomHeaderError]s of custom
// headers that the spec's schema allows but that can never be delivered as
// HTTP headers: a name that is not an RFC 9110 token (a space, a non-ASCII
// letter, a control character), or a value with a control character other
// than a horizontal tab (CR, LF, NUL...). Partoo would store them, and every
// delivery would fail. It also matches [ErrInvalidCustomHeaders]. The client
// applies this rule by default; [WithoutDeliverabilityCheck] turns it off.
var ErrUndeliverableCustomHeader = errors.New("partoo: custom header cannot be delivered over HTTP")

// CustomHeaderError is one violation of the custom-header rules. It
// names the header key but never carries or prints a header value, since
// values hold secrets such as shared tokens. Match any of them with
// errors.Is(err, [ErrInvalidCustomHeaders]), and those of the
// deliverability rule with [ErrUndeliverableCustomHeader]; all match
// [ErrInvalidRequest].
type CustomHeaderError struct {
	// Location is where the headers sit in a request body, such as
	// "items[0].custom_headers"; it is empty for [ValidateCustomHeaders].
	Location string
	// Key is the header name at fault; it is empty when the error is about
	// the headers as a whole (their number or JSON type).
	Key string
	// Rule is the rule broken. For the spec's schema it is the keyword, as
	// a path in the CustomHeaders schema: "type", "maxProperties",
	// "minProperties", "propertyNames.maxLength", "propertyNames.minLength",
	// "propertyNames.pattern", "additionalProperties.type",
	// "additionalProperties.maxLength", "additionalProperties.minLength" or
	// "additionalProperties.pattern". For the deliverability rule it is
	// "http.token" (the name) or "http.field-value" (the value).
	Rule string
	// Limit is the schema's limit for count and length rules, else 0.
	Limit int
	// Actual is the count or the length (in Unicode code points, as JSON
	// Schema counts) that broke the limit, else 0.
	Actual int
	// Reason says in plain words what is wrong, without the value.
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

// Is reports whether target is [ErrInvalidCustomHeaders] or
// [ErrInvalidRequest], or [ErrUndeliverableCustomHeader] for the
// deliverability rule.
func (e *CustomHeaderError) Is(target error) bool {
	switch target {
	case ErrInvalidCustomHeaders, ErrInvalidRequest:
		return true
	case ErrUndeliverableCustomHeader:
		return strings.HasPrefix(e.Rule, "http.")
	}
	return false
}

// keyed reports whether the error is about one key rather than the map.
func (e *CustomHeaderError) keyed() bool {
	return strings.HasPrefix(e.Rule, "propertyNames.") || strings.HasPrefix(e.Rule, "additionalProperties.") || strings.HasPrefix(e.Rule, "http.")
}

// ValidateCustomHeaders checks h against the CustomHeaders schema of the
// bundled spec (its number of entries, and the length and pattern of every
// key and value), exactly as a JSON Schema 2020-12 validator would: lengths
// count Unicode code points and patterns are ECMA-262 regular expressions
// (they run on Go's regexp, through a translation that the generator
// derives construct by construct and checks against an ECMAScript engine).
// The rules are generated from the spec; nil and empty maps are valid.
//
// It returns nil or every violation at once, joined with errors.Join, each a
// [*CustomHeaderError] (in a stable order: the whole map first, then by
// key). errors.Is(err, [ErrInvalidCustomHeaders]) reports whether an error
// came from here. Messages show keys, lengths and limits, never values.
//
// The client runs the same check on every request body that carries custom
// headers, before sending it, together with [CheckDeliverable]; use
// ValidateCustomHeaders for user input, such as a settings form.
func ValidateCustomHeaders(h gen.CustomHeaders) error {
	return joinHeaderErrors(specHeaderValidator().validateMap("", h))
}

// CheckDeliverable reports the custom headers of h that the spec allows but
// that cannot travel as HTTP headers: each is a [*CustomHeaderError]
// matching [ErrUndeliverableCustomHeader]. A name must be an RFC 9110 token
// (letters, digits and !#$%&'*+-.^_`|~); a value must be a valid field
// value: no control character (CR, LF, NUL, DEL...) except a horizontal
// tab. The client applies it with [ValidateCustomHeaders] before sending,
// unless [WithoutDeliverabilityCheck] is given.
func CheckDeliverable(h gen.CustomHeaders) error {
	var errs []*CustomHeaderError
	for k, v := range h {
		errs = checkDeliverable("", k, v, errs)
	}
	return joinHeaderErrors(errs)
}

// checkDeliverable appends the deliverability violations of one header.
func checkDeliverable(loc, key, value string, errs []*CustomHeaderError) []*CustomHeaderError {
	if !validHeaderName(key) {
		errs = append(errs, &CustomHeaderError{Location: loc, Key: key, Rule: "http.token",
			Reason: "the name is not an HTTP token (RFC 9110: letters, digits and !#$%&'*+-.^_`|~ only), so it could never be sent as a header"})
	}
	if !validHeaderValue(value) {
		errs = append(errs, &CustomHeaderError{Location: loc, Key: key, Rule: "http.field-value",
			Reason: "the value has a control character (CR, LF, NUL or another, except a tab), so it could never be sent as a header"})
	}
	return errs
}

// validHeaderName reports whether s is an RFC 9110 token.
func validHeaderName(s string) bool {
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

// validHeaderValue reports whether s is a valid RFC 9110 field value: no
// control character but a horizontal tab.
func validHeaderValue(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 0x20 && c != '\t') || c == 0x7f {
			return false
		}
	}
	return true
}

// specHeaderValidator holds the spec's rules; deliverableHeaderValidator
// adds the deliverability rule. Each is built on first use, and each
// pattern is compiled on its first match, so importing the package
// compiles nothing.
var (
	specHeaderValidator = sync.OnceValue(func() *headerValidator {
		return &headerValidator{rules: customHeaderRules()}
	})
	deliverableHeaderValidator = sync.OnceValue(func() *headerValidator {
		return &headerValidator{rules: customHeaderRules(), deliverable: true}
	})
)

// headerValidator enforces the CustomHeaders schema.
type headerValidator struct {
	rules       mapRules
	deliverable bool // also apply the deliverability rule
}

// mapRules are the constraints of the CustomHeaders schema, read from the
// generated tables.
type mapRules struct {
	typ                          apispec.Type // TypeObject, or 0
	hasMaxProperties             bool
	maxProperties, minProperties int
	names, values                stringRules
	valuesTyped                  bool // additionalProperties has type string
}

// stringRules are the constraints of a string schema.
type stringRules struct {
	hasMaxLength         bool
	maxLength, minLength int
	pattern              *patternRule // nil when the schema has none
}

// patternRule is a pattern keyword: the spec's ECMA-262 text (for
// messages), the hints that explain a failed name, and the match, which
// runs the pattern's RE2 translation (apispec.MatchPattern).
type patternRule struct {
	source string
	hints  apispec.NameHints
	match  func(string) (bool, error)
}

// customHeaderRules reads the CustomHeaders schema of the generated tables.
func customHeaderRules() mapRules {
	var r mapRules
	if apispec.CustomHeaders < 0 {
		return r
	}
	s := &apispec.Schemas[apispec.CustomHeaders]
	r.typ = s.Types & apispec.TypeObject
	r.hasMaxProperties, r.maxProperties = s.MaxProperties != apispec.Unset, s.MaxProperties
	r.minProperties = s.MinProperties
	str := func(i int) stringRules {
		if i < 0 {
			return stringRules{}
		}
		t := &apispec.Schemas[i]
		sr := stringRules{hasMaxLength: t.MaxLength != apispec.Unset, maxLength: t.MaxLength, minLength: t.MinLength}
		if p := t.Pattern; p >= 0 {
			sr.pattern = &patternRule{source: apispec.Patterns[p].Source, hints: apispec.Patterns[p].Hints,
				match: func(s string) (bool, error) { return apispec.MatchPattern(p, s) }}
		}
		return sr
	}
	r.names = str(s.PropertyNames)
	if s.AdditionalProperties >= 0 {
		r.values = str(s.AdditionalProperties)
		r.valuesTyped = apispec.Schemas[s.AdditionalProperties].Types&apispec.TypeString != 0
	}
	return r
}

// headerCheck collects the custom-header violations of one request body.
// The generated helpers walk their typed body with it.
type headerCheck struct {
	v    *headerValidator
	errs []*CustomHeaderError
}

// headerCheck returns the check of the client's rules.
func (c *Client) headerCheck() headerCheck {
	if c.cfg.deliverableHeaders {
		return headerCheck{v: deliverableHeaderValidator()}
	}
	return headerCheck{v: specHeaderValidator()}
}

// at checks the headers h found at loc, with the indexes idx of its
// array elements, in order.
func (hc *headerCheck) at(loc apispec.Location, h map[string]string, idx ...int) {
	n := len(hc.errs)
	hc.errs = append(hc.errs, hc.v.validateMap("", h)...)
	if len(hc.errs) == n {
		return
	}
	where := loc.At(idx...)
	for _, e := range hc.errs[n:] {
		e.Location = where
	}
}

// err returns the violations found, as the error of the request req (of
// the operation op) not sent.
func (hc *headerCheck) err(op *apispec.Operation, req *http.Request) error {
	if len(hc.errs) == 0 {
		return nil
	}
	method, path := op.Method, op.Path
	if req != nil {
		method, path = req.Method, req.URL.Path
	}
	return fmt.Errorf("partoo: %s %s: invalid custom headers, request not sent:\n%w", method, path, joinHeaderErrors(hc.errs))
}

// validateMap checks a Go map.
func (v *headerValidator) validateMap(loc string, h map[string]string) []*CustomHeaderError {
	errs := v.checkCount(loc, len(h), nil)
	for key, value := range h {
		errs = v.checkName(loc, key, errs)
		errs = v.checkValue(loc, key, value, errs)
		if v.deliverable {
			errs = checkDeliverable(loc, key, value, errs)
		}
	}
	return errs
}

// validateJSON checks a value decoded from JSON with encoding/json: the
// schema's type keywords apply too.
func (v *headerValidator) validateJSON(loc string, doc any) []*CustomHeaderError {
	m, ok := doc.(map[string]any)
	if !ok {
		if v.rules.typ == 0 {
			return nil // JSON Schema: object keywords ignore other types
		}
		return []*CustomHeaderError{{Location: loc, Rule: "type",
			Reason: fmt.Sprintf("custom headers must be a JSON object, got %s", apispec.JSONType(doc))}}
	}
	errs := v.checkCount(loc, len(m), nil)
	for key, value := range m {
		errs = v.checkName(loc, key, errs)
		s, isString := value.(string)
		switch {
		case isString:
			errs = v.checkValue(loc, key, s, errs)
			if v.deliverable {
				errs = checkDeliverable(loc, key, s, errs)
			}
		case v.rules.valuesTyped:
			errs = append(errs, &CustomHeaderError{Location: loc, Key: key, Rule: "additionalProperties.type",
				Reason: fmt.Sprintf("value is %s, not a string", apispec.JSONType(value))})
		}
	}
	return errs
}

func (v *headerValidator) checkCount(loc string, n int, errs []*CustomHeaderError) []*CustomHeaderError {
	r := v.rules
	if r.hasMaxProperties && n > r.maxProperties {
		errs = append(errs, &CustomHeaderError{Location: loc, Rule: "maxProperties", Limit: r.maxProperties, Actual: n,
			Reason: fmt.Sprintf("%s: at most %d %s allowed", countHeaders(n), r.maxProperties, isAre(r.maxProperties))})
	}
	if n < r.minProperties {
		errs = append(errs, &CustomHeaderError{Location: loc, Rule: "minProperties", Limit: r.minProperties, Actual: n,
			Reason: fmt.Sprintf("%s: at least %d %s required", countHeaders(n), r.minProperties, isAre(r.minProperties))})
	}
	return errs
}

func (v *headerValidator) checkName(loc, key string, errs []*CustomHeaderError) []*CustomHeaderError {
	errs = checkLength(loc, key, "propertyNames", "name", key, v.rules.names, errs)
	p := v.rules.names.pattern
	if p == nil {
		return errs
	}
	ok, err := p.match(key)
	switch {
	case err != nil:
		errs = append(errs, &CustomHeaderError{Location: loc, Key: key, Rule: "propertyNames.pattern",
			Reason: fmt.Sprintf("name could not be checked against the pattern %q: %v", p.source, err)})
	case !ok:
		for _, reason := range explainName(key, p.hints, p.source) {
			errs = append(errs, &CustomHeaderError{Location: loc, Key: key, Rule: "propertyNames.pattern", Reason: reason})
		}
	}
	return errs
}

func (v *headerValidator) checkValue(loc, key, value string, errs []*CustomHeaderError) []*CustomHeaderError {
	errs = checkLength(loc, key, "additionalProperties", "value", value, v.rules.values, errs)
	p := v.rules.values.pattern
	if p == nil {
		return errs
	}
	// The reasons never quote the value: it may be a secret.
	ok, err := p.match(value)
	switch {
	case err != nil:
		errs = append(errs, &CustomHeaderError{Location: loc, Key: key, Rule: "additionalProperties.pattern",
			Reason: fmt.Sprintf("value could not be checked against the pattern %q: %v", p.source, err)})
	case !ok:
		errs = append(errs, &CustomHeaderError{Location: loc, Key: key, Rule: "additionalProperties.pattern",
			Reason: fmt.Sprintf("value does not match the pattern %q", p.source)})
	}
	return errs
}

// checkLength applies maxLength and minLength to s, counted in code points.
// what is "name" or "value"; s itself never reaches the message.
func checkLength(loc, key, keyword, what, s string, r stringRules, errs []*CustomHeaderError) []*CustomHeaderError {
	// A string of b bytes holds between ceil(b/4) and b characters (an
	// invalid byte counts as one): count them only when these bounds do
	// not settle both limits.
	if (!r.hasMaxLength || len(s) <= r.maxLength) && (len(s)+3)/4 >= r.minLength {
		return errs
	}
	n := utf8.RuneCountInString(s)
	if r.hasMaxLength && n > r.maxLength {
		errs = append(errs, &CustomHeaderError{Location: loc, Key: key, Rule: keyword + ".maxLength", Limit: r.maxLength, Actual: n,
			Reason: fmt.Sprintf("%s is %s, at most %d", what, countChars(n), r.maxLength)})
	}
	if n < r.minLength {
		errs = append(errs, &CustomHeaderError{Location: loc, Key: key, Rule: keyword + ".minLength", Limit: r.minLength, Actual: n,
			Reason: fmt.Sprintf("%s is %s, at least %d", what, countChars(n), r.minLength)})
	}
	return errs
}

// explainName says why a name that the pattern rejected is wrong, from the
// hints that specgen derived from the pattern. It only explains: the
// pattern alone has decided that the name is invalid.
func explainName(key string, h apispec.NameHints, pattern string) []string {
	var reasons []string
	rest, hasPrefix := apispec.CutPrefixFold(key, h.Prefix, h.PrefixFold)
	if h.Prefix != "" && !hasPrefix {
		anyCase := ""
		if h.PrefixFold {
			anyCase = " (in any case)"
		}
		reasons = append(reasons, fmt.Sprintf("the name must start with %q%s", h.Prefix, anyCase))
		rest = key
	}
	if h.Reserved != "" && hasPrefix {
		if _, reserved := apispec.CutPrefixFold(rest, h.Reserved, h.ReservedFold); reserved {
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
