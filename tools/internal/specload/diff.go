package specload

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// VerbatimRule says what a bundle may do with Partoo's verbatim elements
// (the seed excerpt, and with SOURCE=partoo Partoo's whole bundle), for the
// messages that find one changed.
const VerbatimRule = "an assembled bundle may not change Partoo's verbatim elements; take Partoo's new file instead " +
	"(make update-spec SPEC=<Partoo's bundle> SOURCE=partoo, after committing its new seed excerpt when the seed's operation changed); " +
	"an x-partoo-go-source mark does not make the change allowed"

// FirstDiff returns where got (the bundle's element) first differs from
// want (Partoo's), both decoded YAML, or "" when they are equal: the first
// line that differs when both are written as YAML (keys sorted), with its
// number and both sides, such as
// `line 3: Partoo's "type: integer", the bundle's "type: string"`.
func FirstDiff(want, got any) string {
	w, g := yamlLines(want), yamlLines(got)
	for i := range max(len(w), len(g)) {
		if wl, gl := lineAt(w, i), lineAt(g, i); wl != gl {
			return fmt.Sprintf("line %d: Partoo's %s, the bundle's %s", i+1, wl, gl)
		}
	}
	return ""
}

// yamlLines writes v as YAML and splits it into lines.
func yamlLines(v any) []string {
	out, err := yaml.Marshal(v)
	if err != nil {
		return []string{err.Error()}
	}
	return strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
}

// lineAt quotes line i of lines, without its indentation, or says it is
// missing.
func lineAt(lines []string, i int) string {
	if i >= len(lines) {
		return "(no such line)"
	}
	return fmt.Sprintf("%q", strings.TrimSpace(lines[i]))
}
