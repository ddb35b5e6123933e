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

// Normalize returns an escaped path in the normal form of RFC 3986,
// section 6.2.2: the percent-encoded unreserved characters (letters,
// digits, "-", ".", "_", "~") decoded (%77ebhooks is webhooks) and the
// other escapes in upper case, so that a path matches its template however
// it is spelled. It also reports whether the path has an encoded slash
// (%2F), which makes one segment of what reads as two, and whether it has
// an empty segment ("//"): neither has a normal form that names an
// operation.
func Normalize(escaped string) (norm string, encodedSlash, emptySegment bool) {
	emptySegment = strings.Contains(escaped, "//")
	if !strings.Contains(escaped, "%") {
		return escaped, false, emptySegment
	}
	var b strings.Builder
	b.Grow(len(escaped))
	for i := 0; i < len(escaped); i++ {
		c := escaped[i]
		if c != '%' || i+2 >= len(escaped) || !isHex(escaped[i+1]) || !isHex(escaped[i+2]) {
			b.WriteByte(c)
			continue
		}
		v := unhex(escaped[i+1])<<4 | unhex(escaped[i+2])
		switch {
		case v == '/':
			encodedSlash = true
			b.WriteString("%2F")
		case isUnreserved(v):
			b.WriteByte(v)
		default:
			b.WriteByte('%')
			b.WriteByte(upperHex[v>>4])
			b.WriteByte(upperHex[v&0xf])
		}
		i += 2
	}
	return b.String(), encodedSlash, emptySegment
}

const upperHex = "0123456789ABCDEF"

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

// isUnreserved reports whether c is an unreserved character of RFC 3986.
func isUnreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~'
}
