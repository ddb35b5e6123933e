package pipeline

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// breakingGate runs the Makefile's breaking recipe in the git repository
// dir against base, with the tools module of this repository for oasdiff
// unless module names another, and returns make's exit code and output.
func breakingGate(t *testing.T, dir, base, module string) (int, string) {
	t.Helper()
	if module == "" {
		module = filepath.Join(repoRoot(t), "tools")
	}
	ctx, cancel := context.WithTimeout(context.Background(), cmdTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "make", "--no-print-directory", "-s", "-f", filepath.Join(repoRoot(t), "Makefile"),
		"breaking", "BASE="+base, "OASDIFF_MODULE="+module)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), gitEnv...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0, out.String()
	case errors.As(err, &exit):
		return exit.ExitCode(), out.String()
	}
	t.Fatalf("make breaking: %v\n%s", err, out.String())
	return 0, ""
}

// history is a throwaway repository's commits, oldest first: each writes
// its files (relative path to content) and commits with its message.
type history []struct {
	files map[string][]byte
	msg   string
}

func versionFile(v string) []byte {
	return []byte("package partoo\n\nconst Version = \"" + v + "\"\n")
}

// TestBreakingGate runs make breaking on throwaway repositories: oasdiff
// decides what breaks, the project's rule whether a break is declared by a
// commit trailer or by a new compatibility line of version.go.
func TestBreakingGate(t *testing.T) {
	t.Parallel()
	const specRel = "api/openapi-bundled.yaml"
	spec := frozen(t, "webhooks-openapi.yaml")
	// Removing POST /webhooks/tryout is an ERR-level change.
	start := bytes.Index(spec, []byte("  /webhooks/tryout:"))
	end := bytes.Index(spec, []byte("  /webhooks/{webhook_id}:"))
	if start < 0 || end < start {
		t.Fatal("cannot find the tryout path in the spec")
	}
	removed := append(append([]byte{}, spec[:start]...), spec[end:]...)
	// A reworded description is not breaking.
	harmless := bytes.Replace(spec, []byte("Number of items to return per page. Currently limited to 100."),
		[]byte("Number of items per page. Currently limited to 100."), 1)
	// Nor is a new optional field in an answer: a Go client ignores it.
	item := bytes.Index(spec, []byte("    WebhookItem:"))
	props := item + bytes.Index(spec[item:], []byte("      properties:\n")) + len("      properties:\n")
	optional := append(append(append([]byte{}, spec[:props]...), "        label:\n          type: string\n"...), spec[props:]...)

	// breaks removes tryout in a second commit with the given message and
	// version files (nil: no version.go).
	breaks := func(msg string, before, after []byte) history {
		h := history{{files: map[string][]byte{specRel: spec}, msg: "first"}, {files: map[string][]byte{specRel: removed}, msg: msg}}
		if before != nil {
			h[0].files["version.go"], h[1].files["version.go"] = before, after
		}
		return h
	}
	v := versionFile
	const (
		undeclared = "FAIL: breaking (ERR) change(s) since HEAD~1"
		byTrailer  = "declared by the commit trailer"
		byVersion  = "declared by the version bump"
	)
	tests := []struct {
		name     string
		history  history
		base     string
		module   string // the tools module that builds oasdiff, when not this repository's
		wantCode int
		wantOut  string
	}{
		{name: "single commit", history: history{{files: map[string][]byte{specRel: spec}, msg: "first"}},
			wantOut: "no base"},
		{name: "unknown base", base: "no-such-ref", wantCode: 2, wantOut: `the base "no-such-ref" is not a commit`,
			history: history{{files: map[string][]byte{specRel: spec}, msg: "first"}, {files: map[string][]byte{"README": []byte("x")}, msg: "second"}}},
		{name: "base without the spec", wantOut: "HEAD~1 has no api/openapi-bundled.yaml",
			history: history{{files: map[string][]byte{"README": []byte("x")}, msg: "first"}, {files: map[string][]byte{specRel: spec}, msg: "second"}}},
		{name: "no breaking change", wantOut: "no breaking (ERR) change",
			history: history{{files: map[string][]byte{specRel: spec}, msg: "first"}, {files: map[string][]byte{specRel: harmless}, msg: "second"}}},
		{name: "an optional field added to an answer", wantOut: "no breaking (ERR) change",
			history: history{{files: map[string][]byte{specRel: spec}, msg: "first"}, {files: map[string][]byte{specRel: optional}, msg: "second"}}},
		{name: "undeclared, no version file", history: breaks("Drop tryout", nil, nil), wantCode: 2, wantOut: undeclared},
		{name: "undeclared, patch bump", history: breaks("Drop tryout", v("0.1.0"), v("0.1.1")), wantCode: 2, wantOut: undeclared},
		{name: "hyphen trailer", history: breaks("Drop tryout\n\nBREAKING-CHANGE: POST /webhooks/tryout is removed", nil, nil),
			wantOut: byTrailer + ` "BREAKING-CHANGE: POST /webhooks/tryout is removed"`},
		{name: "a trailer in an older commit of the range", wantOut: byTrailer + ` "BREAKING-CHANGE: tryout goes"`,
			history: append(breaks("Drop tryout\n\nBREAKING-CHANGE: tryout goes", nil, nil), history{{files: map[string][]byte{"README": []byte("x")}, msg: "Fix docs"}}...),
			base:    "HEAD~2"},
		{name: "a base whose name has a quote and a backtick", base: "it's`touch PWNED`", wantCode: 2, wantOut: "is not a commit",
			history: breaks("Drop tryout", nil, nil)},
		{name: "oasdiff cannot be built", history: breaks("Drop tryout\n\nBREAKING-CHANGE: tryout goes", nil, nil),
			module: "/nonexistent", wantCode: 2, wantOut: "cannot build oasdiff"},
		{name: "space trailer", history: breaks("Drop tryout\n\nBREAKING CHANGE: tryout is gone", nil, nil), wantOut: byTrailer},
		{name: "empty trailer", history: breaks("Drop tryout\n\nBREAKING-CHANGE:\n", nil, nil), wantCode: 2, wantOut: undeclared},
		{name: "mid-line mention", history: breaks("This is not a BREAKING-CHANGE: really", nil, nil), wantCode: 2, wantOut: undeclared},
		{name: "lower-case trailer", history: breaks("Drop tryout\n\nbreaking-change: x", nil, nil), wantCode: 2, wantOut: undeclared},
		{name: "v0 minor bump", history: breaks("Drop tryout", v("0.1.0"), v("0.2.0")), wantOut: byVersion + " 0.1 -> 0.2"},
		{name: "v0 to v1", history: breaks("Drop tryout", v("0.9.3"), v("1.0.0")), wantOut: byVersion},
		{name: "v1 minor bump", history: breaks("Drop tryout", v("1.2.0"), v("1.3.0")), wantCode: 2, wantOut: undeclared},
		{name: "v1 to v2", history: breaks("Drop tryout", v("1.2.0"), v("2.0.0")), wantOut: byVersion},
		{name: "downgrade", history: breaks("Drop tryout", v("2.0.0"), v("1.9.0")), wantCode: 2, wantOut: undeclared},
		{name: "pre-release of the next line", history: breaks("Drop tryout", v("0.1.0"), v("0.2.0-rc.1")), wantOut: byVersion},
		{name: "grouped constant with a v", wantOut: byVersion,
			history: breaks("Drop tryout", v("0.1.0"), []byte("package p\n\nconst (\n\tX = 1\n\tVersion = \"v0.2.0\"\n)\n"))},
		{name: "a spec oasdiff cannot read", wantCode: 2, wantOut: "oasdiff failed",
			history: history{{files: map[string][]byte{specRel: spec}, msg: "first"}, {files: map[string][]byte{specRel: []byte("openapi: [3.1\n")}, msg: "second"}}},
		{name: "same version", history: breaks("Drop tryout", v("0.2.0"), v("0.2.0")), wantCode: 2, wantOut: undeclared},
		{name: "no version in the base", history: breaks("Drop tryout", []byte("package p\n"), v("0.2.0")), wantCode: 2, wantOut: undeclared},
		{name: "version not a number", history: breaks("Drop tryout", v("0.1.0"), v("0.x.0")), wantCode: 2, wantOut: undeclared},
		{name: "version not X.Y.Z", history: breaks("Drop tryout", v("0.1.0"), v("0.2")), wantCode: 2, wantOut: undeclared},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			run(t, dir, gitEnv, "git", "init", "-q", "-b", "main")
			for _, c := range tt.history {
				for rel, data := range c.files {
					writeFile(t, filepath.Join(dir, rel), data)
				}
				gitCommit(t, dir, c.msg)
			}
			base := tt.base
			if base == "" {
				base = "HEAD~1"
			}
			code, out := breakingGate(t, dir, base, tt.module)
			if _, err := os.Stat(filepath.Join(dir, "PWNED")); err == nil {
				t.Error("the base's name ran as a shell command")
			}
			if code != tt.wantCode || !strings.Contains(out, tt.wantOut) {
				t.Fatalf("exit %d (want %d), or the output lacks %q:\n%s", code, tt.wantCode, tt.wantOut, out)
			}
		})
	}
}
