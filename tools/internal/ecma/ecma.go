// Package ecma compiles regular expressions with ECMA-262 semantics, the
// dialect of JSON Schema and OpenAPI patterns, for the tools that check
// patterns and examples (speclint, specgen). It wraps regexp2's ECMAScript
// mode; Go's regexp has another dialect.
package ecma

import (
	"time"

	"github.com/dlclark/regexp2"
	"github.com/getkin/kin-openapi/openapi3"
)

// Compile compiles pattern with ECMAScript semantics. It is the regex
// compiler of kin-openapi's validation (openapi3.SetRegexCompiler,
// SetSchemaRegexCompiler). A match that takes longer than ten seconds, far
// above what any pattern of a spec takes even on a loaded machine, fails:
// the bound is against catastrophic backtracking.
func Compile(pattern string) (openapi3.RegexMatcher, error) {
	re, err := regexp2.Compile(pattern, regexp2.ECMAScript)
	if err != nil {
		return nil, err
	}
	re.MatchTimeout = 10 * time.Second
	return matcher{re}, nil
}

// matcher is a compiled pattern as kin-openapi's RegexMatcher: a match
// that fails (a timeout) does not match.
type matcher struct{ re *regexp2.Regexp }

// MatchString reports whether s matches.
func (m matcher) MatchString(s string) bool {
	ok, err := m.re.MatchString(s)
	return err == nil && ok
}
