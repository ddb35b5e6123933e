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

// Compile compiles pattern with ECMAScript semantics. A match that takes
// longer than timeout fails.
func Compile(pattern string, timeout time.Duration) (*regexp2.Regexp, error) {
	re, err := regexp2.Compile(pattern, regexp2.ECMAScript)
	if err != nil {
		return nil, err
	}
	re.MatchTimeout = timeout
	return re, nil
}

// Matcher is a compiled pattern as kin-openapi's RegexMatcher.
type Matcher struct{ re *regexp2.Regexp }

// MatchString reports whether s matches; a match that fails (a timeout)
// does not.
func (m Matcher) MatchString(s string) bool {
	ok, err := m.re.MatchString(s)
	return err == nil && ok
}

// Compiler returns a regex compiler for kin-openapi's validation
// (openapi3.SetRegexCompiler, SetSchemaRegexCompiler) that compiles with
// ECMAScript semantics and the given match timeout.
func Compiler(timeout time.Duration) func(string) (openapi3.RegexMatcher, error) {
	return func(pattern string) (openapi3.RegexMatcher, error) {
		re, err := Compile(pattern, timeout)
		if err != nil {
			return nil, err
		}
		return Matcher{re}, nil
	}
}
