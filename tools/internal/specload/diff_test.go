package specload

import (
	"fmt"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// TestVerbatimDiff checks that the difference names the key that differs
// and gives Partoo's value on a line marked "-" and the bundle's on one
// marked "+" (go-cmp's documented prefixes); the rest of go-cmp's layout
// is not relied on.
func TestVerbatimDiff(t *testing.T) {
	t.Parallel()
	decode := func(s string) any {
		var v any
		if err := yaml.Unmarshal([]byte(s), &v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, tc := range []struct {
		name, want, got string
		key             string // "" when the two are equal
		partoos, bundle string // on a "-" and a "+" line, when set
	}{
		{name: "equal", want: "type: object\nproperties: {id: {type: integer}}", got: "type: object\nproperties: {id: {type: integer}}"},
		{name: "only in the bundle", want: "properties: {id: {type: integer}}", got: "properties: {id: {type: integer}, secret: {type: boolean}}", key: "secret", bundle: "secret"},
		{name: "only in Partoo's", want: "properties: {legacy_id: {type: integer}, url: {type: string}}", got: "properties: {url: {type: string}}", key: "legacy_id", partoos: "legacy_id"},
		{name: "nested value", want: "properties: {id: {format: int32}}", got: "properties: {id: {format: int64}}", key: "format", partoos: "int32", bundle: "int64"},
		{name: "list item", want: "required: [id, webhook_url]", got: "required: [id]", key: "required", partoos: "webhook_url"},
		{name: "number", want: "maxLength: 128", got: "maxLength: 256", key: "maxLength", partoos: "128", bundle: "256"},
		{name: "object or list", want: "items: {type: boolean}", got: "items: [sole]", key: "items", partoos: "boolean", bundle: "sole"},
		{name: "top-level scalar", want: "3.1.0", got: "3.0.3", partoos: "3.1.0", bundle: "3.0.3"},
		{name: "long text", want: "description: " + strings.Repeat("a", 70) + "b", got: "description: " + strings.Repeat("a", 70) + "c", key: "description"},
	} {
		d := VerbatimDiff(decode(tc.want), decode(tc.got))
		equal := tc.key == "" && tc.partoos == ""
		if equal != (d == "") {
			t.Errorf("%s: VerbatimDiff = %q", tc.name, d)
			continue
		}
		if !strings.Contains(d, tc.key) || !marked(d, "-", tc.partoos) || !marked(d, "+", tc.bundle) || strings.Contains(d, "\u00a0") {
			t.Errorf("%s: VerbatimDiff does not give key %q, Partoo's %q (-) and the bundle's %q (+) in plain spaces:\n%s", tc.name, tc.key, tc.partoos, tc.bundle, d)
		}
	}
}

// marked reports whether a line of d starting with mark holds s (always
// when s is "").
func marked(d, mark, s string) bool {
	for _, l := range strings.Split(d, "\n") {
		if strings.HasPrefix(l, mark) && strings.Contains(l, s) {
			return true
		}
	}
	return s == ""
}

// TestVerbatimDiffCut checks that a long difference is cut to a screen and
// says how much was left out.
func TestVerbatimDiffCut(t *testing.T) {
	t.Parallel()
	want, got := map[string]any{}, map[string]any{}
	for i := range 40 {
		want[fmt.Sprintf("key%02d", i)], got[fmt.Sprintf("key%02d", i)] = i, -i-1
	}
	lines := strings.Split(VerbatimDiff(want, got), "\n")
	if len(lines) != maxDiffLines+2 || !strings.HasSuffix(lines[len(lines)-1], "more lines") || !strings.Contains(strings.Join(lines, "\n"), "key00") {
		t.Errorf("VerbatimDiff of 40 differing keys: %d lines, want the legend, %d lines of go-cmp's report and how many more:\n%s", len(lines), maxDiffLines, strings.Join(lines, "\n"))
	}
}
