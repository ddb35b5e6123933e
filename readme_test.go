package partoo_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/partoo-go/partoo"
	"github.com/partoo-go/partoo/internal/apispec"
)

// maxREADMESize keeps the README a user guide; the rest goes in docs/.
const maxREADMESize = 12 * 1024

// fence is a fenced code block of the README.
type fence struct {
	lang string // the info string: go, sh, text...
	file string // the file it shows, from a <!-- file: path --> line above it
	text string
	line int
}

// readmeFences returns the README's text and its fenced code blocks.
func readmeFences(t *testing.T) (string, []fence) {
	t.Helper()
	raw, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(raw), "\n")
	var out []fence
	for i := 0; i < len(lines); i++ {
		lang, ok := strings.CutPrefix(lines[i], "```")
		if !ok {
			continue
		}
		f := fence{lang: lang, line: i + 1}
		if i > 0 {
			if m := regexp.MustCompile(`^<!-- file: (\S+) -->$`).FindStringSubmatch(lines[i-1]); m != nil {
				f.file = m[1]
			}
		}
		var body []string
		for i++; i < len(lines) && lines[i] != "```"; i++ {
			body = append(body, lines[i])
		}
		if i == len(lines) {
			t.Fatalf("README.md:%d: the code block is not closed", f.line)
		}
		f.text = strings.Join(body, "\n") + "\n"
		out = append(out, f)
	}
	return string(raw), out
}

// TestREADMEShowsFilesAsTheyAre checks that each block marked
// <!-- file: path --> is that file, byte for byte: the Quickstart is a
// program and a test that CI builds and runs.
func TestREADMEShowsFilesAsTheyAre(t *testing.T) {
	t.Parallel()
	_, fences := readmeFences(t)
	n := 0
	for _, f := range fences {
		if f.file == "" {
			continue
		}
		n++
		want, err := os.ReadFile(filepath.FromSlash(f.file))
		if err != nil {
			t.Errorf("README.md:%d: %v", f.line, err)
			continue
		}
		if f.text != string(want) {
			t.Errorf("README.md:%d: the block differs from %s; copy the file into the README", f.line, f.file)
		}
	}
	if n < 2 {
		t.Errorf("the README shows %d files, want the Quickstart program and its test", n)
	}
}

// TestREADMEGoBlocksCompile compiles every other Go block of the README,
// each as the body of a function of a program that imports this module.
func TestREADMEGoBlocksCompile(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a module with the go command")
	}
	t.Parallel()
	_, fences := readmeFences(t)
	var src bytes.Buffer
	src.WriteString(`package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"

	"github.com/partoo-go/partoo"
	"github.com/partoo-go/partoo/gen"
	"github.com/partoo-go/partoo/webhook"
)

var (
	_ = errors.Is
	_ = fmt.Println
	_ = log.Println
	_ = http.Handle
	_ = webhook.Verify
	_ gen.EventType
)

func main() {}
`)
	n := 0
	for _, f := range fences {
		if f.lang != "go" || f.file != "" {
			continue
		}
		n++
		fmt.Fprintf(&src, "\n// README.md:%d\nfunc block%d(ctx context.Context, client *partoo.Client, err error) error {\n%s\treturn nil\n}\n", f.line, f.line, f.text)
	}
	if n == 0 {
		t.Fatal("no Go block found besides the files")
	}
	// The blocks are built as a package of this module that exists only in
	// an overlay: no file is written in the repository, and the go command
	// needs no module that this one does not.
	root, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	mainGo := filepath.Join(dir, "main.go")
	if err := os.WriteFile(mainGo, src.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	overlay, err := json.Marshal(map[string]map[string]string{
		"Replace": {filepath.Join(root, "internal", "readmecheck", "main.go"): mainGo},
	})
	if err != nil {
		t.Fatal(err)
	}
	overlayFile := filepath.Join(dir, "overlay.json")
	if err := os.WriteFile(overlayFile, overlay, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "build", "-overlay", overlayFile, "-o", os.DevNull, "./internal/readmecheck")
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=readonly", "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("the README's Go blocks do not compile (line numbers are the blocks' in main.go; each function names its README line):\n%s\n%s", out, src.String())
	}
}

// TestREADMEFactsFollowTheCode checks the numbers and rules the README
// states against the code and the spec's tables, and its size and links.
func TestREADMEFactsFollowTheCode(t *testing.T) {
	t.Parallel()
	text, _ := readmeFences(t)
	if len(text) > maxREADMESize {
		t.Errorf("README.md is %d bytes, more than %d: move reference material to docs/", len(text), maxREADMESize)
	}
	for _, want := range []string{
		fmt.Sprintf("up to %d attempts", partoo.DefaultMaxAttempts),
		fmt.Sprintf("(default %d s)", int(partoo.DefaultTimeout.Seconds())),
		fmt.Sprintf("`partoo.Production` (`%s`)", partoo.Production),
		fmt.Sprintf("selects `%s`", partoo.Sandbox),
	} {
		if !strings.Contains(strings.Join(strings.Fields(text), " "), want) {
			t.Errorf("README.md does not say %q", want)
		}
	}

	// The custom-header rules table: go generate writes its values from
	// the spec (specgen -readme), so a stale table means the generated
	// code was not refreshed; a row a rule of the spec lacks, or a row the
	// spec does not back, is for a maintainer to write or remove.
	for _, p := range rulesTableProblems(readmeTable(t, text, rulesMarker), customHeaderRules(t, *schemaNamed(t, "CustomHeaders"))) {
		t.Error(p)
	}

	// The table of contents (tools/pipeline checks the links to files).
	anchors := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^## (.+)$`).FindAllStringSubmatch(text, -1) {
		anchors[strings.ReplaceAll(strings.ToLower(regexp.MustCompile(`[^\w\- ]`).ReplaceAllString(m[1], "")), " ", "-")] = true
	}
	for _, m := range regexp.MustCompile(`\]\(#([^)]+)\)`).FindAllStringSubmatch(text, -1) {
		if !anchors[m[1]] {
			t.Errorf("README.md links to #%s, which is no section", m[1])
		}
	}
	if len(anchors) < 8 {
		t.Errorf("README.md has %d sections", len(anchors))
	}
}

// TestREADMEListsEveryOption checks that the options table names every
// Option and CallOption of the package, and nothing else.
func TestREADMEListsEveryOption(t *testing.T) {
	t.Parallel()
	text, _ := readmeFences(t)
	_, table, ok := strings.Cut(text, "<!-- options -->\n")
	if !ok {
		t.Fatal("README.md has no <!-- options --> table")
	}
	table, _, _ = strings.Cut(table, "\n\n")
	listed := map[string]bool{}
	for _, m := range regexp.MustCompile("`(With\\w+|CaptureResponse)`").FindAllStringSubmatch(table, -1) {
		listed[m[1]] = true
	}
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	options := map[string]bool{}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, e.Name(), nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Recv != nil || !fn.Name.IsExported() || fn.Type.Results == nil || len(fn.Type.Results.List) != 1 {
				continue
			}
			if id, ok := fn.Type.Results.List[0].Type.(*ast.Ident); ok && (id.Name == "Option" || id.Name == "CallOption") {
				options[fn.Name.Name] = true
			}
		}
	}
	if len(options) < 10 {
		t.Fatalf("found %d options in the package", len(options))
	}
	for name := range options {
		if !listed[name] {
			t.Errorf("the README's options table lacks %s", name)
		}
	}
	for name := range listed {
		if !options[name] {
			t.Errorf("the README's options table lists %s, which is not an option of the package", name)
		}
	}
}

// rulesMarker opens the README's table of the CustomHeaders rules.
const rulesMarker = "<!-- rules: CustomHeaders -->"

// customHeaderRules returns every rule the CustomHeaders schema ch states,
// as the README's rules table writes it: by keyword path, with its value.
func customHeaderRules(t *testing.T, ch apispec.Schema) map[string]string {
	t.Helper()
	rules := map[string]string{}
	state := func(keyword string, v, none int) {
		if v != none {
			rules[keyword] = strconv.Itoa(v)
		}
	}
	state("maxProperties", ch.MaxProperties, apispec.Unset)
	state("minProperties", ch.MinProperties, 0)
	for keyword, i := range map[string]int{"propertyNames": ch.PropertyNames, "additionalProperties": ch.AdditionalProperties} {
		if i < 0 {
			continue
		}
		s := apispec.Schemas[i]
		state(keyword+".maxLength", s.MaxLength, apispec.Unset)
		state(keyword+".minLength", s.MinLength, 0)
		if s.Pattern != apispec.NoSchema {
			rules[keyword+".pattern"] = "`" + apispec.Patterns[s.Pattern].Source + "`"
		}
	}
	if len(rules) == 0 {
		t.Fatal("the spec's CustomHeaders states no rule")
	}
	return rules
}

// rulesTableProblems compares the rows of the rules table with the rules
// of the spec: a rule without a row, a row without a rule, a stale value.
func rulesTableProblems(rows, rules map[string]string) []string {
	var problems []string
	for keyword, value := range rules {
		if got, ok := rows[keyword]; !ok {
			problems = append(problems, fmt.Sprintf("the spec's CustomHeaders states %s (%s): the README's rules table needs a row for it", keyword, value))
		} else if got != value {
			problems = append(problems, fmt.Sprintf("the rules table says %s is %s; the spec says %s (go generate ./... rewrites the values)", keyword, got, value))
		}
	}
	for keyword := range rows {
		if _, ok := rules[keyword]; !ok {
			problems = append(problems, fmt.Sprintf("the rules table has a row for %s, which the spec's CustomHeaders does not state: remove it", keyword))
		}
	}
	slices.Sort(problems)
	return problems
}

// TestRulesTableCheckCatchesRows: the rules table check of
// TestREADMEFactsFollowTheCode reports a rule of the spec without a row,
// whether the row went or the spec gained the rule, and a row the spec
// does not back.
func TestRulesTableCheckCatchesRows(t *testing.T) {
	t.Parallel()
	text, _ := readmeFences(t)
	ch := *schemaNamed(t, "CustomHeaders")
	rules := customHeaderRules(t, ch)
	// Each mutation holds whatever the spec states today.
	removed := slices.Sorted(maps.Keys(rules))[0]
	const unstated = "uniqueItems" // never a rule of the table
	flipped := ch
	flipped.MinProperties = 1
	if ch.MinProperties != 0 {
		flipped.MinProperties = 0
	}
	header := rulesMarker + "\n| Rule (keyword of the spec) | Value |\n|---|---|\n"
	for name, tc := range map[string]struct {
		text    string
		rules   map[string]string
		keyword string // the one the problem names
	}{
		"a row removed": {
			regexp.MustCompile("(?m)^\\|[^\n]*`"+regexp.QuoteMeta(removed)+"`[^\n]*\n").ReplaceAllString(text, ""),
			rules, removed,
		},
		"a row added":                {strings.Replace(text, header, header+"| a rule (`"+unstated+"`) | 1 |\n", 1), rules, unstated},
		"a rule of the spec changed": {text, customHeaderRules(t, flipped), "minProperties"},
	} {
		if tc.text == text && reflect.DeepEqual(tc.rules, rules) {
			t.Fatalf("%s: the mutation changed nothing", name)
		}
		if got := rulesTableProblems(readmeTable(t, tc.text, rulesMarker), tc.rules); len(got) != 1 || !strings.Contains(got[0], tc.keyword) {
			t.Errorf("%s: the check reports %q, want one problem, about %s", name, got, tc.keyword)
		}
	}
}

// readmeTable returns the rows of the table after marker, keyed by the
// first code span of the first cell, with the second cell as value.
func readmeTable(t *testing.T, text, marker string) map[string]string {
	t.Helper()
	_, after, ok := strings.Cut(text, marker+"\n")
	if !ok {
		t.Fatalf("README.md has no %s", marker)
	}
	rows := map[string]string{}
	for i, line := range strings.Split(after, "\n") {
		if !strings.HasPrefix(line, "|") {
			break
		}
		if i < 2 { // header and separator
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), " | ")
		if len(cells) != 2 {
			t.Fatalf("table row %q: want 2 cells", line)
		}
		key := regexp.MustCompile("`([^`]+)`").FindStringSubmatch(cells[0])
		if key == nil {
			t.Fatalf("table row %q: no keyword in the first cell", line)
		}
		rows[key[1]] = strings.TrimSpace(cells[1])
	}
	return rows
}

func schemaNamed(t *testing.T, name string) *apispec.Schema {
	t.Helper()
	for i := range apispec.Schemas {
		if apispec.Schemas[i].Name == name {
			return &apispec.Schemas[i]
		}
	}
	t.Fatalf("the spec has no schema %s", name)
	return nil
}

// TestGenDocNamesDeclaredIdentifiers checks that the doc links of gen's
// hand-written package doc name identifiers the generated code declares: a
// new spec that renames them must update doc.go.
func TestGenDocNamesDeclaredIdentifiers(t *testing.T) {
	t.Parallel()
	entries, err := os.ReadDir("gen")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	declared := map[string]bool{}
	var doc string
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join("gen", e.Name()), nil, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		if e.Name() == "doc.go" {
			doc = f.Doc.Text()
		}
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil {
					declared[d.Name.Name] = true
				}
			case *ast.GenDecl:
				for _, s := range d.Specs {
					switch s := s.(type) {
					case *ast.TypeSpec:
						declared[s.Name.Name] = true
					case *ast.ValueSpec:
						for _, n := range s.Names {
							declared[n.Name] = true
						}
					}
				}
			}
		}
	}
	// The doc speaks of nullable.Nullable only when a field uses it.
	gen, err := os.ReadFile(filepath.Join("gen", "partoo.gen.go"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(doc, "nullable.Nullable") && !bytes.Contains(gen, []byte("nullable.Nullable")) {
		t.Error("gen/doc.go mentions nullable.Nullable, which no generated field uses")
	}
	if strings.Contains(doc, "provides primitives") || strings.Contains(doc, "Code generated") {
		t.Errorf("package gen's doc has oapi-codegen's header:\n%s", doc)
	}
	links := regexp.MustCompile(`\[(\w+)\]`).FindAllStringSubmatch(doc, -1)
	if len(links) < 5 {
		t.Fatalf("gen/doc.go has %d doc links", len(links))
	}
	for _, m := range links {
		if !declared[m[1]] {
			t.Errorf("gen/doc.go links to [%s], which package gen does not declare", m[1])
		}
	}
}
