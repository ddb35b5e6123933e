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

// The spec's patterns are ECMA-262; the client runs Go's regexp (RE2).
// translate rewrites them token by token, refuses what it does not know,
// and leaves the rest of the syntax (nothing to repeat, a repeat count, a
// range out of order) to Go's parser. docs/design.md explains each rewrite;
// pattern_test.go proves them against an ECMAScript engine.

// translation is a pattern rewritten for Go's regexp: a string matches the
// pattern exactly when it matches every expression of MustMatch and none of
// MustNotMatch.
type translation struct {
	MustMatch    []string
	MustNotMatch []string
}

// supported ends every refusal.
const supported = `specgen translates anchors, classes, groups, alternation, quantifiers, \d \w \s and their negations, '.', ` +
	`escaped ASCII punctuation, and a lookahead that follows ^ and single characters; change the pattern, or teach ` +
	`tools/cmd/specgen/pattern.go the construct, with a test against ECMAScript`

// The sets that RE2 reads otherwise than ECMA-262.
const (
	ecmaDot      = `[^\n\r\x{2028}\x{2029}]`
	ecmaSpaces   = `\x{9}-\x{D} \x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}\x{FEFF}`
	ecmaNoSpaces = `\x{0}-\x{8}\x{E}-\x{1F}!-\x{9F}\x{A1}-\x{167F}\x{1681}-\x{1FFF}\x{200B}-\x{2027}\x{202A}-\x{202E}` +
		`\x{2030}-\x{205E}\x{2060}-\x{2FFF}\x{3001}-\x{FEFE}\x{FF00}-\x{10FFFF}`
)

// classEscapes are the class escapes for RE2, inside a class and outside one.
var classEscapes = map[rune][2]string{
	'd': {`\d`, `\d`}, 'D': {`\D`, `\D`}, 'w': {`\w`, `\w`}, 'W': {`\W`, `\W`},
	's': {ecmaSpaces, "[" + ecmaSpaces + "]"}, 'S': {ecmaNoSpaces, "[^" + ecmaSpaces + "]"},
}

// specials are the characters a literal escapes, inside a class and outside one.
var specials = [2]string{`\[]-^`, `\.+*?()|[]{}^$`}

var (
	// patternToken is an escape, a class, a group's opening, a quantifier, or
	// one character.
	patternToken = regexp.MustCompile(`(?s)^(?:\\.?|\[\^?(?:\\.|[^\\\]])*\]?|\((?:\?.?)?|\{[0-9]+(?:,[0-9]*)?\}\??|[*+?]\??|.)`)
	// classItem is a character or an escape of a class, and a range's end.
	classItem = regexp.MustCompile(`(?s)(\\.?|[^\\])(?:-(\\.?|[^\\]))?`)
)

// translatePattern translates the pattern found at where.
func translatePattern(where, pattern string) (translation, error) {
	tr, at, refused := translate(pattern)
	if refused != "" {
		return translation{}, fmt.Errorf("%s: pattern %q: %s at offset %d is not supported; %s", where, pattern, refused, at, supported)
	}
	for _, expr := range slices.Concat(tr.MustMatch, tr.MustNotMatch) {
		if _, err := regexp.Compile(expr); err != nil {
			return translation{}, fmt.Errorf("%s: pattern %q: its RE2 translation %q does not compile: %w", where, pattern, expr, err)
		}
	}
	return tr, nil
}

// translate rewrites the pattern, or names the construct it refuses at
// byte offset at. A lookahead at the top level of a pattern starting with
// ^, after single characters only, sits at one known position: ^A(?!L)B
// matches when ^AB matches and ^AL does not; with (?=L), ^AL must match.
func translate(pattern string) (tr translation, at int, refused string) {
	var (
		out, prefix string    // the translation; out before the open lookahead
		dst         *[]string // where the open lookahead goes, or nil
		depth       int       // open groups, a lookahead included
		alts        bool      // the open lookahead has branches
		fixed       = true    // out holds anchors and single characters only
		topAlts     bool
		bare, after string // why this token, the one before, cannot repeat
	)
	for start, tok := 0, ""; start < len(pattern); start += len(tok) {
		tok = patternToken.FindString(pattern[start:])
		after, bare = bare, ""
		switch c := tok[0]; {
		case tok == "^" || tok == "$":
			out += tok
			bare = "an assertion"
		case tok == "|":
			topAlts = topAlts || depth == 0
			alts = alts || depth == 1
			out += tok
		case strings.IndexByte("*+?", c) >= 0 || c == '{' && len(tok) > 1:
			if after != "" {
				return tr, start, "a quantifier on " + after
			}
			fixed = fixed && depth > 0
			out += tok
		case tok == "(?=" || tok == "(?!":
			switch {
			case depth > 0:
				return tr, start, "a lookahead inside a group or a lookahead"
			case !fixed:
				return tr, start, "a lookahead after a group or a quantifier"
			}
			dst = map[string]*[]string{"(?=": &tr.MustMatch, "(?!": &tr.MustNotMatch}[tok]
			alts, prefix, bare = false, out, "the start of a lookahead"
			depth++
		case tok == "(" || tok == "(?:":
			fixed = fixed && depth > 0
			out += "(?:"
			depth++
		case c == '(':
			return tr, start, fmt.Sprintf("the group %q (lookbehind, named group or flags)", tok)
		case c == ')':
			switch depth--; {
			case depth < 0:
				return tr, start, "an unmatched ')'"
			case depth > 0 || dst == nil:
				out += tok
			default:
				if alts {
					out = prefix + "(?:" + out[len(prefix):] + ")"
				}
				*dst = append(*dst, out)
				out, dst, bare = prefix, nil, "an assertion"
			}
		case c == '[':
			body, closed := strings.CutSuffix(strings.TrimPrefix(tok[1:], "^"), "]")
			switch {
			case !closed:
				return tr, start, "an unterminated class"
			case body == "":
				return tr, start, "an empty class [] or [^]"
			}
			out += tok[:len(tok)-len(body)-1]
			for _, m := range classItem.FindAllStringSubmatch(body, -1) {
				lo, loSet, why := atom(m[1], 0)
				hi, hiSet, hiWhy := "", false, ""
				if m[2] != "" {
					hi, hiSet, hiWhy = atom(m[2], 0)
					hi = "-" + hi
				}
				if why = cmp.Or(why, hiWhy); why == "" && m[2] != "" && (loSet || hiSet) {
					why = "a range with a class escape at one end"
				}
				if why != "" {
					return tr, start, why
				}
				out += lo + hi
			}
			out += "]"
		case c == '.':
			out += ecmaDot
		case c == '{':
			return tr, start, "a '{' that is not a quantifier {n}, {n,} or {n,m}"
		case c == '}' || c == ']':
			return tr, start, fmt.Sprintf("a lone %q", c)
		default:
			text, _, why := atom(tok, 1)
			if why != "" {
				return tr, start, why
			}
			if r, _ := utf8.DecodeRuneInString(tok); r > 0xFFFF {
				bare = "an astral character (two UTF-16 code units in ECMA-262)"
			}
			out += text
		}
	}
	switch {
	case depth > 0:
		return tr, len(pattern), "an unterminated group"
	case len(tr.MustMatch)+len(tr.MustNotMatch) > 0 && (topAlts || pattern[0] != '^'):
		return tr, len(pattern), "a lookahead in a pattern that does not start with ^ or has a top-level '|'"
	}
	tr.MustMatch = append([]string{out}, tr.MustMatch...)
	return tr, 0, ""
}

// atom writes a character or an escape for RE2, inside a class (in 0) or
// outside one (in 1); set says it is a class escape, why names a refusal.
func atom(tok string, in int) (text string, set bool, why string) {
	r, _ := utf8.DecodeRuneInString(tok)
	switch {
	case tok == `\`:
		return "", false, "a lone backslash at the end"
	case r == '\\':
		r, _ = utf8.DecodeRuneInString(tok[1:])
		if class, ok := classEscapes[r]; ok {
			return class[in], true, ""
		}
		if r >= utf8.RuneSelf || !unicode.IsPunct(r) && !unicode.IsSymbol(r) {
			return "", false, fmt.Sprintf("the escape \\%c", r)
		}
	case in == 0 && r == '[':
		return "", false, "an unescaped '[' inside a class (write \\[)"
	case in == 0 && r > 0xFFFF:
		return "", false, "an astral character inside a class (two UTF-16 code units in ECMA-262)"
	}
	switch {
	case strings.ContainsRune(specials[in], r):
		return `\` + string(r), false, ""
	case r >= ' ' && r < 0x7f:
		return string(r), false, ""
	}
	return fmt.Sprintf(`\x{%X}`, r), false, ""
}

// nameHints restate a pattern shaped ^<prefix>(?!<reserved>)[^<forbidden>]*$,
// the custom header names', so that the client can say why a name is wrong
// and match without regexps (apispec.NameHints).
type nameHints struct {
	Prefix       string // literal prefix every name needs, for display
	PrefixFold   bool   // the prefix is matched ASCII case-insensitively
	Reserved     string // text after the prefix that is rejected, for display
	ReservedFold bool
	Forbidden    string // characters rejected after the prefix
	Exact        bool   // the hints match exactly the strings the pattern matches
}

// nameUnit is a literal character, escaped ASCII punctuation, or a class
// of one or two of those; a '-' in nameRule's negated class is at an end.
const nameUnit = `[^\\.*+?()\[\]{}|^$]|\\[[:punct:]]|\[(?:[^\\\[\]^]|\\[[:punct:]]){1,2}\]`

var (
	nameRule  = regexp.MustCompile(`^\^((?:` + nameUnit + `)+)(?:\(\?!((?:` + nameUnit + `)+)\))?\[\^(-?(?:[^\\\[\]-]|\\[[:punct:]])*-?)\]\*\$$`)
	nameUnits = regexp.MustCompile(nameUnit)
	escaped   = regexp.MustCompile(`\\(.)`)
)

// hintsOf returns the hints of a pattern, or none for another shape.
func hintsOf(pattern string) nameHints {
	m := nameRule.FindStringSubmatch(pattern)
	if m == nil {
		return nameHints{}
	}
	prefix, pfold, ok := literalText(m[1], 0)
	if !ok {
		return nameHints{}
	}
	reserved, rfold, ok := literalText(m[2], prefix[len(prefix)-1])
	if !ok {
		return nameHints{}
	}
	return nameHints{Prefix: string(prefix), PrefixFold: pfold, Reserved: string(reserved), ReservedFold: rfold,
		Forbidden: escaped.ReplaceAllString(m[3], "$1"), Exact: true}
}

// literalText reads units of one character or both cases of a letter
// ([Xx]), upper case at the start of a word ("[Xx]-[Pp][Aa]" reads "X-Pa");
// prev is the character before. A mix of [Xx] and x is not recognised.
func literalText(units string, prev rune) (text []rune, fold, ok bool) {
	two, one := 0, 0
	for _, u := range nameUnits.FindAllString(units, -1) {
		if u[0] == '[' {
			u = u[1 : len(u)-1]
		}
		c := []rune(escaped.ReplaceAllString(u, "$1"))
		if len(c) == 2 && (!isLetter(c[0]) || c[0] == c[1] || c[0]|0x20 != c[1]|0x20) {
			return nil, false, false
		}
		r := c[0]
		switch {
		case len(c) == 2 && isLetter(prev):
			r, two = r|0x20, two+1
		case len(c) == 2:
			r, two = r&^0x20, two+1
		case isLetter(r):
			one++
		}
		text, prev = append(text, r), r
	}
	return text, two > 0, two == 0 || one == 0
}

// isLetter reports whether r is an ASCII letter.
func isLetter(r rune) bool { return 'a' <= r|0x20 && r|0x20 <= 'z' }
