// Command speclint checks Partoo's bundled OpenAPI document before code is
// generated from it.
//
// Usage (from the repository root, or through `make spec-lint`):
//
//	go -C tools run ./cmd/speclint -spec ../api/openapi-bundled.yaml -seed spectest/testdata/seed-getWebhook.md
//
// It runs kin-openapi's document validation with its regex hook wired to an
// ECMAScript engine (github.com/dlclark/regexp2), so that ECMA-262 patterns
// such as the CustomHeaders lookahead are compiled and checked instead of
// skipped. kin-openapi also checks what any OpenAPI document must hold:
// unique operationIds, $refs that are local and resolve, examples that match
// their schemas. Then come the project's own rules:
//
//   - operation-id: every operation has an operationId (the generated
//     names derive from it);
//   - servers: servers are present, each an absolute https URL;
//   - success-response: every operation declares a 2xx response;
//   - provenance: every operation, webhook, component and top-level field that is not
//     Partoo's verbatim YAML carries x-partoo-go-source with a kind
//     (reference-docs or assumption) and a note. Partoo's verbatim YAML is
//     its whole bundle when api/provenance.yaml (-provenance) records one
//     (make update-spec SOURCE=partoo), else the seed excerpt (-seed);
//   - example-pattern: an object example's keys match the schema's
//     propertyNames pattern, evaluated with ECMAScript semantics
//     (kin-openapi does not implement propertyNames).
//
// Each finding is printed as "file:line: [rule] message"; the exit status is
// 1 when there is any finding and 2 on a usage error.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	prov "github.com/partoo-go/partoo/tools/internal/provenance"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is main without the process exit, so that tests can call it.
func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("speclint", flag.ContinueOnError)
	fs.SetOutput(stderr)
	specPath := fs.String("spec", "", "path to the bundled OpenAPI document to check")
	seedPath := fs.String("seed", "", "Partoo's verbatim YAML: a Markdown excerpt with a ````yaml fence, or a YAML file")
	provPath := fs.String("provenance", "", "api/provenance.yaml: when it records Partoo's verbatim bundle, that bundle replaces -seed")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *specPath == "" || *seedPath == "" {
		fmt.Fprintln(stderr, "speclint: -spec and -seed are required")
		return 2
	}
	// The seed is Partoo's verbatim bundle when the provenance records one
	// (read once, with its checksum verified), else the seed file.
	var seedRaw []byte
	if *provPath != "" {
		dir := filepath.Dir(*provPath)
		rec, err := prov.Read(dir)
		if err != nil {
			fmt.Fprintln(stderr, "speclint:", err)
			return 2
		}
		if rec.Source == prov.Partoo {
			if seedRaw, err = prov.VerbatimBundle(dir, rec); err != nil {
				fmt.Fprintln(stderr, "speclint:", err)
				return 1
			}
			*seedPath = filepath.Join(dir, prov.Verbatim)
		}
	}
	spec, err := os.ReadFile(*specPath)
	if err != nil {
		fmt.Fprintln(stderr, "speclint:", err)
		return 2
	}
	if seedRaw == nil {
		if seedRaw, err = os.ReadFile(*seedPath); err != nil {
			fmt.Fprintln(stderr, "speclint:", err)
			return 2
		}
	}
	seed, err := seedYAML(seedRaw)
	if err != nil {
		fmt.Fprintf(stderr, "speclint: seed %s: %v\n", *seedPath, err)
		return 2
	}
	findings := Lint(spec, seed)
	for _, f := range findings {
		fmt.Fprintf(stdout, "%s:%d: [%s] %s\n", *specPath, f.Line, f.Rule, f.Message)
	}
	if len(findings) > 0 {
		fmt.Fprintf(stderr, "speclint: %s: %d finding(s)\n", *specPath, len(findings))
		return 1
	}
	fmt.Fprintf(stdout, "speclint: %s: ok\n", *specPath)
	return 0
}
