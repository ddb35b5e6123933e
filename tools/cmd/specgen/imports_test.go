package main

import (
	"regexp"
	"strings"
	"testing"
)

// TestServicesImportTheirTypes: a type that a spec gives a method's
// signature (a date-time parameter, a nullable field of an inline answer,
// a uuid) gets its import, so that services.gen.go always builds.
func TestServicesImportTheirTypes(t *testing.T) {
	t.Parallel()
	views := []serviceView{{Name: "Venues", Tag: "Venues", Methods: []methodView{{
		Name: "Get", Args: "ctx context.Context, since time.Time, note nullable.Nullable[string], id openapi_types.UUID, opts ...CallOption",
		Build: "gen.NewGetVenueRequest(s.client.server, since, note, id)", Op: "&apispec.Operations[0]",
		Spec: &operation{ID: "getVenue", Method: "GET", Path: "/venues"}, Sentence: "gets a venue.", Result: "value", Type: "gen.Venue",
	}}}}
	src, err := renderViews(views)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"\t\"context\"\n\t\"time\"\n\n",
		"\n\n\t\"github.com/oapi-codegen/nullable\"\n\topenapi_types \"github.com/oapi-codegen/runtime/types\"\n\t\"github.com/partoo-go/partoo/gen\"\n"} {
		if !strings.Contains(string(src), want) {
			t.Errorf("the imports lack %q:\n%s", want, src)
		}
	}
	views[0].Methods[0].Args = "ctx context.Context, opts ...CallOption"
	if src, err = renderViews(views); err != nil || regexp.MustCompile(`"time"|nullable|openapi_types`).Match(src) {
		t.Errorf("a signature without those types imports them (%v):\n%s", err, src)
	}
	// A type the template does not import (x-go-type) gets no import guessed for it.
	views[0].Methods[0].Args = "ctx context.Context, id uuid.UUID, amount decimal.Decimal, opts ...CallOption"
	if src, err = renderViews(views); err != nil || regexp.MustCompile(`(?m)^\s+(\w+ )?"[^"]*(uuid|decimal)"$`).Match(src) {
		t.Errorf("a signature with types the template does not import adds an import (%v):\n%s", err, src)
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
