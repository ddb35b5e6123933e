// Command updatespec takes a new version of the bundled OpenAPI document
// into the repository in six steps (lint, replace, regenerate, report,
// test, write back), run in a git worktree of HEAD: the repository's tree
// is written only once every step has passed; docs/maintaining.md
// ("Taking a new spec") describes them. Usage, from the repository root:
//
//	make update-spec SPEC=path [SOURCE=partoo [ORIGIN=url] [REPAIRS=overlay]]
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/partoo-go/partoo/tools/internal/speclint"
	"github.com/partoo-go/partoo/tools/internal/specload"
)

const (
	specRel     = "api/openapi-bundled.yaml"
	seedRel     = "tools/spectest/testdata/seed-getWebhook.md"
	consumerRel = "examples/consumer-pipeline"
	// partooBundleURL is where Partoo's docs say it publishes its bundle.
	partooBundleURL = "https://developers.partoo.co/assets/openapi/openapi-bundled.yaml"
)

// regenerate is step 3: go commands, each after its directory; a module is
// tidied after it is regenerated (the consumer example also before).
var regenerate = [][]string{
	{".", "generate", "./..."}, {".", "mod", "tidy"}, {"tools", "mod", "tidy"}, {"otel", "mod", "tidy"},
	{"redislimit", "mod", "tidy"}, {"bench", "generate", "./..."}, {"bench", "mod", "tidy"},
	{consumerRel, "mod", "tidy"}, {consumerRel, "generate", "./..."}, {consumerRel, "mod", "tidy"},
}

// verify lists step 5's go commands (the tools module's heavy tests skip under -short).
var verify = [][]string{
	{".", "build", "./..."}, {".", "vet", "./..."}, {".", "test", "-short", "-count=1", "./..."},
	{consumerRel, "test", "-count=1", "./..."}, {"otel", "vet", "./..."}, {"redislimit", "vet", "./..."}, {"bench", "vet", "./..."},
	{"tools", "test", "-short", "-count=1", "./..."},
}

func main() {
	// An interrupt fails the step that runs.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// updater holds the inputs and the state of one update.
type updater struct {
	repo, spec, source, origin string // repo: the client's directory (a repository's root, or a directory of one)
	repairs                    []byte // nil: keep the repository's
	stdout, stderr             io.Writer
	root                       string // the same directory in the worktree, where the steps run
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	u := &updater{stdout: stdout, stderr: stderr}
	fs := flag.NewFlagSet("updatespec", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&u.repo, "root", ".", "the client's directory: the repository's root, or its directory in a larger repository")
	fs.StringVar(&u.spec, "spec", "", "path of the new openapi-bundled.yaml")
	fs.StringVar(&u.source, "source", "", `"partoo" when the spec is Partoo's bundle as published; empty for a bundle the project assembled`)
	fs.StringVar(&u.origin, "origin", partooBundleURL, "with -source partoo: where the verbatim bundle came from")
	repairs := fs.String("repairs", "", "with -source partoo: the repairs overlay to apply to the bundle (default: api/"+specload.RepairsFile+", if any)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	var err error
	switch {
	case u.spec == "":
		err = errors.New("SPEC is required: make update-spec SPEC=/path/to/openapi-bundled.yaml [SOURCE=partoo]")
	case u.source != "" && u.source != specload.Partoo:
		err = fmt.Errorf("SOURCE=%q: want partoo, or nothing for a bundle the project assembled", u.source)
	case u.origin != partooBundleURL && u.source == "":
		err = errors.New("ORIGIN only goes with SOURCE=partoo")
	case *repairs != "" && u.source == "":
		err = errors.New("REPAIRS only goes with SOURCE=partoo: repairs apply to Partoo's bundle as published")
	}
	// The commands run in other directories.
	for _, path := range []*string{&u.repo, &u.spec} {
		if err == nil {
			*path, err = filepath.Abs(*path)
		}
	}
	if err == nil && *repairs != "" {
		u.repairs, err = os.ReadFile(*repairs)
	}
	if err != nil {
		fmt.Fprintln(stderr, "update-spec:", err)
		return 2
	}
	return u.update(ctx)
}

// update checks that the update can start and runs the steps in a worktree.
func (u *updater) update(ctx context.Context) int {
	apiDir := filepath.Join(u.repo, "api")
	newBytes, err1 := os.ReadFile(u.spec)
	oldBytes, err2 := os.ReadFile(filepath.Join(u.repo, specRel))
	rec, err3 := specload.ReadRecord(apiDir)
	oldRepairs, err4 := specload.ReadOptional(filepath.Join(apiDir, specload.RepairsFile))
	names, err := specload.ReadOptional(filepath.Join(apiDir, specload.NamesFile))
	if os.SameFile(stat(u.spec), stat(filepath.Join(u.repo, specRel))) { // false for a missing file
		err = errors.Join(err, fmt.Errorf("SPEC is %s itself: give the path of the new spec, kept apart from the tree", specRel))
	}
	if err = errors.Join(err1, err2, err3, err4, err); err == nil && rec.Source == specload.Partoo && u.source != specload.Partoo {
		err = fmt.Errorf("api/ holds Partoo's verbatim bundle and its repairs (api/%s says source: partoo): take Partoo's new bundle with SOURCE=partoo, and change what the project adds through api/%s, never in %s", specload.ProvenanceFile, specload.RepairsFile, specRel)
	}
	if u.repairs == nil {
		u.repairs = oldRepairs
	}
	// Partoo's bundle is the same when its hash, repairs and origin are.
	same := bytes.Equal(newBytes, oldBytes)
	if u.source == specload.Partoo {
		same = strings.EqualFold(rec.SHA256, specload.Sum(newBytes)) && bytes.Equal(u.repairs, oldRepairs) && rec.Origin == u.origin
	}
	if err == nil && same {
		fmt.Fprintf(u.stdout, "update-spec: %s is identical to %s; nothing to do.\n", u.spec, specRel)
		return 0
	}
	// The steps run in a worktree of HEAD; step 6 applies their changes to
	// the tree, which must then still be clean, at that commit.
	head := ""
	clean := func() error {
		now, err := u.run(ctx, ".", true, "git", "-C", u.repo, "rev-parse", "HEAD")
		dirty, err2 := u.run(ctx, ".", true, "git", "-C", u.repo, "status", "--porcelain", "--untracked-files=no")
		switch {
		case err != nil || err2 != nil:
			return errors.Join(err, err2)
		case dirty != "":
			return fmt.Errorf("the work tree has uncommitted changes; commit or stash them first, so that the update's changes stand apart from yours:\n%s", dirty)
		case head != "" && now != head:
			return fmt.Errorf("HEAD moved from %s to %s during the update: its changes are made on %s", head, now, head)
		}
		head = now
		return nil
	}
	prefix, perr := u.run(ctx, ".", true, "git", "-C", u.repo, "rev-parse", "--show-prefix") // the repository may sit in a larger one
	tmp, terr := os.MkdirTemp("", "partoo-update-spec-")
	defer os.RemoveAll(tmp)
	tmp, aerr := filepath.Abs(tmp) // the commands run in other directories
	tree := filepath.Join(tmp, "tree")
	if err = errors.Join(err, perr, terr, aerr); err == nil {
		err = clean()
	}
	if err == nil { // git apply does not write over an untracked file
		var untracked string
		if untracked, err = u.run(ctx, ".", true, "git", "-C", u.repo, "ls-files", "--others", "--exclude-standard", "--", "api"); err == nil && untracked != "" {
			err = fmt.Errorf("api/ holds untracked files, which the update may write: commit them, or keep them out of the tree (REPAIRS=path):\n%s", untracked)
		}
	}
	if err == nil {
		// Removed even when the run was cancelled; no hook of the repository runs in it.
		defer u.run(context.WithoutCancel(ctx), ".", true, "git", "-C", u.repo, "worktree", "remove", "--force", tree)
		// Not killed on an interrupt: a worktree killed while added stays locked.
		_, err = u.run(context.WithoutCancel(ctx), ".", true, "git", "-C", u.repo, "-c", "core.hooksPath=/dev/null", "worktree", "add", "--quiet", "--detach", tree, head)
		u.root = filepath.Join(tree, prefix)
	}
	if err != nil {
		fmt.Fprintln(u.stderr, "update-spec:", err)
		return 1
	}
	fmt.Fprintf(u.stdout, "update-spec: the steps run in a worktree of HEAD, %s\n", tree)
	written := newBytes // the spec that replaces api's
	step := 0
	next := func(title string) {
		step++
		fmt.Fprintf(u.stdout, "\n==> update-spec [%d/6] %s\n", step, title)
	}
	next("lint the new spec")
	var eff *specload.Result
	var findings []speclint.Finding
	if u.source == specload.Partoo {
		// The lint reads it as the loader repairs it, at Partoo's lines.
		if eff, err = specload.Effective(specload.Input{Bundle: newBytes, Repairs: u.repairs, Names: names}); err != nil {
			return u.fail(step, "repairs", err)
		}
		fmt.Fprintf(u.stdout, "repairs: %d applied\n", len(eff.Repairs))
		eff.Report(u.stdout)
		if eff.UpgradedFrom != "" {
			fmt.Fprintf(u.stdout, "the bundle is OpenAPI %s: the generators read its 3.1 form (nullable, example and boolean exclusiveMinimum/Maximum in 3.1's terms)\n", eff.UpgradedFrom)
		}
		findings, written = speclint.Lint(eff.Tree, eff.Repaired, nil), eff.Spec
	} else {
		seed, err := speclint.ReadSeed(filepath.Join(u.repo, seedRel)) // the worktree's, HEAD's: the tree is clean
		if err != nil {
			return u.fail(step, "the seed", err)
		}
		findings = speclint.Lint(nil, newBytes, seed)
	}
	if speclint.Report(u.stdout, u.stderr, u.spec, findings, false) != 0 {
		return u.fail(step, "spec-lint", errors.New("repair the blocking findings above (with SOURCE=partoo: paste their repairs into the REPAIRS overlay, each checked against Partoo's docs), or ask Partoo"))
	}
	next("replace " + specRel)
	if err = u.put(specRel, written, u.spec); eff != nil && err == nil {
		rec := specload.Record{Source: specload.Partoo, Origin: u.origin, Date: time.Now().UTC().Format(time.DateOnly), SHA256: specload.Sum(newBytes)}
		err = errors.Join(specload.WriteRecord(filepath.Join(u.root, "api"), rec),
			u.put("api/"+specload.VerbatimFile, newBytes, "Partoo's verbatim bundle, SHA-256 "+rec.SHA256+", from "+u.origin),
			u.put("api/"+specload.RepairsFile, u.repairs, fmt.Sprintf("the repairs overlay (%d repair(s))", len(eff.Repairs))),
			u.put("api/"+specload.NamesFile, specload.RecordDerived(names, eff.Derived), "the derived operationIds, under operationIds"))
	}
	if err != nil {
		return u.fail(step, "replace the spec", err)
	}
	next("regenerate (go generate ./...) and tidy go.mod")
	if what, err := u.goSteps(ctx, regenerate); err != nil {
		return u.fail(step, what, err)
	}
	next("what changed: the API (oasdiff, breaking changes first)")
	// The tree still holds the previous spec: the steps write the worktree.
	changes, breaking, err := u.changelog(ctx, filepath.Join(u.repo, specRel), filepath.Join(u.root, specRel))
	if err != nil {
		return u.fail(step, "oasdiff", err)
	}
	fmt.Fprintf(u.stdout, "%d API change(s), %d breaking.\n", changes, breaking)
	next("build, vet and test")
	if what, err := u.goSteps(ctx, verify); err != nil {
		return u.fail(step, what, err)
	}
	next("write the update into the tree, and next steps")
	patch := filepath.Join(tmp, "update.patch")
	_, err = u.run(ctx, ".", true, "git", "add", "--all")
	ignored, err2 := u.run(ctx, ".", true, "git", "status", "--porcelain", "--ignored", "--untracked-files=all")
	if err = errors.Join(err, err2); err == nil && strings.Contains("\n"+ignored, "\n!! ") {
		err = fmt.Errorf("the update wrote files that git ignores (.gitignore, .git/info/exclude or core.excludesFile), which it cannot carry:\n%s", ignored)
	}
	if err == nil {
		// A patch git apply reads whatever the user's configuration says.
		_, err = u.run(ctx, ".", true, "git", "diff", "--cached", "--binary", "--no-color", "--no-ext-diff", "--no-textconv",
			"--no-relative", "--unified=3", "--src-prefix=a/", "--dst-prefix=b/", "--output="+patch)
	}
	if err == nil {
		err = clean()
	}
	if err != nil {
		return u.fail(step, "write the update", err)
	}
	if fi := stat(patch); fi != nil && fi.Size() == 0 { // git normalised the changes away (line endings)
		fmt.Fprintln(u.stdout, "update-spec: the update changes no file of the tree")
	} else if _, err = u.run(ctx, ".", true, "git", "-C", u.repo, "apply", "--whitespace=nowarn", patch); err != nil {
		fmt.Fprintf(u.stderr, "\nupdate-spec: FAILED at step 6 (git apply): %v\ngit apply writes all of the update or nothing, unless it is interrupted: git status shows what it wrote.\n", err)
		return 1
	}
	fmt.Fprintln(u.stdout, "update-spec: the new spec is in, the code is regenerated, and the tests pass.")
	nextSteps(u.stdout, breaking)
	return 0
}

// stat returns the file at path, or nil.
func stat(path string) os.FileInfo {
	fi, _ := os.Stat(path)
	return fi
}

// changelog prints oasdiff's changelog (allOf merged: Partoo's lists use it), breaking changes first, and counts them.
func (u *updater) changelog(ctx context.Context, base, revision string) (changes, breaking int, err error) {
	text, err := u.run(ctx, "tools", false, "go", "tool", "oasdiff", "changelog", base, revision, "--color", "never", "--flatten-allof", "--allow-external-refs=false")
	text = "\n" + text
	breaking = strings.Count(text, "\nerror\t")
	return breaking + strings.Count(text, "\nwarning\t") + strings.Count(text, "\ninfo\t"), breaking, err
}

// goSteps runs `go args...` in the directory before them up to a failure, skipping a missing consumer example.
func (u *updater) goSteps(ctx context.Context, cmds [][]string) (string, error) {
	for _, c := range cmds {
		if _, err := os.Stat(filepath.Join(u.root, c[0])); c[0] == consumerRel && errors.Is(err, fs.ErrNotExist) {
			fmt.Fprintf(u.stdout, "%s: not in this tree, skipped: go %s\n", consumerRel, strings.Join(c[1:], " "))
		} else if _, err := u.run(ctx, c[0], false, "go", c[1:]...); err != nil {
			return "go " + c[1] + " in " + c[0], err
		}
	}
	return "", nil
}

// put writes body to rel and says so, unless body is nil or rel holds it.
func (u *updater) put(rel string, body []byte, from string) error {
	path := filepath.Join(u.root, rel)
	if old, err := os.ReadFile(path); body == nil || err == nil && bytes.Equal(old, body) {
		return nil
	}
	fmt.Fprintf(u.stdout, "%s <- %s\n", rel, from)
	return os.WriteFile(path, body, 0o644)
}

// nextSteps prints what the maintainer does after a successful update: the
// routine, and the bump the spec changes oasdiff counted breaking call for.
func nextSteps(w io.Writer, breaking int) {
	fmt.Fprintln(w, `Next: review git diff, record the changes in CHANGELOG.md, run make ci and commit (docs/maintaining.md, "Taking a new spec").`)
	if breaking > 0 {
		fmt.Fprintf(w, `BREAKING: oasdiff rates %d spec change(s) ERR: declare the bump (docs/maintaining.md, "Breaking changes";`+
			" make breaking checks it in CI).\n", breaking)
		return
	}
	fmt.Fprintln(w, `No breaking spec change per oasdiff, but the Go API may break: compare it with apidiff (docs/maintaining.md, "Breaking changes")`+
		" before choosing a minor or a patch version.")
}

// fail reports a failed step: the repository's tree is as it was.
func (u *updater) fail(step int, what string, err error) int {
	fmt.Fprintf(u.stderr, "\nupdate-spec: FAILED at step %d (%s): %v\n", step, what, err)
	fmt.Fprintf(u.stderr, "Nothing was changed: the steps ran in a worktree of HEAD, which is removed (%s is still the previous spec).\n", specRel)
	return 1
}

// run runs a command in dir, relative to the worktree, and returns its
// output, trimmed; unless quiet, it prints the command and streams its output.
func (u *updater) run(ctx context.Context, dir string, quiet bool, name string, args ...string) (string, error) {
	var out, stderr bytes.Buffer
	c := exec.CommandContext(ctx, name, args...)
	c.Dir, c.Stdout, c.Stderr = filepath.Join(u.root, dir), &out, &stderr
	if !quiet {
		fmt.Fprintf(u.stdout, "$ (cd %s && %s %s)\n", c.Dir, name, strings.Join(args, " "))
		c.Stdout, c.Stderr = io.MultiWriter(&out, u.stdout), u.stderr
	}
	err := c.Run()
	if err != nil {
		err = fmt.Errorf("%s %s: %w %s", name, strings.Join(args, " "), err, bytes.TrimSpace(stderr.Bytes()))
	}
	return strings.TrimSpace(out.String()), err
}
