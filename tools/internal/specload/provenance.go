package specload

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"
)

// Files of api/ beside the spec every consumer reads.
const (
	ProvenanceFile = "provenance.yaml"      // the record of where the spec comes from
	VerbatimFile   = "partoo-verbatim.yaml" // Partoo's bundle, byte for byte, when the bundle is Partoo's
	// RepairsFile is the repairs overlay: OpenAPI Overlay 1.0 actions that
	// make Partoo's verbatim bundle usable, each with its reason.
	RepairsFile = "repairs.yaml"
	// NamesFile is the naming file; its operationIds section names the
	// operations that Partoo's bundle leaves without an operationId.
	NamesFile = "names.yaml"
)

// Sources of the bundle, as its provenance record says.
const (
	// Partoo marks a bundle taken from Partoo as published.
	Partoo = "partoo"
	// Assembled marks a bundle the project assembled from Partoo's docs:
	// every element beyond Partoo's verbatim YAML (the seed excerpt)
	// carries x-partoo-go-source.
	Assembled = "assembled"
)

// Record is the content of api/provenance.yaml.
type Record struct {
	Source string `yaml:"source"`           // Partoo or Assembled
	Origin string `yaml:"origin,omitempty"` // where the verbatim bundle came from: a URL, or the file given to update-spec
	Date   string `yaml:"date,omitempty"`   // the day the bundle was taken, YYYY-MM-DD
	SHA256 string `yaml:"sha256,omitempty"` // the hex SHA-256 of the verbatim bundle (api/partoo-verbatim.yaml)
}

const recordHeader = `# Where api/openapi-bundled.yaml comes from; written by make update-spec.
# source: partoo    - the bundle is Partoo's, as published; its copy in
#                     partoo-verbatim.yaml (SHA-256 below) is never edited:
#                     api/repairs.yaml repairs it, each repair with its reason.
# source: assembled - the project assembled the bundle from Partoo's docs;
#                     every element beyond the seed excerpt of Partoo's
#                     YAML carries x-partoo-go-source.
`

// ReadRecord reads the provenance record in apiDir; a missing file is an
// assembled bundle.
func ReadRecord(apiDir string) (Record, error) {
	raw, err := os.ReadFile(filepath.Join(apiDir, ProvenanceFile))
	if errors.Is(err, os.ErrNotExist) {
		return Record{Source: Assembled}, nil
	}
	var r Record
	if err == nil {
		dec := yaml.NewDecoder(bytes.NewReader(raw))
		dec.KnownFields(true)
		err = dec.Decode(&r)
	}
	switch {
	case err != nil:
		return Record{}, fmt.Errorf("%s: %w", ProvenanceFile, err)
	case r.Source == Partoo && len(r.SHA256) != 64:
		return Record{}, fmt.Errorf("%s: source partoo needs the sha256 of %s, got %q", ProvenanceFile, VerbatimFile, r.SHA256)
	case r.Source != Partoo && r.Source != Assembled:
		return Record{}, fmt.Errorf("%s: source %q: want %q or %q", ProvenanceFile, r.Source, Partoo, Assembled)
	}
	return r, nil
}

// WriteRecord writes the provenance record to apiDir.
func WriteRecord(apiDir string, r Record) error {
	body, err := yaml.Marshal(r)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(apiDir, ProvenanceFile), append([]byte(recordHeader), body...), 0o644)
}

// Sum returns the hex SHA-256 of b.
func Sum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// VerbatimBundle returns Partoo's verbatim bundle in apiDir, after
// checking it against the SHA-256 its provenance record holds, or nil when
// the record says the project assembled the bundle.
func VerbatimBundle(apiDir string) ([]byte, error) {
	r, err := ReadRecord(apiDir)
	if err != nil || r.Source != Partoo {
		return nil, err
	}
	b, err := os.ReadFile(filepath.Join(apiDir, VerbatimFile))
	if err != nil {
		return nil, fmt.Errorf("the provenance says the bundle is Partoo's, but its verbatim copy cannot be read: %w", err)
	}
	if got := Sum(b); !strings.EqualFold(got, r.SHA256) {
		return nil, fmt.Errorf("%s has SHA-256 %s, but %s records %s: the verbatim copy must never be edited; take a new bundle with make update-spec SOURCE=partoo", VerbatimFile, got, ProvenanceFile, r.SHA256)
	}
	return b, nil
}
