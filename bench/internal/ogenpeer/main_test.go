package main

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
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
        200: {$ref: '#/components/responses/List'}
        400:
          description: bad
          content: {application/json: {examples: {one: {$ref: '#/components/examples/Bad'}}}}
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
    Page:
      type: object
      properties:
        zeta: {type: array, items: {$ref: '#/components/schemas/Item'}}
        alpha: {$ref: '#/components/schemas/a~1b'}
        event: {oneOf: [{$ref: '#/components/schemas/Item'}], discriminator: {propertyName: kind, mapping: {x: '#/components/schemas/Mapped', y: Named}}}
        default: {$ref: '#/components/schemas/Default'}
      example: {exclusiveMinimum: 3, $ref: '#/components/schemas/Unused'}
    Item: {type: number, exclusiveMaximum: 2.5, minimum: 0, exclusiveMinimum: true}
    a/b: {type: integer, minimum: 10, exclusiveMinimum: 5, maximum: 20, exclusiveMaximum: 20}
    Mapped: {type: integer, minimum: 1, exclusiveMinimum: 2}
    Named: {type: string}
    Default: {type: string}
    Unused: {type: string}
  examples:
    Bad: {value: 1}
    Unused: {value: 1}
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
        200: {$ref: '#/components/responses/List'}
        400:
          description: bad
          content: {application/json: {examples: {one: {$ref: '#/components/examples/Bad'}}}}
  /webhooks/{id}:
    parameters: [{$ref: '#/components/parameters/Id'}]
components:
  securitySchemes: {key: {type: apiKey, in: header, name: x-APIKey}}
  parameters:
    Id: {name: id, in: path, required: true, schema: {type: integer, exclusiveMinimum: true, minimum: 0}}
  responses:
    List: {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Page'}}}}
  schemas:
    Page:
      type: object
      properties:
        zeta: {type: array, items: {$ref: '#/components/schemas/Item'}}
        alpha: {$ref: '#/components/schemas/a~1b'}
        event: {oneOf: [{$ref: '#/components/schemas/Item'}], discriminator: {propertyName: kind, mapping: {x: '#/components/schemas/Mapped', y: Named}}}
        default: {$ref: '#/components/schemas/Default'}
      example: {exclusiveMinimum: 3, $ref: '#/components/schemas/Unused'}
    Item: {type: number, exclusiveMaximum: true, minimum: 0, exclusiveMinimum: true, maximum: 2.5}
    a/b: {type: integer, minimum: 10, maximum: 20, exclusiveMaximum: true}
    Mapped: {type: integer, minimum: 2, exclusiveMinimum: true}
    Named: {type: string}
    Default: {type: string}
  examples:
    Bad: {value: 1}
`

// part runs peerPart on the YAML text in and returns the result as YAML.
func part(t *testing.T, in, prefix string) (string, error) {
	t.Helper()
	var n yaml.Node
	if err := yaml.Unmarshal([]byte(in), &n); err != nil {
		t.Fatal(err)
	}
	if err := peerPart(&n, prefix); err != nil {
		return "", err
	}
	out, err := yaml.Marshal(&n)
	if err != nil {
		t.Fatal(err)
	}
	return string(out), nil
}

// TestPeerPart checks what is kept, in the spec's order, and the 3.0 form
// of the exclusive bounds, the stricter bound winning when a schema has
// both kinds.
func TestPeerPart(t *testing.T) {
	t.Parallel()
	got, err := part(t, doc, "/webhooks/")
	if err != nil {
		t.Fatal(err)
	}
	var wantNode yaml.Node
	if err := yaml.Unmarshal([]byte(want), &wantNode); err != nil {
		t.Fatal(err)
	}
	wantText, err := yaml.Marshal(&wantNode)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(wantText), got); diff != "" {
		t.Errorf("peerPart (-want +got):\n%s", diff)
	}
}

func TestPeerPartRefuses(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, doc, prefix string }{
		{"no path under the prefix", doc, "/businesses"},
		{"a prefix that is not a whole segment", doc, "/web"},
		{"a reference that resolves to nothing", `{paths: {/w: {get: {responses: {"200": {$ref: '#/components/responses/Gone'}}}}}}`, "/w"},
		{"a reference outside the components", `{paths: {/w: {$ref: 'other.yaml#/paths/w'}}}`, "/w"},
		{"not a mapping", `[1, 2]`, "/w"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got, err := part(t, tc.doc, tc.prefix); err == nil {
				t.Errorf("peerPart(%q) = %s, want an error", tc.prefix, got)
			}
		})
	}
	// Usage errors, with a spec that has paths under /webhooks: ogen is
	// never reached (it would fail on this target, a file).
	spec := filepath.Join(t.TempDir(), "spec.yaml")
	if err := os.WriteFile(spec, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"-spec", spec}, {"-spec", spec, "-prefix", "/"}, {"-prefix", "/webhooks"}, {"-spec", spec, "-prefix", "webhooks"}} {
		if err := run(append(args, "--", "-target", spec), io.Discard); err == nil || strings.Contains(err.Error(), "go tool ogen") {
			t.Errorf("run(%q) = %v, want a usage error", args, err)
		}
	}
}

// TestNoPathEmptiesThePeer: a spec without the measured paths gives a
// peer without operations, says so, and lets the generation go on; what
// was generated before does not stay.
func TestNoPathEmptiesThePeer(t *testing.T) {
	t.Parallel()
	for name, spec := range map[string]string{
		"paths, none under the prefix": doc,
		"no paths at all":              "openapi: 3.1.0\ninfo: {title: t, version: \"1\"}\n",
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "spec.yaml")
			if err := os.WriteFile(path, []byte(spec), 0o644); err != nil {
				t.Fatal(err)
			}
			target := t.TempDir()
			stale := filepath.Join(target, "oas_stale_gen.go")
			if err := os.WriteFile(stale, []byte("package ogenapi\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			var stderr strings.Builder
			if err := run([]string{"-spec", path, "-prefix", "/businesses", "--", "-package", "ogenapi", "-target", target, "-clean"}, &stderr); err != nil {
				t.Fatalf("run = %v, want nil: the generation goes on", err)
			}
			if !strings.Contains(stderr.String(), "/businesses") {
				t.Errorf("stderr = %q, want it to name the prefix that has no path", stderr.String())
			}
			if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("the peer generated before is still there (%v)", err)
			}
			ops, err := os.ReadFile(filepath.Join(target, "oas_operations_gen.go"))
			if err != nil {
				t.Fatal(err)
			}
			if regexp.MustCompile(`Operation\s+OperationName = `).Match(ops) {
				t.Errorf("the peer has operations:\n%s", ops)
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

// TestGenerateLineComesLast checks that the go:generate line of the peer
// is in a file whose name sorts after every file ogen writes: go generate
// reads a package's files in that order, and fails on one that ogen
// removed after go generate listed it.
func TestGenerateLineComesLast(t *testing.T) {
	t.Parallel()
	dir := filepath.Join("..", "..", "ogenapi")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	last, directive := "", ""
	for _, e := range entries {
		body, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case strings.Contains(string(body), "\n//go:generate "):
			directive = e.Name()
		case strings.HasSuffix(e.Name(), ".go"):
			last = max(last, e.Name())
		}
	}
	if directive == "" || directive < last {
		t.Errorf("the go:generate line is in %q, which sorts before %q", directive, last)
	}
}
