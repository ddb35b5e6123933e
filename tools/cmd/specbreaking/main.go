// Command specbreaking is the breaking-change gate of the bundled spec
// (`make breaking BASE=<git ref>`). It compares the spec at BASE
// (`git show BASE:api/openapi-bundled.yaml`) with the spec in the work tree
// using oasdiff, prints the changelog (breaking changes first), and fails
// when oasdiff rates a change ERR, unless the change is declared:
//
//   - a commit in BASE..HEAD has a "BREAKING-CHANGE: <what>" trailer
//     ("BREAKING CHANGE:" also counts, as in Conventional Commits), or
//   - the Version constant in version.go went up a major version since
//     BASE. While the module is v0 the minor number is the compatibility
//     line, so 0.1.x -> 0.2.0 counts as the major bump; from v1 on only
//     X.y.z -> (X+1).0.0 does (and the module path then gets a /vX+1 suffix).
//
// When BASE does not resolve because the clone holds a single commit (a new
// repository, or a shallow clone), there is nothing to compare: specbreaking
// says so and passes. Any other unresolvable BASE is an error. A BASE
// without the spec file also passes, saying so.
//
// Usage (from the repository root):
//
//	go -C tools run ./cmd/specbreaking -root "$PWD" -base HEAD~1
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/partoo-go/partoo/tools/internal/specdiff"
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
	g := gitRepo{dir: *root}
	if _, err := g.run(ctx, "rev-parse", "--verify", "--quiet", *base+"^{commit}"); err != nil {
		if n, err2 := g.run(ctx, "rev-list", "--count", "HEAD"); err2 == nil && strings.TrimSpace(n) == "1" {
			shallow, _ := g.run(ctx, "rev-parse", "--is-shallow-repository")
			kind := "a single commit"
			if strings.TrimSpace(shallow) == "true" {
				kind = "a single commit (shallow clone; `git fetch --deepen=1` brings the parent)"
			}
			fmt.Fprintf(stdout, "breaking: no base: %q does not exist because this clone has %s; nothing to compare, passing.\n", *base, kind)
			return 0
		}
		fmt.Fprintf(stderr, "breaking: the base %q is not a commit of this repository\n", *base)
		return 1
	}
	baseSpec, err := g.run(ctx, "show", *base+":"+*specRel)
	if err != nil {
		fmt.Fprintf(stdout, "breaking: %s has no %s; nothing to compare, passing.\n", *base, *specRel)
		return 0
	}
	tmpDir, err := os.MkdirTemp("", "partoo-breaking-")
	if err != nil {
		fmt.Fprintln(stderr, "breaking:", err)
		return 1
	}
	defer os.RemoveAll(tmpDir)
	baseFile := filepath.Join(tmpDir, "base-"+refFileName.ReplaceAllString(*base, "_")+".yaml")
	if err := os.WriteFile(baseFile, []byte(baseSpec), 0o600); err != nil {
		fmt.Fprintln(stderr, "breaking:", err)
		return 1
	}

	fmt.Fprintf(stdout, "breaking: changes of %s from %s to the work tree:\n\n", *specRel, *base)
	changes, err := specdiff.Compare(ctx, *toolsDir, baseFile, filepath.Join(*root, *specRel), stdout)
	if err != nil {
		fmt.Fprintln(stderr, "breaking:", err)
		return 1
	}
	n := specdiff.CountBreaking(changes)
	if n == 0 {
		fmt.Fprintln(stdout, "\nbreaking: no breaking (ERR) change.")
		return 0
	}

	messages, err := g.run(ctx, "log", "--format=%B", *base+"..HEAD")
	if err != nil {
		fmt.Fprintln(stderr, "breaking:", err)
		return 1
	}
	if line, ok := trailer(messages); ok {
		fmt.Fprintf(stdout, "\nbreaking: %d breaking change(s), declared by the commit trailer %q.\n", n, line)
		return 0
	}
	baseVersionSrc, errBase := g.run(ctx, "show", *base+":"+*versionRel)
	curVersionSrc, errCur := os.ReadFile(filepath.Join(*root, *versionRel))
	if errBase == nil && errCur == nil {
		bv, err1 := parseVersion([]byte(baseVersionSrc))
		cv, err2 := parseVersion(curVersionSrc)
		if err := errors.Join(err1, err2); err != nil {
			fmt.Fprintln(stderr, "breaking:", err)
			return 1
		}
		if majorBump(bv, cv) {
			fmt.Fprintf(stdout, "\nbreaking: %d breaking change(s), declared by the version bump %s -> %s.\n", n, bv, cv)
			return 0
		}
	}
	fmt.Fprintf(stderr, `
breaking: FAIL: %d breaking (ERR) change(s) since %s, and no declaration.
Declare them in one of two ways:
  - add a trailer line "BREAKING-CHANGE: <what breaks and what users must do>" to the commit message;
  - bump the major version in version.go (0.y.z -> 0.(y+1).0 while in v0; X.y.z -> (X+1).0.0 from v1 on,
    with the /v(X+1) module path).
Then record the change in CHANGELOG.md.
`, n, *base)
	return 1
}

// refFileName matches the characters of a git ref that are replaced in the
// name of the base spec's temporary file.
var refFileName = regexp.MustCompile(`[^A-Za-z0-9._~^-]+`)

// trailerRE matches a breaking-change trailer line of a commit message.
var trailerRE = regexp.MustCompile(`(?m)^BREAKING[- ]CHANGE:[ \t]*\S.*$`)

// trailer returns the first breaking-change trailer line in messages.
func trailer(messages string) (string, bool) {
	line := trailerRE.FindString(messages)
	return strings.TrimSpace(line), line != ""
}

// version is a parsed semantic version (pre-release and build ignored).
type version struct{ major, minor, patch int }

func (v version) String() string { return fmt.Sprintf("%d.%d.%d", v.major, v.minor, v.patch) }

// parseVersion finds `const Version = "X.Y.Z"` in a Go source file.
func parseVersion(src []byte) (version, error) {
	f, err := parser.ParseFile(token.NewFileSet(), "version.go", src, 0)
	if err != nil {
		return version{}, fmt.Errorf("parse version file: %w", err)
	}
	for _, decl := range f.Decls {
		gd, ok := decl.(*ast.GenDecl)
		if !ok || gd.Tok != token.CONST {
			continue
		}
		for _, spec := range gd.Specs {
			vs := spec.(*ast.ValueSpec)
			for i, name := range vs.Names {
				if name.Name != "Version" || i >= len(vs.Values) {
					continue
				}
				lit, ok := vs.Values[i].(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					return version{}, errors.New("the Version constant is not a string literal")
				}
				s, err := strconv.Unquote(lit.Value)
				if err != nil {
					return version{}, err
				}
				return parseSemver(s)
			}
		}
	}
	return version{}, errors.New("no Version constant in the version file")
}

// parseSemver reads "X.Y.Z", with an optional leading v and an optional
// -pre-release or +build suffix.
func parseSemver(s string) (version, error) {
	core := strings.TrimPrefix(s, "v")
	if i := strings.IndexAny(core, "-+"); i >= 0 {
		core = core[:i]
	}
	parts := strings.Split(core, ".")
	if len(parts) != 3 {
		return version{}, fmt.Errorf("version %q is not X.Y.Z", s)
	}
	var n [3]int
	for i, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil || v < 0 {
			return version{}, fmt.Errorf("version %q is not X.Y.Z", s)
		}
		n[i] = v
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

// gitRepo runs read-only git commands in a work tree.
type gitRepo struct{ dir string }

func (g gitRepo) run(ctx context.Context, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = g.dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("git %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return string(out), nil
}
