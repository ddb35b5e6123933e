package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/google/go-cmp/cmp"
	"github.com/speakeasy-api/openapi/overlay"
	"gopkg.in/yaml.v3"

	"github.com/partoo-go/partoo/tools/internal/goname"
	"github.com/partoo-go/partoo/tools/internal/specload"
)

const (
	specPath    = "../../internal/testspec/webhooks-openapi.yaml"
	namesPath   = "../../internal/testspec/names.yaml"
	oapiConfig  = "../../../oapi-codegen.yaml"
	fixturePath = "../../pipeline/testdata/partoo-bundle/openapi-bundled.yaml"
)

// mutateSpec copies the spec at path to a temporary directory, applies fn
// to its decoded YAML, and returns the new file's path.
func mutateSpec(t *testing.T, path string, fn func(doc map[string]any)) string {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	fn(doc)
	out, err := yaml.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "openapi-bundled.yaml")
	if err := os.WriteFile(p, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// obj walks doc down keys, creating nothing: every key must exist.
func obj(t *testing.T, doc map[string]any, keys ...string) map[string]any {
	t.Helper()
	cur := doc
	for _, k := range keys {
		next, ok := cur[k].(map[string]any)
		if !ok {
			t.Fatalf("spec: no object at %v", keys)
		}
		cur = next
	}
	return cur
}

func customHeaders(t *testing.T, doc map[string]any) map[string]any {
	return obj(t, doc, "components", "schemas", "CustomHeaders")
}

// runSpecgen runs the command on spec (with the names file names, "" for
// none) and returns the exit status, stderr and the table (nil when not
// written).
func runSpecgen(t *testing.T, spec, names string) (int, string, []byte) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "spec.gen.go")
	var stderr bytes.Buffer
	args := []string{"-spec", spec, "-table", out}
	if names != "" {
		args = append(args, "-names", names)
	}
	code := run(args, &stderr)
	src, err := os.ReadFile(out)
	if err != nil {
		src = nil
	}
	return code, stderr.String(), src
}

// buildModel compiles the spec at path as generate does.
func buildModel(t *testing.T, path string, names *namesFile) *model {
	t.Helper()
	doc, err := specload.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if names == nil {
		names = &namesFile{}
	}
	m, err := build(doc, names)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func (m *model) op(id string) *operation {
	for _, o := range m.Ops {
		if o.ID == id {
			return o
		}
	}
	return nil
}

// componentRow returns the generated row of a component, as Go source.
func componentRow(src []byte, name string) string {
	for _, line := range strings.Split(string(src), "\n") {
		if strings.Contains(line, "{Name: "+strconv.Quote(name)+",") {
			return line
		}
	}
	return ""
}

// TestTableFollowsTheSpec is the proof that the rules come from the spec:
// change the constraints in a copy of the spec, regenerate, and the table
// follows.
func TestTableFollowsTheSpec(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		mutate func(ch map[string]any)
		want   []string
	}{
		{"the spec as it is", func(map[string]any) {}, []string{"MaxProperties: 5,", "AdditionalProperties: ", "PropertyNames: "}},
		{"other limits", func(ch map[string]any) {
			ch["maxProperties"] = 8
			ch["minProperties"] = 1
		}, []string{"MaxProperties: 8,", "MinProperties: 1,"}},
		{"annotations are allowed", func(ch map[string]any) {
			ch["title"] = "Custom headers"
			ch["x-note"] = "an extension"
		}, []string{"MaxProperties: 5,"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			spec := mutateSpec(t, specPath, func(doc map[string]any) { tt.mutate(customHeaders(t, doc)) })
			code, stderr, src := runSpecgen(t, spec, "")
			if code != 0 {
				t.Fatalf("specgen exited %d: %s", code, stderr)
			}
			row := componentRow(src, "CustomHeaders")
			for _, want := range tt.want {
				if !strings.Contains(row, want) {
					t.Errorf("the CustomHeaders row lacks %q:\n%s", want, row)
				}
			}
		})
	}
	// A new pattern reaches the pattern table with its translation and
	// hints.
	spec := mutateSpec(t, specPath, func(doc map[string]any) {
		customHeaders(t, doc)["propertyNames"].(map[string]any)["pattern"] = `^[Aa][Pp][Pp]-(?![Ii][Nn][Tt][Ee][Rr][Nn][Aa][Ll])[^ :]*$`
	})
	code, stderr, src := runSpecgen(t, spec, "")
	if code != 0 {
		t.Fatalf("specgen exited %d: %s", code, stderr)
	}
	for _, want := range []string{
		`MustMatch: []string{"^[Aa][Pp][Pp]-[^ :]*$"}`,
		`MustNotMatch: []string{"^[Aa][Pp][Pp]-[Ii][Nn][Tt][Ee][Rr][Nn][Aa][Ll]"}`,
		`Hints: NameHints{Prefix: "App-", PrefixFold: true, Reserved: "Internal", ReservedFold: true, Forbidden: " :", Exact: true}`,
	} {
		if !strings.Contains(string(src), want) {
			t.Errorf("the table lacks %s", want)
		}
	}
}

// TestSpecgenFailsLoudly: anything the client or the fake could not
// honour makes specgen exit 1 with a message naming it and where it sits,
// and write nothing.
func TestSpecgenFailsLoudly(t *testing.T) {
	t.Parallel()
	names := func(doc map[string]any) map[string]any {
		return customHeaders(t, doc)["propertyNames"].(map[string]any)
	}
	// param adds a parameter to GET /webhooks.
	param := func(doc map[string]any, p map[string]any) {
		get := obj(t, doc, "paths", "/webhooks", "get")
		get["parameters"] = append(get["parameters"].([]any), p)
	}
	notSchema := map[string]any{"type": "object", "not": map[string]any{}}
	jsonOf := func(schema any) map[string]any {
		return map[string]any{"application/json": map[string]any{"schema": schema}}
	}
	getWebhook := func(doc map[string]any) map[string]any { return obj(t, doc, "paths", "/webhooks/{webhook_id}", "get") }
	delivery := func(doc map[string]any) map[string]any { return obj(t, doc, "webhooks", "businessCreated", "post") }
	tests := []struct {
		name    string
		mutate  func(doc map[string]any)
		wantErr string
	}{
		{"a second API key header", func(doc map[string]any) {
			obj(t, doc, "components", "securitySchemes")["OrgKey"] = map[string]any{"type": "apiKey", "in": "header", "name": "x-OrgKey"}
		}, `2 apiKey header schemes ["x-APIKey" "x-OrgKey"]`},
		{"no API key header", func(doc map[string]any) {
			obj(t, doc, "components", "securitySchemes", "ApiKeyAuth")["in"] = "query"
		}, "0 apiKey header schemes"},
		{"unsupported keyword patternProperties", func(doc map[string]any) {
			customHeaders(t, doc)["patternProperties"] = map[string]any{"^X-": map[string]any{"type": "string"}}
		}, "components.schemas.CustomHeaders: keyword(s) patternProperties not supported"},
		{"unsupported keyword not, deep in a body", func(doc map[string]any) {
			obj(t, doc, "components", "schemas", "UpdateWebhookPayload", "properties", "url")["not"] = map[string]any{"const": "x"}
		}, "components.schemas.UpdateWebhookPayload.properties.url: keyword(s) not not supported"},
		{"nullable, OpenAPI 3.0's keyword, in a 3.1 document", func(doc map[string]any) {
			obj(t, doc, "components", "schemas", "WebhookItem", "properties")["url"] = map[string]any{"type": "string", "nullable": true}
		}, "components.schemas.WebhookItem.properties.url: keyword(s) nullable not supported"},
		{"an unknown keyword", func(doc map[string]any) {
			obj(t, doc, "components", "schemas", "WebhookItem")["dependencies"] = map[string]any{}
		}, "dependencies"},
		{"a query parameter in a cookie", func(doc map[string]any) {
			param(doc, map[string]any{"name": "s", "in": "cookie", "schema": map[string]any{"type": "string"}})
		}, `cookie parameter "s": parameters in "cookie" are not supported`},
		{"a parameter with content, not a schema", func(doc map[string]any) {
			param(doc, map[string]any{"name": "q", "in": "query", "content": jsonOf(map[string]any{"type": "string"})})
		}, `query parameter "q": a parameter without a schema (content) is not supported`},
		{"an unsupported keyword in a parameter", func(doc map[string]any) {
			param(doc, map[string]any{"name": "q", "in": "query", "schema": notSchema})
		}, `query parameter "q": keyword(s) not not supported`},
		{"a parameter style", func(doc map[string]any) {
			param(doc, map[string]any{"name": "q", "in": "query", "style": "pipeDelimited", "schema": map[string]any{"type": "array", "items": map[string]any{"type": "string"}}})
		}, `query parameter "q": style "pipeDelimited" is not supported`},
		{"an object parameter", func(doc map[string]any) {
			param(doc, map[string]any{"name": "q", "in": "query", "schema": map[string]any{"type": "object"}})
		}, `query parameter "q": object parameters are not supported`},
		{"no 2xx response", func(doc map[string]any) {
			delete(obj(t, getWebhook(doc), "responses"), "200")
		}, "getWebhook (GET /webhooks/{webhook_id}): no 2xx response"},
		{"an unsupported keyword in a success response", func(doc map[string]any) {
			obj(t, getWebhook(doc), "responses", "200")["content"] = jsonOf(notSchema)
		}, "getWebhook (GET /webhooks/{webhook_id}): 200 response: keyword(s) not not supported"},
		{"an unsupported keyword in an error response", func(doc map[string]any) {
			obj(t, getWebhook(doc), "responses")["422"] = map[string]any{"description": "no", "content": jsonOf(notSchema)}
		}, "getWebhook (GET /webhooks/{webhook_id}): 422 response: keyword(s) not not supported"},
		{"an unsupported keyword in a request body", func(doc map[string]any) {
			obj(t, doc, "paths", "/webhooks/{webhook_id}", "put")["requestBody"] = map[string]any{"content": jsonOf(notSchema)}
		}, "(PUT /webhooks/{webhook_id}): request body: keyword(s) not not supported"},
		{"a page list whose page is no integer", func(doc map[string]any) {
			obj(t, doc, "components", "schemas", "ListResult", "properties", "page")["type"] = "string"
		}, "getWebhookList (GET /webhooks): the page list's page is not an integer"},
		{"a boolean schema", func(doc map[string]any) {
			obj(t, doc, "components", "schemas")["Anything"] = true
		}, "components.schemas.Anything: keyword(s) a boolean schema not supported"},
		{"a discriminator without oneOf or anyOf", func(doc map[string]any) {
			obj(t, doc, "components", "schemas")["Kinds"] = map[string]any{"type": "object", "discriminator": map[string]any{"propertyName": "kind"}}
		}, "components.schemas.Kinds.discriminator: a discriminator needs oneOf or anyOf"},
		{"a discriminator mapping to no branch", func(doc map[string]any) {
			obj(t, doc, "components", "schemas")["Kinds"] = map[string]any{"oneOf": []any{map[string]any{"$ref": "#/components/schemas/WebhookItem"}},
				"discriminator": map[string]any{"propertyName": "kind", "mapping": map[string]any{"list": "#/components/schemas/ListResult"}}}
		}, `components.schemas.Kinds.discriminator.mapping["list"]: "#/components/schemas/ListResult" is not one of the schema's branches`},
		{"an inline branch without a mapping value", func(doc map[string]any) {
			obj(t, doc, "components", "schemas")["Kinds"] = map[string]any{"oneOf": []any{map[string]any{"type": "object"}}, "discriminator": map[string]any{"propertyName": "kind"}}
		}, "components.schemas.Kinds.discriminator: an inline branch has no mapping value"},
		{"an event without a request body", func(doc map[string]any) {
			delete(delivery(doc), "requestBody")
		}, "webhooks.businessCreated: no POST with a request body"},
		{"an event body that is not JSON", func(doc map[string]any) {
			delivery(doc)["requestBody"] = map[string]any{"content": map[string]any{"text/plain": map[string]any{}}}
		}, "webhooks.businessCreated: the request body is not application/json"},
		{"an unsupported keyword in an event body", func(doc map[string]any) {
			delivery(doc)["requestBody"] = map[string]any{"content": jsonOf(notSchema)}
		}, "webhooks.businessCreated: request body: keyword(s) not not supported"},
		{"a page parameter without max_page", func(doc map[string]any) {
			get := obj(t, doc, "paths", "/webhooks/{webhook_id}", "get")
			get["parameters"] = append(get["parameters"].([]any), map[string]any{"$ref": "#/components/parameters/query_page"})
		}, "getWebhook (GET /webhooks/{webhook_id}): ambiguous list shape"},
		{"a list with two arrays", func(doc map[string]any) {
			list := obj(t, doc, "paths", "/webhooks", "get", "responses", "200", "content", "application/json", "schema")
			list["allOf"] = append(list["allOf"].([]any), map[string]any{"type": "object", "properties": map[string]any{"tags": map[string]any{"type": "array", "items": map[string]any{"type": "string"}}}})
		}, "ambiguous list shape: a page list with 2 array properties [items tags]"},
		{"two tags, one service name", func(doc map[string]any) {
			getWebhook(doc)["tags"] = []any{"webhooks"}
		}, `both give the service name "Webhooks"`},
		{"no operationId", func(doc map[string]any) {
			delete(obj(t, doc, "paths", "/webhooks", "get"), "operationId")
		}, "GET /webhooks has no operationId"},
		{"a pattern it cannot translate", func(doc map[string]any) {
			names(doc)["pattern"] = `^[Xx]-\w*(?!Partoo)[^:]*$`
		}, `components.schemas.CustomHeaders.propertyNames.pattern: pattern "^[Xx]-\\w*(?!Partoo)[^:]*$": a lookahead inside or after a group, or after a quantifier`},
		{"a pattern that does not compile", func(doc map[string]any) {
			names(doc)["pattern"] = `^X-[a-z`
		}, "an unterminated class at offset 3 is not supported"},
		{"a delivery body without a type property", func(doc map[string]any) {
			// The first component is an enum that holds the event type: a
			// body without its own type property must not borrow it.
			obj(t, doc, "components", "schemas")["AAEventTypes"] = map[string]any{"type": "string", "enum": []any{"business_created", "business_updated"}}
			event := obj(t, doc, "components", "schemas", "BusinessEvent")
			delete(event["properties"].(map[string]any), "type")
			event["required"] = []any{"payload"}
			delete(event, "example")
		}, `webhooks.businessCreated: the body's type enum has no "business_created"`},
		// The loader's validation refuses these before specgen reads the
		// schemas (docs/maintaining.md): specgen has no check of its own.
		{"an unknown type", func(doc map[string]any) {
			obj(t, doc, "components", "schemas", "WebhookItem", "properties")["url"] = map[string]any{"type": "strin"}
		}, `unsupported 'type' value "strin"`},
		{"a multipleOf that is not positive", func(doc map[string]any) {
			obj(t, doc, "components", "schemas", "WebhookItem", "properties")["url"] = map[string]any{"type": "number", "multipleOf": 0}
		}, "multipleOf must be greater than zero"},
		{"a webhook that is null", func(doc map[string]any) {
			obj(t, doc, "webhooks")["nothing"] = nil
		}, `webhook "nothing" is nil`},
		{"a null security scheme", func(doc map[string]any) {
			obj(t, doc, "components", "securitySchemes")["nothing"] = nil
		}, "invalid securityScheme: value MUST be an object"},
		{"a null parameter", func(doc map[string]any) {
			obj(t, doc, "components", "parameters")["nothing"] = nil
		}, "invalid parameter: value MUST be an object"},
		{"a null property", func(doc map[string]any) {
			obj(t, doc, "components", "schemas", "WebhookItem", "properties")["nothing"] = nil
		}, "invalid schema: value MUST be an object"},
		{"a null allOf part", func(doc map[string]any) {
			obj(t, doc, "components", "schemas")["Both"] = map[string]any{"allOf": []any{nil, map[string]any{"type": "object"}}}
		}, "invalid schema: value MUST be an object"},
		{"an event body that refers to nothing", func(doc map[string]any) {
			delivery(doc)["requestBody"] = map[string]any{"$ref": "#/components/requestBodies/Nowhere"}
		}, "#/components/requestBodies/Nowhere"},
		{"an unresolved reference", func(doc map[string]any) {
			obj(t, doc, "components", "schemas", "WebhookItem", "properties")["url"] = map[string]any{"$ref": "#/components/schemas/Nowhere"}
		}, "#/components/schemas/Nowhere"},
		{"a response the fake cannot build", func(doc map[string]any) {
			obj(t, doc, "components", "schemas", "WebhookItem", "properties")["url"] = map[string]any{"type": "string", "pattern": "^https://[a-z]+$"}
		}, "the fake server cannot build a 200 answer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, stderr, src := runSpecgen(t, mutateSpec(t, specPath, tt.mutate), "")
			if code != 1 {
				t.Errorf("specgen exited %d, want 1 (stderr %q)", code, stderr)
			}
			if !strings.Contains(stderr, tt.wantErr) {
				t.Errorf("stderr = %q, want it to contain %q", stderr, tt.wantErr)
			}
			if src != nil {
				t.Error("specgen wrote output although it failed")
			}
		})
	}
}

// TestUsage: a flag specgen does not know, no output asked for, and
// -services without oapi-codegen's configuration exit 2.
func TestUsage(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"-spec", specPath, "-tables", "spec.gen.go"},
		{"-spec", specPath},
		{"-table", "spec.gen.go"},
		{"-spec", specPath, "-services", "services.gen.go"},
	} {
		if code := run(args, io.Discard); code != 2 {
			t.Errorf("specgen %q exited %d, want 2", args, code)
		}
	}
}

// TestOutputsInOrder: of two failing outputs, the first in specgen's order
// (overlay, table, services, readme, gen) is reported, every time.
func TestOutputsInOrder(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	config := filepath.Join(dir, "no-config.yaml")
	for range 10 {
		var stderr bytes.Buffer
		code := run([]string{"-spec", specPath, "-oapi-config", config, "-services", filepath.Join(dir, "s.go"), "-readme", filepath.Join(dir, "none.md")}, &stderr)
		if code != 1 || !strings.Contains(stderr.String(), config) {
			t.Fatalf("specgen exited %d: %s; want 1 and the missing -oapi-config reported", code, stderr.String())
		}
	}
}

// TestOpenAPI30IsRefused: specgen reads OpenAPI 3.1 only; specload owns
// the upgrade of a 3.0 document (nullable, a boolean exclusiveMinimum),
// and specgen reads what it gives.
func TestOpenAPI30IsRefused(t *testing.T) {
	t.Parallel()
	const doc30 = `openapi: 3.0.3
info: {title: t, version: "1"}
paths: {}
components:
  securitySchemes:
    Key: {type: apiKey, in: header, name: x-APIKey}
  schemas:
    Rating: {type: number, nullable: true, minimum: 0, exclusiveMinimum: true}
`
	dir := t.TempDir()
	path, table := filepath.Join(dir, "openapi-bundled.yaml"), filepath.Join(dir, "spec.gen.go")
	if err := os.WriteFile(path, []byte(doc30), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := generate(path, "", "", map[string]string{"table": table}); !errors.Is(err, errOpenAPI30) {
		t.Errorf("generate on an OpenAPI 3.0 document: %v, want errOpenAPI30", err)
	}
	res, err := specload.Effective(specload.Input{Bundle: []byte(doc30)})
	if err != nil {
		t.Fatal(err)
	}
	path = filepath.Join(dir, "upgraded.yaml")
	if err := os.WriteFile(path, res.Spec, 0o644); err != nil {
		t.Fatal(err)
	}
	rows := buildModel(t, path, nil).schemas.rows
	row := rows[slices.IndexFunc(rows, func(r *schemaRow) bool { return r.Name == "Rating" })]
	if !slices.Equal(row.Types, []string{"number", "null"}) || !row.HasMinimum || !row.ExclusiveMinimum || row.Minimum != 0 {
		t.Errorf("Rating after specload's upgrade: %+v, want a nullable number above 0, excluded", row)
	}
}

// TestUnknownFormatIsPlain: a format the validator does not know is an
// annotation, as spec-lint's advisory finding says: specgen goes through.
func TestUnknownFormatIsPlain(t *testing.T) {
	t.Parallel()
	spec := mutateSpec(t, specPath, func(doc map[string]any) {
		customHeaders(t, doc)["propertyNames"].(map[string]any)["format"] = "markdown"
	})
	if code, stderr, _ := runSpecgen(t, spec, ""); code != 0 {
		t.Fatalf("specgen exited %d on an unknown format, want 0: %s", code, stderr)
	}
}

// TestNamingFile: the naming file names services and methods and settles
// list shapes; a clash is an error; a stale entry is ignored.
func TestNamingFile(t *testing.T) {
	t.Parallel()
	write := func(t *testing.T, s string) string {
		p := filepath.Join(t.TempDir(), "names.yaml")
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	code, stderr, src := runSpecgen(t, specPath, write(t, "services:\n  Webhooks: Hooks\noperations:\n  getWebhook: Fetch\n  gone: Old\n"))
	if code != 0 {
		t.Fatalf("specgen exited %d: %s", code, stderr)
	}
	for _, want := range []string{`Service: "Hooks", GoMethod: "Fetch"`, `ID: "getWebhookList", Method: "GET", Path: "/webhooks", Service: "Hooks", GoMethod: "GetWebhookList"`} {
		if !strings.Contains(string(src), want) {
			t.Errorf("the table lacks %s", want)
		}
	}
	for name, bad := range map[string]string{
		"two operations, one name":          "operations:\n  getWebhook: Get\n  getWebhookList: Get\n",
		"not a Go identifier":               "operations:\n  getWebhook: get-it\n",
		"a reserved service name":           "services:\n  Webhooks: Do\n",
		"a service name that is no Go name": "services:\n  Webhooks: hooks\n",
		"an unknown section":                "method_names:\n  getWebhook: Get\n",
		"a list field that is not an array": "lists:\n  getWebhookList: count\n",
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if code, stderr, _ := runSpecgen(t, specPath, write(t, bad)); code == 0 {
				t.Errorf("specgen accepted %q (stderr %q)", bad, stderr)
			}
		})
	}
	if code, stderr, _ := runSpecgen(t, specPath, filepath.Join(t.TempDir(), "none.yaml")); code != 1 || !strings.Contains(stderr, "none.yaml") {
		t.Errorf("specgen exited %d without its naming file, want 1 and the file named (stderr %q)", code, stderr)
	}
	// lists: none turns a list into a plain operation.
	code, stderr, src = runSpecgen(t, specPath, write(t, "lists:\n  getWebhookList: none\n"))
	if code != 0 || strings.Contains(string(src), "List: List{Style: PageList") {
		t.Errorf("lists: none did not apply (exit %d, %s)", code, stderr)
	}
}

func TestDeriveMethod(t *testing.T) {
	t.Parallel()
	tests := []struct{ id, service, want string }{
		{"searchBusinesses", "Businesses", "Search"},
		{"getUserBusinesses", "Users", "GetBusinesses"},
		{"createOrganization", "Organizations", "Create"},
		{"getWebhookList", "Webhooks", "GetList"},
		{"getApiKey", "APIKeys", "Get"},
		{"fetch_ai_suggestion", "Reviews", "FetchAISuggestion"},
		{"getCategories", "Categories", "Get"},
		{"listAddresses", "Address", "List"},
		{"listIndexes", "Index", "List"},
		{"getSchemas", "Schema", "Get"},
		{"Webhook", "Webhooks", ""},
	}
	for _, tt := range tests {
		if got := deriveMethod(tt.id, tt.service); got != tt.want {
			t.Errorf("deriveMethod(%q, %q) = %q, want %q", tt.id, tt.service, got, tt.want)
		}
	}
	for tag, want := range map[string]string{"API Keys": "APIKeys", "Groups and Sections": "GroupsAndSections", "Feedback Management (BETA)": "FeedbackManagementBETA"} {
		if got := goname.Of(tag); got != want {
			t.Errorf("goname.Of(%q) = %q, want %q", tag, got, want)
		}
	}
}

// TestPartooShapes compiles the Partoo-shaped fixture of the pipeline
// tests: lists of both styles, resource families, 204s and the async
// answer are recognised.
func TestPartooShapes(t *testing.T) {
	t.Parallel()
	m := buildModel(t, fixturePath, nil)
	tests := []struct {
		id                 string
		list, field, role  string
		collection         string
		itemInResponse     bool
		success            int
		successHasNoSchema bool
		media              string
	}{
		{id: "searchBusinesses", list: "page", field: "businesses", role: "list", collection: "/business"},
		{id: "getConversations", list: "cursor", field: "conversations"},
		{id: "getMessages", list: "cursor", field: "messages"},
		// A next link, without a cursor parameter and with one.
		{id: "getMediaList", list: "next", field: "media", role: "list", collection: "/media"},
		{id: "searchMedia", list: "next", field: "media", role: "list", collection: "/media"},
		// An allOf part that requires a property of its base: the fake
		// still builds the answer (checked below with every answer).
		{id: "getMedia", role: "read", collection: "/media", itemInResponse: false},
		{id: "getReviewMetrics", list: "page", field: "metrics"},
		{id: "updateBusiness", role: "update", collection: "/business", itemInResponse: true},
		{id: "deleteUser", role: "delete", collection: "/user", success: 204, successHasNoSchema: true},
		// An organization is identified by org_id, as its path names it.
		{id: "getOrganization", role: "read", collection: "/org", itemInResponse: true},
		// Created at one path, searched at another: one family, tied by the
		// schema of its items.
		{id: "createTemplate", role: "create", collection: "/reviews/templates", itemInResponse: true},
		{id: "searchTemplate", list: "page", field: "reply_templates", role: "list", collection: "/reviews/templates"},
		{id: "getUserBusinesses", list: "page", field: "businesses", role: "list", collection: "/business"},
		{id: "exportReviews", success: 200, successHasNoSchema: true, media: "text/csv"},
	}
	for _, tt := range tests {
		o := m.op(tt.id)
		if o == nil {
			t.Errorf("the fixture has no %s", tt.id)
			continue
		}
		if o.List.Style != tt.list || o.List.Field != tt.field {
			t.Errorf("%s: list %q %q, want %q %q", tt.id, o.List.Style, o.List.Field, tt.list, tt.field)
		}
		if tt.role != "" && (o.Resource.Role != tt.role || o.Resource.Collection != tt.collection || o.Resource.ItemInResponse != tt.itemInResponse) {
			t.Errorf("%s: resource %+v, want %s of %s (item in response %t)", tt.id, o.Resource, tt.role, tt.collection, tt.itemInResponse)
		}
		if tt.media != "" && (o.SuccessMedia != tt.media || !strings.HasPrefix(o.SuccessExample, "review_id,")) {
			t.Errorf("%s: success media %q, example %q; want %s and the spec's example", tt.id, o.SuccessMedia, o.SuccessExample, tt.media)
		}
		if tt.success != 0 && (o.Success != tt.success || (o.SuccessSchema < 0) != tt.successHasNoSchema) {
			t.Errorf("%s: success %d schema %d, want %d", tt.id, o.Success, o.SuccessSchema, tt.success)
		}
	}
	// A uuid without an example gets a valid one (the fake answers it,
	// the client decodes it as a UUID).
	if got := m.op("getMedia").Params[0].Example; !regexp.MustCompile(`^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$`).MatchString(got) {
		t.Errorf("getMedia's media_id example is %q, want a UUID", got)
	}
	lists := 0
	for _, o := range m.Ops {
		if o.List.Style != "" {
			lists++
		}
		if o.SuccessSchema >= 0 && o.SuccessExample == "" {
			t.Errorf("%s: no example answer", o.ID)
		}
	}
	if len(m.Ops) < 60 || lists < 20 {
		t.Errorf("%d operations, %d lists; want the fixture's 60+ and 20+", len(m.Ops), lists)
	}
}

// TestErrorSchemas: each error status of an operation has the schema of
// its JSON body in the table, the shared one of components.responses or
// the operation's own, and none when it declares no body.
func TestErrorSchemas(t *testing.T) {
	t.Parallel()
	spec := mutateSpec(t, specPath, func(doc map[string]any) {
		responses := obj(t, doc, "paths", "/webhooks/{webhook_id}", "get", "responses")
		responses["400"] = map[string]any{
			"description": "An error of the operation's own",
			"content": map[string]any{"application/json": map[string]any{"schema": map[string]any{
				"type": "object", "required": []any{"own"}, "properties": map[string]any{"own": map[string]any{"type": "string"}},
			}}},
		}
		responses["409"] = map[string]any{"description": "No body"}
	})
	m := buildModel(t, spec, nil)
	shared, own := m.op("Webhook"), m.op("getWebhook")
	schemaOf := func(o *operation, status int) int {
		k := slices.Index(o.Errors, status)
		if k < 0 || len(o.ErrorSchemas) != len(o.Errors) {
			t.Fatalf("%s: errors %v, schemas %v: no %d", o.ID, o.Errors, o.ErrorSchemas, status)
		}
		return o.ErrorSchemas[k]
	}
	tests := []struct {
		name     string
		op       *operation
		status   int
		property string // a property of the schema; "" for no schema
	}{
		{"shared 400", shared, 400, "error"},
		{"shared 404", shared, 404, "errors"},
		{"the operation's own 400", own, 400, "own"},
		{"no body", own, 409, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			i := schemaOf(tt.op, tt.status)
			if tt.property == "" {
				if i != noSchema {
					t.Errorf("schema %d, want none", i)
				}
				return
			}
			if _, ok := m.schemas.properties(i)[tt.property]; i < 0 || !ok {
				t.Errorf("schema %d, want one with the property %q", i, tt.property)
			}
		})
	}
	if a, b := schemaOf(shared, 400), schemaOf(m.op("updateWebhook"), 400); a != b {
		t.Errorf("the shared 400 is two schemas, %d and %d", a, b)
	}
}

// TestCustomHeadersLocations: the places of CustomHeaders in request
// bodies, through arrays and allOf.
func TestCustomHeadersLocations(t *testing.T) {
	t.Parallel()
	spec := mutateSpec(t, specPath, func(doc map[string]any) {
		obj(t, doc, "components", "schemas", "UpdateWebhookPayload", "properties")["history"] = map[string]any{
			"type":  "array",
			"items": map[string]any{"allOf": []any{map[string]any{"$ref": "#/components/schemas/CustomHeaders"}}},
		}
	})
	m := buildModel(t, spec, nil)
	got := map[string][]string{}
	for _, o := range m.Ops {
		for _, loc := range o.CustomHeadersAt {
			got[o.ID] = append(got[o.ID], locationText(loc))
		}
	}
	want := map[string][]string{
		"Webhook":        {"items[*].custom_headers"},
		"tryoutWebhooks": {"items[*].custom_headers"},
		"updateWebhook":  {"custom_headers", "history[*]"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CustomHeadersAt (-want +got):\n%s", diff)
	}
}

// TestCustomHeadersUnderAdditionalProperties: the schema reported is the
// first the walk meets, properties before the schema's own additionalProperties.
func TestCustomHeadersUnderAdditionalProperties(t *testing.T) {
	t.Parallel()
	ref := map[string]any{"$ref": "#/components/schemas/CustomHeaders"}
	spec := mutateSpec(t, specPath, func(doc map[string]any) {
		payload := obj(t, doc, "components", "schemas", "UpdateWebhookPayload")
		payload["additionalProperties"] = ref
		obj(t, payload, "properties")["extra"] = map[string]any{"type": "object", "additionalProperties": ref}
	})
	doc, err := specload.Load(spec)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := build(doc, &namesFile{}); err == nil || !strings.Contains(err.Error(), "UpdateWebhookPayload.properties.extra: ") {
		t.Errorf("build: %v, want CustomHeaders under additionalProperties in UpdateWebhookPayload.properties.extra", err)
	}
}

// TestServicesOfTheSpec renders the client's services from the spec and
// oapi-codegen's operation definitions, and checks the shapes and doc
// comments of the methods. It does not run in parallel: oapi-codegen's
// codegen package keeps its options in package state.
func TestServicesOfTheSpec(t *testing.T) {
	names, err := loadNames(namesPath)
	if err != nil {
		t.Fatal(err)
	}
	// A null tag is skipped, not dereferenced; a tag's description gives
	// its service's doc its first sentence; a description keeps its own
	// lines, however long (go doc wraps them), an indented one a code block
	// that gofmt indents with a tab; an inline body keeps gen's type.
	long := strings.Repeat("A long line of a description. ", 5)
	spec := mutateSpec(t, specPath, func(doc map[string]any) {
		doc["tags"] = []any{nil, map[string]any{"name": "Webhooks", "description": "Manage the\nwebhooks. And more."}}
		obj(t, doc, "paths", "/webhooks/tryout", "post")["description"] = long + "\nshort\n\n  indented\n"
		obj(t, doc, "paths")["/webhooks/{webhook_id}/note"] = map[string]any{"post": map[string]any{
			"tags": []any{"Webhooks"}, "operationId": "noteWebhook", "summary": "Note a webhook",
			"parameters":  []any{map[string]any{"$ref": "#/components/parameters/webhook_id"}},
			"requestBody": map[string]any{"content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"type": "object", "properties": map[string]any{"text": map[string]any{"type": "string"}}}}}},
			"responses":   map[string]any{"204": map[string]any{"description": "noted"}},
		}}
	})
	m := buildModel(t, spec, names)
	src, err := renderServices(m, oapiConfig)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"func (s *WebhooksService) Get(ctx context.Context, webhookID int, opts ...CallOption) (*gen.WebhookItem, error)",
		"func (s *WebhooksService) List(ctx context.Context, params *gen.GetWebhookListParams, opts ...CallOption) iter.Seq2[gen.WebhookItem, error]",
		"func (s *WebhooksService) Create(ctx context.Context, body gen.CreateWebhooksPayload, opts ...CallOption) ([]gen.WebhookItem, error)",
		"func (s *WebhooksService) Tryout(ctx context.Context, body gen.CreateWebhooksPayload, opts ...CallOption) (gen.TryoutResult, error)",
		"hc.at(apispec.Operations[apispec.OpWebhook].CustomHeadersAt[0], *p3, i0)",
		"// Create creates webhook configurations.\n",
		"// List lists webhook configurations.\n",
		"// WebhooksService holds the operations tagged \"Webhooks\": Manage the webhooks.\n",
		"func (s *WebhooksService) Note(ctx context.Context, webhookID int, body gen.NoteWebhookJSONRequestBody, opts ...CallOption) error",
		"// Tryout sends test webhook payloads.\n//\n// " + strings.TrimSpace(long) + "\n// short\n//\n//\tindented\n",
	} {
		if !strings.Contains(string(src), want) {
			t.Errorf("services.gen.go lacks\n%s", want)
		}
	}
}

// TestServicesOfThePartooFixture renders the services of the Partoo-shaped
// fixture: every operation gets a method, whatever the shape of its answer.
// Not in parallel either.
func TestServicesOfThePartooFixture(t *testing.T) {
	m := buildModel(t, fixturePath, nil)
	src, err := renderServices(m, oapiConfig)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(string(src), "\nfunc (s *"); got != len(m.Ops) {
		t.Errorf("%d methods for %d operations", got, len(m.Ops))
	}
	for _, want := range []string{
		"func (s *BusinessesService) Search(ctx context.Context, params *gen.SearchBusinessesParams, opts ...CallOption) iter.Seq2[gen.Business, error]",
		// A CSV answer: its bytes.
		"func (s *ReviewAnalyticsService) Export(ctx context.Context, params *gen.ExportReviewsParams, opts ...CallOption) ([]byte, error)",
		"// Search searches ",
		// A next-link list decodes the link beside the page.
		"Next  *string     `json:\"next\"`",
		"return page[gen.Media]{info: v.pageInfo, next: v.Next, items: v.Items}, err",
		// Bodies that are not JSON are sent as they are, answers that are
		// not JSON returned as they are.
		"\t\"io\"\n",
		"func (s *MediaService) Upload(ctx context.Context, contentType string, body io.Reader, opts ...CallOption) (*gen.Media, error) {\n\treq, err := gen.NewUploadMediaRequestWithBody(s.client.server, contentType, body)",
		"func (s *MediaService) ReplaceContent(ctx context.Context, mediaID openapi_types.UUID, contentType string, body io.Reader, opts ...CallOption)",
		"func (s *MediaService) GetContent(ctx context.Context, mediaID openapi_types.UUID, opts ...CallOption) ([]byte, error) {",
	} {
		if !strings.Contains(string(src), want) {
			t.Errorf("services.gen.go lacks\n%s", want)
		}
	}
}

// TestDocSentence: a summary's imperative reads as a Go doc sentence.
func TestDocSentence(t *testing.T) {
	t.Parallel()
	tests := []struct{ summary, id, want string }{
		{"Create webhook configurations", "Webhook", "creates webhook configurations."},
		{"Get a list of webhook configurations", "getWebhookList", "lists webhook configurations."},
		{"Search businesses.", "searchBusinesses", "searches businesses."},
		{"Reply to a review", "replyReview", "replies to a review."},
		{"Fetch AI suggestion", "fetch_ai_suggestion", "fetches AI suggestion."},
		{"Business information", "getBusiness", "gets Business information."},
		{"Qualitative evolution", "getReviewsQualitativeEvolution", "gets Qualitative evolution."},
		{"Tryout the webhooks", "tryoutWebhooks", "calls tryoutWebhooks: Tryout the webhooks."},
		{"", "getThing", "calls getThing."},
	}
	for _, tt := range tests {
		if got := sentence(tt.summary, tt.id); got != tt.want {
			t.Errorf("sentence(%q, %q) = %q, want %q", tt.summary, tt.id, got, tt.want)
		}
	}
}

// TestDetachPackageDoc checks that oapi-codegen's header leaves package
// gen's documentation and still marks the file as generated.
func TestDetachPackageDoc(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{
			"// Package gen provides primitives to interact with the openapi HTTP API.\n//\n// Code generated by github.com/oapi-codegen/oapi-codegen/v2 version v2.8.2 DO NOT EDIT.\npackage gen\n\nimport \"fmt\"\n",
			"// Code generated by github.com/oapi-codegen/oapi-codegen/v2 version v2.8.2 DO NOT EDIT.\n\npackage gen\n\nimport \"fmt\"\n",
		},
		{ // already detached: unchanged
			"// Code generated by x DO NOT EDIT.\n\npackage gen\n",
			"// Code generated by x DO NOT EDIT.\n\npackage gen\n",
		},
		{ // no generated marker: unchanged
			"// Package gen is hand-written.\npackage gen\n",
			"// Package gen is hand-written.\npackage gen\n",
		},
	} {
		if got := string(detachPackageDoc([]byte(tc.in))); got != tc.want {
			t.Errorf("detachPackageDoc(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestReadmeRulesFollowTheSpec: the value column of README.md's
// custom-header rules table follows the spec; a README without the table's
// marker, or a pattern a table cell cannot carry, stops specgen.
func TestReadmeRulesFollowTheSpec(t *testing.T) {
	t.Parallel()
	const readme = "# Title\n\nText.\n\n" + readmeRulesMarker + "\n" +
		"| Rule (keyword of the spec) | Value |\n|---|---|\n" +
		"| headers at most (`maxProperties`) | 1 |\n" +
		"| name length at most (`propertyNames.maxLength`) | 2 |\n" +
		"| name pattern (`propertyNames.pattern`) | `x` |\n" +
		"| value length at most (`additionalProperties.maxLength`) | 3 |\n\nAfter.\n"
	write := func(t *testing.T, text string) string {
		p := filepath.Join(t.TempDir(), "README.md")
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	spec := mutateSpec(t, specPath, func(doc map[string]any) { customHeaders(t, doc)["maxProperties"] = 8 })
	path := write(t, readme)
	var stderr bytes.Buffer
	if code := run([]string{"-spec", spec, "-readme", path}, &stderr); code != 0 {
		t.Fatalf("specgen exited %d: %s", code, stderr.String())
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m := buildModel(t, specPath, nil)
	pattern := m.schemas.patterns[m.schemas.rows[m.schemas.rows[m.CustomHeaders].PropertyNames].Pattern].Source
	want := strings.NewReplacer(
		"`maxProperties`) | 1 |", "`maxProperties`) | 8 |",
		"`propertyNames.maxLength`) | 2 |", "`propertyNames.maxLength`) | 128 |",
		"`propertyNames.pattern`) | `x` |", "`propertyNames.pattern`) | `"+pattern+"` |",
		"`additionalProperties.maxLength`) | 3 |", "`additionalProperties.maxLength`) | 512 |",
	).Replace(readme)
	if diff := cmp.Diff(want, string(got)); diff != "" {
		t.Errorf("README.md (-want +got):\n%s", diff)
	}

	// A spec without the schema, a row of a keyword the schema lacks, or a
	// row the spec does not state, leaves the README, or the row, as it is (the root's README test fails on it).
	if got, err := renderReadme([]byte(readme), &model{CustomHeaders: noSchema}); err != nil || string(got) != readme {
		t.Errorf("without CustomHeaders: err %v, README changed: %v", err, string(got) != readme)
	}
	noNames := buildModel(t, mutateSpec(t, specPath, func(doc map[string]any) { delete(customHeaders(t, doc), "propertyNames") }), nil)
	if got, err := renderReadme([]byte(readme), noNames); err != nil || !strings.Contains(string(got), "`propertyNames.maxLength`) | 2 |\n") {
		t.Errorf("without propertyNames: err %v, README:\n%s", err, got)
	}
	unstated := strings.Replace(readme, "\n\nAfter", "\n| at least (`minProperties`) | 1 |\n\nAfter", 1)
	if got, err := renderReadme([]byte(unstated), m); err != nil || !strings.Contains(string(got), "`minProperties`) | 1 |\n") {
		t.Errorf("a row the spec does not state: err %v, README:\n%s", err, got)
	}

	// A second row for a rule gets the value too.
	twice := strings.Replace(readme, "\n\nAfter", "\n| again (`maxProperties`) | 1 |\n\nAfter", 1)
	if got, err := renderReadme([]byte(twice), m); err != nil || strings.Count(string(got), "`maxProperties`) | 5 |") != 2 {
		t.Errorf("two rows for maxProperties: err %v, README:\n%s", err, got)
	}

	// Of two patterns a table cannot carry, propertyNames' is reported, every time.
	bars := buildModel(t, mutateSpec(t, specPath, func(doc map[string]any) {
		obj(t, customHeaders(t, doc), "propertyNames")["pattern"] = "^(a|b)$"
		obj(t, customHeaders(t, doc), "additionalProperties")["pattern"] = "^(c|d)$"
	}), nil)
	for range 20 {
		if _, err := renderReadme([]byte(readme), bars); err == nil || !strings.Contains(err.Error(), "propertyNames.pattern") {
			t.Fatalf("two patterns with a '|': err %v, want propertyNames' reported", err)
		}
	}

	unmarked := strings.Replace(readme, readmeRulesMarker, "", 1)
	path = write(t, unmarked)
	stderr.Reset()
	if code := run([]string{"-spec", specPath, "-readme", path}, &stderr); code != 1 || !strings.Contains(stderr.String(), "has no "+readmeRulesMarker) {
		t.Errorf("specgen exited %d: %s; want 1 and the missing marker reported", code, stderr.String())
	}
	if got, _ := os.ReadFile(path); string(got) != unmarked {
		t.Errorf("README.md was changed")
	}
}

// TestSchemaAnnotationsReachTheTable: readOnly and writeOnly reach the
// table, and a nullable field whose example is null has null in its
// object's example, not a built string.
func TestSchemaAnnotationsReachTheTable(t *testing.T) {
	t.Parallel()
	spec := mutateSpec(t, specPath, func(doc map[string]any) {
		obj(t, doc, "components", "schemas")["Account"] = map[string]any{
			"type":     "object",
			"required": []any{"id", "name"},
			"properties": map[string]any{
				"id":       map[string]any{"type": "integer", "readOnly": true, "example": 3},
				"name":     map[string]any{"type": "string", "example": "Ann"},
				"password": map[string]any{"type": "string", "writeOnly": true},
				"provider": map[string]any{"type": []any{"string", "null"}, "example": nil},
				"region":   map[string]any{"type": []any{"string", "null"}},
			},
		}
	})
	code, stderr, src := runSpecgen(t, spec, "")
	if code != 0 {
		t.Fatalf("specgen exited %d: %s", code, stderr)
	}
	row := componentRow(src, "Account")
	if want := "Example: `{\"id\":3,\"name\":\"Ann\",\"password\":\"example\",\"provider\":null,\"region\":\"example\"}`"; !strings.Contains(row, want) {
		t.Errorf("the Account row lacks %s:\n%s", want, row)
	}
	for _, want := range []string{"ReadOnly: true", "WriteOnly: true"} {
		if !strings.Contains(string(src), want) {
			t.Errorf("the table lacks %s", want)
		}
	}
}

// TestListOfOtherItems: a list on a family's path whose items have another
// schema than the family's (the businesses of organizations on /org) is
// not a list of the family: the fake answers it from the example.
func TestListOfOtherItems(t *testing.T) {
	t.Parallel()
	spec := mutateSpec(t, fixturePath, func(doc map[string]any) {
		obj(t, doc, "paths", "/org")["get"] = map[string]any{
			"tags":        []any{"Organizations"},
			"summary":     "List the businesses of organizations",
			"operationId": "listOrgBusinesses",
			"parameters":  []any{map[string]any{"$ref": "#/components/parameters/query_page"}},
			"responses": map[string]any{"200": map[string]any{
				"description": "OK",
				"content": map[string]any{"application/json": map[string]any{"schema": map[string]any{
					"allOf": []any{
						map[string]any{"$ref": "#/components/schemas/ListResult"},
						map[string]any{"type": "object", "properties": map[string]any{
							"businesses": map[string]any{"type": "array", "items": map[string]any{"$ref": "#/components/schemas/Business"}},
						}},
					},
				}}},
			}},
		}
	})
	m := buildModel(t, spec, nil)
	if o := m.op("listOrgBusinesses"); o == nil || o.List.Style != "page" || o.Resource.Role != "" {
		t.Errorf("listOrgBusinesses: %+v, want a page list with no role", o)
	}
	if o := m.op("searchOrganizations"); o == nil || o.Resource.Role != "list" || o.Resource.Collection != "/org" {
		t.Errorf("searchOrganizations: %+v, want the list of /org", o)
	}
}

// TestRequestBodyMedia: a request body that is not JSON has no JSON
// schema; the table records its media type and the schema of that type,
// which the contract test builds a valid body from.
func TestRequestBodyMedia(t *testing.T) {
	m := buildModel(t, fixturePath, nil)
	src, err := renderTable(m)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		id, media, format string
		required          []string
	}{
		{"uploadMedia", "multipart/form-data", "", []string{"file", "business_id"}},
		{"replaceMediaContent", "application/octet-stream", "binary", nil},
		{"searchBusinesses", "", "", nil},
	}
	for _, tt := range tests {
		i := slices.IndexFunc(m.Ops, func(o *operation) bool { return o.ID == tt.id })
		if i < 0 {
			t.Fatalf("the fixture has no operation %s", tt.id)
		}
		o := m.Ops[i]
		if o.Media != tt.media {
			t.Errorf("%s: Media = %q, want %q", tt.id, o.Media, tt.media)
		}
		if tt.media == "" {
			continue
		}
		if o.Body != noSchema || o.MediaSchema < 0 {
			t.Fatalf("%s: Body = %d, MediaSchema = %d, want no JSON schema and a media schema", tt.id, o.Body, o.MediaSchema)
		}
		s := m.schemas.rows[o.MediaSchema]
		if s.Format != tt.format || !slices.Equal(s.Required, tt.required) {
			t.Errorf("%s: the media schema has format %q and requires %q, want %q and %q", tt.id, s.Format, s.Required, tt.format, tt.required)
		}
		if want := fmt.Sprintf("Media: %q, MediaSchema: %d}", tt.media, o.MediaSchema); !strings.Contains(string(src), want) {
			t.Errorf("%s: spec.gen.go lacks %s", tt.id, want)
		}
	}
}

// TestJSONContent: of several JSON media types, a body or an answer is
// checked against application/json's schema, the type the client sends
// and accepts, whichever other types sort before or after it.
func TestJSONContent(t *testing.T) {
	t.Parallel()
	// content gives each media type a schema titled with its name.
	content := func(types ...string) openapi3.Content {
		c := openapi3.Content{}
		for _, ct := range types {
			c[ct] = &openapi3.MediaType{Schema: &openapi3.SchemaRef{Value: &openapi3.Schema{Title: ct}}}
		}
		return c
	}
	tests := []struct {
		name    string
		content openapi3.Content
		want    string // the media type whose schema is chosen, "" for none
		others  []string
	}{
		{"JSON alone", content("application/json"), "application/json", nil},
		{"a +json type sorting first", content("application/geo+json", "application/json"), "application/json", nil},
		{"a +json type sorting last", content("application/json", "application/merge-patch+json"), "application/json", nil},
		{"JSON with parameters", content("application/hal+json", "application/json; charset=utf-8"), "application/json; charset=utf-8", nil},
		{"+json types only", content("application/problem+json", "application/hal+json"), "application/hal+json", nil},
		{"no JSON", content("text/plain", "application/octet-stream"), "", []string{"application/octet-stream", "text/plain"}},
		{"JSON and others", content("text/csv", "application/json"), "application/json", []string{"text/csv"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			schema, others := jsonContent(tt.content)
			chosen := ""
			if schema != nil {
				chosen = schema.Value.Title
			}
			if chosen != tt.want {
				t.Errorf("jsonContent(%v) chose the schema of %q, want that of %q", slices.Sorted(maps.Keys(tt.content)), chosen, tt.want)
			}
			if !slices.Equal(others, tt.others) {
				t.Errorf("jsonContent(%v) others = %q, want %q", slices.Sorted(maps.Keys(tt.content)), others, tt.others)
			}
		})
	}
}

// TestOverlayWritesTheDefaults: a parameter or property with a default, in
// the components, in a component's allOf part, in an operation or in a path
// item (shared by its operations), gets
// "Default: X." after its description; the webhooks section goes.
func TestOverlayWritesTheDefaults(t *testing.T) {
	t.Parallel()
	spec := mutateSpec(t, specPath, func(doc map[string]any) {
		obj(t, doc, "components", "parameters", "org_id", "schema")["default"] = 7
		obj(t, doc, "components", "schemas", "WebhookItem", "properties", "id")["default"] = 1
		// WebhookItem's url refers to it: the component's description is not the property's.
		obj(t, doc, "components", "schemas", "url")["default"] = "https://example.com/"
		obj(t, doc, "components", "schemas")["Paged"] = map[string]any{"allOf": []any{
			map[string]any{"$ref": "#/components/schemas/ListResult"},
			map[string]any{"type": "object", "properties": map[string]any{"size": map[string]any{"type": "integer", "default": 10}}},
		}}
		get := obj(t, doc, "paths", "/webhooks", "get")
		get["parameters"] = append(get["parameters"].([]any), map[string]any{"name": "q", "in": "query", "description": "A query.", "schema": map[string]any{"type": "array", "items": map[string]any{"type": "string"}, "default": []any{"a<b"}}})
		obj(t, doc, "paths", "/webhooks")["parameters"] = []any{map[string]any{"name": "lang", "in": "query", "schema": map[string]any{"type": "string", "default": "fr"}}}
	})
	doc, err := specload.Load(spec)
	if err != nil {
		t.Fatal(err)
	}
	src, err := renderOverlay(doc)
	if err != nil {
		t.Fatal(err)
	}
	var ov overlay.Overlay
	if err := yaml.Unmarshal(src, &ov); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, a := range ov.Actions {
		var update map[string]string
		if err := a.Update.Decode(&update); err != nil && !a.Remove {
			t.Fatal(err)
		}
		got[a.Target] = update["description"] + update["title"]
		if a.Remove {
			got[a.Target] = "removed"
		}
	}
	want := map[string]string{
		"$.info":                            "Partoo Rest API",
		"$.components.parameters['org_id']": "Organization identifier, only required for `PROVIDER` users.\n\nDefault: 7.",
		"$.components.schemas['WebhookItem'].properties['id']":      "The identifier for the webhook configuration.\n\nDefault: 1.",
		"$.components.schemas['Paged'].allOf[1].properties['size']": "Default: 10.",
		"$.paths['/webhooks'].get.parameters[3]":                    "A query.\n\nDefault: [\"a<b\"].",
		"$.paths['/webhooks'].parameters[0]":                        "Default: \"fr\".",
		"$.webhooks":                                                "removed",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("the overlay's actions (-want +got):\n%s", diff)
	}
}

// TestModelReadsTheSpec: an operation's parameter overrides its path's, a
// default or a 3xx response is neither success nor error, a list's array
// may be an allOf part, a text answer's example is one of its examples, an
// error body keeps the defaults of its properties, and a const and an
// exclusive maximum reach the schema's row.
func TestModelReadsTheSpec(t *testing.T) {
	t.Parallel()
	spec := mutateSpec(t, specPath, func(doc map[string]any) {
		obj(t, doc, "paths", "/webhooks/{webhook_id}")["parameters"] = []any{map[string]any{"name": "org_id", "in": "query", "schema": map[string]any{"type": "string"}}}
		responses := obj(t, doc, "paths", "/webhooks/{webhook_id}", "get", "responses")
		responses["default"] = map[string]any{"description": "anything else"}
		responses["304"] = map[string]any{"description": "not modified"}
		errors := obj(t, doc, "components", "responses", "401", "content", "application/json", "schema", "properties", "errors", "properties")
		errors["code"] = map[string]any{"type": "string"}
		obj(t, doc, "components", "schemas")["Rated"] = map[string]any{"const": 5, "exclusiveMaximum": 6}
		list := obj(t, doc, "paths", "/webhooks", "get", "responses", "200", "content", "application/json", "schema")
		page := list["allOf"].([]any)[1].(map[string]any)["properties"].(map[string]any)
		page["items"] = map[string]any{"allOf": []any{page["items"]}}
		obj(t, doc, "paths")["/webhooks/export"] = map[string]any{"get": map[string]any{"operationId": "exportWebhooks", "responses": map[string]any{"200": map[string]any{
			"description": "CSV", "content": map[string]any{"text/csv": map[string]any{"examples": map[string]any{"one": map[string]any{"value": "id\n1\n"}}}},
		}}}}
	})
	m := buildModel(t, spec, nil)
	o := m.op("getWebhook")
	org := slices.IndexFunc(o.Params, func(p paramRow) bool { return p.Name == "org_id" })
	if n := len(o.Params); org < 0 || !slices.Equal(o.Params[org].Rules.Types, []string{"integer"}) || n != 2 {
		t.Errorf("getWebhook's parameters: %+v, want webhook_id and the operation's integer org_id", o.Params)
	}
	if o.Success != 200 || !slices.Equal(o.Errors, []int{401, 403, 404}) {
		t.Errorf("getWebhook answers %d, errors %v; want 200 and 401, 403, 404", o.Success, o.Errors)
	}
	if list := m.op("getWebhookList").List; list.Field != "items" || list.Item < 0 || m.schemas.rows[list.Item].Name != "WebhookItem" {
		t.Errorf("getWebhookList's list: %+v, want its items field's allOf part's WebhookItem", list)
	}
	if e := m.op("exportWebhooks"); e.SuccessMedia != "text/csv" || e.SuccessExample != "id\n1\n" {
		t.Errorf("exportWebhooks answers %s %q, want text/csv and its example", e.SuccessMedia, e.SuccessExample)
	}
	k := slices.IndexFunc(m.ErrorBodies, func(e errorBody) bool { return e.Status == 401 })
	if want := `{"errors":{"authentication":"User not authenticated"}}`; k < 0 || m.ErrorBodies[k].Body != want {
		t.Errorf("error bodies %+v, want 401's %s", m.ErrorBodies, want)
	}
	rows := m.schemas.rows
	row := rows[slices.IndexFunc(rows, func(r *schemaRow) bool { return r.Name == "Rated" })]
	if !slices.Equal(row.Enum, []string{"5"}) || !row.HasMaximum || !row.ExclusiveMaximum || row.Maximum != 6 {
		t.Errorf("Rated: %+v, want enum [5] and a maximum of 6, excluded", row)
	}
}
