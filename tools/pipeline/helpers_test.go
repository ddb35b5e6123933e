// Package pipeline holds the end-to-end tests of the spec pipeline: `make
// update-spec` on a Partoo-shaped bundle of 77 operations and on mutated
// specs, the Makefile's breaking-change gate on throwaway repositories, the
// module hygiene of `go get` through a local module proxy, and the
// repository's references (no tracker words, no dead Markdown links). The
// tests work on copies of the repository, or on throwaway repositories, in
// temporary directories, and run the go command there; the work tree is
// never modified.
//
// The package has tests only: its files all end in _test.go.
package pipeline

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// heavyTimeout is the least -timeout under which the tests that run make in
// a copy of the repository run: together they need more than go test's
// default of 10 minutes (make test gives the package 45).
const heavyTimeout = 30 * time.Minute

// skipUnlessHeavy skips t under -short (saying why: what it does), and
// under a -timeout below heavyTimeout, which would end the run in a panic
// midway; -timeout 0 (none) runs it.
func skipUnlessHeavy(t *testing.T, what string) {
	t.Helper()
	if testing.Short() {
		t.Skip("slow: " + what)
	}
	if d := flag.Lookup("test.timeout").Value.(flag.Getter).Get().(time.Duration); d != 0 && d < heavyTimeout {
		t.Skipf("slow: %s; it needs -timeout %v or more (make test gives 45m), not %v", what, heavyTimeout, d)
	}
}

// repoRoot returns the root of the repository (the parent of tools/).
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "api", "openapi-bundled.yaml")); err != nil {
		t.Fatalf("repository root not found: %v", err)
	}
	return root
}

// repoFiles lists the repository's files as git sees them: tracked and
// untracked-but-not-ignored, so that the copy holds what a commit would
// hold (no node_modules, no build output). Deleted tracked files and
// compiled binaries (stray build output) are left out.
func repoFiles(t *testing.T, root string) []string {
	t.Helper()
	out := run(t, root, nil, "git", "ls-files", "--cached", "--others", "--exclude-standard", "-z")
	var files []string
	for _, f := range strings.Split(out, "\x00") {
		if f == "" {
			continue
		}
		info, err := os.Lstat(filepath.Join(root, f))
		if err != nil || !info.Mode().IsRegular() || isBinary(filepath.Join(root, f)) {
			continue
		}
		files = append(files, f)
	}
	return files
}

// isBinary reports whether path is an ELF executable.
func isBinary(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	magic := make([]byte, 4)
	n, _ := io.ReadFull(f, magic)
	return n == 4 && string(magic) == "\x7fELF"
}

// copyRepo copies the repository's files into a new temporary directory and
// returns it.
func copyRepo(t *testing.T) string {
	t.Helper()
	root := repoRoot(t)
	dst := t.TempDir()
	for _, f := range repoFiles(t, root) {
		copyFile(t, filepath.Join(root, f), filepath.Join(dst, f))
	}
	return dst
}

func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		t.Fatal(err)
	}
	in, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	info, err := in.Stat()
	if err != nil {
		t.Fatal(err)
	}
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, info.Mode().Perm())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// gitEnv makes git usable in a throwaway repository on any machine: a fixed
// identity and no user configuration.
var gitEnv = []string{
	"GIT_AUTHOR_NAME=pipeline test", "GIT_AUTHOR_EMAIL=pipeline@example.com",
	"GIT_COMMITTER_NAME=pipeline test", "GIT_COMMITTER_EMAIL=pipeline@example.com",
	"GIT_CONFIG_GLOBAL=" + os.DevNull, "GIT_CONFIG_NOSYSTEM=1",
}

// gitInit makes dir a git repository with everything in one commit.
func gitInit(t *testing.T, dir string) {
	t.Helper()
	run(t, dir, gitEnv, "git", "init", "-q", "-b", "main")
	gitCommit(t, dir, "copy of the repository")
}

func gitCommit(t *testing.T, dir, msg string) {
	t.Helper()
	run(t, dir, gitEnv, "git", "add", "-A")
	run(t, dir, gitEnv, "git", "-c", "commit.gpgsign=false", "commit", "-q", "-m", msg)
}

// cmdTimeout bounds every command a pipeline test runs.
const cmdTimeout = 8 * time.Minute

// started is when the test binary started, for the progress lines.
var started = time.Now()

// progress prints a line to the test binary's stderr at once, whatever
// -v says: these tests take minutes, and `make test` runs this package
// alone so that the go command streams its output instead of holding it
// until the package ends.
func progress(t *testing.T, format string, args ...any) {
	fmt.Fprintf(os.Stderr, "pipeline [%v] %s: %s\n", time.Since(started).Round(time.Second), t.Name(), fmt.Sprintf(format, args...))
}

// command runs name in dir with extra environment variables and returns its
// combined output and error. Commands that build or test (make, go) report
// their start and end on stderr (see progress). Each command gets a
// temporary directory of its own as TMPDIR, removed with the test, so
// that what it leaves there does not pile up.
func command(t *testing.T, dir string, env []string, name string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), cmdTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), "TMPDIR="+t.TempDir()), env...)
	var out bytes.Buffer
	long := name == "make" || name == "go"
	cmd.Stdout, cmd.Stderr = &out, &out
	if long {
		steps := &stepWriter{t: t, out: &out}
		cmd.Stdout, cmd.Stderr = steps, steps
	}
	var start time.Time
	if long {
		start = time.Now()
		progress(t, "%s: started", shortCommand(name, args))
	}
	err := cmd.Run()
	if long {
		status := "ok"
		if err != nil {
			status = err.Error()
		}
		progress(t, "%s: %s in %v", shortCommand(name, args), status, time.Since(start).Round(time.Second))
	}
	return out.String(), err
}

// stepWriter collects a command's output and reports the steps it
// announces ("==> update-spec [3/6] regenerate ...") as progress lines, as
// they come.
type stepWriter struct {
	t    *testing.T
	out  *bytes.Buffer
	line []byte
}

func (w *stepWriter) Write(p []byte) (int, error) {
	w.out.Write(p)
	for _, b := range p {
		if b != '\n' {
			w.line = append(w.line, b)
			continue
		}
		if step, ok := bytes.CutPrefix(w.line, []byte("==> ")); ok {
			progress(w.t, "  %s", step)
		}
		w.line = w.line[:0]
	}
	return len(p), nil
}

// shortCommand names a command for a progress line, with absolute paths
// cut to their last element.
func shortCommand(name string, args []string) string {
	parts := []string{name}
	for _, a := range args {
		key, value, ok := strings.Cut(a, "=")
		switch {
		case filepath.IsAbs(a):
			a = filepath.Base(a)
		case ok && filepath.IsAbs(value):
			a = key + "=" + filepath.Base(value)
		}
		parts = append(parts, a)
	}
	return strings.Join(parts, " ")
}

// run is command that fails the test on error.
func run(t *testing.T, dir string, env []string, name string, args ...string) string {
	t.Helper()
	out, err := command(t, dir, env, name, args...)
	if err != nil {
		t.Fatalf("%s %s (in %s): %v\n%s", name, strings.Join(args, " "), dir, err, out)
	}
	return out
}

// snapshot returns the content of every file under dir, by relative path,
// .git excluded.
func snapshot(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == ".git" {
			return filepath.SkipDir
		}
		if !d.Type().IsRegular() {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		files[rel] = data
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// diffSnapshots lists the files that differ between two snapshots.
func diffSnapshots(a, b map[string][]byte) []string {
	var diff []string
	for f, data := range a {
		if other, ok := b[f]; !ok || !bytes.Equal(data, other) {
			diff = append(diff, f)
		}
	}
	for f := range b {
		if _, ok := a[f]; !ok {
			diff = append(diff, f)
		}
	}
	return diff
}

// frozen returns the contents of internal/testspec/name, the frozen specs of the
// tools' tests (its README.md says what each holds).
func frozen(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("../internal/testspec", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}
