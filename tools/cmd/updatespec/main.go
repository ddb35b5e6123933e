// Command updatespec takes a new version of the bundled OpenAPI document
// into the repository in six steps: lint it, replace it, regenerate,
// report the API and Go API changes, build, vet and test, and print the
// next steps. A failed step gives the paths the steps may write back as
// they were, unless -keep-failed or -allow-dirty, which print the way back
// instead. docs/maintaining.md ("Taking a new spec") describes the steps,
// Partoo's bundle as published (-source partoo) and the refusals.
//
// Usage (from the repository root):
//
//	make update-spec SPEC=path [SOURCE=partoo [ORIGIN=url] [REPAIRS=overlay]] [SEED=path] [UPDATE_ARGS=-keep-failed|-allow-dirty]
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
	"slices"
	"strings"
	"syscall"
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
// writes its custom-header rules table), the benchmarks' ogen peer, every
// module's go.mod and go.sum, the consumer example (regenerated) and the
// spec tests' seed.
var restorable = []string{
	"api", "gen", "internal/apispec", "services.gen.go", "README.md",
	"go.mod", "go.sum", "tools/go.mod", "tools/go.sum", "otel/go.mod", "otel/go.sum",
	"bench/go.mod", "bench/go.sum", "bench/ogenapi", "redislimit/go.mod", "redislimit/go.sum",
	consumerRel, filepath.Dir(seedRel),
}

// regenerate lists the go commands of step 3, each with the directory it
// runs in. A new spec may need a module (the nullable types): each module
// is tidied after what it generates is regenerated (the root, the
// benchmarks' ogen peer, the consumer example, which is also tidied
// before, so that its generator runs against the new root module), and
// every module that requires the root is tidied.
var regenerate = [][]string{
	{".", "generate", "./..."}, {".", "mod", "tidy"}, {"tools", "mod", "tidy"}, {"otel", "mod", "tidy"},
	{"redislimit", "mod", "tidy"}, {"bench", "generate", "./..."}, {"bench", "mod", "tidy"},
	{consumerRel, "mod", "tidy"}, {consumerRel, "generate", "./..."}, {consumerRel, "mod", "tidy"},
}

// verify lists the go commands of step 5 but the tests of the tools
// module (all its packages but the slow pipeline): every module is
// compiled, tests included, against the new generated code; bench's vet
// compiles the benchmarks against the new ogen peer.
var verify = [][]string{
	{".", "build", "./..."}, {".", "vet", "./..."}, {".", "test", "-short", "-count=1", "./..."},
	{consumerRel, "test", "-count=1", "./..."}, {"otel", "vet", "./..."}, {"redislimit", "vet", "./..."}, {"bench", "vet", "./..."},
}

func main() {
	// An interrupt cancels the step that runs, and the tree is given back
	// as for a failed step.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// updater holds the inputs and the state of one update.
type updater struct {
	root, spec, source, origin, seed string
	newSeed, repairs                 []byte // nil: keep the repository's
	allowDirty, keepFailed           bool
	stdout, stderr                   io.Writer
	backup                           string   // where save keeps the files in saved
	backupKept                       bool     // a printed way back copies from backup
	saved                            []string // the files under restorable before the update, copied to backup
	verdict                          *verdict // what step 4 found; nil before
}

// verdict is what the report of step 4 found: the API changes, the
// breaking ones, the methods added to Go interfaces and the other
// incompatible Go API changes.
type verdict struct{ changes, breaking, methodsAdded, goBreaking int }

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	u := &updater{stdout: stdout, stderr: stderr}
	fs := flag.NewFlagSet("updatespec", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&u.root, "root", ".", "repository root")
	fs.StringVar(&u.spec, "spec", "", "path of the new openapi-bundled.yaml")
	fs.StringVar(&u.source, "source", "", `"partoo" when the spec is Partoo's bundle as published; empty for a bundle the project assembled`)
	fs.StringVar(&u.origin, "origin", partooBundleURL, "with -source partoo: where the verbatim bundle came from")
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
	case u.origin != partooBundleURL && u.source == "":
		err = errors.New("ORIGIN only goes with SOURCE=partoo")
	case *repairs != "" && u.source == "":
		err = errors.New("REPAIRS only goes with SOURCE=partoo: repairs apply to Partoo's bundle as published")
	}
	u.seed = filepath.Join(u.root, seedRel)
	if err == nil && *newSeed != "" {
		u.seed = *newSeed
		u.newSeed, err = os.ReadFile(*newSeed)
	}
	// The commands run in other directories: the paths they are given
	// must not be relative.
	for _, path := range []*string{&u.root, &u.spec, &u.seed} {
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

// update checks that the update can start, saves the files it may write,
// and runs the six steps.
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
	if u.repairs == nil {
		u.repairs = oldRepairs
	}
	// Partoo's bundle is the same when its hash, the repairs and where it
	// came from are: what api/ holds is the spec the loader makes of them,
	// and the record of its origin.
	same := bytes.Equal(newBytes, oldBytes)
	if u.source == specload.Partoo {
		same = rec.SHA256 == specload.Sum(newBytes) && bytes.Equal(u.repairs, oldRepairs) && rec.Origin == u.origin
	}
	if err == nil && same && u.newSeed == nil {
		fmt.Fprintf(u.stdout, "update-spec: %s is identical to %s; nothing to do.\n", u.spec, specRel)
		return 0
	}
	dirty, derr := u.run(ctx, ".", true, "git", "status", "--porcelain", "--untracked-files=no")
	if err = errors.Join(err, derr); err == nil && dirty != "" && !u.allowDirty {
		err = fmt.Errorf("the work tree has uncommitted changes; commit or stash them first, so that the update's changes stand apart from yours (or pass -allow-dirty):\n%s", dirty)
	}
	tmp, terr := os.MkdirTemp("", "partoo-update-spec-")
	if terr == nil {
		// The commands run in other directories: a relative TMPDIR would
		// name other files there.
		if abs, err := filepath.Abs(tmp); err == nil {
			tmp = abs
		} else {
			terr = err
		}
	}
	u.backup = filepath.Join(tmp, "backup")
	defer func() {
		if !u.backupKept {
			os.RemoveAll(tmp)
		}
	}()
	previous, oldAPI := filepath.Join(tmp, "previous.yaml"), filepath.Join(tmp, "api.export")
	repairs, namesCopy := filepath.Join(tmp, "repairs.yaml"), filepath.Join(tmp, "names.yaml")
	if err = errors.Join(err, terr); err == nil {
		err = errors.Join(u.save(ctx), os.WriteFile(previous, oldBytes, 0o644))
	}
	if err != nil {
		fmt.Fprintln(u.stderr, "update-spec:", err)
		return 1
	}

	lint, written := []string{"-spec", u.spec, "-seed", u.seed}, newBytes
	var eff *specload.Result
	// Each step returns what failed, if anything, and why.
	steps := []struct {
		title string
		do    func() (string, error)
	}{
		{"lint the new spec (nothing is changed if this fails)", func() (string, error) {
			if u.source == specload.Partoo {
				// Partoo's own bundle, as it is, through the one loader,
				// then the lint of the result in the bundle's own terms
				// (Partoo's YAML and the repairs need no mark), at the
				// lines of the bundle's file.
				if eff, err = specload.Effective(specload.Input{Bundle: newBytes, Repairs: u.repairs, Names: names}); err == nil {
					fmt.Fprintf(u.stdout, "repairs: %d applied\n", len(eff.Repairs))
					eff.Report(u.stdout)
					if eff.UpgradedFrom != "" {
						fmt.Fprintf(u.stdout, "the bundle is OpenAPI %s: the generators read its 3.1 form (nullable, example and boolean exclusiveMinimum/Maximum in 3.1's terms)\n", eff.UpgradedFrom)
					}
					lint, written = []string{"-partoo", "-spec", u.spec, "-repairs", repairs, "-names", namesCopy}, eff.Spec
					err = errors.Join(os.WriteFile(repairs, u.repairs, 0o644), os.WriteFile(namesCopy, names, 0o644))
				}
				if err != nil {
					return "repairs", err
				}
			}
			if _, err := u.run(ctx, "tools", false, "go", append([]string{"run", "./cmd/speclint"}, lint...)...); err != nil {
				return "spec-lint", fmt.Errorf("%w\nRepair the blocking findings above (with SOURCE=partoo: paste their repairs into the REPAIRS overlay, each checked against Partoo's docs), or ask Partoo", err)
			}
			// The Go API before the update, to compare with after it.
			_, err := u.run(ctx, ".", false, "go", "tool", "-modfile=tools/go.mod", "apidiff", "-m", "-w", oldAPI, modulePath)
			return "apidiff", err
		}},
		{"replace " + specRel, func() (string, error) {
			err := u.put(specRel, written, u.spec)
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
			return "replace the spec", err
		}},
		{"regenerate (go generate ./...) and tidy go.mod", func() (string, error) {
			return u.goSteps(ctx, regenerate)
		}},
		{"what changed: the API (oasdiff, breaking changes first), then the Go API (apidiff)", func() (string, error) {
			var v verdict
			if v.changes, v.breaking, err = specdiff.Changelog(ctx, filepath.Join(u.root, "tools"), previous, filepath.Join(u.root, specRel), u.stdout); err != nil {
				return "oasdiff", err
			}
			out, err := u.run(ctx, ".", false, "go", "tool", "-modfile=tools/go.mod", "apidiff", "-m", oldAPI, modulePath)
			if v.methodsAdded, v.goBreaking = countIncompatible(out); err == nil {
				u.verdict = &v
			}
			return "apidiff", err
		}},
		{"build, vet and test", func() (string, error) {
			pkgs, err := u.run(ctx, "tools", true, "go", "list", "-f", `{{if ne .Name "pipeline"}}{{.ImportPath}}{{end}}`, "./...")
			if err != nil {
				return "list the tools packages", err
			}
			return u.goSteps(ctx, append(slices.Clone(verify), append([]string{"tools", "test", "-short", "-count=1"}, strings.Fields(pkgs)...)))
		}},
		{"next steps", func() (string, error) {
			v := u.verdict
			fmt.Fprintf(u.stdout, "update-spec: the new spec is in, the code is regenerated, and the tests pass. %d API change(s), %d breaking; %d incompatible Go API change(s).\n\n",
				v.changes, v.breaking, v.methodsAdded+v.goBreaking)
			v.nextSteps(u.stdout)
			return "", nil
		}},
	}
	for i, s := range steps {
		fmt.Fprintf(u.stdout, "\n==> update-spec [%d/%d] %s\n", i+1, len(steps), s.title)
		if what, err := s.do(); err != nil {
			return u.fail(ctx, i+1, what, err)
		}
	}
	return 0
}

// goSteps runs each command, `go args...` in the directory its first
// element names (relative to the root), and stops at the first that fails.
// The commands of the consumer example are skipped, saying so, when the
// tree lacks it.
func (u *updater) goSteps(ctx context.Context, cmds [][]string) (string, error) {
	// The consumer example is the one module a tree may lack (a fork, or
	// a test of a bundle it does not fit): nothing there to regenerate or
	// compile.
	_, err := os.Stat(filepath.Join(u.root, consumerRel))
	noConsumer := errors.Is(err, fs.ErrNotExist)
	if noConsumer {
		fmt.Fprintf(u.stdout, "%s: not in this tree, skipped\n", consumerRel)
	}
	for _, c := range cmds {
		if c[0] == consumerRel && noConsumer {
			continue
		}
		if _, err := u.run(ctx, c[0], false, "go", c[1:]...); err != nil {
			return "go " + c[1] + " in " + c[0], err
		}
	}
	return "", nil
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
	for _, pkg := range strings.Split(report, "Package ") {
		before, _, _ := strings.Cut(pkg, "Compatible changes:")
		_, incompatible, _ := strings.Cut(before, "Incompatible changes:")
		for _, line := range strings.Split(incompatible, "\n") {
			switch line = strings.TrimSpace(line); {
			case !strings.HasPrefix(line, "- "):
			case strings.HasSuffix(line, ": added"):
				methodsAdded++
			default:
				others++
			}
		}
	}
	return methodsAdded, others
}

// nextSteps prints what the maintainer does after a successful update.
func (v verdict) nextSteps(w io.Writer) {
	fmt.Fprintln(w, "  1. Review what changed:   git status && git diff --stat")
	fmt.Fprintln(w, "  2. Record the API changes above in CHANGELOG.md, under [Unreleased] (Added / Changed / Removed).")
	if v.breaking > 0 || v.goBreaking > 0 {
		fmt.Fprintf(w, "  3. BREAKING: oasdiff rates %d spec change(s) ERR and apidiff finds %d Go change(s) that break callers. Declare the bump (`make breaking` fails in CI on an undeclared ERR change):\n", v.breaking, v.goBreaking)
		fmt.Fprintln(w, "     bump partoo.Version in version.go (0.y.z -> 0.(y+1).0 while in v0; X -> X+1 from v1 on, with the /vX+1 module path),")
		fmt.Fprintln(w, "     and/or add a \"BREAKING-CHANGE: <what breaks>\" trailer to the commit message.")
	} else {
		fmt.Fprintln(w, "  3. No breaking change for callers: a minor version (new operations or fields) or a patch is enough.")
	}
	if v.methodsAdded > 0 {
		fmt.Fprintf(w, "     Note: %d method(s) were added to generated interfaces (such as gen.ClientInterface); this breaks only code that implements them. Say so in CHANGELOG.md.\n", v.methodsAdded)
	}
	fmt.Fprintln(w, "  4. Run `make ci`, then commit the spec, the generated code and CHANGELOG.md together.")
}

// fail reports a failed step. After the lint, it runs the way back to the
// state before the update, or with -keep-failed or -allow-dirty prints it.
func (u *updater) fail(ctx context.Context, step int, what string, err error) int {
	fmt.Fprintf(u.stderr, "\nupdate-spec: FAILED at step %d (%s): %v\n", step, what, err)
	if step == 1 {
		fmt.Fprintf(u.stderr, "Nothing was changed: %s is still the previous spec.\n", specRel)
		return 1
	}
	ctx = context.WithoutCancel(ctx) // the tree is given back even when the run was cancelled
	back, err := u.wayBack(ctx)
	restore := err == nil && !u.keepFailed && !u.allowDirty
	for i := 0; restore && i < len(back); i++ {
		_, err = u.run(ctx, ".", true, back[i][0], back[i][1:]...)
		restore = err == nil
	}
	if restore {
		fmt.Fprintf(u.stderr, "Nothing was changed: the tree is restored as it was before the update (%s is still the previous spec). Run again with UPDATE_ARGS=-keep-failed to inspect the failed state.\n", specRel)
	} else {
		if err != nil {
			fmt.Fprintf(u.stderr, "update-spec: the tree could NOT be restored: %v\n", err)
		}
		// The way back holds after a restore failed halfway too.
		fmt.Fprintf(u.stderr, "The work tree is half-updated (%s is the NEW spec; generated code may be partly regenerated). To revert to the state before the update, run in %s, in this order:\n", specRel, u.root)
		for _, c := range back {
			fmt.Fprintf(u.stderr, "  %s\n", shellCommand(c))
		}
		u.backupKept = true
	}
	if u.verdict != nil {
		fmt.Fprintln(u.stderr, "To take the new spec anyway: fix what failed above, run `make ci`, then:")
		u.verdict.nextSteps(u.stderr)
	}
	return 1
}

// wayBack returns the commands, run in the root, that give back the state
// save recorded: delete the files under restorable that were not there,
// then copy back the saved ones.
func (u *updater) wayBack(ctx context.Context) ([][]string, error) {
	files, err := u.files(ctx)
	var back [][]string
	if added := slices.DeleteFunc(files, func(f string) bool { return slices.Contains(u.saved, f) }); len(added) > 0 {
		back = append(back, append([]string{"rm", "-f"}, added...))
	}
	// -p gives a file the update deleted its mode back; -R copies a
	// symlink as a symlink.
	return append(back, []string{"cp", "-R", "-p", u.backup + "/.", "."}), err
}

// shellCommand returns c as a line for a POSIX shell, each argument
// quoted unless it holds only characters the shell takes as they are.
func shellCommand(c []string) string {
	quoted := make([]string, len(c))
	for i, arg := range c {
		quoted[i] = arg
		if arg == "" || strings.Trim(arg, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./-+=:,@%") != "" {
			quoted[i] = "'" + strings.ReplaceAll(arg, "'", `'\''`) + "'"
		}
	}
	return strings.Join(quoted, " ")
}

// save copies to the backup every file under restorable but those git
// ignores, as it is: its bytes, mode and modification time, or the target
// of a symlink (dangling or not); it lists them in saved.
func (u *updater) save(ctx context.Context) error {
	files, err := u.files(ctx)
	err = errors.Join(err, os.MkdirAll(u.backup, 0o755))
	for _, f := range files {
		src, dst := filepath.Join(u.root, f), filepath.Join(u.backup, f)
		fi, lerr := os.Lstat(src)
		if errors.Is(lerr, fs.ErrNotExist) {
			continue // tracked, but deleted before the update
		}
		u.saved = append(u.saved, f)
		if err = errors.Join(err, lerr, os.MkdirAll(filepath.Dir(dst), 0o755)); lerr != nil {
			continue
		}
		if fi.Mode()&fs.ModeSymlink != 0 {
			target, rerr := os.Readlink(src)
			err = errors.Join(err, rerr, os.Symlink(target, dst))
			continue
		}
		body, rerr := os.ReadFile(src)
		err = errors.Join(err, rerr, os.WriteFile(dst, body, fi.Mode().Perm()),
			os.Chmod(dst, fi.Mode().Perm()), os.Chtimes(dst, fi.ModTime(), fi.ModTime()))
	}
	return err
}

// files lists the files under restorable, tracked or not, but those git
// ignores, with their names as they are (no quoting, spaces kept).
func (u *updater) files(ctx context.Context) ([]string, error) {
	out, err := u.run(ctx, ".", true, "git", append([]string{"ls-files", "-z", "--cached", "--others", "--exclude-standard", "--"}, restorable...)...)
	return strings.FieldsFunc(out, func(r rune) bool { return r == 0 }), err
}

// run runs a command in dir (relative to the root) and returns its
// standard output, trimmed. Unless quiet, it prints the command first and
// streams its output as it runs.
func (u *updater) run(ctx context.Context, dir string, quiet bool, name string, args ...string) (string, error) {
	var out, stderr bytes.Buffer
	c := exec.CommandContext(ctx, name, args...)
	c.Dir, c.Stdout, c.Stderr = filepath.Join(u.root, dir), &out, &stderr
	if !quiet {
		fmt.Fprintf(u.stdout, "$ (cd %s && %s %s)\n", c.Dir, name, strings.Join(args, " "))
		c.Stdout, c.Stderr = io.MultiWriter(&out, u.stdout), u.stderr
	}
	if err := c.Run(); err != nil {
		if err = fmt.Errorf("%s %s: %w", name, strings.Join(args, " "), err); stderr.Len() > 0 {
			err = fmt.Errorf("%w: %s", err, bytes.TrimSpace(stderr.Bytes()))
		}
		return "", err
	}
	return strings.TrimSpace(out.String()), nil
}
