// Command specgen reads Partoo's bundled OpenAPI document and writes what
// oapi-codegen does not generate, from one compiled model of the spec:
//
//   - with -api, first the spec itself, when api/provenance.yaml says the
//     bundle is Partoo's: what specload builds from Partoo's verbatim
//     bundle, the repairs overlay and the naming file;
//   - internal/apispec/spec.gen.go (-table): the operation table (method,
//     path template, parameters, request body, success response, list
//     style, resource role, custom-header locations) and the schema table
//     (every JSON Schema keyword the spec uses, with each pattern
//     translated into Go's regexp syntax). The client and the fake Partoo
//     server both read it.
//   - an OpenAPI Overlay for oapi-codegen (-overlay), which runs before it:
//     the default of every parameter and property, appended to its
//     description, so that the generated fields of package gen document
//     their defaults (overlay.go);
//   - services.gen.go (-services): one service per tag of the spec on the
//     client, one method per operation, named by the naming file (-names,
//     api/names.yaml) or derived from the operationId, with an iterator for
//     every list operation, rendered from services.tmpl. It calls the
//     request builders and types of package gen by the names oapi-codegen's
//     codegen package gives them with the project's configuration
//     (-oapi-config, oapi-codegen.yaml);
//   - the custom-header rules table of README.md (-readme): its value
//     column, from the CustomHeaders schema (readme.go), so that a new
//     limit reaches the README by regeneration alone;
//   - oapi-codegen's output (-gen, gen/partoo.gen.go), rewritten only so
//     that its header comment is no package documentation: gen/doc.go
//     writes that.
//
// Usage (go generate runs it; see the root generate.go):
//
//	go -C tools run ./cmd/specgen -spec ../api/openapi-bundled.yaml -names ../api/names.yaml \
//	    -oapi-config ../oapi-codegen.yaml -table ../internal/apispec/spec.gen.go -services ../services.gen.go \
//	    -readme ../README.md -gen ../gen/partoo.gen.go
//
// The output is deterministic. specgen fails loudly (exit status 1,
// nothing written) on anything it cannot represent, naming the keyword and
// where it sits: a schema keyword the validator does not implement, a
// pattern construct it does not translate into RE2 (pattern.go), a
// list operation whose shape is ambiguous, two operations that would get
// the same Go name, an OpenAPI 3.0 document (specload upgrades Partoo's to
// 3.1 first). It never drops a rule. Warnings (a stale entry of the
// naming file, a spec without the CustomHeaders schema, whose README table
// is then left as it is) are printed and do not stop it. An example of the
// spec that its own schema rejects is never written into the table: the
// fake builds a valid value instead (spec-lint reports the example).
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"

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
	genFile := fs.String("gen", "", "path to oapi-codegen's output (package gen), whose header comment is kept out of the package's documentation")
	paths := map[string]*string{
		"table":    fs.String("table", "", "path of the operation and schema tables to write (package apispec)"),
		"services": fs.String("services", "", "path of the client services to write (package partoo)"),
		"overlay":  fs.String("overlay", "", "path of the OpenAPI Overlay to write for oapi-codegen (the defaults in the descriptions)"),
		"readme":   fs.String("readme", "", "path of README.md, whose custom-header rules table is rewritten with the spec's values"),
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	switch {
	case *spec == "" || *paths["table"]+*paths["services"]+*paths["overlay"]+*paths["readme"] == "":
		fmt.Fprintln(stderr, "specgen: -spec and at least one of -overlay, -table, -services and -readme are required")
		return 2
	case *paths["services"] != "" && *oapiConfig == "":
		fmt.Fprintln(stderr, "specgen: -services needs -oapi-config, oapi-codegen's configuration")
		return 2
	}
	if *apiDir != "" {
		if err := specload.WriteSpec(*apiDir, *spec, stderr); err != nil {
			fmt.Fprintln(stderr, "specgen:", err)
			return 1
		}
	}
	outputs, warnings, err := generate(*spec, *names, *oapiConfig, paths)
	if err == nil && *genFile != "" {
		var src []byte
		if src, err = os.ReadFile(*genFile); err == nil {
			outputs[*genFile] = detachPackageDoc(src)
		}
	}
	for _, w := range warnings {
		fmt.Fprintln(stderr, "specgen: warning:", w)
	}
	for path, src := range outputs {
		if err == nil {
			err = os.WriteFile(path, src, 0o644)
		}
	}
	if err != nil {
		fmt.Fprintln(stderr, "specgen:", err)
		return 1
	}
	return 0
}

// generate builds the model and renders the outputs asked for (a path by
// output name); nothing is written when anything fails.
func generate(specPath, namesPath, oapiConfig string, paths map[string]*string) (map[string][]byte, []string, error) {
	doc, err := specload.Load(specPath)
	if err == nil && doc.IsOpenAPI30() {
		err = fmt.Errorf("%s is OpenAPI %s: %w: take Partoo's bundle with make update-spec SOURCE=partoo, whose loader (specload) upgrades it to 3.1, and write an assembled bundle in 3.1", specPath, doc.OpenAPI, errOpenAPI30)
	}
	if err != nil {
		return nil, nil, err
	}
	outs := map[string][]byte{}
	if path := *paths["overlay"]; path != "" {
		if outs[path], err = renderOverlay(doc); err != nil || *paths["table"]+*paths["services"]+*paths["readme"] == "" {
			return outs, nil, err
		}
	}
	n, err := loadNames(namesPath)
	if err != nil {
		return nil, nil, err
	}
	m, err := build(doc, n.Lists)
	if err == nil {
		err = m.name(n)
	}
	if err != nil {
		return nil, nil, err
	}
	if path := *paths["table"]; path != "" {
		if outs[path], err = renderTable(m); err != nil {
			return nil, m.warnings, err
		}
	}
	if path := *paths["readme"]; path != "" {
		readme, err := os.ReadFile(path)
		if err == nil {
			outs[path], err = renderReadme(readme, m)
		}
		if err != nil {
			return nil, m.warnings, err
		}
	}
	if path := *paths["services"]; path != "" {
		api, err := loadGoAPI(specPath, oapiConfig)
		if err == nil {
			outs[path], err = renderServices(m, api)
		}
		if err != nil {
			return nil, m.warnings, err
		}
	}
	return outs, m.warnings, nil
}

// errOpenAPI30 refuses an OpenAPI 3.0 document: specload is the one owner
// of the 3.0 forms (nullable, a boolean exclusiveMinimum/Maximum), which it
// upgrades to 3.1's before any generator reads the spec.
var errOpenAPI30 = errors.New("specgen reads OpenAPI 3.1 documents only")

// detachPackageDoc keeps oapi-codegen's header comment ("Package gen
// provides primitives to interact with the openapi HTTP API", then the
// "Code generated" line) out of package gen's documentation, which
// gen/doc.go writes: it drops the boilerplate sentence and separates the
// "Code generated" line from the package clause by a blank line, so that
// it still marks the file as generated but is no doc comment.
func detachPackageDoc(src []byte) []byte {
	return packageDoc.ReplaceAll(src, []byte("$1\n\npackage "))
}

// packageDoc matches a comment right above the package clause that holds
// a "Code generated" line.
var packageDoc = regexp.MustCompile(`\A(?://.*\n)*?(// Code generated .*)\n(?://.*\n)*package `)
