package main

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
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
//   - A character above U+FFFF is two UTF-16 code units to ECMA-262
//     without flags: a literal one means itself in a sequence, but
//     repeated or in a class it would mean half of it, so those are
//     refused. In the input, '.', \D \S \W and negated classes take such a
//     character whole where ECMA-262 without flags takes half of it: there
//     the translation follows code points, as ECMA-262's u flag does.
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

var (
	// patternToken matches the next token outside a class: an escape, a
	// class, the opening of a group with its kind, a quantifier, or one
	// character.
	patternToken = regexp.MustCompile(`(?s)^(?:\\.?|\[\^?(?:\\.|[^\\\]])*\]?|\((?:\?.?)?|\{[0-9]+(?:,[0-9]*)?\}\??|[*+?]\??|.)`)
	// classItem matches the next item of a class (without its brackets):
	// a character or an escape, and the other end of a range.
	classItem = regexp.MustCompile(`(?s)^(\\.?|[^\\])(?:-(\\.?|[^\\]))?`)
)

// translatePattern translates the pattern found at where (UTF-8, as every
// string of a loaded spec is).
func translatePattern(where, pattern string) (translation, error) {
	tr, err := translate(pattern, func(at int, construct string) error {
		return fmt.Errorf("%s: pattern %q: %s at offset %d is not supported; %s", where, pattern, construct, at, supported)
	})
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

// translate rewrites the pattern token by token; the text of a top-level
// lookahead goes to an expression of its own (see the top of this file).
// refuse names a construct at a byte offset that specgen does not translate.
func translate(pattern string, refuse func(at int, construct string) error) (translation, error) {
	var (
		tr             translation
		main, look     strings.Builder
		w              = &main // where a token goes: main, or the lookahead being read
		depth          int     // open groups, a lookahead included
		prefix         string  // main before the lookahead being read
		negative, alts bool    // the lookahead being read is (?!...), has branches
		fixed          = true  // main holds anchors and single characters only
		looks, topAlts bool    // the pattern has a lookahead, a top-level '|'
		// why the token before cannot be repeated ("an assertion", "the
		// start of a lookahead"), or ""
		bare, after string
	)
	for at := 0; at < len(pattern); {
		tok := patternToken.FindString(pattern[at:])
		start := at
		at += len(tok)
		after, bare = bare, ""
		switch c := tok[0]; {
		case tok == "^" || tok == "$":
			w.WriteString(tok)
			bare = "an assertion"
		case tok == "|":
			topAlts = topAlts || depth == 0
			alts = alts || depth == 1
			w.WriteString(tok)
		case strings.IndexByte("*+?", c) >= 0 || c == '{' && len(tok) > 1:
			if after != "" {
				return tr, refuse(start, "a quantifier on "+after)
			}
			fixed = fixed && depth > 0
			w.WriteString(tok)
		case tok == "(?=" || tok == "(?!":
			switch {
			case depth > 0:
				return tr, refuse(start, "a lookahead inside a group or a lookahead")
			case !fixed:
				return tr, refuse(start, "a lookahead after a group or a quantifier")
			}
			looks = true
			negative = tok == "(?!"
			alts = false
			prefix = main.String()
			look.Reset()
			w = &look
			bare = "the start of a lookahead"
			depth++
		case tok == "(" || tok == "(?:":
			fixed = fixed && depth > 0
			w.WriteString("(?:")
			depth++
		case c == '(':
			return tr, refuse(start, fmt.Sprintf("the group %q (lookbehind, named group or flags)", tok))
		case c == ')':
			depth--
			switch {
			case depth < 0:
				return tr, refuse(start, "an unmatched ')'")
			case depth > 0 || w == &main:
				w.WriteString(tok)
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
			w, bare = &main, "an assertion"
		case c == '[':
			class, err := translateClass(tok, start, refuse)
			if err != nil {
				return tr, err
			}
			w.WriteString(class)
		case c == '\\':
			text, _, err := escape(tok, 1, start, refuse)
			if err != nil {
				return tr, err
			}
			w.WriteString(text)
		case c == '.':
			w.WriteString(ecmaDot)
		case c == '{':
			return tr, refuse(start, "a '{' that is not a quantifier {n}, {n,} or {n,m}")
		case c == '}' || c == ']':
			return tr, refuse(start, fmt.Sprintf("a lone %q", c))
		default:
			r, _ := utf8.DecodeRuneInString(tok)
			if r > 0xFFFF {
				bare = "an astral character (two UTF-16 code units in ECMA-262)"
			}
			w.WriteString(renderRune(r, special))
		}
	}
	switch {
	case depth > 0:
		return tr, refuse(len(pattern), "an unterminated group")
	case looks && (topAlts || pattern[0] != '^'):
		return tr, refuse(len(pattern), "a lookahead in a pattern that does not start with ^ or has a top-level '|'")
	}
	tr.MustMatch = append([]string{main.String()}, tr.MustMatch...)
	return tr, nil
}

// translateClass rewrites the class token tok, found at start. A '-'
// between two items makes a range; elsewhere it is itself.
func translateClass(tok string, start int, refuse func(int, string) error) (string, error) {
	body, negated := strings.CutPrefix(tok[1:], "^")
	body, closed := strings.CutSuffix(body, "]")
	switch {
	case !closed:
		return "", refuse(start, "an unterminated class")
	case body == "":
		return "", refuse(start, "an empty class [] or [^]")
	}
	out := "[" + map[bool]string{true: "^"}[negated]
	for body != "" {
		m := classItem.FindStringSubmatch(body)
		body = body[len(m[0]):]
		lo, loSet, err := classText(m[1], start, refuse)
		if err == nil && m[2] != "" {
			hi, hiSet, hiErr := classText(m[2], start, refuse)
			if err = hiErr; err == nil && (loSet || hiSet) {
				err = refuse(start, "a range with a class escape at one end")
			}
			lo += "-" + hi
		}
		if err != nil {
			return "", err
		}
		out += lo
	}
	return out + "]", nil
}

// classText writes one character or escape of a class for RE2; set says
// it is a class escape.
func classText(item string, start int, refuse func(int, string) error) (string, bool, error) {
	switch item[0] {
	case '[':
		return "", false, refuse(start, "an unescaped '[' inside a class (write \\[)")
	case '\\':
		return escape(item, 0, start, refuse)
	}
	r, _ := utf8.DecodeRuneInString(item)
	if r > 0xFFFF {
		return "", false, refuse(start, "an astral character inside a class (two UTF-16 code units in ECMA-262)")
	}
	return renderRune(r, classSpecial), false, nil
}

// escape writes the escape tok for RE2, inside a class (in 0) or outside
// one (in 1): a class escape, or escaped ASCII punctuation. set says it is
// a class escape.
func escape(tok string, in, start int, refuse func(int, string) error) (text string, set bool, err error) {
	e, _ := utf8.DecodeRuneInString(tok[1:])
	class, ok := classEscapes[e]
	switch {
	case len(tok) == 1:
		return "", false, refuse(start, "a lone backslash at the end")
	case ok:
		return class[in], true, nil
	case e >= utf8.RuneSelf || !unicode.IsPunct(e) && !unicode.IsSymbol(e):
		return "", false, refuse(start, fmt.Sprintf("the escape \\%c", e))
	}
	return renderRune(e, []string{classSpecial, special}[in]), false, nil
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
