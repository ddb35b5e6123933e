package main

import (
	"regexp"
	"strings"
	"testing"

	"github.com/partoo-go/partoo/internal/apispec"
)

func TestFirstSentence(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ in, want string }{
		{"Manage the webhooks of an organisation. Each one sends events.", "Manage the webhooks of an organisation."},
		{"  Manage webhooks  ", "Manage webhooks."},
		{"Manage webhooks.", "Manage webhooks."},
		{"Version 2.1 of the reviews", "Version 2.1 of the reviews."},
		{"Reviews,\nreplies. And more.", "Reviews,\nreplies."},
	} {
		if got := firstSentence(tt.in); got != tt.want {
			t.Errorf("firstSentence(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestGoString: a string with a backslash or a quote is written raw, unless
// a raw string cannot hold it exactly and readably.
func TestGoString(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ in, want string }{
		{"plain", `"plain"`},
		{`^\d+$`, "`^\\d+$`"},
		{`say "hi"`, "`say \"hi\"`"},
		{"a `tick` and \"quotes\"", `"a ` + "`tick`" + ` and \"quotes\""`},
		{"two\nlines\\", `"two\nlines\\"`},
		{"a bell\a\\", `"a bell\a\\"`},
	} {
		if got := goString(tt.in); got != tt.want {
			t.Errorf("goString(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

// TestExecuteShowsTheBrokenSource checks that a template writing Go that
// does not parse fails with the source, each line numbered, so that the
// line of gofmt's error can be found.
func TestExecuteShowsTheBrokenSource(t *testing.T) {
	t.Parallel()
	src, err := execute("broken.go", "package x\n\nfunc {{.}} {\n", nil, "f(")
	if err == nil {
		t.Fatalf("execute returned no error, and %q", src)
	}
	for _, line := range []string{"    1 package x", "    3 func f( {"} {
		if !strings.Contains(err.Error(), line) {
			t.Errorf("the error does not show the line %q:\n%v", line, err)
		}
	}
	if src, err := execute("good.go", "package x\n\nfunc {{.}}() {}\n", nil, "f"); err != nil || !strings.Contains(string(src), "func f() {}") {
		t.Errorf("execute on valid Go = %q, %v", src, err)
	}
}

// TestCustomHeaderWalkers renders the check of a body's custom headers: a
// walker of its Go values down loops and nil checks when the Go types lead to
// a map at every location, else the check of its JSON. Not in parallel:
// oapi-codegen's codegen package keeps its options in package state.
func TestCustomHeaderWalkers(t *testing.T) {
	ref := map[string]any{"$ref": "#/components/schemas/CustomHeaders"}
	payload := func(t *testing.T, doc map[string]any) map[string]any {
		return obj(t, doc, "components", "schemas", "UpdateWebhookPayload", "properties")
	}
	specs := map[string]func(t *testing.T, doc map[string]any){ // each rendered once: codegen is slow
		"seed": func(*testing.T, map[string]any) {},
		"arrays": func(t *testing.T, doc map[string]any) {
			payload(t, doc)["history"] = map[string]any{"type": "array", "items": ref}
			payload(t, doc)["deep"] = map[string]any{"type": "object", "properties": map[string]any{"rows": map[string]any{
				"type": "array", "items": map[string]any{"type": "array", "items": map[string]any{"type": "object", "properties": map[string]any{"h": ref}}},
			}}}
		},
		"nullable": func(t *testing.T, doc map[string]any) {
			payload(t, doc)["custom_headers"] = map[string]any{"anyOf": []any{ref, map[string]any{"type": "null"}}}
		},
		"union": func(t *testing.T, doc map[string]any) {
			payload(t, doc)["history"] = map[string]any{"oneOf": []any{
				map[string]any{"type": "object", "properties": map[string]any{"headers": ref}},
				map[string]any{"type": "string"},
			}}
		},
	}
	tests := []struct {
		name, spec string
		op         string // the method of the check
		want       string
	}{
		{"an array's elements, each a pointer", "seed", "Create",
			"func() error {\n\t\thc := s.client.headerCheck()\n\t\tfor i0 := range body.Items {\n\t\t\tif p3 := (body.Items)[i0].CustomHeaders; p3 != nil {\n" +
				"\t\t\t\thc.at(apispec.Operations[apispec.OpWebhook].CustomHeadersAt[0], *p3, i0)\n\t\t\t}\n\t\t}\n" +
				"\t\treturn hc.err(&apispec.Operations[apispec.OpWebhook], req)\n\t}"},
		{"a pointer", "seed", "Update",
			"func() error {\n\t\thc := s.client.headerCheck()\n\t\tif p2 := body.CustomHeaders; p2 != nil {\n" +
				"\t\t\thc.at(apispec.Operations[apispec.OpUpdateWebhook].CustomHeadersAt[0], *p2)\n\t\t}\n" +
				"\t\treturn hc.err(&apispec.Operations[apispec.OpUpdateWebhook], req)\n\t}"},
		{"no custom headers", "seed", "Get", "req, err, goTypesOnly, &out, opts)"},
		{"a field of an optional object, an array of arrays", "arrays", "Update",
			"\t\tif p2 := body.Deep; p2 != nil {\n\t\t\tfor i0 := range p2.Rows {\n\t\t\t\tfor i1 := range (p2.Rows)[i0] {\n" +
				"\t\t\t\t\tif p5 := ((p2.Rows)[i0])[i1].H; p5 != nil {\n" +
				"\t\t\t\t\t\thc.at(apispec.Operations[apispec.OpUpdateWebhook].CustomHeadersAt[1], *p5, i0, i1)\n"},
		{"a third location, the elements of an array of maps", "arrays", "Update",
			"\t\tfor i0 := range body.History {\n\t\t\thc.at(apispec.Operations[apispec.OpUpdateWebhook].CustomHeadersAt[2], (body.History)[i0], i0)\n\t\t}\n" +
				"\t\treturn hc.err("},
		{"a nullable: the JSON", "nullable", "Update", "func() error { return s.client.checkBodyJSON(&apispec.Operations[apispec.OpUpdateWebhook], req) }"},
		{"a union on the way: the JSON", "union", "Update", "func() error { return s.client.checkBodyJSON(&apispec.Operations[apispec.OpUpdateWebhook], req) }"},
	}
	names, err := loadNames(namesPath)
	if err != nil {
		t.Fatal(err)
	}
	srcs := map[string]string{}
	for name, mutate := range specs {
		spec := mutateSpec(t, specPath, func(doc map[string]any) { mutate(t, doc) })
		src, err := renderServices(buildModel(t, spec, names), oapiConfig)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		srcs[name] = string(src)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, method, _ := strings.Cut(srcs[tt.spec], "func (s *WebhooksService) "+tt.op+"(")
			method, _, _ = strings.Cut(method, "\n}\n")
			if !strings.Contains(method, tt.want) {
				t.Errorf("WebhooksService.%s lacks\n%s\nin\n%s", tt.op, tt.want, method)
			}
		})
	}
}

// locationText writes loc as apispec.Location, the owner of the format, does.
func locationText(loc location) string {
	steps := make(apispec.Location, len(loc))
	for i, s := range loc {
		steps[i] = apispec.Step{Name: s.Name, Each: s.Each}
	}
	return steps.String()
}

// TestVerbsConjugateRegularly: inflect spells each verb's third person by
// the regular rules: a consonant's y becomes ies, a sibilant or o takes es.
func TestVerbsConjugateRegularly(t *testing.T) {
	t.Parallel()
	consonantY := regexp.MustCompile(`([^aeiou])y$`)
	sibilant := regexp.MustCompile(`(s|x|ch|sh|o)$`)
	for _, v := range verbs {
		want := consonantY.ReplaceAllString(v, "${1}ie")
		if sibilant.MatchString(want) {
			want += "e"
		}
		if got := inflect.Plural(v); got != want+"s" {
			t.Errorf("the third person of %q is %q, want %q", v, got, want+"s")
		}
	}
}
