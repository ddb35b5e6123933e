package apispec

import (
	"encoding/json"
	"slices"
	"testing"
)

func TestLocation(t *testing.T) {
	t.Parallel()
	items := Location{{Name: "items"}, {Each: true}, {Name: "custom_headers"}}
	tests := []struct {
		loc  Location
		idx  []int
		want string
	}{
		{nil, nil, ""},
		{Location{{Name: "custom_headers"}}, nil, "custom_headers"},
		{items, nil, "items[*].custom_headers"},
		{items, []int{3}, "items[3].custom_headers"},
		{Location{{Each: true}, {Each: true}, {Name: "b"}}, []int{1}, "[1][*].b"},
	}
	for _, tt := range tests {
		if got := tt.loc.At(tt.idx...); got != tt.want {
			t.Errorf("%v.At(%v) = %q, want %q", tt.loc, tt.idx, got, tt.want)
		}
	}

	var doc any
	json.Unmarshal([]byte(`{"items":[{"custom_headers":{"X-A":"1"}},{"url":"u"},{"custom_headers":null},"x"],"other":1}`), &doc)
	var found []string
	items.Visit(doc, func(where string, v any) { found = append(found, where) })
	if want := []string{"items[0].custom_headers", "items[2].custom_headers"}; !slices.Equal(found, want) {
		t.Errorf("Visit found %q, want %q", found, want)
	}
	found = nil
	Location{}.Visit(doc, func(where string, v any) { found = append(found, where) })
	if len(found) != 1 || found[0] != "" {
		t.Errorf("the empty location visits %q, want the document itself", found)
	}
}
