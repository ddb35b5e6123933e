// Package ecma compiles the patterns of JSON Schema and OpenAPI with their
// ECMA-262 semantics (regexp2's ECMAScript mode), for speclint and specgen.
package ecma

import (
	"time"

	"github.com/dlclark/regexp2"
	"github.com/getkin/kin-openapi/openapi3"
)

// Compile compiles pattern with ECMAScript semantics for kin-openapi (openapi3.SetRegexCompiler);
// a match fails after ten seconds, far above any spec's pattern on a loaded machine.
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
