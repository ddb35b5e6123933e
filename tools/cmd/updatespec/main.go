// Command updatespec takes a new version of Partoo's bundled OpenAPI document
// into the repository in one command (`make update-spec SPEC=path`):
//
//  1. lint the new spec (speclint) — nothing is changed if this fails;
//  2. replace api/openapi-bundled.yaml with it (and, with -new-seed, the
//     seed excerpt of Partoo's verbatim YAML that the spec tests compare
//     with, when Partoo's own YAML changed);
//  3. regenerate (`go generate ./...`, and examples/consumer-pipeline);
//  4. report the API changes against the previous spec with oasdiff,
//     breaking (ERR) changes first;
//  5. build and run the tests (the root module, and the tools module but for
//     its pipeline tests, which `make ci` runs);
//  6. print what the maintainer must do next: review, changelog, and the
//     major version bump when a change is breaking.
//
// When a step after the replacement fails, it says which one, and how to get
// back to the previous state: the exact `git checkout -- <files>` (api/,
// gen/, ...) and the generated files to delete; the work tree is left as it
// is, for inspection. It refuses to start when tracked files have
// uncommitted changes, which that revert would lose (-allow-dirty
// overrides).
//
// Usage (from the repository root):
//
//	go -C tools run ./cmd/updatespec -root "$PWD" -spec /abs/path/openapi-bundled.yaml
package main

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

	"github.com/partoo-go/partoo/tools/internal/specdiff"
)

const (
	specRel     = "api/openapi-bundled.yaml"
	seedRel     = "tools/spectest/testdata/seed-getWebhook.md"
	consumerRel = "examples/consumer-pipeline"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

// updater holds the state of one update.
type updater struct {
	root, toolsDir   string
	stdout, stderr   io.Writer
	inGit            bool
	untracked        map[string]bool // untracked files before the update
	previous         string          // copy of the previous spec
	replaced, genRan bool
	diffed           bool // the API changes were reported
	breaking         int  // breaking changes, once diffed
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("updatespec", flag.ContinueOnError)
	fs.SetOutput(stderr)
	root := fs.String("root", ".", "repository root")
	newSpec := fs.String("spec", "", "path of the new openapi-bundled.yaml")
	newSeed := fs.String("new-seed", "", "optional: Partoo's refreshed docs excerpt to install as "+seedRel+" (when Partoo's own YAML changed)")
	allowDirty := fs.Bool("allow-dirty", false, "run even when api/ or gen/ have uncommitted changes")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *newSpec == "" {
		fmt.Fprintln(stderr, "update-spec: SPEC is required: make update-spec SPEC=/path/to/openapi-bundled.yaml")
		return 2
	}
	absRoot, err := filepath.Abs(*root)
	if err != nil {
		fmt.Fprintln(stderr, "update-spec:", err)
		return 2
	}
	u := &updater{root: absRoot, toolsDir: filepath.Join(absRoot, "tools"), stdout: stdout, stderr: stderr}
	spec, err := filepath.Abs(*newSpec)
	if err != nil {
		fmt.Fprintln(stderr, "update-spec:", err)
		return 2
	}
	seed := filepath.Join(absRoot, seedRel)
	var seedBytes []byte
	if *newSeed != "" {
		if seed, err = filepath.Abs(*newSeed); err == nil {
			seedBytes, err = os.ReadFile(seed)
		}
		if err != nil {
			fmt.Fprintf(stderr, "update-spec: cannot read the new seed: %v\n", err)
			return 2
		}
	}
	return u.update(ctx, spec, seed, seedBytes, *allowDirty)
}

// update runs the six steps. seed is the seed file the new spec is linted
// against; newSeed, when not nil, replaces the repository's seed.
func (u *updater) update(ctx context.Context, spec, seed string, newSeed []byte, allowDirty bool) int {
	newBytes, err := os.ReadFile(spec)
	if err != nil {
		fmt.Fprintf(u.stderr, "update-spec: cannot read the new spec: %v\n", err)
		return 2
	}
	current := filepath.Join(u.root, specRel)
	oldBytes, err := os.ReadFile(current)
	if err != nil {
		fmt.Fprintf(u.stderr, "update-spec: cannot read the current spec: %v\n", err)
		return 2
	}
	if bytes.Equal(newBytes, oldBytes) && newSeed == nil {
		fmt.Fprintf(u.stdout, "update-spec: %s is identical to %s; nothing to do.\n", spec, specRel)
		return 0
	}
	if out, err := u.output(ctx, u.root, "git", "rev-parse", "--is-inside-work-tree"); err == nil && strings.TrimSpace(out) == "true" {
		u.inGit = true
		dirty, err := u.output(ctx, u.root, "git", "status", "--porcelain", "--untracked-files=no")
		if err != nil {
			fmt.Fprintln(u.stderr, "update-spec:", err)
			return 1
		}
		if strings.TrimSpace(dirty) != "" && !allowDirty {
			fmt.Fprintf(u.stderr, "update-spec: the work tree has uncommitted changes; commit or stash them first, so that a failed update can be reverted with git checkout (or pass -allow-dirty):\n%s", dirty)
			return 1
		}
		others, err := u.output(ctx, u.root, "git", "ls-files", "--others", "--exclude-standard")
		if err != nil {
			fmt.Fprintln(u.stderr, "update-spec:", err)
			return 1
		}
		u.untracked = map[string]bool{}
		for _, f := range strings.Fields(others) {
			u.untracked[f] = true
		}
	}

	u.step(1, "lint the new spec (nothing is changed if this fails)")
	if err := u.cmd(ctx, u.toolsDir, "go", "run", "./cmd/speclint", "-spec", spec, "-seed", seed); err != nil {
		fmt.Fprintf(u.stderr, "\nupdate-spec: FAILED at step 1 (spec-lint): %v\nNothing was changed: %s is still the previous spec. Fix the findings above, or ask Partoo.\n", err, specRel)
		return 1
	}

	u.step(2, "replace "+specRel)
	prev, err := os.CreateTemp("", "partoo-previous-spec-*.yaml")
	if err == nil {
		_, err = prev.Write(oldBytes)
		prev.Close()
	}
	if err != nil {
		fmt.Fprintf(u.stderr, "update-spec: FAILED at step 2: cannot save the previous spec: %v\nNothing was changed.\n", err)
		return 1
	}
	u.previous = prev.Name()
	if err := os.WriteFile(current, newBytes, 0o644); err != nil {
		return u.fail(2, "replace the spec", err)
	}
	u.replaced = true
	fmt.Fprintf(u.stdout, "%s <- %s (previous spec saved at %s)\n", specRel, spec, u.previous)
	if newSeed != nil {
		if err := os.WriteFile(filepath.Join(u.root, seedRel), newSeed, 0o644); err != nil {
			return u.fail(2, "replace the seed", err)
		}
		fmt.Fprintf(u.stdout, "%s <- %s\n", seedRel, seed)
	}

	u.step(3, "regenerate (go generate ./...)")
	u.genRan = true
	if err := u.cmd(ctx, u.root, "go", "generate", "./..."); err != nil {
		return u.fail(3, "go generate", err)
	}
	consumer := filepath.Join(u.root, consumerRel)
	hasConsumer := fileExists(filepath.Join(consumer, "go.mod"))
	if hasConsumer {
		if err := u.cmd(ctx, consumer, "go", "generate", "./..."); err != nil {
			return u.fail(3, "go generate ("+consumerRel+")", err)
		}
	}

	u.step(4, "API changes against the previous spec (oasdiff; breaking changes first)")
	changes, err := specdiff.Compare(ctx, u.toolsDir, u.previous, current, u.stdout)
	if err != nil {
		return u.fail(4, "oasdiff", err)
	}
	breaking := specdiff.CountBreaking(changes)
	u.diffed, u.breaking = true, breaking

	u.step(5, "build and test")
	toolsPkgs, err := u.output(ctx, u.toolsDir, "go", "list", "./...")
	if err != nil {
		return u.fail(5, "list the tools packages", err)
	}
	var pkgs []string
	for _, p := range strings.Fields(toolsPkgs) {
		if !strings.Contains(p, "/tools/pipeline") {
			pkgs = append(pkgs, p)
		}
	}
	if err := u.cmd(ctx, u.root, "go", "build", "./..."); err != nil {
		return u.fail(5, "go build", err)
	}
	if err := u.cmd(ctx, u.root, "go", "test", "-count=1", "./..."); err != nil {
		return u.fail(5, "go test (root module)", err)
	}
	if err := u.cmd(ctx, u.toolsDir, "go", append([]string{"test", "-count=1"}, pkgs...)...); err != nil {
		return u.fail(5, "go test (tools module)", err)
	}
	if hasConsumer {
		if err := u.cmd(ctx, consumer, "go", "test", "-count=1", "./..."); err != nil {
			return u.fail(5, "go test ("+consumerRel+")", err)
		}
	}
	os.Remove(u.previous)

	u.step(6, "next steps")
	fmt.Fprintf(u.stdout, "update-spec: the new spec is in, the code is regenerated, and the tests pass. %d change(s), %d breaking.\n\n", len(changes), breaking)
	nextSteps(u.stdout, breaking)
	return 0
}

// nextSteps prints what the maintainer does after a successful update.
func nextSteps(w io.Writer, breaking int) {
	fmt.Fprintln(w, "  1. Review what changed:   git status && git diff --stat")
	fmt.Fprintln(w, "  2. Record the API changes above in CHANGELOG.md, under [Unreleased] (Added / Changed / Removed).")
	if breaking > 0 {
		fmt.Fprintf(w, "  3. BREAKING: oasdiff rates %d change(s) ERR. Declare the major bump, or `make breaking` fails in CI:\n", breaking)
		fmt.Fprintln(w, "     bump partoo.Version in version.go (0.y.z -> 0.(y+1).0 while in v0; X -> X+1 from v1 on, with the /vX+1 module path),")
		fmt.Fprintln(w, "     and/or add a \"BREAKING-CHANGE: <what breaks>\" trailer to the commit message.")
	} else {
		fmt.Fprintln(w, "  3. No breaking change: a minor version (new operations or fields) or a patch is enough.")
	}
	fmt.Fprintln(w, "  4. Run `make ci`, then commit the spec, the generated code and CHANGELOG.md together.")
}

// fail reports a failure after the spec was replaced, with the way back.
func (u *updater) fail(step int, what string, err error) int {
	ctx := context.Background()
	fmt.Fprintf(u.stderr, "\nupdate-spec: FAILED at step %d (%s): %v\n", step, what, err)
	var state []string
	if u.replaced {
		state = append(state, specRel+" is the NEW spec")
	}
	if u.genRan {
		state = append(state, "generated code may be partly regenerated")
	}
	if len(state) > 0 {
		fmt.Fprintf(u.stderr, "The work tree is half-updated: %s.\n", strings.Join(state, ", "))
	}
	if u.inGit {
		changed, err1 := u.output(ctx, u.root, "git", "diff", "--name-only")
		others, err2 := u.output(ctx, u.root, "git", "ls-files", "--others", "--exclude-standard")
		if err1 == nil && err2 == nil {
			fmt.Fprintln(u.stderr, "To revert:")
			if files := strings.Fields(changed); len(files) > 0 {
				fmt.Fprintf(u.stderr, "  git checkout -- %s\n", strings.Join(files, " "))
			}
			var added []string
			for _, f := range strings.Fields(others) {
				if !u.untracked[f] {
					added = append(added, f)
				}
			}
			if len(added) > 0 {
				fmt.Fprintf(u.stderr, "  rm %s\n", strings.Join(added, " "))
			}
		} else {
			fmt.Fprintln(u.stderr, "To revert:   git checkout -- api gen   (and delete generated files that are new)")
		}
	} else if u.previous != "" {
		fmt.Fprintf(u.stderr, "To revert:   cp %s %s && go generate ./...\n", u.previous, specRel)
	}
	if u.previous != "" {
		fmt.Fprintf(u.stderr, "The previous spec is saved at %s.\n", u.previous)
	}
	if u.diffed {
		fmt.Fprintln(u.stderr, "To keep the new spec instead: fix what failed above (code or tests that relied on the previous spec), run `make ci`, then:")
		nextSteps(u.stderr, u.breaking)
	}
	return 1
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func (u *updater) step(n int, title string) {
	fmt.Fprintf(u.stdout, "\n==> update-spec [%d/6] %s\n", n, title)
}

// cmd runs a command in dir, streaming its output. When it fails and its
// output shows a hand-written type that no longer implements a generated
// interface (the fake server, when the spec gained an operation), the error
// says so.
func (u *updater) cmd(ctx context.Context, dir, name string, args ...string) error {
	fmt.Fprintf(u.stdout, "$ (cd %s && %s %s)\n", dir, name, strings.Join(args, " "))
	c := exec.CommandContext(ctx, name, args...)
	c.Dir = dir
	var captured bytes.Buffer
	c.Stdout, c.Stderr = io.MultiWriter(u.stdout, &captured), io.MultiWriter(u.stderr, &captured)
	if err := c.Run(); err != nil {
		err = fmt.Errorf("%s %s: %w", name, strings.Join(args, " "), err)
		if strings.Contains(captured.String(), "does not implement") && strings.Contains(captured.String(), "missing method") {
			err = fmt.Errorf("%w\nhint: hand-written code implements a generated interface (the fake server in partootest implements one method per operation) and lacks the spec's new operation(s) named above; implement them", err)
		}
		return err
	}
	return nil
}

// output runs a command in dir and returns its standard output.
func (u *updater) output(ctx context.Context, dir, name string, args ...string) (string, error) {
	c := exec.CommandContext(ctx, name, args...)
	c.Dir = dir
	var stderr bytes.Buffer
	c.Stderr = &stderr
	out, err := c.Output()
	if err != nil {
		return "", fmt.Errorf("%s %s: %w: %s", name, strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return string(out), nil
}
