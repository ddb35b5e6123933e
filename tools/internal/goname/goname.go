// Package goname derives the Go names that the spec's names give, in one
// place: specgen names the generated helpers with it, and speclint finds
// the names that would collide and proposes the ones that would not.
package goname

import (
	"cmp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Words splits an identifier or a title into words: camelCase humps
// (HTTPServer gives HTTP and Server), and anything between separators.
func Words(s string) []string {
	rs := []rune(s)
	var b strings.Builder
	for i, r := range rs {
		if i > 0 && unicode.IsUpper(r) && (unicode.IsLower(rs[i-1]) || i+1 < len(rs) && unicode.IsLower(rs[i+1]) && unicode.IsUpper(rs[i-1])) {
			b.WriteRune(' ')
		}
		b.WriteRune(r)
	}
	return strings.FieldsFunc(b.String(), notAlnum)
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
		r, n := utf8.DecodeRuneInString(w)
		b.WriteString(cmp.Or(initialisms[strings.ToLower(w)], string(unicode.ToUpper(r))+w[n:]))
	}
	if r, _ := utf8.DecodeRuneInString(b.String()); b.Len() > 0 && !unicode.IsLetter(r) {
		return "Op" + b.String()
	}
	return b.String()
}

// Of is the exported Go name of an identifier: publisher_id gives
// PublisherID.
func Of(name string) string { return Join(Words(name)) }

// Key is what a name becomes in Go, for collisions: its letters and digits
// in lower case, one for publisher_id, publisherId and Publisher-Id.
func Key(name string) string {
	return strings.ToLower(strings.Join(strings.FieldsFunc(name, notAlnum), ""))
}

func notAlnum(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }
