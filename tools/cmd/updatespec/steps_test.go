package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// stepsGo stands for the go command in the updates partooUpdate runs:
// oasdiff reads the two specs it compares; every other command succeeds. A
// file it cannot read fails it, as it would fail the real command.
const stepsGo = `#!/bin/sh
if [ "$1 $2" = "tool oasdiff" ]; then
	test -f "$4" && test -f "$5"
	exit
fi
exit 0
`

// updateResult is what partooUpdate saw: the update's exit status and
// output, the lint's outcome (0 passed, 1 blocked, -1 not run), the
// repository the update ran on and the directory it started in.
type updateResult struct {
	exit, lint int
	out        string
	root, dir  string
}

// partooRun says how partooUpdate runs the update.
type partooRun struct {
	names  string // api/names.yaml; none when empty
	tmpdir string // TMPDIR, made if need be; a relative one is in the directory the update starts in
	inRoot bool   // start in the repository, with -root ., instead of elsewhere with its absolute path
	absent string // a module directory of the update's commands that the repository lacks
	loop   string // a module directory that is a symbolic link to itself, which no stat can read
}

// partooUpdate runs the command, as make update-spec SOURCE=partoo does, in
// a process of its own, with stepsGo as the go command. It takes the
// defects bundle, written to the directory the update starts in and named
// relative to it, into a new git repository whose api/ holds the bundle's
// repairs and the naming file of run.
func partooUpdate(t *testing.T, run partooRun) updateResult {
	t.Helper()
	root, bin := t.TempDir(), t.TempDir()
	r := updateResult{root: root, dir: t.TempDir(), lint: -1}
	rootArg := root
	if run.inRoot {
		r.dir, rootArg = root, "."
	}
	files := map[string]string{filepath.Join(root, specRel): "openapi: 3.1.0 # the spec before the update\n",
		filepath.Join(root, "api/repairs.yaml"):    string(frozen(t, "defects/repairs.yaml")),
		filepath.Join(r.dir, "partoo-bundle.yaml"): string(frozen(t, "defects/bundle.yaml"))}
	if run.names != "" {
		files[filepath.Join(root, "api/names.yaml")] = run.names
	}
	for path, body := range files {
		writeFile(t, path, body, 0o644)
	}
	writeFile(t, filepath.Join(bin, "go"), stepsGo, 0o755)
	tmpdir := run.tmpdir
	if !filepath.IsAbs(tmpdir) {
		tmpdir = filepath.Join(r.dir, tmpdir)
	}
	if err := os.MkdirAll(tmpdir, 0o755); err != nil {
		t.Fatal(err)
	}
	// Every directory a go command of the update runs in, tracked.
	for _, c := range append(slices.Clone(regenerate), verify...) {
		if c[0] != run.absent && c[0] != run.loop {
			writeFile(t, filepath.Join(root, c[0], "go.mod"), "module "+c[0]+"\n", 0o644)
		}
	}
	if run.loop != "" {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(root, run.loop)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(filepath.Base(run.loop), filepath.Join(root, run.loop)); err != nil {
			t.Fatal(err)
		}
	}
	git := gitIn(t, root)
	git("init", "-q")
	git("add", "-A")
	git("commit", "-q", "-m", "first")

	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(self, "-root", rootArg, "-spec", "partoo-bundle.yaml", "-source", "partoo")
	cmd.Dir = r.dir
	cmd.Env = append(os.Environ(), runMainEnv+"=1", "TMPDIR="+run.tmpdir, "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	out, err := cmd.CombinedOutput()
	r.out = string(out)
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		r.exit = exit.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	switch {
	case strings.Contains(r.out, "blocking finding(s)"):
		r.lint = 1
	case strings.Contains(r.out, ": ok ("):
		r.lint = 0
	}
	return r
}

// TestLintTakesTheNamingFile checks that the lint of Partoo's bundle gives
// the operations without an operationId the names api/names.yaml records,
// as the loader does: a name whose Go name is another operation's is a
// blocking finding, and the update stops at the lint with the spec as it
// was (before the lint when the loader refuses the naming file); without
// a naming file, or with a name of its own, the lint passes and the update
// goes through.
func TestLintTakesTheNamingFile(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, names string
		lint, exit  int
	}{
		{"no naming file", "", 0, 0},
		{"a name of its own", freeName, 0, 0},
		// GET /venues/{venue_id} is readVenue: both give ReadVenue.
		{"a name whose Go name is another operation's", "operationIds:\n  DELETE /venues/{venue_id}: read_venue\n", 1, 1},
		// The loader refuses it: the update stops before the lint.
		{"a naming file that is not YAML", "operationIds: [\n", -1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := partooUpdate(t, partooRun{names: tt.names, tmpdir: t.TempDir()})
			if r.lint != tt.lint || r.exit != tt.exit {
				t.Errorf("lint outcome %d, update exit status %d; want %d, %d\n%s", r.lint, r.exit, tt.lint, tt.exit, r.out)
			}
			spec, err := os.ReadFile(filepath.Join(r.root, specRel))
			if replaced := err == nil && !strings.Contains(string(spec), "before the update"); replaced != (tt.exit == 0) {
				t.Errorf("%s replaced: %v (%v), want %v", specRel, replaced, err, tt.exit == 0)
			}
		})
	}
}

// freeName is a naming file that gives the defects bundle's DELETE a name
// no other operation's Go name is.
const freeName = "operationIds:\n  DELETE /venues/{venue_id}: removeVenue\n"

// TestRelativePaths checks that the update names the files it hands to
// commands, which run in other directories, by absolute paths: its
// temporary files (its worktree and the patch it applies) under TMPDIR=tmp,
// relative to the directory the update starts in, and the repository's
// files (the previous spec oasdiff compares) under -root . too. The commands
// find them, the update goes through, and its temporary directory is removed.
func TestRelativePaths(t *testing.T) {
	t.Parallel()
	for _, inRoot := range []bool{false, true} {
		t.Run(map[bool]string{false: "root given by its absolute path", true: "-root ."}[inRoot], func(t *testing.T) {
			t.Parallel()
			r := partooUpdate(t, partooRun{names: freeName, tmpdir: "tmp", inRoot: inRoot})
			if r.lint != 0 || r.exit != 0 {
				t.Errorf("lint outcome %d, update exit status %d; want 0, 0\n%s", r.lint, r.exit, r.out)
			}
			if left, err := os.ReadDir(filepath.Join(r.dir, "tmp")); err != nil || len(left) > 0 {
				t.Errorf("the temporary directory holds %v (%v), want nothing", left, err)
			}
		})
	}
}

// TestUnreadableConsumerFails checks that a consumer example the update
// cannot read (a symbolic link to itself) fails step 3: only a missing one
// is skipped.
func TestUnreadableConsumerFails(t *testing.T) {
	t.Parallel()
	r := partooUpdate(t, partooRun{names: freeName, tmpdir: t.TempDir(), loop: consumerRel})
	if r.exit != 1 || !strings.Contains(r.out, "FAILED at step 3 (go mod in "+consumerRel+")") || strings.Contains(r.out, "not in this tree") {
		t.Errorf("update exit status %d; want 1, failed at step 3 in %s, not skipped\n%s", r.exit, consumerRel, r.out)
	}
}

// TestAbsentModuleSkipped checks that the update goes through in a tree
// without the consumer example, whose commands it skips, saying so, and
// that it fails in a tree without another module: those are required. The
// failure, after step 2 wrote api/ in the worktree, leaves the tree as it
// was; the success writes api/ into it.
func TestAbsentModuleSkipped(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		absent string
		exit   int
	}{{consumerRel, 0}, {"otel", 1}} {
		t.Run(tt.absent, func(t *testing.T) {
			t.Parallel()
			r := partooUpdate(t, partooRun{names: freeName, tmpdir: t.TempDir(), absent: tt.absent})
			if r.lint != 0 || r.exit != tt.exit {
				t.Errorf("lint outcome %d, update exit status %d; want 0, %d\n%s", r.lint, r.exit, tt.exit, r.out)
			}
			if failed := strings.Contains(r.out, "FAILED at step 3 (go mod in "+tt.absent+")"); failed != (tt.exit != 0) {
				t.Errorf("the update failed at step 3 in %s: %v, want %v\n%s", tt.absent, failed, tt.exit != 0, r.out)
			}
			if skipped := strings.Contains(r.out, tt.absent+": not in this tree"); skipped != (tt.exit == 0) {
				t.Errorf("the update says it skipped %s: %v, want %v\n%s", tt.absent, skipped, tt.exit == 0, r.out)
			}
			status := gitIn(t, r.root)("status", "--porcelain")
			if written := strings.Contains(status, "api/provenance.yaml"); written != (tt.exit == 0) || tt.exit != 0 && status != "" {
				t.Errorf("the tree after the update (exit status %d):\n%s", tt.exit, status)
			}
		})
	}
}
