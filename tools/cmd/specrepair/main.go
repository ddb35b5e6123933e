// Command specrepair writes the spec every consumer reads,
// api/openapi-bundled.yaml, when api/provenance.yaml says the bundle is
// Partoo's: what the one loader (specload.FromAPI) makes of Partoo's
// verbatim bundle, the repairs overlay and the naming file. It is the first
// step of `go generate ./...`, so oapi-codegen, specgen, the fake, the
// lint, the contract test and the embedded spec of package api all read one
// and the same document. It reports each repair that no longer changes
// anything, and each operationId the naming file does not record yet. For
// a bundle the project assembled, it does nothing.
//
// Usage (from the repository root, as generate.go runs it):
//
//	go -C tools run ./cmd/specrepair -api ../api
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/partoo-go/partoo/tools/internal/specload"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stderr))
}

func run(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("specrepair", flag.ContinueOnError)
	fs.SetOutput(stderr)
	apiDir := fs.String("api", "", "the api/ directory")
	if err := fs.Parse(args); err != nil || *apiDir == "" {
		fmt.Fprintln(stderr, "specrepair: -api is required")
		return 2
	}
	res, err := specload.FromAPI(*apiDir)
	if err == nil && res != nil {
		res.Report(stderr)
		out := filepath.Join(*apiDir, "openapi-bundled.yaml")
		if old, rerr := os.ReadFile(out); rerr != nil || !bytes.Equal(old, res.Spec) {
			err = os.WriteFile(out, res.Spec, 0o644)
		}
	}
	if err != nil {
		fmt.Fprintln(stderr, "specrepair:", err)
		return 1
	}
	return 0
}
