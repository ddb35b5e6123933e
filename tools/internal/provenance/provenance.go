// Package provenance reads and writes api/provenance.yaml, the record of
// where api/openapi-bundled.yaml comes from: Partoo's own bundle taken
// verbatim (`make update-spec SPEC=... SOURCE=partoo`), whose copy is kept
// unchanged beside it so that spec-lint can tell Partoo's elements from the
// project's additions, or a bundle the project assembled from Partoo's
// docs.
package provenance

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

// File is the name of the provenance record in api/, and Verbatim the name
// of the verbatim copy of Partoo's bundle beside it.
const (
	File     = "provenance.yaml"
	Verbatim = "partoo-verbatim.yaml"
)

// Sources of the bundle.
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

const header = `# Where api/openapi-bundled.yaml comes from; written by make update-spec.
# source: partoo    - the bundle is Partoo's, as published; its copy in
#                     partoo-verbatim.yaml (SHA-256 below) is never edited:
#                     api/repairs.yaml repairs it, each repair with its reason.
# source: assembled - the project assembled the bundle from Partoo's docs;
#                     every element beyond the seed excerpt of Partoo's
#                     YAML carries x-partoo-go-source.
`

// Read reads the record in apiDir; a missing file is an assembled bundle.
func Read(apiDir string) (Record, error) {
	raw, err := os.ReadFile(filepath.Join(apiDir, File))
	if errors.Is(err, os.ErrNotExist) {
		return Record{Source: Assembled}, nil
	}
	if err != nil {
		return Record{}, err
	}
	var r Record
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	if err := dec.Decode(&r); err != nil {
		return Record{}, fmt.Errorf("%s: %w", File, err)
	}
	switch r.Source {
	case Partoo:
		if len(r.SHA256) != 64 {
			return Record{}, fmt.Errorf("%s: source partoo needs the sha256 of %s, got %q", File, Verbatim, r.SHA256)
		}
	case Assembled:
	default:
		return Record{}, fmt.Errorf("%s: source %q: want %q or %q", File, r.Source, Partoo, Assembled)
	}
	return r, nil
}

// Write writes the record to apiDir.
func Write(apiDir string, r Record) error {
	body, err := yaml.Marshal(r)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(apiDir, File), append([]byte(header), body...), 0o644)
}

// Sum returns the hex SHA-256 of b.
func Sum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// VerbatimBundle returns Partoo's verbatim bundle recorded in apiDir,
// after checking it against the recorded SHA-256, or nil for an assembled
// bundle.
func VerbatimBundle(apiDir string, r Record) ([]byte, error) {
	if r.Source != Partoo {
		return nil, nil
	}
	b, err := os.ReadFile(filepath.Join(apiDir, Verbatim))
	if err != nil {
		return nil, fmt.Errorf("the provenance says the bundle is Partoo's, but its verbatim copy cannot be read: %w", err)
	}
	if got := Sum(b); !strings.EqualFold(got, r.SHA256) {
		return nil, fmt.Errorf("%s has SHA-256 %s, but %s records %s: the verbatim copy must never be edited; take a new bundle with make update-spec SOURCE=partoo", Verbatim, got, File, r.SHA256)
	}
	return b, nil
}
