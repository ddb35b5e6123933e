// Package specdiff runs oasdiff (go tool oasdiff, pinned in the tools
// module) for update-spec and the breaking-change gate.
package specdiff

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os/exec"
	"strings"
)

// Run runs `go tool oasdiff command base revision args...` in toolsDir
// ("" for the current one) with its output to w; "-" reads stdin. allOf is
// merged (Partoo's lists compose ListResult with it), external references
// are never fetched, and the error wraps a non-zero exit's *exec.ExitError.
func Run(ctx context.Context, toolsDir string, stdin io.Reader, w io.Writer, command, base, revision string, args ...string) error {
	args = append([]string{"tool", "oasdiff", command, base, revision, "--color", "never", "--flatten-allof", "--allow-external-refs=false"}, args...)
	cmd := exec.CommandContext(ctx, "go", args...)
	var stderr bytes.Buffer
	cmd.Dir, cmd.Stdin, cmd.Stdout, cmd.Stderr = toolsDir, stdin, w, &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go tool oasdiff %s: %w\n%s", command, err, stderr.Bytes())
	}
	return nil
}

// Changelog prints oasdiff's changelog from base to revision (two spec
// files) to w, errors (breaking changes) first, and returns how many
// changes it lists and how many of them are breaking: each change starts
// a line with its level, "error" for a breaking one.
func Changelog(ctx context.Context, toolsDir, base, revision string, w io.Writer) (changes, breaking int, err error) {
	var text strings.Builder
	err = Run(ctx, toolsDir, nil, io.MultiWriter(w, &text), "changelog", base, revision)
	for _, level := range []string{"error", "warning", "info"} {
		changes += strings.Count("\n"+text.String(), "\n"+level+"\t")
		if level == "error" {
			breaking = changes
		}
	}
	return changes, breaking, err
}
