// Command specbreaking is the breaking-change gate of the bundled spec
// (`make breaking BASE=<git ref>`): `oasdiff breaking` (pinned in the tools
// module) decides what breaks, from the spec at BASE to the one in the work
// tree, and the project's rule decides when a break is allowed: when a
// commit in BASE..HEAD has a "BREAKING-CHANGE: <what>" trailer
// ("BREAKING CHANGE:" also counts, as in Conventional Commits), or when
// the Version constant in version.go starts a new compatibility line: a
// higher major, or while in v0 a higher minor (0.1.x -> 0.2.0). A clone of
// a single commit, or a BASE without the spec, has nothing to compare:
// specbreaking says so and passes.
//
// Usage (from the tools module, which pins oasdiff; make breaking runs it):
//
//	go -C tools run ./cmd/specbreaking -base HEAD~1
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/partoo-go/partoo/tools/internal/specdiff"
	"golang.org/x/mod/semver"
)

// The spec and the file of the Version constant, relative to the root.
const specRel, versionRel = "api/openapi-bundled.yaml", "version.go"

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("specbreaking", flag.ContinueOnError)
	fs.SetOutput(stderr)
	root := fs.String("root", ".", "a directory of the repository's work tree: its top level is the root")
	base := fs.String("base", "", "git ref of the spec to compare with, e.g. HEAD~1 or origin/main")
	if err := fs.Parse(args); err != nil || *base == "" {
		fmt.Fprintln(stderr, "specbreaking: -base is required (a git ref, e.g. BASE=HEAD~1)")
		return 2
	}
	// go -C tools run starts in tools/: the spec's path is taken from the
	// top level, wherever in the tree the command runs.
	top, err := exec.CommandContext(ctx, "git", "-C", *root, "rev-parse", "--show-toplevel").Output()
	if err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			err = fmt.Errorf("%w: %s", err, bytes.TrimSpace(exit.Stderr))
		}
		fmt.Fprintf(stderr, "specbreaking: -root %q: no git work tree there: %v\n", *root, err)
		return 2
	}
	*root = strings.TrimSpace(string(top))
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
	baseSpec, err := git("show", *base+":"+specRel)
	if err != nil {
		fmt.Fprintf(stdout, "breaking: %s has no %s; nothing to compare, passing.\n", *base, specRel)
		return 0
	}
	fmt.Fprintf(stdout, "breaking: oasdiff breaking, %s from %s to the work tree:\n\n", specRel, *base)
	err = specdiff.Run(ctx, "", strings.NewReader(baseSpec), stdout, "breaking", "-", filepath.Join(*root, specRel), "--fail-on", "ERR")
	var exit *exec.ExitError
	switch {
	case err == nil:
		fmt.Fprintln(stdout, "\nbreaking: no breaking (ERR) change.")
		return 0
	case !errors.As(err, &exit) || exit.ExitCode() != 1: // oasdiff's own errors exit with 100 and more
		fmt.Fprintln(stderr, "breaking:", err)
		return 1
	}
	messages, _ := git("log", "--format=%B", *base+"..HEAD")
	baseVersion, errBase := git("show", *base+":"+versionRel)
	curVersion, errCur := os.ReadFile(filepath.Join(*root, versionRel))
	bv, err1 := parseVersion(baseVersion)
	cv, err2 := parseVersion(string(curVersion))
	switch {
	case trailer.MatchString(messages):
		fmt.Fprintf(stdout, "\nbreaking: breaking change(s), declared by the commit trailer %q.\n", strings.TrimSpace(trailer.FindString(messages)))
		return 0
	case errBase != nil || errCur != nil: // no version file to compare
	case err1 != nil || err2 != nil:
		fmt.Fprintln(stderr, "breaking:", errors.Join(err1, err2))
		return 1
	case semver.Compare(line(cv), line(bv)) > 0:
		fmt.Fprintf(stdout, "\nbreaking: breaking change(s), declared by the version bump %s -> %s.\n", bv, cv)
		return 0
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

// trailer matches a breaking-change trailer line of a commit message.
var trailer = regexp.MustCompile(`(?m)^BREAKING[- ]CHANGE:[ \t]*\S.*$`)

// versionRE finds the Version constant of a Go file and its X.Y.Z, with
// an optional leading v and an optional -pre-release or +build suffix.
var versionRE = regexp.MustCompile(`(?m)^\s*(?:const\s+)?Version\s*=\s*"v?(\d+\.\d+\.\d+(?:[-+][^"]*)?)"`)

// parseVersion returns the version of the Version constant in src, in the
// form of golang.org/x/mod/semver ("v0.1.0").
func parseVersion(src string) (string, error) {
	if m := versionRE.FindStringSubmatch(src); m != nil && semver.IsValid("v"+m[1]) {
		return "v" + m[1], nil
	}
	return "", errors.New(`the version file has no Version constant of the form "X.Y.Z"`)
}

// line returns the compatibility line of the version v: its major version,
// or while in v0 its minor one.
func line(v string) string {
	if semver.Major(v) == "v0" {
		return semver.MajorMinor(v)
	}
	return semver.Major(v)
}
