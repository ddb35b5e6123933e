// Package specdiff runs oasdiff, the OpenAPI diff tool pinned in the tools
// module (go tool oasdiff), with the options every comparison of the
// project's specs takes (the Makefile's breaking gate passes the same).
package specdiff

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os/exec"
	"regexp"
)

// Run runs `go tool oasdiff command base revision args...` in toolsDir,
// a directory of the tools module ("" for the current one), and copies
// its output to w; a base or revision "-" is read from stdin. allOf is
// merged (Partoo's list responses compose ListResult with allOf) and
// external references are never fetched. The error wraps the *exec.ExitError of a non-zero exit.
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

// change matches the first line of each change in oasdiff's text
// changelog; its level is "error" for a breaking change.
var change = regexp.MustCompile(`(?m)^(error|warning|info)\t`)

// Changelog prints oasdiff's changelog from base to revision (two spec
// files) to w, errors (breaking changes) first, and returns how many
// changes it lists and how many of them are breaking.
func Changelog(ctx context.Context, toolsDir, base, revision string, w io.Writer) (changes, breaking int, err error) {
	var text bytes.Buffer
	if err := Run(ctx, toolsDir, nil, io.MultiWriter(w, &text), "changelog", base, revision); err != nil {
		return 0, 0, err
	}
	for _, m := range change.FindAllSubmatch(text.Bytes(), -1) {
		changes++
		if string(m[1]) == "error" {
			breaking++
		}
	}
	return changes, breaking, nil
}
