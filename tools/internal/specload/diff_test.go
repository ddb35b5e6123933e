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
		{"type: object\nproperties: {id: {type: integer}}", "type: object\nproperties: {id: {type: integer}}", ""},
		{"properties: {id: {type: integer}}", "properties: {id: {type: integer}, secret: {type: string}}", ".properties.secret: only in the bundle"},
		{"properties: {id: {type: integer}, url: {type: string}}", "properties: {url: {type: string}}", ".properties.id: only in Partoo's"},
		{"properties: {id: {type: integer}}", "properties: {id: {type: string}}", `.properties.id.type: Partoo's is "integer", the bundle's "string"`},
		{"required: [id, url]", "required: [id]", ".required[1]: only in Partoo's"},
		{"security: [{key: []}]", "security: [{oauth: [read]}]", ".security[0].key: only in Partoo's"},
		// Lists are compared item by item: go-cmp's own search for the
		// fewest edits starts from a side it picks at random in each
		// process, and named [1] Partoo's or the bundle's by turns.
		{"required: [id, url, event_type]", "required: [id, event_type, custom_headers, url]", `.required[1]: Partoo's is "url", the bundle's "event_type"`},
		{"oneOf: [{type: string}, {type: integer}, {type: string}]", "oneOf: [{type: string}]", ".oneOf[1]: only in Partoo's"},
		{"responses: {200: {description: OK}}", "responses: {200: {description: Fine}}", `.responses.200.description: Partoo's is "OK", the bundle's "Fine"`},
		{"responses: {'200': {description: OK}}", "responses: {200: {description: OK}}", ".responses: Partoo's is an object of 1 keys, the bundle's an object of 1 keys"},
		{"maxLength: 128", "maxLength: 256", ".maxLength: Partoo's is 128, the bundle's 256"},
		{"items: {type: string}", "items: [a]", ".items: Partoo's is an object of 1 keys, the bundle's an array of 1 items"},
		{"description: " + strings.Repeat("a", 70) + "b", "description: " + strings.Repeat("a", 70) + "c",
			`.description: the texts differ from byte 70: Partoo's has …"aaaaaaaaaaaaaaaaaaaab", the bundle's …"aaaaaaaaaaaaaaaaaaaac"`},
	} {
		if got := FirstDiff(decode(tc.want), decode(tc.got)); got != tc.diff {
			t.Errorf("FirstDiff(%q, %q) = %q, want %q", tc.want, tc.got, got, tc.diff)
		}
	}
	if !strings.HasPrefix(VerbatimRule, "an assembled bundle may not change Partoo's verbatim elements; take Partoo's new file instead") {
		t.Errorf("VerbatimRule = %q", VerbatimRule)
	}
}
