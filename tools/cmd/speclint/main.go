// Command speclint checks Partoo's bundled OpenAPI document before code is
// generated from it (make spec-lint):
//
//	go -C tools run ./cmd/speclint -spec ../api/openapi-bundled.yaml -seed spectest/testdata/seed-getWebhook.md
//
// kin-openapi validates the document (unique operationIds, $refs that are
// local and resolve, examples that match their schemas), its regex hook
// wired to an ECMAScript engine so that ECMA-262 patterns such as the
// CustomHeaders lookahead are compiled, not skipped. One walk of the
// document then applies the project's rules, which docs/maintaining.md
// lists: operationIds and 2xx responses, https servers, the structural
// defects of real bundles, names that give one Go name, example keys
// against propertyNames (which kin-openapi does not implement), and
// provenance: an element that is not Partoo's verbatim YAML carries
// x-partoo-go-source {kind: reference-docs or assumption, note}. Partoo's
// verbatim YAML is its bundle when api/provenance.yaml (-provenance)
// records one, else the seed excerpt (-seed), which the bundle may not
// change.
//
// A blocking finding (the generated client would be wrong or would not
// build) is printed as "file:line: BLOCKING [rule] message" with the
// overlay action that repairs it, ready to paste into api/repairs.yaml
// once checked against Partoo's docs; advisory ones, worked around, are
// summarised in a few lines per rule (-v lists them all). The exit status
// is 1 when any finding is blocking, 2 on a usage error, else 0.
//
// Partoo's bundle, as it is (-partoo, with -repairs and -names, as make
// update-spec SOURCE=partoo runs it; or the one api/provenance.yaml
// records, with -provenance), is linted as specload.Effective repairs it,
// before its 3.1 upgrade, so that the findings and their repairs are in
// the bundle's own terms, and each finding gives its line in the bundle's
// file (none for what a repair added). That api/openapi-bundled.yaml is
// its 3.1 form is checked by make check-generated and by tools/spectest.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/partoo-go/partoo/tools/internal/specload"
	"gopkg.in/yaml.v3"
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
	provPath := fs.String("provenance", "", "api/provenance.yaml: when it records Partoo's verbatim bundle, that bundle, repaired as the loader does, is linted instead of -spec")
	partoo := fs.Bool("partoo", false, "-spec is Partoo's verbatim bundle: lint it repaired as the loader does, with -repairs and -names")
	repairsPath := fs.String("repairs", "", "with -partoo: the repairs overlay (default: none)")
	namesPath := fs.String("names", "", "with -partoo: the naming file, whose operationIds the loader gives (default: none)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	fail := func(code int, err error) int {
		fmt.Fprintln(stderr, "speclint:", err)
		return code
	}
	switch {
	case !*partoo && (*repairsPath != "" || *namesPath != ""):
		return fail(2, errors.New("-repairs and -names go with -partoo"))
	case *partoo && (*provPath != "" || *seedPath != ""):
		return fail(2, errors.New("-partoo lints -spec as Partoo's bundle, its own seed: it takes neither -provenance nor -seed"))
	case *partoo && *specPath == "":
		return fail(2, errors.New("-partoo needs -spec, Partoo's verbatim bundle"))
	}
	// Partoo's bundle is linted as the one loader repairs it, in its own
	// terms (Partoo's YAML and the repairs, each with its reason, need no
	// x-partoo-go-source), and the findings give the bundle's lines. The
	// generators validate its 3.1 form when they load it (specload.Load).
	var res *specload.Result
	var err error
	label := *specPath
	switch {
	case *partoo:
		var in specload.Input
		var errRepairs, errNames error
		in.Bundle, err = os.ReadFile(*specPath)
		if *repairsPath != "" {
			in.Repairs, errRepairs = os.ReadFile(*repairsPath)
		}
		if *namesPath != "" {
			in.Names, errNames = os.ReadFile(*namesPath)
		}
		if err = errors.Join(err, errRepairs, errNames); err != nil {
			return fail(2, err)
		}
		res, err = specload.Effective(in)
	case *provPath != "":
		dir := filepath.Dir(*provPath)
		if res, err = specload.FromAPI(dir); res != nil {
			label = filepath.Join(dir, specload.VerbatimFile)
		}
	}
	if err != nil {
		return fail(1, err)
	}
	if res != nil {
		seed, err := seedYAML(res.Repaired)
		if err != nil {
			return fail(1, err)
		}
		return report(stdout, stderr, label, lintTree(res.Tree, res.Repaired, seed), *verbose)
	}
	if *specPath == "" || *seedPath == "" {
		fmt.Fprintln(stderr, "speclint: -spec and -seed are required (or -partoo with -spec)")
		return 2
	}
	spec, err := os.ReadFile(*specPath)
	if err != nil {
		return fail(2, err)
	}
	raw, err := os.ReadFile(*seedPath)
	if err != nil {
		return fail(2, err)
	}
	seed, err := seedYAML(raw)
	if err != nil {
		return fail(2, fmt.Errorf("seed %s: %w", *seedPath, err))
	}
	return report(stdout, stderr, label, Lint(spec, seed), *verbose)
}

// advisoryShown is how many advisory findings of one rule the summary
// shows; -v shows them all.
const advisoryShown = 3

// report prints the blocking findings in full, each with the overlay
// actions that would repair it, then a summary of the advisory ones that
// fits on a screen. The exit status is 1 when any finding is blocking.
func report(stdout, stderr io.Writer, specPath string, findings []Finding, verbose bool) int {
	blocking, advisory := 0, map[string][]Finding{}
	for _, f := range findings {
		if f.Level == Advisory {
			advisory[f.Rule] = append(advisory[f.Rule], f)
			continue
		}
		blocking++
		fmt.Fprintf(stdout, "%s: BLOCKING [%s] %s\n", place(specPath, f), f.Rule, f.Message)
		if fix, err := yaml.Marshal(f.Fix); len(f.Fix) > 0 && err == nil {
			fmt.Fprintln(stdout, "    repair (paste under actions: in the repairs overlay, and check it against Partoo's docs):")
			fmt.Fprint(stdout, "      "+strings.ReplaceAll(strings.TrimRight(string(fix), "\n"), "\n", "\n      ")+"\n")
		}
	}
	if len(advisory) > 0 {
		fmt.Fprintf(stdout, "speclint: %d advisory finding(s), worked around:\n", len(findings)-blocking)
	}
	for _, r := range slices.Sorted(maps.Keys(advisory)) {
		list := advisory[r]
		fmt.Fprintf(stdout, "  [%s] %d\n", r, len(list))
		for i, f := range list {
			if i == advisoryShown && !verbose {
				fmt.Fprintf(stdout, "    ... %d more (speclint -v lists them all)\n", len(list)-advisoryShown)
				break
			}
			fmt.Fprintf(stdout, "    %s: [%s] %s\n", place(specPath, f), f.Rule, f.Message)
		}
	}
	if blocking > 0 {
		fmt.Fprintf(stderr, "speclint: %s: %d blocking finding(s), %d advisory\n", specPath, blocking, len(findings)-blocking)
		return 1
	}
	fmt.Fprintf(stdout, "speclint: %s: ok (%d advisory finding(s))\n", specPath, len(findings))
	return 0
}

// place is where f is: file:line, or the file alone when f has no line
// (kin-openapi's findings, and what a repair added).
func place(file string, f Finding) string {
	if f.Line > 0 {
		return fmt.Sprintf("%s:%d", file, f.Line)
	}
	return file
}
