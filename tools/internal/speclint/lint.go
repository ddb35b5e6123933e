// Package speclint checks a bundled OpenAPI document before code is
// generated from it, with kin-openapi and the rules docs/maintaining.md
// lists: Lint finds, Report prints. make spec-lint (tools/spectest's
// TestSpecLint) and update-spec run it.
package speclint

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/agnivade/levenshtein"
	"github.com/getkin/kin-openapi/openapi3"
	gocmp "github.com/google/go-cmp/cmp"

	"github.com/partoo-go/partoo/tools/internal/ecma"
	"github.com/partoo-go/partoo/tools/internal/goname"
	"github.com/partoo-go/partoo/tools/internal/specload"
	"gopkg.in/yaml.v3"
)

// Levels of a finding: a blocking one would make the generated client
// wrong or unbuildable, an advisory one is worked around.
const (
	Blocking = "blocking"
	Advisory = "advisory"
)

// Finding is one problem found in the spec.
type Finding struct {
	Level   string   // Blocking or Advisory
	Rule    string   // the check that failed: kin-openapi, type, provenance...
	Line    int      // the 1-based line of the element, or 0 (kin-openapi gives none)
	Message string   // what is wrong and where; for an advisory finding, how it is worked around
	Fix     []Action // the overlay actions that would repair a blocking finding, when the rule can tell
}

// Action is an OpenAPI Overlay 1.0 action that repairs a blocking finding.
type Action struct {
	Target      string `yaml:"target"`
	Description string `yaml:"description"`
	Update      any    `yaml:"update,omitempty"`
	Remove      bool   `yaml:"remove,omitempty"`
}

// jsonPath is read by the overlay's legacy and RFC 9535 implementations: $.a['b/{c}'][0].
type jsonPath string

var plainKey = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

func (p jsonPath) key(keys ...string) jsonPath {
	for _, k := range keys {
		if plainKey.MatchString(k) {
			p += jsonPath("." + k)
		} else {
			p += jsonPath(specload.Member(k))
		}
	}
	return p
}

func (p jsonPath) index(i int) jsonPath { return p + jsonPath(fmt.Sprintf("[%d]", i)) }

type operation struct {
	name string   // "GET /path", or "webhooks.name POST"
	path []string // its keys from the document's root
	at   jsonPath
	node *yaml.Node
}

// Lint checks spec (a bundled OpenAPI document) with kin-openapi and the
// project's rules. root is spec parsed, whose lines the findings give (nil:
// Lint parses spec). seed is Partoo's verbatim YAML, decoded, which the bundle
// may not change (nil: spec is Partoo's bundle, its own seed). The findings
// come blocking first, then by line and rule.
func Lint(root *yaml.Node, spec []byte, seed map[string]any) []Finding {
	if root == nil {
		root = new(yaml.Node)
		if err := yaml.Unmarshal(spec, root); err != nil {
			return []Finding{{Level: Blocking, Rule: "yaml", Message: err.Error()}}
		}
	}
	if root.Kind != yaml.DocumentNode || len(root.Content) == 0 || root.Content[0].Kind != yaml.MappingNode {
		return []Finding{{Level: Blocking, Rule: "yaml", Message: "the document is not a YAML mapping"}}
	}
	d := newDefects(root.Content[0])
	d.kinOpenAPI(spec, lineMap(root, spec))
	d.servers()
	if seed != nil {
		d.provenance(seed)
	}
	sortFindings(d.out)
	// A component reached from several operations is reported once.
	return slices.CompactFunc(d.out, func(a, b Finding) bool { return reflect.DeepEqual(a, b) })
}

var kinLine = regexp.MustCompile(`\bline (\d+)\b`)

// lineMap pairs the nodes of spec with root's, the same document whose nodes
// may keep the lines of another file (Partoo's bundle, repaired): a line of
// spec to root's; nil when spec does not parse into the same shape.
func lineMap(root *yaml.Node, spec []byte) map[int]int {
	var parsed yaml.Node
	lines := map[int]int{}
	var pair func(a, b *yaml.Node) bool
	pair = func(a, b *yaml.Node) bool {
		if a.Kind != b.Kind || len(a.Content) != len(b.Content) {
			return false
		}
		if _, seen := lines[a.Line]; !seen && b.Line > 0 {
			lines[a.Line] = b.Line
		}
		for i := range a.Content {
			if !pair(a.Content[i], b.Content[i]) {
				return false
			}
		}
		return true
	}
	if yaml.Unmarshal(spec, &parsed) != nil || !pair(&parsed, root) {
		return nil
	}
	return lines
}

// coveredKin are kin-openapi's messages about what the structural rules report.
var coveredKin = []string{"unsupported 'type' value", "an array of types is for OpenAPI >=3.1", "have the same operation id", "must define exactly all path parameters", "parameter name can't be blank", "must be required", "array items", "discriminator", "value is not one of the allowed values"}

// kinOpenAPI validates spec, patterns as ECMAScript, leaving out what the
// structural rules report; a broken example is advisory (the fake builds a value).
func (d *defects) kinOpenAPI(spec []byte, lines map[int]int) {
	structural := len(d.out) > 0
	add := func(level, rule, msg string) {
		// kin-openapi names lines of spec: give those of d's file (Partoo's bundle, when repaired).
		msg = kinLine.ReplaceAllStringFunc(msg, func(m string) string {
			n, _ := strconv.Atoi(strings.TrimPrefix(m, "line "))
			if l, ok := lines[n]; ok {
				return "line " + strconv.Itoa(l)
			}
			return m
		})
		d.out = append(d.out, Finding{Level: level, Rule: rule, Message: msg})
	}
	doc, err := openapi3.NewLoader().LoadFromData(spec)
	if err != nil {
		hint := ""
		if structural { // a value of the wrong kind, such as required: true, stops the load
			hint = " (the repairs of the findings above may remove it: lint again after pasting them)"
		}
		add(Blocking, "kin-openapi", "load: "+err.Error()+hint)
		return
	}
	validate := func(opts ...openapi3.ValidationOption) openapi3.MultiError {
		// With EnableMultiError, Validate returns nil or a MultiError.
		multi, _ := doc.Validate(context.Background(), append(opts, openapi3.SetRegexCompiler(ecma.Compile), openapi3.EnableSchemaPatternValidation(), openapi3.EnableMultiError())...).(openapi3.MultiError)
		return multi
	}
	covered := func(msg string) bool {
		if _, fields, ok := strings.Cut(msg, "extra sibling fields: ["); ok {
			fields, _, _ = strings.Cut(fields, "]")
			return !slices.ContainsFunc(strings.Fields(fields), func(f string) bool { return !d.unknownKeys[f] })
		}
		return slices.ContainsFunc(coveredKin, func(s string) bool { return strings.Contains(msg, s) })
	}
	schemaErrs, seen := validate(openapi3.DisableExamplesValidation()), map[string]bool{}
	for i, e := range append(schemaErrs, validate()...) {
		switch msg := e.Error(); {
		case seen[msg]:
		case i >= len(schemaErrs) && strings.Contains(msg, "example"):
			first, _, _ := strings.Cut(msg, "\n")
			add(Advisory, "example", first+" (the fake does not serve this example: it answers with a value it builds from the schema)")
		case !structural || !covered(msg):
			add(Blocking, "kin-openapi", msg)
		}
		seen[e.Error()] = true
	}
}

// servers checks that the client's environments are there; the root
// module's tests (update-spec's step 5) check Production's and Sandbox's URLs.
func (d *defects) servers() {
	if list := specload.MapValue(d.doc, "servers"); len(seq(list)) == 0 {
		d.add(Blocking, "servers", cmp.Or(list, d.doc), "the spec declares no servers: the client takes its Production and Sandbox URLs from them")
	}
}

// provenance checks that each top-level field, operation and component is
// the seed's, unchanged, or carries a valid x-partoo-go-source.
func (d *defects) provenance(seed map[string]any) {
	check := func(where string, n *yaml.Node, path ...string) {
		var want any = seed
		for _, k := range path {
			m, _ := want.(map[string]any)
			want = m[k]
		}
		got, decoded := decode(n)
		src := specload.MapValue(n, "x-partoo-go-source")
		msg := ""
		switch kind := value(src, "kind"); {
		case want != nil && decoded:
			// go-cmp varies its indentation (U+00A0 or a space) so that no test depends on it: a report does not vary.
			if diff := strings.ReplaceAll(gocmp.Diff(want, got), "\u00a0", " "); diff != "" {
				msg = "differs from Partoo's verbatim YAML (the seed); " + specload.VerbatimRule + "; -Partoo +bundle:\n" + strings.TrimSuffix(diff, "\n")
			}
		case n.Kind != yaml.MappingNode:
			msg = "is not an object and cannot carry x-partoo-go-source"
		case src == nil:
			msg = "carries no x-partoo-go-source {kind, note}"
		case kind != "reference-docs" && kind != "assumption":
			msg = fmt.Sprintf("x-partoo-go-source.kind %q is not one of reference-docs, assumption", kind)
		case strings.TrimSpace(value(src, "note")) == "":
			msg = "x-partoo-go-source has an empty note: say where the element comes from"
		}
		if msg != "" && want != nil && !decoded {
			msg = "differs from Partoo's verbatim YAML (the seed) and " + msg
		}
		if msg != "" {
			d.add(Blocking, "provenance", n, where+": "+msg)
		}
	}
	for key, val := range specload.Pairs(d.doc) {
		if k := key.Value; k != "paths" && k != "components" && k != "webhooks" {
			check(k, val, k)
		}
	}
	for _, op := range d.ops {
		check(op.name, op.node, op.path...)
	}
	for section, comps := range specload.Pairs(specload.MapValue(d.doc, "components")) {
		for name, val := range specload.Pairs(comps) {
			check("components."+section.Value+"."+name.Value, val, "components", section.Value, name.Value)
		}
	}
}

// sortFindings puts blocking findings first, and last those removing a list
// entry, highest index first, so that no repair shifts another's index.
func sortFindings(out []Finding) {
	removed := func(f Finding) int {
		for _, a := range f.Fix {
			t, list := strings.CutSuffix(a.Target, "]")
			if n, err := strconv.Atoi(t[strings.LastIndex(t, "[")+1:]); a.Remove && list && err == nil {
				return n
			}
		}
		return -1
	}
	slices.SortStableFunc(out, func(a, b Finding) int {
		ia, ib := removed(a), removed(b)
		return cmp.Or(cmp.Compare(b.Level, a.Level), cmp.Compare(min(ia, 0), min(ib, 0)), cmp.Compare(ib, ia),
			cmp.Compare(a.Line, b.Line), cmp.Compare(a.Rule, b.Rule), cmp.Compare(a.Message, b.Message))
	})
}

func seq(n *yaml.Node) []*yaml.Node {
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	return n.Content
}

func decode(n *yaml.Node) (any, bool) {
	var v any
	err := n.Decode(&v)
	return v, err == nil
}

func value(n *yaml.Node, key string) string {
	if v := specload.MapValue(n, key); v != nil {
		return v.Value
	}
	return ""
}

var (
	validTypes     = strings.Fields("string number integer boolean array object null")
	schemaKeywords = strings.Fields(`$ref $id $schema $anchor $defs $comment $dynamicRef $dynamicAnchor $vocabulary type format title
		description default enum const example examples nullable readOnly writeOnly deprecated multipleOf maximum exclusiveMaximum minimum
		exclusiveMinimum maxLength minLength pattern items prefixItems maxItems minItems uniqueItems contains maxContains minContains
		unevaluatedItems properties additionalProperties patternProperties propertyNames maxProperties minProperties required dependentRequired
		dependentSchemas unevaluatedProperties allOf oneOf anyOf not if then else discriminator xml externalDocs contentEncoding contentMediaType contentSchema`)
	parameterKeys = strings.Fields("name in description required deprecated allowEmptyValue style explode allowReserved schema example examples content $ref")
)

// typeRepairs are the invalid types that repairType does not read word by word.
var typeRepairs = map[string]map[string]any{
	"timestamp": {"type": "string", "format": "date-time"}, "datetime": {"type": "string", "format": "date-time"},
	"date": {"type": "string", "format": "date"}, "float": {"type": "number"}, "double": {"type": "number"},
	"int": {"type": "integer"}, "text": {"type": "string"}, "enum": {"type": "string"},
	"array of string": {"type": "array", "items": map[string]any{"type": "string"}},
}

// formatWords are patterns that name a format ("pattern: date").
var formatWords = map[string]string{
	"date": "date", "yyyy-mm-dd": "date", "date-time": "date-time", "datetime": "date-time",
	"time": "time", "uuid": "uuid", "email": "email", "uri": "uri", "url": "uri",
}

// componentSections are components' sections, schemas first, with a
// colliding Go name's suffix.
var componentSections = [][2]string{{"schemas", ""}, {"parameters", "Parameter"}, {"responses", "Response"}, {"requestBodies", "RequestBody"}, {"headers", "Header"}}

// generatedNames are the generated client's own names in package gen.
var generatedNames = strings.Fields("Client ClientInterface ClientOption ClientWithResponses ClientWithResponsesInterface HttpRequestDoer RequestEditorFn NewClient NewClientWithResponses WithHTTPClient WithBaseURL WithRequestEditorFn")

// defects walks the document once, with a JSONPath to each finding's repair.
type defects struct {
	doc         *yaml.Node
	v30         bool // repairs are written in 3.0's forms (nullable: true)
	ops         []operation
	out         []Finding
	unknownKeys map[string]bool   // the keys the keyword findings remove
	taken       map[string]string // package gen's type names (goname.Key), and what has them
	renamed     map[string]bool   // the parameters a go-name repair renames, each once
}

func (d *defects) add(level, rule string, n *yaml.Node, msg string, fix ...Action) {
	d.out = append(d.out, Finding{Level: level, Rule: rule, Line: n.Line, Message: msg, Fix: fix})
}

// fix reports a blocking finding at n, whose repair updates p (nil: removes it).
func (d *defects) fix(rule string, n *yaml.Node, where string, p jsonPath, why string, update any) {
	d.add(Blocking, rule, n, where+": "+why, Action{Target: string(p), Description: why, Update: update, Remove: update == nil})
}

// newDefects runs the structural rules over doc.
func newDefects(doc *yaml.Node) *defects {
	d := &defects{doc: doc, v30: strings.HasPrefix(value(doc, "openapi"), "3.0"), unknownKeys: map[string]bool{}, renamed: map[string]bool{}}
	ids := map[string]string{}
	for _, section := range []string{"paths", "webhooks"} {
		for key, item := range specload.Pairs(specload.MapValue(doc, section)) {
			path := key.Value
			at := jsonPath("$").key(section, path)
			d.nested(item, at)
			var shared []param
			if section == "paths" {
				shared = d.params(specload.MapValue(item, "parameters"), at.key("parameters"))
			}
			for _, m := range specload.HTTPMethods {
				op := operation{name: strings.ToUpper(m) + " " + path, path: []string{section, path, m}, at: at.key(m), node: specload.MapValue(item, m)}
				switch {
				case op.node == nil:
					continue
				case section == "webhooks":
					op.name = "webhooks." + path + " " + strings.ToUpper(m)
				default:
					d.pathParams(op, path, shared)
					d.operation(op, ids)
				}
				d.ops = append(d.ops, op)
			}
		}
	}
	components := specload.MapValue(doc, "components")
	d.componentGoNames(components)
	schemas := specload.MapValue(components, "schemas")
	for name, s := range specload.Pairs(schemas) {
		d.schema(s, jsonPath("$").key("components", "schemas", name.Value), name.Value, false)
	}
	d.goNames(schemas, jsonPath("$").key("components", "schemas"), "schema")
	for _, sec := range componentSections[1:] { // the sections with schemas in their fields
		for name, v := range specload.Pairs(specload.MapValue(components, sec[0])) {
			d.nested(v, jsonPath("$").key("components", sec[0], name.Value))
		}
	}
	for keyNode, v := range specload.Pairs(specload.MapValue(components, "parameters")) {
		p := jsonPath("$").key("components", "parameters", keyNode.Value)
		if specload.MapValue(v, "$ref") == nil && strings.TrimSpace(value(v, "name")) == "" {
			d.fix("parameter", keyNode, string(p), p, "the parameter has a blank name: it cannot be sent (its uses are removed one by one)", nil)
		}
		if value(v, "in") == "path" && value(v, "required") != "true" {
			d.fix("path-parameter", v, string(p), p, fmt.Sprintf("the path parameter %q must be required", value(v, "name")), map[string]any{"required": true})
		}
	}
	return d
}

// operation checks that op has an operationId whose Go name no operation
// before it (ids) has. (An operation without a 2xx response is specgen's to
// refuse: it decides what a helper's success is.)
func (d *defects) operation(op operation, ids map[string]string) {
	name := value(op.node, "operationId")
	if strings.TrimSpace(name) == "" {
		d.fix("operation-id", op.node, op.name, op.at, "no operationId: the generated method is named after it (a bundle taken with SOURCE=partoo gets derived ones, recorded in api/names.yaml)", map[string]any{"operationId": specload.DeriveOperationID(op.name)})
	} else if other, clash := claim(ids, goname.Key(name), name); clash {
		rule, why := "go-name", fmt.Sprintf("operationIds %q and %q give the same Go name", other, name)
		if other == name {
			rule, why = "operation-id", fmt.Sprintf("operationId %q is another operation's too", name)
		}
		d.fix(rule, specload.MapValue(op.node, "operationId"), op.name, op.at, why, map[string]any{"operationId": specload.DeriveOperationID(op.name)})
	}
}

// nested checks the schemas in the fields under n, not entering examples, extensions or $refs.
func (d *defects) nested(n *yaml.Node, p jsonPath) {
	for i, c := range seq(n) {
		d.nested(c, p.index(i))
	}
	for key, v := range specload.Pairs(n) {
		switch k := key.Value; {
		case specload.MapValue(n, "$ref") != nil || k == "example" || k == "examples" || strings.HasPrefix(k, "x-"):
		case k == "schema":
			d.schema(v, p.key(k), "", false)
		default:
			d.nested(v, p.key(k))
		}
	}
}

// schema checks s and its subschemas; goType is oapi-codegen's name for its
// type within a component schema (inline: not the component itself).
func (d *defects) schema(s *yaml.Node, p jsonPath, goType string, inline bool) {
	if s.Kind != yaml.MappingNode {
		return
	}
	// oapi-codegen names an inline enum's type after its path (Media.kind: MediaKind).
	if enum, other := specload.MapValue(s, "enum"), d.taken[goname.Key(goType)]; inline && enum != nil && other != "" && specload.MapValue(s, "x-go-type-name") == nil {
		d.fix("go-name", enum, string(p), p, fmt.Sprintf("the inline enum's Go type, %s, has the name of %s's type", goname.Of(goType), other), map[string]any{"x-go-type-name": goname.Of(goType) + "Value"})
	}
	ref := specload.MapValue(s, "$ref") != nil
	for keyNode, v := range specload.Pairs(s) {
		format, formatWord := formatWords[strings.ToLower(v.Value)]
		switch k := keyNode.Value; {
		case ref && d.v30 && k != "$ref" && k != "description" && k != "summary":
			d.add(Advisory, "ref-sibling", keyNode, fmt.Sprintf("%s: %q beside $ref is ignored by OpenAPI 3.0, so the generators drop it (3.1 would apply it)", p, k))
		case ref && k != "type" && k != "nullable": // a 3.1 sibling of $ref applies
		case k == "type":
			d.types(s, v, p)
		case k == "nullable" && !d.v30:
			d.replace("keyword", keyNode, p, k, "nullable is OpenAPI 3.0's and means nothing in 3.1: where null is allowed, list 'null' in the type (for a $ref, anyOf with {type: 'null'})", nil)
		case k == "required" && v.Kind != yaml.SequenceNode:
			d.replace("required", v, p, k, fmt.Sprintf("required is %q, not a list of property names (to require this property, add its name to the required list of the object that holds it)", v.Value), nil)
		case k == "examples" && v.Kind != yaml.SequenceNode:
			value, _ := decode(v)
			meant := map[string]any{"examples": []any{value}}
			if d.v30 {
				meant = map[string]any{"example": value}
			}
			d.replace("examples", v, p, k, "a schema's examples is a list, not a single value", meant)
		case k == "format" && v.Kind == yaml.ScalarNode && !specload.KnownFormat(v.Value):
			d.add(Advisory, "format", v, fmt.Sprintf("%s: format %q is not one the generator knows: treated as a plain value of the schema's type", p, v.Value))
		case k == "pattern" && v.Kind == yaml.ScalarNode && formatWord:
			d.replace("pattern-format", v, p, k, fmt.Sprintf("pattern %q names a format: as a regular expression it accepts only strings containing %q", v.Value, v.Value), map[string]any{"format": format})
		case k == "enum" && len(seq(v)) == 1 && strings.Contains(v.Content[0].Value, ","):
			values := commaList.Split(strings.TrimSpace(v.Content[0].Value), -1)
			d.replace("enum", v, p, k, fmt.Sprintf("enum has one value, %q: a list written as one string", v.Content[0].Value), map[string]any{"enum": values})
		case k == "discriminator" && specload.MapValue(s, "oneOf") == nil && specload.MapValue(s, "anyOf") == nil:
			d.replace("discriminator", v, p, k, "a discriminator without oneOf or anyOf (on a base that other schemas extend with allOf) selects nothing: the generated client cannot decode by it; the schemas that extend this one keep their fields", nil)
		case k == "discriminator":
			for val, ref := range specload.Pairs(specload.MapValue(v, "mapping")) {
				if r, _ := resolve(d.doc, ref.Value); r == nil && strings.HasPrefix(ref.Value, "#/") {
					d.replace("ref", ref, p.key(k, "mapping"), val.Value, fmt.Sprintf("discriminator value %q maps to %q, which the bundle lacks", val.Value, ref.Value), nil)
				}
			}
		case k == "propertyNames": // which kin-openapi does not check examples against
			re, err := ecma.Compile(value(v, "pattern")) // kin-openapi reports a pattern that does not compile
			for key := range specload.Pairs(specload.MapValue(s, "example")) {
				if err == nil && !re.MatchString(key.Value) {
					d.add(Advisory, "example-pattern", key, fmt.Sprintf("example key %q does not match propertyNames.pattern %q (the fake does not serve this example)", key.Value, value(v, "pattern")))
				}
			}
		case k == "properties":
			for name, prop := range specload.Pairs(v) {
				d.schema(prop, p.key(k, name.Value), goType+"_"+name.Value, goType != "")
			}
			d.goNames(v, p.key(k), "property")
		case k == "items" && inline: // an inline array's items are named after it
			d.schema(v, p.key(k), goType, true)
		case k == "items" || k == "additionalProperties" || k == "not":
			d.schema(v, p.key(k), "", false)
		case k == "allOf": // its parts make one type
			for i, c := range seq(v) {
				d.schema(c, p.key(k).index(i), goType, inline)
			}
		case k == "oneOf" || k == "anyOf":
			for i, c := range seq(v) {
				d.schema(c, p.key(k).index(i), "", false)
			}
		case !slices.Contains(schemaKeywords, k) && !strings.HasPrefix(k, "x-"):
			d.replace("keyword", keyNode, p, k, fmt.Sprintf("%q is not a schema keyword: what it holds is ignored", k), misspelt(s, v, k))
		}
	}
}

// replace reports the key k at p, whose value v is wrong: the repair removes
// it, then updates p with what it meant, if known.
func (d *defects) replace(rule string, v *yaml.Node, p jsonPath, k, why string, meant map[string]any) {
	fix := []Action{{Target: string(p.key(k)), Description: why, Remove: true}}
	if meant != nil {
		fix = append(fix, Action{Target: string(p), Description: why, Update: meant})
	}
	d.add(Blocking, rule, v, fmt.Sprintf("%s: %s", p, why), fix...)
	if rule == "keyword" {
		d.unknownKeys[k] = true
	}
}

// misspelt returns what the unknown key k meant: the one keyword at most
// two edits from it, unless the schema s has it already.
func misspelt(s, v *yaml.Node, k string) map[string]any {
	near := slices.DeleteFunc(slices.Clone(schemaKeywords), func(kw string) bool {
		return len(kw) <= 3 || levenshtein.ComputeDistance(strings.ToLower(k), strings.ToLower(kw)) > 2
	})
	if value, ok := decode(v); ok && len(near) == 1 && specload.MapValue(s, near[0]) == nil {
		return map[string]any{near[0]: value}
	}
	return nil
}

func appendNew(list []string, items ...string) []string {
	for _, it := range items {
		if !slices.Contains(list, it) {
			list = append(list, it)
		}
	}
	return list
}

// types checks the type t of s, and an array's items. The repair writes the type
// again (removing a list or tag first: an update would append or keep it), in
// 3.0 as one type.
func (d *defects) types(s, t *yaml.Node, p jsonPath) {
	var names, wrong []string
	var first *yaml.Node
	fix := map[string]any{}
	list := seq(t)
	if t.Kind == yaml.ScalarNode {
		list = []*yaml.Node{t}
	}
	kept := "" // in 3.0, the one type a repair keeps: the first that is not null
	for _, v := range list {
		r := map[string]any{"type": v.Value}
		if !slices.Contains(validTypes, v.Value) {
			r = repairType(v.Value, d.v30)
			if first == nil {
				first = v
			}
			wrong = append(wrong, strconv.Quote(v.Value))
		}
		for k, x := range r {
			switch many, ok := x.([]string); {
			case k == "type" && ok:
				names = appendNew(names, many...)
			case k == "type":
				names = appendNew(names, x.(string))
			case d.v30 && kept != "" && k != "nullable": // a dropped type's format
			case fix[k] == nil && specload.MapValue(s, k) == nil:
				fix[k] = x
			}
		}
		if ty, _ := r["type"].(string); d.v30 && kept == "" && ty != "null" {
			kept = ty
		}
	}
	if list30 := d.v30 && t.Kind == yaml.SequenceNode && kept != ""; len(wrong) > 0 || list30 {
		var why []string
		if len(wrong) > 0 {
			why = append(why, fmt.Sprintf("type %s is not a JSON Schema type", strings.Join(wrong, ", ")))
		}
		if list30 { // even of valid types
			null := slices.Contains(names, "null")
			names = []string{kept}
			why = append(why, "OpenAPI 3.0 has no type lists: the repair keeps the first type, "+kept)
			if null {
				fix["nullable"] = true
				why[len(why)-1] += ", and a null as nullable"
			}
		}
		what := strings.Join(why, "; ")
		fix["type"] = names
		if len(names) == 1 {
			fix["type"] = names[0]
		}
		actions := []Action{{Target: string(p), Description: what, Update: fix}}
		if t.Kind == yaml.SequenceNode || t.Tag != "!!str" {
			actions = append([]Action{{Target: string(p.key("type")), Description: what, Remove: true}}, actions...)
		}
		msg := fmt.Sprintf("%s: %s", p, what)
		if len(wrong) > 0 {
			msg += " (" + strings.Join(validTypes, ", ") + ")"
		}
		d.add(Blocking, "type", cmp.Or(first, t), msg, actions...)
	}
	if slices.Contains(names, "array") && specload.MapValue(s, "items") == nil && specload.MapValue(s, "$ref") == nil {
		d.fix("array-items", s, string(p), p, "an array without items: the generated type would hold anything; declare the item schema Partoo's docs show (here, strings)",
			map[string]any{"items": map[string]any{"type": "string"}})
	}
}

// repairType proposes what an invalid type meant: "Integer" is integer,
// "boolean | null" is [boolean, 'null'] (in 3.0, boolean and nullable).
func repairType(t string, v30 bool) map[string]any {
	key := strings.ToLower(strings.TrimSpace(t))
	if r, ok := typeRepairs[key]; ok {
		return r
	}
	words := strings.FieldsFunc(key, func(r rune) bool { return !unicode.IsLetter(r) })
	parts := appendNew(nil, slices.DeleteFunc(words, func(w string) bool { return !slices.Contains(validTypes, w) })...)
	others := slices.DeleteFunc(slices.Clone(parts), func(t string) bool { return t == "null" })
	switch {
	case len(parts) == 0:
		return map[string]any{"type": "string"}
	case len(parts) == 1:
		return map[string]any{"type": parts[0]}
	case !v30:
		return map[string]any{"type": parts}
	case len(others) < len(parts):
		return map[string]any{"type": others[0], "nullable": true}
	}
	return map[string]any{"type": others[0]}
}

// resolve returns the node a local JSON pointer designates, and its path.
func resolve(doc *yaml.Node, ref string) (*yaml.Node, jsonPath) {
	n, p := doc, jsonPath("$")
	for tok := range strings.SplitSeq(strings.TrimPrefix(ref, "#/"), "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		if i, err := strconv.Atoi(tok); err == nil && n.Kind == yaml.SequenceNode && i >= 0 && i < len(n.Content) {
			n, p = n.Content[i], p.index(i)
		} else if n, p = specload.MapValue(n, tok), p.key(tok); n == nil {
			return nil, ""
		}
	}
	return n, p
}

// goKey is the goname.Key of name, or of the x-go-name v carries.
func goKey(name string, v *yaml.Node) string { return goname.Key(cmp.Or(value(v, "x-go-name"), name)) }

// claim gives key to what, or returns what has it.
func claim(seen map[string]string, key, what string) (other string, clash bool) {
	if other, clash = seen[key]; !clash {
		seen[key] = what
	}
	return other, clash
}

// goNames reports keys of m that give one Go name.
func (d *defects) goNames(m *yaml.Node, p jsonPath, what string) {
	seen := map[string]string{}
	for keyNode, v := range specload.Pairs(m) {
		name := keyNode.Value
		if other, clash := claim(seen, goKey(name, v), name); clash {
			d.fix("go-name", keyNode, string(p), p.key(name), fmt.Sprintf("%s %q and %q give the same Go name", what, other, name), map[string]any{"x-go-name": goname.Of(name) + "Alt"})
		}
	}
}

// componentGoNames reports components whose Go types have another section's,
// the client's or an operation's type name.
func (d *defects) componentGoNames(components *yaml.Node) {
	d.taken = map[string]string{}
	for _, name := range generatedNames {
		d.taken[goname.Key(name)] = "the generated client's " + name
	}
	for _, op := range d.ops {
		for _, suffix := range []string{"Response", "Params", "JSONBody", "JSONRequestBody"} {
			if id := value(op.node, "operationId"); id != "" && op.path[0] == "paths" {
				d.taken[goname.Key(id+suffix)] = "operation " + id + "'s " + suffix + " type"
			}
		}
	}
	for _, sec := range componentSections {
		for keyNode, v := range specload.Pairs(specload.MapValue(components, sec[0])) {
			name := keyNode.Value
			p, what := jsonPath("$").key("components", sec[0], name), "components."+sec[0]+"."+name
			other, clash := claim(d.taken, goKey(name, v), what)
			if !clash || strings.HasPrefix(other, "components."+sec[0]+".") {
				continue // within the section, goNames reports it
			}
			suffix := sec[1]
			if !strings.HasPrefix(other, "components.") {
				suffix = cmp.Or(suffix, "Schema") // a schema against the client's or an operation's name
			}
			d.fix("go-name", keyNode, string(p), p, fmt.Sprintf("%s and %s give the same Go type name", other, what), map[string]any{"x-go-name": goname.Of(name) + suffix})
		}
	}
}

var templateParam, commaList = regexp.MustCompile(`\{([^{}]+)\}`), regexp.MustCompile(`\s*,\s*`)

type param struct {
	name, in string
	node     *yaml.Node
	where    jsonPath // where to repair it: the component for a $ref
	entry    jsonPath
}

// params reads a parameters list, reporting blank names and unknown fields.
func (d *defects) params(list *yaml.Node, lp jsonPath) []param {
	var out []param
	for i, c := range seq(list) {
		pr := param{node: c, where: lp.index(i), entry: lp.index(i)}
		if r, rp := resolve(d.doc, value(c, "$ref")); r != nil && strings.HasPrefix(value(c, "$ref"), "#/") {
			pr.node, pr.where = r, rp
		}
		pr.name, pr.in = value(pr.node, "name"), value(pr.node, "in")
		if strings.TrimSpace(pr.name) == "" {
			// Removed where it is used: a component may be used elsewhere.
			d.fix("parameter", pr.node, string(pr.entry), pr.entry, fmt.Sprintf("a parameter has a blank name (%s): it cannot be sent", pr.where), nil)
			continue
		}
		for keyNode := range specload.Pairs(pr.node) {
			if k := keyNode.Value; !slices.Contains(parameterKeys, k) && !strings.HasPrefix(k, "x-") {
				d.replace("keyword", keyNode, pr.where, k, fmt.Sprintf("%q is not a parameter field: what it holds is ignored (a parameter's type goes in its schema)", k), nil)
			}
		}
		out = append(out, pr)
	}
	return out
}

// pathParams checks that op and its path item (shared) declare each name of
// the path, in: path and required, and nothing else in: path, and that no two
// parameters give one Params field (order_by and order-by, lang and a header Lang).
func (d *defects) pathParams(op operation, path string, shared []param) {
	list := specload.MapValue(op.node, "parameters")
	params := append(slices.Clone(shared), d.params(list, op.at.key("parameters"))...)
	declared, byKey := map[string]param{}, map[string]param{}
	for _, p := range params {
		if p.in == "path" {
			declared[p.name] = p
		}
		if p.in == "path" && !strings.Contains(path, "{"+p.name+"}") {
			why := fmt.Sprintf("%q is declared in: path, but the path has no {%s}: Partoo's docs send it in the query", p.name, p.name)
			inline, _ := decode(p.node)
			if p.where == p.entry {
				d.fix("path-parameter", p.node, op.name, p.where, why, map[string]any{"in": "query"})
			} else if q, isMap := inline.(map[string]any); isMap {
				// The component serves other operations: this one gets its own.
				q["in"] = "query"
				d.add(Blocking, "path-parameter", cmp.Or(list, &yaml.Node{}), op.name+": "+why,
					Action{Target: string(p.entry), Description: why, Remove: true},
					Action{Target: string(op.at.key("parameters")), Description: why, Update: []any{q}})
			}
		}
		k := goKey(p.name, p.node)
		other, ok := byKey[k]
		if p.in == "" || goname.Key(p.name) == "" {
			continue
		}
		if !ok || other.name == p.name && other.in == p.in {
			byKey[k] = p
			continue
		}
		fix := p
		if strings.HasPrefix(string(p.where), "$.components.") && !strings.HasPrefix(string(other.where), "$.components.") {
			fix = other // a component serves other operations: rename here
		}
		if d.renamed[string(fix.where)] {
			continue // a shared or component parameter, reported for its first operation
		}
		d.renamed[string(fix.where)] = true
		goName := goname.Of(fix.name) + "Alt"
		if p.in != other.in {
			goName = goname.Of(fix.name) + goname.Of(fix.in)
		}
		d.fix("go-name", specload.MapValue(fix.node, "name"), string(fix.where), fix.where, fmt.Sprintf("%s parameter %q and %s parameter %q give the same Go field", other.in, other.name, p.in, p.name), map[string]any{"x-go-name": goName})
	}
	for _, m := range templateParam.FindAllStringSubmatch(path, -1) {
		name := m[1]
		switch pr, ok := declared[name]; {
		case !ok:
			decl := []any{map[string]any{"name": name, "in": "path", "required": true, "schema": map[string]any{"type": "string"}}}
			target, update := op.at.key("parameters"), any(decl)
			if list == nil {
				target, update = op.at, map[string]any{"parameters": decl}
			}
			d.fix("path-parameter", op.node, op.name, target, fmt.Sprintf("the path has {%s}, which the operation does not declare (give it the type Partoo's docs show)", name), update)
		case value(pr.node, "required") != "true":
			// The same finding for each operation, and a component's, which Lint reports once.
			d.fix("path-parameter", pr.node, string(pr.where), pr.where, fmt.Sprintf("the path parameter %q must be required", name), map[string]any{"required": true})
		}
	}
}

// advisoryShown is how many findings of one rule the summary shows.
const advisoryShown = 3

// Report prints the findings in file, blocking ones with their repairs,
// then a summary of the advisory ones (all of them when verbose), and
// returns the exit status: 1 when one is blocking, else 0.
func Report(stdout, stderr io.Writer, file string, findings []Finding, verbose bool) int {
	at := func(f Finding) string {
		if f.Line > 0 {
			return fmt.Sprintf("%s:%d", file, f.Line)
		}
		return file // kin-openapi's findings, and what a repair added
	}
	blocking, advisory := 0, map[string][]Finding{}
	for _, f := range findings {
		if f.Level == Advisory {
			advisory[f.Rule] = append(advisory[f.Rule], f)
			continue
		}
		blocking++
		fmt.Fprintf(stdout, "%s: BLOCKING [%s] %s\n", at(f), f.Rule, strings.ReplaceAll(f.Message, "\n", "\n    ")) // a diff's lines indented
		if fix, err := yaml.Marshal(f.Fix); len(f.Fix) > 0 && err == nil {
			fmt.Fprintf(stdout, "    repair (paste under actions: in the repairs overlay, and check it against Partoo's docs):\n      %s\n",
				strings.ReplaceAll(strings.TrimSpace(string(fix)), "\n", "\n      "))
		}
	}
	if len(advisory) > 0 {
		fmt.Fprintf(stdout, "speclint: %d advisory finding(s), worked around:\n", len(findings)-blocking)
	}
	for _, r := range slices.Sorted(maps.Keys(advisory)) {
		fmt.Fprintf(stdout, "  [%s] %d\n", r, len(advisory[r]))
		for i, f := range advisory[r] {
			if i == advisoryShown && !verbose {
				fmt.Fprintf(stdout, "    ... %d more (make spec-lint GOFLAGS=-v lists them all once the bundle is in api/)\n", len(advisory[r])-advisoryShown)
				break
			}
			fmt.Fprintf(stdout, "    %s: [%s] %s\n", at(f), f.Rule, f.Message)
		}
	}
	if blocking > 0 {
		fmt.Fprintf(stderr, "speclint: %s: %d blocking finding(s), %d advisory\n", file, blocking, len(findings)-blocking)
		return 1
	}
	fmt.Fprintf(stdout, "speclint: %s: ok (%d advisory finding(s))\n", file, len(findings))
	return 0
}

// ReadSeed reads Partoo's verbatim YAML at path, the seed Lint checks a
// bundle against: the first ````yaml fence of a Markdown excerpt, or the
// whole file.
func ReadSeed(path string) (map[string]any, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	text := string(raw)
	if strings.Contains(text, "````yaml") {
		m := yamlFence.FindStringSubmatch(text)
		if m == nil {
			return nil, fmt.Errorf("seed %s: the ````yaml fence has no body or is not closed", path)
		}
		text = m[1]
	}
	var seed map[string]any
	if err := yaml.Unmarshal([]byte(text), &seed); err != nil || len(seed) == 0 {
		return nil, fmt.Errorf("seed %s: %w", path, cmp.Or(err, errors.New("the seed is empty")))
	}
	return seed, nil
}

var yamlFence = regexp.MustCompile("(?s)````yaml[^\n]*\n(.*?)````")
