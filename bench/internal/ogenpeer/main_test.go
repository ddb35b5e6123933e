package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"
)

const doc = `
openapi: 3.1.0
info: {title: t, version: "1"}
security: [{key: []}]
paths:
  /webhooks:
    get:
      responses:
        "200": {$ref: '#/components/responses/List'}
  /webhooks/{id}:
    parameters: [{$ref: '#/components/parameters/Id'}]
  /webhooksx: {get: {responses: {"200": {$ref: '#/components/responses/Other'}}}}
  /reviews: {get: {responses: {"200": {$ref: '#/components/responses/Other'}}}}
components:
  securitySchemes: {key: {type: apiKey, in: header, name: x-APIKey}}
  parameters:
    Id: {name: id, in: path, required: true, schema: {type: integer, exclusiveMinimum: 0}}
  responses:
    List: {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Page'}}}}
    Other: {description: ok}
  schemas:
    Page: {type: object, properties: {items: {type: array, items: {$ref: '#/components/schemas/Item'}}}}
    Item: {type: number, exclusiveMaximum: 2.5, minimum: 0, exclusiveMinimum: true}
    Unused: {type: string}
webhooks:
  event: {post: {responses: {"200": {description: ok}}}}
`

const want = `
openapi: 3.1.0
info: {title: t, version: "1"}
security: [{key: []}]
paths:
  /webhooks:
    get:
      responses:
        "200": {$ref: '#/components/responses/List'}
  /webhooks/{id}:
    parameters: [{$ref: '#/components/parameters/Id'}]
components:
  securitySchemes: {key: {type: apiKey, in: header, name: x-APIKey}}
  parameters:
    Id: {name: id, in: path, required: true, schema: {type: integer, minimum: 0, exclusiveMinimum: true}}
  responses:
    List: {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Page'}}}}
  schemas:
    Page: {type: object, properties: {items: {type: array, items: {$ref: '#/components/schemas/Item'}}}}
    Item: {type: number, maximum: 2.5, exclusiveMaximum: true, minimum: 0, exclusiveMinimum: true}
`

func decode(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := yaml.Unmarshal([]byte(s), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestPeerPart(t *testing.T) {
	got, err := peerPart(decode(t, doc), "/webhooks")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(decode(t, want), got); diff != "" {
		t.Errorf("peerPart (-want +got):\n%s", diff)
	}
}

func TestPeerPartRefuses(t *testing.T) {
	for _, tc := range []struct{ name, doc, prefix string }{
		{"no path under the prefix", doc, "/businesses"},
		{"a prefix that is not a whole segment", doc, "/web"},
		{"a reference that resolves to nothing", `{paths: {/w: {get: {responses: {"200": {$ref: '#/components/responses/Gone'}}}}}}`, "/w"},
		{"a reference outside the components", `{paths: {/w: {$ref: 'other.yaml#/paths/w'}}}`, "/w"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if part, err := peerPart(decode(t, tc.doc), tc.prefix); err == nil {
				t.Errorf("peerPart(%q) = %v, want an error", tc.prefix, part)
			}
		})
	}
}

// TestPartooShapedBundle runs ogen, as go generate does, on the invented
// Partoo-shaped bundle of the pipeline tests, whose numeric
// exclusiveMinimum (OpenAPI 3.1, under /review_analytics) ogen refuses
// unless it is rewritten, and which stopped go generate when ogen was given
// the whole file.
func TestPartooShapedBundle(t *testing.T) {
	spec := filepath.Join("..", "..", "..", "tools", "pipeline", "testdata", "partoo-bundle", "openapi-bundled.yaml")
	raw, err := os.ReadFile(spec)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(raw), "exclusiveMinimum: 0") {
		t.Fatalf("%s no longer holds a numeric exclusiveMinimum: the test proves nothing", spec)
	}
	for _, prefix := range []string{"/webhooks", "/review_analytics"} {
		target := t.TempDir()
		if err := run([]string{"-spec", spec, "-prefix", prefix, "--", "-package", "ogenapi", "-target", target, "-clean"}, io.Discard); err != nil {
			t.Fatalf("prefix %s: %v", prefix, err)
		}
		if _, err := os.Stat(filepath.Join(target, "oas_client_gen.go")); err != nil {
			t.Errorf("prefix %s: ogen wrote no client: %v", prefix, err)
		}
	}
}
