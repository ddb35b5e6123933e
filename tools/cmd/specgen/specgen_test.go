package main

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
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
// and the two generated files (nil when not written). The proof corpus is
// testCorpusSize, except for the bundled spec, which gets specgen's
// default, as in make generate.
func runSpecgen(t *testing.T, spec string) (int, string, []byte, []byte) {
	t.Helper()
	dir := t.TempDir()
	out, rules := filepath.Join(dir, "spec.gen.go"), filepath.Join(dir, "constraints.gen.go")
	var stderr bytes.Buffer
	args := []string{"-spec", spec, "-out", out, "-constraints-out", rules}
	if spec != specPath {
		args = append(args, "-proof-corpus", strconv.Itoa(testCorpusSize))
	}
	code := run(args, &stderr)
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
				if _, isSlice := sub.Type.(*ast.ArrayType); !isSlice {
					collect(name+".", sub)
					continue
				}
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
			"Names.MustMatch":    "[]string{`^[Xx]-[^ ()<>@,;:\\\\\"/\\[\\]?={}]*$`}",
			"Names.MustNotMatch": "[]string{`^[Xx]-[Pp][Aa][Rr][Tt][Oo][Oo]`}",
			"Values.MustMatch":   "", // no pattern, no translation
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
			"Names.MustMatch":    "[]string{`^[Aa][Pp][Pp]-[^ :]*$`}",
			"Names.MustNotMatch": "[]string{`^[Aa][Pp][Pp]-[Ii][Nn][Tt][Ee][Rr][Nn][Aa][Ll]`}",
		}},
		{"a case-sensitive pattern", func(ch map[string]any) {
			ch["propertyNames"].(map[string]any)["pattern"] = `^X-(?!Partoo)[^:]*$`
		}, map[string]string{"NameHints.Prefix": `"X-"`, "NameHints.PrefixFold": "false", "NameHints.ReservedFold": "false"}},
		{"a pattern of another shape gets no hints", func(ch map[string]any) {
			ch["propertyNames"].(map[string]any)["pattern"] = `^X-[A-Za-z0-9-]+$`
		}, map[string]string{"Names.Pattern": "`^X-[A-Za-z0-9-]+$`", "NameHints.Prefix": `""`, "NameHints.Forbidden": `""`,
			"Names.MustMatch": "[]string{`^X-[A-Za-z0-9\\-]+$`}", "Names.MustNotMatch": "nil"}},
		{"two lookaheads, one positive", func(ch map[string]any) {
			ch["propertyNames"].(map[string]any)["pattern"] = `^[Xx]-(?![Pp]artoo|[Ii]nternal)(?=\w)[\w-]*$`
		}, map[string]string{
			"Names.MustMatch":    "[]string{`^[Xx]-[0-9A-Z_a-z\\-]*$`, `^[Xx]-[0-9A-Z_a-z]`}",
			"Names.MustNotMatch": "[]string{`^[Xx]-(?:[Pp]artoo|[Ii]nternal)`}",
		}},
		{"no maxProperties, a value pattern", func(ch map[string]any) {
			delete(ch, "maxProperties")
			ch["additionalProperties"].(map[string]any)["pattern"] = `^[ -~]*$`
		}, map[string]string{"HasMaxProperties": "false", "Values.Pattern": "`^[ -~]*$`",
			"Values.MustMatch": "[]string{`^[ -~]*$`}", "Values.MustNotMatch": "nil"}},
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
		}, "'.' (it matches U+2028"},
		{"lookahead after a variable-width prefix", func(doc map[string]any) {
			names(doc)["pattern"] = `^[Xx]-\w*(?!Partoo)[^:]*$`
		}, "a lookahead after a prefix of variable width cannot be translated"},
		{"lookbehind in a value pattern", func(doc map[string]any) {
			customHeaders(t, doc)["additionalProperties"].(map[string]any)["pattern"] = `^(?<!a)b$`
		}, "additionalProperties.pattern: pattern \"^(?<!a)b$\": a lookbehind at offset 1 cannot be translated"},
		{"backreference", func(doc map[string]any) {
			names(doc)["pattern"] = `^X-(a)\1$`
		}, `the backreference \1`},
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

// testCorpusSize keeps the tests quick under -race; make generate and
// TestGeneratedFilesAreUpToDate use defaultCorpusSize.
const testCorpusSize = 20_000

func TestTranslatePattern(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		pattern      string
		mustMatch    []string
		mustNotMatch []string
		wantErr      string // "" when the pattern must translate
	}{
		{"the spec's pattern", `^[Xx]-(?![Pp][Aa][Rr][Tt][Oo][Oo])[^ ()<>@,;:\\\"\/\[\]?={}]*$`,
			[]string{`^[Xx]-[^ ()<>@,;:\\"/\[\]?={}]*$`}, []string{`^[Xx]-[Pp][Aa][Rr][Tt][Oo][Oo]`}, ""},
		{"no lookahead", `^X-[A-Za-z0-9-]+$`, []string{`^X-[A-Za-z0-9\-]+$`}, nil, ""},
		{"unanchored, alternation", `ab|^c`, []string{`ab|^c`}, nil, ""},
		{"class escapes", `^\d\D\w\W$`, []string{`^[0-9][^0-9][0-9A-Z_a-z][^0-9A-Z_a-z]$`}, nil, ""},
		{"\\s is ECMA-262's white space, not RE2's",
			`^\s\S$`, []string{`^[\x{9}-\x{D} \x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}-\x{2029}\x{202F}\x{205F}\x{3000}\x{FEFF}]` +
				`[^\x{9}-\x{D} \x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}-\x{2029}\x{202F}\x{205F}\x{3000}\x{FEFF}]$`}, nil, ""},
		{"class escape inside a class", `^[\D_]$`, []string{`^[\x{0}-/:-\x{10FFFF}_]$`}, nil, ""},
		{"character escapes", `^\t\n\v\f\r\0\x41\u00e9\cJ[\b]$`,
			[]string{`^\x{9}\x{A}\x{B}\x{C}\x{D}\x{0}A\x{E9}\x{A}\x{8}$`}, nil, ""},
		{"identity escapes", `^\"\/\.\-\[\]\{\}$`, []string{`^"/\.-\[\]\{\}$`}, nil, ""},
		{"dashes in classes", `^[-a][a-][a-b-c][--/]$`, []string{`^[\-a][a\-][a-b\-c][\--/]$`}, nil, ""},
		{"groups and quantifiers", `^(a|bc)(?:d){2}(?<n>e){1,}f{1,3}?g*?$`,
			[]string{`^(?:a|bc)(?:d){2}(?:e)+f{1,3}g*$`}, nil, ""},
		{"non-ASCII literal", `^é🦊$`, []string{`^\x{E9}\x{1F98A}$`}, nil, ""},
		{"lookahead at the start", `^(?!-)[a-z-]+$`, []string{`^[a-z\-]+$`}, []string{`^-`}, ""},
		{"fixed-width prefix with a group and a count", `^(?:ab|cd)x{2}(?!y)z$`,
			[]string{`^(?:ab|cd)x{2}z$`}, []string{`^(?:ab|cd)x{2}y`}, ""},
		{"positive lookahead", `^(?=[a-z]{3})\w+$`, []string{`^[0-9A-Z_a-z]+$`, `^[a-z]{3}`}, nil, ""},
		{"lookaheads at two positions", `^a(?!b)c(?!d|e)`, []string{`^ac`}, []string{`^ab`, `^ac(?:d|e)`}, ""},
		{"empty lookahead", `^a(?!)`, []string{`^a`}, []string{`^a`}, ""},

		{"lookahead after a variable-width prefix", `^a*(?!b)c$`, nil, nil, "a lookahead after a prefix of variable width"},
		{"lookahead after an optional character", `^ab?(?!c)`, nil, nil, "a lookahead after a prefix of variable width"},
		{"lookahead without ^", `a(?!b)`, nil, nil, "a lookahead in a pattern that does not start with ^"},
		{"lookahead and top-level alternation", `^a(?!b)|c`, nil, nil, "a lookahead in a pattern with a top-level alternation"},
		{"lookahead in a group", `^(?:a(?!b))c`, nil, nil, "a lookahead inside a group"},
		{"lookahead in a lookahead", `^(?!a(?!b))`, nil, nil, "a lookahead inside a lookahead"},
		{"quantified lookahead", `^(?!a)*b`, nil, nil, "a quantifier on an assertion"},
		{"lookbehind", `^(?<=a)b$`, nil, nil, "a lookbehind"},
		{"negative lookbehind", `^a(?<!b)$`, nil, nil, "a lookbehind"},
		{"backreference", `^(a)\1$`, nil, nil, `the backreference \1`},
		{"named backreference", `^(?<x>a)\k<x>$`, nil, nil, `the named backreference \k`},
		{"octal escape", `^\01$`, nil, nil, `the octal escape`},
		{"word boundary", `^a\b`, nil, nil, `the word boundary \b`},
		{"Unicode property", `^\p{L}$`, nil, nil, `the Unicode property escape \p`},
		{"escape that regexp2 reads differently", `^\Aa$`, nil, nil, `the escape \A`},
		{"short \\x", `^\x4$`, nil, nil, `\x without two hex digits`},
		{"surrogate", `^\uD83D$`, nil, nil, `the surrogate \uD83D`},
		{"\\u{...}", `^\u{1F98A}$`, nil, nil, `\u{...}, which needs the u flag`},
		{"dot", `^a.b$`, nil, nil, "'.' (it matches U+2028"},
		{"dot in a class is a literal", `^[.]$`, []string{`^\.$`}, nil, ""},
		{"inline flags", `^(?i)a$`, nil, nil, "inline flags"},
		{"empty class", `^[]a]$`, nil, nil, "an empty class"},
		{"negated empty class", `^[^]a]$`, nil, nil, "an empty class"},
		{"class subtraction in regexp2", `^[a-z-[aeiou]]$`, nil, nil, `an unescaped '[' inside a class`},
		{"range with a class escape", `^[\d-z]$`, nil, nil, "a range with a class escape"},
		{"lone brace", `^(?:{a)$`, nil, nil, `a lone '{'`},
		{"brace that is no quantifier", `^a{,3}$`, nil, nil, `a '{' that is not a quantifier`},
		{"lone bracket", `^a]$`, nil, nil, `a lone ']'`},
		{"repeat count RE2 refuses", `^a{1001}$`, nil, nil, "invalid repeat count"},
		{"does not compile", `^a(`, nil, nil, "does not compile"},
		{"lone backslash", `^a\`, nil, nil, "does not compile"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tr, err := translatePattern(tt.pattern, testCorpusSize)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("translate(%q) error = %v, want one containing %q", tt.pattern, err, tt.wantErr)
				}
				if !strings.Contains(err.Error(), "teach specgen") && !strings.Contains(err.Error(), "does not compile as ECMA-262") {
					t.Errorf("the error %q does not say how to fix it", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("translate(%q): %v", tt.pattern, err)
			}
			want := translation{MustMatch: tt.mustMatch, MustNotMatch: tt.mustNotMatch}
			if diff := cmp.Diff(want, tr, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("translate(%q) (-want +got):\n%s", tt.pattern, diff)
			}
		})
	}
}

// TestProofCatchesWrongTranslations feeds proveTranslation translations
// that are subtly wrong: the corpus must find each mistake.
func TestProofCatchesWrongTranslations(t *testing.T) {
	t.Parallel()
	const spec = `^[Xx]-(?![Pp][Aa][Rr][Tt][Oo][Oo])[^ ()<>@,;:\\\"\/\[\]?={}]*$`
	const body = `[^ ()<>@,;:\\"/\[\]?={}]*`
	tests := []struct {
		name    string
		pattern string
		wrong   translation
	}{
		{"lookahead dropped", spec, translation{MustMatch: []string{`^[Xx]-` + body + `$`}}},
		{"lookahead case-sensitive", spec, translation{MustMatch: []string{`^[Xx]-` + body + `$`}, MustNotMatch: []string{`^[Xx]-Partoo`}}},
		{"lookahead one letter short", spec, translation{MustMatch: []string{`^[Xx]-` + body + `$`}, MustNotMatch: []string{`^[Xx]-[Pp][Aa][Rr][Tt][Oo]`}}},
		{"lookahead anchored at the end", spec, translation{MustMatch: []string{`^[Xx]-` + body + `$`}, MustNotMatch: []string{`^[Xx]-[Pp][Aa][Rr][Tt][Oo][Oo]$`}}},
		{"end anchor dropped", spec, translation{MustMatch: []string{`^[Xx]-` + body}, MustNotMatch: []string{`^[Xx]-[Pp][Aa][Rr][Tt][Oo][Oo]`}}},
		{"a forbidden character missing", spec, translation{MustMatch: []string{`^[Xx]-[^ ()<>@,;:\\/\[\]?={}]*$`}, MustNotMatch: []string{`^[Xx]-[Pp][Aa][Rr][Tt][Oo][Oo]`}}},
		{"end anchor that allows a final newline", spec, translation{MustMatch: []string{`(?m)^[Xx]-` + body + `$`}, MustNotMatch: []string{`^[Xx]-[Pp][Aa][Rr][Tt][Oo][Oo]`}}},
		{"RE2's \\s for ECMA-262's", `^a\sb$`, translation{MustMatch: []string{`^a\sb$`}}},
		{"RE2's \\w with Unicode", `^\w$`, translation{MustMatch: []string{`^[\pL\pN_]$`}}},
		{"ASCII case folding where the pattern has none", `^k$`, translation{MustMatch: []string{`(?i)^k$`}}},
		{"an astral character counted as two", `^[^a]{2}$`, translation{MustMatch: []string{`^(?:[^a]{2}|\x{1F98A})$`}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ecma, err := compileECMA(tt.pattern)
			if err != nil {
				t.Fatal(err)
			}
			root, err := parsePattern(tt.pattern)
			if err != nil {
				t.Fatal(err)
			}
			c, err := compileTranslation(tt.wrong)
			if err != nil {
				t.Fatal(err)
			}
			err = proveTranslation(tt.pattern, ecma, root, c, testCorpusSize)
			if err == nil || !strings.Contains(err.Error(), "disagrees with regexp2's ECMAScript mode") {
				t.Errorf("proveTranslation accepted a wrong translation %+v of %q (err = %v)", tt.wrong, tt.pattern, err)
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
