package apispec

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// CheckParam checks the values given for parameter p (the query values of
// its name, the unescaped path segment, or the header values) against its
// schema. values is empty when the parameter is absent. The violations are
// located at the parameter's name. A valid scalar value is checked without
// allocating.
func CheckParam(p *Param, values []string) []Violation {
	return Validator{}.CheckParam(p, values)
}

// CheckParam is the package-level CheckParam with the validator's tables.
func (val Validator) CheckParam(p *Param, values []string) []Violation {
	var out []Violation
	if len(values) == 0 {
		if p.Required {
			add(&out, p.Name, "required", "Missing data for required field.")
		}
		return out
	}
	s := val.schema(p.Schema)
	if s.Types.Has(TypeArray) && s.Types&^(TypeArray|TypeNull) == 0 {
		val.checkArrayParam(p, s, values, &out)
		return out
	}
	if len(values) > 1 {
		add(&out, p.Name, "type", "Must be given once, got %d values.", len(values))
		return out
	}
	val.checkScalar(p.Schema, values[0], p.Name, &out)
	return out
}

// SplitParam returns the elements of an array parameter from its query
// values: each value is one element when the parameter explodes, otherwise
// the one value is split on commas.
func SplitParam(p *Param, values []string) []string {
	if p.Explode || len(values) != 1 {
		return values
	}
	if values[0] == "" {
		return nil
	}
	return strings.Split(values[0], ",")
}

func (val Validator) checkArrayParam(p *Param, s *Schema, values []string, out *[]Violation) {
	elems := SplitParam(p, values)
	if len(elems) < s.MinItems {
		add(out, p.Name, "minItems", "Must have at least %d items, got %d.", s.MinItems, len(elems))
	}
	if s.MaxItems != Unset && len(elems) > s.MaxItems {
		add(out, p.Name, "maxItems", "Must have at most %d items, got %d.", s.MaxItems, len(elems))
	}
	if s.UniqueItems {
		for i := range elems {
			for j := range i {
				if elems[i] == elems[j] {
					add(out, p.Name, "uniqueItems", "Item %d repeats an earlier item: %q.", i, elems[i])
				}
			}
		}
	}
	if s.Items < 0 {
		return
	}
	for i, e := range elems {
		val.checkScalar(s.Items, e, p.Name+"["+strconv.Itoa(i)+"]", out)
	}
}

// checkScalar checks one textual parameter value against a scalar schema.
func (val Validator) checkScalar(idx int, raw, loc string, out *[]Violation) {
	s := val.schema(idx)
	switch {
	case s.Types == 0 || s.Types&TypeString != 0:
		if len(s.Enum) > 0 && !enumHasString(s.Enum, raw) {
			add(out, loc, "enum", "Must be one of: %s; got %q.", strings.Join(s.Enum, ", "), raw)
		}
		val.checkString(s, raw, loc, out)
	case s.Types&(TypeInteger|TypeNumber) != 0:
		var f float64
		if s.Types&TypeNumber == 0 {
			n, err := strconv.ParseInt(raw, 10, 64)
			if err != nil {
				add(out, loc, "type", "Not a valid integer: %q.", raw)
				return
			}
			f = float64(n)
		} else {
			var err error
			if f, err = strconv.ParseFloat(raw, 64); err != nil {
				add(out, loc, "type", "Not a valid number: %q.", raw)
				return
			}
		}
		if len(s.Enum) > 0 && !enumHasNumber(s.Enum, f) {
			add(out, loc, "enum", "Must be one of: %s; got %s.", strings.Join(s.Enum, ", "), raw)
		}
		if msg := rangeMessage(s, f); msg != "" {
			add(out, loc, rangeKeyword(s, f), "%s", msg)
		}
		if s.MultipleOf != 0 {
			if q := f / s.MultipleOf; q != float64(int64(q)) {
				add(out, loc, "multipleOf", "Must be a multiple of %s, got %s.", num(s.MultipleOf), raw)
			}
		}
		if s.Format != "" {
			if msg := checkFormatNumber(s.Format, json.Number(raw)); msg != "" {
				add(out, loc, "format", "%s", msg)
			}
		}
	case s.Types&TypeBoolean != 0:
		if raw != "true" && raw != "false" {
			add(out, loc, "type", "Not a valid boolean: %q.", raw)
		}
	default:
		add(out, loc, "type", "Not a valid %s: %q.", strings.Join(s.Types.Names(), " or "), raw)
	}
}

func enumHasString(enum []string, s string) bool {
	for _, e := range enum {
		if jsonStringEquals(e, s) {
			return true
		}
	}
	return false
}

func enumHasNumber(enum []string, f float64) bool {
	for _, e := range enum {
		if g, err := strconv.ParseFloat(e, 64); err == nil && g == f {
			return true
		}
	}
	return false
}

// Default returns the default value of the parameter as text (the JSON
// text of a string is unquoted), and whether the schema declares one.
func (p *Param) Default() (string, bool) {
	d := Schemas[p.Schema].Default
	if d == "" {
		return "", false
	}
	var s string
	if json.Unmarshal([]byte(d), &s) == nil {
		return s, true
	}
	return d, true
}

// String names the parameter for messages: "query parameter page".
func (p *Param) String() string { return fmt.Sprintf("%s parameter %s", p.In, p.Name) }
