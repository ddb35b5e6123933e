package partoo_test

import (
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/partoo-go/partoo/gen"
)

// TestReadmeCustomHeaderRulesMatchTheSpec keeps the README's "Custom headers"
// tables honest: the values it shows are documentation copied from the
// generated rules, so they are checked against gen.CustomHeadersRules()
// after every `make generate`.
func TestReadmeCustomHeaderRulesMatchTheSpec(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(raw)
	start := strings.Index(readme, "## Custom headers")
	end := strings.Index(readme[start+1:], "\n## ")
	if start < 0 || end < 0 {
		t.Fatal(`README.md has no "## Custom headers" section`)
	}
	section := readme[start : start+1+end]

	// cell returns the value cell of the table row whose first cell holds key.
	cell := func(key string) string {
		t.Helper()
		re := regexp.MustCompile("(?m)^\\|[^|\\n]*" + regexp.QuoteMeta(key) + "[^|\\n]*\\| (.*) \\|$")
		m := re.FindStringSubmatch(section)
		if m == nil {
			t.Fatalf("README: no table row for %s", key)
		}
		return strings.Trim(strings.TrimSuffix(strings.TrimSpace(m[1]), " characters"), "`")
	}
	rules := gen.CustomHeadersRules()
	if len(rules.Names.MustMatch) != 1 || len(rules.Names.MustNotMatch) != 1 {
		t.Fatalf("the README's RE2 table shows one must-match and one must-not-match expression; the rules have %d and %d: update the README",
			len(rules.Names.MustMatch), len(rules.Names.MustNotMatch))
	}
	checks := []struct{ key, want string }{
		{"(`maxProperties`)", strconv.Itoa(rules.MaxProperties)},
		{"(`propertyNames.maxLength`)", strconv.Itoa(rules.Names.MaxLength)},
		{"(`propertyNames.pattern`)", rules.Names.Pattern},
		{"(`additionalProperties.maxLength`)", strconv.Itoa(rules.Values.MaxLength)},
		{"(`MustMatch`)", rules.Names.MustMatch[0]},
		{"(`MustNotMatch`)", rules.Names.MustNotMatch[0]},
	}
	for _, c := range checks {
		if got := cell(c.key); got != c.want {
			t.Errorf("README %s shows %q, the generated rules say %q: update the README after make generate", c.key, got, c.want)
		}
	}
}
