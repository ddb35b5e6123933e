package provenance

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
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
// are equal. Keys are visited in sorted order, so the answer is stable.
// Values are decoded YAML (maps, slices, scalars).
func FirstDiff(want, got any) string {
	return firstDiff("", want, got)
}

func firstDiff(path string, want, got any) string {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			break
		}
		keys := make([]string, 0, len(w)+len(g))
		for k := range w {
			keys = append(keys, k)
		}
		for k := range g {
			if _, ok := w[k]; !ok {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		for _, k := range keys {
			wv, inW := w[k]
			gv, inG := g[k]
			switch {
			case !inW:
				return path + "." + k + ": only in the bundle"
			case !inG:
				return path + "." + k + ": only in Partoo's"
			}
			if d := firstDiff(path+"."+k, wv, gv); d != "" {
				return d
			}
		}
		return ""
	case []any:
		g, ok := got.([]any)
		if !ok {
			break
		}
		for i := range min(len(w), len(g)) {
			if d := firstDiff(path+"["+strconv.Itoa(i)+"]", w[i], g[i]); d != "" {
				return d
			}
		}
		if len(w) != len(g) {
			return fmt.Sprintf("%s: %d items in Partoo's, %d in the bundle", path, len(w), len(g))
		}
		return ""
	}
	if reflect.DeepEqual(want, got) {
		return ""
	}
	if path == "" {
		path = "."
	}
	if w, ok := want.(string); ok {
		if g, ok := got.(string); ok && (len(w) > maxShown || len(g) > maxShown) {
			// Long texts: show where they part.
			i := 0
			for i < len(w) && i < len(g) && w[i] == g[i] {
				i++
			}
			return fmt.Sprintf("%s: the texts differ from byte %d: Partoo's has %s, the bundle's %s", path, i, excerpt(w, i), excerpt(g, i))
		}
	}
	return fmt.Sprintf("%s: Partoo's is %s, the bundle's %s", path, short(want), short(got))
}

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
