// Package specload owns what api/ holds and how the spec every consumer
// reads is built from it: the provenance record (api/provenance.yaml), and
// when it says the bundle is Partoo's, the verbatim bundle, its repairs
// overlay and the naming file's operationIds (FromAPI, Effective); then
// the loading of the spec for the generators (Load).
package specload

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/getkin/kin-openapi/openapi3"
)

// KnownFormat reports whether the generated client and the fake know the
// format f: the validator of internal/apispec checks date-time, date,
// email, uri, uuid, int32 and int64; float and double annotate a number's
// width and binary a file's bytes. specgen writes no other format into the
// table, and spec-lint reports any other as treated as a plain value of
// its schema's type.
func KnownFormat(f string) bool {
	switch f {
	case "date-time", "date", "email", "uri", "uuid", "int32", "int64", "float", "double", "binary":
		return true
	}
	return false
}

// Load reads, resolves and validates the OpenAPI document at path.
// Schema patterns are not compiled during validation: they are ECMA-262 and
// may use lookaheads that Go's regexp rejects; spec-lint checks them with an
// ECMAScript engine. Examples are not validated either: one that breaks its
// schema is an advisory finding of spec-lint, and the generators never
// serve it (specgen builds a valid value instead). Each element records
// the keys it was written with (its Origin), so that an explicit
// "example: null" differs from no example.
func Load(path string) (*openapi3.T, error) {
	loader := openapi3.NewLoader()
	loader.IncludeOrigin = true
	doc, err := loader.LoadFromFile(path)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", path, err)
	}
	if err := doc.Validate(context.Background(), openapi3.DisableSchemaPatternValidation(), openapi3.DisableExamplesValidation()); err != nil {
		return nil, fmt.Errorf("validate %s: %w", path, err)
	}
	return doc, nil
}

// FromAPI builds the effective spec from the api/ directory apiDir when
// its provenance record says the bundle is Partoo's: the verbatim bundle,
// the repairs overlay and the naming file (Effective). For a bundle the
// project assembled it returns nil, and refuses a repairs overlay with
// actions: such a bundle is edited directly.
func FromAPI(apiDir string) (*Result, error) {
	bundle, err := VerbatimBundle(apiDir)
	repairs, err2 := ReadOptional(filepath.Join(apiDir, RepairsFile))
	names, err3 := ReadOptional(filepath.Join(apiDir, NamesFile))
	if err := errors.Join(err, err2, err3); err != nil {
		return nil, err
	}
	if bundle == nil {
		ov, err := parseOverlay(repairs)
		if ov != nil {
			err = fmt.Errorf("%s has %d repair(s), but api/%s says the bundle was assembled by the project: repairs apply to Partoo's verbatim bundle (make update-spec SOURCE=partoo); edit an assembled bundle directly", RepairsFile, len(ov.Actions), ProvenanceFile)
		}
		return nil, err
	}
	return Effective(Input{Bundle: bundle, Repairs: repairs, Names: names})
}

// WriteSpec writes to specPath the spec FromAPI builds from apiDir,
// unless the file already holds it, and reports to w what needs the
// maintainer's attention (Result.Report). For a bundle the project
// assembled it does nothing. go generate runs it first (specgen -api), so
// that every generator, the fake, the lint and the contract test read one
// and the same document.
func WriteSpec(apiDir, specPath string, w io.Writer) error {
	res, err := FromAPI(apiDir)
	if res == nil || err != nil {
		return err
	}
	res.Report(w)
	if old, err := os.ReadFile(specPath); err == nil && bytes.Equal(old, res.Spec) {
		return nil
	}
	return os.WriteFile(specPath, res.Spec, 0o644)
}

// ReadOptional reads the file at path; a missing file reads as nil.
func ReadOptional(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	return b, err
}
