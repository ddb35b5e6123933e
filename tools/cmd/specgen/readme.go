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
// the spec. The root's TestREADMEFactsFollowTheCode checks which rows the table
// has (one a rule of the spec): a row whose keyword the spec does not state,
// and the README of a spec without the schema, are left as they are.
func renderReadme(readme []byte, m *model) ([]byte, error) {
	before, after, ok := strings.Cut(string(readme), readmeRulesMarker+"\n")
	if !ok {
		return nil, fmt.Errorf("README.md has no %s line before the custom-header rules table", readmeRulesMarker)
	}
	if m.CustomHeaders == noSchema {
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
	for _, sub := range []namedSchema{{"propertyNames", ch.PropertyNames}, {"additionalProperties", ch.AdditionalProperties}} {
		kw, i := sub.Name, sub.Schema
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
	for i := 2; i < len(lines) && strings.HasPrefix(lines[i], "|"); i++ {
		row := strings.TrimSuffix(lines[i], "\n")
		cells := strings.Split(strings.Trim(row, "|"), " | ")
		_, rest, _ := strings.Cut(cells[0], "`")
		keyword, _, _ := strings.Cut(rest, "`")
		if value, ok := facts[keyword]; ok && len(cells) == 2 {
			lines[i] = "|" + cells[0] + " | " + value + " |" + lines[i][len(row):]
		}
	}
	return []byte(before + readmeRulesMarker + "\n" + strings.Join(lines, "")), nil
}
