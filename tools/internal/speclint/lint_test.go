package speclint

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/partoo-go/partoo/tools/internal/specload"
	"gopkg.in/yaml.v3"
)

// seedPath is the excerpt of Partoo's docs the frozen Webhooks spec
// (webhooks-openapi.yaml) was checked against; the live seed follows the live spec.
const seedPath = "../../internal/testspec/seed-getWebhook.md"

// mutate returns the bundled spec with old replaced by new once; it fails
// the test when old is not in the spec, so a mutation can never silently
// leave the spec unchanged.
func mutate(t *testing.T, old, new string) []byte {
	t.Helper()
	spec := frozen(t, "webhooks-openapi.yaml")
	if !bytes.Contains(spec, []byte(old)) {
		t.Fatalf("mutation: %q is not in the spec", old)
	}
	return bytes.Replace(spec, []byte(old), []byte(new), 1)
}

// withWebhook returns the bundled spec with an extra OpenAPI 3.1 webhook
// that carries no x-partoo-go-source.
func withWebhook(t *testing.T) []byte {
	t.Helper()
	const probe = "  lintProbe:\n    post:\n      summary: Probe\n      responses:\n        '200':\n          description: OK\n"
	spec := frozen(t, "webhooks-openapi.yaml")
	if bytes.Contains(spec, []byte("\nwebhooks:\n")) {
		return bytes.Replace(spec, []byte("\nwebhooks:\n"), []byte("\nwebhooks:\n"+probe), 1)
	}
	return append(append(spec, "webhooks:\n"...), probe...)
}

// TestLint runs speclint on the bundled spec and on mutated copies written to
// a temp dir, one per rule. Every mutated spec must fail with the rule's tag
// and message. The "bundled spec" row also proves that the regex hook is
// wired: Go's RE2 cannot compile the CustomHeaders lookahead, so without the
// ECMAScript engine kin-openapi would reject it.
func TestLint(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		spec     func(t *testing.T) []byte
		wantRule string // "" means no finding at all
		wantMsg  string
		wantDiff []string // what the output shows of the difference from the seed
		advisory bool     // the finding is advisory: the spec goes through
	}{
		{
			name: "bundled spec",
			spec: func(t *testing.T) []byte { return frozen(t, "webhooks-openapi.yaml") },
		},
		{
			name: "duplicate operationId",
			spec: func(t *testing.T) []byte {
				return mutate(t, "operationId: tryoutWebhooks", "operationId: getWebhookList")
			},
			wantRule: "operation-id", wantMsg: `POST /webhooks/tryout: operationId "getWebhookList" is another operation's too`,
		},
		{
			name:     "missing operationId",
			spec:     func(t *testing.T) []byte { return mutate(t, "      operationId: updateWebhook\n", "") },
			wantRule: "operation-id", wantMsg: "PUT /webhooks/{webhook_id}: no operationId",
		},
		{
			name: "unresolved $ref",
			spec: func(t *testing.T) []byte {
				return mutate(t, "$ref: '#/components/schemas/TryoutResult'", "$ref: '#/components/schemas/TryoutOutcome'")
			},
			wantRule: "kin-openapi", wantMsg: `failed to resolve "TryoutOutcome"`,
		},
		{
			name: "external $ref",
			spec: func(t *testing.T) []byte {
				return mutate(t, "$ref: '#/components/schemas/TryoutResult'", "$ref: 'tryout.yaml#/TryoutResult'")
			},
			wantRule: "kin-openapi", wantMsg: `disallowed external reference: "tryout.yaml#/TryoutResult"`,
		},
		{
			name: "no servers",
			spec: func(t *testing.T) []byte {
				return mutate(t, "servers:\n  - url: https://api.partoo.co/v2\n    description: Production server\n  - url: https://api.sandbox.partoo.co/v2\n    description: Sandbox server (dev environment for clients & partners)\n", "")
			},
			wantRule: "servers", wantMsg: "declares no servers",
		},
		{
			name: "unmarked operation",
			spec: func(t *testing.T) []byte {
				return mutate(t, "      operationId: updateWebhook\n      x-partoo-go-source:\n", "      operationId: updateWebhook\n      x-partoo-go-note:\n")
			},
			wantRule: "provenance", wantMsg: "PUT /webhooks/{webhook_id}: carries no x-partoo-go-source",
		},
		{
			name:     "unmarked webhook",
			spec:     withWebhook,
			wantRule: "provenance", wantMsg: "webhooks.lintProbe POST: carries no x-partoo-go-source",
		},
		{
			name: "unknown source kind",
			spec: func(t *testing.T) []byte {
				return mutate(t, "    TryoutResult:\n      type: object\n      description: Result of the tests.\n      additionalProperties: true\n      x-partoo-go-source:\n        kind: assumption",
					"    TryoutResult:\n      type: object\n      description: Result of the tests.\n      additionalProperties: true\n      x-partoo-go-source:\n        kind: guess")
			},
			wantRule: "provenance", wantMsg: `components.schemas.TryoutResult: x-partoo-go-source.kind "guess" is not one of`,
		},
		{
			name:     "not YAML",
			spec:     func(*testing.T) []byte { return []byte("openapi: [\n") },
			wantRule: "yaml", wantMsg: "yaml:",
		},
		{
			name:     "a YAML list",
			spec:     func(*testing.T) []byte { return []byte("- openapi: 3.1.0\n") },
			wantRule: "yaml", wantMsg: "not a YAML mapping",
		},
		{
			name:     "a field that is not an object, not in the seed",
			spec:     func(t *testing.T) []byte { return mutate(t, "openapi: 3.1.0\n", "openapi: 3.1.0\nx-probe: 1\n") },
			wantRule: "provenance", wantMsg: "x-probe: is not an object and cannot carry x-partoo-go-source",
		},
		{
			name: "empty source note",
			spec: func(t *testing.T) []byte {
				return mutate(t, "note: The fields of the tryout result are not documented; kept free-form.", "note: ' '")
			},
			wantRule: "provenance", wantMsg: "components.schemas.TryoutResult: x-partoo-go-source has an empty note",
		},
		{
			// A value YAML cannot decode (an integer tag on a word) cannot be
			// compared with the seed: the element is checked as one added.
			name: "verbatim element that does not decode",
			spec: func(t *testing.T) []byte {
				return mutate(t, "    WebhookItem:\n      type: object\n", "    WebhookItem:\n      type: object\n      x-probe: !!int abc\n")
			},
			wantRule: "provenance", wantMsg: "components.schemas.WebhookItem: differs from Partoo's verbatim YAML (the seed) and carries no x-partoo-go-source",
		},
		{
			name: "verbatim element edited without a mark",
			spec: func(t *testing.T) []byte {
				return mutate(t, "The identifier for the webhook configuration.", "The webhook configuration's identifier.")
			},
			wantRule: "provenance", wantMsg: `components.schemas.WebhookItem: differs from Partoo's verbatim YAML (the seed); an assembled bundle may not change Partoo's verbatim elements; take Partoo's new file instead`,
			wantDiff: []string{"identifier for the webhook configuration", "webhook configuration's identifier"},
		},
		{
			// A mark does not make a change to Partoo's own element
			// allowed: the first message says so, not "carries no mark".
			name: "verbatim element edited with a mark",
			spec: func(t *testing.T) []byte {
				return mutate(t, "    WebhookItem:\n      type: object\n",
					"    WebhookItem:\n      type: object\n      x-partoo-go-source:\n        kind: assumption\n        note: a field we expect\n")
			},
			wantRule: "provenance", wantMsg: "components.schemas.WebhookItem: differs from Partoo's verbatim YAML (the seed); " +
				"an assembled bundle may not change Partoo's verbatim elements; take Partoo's new file instead (make update-spec SPEC=<Partoo's bundle> SOURCE=partoo",
			wantDiff: []string{"a field we expect"},
		},
		{
			name: "broken ECMAScript pattern",
			spec: func(t *testing.T) []byte {
				return mutate(t, "pattern: ^[Xx]-(?![Pp][Aa]", "pattern: ^[Xx]-(?!([Pp][Aa]")
			},
			wantRule: "kin-openapi", wantMsg: "missing closing )",
		},
		{
			// (?P<name>...) is valid for Go's RE2 and not for ECMA-262: the
			// rejection shows the patterns go through the ECMAScript engine.
			name:     "RE2-only pattern",
			spec:     func(t *testing.T) []byte { return mutate(t, "pattern: ^https://", "pattern: ^(?P<scheme>https)://") },
			wantRule: "kin-openapi", wantMsg: "unrecognized grouping construct",
		},
		{
			// The lookahead is run, not only compiled: a reserved X-Partoo
			// key in the example is caught.
			name: "example key rejected by the lookahead",
			spec: func(t *testing.T) []byte {
				return mutate(t, "        X-My-Header: my-value", "        X-Partoo-Header: my-value")
			},
			wantRule: "example-pattern", wantMsg: `example key "X-Partoo-Header" does not match propertyNames.pattern`, advisory: true,
		},
		{
			// 3.1 has no nullable: specgen refuses it, so the lint blocks
			// it at step 1 of an update, its removal as the repair.
			name: "nullable in a 3.1 document",
			spec: func(t *testing.T) []byte {
				return mutate(t, "          pattern: ^https://", "          nullable: true\n          pattern: ^https://")
			},
			wantRule: "keyword", wantMsg: "nullable is OpenAPI 3.0's",
		},
		{
			name: "example rejected by its pattern",
			spec: func(t *testing.T) []byte {
				return mutate(t, "pattern: ^https://\n          example: https://example.com/webhook", "pattern: ^https://\n          example: http://example.com/webhook")
			},
			wantRule: "example", wantMsg: `'http://example.com/webhook' does not match pattern '^https://'`, advisory: true,
		},
	}
	seed, err := ReadSeed(seedPath)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var stdout, stderr bytes.Buffer
			code := Report(&stdout, &stderr, "openapi-bundled.yaml", Lint(nil, tt.spec(t), seed), false)
			if tt.wantRule == "" {
				if code != 0 {
					t.Fatalf("exit %d, want 0\n%s%s", code, stdout.String(), stderr.String())
				}
				return
			}
			// An advisory finding alone lets the spec through; the
			// mutation may break another rule, so only a blocking one's
			// exit status is checked.
			if !tt.advisory && code != 1 {
				t.Fatalf("exit %d, want 1\n%s%s", code, stdout.String(), stderr.String())
			}
			found := false
			for _, line := range strings.Split(stdout.String(), "\n") {
				if strings.Contains(line, "["+tt.wantRule+"]") && strings.Contains(line, tt.wantMsg) && strings.Contains(line, "BLOCKING") != tt.advisory {
					found = true
				}
			}
			if !found {
				t.Errorf("no [%s] finding containing %q in:\n%s", tt.wantRule, tt.wantMsg, stdout.String())
			}
			for _, d := range tt.wantDiff {
				if !strings.Contains(stdout.String(), d) {
					t.Errorf("the output does not show %q:\n%s", d, stdout.String())
				}
			}
			// go-cmp indents with U+00A0 in some processes: the report never does, and
			// a diff's lines sit under their finding, indented.
			if len(tt.wantDiff) > 0 && (strings.Contains(stdout.String(), "\u00a0") || !strings.Contains(stdout.String(), "+bundle:\n    ")) {
				t.Errorf("the diff is not indented with plain spaces under its finding:\n%q", stdout.String())
			}
		})
	}
}

// TestSeedAsPlainYAML checks that a plain YAML seed (Partoo's whole bundle)
// makes every element verbatim: linting a file against itself finds no
// provenance problem even without any x-partoo-go-source.
func TestSeedAsPlainYAML(t *testing.T) {
	t.Parallel()
	spec := mutate(t, "      operationId: updateWebhook\n      x-partoo-go-source:\n", "      operationId: updateWebhook\n      x-partoo-go-note:\n")
	for _, f := range Lint(nil, spec, seedOf(t, spec)) {
		t.Errorf("unexpected finding: %+v", f)
	}
}

// TestKinOpenAPILeavesTheRulesDefects checks that, beside the structural
// rules' findings, kin-openapi's reports of the same defects (without a
// place or a repair) are left out, and its reports of other defects are
// kept: a type that is not JSON Schema's and a misspelt keyword are
// reported once, with their repairs, beside kin-openapi's report of a
// response without a description.
func TestKinOpenAPILeavesTheRulesDefects(t *testing.T) {
	t.Parallel()
	const base = "    TryoutResult:\n      type: object\n      description: Result of the tests.\n      additionalProperties: true"
	spec := mutate(t, base, "    TryoutResult:\n      type: timestamp\n      description: Result of the tests.\n      additionalProperites: true")
	spec = bytes.Replace(spec, []byte("          description: OK\n"), nil, 1)
	got := map[string][]string{}
	for _, f := range lintSelf(t, spec) {
		got[f.Rule] = append(got[f.Rule], f.Message)
	}
	if len(got["type"]) != 1 || len(got["keyword"]) != 1 {
		t.Errorf("type findings %q, keyword findings %q: want one each", got["type"], got["keyword"])
	}
	if len(got["kin-openapi"]) != 1 || !strings.Contains(got["kin-openapi"][0], "description of the response is required") {
		t.Errorf("kin-openapi findings %q: want only the response without a description", got["kin-openapi"])
	}
}

// TestFormatsTheGeneratorKnows checks that the advisory "format" finding
// fires for exactly the formats the generated validator does not check:
// JSON Schema's other formats (time, hostname, ipv4...) are plain values
// of their type for the generated client and the fake, so the lint says so.
func TestFormatsTheGeneratorKnows(t *testing.T) {
	t.Parallel()
	for format, known := range map[string]bool{
		"date-time": true, "date": true, "uuid": true, "int64": true, "binary": true,
		"time": false, "hostname": false, "ipv4": false, "byte": false, "password": false, "timestamp": false,
	} {
		t.Run(format, func(t *testing.T) {
			t.Parallel()
			const id = "        id:\n          type: string\n          description: The business identifier.\n"
			spec := mutate(t, id, id+"          format: "+format+"\n")
			reported := false
			for _, f := range Lint(nil, spec, seedOf(t, spec)) {
				reported = reported || f.Rule == "format"
			}
			if reported == known {
				t.Errorf("format %q: advisory finding %v, want %v", format, reported, !known)
			}
		})
	}
}

// TestPartooNamesFile checks that the naming file's operationIds reach
// the lint of Partoo's bundle, as the loader gives them: naming the DELETE
// of the defect bundle read_venue gives it its GET's Go name, which is
// blocking; without a naming file the derived name is unique.
func TestPartooNamesFile(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		names string
		want  int
	}{
		{"", 0},
		{"operationIds:\n  DELETE /venues/{venue_id}: read_venue\n", 1},
	} {
		in := specload.Input{Bundle: frozen(t, "defects/bundle.yaml"), Repairs: frozen(t, "defects/repairs.yaml"), Names: []byte(tt.names)}
		res, err := specload.Effective(in)
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		if code := Report(&out, &out, "bundle.yaml", Lint(res.Tree, res.Repaired, nil), false); code != tt.want {
			t.Errorf("naming file %q: exit %d, want %d\n%s", tt.names, code, tt.want, out.String())
		}
	}
}

// TestReadSeed checks the two forms of a seed, a Markdown excerpt's first
// ````yaml fence or a whole YAML file, and the seeds ReadSeed refuses.
func TestReadSeed(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tests := []struct {
		name, content string
		want          string // a top-level key of the seed; "" when ReadSeed refuses it
	}{
		{name: "Markdown excerpt", content: "Partoo's docs\n````yaml title=openapi.yaml\nopenapi: 3.1.0\n````\n````yaml\nother: 1\n````\n", want: "openapi"},
		{name: "plain YAML", content: "info: {title: Partoo}\n", want: "info"},
		{name: "unclosed fence", content: "````yaml\nopenapi: 3.1.0\n"},
		{name: "empty fence", content: "````yaml\n````\n"},
		{name: "empty file", content: ""},
		{name: "not a mapping", content: "- openapi\n"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(dir, strconv.Itoa(i)+".md")
			if err := os.WriteFile(path, []byte(tt.content), 0o644); err != nil {
				t.Fatal(err)
			}
			seed, err := ReadSeed(path)
			switch {
			case tt.want == "" && err == nil:
				t.Errorf("ReadSeed accepted it: %v", seed)
			case tt.want != "" && err != nil:
				t.Errorf("ReadSeed: %v", err)
			case tt.want != "" && (len(seed) != 1 || seed[tt.want] == nil):
				t.Errorf("seed %v, want only %q", seed, tt.want)
			}
		})
	}
	if _, err := ReadSeed(filepath.Join(dir, "missing.md")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a missing file: %v, want fs.ErrNotExist", err)
	}
}

// TestMisspelt checks what an unknown schema key is read as: the one keyword
// at most two edits from it, with its value, unless the schema has that
// keyword already or no keyword (or several) is near.
func TestMisspelt(t *testing.T) {
	t.Parallel()
	tests := []struct {
		schema, key string
		want        map[string]any
	}{
		{schema: "{maxLenght: 3}", key: "maxLenght", want: map[string]any{"maxLength": 3}},
		{schema: "{maxLenght: 3, maxLength: 4}", key: "maxLenght"},
		{schema: "{frobnicate: 3}", key: "frobnicate"},
		{schema: "{mxLength: 3}", key: "mxLength"}, // maxLength and minLength
	}
	for _, tt := range tests {
		var s yaml.Node
		if err := yaml.Unmarshal([]byte(tt.schema), &s); err != nil {
			t.Fatal(err)
		}
		if got := misspelt(s.Content[0], specload.MapValue(s.Content[0], tt.key), tt.key); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: %q means %v, want %v", tt.schema, tt.key, got, tt.want)
		}
	}
}

// TestSortFindings checks the order of the findings: blocking first, then
// those removing a list entry, highest index first; an update of a list
// entry keeps its place by line.
func TestSortFindings(t *testing.T) {
	t.Parallel()
	update := func(target string) []Action {
		return []Action{{Target: target, Update: map[string]any{"required": true}}}
	}
	remove := func(target string) []Action { return []Action{{Target: target, Remove: true}} }
	out := []Finding{
		{Level: Advisory, Rule: "format", Line: 1},
		{Level: Blocking, Rule: "parameter", Line: 2, Fix: remove("$.paths['/a'].get.parameters[0]")},
		{Level: Blocking, Rule: "keyword", Line: 3, Fix: remove("$.paths['/a'].get.parameters[2]")},
		{Level: Blocking, Rule: "path-parameter", Line: 9, Fix: update("$.paths['/a'].get.parameters[1]")},
		{Level: Blocking, Rule: "type", Line: 5, Fix: update("$.components.schemas.A")},
	}
	sortFindings(out)
	var got []string
	for _, f := range out {
		got = append(got, f.Rule)
	}
	if want := []string{"type", "path-parameter", "keyword", "parameter", "format"}; !slices.Equal(got, want) {
		t.Errorf("sorted rules %q, want %q", got, want)
	}
}

// TestKinOpenAPIFindingsWithoutStructuralOnes checks that a kin-openapi
// message of a kind the structural rules report is kept when no structural
// rule fired: the rules did not see that defect.
func TestKinOpenAPIFindingsWithoutStructuralOnes(t *testing.T) {
	t.Parallel()
	spec := []byte(`openapi: 3.0.3
info: {title: t, version: '1'}
servers: [{url: 'https://a.example'}]
paths:
  /a:
    get:
      operationId: getA
      parameters:
        - {name: q, in: query, schema: {type: string, enum: [a, b], default: c}}
      responses: {'200': {description: ok}}
`)
	var kin []string
	for _, f := range Lint(nil, spec, nil) {
		if f.Level == Blocking && f.Rule == "kin-openapi" {
			kin = append(kin, f.Message)
		} else if f.Level == Blocking {
			t.Errorf("a structural finding %q; want none", f.Message)
		}
	}
	if len(kin) != 1 || !strings.Contains(kin[0], "value is not one of the allowed values") {
		t.Errorf("kin-openapi findings %q, want the default outside the enum", kin)
	}
}

// TestLoadErrorAfterStructuralFindings: when kin-openapi cannot load the
// bundle, its finding says that the repairs above may remove it only when
// there are findings above, such as the required: true that stops the load.
func TestLoadErrorAfterStructuralFindings(t *testing.T) {
	t.Parallel()
	const base = "    TryoutResult:\n      type: object\n      description: Result of the tests.\n      additionalProperties: true"
	tests := []struct {
		name string
		spec []byte
		hint bool
	}{
		{"required: true", mutate(t, base, base+"\n      required: true"), true},
		{"an unresolved $ref alone", mutate(t, "$ref: '#/components/schemas/TryoutResult'", "$ref: '#/components/schemas/TryoutOutcome'"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var load []string
			for _, f := range lintSelf(t, tt.spec) {
				if f.Rule == "kin-openapi" && strings.HasPrefix(f.Message, "load: ") {
					load = append(load, f.Message)
				}
			}
			if len(load) != 1 || strings.Contains(load[0], "lint again after pasting them") != tt.hint {
				t.Errorf("kin-openapi's load findings %q: want one, with the hint to lint again: %t", load, tt.hint)
			}
		})
	}
}

// frozen returns the contents of internal/testspec/name, the frozen specs of the
// tools' tests (its README.md says what each holds).
func frozen(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("../../internal/testspec", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}
