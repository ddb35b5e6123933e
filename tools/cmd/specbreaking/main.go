// Command specbreaking is the breaking-change gate of the bundled spec
// (`make breaking BASE=<git ref>`): a recipe around `oasdiff breaking`,
// which decides what breaks, plus the project's own rule, which decides
// when a break is allowed. It runs oasdiff (pinned in the tools module) on
// the spec at BASE and the spec in the work tree, prints its report, and
// fails when oasdiff finds an ERR change, unless the change is declared:
//
//   - a commit in BASE..HEAD has a "BREAKING-CHANGE: <what>" trailer
//     ("BREAKING CHANGE:" also counts, as in Conventional Commits), or
//   - the Version constant in version.go went up a major version since
//     BASE. While the module is v0 the minor number is the compatibility
//     line, so 0.1.x -> 0.2.0 counts as the major bump; from v1 on only
//     X.y.z -> (X+1).0.0 does (and the module path then gets a /vX+1 suffix).
//
// A clone of a single commit (a new repository, a shallow clone) has no
// BASE to compare with, and a BASE without the spec has nothing to
// compare: specbreaking says so and passes. Any other unresolvable BASE is
// an error.
//
// Usage (from the repository root):
//
//	go -C tools run ./cmd/specbreaking -root "$PWD" -base HEAD~1
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("specbreaking", flag.ContinueOnError)
	fs.SetOutput(stderr)
	root := fs.String("root", ".", "repository root (a git work tree)")
	base := fs.String("base", "", "git ref of the spec to compare with, e.g. HEAD~1 or origin/main")
	specRel := fs.String("spec", "api/openapi-bundled.yaml", "path of the spec, relative to the root")
	versionRel := fs.String("version-file", "version.go", "Go file holding the Version constant, relative to the root")
	toolsDir := fs.String("tools", "", "directory of the tools module that pins oasdiff (default: <root>/tools)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *base == "" {
		fmt.Fprintln(stderr, "specbreaking: -base is required (a git ref, e.g. BASE=HEAD~1)")
		return 2
	}
	if *toolsDir == "" {
		*toolsDir = filepath.Join(*root, "tools")
	}
	git := func(args ...string) (string, error) {
		out, err := exec.CommandContext(ctx, "git", append([]string{"-C", *root}, args...)...).Output()
		return string(out), err
	}
	if _, err := git("rev-parse", "--verify", "--quiet", *base+"^{commit}"); err != nil {
		if n, _ := git("rev-list", "--count", "HEAD"); strings.TrimSpace(n) == "1" {
			fmt.Fprintf(stdout, "breaking: no base: %q does not exist because this clone has a single commit (`git fetch --deepen=1` brings the parent of a shallow one); nothing to compare, passing.\n", *base)
			return 0
		}
		fmt.Fprintf(stderr, "breaking: the base %q is not a commit of this repository\n", *base)
		return 1
	}
	baseSpec, err := git("show", *base+":"+*specRel)
	if err != nil {
		fmt.Fprintf(stdout, "breaking: %s has no %s; nothing to compare, passing.\n", *base, *specRel)
		return 0
	}
	f, err := os.CreateTemp("", "partoo-breaking-*.yaml")
	if err == nil {
		defer os.Remove(f.Name())
		_, err = f.WriteString(baseSpec)
		err = errors.Join(err, f.Close())
	}
	if err != nil {
		fmt.Fprintln(stderr, "breaking:", err)
		return 1
	}

	fmt.Fprintf(stdout, "breaking: oasdiff breaking, %s from %s to the work tree:\n\n", *specRel, *base)
	cmd := exec.CommandContext(ctx, "go", "tool", "oasdiff", "breaking", f.Name(), filepath.Join(*root, *specRel),
		"--fail-on", "ERR", "--flatten-allof", "--allow-external-refs=false", "--color", "never")
	cmd.Dir, cmd.Stdout, cmd.Stderr = *toolsDir, stdout, stderr
	var exit *exec.ExitError
	switch err := cmd.Run(); {
	case err == nil:
		fmt.Fprintln(stdout, "\nbreaking: no breaking (ERR) change.")
		return 0
	case !errors.As(err, &exit) || exit.ExitCode() != 1: // oasdiff's own errors exit with 100 and more
		fmt.Fprintln(stderr, "breaking: oasdiff:", err)
		return 1
	}

	if messages, err := git("log", "--format=%B", *base+"..HEAD"); err == nil {
		if line, ok := trailer(messages); ok {
			fmt.Fprintf(stdout, "\nbreaking: breaking change(s), declared by the commit trailer %q.\n", line)
			return 0
		}
	}
	baseVersion, errBase := git("show", *base+":"+*versionRel)
	curVersion, errCur := os.ReadFile(filepath.Join(*root, *versionRel))
	if errBase == nil && errCur == nil {
		bv, err1 := parseVersion(baseVersion)
		cv, err2 := parseVersion(string(curVersion))
		if err := errors.Join(err1, err2); err != nil {
			fmt.Fprintln(stderr, "breaking:", err)
			return 1
		}
		if majorBump(bv, cv) {
			fmt.Fprintf(stdout, "\nbreaking: breaking change(s), declared by the version bump %s -> %s.\n", bv, cv)
			return 0
		}
	}
	fmt.Fprintf(stderr, `
breaking: FAIL: breaking (ERR) change(s) since %s, and no declaration.
Declare them in one of two ways:
  - add a trailer line "BREAKING-CHANGE: <what breaks and what users must do>" to the commit message;
  - bump the major version in version.go (0.y.z -> 0.(y+1).0 while in v0; X.y.z -> (X+1).0.0 from v1 on,
    with the /v(X+1) module path).
Then record the change in CHANGELOG.md.
`, *base)
	return 1
}

// trailerRE matches a breaking-change trailer line of a commit message.
var trailerRE = regexp.MustCompile(`(?m)^BREAKING[- ]CHANGE:[ \t]*\S.*$`)

// trailer returns the first breaking-change trailer line in messages.
func trailer(messages string) (string, bool) {
	line := trailerRE.FindString(messages)
	return strings.TrimSpace(line), line != ""
}

// version is a semantic version (pre-release and build ignored).
type version struct{ major, minor, patch int }

func (v version) String() string { return fmt.Sprintf("%d.%d.%d", v.major, v.minor, v.patch) }

// versionRE finds the Version constant of a Go file and its X.Y.Z, with an
// optional leading v and an optional -pre-release or +build suffix.
var versionRE = regexp.MustCompile(`(?m)^\s*(?:const\s+)?Version\s*=\s*"v?([^"]*)"`)

func parseVersion(src string) (version, error) {
	m := versionRE.FindStringSubmatch(src)
	if m == nil {
		return version{}, errors.New("no Version constant in the version file")
	}
	core, _, _ := strings.Cut(strings.SplitN(m[1], "+", 2)[0], "-")
	parts := strings.Split(core, ".")
	var n [3]int
	for i := range n {
		var err error
		if len(parts) != 3 {
			err = errors.New("not three numbers")
		} else {
			n[i], err = strconv.Atoi(parts[i])
		}
		if err != nil || n[i] < 0 {
			return version{}, fmt.Errorf("version %q is not X.Y.Z", m[1])
		}
	}
	return version{n[0], n[1], n[2]}, nil
}

// majorBump reports whether cur starts a new compatibility line after base:
// a higher major, or, while both are v0, a higher minor.
func majorBump(base, cur version) bool {
	if cur.major != base.major {
		return cur.major > base.major
	}
	return cur.major == 0 && cur.minor > base.minor
}
