// Package goname derives the Go names that the spec's names give, in one
// place: specgen names the generated helpers with it, and speclint finds
// the names that would collide and proposes the ones that would not.
package goname

import (
	"strings"
	"unicode"
)

// Words splits an identifier or a title into words: camelCase humps,
// digits runs, and anything between separators.
func Words(s string) []string {
	var out []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			out = append(out, string(cur))
			cur = cur[:0]
		}
	}
	rs := []rune(s)
	for i, r := range rs {
		switch {
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
			flush()
		case unicode.IsUpper(r) && len(cur) > 0 && (unicode.IsLower(cur[len(cur)-1]) || i+1 < len(rs) && unicode.IsLower(rs[i+1]) && unicode.IsUpper(cur[len(cur)-1])):
			flush()
			cur = append(cur, r)
		default:
			cur = append(cur, r)
		}
	}
	flush()
	return out
}

// initialisms are the words written in capitals in Go names.
var initialisms = map[string]string{
	"api": "API", "id": "ID", "ids": "IDs", "url": "URL", "urls": "URLs", "http": "HTTP", "https": "HTTPS",
	"json": "JSON", "ai": "AI", "uri": "URI", "uuid": "UUID", "ip": "IP", "sms": "SMS", "csv": "CSV",
}

// Join joins words into an exported Go name.
func Join(ws []string) string {
	var b strings.Builder
	for _, w := range ws {
		if v, ok := initialisms[strings.ToLower(w)]; ok {
			b.WriteString(v)
			continue
		}
		rs := []rune(w)
		b.WriteRune(unicode.ToUpper(rs[0]))
		b.WriteString(string(rs[1:]))
	}
	name := b.String()
	if name != "" && !unicode.IsLetter([]rune(name)[0]) {
		name = "Op" + name
	}
	return name
}

// Of is the exported Go name of an identifier: publisher_id gives
// PublisherID.
func Of(name string) string { return Join(Words(name)) }

// Key is what a name becomes in Go, for collisions: its letters and
// digits, in lower case. publisher_id, publisherId and Publisher-Id have
// one key, and so do closeVenueURL and closeVenueUrl, which the
// generators' casing makes one name.
func Key(name string) string {
	return strings.ToLower(strings.Join(strings.FieldsFunc(name, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }), ""))
}
