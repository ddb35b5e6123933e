// Command updatespec takes a new version of the bundled OpenAPI document
// into the repository in one command (`make update-spec SPEC=path
// [SOURCE=partoo [REPAIRS=overlay]]`), in six steps (docs/maintaining.md
// has them in full):
//
//  1. lint the new spec (speclint). With -source partoo, the spec is
//     Partoo's bundle as published: the lint reads what the one loader
//     (specload.Effective) makes of it with the repairs overlay (-repairs,
//     else api/repairs.yaml) and the naming file;
//  2. replace the spec; with -source partoo, also keep Partoo's bundle
//     byte for byte, the repairs, the derived operationIds and the
//     provenance record in api/; with -new-seed, replace the seed excerpt;
//  3. regenerate everything and tidy the modules;
//  4. report the API changes (oasdiff) and the Go API changes (apidiff);
//  5. build, vet and run the tests (but the pipeline tests);
//  6. print what the maintainer must do next.
//
// When any step fails, the paths the steps could write (api/, the
// generated code, the go.mod and go.sum files, examples/consumer-pipeline,
// the seed) are put back as git has them, files new there are deleted,
// and the untracked or uncommitted files there, saved before the first
// write, are put back byte for byte: "nothing was changed" holds at every
// step. -keep-failed leaves a failed update in place instead, and prints
// how to get back to the state before the run. It refuses to start outside
// a git work tree, and when tracked files have uncommitted changes;
// -allow-dirty overrides that, and then leaves a failed update in place.
//
// Usage (from the repository root):
//
//	go -C tools run ./cmd/updatespec -root "$PWD" -spec /abs/path/openapi-bundled.yaml [-source partoo -origin URL -repairs /abs/path/repairs.yaml]
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
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/partoo-go/partoo/tools/internal/specdiff"
	"github.com/partoo-go/partoo/tools/internal/specload"
)

const (
	specRel     = "api/openapi-bundled.yaml"
	seedRel     = "tools/spectest/testdata/seed-getWebhook.md"
	consumerRel = "examples/consumer-pipeline"
	modulePath  = "github.com/partoo-go/partoo"
	// partooBundleURL is where Partoo publishes its bundle, named in its
	// documentation's operation pages.
	partooBundleURL = "https://developers.partoo.co/assets/openapi/openapi-bundled.yaml"
)

// restorable lists what an update may write, relative to the root: the
// spec and its companions, the generated code, the README (go generate
// writes its custom-header rules table), every module's go.mod and go.sum,
// the consumer example (regenerated) and the spec tests' seed.
var restorable = []string{
	"api", "gen", "internal/apispec", "services.gen.go", "README.md",
	"go.mod", "go.sum", "tools/go.mod", "tools/go.sum", "otel/go.mod", "otel/go.sum",
	consumerRel, filepath.Dir(seedRel),
}

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

// updater holds the inputs and the state of one update.
type updater struct {
	root, spec, source, origin, seed string
	newSeed, repairs                 []byte // nil: keep the repository's
	allowDirty, keepFailed           bool
	backupKept                       bool // a printed way back copies from backup
	stdout, stderr                   io.Writer
	backup                           string   // where save keeps the files in saved
	saved, deleted                   []string // files under restorable untracked or changed, and deleted, before the update
	diffed                           bool     // the API changes were reported
	// Once diffed: the breaking spec changes, the methods added to Go
	// interfaces and the other incompatible Go API changes.
	breaking, methodsAdded, goBreaking int
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	u := &updater{stdout: stdout, stderr: stderr}
	fs := flag.NewFlagSet("updatespec", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&u.root, "root", ".", "repository root")
	fs.StringVar(&u.spec, "spec", "", "path of the new openapi-bundled.yaml")
	fs.StringVar(&u.source, "source", "", `"partoo" when the spec is Partoo's bundle as published; empty for a bundle the project assembled`)
	fs.StringVar(&u.origin, "origin", "", "where the verbatim bundle came from (default: Partoo's published URL), with -source partoo")
	newSeed := fs.String("new-seed", "", "optional: Partoo's refreshed docs excerpt to install as "+seedRel+" (when Partoo's own YAML changed)")
	repairs := fs.String("repairs", "", "with -source partoo: the repairs overlay to apply to the bundle (default: api/"+specload.RepairsFile+", if any)")
	fs.BoolVar(&u.allowDirty, "allow-dirty", false, "run even when tracked files have uncommitted changes")
	fs.BoolVar(&u.keepFailed, "keep-failed", false, "leave a failed update in the work tree for inspection instead of restoring it")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	var err error
	switch {
	case u.spec == "":
		err = errors.New("SPEC is required: make update-spec SPEC=/path/to/openapi-bundled.yaml [SOURCE=partoo]")
	case u.source != "" && u.source != specload.Partoo:
		err = fmt.Errorf("SOURCE=%q: want partoo, or nothing for a bundle the project assembled", u.source)
	case u.origin != "" && u.source == "":
		err = errors.New("ORIGIN only goes with SOURCE=partoo")
	case *repairs != "" && u.source == "":
		err = errors.New("REPAIRS only goes with SOURCE=partoo: repairs apply to Partoo's bundle as published")
	}
	for _, p := range []*string{&u.root, &u.spec, newSeed, repairs} {
		if err == nil && *p != "" {
			*p, err = filepath.Abs(*p)
		}
	}
	u.seed = filepath.Join(u.root, seedRel)
	if err == nil && *newSeed != "" {
		u.seed = *newSeed
		u.newSeed, err = os.ReadFile(*newSeed)
	}
	if err == nil && *repairs != "" {
		u.repairs, err = os.ReadFile(*repairs)
	}
	if err != nil {
		fmt.Fprintln(stderr, "update-spec:", err)
		return 2
	}
	if u.source == specload.Partoo && u.origin == "" {
		u.origin = partooBundleURL
	}
	return u.update(ctx)
}

// update runs the six steps.
func (u *updater) update(ctx context.Context) int {
	apiDir := filepath.Join(u.root, "api")
	newBytes, err1 := os.ReadFile(u.spec)
	oldBytes, err2 := os.ReadFile(filepath.Join(u.root, specRel))
	rec, err3 := specload.ReadRecord(apiDir)
	oldRepairs, err4 := specload.ReadOptional(filepath.Join(apiDir, specload.RepairsFile))
	names, err := specload.ReadOptional(filepath.Join(apiDir, specload.NamesFile))
	if err = errors.Join(err1, err2, err3, err4, err); err == nil && rec.Source == specload.Partoo && u.source != specload.Partoo {
		err = fmt.Errorf("api/ holds Partoo's verbatim bundle and its repairs (api/%s says source: partoo): take Partoo's new bundle with SOURCE=partoo, and change what the project adds through api/%s, never in %s", specload.ProvenanceFile, specload.RepairsFile, specRel)
	}
	if err != nil {
		fmt.Fprintln(u.stderr, "update-spec:", err)
		return 1
	}
	if u.repairs == nil {
		u.repairs = oldRepairs
	}
	if bytes.Equal(newBytes, oldBytes) && u.newSeed == nil && (u.source == "" || rec.SHA256 == specload.Sum(newBytes) && bytes.Equal(u.repairs, oldRepairs)) {
		fmt.Fprintf(u.stdout, "update-spec: %s is identical to %s; nothing to do.\n", u.spec, specRel)
		return 0
	}
	dirty, err := u.output(ctx, u.root, "git", "status", "--porcelain", "--untracked-files=no")
	if err == nil && dirty != "" && !u.allowDirty {
		err = fmt.Errorf("the work tree has uncommitted changes; commit or stash them first, so that a failed update can be reverted with git checkout (or pass -allow-dirty):\n%s", dirty)
	}
	tmp, terr := os.MkdirTemp("", "partoo-update-spec-")
	u.backup = filepath.Join(tmp, "backup")
	defer func() {
		if !u.backupKept {
			os.RemoveAll(tmp)
		}
	}()
	previous, repaired, oldAPI := filepath.Join(tmp, "previous.yaml"), filepath.Join(tmp, "repaired.yaml"), filepath.Join(tmp, "api.export")
	if err = errors.Join(err, terr); err == nil {
		err = errors.Join(u.save(ctx), os.WriteFile(previous, oldBytes, 0o644))
	}
	if err != nil {
		fmt.Fprintln(u.stderr, "update-spec:", err)
		return 1
	}

	u.step(1, "lint the new spec (nothing is changed if this fails)")
	linted, seed, written := u.spec, u.seed, newBytes
	var eff *specload.Result
	if u.source == specload.Partoo {
		// Partoo's own bundle, as it is, through the one loader, then the
		// lint of the result in the bundle's own terms (Partoo's YAML and
		// the repairs need no mark).
		eff, err = specload.Effective(specload.Input{Bundle: newBytes, Repairs: u.repairs, Names: names})
		if err != nil {
			fmt.Fprintf(u.stderr, "\nupdate-spec: FAILED at step 1 (repairs): %v\nNothing was changed: %s is still the previous spec.\n", err, specRel)
			return 1
		}
		fmt.Fprintf(u.stdout, "repairs: %d applied\n", len(eff.Repairs))
		eff.Report(u.stdout)
		if eff.UpgradedFrom != "" {
			fmt.Fprintf(u.stdout, "the bundle is OpenAPI %s: the generators read its 3.1 form (nullable, example and boolean exclusiveMinimum/Maximum in 3.1's terms)\n", eff.UpgradedFrom)
		}
		linted, seed, written = repaired, repaired, eff.Spec
		err = os.WriteFile(repaired, eff.Repaired, 0o644)
	}
	if err == nil {
		err = u.cmd(ctx, filepath.Join(u.root, "tools"), "go", "run", "./cmd/speclint", "-spec", linted, "-seed", seed)
	}
	if err != nil {
		fmt.Fprintf(u.stderr, "\nupdate-spec: FAILED at step 1 (spec-lint): %v\nNothing was changed: %s is still the previous spec. Repair the blocking findings above (with SOURCE=partoo: paste their repairs into the REPAIRS overlay, each checked against Partoo's docs), or ask Partoo.\n", err, specRel)
		return 1
	}
	// The Go API before the update, to compare with after it.
	if err := u.cmd(ctx, u.root, "go", "tool", "-modfile=tools/go.mod", "apidiff", "-m", "-w", oldAPI, modulePath); err != nil {
		fmt.Fprintf(u.stderr, "\nupdate-spec: FAILED at step 1 (apidiff): %v\nNothing was changed.\n", err)
		return 1
	}

	u.step(2, "replace "+specRel)
	err = u.put(specRel, written, u.spec)
	if eff != nil && err == nil {
		rec := specload.Record{Source: specload.Partoo, Origin: u.origin, Date: time.Now().UTC().Format(time.DateOnly), SHA256: specload.Sum(newBytes)}
		err = errors.Join(specload.WriteRecord(apiDir, rec),
			u.put("api/"+specload.VerbatimFile, newBytes, "Partoo's verbatim bundle, SHA-256 "+rec.SHA256+", from "+u.origin),
			u.put("api/"+specload.RepairsFile, u.repairs, fmt.Sprintf("the repairs overlay (%d repair(s))", len(eff.Repairs))),
			u.put("api/"+specload.NamesFile, specload.RecordDerived(names, eff.Derived), "the derived operationIds, under operationIds"))
	}
	if err == nil && u.newSeed != nil {
		err = u.put(seedRel, u.newSeed, u.seed)
	}
	if err != nil {
		return u.fail(2, "replace the spec", err)
	}

	u.step(3, "regenerate (go generate ./...) and tidy go.mod")
	// A new spec may need a module (the nullable types): tidy the root
	// module and the modules that require it, then regenerate the
	// consumer example.
	if code := u.goSteps(ctx, 3, [][]string{{".", "generate", "./..."}, {".", "mod", "tidy"}, {"tools", "mod", "tidy"},
		{"otel", "mod", "tidy"}, {consumerRel, "mod", "tidy"}, {consumerRel, "generate", "./..."}}); code != 0 {
		return code
	}

	u.step(4, "what changed: the API (oasdiff, breaking changes first), then the Go API (apidiff)")
	changes, breaking, err := specdiff.Changelog(ctx, filepath.Join(u.root, "tools"), previous, filepath.Join(u.root, specRel), u.stdout)
	if err != nil {
		return u.fail(4, "oasdiff", err)
	}
	out, err := u.output(ctx, u.root, "go", "tool", "-modfile=tools/go.mod", "apidiff", "-m", oldAPI, modulePath)
	if err != nil {
		return u.fail(4, "apidiff", err)
	}
	fmt.Fprintln(u.stdout, out)
	u.methodsAdded, u.goBreaking = countIncompatible(out)
	u.breaking, u.diffed = breaking, true

	u.step(5, "build, vet and test")
	out, err = u.output(ctx, filepath.Join(u.root, "tools"), "go", "list", "-f", `{{if ne .Name "pipeline"}}{{.ImportPath}}{{end}}`, "./...")
	if err != nil {
		return u.fail(5, "list the tools packages", err)
	}
	if code := u.goSteps(ctx, 5, [][]string{{".", "build", "./..."}, {".", "vet", "./..."}, {".", "test", "-short", "-count=1", "./..."},
		append([]string{"tools", "test", "-short", "-count=1"}, strings.Fields(out)...), {consumerRel, "test", "-count=1", "./..."}}); code != 0 {
		return code
	}

	u.step(6, "next steps")
	fmt.Fprintf(u.stdout, "update-spec: the new spec is in, the code is regenerated, and the tests pass. %d API change(s), %d breaking; %d incompatible Go API change(s).\n\n",
		changes, u.breaking, u.methodsAdded+u.goBreaking)
	nextSteps(u.stdout, u.breaking, u.methodsAdded, u.goBreaking)
	return 0
}

// goSteps runs each command, `go args...` in the directory its first
// element names (relative to the root), and fails step at the first that
// fails.
func (u *updater) goSteps(ctx context.Context, step int, cmds [][]string) int {
	for _, c := range cmds {
		if err := u.cmd(ctx, filepath.Join(u.root, c[0]), "go", c[1:]...); err != nil {
			return u.fail(step, "go "+c[1]+" in "+c[0], err)
		}
	}
	return 0
}

// put writes body to the file rel (relative to the root) and says so,
// unless body is nil or the file already holds it.
func (u *updater) put(rel string, body []byte, from string) error {
	path := filepath.Join(u.root, rel)
	if old, err := os.ReadFile(path); body == nil || err == nil && bytes.Equal(old, body) {
		return nil
	}
	fmt.Fprintf(u.stdout, "%s <- %s\n", rel, from)
	return os.WriteFile(path, body, 0o644)
}

// countIncompatible counts the incompatible changes in apidiff's report:
// the methods added to an interface, which break only code that implements
// it (gen.ClientInterface gains one per new operation), not code that
// calls it, and the others, which break callers (removed or changed names
// and signatures). In apidiff's incompatible section, an "added" line is
// always such a method: apidiff lists every other addition as compatible.
func countIncompatible(report string) (methodsAdded, others int) {
	in := false
	for _, line := range strings.Split(report, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "Incompatible changes:"):
			in = true
		case strings.HasPrefix(line, "Compatible changes:"), strings.HasPrefix(line, "Package "):
			in = false
		case in && strings.HasPrefix(line, "- ") && strings.HasSuffix(line, ": added"):
			methodsAdded++
		case in && strings.HasPrefix(line, "- "):
			others++
		}
	}
	return methodsAdded, others
}

// nextSteps prints what the maintainer does after a successful update.
func nextSteps(w io.Writer, breaking, methodsAdded, goBreaking int) {
	fmt.Fprintln(w, "  1. Review what changed:   git status && git diff --stat")
	fmt.Fprintln(w, "  2. Record the API changes above in CHANGELOG.md, under [Unreleased] (Added / Changed / Removed).")
	if breaking > 0 || goBreaking > 0 {
		fmt.Fprintf(w, "  3. BREAKING: oasdiff rates %d spec change(s) ERR and apidiff finds %d Go change(s) that break callers. Declare the bump (`make breaking` fails in CI on an undeclared ERR change):\n", breaking, goBreaking)
		fmt.Fprintln(w, "     bump partoo.Version in version.go (0.y.z -> 0.(y+1).0 while in v0; X -> X+1 from v1 on, with the /vX+1 module path),")
		fmt.Fprintln(w, "     and/or add a \"BREAKING-CHANGE: <what breaks>\" trailer to the commit message.")
	} else {
		fmt.Fprintln(w, "  3. No breaking change for callers: a minor version (new operations or fields) or a patch is enough.")
	}
	if methodsAdded > 0 {
		fmt.Fprintf(w, "     Note: %d method(s) were added to generated interfaces (such as gen.ClientInterface); this breaks only code that implements them. Say so in CHANGELOG.md.\n", methodsAdded)
	}
	fmt.Fprintln(w, "  4. Run `make ci`, then commit the spec, the generated code and CHANGELOG.md together.")
}

// fail reports a failure after the lint, and puts the tree back as it was
// (unless -keep-failed or -allow-dirty), so that nothing is changed by a
// failed update.
func (u *updater) fail(step int, what string, err error) int {
	fmt.Fprintf(u.stderr, "\nupdate-spec: FAILED at step %d (%s): %v\n", step, what, err)
	ctx := context.Background()
	changed, added, err := u.changes(ctx)
	removed := append(added, u.deleted...)
	if err == nil && !u.keepFailed && !u.allowDirty {
		if len(changed) > 0 {
			_, err = u.git(ctx, append([]string{"checkout", "--"}, changed...)...)
		}
		for _, f := range removed {
			err = errors.Join(err, os.RemoveAll(filepath.Join(u.root, f)))
		}
		for _, f := range u.saved {
			err = errors.Join(err, copyFile(filepath.Join(u.root, f), filepath.Join(u.backup, f)))
		}
		if err == nil {
			fmt.Fprintf(u.stderr, "Nothing was changed: the tree is restored as it was before the update (%s is still the previous spec). Run again with UPDATE_ARGS=-keep-failed to inspect the failed state.\n", specRel)
			changed, removed, u.saved = nil, nil, nil // nothing left to revert
		}
	}
	if err != nil {
		fmt.Fprintf(u.stderr, "update-spec: the tree could NOT be restored: %v\n", err)
	}
	// The way back is idempotent: it holds after a restore failed halfway.
	if len(changed)+len(removed)+len(u.saved) > 0 {
		fmt.Fprintf(u.stderr, "The work tree is half-updated (%s is the NEW spec; generated code may be partly regenerated). To revert to the state before the update, in this order:\n", specRel)
		if len(changed) > 0 {
			fmt.Fprintf(u.stderr, "  git checkout -- %s\n", strings.Join(changed, " "))
		}
		if len(removed) > 0 {
			fmt.Fprintf(u.stderr, "  rm -f %s\n", strings.Join(removed, " "))
		}
		if u.backupKept = len(u.saved) > 0; u.backupKept {
			fmt.Fprintf(u.stderr, "  cp -R %s/. .\n", u.backup)
		}
	}
	if u.diffed {
		fmt.Fprintln(u.stderr, "To take the new spec anyway: fix what failed above, run `make ci`, then:")
		nextSteps(u.stderr, u.breaking, u.methodsAdded, u.goBreaking)
	}
	return 1
}

// changes lists what the update changed under the paths it may write:
// the tracked files it changed or deleted, and the files it added.
func (u *updater) changes(ctx context.Context) (changed, added []string, err error) {
	changed, err = u.git(ctx, append([]string{"diff", "--name-only", "--relative", "--"}, restorable...)...)
	others, err2 := u.git(ctx, append([]string{"ls-files", "--others", "--exclude-standard", "--"}, restorable...)...)
	added = slices.DeleteFunc(others, func(f string) bool { return slices.Contains(u.saved, f) })
	return changed, added, errors.Join(err, err2)
}

// save copies to the backup the files under restorable that are untracked
// or changed since the index (saved), and notes those deleted (deleted).
func (u *updater) save(ctx context.Context) error {
	dirty, err := u.git(ctx, append([]string{"ls-files", "--modified", "--others", "--exclude-standard", "--"}, restorable...)...)
	for _, f := range slices.Compact(dirty) {
		if cerr := copyFile(filepath.Join(u.backup, f), filepath.Join(u.root, f)); errors.Is(cerr, fs.ErrNotExist) {
			u.deleted = append(u.deleted, f)
		} else {
			u.saved, err = append(u.saved, f), errors.Join(err, cerr)
		}
	}
	return err
}

// copyFile copies the bytes of the file src to dst, making dst's folder.
func copyFile(dst, src string) error {
	body, err := os.ReadFile(src)
	if err == nil {
		err = os.MkdirAll(filepath.Dir(dst), 0o755)
	}
	if err == nil {
		err = os.WriteFile(dst, body, 0o644)
	}
	return err
}

// git runs git in the root and returns the lines of its output.
func (u *updater) git(ctx context.Context, args ...string) ([]string, error) {
	out, err := u.output(ctx, u.root, "git", args...)
	return strings.Fields(out), err
}

func (u *updater) step(n int, title string) {
	fmt.Fprintf(u.stdout, "\n==> update-spec [%d/6] %s\n", n, title)
}

// cmd runs a command in dir, streaming its output.
func (u *updater) cmd(ctx context.Context, dir, name string, args ...string) error {
	fmt.Fprintf(u.stdout, "$ (cd %s && %s %s)\n", dir, name, strings.Join(args, " "))
	c := exec.CommandContext(ctx, name, args...)
	c.Dir, c.Stdout, c.Stderr = dir, u.stdout, u.stderr
	if err := c.Run(); err != nil {
		return fmt.Errorf("%s %s: %w", name, strings.Join(args, " "), err)
	}
	return nil
}

// output runs a command in dir and returns its standard output, trimmed.
func (u *updater) output(ctx context.Context, dir, name string, args ...string) (string, error) {
	c := exec.CommandContext(ctx, name, args...)
	c.Dir = dir
	var stderr bytes.Buffer
	c.Stderr = &stderr
	out, err := c.Output()
	if err != nil {
		return "", fmt.Errorf("%s %s: %w: %s", name, strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return strings.TrimSpace(string(out)), nil
}
