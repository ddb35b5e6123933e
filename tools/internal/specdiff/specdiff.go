// Package specdiff compares two versions of the bundled spec with oasdiff,
// the OpenAPI diff tool pinned in the tools module (go tool oasdiff). It is
// shared by the update-spec command and the breaking-change gate.
package specdiff

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os/exec"
)

// levelErr is oasdiff's JSON level of an ERR (breaking) change.
const levelErr = 3

// flags are the oasdiff options used for every comparison: merged allOf
// (Partoo's list responses compose ListResult with allOf) and no fetching of
// external references.
var flags = []string{"--flatten-allof", "--allow-external-refs=false"}

// Change is one change oasdiff reports.
type Change struct {
	// ID is oasdiff's check name, e.g. "api-path-removed-without-deprecation".
	ID string `json:"id"`
	// Text describes the change.
	Text string `json:"text"`
	// Level is 1 (INFO), 2 (WARN) or 3 (ERR, breaking).
	Level int `json:"level"`
	// Operation and Path locate the change, when it is in an operation:
	// the operationId and the path template.
	Operation string `json:"operation"`
	Path      string `json:"path"`
}

// Breaking reports whether oasdiff rates the change ERR.
func (c Change) Breaking() bool { return c.Level >= levelErr }

// Compare prints oasdiff's changelog from base to revision (two spec files)
// to w, errors (breaking changes) first, and returns every change. toolsDir
// is the directory of tools/go.mod, where `go tool oasdiff` runs.
func Compare(ctx context.Context, toolsDir, base, revision string, w io.Writer) ([]Change, error) {
	text, err := oasdiff(ctx, toolsDir, append([]string{"changelog", base, revision, "--color", "never"}, flags...)...)
	if err != nil {
		return nil, err
	}
	if len(bytes.TrimSpace(text)) == 0 {
		fmt.Fprintln(w, "No API changes.")
	} else {
		w.Write(text)
	}
	raw, err := oasdiff(ctx, toolsDir, append([]string{"changelog", base, revision, "--format", "json"}, flags...)...)
	if err != nil {
		return nil, err
	}
	var changes []Change
	if err := json.Unmarshal(raw, &changes); err != nil {
		return nil, fmt.Errorf("oasdiff changelog: decode its JSON output: %w", err)
	}
	return changes, nil
}

// CountBreaking returns how many changes are breaking.
func CountBreaking(changes []Change) int {
	n := 0
	for _, c := range changes {
		if c.Breaking() {
			n++
		}
	}
	return n
}

func oasdiff(ctx context.Context, toolsDir string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "go", append([]string{"tool", "oasdiff"}, args...)...)
	cmd.Dir = toolsDir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go tool oasdiff %s: %w\n%s", args[0], err, stderr.Bytes())
	}
	return out, nil
}
