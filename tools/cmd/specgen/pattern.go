package main

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/partoo-go/partoo/tools/internal/ecma"
)

// The spec's patterns are ECMA-262 regular expressions; the client runs
// them with Go's regexp (RE2). specgen translates them here, construct by
// construct, and refuses at generation whatever it does not know:
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

// quantifier matches a quantifier, lazy or not.
var quantifier = regexp.MustCompile(`^(?:[*+?]|\{[0-9]+(?:,[0-9]*)?\})\??`)

type termKind int

const (
	termChar   termKind = iota // one character: a literal, a class, an escape or '.'
	termAnchor                 // ^ or $
	termLook                   // (?=...) or (?!...)
	termGroup                  // a group
)

// term is one element of a parsed sequence, in RE2 syntax.
type term struct {
	kind     termKind
	re2      string
	pos      int      // where it starts in the pattern, in characters
	quant    string   // the quantifier after it, "" if none
	chars    []rune   // termChar made of literal characters only: them
	negated  bool     // termChar: a class [^...]
	negative bool     // termLook: (?!...)
	body     [][]term // termLook: its branches
}

// patternParser reads an ECMA-262 pattern (no flags).
type patternParser struct {
	where, pattern string
	src            []rune
	pos            int
}

// translatePattern translates the pattern found at where (UTF-8, as every
// string of a loaded spec is), and returns the hints of its shape when it
// has that of a header name rule.
func translatePattern(where, pattern string) (translation, nameHints, error) {
	p := &patternParser{where: where, pattern: pattern, src: []rune(pattern)}
	alt, err := p.alternation(0)
	if err == nil && p.pos < len(p.src) {
		err = p.refuse("an unmatched ')'")
	}
	if err != nil {
		return translation{}, nameHints{}, err
	}
	tr, err := p.decompose(alt)
	if err != nil {
		return translation{}, nameHints{}, err
	}
	for _, expr := range slices.Concat(tr.MustMatch, tr.MustNotMatch) {
		if _, err := regexp.Compile(expr); err != nil {
			return translation{}, nameHints{}, fmt.Errorf("%s: pattern %q: its RE2 translation %q does not compile: %w", where, pattern, expr, err)
		}
	}
	return tr, hintsOf(alt), nil
}

// refuse names a construct at the current position that specgen does not
// translate.
func (p *patternParser) refuse(construct string) error {
	offset := len(string(p.src[:min(p.pos, len(p.src))]))
	return fmt.Errorf("%s: pattern %q: %s at offset %d is not supported; %s", p.where, p.pattern, construct, offset, supported)
}

func (p *patternParser) peek(s string) bool { return strings.HasPrefix(string(p.src[p.pos:]), s) }

func (p *patternParser) at(r rune) bool { return p.pos < len(p.src) && p.src[p.pos] == r }

// alternation reads branches separated by '|' up to ')' or the end; depth
// counts the groups around them.
func (p *patternParser) alternation(depth int) ([][]term, error) {
	var alt [][]term
	for {
		var seq []term
		for p.pos < len(p.src) && !p.at('|') && !p.at(')') {
			t, err := p.term(depth)
			if err != nil {
				return nil, err
			}
			seq = append(seq, t)
		}
		alt = append(alt, seq)
		if !p.at('|') {
			return alt, nil
		}
		p.pos++
	}
}

// term reads one term and its quantifier.
func (p *patternParser) term(depth int) (term, error) {
	c, start := p.src[p.pos], p.pos
	var t term
	var err error
	switch c {
	case '^', '$':
		p.pos++
		t = term{kind: termAnchor, re2: string(c)}
	case '(':
		t, err = p.group(depth)
	case '[':
		t, err = p.class()
	case '\\':
		t, err = p.escape()
	case '.':
		p.pos++
		t = term{re2: ecmaDot}
	case '*', '+', '?', '{', '}', ']':
		return t, p.refuse(fmt.Sprintf("a lone %q", c))
	default:
		p.pos++
		t = term{re2: renderRune(c, `\.+*?()|[]{}^$`), chars: []rune{c}}
	}
	if err != nil {
		return t, err
	}
	t.pos = start
	q := quantifier.FindString(string(p.src[p.pos:]))
	switch {
	case q == "" && p.at('{'):
		return t, p.refuse("a '{' that is not a quantifier {n}, {n,} or {n,m}")
	case q == "":
		return t, nil
	case t.kind == termAnchor || t.kind == termLook:
		return t, p.refuse("a quantifier on an assertion")
	}
	p.pos += utf8.RuneCountInString(q)
	if p.pos < len(p.src) && strings.ContainsRune("*+?{", p.src[p.pos]) {
		return t, p.refuse("a quantifier after a quantifier")
	}
	t.re2, t.quant = t.re2+q, q
	return t, nil
}

func (p *patternParser) group(depth int) (term, error) {
	look := p.peek("(?=") || p.peek("(?!")
	switch {
	case look && depth > 0:
		return term{}, p.refuse("a lookahead inside a group or a lookahead")
	case look || p.peek("(?:"):
		p.pos += 3
	case p.peek("(?"):
		return term{}, p.refuse(fmt.Sprintf("the group %q (lookbehind, named group or flags)", string(p.src[p.pos:min(p.pos+3, len(p.src))])))
	default:
		p.pos++
	}
	negative := p.src[p.pos-1] == '!'
	alt, err := p.alternation(depth + 1)
	if err != nil {
		return term{}, err
	}
	if !p.at(')') {
		return term{}, p.refuse("an unterminated group")
	}
	p.pos++
	if look {
		return term{kind: termLook, re2: renderAlt(alt), negative: negative, body: alt}, nil
	}
	return term{kind: termGroup, re2: "(?:" + renderAlt(alt) + ")"}, nil
}

// class reads [...] or [^...].
func (p *patternParser) class() (term, error) {
	open := p.pos
	p.pos++
	t := term{negated: p.at('^'), chars: []rune{}}
	if t.negated {
		p.pos++
	}
	if p.at(']') {
		p.pos = open
		return t, p.refuse("an empty class [] or [^]")
	}
	var b strings.Builder
	for !p.at(']') {
		if p.pos >= len(p.src) {
			p.pos = open
			return t, p.refuse("an unterminated class")
		}
		lo, set, err := p.classAtom()
		if err != nil {
			return t, err
		}
		if p.at('-') && p.pos+1 < len(p.src) && p.src[p.pos+1] != ']' {
			p.pos++
			hi, hiSet, err := p.classAtom()
			if err != nil {
				return t, err
			}
			if set != "" || hiSet != "" {
				return t, p.refuse("a range with a class escape at one end")
			}
			set = renderRune(lo, `\[]-^`) + "-" + renderRune(hi, `\[]-^`)
		}
		if set != "" {
			t.chars = nil // a range or a class escape: not literal characters
		} else {
			set = renderRune(lo, `\[]-^`)
			if t.chars != nil {
				t.chars = append(t.chars, lo)
			}
		}
		b.WriteString(set)
	}
	p.pos++
	t.re2 = "[" + map[bool]string{true: "^"}[t.negated] + b.String() + "]"
	return t, nil
}

// classAtom reads one character of a class, or a class escape (returned
// as RE2 class text).
func (p *patternParser) classAtom() (rune, string, error) {
	switch c := p.src[p.pos]; c {
	case '[':
		return 0, "", p.refuse("an unescaped '[' inside a class (write \\[)")
	case '\\':
		t, err := p.escape()
		switch {
		case err != nil:
			return 0, "", err
		case t.chars != nil:
			return t.chars[0], "", nil
		case t.re2 == "["+ecmaSpaces+"]":
			return 0, ecmaSpaces, nil
		case t.re2 == "[^"+ecmaSpaces+"]":
			return 0, ecmaNoSpaces, nil
		}
		return 0, t.re2, nil // \d \D \w \W
	default:
		p.pos++
		return c, "", nil
	}
}

// escape reads an escape: a class escape or escaped ASCII punctuation.
func (p *patternParser) escape() (term, error) {
	if p.pos+1 >= len(p.src) {
		return term{}, p.refuse("a lone backslash at the end")
	}
	e := p.src[p.pos+1]
	var t term
	switch {
	case strings.ContainsRune("dDwW", e):
		t = term{re2: `\` + string(e)}
	case e == 's':
		t = term{re2: "[" + ecmaSpaces + "]"}
	case e == 'S':
		t = term{re2: "[^" + ecmaSpaces + "]"}
	case e < utf8.RuneSelf && e > ' ' && e != 0x7f && !isLetter(e) && (e < '0' || e > '9'):
		t = term{re2: renderRune(e, `\.+*?()|[]{}^$`), chars: []rune{e}}
	default:
		return t, p.refuse(fmt.Sprintf("the escape \\%c", e))
	}
	p.pos += 2
	return t, nil
}

// decompose removes the top-level lookaheads (see the comment at the top
// of this file).
func (p *patternParser) decompose(alt [][]term) (translation, error) {
	if !slices.ContainsFunc(slices.Concat(alt...), func(t term) bool { return t.kind == termLook }) {
		return translation{MustMatch: []string{renderAlt(alt)}}, nil
	}
	if len(alt) != 1 || len(alt[0]) == 0 || alt[0][0].re2 != "^" {
		return translation{}, p.refuse("a lookahead in a pattern that does not start with ^ or has a top-level '|'")
	}
	var tr translation
	prefix, fixed := "", true
	for _, t := range alt[0] {
		if t.kind != termLook {
			prefix += t.re2
			fixed = fixed && (t.kind == termAnchor || t.kind == termChar && t.quant == "")
			continue
		}
		if !fixed {
			p.pos = t.pos
			return translation{}, p.refuse("a lookahead after a group or a quantifier")
		}
		body := renderAlt(t.body)
		if len(t.body) > 1 {
			body = "(?:" + body + ")"
		}
		if t.negative {
			tr.MustNotMatch = append(tr.MustNotMatch, prefix+body)
		} else {
			tr.MustMatch = append(tr.MustMatch, prefix+body)
		}
	}
	tr.MustMatch = append([]string{prefix}, tr.MustMatch...)
	return tr, nil
}

func renderAlt(alt [][]term) string {
	branches := make([]string, len(alt))
	for i, seq := range alt {
		for _, t := range seq {
			branches[i] += t.re2
		}
	}
	return strings.Join(branches, "|")
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

// hintsOf returns the hints of a parsed pattern, or none when it has
// another shape.
func hintsOf(alt [][]term) nameHints {
	if len(alt) != 1 || len(alt[0]) < 4 {
		return nameHints{}
	}
	seq := alt[0]
	n := len(seq)
	rest := seq[n-2]
	if seq[0].re2 != "^" || seq[n-1].re2 != "$" || !rest.negated || rest.chars == nil || rest.quant != "*" {
		return nameHints{}
	}
	prefix, reserved := seq[1:n-2], []term(nil)
	if k := len(prefix) - 1; k >= 0 && prefix[k].kind == termLook {
		look := prefix[k]
		if !look.negative || len(look.body) != 1 || len(look.body[0]) == 0 {
			return nameHints{}
		}
		prefix, reserved = prefix[:k], look.body[0]
	}
	ptext, pfold, ok := literalText(prefix, 0)
	if !ok || len(prefix) == 0 {
		return nameHints{}
	}
	rtext, rfold, ok := literalText(reserved, ptext[len(ptext)-1])
	if !ok {
		return nameHints{}
	}
	return nameHints{Prefix: string(ptext), PrefixFold: pfold, Reserved: string(rtext), ReservedFold: rfold,
		Forbidden: string(rest.chars), Exact: true}
}

// literalText reads terms that each match one character, or both cases of
// one ASCII letter ([Xx]), and writes them for display: a two-case letter
// is upper case at the start of a word and lower case inside it
// ("[Xx]-[Pp][Aa]" reads "X-Pa"); prev is the character before them. fold
// says the letters are two-case classes: a mix of those and literal
// letters is not a recognised shape.
func literalText(terms []term, prev rune) (text []rune, fold, ok bool) {
	two, one := 0, 0
	for _, t := range terms {
		c := t.chars
		if t.kind != termChar || t.quant != "" || t.negated || len(c) == 0 || len(c) > 2 ||
			len(c) == 2 && (!isLetter(c[0]) || c[0] == c[1] || c[0]|0x20 != c[1]|0x20) {
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
