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

// matchTimeout bounds one match, against catastrophic backtracking. It is
// far above what any pattern of a spec takes, so that a loaded machine
// cannot turn a match into a failure.
const matchTimeout = 10 * time.Second

// Compile compiles pattern with ECMAScript semantics. It is the regex
// compiler of kin-openapi's validation (openapi3.SetRegexCompiler,
// SetSchemaRegexCompiler); a match that takes longer than ten seconds
// fails.
func Compile(pattern string) (openapi3.RegexMatcher, error) {
	re, err := regexp2.Compile(pattern, regexp2.ECMAScript)
	if err != nil {
		return nil, err
	}
	re.MatchTimeout = matchTimeout
	return matcher{re}, nil
}

// matcher is a compiled pattern as kin-openapi's RegexMatcher.
type matcher struct{ re *regexp2.Regexp }

// MatchString reports whether s matches; a match that fails (a timeout)
// does not.
func (m matcher) MatchString(s string) bool {
	ok, err := m.re.MatchString(s)
	return err == nil && ok
}
