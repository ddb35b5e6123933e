package main

import (
	"fmt"
	"strconv"
	"strings"
)

// readmeRulesMarker opens README.md's table of the CustomHeaders rules, a row
// a keyword ("| headers at most (`maxProperties`) | 5 |"), the values the spec's.
const readmeRulesMarker = "<!-- rules: CustomHeaders -->"

// renderReadme sets the value column of README's custom-header rules table from
// the spec; a row the spec does not state, or a rule without a row, is an error.
// A spec without the schema leaves the README as it is, with a warning.
func renderReadme(readme []byte, m *model) ([]byte, error) {
	before, after, ok := strings.Cut(string(readme), readmeRulesMarker+"\n")
	if !ok {
		return nil, fmt.Errorf("README.md has no %s line before the custom-header rules table", readmeRulesMarker)
	}
	if m.CustomHeaders == noSchema {
		m.warnings = append(m.warnings, fmt.Sprintf("the spec has no %s schema: README.md's custom-header rules table is left as it is", customHeadersSchema))
		return readme, nil
	}
	rows, ch := m.schemas.rows, m.schemas.rows[m.CustomHeaders]
	facts := map[string]string{} // the rules the README states, by keyword path
	state := func(kw string, v, none int) {
		if v != none {
			facts[kw] = strconv.Itoa(v)
		}
	}
	state("maxProperties", ch.MaxProperties, unset)
	state("minProperties", ch.MinProperties, 0)
	for _, kw := range []string{"propertyNames", "additionalProperties"} {
		i := ch.PropertyNames
		if kw == "additionalProperties" {
			i = ch.AdditionalProperties
		}
		if i < 0 {
			continue
		}
		state(kw+".maxLength", rows[i].MaxLength, unset)
		state(kw+".minLength", rows[i].MinLength, 0)
		if p := rows[i].Pattern; p >= 0 {
			src := m.schemas.patterns[p].Source
			if strings.ContainsAny(src, "|`\n") {
				return nil, fmt.Errorf("%s.%s.pattern %q holds a character a README table cell cannot carry", customHeadersSchema, kw, src)
			}
			facts[kw+".pattern"] = "`" + src + "`"
		}
	}
	// The table: a header, a separator, then a row a rule.
	lines := strings.SplitAfter(after, "\n")
	rowed := map[string]bool{} // the keywords with a row
	for i := 2; i < len(lines) && strings.HasPrefix(lines[i], "|"); i++ {
		row := strings.TrimSuffix(lines[i], "\n")
		cells := strings.Split(strings.Trim(row, "|"), " | ")
		_, rest, _ := strings.Cut(cells[0], "`")
		keyword, _, ok := strings.Cut(rest, "`")
		value, known := facts[keyword]
		switch {
		case len(cells) != 2 || !ok || keyword == "":
			return nil, fmt.Errorf("README.md rules table: row %q: want two cells, the first naming a `keyword`", row)
		case !known:
			return nil, fmt.Errorf("README.md rules table: row %q: the spec's %s states no %s; remove the row", row, customHeadersSchema, keyword)
		}
		rowed[keyword] = true
		lines[i] = "|" + cells[0] + " | " + value + " |" + lines[i][len(row):]
	}
	var missing []string
	for _, kw := range sortedKeys(facts) {
		if !rowed[kw] {
			missing = append(missing, fmt.Sprintf("%s (%s)", kw, facts[kw]))
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("README.md rules table: the spec's %s states %s; add a row for each", customHeadersSchema, strings.Join(missing, ", "))
	}
	return []byte(before + readmeRulesMarker + "\n" + strings.Join(lines, "")), nil
}
