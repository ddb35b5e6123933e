package main

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/partoo-go/partoo/partootest"
)

// itemError locates AddResource's refusal of an item (its FieldErrors,
// "items[1].url", "items[0]" for the whole item) in the seed file, and
// keeps the messages about the whole item apart from those about its
// fields, even a field named "item".
func TestSeedItemError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		content   string
		refusal   partootest.FieldErrors
		line, col int
		field     string
		whole     int      // how many messages are about the whole item
		fields    []string // the fields of the item refused
	}{
		{"the whole item", `{"webhooks": [{"url": "a"}, 1]}`, partootest.FieldErrors{"items[1]": {"Must be a JSON object."}},
			1, 29, `["webhooks"][1]`, 1, nil},
		{"a field", `[{"url": "a"}, {"url": "b"}]`, partootest.FieldErrors{"items[1].url": {"Not a URL."}},
			1, 24, `[1]`, 0, []string{"url"}},
		{"a field named item", "[{\"url\": \"a\",\n \"item\": 5}]", partootest.FieldErrors{"items[0].item": {"Not a string."}},
			2, 10, `[0]`, 0, []string{"item"}},
		{"the whole item and a field", `[{"colour": "red", "item": 5}]`,
			partootest.FieldErrors{"items[0]": {"Too few properties."}, "items[0].colour": {"Unknown field."}, "items[0].item": {"Not a string."}},
			1, 2, `[0]`, 1, []string{"colour", "item"}},
		{"an item the set does not have", `[{"url": "a"}, {"url": "b"}]`, partootest.FieldErrors{"items[10].url": {"Not a URL."}},
			1, 1, "", 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sd, err := readSeed(writeFile(t, "seed.json", tt.content))
			if err != nil {
				t.Fatal(err)
			}
			err = sd.itemError(sd.sets[0], fmt.Errorf("AddResource: %w", tt.refusal))
			var se *seedError
			if !errors.As(err, &se) {
				t.Fatalf("err = %v (%T), want a *seedError", err, err)
			}
			if se.Line != tt.line || se.Column != tt.col || se.Field != tt.field {
				t.Errorf("at %d:%d field %q, want %d:%d field %q (%v)", se.Line, se.Column, se.Field, tt.line, tt.col, tt.field, err)
			}
			var item itemErrors
			if tt.whole+len(tt.fields) == 0 {
				if errors.As(err, &item) {
					t.Errorf("err = %v, want the refusal of no item of the set", err)
				}
				return
			}
			if !errors.As(err, &item) || len(item.whole) != tt.whole || !slices.Equal(slices.Sorted(maps.Keys(item.fields)), tt.fields) {
				t.Errorf("err = %#v, want %d messages about the whole item and the fields %v", item, tt.whole, tt.fields)
			}
		})
	}
}
