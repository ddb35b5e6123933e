package main

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dlclark/regexp2"
)

// defaultCorpusSize is how many pseudo-random strings proveTranslation
// draws, besides the edge cases.
const defaultCorpusSize = 20_000

// The corpus is seeded: a pattern is always checked on the same strings,
// so a failure reproduces.
const corpusSeed1, corpusSeed2 = 0x7061_7274_6f6f, 0x7370_6563 // "partoo", "spec"

// ecmaMatchTimeout bounds one regexp2 match during the proof. It is far
// above what a match of these short strings takes, even on a loaded
// machine; reaching it means the pattern backtracks catastrophically, and
// generation fails rather than hangs.
const ecmaMatchTimeout = 10 * time.Second

// headerEdgeCases are the inputs that matter most for the custom-header
// name pattern, checked whatever the pattern (they cost nothing elsewhere).
var headerEdgeCases = []string{
	"X-", "x-", "X-Partoo", "x-partoo", "X-PARTOO", "x-pArToO-y", "X-Partoo2", "X-PartoX", "X-Parto", "X-Part",
	"X-My-Partoo", "Y-Foo", "XFoo", "-X", "X-Partoo\n", "X-a\n", "\nX-a", "X-Pa\u212Atoo", "X-\xff", "X-a\x00",
}

// corpusExtras are characters added to those of the pattern: controls,
// line terminators and spaces that engines treat specially, characters
// that case-fold onto ASCII letters, multi-byte and astral characters, and
// the ends of the code point range.
var corpusExtras = []rune{
	0x00, 0x01, 0x07, 0x08, '\t', '\n', '\v', '\f', '\r', 0x0e, 0x1b, 0x1f, ' ', '!', '-', '.', '0', '9', 'A', 'Z', '_', 'a', 'z', 0x7f,
	0x80, 0x85, 0xa0, 0xe9, 0x130, 0x131, 0x17f, 0x1680, 0x2028, 0x2029, 0x212a, 0x3000, 0xfeff, 0xfffd, 0x1f98a, utf8.MaxRune,
}

// invalidUTF8 are byte sequences that are not UTF-8: both engines read
// each byte as U+FFFD.
var invalidUTF8 = []string{"\xff", "\xe2\x82"}

// proveTranslation runs the pattern through regexp2's ECMAScript mode and
// its translation through Go's regexp on the edge cases and on n seeded
// pseudo-random strings built from the pattern's structure and characters.
// Any disagreement is an error.
func proveTranslation(pattern string, ecma *regexp2.Regexp, root []*node, c *compiledTranslation, n int) error {
	ecma.MatchTimeout = ecmaMatchTimeout
	g := newCorpus(root)
	total, disagree := 0, 0
	var examples []string
	check := func(s string) error {
		total++
		want, err := ecma.MatchString(s)
		if err != nil {
			return fmt.Errorf("pattern %q: regexp2 could not match %q to check the translation: %w (the pattern backtracks too much); %s", pattern, s, err, errTeach)
		}
		if got := c.match(s); got != want {
			disagree++
			if len(examples) < 5 {
				examples = append(examples, fmt.Sprintf("%q (ECMAScript %t, RE2 %t)", s, want, got))
			}
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
	if disagree > 0 {
		return fmt.Errorf("pattern %q: its RE2 translation (MustMatch %q, MustNotMatch %q) disagrees with regexp2's ECMAScript mode on %d of %d inputs, e.g. %s; %s",
			pattern, c.tr.MustMatch, c.tr.MustNotMatch, disagree, total, strings.Join(examples, ", "), errTeach)
	}
	return nil
}

// corpus generates test strings for one pattern. Strings are sequences of
// units: one character each, or one invalid UTF-8 sequence.
type corpus struct {
	rng      *rand.Rand
	root     []*node
	alphabet []string
}

func newCorpus(root []*node) *corpus {
	seen := map[rune]bool{}
	add := func(r rune) {
		if r < 0 || r > utf8.MaxRune || (0xd800 <= r && r <= 0xdfff) {
			return
		}
		seen[r] = true
		if r < utf8.RuneSelf && isASCIILetter(byte(r)) {
			seen[r^0x20] = true
		}
	}
	walk(root, func(n *node) {
		for _, rg := range n.set.ranges {
			add(rg.lo)
			add(rg.hi)
			add(rg.lo - 1)
			add(rg.hi + 1)
			add(rg.lo + (rg.hi-rg.lo)/2)
		}
	})
	for _, r := range corpusExtras {
		add(r)
	}
	runes := make([]rune, 0, len(seen))
	for r := range seen {
		runes = append(runes, r)
	}
	sort.Slice(runes, func(i, j int) bool { return runes[i] < runes[j] })
	g := &corpus{rng: rand.New(rand.NewPCG(corpusSeed1, corpusSeed2)), root: root}
	for _, r := range runes {
		g.alphabet = append(g.alphabet, string(r))
	}
	g.alphabet = append(g.alphabet, invalidUTF8...)
	return g
}

// walk calls fn on every node of the pattern.
func walk(seq []*node, fn func(*node)) {
	for _, n := range seq {
		fn(n)
		if n.sub != nil {
			walk([]*node{n.sub}, fn)
		}
		for _, branch := range n.alt {
			walk(branch, fn)
		}
	}
}

// edgeCases returns the empty string, every unit alone, the named header
// cases, and the smallest strings the pattern's structure gives (with and
// without the text its lookaheads look for), each with every unit added,
// inserted, and every one of its own units removed or case-swapped.
func (g *corpus) edgeCases() []string {
	out := append([]string{""}, headerEdgeCases...)
	out = append(out, g.alphabet...)
	for _, looks := range []bool{false, true} {
		var base []string
		g.minimal(g.root, looks, &base)
		out = append(out, strings.Join(base, ""))
		for i := 0; i <= len(base) && i <= 16; i++ {
			for _, u := range g.alphabet {
				out = append(out, strings.Join(base[:i], "")+u+strings.Join(base[i:], ""))
			}
			if i < len(base) {
				out = append(out, strings.Join(base[:i], "")+strings.Join(base[i+1:], ""))
				out = append(out, strings.Join(base[:i], "")+swapCase(base[i])+strings.Join(base[i+1:], ""))
			}
		}
	}
	return out
}

// minimal appends the shortest string the sequence suggests: fewest
// repetitions, first branch, first member of each set; a lookahead's own
// shortest string when looks is set.
func (g *corpus) minimal(seq []*node, looks bool, out *[]string) {
	for _, n := range seq {
		switch n.kind {
		case nodeSet:
			*out = append(*out, g.firstMember(n.set))
		case nodeGroup:
			g.minimal(n.alt[0], looks, out)
		case nodeLook:
			if looks {
				g.minimal(n.alt[0], looks, out)
			}
		case nodeRepeat:
			for range min(n.min, 64) {
				g.minimal([]*node{n.sub}, looks, out)
			}
		}
	}
}

func (g *corpus) firstMember(s charSet) string {
	if !s.negated && len(s.ranges) > 0 {
		return string(s.ranges[0].lo)
	}
	for _, u := range g.alphabet {
		if r, _ := utf8.DecodeRuneInString(u); s.contains(r) {
			return u
		}
	}
	return g.alphabet[0]
}

// random returns one pseudo-random string: mostly a sample of the pattern's
// structure with a few random edits, sometimes random units.
func (g *corpus) random() string {
	var units []string
	if g.rng.IntN(5) == 0 {
		for range g.rng.IntN(12) {
			units = append(units, g.unit())
		}
		return strings.Join(units, "")
	}
	g.sample(g.root, &units)
	for range g.rng.IntN(4) {
		g.edit(&units)
	}
	return strings.Join(units, "")
}

func (g *corpus) unit() string { return g.alphabet[g.rng.IntN(len(g.alphabet))] }

// sample appends a random string of the sequence's structure: a random
// branch, a few repetitions beyond the fewest, mostly members of each set,
// and the text a lookahead looks for half of the time.
func (g *corpus) sample(seq []*node, out *[]string) {
	for _, n := range seq {
		if len(*out) > 256 {
			return
		}
		switch n.kind {
		case nodeSet:
			*out = append(*out, g.member(n.set))
		case nodeGroup:
			g.sample(n.alt[g.rng.IntN(len(n.alt))], out)
		case nodeLook:
			if g.rng.IntN(2) == 0 {
				g.sample(n.alt[g.rng.IntN(len(n.alt))], out)
			}
		case nodeRepeat:
			k := n.min + g.rng.IntN(4)
			if n.max >= 0 && k > n.max {
				k = n.max
			}
			for range k {
				g.sample([]*node{n.sub}, out)
			}
		}
	}
}

// member returns a member of s most of the time (an end or a point of one
// of its ranges), else any unit.
func (g *corpus) member(s charSet) string {
	if g.rng.IntN(8) == 0 {
		return g.unit()
	}
	if !s.negated {
		rg := s.ranges[g.rng.IntN(len(s.ranges))]
		r := rg.lo
		switch g.rng.IntN(3) {
		case 1:
			r = rg.hi
		case 2:
			r = rg.lo + rune(g.rng.Int64N(int64(rg.hi-rg.lo)+1))
		}
		if 0xd800 <= r && r <= 0xdfff {
			r = rg.lo
		}
		return string(r)
	}
	for range 8 {
		u := g.unit()
		if r, _ := utf8.DecodeRuneInString(u); s.contains(r) {
			return u
		}
	}
	return g.unit()
}

// edit inserts, deletes or replaces a unit, or swaps the case of one.
func (g *corpus) edit(units *[]string) {
	u := *units
	switch op := g.rng.IntN(4); {
	case op == 0 || len(u) == 0:
		i := g.rng.IntN(len(u) + 1)
		u = append(u[:i], append([]string{g.unit()}, u[i:]...)...)
	case op == 1:
		i := g.rng.IntN(len(u))
		u = append(u[:i], u[i+1:]...)
	case op == 2:
		u[g.rng.IntN(len(u))] = g.unit()
	default:
		i := g.rng.IntN(len(u))
		u[i] = swapCase(u[i])
	}
	*units = u
}
