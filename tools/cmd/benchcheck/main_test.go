package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// checkOutput runs checkAllocs on benchmark output and returns its report.
func checkOutput(t *testing.T, output string) (*report, string) {
	t.Helper()
	file := filepath.Join(t.TempDir(), "bench.txt")
	if err := os.WriteFile(file, []byte(output), 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	r := &report{w: &out}
	if err := checkAllocs(r, file); err != nil {
		t.Fatal(err)
	}
	return r, out.String()
}

// TestCheckAllocs checks the allocations of each operation in the median of
// the rounds, rounded, and only them: a CPU ratio far over its target, as a
// loaded machine can measure, fails nothing.
func TestCheckAllocs(t *testing.T) {
	for _, tc := range []struct {
		name, output string
		failed       bool
		want         []string
	}{
		{
			name: "within the budget, with a CPU ratio of 1.9",
			output: "goos: linux\npkg: github.com/partoo-go/partoo\n" +
				"BenchmarkInMemory/Get-2   \t 1000\t 100 client-ns/call\t 1.90 client/gen\t 61.00 client-allocs/req\t 58.00 gen-allocs/req\n" +
				"BenchmarkInMemory/Get-2   \t 1000\t 100 client-ns/call\t 1.01 client/gen\t 61.40 client-allocs/req\t 58.00 gen-allocs/req\n" +
				"BenchmarkInMemory/List-2  \t 1000\t 100 client-ns/call\t 1.70 client/gen\t 1480.00 client-allocs/req\t 1482.00 gen-allocs/req\n" +
				"BenchmarkLoopback/Get-2   \t 1000\t 100 client-ns/call\t 1.04 client/gen\t 1.05 client/raw\nPASS\n",
			want: []string{"ok    InMemory/Get allocs/req: client 61, gen 58", "ok    InMemory/List allocs/req: client 1480, gen 1482"},
		},
		{
			name:   "over the budget",
			output: "BenchmarkInMemory/Create-2\t 1000\t 100 client-ns/call\t 1.01 client/gen\t 82.00 client-allocs/req\t 77.00 gen-allocs/req\n",
			failed: true,
			want:   []string{"FAIL  InMemory/Create allocs/req: client 82, gen 77"},
		},
		{
			name:   "no BenchmarkInMemory",
			output: "BenchmarkLoopback/Get-2   \t 1000\t 100 client-ns/call\t 1.04 client/gen\t 1.05 client/raw\n",
			failed: true,
			want:   []string{"FAIL  the output has BenchmarkInMemory results"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, out := checkOutput(t, tc.output)
			if r.failed != tc.failed {
				t.Errorf("failed = %t, want %t:\n%s", r.failed, tc.failed, out)
			}
			for _, want := range tc.want {
				if !strings.Contains(out, want) {
					t.Errorf("report lacks %q:\n%s", want, out)
				}
			}
		})
	}
}

func TestInitTimes(t *testing.T) {
	trace := "init internal/bytealg @0.005 ms, 0 ms clock, 0 bytes, 0 allocs\n" +
		"init net/http @2.1 ms, 0.036 ms clock, 4712 bytes, 49 allocs\n" +
		"init regexp @2.2 ms, 0.010 ms clock, 0 bytes, 0 allocs\n" +
		"1 business_created\n"
	got := initTimes([]byte(trace))
	if len(got) != 3 || got["net/http"] != 36000 || got["regexp"] != 10000 {
		t.Errorf("initTimes = %v, want net/http 36000, regexp 10000 and internal/bytealg 0", got)
	}
}

func TestAddedInit(t *testing.T) {
	raw := []map[string]float64{{"net/http": 36000}, {"net/http": 30000, "crypto/tls": 5000}}
	partoo := []map[string]float64{
		{"net/http": 40000, "regexp": 10000},
		{"net/http": 40000, "crypto/tls": 6000, "regexp": 30000, "github.com/partoo-go/partoo": 2000},
	}
	want := "BenchmarkInitAddedByPartoo 1 10000 ns/op\nBenchmarkInitAddedByPartoo 1 32000 ns/op\n"
	if got := string(addedInit(partoo, raw)); got != want {
		t.Errorf("addedInit =\n%s\nwant\n%s", got, want)
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
	if got := regexpAtInit("heap profile: 1: 8 [1: 8] @ heap/2\n" + lazy); got != "" {
		t.Errorf("lazy compilation reported: %q", got)
	}
	if got := regexpAtInit(lazy + "\n" + atInit); !strings.Contains(got, "regexp.MustCompile+0x1f < github.com/x/y.init+0x1e") {
		t.Errorf("regexpAtInit = %q, want the stack from regexp.MustCompile to github.com/x/y.init", got)
	}
}
