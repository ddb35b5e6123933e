// Package pathtemplate matches request paths against OpenAPI path templates
// such as /webhooks/{webhook_id}. The client (to find a request's operation)
// and partootest (to route requests and faults) share it.
package pathtemplate

import "strings"

// Template is a parsed path template. Its zero value matches only the root
// path.
type Template struct {
	segments []string // "" marks a {parameter} segment
	literals int
}

// Parse parses a path template: each segment written {name} is a
// parameter matching any one non-empty segment; the others match literally.
func Parse(template string) Template {
	var t Template
	for _, seg := range Segments(template) {
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
			seg = ""
		} else {
			t.literals++
		}
		t.segments = append(t.segments, seg)
	}
	return t
}

// Segments splits a path into its segments, ignoring leading and trailing
// slashes.
func Segments(path string) []string {
	return strings.Split(strings.Trim(path, "/"), "/")
}

// Match reports whether the path segments segs (from [Segments]) match t.
func (t Template) Match(segs []string) bool {
	if len(t.segments) != len(segs) {
		return false
	}
	for i, s := range t.segments {
		if s == "" && segs[i] == "" || s != "" && s != segs[i] {
			return false
		}
	}
	return true
}

// Literals returns the number of literal segments. When several templates
// match a path, the one with the most literals is the most specific:
// /webhooks/tryout wins over /webhooks/{webhook_id}.
func (t Template) Literals() int { return t.literals }
