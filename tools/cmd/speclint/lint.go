package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/partoo-go/partoo/tools/internal/ecma"
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

// Action is an OpenAPI Overlay 1.0 action: the repair that fixes a
// blocking finding, ready to paste into the repairs overlay.
type Action struct {
	Target      string `yaml:"target"`
	Description string `yaml:"description"`
	Update      any    `yaml:"update,omitempty"`
	Remove      bool   `yaml:"remove,omitempty"`
}

// jsonPath is a JSONPath that the overlay's legacy and RFC 9535
// implementations both read: $.a['b/{c}'][0].
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

// operation is one operation of the document's paths or webhooks.
type operation struct {
	name string   // "GET /path", or "webhooks.name POST"
	path []string // its keys from the document's root
	at   jsonPath
	node *yaml.Node
	hook bool
}

// Lint checks spec (a bundled OpenAPI document, YAML or JSON) against
// kin-openapi's validation and the project's rules. seed is Partoo's
// verbatim YAML, decoded: the bundle may not change its elements, and
// every other element carries an x-partoo-go-source. The findings come
// blocking first, then by line and rule.
func Lint(spec []byte, seed map[string]any) []Finding {
	var root yaml.Node
	if err := yaml.Unmarshal(spec, &root); err != nil {
		return []Finding{{Level: Blocking, Rule: "yaml", Message: err.Error()}}
	}
	return lintTree(&root, spec, seed)
}

// lintTree is Lint of spec parsed as root, whose nodes give the findings'
// lines: those of Partoo's bundle for the tree specload.Effective repaired.
func lintTree(root *yaml.Node, spec []byte, seed map[string]any) []Finding {
	if root.Kind != yaml.DocumentNode || len(root.Content) == 0 || root.Content[0].Kind != yaml.MappingNode {
		return []Finding{{Level: Blocking, Rule: "yaml", Message: "the document is not a YAML mapping"}}
	}
	d := newDefects(root.Content[0])
	kin := kinOpenAPI(spec, len(d.out) > 0, d.unknownKeys)
	// kin-openapi names a line of spec and the node's JSON pointer: give
	// the node's line in root's file (Partoo's bundle, for -partoo).
	for i := range kin {
		kin[i].Message = kinLine.ReplaceAllStringFunc(kin[i].Message, func(m string) string {
			sub := kinLine.FindStringSubmatch(m)
			if n, _ := resolve(d.doc, "#"+sub[2]); n != nil && n.Line > 0 {
				return "line " + strconv.Itoa(n.Line) + m[len("line "+sub[1]):]
			}
			return m
		})
	}
	d.servers()
	d.provenance(seed)
	out := append(kin, d.out...)
	sortFindings(out)
	// A component reached from several operations is reported once.
	return slices.CompactFunc(out, func(a, b Finding) bool {
		return a.Level == b.Level && a.Rule == b.Rule && a.Line == b.Line && a.Message == b.Message
	})
}

var kinLine = regexp.MustCompile(`\bline (\d+): [^;]*? in (/[^;\s]+)`)

// coveredKin are kin-openapi's messages about the structural rules' defects.
var coveredKin = []string{"unsupported 'type' value", "must define exactly all path parameters", "parameter name can't be blank", "must be required", "array items", "discriminator", "value is not one of the allowed values"}

// kinOpenAPI validates the document with kin-openapi, its patterns
// compiled as ECMAScript. What fails only with the examples validated is
// advisory: the fake serves a value it builds instead. When the structural
// rules found defects, kin-openapi's reports of them are left out.
func kinOpenAPI(spec []byte, structural bool, unknownKeys map[string]bool) []Finding {
	doc, err := openapi3.NewLoader().LoadFromData(spec)
	if err != nil {
		return []Finding{{Level: Blocking, Rule: "kin-openapi", Message: "load: " + err.Error()}}
	}
	validate := func(opts ...openapi3.ValidationOption) openapi3.MultiError {
		var multi openapi3.MultiError
		if err := doc.Validate(context.Background(), append(opts, openapi3.SetRegexCompiler(ecma.Compile), openapi3.EnableSchemaPatternValidation(), openapi3.EnableMultiError())...); err != nil && !errors.As(err, &multi) {
			multi = openapi3.MultiError{err}
		}
		return multi
	}
	covered := func(msg string) bool {
		if _, fields, ok := strings.Cut(msg, "extra sibling fields: ["); ok {
			fields, _, _ = strings.Cut(fields, "]")
			return structural && !slices.ContainsFunc(strings.Fields(fields), func(f string) bool { return !unknownKeys[f] })
		}
		return structural && slices.ContainsFunc(coveredKin, func(s string) bool { return strings.Contains(msg, s) })
	}
	var out []Finding
	schemaErrs := map[string]bool{}
	for _, e := range validate(openapi3.DisableExamplesValidation()) {
		if schemaErrs[e.Error()] = true; !covered(e.Error()) {
			out = append(out, Finding{Level: Blocking, Rule: "kin-openapi", Message: e.Error()})
		}
	}
	for _, e := range validate() {
		switch msg := e.Error(); {
		case schemaErrs[msg]:
		case strings.Contains(msg, "example"):
			first, _, _ := strings.Cut(msg, "\n")
			out = append(out, Finding{Level: Advisory, Rule: "example", Message: first + " (the fake does not serve this example: it answers with a value it builds from the schema)"})
		case !covered(msg):
			out = append(out, Finding{Level: Blocking, Rule: "kin-openapi", Message: msg})
		}
	}
	return out
}

// servers checks that the document has servers, each an https URL: the
// client's environments.
func (d *defects) servers() {
	list := specload.MapValue(d.doc, "servers")
	if list == nil || list.Kind != yaml.SequenceNode || len(list.Content) == 0 {
		d.add(Blocking, "servers", cmp.Or(list, d.doc), "the spec declares no servers: the client takes its Production and Sandbox URLs from them")
	}
	for i, s := range seq(list) {
		u := specload.MapValue(s, "url")
		if u == nil || strings.TrimSpace(u.Value) == "" {
			d.add(Blocking, "servers", s, fmt.Sprintf("servers[%d] has no url", i))
		} else if parsed, err := url.Parse(u.Value); err != nil || parsed.Scheme != "https" || parsed.Host == "" {
			d.add(Blocking, "servers", u, fmt.Sprintf("servers[%d].url %q is not an absolute https URL", i, u.Value))
		}
	}
}

// provenance checks that each top-level field, operation, webhook and
// component is the seed's, unchanged, or carries a valid
// x-partoo-go-source.
func (d *defects) provenance(seed map[string]any) {
	check := func(where string, n *yaml.Node, path ...string) {
		var want any = seed
		for _, k := range path {
			m, _ := want.(map[string]any)
			want = m[k]
		}
		got, decoded := decode(n)
		diff, equal := "", false
		if want != nil && decoded {
			diff, equal = specload.FirstDiff(want, got), reflect.DeepEqual(got, want)
		}
		src := specload.MapValue(n, "x-partoo-go-source")
		msg := ""
		switch kind := value(src, "kind"); {
		case diff != "":
			d.add(Blocking, "provenance", n, where+": differs from Partoo's verbatim YAML (the seed) at "+diff+"; "+specload.VerbatimRule)
		case equal:
		case n.Kind != yaml.MappingNode:
			msg = "is not an object and cannot carry x-partoo-go-source"
		case src == nil:
			msg = "carries no x-partoo-go-source {kind, note}"
		case kind != "reference-docs" && kind != "assumption":
			msg = fmt.Sprintf("x-partoo-go-source.kind %q is not one of reference-docs, assumption", kind)
		case strings.TrimSpace(value(src, "note")) == "":
			msg = "x-partoo-go-source has an empty note: say where the element comes from"
		}
		if msg != "" && want != nil {
			msg = "differs from Partoo's verbatim YAML (the seed) and " + msg
		}
		if msg != "" {
			d.add(Blocking, "provenance", n, where+": "+msg)
		}
	}
	forEachPair(d.doc, func(key string, _, val *yaml.Node) {
		if key != "paths" && key != "components" && key != "webhooks" {
			check(key, val, key)
		}
	})
	for _, op := range d.ops {
		check(op.name, op.node, op.path...)
	}
	forEachPair(specload.MapValue(d.doc, "components"), func(section string, _, comps *yaml.Node) {
		forEachPair(comps, func(name string, _, val *yaml.Node) {
			check("components."+section+"."+name, val, "components", section, name)
		})
	})
}

// seedYAML decodes Partoo's verbatim YAML: the first ````yaml fence of a
// Markdown excerpt, or the whole input.
func seedYAML(raw []byte) (map[string]any, error) {
	text := string(raw)
	if _, fenced, ok := strings.Cut(text, "````yaml"); ok {
		_, body, ok := strings.Cut(fenced, "\n")
		if !ok {
			return nil, errors.New("the ````yaml fence has no body")
		}
		if text, _, ok = strings.Cut(body, "````"); !ok {
			return nil, errors.New("the ````yaml fence is not closed")
		}
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

// sortFindings orders findings by level (blocking first), line, rule and
// message; the repairs that remove a list entry come last, the highest
// index first, so that none shifts an index another repair targets.
func sortFindings(out []Finding) {
	removed := func(f Finding) int {
		for _, a := range f.Fix {
			i := strings.LastIndex(a.Target, "[")
			if n, err := strconv.Atoi(strings.TrimSuffix(a.Target[i+1:], "]")); a.Remove && err == nil && strings.HasSuffix(a.Target, "]") {
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

// forEachPair calls fn for each key of the mapping n, in document order.
func forEachPair(n *yaml.Node, fn func(key string, keyNode, val *yaml.Node)) {
	for i := 0; n != nil && n.Kind == yaml.MappingNode && i+1 < len(n.Content); i += 2 {
		fn(n.Content[i].Value, n.Content[i], n.Content[i+1])
	}
}

// seq is the items of n when it is a list, else none.
func seq(n *yaml.Node) []*yaml.Node {
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	return n.Content
}

// decode decodes n, and reports whether it could.
func decode(n *yaml.Node) (any, bool) {
	var v any
	err := n.Decode(&v)
	return v, err == nil
}

// value is the scalar value of key in the mapping n, or "".
func value(n *yaml.Node, key string) string {
	if v := specload.MapValue(n, key); v != nil {
		return v.Value
	}
	return ""
}
