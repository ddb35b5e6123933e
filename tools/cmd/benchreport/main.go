// Command benchreport measures, checks and publishes what the partoo wrapper
// costs its users (issue 8): the benchmarks of bench_test.go against raw
// net/http, and the footprint of importing partoo.
//
// Usage (paths are best given absolute; mk/bench.mk does):
//
//	benchreport footprint -root DIR -out FILE.json [-runs N]
//	benchreport check     -bench FILE.txt -footprint FILE.json
//	benchreport report    -bench FILE.txt -footprint FILE.json [-benchstat FILE.txt] -out BENCHMARKS.md
//
// footprint builds internal/footprint/partoo (one call through partoo) and
// internal/footprint/nethttp (the same call with net/http alone), and records
// their non-standard packages, binary sizes (default build and stripped),
// package init times and allocations (GODEBUG=inittrace=1, N runs each,
// interleaved), the modules a consumer module of partoo downloads, and a
// static scan of partoo's package-level initializers.
//
// check compares the measurements with the targets of issue 8 and exits
// with status 1 when one is missed; report writes BENCHMARKS.md from the
// same data. `make bench`, `make footprint`, `make bench-check` and
// `make bench-report` drive it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// run is main without the exit, for tests: it returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "usage: benchreport footprint|check|report [flags]")
		return 2
	}
	var err error
	switch cmd, rest := args[0], args[1:]; cmd {
	case "footprint":
		err = runFootprint(ctx, rest, stdout, stderr)
	case "check":
		err = runCheck(rest, stdout, stderr)
	case "report":
		err = runReport(rest, stdout, stderr)
	default:
		fmt.Fprintf(stderr, "benchreport: unknown command %q: use footprint, check or report\n", cmd)
		return 2
	}
	var usage usageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &usage):
		return 2 // the flag package has printed the error and the usage
	default:
		fmt.Fprintln(stderr, "benchreport:", err)
		return 1
	}
}

// usageError is a command-line error that the flag package has reported.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }

// parseFlags parses args, turning a flag error into a usageError.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "%s: unexpected arguments %q\n", fs.Name(), fs.Args())
		return usageError{fmt.Errorf("unexpected arguments %q", fs.Args())}
	}
	return nil
}

func runFootprint(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("footprint", flag.ContinueOnError)
	fs.SetOutput(stderr)
	root := fs.String("root", "..", "root of the partoo module")
	out := fs.String("out", "", "write the measurements as JSON to this file (required)")
	runs := fs.Int("runs", 31, "how many times to run each program for the init trace")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return fmt.Errorf("footprint: -out is required")
	}
	if *runs < 1 {
		return fmt.Errorf("footprint: -runs %d: must be at least 1", *runs)
	}
	fp, err := measureFootprint(ctx, *root, *runs, stderr)
	if err != nil {
		return err
	}
	if err := writeJSON(*out, fp); err != nil {
		return err
	}
	printFootprint(stdout, fp)
	return nil
}

func runCheck(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	benchFile := fs.String("bench", "", "benchmark output of make bench (without it, only the footprint is checked)")
	fpFile := fs.String("footprint", "", "JSON written by benchreport footprint (required)")
	timing := fs.Bool("timing", true, "check the timing targets too (time ratio, init time); false keeps the deterministic ones")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *fpFile == "" {
		return fmt.Errorf("check: -footprint is required")
	}
	fp, err := readFootprint(*fpFile)
	if err != nil {
		return err
	}
	var bench *benchResults
	if *benchFile != "" {
		if bench, err = readBenchFile(*benchFile); err != nil {
			return err
		}
	}
	var verdicts []verdict
	for _, v := range evaluate(bench, fp) {
		if *timing || !v.timing {
			verdicts = append(verdicts, v)
		}
	}
	printVerdicts(stdout, verdicts)
	for _, v := range verdicts {
		if v.Status == statusFail {
			return errTargetsMissed
		}
	}
	return nil
}

func runReport(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	fs.SetOutput(stderr)
	benchFile := fs.String("bench", "", "benchmark output of make bench (required)")
	fpFile := fs.String("footprint", "", "JSON written by benchreport footprint (required)")
	statFile := fs.String("benchstat", "", "benchstat output to include (optional)")
	out := fs.String("out", "", "the Markdown file to write (required)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return fmt.Errorf("report: -out is required")
	}
	bench, fp, err := load(*benchFile, *fpFile)
	if err != nil {
		return err
	}
	var stat []byte
	if *statFile != "" {
		if stat, err = os.ReadFile(*statFile); err != nil {
			return err
		}
	}
	machine, err := describeMachine()
	if err != nil {
		return err
	}
	doc := renderReport(bench, fp, evaluate(bench, fp), machine, string(stat))
	if err := os.WriteFile(*out, []byte(doc), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "benchreport: wrote %s\n", *out)
	return nil
}

// load reads the two measurement files.
func load(benchFile, fpFile string) (*benchResults, *footprint, error) {
	if benchFile == "" || fpFile == "" {
		return nil, nil, fmt.Errorf("-bench and -footprint are required")
	}
	bench, err := readBenchFile(benchFile)
	if err != nil {
		return nil, nil, err
	}
	fp, err := readFootprint(fpFile)
	if err != nil {
		return nil, nil, err
	}
	return bench, fp, nil
}

func readBenchFile(name string) (*benchResults, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readBench(f, name)
}
