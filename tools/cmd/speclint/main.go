// Command speclint checks a bundled OpenAPI document before code is generated
// from it (make spec-lint) with package speclint. With -provenance, when
// api/provenance.yaml records Partoo's bundle, it lints that bundle as
// specload.Effective repairs it. A blocking finding is printed with the
// overlay action that repairs it; the exit status is then 1 (2 on a usage
// error, else 0).
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/partoo-go/partoo/tools/internal/speclint"
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
	provPath := fs.String("provenance", "", "api/provenance.yaml: when it records Partoo's verbatim bundle, that bundle, repaired as the loader does, is linted instead of -spec")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	fail := func(code int, err error) int {
		fmt.Fprintln(stderr, "speclint:", err)
		return code
	}
	if *provPath != "" {
		dir := filepath.Dir(*provPath)
		switch res, err := specload.FromAPI(dir); {
		case err != nil:
			return fail(1, err)
		case res != nil: // -spec and -seed are not read
			return speclint.Report(stdout, stderr, filepath.Join(dir, specload.VerbatimFile), speclint.Lint(res.Tree, res.Repaired, nil), *verbose)
		}
	}
	if *specPath == "" || *seedPath == "" {
		return fail(2, errors.New("-spec and -seed are required"))
	}
	spec, err := os.ReadFile(*specPath)
	seed, err2 := speclint.ReadSeed(*seedPath)
	if err := errors.Join(err, err2); err != nil {
		return fail(2, err)
	}
	return speclint.Report(stdout, stderr, *specPath, speclint.Lint(nil, spec, seed), *verbose)
}
