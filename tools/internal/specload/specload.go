// Package specload owns api/ and builds from it the spec every consumer
// reads: the provenance record and, for Partoo's bundle, its verbatim copy,
// repairs overlay and naming file (FromAPI, Effective); Load loads a spec.
package specload

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"gopkg.in/yaml.v3"
)

// Files of api/ beside the spec every consumer reads.
const (
	ProvenanceFile = "provenance.yaml"      // the record of where the spec comes from
	VerbatimFile   = "partoo-verbatim.yaml" // Partoo's bundle, byte for byte, when the bundle is Partoo's
	RepairsFile    = "repairs.yaml"         // the OpenAPI Overlay 1.0 actions that repair it, each with its reason
	NamesFile      = "names.yaml"           // the naming file; its operationIds section names the operations the bundle leaves without one
)

// Sources of the bundle, as its provenance record says.
const (
	Partoo    = "partoo"    // taken from Partoo as published
	Assembled = "assembled" // assembled from Partoo's docs, x-partoo-go-source on what the seed lacks
)

// VerbatimRule is the rule the messages cite that find one of Partoo's
// verbatim elements (the seed excerpt, or its whole bundle) changed.
const VerbatimRule = "an assembled bundle may not change Partoo's verbatim elements; take Partoo's new file instead " +
	"(make update-spec SPEC=<Partoo's bundle> SOURCE=partoo, after committing its new seed excerpt when the seed's operation changed); " +
	"an x-partoo-go-source mark does not make the change allowed"

// KnownFormat reports whether the client and the fake know the format f
// (internal/apispec checks the first seven); spec-lint advises on others.
func KnownFormat(f string) bool {
	return slices.Contains([]string{"date-time", "date", "email", "uri", "uuid", "int32", "int64", "float", "double", "binary"}, f)
}

// Load reads, resolves and validates the document at path, keeping each
// element's keys (Origin), but not its patterns nor examples (spec-lint's).
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

// FromAPI builds the effective spec from apiDir when its bundle is
// Partoo's; for an assembled bundle, edited directly, it returns nil and
// refuses a repairs overlay with actions.
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

// WriteSpec writes to specPath the spec FromAPI builds (none for an
// assembled bundle), unless specPath holds it already, and reports to w
// what needs attention (specgen -api).
func WriteSpec(apiDir, specPath string, w io.Writer) error {
	res, err := FromAPI(apiDir)
	if res == nil || err != nil {
		return err
	}
	res.Report(w)
	if old, err := os.ReadFile(specPath); err == nil && bytes.Equal(old, res.Spec) {
		return nil // its modification time, which go test's cache reads, stays
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

// Record is the content of api/provenance.yaml.
type Record struct {
	Source string `yaml:"source"`           // Partoo or Assembled
	Origin string `yaml:"origin,omitempty"` // where the verbatim bundle came from: a URL, or the file given to update-spec
	Date   string `yaml:"date,omitempty"`   // the day the bundle was taken, YYYY-MM-DD
	SHA256 string `yaml:"sha256,omitempty"` // the hex SHA-256 of the verbatim bundle
}

const recordHeader = "# Where api/openapi-bundled.yaml comes from; written by make update-spec. docs/maintaining.md (Provenance) explains it.\n"

// ReadRecord reads apiDir's provenance record; none means an assembled bundle.
func ReadRecord(apiDir string) (Record, error) {
	r := Record{Source: Assembled}
	raw, err := ReadOptional(filepath.Join(apiDir, ProvenanceFile))
	if raw != nil {
		dec := yaml.NewDecoder(bytes.NewReader(raw))
		dec.KnownFields(true)
		err = dec.Decode(&r)
	}
	switch {
	case err != nil:
		err = fmt.Errorf("%s: %w", ProvenanceFile, err)
	case r.Source != Partoo && r.Source != Assembled:
		err = fmt.Errorf("%s: source %q: want %q or %q", ProvenanceFile, r.Source, Partoo, Assembled)
	}
	return r, err
}

// WriteRecord writes the provenance record to apiDir.
func WriteRecord(apiDir string, r Record) error {
	body, _ := yaml.Marshal(r) // a struct of strings always marshals
	return os.WriteFile(filepath.Join(apiDir, ProvenanceFile), append([]byte(recordHeader), body...), 0o644)
}

// Sum returns the hex SHA-256 of b.
func Sum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// VerbatimBundle returns Partoo's verbatim bundle in apiDir, checked against
// its provenance record's SHA-256, or nil for an assembled bundle.
func VerbatimBundle(apiDir string) ([]byte, error) {
	r, err := ReadRecord(apiDir)
	if err != nil || r.Source != Partoo {
		return nil, err
	}
	b, err := os.ReadFile(filepath.Join(apiDir, VerbatimFile))
	if got := Sum(b); err == nil && !strings.EqualFold(got, r.SHA256) {
		return nil, fmt.Errorf("%s has SHA-256 %s, but %s records %q: the verbatim copy must never be edited; take a new bundle with make update-spec SOURCE=partoo", VerbatimFile, got, ProvenanceFile, r.SHA256)
	}
	return b, err
}
