package main

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The client evaluates the spec's ECMA-262 patterns with Go's regexp (RE2),
// which has no lookaround, so specgen translates each pattern here, at
// generation time, and refuses what it cannot translate with the same
// meaning. The translation is sound by construction:
//
//   - It accepts a whitelist of constructs that ECMA-262 (without flags),
//     regexp2's ECMAScript mode (the conformance oracle) and RE2 read the
//     same way, and rewrites each one explicitly: a class escape such as \s
//     or \w becomes its ECMA-262 set of characters, an identity escape such
//     as \" or \/ becomes the literal character, a group becomes (?:...), ^
//     and $ keep their meaning (start and end of the input; Go's regexp,
//     like ECMA-262 without the m flag, does not let $ match before a final
//     newline).
//   - It removes lookaheads by decomposition. In ^A(?!L)B, where every match
//     of A has the same length k (in characters), the lookahead is tested
//     at one known position, k: a string matches ^A(?!L)B exactly when it
//     matches ^AB and does not match ^AL. A positive lookahead (?=L) gives
//     ^AL as a second expression that must match. Several lookaheads at
//     such positions give one expression each.
//
// Both engines match on code points (regexp2 on []rune(s), Go's regexp by
// decoding UTF-8; an invalid byte is U+FFFD in both), which is what JSON
// Schema 2020-12 asks for. proveTranslation then runs the original pattern
// through regexp2 and the translation through Go's regexp on edge cases
// and a seeded pseudo-random corpus: any disagreement fails generation.

// translation is a pattern rewritten for Go's regexp: a string matches the
// pattern exactly when it matches every expression of MustMatch and none of
// MustNotMatch.
type translation struct {
	MustMatch    []string
	MustNotMatch []string
}

// errTeach ends every refusal: the fix is to extend the translator (with
// the argument why the extension is exact, and tests), never to drop the
// rule.
const errTeach = "teach specgen (tools/cmd/specgen/translate.go) to translate it, or change the pattern"

// translatePattern translates an ECMA-262 pattern into RE2 expressions,
// checks that they compile, and checks them against regexp2 on the edge
// cases and on corpusSize pseudo-random strings.
func translatePattern(pattern string, corpusSize int) (translation, error) {
	oracle, err := compileECMA(oracleForm(pattern))
	if err != nil {
		return translation{}, fmt.Errorf("pattern %q does not compile as ECMA-262 (regexp2 ECMAScript mode): %w", pattern, err)
	}
	root, err := parsePattern(pattern)
	if err != nil {
		return translation{}, err
	}
	tr, err := decompose(pattern, root)
	if err != nil {
		return translation{}, err
	}
	compiled, err := compileTranslation(tr)
	if err != nil {
		return translation{}, fmt.Errorf("pattern %q: %w; %s", pattern, err, errTeach)
	}
	if err := proveTranslation(pattern, oracle, root, compiled, corpusSize); err != nil {
		return translation{}, err
	}
	return tr, nil
}

// oracleForm returns pattern as regexp2 must read it to follow ECMA-262:
// regexp2's '.' also matches U+2028 and U+2029, which ECMA-262's does not,
// so every '.' outside a class becomes the explicit class ECMA-262 gives
// it. Nothing else changes.
func oracleForm(pattern string) string {
	var b strings.Builder
	inClass := false
	for i := 0; i < len(pattern); i++ {
		c := pattern[i]
		switch {
		case c == '\\' && i+1 < len(pattern):
			b.WriteByte(c)
			i++
			b.WriteByte(pattern[i])
			continue
		case c == '[':
			inClass = true
		case c == ']':
			inClass = false
		case c == '.' && !inClass:
			b.WriteString(`[^\n\r\u2028\u2029]`)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// compiledTranslation is a translation compiled with Go's regexp; its match
// is the one the client performs.
type compiledTranslation struct {
	tr            translation
	must, mustNot []*regexp.Regexp
}

func compileTranslation(tr translation) (*compiledTranslation, error) {
	c := &compiledTranslation{tr: tr}
	for _, list := range []struct {
		exprs []string
		out   *[]*regexp.Regexp
	}{{tr.MustMatch, &c.must}, {tr.MustNotMatch, &c.mustNot}} {
		for _, expr := range list.exprs {
			re, err := regexp.Compile(expr)
			if err != nil {
				return nil, fmt.Errorf("its RE2 translation %q does not compile: %w", expr, err)
			}
			*list.out = append(*list.out, re)
		}
	}
	return c, nil
}

func (c *compiledTranslation) match(s string) bool {
	for _, re := range c.must {
		if !re.MatchString(s) {
			return false
		}
	}
	for _, re := range c.mustNot {
		if re.MatchString(s) {
			return false
		}
	}
	return true
}

// nodeKind is the kind of a pattern node.
type nodeKind int

const (
	nodeSet    nodeKind = iota // one character of a set: a literal, a class or a class escape
	nodeGroup                  // (...), (?:...) or (?<name>...): alt
	nodeRepeat                 // sub with a quantifier
	nodeBegin                  // ^
	nodeEnd                    // $
	nodeLook                   // (?=...) or (?!...): alt
)

// node is one element of a parsed pattern.
type node struct {
	kind     nodeKind
	set      charSet   // nodeSet
	alt      [][]*node // nodeGroup, nodeLook: the branches, each a sequence
	sub      *node     // nodeRepeat
	min, max int       // nodeRepeat; max < 0 means no upper bound
	negative bool      // nodeLook: (?!...)
}

// charSet is a set of characters: the union of ranges, or its complement
// when negated.
type charSet struct {
	negated bool
	ranges  []runeRange // in the order of the source
}

type runeRange struct{ lo, hi rune }

func (s charSet) contains(r rune) bool {
	in := false
	for _, rg := range s.ranges {
		if rg.lo <= r && r <= rg.hi {
			in = true
			break
		}
	}
	return in != s.negated
}

// The class escapes, as ECMA-262 defines them (\s is WhiteSpace and
// LineTerminator; regexp2's ECMAScript mode uses the same sets).
var (
	digitRanges = []runeRange{{'0', '9'}}
	wordRanges  = []runeRange{{'0', '9'}, {'A', 'Z'}, {'_', '_'}, {'a', 'z'}}
	spaceRanges = []runeRange{{'\t', '\r'}, {' ', ' '}, {0xa0, 0xa0}, {0x1680, 0x1680}, {0x2000, 0x200a},
		{0x2028, 0x2029}, {0x202f, 0x202f}, {0x205f, 0x205f}, {0x3000, 0x3000}, {0xfeff, 0xfeff}}
)

// complement returns the ranges of every code point outside rs (rs sorted
// and disjoint).
func complement(rs []runeRange) []runeRange {
	var out []runeRange
	next := rune(0)
	for _, r := range rs {
		if r.lo > next {
			out = append(out, runeRange{next, r.lo - 1})
		}
		next = r.hi + 1
	}
	if next <= utf8.MaxRune {
		out = append(out, runeRange{next, utf8.MaxRune})
	}
	return out
}

// patternParser reads an ECMA-262 pattern (no flags, so no u mode) and builds
// nodes for the constructs it can translate; anything else is refused.
type patternParser struct {
	pattern string
	src     []rune
	pos     int
}

func parsePattern(pattern string) ([]*node, error) {
	if !utf8.ValidString(pattern) {
		return nil, fmt.Errorf("pattern %q is not valid UTF-8", pattern)
	}
	p := &patternParser{pattern: pattern, src: []rune(pattern)}
	alt, err := p.parseAlt()
	if err != nil {
		return nil, err
	}
	if p.pos < len(p.src) {
		return nil, p.refuse("an unmatched ')'")
	}
	return []*node{{kind: nodeGroup, alt: alt}}, nil
}

// refuse reports a construct at the current position that specgen does not
// translate.
func (p *patternParser) refuse(format string, args ...any) error {
	return fmt.Errorf("pattern %q: %s at offset %d cannot be translated to Go's regexp (RE2) with the same meaning; %s",
		p.pattern, fmt.Sprintf(format, args...), p.byteOffset(), errTeach)
}

func (p *patternParser) byteOffset() int { return len(string(p.src[:min(p.pos, len(p.src))])) }

func (p *patternParser) peek(s string) bool { return strings.HasPrefix(string(p.src[p.pos:]), s) }

func (p *patternParser) more() bool { return p.pos < len(p.src) }

// parseAlt reads branches separated by '|' up to ')' or the end.
func (p *patternParser) parseAlt() ([][]*node, error) {
	var alt [][]*node
	for {
		seq, err := p.parseSeq()
		if err != nil {
			return nil, err
		}
		alt = append(alt, seq)
		if !p.more() || p.src[p.pos] != '|' {
			return alt, nil
		}
		p.pos++
	}
}

// parseSeq reads terms up to '|', ')' or the end.
func (p *patternParser) parseSeq() ([]*node, error) {
	var seq []*node
	for p.more() {
		c := p.src[p.pos]
		var n *node
		var err error
		switch c {
		case '|', ')':
			return seq, nil
		case '^':
			p.pos++
			n = &node{kind: nodeBegin}
		case '$':
			p.pos++
			n = &node{kind: nodeEnd}
		case '(':
			n, err = p.parseGroup()
		case '[':
			n, err = p.parseClass()
		case '\\':
			n, err = p.parseEscape()
		case '.':
			// ECMA-262 (without the s flag): any character but a line
			// terminator.
			p.pos++
			n = &node{kind: nodeSet, set: charSet{negated: true, ranges: []runeRange{{'\n', '\n'}, {'\r', '\r'}, {0x2028, 0x2029}}}}
		case '*', '+', '?':
			return nil, p.refuse("a quantifier %q with nothing to repeat", c)
		case '{', '}', ']':
			return nil, p.refuse("a lone %q (write it escaped, \\%c)", c, c)
		default:
			p.pos++
			n = literal(c)
		}
		if err != nil {
			return nil, err
		}
		if n, err = p.parseQuantifier(n); err != nil {
			return nil, err
		}
		seq = append(seq, n)
	}
	return seq, nil
}

func literal(r rune) *node {
	return &node{kind: nodeSet, set: charSet{ranges: []runeRange{{r, r}}}}
}

func (p *patternParser) parseGroup() (*node, error) {
	n := &node{kind: nodeGroup}
	switch {
	case p.peek("(?:"):
		p.pos += 3
	case p.peek("(?="), p.peek("(?!"):
		n.kind, n.negative = nodeLook, p.peek("(?!")
		p.pos += 3
	case p.peek("(?<="), p.peek("(?<!"):
		return nil, p.refuse("a lookbehind")
	case p.peek("(?<"):
		end := p.pos + 3
		for end < len(p.src) && p.src[end] != '>' {
			end++
		}
		if end >= len(p.src) {
			return nil, p.refuse("an unterminated group name")
		}
		for _, r := range p.src[p.pos+3 : end] {
			if !(r == '_' || r == '$' || r < utf8.RuneSelf && (isASCIILetter(byte(r)) || '0' <= r && r <= '9')) {
				return nil, p.refuse("a group name that is not an ASCII identifier")
			}
		}
		p.pos = end + 1
	case p.peek("(?"):
		return nil, p.refuse("the group (?%s (inline flags and .NET groups are not allowed in ECMA-262)", string(p.src[p.pos+2:min(p.pos+3, len(p.src))]))
	default:
		p.pos++
	}
	alt, err := p.parseAlt()
	if err != nil {
		return nil, err
	}
	if !p.more() || p.src[p.pos] != ')' {
		return nil, p.refuse("an unterminated group")
	}
	p.pos++
	n.alt = alt
	return n, nil
}

// parseQuantifier reads an optional quantifier after n.
func (p *patternParser) parseQuantifier(n *node) (*node, error) {
	if !p.more() {
		return n, nil
	}
	lo, hi := 0, 0
	start := p.pos
	switch p.src[p.pos] {
	case '*':
		lo, hi = 0, -1
		p.pos++
	case '+':
		lo, hi = 1, -1
		p.pos++
	case '?':
		lo, hi = 0, 1
		p.pos++
	case '{':
		var ok bool
		if lo, hi, ok = p.parseCount(); !ok {
			return nil, p.refuse("a '{' that is not a quantifier {n}, {n,} or {n,m} (write it escaped, \\{)")
		}
	default:
		return n, nil
	}
	if n.kind != nodeSet && n.kind != nodeGroup {
		p.pos = start
		return nil, p.refuse("a quantifier on an assertion")
	}
	if hi >= 0 && lo > hi {
		p.pos = start
		return nil, p.refuse("a quantifier {%d,%d} out of order", lo, hi)
	}
	// A lazy quantifier changes which match is found, not whether one is,
	// and the client only asks whether one is.
	if p.more() && p.src[p.pos] == '?' {
		p.pos++
	}
	if p.more() && strings.ContainsRune("*+?{", p.src[p.pos]) {
		return nil, p.refuse("a quantifier after a quantifier")
	}
	return &node{kind: nodeRepeat, sub: n, min: lo, max: hi}, nil
}

// parseCount reads {n}, {n,} or {n,m}.
func (p *patternParser) parseCount() (lo, hi int, ok bool) {
	end := p.pos + 1
	for end < len(p.src) && p.src[end] != '}' {
		end++
	}
	if end >= len(p.src) {
		return 0, 0, false
	}
	body := string(p.src[p.pos+1 : end])
	a, b, comma := strings.Cut(body, ",")
	num := func(s string) (int, bool) {
		if s == "" || len(s) > 6 || strings.TrimLeft(s, "0123456789") != "" {
			return 0, false
		}
		n, err := strconv.Atoi(s)
		return n, err == nil
	}
	if lo, ok = num(a); !ok {
		return 0, 0, false
	}
	switch {
	case !comma:
		hi = lo
	case b == "":
		hi = -1
	default:
		if hi, ok = num(b); !ok {
			return 0, 0, false
		}
	}
	p.pos = end + 1
	return lo, hi, true
}

// parseEscape reads an escape outside a class.
func (p *patternParser) parseEscape() (*node, error) {
	if p.pos+1 >= len(p.src) {
		return nil, p.refuse("a lone backslash at the end")
	}
	c := p.src[p.pos+1]
	if set, ok := classEscape(c); ok {
		p.pos += 2
		return &node{kind: nodeSet, set: set}, nil
	}
	switch c {
	case 'b', 'B':
		return nil, p.refuse("the word boundary \\%c", c)
	}
	r, err := p.characterEscape(false)
	if err != nil {
		return nil, err
	}
	return literal(r), nil
}

// classEscape returns the set of \d \D \w \W \s \S.
func classEscape(c rune) (charSet, bool) {
	var rs []runeRange
	switch c {
	case 'd', 'D':
		rs = digitRanges
	case 'w', 'W':
		rs = wordRanges
	case 's', 'S':
		rs = spaceRanges
	default:
		return charSet{}, false
	}
	return charSet{negated: c >= 'A' && c <= 'Z', ranges: rs}, true
}

// characterEscape reads an escape that stands for one character, at
// p.pos (the backslash), inside a class or not.
func (p *patternParser) characterEscape(inClass bool) (rune, error) {
	c := p.src[p.pos+1]
	hex := func(n int) (rune, bool) {
		if p.pos+2+n > len(p.src) {
			return 0, false
		}
		v, err := strconv.ParseUint(string(p.src[p.pos+2:p.pos+2+n]), 16, 32)
		if err != nil {
			return 0, false
		}
		p.pos += 2 + n
		return rune(v), true
	}
	switch c {
	case 't', 'n', 'v', 'f', 'r':
		p.pos += 2
		return map[rune]rune{'t': '\t', 'n': '\n', 'v': '\v', 'f': '\f', 'r': '\r'}[c], nil
	case '0':
		if p.pos+2 < len(p.src) && '0' <= p.src[p.pos+2] && p.src[p.pos+2] <= '9' {
			return 0, p.refuse("the octal escape \\0%c", p.src[p.pos+2])
		}
		p.pos += 2
		return 0, nil
	case 'x':
		if r, ok := hex(2); ok {
			return r, nil
		}
		return 0, p.refuse("\\x without two hex digits")
	case 'u':
		if p.peek(`\u{`) {
			return 0, p.refuse("\\u{...}, which needs the u flag")
		}
		r, ok := hex(4)
		if !ok {
			return 0, p.refuse("\\u without four hex digits")
		}
		if 0xd800 <= r && r <= 0xdfff {
			p.pos -= 6
			return 0, p.refuse("the surrogate \\u%04X (both engines match code points, not UTF-16 units)", r)
		}
		return r, nil
	case 'c':
		if p.pos+2 < len(p.src) && p.src[p.pos+2] < utf8.RuneSelf && isASCIILetter(byte(p.src[p.pos+2])) {
			r := p.src[p.pos+2] % 32
			p.pos += 3
			return r, nil
		}
		return 0, p.refuse("\\c not followed by an ASCII letter")
	case 'b':
		if inClass {
			p.pos += 2
			return '\b', nil
		}
	case 'k':
		return 0, p.refuse("the named backreference \\k")
	case 'p', 'P':
		return 0, p.refuse("the Unicode property escape \\%c, which needs the u flag", c)
	}
	switch {
	case '1' <= c && c <= '9':
		return 0, p.refuse("the backreference \\%c", c)
	case c < utf8.RuneSelf && isASCIILetter(byte(c)):
		// \A, \z, \Q, \a, \e...: an identity escape in ECMA-262 but an
		// anchor, a quote or a control character in regexp2.
		return 0, p.refuse("the escape \\%c (it has no meaning that ECMA-262 and regexp2 share)", c)
	case c < utf8.RuneSelf && isASCIIPunct(byte(c)):
		p.pos += 2
		return c, nil // identity escape: \" \/ \[ \- ...
	}
	return 0, p.refuse("the escape \\%q (only ASCII punctuation has an identity escape that both engines read alike)", c)
}

// parseClass reads [...] or [^...].
func (p *patternParser) parseClass() (*node, error) {
	open := p.pos
	p.pos++
	var set charSet
	if p.more() && p.src[p.pos] == '^' {
		set.negated = true
		p.pos++
	}
	if p.more() && p.src[p.pos] == ']' {
		p.pos = open
		return nil, p.refuse("an empty class [] or [^] (it means something else in regexp2)")
	}
	for {
		if !p.more() {
			p.pos = open
			return nil, p.refuse("an unterminated class")
		}
		if p.src[p.pos] == ']' {
			p.pos++
			return &node{kind: nodeSet, set: set}, nil
		}
		lo, loSet, err := p.classAtom()
		if err != nil {
			return nil, err
		}
		if p.peek("-") && p.pos+1 < len(p.src) && p.src[p.pos+1] != ']' {
			p.pos++
			hi, hiSet, err := p.classAtom()
			if err != nil {
				return nil, err
			}
			if loSet != nil || hiSet != nil {
				return nil, p.refuse("a range with a class escape at one end")
			}
			if lo > hi {
				return nil, p.refuse("the range %q-%q out of order", lo, hi)
			}
			set.ranges = append(set.ranges, runeRange{lo, hi})
			continue
		}
		if loSet != nil {
			set.ranges = append(set.ranges, loSet...)
		} else {
			set.ranges = append(set.ranges, runeRange{lo, lo})
		}
	}
}

// classAtom reads one character of a class, or a class escape (returned as
// ranges).
func (p *patternParser) classAtom() (rune, []runeRange, error) {
	c := p.src[p.pos]
	switch c {
	case '[':
		// regexp2 reads [a-z-[aeiou]] as .NET class subtraction.
		return 0, nil, p.refuse("an unescaped '[' inside a class (write \\[)")
	case '\\':
		if p.pos+1 >= len(p.src) {
			return 0, nil, p.refuse("a lone backslash at the end")
		}
		e := p.src[p.pos+1]
		if set, ok := classEscape(e); ok {
			p.pos += 2
			if set.negated {
				return 0, complement(set.ranges), nil
			}
			return 0, set.ranges, nil
		}
		if e == 'B' {
			return 0, nil, p.refuse("\\B inside a class")
		}
		r, err := p.characterEscape(true)
		return r, nil, err
	}
	p.pos++
	return c, nil, nil
}

// width returns the fewest and the most characters a node matches; most is
// -1 when unbounded.
func width(n *node) (lo, hi int) {
	switch n.kind {
	case nodeSet:
		return 1, 1
	case nodeGroup:
		for i, seq := range n.alt {
			l, h := seqWidth(seq)
			if i == 0 || l < lo {
				lo = l
			}
			if i == 0 || h < 0 || (hi >= 0 && h > hi) {
				hi = h
			}
		}
		return lo, hi
	case nodeRepeat:
		l, h := width(n.sub)
		lo = l * n.min
		switch {
		case h == 0:
			hi = 0
		case h < 0 || n.max < 0:
			hi = -1
		default:
			hi = h * n.max
		}
		return lo, hi
	}
	return 0, 0 // assertions and lookaheads consume nothing
}

func seqWidth(seq []*node) (lo, hi int) {
	for _, n := range seq {
		l, h := width(n)
		lo += l
		if hi >= 0 {
			if h < 0 {
				hi = -1
			} else {
				hi += h
			}
		}
	}
	return lo, hi
}

func hasLook(n *node) bool {
	switch n.kind {
	case nodeLook:
		return true
	case nodeRepeat:
		return hasLook(n.sub)
	case nodeGroup:
		for _, seq := range n.alt {
			for _, m := range seq {
				if hasLook(m) {
					return true
				}
			}
		}
	}
	return false
}

// decompose turns the parsed pattern into RE2 expressions, removing the
// lookaheads that sit at a known position: at the top level of a pattern
// that starts with ^, each after a prefix of fixed width.
func decompose(pattern string, root []*node) (translation, error) {
	top := root[0]
	if !hasLook(top) {
		return translation{MustMatch: []string{renderAlt(top.alt)}}, nil
	}
	refuse := func(why string) (translation, error) {
		return translation{}, fmt.Errorf("pattern %q: a lookahead %s cannot be translated to Go's regexp (RE2) with the same meaning: "+
			"specgen removes a lookahead only at the top level of a pattern that starts with ^, after a prefix whose matches all have "+
			"the same length; %s", pattern, why, errTeach)
	}
	if len(top.alt) != 1 {
		return refuse("in a pattern with a top-level alternation")
	}
	seq := top.alt[0]
	if len(seq) == 0 || seq[0].kind != nodeBegin {
		return refuse("in a pattern that does not start with ^")
	}
	var tr translation
	var prefix []*node // the sequence so far, lookaheads left out
	for _, n := range seq {
		if n.kind != nodeLook {
			if hasLook(n) {
				return refuse("inside a group, an alternation or a quantifier")
			}
			prefix = append(prefix, n)
			continue
		}
		if lo, hi := seqWidth(prefix); lo != hi {
			return refuse("after a prefix of variable width")
		}
		for _, body := range n.alt {
			for _, m := range body {
				if hasLook(m) {
					return refuse("inside a lookahead")
				}
			}
		}
		body := renderAlt(n.alt)
		if len(n.alt) > 1 {
			body = "(?:" + body + ")"
		}
		expr := renderSeq(prefix) + body
		if n.negative {
			tr.MustNotMatch = append(tr.MustNotMatch, expr)
		} else {
			tr.MustMatch = append(tr.MustMatch, expr)
		}
	}
	tr.MustMatch = append([]string{renderSeq(prefix)}, tr.MustMatch...)
	return tr, nil
}

func renderAlt(alt [][]*node) string {
	parts := make([]string, len(alt))
	for i, seq := range alt {
		parts[i] = renderSeq(seq)
	}
	return strings.Join(parts, "|")
}

func renderSeq(seq []*node) string {
	var b strings.Builder
	for _, n := range seq {
		b.WriteString(render(n))
	}
	return b.String()
}

func render(n *node) string {
	switch n.kind {
	case nodeSet:
		return renderSet(n.set)
	case nodeGroup:
		return "(?:" + renderAlt(n.alt) + ")"
	case nodeRepeat:
		sub := render(n.sub)
		switch {
		case n.min == 0 && n.max < 0:
			return sub + "*"
		case n.min == 1 && n.max < 0:
			return sub + "+"
		case n.min == 0 && n.max == 1:
			return sub + "?"
		case n.max < 0:
			return fmt.Sprintf("%s{%d,}", sub, n.min)
		case n.min == n.max:
			return fmt.Sprintf("%s{%d}", sub, n.min)
		default:
			return fmt.Sprintf("%s{%d,%d}", sub, n.min, n.max)
		}
	case nodeBegin:
		return "^" // Go's regexp without flags: the start of the input
	case nodeEnd:
		return "$" // Go's regexp without flags: the end of the input (like \z)
	}
	panic(fmt.Sprintf("specgen: render: unexpected node kind %d", n.kind))
}

func renderSet(s charSet) string {
	if !s.negated && len(s.ranges) == 1 && s.ranges[0].lo == s.ranges[0].hi {
		return renderRune(s.ranges[0].lo, `\.+*?()|[]{}^$`)
	}
	var b strings.Builder
	b.WriteByte('[')
	if s.negated {
		b.WriteByte('^')
	}
	for _, r := range s.ranges {
		b.WriteString(renderRune(r.lo, `\[]-^`))
		if r.hi != r.lo {
			b.WriteByte('-')
			b.WriteString(renderRune(r.hi, `\[]-^`))
		}
	}
	b.WriteByte(']')
	return b.String()
}

// renderRune writes r for Go's regexp: printable ASCII as itself (escaped
// when special), anything else as \x{...}.
func renderRune(r rune, special string) string {
	if r > ' ' && r < 0x7f {
		if strings.ContainsRune(special, r) {
			return `\` + string(r)
		}
		return string(r)
	}
	if r == ' ' {
		return " "
	}
	return fmt.Sprintf(`\x{%X}`, r)
}
