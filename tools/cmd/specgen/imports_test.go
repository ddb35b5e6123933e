package main

import (
	"regexp"
	"strings"
	"testing"
)

// TestAddImports: a type that a spec gives a method's signature (a
// date-time parameter, a nullable field of an inline answer, a uuid) gets
// its import, so that services.gen.go always builds.
func TestAddImports(t *testing.T) {
	t.Parallel()
	src := `package partoo

import (
	"context"

	"github.com/partoo-go/partoo/gen"
)

func f(ctx context.Context, since time.Time, note nullable.Nullable[string], id openapi_types.UUID) gen.Venue {
	return gen.Venue{}
}
`
	out, err := addImports([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	formatted, err := gofmt("services.gen.go", out)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"\t\"context\"\n\t\"time\"\n", "\t\"github.com/oapi-codegen/nullable\"\n\topenapi_types \"github.com/oapi-codegen/runtime/types\"\n\t\"github.com/partoo-go/partoo/gen\"\n"} {
		if !strings.Contains(string(formatted), want) {
			t.Errorf("the imports lack %q:\n%s", want, formatted)
		}
	}
	again, err := addImports(formatted)
	if err != nil || string(again) != string(formatted) {
		t.Errorf("a second pass changed the imports (%v)", err)
	}
}

// TestQualifyDropsFieldComments: an inline struct that oapi-codegen writes
// with a doc comment on a field qualifies its types, never its field
// names or its comments.
func TestQualifyDropsFieldComments(t *testing.T) {
	t.Parallel()
	in := "struct {\n    // ID Examples: 3d90efec\n    ID *string `json:\"id,omitempty\"`\n    Count *Count `json:\"count,omitempty\"`\n}"
	got := qualify(in)
	if strings.Contains(got, "gen.ID") || strings.Contains(got, "Examples") || !strings.Contains(got, "*gen.Count") || !regexp.MustCompile(`\bID\s+\*string`).MatchString(got) {
		t.Errorf("qualify =\n%s\nwant the field names and comments left alone and *gen.Count", got)
	}
	for in, want := range map[string]string{
		"*Venue":                   "*gen.Venue",
		"[]Venue":                  "[]gen.Venue",
		"map[string]Venue":         "map[string]gen.Venue",
		"nullable.Nullable[Venue]": "nullable.Nullable[gen.Venue]",
		"openapi_types.UUID":       "openapi_types.UUID",
		"time.Time":                "time.Time",
		"[]map[string]interface{}": "[]map[string]interface{}",
	} {
		if got := qualify(in); got != want {
			t.Errorf("qualify(%q) = %q, want %q", in, got, want)
		}
	}
}
