package main

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/dlclark/regexp2"

	"github.com/partoo-go/partoo/tools/internal/ecma"
)

// compileECMA compiles pattern with ECMAScript semantics, the judge of the
// proofs.
func compileECMA(pattern string) (*regexp2.Regexp, error) {
	return ecma.Compile(pattern, ecmaMatchTimeout)
}

func isASCIILetter(c byte) bool { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }

// nameHints are derived from a propertyNames pattern of the shape
// ^<prefix>(?!<reserved>)[^<forbidden>]*$ (the one Partoo uses). They let
// the client say why a name that the pattern rejected is wrong; and since
// they describe the whole pattern, which proveHints checks against the
// ECMAScript engine on the proof corpus, the client may also match names
// with them (Exact), a loop over the bytes instead of two regexps.
type nameHints struct {
	Prefix       string // literal prefix every name needs, for display
	PrefixFold   bool   // the prefix is matched ASCII case-insensitively
	Reserved     string // text after the prefix that is rejected, for display
	ReservedFold bool
	Forbidden    string // characters rejected after the prefix
	Exact        bool   // the hints match exactly the strings the pattern matches
}

// match reports whether s matches the pattern the hints describe.
func (h nameHints) match(s string) bool {
	rest, ok := cutFold(s, h.Prefix, h.PrefixFold)
	if !ok {
		return false
	}
	if h.Reserved != "" {
		if _, reserved := cutFold(rest, h.Reserved, h.ReservedFold); reserved {
			return false
		}
	}
	for _, r := range rest {
		if strings.ContainsRune(h.Forbidden, r) {
			return false
		}
	}
	return true
}

// cutFold is strings.CutPrefix, ASCII case-insensitive when fold is set.
func cutFold(s, prefix string, fold bool) (string, bool) {
	if len(s) < len(prefix) {
		return s, false
	}
	for i := 0; i < len(prefix); i++ {
		a, b := s[i], prefix[i]
		if a == b || fold && isASCIILetter(a) && a|0x20 == b|0x20 {
			continue
		}
		return s, false
	}
	return s[len(prefix):], true
}

// proveHints checks that the hints match exactly what the pattern matches,
// with regexp2's ECMAScript mode as the judge, on the edge cases and n
// pseudo-random strings of the pattern's proof corpus.
func proveHints(pattern string, h nameHints, n int) error {
	oracle, err := compileECMA(oracleForm(pattern))
	if err != nil {
		return err
	}
	root, err := parsePattern(pattern)
	if err != nil {
		return err
	}
	g := newCorpus(root)
	check := func(s string) error {
		want, err := oracle.MatchString(s)
		if err != nil {
			return err
		}
		if h.match(s) != want {
			return fmt.Errorf("the hints %+v give %t for %q, the pattern %t", h, !want, s, want)
		}
		return nil
	}
	for _, s := range g.edgeCases() {
		if err := check(s); err != nil {
			return err
		}
	}
	for range n {
		if err := check(g.random()); err != nil {
			return err
		}
	}
	return nil
}

// atom is one literal character of a recognised pattern, with whether it
// was written as a two-case class such as [Xx].
type atom struct {
	r    rune
	fold bool
}

// explainPattern recognises the pattern's shape and returns the hints, or
// zero hints when the shape is not recognised (the client then falls back
// to "does not match the pattern"). Recognised hints are checked against the
// pattern itself; a disagreement is an error, never a wrong explanation.
func explainPattern(pattern string, corpus int) (nameHints, error) {
	h, ok := recogniseHints(pattern)
	if !ok {
		return nameHints{}, nil
	}
	if err := probeHints(pattern, h); err != nil {
		return nameHints{}, fmt.Errorf("specgen recognised %+v in the pattern %q but the pattern disagrees: %w", h, pattern, err)
	}
	if err := proveHints(pattern, h, corpus); err != nil {
		return nameHints{}, fmt.Errorf("specgen recognised %+v in the pattern %q but the pattern disagrees: %w", h, pattern, err)
	}
	h.Exact = true
	return h, nil
}

func recogniseHints(p string) (nameHints, bool) {
	var h nameHints
	rest, ok := strings.CutPrefix(p, "^")
	if !ok {
		return h, false
	}
	prefix, rest, ok := literalAtoms(rest)
	if !ok || len(prefix) == 0 {
		return h, false
	}
	var reserved []atom
	if after, found := strings.CutPrefix(rest, "(?!"); found {
		reserved, rest, ok = literalAtoms(after)
		if !ok || len(reserved) == 0 {
			return h, false
		}
		if rest, ok = strings.CutPrefix(rest, ")"); !ok {
			return h, false
		}
	}
	class, ok := strings.CutPrefix(rest, "[^")
	if !ok {
		return h, false
	}
	forbidden, rest, ok := negatedClass(class)
	if !ok || rest != "*$" {
		return h, false
	}
	var pfold, rfold bool
	if pfold, ok = uniformFold(prefix); !ok {
		return h, false
	}
	if len(reserved) > 0 {
		if rfold, ok = uniformFold(reserved); !ok {
			return h, false
		}
	}
	display := displayAtoms(append(append([]atom{}, prefix...), reserved...))
	h.Prefix, h.PrefixFold = display[:atomsLen(prefix)], pfold
	h.Reserved, h.ReservedFold = display[atomsLen(prefix):], rfold
	h.Forbidden = forbidden
	return h, true
}

// literalAtoms reads literal characters and two-case letter classes until
// the next group or class.
func literalAtoms(s string) ([]atom, string, bool) {
	var out []atom
	for s != "" {
		switch {
		case strings.HasPrefix(s, "(?!"), strings.HasPrefix(s, ")"), strings.HasPrefix(s, "[^"):
			return out, s, true
		case s[0] == '[':
			end := strings.IndexByte(s, ']')
			if end != 3 {
				return nil, s, false
			}
			a, b := s[1], s[2]
			if !isASCIILetter(a) || a == b || a|0x20 != b|0x20 {
				return nil, s, false
			}
			out = append(out, atom{r: rune(a), fold: true})
			s = s[4:]
		case s[0] == '\\':
			if len(s) < 2 || !isASCIIPunct(s[1]) {
				return nil, s, false
			}
			out = append(out, atom{r: rune(s[1])})
			s = s[2:]
		case strings.ContainsRune(`.*+?(){}|^$]`, rune(s[0])):
			return nil, s, false
		default:
			r, size := utf8.DecodeRuneInString(s)
			out = append(out, atom{r: r})
			s = s[size:]
		}
	}
	return out, s, true
}

// negatedClass reads the body of [^...] made of literal characters and
// punctuation escapes (no ranges), and returns its characters.
func negatedClass(s string) (string, string, bool) {
	var b strings.Builder
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ']':
			return b.String(), s[i+1:], b.Len() > 0
		case c == '\\':
			if i+1 >= len(s) || !isASCIIPunct(s[i+1]) {
				return "", "", false
			}
			b.WriteByte(s[i+1])
			i += 2
		case c == '-' && i > 0 && i+1 < len(s) && s[i+1] != ']':
			return "", "", false // a range
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			b.WriteRune(r)
			i += size
		}
	}
	return "", "", false
}

func isASCIIPunct(c byte) bool {
	return c < utf8.RuneSelf && c > ' ' && c != 0x7f && !isASCIILetter(c) && (c < '0' || c > '9')
}

// uniformFold reports whether every letter of the atoms is a two-case class
// (true) or every letter is literal (false); mixed is not recognised.
func uniformFold(atoms []atom) (fold, ok bool) {
	folded, literal := 0, 0
	for _, a := range atoms {
		switch {
		case a.fold:
			folded++
		case a.r < utf8.RuneSelf && isASCIILetter(byte(a.r)):
			literal++
		}
	}
	return folded > 0, folded == 0 || literal == 0
}

// displayAtoms renders atoms for messages: a two-case letter is upper case
// at the start of a word and lower case inside it ("[Xx]-[Pp][Aa]" reads
// "X-Pa").
func displayAtoms(atoms []atom) string {
	var b strings.Builder
	prevLetter := false
	for _, a := range atoms {
		r := a.r
		letter := r < utf8.RuneSelf && isASCIILetter(byte(r))
		if a.fold {
			if prevLetter {
				r |= 0x20
			} else {
				r &^= 0x20
			}
		}
		b.WriteRune(r)
		prevLetter = letter
	}
	return b.String()
}

func atomsLen(atoms []atom) int {
	n := 0
	for _, a := range atoms {
		n += utf8.RuneLen(a.r)
	}
	return n
}

// probeHints checks recognised hints against the compiled pattern.
func probeHints(pattern string, h nameHints) error {
	re, err := compileECMA(pattern)
	if err != nil {
		return err
	}
	filler := ""
	for _, c := range []string{"q", "z", "0", "_"} {
		if !strings.Contains(h.Forbidden, c) && !strings.HasPrefix(strings.ToLower(h.Reserved), c) {
			filler = c
			break
		}
	}
	if filler == "" {
		return fmt.Errorf("no filler character")
	}
	expect := func(name string, want bool) error {
		got, err := re.MatchString(name)
		if err != nil {
			return err
		}
		if got != want {
			return fmt.Errorf("the pattern gives %v for %q, the hints predict %v", got, name, want)
		}
		return nil
	}
	checks := []struct {
		name string
		want bool
	}{
		{h.Prefix + filler, true},
		{otherFirst(h.Prefix) + filler, false},
	}
	if h.PrefixFold {
		checks = append(checks, struct {
			name string
			want bool
		}{swapCase(h.Prefix) + filler, true})
	}
	if h.Reserved != "" {
		checks = append(checks, []struct {
			name string
			want bool
		}{
			{h.Prefix + h.Reserved + filler, false},
			{h.Prefix + h.Reserved, false},
			{h.Prefix + otherLast(h.Reserved) + filler, !strings.ContainsAny(otherLast(h.Reserved), h.Forbidden)},
		}...)
		if h.ReservedFold {
			checks = append(checks, struct {
				name string
				want bool
			}{h.Prefix + swapCase(h.Reserved) + filler, false})
		}
	}
	for _, c := range h.Forbidden {
		checks = append(checks, struct {
			name string
			want bool
		}{h.Prefix + filler + string(c) + filler, false})
	}
	for _, c := range checks {
		if err := expect(c.name, c.want); err != nil {
			return err
		}
	}
	return nil
}

// otherFirst changes the first character of s to a different one.
func otherFirst(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	return string(nextRune(r)) + s[size:]
}

// otherLast changes the last character of s to a different one.
func otherLast(s string) string {
	r, size := utf8.DecodeLastRuneInString(s)
	return s[:len(s)-size] + string(nextRune(r))
}

func nextRune(r rune) rune {
	switch {
	case r == 'z' || r == 'Z':
		return r - 1
	case r < utf8.RuneSelf && isASCIILetter(byte(r)):
		return r + 1
	default:
		return 'q'
	}
}

func swapCase(s string) string {
	b := []byte(s)
	for i, c := range b {
		if isASCIILetter(c) {
			b[i] = c ^ 0x20
		}
	}
	return string(b)
}

// compileECMAScript is the regex compiler given to kin-openapi, so that
// examples are checked with the patterns' own dialect.
var compileECMAScript = ecma.Compiler(ecmaMatchTimeout)
