package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/partoo-go/partoo/tools/internal/specload"
)

// TestNextStepsBreaking checks that the next steps are two lines, the
// second about the version bump: to declare when oasdiff counted breaking
// changes, where the rule is; else apidiff, which sees what oasdiff does not
// (a renamed schema breaks the Go API).
func TestNextStepsBreaking(t *testing.T) {
	for _, breaking := range []int{0, 2} {
		var b bytes.Buffer
		nextSteps(&b, breaking)
		lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
		if len(lines) != 2 {
			t.Fatalf("%d breaking: %d lines, want 2:\n%s", breaking, len(lines), b.String())
		}
		want := []string{"apidiff", `"Breaking changes"`}
		if breaking > 0 {
			want = []string{"BREAKING:", strconv.Itoa(breaking), "declare", `"Breaking changes"`, "make breaking"}
		}
		for _, w := range want {
			if !strings.Contains(lines[1], w) {
				t.Errorf("%d breaking: %q does not name %q", breaking, lines[1], w)
			}
		}
	}
}

// writeGo stands for the go command in TestUpdateWritesOnlyOnSuccess: go
// generate adds, changes, deletes and makes executable files under gen/,
// makes a commit in the repository when $MOVE_HEAD is set, then exits with
// $GENERATE_STATUS; every other command succeeds.
const writeGo = `#!/bin/sh
if [ "$1" = generate ]; then
	echo 'package gen // new' > 'gen/new file.go'
	echo 'package gen // regenerated, a trailing space ' > gen/é.go
	rm gen/old.go
	chmod +x gen/run.sh
	printf 'one\ntwo, regenerated\nthree\n' > gen/lines.txt
	printf 'a\000b, regenerated' > gen/blob.bin
	if [ -n "$MOVE_HEAD" ]; then
		git -C "$MOVE_HEAD" -c user.name=t -c user.email=t@example.com commit -q --allow-empty -m moved || exit 9
	fi
	exit "$GENERATE_STATUS"
fi
exit 0
`

// TestUpdateWritesOnlyOnSuccess checks that the steps run in a worktree
// of their own: a failed update leaves the repository as it was, byte for
// byte, and a successful one writes the worktree's changes into it (a new
// file, a changed one, a deleted one, an executable bit, names git quotes),
// leaving the index, the maintainer's untracked files and the files it did
// not change (their modification time included) alone, in a repository of
// its own or in a directory of a larger one. The user's git configuration
// and the repository's hooks change nothing; the update refuses to write a
// file git would ignore, or to write over a HEAD that moved. No worktree is
// left behind.
func TestUpdateWritesOnlyOnSuccess(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		status   int    // go generate's exit status
		sub      string // the directory of the client in its repository
		excluded string // a file the user's git configuration ignores
		move     bool   // HEAD moves during the update
		ok       bool
	}{
		{name: "go generate fails", status: 1},
		{name: "success", ok: true},
		{name: "success in a larger repository", sub: "clients/partoo", ok: true},
		{name: "a new file that git ignores", excluded: "new file.go"},
		{name: "HEAD moves", move: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			top, bin, inputs := t.TempDir(), t.TempDir(), t.TempDir()
			root := filepath.Join(top, tc.sub)
			git := gitIn(t, top)
			files := map[string]string{"api/openapi-bundled.yaml": "old spec", "gen/a.go": "package gen", "gen/é.go": "package gen // old",
				"gen/old.go": "package gen // old", "gen/run.sh": "#!/bin/sh", seedRel: frozenSeed(t),
				"gen/lines.txt": "one\ntwo\nthree\n", "gen/blob.bin": "a\x00b"}
			for _, c := range append(slices.Clone(regenerate), verify...) {
				files[filepath.Join(c[0], "go.mod")] = "module " + c[0]
			}
			for rel, body := range files {
				writeFile(t, filepath.Join(root, rel), body, 0o644)
			}
			writeFile(t, filepath.Join(inputs, "new.yaml"), string(frozen(t, "webhooks-openapi.yaml")), 0o644)
			writeFile(t, filepath.Join(bin, "go"), writeGo, 0o755)
			git("init", "-q")
			git("add", "-A")
			git("commit", "-q", "-m", "first")
			// The maintainer's work and hooks, which the update leaves alone.
			writeFile(t, filepath.Join(root, "gen/notes.txt"), "untracked", 0o644)
			writeFile(t, filepath.Join(top, ".git/hooks/post-checkout"), "#!/bin/sh\necho hook > hook-made.txt\n", 0o755)
			writeFile(t, filepath.Join(top, ".git/info/attributes"), "*.txt diff=upper\n", 0o644)
			old := time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)
			if err := os.Chtimes(filepath.Join(root, "gen/a.go"), old, old); err != nil {
				t.Fatal(err)
			}
			// A configuration that would spoil a patch written or applied with the defaults.
			config := filepath.Join(bin, "gitconfig")
			writeFile(t, config, "[diff]\n\tnoprefix = true\n\tmnemonicPrefix = true\n\trelative = true\n\tcontext = 0\n\texternal = false\n"+
				"[diff \"upper\"]\n\ttextconv = tr a-z A-Z <\n[color]\n\tui = always\n\tdiff = always\n[apply]\n\twhitespace = error\n"+
				"[status]\n\tshowUntrackedFiles = no\n[core]\n\texcludesFile = "+filepath.Join(bin, "excludes")+"\n", 0o644)
			writeFile(t, filepath.Join(bin, "excludes"), tc.excluded+"\n", 0o644)
			cmd := exec.Command(os.Args[0], "-root", root, "-spec", filepath.Join(inputs, "new.yaml"))
			cmd.Env = append(os.Environ(), runMainEnv+"=1", fmt.Sprint("GENERATE_STATUS=", tc.status), "TMPDIR="+t.TempDir(),
				"GIT_CONFIG_GLOBAL="+config, "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"))
			if tc.move {
				cmd.Env = append(cmd.Env, "MOVE_HEAD="+top)
			}
			out, err := cmd.CombinedOutput()
			if (err == nil) != tc.ok {
				t.Fatalf("the update's error: %v, want one: %v\n%s", err, !tc.ok, out)
			}
			want := map[string]string{"api/openapi-bundled.yaml": string(frozen(t, "webhooks-openapi.yaml")),
				"gen/a.go": "package gen", "gen/new file.go": "package gen // new\n",
				"gen/é.go": "package gen // regenerated, a trailing space \n", "gen/old.go": "", "gen/run.sh": "#!/bin/sh", "gen/notes.txt": "untracked",
				"gen/lines.txt": "one\ntwo, regenerated\nthree\n", "gen/blob.bin": "a\x00b, regenerated"}
			if !tc.ok {
				maps.Copy(want, files)
				want["gen/new file.go"] = ""
				if !strings.Contains(string(out), "Nothing was changed") {
					t.Errorf("the failure does not say that nothing was changed:\n%s", out)
				}
			}
			for rel, body := range want {
				got, err := os.ReadFile(filepath.Join(root, rel))
				if body == "" && !errors.Is(err, os.ErrNotExist) || body != "" && string(got) != body {
					t.Errorf("%s = %q, %v; want %q (empty: no file)", rel, got, err, body)
				}
			}
			if fi, err := os.Stat(filepath.Join(root, "gen/run.sh")); err != nil || fi.Mode().Perm()&0o100 != 0 != tc.ok {
				t.Errorf("gen/run.sh: %v, %v; executable: want %v", fi, err, tc.ok)
			}
			if fi, err := os.Stat(filepath.Join(root, "gen/a.go")); err != nil || !fi.ModTime().Equal(old) {
				t.Errorf("gen/a.go, which the update did not change: %v, %v; want modified at %v", fi, err, old)
			}
			if staged := git("diff", "--cached", "--name-only"); staged != "" {
				t.Errorf("the index holds changes to %q, want none", staged)
			}
			if list := git("worktree", "list", "--porcelain"); strings.Count(list, "worktree ") != 1 || strings.Contains(list, "prunable") {
				t.Errorf("worktrees left behind:\n%s", list)
			}
			if made := git("ls-files", "--others", "--", "hook-made.txt", "*/hook-made.txt"); made != "" {
				t.Errorf("a hook of the repository ran in the worktree: %s", made)
			}
		})
	}
}

// frozenSeed returns the seed the frozen Webhooks spec was checked against:
// a new spec that passes the lint.
func frozenSeed(t *testing.T) string {
	t.Helper()
	return string(frozen(t, "seed-getWebhook.md"))
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
// tree, in a repository without a commit or over an uncommitted change, or, for an assembled bundle, when api/
// holds Partoo's. None of them writes the spec.
func TestRunRefusesOrDoesNothing(t *testing.T) {
	t.Parallel()
	const bundle, spec = "openapi: 3.1.0 # Partoo's bundle\n", "openapi: 3.1.0 # the spec in api/\n"
	tests := []struct {
		name        string
		partooInAPI string // api/provenance.yaml records bundle as Partoo's, its hash in "lower" or "upper" case; "": it does not
		input       string // the new spec
		args        []string
		want        int
		work        string // a git repository, "clean", or with a committed file "edited" or one "untracked", or with "no commit"; "": none
	}{
		{"no SPEC", "", spec, []string{"-spec", ""}, 2, ""},
		{"an unknown flag", "", spec, []string{"-sauce", "partoo"}, 2, ""},
		{"unknown SOURCE", "", bundle, []string{"-source", "partner"}, 2, ""},
		{"ORIGIN without SOURCE", "", bundle, []string{"-origin", "https://example.com/b.yaml"}, 2, ""},
		{"REPAIRS without SOURCE", "", bundle, []string{"-repairs", "repairs.yaml"}, 2, ""},
		{"assembled bundle unchanged", "", spec, nil, 0, ""},
		{"Partoo's bundle unchanged", "lower", bundle, []string{"-source", "partoo"}, 0, ""},
		{"Partoo's bundle unchanged, its hash recorded in capitals", "upper", bundle, []string{"-source", "partoo"}, 0, ""},
		{"Partoo's bundle from another origin", "lower", bundle, []string{"-source", "partoo", "-origin", "https://example.com/moved.yaml"}, 1, ""},
		{"Partoo's bundle with other repairs", "lower", bundle, []string{"-source", "partoo", "-repairs", "repairs.yaml"}, 1, ""},
		{"assembled bundle over Partoo's", "lower", spec + "# new\n", nil, 1, "clean"},
		{"outside a git work tree", "", spec + "# new\n", nil, 1, ""},
		{"an uncommitted change", "", spec + "# new\n", nil, 1, "edited"},
		{"an untracked file in api/", "", spec + "# new\n", nil, 1, "untracked"},
		{"a repository without a commit", "", spec + "# new\n", nil, 1, "no commit"},
		{"SPEC is api/'s own spec", "", "", nil, 1, "clean"},
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
			if tt.work != "" {
				git := gitIn(t, root)
				writeFile(t, filepath.Join(api, "edited.txt"), "committed", 0o644)
				git("init", "-q")
				if tt.work != "no commit" {
					git("add", "-A")
					git("commit", "-q", "-m", "first")
				}
				if tt.work != "clean" {
					writeFile(t, filepath.Join(api, tt.work+".txt"), "the maintainer's work", 0o644)
				}
			}
			input := filepath.Join(inputs, "new.yaml")
			if tt.input == "" { // the spec in api/, edited in place
				input = filepath.Join(api, "openapi-bundled.yaml")
			} else if err := os.WriteFile(input, []byte(tt.input), 0o644); err != nil {
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
// compiles every module.
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
	compiled := map[string]bool{}
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
}

// frozen returns the contents of internal/testspec/name, the frozen specs of the
// tools' tests (its README.md says what each holds).
func frozen(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("../../internal/testspec", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}
