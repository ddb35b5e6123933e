package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/partoo-go/partoo/tools/internal/ecma"
	prov "github.com/partoo-go/partoo/tools/internal/provenance"
	"github.com/partoo-go/partoo/tools/internal/specload"
	"gopkg.in/yaml.v3"
)

// Finding is one problem found in the spec.
type Finding struct {
	// Level is Blocking or Advisory.
	Level string
	// Rule names the check that failed (kin-openapi, operation-id, ref,
	// servers, success-response, provenance, example-pattern, yaml).
	Rule string
	// Line is the 1-based line of the offending element, or 0 when the
	// check does not know it (kin-openapi reports no lines).
	Line int
	// Message says what is wrong and where; for an advisory finding, how
	// the pipeline works around it.
	Message string
	// Key is the unknown key a "keyword" finding is about.
	Key string
	// Fix holds the repairs overlay actions that would fix a blocking
	// finding, when the rule can tell.
	Fix []Action
}

// sourceKinds are the accepted values of x-partoo-go-source.kind.
var sourceKinds = map[string]bool{"reference-docs": true, "assumption": true}

// httpMethods are the operation keys of an OpenAPI path item.
var httpMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// Lint checks spec (a bundled OpenAPI document, YAML or JSON) against
// kin-openapi's validation and the project's rules. seed is Partoo's verbatim
// YAML, decoded: elements equal to the seed's need no x-partoo-go-source.
// excerpt is the seed excerpt (nil: the seed itself), whose elements the
// bundle may not change at all, marked or not (tools/spectest keeps them).
// The findings are sorted by line, then rule.
func Lint(spec []byte, seed, excerpt map[string]any) []Finding {
	var root yaml.Node
	if err := yaml.Unmarshal(spec, &root); err != nil {
		return []Finding{{Rule: "yaml", Message: err.Error()}}
	}
	if root.Kind != yaml.DocumentNode || len(root.Content) == 0 || root.Content[0].Kind != yaml.MappingNode {
		return []Finding{{Rule: "yaml", Message: "the document is not a YAML mapping"}}
	}
	doc := root.Content[0]
	structural := findDefects(doc)
	var out []Finding
	unknownKeys := map[string]bool{}
	for _, f := range structural {
		if f.Rule == "keyword" {
			unknownKeys[f.Key] = true
		}
	}
	out = append(out, kinOpenAPI(spec, len(structural) > 0, unknownKeys)...)
	out = append(out, structural...)
	out = append(out, operationIDs(doc)...)
	out = append(out, servers(doc)...)
	out = append(out, successResponses(doc)...)
	if excerpt == nil {
		excerpt = seed
	}
	out = append(out, provenance(doc, seed, excerpt)...)
	out = append(out, examplePropertyNames(doc)...)
	for i := range out {
		if out[i].Level == "" {
			out[i].Level = Blocking
		}
	}
	sortFindings(out)
	// A component reached from several operations is reported once.
	seen := map[string]bool{}
	kept := out[:0]
	for _, f := range out {
		k := fmt.Sprintf("%s|%s|%d|%s", f.Level, f.Rule, f.Line, f.Message)
		if !seen[k] {
			seen[k] = true
			kept = append(kept, f)
		}
	}
	return kept
}

// compileECMAScript compiles a pattern as an ECMA-262 regular expression:
// the regex hook given to kin-openapi's Validate.
var compileECMAScript = ecma.Compiler(time.Second)

// kinOpenAPI loads the document with kin-openapi (no external references)
// and validates it, compiling every pattern with the ECMAScript engine.
// What fails only with the examples validated is an example that breaks its
// schema: advisory, since the fake serves a value it builds instead. When
// the structural rules found defects, kin-openapi's reports of the same
// defects (without a place or a repair) are left out.
func kinOpenAPI(spec []byte, structural bool, unknownKeys map[string]bool) []Finding {
	loader := openapi3.NewLoader()
	loader.IsExternalRefsAllowed = false
	doc, err := loader.LoadFromData(spec)
	if err != nil {
		return []Finding{{Level: Blocking, Rule: "kin-openapi", Message: "load: " + err.Error()}}
	}
	validate := func(opts ...openapi3.ValidationOption) []string {
		opts = append(opts, openapi3.SetRegexCompiler(compileECMAScript), openapi3.EnableSchemaPatternValidation(), openapi3.EnableMultiError())
		err := doc.Validate(context.Background(), opts...)
		if err == nil {
			return nil
		}
		var multi openapi3.MultiError
		if errors.As(err, &multi) {
			var out []string
			for _, e := range multi {
				out = append(out, e.Error())
			}
			return out
		}
		return []string{err.Error()}
	}
	var out []Finding
	schemaErrs := map[string]bool{}
	for _, msg := range validate(openapi3.DisableExamplesValidation()) {
		schemaErrs[msg] = true
		if structural && coveredByStructural(msg, unknownKeys) {
			continue
		}
		out = append(out, Finding{Level: Blocking, Rule: "kin-openapi", Message: msg})
	}
	for _, msg := range validate() {
		switch {
		case schemaErrs[msg]:
		case strings.Contains(msg, "example"):
			first, _, _ := strings.Cut(msg, "\n")
			out = append(out, Finding{Level: Advisory, Rule: "example", Message: first + " (the fake does not serve this example: it answers with a value it builds from the schema)"})
		case !structural || !coveredByStructural(msg, unknownKeys):
			out = append(out, Finding{Level: Blocking, Rule: "kin-openapi", Message: msg})
		}
	}
	return out
}

// coveredByStructural reports whether a kin-openapi message is about a
// defect that the structural rules report with its place and repair.
func coveredByStructural(msg string, unknownKeys map[string]bool) bool {
	if _, fields, ok := strings.Cut(msg, "extra sibling fields: ["); ok {
		fields, _, _ = strings.Cut(fields, "]")
		for _, f := range strings.Fields(fields) {
			if !unknownKeys[f] {
				return false
			}
		}
		return true
	}
	for _, s := range []string{"unsupported 'type' value", "must define exactly all path parameters", "parameter name can't be blank", "must be required", "array items", "discriminator", "value is not one of the allowed values"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// operation is one operation of the document, with its YAML node.
type operation struct {
	path, method string
	node         *yaml.Node
}

func (o operation) String() string { return strings.ToUpper(o.method) + " " + o.path }

// operations lists the operations in document order.
func operations(doc *yaml.Node) []operation {
	var ops []operation
	paths := mapValue(doc, "paths")
	forEachPair(paths, func(path string, _, item *yaml.Node) {
		for _, m := range httpMethods {
			if op := mapValue(item, m); op != nil {
				ops = append(ops, operation{path: path, method: m, node: op})
			}
		}
	})
	return ops
}

// operationIDs checks that every operation has an operationId: the
// generated methods and the client's names derive from it. (kin-openapi
// checks that they are unique.)
func operationIDs(doc *yaml.Node) []Finding {
	var out []Finding
	for _, op := range operations(doc) {
		if idNode := mapValue(op.node, "operationId"); idNode == nil || strings.TrimSpace(idNode.Value) == "" {
			out = append(out, Finding{Level: Blocking, Rule: "operation-id", Line: op.node.Line,
				Message: fmt.Sprintf("%s has no operationId: the generated method is named after it (a bundle taken with SOURCE=partoo gets derived ones, recorded in api/names.yaml)", op),
				Fix:     []Action{{Target: jsonPath{"paths", op.path, op.method}.String(), Description: "the operation has no operationId", Update: map[string]any{"operationId": specload.DeriveOperationID(strings.ToUpper(op.method) + " " + op.path)}}}})
		}
	}
	return out
}

// servers checks that the document declares at least one server and that
// each is an absolute https URL: the client's environments come from them.
func servers(doc *yaml.Node) []Finding {
	list := mapValue(doc, "servers")
	if list == nil || list.Kind != yaml.SequenceNode || len(list.Content) == 0 {
		line := doc.Line
		if list != nil {
			line = list.Line
		}
		return []Finding{{Rule: "servers", Line: line, Message: "the spec declares no servers: the client takes its Production and Sandbox URLs from them"}}
	}
	var out []Finding
	for i, s := range list.Content {
		u := mapValue(s, "url")
		if u == nil || strings.TrimSpace(u.Value) == "" {
			out = append(out, Finding{Rule: "servers", Line: s.Line, Message: fmt.Sprintf("servers[%d] has no url", i)})
			continue
		}
		parsed, err := url.Parse(u.Value)
		if err != nil || parsed.Scheme != "https" || parsed.Host == "" {
			out = append(out, Finding{Rule: "servers", Line: u.Line,
				Message: fmt.Sprintf("servers[%d].url %q is not an absolute https URL", i, u.Value)})
		}
	}
	return out
}

// successResponses checks that every operation declares a 2xx response: the
// generated client decodes it and the services return it.
func successResponses(doc *yaml.Node) []Finding {
	var out []Finding
	for _, op := range operations(doc) {
		ok := false
		forEachPair(mapValue(op.node, "responses"), func(code string, _, _ *yaml.Node) {
			if strings.EqualFold(code, "2XX") {
				ok = true
			} else if n, err := strconv.Atoi(code); err == nil && n >= 200 && n <= 299 {
				ok = true
			}
		})
		if !ok {
			out = append(out, Finding{Rule: "success-response", Line: op.node.Line,
				Message: fmt.Sprintf("%s declares no 2xx response", op)})
		}
	}
	return out
}

// provenance checks that every element that is not Partoo's verbatim YAML
// carries a valid x-partoo-go-source, and that no element of the excerpt
// changed. An element is verbatim when the seed holds an equal element
// under the same name.
func provenance(doc *yaml.Node, seed, excerpt map[string]any) []Finding {
	var out []Finding
	check := func(where string, n *yaml.Node, seedValue any, path ...string) {
		if want := lookup(excerpt, path...); want != nil {
			var got any
			if err := n.Decode(&got); err == nil {
				if d := prov.FirstDiff(want, got); d != "" {
					out = append(out, Finding{Rule: "provenance", Line: n.Line,
						Message: fmt.Sprintf("%s: differs from Partoo's verbatim YAML (the seed) at %s; %s", where, d, prov.VerbatimRule)})
					return
				}
			}
		}
		if seedValue != nil && equalYAML(n, seedValue) {
			return
		}
		msg := sourceProblem(n)
		if msg == "" {
			return
		}
		if seedValue != nil {
			msg = "differs from Partoo's verbatim YAML (the seed) and " + msg
		}
		out = append(out, Finding{Rule: "provenance", Line: n.Line, Message: where + ": " + msg})
	}
	forEachPair(doc, func(key string, _, val *yaml.Node) {
		switch key {
		case "paths", "components", "webhooks":
			return // checked element by element below
		}
		seedValue, inSeed := seed[key]
		if inSeed && equalYAML(val, seedValue) {
			return
		}
		if val.Kind != yaml.MappingNode {
			where := key
			if inSeed {
				out = append(out, Finding{Rule: "provenance", Line: val.Line,
					Message: where + ": differs from Partoo's verbatim YAML (the seed), and cannot carry x-partoo-go-source; if this is Partoo's new YAML, lint against their new bundle as the seed"})
			} else {
				out = append(out, Finding{Rule: "provenance", Line: val.Line,
					Message: where + ": is not in Partoo's verbatim YAML (the seed), and cannot carry x-partoo-go-source"})
			}
			return
		}
		check(key, val, seedValue, key)
	})
	seedPaths, _ := seed["paths"].(map[string]any)
	for _, op := range operations(doc) {
		var seedOp any
		if item, ok := seedPaths[op.path].(map[string]any); ok {
			seedOp = item[op.method]
		}
		check(op.String(), op.node, seedOp, "paths", op.path, op.method)
	}
	// OpenAPI 3.1 webhooks (what Partoo sends) are path items too.
	seedWebhooks, _ := seed["webhooks"].(map[string]any)
	forEachPair(mapValue(doc, "webhooks"), func(name string, _, item *yaml.Node) {
		seedItem, _ := seedWebhooks[name].(map[string]any)
		for _, m := range httpMethods {
			if op := mapValue(item, m); op != nil {
				check("webhooks."+name+" "+strings.ToUpper(m), op, seedItem[m], "webhooks", name, m)
			}
		}
	})
	seedComponents, _ := seed["components"].(map[string]any)
	forEachPair(mapValue(doc, "components"), func(section string, _, comps *yaml.Node) {
		seedSection, _ := seedComponents[section].(map[string]any)
		forEachPair(comps, func(name string, _, val *yaml.Node) {
			check("components."+section+"."+name, val, seedSection[name], "components", section, name)
		})
	})
	return out
}

// lookup returns the value at path in m, or nil.
func lookup(m map[string]any, path ...string) any {
	var cur any = m
	for _, k := range path {
		mm, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = mm[k]
	}
	return cur
}

// sourceProblem returns "" when n carries a valid x-partoo-go-source, or
// what is wrong with it.
func sourceProblem(n *yaml.Node) string {
	if n.Kind != yaml.MappingNode {
		return "is not an object and cannot carry x-partoo-go-source"
	}
	src := mapValue(n, "x-partoo-go-source")
	if src == nil {
		return "carries no x-partoo-go-source {kind, note}"
	}
	kind, note := mapValue(src, "kind"), mapValue(src, "note")
	if kind == nil || !sourceKinds[kind.Value] {
		got := ""
		if kind != nil {
			got = kind.Value
		}
		return fmt.Sprintf("x-partoo-go-source.kind %q is not one of reference-docs, assumption", got)
	}
	if note == nil || strings.TrimSpace(note.Value) == "" {
		return "x-partoo-go-source has an empty note: say where the element comes from"
	}
	return ""
}

// examplePropertyNames checks the keys of object examples against the
// schema's propertyNames.pattern, with ECMAScript semantics. kin-openapi
// checks every other example against its schema (patterns included, through
// compileECMAScript) but does not implement propertyNames.
func examplePropertyNames(doc *yaml.Node) []Finding {
	var out []Finding
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		switch n.Kind {
		case yaml.MappingNode:
			ex, names := mapValue(n, "example"), mapValue(n, "propertyNames")
			if pat := mapValue(names, "pattern"); pat != nil && pat.Kind == yaml.ScalarNode && ex != nil && ex.Kind == yaml.MappingNode {
				re, err := compileECMAScript(pat.Value)
				if err != nil {
					return // kin-openapi reports the pattern
				}
				forEachPair(ex, func(key string, keyNode, _ *yaml.Node) {
					if !re.MatchString(key) {
						out = append(out, Finding{Level: Advisory, Rule: "example-pattern", Line: keyNode.Line,
							Message: fmt.Sprintf("example key %q does not match propertyNames.pattern %q (the fake does not serve this example)", key, pat.Value)})
					}
				})
			}
			for i := 0; i+1 < len(n.Content); i += 2 {
				if k := n.Content[i].Value; k == "example" || k == "examples" || strings.HasPrefix(k, "x-") {
					continue
				}
				walk(n.Content[i+1])
			}
		case yaml.SequenceNode:
			for _, c := range n.Content {
				walk(c)
			}
		}
	}
	walk(doc)
	return out
}

// mapValue returns the value of key in the mapping n, or nil.
func mapValue(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// forEachPair calls fn for each key of the mapping n, in document order.
func forEachPair(n *yaml.Node, fn func(key string, keyNode, val *yaml.Node)) {
	if n == nil || n.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		fn(n.Content[i].Value, n.Content[i], n.Content[i+1])
	}
}

// equalYAML reports whether n decodes to the same value as want.
func equalYAML(n *yaml.Node, want any) bool {
	var got any
	if err := n.Decode(&got); err != nil {
		return false
	}
	return reflect.DeepEqual(got, want)
}

// seedYAML decodes Partoo's verbatim YAML: the first ````yaml fence of a
// Markdown excerpt (as Partoo's docs serve it), or the whole input when it
// has no fence.
func seedYAML(raw []byte) (map[string]any, error) {
	text := string(raw)
	if start := strings.Index(text, "````yaml"); start >= 0 {
		text = text[start:]
		nl := strings.Index(text, "\n")
		if nl < 0 {
			return nil, errors.New("the ````yaml fence has no body")
		}
		text = text[nl+1:]
		end := strings.Index(text, "````")
		if end < 0 {
			return nil, errors.New("the ````yaml fence is not closed")
		}
		text = text[:end]
	}
	var seed map[string]any
	if err := yaml.Unmarshal([]byte(text), &seed); err != nil {
		return nil, err
	}
	if len(seed) == 0 {
		return nil, errors.New("the seed is empty")
	}
	return seed, nil
}
