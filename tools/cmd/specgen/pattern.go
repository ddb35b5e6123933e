package main

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/partoo-go/partoo/tools/internal/ecma"
)

// The spec's patterns are ECMA-262 regular expressions; the client runs
// them with Go's regexp (RE2). specgen rewrites them here, token by token,
// refuses at generation whatever it does not know, and leaves the rest of
// the syntax (a quantifier with nothing to repeat, a repeat count, a range
// out of order) to Go's regexp parser:
//
//   - Anchors, alternation, groups (a capturing one becomes (?:...)), the
//     quantifiers * + ? {n} {n,} {n,m} (lazy or not), classes with ranges,
//     literal characters, escaped ASCII punctuation (\- \/ \"), \d \D \w \W:
//     RE2 reads them as ECMA-262 does without flags. ^ and $ are the start
//     and end of the input in both, and \d and \w are ASCII in both.
//   - \s, \S and . are rewritten: ECMA-262's \s also holds \v and the
//     Unicode spaces and line terminators, and its . excludes \r, U+2028
//     and U+2029 besides \n.
//   - A lookahead, which RE2 lacks, is removed where it sits at one known
//     position: at the top level of a pattern that starts with ^, after
//     single characters only. If A has k characters, ^A(?!L)B matches
//     exactly when ^AB matches and ^AL does not; (?=L) makes ^AL a second
//     expression that must match.
//
// The translation is proven in the tests, not at each generation: against
// an ECMAScript engine on generated strings (pattern_test.go), and the
// spec's custom-header rule against an independent JSON Schema validator
// (tools/conformance).

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

// classEscapes are the class escapes, written for RE2 inside a class and
// outside one.
var classEscapes = map[rune][2]string{
	'd': {`\d`, `\d`}, 'D': {`\D`, `\D`}, 'w': {`\w`, `\w`}, 'W': {`\W`, `\W`},
	's': {ecmaSpaces, "[" + ecmaSpaces + "]"}, 'S': {ecmaNoSpaces, "[^" + ecmaSpaces + "]"},
}

// Characters that a literal escapes, outside a class and inside one.
const (
	special      = `\.+*?()|[]{}^$`
	classSpecial = `\[]-^`
)

// braces matches a quantifier in braces, lazy or not.
var braces = regexp.MustCompile(`^\{[0-9]+(?:,[0-9]*)?\}`)

// scanner reads an ECMA-262 pattern (no flags).
type scanner struct {
	where, pattern string
	src            []rune
	pos            int
}

// translatePattern translates the pattern found at where (UTF-8, as every
// string of a loaded spec is).
func translatePattern(where, pattern string) (translation, error) {
	s := &scanner{where: where, pattern: pattern, src: []rune(pattern)}
	tr, err := s.translate()
	if err != nil {
		return translation{}, err
	}
	for _, expr := range slices.Concat(tr.MustMatch, tr.MustNotMatch) {
		if _, err := regexp.Compile(expr); err != nil {
			return translation{}, fmt.Errorf("%s: pattern %q: its RE2 translation %q does not compile: %w", where, pattern, expr, err)
		}
	}
	return tr, nil
}

// refuse names a construct at a position (in characters) that specgen does
// not translate.
func (s *scanner) refuse(pos int, construct string) error {
	offset := len(string(s.src[:pos]))
	return fmt.Errorf("%s: pattern %q: %s at offset %d is not supported; %s", s.where, s.pattern, construct, offset, supported)
}

func (s *scanner) at(r rune) bool { return s.pos < len(s.src) && s.src[s.pos] == r }

// translate rewrites the pattern token by token; the text of a top-level
// lookahead goes to an expression of its own (see the top of this file).
func (s *scanner) translate() (translation, error) {
	var (
		tr               translation
		main, look       strings.Builder
		w                = &main // where a token goes: main, or the lookahead being read
		depth            int     // open groups, a lookahead included
		prefix           string  // main before the lookahead being read
		negative, alts   bool    // the lookahead being read is (?!...), has branches
		fixed            = true  // main holds anchors and single characters only
		looks, topAlts   bool    // the pattern has a lookahead, a top-level '|'
		assertion, after bool    // the token before is ^, $ or a lookahead
	)
	for s.pos < len(s.src) {
		c, start := s.src[s.pos], s.pos
		s.pos++
		after, assertion = assertion, false
		switch c {
		case '^', '$':
			w.WriteRune(c)
			assertion = true
		case '|':
			topAlts, alts = topAlts || depth == 0, alts || depth == 1
			w.WriteRune(c)
		case '*', '+', '?', '{':
			q := string(c)
			if c == '{' {
				if q = braces.FindString(string(s.src[start:])); q == "" {
					return tr, s.refuse(start, "a '{' that is not a quantifier {n}, {n,} or {n,m}")
				}
				s.pos = start + len(q)
			}
			if after {
				return tr, s.refuse(start, "a quantifier on an assertion")
			}
			fixed = fixed && depth > 0
			w.WriteString(q)
		case '(':
			kind := ""
			if s.at('?') {
				kind = string(s.src[s.pos:min(s.pos+2, len(s.src))])
			}
			switch {
			case (kind == "?=" || kind == "?!") && depth > 0:
				return tr, s.refuse(start, "a lookahead inside a group or a lookahead")
			case kind == "?=" || kind == "?!":
				if !fixed {
					return tr, s.refuse(start, "a lookahead after a group or a quantifier")
				}
				looks, negative, alts, prefix, w = true, kind == "?!", false, main.String(), &look
				look.Reset()
			case kind == "" || kind == "?:":
				fixed = fixed && depth > 0
				w.WriteString("(?:")
			default:
				return tr, s.refuse(start, fmt.Sprintf("the group %q (lookbehind, named group or flags)", "("+kind))
			}
			s.pos += len(kind)
			depth++
		case ')':
			depth--
			switch {
			case depth < 0:
				return tr, s.refuse(start, "an unmatched ')'")
			case depth > 0 || w == &main:
				w.WriteRune(c)
				continue
			}
			body := look.String()
			if alts {
				body = "(?:" + body + ")"
			}
			if negative {
				tr.MustNotMatch = append(tr.MustNotMatch, prefix+body)
			} else {
				tr.MustMatch = append(tr.MustMatch, prefix+body)
			}
			w, assertion = &main, true
		case '[':
			class, err := s.class(start)
			if err != nil {
				return tr, err
			}
			w.WriteString(class)
		case '\\':
			r, class, err := s.escape(start)
			switch {
			case err != nil:
				return tr, err
			case class[1] != "":
				w.WriteString(class[1])
			default:
				w.WriteString(renderRune(r, special))
			}
		case '.':
			w.WriteString(ecmaDot)
		case '}', ']':
			return tr, s.refuse(start, fmt.Sprintf("a lone %q", c))
		default:
			w.WriteString(renderRune(c, special))
		}
	}
	switch {
	case depth > 0:
		return tr, s.refuse(len(s.src), "an unterminated group")
	case looks && (topAlts || s.src[0] != '^'):
		return tr, s.refuse(len(s.src), "a lookahead in a pattern that does not start with ^ or has a top-level '|'")
	}
	tr.MustMatch = append([]string{main.String()}, tr.MustMatch...)
	return tr, nil
}

// class reads the rest of the class [...] or [^...] that starts at open.
func (s *scanner) class(open int) (string, error) {
	var b strings.Builder
	b.WriteByte('[')
	if s.at('^') {
		b.WriteByte('^')
		s.pos++
	}
	if s.at(']') {
		return "", s.refuse(open, "an empty class [] or [^]")
	}
	for !s.at(']') {
		lo, loSet, err := s.classAtom(open)
		if err == nil && s.at('-') && s.pos+1 < len(s.src) && s.src[s.pos+1] != ']' {
			s.pos++
			hi, hiSet, hiErr := s.classAtom(open)
			if err = hiErr; err == nil && (loSet || hiSet) {
				err = s.refuse(s.pos, "a range with a class escape at one end")
			}
			lo += "-" + hi
		}
		if err != nil {
			return "", err
		}
		b.WriteString(lo)
	}
	s.pos++
	return b.String() + "]", nil
}

// classAtom reads one item of the class that starts at open, a character
// or a class escape, as RE2 class text; set says it is a class escape.
func (s *scanner) classAtom(open int) (text string, set bool, err error) {
	if s.pos >= len(s.src) {
		return "", false, s.refuse(open, "an unterminated class")
	}
	c := s.src[s.pos]
	s.pos++
	switch c {
	case '[':
		return "", false, s.refuse(s.pos-1, "an unescaped '[' inside a class (write \\[)")
	case '\\':
		r, class, err := s.escape(s.pos - 1)
		if class[0] != "" || err != nil {
			return class[0], true, err
		}
		c = r
	}
	return renderRune(c, classSpecial), false, nil
}

// escape reads the escape whose backslash is at start: a class escape,
// returned as its RE2 text, or escaped ASCII punctuation.
func (s *scanner) escape(start int) (rune, [2]string, error) {
	if s.pos >= len(s.src) {
		return 0, [2]string{}, s.refuse(start, "a lone backslash at the end")
	}
	e := s.src[s.pos]
	s.pos++
	if class, ok := classEscapes[e]; ok {
		return 0, class, nil
	}
	if e >= utf8.RuneSelf || !unicode.IsPunct(e) && !unicode.IsSymbol(e) {
		return 0, [2]string{}, s.refuse(start, fmt.Sprintf("the escape \\%c", e))
	}
	return e, [2]string{}, nil
}

// renderRune writes r for Go's regexp: printable ASCII as itself (escaped
// when special), anything else as \x{...}.
func renderRune(r rune, special string) string {
	switch {
	case strings.ContainsRune(special, r):
		return `\` + string(r)
	case r >= ' ' && r < 0x7f:
		return string(r)
	}
	return fmt.Sprintf(`\x{%X}`, r)
}

// nameHints describe a pattern of the shape ^<prefix>(?!<reserved>)[^<forbidden>]*$
// (the one of Partoo's custom header names), so that the client can say
// why a name is wrong, and match names with a loop over the bytes (Exact)
// instead of regexps. The prefix and the reserved text are literal
// characters or two-case letter classes such as [Xx]. The hints restate
// the pattern; the tests check them against an ECMAScript engine.
type nameHints struct {
	Prefix       string // literal prefix every name needs, for display
	PrefixFold   bool   // the prefix is matched ASCII case-insensitively
	Reserved     string // text after the prefix that is rejected, for display
	ReservedFold bool
	Forbidden    string // characters rejected after the prefix
	Exact        bool   // the hints match exactly the strings the pattern matches
}

// A name rule in the source of a pattern: ^, units, an optional negative
// lookahead of units, then a negated class of literal characters (a '-'
// only at either end: elsewhere it makes a range) repeated to the end. A
// unit is a literal character, escaped ASCII punctuation, or a class of
// one or two of those.
const nameUnit = `[^\\.*+?()\[\]{}|^$]|\\[[:punct:]]|\[(?:[^\\\[\]^]|\\[[:punct:]]){1,2}\]`

var (
	nameRule  = regexp.MustCompile(`^\^((?:` + nameUnit + `)+)(?:\(\?!((?:` + nameUnit + `)+)\))?\[\^(-?(?:[^\\\[\]-]|\\[[:punct:]])*-?)\]\*\$$`)
	nameUnits = regexp.MustCompile(nameUnit)
	escaped   = regexp.MustCompile(`\\(.)`)
)

// hintsOf returns the hints of a pattern that translates, or none when it
// has another shape.
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

// literalText reads units that each match one character, or both cases of
// one ASCII letter ([Xx]), and writes them for display: a two-case letter
// is upper case at the start of a word and lower case inside it
// ("[Xx]-[Pp][Aa]" reads "X-Pa"); prev is the character before them. fold
// says the letters are two-case classes: a mix of those and literal
// letters is not a recognised shape.
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

// compileECMAScript is the regex compiler given to kin-openapi, so that
// examples are checked with the patterns' own dialect. A match that takes
// longer than ten seconds (catastrophic backtracking) fails.
var compileECMAScript = ecma.Compiler(10 * time.Second)
