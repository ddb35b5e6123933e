// Command speclint checks a bundled OpenAPI document before code is generated
// from it (make spec-lint), with kin-openapi and the rules docs/maintaining.md
// lists. -partoo (or -provenance) lints Partoo's bundle as specload.Effective
// repairs it. A blocking finding is printed with the overlay action that
// repairs it; the exit status is then 1 (2 on a usage error, else 0).
package main

import (
	"cmp"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"regexp"
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
	var errs []error
	read := func(path string) []byte {
		b, err := os.ReadFile(path)
		if path != "" {
			errs = append(errs, err)
		}
		return b
	}
	var res *specload.Result
	var err error
	label := *specPath
	if *partoo {
		in := specload.Input{Bundle: read(*specPath), Repairs: read(*repairsPath), Names: read(*namesPath)}
		if errors.Join(errs...) == nil {
			res, err = specload.Effective(in)
		}
	} else if *provPath != "" {
		dir := filepath.Dir(*provPath)
		if res, err = specload.FromAPI(dir); res != nil {
			label = filepath.Join(dir, specload.VerbatimFile)
		}
	}
	var spec, raw []byte
	var tree *yaml.Node // Partoo's bundle, repaired, whose lines the findings give
	code := 2           // a seed that does not read is a usage error, unless it is Partoo's bundle
	switch {
	case err != nil:
		return fail(1, err)
	case res != nil: // -spec and -seed are not read: Partoo's bundle is linted instead
		spec, raw, tree = res.Repaired, res.Repaired, res.Tree
		code = 1
	case *partoo: // a file did not read
	case *specPath == "" || *seedPath == "":
		return fail(2, errors.New("-spec and -seed are required (or -partoo with -spec)"))
	default:
		spec, raw = read(*specPath), read(*seedPath)
	}
	if err := errors.Join(errs...); err != nil {
		return fail(2, err)
	}
	seed, err := seedYAML(raw)
	if err != nil {
		return fail(code, fmt.Errorf("seed %s: %w", *seedPath, err))
	}
	return report(stdout, stderr, label, Lint(tree, spec, seed), *verbose)
}

// advisoryShown is how many findings of one rule the summary shows.
const advisoryShown = 3

// report prints the blocking findings with their repairs, then a summary
// of the advisory ones, and returns the exit status.
func report(stdout, stderr io.Writer, file string, findings []Finding, verbose bool) int {
	at := func(f Finding) string {
		if f.Line > 0 {
			return fmt.Sprintf("%s:%d", file, f.Line)
		}
		return file // kin-openapi's findings, and what a repair added
	}
	blocking, advisory := 0, map[string][]Finding{}
	for _, f := range findings {
		if f.Level == Advisory {
			advisory[f.Rule] = append(advisory[f.Rule], f)
			continue
		}
		blocking++
		fmt.Fprintf(stdout, "%s: BLOCKING [%s] %s\n", at(f), f.Rule, f.Message)
		if fix, err := yaml.Marshal(f.Fix); len(f.Fix) > 0 && err == nil {
			fmt.Fprintf(stdout, "    repair (paste under actions: in the repairs overlay, and check it against Partoo's docs):\n      %s\n",
				strings.ReplaceAll(strings.TrimSpace(string(fix)), "\n", "\n      "))
		}
	}
	if len(advisory) > 0 {
		fmt.Fprintf(stdout, "speclint: %d advisory finding(s), worked around:\n", len(findings)-blocking)
	}
	for _, r := range slices.Sorted(maps.Keys(advisory)) {
		fmt.Fprintf(stdout, "  [%s] %d\n", r, len(advisory[r]))
		for i, f := range advisory[r] {
			if i == advisoryShown && !verbose {
				fmt.Fprintf(stdout, "    ... %d more (speclint -v lists them all)\n", len(advisory[r])-advisoryShown)
				break
			}
			fmt.Fprintf(stdout, "    %s: [%s] %s\n", at(f), f.Rule, f.Message)
		}
	}
	if blocking > 0 {
		fmt.Fprintf(stderr, "speclint: %s: %d blocking finding(s), %d advisory\n", file, blocking, len(findings)-blocking)
		return 1
	}
	fmt.Fprintf(stdout, "speclint: %s: ok (%d advisory finding(s))\n", file, len(findings))
	return 0
}

// seedYAML decodes Partoo's verbatim YAML: the first ````yaml fence of a
// Markdown excerpt, or the whole input.
func seedYAML(raw []byte) (map[string]any, error) {
	text := string(raw)
	if strings.Contains(text, "````yaml") {
		m := yamlFence.FindStringSubmatch(text)
		if m == nil {
			return nil, errors.New("the ````yaml fence has no body or is not closed")
		}
		text = m[1]
	}
	var seed map[string]any
	if err := yaml.Unmarshal([]byte(text), &seed); err != nil || len(seed) == 0 {
		return nil, cmp.Or(err, errors.New("the seed is empty"))
	}
	return seed, nil
}

var yamlFence = regexp.MustCompile("(?s)````yaml[^\n]*\n(.*?)````")
