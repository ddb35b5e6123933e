package specload

import (
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

func TestFirstDiff(t *testing.T) {
	t.Parallel()
	decode := func(s string) any {
		var v any
		if err := yaml.Unmarshal([]byte(s), &v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, tc := range []struct{ want, got, diff string }{
		{"type: object\nproperties: {id: {type: integer}}", "properties: {id: {type: integer}}\ntype: object", ""},
		{"properties: {id: {type: integer}}", "properties: {id: {type: integer}, secret: {type: string}}", `line 4 of the element as YAML: Partoo's (past the end), the bundle's "secret:"`},
		{"properties: {id: {type: integer}, url: {type: string}}", "properties: {url: {type: string}}", `line 2 of the element as YAML: Partoo's "id:", the bundle's "url:"`},
		{"properties: {id: {type: integer}}", "properties: {id: {type: string}}", `line 3 of the element as YAML: Partoo's "type: integer", the bundle's "type: string"`},
		{"required: [id, url]", "required: [id]", `line 3 of the element as YAML: Partoo's "- url", the bundle's (past the end)`},
		// Lists are compared item by item.
		{"required: [id, url, event_type]", "required: [id, event_type, url]", `line 3 of the element as YAML: Partoo's "- url", the bundle's "- event_type"`},
		{"responses: {'200': {description: OK}}", "responses: {200: {description: OK}}", `line 2 of the element as YAML: Partoo's "\"200\":", the bundle's "200:"`},
		{"maxLength: 128", "maxLength: 256", `line 1 of the element as YAML: Partoo's "maxLength: 128", the bundle's "maxLength: 256"`},
		{"description: |\n  one\n  two\n", "description: |\n  one\n  three\n", `line 3 of the element as YAML: Partoo's "two", the bundle's "three"`},
		// Unequal though one side's text starts the other's, or equal text.
		{`d: "a\n\nb"`, `d: "a\n\nb\n\nc"`, `line 5 of the element as YAML: Partoo's (past the end), the bundle's ""`},
		{"maxLength: 128", "maxLength: 128.0", "the same text as YAML, but a value of another type (such as 128 and 128.0)"},
	} {
		if got := FirstDiff(decode(tc.want), decode(tc.got)); got != tc.diff {
			t.Errorf("FirstDiff(%q, %q) = %q, want %q", tc.want, tc.got, got, tc.diff)
		}
	}
	if !strings.HasPrefix(VerbatimRule, "an assembled bundle may not change Partoo's verbatim elements; take Partoo's new file instead") {
		t.Errorf("VerbatimRule = %q", VerbatimRule)
	}
}
