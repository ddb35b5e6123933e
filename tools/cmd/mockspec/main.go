// Command mockspec reads Partoo's bundled OpenAPI document and writes the
// request rules of the fake Partoo server (internal/mockapi/rules/rules.gen.go):
// for every operation, its parameters with their types and ranges and the
// constraints of its JSON request body; and, for every error status, the
// body the spec's response schema gives with its default values.
//
// Package partootest checks requests against these tables, so the fake
// enforces what the spec states (per_page 1..100, the required fields, the
// update URL pattern, ...) without parsing the spec at run time and without
// a number or a regular expression copied by hand.
//
// Usage:
//
//	go -C tools run ./cmd/mockspec -spec ../api/openapi-bundled.yaml -out ../internal/mockapi/rules/rules.gen.go -package rules
//
// The output is deterministic. mockspec fails, naming the schema and the
// keyword, on anything in a parameter or a request body it cannot enforce:
// it never drops a rule silently.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"go/format"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/partoo-go/partoo/tools/internal/specload"
)

func main() {
	spec := flag.String("spec", "", "path to the bundled OpenAPI document")
	out := flag.String("out", "", "path of the Go file to write")
	pkg := flag.String("package", "rules", "Go package name of the output")
	flag.Parse()
	if *spec == "" || *out == "" {
		fmt.Fprintln(os.Stderr, "mockspec: -spec and -out are required")
		os.Exit(2)
	}
	src, err := generate(*spec, *pkg)
	if err != nil {
		fmt.Fprintln(os.Stderr, "mockspec:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(*out, src, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "mockspec:", err)
		os.Exit(1)
	}
}

// customHeadersRef is the component whose rules (an ECMAScript pattern on
// property names, among others) are checked by partoo.ValidateCustomHeaders,
// itself generated from the same component; mockspec marks where it appears
// instead of reading inside it.
const customHeadersRef = "#/components/schemas/CustomHeaders"

// operation is one generated row.
type operation struct {
	ID, Method, Path string
	Params           []param
	HasBody          bool
	BodyRequired     bool
	Body             []field
}

type param struct {
	Name, In, Type string
	Required       bool
	Min, Max       *float64
}

type field struct {
	Path          string
	Type          string
	Required      []string
	MinLength     uint64
	MaxLength     *uint64
	Pattern       string
	MinItems      uint64
	MaxItems      *uint64
	Min, Max      *float64
	Enum          []string
	CustomHeaders bool
}

func generate(specPath, pkg string) ([]byte, error) {
	doc, err := specload.Load(specPath, openapi3.DisableExamplesValidation())
	if err != nil {
		return nil, err
	}
	ops, err := operations(doc)
	if err != nil {
		return nil, err
	}
	bodies, err := errorBodies(doc)
	if err != nil {
		return nil, err
	}
	return render(pkg, ops, bodies)
}

func operations(doc *openapi3.T) ([]operation, error) {
	var ops []operation
	for _, path := range doc.Paths.InMatchingOrder() {
		item := doc.Paths.Value(path)
		for method, op := range item.Operations() {
			row := operation{ID: op.OperationID, Method: strings.ToUpper(method), Path: path}
			if row.ID == "" {
				return nil, fmt.Errorf("%s %s has no operationId", row.Method, path)
			}
			params := append(openapi3.Parameters{}, item.Parameters...)
			params = append(params, op.Parameters...)
			for _, p := range params {
				pr, err := paramRule(row.ID, p)
				if err != nil {
					return nil, err
				}
				row.Params = append(row.Params, pr)
			}
			if rb := op.RequestBody; rb != nil {
				if rb.Value == nil {
					return nil, fmt.Errorf("%s: unresolved request body %s", row.ID, rb.Ref)
				}
				for ct := range rb.Value.Content {
					if ct != "application/json" {
						return nil, fmt.Errorf("%s: request body content type %q is not supported (only application/json)", row.ID, ct)
					}
				}
				mt := rb.Value.Content.Get("application/json")
				if mt == nil || mt.Schema == nil {
					return nil, fmt.Errorf("%s: request body has no application/json schema", row.ID)
				}
				row.HasBody = true
				row.BodyRequired = rb.Value.Required
				fields, err := bodyFields(row.ID, "", mt.Schema)
				if err != nil {
					return nil, err
				}
				row.Body = fields
			}
			ops = append(ops, row)
		}
	}
	sort.Slice(ops, func(i, j int) bool {
		if ops[i].Path != ops[j].Path {
			return ops[i].Path < ops[j].Path
		}
		return ops[i].Method < ops[j].Method
	})
	return ops, nil
}

// keys returns the keywords a schema (or parameter) uses, without the x-
// extensions.
func keys(v interface{ MarshalYAML() (any, error) }) ([]string, error) {
	m, err := v.MarshalYAML()
	if err != nil {
		return nil, err
	}
	mm, ok := m.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("not an object schema (%T)", m)
	}
	var ks []string
	for k := range mm {
		if !strings.HasPrefix(k, "x-") {
			ks = append(ks, k)
		}
	}
	sort.Strings(ks)
	return ks, nil
}

func checkKeys(where string, v interface{ MarshalYAML() (any, error) }, allowed ...string) error {
	ks, err := keys(v)
	if err != nil {
		return fmt.Errorf("%s: %w", where, err)
	}
	var bad []string
	for _, k := range ks {
		if !contains(allowed, k) {
			bad = append(bad, k)
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("%s: keyword(s) %s not supported by mockspec; teach it how the fake must enforce them", where, strings.Join(bad, ", "))
	}
	return nil
}

var docKeywords = []string{"description", "example", "examples", "title", "deprecated"}

func paramRule(opID string, p *openapi3.ParameterRef) (param, error) {
	if p.Value == nil {
		return param{}, fmt.Errorf("%s: unresolved parameter %s", opID, p.Ref)
	}
	v := p.Value
	where := fmt.Sprintf("%s: parameter %q", opID, v.Name)
	if err := checkKeys(where, v, append([]string{"name", "in", "required", "schema"}, docKeywords...)...); err != nil {
		return param{}, err
	}
	if v.In != openapi3.ParameterInQuery && v.In != openapi3.ParameterInPath {
		return param{}, fmt.Errorf("%s: parameters in %q are not supported", where, v.In)
	}
	if v.Schema == nil || v.Schema.Value == nil {
		return param{}, fmt.Errorf("%s: no schema", where)
	}
	s := v.Schema.Value
	out := param{Name: v.Name, In: v.In, Required: v.Required}
	typ, err := oneType(where, s)
	if err != nil {
		return param{}, err
	}
	out.Type = typ
	switch typ {
	case "integer", "number":
		if err := checkKeys(where, s, append([]string{"type", "minimum", "maximum"}, docKeywords...)...); err != nil {
			return param{}, err
		}
		out.Min, out.Max = s.Min, s.Max
	case "string", "boolean":
		if err := checkKeys(where, s, append([]string{"type"}, docKeywords...)...); err != nil {
			return param{}, err
		}
	default:
		return param{}, fmt.Errorf("%s: type %q is not supported", where, typ)
	}
	return out, nil
}

func oneType(where string, s *openapi3.Schema) (string, error) {
	if s.Type == nil || len(s.Type.Slice()) != 1 {
		return "", fmt.Errorf("%s: exactly one type is required, got %v", where, s.Type)
	}
	return s.Type.Slice()[0], nil
}

// bodyFields walks a request body schema and returns one field per
// location, depth first.
func bodyFields(opID, path string, ref *openapi3.SchemaRef) ([]field, error) {
	where := fmt.Sprintf("%s: request body at %q", opID, displayPath(path))
	if ref.Ref == customHeadersRef {
		return []field{{Path: path, Type: "object", CustomHeaders: true}}, nil
	}
	if ref.Value == nil {
		return nil, fmt.Errorf("%s: unresolved %s", where, ref.Ref)
	}
	s := ref.Value
	typ, err := oneType(where, s)
	if err != nil {
		return nil, err
	}
	f := field{Path: path, Type: typ}
	var out []field
	switch typ {
	case "object":
		if err := checkKeys(where, s, append([]string{"type", "properties", "required"}, docKeywords...)...); err != nil {
			return nil, err
		}
		f.Required = append([]string(nil), s.Required...)
		sort.Strings(f.Required)
		out = append(out, f)
		names := make([]string, 0, len(s.Properties))
		for name := range s.Properties {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			sub, err := bodyFields(opID, join(path, name), s.Properties[name])
			if err != nil {
				return nil, err
			}
			out = append(out, sub...)
		}
	case "array":
		if err := checkKeys(where, s, append([]string{"type", "items", "minItems", "maxItems"}, docKeywords...)...); err != nil {
			return nil, err
		}
		if s.Items == nil {
			return nil, fmt.Errorf("%s: array without items", where)
		}
		f.MinItems, f.MaxItems = s.MinItems, s.MaxItems
		out = append(out, f)
		sub, err := bodyFields(opID, path+"[]", s.Items)
		if err != nil {
			return nil, err
		}
		out = append(out, sub...)
	case "string":
		if err := checkKeys(where, s, append([]string{"type", "pattern", "minLength", "maxLength", "enum"}, docKeywords...)...); err != nil {
			return nil, err
		}
		if s.Pattern != "" {
			// The fake evaluates patterns with Go's regexp; one that RE2
			// cannot compile (or compiles with another meaning) would be
			// enforced wrongly, so it is refused here.
			if _, err := regexp.Compile(s.Pattern); err != nil {
				return nil, fmt.Errorf("%s: pattern %q is not RE2-compatible: %v", where, s.Pattern, err)
			}
			if strings.ContainsAny(s.Pattern, `\`) {
				return nil, fmt.Errorf("%s: pattern %q uses escapes whose ECMAScript and RE2 meanings may differ", where, s.Pattern)
			}
		}
		f.Pattern, f.MinLength, f.MaxLength = s.Pattern, s.MinLength, s.MaxLength
		for _, e := range s.Enum {
			str, ok := e.(string)
			if !ok {
				return nil, fmt.Errorf("%s: enum value %v is not a string", where, e)
			}
			f.Enum = append(f.Enum, str)
		}
		out = append(out, f)
	case "integer", "number":
		if err := checkKeys(where, s, append([]string{"type", "minimum", "maximum"}, docKeywords...)...); err != nil {
			return nil, err
		}
		f.Min, f.Max = s.Min, s.Max
		out = append(out, f)
	case "boolean":
		if err := checkKeys(where, s, append([]string{"type"}, docKeywords...)...); err != nil {
			return nil, err
		}
		out = append(out, f)
	default:
		return nil, fmt.Errorf("%s: type %q is not supported", where, typ)
	}
	return out, nil
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func displayPath(path string) string {
	if path == "" {
		return "(body)"
	}
	return path
}

// errorBodies builds, for every 4xx/5xx response with a JSON body, the body
// made of the schema's default values, keyed by status.
func errorBodies(doc *openapi3.T) (map[int]string, error) {
	out := map[int]string{}
	from := map[int]string{}
	for _, path := range doc.Paths.InMatchingOrder() {
		for method, op := range doc.Paths.Value(path).Operations() {
			for code, resp := range op.Responses.Map() {
				status, err := strconv.Atoi(code)
				if err != nil || status < 400 {
					continue
				}
				if resp.Value == nil {
					return nil, fmt.Errorf("%s %s: unresolved response %s", method, path, resp.Ref)
				}
				mt := resp.Value.Content.Get("application/json")
				if mt == nil || mt.Schema == nil {
					continue
				}
				v, ok := defaults(mt.Schema.Value)
				if !ok {
					continue
				}
				b, err := json.Marshal(v)
				if err != nil {
					return nil, err
				}
				where := strings.ToUpper(method) + " " + path
				if prev, dup := out[status]; dup && prev != string(b) {
					return nil, fmt.Errorf("status %d: %s declares body %s but %s declares %s; the fake needs one body per status", status, where, b, from[status], prev)
				}
				out[status], from[status] = string(b), where
			}
		}
	}
	if len(out) == 0 {
		return nil, errors.New("no JSON error response found in the spec")
	}
	return out, nil
}

// defaults builds a value from a schema's default values: objects keep the
// properties that have one (an object with no properties is {}), other
// schemas give their default.
func defaults(s *openapi3.Schema) (any, bool) {
	if s == nil {
		return nil, false
	}
	if s.Default != nil {
		return s.Default, true
	}
	if s.Type == nil || !s.Type.Is(openapi3.TypeObject) {
		return nil, false
	}
	obj := map[string]any{}
	for name, p := range s.Properties {
		if v, ok := defaults(p.Value); ok {
			obj[name] = v
		}
	}
	return obj, true
}

func render(pkg string, ops []operation, bodies map[int]string) ([]byte, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "// Code generated by partoo-go mockspec from %s. DO NOT EDIT.\n\n", "api/openapi-bundled.yaml")
	fmt.Fprintf(&b, "// Package %s holds the request rules of the fake Partoo server, generated\n// from the spec by tools/cmd/mockspec: parameter types and ranges, request\n// body constraints, and the spec's error bodies.\npackage %s\n\n", pkg, pkg)
	b.WriteString(header)
	b.WriteString("func Operations() []Operation {\n\treturn []Operation{\n")
	for _, op := range ops {
		fmt.Fprintf(&b, "\t\t{\n\t\t\tID: %q, Method: %q, Path: %q,\n", op.ID, op.Method, op.Path)
		if len(op.Params) > 0 {
			b.WriteString("\t\t\tParams: []Param{\n")
			for _, p := range op.Params {
				fmt.Fprintf(&b, "\t\t\t\t{Name: %q, In: %q, Type: %q, Required: %t%s%s},\n", p.Name, p.In, p.Type, p.Required,
					floatField("Minimum", p.Min), floatField("Maximum", p.Max))
			}
			b.WriteString("\t\t\t},\n")
		}
		if op.HasBody {
			fmt.Fprintf(&b, "\t\t\tHasBody: true, BodyRequired: %t,\n", op.BodyRequired)
			b.WriteString("\t\t\tBody: []Field{\n")
			for _, f := range op.Body {
				fmt.Fprintf(&b, "\t\t\t\t{Path: %q, Type: %q", f.Path, f.Type)
				if len(f.Required) > 0 {
					fmt.Fprintf(&b, ", Required: %#v", f.Required)
				}
				if f.MinLength > 0 {
					fmt.Fprintf(&b, ", MinLength: %d", f.MinLength)
				}
				if f.MaxLength != nil {
					fmt.Fprintf(&b, ", HasMaxLength: true, MaxLength: %d", *f.MaxLength)
				}
				if f.Pattern != "" {
					fmt.Fprintf(&b, ", Pattern: %q", f.Pattern)
				}
				if f.MinItems > 0 {
					fmt.Fprintf(&b, ", MinItems: %d", f.MinItems)
				}
				if f.MaxItems != nil {
					fmt.Fprintf(&b, ", HasMaxItems: true, MaxItems: %d", *f.MaxItems)
				}
				b.WriteString(floatField("Minimum", f.Min))
				b.WriteString(floatField("Maximum", f.Max))
				if len(f.Enum) > 0 {
					fmt.Fprintf(&b, ", Enum: %#v", f.Enum)
				}
				if f.CustomHeaders {
					b.WriteString(", CustomHeaders: true")
				}
				b.WriteString("},\n")
			}
			b.WriteString("\t\t\t},\n")
		}
		b.WriteString("\t\t},\n")
	}
	b.WriteString("\t}\n}\n\n")
	b.WriteString(`// ErrorBody returns the JSON body the spec declares for an error status,
// built from its schema's default values, and false when the spec declares
// no JSON body for that status.
func ErrorBody(status int) ([]byte, bool) {
	switch status {
`)
	codes := make([]int, 0, len(bodies))
	for c := range bodies {
		codes = append(codes, c)
	}
	sort.Ints(codes)
	for _, c := range codes {
		fmt.Fprintf(&b, "\tcase %d:\n\t\treturn []byte(%q), true\n", c, bodies[c])
	}
	b.WriteString("\t}\n\treturn nil, false\n}\n")
	src, err := format.Source(b.Bytes())
	if err != nil {
		return nil, fmt.Errorf("format generated code: %w\n%s", err, b.Bytes())
	}
	return src, nil
}

func floatField(name string, v *float64) string {
	if v == nil {
		return ""
	}
	return fmt.Sprintf(", Has%s: true, %s: %s", name, name, strconv.FormatFloat(*v, 'g', -1, 64))
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

const header = `// Operation is what the fake Partoo server checks about one operation of
// the spec before its handler runs.
type Operation struct {
	// ID is the operationId.
	ID string
	// Method is the HTTP method, upper case.
	Method string
	// Path is the path template relative to the server URL.
	Path string
	// Params are the operation's path and query parameters.
	Params []Param
	// HasBody reports whether the operation takes a JSON request body, and
	// BodyRequired whether the body is required.
	HasBody, BodyRequired bool
	// Body lists the constraints of the JSON request body, one entry per
	// location, parents before children.
	Body []Field
}

// Param is one path or query parameter.
type Param struct {
	// Name is the parameter name and In its location, "path" or "query".
	Name, In string
	// Type is the JSON Schema type: "integer", "number", "string" or "boolean".
	Type string
	// Required reports whether the parameter must be given.
	Required bool
	// HasMinimum and HasMaximum say whether Minimum and Maximum apply.
	HasMinimum, HasMaximum bool
	// Minimum and Maximum are the inclusive bounds of a numeric parameter.
	Minimum, Maximum float64
}

// Field is the constraint set of one location of a JSON request body.
type Field struct {
	// Path locates the value: "" is the body itself, "a.b" the member b of
	// the member a, and "items[]" every element of the array items.
	Path string
	// Type is the JSON Schema type of the value.
	Type string
	// Required lists the members an object must have.
	Required []string
	// MinLength and MaxLength bound a string's length in characters
	// (MaxLength applies when HasMaxLength).
	MinLength, MaxLength int
	HasMaxLength         bool
	// Pattern is a regular expression a string must match (RE2-compatible,
	// checked by the generator), or "".
	Pattern string
	// MinItems and MaxItems bound an array's length (MaxItems applies when
	// HasMaxItems).
	MinItems, MaxItems int
	HasMaxItems        bool
	// HasMinimum and HasMaximum say whether Minimum and Maximum apply.
	HasMinimum, HasMaximum bool
	// Minimum and Maximum are the inclusive bounds of a number.
	Minimum, Maximum float64
	// Enum lists the allowed values of a string, or is nil.
	Enum []string
	// CustomHeaders marks a CustomHeaders object, whose rules are checked
	// by partoo.ValidateCustomHeaders (generated from the same schema).
	CustomHeaders bool
}

// Operations returns every operation of the spec, sorted by path then
// method. Each call returns a new slice.
`
