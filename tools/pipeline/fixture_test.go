package pipeline

import (
	"context"
	"errors"
	"fmt"
	"os"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"gopkg.in/yaml.v3"

	"github.com/partoo-go/partoo/tools/internal/ecma"
	"github.com/partoo-go/partoo/tools/internal/specload"
)

// partooFixture is an invented bundle in the shapes of Partoo's published
// openapi-bundled.yaml: every operation of the endpoint inventory, for the
// tests of the generator and of the stateful fake server.
const partooFixture = "testdata/partoo-bundle/openapi-bundled.yaml"

// fixtureSeedExempt names the components kept exactly as Partoo publishes
// them (the seed: GET /webhooks/{webhook_id} and what it references), which
// therefore cannot be given the examples every other element carries.
var fixtureSeedExempt = map[string]bool{
	"#/components/parameters/webhook_id": true,
	"#/components/responses/401":         true,
	"#/components/responses/403":         true,
	"#/components/responses/404":         true,
}

// fixtureSchemaKeywords are the only keys a schema of the fixture may use
// (besides x-* extensions): what the generator and the fake server enforce.
var fixtureSchemaKeywords = map[string]bool{
	"type": true, "enum": true, "const": true, "default": true, "format": true,
	"minimum": true, "maximum": true, "exclusiveMinimum": true, "exclusiveMaximum": true, "multipleOf": true,
	"minLength": true, "maxLength": true, "pattern": true,
	"items": true, "minItems": true, "maxItems": true, "uniqueItems": true,
	"properties": true, "required": true, "additionalProperties": true, "propertyNames": true,
	"minProperties": true, "maxProperties": true,
	"allOf": true, "oneOf": true, "anyOf": true, "discriminator": true, "$ref": true,
	"title": true, "description": true, "example": true, "examples": true,
	"deprecated": true, "readOnly": true, "writeOnly": true,
}

type fixtureOperation struct {
	method, path string
	op           *openapi3.Operation
}

func (o fixtureOperation) String() string { return o.method + " " + o.path }

func fixtureOperations(doc *openapi3.T) []fixtureOperation {
	var ops []fixtureOperation
	for _, path := range doc.Paths.InMatchingOrder() {
		for method, op := range doc.Paths.Value(path).Operations() {
			ops = append(ops, fixtureOperation{method: method, path: path, op: op})
		}
	}
	sort.Slice(ops, func(i, j int) bool {
		if ops[i].path != ops[j].path {
			return ops[i].path < ops[j].path
		}
		return ops[i].method < ops[j].method
	})
	return ops
}

// TestPartooFixtureIsValid checks the fixture: kin-openapi accepts it
// (patterns compiled as ECMAScript, every example validated), it has at
// least 60 operations with unique operationIds, every list operation has
// one of the three list shapes, every parameter and leaf property has an
// example, path parameter examples address the example item, and schemas
// use only the keywords the generator accepts.
func TestPartooFixtureIsValid(t *testing.T) {
	t.Parallel()
	loader := openapi3.NewLoader()
	loader.IsExternalRefsAllowed = false
	doc, err := loader.LoadFromFile(partooFixture)
	if err != nil {
		t.Fatalf("load %s: %v", partooFixture, err)
	}
	err = doc.Validate(context.Background(),
		openapi3.SetRegexCompiler(ecma.Compile),
		openapi3.EnableSchemaPatternValidation(),
		openapi3.EnableExamplesValidation(),
		openapi3.EnableMultiError(),
	)
	var multi openapi3.MultiError
	switch {
	case errors.As(err, &multi):
		for _, e := range multi {
			t.Errorf("kin-openapi: %v", e)
		}
	case err != nil:
		t.Errorf("kin-openapi: %v", err)
	}

	ops := fixtureOperations(doc)
	if len(ops) < 60 {
		t.Errorf("%d operations, want at least 60", len(ops))
	}
	ids := map[string]fixtureOperation{}
	for _, o := range ops {
		id := o.op.OperationID
		switch {
		case id == "":
			t.Errorf("%s: no operationId", o)
		case ids[id].op != nil:
			t.Errorf("%s: operationId %q already used by %s", o, id, ids[id])
		default:
			ids[id] = o
		}
		if len(o.op.Tags) != 1 || o.op.Summary == "" || strings.TrimSpace(o.op.Description) == "" {
			t.Errorf("%s: want one tag, a summary and a description", o)
		}
		checkFixtureListShape(t, o)
	}
	checkFixtureExamples(t, doc, ops)
	checkFixturePathExamples(t, ops)
	checkFixtureKeywords(t)
}

func queryParam(op *openapi3.Operation, name string) *openapi3.Parameter {
	for _, p := range op.Parameters {
		if p.Value.In == openapi3.ParameterInQuery && p.Value.Name == name {
			return p.Value
		}
	}
	return nil
}

func successSchema(op *openapi3.Operation) *openapi3.Schema {
	resp := op.Responses.Value("200")
	if resp == nil || resp.Value == nil {
		return nil
	}
	mt := resp.Value.Content.Get("application/json")
	if mt == nil || mt.Schema == nil {
		return nil
	}
	return mt.Schema.Value
}

// flatProperties merges the properties of s and of its allOf members.
func flatProperties(s *openapi3.Schema) map[string]*openapi3.SchemaRef {
	props := map[string]*openapi3.SchemaRef{}
	if s == nil {
		return props
	}
	for _, sub := range s.AllOf {
		for name, p := range flatProperties(sub.Value) {
			props[name] = p
		}
	}
	for name, p := range s.Properties {
		props[name] = p
	}
	return props
}

func arrayProperties(props map[string]*openapi3.SchemaRef) []string {
	var names []string
	for name, p := range props {
		if p.Value.Type.Is("array") {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names
}

func intBound(p *openapi3.Parameter) (minimum, maximum, def any) {
	s := p.Schema.Value
	if s.Min != nil {
		minimum = *s.Min
	}
	if s.Max != nil {
		maximum = *s.Max
	}
	return minimum, maximum, s.Default
}

// checkFixtureListShape checks a GET operation: a list (page or cursor
// parameter, a ListResult answer, or a next link) must have exactly one of
// the three list shapes; any other GET must not answer both page and
// max_page.
func checkFixtureListShape(t *testing.T, o fixtureOperation) {
	t.Helper()
	if o.method != "GET" {
		return
	}
	schema := successSchema(o.op)
	if schema == nil {
		if resp := o.op.Responses.Value("200"); resp == nil || resp.Value == nil || len(resp.Value.Content) == 0 {
			t.Errorf("%s: no 200 schema", o) // a download answers another media type
		}
		return
	}
	page, perPage, cursor := queryParam(o.op, "page"), queryParam(o.op, "per_page"), queryParam(o.op, "cursor")
	listResult := len(schema.AllOf) > 0 && schema.AllOf[0].Ref == "#/components/schemas/ListResult"
	switch {
	case page != nil || listResult:
		// Page list: allOf [ListResult, {one resource-named array}], page + per_page.
		if len(schema.AllOf) != 2 || !listResult || len(schema.AllOf[1].Value.Properties) != 1 {
			t.Errorf("%s: page list 200 must be allOf [ListResult, an object with one array property]", o)
			return
		}
		if arrays := arrayProperties(schema.AllOf[1].Value.Properties); len(arrays) != 1 {
			t.Errorf("%s: page list 200 must add exactly one array, got %v", o, arrays)
		} else if arrays[0] == "items" && !strings.HasPrefix(o.path, "/webhooks") {
			t.Errorf("%s: the array must be named after the resource (items is for webhooks only)", o)
		}
		if page == nil || perPage == nil || cursor != nil {
			t.Errorf("%s: page list needs the page and per_page parameters and no cursor", o)
			return
		}
		if lo, _, _ := intBound(page); lo != 1.0 {
			t.Errorf("%s: page minimum %v, want 1", o, lo)
		}
		switch lo, hi, def := intBound(perPage); {
		case lo == 1.0 && hi == 100.0:
		case lo == 1.0 && hi == 500.0 && def == 500.0:
		default:
			t.Errorf("%s: per_page [%v, %v] default %v: want 1..100 or 1..500 default 500", o, lo, hi, def)
		}
	case schema.Properties["next"] != nil:
		// Next-link list: {next: string|null, one array}, per_page 1..100, and maybe a cursor.
		if next := schema.Properties["next"].Value; !reflect.DeepEqual([]string(*next.Type), []string{"string", "null"}) || next.Format != "uri" {
			t.Errorf("%s: next-link list next must be a uri of type [string, 'null']", o)
		}
		if arrays := arrayProperties(schema.Properties); len(arrays) != 1 || len(schema.Properties) != 2 {
			t.Errorf("%s: next-link list 200 must be an object with next and one array", o)
		}
		if perPage == nil || page != nil {
			t.Errorf("%s: next-link list needs per_page and no page", o)
		}
	case cursor != nil:
		// Cursor list: {count, next_cursor: string|null, one array}, cursor + per_page 1..100.
		props := schema.Properties
		if len(schema.AllOf) != 0 || len(props) != 3 || props["count"] == nil || !props["count"].Value.Type.Is("integer") {
			t.Errorf("%s: cursor list 200 must be an object with count, next_cursor and one array", o)
			return
		}
		if nc := props["next_cursor"]; nc == nil || !reflect.DeepEqual([]string(*nc.Value.Type), []string{"string", "null"}) {
			t.Errorf("%s: cursor list next_cursor must be of type [string, 'null']", o)
		}
		if arrays := arrayProperties(props); len(arrays) != 1 {
			t.Errorf("%s: cursor list must have exactly one array, got %v", o, arrays)
		}
		if perPage == nil || cursor.Required || !cursor.Schema.Value.Type.Is("string") {
			t.Errorf("%s: cursor list needs an optional string cursor and per_page", o)
		} else if lo, hi, def := intBound(perPage); lo != 1.0 || hi != 100.0 || def != 30.0 {
			t.Errorf("%s: cursor list per_page [%v, %v] default %v, want 1..100 default 30", o, lo, hi, def)
		}
	default:
		props := flatProperties(schema)
		if props["page"] != nil && props["max_page"] != nil {
			t.Errorf("%s: not a list, but answers both page and max_page", o)
		}
		if perPage != nil {
			t.Errorf("%s: per_page without page or cursor", o)
		}
	}
}

func hasExample(s *openapi3.Schema) bool { return s.Example != nil || len(s.Examples) > 0 }

// isLeaf reports whether s is carried as is: a scalar, an array of scalars,
// a map or a free-form object. Objects with properties and compositions are
// not leaves: their own properties carry the examples.
func isLeaf(s *openapi3.Schema) bool {
	if len(s.Properties) > 0 || len(s.AllOf)+len(s.OneOf)+len(s.AnyOf) > 0 {
		return false
	}
	return s.Items == nil || s.Items.Value == nil || isLeaf(s.Items.Value)
}

// checkFixtureExamples checks that every parameter and every leaf property
// has an example (on itself or on the schema it references).
func checkFixtureExamples(t *testing.T, doc *openapi3.T, ops []fixtureOperation) {
	t.Helper()
	seen := map[*openapi3.Schema]bool{}
	var walk func(where string, s *openapi3.Schema)
	walk = func(where string, s *openapi3.Schema) {
		if s == nil || seen[s] {
			return
		}
		seen[s] = true
		for _, name := range componentsSorted(s.Properties) {
			p := s.Properties[name]
			if isLeaf(p.Value) && !hasExample(p.Value) {
				t.Errorf("%s.properties.%s: no example", where, name)
			}
			walk(where+".properties."+name, p.Value)
		}
		if s.Items != nil {
			walk(where+".items", s.Items.Value)
		}
		for i, sub := range slices.Concat(s.AllOf, s.OneOf, s.AnyOf) {
			walk(fmt.Sprintf("%s.[%d]", where, i), sub.Value)
		}
		if ap := s.AdditionalProperties.Schema; ap != nil {
			walk(where+".additionalProperties", ap.Value)
		}
	}
	reported := map[*openapi3.Parameter]bool{}
	checkParams := func(where string, params openapi3.Parameters) {
		for _, p := range params {
			if fixtureSeedExempt[p.Ref] || reported[p.Value] {
				continue
			}
			reported[p.Value] = true
			if p.Value.Example == nil && len(p.Value.Examples) == 0 {
				t.Errorf("%s: parameter %s (%s) has no example", where, p.Value.Name, p.Value.In)
			}
			walk(where+" parameter "+p.Value.Name, p.Value.Schema.Value)
		}
	}
	walkResponses := func(where string, responses *openapi3.Responses) {
		for code, r := range responses.Map() {
			if fixtureSeedExempt[r.Ref] {
				continue
			}
			for ct, mt := range r.Value.Content {
				walk(where+" "+code+" "+ct, mt.Schema.Value)
			}
		}
	}
	walkOperation := func(where string, op *openapi3.Operation) {
		checkParams(where, op.Parameters)
		if op.RequestBody != nil {
			for ct, mt := range op.RequestBody.Value.Content {
				walk(where+" body "+ct, mt.Schema.Value)
			}
		}
		walkResponses(where, op.Responses)
	}
	for _, o := range ops {
		walkOperation(o.String(), o.op)
	}
	for _, name := range componentsSorted(doc.Webhooks) {
		for method, op := range doc.Webhooks[name].Operations() {
			walkOperation("webhook "+name+" "+method, op)
		}
	}
	for _, name := range componentsSorted(doc.Components.Parameters) {
		p := doc.Components.Parameters[name]
		checkParams("components.parameters", openapi3.Parameters{&openapi3.ParameterRef{Ref: "#/components/parameters/" + name, Value: p.Value}})
	}
	for _, name := range componentsSorted(doc.Components.Schemas) {
		walk("components.schemas."+name, doc.Components.Schemas[name].Value)
	}
	for _, name := range componentsSorted(doc.Components.Responses) {
		if fixtureSeedExempt["#/components/responses/"+name] {
			continue
		}
		for ct, mt := range doc.Components.Responses[name].Value.Content {
			walk("components.responses."+name+" "+ct, mt.Schema.Value)
		}
	}
}

func componentsSorted[V any](m map[string]V) []string {
	names := make([]string, 0, len(m))
	for name := range m {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// checkFixturePathExamples checks that a path parameter addressing an item
// (the last segment of the path) has the example of the answered item's id,
// so that a request built from the examples finds the example item.
func checkFixturePathExamples(t *testing.T, ops []fixtureOperation) {
	t.Helper()
	checked := 0
	for _, o := range ops {
		segs := strings.Split(o.path, "/")
		last := segs[len(segs)-1]
		if !strings.HasPrefix(last, "{") {
			continue
		}
		id := flatProperties(successSchema(o.op))["id"]
		if id == nil || id.Value.Example == nil {
			continue
		}
		for _, p := range o.op.Parameters {
			if p.Value.In != openapi3.ParameterInPath || "{"+p.Value.Name+"}" != last || fixtureSeedExempt[p.Ref] {
				continue
			}
			checked++
			if fmt.Sprint(p.Value.Example) != fmt.Sprint(id.Value.Example) {
				t.Errorf("%s: path parameter %s example %v, want the item's id example %v", o, p.Value.Name, p.Value.Example, id.Value.Example)
			}
		}
	}
	if checked < 10 {
		t.Errorf("checked only %d path parameter examples", checked)
	}
}

// checkFixtureKeywords walks the raw YAML: every schema uses only the
// accepted keywords and formats, and style/explode appear only on query
// array parameters.
func checkFixtureKeywords(t *testing.T) {
	t.Helper()
	data, err := os.ReadFile(partooFixture)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	var schema func(where string, v any)
	schema = func(where string, v any) {
		m, ok := v.(map[string]any)
		if !ok {
			t.Errorf("%s: schema is not an object", where)
			return
		}
		for key, val := range m {
			if !fixtureSchemaKeywords[key] && !strings.HasPrefix(key, "x-") {
				t.Errorf("%s: keyword %q is not accepted", where, key)
			}
			switch key {
			case "format":
				if f, _ := val.(string); !specload.KnownFormat(f) {
					t.Errorf("%s: format %v is not accepted", where, val)
				}
			case "properties":
				props, _ := val.(map[string]any)
				for name, p := range props {
					schema(where+".properties."+name, p)
				}
			case "items", "propertyNames":
				schema(where+"."+key, val)
			case "additionalProperties":
				if _, isBool := val.(bool); !isBool {
					schema(where+".additionalProperties", val)
				}
			case "allOf", "oneOf", "anyOf":
				list, _ := val.([]any)
				for i, sub := range list {
					schema(fmt.Sprintf("%s.%s[%d]", where, key, i), sub)
				}
			}
		}
	}
	// Outside schemas: every "schema" key holds one; parameters are checked
	// for their location and style.
	var walk func(where string, v any)
	walk = func(where string, v any) {
		switch v := v.(type) {
		case map[string]any:
			if in, ok := v["in"].(string); ok && v["name"] != nil {
				if in != "path" && in != "query" && in != "header" {
					t.Errorf("%s: parameter in %q", where, in)
				}
				if v["style"] != nil || v["explode"] != nil {
					s, _ := v["schema"].(map[string]any)
					if in != "query" || s["type"] != "array" {
						t.Errorf("%s: style/explode only on query arrays", where)
					}
				}
			}
			for key, val := range v {
				switch {
				case key == "schema":
					schema(where+".schema", val)
				case key == "example" || key == "examples" || strings.HasPrefix(key, "x-"):
				default:
					walk(where+"."+key, val)
				}
			}
		case []any:
			for i, e := range v {
				walk(fmt.Sprintf("%s[%d]", where, i), e)
			}
		}
	}
	components, _ := doc["components"].(map[string]any)
	schemas, _ := components["schemas"].(map[string]any)
	for name, s := range schemas {
		schema("components.schemas."+name, s)
	}
	for key, v := range doc {
		if key != "components" {
			walk(key, v)
		}
	}
	for key, v := range components {
		if key != "schemas" {
			walk("components."+key, v)
		}
	}
}
