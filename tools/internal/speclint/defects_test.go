package speclint

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/oapi-codegen/oapi-codegen/v2/pkg/codegen"
	"github.com/partoo-go/partoo/tools/internal/specload"
	"gopkg.in/yaml.v3"
)

// lintSelf lints a spec as Partoo's verbatim bundle (its own seed).
func lintSelf(t *testing.T, spec []byte) []Finding {
	t.Helper()
	return Lint(nil, spec, seedOf(t, spec))
}

// seedOf is the seed ReadSeed reads from a file holding raw.
func seedOf(t *testing.T, raw []byte) map[string]any {
	t.Helper()
	path := filepath.Join(t.TempDir(), "seed.yaml")
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	seed, err := ReadSeed(path)
	if err != nil {
		t.Fatal(err)
	}
	return seed
}

// TestDefectLevels lints the invented defect bundle: each defect class is
// reported at its level, and every blocking finding of the structural
// rules carries a repair.
func TestDefectLevels(t *testing.T) {
	t.Parallel()
	findings := lintSelf(t, frozen(t, "defects/bundle.yaml"))
	got := map[string]int{}
	for _, f := range findings {
		got[f.Level+" "+f.Rule]++
		if f.Level == Blocking && f.Rule != "kin-openapi" && len(f.Fix) == 0 {
			t.Errorf("blocking finding without a repair: %+v", f)
		}
	}
	for _, want := range []string{
		"blocking type", "blocking array-items", "blocking path-parameter", "blocking parameter",
		"blocking required", "blocking examples", "blocking keyword", "blocking pattern-format",
		"blocking ref", "blocking go-name", "blocking operation-id", "blocking discriminator", "advisory format", "advisory ref-sibling",
	} {
		if got[want] == 0 {
			t.Errorf("no %s finding; got %v", want, got)
		}
	}
	if got["blocking type"] != 8 {
		t.Errorf("%d type findings, want 8 (timestamp, datetime, float, text, Integer, string,, array of string, boolean | null)", got["blocking type"])
	}
	if got["blocking go-name"] != 5 {
		t.Errorf("%d go-name findings, want 5 (two properties, a schema and a parameter, a schema and an operation's answer type, a schema and the client, two operationIds)", got["blocking go-name"])
	}
	if got["blocking path-parameter"] != 2 {
		t.Errorf("%d path-parameter findings, want 2 (one undeclared, one optional)", got["blocking path-parameter"])
	}
}

// TestRepairsReadyToPaste pastes the repairs of every blocking finding into
// an overlay, applies it with the one loader, and lints again: nothing
// blocking is left. The hand-written repairs of the fixture do as well,
// and leave the advisory findings: an unknown format, an example that
// breaks its schema.
func TestRepairsReadyToPaste(t *testing.T) {
	t.Parallel()
	bundle := frozen(t, "defects/bundle.yaml")
	var actions []Action
	for _, f := range lintSelf(t, bundle) {
		actions = append(actions, f.Fix...)
	}
	overlay := pastedOverlay(t, actions)
	for name, repairs := range map[string][]byte{"pasted": overlay, "hand-written": frozen(t, "defects/repairs.yaml")} {
		res, err := specload.Effective(specload.Input{Bundle: bundle, Repairs: repairs})
		if err != nil {
			t.Fatalf("%s: %v\n%s", name, err, repairs)
		}
		advisory := map[string]bool{}
		for _, f := range lintSelf(t, res.Repaired) {
			if f.Level == Blocking {
				t.Errorf("%s repairs: still blocking: [%s] %s", name, f.Rule, f.Message)
			} else {
				advisory[f.Rule] = true
			}
		}
		if name == "hand-written" && (!advisory["format"] || !advisory["example"]) {
			t.Errorf("hand-written repairs: advisory rules %v, want format and example", advisory)
		}
		// The 3.1 form every consumer reads lints clean as well.
		for _, f := range lintSelf(t, res.Spec) {
			if f.Level == Blocking {
				t.Errorf("%s repairs, 3.1 form: still blocking: [%s] %s", name, f.Rule, f.Message)
			}
		}
	}
}

// TestSummaryFitsOnAScreen checks that advisory findings alone pass, with
// a summary of a few lines per rule.
func TestSummaryFitsOnAScreen(t *testing.T) {
	t.Parallel()
	var findings []Finding
	for i := range 40 {
		findings = append(findings, Finding{Level: Advisory, Rule: "format", Line: i + 1, Message: "format \"x\" is unknown"})
	}
	var stdout, stderr strings.Builder
	if code := Report(&stdout, &stderr, "spec.yaml", findings, false); code != 0 {
		t.Fatalf("exit %d with advisory findings only, want 0", code)
	}
	if lines := strings.Count(stdout.String(), "\n"); lines > 8 {
		t.Errorf("the summary of 40 advisory findings takes %d lines:\n%s", lines, stdout.String())
	}
}

// pastedOverlay is the overlay a maintainer makes by pasting actions, the
// repairs of findings, into an empty repairs file.
func pastedOverlay(t *testing.T, actions []Action) []byte {
	t.Helper()
	overlay, err := yaml.Marshal(map[string]any{
		"overlay": "1.0.0",
		"info":    map[string]string{"title": "pasted", "version": "1"},
		"actions": actions,
	})
	if err != nil {
		t.Fatal(err)
	}
	return overlay
}

// generateGo runs oapi-codegen with the project's configuration on spec,
// and returns the Go structs it declares that hold one field name twice.
func generateGo(t *testing.T, spec []byte) (duplicates []string, err error) {
	t.Helper()
	raw, err := os.ReadFile("../../../oapi-codegen.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var cfg codegen.Configuration
	if err := yaml.Unmarshal(raw, &cfg); err != nil {
		t.Fatal(err)
	}
	cfg.OutputOptions.Overlay = codegen.OutputOptionsOverlay{}
	path := filepath.Join(t.TempDir(), "spec.yaml")
	if err := os.WriteFile(path, spec, 0o644); err != nil {
		t.Fatal(err)
	}
	doc, err := specload.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	src, err := codegen.Generate(doc, cfg.UpdateDefaults())
	if err != nil {
		return nil, err
	}
	f, err := parser.ParseFile(token.NewFileSet(), "gen.go", src, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	ast.Inspect(f, func(n ast.Node) bool {
		if ts, ok := n.(*ast.TypeSpec); ok {
			if st, ok := ts.Type.(*ast.StructType); ok {
				seen := map[string]bool{}
				for _, field := range st.Fields.List {
					for _, name := range field.Names {
						if seen[name.Name] {
							duplicates = append(duplicates, ts.Name.Name+"."+name.Name)
						}
						seen[name.Name] = true
					}
				}
			}
		}
		return true
	})
	return duplicates, nil
}

// TestGoNamesAcrossTheDocument lints a bundle with the Go name collisions
// that no single mapping shows: an inline enum whose type oapi-codegen
// names like a component (Media.kind gives MediaKind), and parameters of
// one operation that give one field of its Params struct (order_by and
// order-by; the query's lang, through a $ref, and a header Lang of the
// path item), beside two properties of one schema (publisher_id and
// publisherId). Each is blocking, with a repair that, pasted, makes
// oapi-codegen generate code whose structs hold each field once.
func TestGoNamesAcrossTheDocument(t *testing.T) {
	t.Parallel()
	bundle, err := os.ReadFile("testdata/shapes.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := generateGo(t, bundle); err == nil {
		t.Fatal("oapi-codegen generated the bundle as it is: it is not the shape the rule is for")
	}
	var targets []string
	var actions []Action
	for _, f := range lintSelf(t, bundle) {
		if f.Level != Blocking {
			continue
		}
		if f.Rule != "go-name" || len(f.Fix) != 1 {
			t.Errorf("unexpected blocking finding: [%s] %s", f.Rule, f.Message)
			continue
		}
		targets = append(targets, f.Fix[0].Target)
		actions = append(actions, f.Fix...)
	}
	slices.Sort(targets)
	want := []string{
		"$.components.schemas.Media.properties.kind",
		"$.components.schemas.Media.properties.publisherId",
		"$.paths['/media'].get.parameters[1]",
		"$.paths['/media/{media_id}'].parameters[0]",
	}
	if !slices.Equal(targets, want) {
		t.Errorf("repair targets:\n%q\nwant\n%q", targets, want)
	}
	overlay := pastedOverlay(t, actions)
	res, err := specload.Effective(specload.Input{Bundle: bundle, Repairs: overlay})
	if err != nil {
		t.Fatalf("%v\n%s", err, overlay)
	}
	for _, f := range lintSelf(t, res.Spec) {
		if f.Level == Blocking {
			t.Errorf("still blocking after the repairs: [%s] %s", f.Rule, f.Message)
		}
	}
	duplicates, err := generateGo(t, res.Spec)
	if err != nil || len(duplicates) > 0 {
		t.Errorf("oapi-codegen on the repaired bundle: %v, fields declared twice: %v", err, duplicates)
	}
	// With the enum's property renamed, generation goes through, and the
	// parameters and properties declare their fields twice.
	before, err := generateGo(t, []byte(strings.Replace(string(bundle), "        kind: # shape", "        kinds: # shape", 1)))
	for _, want := range []string{"SearchMediaParams.OrderBy", "GetMediaParams.Lang", "Media.PublisherID"} {
		if err != nil || !slices.Contains(before, want) {
			t.Errorf("unrepaired, oapi-codegen's fields declared twice are %v (%v), want %s among them", before, err, want)
		}
	}
}

// TestPartooFindingsAtTheBundlesLines lints Partoo's bundle the way
// make update-spec SOURCE=partoo and make spec-lint do (the repairs applied by the
// loader), and checks that each finding gives a line of the bundle's own
// file, not of the repaired document, which is on no disk: the line of a
// key of the element the finding names, and for kin-openapi's messages
// the line of the key they name.
func TestPartooFindingsAtTheBundlesLines(t *testing.T) {
	t.Parallel()
	// api/ as make update-spec SOURCE=partoo leaves it, with the bundle and
	// its repairs: make spec-lint (TestSpecLint, when api/provenance.yaml says partoo) names the bundle's file.
	dir := t.TempDir()
	bundle, repairs := filepath.Join(dir, specload.VerbatimFile), filepath.Join(dir, specload.RepairsFile)
	for path, body := range map[string][]byte{bundle: frozen(t, "defects/bundle.yaml"), repairs: frozen(t, "defects/repairs.yaml")} {
		if err := os.WriteFile(path, body, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	rec := specload.Record{Source: specload.Partoo, Origin: "test", Date: "2026-01-02", SHA256: specload.Sum(frozen(t, "defects/bundle.yaml"))}
	if err := specload.WriteRecord(dir, rec); err != nil {
		t.Fatal(err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(frozen(t, "defects/bundle.yaml"), &doc); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(frozen(t, "defects/bundle.yaml")), "\n")
	finding := regexp.MustCompile(`(?m)^\s*` + regexp.QuoteMeta(bundle) + `(?::(\d+))?: (?:BLOCKING )?\[([a-z-]+)\] (.*)$`)
	kinLine := regexp.MustCompile(`line (\d+): [^;]*? in (/[^;\s]+)`)
	unrepaired, err := specload.Effective(specload.Input{Bundle: frozen(t, "defects/bundle.yaml")})
	if err != nil {
		t.Fatal(err)
	}
	inAPI, err := specload.FromAPI(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		res  *specload.Result
	}{{"without repairs", unrepaired}, {"api/, repaired", inAPI}} {
		var stdout bytes.Buffer
		Report(&stdout, io.Discard, bundle, Lint(tc.res.Tree, tc.res.Repaired, nil), true)
		if strings.Contains(stdout.String(), bundle+":0:") {
			t.Errorf("%s: a finding without a line is printed at line 0:\n%s", tc.name, stdout.String())
		}
		placed, kin := 0, 0
		for _, m := range finding.FindAllStringSubmatch(stdout.String(), -1) {
			if m[2] == "kin-openapi" {
				for _, k := range kinLine.FindAllStringSubmatch(m[3], -1) {
					n, _ := strconv.Atoi(k[1])
					key := k[2][strings.LastIndex(k[2], "/")+1:]
					if kin++; n > len(lines) || !strings.Contains(lines[n-1], key+":") {
						t.Errorf("%s: kin-openapi names line %d for %s, which holds %q", tc.name, n, k[2], lines[min(n, len(lines))-1])
					}
				}
				continue
			}
			path, _, _ := strings.Cut(m[3], ": ")
			key, el := nodeAt(&doc, path)
			if m[1] == "" || el == nil {
				continue // a finding without a line, or one named otherwise than by its JSONPath
			}
			n, _ := strconv.Atoi(m[1])
			placed++
			if !slices.ContainsFunc(el.Content, func(c *yaml.Node) bool { return c.Line == n }) && el.Line != n && key.Line != n {
				t.Errorf("%s: [%s] %s at line %d, where neither that element's name nor its keys are (%q)", tc.name, m[2], path, n, lines[min(n, len(lines))-1])
			}
		}
		if placed < 2 || tc.res == unrepaired && kin == 0 {
			t.Errorf("%s: %d findings placed by their JSONPath and %d kin-openapi lines checked; want more\n%s", tc.name, placed, kin, stdout.String())
		}
	}
}

// nodeAt returns the node of doc at a JSONPath such as speclint writes
// ($.a['b/{c}'][0]), and the key that names it (the node itself when an
// index does), or nils.
func nodeAt(doc *yaml.Node, path string) (key, n *yaml.Node) {
	if !strings.HasPrefix(path, "$") {
		return nil, nil
	}
	n = doc.Content[0]
	key = n
	for _, m := range regexp.MustCompile(`\.([A-Za-z_][A-Za-z0-9_]*)|\['((?:[^'\\]|\\.)*)'\]|\[(\d+)\]`).FindAllStringSubmatch(path[1:], -1) {
		switch {
		case m[3] != "":
			i, _ := strconv.Atoi(m[3])
			if n.Kind != yaml.SequenceNode || i >= len(n.Content) {
				return nil, nil
			}
			n = n.Content[i]
			key = n
		default:
			name := m[1] + strings.NewReplacer(`\'`, "'", `\\`, `\`).Replace(m[2])
			k := slices.IndexFunc(n.Content, func(c *yaml.Node) bool { return c.Value == name })
			if n.Kind != yaml.MappingNode || k < 0 || k%2 == 1 {
				return nil, nil
			}
			key, n = n.Content[k], n.Content[k+1]
		}
	}
	return key, n
}

// TestRepairsTargetAnyKey checks that the repairs proposed for properties
// whose names hold a quote or a backslash target them: pasted, they apply
// and leave nothing blocking.
func TestRepairsTargetAnyKey(t *testing.T) {
	t.Parallel()
	const at = "      properties:\n        id:\n          type: string\n          description: The business identifier.\n"
	spec := frozen(t, "webhooks-openapi.yaml")
	if !bytes.Contains(spec, []byte(at)) {
		t.Fatal("the spec has no business id property to add properties beside")
	}
	odd := `        "it's": {type: timestamp}` + "\n" + `        "back\\slash": {type: timestamp}` + "\n"
	spec = bytes.Replace(spec, []byte(at), []byte("      properties:\n"+odd+at[len("      properties:\n"):]), 1)
	var actions []Action
	for _, f := range lintSelf(t, spec) {
		if f.Rule == "type" {
			actions = append(actions, f.Fix...)
		}
	}
	if len(actions) != 2 {
		t.Fatalf("%d repairs proposed for the two types, want 2", len(actions))
	}
	res, err := specload.Effective(specload.Input{Bundle: spec, Repairs: pastedOverlay(t, actions)})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range lintSelf(t, res.Repaired) {
		if f.Rule == "type" {
			t.Errorf("still reported after its repair: %s", f.Message)
		}
	}
}

// TestRepairsThroughAnArrayReference checks that a repair proposed for a
// parameter reached through a $ref into another operation's parameters
// list targets the list's entry by its index: pasted, it applies and
// leaves nothing blocking.
func TestRepairsThroughAnArrayReference(t *testing.T) {
	t.Parallel()
	spec := []byte(`openapi: 3.1.0
info: {title: t, version: "1"}
servers: [{url: "https://api.example.com/v2"}]
paths:
  /a/{id}:
    get:
      operationId: getA
      parameters:
        - {name: id, in: path, required: true, schema: {type: integer}, kind: integer}
      responses: {"200": {description: ok}}
    put:
      operationId: putA
      parameters:
        - $ref: "#/paths/~1a~1{id}/get/parameters/0"
      responses: {"200": {description: ok}}
`)
	pasteRepairs(t, spec)
}

// pasteRepairs lints spec, checks that every blocking finding of its rules
// carries a repair, pastes the repairs into an overlay, applies it with the one loader, checks that nothing blocking
// is left, and returns the repaired bundle.
func pasteRepairs(t *testing.T, spec []byte) []byte {
	t.Helper()
	var actions []Action
	for _, f := range lintSelf(t, spec) {
		if f.Level == Blocking && len(f.Fix) == 0 && f.Rule != "kin-openapi" {
			t.Errorf("a blocking finding without a repair: [%s] %s", f.Rule, f.Message)
		}
		if f.Level == Blocking {
			actions = append(actions, f.Fix...)
		}
	}
	if len(actions) == 0 {
		t.Fatal("no repair proposed: the test proves nothing")
	}
	res, err := specload.Effective(specload.Input{Bundle: spec, Repairs: pastedOverlay(t, actions)})
	if err != nil {
		t.Fatalf("the pasted repairs do not apply: %v\n%s", err, pastedOverlay(t, actions))
	}
	for _, f := range lintSelf(t, res.Repaired) {
		if f.Level == Blocking {
			t.Errorf("still blocking after the repairs: [%s] %s", f.Rule, f.Message)
		}
	}
	return res.Repaired
}

// checkRepairedSchemas lints a document of OpenAPI version whose
// components.schemas are schemas (indented YAML lines) and whose one
// operation answers root, pastes the repairs Lint proposes (nothing blocking
// may be left), and compares each schema named in want, written in YAML,
// with its repaired form.
func checkRepairedSchemas(t *testing.T, version, root, schemas string, want map[string]string) {
	t.Helper()
	spec := []byte("openapi: " + version + `
info: {title: t, version: "1"}
servers: [{url: "https://api.example.com/v2"}]
paths:
  /a:
    get:
      operationId: getA
      responses: {"200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/` + root + `"}}}}}
components:
  schemas:
` + schemas)
	var doc struct {
		Components struct{ Schemas map[string]map[string]any }
	}
	if err := yaml.Unmarshal(pasteRepairs(t, spec), &doc); err != nil {
		t.Fatal(err)
	}
	for name, text := range want {
		var w map[string]any
		if err := yaml.Unmarshal([]byte(text), &w); err != nil {
			t.Fatal(err)
		}
		if got := doc.Components.Schemas[name]; !reflect.DeepEqual(got, w) {
			t.Errorf("%s after its repair: %v, want %v", name, got, w)
		}
	}
}

// TestNullableIn31 lints a 3.1 document whose schemas carry nullable,
// pastes the repairs proposed, applies them with the one loader, and
// checks each schema's type: repaired when it is not JSON Schema's,
// nullable gone everywhere (its reason asks for a 'null' type, which the
// repair does not add), nothing blocking left.
func TestNullableIn31(t *testing.T) {
	t.Parallel()
	const schemas = `    Scalar: {type: string, nullable: true}
    List: {type: [integer, boolean], nullable: true}
    HasNull: {type: [string, "null"], nullable: true}
    Capital: {type: string, nullable: True}
    Off: {type: string, nullable: false}
    NoType: {allOf: [{$ref: "#/components/schemas/Scalar"}], nullable: true}
    Ref: {$ref: "#/components/schemas/Scalar", nullable: true}
    BadType: {nullable: true, type: Integer}
    BadTypeFirst: {type: Integer, nullable: true}
    Timestamp: {type: timestamp, nullable: true}
    BothWays: {type: "string | null", nullable: true}
    OnlyNull: {type: "null", nullable: true}
    BadItem: {type: [integer, Boolean, Integer]}
    BadItemNullable: {type: [integer, timestamp], nullable: true}
    TimestampList: {type: [timestamp, "null"]}
    Parts: {type: "string | integer", nullable: true}
    NullWord: {type: Null, nullable: true}
    ManyBad: {type: [Integer, Boolean, float, text]}
    ArrayOrNull: {type: "array | null"}
    RefType: {$ref: "#/components/schemas/Scalar", type: Integer, nullable: true}
    RefArray: {$ref: "#/components/schemas/Scalar", type: array}
    OwnFormat: {type: [timestamp, "null"], format: date}
    OwnItems: {type: [Integer, "array of string"], items: {type: integer}}
    Number: {type: 1}
    Boolean: {type: True}
`
	checkRepairedSchemas(t, "3.1.0", "Scalar", schemas, map[string]string{
		"Scalar": "{type: string}", "List": "{type: [integer, boolean]}", "HasNull": "{type: [string, 'null']}",
		"Capital": "{type: string}", "Off": "{type: string}",
		"NoType":  "{allOf: [{$ref: '#/components/schemas/Scalar'}]}",
		"Ref":     "{$ref: '#/components/schemas/Scalar'}",
		"BadType": "{type: integer}", "BadTypeFirst": "{type: integer}",
		"Timestamp": "{type: string, format: date-time}",
		"BothWays":  "{type: [string, 'null']}", "OnlyNull": "{type: 'null'}",
		"BadItem":         "{type: [integer, boolean]}",
		"BadItemNullable": "{type: [integer, string], format: date-time}",
		"TimestampList":   "{type: [string, 'null'], format: date-time}",
		"Parts":           "{type: [string, integer]}", "NullWord": "{type: 'null'}",
		"ManyBad":     "{type: [integer, boolean, number, string]}",
		"ArrayOrNull": "{type: [array, 'null'], items: {type: string}}",
		"RefType":     "{$ref: '#/components/schemas/Scalar', type: integer}",
		"RefArray":    "{$ref: '#/components/schemas/Scalar', type: array}",
		"OwnFormat":   "{type: [string, 'null'], format: date}",
		"OwnItems":    "{type: [integer, array], items: {type: integer}}",
		"Number":      "{type: string}", "Boolean": "{type: string}",
	})
}

// TestTypeListIn30 lints a 3.0 document whose type lists hold types that are
// not JSON Schema's, or only valid ones, pastes the repairs proposed, applies them with the one
// loader, and checks that each schema is left with one type (3.0 has no
// type lists): the first, with its own format, a null as nullable, nothing
// blocking left.
func TestTypeListIn30(t *testing.T) {
	t.Parallel()
	const schemas = `    Stamp: {type: [Integer, timestamp]}
    StampFirst: {type: [timestamp, Integer]}
    StringFirst: {type: [string, Integer]}
    Numbers: {type: [int, float]}
    OrNull: {type: [Integer, "null"]}
    NullFirst: {type: ["null", Boolean]}
    Either: {type: string or integer}
    Valid: {type: [integer, string]}
    ValidOrNull: {type: ["null", number]}
    One: {type: [boolean]}
`
	checkRepairedSchemas(t, "3.0.3", "Stamp", schemas, map[string]string{
		"Valid":       "{type: integer}",
		"ValidOrNull": "{type: number, nullable: true}",
		"One":         "{type: boolean}",
		"Stamp":       "{type: integer}",
		"StampFirst":  "{type: string, format: date-time}",
		"StringFirst": "{type: string}",
		"Numbers":     "{type: integer}",
		"OrNull":      "{type: integer, nullable: true}",
		"NullFirst":   "{type: boolean, nullable: true}",
		"Either":      "{type: string}",
	})
}

// TestFindingsByTarget lints small documents and compares the blocking
// findings, each as its rule and its repair's first target: names of
// components and webhooks are names, not keywords; only the keyword rule's
// removals cover kin-openapi's extra-field reports; an operation without an
// operationId claims no Go name; a parameter renamed for several operations
// is reported once; a type list, which kin-openapi blocks in 3.0, gets one
// repair there, which leaves one type (TestTypeListIn30).
func TestFindingsByTarget(t *testing.T) {
	t.Parallel()
	const head = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\nservers: [{url: 'https://a.example'}]\n"
	tests := []struct {
		name, spec string
		want       []string
	}{
		{
			name: "component and webhook names",
			spec: head + `paths:
  /v:
    get:
      operationId: getV
      parameters: [{$ref: '#/components/parameters/example'}]
      responses: {'200': {$ref: '#/components/responses/schema'}}
webhooks:
  examples:
    post:
      requestBody: {content: {application/json: {schema: {type: timestamp}}}}
      responses: {'200': {description: ok}}
components:
  parameters:
    example: {name: q, in: query, schema: {type: float}}
    x-limit: {name: l, in: query, schema: {type: int}}
  responses:
    schema: {description: ok, content: {application/json: {schema: {type: datetime}}}}
  headers:
    x-rate-limit: {schema: {type: int}}
`,
			want: []string{
				"type $.components.headers['x-rate-limit'].schema",
				"type $.components.parameters.example.schema",
				"type $.components.parameters['x-limit'].schema",
				"type $.components.responses.schema.content['application/json'].schema",
				"type $.webhooks.examples.post.requestBody.content['application/json'].schema",
			},
		},
		{
			name: "an enum repair and kin-openapi's extra enum",
			spec: head + `paths:
  /v:
    get:
      operationId: getV
      responses:
        '200':
          description: ok
          content: {application/json: {schema: {$ref: '#/components/schemas/V'}, enum: [a, b]}}
components:
  schemas:
    V: {type: object, properties: {day: {type: string, enum: ['a, b']}}}
`,
			want: []string{"enum $.components.schemas.V.properties.day.enum", "kin-openapi "},
		},
		{
			name: "an operation without operationId, one whose Go name is empty",
			spec: head + `paths:
  /a:
    get:
      responses: {'200': {description: ok}}
    put:
      operationId: '--'
      responses: {'200': {description: ok}}
`,
			want: []string{"operation-id $.paths['/a'].get"},
		},
		{
			name: "two operations with a blank operationId: each missing, neither another's",
			spec: head + `paths:
  /a:
    get:
      operationId: ''
      responses: {'200': {description: ok}}
    put:
      operationId: ' '
      responses: {'200': {description: ok}}
`,
			want: []string{"operation-id $.paths['/a'].get", "operation-id $.paths['/a'].put"},
		},
		{
			name: "a shared parameter against a component in each operation",
			spec: head + `paths:
  /a:
    parameters: [{name: order_by, in: query, schema: {type: string}}]
    get:
      operationId: getA
      parameters: [{$ref: '#/components/parameters/OrderDash'}]
      responses: {'200': {description: ok}}
    put:
      operationId: putA
      parameters: [{$ref: '#/components/parameters/OrderCamel'}]
      responses: {'200': {description: ok}}
components:
  parameters:
    OrderDash: {name: order-by, in: query, schema: {type: string}}
    OrderCamel: {name: orderBy, in: query, schema: {type: string}}
`,
			want: []string{"go-name $.paths['/a'].parameters[0]"},
		},
		{
			name: "a component parameter with a blank name, used nowhere",
			spec: head + `paths:
  /v:
    get:
      operationId: getV
      responses: {'200': {description: ok}}
components:
  parameters:
    Blank: {name: ' ', in: query, schema: {type: string}}
`,
			want: []string{"parameter $.components.parameters.Blank"},
		},
		{
			name: "a component parameter in: path, not required, used nowhere",
			spec: head + `paths:
  /v:
    get:
      operationId: getV
      responses: {'200': {description: ok}}
components:
  parameters:
    Id: {name: id, in: path, schema: {type: string}}
`,
			want: []string{"path-parameter $.components.parameters.Id"}, // kin-openapi's report is covered
		},
		{
			name: "an inline parameter in: path that the path lacks",
			spec: head + `paths:
  /v:
    get:
      operationId: getV
      parameters: [{name: q, in: path, required: true, schema: {type: string}}]
      responses: {'200': {description: ok}}
`,
			want: []string{"path-parameter $.paths['/v'].get.parameters[0]"},
		},
		{
			name: "a parameter without in claims no Go field",
			spec: head + `paths:
  /v:
    get:
      operationId: getV
      parameters: [{name: q, schema: {type: string}}, {name: Q, in: query, schema: {type: string}}]
      responses: {'200': {description: ok}}
`,
			want: []string{"kin-openapi "},
		},
		{
			name: "an operationId two operations have",
			spec: head + `paths:
  /a:
    get: {operationId: getA, responses: {'200': {description: ok}}}
  /b:
    get: {operationId: getA, responses: {'200': {description: ok}}}
`,
			want: []string{"operation-id $.paths['/b'].get"}, // kin-openapi's report is covered
		},
		{
			name: "a 3.0 type list",
			spec: strings.Replace(head, "3.1.0", "3.0.3", 1) + `paths:
  /v:
    get:
      operationId: getV
      responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/V'}}}}}
components:
  schemas:
    V: {type: [Integer, timestamp]}
`,
			want: []string{"type $.components.schemas.V.type"}, // kin-openapi's report of the list is covered
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var got []string
			for _, f := range lintSelf(t, []byte(tt.spec)) {
				target := ""
				if len(f.Fix) > 0 {
					target = f.Fix[0].Target
				}
				if f.Level == Blocking {
					got = append(got, f.Rule+" "+target)
				}
			}
			slices.Sort(got)
			if !slices.Equal(got, tt.want) {
				t.Errorf("blocking findings %q, want %q", got, tt.want)
			}
		})
	}
}

// TestKinOpenAPILineWithoutPointer checks that a line kin-openapi names
// without a JSON pointer (a value JSON cannot hold) is given in Partoo's
// file, not in the re-marshalled copy the loader repaired (here, upgraded
// from 3.0, which drops the blank line).
func TestKinOpenAPILineWithoutPointer(t *testing.T) {
	t.Parallel()
	bundle := []byte(`openapi: 3.0.3
info: {title: t, version: '1'}
servers: [{url: 'https://a.example'}]

paths:
  /v:
    get:
      operationId: getV
      responses: {'200': {description: ok, content: {application/json: {schema: {type: number, maximum: .inf}}}}}
`)
	res, err := specload.Effective(specload.Input{Bundle: bundle})
	if err != nil {
		t.Fatal(err)
	}
	want := slices.IndexFunc(strings.Split(string(bundle), "\n"), func(l string) bool { return strings.Contains(l, ".inf") }) + 1
	if strings.Contains(strings.Split(string(res.Repaired), "\n")[want-1], ".inf") {
		t.Fatal("the repaired copy keeps the bundle's lines: the test proves nothing")
	}
	lines := 0
	for _, f := range Lint(res.Tree, res.Repaired, seedOf(t, res.Repaired)) {
		for _, m := range regexp.MustCompile(`line (\d+)`).FindAllStringSubmatch(f.Message, -1) {
			if lines++; m[1] != strconv.Itoa(want) {
				t.Errorf("[%s] names line %s, want %d: %s", f.Rule, m[1], want, f.Message)
			}
		}
	}
	if lines == 0 {
		t.Error("no finding names a line")
	}
}

// TestOptionalPathParameterReportedOnce lints a path parameter that is not
// required and serves several operations, a component or the path item's:
// it is reported once, so that each pasted repair changes the document (the
// loader reports none as fixed by Partoo) and leaves nothing blocking.
func TestOptionalPathParameterReportedOnce(t *testing.T) {
	t.Parallel()
	const head = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\nservers: [{url: 'https://a.example'}]\npaths:\n  /a/{id}:\n"
	for name, spec := range map[string]string{
		"a component": head + `    get:
      operationId: getA
      parameters: [{$ref: '#/components/parameters/Id'}]
      responses: {'200': {description: ok}}
components:
  parameters:
    Id: {name: id, in: path, schema: {type: string}}
`,
		"the path item's": head + `    parameters: [{name: id, in: path, schema: {type: string}}]
    get:
      operationId: getA
      responses: {'200': {description: ok}}
    put:
      operationId: putA
      responses: {'200': {description: ok}}
`,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var actions []Action
			for _, f := range lintSelf(t, []byte(spec)) {
				if f.Level == Blocking {
					actions = append(actions, f.Fix...)
				}
			}
			res, err := specload.Effective(specload.Input{Bundle: []byte(spec), Repairs: pastedOverlay(t, actions)})
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range res.Repairs {
				if !o.Changed {
					t.Errorf("a repair reported twice: the second, %s (%q), changes nothing", o.Target, o.Reason)
				}
			}
			if len(res.Repairs) != 1 {
				t.Errorf("%d repairs, want 1", len(res.Repairs))
			}
			pasteRepairs(t, []byte(spec))
		})
	}
}

// TestRemovalsApplyInPrintedOrder lints an operation whose list holds three
// component path parameters that its path lacks (Partoo's /attributes/list
// has such a list): each repair removes its entry from the list and adds a
// query parameter in its place. Applied in the order the findings come,
// highest index first, no removal shifts another's entry: the operation
// ends with the three parameters in the query, and the path's own one.
func TestRemovalsApplyInPrintedOrder(t *testing.T) {
	t.Parallel()
	spec := []byte(`openapi: 3.1.0
info: {title: t, version: '1'}
servers: [{url: 'https://a.example'}]
paths:
  /list/{id}:
    get:
      operationId: getList
      parameters:
        - $ref: '#/components/parameters/a'
        - $ref: '#/components/parameters/b'
        - $ref: '#/components/parameters/c'
        - {name: id, in: path, required: true, schema: {type: string}}
      responses: {'200': {description: ok}}
components:
  parameters:
    a: {name: a, in: path, required: true, schema: {type: string}}
    b: {name: b, in: path, required: true, schema: {type: string}}
    c: {name: c, in: path, required: true, schema: {type: string}}
`)
	var doc struct {
		Paths map[string]map[string]struct{ Parameters []struct{ Name, In string } }
	}
	if err := yaml.Unmarshal(pasteRepairs(t, spec), &doc); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range doc.Paths["/list/{id}"]["get"].Parameters {
		got = append(got, p.In+" "+p.Name)
	}
	slices.Sort(got)
	if want := []string{"path id", "query a", "query b", "query c"}; !slices.Equal(got, want) {
		t.Errorf("the operation's parameters after the repairs: %q, want %q", got, want)
	}
}
