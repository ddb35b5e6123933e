package specload

import (
	"cmp"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	gocmp "github.com/google/go-cmp/cmp"
)

// VerbatimRule says what a bundle may do with Partoo's verbatim elements
// (the seed excerpt, and with SOURCE=partoo Partoo's whole bundle), for the
// messages that find one changed.
const VerbatimRule = "an assembled bundle may not change Partoo's verbatim elements; take Partoo's new file instead " +
	"(make update-spec SPEC=<Partoo's bundle> SOURCE=partoo, with SEED=<its new excerpt> when the seed's operation changed); " +
	"an x-partoo-go-source mark does not make the change allowed"

// FirstDiff returns where and how got (the bundle's element) first differs
// from want (Partoo's), as a path below the element and what differs
// there, such as `.properties.secret: only in the bundle`; or "" when they
// are equal. go-cmp compares them, keys in sorted order and list items by
// index (its own comparison of lists searches for the fewest edits, from a
// side it picks at random in each process), so the answer is stable.
// Values are decoded YAML (maps, slices, scalars).
func FirstDiff(want, got any) string {
	var r firstDiff
	gocmp.Equal(want, got, gocmp.Reporter(&r), byIndex)
	switch path, w, g := r.where, r.want, r.got; {
	case path == "":
		return ""
	case !w.IsValid():
		return path + ": only in the bundle"
	case !g.IsValid():
		return path + ": only in Partoo's"
	case w.Kind() == reflect.String && g.Kind() == reflect.String && max(w.Len(), g.Len()) > maxShown:
		// Long texts: show where they part.
		ws, gs := w.String(), g.String()
		i := 0
		for i < len(ws) && i < len(gs) && ws[i] == gs[i] {
			i++
		}
		return fmt.Sprintf("%s: the texts differ from byte %d: Partoo's has %s, the bundle's %s", path, i, excerpt(ws, i), excerpt(gs, i))
	default:
		return fmt.Sprintf("%s: Partoo's is %s, the bundle's %s", path, short(w.Interface()), short(g.Interface()))
	}
}

// firstDiff is a go-cmp reporter that keeps the first difference: where it
// is, and Partoo's and the bundle's values there (invalid when absent).
type firstDiff struct {
	path      gocmp.Path
	where     string
	want, got reflect.Value
}

func (r *firstDiff) PushStep(s gocmp.PathStep) { r.path = append(r.path, s) }

func (r *firstDiff) PopStep() { r.path = r.path[:len(r.path)-1] }

func (r *firstDiff) Report(res gocmp.Result) {
	if res.Equal() || r.where != "" {
		return
	}
	var where strings.Builder
	for i, s := range r.path {
		m, ok := s.(gocmp.MapIndex)
		switch _, item := r.path[max(i-1, 0)].(gocmp.Transform); {
		case !ok:
		case i > 0 && item: // a list's item (byIndex)
			fmt.Fprintf(&where, "[%v]", m.Key())
		default:
			fmt.Fprintf(&where, ".%v", m.Key())
		}
	}
	r.where = cmp.Or(where.String(), ".")
	r.want, r.got = r.path.Last().Values()
}

// byIndex has go-cmp compare lists item by item, as maps by index.
var byIndex = gocmp.Transformer("byIndex", func(list []any) map[int]any {
	m := make(map[int]any, len(list))
	for i, v := range list {
		m[i] = v
	}
	return m
})

// maxShown is the longest string a message quotes whole.
const maxShown = 60

// excerpt quotes s around byte i: a few bytes before it, more after.
func excerpt(s string, i int) string {
	from, to := max(i-20, 0), min(i+40, len(s))
	q := strconv.Quote(s[from:to])
	if from > 0 {
		q = "…" + q
	}
	if to < len(s) {
		q += "…"
	}
	return q
}

// short prints a value for a message: a scalar as Go would quote it, an
// object or array by its kind and size.
func short(v any) string {
	switch v := v.(type) {
	case map[string]any:
		return fmt.Sprintf("an object of %d keys", len(v))
	case map[any]any: // a mapping with a key that is not a string, such as 200
		return fmt.Sprintf("an object of %d keys", len(v))
	case []any:
		return fmt.Sprintf("an array of %d items", len(v))
	case string:
		if len(v) > maxShown {
			return strconv.Quote(v[:maxShown]) + "…"
		}
		return strconv.Quote(v)
	case nil:
		return "null"
	}
	return fmt.Sprint(v)
}
