package specload

import (
	"slices"
	"testing"

	"gopkg.in/yaml.v3"
)

// TestPairs checks that Pairs yields a mapping's keys and values in order,
// nothing for what is not a mapping, and stops when the loop breaks.
func TestPairs(t *testing.T) {
	t.Parallel()
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte("map: {a: 1, b: 2, c: 3}\nlist: [a, b]\nscalar: a\n"), &doc); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		n    *yaml.Node
		stop string // the key after which the loop breaks
		want []string
	}{
		{"mapping", MapValue(doc.Content[0], "map"), "", []string{"a=1", "b=2", "c=3"}},
		{"break", MapValue(doc.Content[0], "map"), "b", []string{"a=1", "b=2"}},
		{"sequence", MapValue(doc.Content[0], "list"), "", nil},
		{"scalar", MapValue(doc.Content[0], "scalar"), "", nil},
		{"nil", nil, "", nil},
		{"document", &doc, "", nil},
	} {
		var got []string
		for k, v := range Pairs(tc.n) {
			got = append(got, k.Value+"="+v.Value)
			if k.Value == tc.stop {
				break
			}
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
}
