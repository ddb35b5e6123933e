package partootest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/partoo-go/partoo"
	"github.com/partoo-go/partoo/gen"
	"github.com/partoo-go/partoo/internal/mockapi/rules"
	"github.com/partoo-go/partoo/internal/pathtemplate"
)

// The request checks below are driven by the tables generated from the spec
// (package rules): no limit, pattern or enum value is written here by hand.

// route is one operation of the spec with its path split into segments.
type route struct {
	op       rules.Operation
	path     pathtemplate.Template
	patterns map[string]*regexp.Regexp
}

// newRoutes builds the routes from the generated table and compiles the
// body patterns, which the generator checked are RE2-compatible.
func newRoutes() []route {
	var out []route
	for _, op := range rules.Operations() {
		r := route{op: op, patterns: map[string]*regexp.Regexp{}}
		for _, f := range op.Body {
			if f.Pattern != "" {
				r.patterns[f.Pattern] = regexp.MustCompile(f.Pattern)
			}
		}
		r.path = pathtemplate.Parse(op.Path)
		out = append(out, r)
	}
	return out
}

// route returns the operation for method and path (relative to the base
// path), preferring literal segments over parameters (/webhooks/tryout is
// not /webhooks/{webhook_id}). When no operation has that method, it
// returns the methods the path allows.
func (s *Server) route(method, path string) (*route, []string) {
	segs := pathtemplate.Segments(path)
	var best *route
	var allowed []string
	for i := range s.ops {
		r := &s.ops[i]
		if !r.path.Match(segs) {
			continue
		}
		if r.op.Method != method {
			if !slices.Contains(allowed, r.op.Method) {
				allowed = append(allowed, r.op.Method)
			}
			continue
		}
		if best == nil || r.path.Literals() > best.path.Literals() {
			best = r
		}
	}
	if best == nil {
		slices.Sort(allowed)
		return nil, allowed
	}
	return best, nil
}

// checkParams checks the path and query parameters of op and returns the
// integer values it read, by name.
func checkParams(op *rules.Operation, query url.Values, path string) (map[string]int64, fieldErrors) {
	errs := fieldErrors{}
	values := map[string]int64{}
	segs := pathtemplate.Segments(path)
	tmpl := pathtemplate.Segments(op.Path)
	for _, p := range op.Params {
		var raw []string
		switch p.In {
		case "query":
			raw = query[p.Name]
		case "path":
			for i, t := range tmpl {
				if t == "{"+p.Name+"}" && i < len(segs) {
					if v, err := url.PathUnescape(segs[i]); err == nil {
						raw = []string{v}
					} else {
						raw = []string{segs[i]}
					}
				}
			}
		}
		if len(raw) == 0 {
			if p.Required {
				errs.add(p.Name, "Missing data for required field.")
			}
			continue
		}
		if len(raw) > 1 {
			errs.add(p.Name, fmt.Sprintf("Must be given once, got %d values.", len(raw)))
			continue
		}
		switch p.Type {
		case "integer":
			n, err := strconv.ParseInt(raw[0], 10, 64)
			if err != nil {
				errs.add(p.Name, fmt.Sprintf("Not a valid integer: %q.", raw[0]))
				continue
			}
			if msg := rangeMessage(float64(n), p.HasMinimum, p.Minimum, p.HasMaximum, p.Maximum); msg != "" {
				errs.add(p.Name, msg)
				continue
			}
			values[p.Name] = n
		case "number":
			f, err := strconv.ParseFloat(raw[0], 64)
			if err != nil {
				errs.add(p.Name, fmt.Sprintf("Not a valid number: %q.", raw[0]))
				continue
			}
			if msg := rangeMessage(f, p.HasMinimum, p.Minimum, p.HasMaximum, p.Maximum); msg != "" {
				errs.add(p.Name, msg)
			}
		case "boolean":
			if _, err := strconv.ParseBool(raw[0]); err != nil {
				errs.add(p.Name, fmt.Sprintf("Not a valid boolean: %q.", raw[0]))
			}
		}
	}
	return values, errs
}

// rangeMessage returns the message for v outside the bounds, or "".
func rangeMessage(v float64, hasMin bool, min float64, hasMax bool, max float64) string {
	switch {
	case hasMin && hasMax && (v < min || v > max):
		return fmt.Sprintf("Must be between %s and %s, got %s.", num(min), num(max), num(v))
	case hasMin && v < min:
		return fmt.Sprintf("Must be greater than or equal to %s, got %s.", num(min), num(v))
	case hasMax && v > max:
		return fmt.Sprintf("Must be less than or equal to %s, got %s.", num(max), num(v))
	}
	return ""
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// checkBody checks a JSON request body against op's generated constraints:
// JSON syntax, types, required members, string lengths and patterns,
// enums, array sizes, numeric bounds, and the custom-header rules through
// partoo.ValidateCustomHeaders.
func checkBody(r *route, body []byte) fieldErrors {
	op := &r.op
	errs := fieldErrors{}
	if len(bytes.TrimSpace(body)) == 0 {
		if op.BodyRequired {
			errs.add("body", "Missing data for required field: the request body is empty.")
		}
		return errs
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		errs.add("body", "Invalid JSON: "+err.Error())
		return errs
	}
	if dec.More() {
		errs.add("body", "Invalid JSON: data after the top-level value.")
		return errs
	}
	for _, f := range op.Body {
		for _, at := range locate(doc, "", f.Path) {
			checkField(r, &f, at.loc, at.val, errs)
		}
	}
	return errs
}

// located is a value found in a body, with its concrete location
// ("items[0].url").
type located struct {
	loc string
	val any
}

// locate returns the values at a generated path ("items[].url") in doc.
// Missing members are skipped: the parent's Required reports them.
func locate(doc any, prefix, path string) []located {
	if path == "" {
		return []located{{loc: prefix, val: doc}}
	}
	step, rest, _ := strings.Cut(path, ".")
	name, each := strings.CutSuffix(step, "[]")
	obj, ok := doc.(map[string]any)
	if !ok {
		return nil
	}
	v, ok := obj[name]
	if !ok {
		return nil
	}
	loc := joinLoc(prefix, name)
	if !each {
		return locate(v, loc, rest)
	}
	arr, ok := v.([]any)
	if !ok {
		return nil
	}
	var out []located
	for i, el := range arr {
		out = append(out, locate(el, fmt.Sprintf("%s[%d]", loc, i), rest)...)
	}
	return out
}

func joinLoc(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

// displayLoc names the body itself "body" in error messages.
func displayLoc(loc string) string {
	if loc == "" {
		return "body"
	}
	return loc
}

// checkField checks one value against its constraints.
func checkField(r *route, f *rules.Field, loc string, v any, errs fieldErrors) {
	where := displayLoc(loc)
	if v == nil {
		errs.add(where, "Field may not be null.")
		return
	}
	switch f.Type {
	case "object":
		obj, ok := v.(map[string]any)
		if !ok {
			errs.add(where, "Not a valid object.")
			return
		}
		for _, name := range f.Required {
			if _, ok := obj[name]; !ok {
				errs.add(joinLoc(loc, name), "Missing data for required field.")
			}
		}
		if f.CustomHeaders {
			checkCustomHeaders(where, obj, errs)
		}
	case "array":
		arr, ok := v.([]any)
		if !ok {
			errs.add(where, "Not a valid list.")
			return
		}
		if len(arr) < f.MinItems {
			errs.add(where, fmt.Sprintf("Must have at least %d items, got %d.", f.MinItems, len(arr)))
		}
		if f.HasMaxItems && len(arr) > f.MaxItems {
			errs.add(where, fmt.Sprintf("Must have at most %d items, got %d.", f.MaxItems, len(arr)))
		}
	case "string":
		s, ok := v.(string)
		if !ok {
			errs.add(where, "Not a valid string.")
			return
		}
		n := utf8.RuneCountInString(s)
		if n < f.MinLength {
			errs.add(where, fmt.Sprintf("Must be at least %d characters, got %d.", f.MinLength, n))
		}
		if f.HasMaxLength && n > f.MaxLength {
			errs.add(where, fmt.Sprintf("Must be at most %d characters, got %d.", f.MaxLength, n))
		}
		if f.Pattern != "" && !r.patterns[f.Pattern].MatchString(s) {
			errs.add(where, fmt.Sprintf("Does not match the pattern %q.", f.Pattern))
		}
		if len(f.Enum) > 0 && !slices.Contains(f.Enum, s) {
			errs.add(where, fmt.Sprintf("Must be one of: %s; got %q.", strings.Join(f.Enum, ", "), s))
		}
	case "integer", "number":
		numv, ok := v.(json.Number)
		if !ok {
			errs.add(where, "Not a valid "+f.Type+".")
			return
		}
		fv, err := numv.Float64()
		if err == nil && f.Type == "integer" {
			_, err = strconv.ParseInt(numv.String(), 10, 64)
		}
		if err != nil {
			errs.add(where, "Not a valid "+f.Type+".")
			return
		}
		if msg := rangeMessage(fv, f.HasMinimum, f.Minimum, f.HasMaximum, f.Maximum); msg != "" {
			errs.add(where, msg)
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			errs.add(where, "Not a valid boolean.")
		}
	}
}

// checkCustomHeaders validates a custom_headers object with the client's
// validator, which applies the spec's CustomHeaders rules. Header values
// never appear in the messages: they carry secrets.
func checkCustomHeaders(where string, obj map[string]any, errs fieldErrors) {
	h := make(gen.CustomHeaders, len(obj))
	typed := true
	for k, v := range obj {
		s, ok := v.(string)
		if !ok {
			errs.add(where, fmt.Sprintf("custom header %q: the value is not a string.", k))
			typed = false
			continue
		}
		h[k] = s
	}
	if !typed {
		return
	}
	err := partoo.ValidateCustomHeaders(h)
	if err == nil {
		return
	}
	var joined interface{ Unwrap() []error }
	if errors.As(err, &joined) {
		for _, e := range joined.Unwrap() {
			errs.add(where, e.Error())
		}
		return
	}
	errs.add(where, err.Error())
}
