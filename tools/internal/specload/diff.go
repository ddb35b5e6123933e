package specload

import (
	"fmt"
	"strings"

	"github.com/google/go-cmp/cmp"
)

// VerbatimRule says what a bundle may do with Partoo's verbatim elements
// (the seed excerpt, and with SOURCE=partoo Partoo's whole bundle), for the
// messages that find one changed.
const VerbatimRule = "an assembled bundle may not change Partoo's verbatim elements; take Partoo's new file instead " +
	"(make update-spec SPEC=<Partoo's bundle> SOURCE=partoo, with SEED=<its new excerpt> when the seed's operation changed); " +
	"an x-partoo-go-source mark does not make the change allowed"

// maxDiffLines is how many lines of a difference VerbatimDiff shows, so
// that a finding stays on a screen.
const maxDiffLines = 12

// VerbatimDiff returns how got (the bundle's element) differs from want
// (Partoo's), or "" when they are equal: go-cmp's report, whose lines
// marked "-" are Partoo's and "+" the bundle's, each under the keys that
// lead to it, after a line saying which mark is whose, and cut after
// maxDiffLines lines with a last line saying how many were left out.
// Values are decoded YAML (maps, slices, scalars).
func VerbatimDiff(want, got any) string {
	// go-cmp varies its report's spaces from run to run (U+00A0 or
	// U+0020); a lint's output does not.
	d := strings.ReplaceAll(strings.TrimRight(cmp.Diff(want, got), "\n"), "\u00a0", " ")
	if d == "" {
		return ""
	}
	lines := strings.Split(d, "\n")
	if len(lines) > maxDiffLines {
		lines = append(lines[:maxDiffLines], fmt.Sprintf("… %d more lines", len(lines)-maxDiffLines))
	}
	return "(- Partoo's, + the bundle's):\n" + strings.Join(lines, "\n")
}
