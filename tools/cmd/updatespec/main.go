// Command updatespec takes a new version of the bundled OpenAPI document
// into the repository in one command (`make update-spec SPEC=path
// [SOURCE=partoo [REPAIRS=overlay]]`):
//
//  1. lint the new spec (speclint). With -source partoo the spec is
//     Partoo's bundle as published, taken as it is, defects and all: the
//     repairs overlay (-repairs, else api/repairs.yaml) is applied to it
//     by the one loader (specload.Effective), which refuses a repair whose
//     target matches nothing and reports each repair that no longer
//     changes anything (Partoo fixed it: drop the repair); operations
//     without an operationId get a derived name; the lint reads the
//     result. Only blocking findings stop the update; advisory ones are
//     summarised;
//  2. replace the spec. With -source partoo, Partoo's bundle goes to
//     api/partoo-verbatim.yaml byte for byte, the repairs to
//     api/repairs.yaml, the derived operationIds to api/names.yaml, and
//     api/provenance.yaml records the bundle's SHA-256, the date and its
//     origin; api/openapi-bundled.yaml becomes the repaired spec, which
//     every consumer reads. Otherwise the new file replaces
//     api/openapi-bundled.yaml. With -new-seed, the seed excerpt of
//     Partoo's YAML that the spec tests compare with is replaced too;
//  3. regenerate everything (`go generate ./...`: the repaired spec, the
//     models and raw client, the operation tables, the client's services
//     and iterators, the fake server's tables; then
//     examples/consumer-pipeline), and tidy go.mod (a new spec may need a
//     module, such as the nullable types);
//  4. report what changed: the API changes against the previous spec
//     (oasdiff, breaking ones first), and the Go API changes of the module
//     (apidiff), incompatible ones first;
//  5. build, vet and run the tests (the root module, and the tools module
//     but for its pipeline tests, which `make ci` runs);
//  6. print what the maintainer must do next: review, changelog, and the
//     version bump when a change is breaking.
//
// The tree is kept whole: when any step fails, every file that the update
// wrote or that the steps could write (api/, the generated code, the go.mod
// and go.sum files, examples/consumer-pipeline, the seed) is put back as it
// was before the update, and new files there are deleted, so "nothing was
// changed" holds at every step. -keep-failed leaves a failed update in
// place for inspection instead. It refuses to start when tracked files
// have uncommitted changes (-allow-dirty overrides).
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
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/partoo-go/partoo/tools/internal/provenance"
	"github.com/partoo-go/partoo/tools/internal/specdiff"
	"github.com/partoo-go/partoo/tools/internal/specload"
)

const (
	specRel     = "api/openapi-bundled.yaml"
	apiRel      = "api"
	seedRel     = "tools/spectest/testdata/seed-getWebhook.md"
	consumerRel = "examples/consumer-pipeline"
	modulePath  = "github.com/partoo-go/partoo"
)

// partooBundleURL is where Partoo publishes its bundle, named in its
// documentation's operation pages.
const partooBundleURL = "https://developers.partoo.co/assets/openapi/openapi-bundled.yaml"

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
	oldAPI           string          // export data of the module before the update
	replaced, genRan bool
	diffed           bool      // the API changes were reported
	breaking         int       // breaking spec changes, once diffed
	goBreaking       goChanges // incompatible Go API changes, once diffed
	now              func() time.Time
	saved            *snapshot // the files an update may write, as they were
	keepFailed       bool      // leave a failed update in place
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("updatespec", flag.ContinueOnError)
	fs.SetOutput(stderr)
	root := fs.String("root", ".", "repository root")
	newSpec := fs.String("spec", "", "path of the new openapi-bundled.yaml")
	source := fs.String("source", "", `"partoo" when the spec is Partoo's bundle as published; empty for a bundle the project assembled`)
	origin := fs.String("origin", "", "where the verbatim bundle came from (default: Partoo's published URL), with -source partoo")
	newSeed := fs.String("new-seed", "", "optional: Partoo's refreshed docs excerpt to install as "+seedRel+" (when Partoo's own YAML changed)")
	allowDirty := fs.Bool("allow-dirty", false, "run even when tracked files have uncommitted changes")
	repairs := fs.String("repairs", "", "with -source partoo: the repairs overlay to apply to the bundle (default: api/"+specload.RepairsFile+", if any)")
	keepFailed := fs.Bool("keep-failed", false, "leave a failed update in the work tree for inspection instead of restoring it")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *newSpec == "" {
		fmt.Fprintln(stderr, "update-spec: SPEC is required: make update-spec SPEC=/path/to/openapi-bundled.yaml [SOURCE=partoo]")
		return 2
	}
	switch *source {
	case "", provenance.Partoo:
	default:
		fmt.Fprintf(stderr, "update-spec: SOURCE=%q: want partoo, or nothing for a bundle the project assembled\n", *source)
		return 2
	}
	if *origin != "" && *source == "" {
		fmt.Fprintln(stderr, "update-spec: ORIGIN only goes with SOURCE=partoo")
		return 2
	}
	if *repairs != "" && *source == "" {
		fmt.Fprintln(stderr, "update-spec: REPAIRS only goes with SOURCE=partoo: repairs apply to Partoo's bundle as published")
		return 2
	}
	absRoot, err := filepath.Abs(*root)
	if err != nil {
		fmt.Fprintln(stderr, "update-spec:", err)
		return 2
	}
	u := &updater{root: absRoot, toolsDir: filepath.Join(absRoot, "tools"), stdout: stdout, stderr: stderr, now: time.Now, keepFailed: *keepFailed}
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
	if *source == provenance.Partoo && *origin == "" {
		*origin = partooBundleURL
	}
	var repairsBytes []byte
	if *repairs != "" {
		if repairsBytes, err = os.ReadFile(*repairs); err != nil {
			fmt.Fprintf(stderr, "update-spec: cannot read the repairs: %v\n", err)
			return 2
		}
	}
	return u.update(ctx, spec, seed, seedBytes, *source, *origin, repairsBytes, *allowDirty)
}

// update runs the six steps. seed is the seed file the new spec is linted
// against; newSeed, when not nil, replaces the repository's seed; repairs,
// when not nil, replaces the repairs overlay of a Partoo bundle.
func (u *updater) update(ctx context.Context, spec, seed string, newSeed []byte, source, origin string, repairs []byte, allowDirty bool) int {
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
	apiDir := filepath.Join(u.root, apiRel)
	rec, err := provenance.Read(apiDir)
	if err != nil {
		fmt.Fprintf(u.stderr, "update-spec: %v\n", err)
		return 2
	}
	if rec.Source == provenance.Partoo && source != provenance.Partoo {
		fmt.Fprintf(u.stderr, "update-spec: api/ holds Partoo's verbatim bundle and its repairs (%s says source: partoo): take Partoo's new bundle with SOURCE=partoo, and change what the project adds through %s/%s, never in %s\n", provenance.File, apiRel, specload.RepairsFile, specRel)
		return 2
	}
	repairsPath := filepath.Join(apiDir, specload.RepairsFile)
	oldRepairs, err := readOptional(repairsPath)
	if err != nil {
		fmt.Fprintf(u.stderr, "update-spec: %v\n", err)
		return 2
	}
	if repairs == nil {
		repairs = oldRepairs
	}
	namesPath := filepath.Join(apiDir, specload.NamesFile)
	names, err := readOptional(namesPath)
	if err != nil {
		fmt.Fprintf(u.stderr, "update-spec: %v\n", err)
		return 2
	}
	if bytes.Equal(newBytes, oldBytes) && newSeed == nil && (source == "" || rec.Source == provenance.Partoo && rec.SHA256 == provenance.Sum(newBytes) && bytes.Equal(repairs, oldRepairs)) {
		fmt.Fprintf(u.stdout, "update-spec: %s is identical to %s; nothing to do.\n", spec, specRel)
		return 0
	}
	if code := u.checkGit(ctx, allowDirty); code != 0 {
		return code
	}

	u.step(1, "lint the new spec (nothing is changed if this fails)")
	lintArgs := []string{"run", "./cmd/speclint", "-spec", spec, "-seed", seed}
	var eff *specload.Result
	if source == provenance.Partoo {
		// Partoo's own bundle, as it is, through the one loader: the
		// repairs, the derived operationIds, then the lint of the result
		// in the bundle's own terms (Partoo's YAML and the repairs need no
		// mark).
		eff, err = specload.Effective(specload.Input{Bundle: newBytes, Repairs: repairs, Names: names})
		if err != nil {
			fmt.Fprintf(u.stderr, "\nupdate-spec: FAILED at step 1 (repairs): %v\nNothing was changed: %s is still the previous spec.\n", err, specRel)
			return 1
		}
		u.reportEffective(eff)
		f, err := os.CreateTemp("", "partoo-repaired-*.yaml")
		if err == nil {
			_, err = f.Write(eff.Repaired)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			fmt.Fprintf(u.stderr, "update-spec: FAILED at step 1: %v\nNothing was changed.\n", err)
			return 1
		}
		defer os.Remove(f.Name())
		lintArgs = []string{"run", "./cmd/speclint", "-spec", f.Name(), "-seed", f.Name()}
	}
	if err := u.cmd(ctx, u.toolsDir, "go", lintArgs...); err != nil {
		fmt.Fprintf(u.stderr, "\nupdate-spec: FAILED at step 1 (spec-lint): %v\nNothing was changed: %s is still the previous spec. Repair the blocking findings above (with SOURCE=partoo: paste their repairs into the REPAIRS overlay, each checked against Partoo's docs), or ask Partoo.\n", err, specRel)
		return 1
	}
	// What the update may write, as it is now, to put it back on failure.
	if u.saved, err = takeSnapshot(u.root, restorable); err != nil {
		fmt.Fprintf(u.stderr, "update-spec: FAILED before step 2: cannot save the tree: %v\nNothing was changed.\n", err)
		return 1
	}
	// The Go API before the update, to compare with after it.
	if f, err := os.CreateTemp("", "partoo-api-*.export"); err == nil {
		f.Close()
		if err := u.cmd(ctx, u.root, "go", "tool", "-modfile=tools/go.mod", "apidiff", "-m", "-w", f.Name(), modulePath); err == nil {
			u.oldAPI = f.Name()
		} else {
			fmt.Fprintf(u.stdout, "update-spec: the Go API before the update could not be recorded (%v); its changes will not be reported\n", err)
			os.Remove(f.Name())
		}
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
	written := newBytes
	if eff != nil {
		written = eff.Spec
	}
	if err := os.WriteFile(current, written, 0o644); err != nil {
		return u.fail(2, "replace the spec", err)
	}
	u.replaced = true
	fmt.Fprintf(u.stdout, "%s <- %s (previous spec saved at %s)\n", specRel, spec, u.previous)
	if source == provenance.Partoo {
		if err := os.WriteFile(filepath.Join(apiDir, provenance.Verbatim), newBytes, 0o644); err != nil {
			return u.fail(2, "keep the verbatim copy", err)
		}
		rec = provenance.Record{Source: provenance.Partoo, Origin: origin, Date: u.now().UTC().Format(time.DateOnly), SHA256: provenance.Sum(newBytes)}
		if err := provenance.Write(apiDir, rec); err != nil {
			return u.fail(2, "record the provenance", err)
		}
		fmt.Fprintf(u.stdout, "%s/%s <- Partoo's verbatim bundle, SHA-256 %s, from %s\n", apiRel, provenance.Verbatim, rec.SHA256, origin)
		if len(bytes.TrimSpace(repairs)) > 0 && !bytes.Equal(repairs, oldRepairs) {
			if err := os.WriteFile(repairsPath, repairs, 0o644); err != nil {
				return u.fail(2, "keep the repairs", err)
			}
			fmt.Fprintf(u.stdout, "%s/%s <- the repairs overlay (%d repair(s))\n", apiRel, specload.RepairsFile, len(eff.Repairs))
		}
		recorded, err := specload.RecordDerived(names, eff.Derived)
		if err != nil {
			return u.fail(2, "record the derived operationIds", err)
		}
		if !bytes.Equal(recorded, names) {
			if err := os.WriteFile(namesPath, recorded, 0o644); err != nil {
				return u.fail(2, "record the derived operationIds", err)
			}
			fmt.Fprintf(u.stdout, "%s/%s <- the derived operationIds, under operationIds\n", apiRel, specload.NamesFile)
		}
	}
	if newSeed != nil {
		if err := os.WriteFile(filepath.Join(u.root, seedRel), newSeed, 0o644); err != nil {
			return u.fail(2, "replace the seed", err)
		}
		fmt.Fprintf(u.stdout, "%s <- %s\n", seedRel, seed)
	}

	u.step(3, "regenerate (go generate ./...) and tidy go.mod")
	u.genRan = true
	if err := u.cmd(ctx, u.root, "go", "generate", "./..."); err != nil {
		return u.fail(3, "go generate", err)
	}
	// A new spec may need a module (the nullable types): tidy the root
	// module and the modules that require it.
	for _, m := range []string{".", "tools", "otel"} {
		dir := filepath.Join(u.root, m)
		if !fileExists(filepath.Join(dir, "go.mod")) {
			continue
		}
		if err := u.cmd(ctx, dir, "go", "mod", "tidy"); err != nil {
			return u.fail(3, "go mod tidy ("+m+")", err)
		}
	}
	consumer := filepath.Join(u.root, consumerRel)
	hasConsumer := fileExists(filepath.Join(consumer, "go.mod"))
	if hasConsumer {
		if err := u.cmd(ctx, consumer, "go", "mod", "tidy"); err != nil {
			return u.fail(3, "go mod tidy ("+consumerRel+")", err)
		}
		if err := u.cmd(ctx, consumer, "go", "generate", "./..."); err != nil {
			return u.fail(3, "go generate ("+consumerRel+")", err)
		}
	}

	u.step(4, "what changed: the API (oasdiff, breaking changes first), then the Go API (apidiff)")
	changes, err := specdiff.Compare(ctx, u.toolsDir, u.previous, current, u.stdout)
	if err != nil {
		return u.fail(4, "oasdiff", err)
	}
	u.breaking = specdiff.CountBreaking(changes)
	u.diffed = true
	if u.oldAPI != "" {
		out, err := u.output(ctx, u.root, "go", "tool", "-modfile=tools/go.mod", "apidiff", "-m", u.oldAPI, modulePath)
		if err != nil {
			fmt.Fprintf(u.stdout, "update-spec: the Go API could not be compared: %v\n", err)
		} else {
			fmt.Fprintln(u.stdout, strings.TrimSpace(out))
			u.goBreaking = countIncompatible(out)
		}
		os.Remove(u.oldAPI)
	}

	u.step(5, "build, vet and test")
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
	if err := u.cmd(ctx, u.root, "go", "vet", "./..."); err != nil {
		return u.fail(5, "go vet", err)
	}
	if err := u.cmd(ctx, u.root, "go", "test", "-short", "-count=1", "./..."); err != nil {
		return u.fail(5, "go test (root module)", err)
	}
	if err := u.cmd(ctx, u.toolsDir, "go", append([]string{"test", "-short", "-count=1"}, pkgs...)...); err != nil {
		return u.fail(5, "go test (tools module)", err)
	}
	if hasConsumer {
		if err := u.cmd(ctx, consumer, "go", "test", "-count=1", "./..."); err != nil {
			return u.fail(5, "go test ("+consumerRel+")", err)
		}
	}
	os.Remove(u.previous)

	u.step(6, "next steps")
	fmt.Fprintf(u.stdout, "update-spec: the new spec is in, the code is regenerated, and the tests pass. %d API change(s), %d breaking; %d incompatible Go API change(s).\n\n",
		len(changes), u.breaking, u.goBreaking.total())
	nextSteps(u.stdout, u.breaking, u.goBreaking)
	return 0
}

// checkGit records the untracked files, and refuses a dirty work tree.
func (u *updater) checkGit(ctx context.Context, allowDirty bool) int {
	out, err := u.output(ctx, u.root, "git", "rev-parse", "--is-inside-work-tree")
	if err != nil || strings.TrimSpace(out) != "true" {
		return 0
	}
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
	return 0
}

// goChanges sorts apidiff's incompatible changes by whom they break.
type goChanges struct {
	// methodsAdded counts methods added to an interface: they break only
	// code that implements the interface (gen.ClientInterface gains one per
	// new operation), not code that calls it.
	methodsAdded int
	// others break callers: removed or changed names and signatures.
	others int
}

func (c goChanges) total() int { return c.methodsAdded + c.others }

// countIncompatible sorts the incompatible changes in apidiff's report. In
// that section, an "added" line is always a method added to an interface:
// apidiff lists every other addition as compatible.
func countIncompatible(report string) goChanges {
	var c goChanges
	in := false
	for _, line := range strings.Split(report, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "Incompatible changes:"):
			in = true
		case strings.HasPrefix(line, "Compatible changes:"), strings.HasPrefix(line, "Package "):
			in = false
		case in && strings.HasPrefix(line, "- ") && strings.HasSuffix(line, ": added"):
			c.methodsAdded++
		case in && strings.HasPrefix(line, "- "):
			c.others++
		}
	}
	return c
}

// nextSteps prints what the maintainer does after a successful update.
func nextSteps(w io.Writer, breaking int, goBreaking goChanges) {
	fmt.Fprintln(w, "  1. Review what changed:   git status && git diff --stat")
	fmt.Fprintln(w, "  2. Record the API changes above in CHANGELOG.md, under [Unreleased] (Added / Changed / Removed).")
	if breaking > 0 || goBreaking.others > 0 {
		fmt.Fprintf(w, "  3. BREAKING: oasdiff rates %d spec change(s) ERR and apidiff finds %d Go change(s) that break callers. Declare the bump (`make breaking` fails in CI on an undeclared ERR change):\n", breaking, goBreaking.others)
		fmt.Fprintln(w, "     bump partoo.Version in version.go (0.y.z -> 0.(y+1).0 while in v0; X -> X+1 from v1 on, with the /vX+1 module path),")
		fmt.Fprintln(w, "     and/or add a \"BREAKING-CHANGE: <what breaks>\" trailer to the commit message.")
	} else {
		fmt.Fprintln(w, "  3. No breaking change for callers: a minor version (new operations or fields) or a patch is enough.")
	}
	if goBreaking.methodsAdded > 0 {
		fmt.Fprintf(w, "     Note: %d method(s) were added to generated interfaces (such as gen.ClientInterface); this breaks only code that implements them. Say so in CHANGELOG.md.\n", goBreaking.methodsAdded)
	}
	fmt.Fprintln(w, "  4. Run `make ci`, then commit the spec, the generated code and CHANGELOG.md together.")
}

// fail reports a failure after the lint, and puts the tree back as it was
// (unless -keep-failed), so that nothing is changed by a failed update.
func (u *updater) fail(step int, what string, err error) int {
	fmt.Fprintf(u.stderr, "\nupdate-spec: FAILED at step %d (%s): %v\n", step, what, err)
	if u.saved != nil && !u.keepFailed {
		if rerr := u.saved.restore(); rerr != nil {
			fmt.Fprintf(u.stderr, "update-spec: the tree could NOT be restored: %v\n", rerr)
			u.howToRevert()
			return 1
		}
		fmt.Fprintf(u.stderr, "Nothing was changed: the tree is restored as it was before the update (%s is still the previous spec). Run again with UPDATE_ARGS=-keep-failed to inspect the failed state.\n", specRel)
		if u.previous != "" {
			os.Remove(u.previous)
		}
	} else {
		u.howToRevert()
	}
	if u.diffed {
		fmt.Fprintln(u.stderr, "To take the new spec anyway: fix what failed above, run `make ci`, then:")
		nextSteps(u.stderr, u.breaking, u.goBreaking)
	}
	return 1
}

// howToRevert says how to get back to the previous state, for a failed
// update left in place.
func (u *updater) howToRevert() {
	ctx := context.Background()
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
}

// reportEffective prints what the loader did to Partoo's bundle: the
// repairs (and those Partoo made useless), the derived operationIds, the
// 3.1 upgrade.
func (u *updater) reportEffective(res *specload.Result) {
	fmt.Fprintf(u.stdout, "repairs: %d applied", len(res.Repairs))
	if stale := res.Stale(); len(stale) > 0 {
		fmt.Fprintf(u.stdout, ", %d no longer change anything:\n", len(stale))
		for _, o := range stale {
			fmt.Fprintf(u.stdout, "  action %d (target %s, %q): Partoo fixed it: drop the repair\n", o.Index+1, o.Target, o.Reason)
		}
	} else {
		fmt.Fprintln(u.stdout)
	}
	derived := 0
	for _, d := range res.Derived {
		if !d.Recorded {
			derived++
		}
	}
	if len(res.Derived) > 0 {
		fmt.Fprintf(u.stdout, "advisory: %d operation(s) have no operationId; they get the names of %s/%s's operationIds (%d new, derived from method and path, recorded there)\n", len(res.Derived), apiRel, specload.NamesFile, derived)
	}
	if res.UpgradedFrom != "" {
		fmt.Fprintf(u.stdout, "the bundle is OpenAPI %s: the generators read its 3.1 form (nullable, example and boolean exclusiveMinimum/Maximum in 3.1's terms)\n", res.UpgradedFrom)
	}
}

// restorable lists what an update may write, relative to the root: the
// spec and its companions, the generated code, the README (go generate
// writes its custom-header rules table), every module's go.mod and go.sum,
// the consumer example (regenerated) and the spec tests' seed.
var restorable = []string{
	apiRel, "gen", "internal/apispec", "services.gen.go", "README.md",
	"go.mod", "go.sum", "tools/go.mod", "tools/go.sum", "otel/go.mod", "otel/go.sum",
	consumerRel, filepath.Dir(seedRel),
}

// snapshot is the content of a set of files and directories.
type snapshot struct {
	root  string
	paths []string
	files map[string][]byte // relative path -> content
	modes map[string]os.FileMode
}

// takeSnapshot records every regular file under paths (which may be files
// or directories, existing or not).
func takeSnapshot(root string, paths []string) (*snapshot, error) {
	s := &snapshot{root: root, paths: paths, files: map[string][]byte{}, modes: map[string]os.FileMode{}}
	err := s.walk(func(rel string, info os.FileInfo) error {
		b, err := os.ReadFile(filepath.Join(root, rel))
		if err != nil {
			return err
		}
		s.files[rel], s.modes[rel] = b, info.Mode().Perm()
		return nil
	})
	return s, err
}

// walk calls fn for every regular file under the snapshot's paths.
func (s *snapshot) walk(fn func(rel string, info os.FileInfo) error) error {
	for _, p := range s.paths {
		err := filepath.Walk(filepath.Join(s.root, p), func(path string, info os.FileInfo, err error) error {
			if errors.Is(err, os.ErrNotExist) {
				return nil
			}
			if err != nil {
				return err
			}
			if !info.Mode().IsRegular() {
				return nil
			}
			rel, err := filepath.Rel(s.root, path)
			if err != nil {
				return err
			}
			return fn(rel, info)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// restore puts every recorded file back and deletes the files that have
// appeared under the snapshot's paths since.
func (s *snapshot) restore() error {
	var added []string
	if err := s.walk(func(rel string, _ os.FileInfo) error {
		if _, ok := s.files[rel]; !ok {
			added = append(added, rel)
		}
		return nil
	}); err != nil {
		return err
	}
	var errs []error
	for _, rel := range added {
		errs = append(errs, os.Remove(filepath.Join(s.root, rel)))
	}
	for rel, b := range s.files {
		path := filepath.Join(s.root, rel)
		if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, b) {
			continue
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			errs = append(errs, err)
			continue
		}
		errs = append(errs, os.WriteFile(path, b, s.modes[rel]))
	}
	return errors.Join(errs...)
}

// readOptional reads path; a missing file reads as nil.
func readOptional(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	return b, err
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func (u *updater) step(n int, title string) {
	fmt.Fprintf(u.stdout, "\n==> update-spec [%d/6] %s\n", n, title)
}

// cmd runs a command in dir, streaming its output.
func (u *updater) cmd(ctx context.Context, dir, name string, args ...string) error {
	fmt.Fprintf(u.stdout, "$ (cd %s && %s %s)\n", dir, name, strings.Join(args, " "))
	c := exec.CommandContext(ctx, name, args...)
	c.Dir = dir
	c.Stdout, c.Stderr = u.stdout, u.stderr
	if err := c.Run(); err != nil {
		return fmt.Errorf("%s %s: %w", name, strings.Join(args, " "), err)
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
