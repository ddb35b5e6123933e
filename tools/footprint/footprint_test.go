// Package footprint holds the tests of what importing partoo adds to a
// program. They build the programs of testdata (partoo, a minimal program
// that uses the client; nethttp, the same with net/http alone; initallocs,
// which prints its allocation profile) in a temporary module that requires
// partoo as a consumer would, and check that partoo adds at most 15
// non-standard packages and 3 MB of binary (default and stripped), that no
// YAML, OpenAPI, JSON Schema or generator package is linked, and that no
// regular expression is compiled during package initialization.
// BenchmarkInitAddedByPartoo measures the init time of the packages only
// partoo brings, for benchstat; it is never gated.
//
// make bench-check runs them; go test -short skips them (they build five
// binaries). The package has no code of its own.
package footprint

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const (
	maxAddedPackages = 15        // non-standard packages
	maxAddedBytes    = 3_000_000 // binary size, default and stripped
)

// forbidden are parts of import paths that must not be linked into a
// program that imports partoo.
var forbidden = []string{"yaml", "openapi", "jsonschema", "oapi-codegen/oapi-codegen", "oasdiff"}

// TestFootprint checks what importing partoo adds to the program of
// testdata/partoo over the same program with net/http alone
// (testdata/nethttp), and that initializing partoo compiles no regular
// expression (testdata/initallocs).
func TestFootprint(t *testing.T) {
	if testing.Short() {
		t.Skip("builds five binaries; make bench-check runs it")
	}
	m := newModule(t)
	partoo, raw := m.nonStd(t, "partoo"), m.nonStd(t, "nethttp")
	t.Run("PackagesAdded", func(t *testing.T) {
		added := slices.DeleteFunc(slices.Clone(partoo), func(pkg string) bool { return slices.Contains(raw, pkg) })
		t.Logf("partoo adds %d non-standard packages: %s", len(added), strings.Join(added, " "))
		if len(added) > maxAddedPackages {
			t.Errorf("partoo adds %d non-standard packages, at most %d: %s", len(added), maxAddedPackages, strings.Join(added, " "))
		}
	})
	t.Run("NoParserLinked", func(t *testing.T) {
		linked := slices.DeleteFunc(slices.Clone(partoo), func(pkg string) bool {
			return !slices.ContainsFunc(forbidden, func(f string) bool { return strings.Contains(pkg, f) })
		})
		if len(linked) > 0 {
			t.Errorf("a program that imports partoo links %d YAML, OpenAPI, JSON Schema or generator packages: %s", len(linked), strings.Join(linked, " "))
		}
	})
	for _, build := range []struct{ name, ldflags string }{{"Default", "-ldflags="}, {"Stripped", "-ldflags=-s -w"}} {
		t.Run("BinarySizeAdded/"+build.name, func(t *testing.T) {
			_, p := m.build(t, "partoo", build.ldflags)
			_, r := m.build(t, "nethttp", build.ldflags)
			t.Logf("partoo adds %.2f MB to the %s build (%.2f MB vs %.2f MB)", mb(p-r), strings.ToLower(build.name), mb(p), mb(r))
			if p-r > maxAddedBytes {
				t.Errorf("partoo adds %.2f MB to the %s build (%.2f MB vs %.2f MB with net/http alone), at most %.2f MB",
					mb(p-r), strings.ToLower(build.name), mb(p), mb(r), mb(maxAddedBytes))
			}
		})
	}
	t.Run("NoRegexpAtInit", func(t *testing.T) {
		bin, _ := m.build(t, "initallocs", "-ldflags=")
		profile, _ := m.run(t, "GODEBUG=memprofilerate=1", bin)
		if !strings.Contains(string(profile), "runtime.doInit") {
			t.Fatalf("the allocation profile records nothing allocated during package initialization, so it cannot show a regular expression compiled there:\n%s", profile)
		}
		if stack := regexpAtInit(string(profile)); stack != "" {
			t.Errorf("a regular expression is compiled during package initialization: %s", stack)
		}
	})
}

// BenchmarkInitAddedByPartoo runs the program of testdata/partoo once per
// iteration with GODEBUG=inittrace=1, and reports as ns/op the init time of
// the packages that the same program with net/http alone does not
// initialize.
func BenchmarkInitAddedByPartoo(b *testing.B) {
	m := newModule(b)
	raw, _ := m.build(b, "nethttp", "-ldflags=")
	bin, _ := m.build(b, "partoo", "-ldflags=")
	_, trace := m.run(b, "GODEBUG=inittrace=1", raw)
	rawInits := initTimes(trace)
	ns := 0.0
	for b.Loop() {
		_, trace := m.run(b, "GODEBUG=inittrace=1", bin)
		for pkg, t := range initTimes(trace) {
			if _, ok := rawInits[pkg]; !ok {
				ns += t
			}
		}
	}
	b.ReportMetric(ns/float64(b.N), "ns/op")
}

// module is a temporary module that requires partoo, the module at the root
// of this repository (through a replace directive, as if it were
// published), and holds the programs of testdata.
type module struct{ dir string }

// newModule writes the module and tidies it.
func newModule(tb testing.TB) module {
	tb.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		tb.Fatal(err)
	}
	m := module{dir: tb.TempDir()}
	goMod := "module example.com/footprint\n\ngo 1.26.0\n\nrequire github.com/partoo-go/partoo v0.0.0-00010101000000-000000000000\n\nreplace github.com/partoo-go/partoo => " + root + "\n"
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err == nil {
		err = os.WriteFile(filepath.Join(m.dir, "go.mod"), []byte(goMod), 0o644)
	}
	if err == nil {
		err = os.WriteFile(filepath.Join(m.dir, "go.sum"), sum, 0o644)
	}
	if err == nil {
		err = os.CopyFS(m.dir, os.DirFS("testdata"))
	}
	if err != nil {
		tb.Fatal(err)
	}
	m.run(tb, "", "go", "mod", "tidy")
	return m
}

// nonStd returns the non-standard packages that the program name depends
// on.
func (m module) nonStd(tb testing.TB, name string) []string {
	out, _ := m.run(tb, "", "go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", "./"+name)
	return slices.DeleteFunc(strings.Fields(string(out)), func(pkg string) bool { return pkg == "example.com/footprint/"+name })
}

// build builds the program name with ldflags, and returns the binary's path
// and size.
func (m module) build(tb testing.TB, name, ldflags string) (string, int64) {
	bin := filepath.Join(m.dir, "bin", name+strconv.Itoa(len(ldflags)))
	m.run(tb, "", "go", "build", "-o", bin, ldflags, "./"+name)
	fi, err := os.Stat(bin)
	if err != nil {
		tb.Fatal(err)
	}
	return bin, fi.Size()
}

// run runs name in the module's directory, with the variable env (if not
// empty) added to the environment of the go commands there, and returns
// its standard output and standard error. A failure fails tb with both.
func (m module) run(tb testing.TB, env, name string, args ...string) (stdout, stderr []byte) {
	tb.Helper()
	cmd := exec.CommandContext(tb.Context(), name, args...)
	var outBuf, errBuf bytes.Buffer
	cmd.Dir, cmd.Stdout, cmd.Stderr = m.dir, &outBuf, &errBuf
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
	if env != "" {
		cmd.Env = append(cmd.Env, env)
	}
	if err := cmd.Run(); err != nil {
		tb.Fatalf("%s %s (in %s): %v\n%s%s", name, strings.Join(args, " "), m.dir, err, &outBuf, &errBuf)
	}
	return outBuf.Bytes(), errBuf.Bytes()
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

func mb(n int64) float64 { return float64(n) / 1e6 }

func TestInitTimes(t *testing.T) {
	trace := "init internal/bytealg @0.005 ms, 0 ms clock, 0 bytes, 0 allocs\n" +
		"init net/http @2.1 ms, 0.036 ms clock, 4712 bytes, 49 allocs\n" +
		"init regexp @2.2 ms, 0.010 ms clock, 0 bytes, 0 allocs\n" +
		"1 business_created\n"
	got := initTimes([]byte(trace))
	want := map[string]float64{"internal/bytealg": 0, "net/http": 36000, "regexp": 10000}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("initTimes = %v, want %v", got, want)
	}
}

func TestRegexpAtInit(t *testing.T) {
	const lazy = "0: 0 [1: 8] @ 0x1 0x2\n" +
		"#\t0x4b9dca\tregexp.compile+0x2a\t\t/go/src/regexp/regexp.go:168\n" +
		"#\t0x4ef31e\tgithub.com/x/y.check+0x1e\t\t/y/y.go:10\n" +
		"#\t0x44d386\tmain.main+0x246\t\t/m.go:8\n"
	const atInit = "0: 0 [1: 8] @ 0x1 0x2\n" +
		"#\t0x4b099a\tregexp/syntax.parse+0xbd9\t\t/go/src/regexp/syntax/parse.go:931\n" +
		"#\t0x4b9dca\tregexp.compile+0x2a\t\t/go/src/regexp/regexp.go:168\n" +
		"#\t0x4ba44b\tregexp.MustCompile+0x1f\t\t/go/src/regexp/regexp.go:311\n" +
		"#\t0x4ef31e\tgithub.com/x/y.init+0x1e\t\t/y/y.go:10\n" +
		"#\t0x45cb74\truntime.doInit1+0xd4\t\t/go/src/runtime/proc.go:8103\n"
	for _, tc := range []struct {
		name, profile, want string
	}{
		{"compiled lazily", "heap profile: 1: 8 [1: 8] @ heap/2\n" + lazy, ""},
		{"compiled at init", lazy + "\n" + atInit,
			"regexp/syntax.parse+0xbd9 < regexp.compile+0x2a < regexp.MustCompile+0x1f < github.com/x/y.init+0x1e < runtime.doInit1+0xd4"},
	} {
		if got := regexpAtInit(tc.profile); got != tc.want {
			t.Errorf("%s: regexpAtInit = %q, want %q", tc.name, got, tc.want)
		}
	}
}
