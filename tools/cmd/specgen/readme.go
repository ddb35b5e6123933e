package main

import (
	"fmt"
	"strconv"
	"strings"
)

// readmeRulesMarker opens the table of README.md that states the rules of
// the CustomHeaders schema, one row a keyword:
//
//	| headers at most (`maxProperties`) | 5 |
//
// specgen (-readme) writes the value column from the spec, so that a new
// spec's limits reach the README by regeneration alone; the first column,
// the wording, is the maintainers'.
const readmeRulesMarker = "<!-- rules: CustomHeaders -->"

// customHeaderFacts returns the rules of the CustomHeaders schema that the
// README states, by keyword path, as the README writes them.
func customHeaderFacts(m *model) (map[string]string, error) {
	rows := m.schemas.rows
	ch := rows[m.customHeaders]
	facts := map[string]string{}
	state := func(kw string, v, none int) {
		if v != none {
			facts[kw] = strconv.Itoa(v)
		}
	}
	state("maxProperties", ch.MaxProperties, unset)
	state("minProperties", ch.MinProperties, 0)
	for _, part := range []struct {
		kw    string
		index int
	}{{"propertyNames", ch.PropertyNames}, {"additionalProperties", ch.AdditionalProperties}} {
		if part.index < 0 {
			continue
		}
		s := rows[part.index]
		state(part.kw+".maxLength", s.MaxLength, unset)
		state(part.kw+".minLength", s.MinLength, 0)
		if s.Pattern >= 0 {
			src := m.schemas.patterns[s.Pattern].Source
			if strings.ContainsAny(src, "|`\n") {
				return nil, fmt.Errorf("%s.%s.pattern %q holds a character a README table cell cannot carry", customHeadersSchema, part.kw, src)
			}
			facts[part.kw+".pattern"] = "`" + src + "`"
		}
	}
	return facts, nil
}

// renderReadme returns readme with the value column of its custom-header
// rules table set from the spec. A row whose keyword the spec does not
// state, or a rule of the spec without a row, is an error naming it: the
// wording of a row is the maintainers' to write. A spec without the schema
// leaves the README as it is, with a warning.
func renderReadme(readme []byte, m *model) ([]byte, error) {
	before, after, ok := strings.Cut(string(readme), readmeRulesMarker+"\n")
	if !ok {
		return nil, fmt.Errorf("README.md has no %s line before the custom-header rules table", readmeRulesMarker)
	}
	if m.customHeaders == noSchema {
		// Another API's spec, say: the README is left as it is, and
		// its test reports the table the spec no longer backs.
		m.warnings = append(m.warnings, fmt.Sprintf("the spec has no %s schema: README.md's custom-header rules table is left as it is", customHeadersSchema))
		return readme, nil
	}
	facts, err := customHeaderFacts(m)
	if err != nil {
		return nil, err
	}
	lines := strings.SplitAfter(after, "\n")
	seen := map[string]bool{}
	table := 0 // the table's lines: a header, a separator, then a row a rule
	for table < len(lines) && strings.HasPrefix(lines[table], "|") {
		table++
	}
	for i := 2; i < table; i++ {
		row := strings.TrimSuffix(lines[i], "\n")
		cells := strings.Split(strings.Trim(row, "|"), " | ")
		if len(cells) != 2 {
			return nil, fmt.Errorf("README.md rules table: row %q: want 2 cells", row)
		}
		_, rest, _ := strings.Cut(cells[0], "`")
		keyword, _, ok := strings.Cut(rest, "`")
		if !ok || keyword == "" {
			return nil, fmt.Errorf("README.md rules table: row %q: no `keyword` in the first cell", row)
		}
		value, ok := facts[keyword]
		if !ok {
			return nil, fmt.Errorf("README.md rules table: row %q: the spec's %s states no %s; remove the row", row, customHeadersSchema, keyword)
		}
		seen[keyword] = true
		lines[i] = "|" + cells[0] + " | " + value + " |" + lines[i][len(row):]
	}
	var missing []string
	for _, kw := range sortedKeys(facts) {
		if !seen[kw] {
			missing = append(missing, fmt.Sprintf("%s (%s)", kw, facts[kw]))
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("README.md rules table: the spec's %s states %s; add a row for each", customHeadersSchema, strings.Join(missing, ", "))
	}
	return []byte(before + readmeRulesMarker + "\n" + strings.Join(lines, "")), nil
}
