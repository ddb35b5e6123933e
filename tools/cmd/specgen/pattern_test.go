package main

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/dlclark/regexp2"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// translated are patterns specgen translates, with their translation: the
// constructs it knows, alone and together. TestTranslationsAgreeWithECMAScript
// proves each one against an ECMAScript engine.
var translated = []struct {
	name, pattern           string
	mustMatch, mustNotMatch []string
}{
	{"the spec's custom header names", `^[Xx]-(?![Pp][Aa][Rr][Tt][Oo][Oo])[^ ()<>@,;:\\\"\/\[\]?={}]*$`,
		[]string{`^[Xx]-[^ ()<>@,;:\\"/\[\]?={}]*$`}, []string{`^[Xx]-[Pp][Aa][Rr][Tt][Oo][Oo]`}},
	{"the spec's webhook URLs", `^https://`, []string{`^https://`}, nil},
	{"a Partoo id", `^[0-9a-f]{24}$`, []string{`^[0-9a-f]{24}$`}, nil},
	{"an id or a draft id", `^([0-9a-f]{24}|c-.+)$`, []string{`^(?:[0-9a-f]{24}|c-` + ecmaDot + `+)$`}, nil},
	{"a zip code", `^[0-9A-Za-z][0-9A-Za-z -]{1,8}[0-9A-Za-z]$`, []string{`^[0-9A-Za-z][0-9A-Za-z \-]{1,8}[0-9A-Za-z]$`}, nil},
	{"a class with a dash", `^X-[A-Za-z0-9-]+$`, []string{`^X-[A-Za-z0-9\-]+$`}, nil},
	{"unanchored, alternation", `ab|^c`, []string{`ab|^c`}, nil},
	{"class escapes RE2 reads alike", `^\d\w[\d_][\w.]$`, []string{`^\d\w[\d_][\w.]$`}, nil},
	{"\\s is ECMA-262's white space, not RE2's", `^\s[\s-]$`, []string{`^[` + ecmaSpaces + `][` + ecmaSpaces + `\-]$`}, nil},
	{"the dot excludes ECMA-262's line terminators", `^a.b$`, []string{`^a` + ecmaDot + `b$`}, nil},
	{"a dot in a class is a dot", `^[.]$`, []string{`^[.]$`}, nil},
	{"identity escapes", `^\"\/\.\-\[\]\{\}\$\^\|[\]\-\\]$`, []string{`^"/\.-\[\]\{\}\$\^\|[\]\-\\]$`}, nil},
	{"dashes in classes", `^[-a][a-][a-b-c][--/]$`, []string{`^[\-a][a\-][a-b\-c][\--/]$`}, nil},
	{"groups and quantifiers", `^(a|bc)(?:d){2}(e){1,}f{1,3}?g*?h+?i??$`, []string{`^(?:a|bc)(?:d){2}(?:e){1,}f{1,3}?g*?h+?i??$`}, nil},
	{"non-ASCII and control characters", "^é🦊\x01$", []string{`^\x{E9}\x{1F98A}\x{1}$`}, nil},
	{"a lookahead at the start", `^(?!-)[a-z-]+$`, []string{`^[a-z\-]+$`}, []string{`^-`}},
	{"lookaheads at two positions", `^a(?!b)c(?!de)`, []string{`^ac`}, []string{`^ab`, `^acde`}},
	{"a group in a lookahead", `^a(?!(?:bc){2}d)`, []string{`^a`}, []string{`^a(?:bc){2}d`}},
	{"a lookahead after the end", `^a$(?!b)`, []string{`^a$`}, []string{`^a$b`}},
	{"an empty lookahead", `^a(?!)`, []string{`^a`}, []string{`^a`}},
	{"another name rule", `^[Aa][Pp][Pp]\-(?!int)[^ :-]*$`, []string{`^[Aa][Pp][Pp]-[^ :\-]*$`}, []string{`^[Aa][Pp][Pp]-int`}},
}

func TestTranslatePattern(t *testing.T) {
	t.Parallel()
	for _, tt := range translated {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tr, err := translatePattern("where", tt.pattern)
			if err != nil {
				t.Fatalf("translate(%q): %v", tt.pattern, err)
			}
			want := translation{MustMatch: tt.mustMatch, MustNotMatch: tt.mustNotMatch}
			if diff := cmp.Diff(want, tr, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("translate(%q) (-want +got):\n%s", tt.pattern, diff)
			}
		})
	}
}

// TestTranslatePatternRefuses: every construct outside the ones specgen
// knows is refused at generation, with a message that names the schema,
// the pattern and the construct.
func TestTranslatePatternRefuses(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, pattern, construct string }{
		{"lookahead after a quantifier", `^a*(?!b)c$`, "a lookahead inside or after a group, or after a quantifier at offset 3"},
		{"lookahead after an optional character", `^ab?(?!c)`, "a lookahead inside or after a group, or after a quantifier"},
		{"lookahead after a group", `^(?:ab|cd)(?!y)z$`, "a lookahead inside or after a group, or after a quantifier"},
		{"lookahead without ^", `a(?!b)`, "a lookahead in a pattern that does not start with ^ or has a top-level '|'"},
		{"lookahead and top-level alternation", `^a(?!b)|c`, "a lookahead in a pattern that does not start with ^ or has a top-level '|'"},
		{"lookahead after a top-level '|'", `^a|b(?!c)`, "a lookahead in a pattern that does not start with ^ or has a top-level '|'"},
		{"lookahead in a group", `^(?:a(?!b))c`, "a lookahead inside or after a group, or after a quantifier at offset 5"},
		{"lookahead in a lookahead", `^(?!a(?!b))`, "a lookahead inside or after a group, or after a quantifier"},
		{"quantified lookahead", `^(?!a)*b`, "a quantifier on an assertion"},
		{"quantified anchor", `^*a`, "a quantifier on an assertion"},
		{"quantifier at the start of a lookahead", `^(?!*a)`, "a quantifier on the start of a lookahead"},
		{"positive lookahead", `^(?=[a-z]{3})\w+$`, `the group "(?=" (positive lookahead, lookbehind, named group or flags) at offset 1`},
		{"alternation in a lookahead", `^a(?!b)c(?!d|e)`, "a '|' inside a lookahead at offset 12"},
		{"alternation in a group in a lookahead", `^a(?!(b|c)d)`, "a '|' inside a lookahead at offset 7"},
		{"negated digit escape", `^\D$`, `the escape \D at offset 1`},
		{"negated word escape", `^a\W$`, `the escape \W at offset 2`},
		{"negated space escape", `^\S+$`, `the escape \S at offset 1`},
		{"negated escape in a class", `^[a\S]$`, `the escape \S at offset 1`},
		{"lookahead that is the whole pattern", `(?!^)`, "a lookahead in a pattern that does not start with ^"},
		{"lookbehind", `^(?<=a)b$`, `the group "(?<"`},
		{"named group", `^(?<n>a)$`, `the group "(?<"`},
		{"inline flags", `^(?i)a$`, `the group "(?i"`},
		{"backreference", `^(a)\1$`, `the escape \1 at offset 4`},
		{"word boundary", `^a\b`, `the escape \b`},
		{"character escape", `^\t$`, `the escape \t`},
		{"hex escape", `^\x41$`, `the escape \x`},
		{"Unicode escape", `^\u00e9$`, `the escape \u`},
		{"Unicode property", `^\p{L}$`, `the escape \p`},
		{"backspace in a class", `^[\b]$`, `the escape \b`},
		{"empty class", `^[]a]$`, "an empty class [] or [^]"},
		{"negated empty class", `^[^]a]$`, "an empty class [] or [^]"},
		{"bracket in a class", `^[a-z-[aeiou]]$`, `an unescaped '[' inside a class`},
		{"range with a class escape", `^[\d-z]$`, "a range with a class escape at one end"},
		{"lone brace", `^(?:{a)$`, `a lone '{'`},
		{"brace that is no quantifier", `^a{,3}$`, `a lone '{'`},
		{"lone bracket", `^a]$`, `a lone ']'`},
		{"nothing to repeat", `+a`, "missing argument to repetition operator: `+`"},
		{"brace after a quantifier", `^a*{,3}$`, `a lone '{'`},
		{"quantifier after a quantifier", `^a*+$`, "invalid nested repetition operator: `*+`"},
		{"unterminated group", `^a(`, "an unterminated group"},
		{"unmatched parenthesis", `^a)`, "an unmatched ')' at offset 2"},
		{"unmatched parenthesis before a lookahead", `^a)(?!b)c`, "an unmatched ')' at offset 2"},
		{"unmatched parenthesis after a group", `^(a))`, "an unmatched ')' at offset 4"},
		{"unterminated class", `^[a`, "an unterminated class"},
		{"lone backslash", `^a\`, "a lone backslash at the end"},
		{"repeat count RE2 refuses", `^a{1001}$`, "invalid repeat count"},
		{"range out of order", `^[z-a]$`, "invalid character class range"},
		{"repeated astral character", "^a🦊+$", "a quantifier on an astral character"},
		{"lazily repeated astral character", "^🦊{2}?$", "a quantifier on an astral character"},
		{"astral character in a class", "^[a🦊]$", "an astral character inside a class"},
		{"astral end of a range", "^[a-🦊]$", "an astral character inside a class"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := translatePattern("components.schemas.S.pattern", tt.pattern)
			if err == nil {
				t.Fatalf("translate(%q) succeeded", tt.pattern)
			}
			want := fmt.Sprintf("components.schemas.S.pattern: pattern %q: ", tt.pattern)
			if msg := err.Error(); !strings.HasPrefix(msg, want) || !strings.Contains(msg, tt.construct) {
				t.Errorf("translate(%q) error = %q, want it to start with %q and name %q", tt.pattern, msg, want, tt.construct)
			}
		})
	}
}

func TestHintsOf(t *testing.T) {
	t.Parallel()
	tests := []struct {
		pattern string
		want    nameHints
	}{
		{`^[Xx]-(?![Pp][Aa][Rr][Tt][Oo][Oo])[^ ()<>@,;:\\\"\/\[\]?={}]*$`,
			nameHints{Prefix: "X-", PrefixFold: true, Reserved: "Partoo", ReservedFold: true, Forbidden: ` ()<>@,;:\"/[]?={}`, Exact: true}},
		{`^X-[^:]*$`, nameHints{Prefix: "X-", Forbidden: ":", Exact: true}},
		{`^[xX]-[^:-]*$`, nameHints{Prefix: "X-", PrefixFold: true, Forbidden: ":-", Exact: true}},
		{`^[Aa][Pp][Pp]\-(?!int)[^ :]*$`, nameHints{Prefix: "App-", PrefixFold: true, Reserved: "int", Forbidden: " :", Exact: true}},
		{`^X-[^a-z]*$`, nameHints{}},   // a range
		{`^X-[^:]+$`, nameHints{}},     // + instead of *
		{`^[Xx]x-[^:]*$`, nameHints{}}, // mixed case handling
		{`X-[^:]*$`, nameHints{}},      // unanchored
		{`^X-(?!a)[^:]*`, nameHints{}}, // no $
		{`^[Xy]-[^:]*$`, nameHints{}},  // not a two-case class
		{`^\d-[^:]*$`, nameHints{}},    // class escape
		{`^(?!a)[^:]*$`, nameHints{}},  // no prefix
		{`^X(?!)[^:]*$`, nameHints{}},  // empty lookahead
		{`^[X]\/[^-:]*$`, nameHints{Prefix: "X/", Forbidden: "-:", Exact: true}},
		{`^[Kk]-(?![Ii][Dd])[^\]]*$`, nameHints{Prefix: "K-", PrefixFold: true, Reserved: "Id", ReservedFold: true, Forbidden: "]", Exact: true}},
		{`^X-[^\--a]*$`, nameHints{}}, // a range from an escaped dash
		{`^X-[^\s]*$`, nameHints{}},   // a class escape
	}
	for _, tt := range tests {
		if _, err := translatePattern("where", tt.pattern); err != nil {
			t.Errorf("translate(%q): %v", tt.pattern, err)
		}
		if got := hintsOf(tt.pattern); got != tt.want {
			t.Errorf("hints of %q = %+v, want %+v", tt.pattern, got, tt.want)
		}
	}
}

// TestTranslationsAgreeWithECMAScript is the proof that a translation means
// what its pattern means: on strings drawn from the translation itself and
// edited at random, and on every character of a wide alphabet, Go's regexp
// running the translation agrees with regexp2's ECMAScript mode running
// the pattern; where specgen recognised hints, they agree too.
func TestTranslationsAgreeWithECMAScript(t *testing.T) {
	t.Parallel()
	for _, tt := range translated {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tr, err := translatePattern("where", tt.pattern)
			if err != nil {
				t.Fatal(err)
			}
			if err := agree(tt.pattern, tr, hintsOf(tt.pattern)); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestAgreementCatchesWrongTranslations: the proof above finds a subtly
// wrong translation.
func TestAgreementCatchesWrongTranslations(t *testing.T) {
	t.Parallel()
	const spec = `^[Xx]-(?![Pp][Aa][Rr][Tt][Oo][Oo])[^ ()<>@,;:\\\"\/\[\]?={}]*$`
	const body = `[^ ()<>@,;:\\"/\[\]?={}]*`
	const not = `^[Xx]-[Pp][Aa][Rr][Tt][Oo][Oo]`
	tests := []struct {
		name, pattern string
		wrong         translation
		hints         nameHints
	}{
		{"lookahead dropped", spec, translation{MustMatch: []string{`^[Xx]-` + body + `$`}}, nameHints{}},
		{"lookahead case-sensitive", spec, translation{MustMatch: []string{`^[Xx]-` + body + `$`}, MustNotMatch: []string{`^[Xx]-Partoo`}}, nameHints{}},
		{"lookahead anchored at the end", spec, translation{MustMatch: []string{`^[Xx]-` + body + `$`}, MustNotMatch: []string{not + `$`}}, nameHints{}},
		{"a forbidden character missing", spec, translation{MustMatch: []string{`^[Xx]-[^ ()<>@,;:\\/\[\]?={}]*$`}, MustNotMatch: []string{not}}, nameHints{}},
		{"end anchor that allows a final newline", spec, translation{MustMatch: []string{`(?m)^[Xx]-` + body + `$`}, MustNotMatch: []string{not}}, nameHints{}},
		{"hints with a forbidden character missing", spec, translation{MustMatch: []string{`^[Xx]-` + body + `$`}, MustNotMatch: []string{not}},
			nameHints{Prefix: "X-", PrefixFold: true, Reserved: "Partoo", ReservedFold: true, Forbidden: ` ()<>@,;:\/[]?={}`, Exact: true}},
		{"RE2's \\s for ECMA-262's", `^a\sb$`, translation{MustMatch: []string{`^a\sb$`}}, nameHints{}},
		{"RE2's dot for ECMA-262's", `^a.b$`, translation{MustMatch: []string{`^a.b$`}}, nameHints{}},
		{"RE2's \\w with Unicode", `^\w$`, translation{MustMatch: []string{`^[\pL\pN_]$`}}, nameHints{}},
		{"case folding where the pattern has none", `^k$`, translation{MustMatch: []string{`(?i)^k$`}}, nameHints{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if err := agree(tt.pattern, tt.wrong, tt.hints); err == nil {
				t.Errorf("the proof accepted %+v %+v for %q", tt.wrong, tt.hints, tt.pattern)
			}
		})
	}
}

// agree compares the pattern, run by regexp2's ECMAScript mode, with its
// translation and hints on a seeded corpus.
func agree(pattern string, tr translation, hints nameHints) error {
	// regexp2's '.' also matches U+2028 and U+2029, which ECMA-262's does
	// not: the judge reads every '.' outside a class as ECMA-262 does.
	var b strings.Builder
	inClass := false
	for i := 0; i < len(pattern); i++ {
		switch c := pattern[i]; {
		case c == '\\' && i+1 < len(pattern):
			b.WriteString(pattern[i : i+2])
			i++
		case c == '.' && !inClass:
			b.WriteString(`[^\n\r\u2028\u2029]`)
		default:
			inClass = c == '[' || inClass && c != ']'
			b.WriteByte(c)
		}
	}
	judge, err := regexp2.Compile(b.String(), regexp2.ECMAScript)
	if err != nil {
		return err
	}
	judge.MatchTimeout = 10 * time.Second
	compile := func(exprs []string) (out []*regexp.Regexp, err error) {
		for _, e := range exprs {
			re, err := regexp.Compile(e)
			if err != nil {
				return nil, err
			}
			out = append(out, re)
		}
		return out, nil
	}
	must, err := compile(tr.MustMatch)
	if err != nil {
		return err
	}
	mustNot, err := compile(tr.MustNotMatch)
	if err != nil {
		return err
	}
	match := func(s string) bool {
		for _, re := range must {
			if !re.MatchString(s) {
				return false
			}
		}
		for _, re := range mustNot {
			if re.MatchString(s) {
				return false
			}
		}
		return true
	}
	for _, s := range corpus(pattern, tr) {
		want, err := judge.MatchString(s)
		if err != nil {
			return err
		}
		if got := match(s); got != want {
			return fmt.Errorf("%q: the translation %+v gives %t for %q, ECMAScript %t", pattern, tr, got, s, want)
		}
		if hints.Exact && hints.match(s) != want {
			return fmt.Errorf("%q: the hints %+v give %t for %q, ECMAScript %t", pattern, hints, !want, s, want)
		}
	}
	return nil
}

// extras are characters that engines treat specially: controls, line
// terminators and spaces, characters that case-fold onto ASCII letters,
// multi-byte and astral characters, the ends of the code point range, and
// bytes that are not UTF-8.
var extras = []string{"\x00", "\x01", "\b", "\t", "\n", "\v", "\f", "\r", "\x1f", " ", "!", "-", ".", "0", "9", "A", "Z", "_", "a", "z", "\x7f",
	"\u0085", "\u00a0", "é", "\u0130", "\u0131", "\u017f", "\u1680", "\u2000", "\u200a", "\u200b", "\u2028", "\u2029", "\u202f", "\u205f",
	"\u212a", "\u3000", "\ufeff", "\ufffd", "🦊", string(utf8.MaxRune), "\xff", "\xe2\x82"}

// corpus returns the test strings of a pattern: the empty string, every
// unit alone, and strings drawn from each expression of the translation
// under test and of specgen's own, each also edited at random, the first
// ones also with every unit before and after them.
func corpus(pattern string, tr translation) []string {
	own, _ := translatePattern("", pattern)
	rng := rand.New(rand.NewPCG(0x7061_7274_6f6f, uint64(len(pattern))))
	units := append([]string{}, extras...)
	for _, r := range pattern {
		units = append(units, string(r), strings.ToUpper(string(r)), strings.ToLower(string(r)))
	}
	out := append([]string{""}, units...)
	for _, expr := range slices.Concat(tr.MustMatch, tr.MustNotMatch, own.MustMatch, own.MustNotMatch) {
		re, err := syntax.Parse(expr, syntax.Perl)
		if err != nil {
			continue
		}
		for i := range 400 {
			var b strings.Builder
			draw(rng, re, units, &b)
			s := b.String()
			out = append(out, s)
			for k := 0; i < 20 && k < len(units); k++ {
				out = append(out, s+units[k], units[k]+s)
			}
			for range 1 + rng.IntN(3) {
				s = edit(rng, s, units)
			}
			out = append(out, s)
		}
	}
	return out
}

// draw writes a random string of the expression's structure.
func draw(rng *rand.Rand, re *syntax.Regexp, units []string, b *strings.Builder) {
	switch re.Op {
	case syntax.OpLiteral:
		b.WriteString(string(re.Rune))
	case syntax.OpCharClass:
		i := 2 * rng.IntN(len(re.Rune)/2)
		lo, hi := re.Rune[i], re.Rune[i+1]
		r := []rune{lo, hi, lo + rng.Int32N(hi-lo+1)}[rng.IntN(3)]
		b.WriteRune(r)
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		b.WriteString(units[rng.IntN(len(units))])
	case syntax.OpCapture:
		draw(rng, re.Sub[0], units, b)
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			draw(rng, sub, units, b)
		}
	case syntax.OpAlternate:
		draw(rng, re.Sub[rng.IntN(len(re.Sub))], units, b)
	case syntax.OpStar, syntax.OpPlus, syntax.OpQuest, syntax.OpRepeat:
		lo, hi := re.Min, re.Max
		switch re.Op {
		case syntax.OpStar:
			lo, hi = 0, -1
		case syntax.OpPlus:
			lo, hi = 1, -1
		case syntax.OpQuest:
			lo, hi = 0, 1
		}
		n := lo + rng.IntN(4)
		if hi >= 0 && n > hi {
			n = hi
		}
		for range n {
			draw(rng, re.Sub[0], units, b)
		}
	}
}

// edit inserts, deletes or replaces a character, or swaps the case of one.
func edit(rng *rand.Rand, s string, units []string) string {
	rs := []rune(s)
	i := rng.IntN(len(rs) + 1)
	switch rng.IntN(4) {
	case 0:
		return string(rs[:i]) + units[rng.IntN(len(units))] + string(rs[i:])
	case 1:
		if i < len(rs) {
			return string(rs[:i]) + string(rs[i+1:])
		}
	case 2:
		if i < len(rs) {
			return string(rs[:i]) + units[rng.IntN(len(units))] + string(rs[i+1:])
		}
	}
	if i < len(rs) {
		return string(rs[:i]) + string(rs[i]^0x20) + string(rs[i+1:])
	}
	return s
}

// match is the hints' own matcher, the one the client runs when they are
// exact (apispec.NameHints).
func (h nameHints) match(s string) bool {
	rest, ok := cutFold(s, h.Prefix, h.PrefixFold)
	if !ok {
		return false
	}
	if _, reserved := cutFold(rest, h.Reserved, h.ReservedFold); h.Reserved != "" && reserved {
		return false
	}
	return !strings.ContainsAny(rest, h.Forbidden)
}

func cutFold(s, prefix string, fold bool) (string, bool) {
	if len(s) < len(prefix) || !(s[:len(prefix)] == prefix || fold && asciiEqualFold(s[:len(prefix)], prefix)) {
		return s, false
	}
	return s[len(prefix):], true
}

func asciiEqualFold(a, b string) bool {
	for i := range len(a) {
		if a[i] != b[i] && !(isLetter(rune(a[i])) && a[i]|0x20 == b[i]|0x20) {
			return false
		}
	}
	return true
}
