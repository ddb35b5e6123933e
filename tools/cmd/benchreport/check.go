package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
)

// The targets of issue 8.
const (
	// maxGetTimeRatio bounds Get through partoo.Client against raw
	// net/http, in wall time per call.
	maxGetTimeRatio = 1.10
	// maxGetAllocsRatio bounds the same in allocations per call.
	maxGetAllocsRatio = 1.5
	// maxAddedInitMicros bounds the init time that importing partoo adds.
	maxAddedInitMicros = 50
	// maxModuleInitBytes bounds what partoo's own packages allocate at
	// init. Compiling the custom-headers pattern once costs about 3.5 KB
	// with regexp and 7.9 KB with regexp2, and parsing the spec far more,
	// so 1 KiB leaves room for a few small values and none for those.
	maxModuleInitBytes = 1024
	// maxAddedBytes bounds the binary growth (3 MB, in bytes).
	maxAddedBytes = 3_000_000
	// maxAddedPackages bounds the non-standard packages added.
	maxAddedPackages = 15
)

// Benchmark names and units read from bench_test.go's output.
const (
	benchGet            = "WrapperGet"
	benchGetInterleaved = "WrapperGetInterleaved"
	unitNs              = "ns/op"
	unitBytes           = "B/op"
	unitAllocs          = "allocs/op"
	unitClientRaw       = "client/raw"
)

// minRounds is the fewest benchmark rounds the check accepts: below it a
// median says little, and benchmath gives no 95% interval.
const minRounds = 6

// errTargetsMissed is returned by check when a verdict fails.
var errTargetsMissed = errors.New("a target of issue 8 is missed (see above)")

type status string

const (
	statusPass status = "pass"
	statusWarn status = "pass, noisy"
	statusFail status = "FAIL"
)

// verdict is the outcome of one target.
type verdict struct {
	Target string // what is checked, with its bound
	Value  string // what was measured
	Status status
	Note   string // how the value was obtained, or why it fails
	// timing marks the targets measured in time, which vary with the
	// machine's load; the others are deterministic for a given toolchain.
	timing bool
}

// newVerdict returns a passing or failing verdict.
func newVerdict(target, value string, ok bool, note string) verdict {
	st := statusPass
	if !ok {
		st = statusFail
	}
	return verdict{Target: target, Value: value, Status: st, Note: note}
}

// evaluate checks the measurements against the targets. b may be nil: the
// benchmark targets are then left out.
func evaluate(b *benchResults, fp *footprint) []verdict {
	var vs []verdict
	add := func(target, value string, ok bool, note string) {
		vs = append(vs, newVerdict(target, value, ok, note))
	}
	if b != nil {
		vs = append(vs, evaluateBench(b)...)
	}

	// Init: nothing heavy at package init.
	add("No regex compilation and no spec parsing in package-level initializers",
		fmt.Sprintf("%d found", len(fp.StaticInit)), len(fp.StaticInit) == 0,
		strings.Join(append([]string{"static scan of " + fp.Module + "'s linked packages"}, fp.StaticInit...), "; "))
	mb, ma := fp.moduleInitAllocs()
	add(fmt.Sprintf("%s's own packages allocate ≤ %d B at init", fp.Module, maxModuleInitBytes),
		fmt.Sprintf("%.0f B in %.0f allocs", mb, ma), mb <= maxModuleInitBytes,
		"GODEBUG=inittrace=1 medians; one compiled regexp of the custom-headers pattern costs ≥ 3.5 KB")
	parsers := fp.linkedParsers()
	add("No YAML, OpenAPI or JSON Schema package linked by importing partoo",
		fmt.Sprintf("%d linked", len(parsers)), len(parsers) == 0, strings.Join(parsers, ", "))
	added := median(fp.AddedInit)
	note := fmt.Sprintf("median over %d runs of the summed init clock of the packages whose init runs only with partoo", fp.Runs)
	if inits := fp.addedInits(); len(inits) > 0 && added > maxAddedInitMicros {
		note += fmt.Sprintf("; the largest is %s (%.0f µs, %.0f B)", inits[0].Package, inits[0].Micros, inits[0].Bytes)
	}
	v := newVerdict(fmt.Sprintf("Init time added by importing partoo ≤ %d µs", maxAddedInitMicros),
		fmt.Sprintf("%.0f µs (non-standard packages: %.0f µs; %s's own: %.0f µs)",
			added, median(fp.AddedNonStdInit), fp.Module, median(fp.ModuleInit)),
		added <= maxAddedInitMicros, note)
	v.timing = true
	vs = append(vs, v)

	// Binary and packages.
	for _, s := range []struct {
		what         string
		partoo, raw  int64
		buildCommand string
	}{
		{"default build", fp.Partoo.Size, fp.Raw.Size, "go build"},
		{"stripped", fp.Partoo.Stripped, fp.Raw.Stripped, `go build -ldflags="-s -w"`},
	} {
		d := s.partoo - s.raw
		add(fmt.Sprintf("Importing partoo adds ≤ 3 MB to the binary (%s)", s.what),
			fmt.Sprintf("+%s (%s vs %s)", megabytes(d), megabytes(s.partoo), megabytes(s.raw)),
			d <= maxAddedBytes, s.buildCommand)
	}
	pk := fp.addedPackages()
	add(fmt.Sprintf("Importing partoo adds ≤ %d non-standard packages", maxAddedPackages),
		fmt.Sprintf("%d", len(pk)), len(pk) <= maxAddedPackages, strings.Join(pk, ", "))
	mods := fp.consumerToolModules()
	add("A consumer's module graph has no generator, OpenAPI parser or spec-diff module",
		fmt.Sprintf("%d found in %d modules", len(mods), len(fp.Consumer.Graph)), len(mods) == 0, strings.Join(mods, ", "))
	return vs
}

// evaluateBench checks the benchmark targets.
func evaluateBench(b *benchResults) []verdict {
	var vs []verdict
	add := func(target, value string, ok bool, note string) {
		vs = append(vs, newVerdict(target, value, ok, note))
	}
	// Get: wall time. The ratio of each interleaved round is a paired
	// measurement; the target applies to their median, without margin.
	r := b.summary(benchGetInterleaved, unitClientRaw)
	target := fmt.Sprintf("Get through the client ≤ %.2f× raw net/http (time per call)", maxGetTimeRatio)
	var v verdict
	switch {
	case !r.available:
		v = newVerdict(target, "no data", false, "BenchmarkWrapperGetInterleaved is missing from the benchmark output")
	case r.N < minRounds:
		v = newVerdict(target, fmt.Sprintf("%.3f×", r.Median), false,
			fmt.Sprintf("only %d rounds; run make bench with BENCH_COUNT ≥ %d", r.N, minRounds))
	default:
		v = newVerdict(target,
			fmt.Sprintf("%.3f× (median of %d rounds; 95%% CI %.3f–%.3f; range %.3f–%.3f)", r.Median, r.N, r.Lo, r.Hi, r.Min, r.Max),
			r.Median <= maxGetTimeRatio, "interleaved call by call (BenchmarkWrapperGetInterleaved)")
		if v.Status == statusPass && r.Hi > maxGetTimeRatio {
			v.Status = statusWarn
			v.Note += "; the upper end of the 95% interval crosses the target"
		}
	}
	v.timing = true
	vs = append(vs, v)

	// Get: allocations, whole process and client side (the wire path's
	// allocations are the in-process server's share).
	client := b.summary(benchGet+"/path=client", unitAllocs)
	raw := b.summary(benchGet+"/path=raw", unitAllocs)
	wire := b.summary(benchGet+"/path=wire", unitAllocs)
	target = fmt.Sprintf("Get through the client ≤ %.1f× raw net/http (allocs per call)", maxGetAllocsRatio)
	switch {
	case !client.available || !raw.available || !wire.available:
		add(target, "no data", false, "BenchmarkWrapperGet path=client, raw or wire is missing from the benchmark output")
	case raw.Median <= wire.Median:
		add(target, "invalid data", false, fmt.Sprintf("raw allocates %.0f, no more than the server share %.0f", raw.Median, wire.Median))
	default:
		whole := client.Median / raw.Median
		own := (client.Median - wire.Median) / (raw.Median - wire.Median)
		add(target, fmt.Sprintf("%.2f× client side (%.0f vs %.0f); %.2f× whole process (%.0f vs %.0f)",
			own, client.Median-wire.Median, raw.Median-wire.Median, whole, client.Median, raw.Median),
			own <= maxGetAllocsRatio && whole <= maxGetAllocsRatio,
			fmt.Sprintf("client side = minus the %.0f allocs of the in-process server (path=wire)", wire.Median))
	}
	return vs
}

// megabytes formats a byte count in MB (10^6 bytes).
func megabytes(n int64) string {
	return fmt.Sprintf("%.2f MB", float64(n)/1e6)
}

// printVerdicts prints one line per target, and the note of each failure.
func printVerdicts(w io.Writer, vs []verdict) {
	for _, v := range vs {
		fmt.Fprintf(w, "%-11s %s: %s\n", "["+string(v.Status)+"]", v.Target, v.Value)
		if v.Status != statusPass && v.Note != "" {
			fmt.Fprintf(w, "            %s\n", v.Note)
		}
	}
}
