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
//     names derive from it; a bundle taken with SOURCE=partoo gets derived
//     ones, recorded in api/names.yaml, so this only concerns an assembled
//     bundle);
//   - servers: servers are present, each an absolute https URL;
//   - success-response: every operation declares a 2xx response;
//   - provenance: every operation, webhook, component and top-level field that is not
//     Partoo's verbatim YAML carries x-partoo-go-source with a kind
//     (reference-docs or assumption) and a note. Partoo's verbatim YAML is
//     its whole bundle when api/provenance.yaml (-provenance) records one
//     (make update-spec SOURCE=partoo), else the seed excerpt (-seed);
//   - example-pattern: an object example's keys match the schema's
//     propertyNames pattern, evaluated with ECMAScript semantics
//     (kin-openapi does not implement propertyNames);
//   - structural rules, each with the place of the defect as a JSONPath and
//     the repairs overlay action that would fix it: types that are not JSON
//     Schema's (timestamp, float, "array of string"...), an array without
//     items, path parameters undeclared, optional or declared but absent
//     from the path, a blank parameter name, a schema's required or
//     examples that is not a list, a misspelt keyword, a pattern that names
//     a format, a $ref or discriminator mapping that resolves to nothing,
//     names that give the same Go name.
//
// Findings come in two levels. Blocking ones would make the generated
// client wrong or unbuildable; each is printed as "file:line: BLOCKING
// [rule] message", followed by the overlay action that repairs it, ready
// to paste into api/repairs.yaml (check it against Partoo's docs first).
// Advisory ones are worked around, and say how: an example that breaks its
// schema is not served by the fake, which builds a valid value instead; an
// unknown format is treated as a plain value of its type. They are
// summarised in a few lines per rule (-v lists them all). The exit status
// is 1 when any finding is blocking, 0 otherwise, and 2 on a usage error.
//
// With -provenance, when api/provenance.yaml records Partoo's verbatim
// bundle, -spec must be what specload.Effective makes of that bundle, the
// repairs overlay and the naming file, and the linted document is that one
// before its 3.1 upgrade, so that the findings and their repairs are in
// the bundle's own terms.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	prov "github.com/partoo-go/partoo/tools/internal/provenance"
	"github.com/partoo-go/partoo/tools/internal/specload"
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
	verbose := fs.Bool("v", false, "list every advisory finding, not only the first of each rule")
	provPath := fs.String("provenance", "", "api/provenance.yaml: when it records Partoo's verbatim bundle, that bundle replaces -seed")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *specPath == "" || *seedPath == "" {
		fmt.Fprintln(stderr, "speclint: -spec and -seed are required")
		return 2
	}
	spec, err := os.ReadFile(*specPath)
	if err != nil {
		fmt.Fprintln(stderr, "speclint:", err)
		return 2
	}
	// When the provenance records Partoo's verbatim bundle, the spec must
	// be what the one loader makes of it (the bundle, the repairs overlay,
	// the naming file's operationIds), and what is linted is that document
	// before its 3.1 upgrade, in the bundle's own terms: Partoo's YAML and
	// the repairs, each with its reason, need no x-partoo-go-source.
	if *provPath != "" {
		dir := filepath.Dir(*provPath)
		rec, err := prov.Read(dir)
		if err != nil {
			fmt.Fprintln(stderr, "speclint:", err)
			return 2
		}
		if rec.Source == prov.Partoo {
			res, err := effective(dir, rec)
			if err != nil {
				fmt.Fprintln(stderr, "speclint:", err)
				return 1
			}
			var drift []Finding
			if !bytes.Equal(spec, res.Spec) {
				drift = append(drift, Finding{Level: Blocking, Rule: "repairs", Message: fmt.Sprintf("%s is not what %s, %s and %s give: run make generate (never edit it by hand: repair through %s)", *specPath, prov.Verbatim, specload.RepairsFile, specload.NamesFile, specload.RepairsFile)})
			}
			seed, err := seedYAML(res.Repaired)
			if err != nil {
				fmt.Fprintf(stderr, "speclint: %v\n", err)
				return 1
			}
			findings := append(drift, Lint(res.Repaired, seed, nil)...)
			if res.UpgradedFrom != "" && !hasBlocking(findings) {
				// The generators read the 3.1 form, which kin-openapi
				// validates further (unused components, for one).
				findings = append(findings, upgradedOnly(findings, res.Spec)...)
			}
			return report(stdout, stderr, *specPath, findings, *verbose)
		}
	}
	seedRaw, err := os.ReadFile(*seedPath)
	if err != nil {
		fmt.Fprintln(stderr, "speclint:", err)
		return 2
	}
	seed, err := seedYAML(seedRaw)
	if err != nil {
		fmt.Fprintf(stderr, "speclint: seed %s: %v\n", *seedPath, err)
		return 2
	}
	findings := Lint(spec, seed, nil)
	return report(stdout, stderr, *specPath, findings, *verbose)
}

// advisoryShown is how many advisory findings of one rule the summary
// shows; -v shows them all.
const advisoryShown = 3

// report prints the blocking findings in full, each with the overlay
// actions that would repair it, then a summary of the advisory ones that
// fits on a screen. The exit status is 1 when any finding is blocking.
func report(stdout, stderr io.Writer, specPath string, findings []Finding, verbose bool) int {
	blocking := 0
	advisory := map[string][]Finding{}
	var rules []string
	for _, f := range findings {
		if f.Level != Blocking {
			if advisory[f.Rule] == nil {
				rules = append(rules, f.Rule)
			}
			advisory[f.Rule] = append(advisory[f.Rule], f)
			continue
		}
		blocking++
		fmt.Fprintf(stdout, "%s:%d: BLOCKING [%s] %s\n", specPath, f.Line, f.Rule, f.Message)
		if len(f.Fix) > 0 {
			fmt.Fprintln(stdout, "    repair (paste under actions: in the repairs overlay, and check it against Partoo's docs):")
			for _, line := range strings.Split(strings.TrimRight(fixText(f.Fix), "\n"), "\n") {
				fmt.Fprintln(stdout, "      "+line)
			}
		}
	}
	if len(advisory) > 0 {
		sort.Strings(rules)
		fmt.Fprintf(stdout, "speclint: %d advisory finding(s), worked around:\n", len(findings)-blocking)
		for _, r := range rules {
			list := advisory[r]
			fmt.Fprintf(stdout, "  [%s] %d\n", r, len(list))
			for i, f := range list {
				if i == advisoryShown && !verbose {
					fmt.Fprintf(stdout, "    ... %d more (speclint -v lists them all)\n", len(list)-advisoryShown)
					break
				}
				fmt.Fprintf(stdout, "    %s:%d: [%s] %s\n", specPath, f.Line, f.Rule, f.Message)
			}
		}
	}
	if blocking > 0 {
		fmt.Fprintf(stderr, "speclint: %s: %d blocking finding(s), %d advisory\n", specPath, blocking, len(findings)-blocking)
		return 1
	}
	fmt.Fprintf(stdout, "speclint: %s: ok (%d advisory finding(s))\n", specPath, len(findings))
	return 0
}

// effective builds the spec from Partoo's verbatim bundle in dir (checked
// against its recorded SHA-256), the repairs overlay and the naming file.
func effective(dir string, rec prov.Record) (*specload.Result, error) {
	bundle, err := prov.VerbatimBundle(dir, rec)
	if err != nil {
		return nil, err
	}
	read := func(name string) ([]byte, error) {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if errors.Is(err, os.ErrNotExist) {
			return nil, nil
		}
		return b, err
	}
	repairs, err := read(specload.RepairsFile)
	if err != nil {
		return nil, err
	}
	names, err := read(specload.NamesFile)
	if err != nil {
		return nil, err
	}
	return specload.Effective(specload.Input{Bundle: bundle, Repairs: repairs, Names: names})
}

// hasBlocking reports whether any finding is blocking.
func hasBlocking(findings []Finding) bool {
	for _, f := range findings {
		if f.Level == Blocking {
			return true
		}
	}
	return false
}

// upgradedOnly returns kin-openapi's blocking findings on the 3.1 form of
// an upgraded bundle that the bundle's own form did not give. It runs once
// the bundle's own form has nothing blocking: before that, the 3.1 form
// repeats its findings without their places and repairs.
func upgradedOnly(have []Finding, spec []byte) []Finding {
	seen := map[string]bool{}
	for _, f := range have {
		seen[f.Message] = true
	}
	var out []Finding
	for _, f := range kinOpenAPI(spec, false, nil) {
		if f.Level == Blocking && !seen[f.Message] {
			f.Message += " (in the 3.1 form the generators read)"
			out = append(out, f)
		}
	}
	return out
}
