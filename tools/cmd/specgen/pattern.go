package main

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// translation is a pattern for Go's regexp: a string matches the pattern
// when it matches every expression of MustMatch and none of MustNotMatch.
type translation struct{ MustMatch, MustNotMatch []string }

const (
	// supported ends every refusal.
	supported = `specgen translates anchors, classes, groups, alternation, quantifiers, \d \w \s, '.', escaped ASCII ` +
		`punctuation, single characters and, after ^ and single characters, a negative lookahead without '|'; ` +
		`change the pattern or teach tools/cmd/specgen/pattern.go`
	// The sets that RE2 reads otherwise than ECMA-262.
	ecmaDot    = `[^\n\r\x{2028}\x{2029}]`
	ecmaSpaces = `\x{9}-\x{D} \x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}\x{FEFF}`
)

var (
	// classEscapes are the class escapes for RE2, inside a class and outside one.
	classEscapes = map[rune][2]string{
		'd': {`\d`, `\d`}, 'w': {`\w`, `\w`}, 's': {ecmaSpaces, "[" + ecmaSpaces + "]"},
	}
	// specials are the characters a literal escapes, inside a class and outside one.
	specials = [2]string{`\[]-^`, `\.+*?()|[]{}^$`}
	// patternToken is an escape, a class, a group's opening, a quantifier or a character.
	patternToken = regexp.MustCompile(`(?s)^(?:\\.?|\[\^?(?:\\.|[^\\\]])*\]?|\((?:\?.?)?|\{[0-9]+(?:,[0-9]*)?\}\??|[*+?]\??|.)`)
	// classItem is a character or an escape of a class, and a range's end.
	classItem = regexp.MustCompile(`(?s)(\\.?|[^\\])(?:(-)(\\.?|[^\\]))?`)
)

// translatePattern rewrites the ECMA-262 pattern found at where for Go's
// regexp (RE2) token by token, or refuses it naming the construct and its
// byte offset; the rest of the syntax (nothing to repeat, a range out of
// order) is left to Go's parser. A negative lookahead at the top level of a
// pattern starting with ^, after single characters only, sits at one known
// place: ^A(?!L)B matches when ^AB matches and ^AL does not.
// docs/design.md explains each rewrite; pattern_test.go proves them.
func translatePattern(where, pattern string) (translation, error) {
	refuse := func(at int, construct string) (translation, error) {
		return translation{}, fmt.Errorf("%s: pattern %q: %s at offset %d is not supported; %s", where, pattern, construct, at, supported)
	}
	var (
		tr          translation
		out, prefix string // the translation; out before the open lookahead
		look        bool   // a lookahead is open
		depth       int    // open groups, a lookahead included
		topAlts     bool   // the pattern has a top-level '|'
		fixed       = true // out holds anchors and single characters only
		bare, after string // why this token, the one before, cannot repeat
	)
	for start, tok := 0, ""; start < len(pattern); start += len(tok) {
		tok = patternToken.FindString(pattern[start:])
		after, bare = bare, ""
		switch c := tok[0]; {
		case tok == "^" || tok == "$":
			out += tok
			bare = "an assertion"
		case tok == "|" && look:
			return refuse(start, "a '|' inside a lookahead")
		case tok == "|":
			topAlts = topAlts || depth == 0
			out += tok
		case strings.IndexByte("*+?", c) >= 0 || c == '{' && len(tok) > 1:
			if after != "" {
				return refuse(start, "a quantifier on "+after)
			}
			fixed = fixed && depth > 0
			out += tok
		case tok == "(?!":
			if depth > 0 || !fixed {
				return refuse(start, "a lookahead inside or after a group, or after a quantifier")
			}
			prefix, look = out, true
			bare = "the start of a lookahead"
			depth++
		case tok == "(" || tok == "(?:":
			fixed = fixed && depth > 0
			out += "(?:"
			depth++
		case c == '(':
			return refuse(start, fmt.Sprintf("the group %q (positive lookahead, lookbehind, named group or flags)", tok))
		case c == ')':
			depth--
			switch {
			case depth < 0:
				return refuse(start, "an unmatched ')'")
			case depth > 0 || !look:
				out += tok
			default: // the lookahead closes
				tr.MustNotMatch = append(tr.MustNotMatch, out)
				out, look = prefix, false
				bare = "an assertion"
			}
		case c == '[':
			body, closed := strings.CutSuffix(strings.TrimPrefix(tok[1:], "^"), "]")
			switch {
			case !closed:
				return refuse(start, "an unterminated class")
			case body == "":
				return refuse(start, "an empty class [] or [^]")
			}
			out += tok[:len(tok)-len(body)-1]
			for _, m := range classItem.FindAllStringSubmatch(body, -1) {
				lo, why := atom(m[1], 0, m[2] != "")
				hi, hiWhy := atom(m[3], 0, true)
				if why = cmp.Or(why, hiWhy); why != "" {
					return refuse(start, why)
				}
				out += lo + m[2] + hi
			}
			out += "]"
		case c == '.':
			out += ecmaDot
		case c == '{':
			return refuse(start, "a lone '{' (a quantifier is {n}, {n,} or {n,m})")
		case c == '}' || c == ']':
			return refuse(start, fmt.Sprintf("a lone %q", c))
		default:
			text, why := atom(tok, 1, false)
			if why != "" {
				return refuse(start, why)
			}
			if r, _ := utf8.DecodeRuneInString(tok); r > 0xFFFF {
				bare = "an astral character (two UTF-16 code units in ECMA-262)"
			}
			out += text
		}
	}
	switch {
	case depth > 0:
		return refuse(len(pattern), "an unterminated group")
	case len(tr.MustNotMatch) > 0 && (topAlts || pattern[0] != '^'):
		return refuse(len(pattern), "a lookahead in a pattern that does not start with ^ or has a top-level '|'")
	}
	tr.MustMatch = []string{out}
	for _, expr := range slices.Concat(tr.MustMatch, tr.MustNotMatch) {
		if _, err := regexp.Compile(expr); err != nil {
			return translation{}, fmt.Errorf("%s: pattern %q: its RE2 translation %q does not compile: %w", where, pattern, expr, err)
		}
	}
	return tr, nil
}

// atom writes a character or an escape for RE2, inside a class (in 0) or
// outside one (in 1), or names why it is refused.
func atom(tok string, in int, rangeEnd bool) (text, why string) {
	r, _ := utf8.DecodeRuneInString(tok)
	switch {
	case tok == "":
		return "", ""
	case tok == `\`:
		return "", "a lone backslash at the end"
	case r == '\\':
		r, _ = utf8.DecodeRuneInString(tok[1:])
		switch class, ok := classEscapes[r]; {
		case ok && rangeEnd:
			return "", "a range with a class escape at one end"
		case ok:
			return class[in], ""
		case r >= utf8.RuneSelf || !unicode.IsPunct(r) && !unicode.IsSymbol(r):
			return "", fmt.Sprintf("the escape \\%c", r)
		}
	case in == 0 && r == '[':
		return "", "an unescaped '[' inside a class (write \\[)"
	case in == 0 && r > 0xFFFF:
		return "", "an astral character inside a class (two UTF-16 code units in ECMA-262)"
	}
	switch {
	case strings.ContainsRune(specials[in], r):
		return `\` + string(r), ""
	case r >= ' ' && r < 0x7f:
		return string(r), ""
	}
	return fmt.Sprintf(`\x{%X}`, r), ""
}

// nameHints restate a pattern shaped ^<prefix>(?!<reserved>)[^<forbidden>]*$,
// the custom header names', so that the client can say why a name is wrong
// and match without regexps (apispec.NameHints).
type nameHints struct {
	Prefix, Reserved, Forbidden     string // Forbidden: characters rejected after the prefix
	PrefixFold, ReservedFold, Exact bool   // Fold: ASCII case-insensitive; Exact: set when recognised
}

// nameUnit is a literal character, escaped ASCII punctuation, or a class
// of one or two of those; a '-' in nameRule's negated class is at an end.
const nameUnit = `[^\\.*+?()\[\]{}|^$]|\\[[:punct:]]|\[(?:[^\\\[\]^]|\\[[:punct:]]){1,2}\]`

var (
	nameRule  = regexp.MustCompile(`^\^((?:` + nameUnit + `)+)(?:\(\?!((?:` + nameUnit + `)+)\))?\[\^(-?(?:[^\\\[\]-]|\\[[:punct:]])*-?)\]\*\$$`)
	nameUnits = regexp.MustCompile(nameUnit)
	escaped   = regexp.MustCompile(`\\(.)`)
)

// hintsOf returns the hints of a pattern, or none for another shape. The
// prefix and the reserved text are units of one character or both cases
// of a letter ([Xx]), shown upper case at the start of a word
// ("[Xx]-[Pp][Aa]" reads "X-Pa"); a mix of [Xx] and x is not recognised.
func hintsOf(pattern string) nameHints {
	m := nameRule.FindStringSubmatch(pattern)
	if m == nil {
		return nameHints{}
	}
	var text [2][]rune
	var fold, plain [2]bool
	prev := rune(0)
	for k, units := range m[1:3] {
		for _, u := range nameUnits.FindAllString(units, -1) {
			if u[0] == '[' {
				u = u[1 : len(u)-1]
			}
			c := []rune(escaped.ReplaceAllString(u, "$1"))
			r := c[0]
			two := len(c) == 2
			switch {
			case two && (!isLetter(r) || r == c[1] || r|0x20 != c[1]|0x20):
				return nameHints{}
			case two && isLetter(prev):
				r |= 0x20
			case two:
				r &^= 0x20
			case isLetter(r):
				plain[k] = true
			}
			fold[k] = fold[k] || two
			text[k] = append(text[k], r)
			prev = r
		}
		if fold[k] && plain[k] {
			return nameHints{}
		}
	}
	return nameHints{Prefix: string(text[0]), PrefixFold: fold[0], Reserved: string(text[1]), ReservedFold: fold[1],
		Forbidden: escaped.ReplaceAllString(m[3], "$1"), Exact: true}
}

// isLetter reports whether r is an ASCII letter.
func isLetter(r rune) bool { return 'a' <= r|0x20 && r|0x20 <= 'z' }
