package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// The two footprint programs, relative to the module root.
const (
	partooProgram = "./internal/footprint/partoo"
	rawProgram    = "./internal/footprint/nethttp"
)

// footprintAPIKey is the key the programs send to the loopback server.
const footprintAPIKey = "footprint-api-key"

// footprintItem is the seed's example WebhookItem, as the loopback server of
// the footprint runs answers it, and footprintOutput what both programs
// print for it.
const (
	footprintItem   = `{"id":1,"url":"https://example.com/webhook","event_type":"business_created","created_at":"2024-11-27T16:10:44.929678Z","updated_at":"2024-11-27T16:10:44.929678Z","org_id":1,"custom_headers":{"X-My-Header":"my-value","X-Auth-Token":"secret-token"}}`
	footprintOutput = "1 business_created\n"
)

// parserPackages matches the import paths of YAML, JSON Schema and OpenAPI
// parsers and generators: none may be linked into a program that imports
// partoo.
var parserPackages = regexp.MustCompile(`yaml|openapi|oasdiff|jsonschema|oapi-codegen/oapi-codegen`)

// toolModules matches the modules that only the tools module may require
// (the generator, the OpenAPI parser, the diff tool): none may be in a
// consumer's module graph, even as a go.mod it merely reads. A YAML module
// may appear there through a dependency's tests (testify); it is reported,
// and the linked-packages check makes sure it is never built.
var toolModules = regexp.MustCompile(`oapi-codegen/oapi-codegen|getkin/kin-openapi|oasdiff`)

// footprint is what `benchreport footprint` measures; check and report read
// it back.
type footprint struct {
	GoVersion string `json:"go_version"`
	// Module is the import path of the module under test.
	Module string `json:"module"`
	// Runs is how many times each program ran for the init trace.
	Runs int `json:"runs"`
	// Partoo and Raw are the two programs.
	Partoo program `json:"partoo"`
	Raw    program `json:"raw"`
	// AddedInit is, for each run of the partoo program, the summed init
	// clock (µs) of the packages whose init ran there but not in the raw
	// program: what importing partoo adds at start-up.
	AddedInit []float64 `json:"added_init_us"`
	// AddedNonStdInit is the part of AddedInit spent in non-standard
	// packages (partoo and its dependencies).
	AddedNonStdInit []float64 `json:"added_non_std_init_us"`
	// ModuleInit is the same sum over the packages of the module under
	// test only (partoo, partoo/gen, ...).
	ModuleInit []float64 `json:"module_init_us"`
	// StaticInit lists package-level initializers and init functions of the
	// module's linked packages that compile a regular expression or touch
	// the embedded spec or a parser; it should be empty.
	StaticInit []string `json:"static_init"`
	// Consumer is the module graph of a consumer of partoo.
	Consumer consumer `json:"consumer"`
}

// program is the footprint of one minimal program.
type program struct {
	Package string `json:"package"`
	// NonStd lists the non-standard packages linked, the program's own main
	// package excluded.
	NonStd []string `json:"non_std"`
	// Std is how many standard-library packages are linked.
	Std int `json:"std"`
	// Size is the size in bytes of the default `go build` output, Stripped
	// that of `go build -ldflags="-s -w"` (no symbol table, no DWARF).
	Size     int64 `json:"size"`
	Stripped int64 `json:"stripped"`
	// Init holds, per package whose init ran, the medians over the runs.
	Init []initStat `json:"init"`
}

// initStat is one package's line of GODEBUG=inittrace=1, as medians over
// the runs.
type initStat struct {
	Package string  `json:"package"`
	Micros  float64 `json:"clock_us"`
	Bytes   float64 `json:"bytes"`
	Allocs  float64 `json:"allocs"`
}

// consumer is the module view of a module that requires partoo and builds
// internal/footprint/partoo's main.go.
type consumer struct {
	// Graph lists the modules of `go list -m all` (path@version): the go.mod
	// files the go command fetches to resolve the build.
	Graph []string `json:"graph"`
	// Built lists the modules whose packages are compiled into the program:
	// the module zips actually downloaded.
	Built []string `json:"built"`
}

// measureFootprint builds and runs the two programs under root.
func measureFootprint(ctx context.Context, root string, runs int, log io.Writer) (*footprint, error) {
	root, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "benchreport-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)

	fp := &footprint{Runs: runs}
	if fp.GoVersion, err = goOutput(ctx, root, "env", "GOVERSION"); err != nil {
		return nil, err
	}
	if fp.Module, err = goOutput(ctx, root, "list", "-m"); err != nil {
		return nil, err
	}
	bins := map[string]string{}
	for _, p := range []struct {
		pkg  string
		prog *program
	}{{partooProgram, &fp.Partoo}, {rawProgram, &fp.Raw}} {
		fmt.Fprintf(log, "footprint: building %s\n", p.pkg)
		p.prog.Package = p.pkg
		bin := filepath.Join(tmp, filepath.Base(p.pkg))
		if _, err := goOutput(ctx, root, "build", "-o", bin, p.pkg); err != nil {
			return nil, err
		}
		if _, err := goOutput(ctx, root, "build", "-ldflags=-s -w", "-o", bin+".stripped", p.pkg); err != nil {
			return nil, err
		}
		bins[p.pkg] = bin
		if p.prog.Size, err = fileSize(bin); err != nil {
			return nil, err
		}
		if p.prog.Stripped, err = fileSize(bin + ".stripped"); err != nil {
			return nil, err
		}
		if p.prog.NonStd, p.prog.Std, err = linkedPackages(ctx, root, p.pkg); err != nil {
			return nil, err
		}
	}

	fmt.Fprintf(log, "footprint: running each program %d times with GODEBUG=inittrace=1\n", runs)
	traces, err := traceInits(ctx, bins[partooProgram], bins[rawProgram], runs)
	if err != nil {
		return nil, err
	}
	fp.Partoo.Init = medianInits(traces[0])
	fp.Raw.Init = medianInits(traces[1])
	rawPkgs := map[string]bool{}
	for _, run := range traces[1] {
		for _, l := range run {
			rawPkgs[l.Package] = true
		}
	}
	nonStd := map[string]bool{}
	for _, p := range fp.Partoo.NonStd {
		nonStd[p] = true
	}
	for _, run := range traces[0] {
		var added, addedNonStd, module float64
		for _, l := range run {
			if !rawPkgs[l.Package] {
				added += l.Micros
				if nonStd[l.Package] {
					addedNonStd += l.Micros
				}
			}
			if inModule(l.Package, fp.Module) {
				module += l.Micros
			}
		}
		fp.AddedInit = append(fp.AddedInit, added)
		fp.AddedNonStdInit = append(fp.AddedNonStdInit, addedNonStd)
		fp.ModuleInit = append(fp.ModuleInit, module)
	}

	fmt.Fprintln(log, "footprint: scanning package-level initializers")
	if fp.StaticInit, err = scanModuleInits(ctx, root, fp.Module, partooProgram); err != nil {
		return nil, err
	}
	fmt.Fprintln(log, "footprint: resolving a consumer module's graph")
	if fp.Consumer, err = consumerModules(ctx, root, fp.Module, tmp); err != nil {
		return nil, err
	}
	return fp, nil
}

func inModule(pkg, module string) bool {
	return pkg == module || strings.HasPrefix(pkg, module+"/")
}

// goOutput runs the go command in dir and returns its trimmed output.
func goOutput(ctx context.Context, dir string, args ...string) (string, error) {
	return commandOutput(ctx, dir, nil, "go", args...)
}

func commandOutput(ctx context.Context, dir string, env []string, name string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("%s %s (in %s): %w\n%s", name, strings.Join(args, " "), dir, err, stderr.Bytes())
	}
	return strings.TrimSpace(string(out)), nil
}

func fileSize(path string) (int64, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return 0, err
	}
	return fi.Size(), nil
}

// linkedPackages lists the non-standard packages linked into pkg (pkg
// itself excluded) and counts the standard ones.
func linkedPackages(ctx context.Context, root, pkg string) (nonStd []string, std int, err error) {
	out, err := goOutput(ctx, root, "list", "-deps", "-f", "{{.Standard}} {{.ImportPath}}", pkg)
	if err != nil {
		return nil, 0, err
	}
	self, err := goOutput(ctx, root, "list", "-f", "{{.ImportPath}}", pkg)
	if err != nil {
		return nil, 0, err
	}
	for line := range strings.Lines(out) {
		isStd, path, _ := strings.Cut(strings.TrimSpace(line), " ")
		switch {
		case path == self:
		case isStd == "true":
			std++
		default:
			nonStd = append(nonStd, path)
		}
	}
	slices.Sort(nonStd)
	return nonStd, std, nil
}

// initLine is one line of GODEBUG=inittrace=1 output.
type initLine struct {
	Package string
	Micros  float64
	Bytes   int64
	Allocs  int64
}

// initTraceLine matches "init net/http @2.1 ms, 0.036 ms clock, 4712 bytes,
// 49 allocs" (the runtime's format since Go 1.16).
var initTraceLine = regexp.MustCompile(`^init (\S+) @\S+ ms, ([0-9.]+) ms clock, ([0-9]+) bytes, ([0-9]+) allocs$`)

// parseInitTrace reads the init lines of a GODEBUG=inittrace=1 run and
// ignores every other line.
func parseInitTrace(r io.Reader) ([]initLine, error) {
	var lines []initLine
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		m := initTraceLine.FindStringSubmatch(strings.TrimSpace(sc.Text()))
		if m == nil {
			continue
		}
		ms, err := strconv.ParseFloat(m[2], 64)
		if err != nil {
			return nil, fmt.Errorf("inittrace: clock in %q: %w", sc.Text(), err)
		}
		b, err := strconv.ParseInt(m[3], 10, 64)
		if err != nil {
			return nil, fmt.Errorf("inittrace: bytes in %q: %w", sc.Text(), err)
		}
		a, err := strconv.ParseInt(m[4], 10, 64)
		if err != nil {
			return nil, fmt.Errorf("inittrace: allocs in %q: %w", sc.Text(), err)
		}
		lines = append(lines, initLine{Package: m[1], Micros: ms * 1000, Bytes: b, Allocs: a})
	}
	return lines, sc.Err()
}

// traceInits runs the two binaries runs times each, alternating, against a
// loopback server that answers the example item, and returns their init
// traces: traces[0] for the first binary, traces[1] for the second. A run
// that fails or prints something else than the item is an error.
func traceInits(ctx context.Context, partooBin, rawBin string, runs int) ([2][][]initLine, error) {
	var traces [2][][]initLine
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || r.URL.Path != "/v2/webhooks/1" || r.Header.Get("x-APIKey") != footprintAPIKey {
			http.Error(w, `{"error":{"json":"Resource not found"}}`, http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, footprintItem)
	}))
	defer srv.Close()
	for range runs {
		for i, bin := range []string{partooBin, rawBin} {
			cmd := exec.CommandContext(ctx, bin, srv.URL+"/v2")
			cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1", "PARTOO_API_KEY="+footprintAPIKey)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Run(); err != nil {
				return traces, fmt.Errorf("%s: %w\n%s", bin, err, stderr.Bytes())
			}
			if stdout.String() != footprintOutput {
				return traces, fmt.Errorf("%s printed %q, want %q", bin, stdout.String(), footprintOutput)
			}
			lines, err := parseInitTrace(&stderr)
			if err != nil {
				return traces, err
			}
			if len(lines) == 0 {
				return traces, fmt.Errorf("%s: no init trace on stderr; does this Go support GODEBUG=inittrace=1?", bin)
			}
			traces[i] = append(traces[i], lines)
		}
	}
	return traces, nil
}

// medianInits returns, for every package seen in the runs, the medians of
// its clock, bytes and allocations (a run where the package did not appear
// counts as zero), sorted by package.
func medianInits(runs [][]initLine) []initStat {
	byPkg := map[string][][3]float64{}
	for _, run := range runs {
		for _, l := range run {
			byPkg[l.Package] = append(byPkg[l.Package], [3]float64{l.Micros, float64(l.Bytes), float64(l.Allocs)})
		}
	}
	var out []initStat
	for pkg, obs := range byPkg {
		var col [3][]float64
		for _, o := range obs {
			for k := range col {
				col[k] = append(col[k], o[k])
			}
		}
		for k := range col {
			for len(col[k]) < len(runs) {
				col[k] = append(col[k], 0)
			}
		}
		out = append(out, initStat{Package: pkg, Micros: median(col[0]), Bytes: median(col[1]), Allocs: median(col[2])})
	}
	slices.SortFunc(out, func(a, b initStat) int { return strings.Compare(a.Package, b.Package) })
	return out
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if n := len(s); n%2 == 1 {
		return s[n/2]
	} else {
		return (s[n/2-1] + s[n/2]) / 2
	}
}

// consumerModules creates, under tmp, a module that requires the module at
// root (through a replace directive, as if it were published) and holds the
// partoo footprint program, tidies it, and lists its modules.
func consumerModules(ctx context.Context, root, module, tmp string) (consumer, error) {
	var c consumer
	dir := filepath.Join(tmp, "consumer")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return c, err
	}
	goMod := fmt.Sprintf("module example.com/partoo-consumer\n\ngo 1.26.0\n\nrequire %s v0.0.0-00010101000000-000000000000\n\nreplace %s => %s\n",
		module, module, root)
	main, err := os.ReadFile(filepath.Join(root, partooProgram, "main.go"))
	if err != nil {
		return c, err
	}
	// The module's own go.sum covers everything it requires, so tidy needs
	// no checksum database.
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		return c, err
	}
	for name, data := range map[string][]byte{"go.mod": []byte(goMod), "go.sum": sum, "main.go": main} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			return c, err
		}
	}
	env := []string{"GOWORK=off", "GOFLAGS=-mod=mod"}
	if _, err := commandOutput(ctx, dir, env, "go", "mod", "tidy"); err != nil {
		return c, err
	}
	graph, err := commandOutput(ctx, dir, env, "go", "list", "-m", "-f", "{{if not .Main}}{{.Path}}@{{.Version}}{{end}}", "all")
	if err != nil {
		return c, err
	}
	built, err := commandOutput(ctx, dir, env, "go", "list", "-deps", "-f", "{{with .Module}}{{if not .Main}}{{.Path}}@{{.Version}}{{end}}{{end}}", ".")
	if err != nil {
		return c, err
	}
	c.Graph = uniqueLines(graph)
	c.Built = uniqueLines(built)
	return c, nil
}

func uniqueLines(s string) []string {
	var out []string
	for line := range strings.Lines(s) {
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func writeJSON(path string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, append(data, '\n'), 0o644)
}

func readFootprint(path string) (*footprint, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var fp footprint
	if err := json.Unmarshal(data, &fp); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if fp.Runs == 0 || fp.Module == "" {
		return nil, fmt.Errorf("%s: not a footprint file (no runs or module)", path)
	}
	return &fp, nil
}

// addedPackages are the non-standard packages that the partoo program links
// and the raw one does not.
func (fp *footprint) addedPackages() []string {
	var out []string
	for _, p := range fp.Partoo.NonStd {
		if !slices.Contains(fp.Raw.NonStd, p) {
			out = append(out, p)
		}
	}
	return out
}

// addedInits are the init lines of the partoo program for packages whose
// init does not run in the raw program, by decreasing clock.
func (fp *footprint) addedInits() []initStat {
	raw := map[string]bool{}
	for _, s := range fp.Raw.Init {
		raw[s.Package] = true
	}
	var out []initStat
	for _, s := range fp.Partoo.Init {
		if !raw[s.Package] {
			out = append(out, s)
		}
	}
	slices.SortStableFunc(out, func(a, b initStat) int {
		switch {
		case a.Micros > b.Micros:
			return -1
		case a.Micros < b.Micros:
			return 1
		}
		return strings.Compare(a.Package, b.Package)
	})
	return out
}

// moduleInitAllocs sums the median init allocations of the module's own
// packages in the partoo program.
func (fp *footprint) moduleInitAllocs() (bytes, allocs float64) {
	for _, s := range fp.Partoo.Init {
		if inModule(s.Package, fp.Module) {
			bytes += s.Bytes
			allocs += s.Allocs
		}
	}
	return bytes, allocs
}

// linkedParsers lists the packages of the partoo program that look like a
// YAML, JSON Schema or OpenAPI parser or generator.
func (fp *footprint) linkedParsers() []string {
	var out []string
	for _, p := range fp.Partoo.NonStd {
		if parserPackages.MatchString(p) {
			out = append(out, p)
		}
	}
	return out
}

// consumerToolModules lists the modules of the consumer's graph that only
// the tools module may require.
func (fp *footprint) consumerToolModules() []string {
	var out []string
	for _, m := range fp.Consumer.Graph {
		if toolModules.MatchString(m) {
			out = append(out, m)
		}
	}
	return out
}

// printFootprint prints a short summary of the measurements.
func printFootprint(w io.Writer, fp *footprint) {
	fmt.Fprintf(w, "footprint (%s, %d runs):\n", fp.GoVersion, fp.Runs)
	fmt.Fprintf(w, "  %-28s %12s %12s\n", "", "partoo", "net/http")
	fmt.Fprintf(w, "  %-28s %12d %12d\n", "non-standard packages", len(fp.Partoo.NonStd), len(fp.Raw.NonStd))
	fmt.Fprintf(w, "  %-28s %12d %12d\n", "standard packages", fp.Partoo.Std, fp.Raw.Std)
	fmt.Fprintf(w, "  %-28s %12d %12d\n", "binary bytes (go build)", fp.Partoo.Size, fp.Raw.Size)
	fmt.Fprintf(w, "  %-28s %12d %12d\n", "binary bytes (-s -w)", fp.Partoo.Stripped, fp.Raw.Stripped)
	fmt.Fprintf(w, "  init added by partoo: %.0f µs median (non-standard packages: %.0f µs; %s's own: %.0f µs)\n",
		median(fp.AddedInit), median(fp.AddedNonStdInit), fp.Module, median(fp.ModuleInit))
	for _, s := range fp.addedInits() {
		fmt.Fprintf(w, "    %-45s %7.0f µs %8.0f B %5.0f allocs\n", s.Package, s.Micros, s.Bytes, s.Allocs)
	}
	fmt.Fprintf(w, "  consumer module graph: %d modules, %d built\n", len(fp.Consumer.Graph), len(fp.Consumer.Built))
	for _, m := range fp.Consumer.Graph {
		fmt.Fprintf(w, "    %s\n", m)
	}
	if len(fp.StaticInit) > 0 {
		fmt.Fprintln(w, "  package-level initializers that compile a regexp or touch the spec:")
		for _, s := range fp.StaticInit {
			fmt.Fprintf(w, "    %s\n", s)
		}
	}
}
