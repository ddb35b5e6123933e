package partoo

import (
	"errors"
	"fmt"
	"net/http"

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
	return apispec.HeaderViolation(*e).Violation().Error()
}

// Is reports whether target is [ErrInvalidCustomHeaders] or
// [ErrInvalidRequest], or [ErrUndeliverableCustomHeader] for the
// deliverability rule.
func (e *CustomHeaderError) Is(target error) bool {
	switch target {
	case ErrInvalidCustomHeaders, ErrInvalidRequest:
		return true
	case ErrUndeliverableCustomHeader:
		return apispec.HeaderViolation(*e).Undeliverable()
	}
	return false
}

// ValidateCustomHeaders checks h against the CustomHeaders schema of the
// bundled spec (its number of entries, and the length and pattern of every
// key and value), exactly as a JSON Schema 2020-12 validator would: lengths
// count Unicode code points and patterns are ECMA-262 regular expressions
// (the generator translates each one, construct by construct, for Go's
// regexp, or into a loop over the characters for the name pattern's shape;
// its tests check the translations against an ECMAScript engine).
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
	return joinHeaderErrors(apispec.Validator{}.CheckHeaderMap("", h, nil))
}

// CheckDeliverable reports the custom headers of h that the spec allows but
// that cannot travel as HTTP headers: each is a [*CustomHeaderError]
// matching [ErrUndeliverableCustomHeader]. A name must be an RFC 9110 token
// (letters, digits and !#$%&'*+-.^_`|~); a value must be a valid field
// value: no control character (CR, LF, NUL, DEL...) except a horizontal
// tab. The client applies it with [ValidateCustomHeaders] before sending,
// unless [WithoutDeliverabilityCheck] is given.
func CheckDeliverable(h gen.CustomHeaders) error {
	return joinHeaderErrors(apispec.CheckDeliverable("", h, nil))
}

// headerCheck collects the custom-header violations of one request body.
// The generated helpers walk their typed body with it.
type headerCheck struct {
	v    apispec.Validator
	errs []apispec.HeaderViolation
}

// headerCheck returns the check of the client's rules.
func (c *Client) headerCheck() headerCheck {
	return headerCheck{v: apispec.Validator{Deliverable: c.cfg.deliverableHeaders}}
}

// at checks the headers h found at loc, with the indexes idx of its
// array elements, in order.
func (hc *headerCheck) at(loc apispec.Location, h map[string]string, idx ...int) {
	n := len(hc.errs)
	hc.errs = hc.v.CheckHeaderMap("", h, hc.errs)
	if len(hc.errs) == n {
		return
	}
	where := loc.At(idx...)
	for i := range hc.errs[n:] {
		hc.errs[n+i].Location = where
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

// joinHeaderErrors sorts the violations (the whole map first, then by key,
// then in the order found) and joins them, each a [*CustomHeaderError];
// nil when there are none.
func joinHeaderErrors(vs []apispec.HeaderViolation) error {
	if len(vs) == 0 {
		return nil
	}
	apispec.SortHeaderViolations(vs)
	ces := make([]CustomHeaderError, len(vs))
	errs := make([]error, len(vs))
	for i, v := range vs {
		ces[i] = CustomHeaderError(v)
		errs[i] = &ces[i]
	}
	return errors.Join(errs...)
}
