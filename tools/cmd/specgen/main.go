// Command specgen writes, from one model of the bundled OpenAPI 3.1
// document, what oapi-codegen does not generate: with -api the spec itself
// first (specload.WriteSpec), the defaults overlay (-overlay), internal/apispec's
// tables (-table), the client services (-services), the README's custom-header
// rules table (-readme) and gen's detached package doc (-gen).
// docs/maintaining.md describes the outputs and what the generator refuses.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"

	"github.com/partoo-go/partoo/tools/internal/specload"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stderr))
}

// run is main without the exit, for tests: it returns the exit status.
func run(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("specgen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	spec := fs.String("spec", "", "path to the bundled OpenAPI document")
	apiDir := fs.String("api", "", "the api/ directory: when its provenance record says the bundle is Partoo's, -spec is first written from it (specload.WriteSpec)")
	names := fs.String("names", "", "path to the naming file (optional)")
	oapiConfig := fs.String("oapi-config", "", "path to oapi-codegen's configuration (oapi-codegen.yaml), needed for -services")
	// The outputs: each flag takes the path to write.
	fs.String("overlay", "", "path of the OpenAPI Overlay to write for oapi-codegen (the defaults in the descriptions)")
	fs.String("table", "", "path of the operation and schema tables to write (package apispec)")
	fs.String("services", "", "path of the client services to write (package partoo)")
	fs.String("readme", "", "path of README.md, whose custom-header rules table is rewritten with the spec's values")
	fs.String("gen", "", "path to oapi-codegen's output (package gen), whose header comment is kept out of the package's documentation")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	paths := map[string]string{} // the flags given, by name
	fs.Visit(func(f *flag.Flag) { paths[f.Name] = f.Value.String() })
	switch {
	case *spec == "" || !slices.ContainsFunc(outputNames, func(name string) bool { return paths[name] != "" }):
		fmt.Fprintln(stderr, "specgen: -spec and at least one of -overlay, -table, -services, -readme and -gen are required")
		return 2
	case paths["services"] != "" && *oapiConfig == "":
		fmt.Fprintln(stderr, "specgen: -services needs -oapi-config, oapi-codegen's configuration")
		return 2
	}
	var err error
	if *apiDir != "" {
		err = specload.WriteSpec(*apiDir, *spec, stderr)
	}
	var outputs map[string][]byte
	if err == nil {
		outputs, err = generate(*spec, *names, *oapiConfig, paths)
	}
	for _, name := range outputNames {
		if src, ok := outputs[paths[name]]; ok && err == nil {
			err = os.WriteFile(paths[name], src, 0o644)
		}
	}
	if err != nil {
		fmt.Fprintln(stderr, "specgen:", err)
		return 1
	}
	return 0
}

// outputNames are the outputs, in the order specgen renders and writes them.
var outputNames = []string{"overlay", "table", "services", "readme", "gen"}

// generate renders the outputs asked for (a path by output name); nothing
// is written when anything fails.
func generate(specPath, namesPath, oapiConfig string, paths map[string]string) (map[string][]byte, error) {
	doc, err := specload.Load(specPath)
	if err == nil && doc.IsOpenAPI30() {
		err = fmt.Errorf("%s is OpenAPI %s: %w: take Partoo's bundle with make update-spec SOURCE=partoo, whose loader (specload) upgrades it to 3.1, and write an assembled bundle in 3.1", specPath, doc.OpenAPI, errOpenAPI30)
	}
	// The overlay and gen's doc need no model.
	var m *model
	if err == nil && (paths["table"] != "" || paths["services"] != "" || paths["readme"] != "") {
		var n *namesFile
		if n, err = loadNames(namesPath); err == nil {
			m, err = build(doc, n)
		}
	}
	if err != nil {
		return nil, err
	}
	outs := map[string][]byte{}
	for _, name := range outputNames {
		path := paths[name]
		var src []byte
		switch {
		case path == "":
			continue
		case name == "overlay":
			src, err = renderOverlay(doc)
		case name == "table":
			src, err = renderTable(m)
		case name == "services":
			src, err = renderServices(m, oapiConfig)
		case name == "readme":
			if src, err = os.ReadFile(path); err == nil {
				src, err = renderReadme(src, m)
			}
		case name == "gen":
			if src, err = os.ReadFile(path); err == nil {
				src = detachPackageDoc(src)
			}
		}
		if err != nil {
			return nil, err
		}
		outs[path] = src
	}
	return outs, nil
}

// errOpenAPI30 refuses an OpenAPI 3.0 document: specload upgrades 3.0 to 3.1.
var errOpenAPI30 = errors.New("specgen reads OpenAPI 3.1 documents only")

// detachPackageDoc keeps oapi-codegen's header comment out of package gen's
// documentation (gen/doc.go writes it): it keeps only the "Code generated"
// line, a blank line apart from the package clause.
func detachPackageDoc(src []byte) []byte {
	return packageDoc.ReplaceAll(src, []byte("$1\n\npackage "))
}

var packageDoc = regexp.MustCompile(`\A(?://.*\n)*?(// Code generated .*)\n(?://.*\n)*package `)
