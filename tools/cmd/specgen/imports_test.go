package main

import (
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
