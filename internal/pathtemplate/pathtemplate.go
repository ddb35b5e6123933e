// Package pathtemplate matches request paths against OpenAPI path templates
// such as /webhooks/{webhook_id}. The client (to find a request's operation)
// and partootest (to route requests and faults) share it. Matching
// allocates nothing.
package pathtemplate

import "strings"

// Match reports whether path matches template, segment by segment: a
// template segment written {name} matches any one non-empty segment, the
// others match literally. The leading slash is optional; a trailing slash
// or an empty segment ("//") matches nothing but itself. It also
// returns the number of literal segments: when several templates match a
// path, the one with the most literals is the most specific
// (/webhooks/tryout wins over /webhooks/{webhook_id}).
func Match(template, path string) (literals int, ok bool) {
	t, p := strings.TrimPrefix(template, "/"), strings.TrimPrefix(path, "/")
	for {
		ts, trest, tmore := strings.Cut(t, "/")
		ps, prest, pmore := strings.Cut(p, "/")
		if isParam(ts) {
			if ps == "" {
				return 0, false
			}
		} else {
			if ts != ps {
				return 0, false
			}
			literals++
		}
		if tmore != pmore {
			return 0, false
		}
		if !tmore {
			return literals, true
		}
		t, p = trest, prest
	}
}

// Param returns the segment of path that stands at the parameter name of
// template (still escaped), and whether there is one. path must match
// template.
func Param(template, path, name string) (string, bool) {
	t, p := strings.TrimPrefix(template, "/"), strings.TrimPrefix(path, "/")
	for {
		ts, trest, tmore := strings.Cut(t, "/")
		ps, prest, pmore := strings.Cut(p, "/")
		if isParam(ts) && ts[1:len(ts)-1] == name {
			return ps, true
		}
		if !tmore || !pmore {
			return "", false
		}
		t, p = trest, prest
	}
}

func isParam(seg string) bool {
	return len(seg) >= 2 && seg[0] == '{' && seg[len(seg)-1] == '}'
}
