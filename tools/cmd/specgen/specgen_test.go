package main

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

const specPath = "../../../api/openapi-bundled.yaml"

// mutateSpec copies the bundled spec to a temporary directory, applies fn
// to its decoded YAML, and returns the new file's path.
func mutateSpec(t *testing.T, fn func(doc map[string]any)) string {
	t.Helper()
	raw, err := os.ReadFile(specPath)
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
	path := filepath.Join(t.TempDir(), "openapi-bundled.yaml")
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
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

// runSpecgen runs the command on spec and returns the exit status, stderr
// and the two generated files (nil when not written).
func runSpecgen(t *testing.T, spec string) (int, string, []byte, []byte) {
	t.Helper()
	dir := t.TempDir()
	out, rules := filepath.Join(dir, "spec.gen.go"), filepath.Join(dir, "constraints.gen.go")
	var stderr bytes.Buffer
	code := run([]string{"-spec", spec, "-out", out, "-constraints-out", rules}, &stderr)
	read := func(p string) []byte {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil
		}
		return b
	}
	return code, stderr.String(), read(out), read(rules)
}

// literalFields parses a generated constraints file and returns the fields
// of the composite literal returned by CustomHeadersRules, flattened
// ("Names.Pattern") to their Go source.
func literalFields(t *testing.T, src []byte) map[string]string {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "constraints.gen.go", src, 0)
	if err != nil {
		t.Fatalf("generated code does not parse: %v\n%s", err, src)
	}
	fields := map[string]string{}
	var collect func(prefix string, lit *ast.CompositeLit)
	collect = func(prefix string, lit *ast.CompositeLit) {
		for _, el := range lit.Elts {
			kv := el.(*ast.KeyValueExpr)
			name := prefix + kv.Key.(*ast.Ident).Name
			if sub, ok := kv.Value.(*ast.CompositeLit); ok {
				collect(name+".", sub)
				continue
			}
			var b bytes.Buffer
			printer.Fprint(&b, fset, kv.Value)
			fields[name] = b.String()
		}
	}
	ast.Inspect(f, func(n ast.Node) bool {
		if fn, ok := n.(*ast.FuncDecl); ok && fn.Name.Name == "CustomHeadersRules" {
			ret := fn.Body.List[0].(*ast.ReturnStmt)
			collect("", ret.Results[0].(*ast.CompositeLit))
			return false
		}
		return true
	})
	if len(fields) == 0 {
		t.Fatalf("no CustomHeadersRules literal in\n%s", src)
	}
	return fields
}

func TestGeneratedFilesAreUpToDate(t *testing.T) {
	t.Parallel()
	code, stderr, spec, rules := runSpecgen(t, specPath)
	if code != 0 {
		t.Fatalf("specgen exited %d: %s", code, stderr)
	}
	for name, got := range map[string][]byte{"spec.gen.go": spec, "constraints.gen.go": rules} {
		want, err := os.ReadFile(filepath.Join("../../../gen", name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("gen/%s is stale: run make generate", name)
		}
	}
}

// TestMutatedSpecChangesGeneratedRules is the proof that the rules come
// from the spec: change the constraints in a copy of the spec, regenerate,
// and the generated values follow.
func TestMutatedSpecChangesGeneratedRules(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		mutate func(ch map[string]any)
		want   map[string]string
	}{
		{"the spec as it is", func(map[string]any) {}, map[string]string{
			"MaxProperties": "5", "HasMaxProperties": "true", "MinProperties": "0",
			"Names.MaxLength": "128", "Names.Pattern": "`^[Xx]-(?![Pp][Aa][Rr][Tt][Oo][Oo])[^ ()<>@,;:\\\\\\\"\\/\\[\\]?={}]*$`",
			"Values.MaxLength": "512", "Values.Pattern": `""`,
			"NameHints.Prefix": `"X-"`, "NameHints.Reserved": `"Partoo"`, "NameHints.Forbidden": "` ()<>@,;:\\\"/[]?={}`",
		}},
		{"other limits", func(ch map[string]any) {
			ch["maxProperties"] = 8
			ch["minProperties"] = 1
			ch["propertyNames"].(map[string]any)["maxLength"] = 64
			ch["additionalProperties"].(map[string]any)["maxLength"] = 1024
			ch["additionalProperties"].(map[string]any)["minLength"] = 1
		}, map[string]string{
			"MaxProperties": "8", "MinProperties": "1", "Names.MaxLength": "64",
			"Values.MaxLength": "1024", "Values.MinLength": "1",
		}},
		{"another pattern of the same shape", func(ch map[string]any) {
			ch["propertyNames"].(map[string]any)["pattern"] = `^[Aa][Pp][Pp]-(?![Ii][Nn][Tt][Ee][Rr][Nn][Aa][Ll])[^ :]*$`
		}, map[string]string{
			"Names.Pattern":    "`^[Aa][Pp][Pp]-(?![Ii][Nn][Tt][Ee][Rr][Nn][Aa][Ll])[^ :]*$`",
			"NameHints.Prefix": `"App-"`, "NameHints.PrefixFold": "true",
			"NameHints.Reserved": `"Internal"`, "NameHints.Forbidden": "` :`",
		}},
		{"a case-sensitive pattern", func(ch map[string]any) {
			ch["propertyNames"].(map[string]any)["pattern"] = `^X-(?!Partoo)[^:]*$`
		}, map[string]string{"NameHints.Prefix": `"X-"`, "NameHints.PrefixFold": "false", "NameHints.ReservedFold": "false"}},
		{"a pattern of another shape gets no hints", func(ch map[string]any) {
			ch["propertyNames"].(map[string]any)["pattern"] = `^X-[A-Za-z0-9-]+$`
		}, map[string]string{"Names.Pattern": "`^X-[A-Za-z0-9-]+$`", "NameHints.Prefix": `""`, "NameHints.Forbidden": `""`}},
		{"no maxProperties, a value pattern", func(ch map[string]any) {
			delete(ch, "maxProperties")
			ch["additionalProperties"].(map[string]any)["pattern"] = `^[ -~]*$`
		}, map[string]string{"HasMaxProperties": "false", "Values.Pattern": "`^[ -~]*$`"}},
		{"annotations are allowed", func(ch map[string]any) {
			ch["title"] = "Custom headers"
			ch["x-note"] = "an extension"
			ch["propertyNames"].(map[string]any)["description"] = "a header name"
		}, map[string]string{"MaxProperties": "5"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			spec := mutateSpec(t, func(doc map[string]any) { tt.mutate(customHeaders(t, doc)) })
			code, stderr, _, rules := runSpecgen(t, spec)
			if code != 0 {
				t.Fatalf("specgen exited %d: %s", code, stderr)
			}
			got := literalFields(t, rules)
			for field, want := range tt.want {
				if got[field] != want {
					t.Errorf("%s = %s, want %s", field, got[field], want)
				}
			}
		})
	}
}

// TestSpecgenFailsLoudly: anything the client could not honour makes
// specgen exit 1 with a message naming it, and write nothing.
func TestSpecgenFailsLoudly(t *testing.T) {
	t.Parallel()
	names := func(doc map[string]any) map[string]any {
		return customHeaders(t, doc)["propertyNames"].(map[string]any)
	}
	tests := []struct {
		name    string
		mutate  func(doc map[string]any)
		wantErr string
	}{
		{"unsupported keyword patternProperties", func(doc map[string]any) {
			customHeaders(t, doc)["patternProperties"] = map[string]any{"^X-": map[string]any{"type": "string"}}
		}, `keyword "patternProperties" is not supported`},
		{"unsupported keyword required", func(doc map[string]any) {
			customHeaders(t, doc)["required"] = []any{"X-Auth-Token"}
		}, `keyword "required" is not supported`},
		{"unsupported keyword in propertyNames", func(doc map[string]any) {
			names(doc)["format"] = "hostname"
		}, `propertyNames.format: keyword "format" is not supported`},
		{"unsupported keyword in additionalProperties", func(doc map[string]any) {
			customHeaders(t, doc)["additionalProperties"].(map[string]any)["enum"] = []any{"a"}
		}, `additionalProperties.enum: keyword "enum" is not supported`},
		{"boolean additionalProperties", func(doc map[string]any) {
			customHeaders(t, doc)["additionalProperties"] = false
		}, "boolean schemas are not supported"},
		{"nullable type", func(doc map[string]any) {
			customHeaders(t, doc)["type"] = []any{"object", "null"}
		}, "only `type: object` is supported"},
		{"negative maxProperties", func(doc map[string]any) {
			customHeaders(t, doc)["maxProperties"] = -1
		}, "maxProperties: expected a non-negative integer"},
		{"inline flags", func(doc map[string]any) {
			names(doc)["pattern"] = `^(?i)x-[a-z]*$`
		}, "inline flags"},
		{"dot", func(doc map[string]any) {
			names(doc)["pattern"] = `^X-.*$`
		}, "'.' matches U+2028"},
		{"escape regexp2 reads differently", func(doc map[string]any) {
			names(doc)["pattern"] = `^X-\w+\z`
		}, `the escape \z`},
		{"pattern that does not compile", func(doc map[string]any) {
			names(doc)["pattern"] = `^X-[a-z`
		}, "does not compile"},
		{"CustomHeaders under oneOf in a body", func(doc map[string]any) {
			obj(t, doc, "components", "schemas", "UpdateWebhookPayload", "properties")["alt"] = map[string]any{
				"oneOf": []any{map[string]any{"$ref": "#/components/schemas/CustomHeaders"}, map[string]any{"type": "string"}},
			}
		}, "reached through oneOf"},
		{"CustomHeaders as a query parameter", func(doc map[string]any) {
			get := obj(t, doc, "paths", "/webhooks", "get")
			get["parameters"] = append(get["parameters"].([]any), map[string]any{
				"name": "headers", "in": "query", "schema": map[string]any{"$ref": "#/components/schemas/CustomHeaders"},
			})
		}, `parameter "headers" uses CustomHeaders`},
		{"no CustomHeaders schema", func(doc map[string]any) {
			ch := customHeaders(t, doc)
			schemas := obj(t, doc, "components", "schemas")
			delete(schemas, "CustomHeaders")
			schemas["Headers"] = ch
			for _, name := range []string{"WebhookItem", "WebhookCreateItem", "UpdateWebhookPayload"} {
				obj(t, doc, "components", "schemas", name, "properties")["custom_headers"] = map[string]any{"$ref": "#/components/schemas/Headers"}
			}
		}, "components.schemas.CustomHeaders is missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, stderr, spec, rules := runSpecgen(t, mutateSpec(t, tt.mutate))
			if code != 1 {
				t.Errorf("specgen exited %d, want 1 (stderr %q)", code, stderr)
			}
			if !strings.Contains(stderr, tt.wantErr) {
				t.Errorf("stderr = %q, want it to contain %q", stderr, tt.wantErr)
			}
			if spec != nil || rules != nil {
				t.Error("specgen wrote output although it failed")
			}
		})
	}
}

func TestCustomHeadersLocations(t *testing.T) {
	t.Parallel()
	spec := mutateSpec(t, func(doc map[string]any) {
		// A nested copy through an array of allOf, and the body itself.
		obj(t, doc, "components", "schemas", "UpdateWebhookPayload", "properties")["history"] = map[string]any{
			"type":  "array",
			"items": map[string]any{"allOf": []any{map[string]any{"$ref": "#/components/schemas/CustomHeaders"}}},
		}
	})
	code, stderr, src, _ := runSpecgen(t, spec)
	if code != 0 {
		t.Fatalf("specgen exited %d: %s", code, stderr)
	}
	for _, want := range []string{
		`{ID: "Webhook", Method: "POST", Path: "/webhooks", QueryParams: []string{"org_id"}, Paginated: false, CustomHeadersAt: []string{"items[*].custom_headers"}}`,
		`{ID: "tryoutWebhooks", Method: "POST", Path: "/webhooks/tryout", QueryParams: []string{"org_id"}, Paginated: false, CustomHeadersAt: []string{"items[*].custom_headers"}}`,
		`{ID: "updateWebhook", Method: "PUT", Path: "/webhooks/{webhook_id}", QueryParams: []string{"org_id"}, Paginated: false, CustomHeadersAt: []string{"custom_headers", "history[*]"}}`,
		`{ID: "getWebhook", Method: "GET", Path: "/webhooks/{webhook_id}", QueryParams: []string{"org_id"}, Paginated: false}`,
	} {
		if !strings.Contains(string(src), want) {
			t.Errorf("spec.gen.go lacks\n%s\nin\n%s", want, src)
		}
	}
}

func TestCheckECMAPattern(t *testing.T) {
	t.Parallel()
	tests := []struct {
		pattern string
		ok      bool
	}{
		{`^[Xx]-(?![Pp][Aa][Rr][Tt][Oo][Oo])[^ ()<>@,;:\\\"\/\[\]?={}]*$`, true},
		{`^\d+\s\w$`, true},
		{`^(?<name>a)\k<name>$`, true},
		{`^(?<=a)b(?<!c)$`, true},
		{`^[.]$`, true}, // '.' inside a class is a literal
		{`^a.b$`, false},
		{`^(?i)a$`, false},
		{`^(?s)a$`, false},
		{`^\p{L}$`, false},
		{`^\Aa$`, false},
		{`^[]a]$`, false},
		{`^[^]a]$`, false},
		{`^a(`, false},
		{`^a\`, false},
	}
	for _, tt := range tests {
		t.Run(tt.pattern, func(t *testing.T) {
			t.Parallel()
			if err := checkECMAPattern(tt.pattern); (err == nil) != tt.ok {
				t.Errorf("checkECMAPattern(%q) = %v, want ok=%v", tt.pattern, err, tt.ok)
			}
		})
	}
}

func TestRecogniseHints(t *testing.T) {
	t.Parallel()
	tests := []struct {
		pattern string
		want    nameHints
		ok      bool
	}{
		{`^[Xx]-(?![Pp][Aa][Rr][Tt][Oo][Oo])[^ ()<>@,;:\\\"\/\[\]?={}]*$`,
			nameHints{Prefix: "X-", PrefixFold: true, Reserved: "Partoo", ReservedFold: true, Forbidden: ` ()<>@,;:\"/[]?={}`}, true},
		{`^X-[^:]*$`, nameHints{Prefix: "X-", Forbidden: ":"}, true},
		{`^[xX]-[^:-]*$`, nameHints{Prefix: "X-", PrefixFold: true, Forbidden: ":-"}, true},
		{`^X-[^a-z]*$`, nameHints{}, false},   // a range
		{`^X-[^:]+$`, nameHints{}, false},     // + instead of *
		{`^[Xx]x-[^:]*$`, nameHints{}, false}, // mixed case handling
		{`X-[^:]*$`, nameHints{}, false},      // unanchored
		{`^X-(?!a)[^:]*`, nameHints{}, false}, // no $
		{`^[Xy]-[^:]*$`, nameHints{}, false},  // not a two-case class
		{`^\d-[^:]*$`, nameHints{}, false},    // escape class
		{`^(?!a)[^:]*$`, nameHints{}, false},  // no prefix
	}
	for _, tt := range tests {
		t.Run(tt.pattern, func(t *testing.T) {
			t.Parallel()
			got, ok := recogniseHints(tt.pattern)
			if ok != tt.ok || got != tt.want {
				t.Errorf("recogniseHints(%q) = %+v, %v; want %+v, %v", tt.pattern, got, ok, tt.want, tt.ok)
			}
			if ok {
				if err := probeHints(tt.pattern, got); err != nil {
					t.Errorf("probeHints: %v", err)
				}
			}
		})
	}
}

// TestProbeHintsCatchesWrongHints: hints that the pattern contradicts are
// an error, never a wrong explanation.
func TestProbeHintsCatchesWrongHints(t *testing.T) {
	t.Parallel()
	p := `^[Xx]-(?![Pp][Aa][Rr][Tt][Oo][Oo])[^ :]*$`
	for _, h := range []nameHints{
		{Prefix: "Y-", PrefixFold: true, Reserved: "Partoo", ReservedFold: true, Forbidden: " :"},
		{Prefix: "X-", PrefixFold: true, Reserved: "Other", ReservedFold: true, Forbidden: " :"},
		{Prefix: "X-", PrefixFold: true, Reserved: "Partoo", ReservedFold: true, Forbidden: " :/"},
	} {
		if err := probeHints(p, h); err == nil {
			t.Errorf("probeHints accepted %+v", h)
		}
	}
}
