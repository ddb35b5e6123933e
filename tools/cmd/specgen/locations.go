package main

import (
	"fmt"
	"mime"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// locator finds where one component schema (CustomHeaders) appears in
// request bodies, as JSON locations such as "items[*].custom_headers".
// Location syntax: property names joined by ".", "[*]" for every element of
// an array, "" for the body itself.
type locator struct {
	name   string           // component name, e.g. "CustomHeaders"
	target *openapi3.Schema // the resolved component
}

func newLocator(doc *openapi3.T, name string) (*locator, error) {
	if doc.Components == nil || doc.Components.Schemas[name] == nil || doc.Components.Schemas[name].Value == nil {
		return nil, fmt.Errorf("components.schemas.%s is missing", name)
	}
	return &locator{name: name, target: doc.Components.Schemas[name].Value}, nil
}

func (l *locator) isTarget(ref *openapi3.SchemaRef) bool {
	return ref.Ref == "#/components/schemas/"+l.name || ref.Value == l.target
}

// operation returns the locations of the component in op's JSON request
// body. It fails when the component sits where the client could not check
// it: a non-JSON body, a parameter, or a branch of oneOf/anyOf/not and
// similar keywords.
func (l *locator) operation(id string, op *openapi3.Operation, params openapi3.Parameters) ([]string, error) {
	for _, p := range params {
		if p.Value == nil {
			continue
		}
		if l.reaches(p.Value.Schema, nil) {
			return nil, fmt.Errorf("%s: parameter %q uses %s, which the client cannot validate", id, p.Value.Name, l.name)
		}
		for ct, mt := range p.Value.Content {
			if l.reaches(mt.Schema, nil) {
				return nil, fmt.Errorf("%s: parameter %q (%s) uses %s, which the client cannot validate", id, p.Value.Name, ct, l.name)
			}
		}
	}
	if op.RequestBody == nil || op.RequestBody.Value == nil {
		return nil, nil
	}
	set := map[string]bool{}
	for ct, mt := range op.RequestBody.Value.Content {
		if !isJSONMediaType(ct) {
			if l.reaches(mt.Schema, nil) {
				return nil, fmt.Errorf("%s: the %s request body uses %s, which the client can only validate in JSON", id, ct, l.name)
			}
			continue
		}
		locs, err := l.walk(mt.Schema, "", nil)
		if err != nil {
			return nil, fmt.Errorf("%s: request body: %w", id, err)
		}
		for _, loc := range locs {
			set[loc] = true
		}
	}
	out := make([]string, 0, len(set))
	for loc := range set {
		out = append(out, loc)
	}
	sort.Strings(out)
	return out, nil
}

func isJSONMediaType(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	return mt == "application/json" || (strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json"))
}

// walk follows properties, array items and allOf, the keywords whose
// subschemas apply to a known location of the instance.
func (l *locator) walk(ref *openapi3.SchemaRef, path string, stack []*openapi3.Schema) ([]string, error) {
	if ref == nil || ref.Value == nil {
		return nil, nil
	}
	if l.isTarget(ref) {
		return []string{path}, nil
	}
	s := ref.Value
	for _, seen := range stack {
		if seen == s {
			if l.reaches(ref, nil) {
				return nil, fmt.Errorf("%s is reachable through the recursive schema %s at %q; specgen cannot list its locations", l.name, ref.Ref, path)
			}
			return nil, nil
		}
	}
	stack = append(stack, s)
	var out []string
	add := func(locs []string, err error) error {
		out = append(out, locs...)
		return err
	}
	names := make([]string, 0, len(s.Properties))
	for name := range s.Properties {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if strings.ContainsAny(name, ".[]") && l.reaches(s.Properties[name], nil) {
			return nil, fmt.Errorf("property %q at %q holds %s but its name cannot be written in a location", name, path, l.name)
		}
		sub := name
		if path != "" {
			sub = path + "." + name
		}
		if err := add(l.walk(s.Properties[name], sub, stack)); err != nil {
			return nil, err
		}
	}
	if err := add(l.walk(s.Items, path+"[*]", stack)); err != nil {
		return nil, err
	}
	for _, part := range s.AllOf {
		if err := add(l.walk(part, path, stack)); err != nil {
			return nil, err
		}
	}
	for kw, subs := range unsupportedSubschemas(s) {
		for _, sub := range subs {
			if l.reaches(sub, nil) {
				return nil, fmt.Errorf("%s is reached through %s at %q; the client cannot validate it there", l.name, kw, path)
			}
		}
	}
	return out, nil
}

// reaches reports whether the component is ref or one of its subschemas,
// through any keyword.
func (l *locator) reaches(ref *openapi3.SchemaRef, seen map[*openapi3.Schema]bool) bool {
	if ref == nil || ref.Value == nil {
		return false
	}
	if l.isTarget(ref) {
		return true
	}
	if seen == nil {
		seen = map[*openapi3.Schema]bool{}
	}
	if seen[ref.Value] {
		return false
	}
	seen[ref.Value] = true
	for _, subs := range allSubschemas(ref.Value) {
		for _, sub := range subs {
			if l.reaches(sub, seen) {
				return true
			}
		}
	}
	return false
}

// allSubschemas lists every subschema of s by keyword.
func allSubschemas(s *openapi3.Schema) map[string][]*openapi3.SchemaRef {
	m := unsupportedSubschemas(s)
	m["items"] = []*openapi3.SchemaRef{s.Items}
	m["allOf"] = s.AllOf
	for _, p := range s.Properties {
		m["properties"] = append(m["properties"], p)
	}
	return m
}

// unsupportedSubschemas lists the subschemas of s under keywords whose
// instance location the client does not follow.
func unsupportedSubschemas(s *openapi3.Schema) map[string][]*openapi3.SchemaRef {
	m := map[string][]*openapi3.SchemaRef{
		"oneOf":                 s.OneOf,
		"anyOf":                 s.AnyOf,
		"not":                   {s.Not},
		"additionalProperties":  {s.AdditionalProperties.Schema},
		"prefixItems":           s.PrefixItems,
		"contains":              {s.Contains},
		"propertyNames":         {s.PropertyNames},
		"if":                    {s.If},
		"then":                  {s.Then},
		"else":                  {s.Else},
		"contentSchema":         {s.ContentSchema},
		"unevaluatedItems":      {s.UnevaluatedItems.Schema},
		"unevaluatedProperties": {s.UnevaluatedProperties.Schema},
	}
	for _, kw := range []struct {
		name    string
		schemas openapi3.Schemas
	}{{"patternProperties", s.PatternProperties}, {"dependentSchemas", s.DependentSchemas}, {"$defs", s.Defs}} {
		for _, sub := range kw.schemas {
			m[kw.name] = append(m[kw.name], sub)
		}
	}
	return m
}
