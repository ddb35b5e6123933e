package main

import (
	"bytes"
	"fmt"
	"io"
	"slices"

	"golang.org/x/perf/benchfmt"
	"golang.org/x/perf/benchmath"
)

// benchResults holds every measurement of a Go benchmark output, by
// benchmark and unit, in the order the runs appeared.
type benchResults struct {
	// config holds the file configuration seen first (goos, goarch, cpu, pkg).
	config map[string]string
	// samples maps a benchmark name without its -GOMAXPROCS suffix, such as
	// "WrapperGet/path=client", to its units and their values. Units are
	// the ones the benchmark printed (ns/op, client-ns/call), not benchfmt's
	// tidied ones.
	samples map[string]map[string][]float64
	// procs is the GOMAXPROCS suffix of the runs ("2"), or "".
	procs string
}

// readBench parses Go benchmark output (go test -bench, several runs
// appended).
func readBench(r io.Reader, fileName string) (*benchResults, error) {
	br := benchfmt.NewReader(r, fileName)
	res := &benchResults{config: map[string]string{}, samples: map[string]map[string][]float64{}}
	for br.Scan() {
		switch rec := br.Result().(type) {
		case *benchfmt.SyntaxError:
			return nil, rec
		case *benchfmt.Result:
			for _, c := range rec.Config {
				if _, seen := res.config[c.Key]; !seen && c.File {
					res.config[c.Key] = string(c.Value)
				}
			}
			name, procs := splitProcs(rec.Name)
			if procs != "" {
				res.procs = procs
			}
			units := res.samples[name]
			if units == nil {
				units = map[string][]float64{}
				res.samples[name] = units
			}
			for _, v := range rec.Values {
				unit, value := v.Unit, v.Value
				if v.OrigUnit != "" {
					unit, value = v.OrigUnit, v.OrigValue
				}
				units[unit] = append(units[unit], value)
			}
		}
	}
	if err := br.Err(); err != nil {
		return nil, err
	}
	if len(res.samples) == 0 {
		return nil, fmt.Errorf("%s: no benchmark results", fileName)
	}
	return res, nil
}

// splitProcs returns a benchmark name without its -GOMAXPROCS suffix, and
// the suffix's number.
func splitProcs(n benchfmt.Name) (string, string) {
	base, parts := n.Parts()
	name := bytes.Clone(base)
	procs := ""
	for _, p := range parts {
		if len(p) > 0 && p[0] == '-' {
			procs = string(p[1:])
			continue
		}
		name = append(name, p...)
	}
	return string(name), procs
}

// values returns the measurements of one benchmark in one unit.
func (b *benchResults) values(name, unit string) []float64 {
	return b.samples[name][unit]
}

// stat summarises a sample: its median with a 95% confidence interval
// (benchmath's distribution-free method, as benchstat uses), and its range.
type stat struct {
	N                int
	Median, Lo, Hi   float64 // Lo and Hi bound the 95% confidence interval; ±Inf below 6 samples
	Min, Max         float64
	hasCI, available bool
}

// summary returns the stat of one benchmark in one unit; available is false
// when there is no measurement.
func (b *benchResults) summary(name, unit string) stat {
	return summarize(b.values(name, unit))
}

func summarize(values []float64) stat {
	if len(values) == 0 {
		return stat{}
	}
	vs := slices.Clone(values)
	s := benchmath.AssumeNothing.Summary(benchmath.NewSample(vs, &benchmath.DefaultThresholds), 0.95)
	st := stat{N: len(vs), Median: s.Center, Lo: s.Lo, Hi: s.Hi, Min: vs[0], Max: vs[len(vs)-1], available: true}
	st.hasCI = len(s.Warnings) == 0
	return st
}

// pctRange is the half-width of the confidence interval as a percentage of
// the median, as benchstat prints it ("± 3%"), or "± ∞" below 6 samples.
func (s stat) pctRange() string {
	if !s.hasCI || s.Median == 0 {
		return "± ∞"
	}
	d := max(s.Hi-s.Median, s.Median-s.Lo)
	return fmt.Sprintf("± %.0f%%", 100*d/s.Median)
}
