package partoo_test

import (
	"net/http"
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/partoo-go/partoo"
)

// maxExtraAllocs is how many more objects per HTTP request partoo.Client
// may allocate than the bare generated client.
const maxExtraAllocs = 3

// TestAllocsOverGen checks, for each operation of BenchmarkInMemory, that
// partoo.Client allocates at most maxExtraAllocs more objects per request
// than the bare generated client, both answered in memory by memTransport.
// The budget is gated on the go directive's release (make bench-check) and
// on the newest release the Makefile pins, which make test-newest-go names
// in GO_NEWEST; its encoding/json allocates fewer objects. On any other
// release, whose encoding/json may allocate otherwise, the counts are
// logged and not gated; under the race detector, which allocates on its
// own, the test is skipped.
//
// testing.AllocsPerRun counts exactly, on one P, and rounds the mean down,
// so fewer stray allocations than runs (of the runtime, or of a goroutine
// another test left) vanish. A garbage collection during the runs empties
// the sync.Pools that encoding/json and net/http reuse, and refilling them
// allocates: List, which allocates the most, measures one object more per
// call now and then. The least of a few measurements is the one that no
// collection disturbed.
func TestAllocsOverGen(t *testing.T) {
	if partoo.RaceEnabled() {
		t.Skip("the race detector allocates on its own; make bench-check runs this test without it")
	}
	release := goDirective(t)
	for _, bc := range benchCases() {
		t.Run(bc.name, func(t *testing.T) {
			calls := bc.calls(t, newEnv(t, "http://127.0.0.1/v2", func() http.RoundTripper { return memTransport{} }))
			perReq := func(path string) float64 {
				call := calls[slices.Index(pathNames, path)]
				least := 0.0
				for k := range 3 {
					n := testing.AllocsPerRun(max(100/bc.reqs, 5), func() {
						if err := call(); err != nil {
							t.Fatal(err)
						}
					})
					if k == 0 || n < least {
						least = n
					}
				}
				return least / float64(bc.reqs)
			}
			client, gen := perReq("client"), perReq("gen")
			t.Logf("%s: %.1f objects per request with partoo.Client, %.1f with the generated client", bc.name, client, gen)
			if newest := os.Getenv("GO_NEWEST"); !strings.HasPrefix(runtime.Version()+".", release+".") && runtime.Version() != newest {
				t.Skipf("the budget is gated on %s, the go directive's release, and on GO_NEWEST (%q); %s is measured above, not gated", release, newest, runtime.Version())
			}
			if client > gen+maxExtraAllocs {
				t.Errorf("%s: partoo.Client allocates %.1f objects per request, the generated client %.1f: %+.1f, at most %+d",
					bc.name, client, gen, client-gen, maxExtraAllocs)
			}
		})
	}
}

// goDirective returns the release of the root go.mod's go directive
// ("go1.26" for "go 1.26.0").
func goDirective(t *testing.T) string {
	mod, err := os.ReadFile("go.mod")
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.Lines(string(mod)) {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "go "); ok {
			major, rest, _ := strings.Cut(v, ".")
			minor, _, _ := strings.Cut(rest, ".")
			return "go" + major + "." + minor
		}
	}
	t.Fatal("go.mod has no go directive")
	return ""
}
