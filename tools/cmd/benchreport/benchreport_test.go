package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// sampleBench writes n rounds of bench_test.go-like output; round i gets
// the time ratio ratios[i%len(ratios)].
func sampleBench(n int, ratios []float64, clientAllocs int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString("goos: linux\ngoarch: amd64\npkg: github.com/partoo-go/partoo\ncpu: AMD EPYC\n")
		fmt.Fprintf(&b, "BenchmarkWrapperGet/path=client-2 \t 1000 \t %d ns/op \t 10384 B/op \t %d allocs/op\n", 70000+i, clientAllocs)
		fmt.Fprintf(&b, "BenchmarkWrapperGet/path=generated-2 \t 1000 \t %d ns/op \t 10198 B/op \t 124 allocs/op\n", 68000+i)
		fmt.Fprintf(&b, "BenchmarkWrapperGet/path=raw-2 \t 1000 \t %d ns/op \t 9408 B/op \t 114 allocs/op\n", 65000+i)
		fmt.Fprintf(&b, "BenchmarkWrapperGet/path=wire-2 \t 1000 \t %d ns/op \t 2358 B/op \t 25 allocs/op\n", 30000+i)
		r := ratios[i%len(ratios)]
		fmt.Fprintf(&b, "BenchmarkWrapperGetInterleaved-2 \t 500 \t 200000 ns/op \t %.0f client-ns/call \t %.4f client/raw \t 66000 generated-ns/call \t 1.01 generated/raw \t 65000 raw-ns/call\n", 65000*r, r)
		b.WriteString("BenchmarkWrapperValidateCustomHeaders/headers=valid-5-2 \t 500000 \t 3028 ns/op \t 320 B/op \t 5 allocs/op\n")
		b.WriteString("PASS\n")
	}
	return b.String()
}

func TestReadBench(t *testing.T) {
	t.Parallel()
	res, err := readBench(strings.NewReader(sampleBench(6, []float64{1.05, 1.01, 1.09}, 126)), "sample")
	if err != nil {
		t.Fatal(err)
	}
	if res.procs != "2" || res.config["cpu"] != "AMD EPYC" {
		t.Errorf("procs %q, cpu %q; want 2 and AMD EPYC", res.procs, res.config["cpu"])
	}
	tests := []struct {
		name, bench, unit string
		want              []float64
	}{
		{"ns per op", "WrapperGet/path=raw", "ns/op", []float64{65000, 65001, 65002, 65003, 65004, 65005}},
		{"custom ratio unit", "WrapperGetInterleaved", "client/raw", []float64{1.05, 1.01, 1.09, 1.05, 1.01, 1.09}},
		{"custom time unit keeps its name", "WrapperGetInterleaved", "raw-ns/call", []float64{65000, 65000, 65000, 65000, 65000, 65000}},
		{"sub-benchmark with a dash in its value", "WrapperValidateCustomHeaders/headers=valid-5", "allocs/op", []float64{5, 5, 5, 5, 5, 5}},
		{"unknown benchmark", "WrapperNope", "ns/op", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tt.want, res.values(tt.bench, tt.unit)); diff != "" {
				t.Errorf("values (-want +got):\n%s", diff)
			}
		})
	}
	s := res.summary("WrapperGetInterleaved", "client/raw")
	if s.N != 6 || s.Median != 1.05 || s.Min != 1.01 || s.Max != 1.09 || !s.hasCI {
		t.Errorf("summary = %+v, want 6 values, median 1.05, range 1.01–1.09, with a CI", s)
	}
}

func TestReadBenchRejectsEmptyOutput(t *testing.T) {
	t.Parallel()
	if _, err := readBench(strings.NewReader("goos: linux\nPASS\n"), "empty"); err == nil {
		t.Error("readBench accepted an output without results")
	}
}

func TestParseInitTrace(t *testing.T) {
	t.Parallel()
	in := `init internal/bytealg @0.008 ms, 0 ms clock, 0 bytes, 0 allocs
init github.com/dlclark/regexp2/syntax @2.1 ms, 0.061 ms clock, 28984 bytes, 48 allocs
some other stderr line
init net/http @2.1 ms, 0.036 ms clock, 4712 bytes, 49 allocs
`
	got, err := parseInitTrace(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []initLine{
		{Package: "internal/bytealg"},
		{Package: "github.com/dlclark/regexp2/syntax", Micros: 61, Bytes: 28984, Allocs: 48},
		{Package: "net/http", Micros: 36, Bytes: 4712, Allocs: 49},
	}
	if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b float64) bool { return a-b < 1e-9 && b-a < 1e-9 })); diff != "" {
		t.Errorf("parseInitTrace (-want +got):\n%s", diff)
	}
}

func TestMedianInitsCountsAMissingPackageAsZero(t *testing.T) {
	t.Parallel()
	runs := [][]initLine{
		{{Package: "a", Micros: 10, Bytes: 100, Allocs: 1}, {Package: "b", Micros: 5}},
		{{Package: "a", Micros: 30, Bytes: 100, Allocs: 1}},
		{{Package: "a", Micros: 20, Bytes: 100, Allocs: 1}, {Package: "b", Micros: 7}},
	}
	want := []initStat{{Package: "a", Micros: 20, Bytes: 100, Allocs: 1}, {Package: "b", Micros: 5}}
	if diff := cmp.Diff(want, medianInits(runs)); diff != "" {
		t.Errorf("medianInits (-want +got):\n%s", diff)
	}
}

func TestScanFileInits(t *testing.T) {
	t.Parallel()
	const module = "github.com/partoo-go/partoo"
	tests := []struct {
		name, src string
		want      []string // reasons, in order
	}{
		{"regexp at package level", `import "regexp"
var re = regexp.MustCompile("^a$")`, []string{"regexp.MustCompile at package init: compiles a regular expression"}},
		{"regexp2 under another name", `import re2 "github.com/dlclark/regexp2"
var re = re2.MustCompile("^a$", re2.ECMAScript)`, []string{"re2.MustCompile at package init: compiles a regular expression"}},
		{"compiled in an init function", `import "regexp"
var re *regexp.Regexp
func init() { re = regexp.MustCompile("^a$") }`, []string{"regexp.MustCompile at package init: compiles a regular expression"}},
		{"lazy with sync.OnceValue", `import ("regexp"; "sync")
var re = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile("^a$") })`, nil},
		{"compiled in a function", `import "regexp"
func match(s string) bool { return regexp.MustCompile("^a$").MatchString(s) }`, nil},
		{"other regexp functions", `import "regexp"
var q = regexp.QuoteMeta("a.b")`, nil},
		{"embedded spec", `import "github.com/partoo-go/partoo/api"
var spec = api.OpenAPIBundled()`, []string{"api.OpenAPIBundled at package init: uses the embedded spec"}},
		{"yaml parser", `import "gopkg.in/yaml.v3"
var _ = yaml.Unmarshal(nil, nil)`, []string{"yaml.Unmarshal at package init: uses a YAML/OpenAPI/JSON Schema package"}},
		{"sentinel errors", `import "errors"
var ErrX = errors.New("x")`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			file := filepath.Join(t.TempDir(), "x.go")
			if err := os.WriteFile(file, []byte("package x\n"+tt.src+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			found, err := scanFileInits(file, module)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range found {
				_, reason, _ := strings.Cut(strings.TrimPrefix(f, file+":"), ": ")
				got = append(got, reason)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
}

func TestImportName(t *testing.T) {
	t.Parallel()
	for path, want := range map[string]string{
		"regexp":                                 "regexp",
		"github.com/dlclark/regexp2":             "regexp2",
		"gopkg.in/yaml.v3":                       "yaml",
		"go.yaml.in/yaml/v3":                     "yaml",
		"github.com/apapsch/go-jsonmerge/v2":     "jsonmerge",
		"github.com/getkin/kin-openapi/openapi3": "openapi3",
	} {
		if got := importName(path); got != want {
			t.Errorf("importName(%q) = %q, want %q", path, got, want)
		}
	}
}

// goodFootprint is a footprint that meets every target.
func goodFootprint() *footprint {
	return &footprint{
		GoVersion: "go1.26.8", Module: "github.com/partoo-go/partoo", Runs: 3,
		Partoo: program{
			Package: partooProgram, Size: 10_200_000, Stripped: 7_000_000, Std: 194,
			NonStd: []string{"github.com/oapi-codegen/runtime", "github.com/partoo-go/partoo", "github.com/partoo-go/partoo/gen"},
			Init: []initStat{
				{Package: "github.com/partoo-go/partoo", Micros: 4, Bytes: 72, Allocs: 2},
				{Package: "net/http", Micros: 36, Bytes: 4712, Allocs: 49},
				{Package: "regexp/syntax", Micros: 2, Bytes: 2344, Allocs: 6},
			},
		},
		Raw: program{
			Package: rawProgram, Size: 8_950_000, Stripped: 6_200_000, Std: 187,
			Init: []initStat{{Package: "net/http", Micros: 36, Bytes: 4712, Allocs: 49}},
		},
		AddedInit:       []float64{6, 7, 30},
		AddedNonStdInit: []float64{4, 5, 6},
		ModuleInit:      []float64{4, 4, 5},
		Consumer: consumer{
			Graph: []string{"github.com/oapi-codegen/runtime@v1.9.0", "go.yaml.in/yaml/v3@v3.0.5"},
			Built: []string{"github.com/oapi-codegen/runtime@v1.9.0"},
		},
	}
}

func TestEvaluate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		bench      string
		footprint  func(*footprint)
		wantStatus map[string]status // target prefix -> status; every other target passes
	}{
		{name: "all targets hold", bench: sampleBench(6, []float64{1.05, 1.04, 1.06}, 126)},
		{name: "time ratio over the target", bench: sampleBench(6, []float64{1.12, 1.11, 1.13}, 126),
			wantStatus: map[string]status{"Get through the client ≤ 1.10× raw net/http (time": statusFail}},
		{name: "median holds, interval crosses", bench: sampleBench(6, []float64{1.02, 1.08, 1.12}, 126),
			wantStatus: map[string]status{"Get through the client ≤ 1.10× raw net/http (time": statusWarn}},
		{name: "too few rounds", bench: sampleBench(3, []float64{1.05}, 126),
			wantStatus: map[string]status{"Get through the client ≤ 1.10× raw net/http (time": statusFail}},
		{name: "allocations over the target on the client side", bench: sampleBench(6, []float64{1.05}, 160),
			wantStatus: map[string]status{"Get through the client ≤ 1.5× raw net/http (allocs": statusFail}},
		{name: "regexp compiled at init", bench: sampleBench(6, []float64{1.05}, 126),
			footprint: func(fp *footprint) {
				fp.StaticInit = []string{"customheaders.go:10:5: regexp.MustCompile at package init"}
			},
			wantStatus: map[string]status{"No regex compilation": statusFail}},
		{name: "module allocates at init", bench: sampleBench(6, []float64{1.05}, 126),
			footprint:  func(fp *footprint) { fp.Partoo.Init[0].Bytes = 4000 },
			wantStatus: map[string]status{"github.com/partoo-go/partoo's own packages": statusFail}},
		{name: "a dependency's init is slow", bench: sampleBench(6, []float64{1.05}, 126),
			footprint:  func(fp *footprint) { fp.AddedInit = []float64{90, 100, 80} },
			wantStatus: map[string]status{"Init time added": statusFail}},
		{name: "binary grows too much", bench: sampleBench(6, []float64{1.05}, 126),
			footprint:  func(fp *footprint) { fp.Partoo.Size = fp.Raw.Size + 3_000_001 },
			wantStatus: map[string]status{"Importing partoo adds ≤ 3 MB to the binary (default build)": statusFail}},
		{name: "too many packages", bench: sampleBench(6, []float64{1.05}, 126),
			footprint: func(fp *footprint) {
				for i := range 13 {
					fp.Partoo.NonStd = append(fp.Partoo.NonStd, fmt.Sprintf("example.com/p%d", i))
				}
			},
			wantStatus: map[string]status{"Importing partoo adds ≤ 15": statusFail}},
		{name: "a parser is linked", bench: sampleBench(6, []float64{1.05}, 126),
			footprint:  func(fp *footprint) { fp.Partoo.NonStd = append(fp.Partoo.NonStd, "gopkg.in/yaml.v3") },
			wantStatus: map[string]status{"No YAML, OpenAPI": statusFail}},
		{name: "the generator is in the consumer's graph", bench: sampleBench(6, []float64{1.05}, 126),
			footprint: func(fp *footprint) {
				fp.Consumer.Graph = append(fp.Consumer.Graph, "github.com/oapi-codegen/oapi-codegen/v2@v2.8.2")
			},
			wantStatus: map[string]status{"A consumer's module graph": statusFail}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b, err := readBench(strings.NewReader(tt.bench), tt.name)
			if err != nil {
				t.Fatal(err)
			}
			fp := goodFootprint()
			if tt.footprint != nil {
				tt.footprint(fp)
			}
			vs := evaluate(b, fp)
			if len(vs) != 10 {
				t.Fatalf("%d verdicts, want 10", len(vs))
			}
			for _, v := range vs {
				want := statusPass
				for prefix, st := range tt.wantStatus {
					if strings.HasPrefix(v.Target, prefix) {
						want = st
					}
				}
				if v.Status != want {
					t.Errorf("%s: %s (%s), want %s", v.Target, v.Status, v.Value, want)
				}
			}
		})
	}
}

func TestRenderReport(t *testing.T) {
	t.Parallel()
	b, err := readBench(strings.NewReader(sampleBench(6, []float64{1.12}, 126)), "sample")
	if err != nil {
		t.Fatal(err)
	}
	fp := goodFootprint()
	doc := renderReport(b, fp, evaluate(b, fp), machine{GoVersion: "go version go1.26.8 linux/amd64", CPU: "AMD EPYC", Cores: 2, Date: "2026-11-28"}, "benchstat table")
	for _, want := range []string{
		"# Benchmarks: what partoo costs on top of net/http",
		"| Get through the client ≤ 1.10× raw net/http (time per call) | 1.120×",
		"**FAIL**",
		"## Missed targets",
		"CPU: AMD EPYC, 2 cores",
		"| `client` | partoo.Client, every default on | 70 µs",
		"| `valid-5` | 3.03 µs",
		"- `go.yaml.in/yaml/v3@v3.0.5`\n",
		"- `github.com/oapi-codegen/runtime@v1.9.0` — *built*",
		"benchstat table",
		"make bench-report",
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	if t.Failed() {
		t.Logf("report:\n%s", doc)
	}
}

func TestRunRejectsBadUsage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		want int
	}{
		{"no command", nil, 2},
		{"unknown command", []string{"nope"}, 2},
		{"footprint without -out", []string{"footprint"}, 1},
		{"check without a footprint", []string{"check"}, 1},
		{"unexpected argument", []string{"check", "extra"}, 2},
		{"check with a missing file", []string{"check", "-bench", "/nonexistent/bench.txt", "-footprint", "/nonexistent/fp.json"}, 1},
		{"bad flag", []string{"report", "-nope"}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var stdout, stderr bytes.Buffer
			if got := run(context.Background(), tt.args, &stdout, &stderr); got != tt.want {
				t.Errorf("exit %d, want %d; stderr:\n%s", got, tt.want, stderr.String())
			}
		})
	}
}

func TestCheckCommand(t *testing.T) {
	t.Parallel()
	slowInit := func(fp *footprint) { fp.AddedInit = []float64{90, 100, 80} }
	bigBinary := func(fp *footprint) { fp.Partoo.Size = fp.Raw.Size + 4_000_000 }
	tests := []struct {
		name      string
		ratios    []float64 // nil: no -bench
		footprint func(*footprint)
		flags     []string
		want      int
	}{
		{name: "targets hold", ratios: []float64{1.05}, want: 0},
		{name: "the time ratio is missed", ratios: []float64{1.2}, want: 1},
		{name: "footprint only", want: 0},
		{name: "footprint only, slow init", footprint: slowInit, want: 1},
		{name: "footprint only without timing ignores a slow init", footprint: slowInit, flags: []string{"-timing=false"}, want: 0},
		{name: "without timing a big binary still fails", footprint: bigBinary, flags: []string{"-timing=false"}, want: 1},
		{name: "without timing the time ratio is ignored", ratios: []float64{1.2}, flags: []string{"-timing=false"}, want: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			fp := goodFootprint()
			if tt.footprint != nil {
				tt.footprint(fp)
			}
			fpFile := filepath.Join(dir, "footprint.json")
			if err := writeJSON(fpFile, fp); err != nil {
				t.Fatal(err)
			}
			args := append([]string{"check", "-footprint", fpFile}, tt.flags...)
			if tt.ratios != nil {
				benchFile := filepath.Join(dir, "bench.txt")
				if err := os.WriteFile(benchFile, []byte(sampleBench(6, tt.ratios, 126)), 0o644); err != nil {
					t.Fatal(err)
				}
				args = append(args, "-bench", benchFile)
			}
			var stdout, stderr bytes.Buffer
			if got := run(context.Background(), args, &stdout, &stderr); got != tt.want {
				t.Errorf("exit %d, want %d; stdout:\n%s\nstderr:\n%s", got, tt.want, stdout.String(), stderr.String())
			}
		})
	}
}
