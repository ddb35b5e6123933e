package main

import (
	"bytes"
	"strings"
	"testing"
)

// benchOutput is BenchmarkInMemory and BenchmarkLoopback output in the
// format of bench_test.go, two rounds; Get's CPU ratio is 1.02 in the
// median, Create's 1.30.
const benchOutput = `goos: linux
pkg: github.com/partoo-go/partoo
BenchmarkInMemory/Get-2   	 1000	 100 client-ns/call	 1.01 client/gen	 61.00 client-allocs/req	 58.00 gen-allocs/req
BenchmarkInMemory/Get-2   	 1000	 100 client-ns/call	 1.03 client/gen	 61.00 client-allocs/req	 58.00 gen-allocs/req
BenchmarkInMemory/Create-2	 1000	 100 client-ns/call	 1.30 client/gen	 82.00 client-allocs/req	 77.00 gen-allocs/req
BenchmarkInMemory/Create-2	 1000	 100 client-ns/call	 1.30 client/gen	 82.00 client-allocs/req	 77.00 gen-allocs/req
BenchmarkLoopback/Get-2   	 1000	 100 client-ns/call	 1.04 client/gen	 1.05 client/raw
PASS
`

func TestEvaluate(t *testing.T) {
	res, err := parseBench(strings.NewReader(benchOutput))
	if err != nil {
		t.Fatal(err)
	}
	if got, n := res.median("InMemory/Get", "client/gen"); got != 1.02 || n != 2 {
		t.Errorf("median of InMemory/Get client/gen = %v over %d, want 1.02 over 2", got, n)
	}
	var out bytes.Buffer
	r := &report{w: &out}
	evaluate(r, res)
	for _, want := range []string{
		"ok    InMemory/Get allocs/req",
		"      InMemory/Get CPU client/gen 1.020, median of 2 (target 1.03, met here; not checked",
		"FAIL  InMemory/Create allocs/req: client 82.0, gen 77.0",
		"      InMemory/Create CPU client/gen 1.300, median of 2 (target 1.06, missed here; not checked",
		"Loopback/Get wall client/raw 1.050, client/gen 1.040, median of 1 (not checked)",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, &out)
		}
	}
	if r.err() == nil {
		t.Error("no error for a failed check")
	}
}

// TestTimeNeverFails: a CPU ratio far over its target, as a loaded machine
// can measure, fails no check; only the allocations are gated.
func TestTimeNeverFails(t *testing.T) {
	const loaded = `BenchmarkInMemory/Get-2   	 1000	 100 client-ns/call	 1.90 client/gen	 59.00 client-allocs/req	 58.00 gen-allocs/req
BenchmarkInMemory/Create-2	 1000	 100 client-ns/call	 2.50 client/gen	 78.00 client-allocs/req	 77.00 gen-allocs/req
BenchmarkInMemory/List-2	 1000	 100 client-ns/call	 1.70 client/gen	 1480.00 client-allocs/req	 1482.00 gen-allocs/req
`
	res, err := parseBench(strings.NewReader(loaded))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	r := &report{w: &out}
	evaluate(r, res)
	if err := r.err(); err != nil {
		t.Errorf("a slow machine fails bench-check:\n%s", &out)
	}
}

func TestAddedInit(t *testing.T) {
	trace := func(lines ...string) map[string]float64 {
		return parseInitTrace([]byte(strings.Join(lines, "\n") + "\n1 business_created\n"))
	}
	raw := []map[string]float64{trace("init net/http @2.1 ms, 0.036 ms clock, 4712 bytes, 49 allocs")}
	partoo := []map[string]float64{
		trace("init net/http @2.1 ms, 0.040 ms clock, 4712 bytes, 49 allocs", "init regexp @2.2 ms, 0.010 ms clock, 0 bytes, 0 allocs"),
		trace("init net/http @2.1 ms, 0.040 ms clock, 4712 bytes, 49 allocs", "init regexp @2.2 ms, 0.030 ms clock, 0 bytes, 0 allocs",
			"init github.com/partoo-go/partoo @2.3 ms, 0.002 ms clock, 72 bytes, 2 allocs"),
		trace("init regexp @2.2 ms, 0.020 ms clock, 0 bytes, 0 allocs"),
	}
	fastest, median, top := addedInit(partoo, raw)
	if fastest != 10 || median != 20 || top != "regexp 20 µs" {
		t.Errorf("addedInit = %v µs fastest, %v µs median, largest %q; want 10, 20, %q", fastest, median, top, "regexp 20 µs")
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
	want := "regexp/syntax.parse+0xbd9 < regexp.compile+0x2a < regexp.MustCompile+0x1f < github.com/x/y.init+0x1e"
	if got := regexpAtInit(lazy + "\n" + atInit); got != want {
		t.Errorf("regexpAtInit = %q, want %q", got, want)
	}
}
