package main

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/partoo-go/partoo/tools/internal/specload"
	"gopkg.in/yaml.v3"
)

// Levels of a finding.
const (
	// Blocking findings would make the generated client wrong or
	// unbuildable: the spec is not taken until a repair fixes them.
	Blocking = "blocking"
	// Advisory findings are worked around, and the message says how.
	Advisory = "advisory"
)

// Action is an OpenAPI Overlay 1.0 action: the repair that fixes a
// blocking finding, ready to paste into the repairs overlay.
type Action struct {
	Target      string `yaml:"target"`
	Description string `yaml:"description"`
	Update      any    `yaml:"update,omitempty"`
	Remove      bool   `yaml:"remove,omitempty"`
}

// jsonPath is the path of a node from the document's root.
type jsonPath []string

var plainKey = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// String renders the path as a JSONPath that the overlay's legacy and
// RFC 9535 implementations both read: $.a['b/{c}'][0].
func (p jsonPath) String() string {
	var b strings.Builder
	b.WriteString("$")
	for _, s := range p {
		switch {
		case strings.HasPrefix(s, "#"):
			b.WriteString("[" + s[1:] + "]")
		case plainKey.MatchString(s):
			b.WriteString("." + s)
		default:
			b.WriteString("['" + strings.ReplaceAll(s, "'", `\'`) + "']")
		}
	}
	return b.String()
}

func (p jsonPath) key(k string) jsonPath { return append(p[:len(p):len(p)], k) }
func (p jsonPath) index(i int) jsonPath  { return append(p[:len(p):len(p)], "#"+strconv.Itoa(i)) }

// validTypes are JSON Schema's types.
var validTypes = map[string]bool{"string": true, "number": true, "integer": true, "boolean": true, "array": true, "object": true, "null": true}

// typeRepairs maps a type that is not JSON Schema's to the schema a
// repair most likely wants; unlisted ones are repaired as strings.
var typeRepairs = map[string]map[string]any{
	"timestamp":       {"type": "string", "format": "date-time"},
	"datetime":        {"type": "string", "format": "date-time"},
	"date":            {"type": "string", "format": "date"},
	"float":           {"type": "number"},
	"double":          {"type": "number"},
	"int":             {"type": "integer"},
	"text":            {"type": "string"},
	"enum":            {"type": "string"},
	"array of string": {"type": "array", "items": map[string]any{"type": "string"}},
}

// knownFormats are the formats the generated client and the fake know;
// any other is treated as a plain string.
var knownFormats = map[string]bool{
	"date-time": true, "date": true, "time": true, "duration": true, "email": true, "idn-email": true,
	"hostname": true, "idn-hostname": true, "ipv4": true, "ipv6": true, "uri": true, "uri-reference": true,
	"iri": true, "iri-reference": true, "uuid": true, "uri-template": true, "json-pointer": true,
	"relative-json-pointer": true, "regex": true, "int32": true, "int64": true, "float": true,
	"double": true, "byte": true, "binary": true, "password": true,
}

// formatWords are patterns that name a format instead of being a regular
// expression ("pattern: date" matches the text "date", not a date).
var formatWords = map[string]string{
	"date": "date", "yyyy-mm-dd": "date", "date-time": "date-time", "datetime": "date-time",
	"time": "time", "uuid": "uuid", "email": "email", "uri": "uri", "url": "uri",
}

// defects walks the document for what a real bundle gets wrong, with a
// JSONPath to each, so that every blocking finding carries its repair.
type defects struct {
	doc *yaml.Node
	// v30 is true for an OpenAPI 3.0 document: repairs are written in its
	// forms (nullable: true, not a 'null' type).
	v30 bool
	out []Finding
}

func (d *defects) add(level, rule string, n *yaml.Node, msg string, fix ...Action) {
	line := 0
	if n != nil {
		line = n.Line
	}
	d.out = append(d.out, Finding{Level: level, Rule: rule, Line: line, Message: msg, Fix: fix})
}

// findDefects runs the structural rules over the whole document.
func findDefects(doc *yaml.Node) []Finding {
	d := &defects{doc: doc}
	if v := mapValue(doc, "openapi"); v != nil {
		d.v30 = strings.HasPrefix(v.Value, "3.0")
	}
	components := mapValue(doc, "components")
	schemas := mapValue(components, "schemas")
	forEachPair(schemas, func(name string, _, s *yaml.Node) {
		d.schema(s, jsonPath{"components", "schemas", name})
	})
	d.goNames(schemas, jsonPath{"components", "schemas"}, "schema")
	d.componentGoNames(components)
	forEachPair(mapValue(components, "parameters"), func(name string, keyNode, v *yaml.Node) {
		if n := mapValue(v, "name"); mapValue(v, "$ref") == nil && (n == nil || strings.TrimSpace(n.Value) == "") {
			p := jsonPath{"components", "parameters", name}
			d.add(Blocking, "parameter", keyNode, fmt.Sprintf("%s: the parameter has a blank name (its uses are reported, and removed, one by one)", p),
				Action{Target: p.String(), Description: "a parameter with a blank name cannot be sent", Remove: true})
		}
		if in, req := mapValue(v, "in"), mapValue(v, "required"); in != nil && in.Value == "path" && (req == nil || req.Value != "true") {
			p := jsonPath{"components", "parameters", name}
			d.add(Blocking, "path-parameter", keyNode, fmt.Sprintf("%s: a path parameter that is not required (a path parameter always is)", p),
				Action{Target: p.String(), Description: "a path parameter must be required", Update: map[string]any{"required": true}})
		}
	})
	for _, section := range []string{"parameters", "responses", "requestBodies", "headers"} {
		forEachPair(mapValue(components, section), func(name string, _, v *yaml.Node) {
			d.nested(v, jsonPath{"components", section, name})
		})
	}
	d.operationGoNames(doc)
	d.inlineEnumNames(components)
	d.paramGoNames()
	forEachPair(mapValue(doc, "paths"), func(path string, _, item *yaml.Node) {
		p := jsonPath{"paths", path}
		d.nested(item, p)
		d.pathParams(path, item, p)
	})
	forEachPair(mapValue(doc, "webhooks"), func(name string, _, item *yaml.Node) {
		d.nested(item, jsonPath{"webhooks", name})
	})
	return d.out
}

// nested finds the schemas under n (parameters, media types, headers) and
// checks them; it does not enter examples or extensions.
func (d *defects) nested(n *yaml.Node, p jsonPath) {
	switch n.Kind {
	case yaml.MappingNode:
		if ref := mapValue(n, "$ref"); ref != nil {
			d.ref(ref, p.key("$ref"))
			return
		}
		forEachPair(n, func(k string, _, v *yaml.Node) {
			switch {
			case k == "example" || k == "examples" || strings.HasPrefix(k, "x-"):
			case k == "schema":
				d.schema(v, p.key(k))
			default:
				d.nested(v, p.key(k))
			}
		})
	case yaml.SequenceNode:
		for i, c := range n.Content {
			d.nested(c, p.index(i))
		}
	}
}

// ref checks that a local $ref resolves.
func (d *defects) ref(ref *yaml.Node, p jsonPath) {
	if ref.Kind != yaml.ScalarNode {
		d.add(Blocking, "ref", ref, fmt.Sprintf("%s: $ref is not a string", p))
		return
	}
	if !strings.HasPrefix(ref.Value, "#/") {
		return // external: kin-openapi reports it
	}
	if resolve(d.doc, ref.Value) == nil {
		d.add(Blocking, "ref", ref, fmt.Sprintf("%s: $ref %q resolves to nothing in the bundle", p, ref.Value))
	}
}

// resolve returns the node a local JSON pointer designates, or nil.
func resolve(doc *yaml.Node, ref string) *yaml.Node {
	n := doc
	for _, tok := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch n.Kind {
		case yaml.MappingNode:
			n = mapValue(n, tok)
		case yaml.SequenceNode:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(n.Content) {
				return nil
			}
			n = n.Content[i]
		default:
			return nil
		}
		if n == nil {
			return nil
		}
	}
	return n
}

// schema checks one schema and the schemas it holds.
func (d *defects) schema(s *yaml.Node, p jsonPath) {
	if s == nil || s.Kind != yaml.MappingNode {
		return
	}
	if ref := mapValue(s, "$ref"); ref != nil {
		d.ref(ref, p.key("$ref"))
		if d.v30 {
			forEachPair(s, func(k string, keyNode, _ *yaml.Node) {
				if k != "$ref" && k != "description" && k != "summary" {
					d.add(Advisory, "ref-sibling", keyNode, fmt.Sprintf("%s: %q beside $ref is ignored by OpenAPI 3.0, so the generators drop it (3.1 would apply it)", p, k))
				}
			})
		}
		return
	}
	d.keywords(s, p)
	types := d.types(s, p)
	if req := mapValue(s, "required"); req != nil && req.Kind != yaml.SequenceNode {
		d.add(Blocking, "required", req, fmt.Sprintf("%s: required is %q, not a list of property names (to require this property, add its name to the required list of the object that holds it)", p, req.Value),
			Action{Target: p.key("required").String(), Description: "required must list property names; " + strconv.Quote(req.Value) + " is not a list", Remove: true})
	}
	if types["array"] && mapValue(s, "items") == nil {
		d.add(Blocking, "array-items", s, fmt.Sprintf("%s: an array without items: the generated type would hold anything; declare the item schema Partoo's docs show", p),
			Action{Target: p.String(), Description: "the array declares no items; its items are strings in Partoo's docs and examples", Update: map[string]any{"items": map[string]any{"type": "string"}}})
	}
	if f := mapValue(s, "format"); f != nil && f.Kind == yaml.ScalarNode && !knownFormats[f.Value] {
		d.add(Advisory, "format", f, fmt.Sprintf("%s: format %q is not one the generator knows: treated as a plain value of the schema's type", p, f.Value))
	}
	if pat := mapValue(s, "pattern"); pat != nil && pat.Kind == yaml.ScalarNode {
		if format, ok := formatWords[strings.ToLower(pat.Value)]; ok {
			d.add(Blocking, "pattern-format", pat, fmt.Sprintf("%s: pattern %q names a format: as a regular expression it accepts only strings containing %q", p, pat.Value, pat.Value),
				Action{Target: p.key("pattern").String(), Description: fmt.Sprintf("pattern %q names a format, not a regular expression", pat.Value), Remove: true},
				Action{Target: p.String(), Description: fmt.Sprintf("the format that pattern %q meant", pat.Value), Update: map[string]any{"format": format}})
		}
	}
	if disc := mapValue(s, "discriminator"); disc != nil && mapValue(s, "oneOf") == nil && mapValue(s, "anyOf") == nil {
		d.add(Blocking, "discriminator", disc, fmt.Sprintf("%s: a discriminator without oneOf or anyOf (on a base that other schemas extend with allOf) selects nothing: the generated client cannot decode by it", p),
			Action{Target: p.key("discriminator").String(), Description: "a discriminator needs the oneOf or anyOf it chooses from; the schemas that extend this one with allOf keep their fields", Remove: true})
	} else if disc != nil {
		forEachPair(mapValue(disc, "mapping"), func(k string, _, v *yaml.Node) {
			if strings.HasPrefix(v.Value, "#/") && resolve(d.doc, v.Value) == nil {
				target := p.key("discriminator").key("mapping").key(k)
				d.add(Blocking, "ref", v, fmt.Sprintf("%s: discriminator value %q maps to %q, which the bundle lacks", p, k, v.Value),
					Action{Target: target.String(), Description: fmt.Sprintf("the bundle has no %s", v.Value), Remove: true})
			}
		})
	}
	if enum := mapValue(s, "enum"); enum != nil && enum.Kind == yaml.SequenceNode && len(enum.Content) == 1 && strings.Contains(enum.Content[0].Value, ",") {
		var values []any
		for _, v := range strings.Split(enum.Content[0].Value, ",") {
			values = append(values, strings.TrimSpace(v))
		}
		d.add(Blocking, "enum", enum, fmt.Sprintf("%s: enum has one value, %q: a list written as one string", p, enum.Content[0].Value),
			Action{Target: p.key("enum").String(), Description: fmt.Sprintf("enum %q is a list written as one string", enum.Content[0].Value), Remove: true},
			Action{Target: p.String(), Description: "the values the one-string enum listed", Update: map[string]any{"enum": values}})
	}
	props := mapValue(s, "properties")
	forEachPair(props, func(name string, _, v *yaml.Node) {
		d.schema(v, p.key("properties").key(name))
	})
	d.goNames(props, p.key("properties"), "property")
	for _, k := range []string{"items", "additionalProperties", "not"} {
		if v := mapValue(s, k); v != nil && v.Kind == yaml.MappingNode {
			d.schema(v, p.key(k))
		}
	}
	for _, k := range []string{"allOf", "oneOf", "anyOf"} {
		if v := mapValue(s, k); v != nil && v.Kind == yaml.SequenceNode {
			for i, c := range v.Content {
				d.schema(c, p.key(k).index(i))
			}
		}
	}
}

// schemaKeywords are the keywords of an OpenAPI 3.0 or 3.1 schema.
var schemaKeywords = map[string]bool{}

func init() {
	for _, k := range strings.Fields(`$ref $id $schema $anchor $defs $comment $dynamicRef $dynamicAnchor $vocabulary
		type format title description default enum const example examples nullable readOnly writeOnly deprecated
		multipleOf maximum exclusiveMaximum minimum exclusiveMinimum maxLength minLength pattern
		items prefixItems maxItems minItems uniqueItems contains maxContains minContains unevaluatedItems
		properties additionalProperties patternProperties propertyNames maxProperties minProperties required
		dependentRequired dependentSchemas unevaluatedProperties allOf oneOf anyOf not if then else
		discriminator xml externalDocs contentEncoding contentMediaType contentSchema`) {
		schemaKeywords[k] = true
	}
}

// keywords reports keys of a schema that are no keyword (a typo such as
// "propeties" silently drops what it holds), and a scalar examples.
func (d *defects) keywords(s *yaml.Node, p jsonPath) {
	forEachPair(s, func(k string, keyNode, v *yaml.Node) {
		if strings.HasPrefix(k, "x-") || schemaKeywords[k] {
			return
		}
		var fix []Action
		if near := nearestKeyword(k); near != "" && mapValue(s, near) == nil {
			var value any
			if err := v.Decode(&value); err == nil {
				fix = []Action{
					{Target: p.String(), Description: fmt.Sprintf("%q is a misspelt %q", k, near), Update: map[string]any{near: value}},
					{Target: p.key(k).String(), Description: fmt.Sprintf("%q is a misspelt %q", k, near), Remove: true},
				}
			}
		}
		d.add(Blocking, "keyword", keyNode, fmt.Sprintf("%s: %q is not a schema keyword: what it holds is ignored", p, k), fix...)
		d.out[len(d.out)-1].Key = k
	})
	if ex := mapValue(s, "examples"); ex != nil && ex.Kind != yaml.SequenceNode {
		var value any
		_ = ex.Decode(&value)
		update := map[string]any{"examples": []any{value}}
		if d.v30 {
			update = map[string]any{"example": value}
		}
		d.add(Blocking, "examples", ex, fmt.Sprintf("%s: a schema's examples is a list, not a single value", p),
			Action{Target: p.key("examples").String(), Description: "a schema's examples must be a list", Remove: true},
			Action{Target: p.String(), Description: "the single example that examples held", Update: update})
	}
}

// nearestKeyword returns the schema keyword at most two edits from k, if
// there is exactly one.
func nearestKeyword(k string) string {
	found := ""
	for kw := range schemaKeywords {
		if len(kw) > 3 && editDistance(strings.ToLower(k), strings.ToLower(kw)) <= 2 {
			if found != "" {
				return ""
			}
			found = kw
		}
	}
	return found
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// types checks type and returns the valid types it lists.
func (d *defects) types(s *yaml.Node, p jsonPath) map[string]bool {
	t := mapValue(s, "type")
	out := map[string]bool{}
	if t == nil {
		return out
	}
	var list []*yaml.Node
	switch t.Kind {
	case yaml.ScalarNode:
		list = []*yaml.Node{t}
	case yaml.SequenceNode:
		list = t.Content
	}
	for _, v := range list {
		if validTypes[v.Value] {
			out[v.Value] = true
			continue
		}
		fix := repairType(v.Value)
		if list, ok := fix["type"].([]string); ok && d.v30 {
			// 3.0 has no 'null' type: nullable says it.
			var others []string
			for _, t := range list {
				if t != "null" {
					others = append(others, t)
				}
			}
			fix = map[string]any{"type": others[0]}
			if len(others) < len(list) {
				fix["nullable"] = true
			}
		}
		d.add(Blocking, "type", v, fmt.Sprintf("%s: type %q is not a JSON Schema type (string, number, integer, boolean, array, object, null)", p, v.Value),
			Action{Target: p.String(), Description: fmt.Sprintf("type %q is not a JSON Schema type", v.Value), Update: fix})
		if ft, ok := fix["type"].(string); ok {
			out[ft] = true
		}
	}
	return out
}

// repairType proposes the schema that a type which is not JSON Schema's
// meant: "Integer" is integer, "string," is string, "boolean | null" is
// [boolean, 'null'].
func repairType(t string) map[string]any {
	key := strings.ToLower(strings.TrimSpace(t))
	if r, ok := typeRepairs[key]; ok {
		return r
	}
	var parts []string
	for _, w := range strings.FieldsFunc(key, func(r rune) bool { return !unicode.IsLetter(r) }) {
		if validTypes[w] && !contains(parts, w) {
			parts = append(parts, w)
		}
	}
	switch len(parts) {
	case 0:
		return map[string]any{"type": "string"}
	case 1:
		return map[string]any{"type": parts[0]}
	default:
		return map[string]any{"type": parts}
	}
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// goKey is what a name becomes in Go, for collisions: letters and digits,
// in lower case (publisher_id, publisherId and Publisher-Id collide).
func goKey(name string) string {
	var b strings.Builder
	for _, r := range name {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// goNames reports names of one mapping (properties, or components) that
// give the same Go name.
func (d *defects) goNames(m *yaml.Node, p jsonPath, what string) {
	seen := map[string]string{}
	forEachPair(m, func(name string, keyNode, v *yaml.Node) {
		k := goKey(name)
		if given := mapValue(v, "x-go-name"); given != nil {
			k = goKey(given.Value) // the name oapi-codegen gives it
		}
		other, ok := seen[k]
		if !ok {
			seen[k] = name
			return
		}
		goName := goIdent(name) + "Alt"
		d.add(Blocking, "go-name", keyNode, fmt.Sprintf("%s: %s %q and %q give the same Go name", p, what, other, name),
			Action{Target: p.key(name).String(), Description: fmt.Sprintf("%s %q and %q give the same Go name", what, other, name), Update: map[string]any{"x-go-name": goName}})
	})
}

// componentSuffix names the section of a component in the Go name a
// repair proposes for it.
var componentSuffix = map[string]string{"parameters": "Parameter", "responses": "Response", "requestBodies": "RequestBody", "headers": "Header"}

// componentGoNames reports components of different sections whose Go
// types would have the same name: oapi-codegen gives schemas, parameters,
// responses, request bodies and headers one namespace.
func (d *defects) componentGoNames(components *yaml.Node) {
	seen := map[string]string{}
	// The generated client's own names in package gen.
	for _, name := range []string{"Client", "ClientInterface", "ClientOption", "ClientWithResponses", "ClientWithResponsesInterface", "HttpRequestDoer", "RequestEditorFn", "NewClient", "NewClientWithResponses", "WithHTTPClient", "WithBaseURL", "WithRequestEditorFn"} {
		seen[goKey(name)] = "the generated client's " + name
	}
	// oapi-codegen also names types after each operation:
	// <OperationId>Response, Params, JSONBody and JSONRequestBody.
	forEachPair(mapValue(d.doc, "paths"), func(_ string, _, item *yaml.Node) {
		for _, m := range httpMethods {
			if id := mapValue(mapValue(item, m), "operationId"); id != nil {
				for _, suffix := range []string{"Response", "Params", "JSONBody", "JSONRequestBody"} {
					seen[goKey(id.Value+suffix)] = "operation " + id.Value + "'s " + suffix + " type"
				}
			}
		}
	})
	for _, section := range []string{"schemas", "parameters", "responses", "requestBodies", "headers"} {
		forEachPair(mapValue(components, section), func(name string, keyNode, v *yaml.Node) {
			k := goKey(name)
			if given := mapValue(v, "x-go-name"); given != nil {
				k = goKey(given.Value)
			}
			other, ok := seen[k]
			if !ok {
				seen[k] = section + "." + name
				return
			}
			if strings.HasPrefix(other, section+".") {
				return // reported by goNames within the section
			}
			p := jsonPath{"components", section, name}
			suffix := componentSuffix[section]
			if !strings.HasPrefix(other, "operation ") && !strings.HasPrefix(other, "the generated client's ") {
				other = "components." + other
			} else if suffix == "" {
				suffix = "Schema"
			}
			d.add(Blocking, "go-name", keyNode, fmt.Sprintf("%s: %s and components.%s.%s give the same Go type name", p, other, section, name),
				Action{Target: p.String(), Description: fmt.Sprintf("%s and components.%s.%s give the same Go type name", other, section, name), Update: map[string]any{"x-go-name": goIdent(name) + suffix}})
		})
	}
}

// operationGoNames reports operationIds that differ only in case or
// punctuation (closeVenueURL, closeVenueUrl): they give one Go method name.
func (d *defects) operationGoNames(doc *yaml.Node) {
	seen := map[string]string{}
	forEachPair(mapValue(doc, "paths"), func(path string, _, item *yaml.Node) {
		for _, m := range httpMethods {
			id := mapValue(mapValue(item, m), "operationId")
			if id == nil {
				continue
			}
			k := goKey(id.Value)
			other, ok := seen[k]
			if !ok {
				seen[k] = id.Value
				continue
			}
			if other == id.Value {
				continue // a duplicate: kin-openapi reports it
			}
			p := jsonPath{"paths", path, m}
			d.add(Blocking, "go-name", id, fmt.Sprintf("%s %s: operationIds %q and %q give the same Go name", strings.ToUpper(m), path, other, id.Value),
				Action{Target: p.String(), Description: fmt.Sprintf("operationIds %q and %q give the same Go name", other, id.Value), Update: map[string]any{"operationId": specload.DeriveOperationID(strings.ToUpper(m) + " " + path)}})
		}
	})
}

// goIdent is name in CamelCase.
func goIdent(name string) string {
	var b strings.Builder
	for _, w := range strings.FieldsFunc(name, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		r := []rune(w)
		b.WriteString(strings.ToUpper(string(r[0])) + string(r[1:]))
	}
	return b.String()
}

// parameterKeys are the fields of a parameter object.
var parameterKeys = map[string]bool{"name": true, "in": true, "description": true, "required": true, "deprecated": true,
	"allowEmptyValue": true, "style": true, "explode": true, "allowReserved": true, "schema": true,
	"example": true, "examples": true, "content": true, "$ref": true}

var templateParam = regexp.MustCompile(`\{([^{}]+)\}`)

// pathParams checks each operation's path parameters: every name in the
// path template declared, in: path and required; a name is never blank.
func (d *defects) pathParams(path string, item *yaml.Node, p jsonPath) {
	var want []string
	for _, m := range templateParam.FindAllStringSubmatch(path, -1) {
		want = append(want, m[1])
	}
	type param struct {
		name, in string
		required bool
		node     *yaml.Node
		where    jsonPath // where to repair it (the component for a $ref)
		entry    jsonPath // the entry in the operation's list
		ref      bool     // the entry is a $ref to a component
	}
	collect := func(list *yaml.Node, lp jsonPath) []param {
		var out []param
		if list == nil || list.Kind != yaml.SequenceNode {
			return out
		}
		for i, c := range list.Content {
			where := lp.index(i)
			isRef := false
			if ref := mapValue(c, "$ref"); ref != nil && strings.HasPrefix(ref.Value, "#/") {
				isRef = true
				if r := resolve(d.doc, ref.Value); r != nil {
					var rp jsonPath
					for _, tok := range strings.Split(strings.TrimPrefix(ref.Value, "#/"), "/") {
						rp = append(rp, strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~"))
					}
					c, where = r, rp
				}
			}
			if name := mapValue(c, "name"); name == nil || strings.TrimSpace(name.Value) == "" {
				// Removed where it is used: a component may be used elsewhere.
				entry := lp.index(i)
				d.add(Blocking, "parameter", c, fmt.Sprintf("%s: a parameter has a blank name (%s)", entry, where),
					Action{Target: entry.String(), Description: "a parameter with a blank name cannot be sent", Remove: true})
				continue
			}
			forEachPair(c, func(k string, keyNode, _ *yaml.Node) {
				if !parameterKeys[k] && !strings.HasPrefix(k, "x-") {
					d.add(Blocking, "keyword", keyNode, fmt.Sprintf("%s: %q is not a parameter field: what it holds is ignored (a parameter's type goes in its schema)", where, k),
						Action{Target: where.key(k).String(), Description: fmt.Sprintf("%q is not a parameter field", k), Remove: true})
					d.out[len(d.out)-1].Key = k
				}
			})
			pr := param{node: c, where: where, entry: lp.index(i), ref: isRef}
			if v := mapValue(c, "name"); v != nil {
				pr.name = v.Value
			}
			if v := mapValue(c, "in"); v != nil {
				pr.in = v.Value
			}
			if v := mapValue(c, "required"); v != nil {
				pr.required = v.Value == "true"
			}
			out = append(out, pr)
		}
		return out
	}
	shared := collect(mapValue(item, "parameters"), p.key("parameters"))
	for _, m := range httpMethods {
		op := mapValue(item, m)
		if op == nil {
			continue
		}
		op_ := p.key(m)
		params := append(append([]param(nil), shared...), collect(mapValue(op, "parameters"), op_.key("parameters"))...)
		declared := map[string]param{}
		for _, pr := range params {
			if pr.in == "path" {
				declared[pr.name] = pr
			}
		}
		for _, name := range want {
			pr, ok := declared[name]
			switch {
			case !ok:
				decl := map[string]any{"name": name, "in": "path", "required": true, "schema": map[string]any{"type": "string"}}
				fix := Action{Target: op_.key("parameters").String(), Description: fmt.Sprintf("the path has {%s}, which the operation does not declare", name), Update: []any{decl}}
				if mapValue(op, "parameters") == nil {
					fix = Action{Target: op_.String(), Description: fix.Description, Update: map[string]any{"parameters": []any{decl}}}
				}
				d.add(Blocking, "path-parameter", op, fmt.Sprintf("%s %s: the path parameter {%s} is not declared (give it the type Partoo's docs show)", strings.ToUpper(m), path, name), fix)
			case !pr.required:
				d.add(Blocking, "path-parameter", pr.node, fmt.Sprintf("%s %s: the path parameter %q is not required (a path parameter always is)", strings.ToUpper(m), path, name),
					Action{Target: pr.where.String(), Description: fmt.Sprintf("path parameter %q must be required", name), Update: map[string]any{"required": true}})
			}
		}
		for _, pr := range params {
			if pr.in != "path" || contains(want, pr.name) {
				continue
			}
			msg := fmt.Sprintf("%s %s: %q is declared in: path, but the path has no {%s} (is it a query parameter?)", strings.ToUpper(m), path, pr.name, pr.name)
			why := fmt.Sprintf("the path has no {%s}; Partoo's docs send it in the query", pr.name)
			if !pr.ref {
				d.add(Blocking, "path-parameter", pr.node, msg, Action{Target: pr.where.String(), Description: why, Update: map[string]any{"in": "query"}})
				continue
			}
			// The component serves other operations as a path parameter:
			// this operation gets its own query parameter instead.
			var inline map[string]any
			if err := pr.node.Decode(&inline); err != nil {
				continue
			}
			inline["in"] = "query"
			d.add(Blocking, "path-parameter", mapValue(op, "parameters"), msg,
				Action{Target: pr.entry.String(), Description: why, Remove: true},
				Action{Target: op_.key("parameters").String(), Description: why, Update: []any{inline}})
		}
	}
}

// fixText renders the repairs of a finding as overlay actions to paste.
func fixText(actions []Action) string {
	b, err := yaml.Marshal(actions)
	if err != nil {
		return ""
	}
	return string(b)
}

var indexTarget = regexp.MustCompile(`^(.*)\[(\d+)\]$`)

// removedEntry returns the list and the index of the entry that a finding's
// repair removes, if it removes one by index.
func removedEntry(f Finding) (list string, index int, ok bool) {
	for _, a := range f.Fix {
		if m := indexTarget.FindStringSubmatch(a.Target); a.Remove && m != nil {
			n, _ := strconv.Atoi(m[2])
			return m[1], n, true
		}
	}
	return "", 0, false
}

// sortFindings orders findings by level (blocking first), line, then rule.
// Findings whose repair removes a list entry by index come after the other
// blocking ones, the highest index of a list first, so that their repairs,
// pasted in order, never shift an index that another repair targets.
func sortFindings(out []Finding) {
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Level != out[j].Level {
			return out[i].Level == Blocking
		}
		li, ii, ri := removedEntry(out[i])
		lj, ij, rj := removedEntry(out[j])
		if ri != rj {
			return rj
		}
		if ri && li == lj && ii != ij {
			return ii > ij
		}
		if out[i].Line != out[j].Line {
			return out[i].Line < out[j].Line
		}
		return out[i].Rule < out[j].Rule
	})
}
