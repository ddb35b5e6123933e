package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/partoo-go/partoo/tools/internal/testspec"
)

// lintGo stands for the go command in the updates partooUpdate runs:
// `go run ./cmd/speclint` runs this checkout's speclint, in its tools
// module, with the arguments the update gives (and a TMPDIR of its own for
// go's work files), through lintGo record-lint, which records speclint's
// own exit status in $LINT_STATUS (go run's is 1 for any failure);
// apidiff writes the Go API export it is given with -w and reads the one
// it is given without; oasdiff reads the two specs it compares; every
// other command succeeds. A file it cannot write or read fails it, as it
// would fail the real command.
const lintGo = `#!/bin/sh
case "$1 $2" in
"run ./cmd/speclint")
	shift 2
	TMPDIR="$REAL_TMPDIR" exec "$REAL_GO" -C "$REAL_TOOLS" run -exec "$0 record-lint" ./cmd/speclint "$@" ;;
"record-lint "*)
	shift
	"$@"
	status=$?
	echo $status >"$LINT_STATUS"
	exit $status ;;
"tool -modfile=tools/go.mod")
	if [ "$5" = -w ]; then echo export >"$6"; else test -f "$5"; fi
	exit ;;
"tool oasdiff")
	test -f "$4" && test -f "$5"
	exit ;;
esac
exit 0
`

// updateResult is what partooUpdate saw: the update's exit status and
// output, the lint's exit status (-1 when the lint did not run) and the
// repository the update ran on.
type updateResult struct {
	exit, lint int
	out, root  string
}

// partooUpdate runs the command, as make update-spec SOURCE=partoo does, in
// a process of its own started in dir, with lintGo as the go command and
// the environment variable TMPDIR set to tmpdir. It takes the defects
// bundle, written to dir and named relative to it, into a new git
// repository whose api/ holds the bundle's repairs and, unless names is
// empty, the naming file names.
func partooUpdate(t *testing.T, dir, tmpdir, names string) updateResult {
	t.Helper()
	root, bin := t.TempDir(), t.TempDir()
	files := map[string]string{filepath.Join(root, specRel): "openapi: 3.1.0 # the spec before the update\n",
		filepath.Join(root, "api/repairs.yaml"):  string(testspec.DefectsRepairs()),
		filepath.Join(dir, "partoo-bundle.yaml"): string(testspec.DefectsBundle())}
	if names != "" {
		files[filepath.Join(root, "api/names.yaml")] = names
	}
	for path, body := range files {
		writeFile(t, path, body, 0o644)
	}
	writeFile(t, filepath.Join(bin, "go"), lintGo, 0o755)
	// Every directory a go command of the update runs in.
	for _, c := range append(slices.Clone(regenerate), verify...) {
		if err := os.MkdirAll(filepath.Join(root, c[0]), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	git := gitIn(t, root)
	git("init", "-q")
	git("add", "-A")
	git("commit", "-q", "-m", "first")

	realGo, err := exec.LookPath("go")
	if err != nil {
		t.Fatal(err)
	}
	tools, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	status := filepath.Join(bin, "lint-status")
	cmd := exec.Command(self, "-root", root, "-spec", "partoo-bundle.yaml", "-source", "partoo")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), runMainEnv+"=1", "TMPDIR="+tmpdir, "REAL_GO="+realGo, "REAL_TOOLS="+tools, "REAL_TMPDIR="+bin,
		"LINT_STATUS="+status, "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	out, err := cmd.CombinedOutput()
	r := updateResult{out: string(out), root: root, lint: -1}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		r.exit = exit.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(status); err == nil {
		if r.lint, err = strconv.Atoi(strings.TrimSpace(string(b))); err != nil {
			t.Fatal(err)
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	return r
}

// TestLintTakesTheNamingFile checks that the lint of Partoo's bundle gives
// the operations without an operationId the names api/names.yaml records,
// as the loader does: a name whose Go name is another operation's is a
// blocking finding, and the update stops at the lint with the spec as it
// was; without a naming file, or with a name of its own, the lint passes
// and the update goes through.
func TestLintTakesTheNamingFile(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, names string
		lint, exit  int
	}{
		{"no naming file", "", 0, 0},
		{"a name of its own", "operationIds:\n  DELETE /venues/{venue_id}: removeVenue\n", 0, 0},
		// GET /venues/{venue_id} is readVenue: both give ReadVenue.
		{"a name whose Go name is another operation's", "operationIds:\n  DELETE /venues/{venue_id}: read_venue\n", 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := partooUpdate(t, t.TempDir(), t.TempDir(), tt.names)
			if r.lint != tt.lint || r.exit != tt.exit {
				t.Errorf("lint exit status %d, update exit status %d; want %d, %d\n%s", r.lint, r.exit, tt.lint, tt.exit, r.out)
			}
			spec, err := os.ReadFile(filepath.Join(r.root, specRel))
			if replaced := err == nil && !strings.Contains(string(spec), "before the update"); replaced != (tt.exit == 0) {
				t.Errorf("%s replaced: %v (%v), want %v", specRel, replaced, err, tt.exit == 0)
			}
		})
	}
}

// TestRelativeTMPDIR checks that the update names its temporary files (the
// copies of the repairs and of the naming file the lint reads, the Go API
// export apidiff writes and reads, the spec before the update oasdiff
// compares) by absolute paths: with TMPDIR=tmp, relative to the directory
// the update starts in, the commands, which run in other directories, find
// them, the update goes through, and its temporary directory is removed.
func TestRelativeTMPDIR(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "tmp"), 0o755); err != nil {
		t.Fatal(err)
	}
	r := partooUpdate(t, dir, "tmp", "operationIds:\n  DELETE /venues/{venue_id}: removeVenue\n")
	if r.lint != 0 || r.exit != 0 {
		t.Errorf("lint exit status %d, update exit status %d; want 0, 0\n%s", r.lint, r.exit, r.out)
	}
	if left, err := os.ReadDir(filepath.Join(dir, "tmp")); err != nil || len(left) > 0 {
		t.Errorf("the temporary directory holds %v (%v), want nothing", left, err)
	}
}
