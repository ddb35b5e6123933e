package apispec

import (
	"strconv"
	"strings"
)

// Location is a place in a JSON document: the steps from its root. The
// empty Location is the document itself.
type Location []Step

// Step is one step of a [Location]: the property Name of an object, or,
// when Each is set, every element of an array.
type Step struct {
	Name string
	Each bool
}

// String returns the location as the documentation writes it, with [*]
// for every element: "items[*].custom_headers".
func (l Location) String() string { return l.At() }

// At returns the location of one value, with the indexes idx, in order, in
// place of the Each steps ("items[3].custom_headers"); a step without an
// index is written [*].
func (l Location) At(idx ...int) string {
	var b strings.Builder
	for _, s := range l {
		switch {
		case !s.Each:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(s.Name)
		case len(idx) > 0:
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(idx[0]))
			b.WriteByte(']')
			idx = idx[1:]
		default:
			b.WriteString("[*]")
		}
	}
	return b.String()
}

// Visit calls fn with every value found at l in doc, a decoded JSON value,
// and the location of that value ("items[0].custom_headers"). Parts of doc
// that are absent or of another JSON type are skipped.
func (l Location) Visit(doc any, fn func(where string, v any)) {
	visit(doc, l, "", fn)
}

func visit(doc any, steps Location, where string, fn func(string, any)) {
	if len(steps) == 0 {
		fn(where, doc)
		return
	}
	if steps[0].Each {
		arr, _ := doc.([]any)
		for i, el := range arr {
			visit(el, steps[1:], where+"["+strconv.Itoa(i)+"]", fn)
		}
		return
	}
	obj, _ := doc.(map[string]any)
	child, ok := obj[steps[0].Name]
	if !ok {
		return
	}
	visit(child, steps[1:], join(where, steps[0].Name), fn)
}
