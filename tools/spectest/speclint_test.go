package spectest

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/partoo-go/partoo/api"
	"github.com/partoo-go/partoo/tools/internal/speclint"
	"github.com/partoo-go/partoo/tools/internal/specload"
)

// TestSpecLint is make spec-lint: it lints the repository's bundle with
// package speclint, prints the report (every advisory finding with
// go test -v, else the first of each rule) and fails on a blocking finding.
func TestSpecLint(t *testing.T) {
	t.Parallel()
	var stderr bytes.Buffer
	code, err := lintAPI(apiDir, os.Stdout, &stderr, testing.Verbose())
	if err != nil {
		t.Fatal(err)
	}
	if code != 0 {
		t.Fatal(strings.TrimSpace(stderr.String()))
	}
}

// lintAPI lints the bundle of the api/ directory dir and reports it to
// stdout and stderr: Partoo's verbatim bundle as specload repairs it, at its
// own lines, when dir's provenance record says the bundle is Partoo's; else
// the assembled bundle, against the seed. It returns speclint.Report's exit
// status, or why there is nothing to lint.
func lintAPI(dir string, stdout, stderr io.Writer, verbose bool) (int, error) {
	dir, err := filepath.Abs(dir) // the report's file names open from any directory
	if err != nil {
		return 0, err
	}
	res, err := specload.FromAPI(dir)
	if err != nil {
		return 0, err
	}
	if res != nil { // the assembled bundle and the seed are not read
		return speclint.Report(stdout, stderr, filepath.Join(dir, specload.VerbatimFile), speclint.Lint(res.Tree, res.Repaired, nil), verbose), nil
	}
	file := filepath.Join(dir, api.FileName)
	spec, err := os.ReadFile(file)
	seed, err2 := speclint.ReadSeed(seedFile)
	if err := errors.Join(err, err2); err != nil {
		return 0, err
	}
	return speclint.Report(stdout, stderr, file, speclint.Lint(nil, spec, seed), verbose), nil
}

// TestSpecLintOfPartoosBundle checks what make spec-lint lints when the
// provenance record says the bundle is Partoo's: the verbatim bundle, though
// the directory holds no assembled bundle, and an error, not the assembled
// bundle, when the verbatim one cannot be read.
func TestSpecLintOfPartoosBundle(t *testing.T) {
	t.Parallel()
	verbatim, err := os.ReadFile("../internal/testspec/defects/bundle.yaml")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	rec := specload.Record{Source: specload.Partoo, Origin: "test", Date: "2026-01-02", SHA256: specload.Sum(verbatim)}
	if err := specload.WriteRecord(dir, rec); err != nil {
		t.Fatal(err)
	}
	if _, err := lintAPI(dir, io.Discard, io.Discard, false); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("without %s: %v, want fs.ErrNotExist", specload.VerbatimFile, err)
	}

	if err := os.WriteFile(filepath.Join(dir, specload.VerbatimFile), verbatim, 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout bytes.Buffer
	if _, err := lintAPI(dir, &stdout, io.Discard, false); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout.String(), filepath.Join(dir, specload.VerbatimFile)+":") {
		t.Errorf("the report does not name %s's lines:\n%s", specload.VerbatimFile, stdout.String())
	}
}
