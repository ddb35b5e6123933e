// Command specrepair writes the spec every consumer reads,
// api/openapi-bundled.yaml, when api/provenance.yaml says the bundle is
// Partoo's: Partoo's verbatim bundle (api/partoo-verbatim.yaml, checked
// against its recorded SHA-256) with the repairs overlay api/repairs.yaml
// applied, the operationIds of the naming file given to the operations that
// have none, and a 3.0 document upgraded to OpenAPI 3.1's forms
// (specload.Effective). It is the first step of `go generate ./...`, so
// oapi-codegen, specgen, the fake, the lint, the contract test and the
// embedded spec of package api all read one and the same document.
//
// It refuses a repair whose target matches nothing, and reports each repair
// that no longer changes anything. For a bundle the project assembled, it
// does nothing (and refuses a repairs file with actions: such a bundle is
// edited directly, each addition marked with x-partoo-go-source).
//
// Usage (from the repository root, as generate.go runs it):
//
//	go -C tools run ./cmd/specrepair -api ../api
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/partoo-go/partoo/tools/internal/provenance"
	"github.com/partoo-go/partoo/tools/internal/specload"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stderr))
}

func run(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("specrepair", flag.ContinueOnError)
	fs.SetOutput(stderr)
	apiDir := fs.String("api", "", "the api/ directory")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *apiDir == "" {
		fmt.Fprintln(stderr, "specrepair: -api is required")
		return 2
	}
	if err := repair(*apiDir, stderr); err != nil {
		fmt.Fprintln(stderr, "specrepair:", err)
		return 1
	}
	return 0
}

func repair(apiDir string, stderr io.Writer) error {
	rec, err := provenance.Read(apiDir)
	if err != nil {
		return err
	}
	repairs, err := readOptional(filepath.Join(apiDir, specload.RepairsFile))
	if err != nil {
		return err
	}
	if rec.Source != provenance.Partoo {
		if n, err := specload.CountRepairs(repairs); err != nil {
			return err
		} else if n > 0 {
			return fmt.Errorf("%s has %d repair(s), but api/%s says the bundle was assembled by the project: repairs apply to Partoo's verbatim bundle (make update-spec SOURCE=partoo); edit an assembled bundle directly", specload.RepairsFile, n, provenance.File)
		}
		return nil
	}
	bundle, err := provenance.VerbatimBundle(apiDir, rec)
	if err != nil {
		return err
	}
	names, err := readOptional(filepath.Join(apiDir, specload.NamesFile))
	if err != nil {
		return err
	}
	res, err := specload.Effective(specload.Input{Bundle: bundle, Repairs: repairs, Names: names})
	if err != nil {
		return err
	}
	for _, o := range res.Stale() {
		fmt.Fprintf(stderr, "specrepair: %s: action %d (target %q) no longer changes anything: Partoo fixed it: drop the repair\n", specload.RepairsFile, o.Index+1, o.Target)
	}
	for _, d := range res.Derived {
		if !d.Recorded {
			fmt.Fprintf(stderr, "specrepair: %s has no operationId; it is given %q, which %s does not record yet (make update-spec records it)\n", d.Key, d.ID, specload.NamesFile)
		}
	}
	out := filepath.Join(apiDir, "openapi-bundled.yaml")
	if old, err := os.ReadFile(out); err == nil && bytes.Equal(old, res.Spec) {
		return nil
	}
	return os.WriteFile(out, res.Spec, 0o644)
}

// readOptional reads path; a missing file reads as nothing.
func readOptional(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	return b, err
}
