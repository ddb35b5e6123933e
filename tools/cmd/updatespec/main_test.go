package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/partoo-go/partoo/tools/internal/specload"
)

func TestNextStepsBreaking(t *testing.T) {
	for _, breaking := range []int{0, 2} {
		var b bytes.Buffer
		nextSteps(&b, breaking)
		if got := strings.Contains(b.String(), "BREAKING:"); got != (breaking > 0) {
			t.Errorf("%d breaking: BREAKING step shown = %v:\n%s", breaking, got, b.String())
		}
		// oasdiff sees the spec only: a renamed schema breaks the Go API.
		if breaking == 0 && !strings.Contains(b.String(), "apidiff") {
			t.Errorf("no breaking spec change: the Go API check is not advised:\n%s", b.String())
		}
	}
}

// TestFailRestores checks that a failed update gives back the state before
// the run under the paths it may write: the files it changed or deleted are
// put back (with their mode and modification time), the files it added are
// deleted, and the maintainer's work (an uncommitted edit, a staged change,
// a file deleted before, an untracked file, overwritten or not, a tracked
// file that an ignore rule matches, an empty directory, a dangling
// symlink, names with spaces, a leading dash or bytes git quotes) is as it
// was, byte for byte, with the index untouched; what is outside those
// paths is left alone.
func TestFailRestores(t *testing.T) {
	t.Parallel()
	for _, step := range []int{2, 5} {
		t.Run(fmt.Sprint("step ", step), func(t *testing.T) {
			t.Parallel()
			root := t.TempDir()
			git := gitIn(t, root)
			write := func(rel, body string) {
				t.Helper()
				writeFile(t, filepath.Join(root, rel), body, 0o644)
			}
			remove := func(rel string) {
				t.Helper()
				if err := os.Remove(filepath.Join(root, rel)); err != nil {
					t.Fatal(err)
				}
			}
			git("init", "-q")
			for rel, body := range map[string]string{"api/openapi-bundled.yaml": "old spec", "api/names.yaml": "committed names",
				"api/staged.yaml": "committed", "gen/a.go": "package gen", "gen/old.go": "package gen // old", "go.mod": "module x", "outside.txt": "kept"} {
				write(rel, body)
			}
			// Names a shell or a split on spaces would take apart, and a
			// script whose mode git records.
			write("api/é.yaml", "committed, quoted by git")
			write("gen/run.sh", "#!/bin/sh")
			if err := os.Chmod(filepath.Join(root, "gen/run.sh"), 0o755); err != nil {
				t.Fatal(err)
			}
			write("my", "outside, named like the first word of a file under api/")
			write("notes.txt", "outside, named like the last word of a file under api/")
			write(".gitignore", "*.out\n")
			write("api/forced.out", "tracked, though ignored")
			git("add", "-f", "api/forced.out")
			git("add", "-A")
			git("commit", "-q", "-m", "first")
			// The maintainer's work before the run.
			write("api/names.yaml", "maintainer's edit")
			write("api/staged.yaml", "staged")
			git("add", "api/staged.yaml")
			remove("gen/old.go")
			write("api/scratch.txt", "untracked, left alone")
			write("api/repairs.yaml", "untracked draft")
			write("api/my notes.txt", "untracked, with a space")
			write("gen/-rf", "untracked, with a leading dash")
			if err := os.Symlink("nowhere", filepath.Join(root, "api/dangling")); err != nil {
				t.Fatal(err)
			}
			old := time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)
			if err := os.Chtimes(filepath.Join(root, "gen/a.go"), old, old); err != nil {
				t.Fatal(err)
			}
			if err := os.MkdirAll(filepath.Join(root, "gen/empty/too"), 0o755); err != nil {
				t.Fatal(err)
			}
			u := &updater{root: root, stdout: &bytes.Buffer{}}
			if err := u.save(context.Background(), filepath.Join(t.TempDir(), "the index")); err != nil {
				t.Fatal(err)
			}
			// The failed update.
			for rel, body := range map[string]string{"api/openapi-bundled.yaml": "new spec", "api/names.yaml": "derived names",
				"api/staged.yaml": "updated", "api/repairs.yaml": "overlay", "gen/old.go": "package gen // regenerated",
				"gen/b.go": "package gen // new", "internal/apispec/c.go": "new dir", "outside.txt": "changed outside",
				"api/é.yaml": "updated", "api/my notes.txt": "overwritten", "gen/-rf": "overwritten", "gen/new file.go": "new, with a space",
				"api/forced.out": "updated"} {
				write(rel, body)
			}
			remove("go.mod")
			remove("gen/run.sh")
			var stderr bytes.Buffer
			u.stderr = &stderr
			if code := u.fail(context.Background(), step, "go generate", errors.New("boom")); code != 1 {
				t.Fatalf("fail returned %d, want 1", code)
			}
			if !strings.Contains(stderr.String(), "Nothing was changed") {
				t.Errorf("the restore is not reported:\n%s", stderr.String())
			}
			for rel, want := range map[string]string{"api/openapi-bundled.yaml": "old spec", "api/names.yaml": "maintainer's edit",
				"api/staged.yaml": "staged", "api/repairs.yaml": "untracked draft", "api/scratch.txt": "untracked, left alone",
				"gen/a.go": "package gen", "go.mod": "module x", "outside.txt": "changed outside",
				"api/é.yaml": "committed, quoted by git", "api/my notes.txt": "untracked, with a space", "gen/-rf": "untracked, with a leading dash",
				"gen/run.sh": "#!/bin/sh", "my": "outside, named like the first word of a file under api/",
				"notes.txt": "outside, named like the last word of a file under api/", "api/forced.out": "tracked, though ignored"} {
				if got, err := os.ReadFile(filepath.Join(root, rel)); err != nil || string(got) != want {
					t.Errorf("%s = %q, %v; want %q", rel, got, err, want)
				}
			}
			if fi, err := os.Stat(filepath.Join(root, "gen/run.sh")); err != nil || fi.Mode().Perm() != 0o755 {
				t.Errorf("gen/run.sh: %v, %v; want mode 0755", fi, err)
			}
			if fi, err := os.Stat(filepath.Join(root, "gen/a.go")); err != nil || !fi.ModTime().Equal(old) {
				t.Errorf("gen/a.go: %v, %v; want modified at %v", fi, err, old)
			}
			if fi, err := os.Stat(filepath.Join(root, "gen/empty/too")); err != nil || !fi.IsDir() {
				t.Errorf("gen/empty/too, an empty directory before the run: %v, %v", fi, err)
			}
			if target, err := os.Readlink(filepath.Join(root, "api/dangling")); err != nil || target != "nowhere" {
				t.Errorf("api/dangling -> %q, %v; want the symlink to nowhere", target, err)
			}
			if staged := git("diff", "--cached", "--name-only"); staged != "api/staged.yaml" {
				t.Errorf("the index holds changes to %q, want only the maintainer's staged api/staged.yaml", staged)
			}
			for _, rel := range []string{"gen/b.go", "internal/apispec/c.go", "gen/old.go", "gen/new file.go"} {
				if _, err := os.Stat(filepath.Join(root, rel)); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("%s survived (%v)", rel, err)
				}
			}
		})
	}
}

// gitIn returns a function that runs git in dir, with an identity and
// without the user's configuration, and returns its output, trimmed; a
// failure fails t.
func gitIn(t *testing.T, dir string) func(args ...string) string {
	return func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-c", "commit.gpgsign=false", "-c", "user.name=t", "-c", "user.email=t@example.com"}, args...)...)
		cmd.Dir, cmd.Env = dir, append(os.Environ(), "GIT_CONFIG_GLOBAL="+os.DevNull)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
}

// writeFile writes body to path with the mode perm, making its directory;
// a failure fails t.
func writeFile(t *testing.T, path, body string, perm os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), perm); err != nil {
		t.Fatal(err)
	}
}

// TestRunRefusesOrDoesNothing checks the outcomes decided before any step:
// bad flags are usage errors, an unchanged spec (an assembled bundle equal
// to api/'s, or Partoo's bundle with the hash, the repairs and the origin
// api/ records) is nothing to do, and a new spec is refused outside a git work
// tree or, for an assembled bundle, when api/ holds Partoo's. None of them
// writes the spec.
func TestRunRefusesOrDoesNothing(t *testing.T) {
	t.Parallel()
	const bundle, spec = "openapi: 3.1.0 # Partoo's bundle\n", "openapi: 3.1.0 # the spec in api/\n"
	tests := []struct {
		name        string
		partooInAPI string // api/provenance.yaml records bundle as Partoo's, its hash in "lower" or "upper" case; "": it does not
		input       string // the new spec
		args        []string
		want        int
	}{
		{"no SPEC", "", spec, []string{"-spec", ""}, 2},
		{"unknown SOURCE", "", bundle, []string{"-source", "partner"}, 2},
		{"ORIGIN without SOURCE", "", bundle, []string{"-origin", "https://example.com/b.yaml"}, 2},
		{"REPAIRS without SOURCE", "", bundle, []string{"-repairs", "repairs.yaml"}, 2},
		{"assembled bundle unchanged", "", spec, nil, 0},
		{"Partoo's bundle unchanged", "lower", bundle, []string{"-source", "partoo"}, 0},
		{"Partoo's bundle unchanged, its hash recorded in capitals", "upper", bundle, []string{"-source", "partoo"}, 0},
		{"Partoo's bundle from another origin", "lower", bundle, []string{"-source", "partoo", "-origin", "https://example.com/moved.yaml"}, 1},
		{"Partoo's bundle with other repairs", "lower", bundle, []string{"-source", "partoo", "-repairs", "repairs.yaml"}, 1},
		{"assembled bundle over Partoo's", "lower", spec + "# new\n", nil, 1},
		{"outside a git work tree", "", spec + "# new\n", nil, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			root, inputs := t.TempDir(), t.TempDir()
			api := filepath.Join(root, "api")
			if err := os.MkdirAll(api, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(api, "openapi-bundled.yaml"), []byte(spec), 0o644); err != nil {
				t.Fatal(err)
			}
			if tt.partooInAPI != "" {
				sum := specload.Sum([]byte(bundle))
				if tt.partooInAPI == "upper" {
					sum = strings.ToUpper(sum)
				}
				rec := specload.Record{Source: specload.Partoo, Origin: partooBundleURL, Date: "2026-01-02", SHA256: sum}
				if err := specload.WriteRecord(api, rec); err != nil {
					t.Fatal(err)
				}
			}
			input := filepath.Join(inputs, "new.yaml")
			if err := os.WriteFile(input, []byte(tt.input), 0o644); err != nil {
				t.Fatal(err)
			}
			repairs := filepath.Join(inputs, "repairs.yaml")
			if err := os.WriteFile(repairs, []byte("# repairs api/ does not hold\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			args := []string{"-root", root, "-spec", input}
			for _, a := range tt.args {
				if a == "repairs.yaml" {
					a = repairs
				}
				args = append(args, a)
			}
			var stdout, stderr bytes.Buffer
			if got := run(context.Background(), args, &stdout, &stderr); got != tt.want {
				t.Errorf("exit status %d, want %d\nstdout:\n%s\nstderr:\n%s", got, tt.want, stdout.String(), stderr.String())
			}
			if strings.Contains(stdout.String(), "==> update-spec") {
				t.Errorf("a step started:\n%s", stdout.String())
			}
			if got, err := os.ReadFile(filepath.Join(api, "openapi-bundled.yaml")); err != nil || string(got) != spec {
				t.Errorf("api/openapi-bundled.yaml = %q, %v; want it unchanged", got, err)
			}
		})
	}
}

// TestUpdateCoversTheRepository checks that step 3 tidies every module of
// the repository and regenerates every module that has a go:generate line,
// before tidying it (what is generated may need a module), that step 5
// compiles every module, and that the update may restore each file it may
// write: every go.mod and go.sum, and each path make check-generated diffs.
func TestUpdateCoversTheRepository(t *testing.T) {
	t.Parallel()
	root := filepath.Join("..", "..", "..")
	ran := map[string]bool{}
	for _, c := range regenerate {
		ran[c[0]+" "+strings.Join(c[1:], " ")] = true
	}
	out, err := exec.Command("git", "-C", root, "ls-files", "-z", "--", "*go.mod", "*.go").Output()
	if err != nil {
		t.Fatal(err)
	}
	var modules, goFiles []string
	for _, f := range strings.Split(strings.TrimRight(string(out), "\x00"), "\x00") {
		switch {
		case strings.Contains(f, "testdata/"):
		case filepath.Base(f) == "go.mod":
			modules = append(modules, filepath.Dir(f))
		default:
			goFiles = append(goFiles, f)
		}
	}
	// step is the last place of cmd in step 3, or -1.
	step := func(cmd string) int {
		last := -1
		for i, c := range regenerate {
			if c[0]+" "+strings.Join(c[1:], " ") == cmd {
				last = i
			}
		}
		return last
	}
	compiled := map[string]bool{"tools": true} // step 5 tests every tools package
	for _, c := range verify {
		compiled[c[0]] = compiled[c[0]] || c[1] == "build" || c[1] == "vet" || c[1] == "test"
	}
	for _, dir := range modules {
		if !ran[dir+" mod tidy"] {
			t.Errorf("step 3 does not tidy the module in %s", dir)
		}
		if g := step(dir + " generate ./..."); g > step(dir+" mod tidy") {
			t.Errorf("step 3 regenerates the module in %s after its last tidy", dir)
		}
		if !compiled[dir] {
			t.Errorf("step 5 does not compile the module in %s", dir)
		}
		for _, rel := range []string{filepath.Join(dir, "go.mod"), filepath.Join(dir, "go.sum")} {
			if !mayRestore(rel) {
				t.Errorf("%s is not restorable", rel)
			}
		}
	}
	for _, f := range goFiles {
		body, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			t.Fatal(err)
		}
		if !regexp.MustCompile(`(?m)^//go:generate `).Match(body) {
			continue
		}
		module := "."
		for _, dir := range modules {
			if strings.HasPrefix(f, dir+"/") && len(dir) > len(module) {
				module = dir
			}
		}
		if !ran[module+" generate ./..."] {
			t.Errorf("step 3 does not run go generate in %s, the module of %s", module, f)
		}
	}
	makefile, err := os.ReadFile(filepath.Join(root, "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^GENERATED_DIRS := (.*)$`).FindSubmatch(makefile)
	if m == nil {
		t.Fatal("no GENERATED_DIRS in the Makefile")
	}
	for _, rel := range strings.Fields(string(m[1])) {
		if !mayRestore(rel) {
			t.Errorf("%s, which make check-generated diffs, is not restorable", rel)
		}
	}
}

// mayRestore reports whether rel is under one of the paths an update may
// write.
func mayRestore(rel string) bool {
	for _, p := range restorable {
		if rel == p || strings.HasPrefix(rel, p+"/") {
			return true
		}
	}
	return false
}
