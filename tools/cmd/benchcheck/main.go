// Command benchcheck checks the figures of partoo's benchmarks and
// footprint that do not depend on the machine's speed or load, and exits
// with status 1 when one fails, so that `make ci` never fails because the
// machine was busy. Ratios and times are benchstat's to summarise.
//
// With -bench, it reads the output of BenchmarkInMemory (root module) and
// checks, for each operation, that partoo.Client allocates at most 3 more
// objects per request than the bare generated client: exact counts (the
// median, rounded to an integer, since an allocation of the runtime during
// the measurement shows as a fraction), with no tolerance.
//
// It builds the programs of testdata/footprint (a minimal program that uses
// partoo, the same with net/http alone) in a temporary module that requires
// partoo as a consumer would, and checks that partoo adds at most 15
// non-standard packages and 3 MB of binary (default and stripped), that no
// YAML, OpenAPI, JSON Schema or generator package is linked, and that no
// regular expression is compiled during package initialization (in an
// allocation profile from GODEBUG=memprofilerate=1). With -init-out, it
// writes the init time of the packages only partoo brings
// (GODEBUG=inittrace=1), a benchmark line per run, for benchstat.
//
// Usage, from the tools module:
//
//	go run ./cmd/benchcheck [-root ..] [-bench file] [-init-out file [-init-runs n]]
package main

import (
	"bytes"
	"cmp"
	"context"
	"embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/perf/benchfmt"
)

const (
	maxExtraAllocs   = 3         // per request, client over generated
	maxAddedPackages = 15        // non-standard packages
	maxAddedBytes    = 3_000_000 // binary size, default and stripped
)

// forbidden are parts of import paths that must not be linked into a
// program that imports partoo.
var forbidden = []string{"yaml", "openapi", "jsonschema", "oapi-codegen/oapi-codegen", "oasdiff"}

//go:embed testdata/footprint
var programs embed.FS

func main() {
	root := flag.String("root", "..", "directory of the root module")
	benchFile := flag.String("bench", "", "check the allocations of BenchmarkInMemory in this benchmark output `file`")
	initOut := flag.String("init-out", "", "write the init time partoo adds, a benchmark line per run, to this `file`")
	initRuns := flag.Int("init-runs", 15, "runs of each program for the init time")
	flag.Parse()
	r := &report{w: os.Stdout}
	dir, err := filepath.Abs(*root)
	if err == nil && *benchFile != "" {
		err = checkAllocs(r, *benchFile)
	}
	if err == nil {
		err = checkFootprint(r, dir, *initOut, *initRuns)
	}
	if err == nil && r.failed {
		err = errors.New("a check failed")
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchcheck:", err)
		os.Exit(1)
	}
}

// report prints checks and remembers whether one failed.
type report struct {
	w      io.Writer
	failed bool
}

func (r *report) check(ok bool, format string, args ...any) {
	status := "ok  "
	if !ok {
		status, r.failed = "FAIL", true
	}
	fmt.Fprintf(r.w, "%s  "+format+"\n", append([]any{status}, args...)...)
}

// procs is the GOMAXPROCS suffix of a benchmark name.
var procs = regexp.MustCompile(`-\d+$`)

// checkAllocs checks the allocations per request of each operation of
// BenchmarkInMemory in the benchmark output file: the median of the rounds,
// rounded, of the client at most maxExtraAllocs over the generated client's.
func checkAllocs(r *report, file string) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	allocs := map[string][]float64{} // by operation and unit: "InMemory/Get client-allocs/req"
	rd := benchfmt.NewReader(f, file)
	for rd.Scan() {
		if res, ok := rd.Result().(*benchfmt.Result); ok && strings.HasPrefix(res.Name.String(), "InMemory/") {
			for _, v := range res.Values {
				key := procs.ReplaceAllString(res.Name.String(), "") + " " + v.Unit
				allocs[key] = append(allocs[key], v.Value)
			}
		}
	}
	r.check(len(allocs) > 0, "the output has BenchmarkInMemory results")
	for _, key := range slices.Sorted(maps.Keys(allocs)) {
		if name, ok := strings.CutSuffix(key, " client-allocs/req"); ok {
			c, g := median(allocs[key]), median(allocs[name+" gen-allocs/req"])
			r.check(c <= g+maxExtraAllocs, "%s allocs/req: client %.0f, gen %.0f (at most +%d)", name, c, g, maxExtraAllocs)
		}
	}
	return rd.Err()
}

// median returns the median of xs, rounded to an integer (NaN for none).
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	xs = slices.Sorted(slices.Values(xs))
	return math.Round((xs[(len(xs)-1)/2] + xs[len(xs)/2]) / 2)
}

// program is the footprint of one program of testdata/footprint.
type program struct {
	nonStd []string
	size   [2]int64             // of the default build, and of the stripped one
	inits  []map[string]float64 // per run: the init time of each package, in ns
}

// checkFootprint builds and runs the programs, and checks what partoo adds.
func checkFootprint(r *report, root, initOut string, runs int) error {
	dir, err := os.MkdirTemp("", "benchcheck-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if initOut == "" {
		runs = 0
	}
	var p, raw program
	bin := filepath.Join(dir, "bin", "initallocs")
	err = consumerModule(dir, root)
	if err == nil {
		err = errors.Join(measure(dir, "nethttp", &raw, runs), measure(dir, "partoo", &p, runs))
	}
	if err == nil {
		_, _, err = run(dir, consumerEnv, "go", "build", "-o", bin, "./initallocs")
	}
	var prof []byte
	if err == nil {
		prof, _, err = run(dir, []string{"GODEBUG=memprofilerate=1"}, bin)
	}
	if err != nil {
		return err
	}
	added := slices.DeleteFunc(slices.Clone(p.nonStd), func(s string) bool { return slices.Contains(raw.nonStd, s) })
	r.check(len(added) <= maxAddedPackages, "non-standard packages added: %d (at most %d): %s", len(added), maxAddedPackages, strings.Join(added, " "))
	linked := slices.DeleteFunc(slices.Clone(p.nonStd), func(pkg string) bool {
		return !slices.ContainsFunc(forbidden, func(f string) bool { return strings.Contains(pkg, f) })
	})
	r.check(len(linked) == 0, "YAML, OpenAPI, JSON Schema or generator packages linked: %d %s", len(linked), strings.Join(linked, " "))
	for i, build := range []string{"default build", "-ldflags=-s -w"} {
		r.check(p.size[i]-raw.size[i] <= maxAddedBytes, "binary size added: %+.2f MB, %s (%.2f MB vs %.2f MB; at most 3 MB)",
			mb(p.size[i]-raw.size[i]), build, mb(p.size[i]), mb(raw.size[i]))
	}
	stack := regexpAtInit(string(prof))
	r.check(stack == "", "regular expressions compiled during package initialization: %s", cmp.Or(stack, "none"))
	if initOut != "" {
		err = os.WriteFile(initOut, addedInit(p.inits, raw.inits), 0o644)
	}
	return err
}

// consumerModule writes, in dir, a module that requires partoo, the module
// at root (through a replace directive, as if it were published), and holds
// the programs of testdata/footprint, and tidies it.
func consumerModule(dir, root string) error {
	goMod := "module example.com/footprint\n\ngo 1.26.0\n\nrequire github.com/partoo-go/partoo v0.0.0-00010101000000-000000000000\n\nreplace github.com/partoo-go/partoo => " + root + "\n"
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	src, serr := fs.Sub(programs, "testdata/footprint")
	if err = errors.Join(err, serr); err == nil {
		err = errors.Join(os.WriteFile(filepath.Join(dir, "go.mod"), []byte(goMod), 0o644),
			os.WriteFile(filepath.Join(dir, "go.sum"), sum, 0o644), os.CopyFS(dir, src))
	}
	if err == nil {
		_, _, err = run(dir, consumerEnv, "go", "mod", "tidy")
	}
	return err
}

// measure lists the packages of the program name, builds it twice (default
// and stripped), and runs it runs times with GODEBUG=inittrace=1.
func measure(dir, name string, p *program, runs int) error {
	out, _, err := run(dir, consumerEnv, "go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", "./"+name)
	if err != nil {
		return err
	}
	p.nonStd = slices.DeleteFunc(strings.Fields(string(out)), func(pkg string) bool { return pkg == "example.com/footprint/"+name })
	bin := filepath.Join(dir, "bin", name)
	for i, ldflags := range []string{"-ldflags=", "-ldflags=-s -w"} {
		_, _, err := run(dir, consumerEnv, "go", "build", "-o", bin+strconv.Itoa(i), ldflags, "./"+name)
		fi, serr := os.Stat(bin + strconv.Itoa(i))
		if err = cmp.Or(err, serr); err != nil {
			return err
		}
		p.size[i] = fi.Size()
	}
	for range runs {
		_, trace, err := run(dir, []string{"GODEBUG=inittrace=1"}, bin+"0")
		if err != nil {
			return err
		}
		p.inits = append(p.inits, initTimes(trace))
	}
	return nil
}

// initTimes returns the init time in ns of each package in a
// GODEBUG=inittrace=1 trace, whose lines read
// "init net/http @2.1 ms, 0.036 ms clock, 4712 bytes, 49 allocs".
func initTimes(trace []byte) map[string]float64 {
	ns := map[string]float64{}
	for line := range strings.Lines(string(trace)) {
		if f := strings.Fields(line); len(f) == 11 && f[0] == "init" && f[5] == "ms" && f[6] == "clock," {
			ms, _ := strconv.ParseFloat(f[4], 64)
			ns[f[1]] += ms * 1e6
		}
	}
	return ns
}

// addedInit returns, as benchmark output, a line per run of the partoo
// program: the init time of the packages whose init runs there and in no
// run of the raw program.
func addedInit(partoo, raw []map[string]float64) []byte {
	var out bytes.Buffer
	for _, run := range partoo {
		ns := 0.0
		for pkg, t := range run {
			if !slices.ContainsFunc(raw, func(r map[string]float64) bool { _, ok := r[pkg]; return ok }) {
				ns += t
			}
		}
		fmt.Fprintf(&out, "BenchmarkInitAddedByPartoo 1 %.0f ns/op\n", ns)
	}
	return out.Bytes()
}

// regexpAtInit returns the functions of the first stack of a text
// allocation profile (pprof debug=1) that compiles a regular expression
// under runtime.doInit, innermost first, or "".
func regexpAtInit(profile string) string {
	for rec := range strings.SplitSeq(profile, "\n\n") {
		if strings.Contains(rec, "runtime.doInit") && (strings.Contains(rec, "\tregexp.compile+") || strings.Contains(rec, "regexp2.Compile")) {
			var frames []string
			for line := range strings.Lines(rec) {
				if f := strings.Fields(line); len(f) >= 3 && f[0] == "#" {
					frames = append(frames, f[2])
				}
			}
			return strings.Join(frames, " < ")
		}
	}
	return ""
}

// consumerEnv is the environment of the go commands run in the consumer
// module.
var consumerEnv = []string{"GOWORK=off", "GOFLAGS=-mod=mod"}

// run runs name in dir with env added, and returns its standard output and
// standard error, which a failure's error holds too.
func run(dir string, env []string, name string, args ...string) (stdout, stderr []byte, err error) {
	cmd := exec.CommandContext(context.Background(), name, args...)
	var outBuf, errBuf bytes.Buffer
	cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = dir, append(os.Environ(), env...), &outBuf, &errBuf
	if err := cmd.Run(); err != nil {
		return nil, nil, fmt.Errorf("%s %s (in %s): %v\n%s%s", name, strings.Join(args, " "), dir, err, &outBuf, &errBuf)
	}
	return outBuf.Bytes(), errBuf.Bytes(), nil
}

func mb(n int64) float64 { return float64(n) / 1e6 }
