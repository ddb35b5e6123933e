package partoo_test

// These benchmarks measure what partoo.Client costs over the bare generated
// client (package gen) and over raw net/http. BENCHMARKS.md has the method
// and the results, and `make bench` runs them. The figures that do not
// depend on the machine's load are gated by tests: TestAllocsOverGen
// (allocs_test.go) and the package tools/footprint.
//
// Each operation goes through three paths: raw (net/http and
// encoding/json), gen (gen.ClientWithResponses, with a request editor that
// sets the key) and client (partoo.Client with its defaults, validation
// included). All three send the same headers and decode into the same gen
// types. raw and gen calls get a 30 s deadline, as the client gives each
// request by default (the pages of a raw or gen List share one).
//
// The paths are interleaved call by call. Each b.Loop iteration calls every
// path once, rotating which goes first, and times each call; the benchmark
// reports each path's mean time and the ratios of the totals (client/gen,
// client/raw, gen/raw). Sub-benchmarks would run seconds apart, and a shared
// 2-core machine drifts between them by more than the 2-8% the targets
// allow. Interleaved calls share the conditions, so each run of the test
// binary gives one paired ratio, and `make bench` takes the median of 15.
// The GC is shared too: a path's assists can land on another path's call,
// so the allocs/req and B/req figures (per path, after the timed loop) show
// that cost directly.
//
// BenchmarkInMemory uses memTransport, the same canned answers for every
// path: CPU and allocations only. BenchmarkLoopback and BenchmarkLargePage
// talk to a server in another process (TestBenchHelperProcess), so its CPU
// and GC stay out of the measured process.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	oapiruntime "github.com/oapi-codegen/runtime"

	"github.com/partoo-go/partoo"
	"github.com/partoo-go/partoo/gen"
)

const (
	benchKey     = "bench-api-key"
	benchPages   = 10      // pages of the List walk
	benchPerPage = 100     // items per page, the spec's maximum
	largeItems   = 200_000 // items of the large page: 50.5 MB of JSON
	helperEnv    = "PARTOO_BENCH_HELPER"
)

// pathNames names the paths, in the order of every []benchOp.
var pathNames = []string{"raw", "gen", "client"}

// benchItem returns the spec's example WebhookItem with the given id.
func benchItem(id int) gen.WebhookItem {
	return gen.WebhookItem{
		ID: id, URL: "https://example.com/webhook", EventType: gen.EventTypeBusinessCreated,
		CreatedAt: "2024-11-27T16:10:44.929678Z", UpdatedAt: "2024-11-27T16:10:44.929678Z", OrgID: 1,
		CustomHeaders: &gen.CustomHeaders{"X-My-Header": "my-value", "X-Auth-Token": "secret-token"},
	}
}

// canned holds the small answers by route, encoded once; largePage is built
// only by the process that serves it.
var (
	canned = sync.OnceValue(func() map[string][]byte {
		m := map[string][]byte{
			"GET /v2/webhooks/1": encode(benchItem(1)),
			"PUT /v2/webhooks/1": encode(benchItem(1)),
			"POST /v2/webhooks":  encode(map[string]any{"items": []gen.WebhookItem{benchItem(1)}}),
		}
		for p := 1; p <= benchPages; p++ {
			m["GET /v2/webhooks?page="+strconv.Itoa(p)] = listPage(p, benchPages, benchPerPage)
		}
		return m
	})
	largePage = sync.OnceValue(func() []byte { return listPage(1, 1, largeItems) })
)

func encode(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// listPage returns page p of a list of max pages of n items each.
func listPage(p, max, n int) []byte {
	items := make([]gen.WebhookItem, n)
	for i := range items {
		items[i] = benchItem((p-1)*n + i + 1)
	}
	return encode(map[string]any{"page": p, "max_page": max, "count": max * n, "items": items})
}

// answer returns the status and body that answer a request. It returns 401
// without the key, 400 for a list request without per_page=100, and 404 for
// anything the benchmarks do not call. A list request without a page asks
// for page 1.
func answer(method, path, query, key string) (int, []byte) {
	switch {
	case key != benchKey:
		return http.StatusUnauthorized, []byte(`{"error":{"authentication":"User not authenticated"}}`)
	case method != http.MethodGet || (path != "/v2/webhooks" && path != "/large/v2/webhooks"):
	case !strings.Contains(query, "per_page=100"):
		return http.StatusBadRequest, []byte(`{"error":{"json":"per_page must be 100"}}`)
	case path == "/large/v2/webhooks":
		return http.StatusOK, largePage()
	default:
		page := "1"
		for kv := range strings.SplitSeq(query, "&") {
			if v, ok := strings.CutPrefix(kv, "page="); ok {
				page = v
			}
		}
		path += "?page=" + page
	}
	if body, ok := canned()[method+" "+path]; ok {
		return http.StatusOK, body
	}
	return http.StatusNotFound, []byte(`{"error":{"json":"Resource not found"}}`)
}

// memTransport answers every request in memory with answer.
type memTransport struct{}

// RoundTrip implements http.RoundTripper.
func (memTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		io.Copy(io.Discard, req.Body)
		req.Body.Close()
	}
	status, body := answer(req.Method, req.URL.Path, req.URL.RawQuery, req.Header.Get(partoo.APIKeyHeader))
	return &http.Response{
		StatusCode: status, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, Request: req,
		Header:        http.Header{"Content-Type": {"application/json"}, "Content-Length": {strconv.Itoa(len(body))}},
		Body:          io.NopCloser(bytes.NewReader(body)),
		ContentLength: int64(len(body)),
	}, nil
}

// loopbackTransport returns a transport like http.DefaultTransport, with
// room for 64 idle connections to the server. Every path gets its own.
func loopbackTransport() http.RoundTripper {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns, t.MaxIdleConnsPerHost = 64, 64
	return t
}

// benchEnv holds each path's client, for one base URL (ending with /v2).
type benchEnv struct {
	base string
	hc   *http.Client
	gen  *gen.ClientWithResponses
	c    *partoo.Client
}

// newEnv builds the paths, each over a transport from rt.
func newEnv(tb testing.TB, base string, rt func() http.RoundTripper) *benchEnv {
	e := &benchEnv{base: base, hc: &http.Client{Transport: rt()}}
	var err error
	e.gen, err = gen.NewClientWithResponses(base+"/", gen.WithHTTPClient(&http.Client{Transport: rt()}),
		gen.WithRequestEditorFn(func(_ context.Context, req *http.Request) error {
			setHeaders(req.Header)
			return nil
		}))
	if err == nil {
		e.c, err = partoo.NewClient(benchKey, partoo.WithBaseURL(base), partoo.WithTransport(rt()))
	}
	if err != nil {
		tb.Fatal(err)
	}
	return e
}

// setHeaders sets the headers that the client sends with every request.
func setHeaders(h http.Header) {
	h.Set(partoo.APIKeyHeader, benchKey)
	h.Set("User-Agent", "bench")
	h.Set("Accept", "application/json")
}

// raw sends one request, with in as its JSON body unless in is nil, checks
// the status, and decodes the answer into out.
func (e *benchEnv) raw(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		body = bytes.NewReader(encode(in))
	}
	req, err := http.NewRequestWithContext(ctx, method, e.base+path, body)
	if err != nil {
		return err
	}
	setHeaders(req.Header)
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := e.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s %s: %s", method, path, resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

// genAnswer is what the XxxWithResponse methods of gen return.
type genAnswer[T any] interface {
	GetJSON200() *T
	StatusCode() int
}

// ok200 returns the 200 answer of a gen call.
func ok200[T any](r genAnswer[T], err error) (*T, error) {
	if err != nil {
		return nil, err
	}
	if v := r.GetJSON200(); v != nil {
		return v, nil
	}
	return nil, fmt.Errorf("gen: status %d", r.StatusCode())
}

// benchOp is one call of an operation through one path. It returns the last
// item it decoded and how many items it decoded.
type benchOp func(ctx context.Context) (gen.WebhookItem, int, error)

func one(it *gen.WebhookItem, err error) (gen.WebhookItem, int, error) {
	if err != nil {
		return gen.WebhookItem{}, 0, err
	}
	return *it, 1, nil
}

func last(items []gen.WebhookItem, err error) (gen.WebhookItem, int, error) {
	if err != nil || len(items) == 0 {
		return gen.WebhookItem{}, 0, err
	}
	return items[len(items)-1], len(items), nil
}

// benchCase is one operation: how to call it through each path, how many
// HTTP requests a call makes, and what it must return.
type benchCase struct {
	name  string
	reqs  int
	want  gen.WebhookItem
	wantN int
	paths func(e *benchEnv) []benchOp
}

// benchCases returns Get, Create and Update (with five custom headers, the
// spec's maximum, which the client validates) and List.
func benchCases() []benchCase {
	headers := gen.CustomHeaders{}
	for i := range 5 {
		headers["X-Bench-Header-"+strconv.Itoa(i)] = "a-shared-secret-value"
	}
	hookURL := "https://example.com/webhook"
	create := gen.CreateWebhooksPayload{Items: []gen.WebhookCreateItem{
		{URL: hookURL, EventType: gen.EventTypeBusinessCreated, CustomHeaders: &headers}}}
	update := gen.UpdateWebhookPayload{URL: &hookURL, CustomHeaders: &headers}
	return []benchCase{
		{"Get", 1, benchItem(1), 1, func(e *benchEnv) []benchOp {
			return []benchOp{func(ctx context.Context) (gen.WebhookItem, int, error) {
				var it gen.WebhookItem
				return one(&it, e.raw(ctx, http.MethodGet, "/webhooks/1", nil, &it))
			}, func(ctx context.Context) (gen.WebhookItem, int, error) {
				return one(ok200(e.gen.GetWebhookWithResponse(ctx, 1, nil)))
			}, func(ctx context.Context) (gen.WebhookItem, int, error) {
				return one(e.c.Webhooks.Get(ctx, 1))
			}}
		}},
		{"Create", 1, benchItem(1), 1, func(e *benchEnv) []benchOp {
			return []benchOp{func(ctx context.Context) (gen.WebhookItem, int, error) {
				var out struct{ Items []gen.WebhookItem }
				err := e.raw(ctx, http.MethodPost, "/webhooks", &create, &out)
				return last(out.Items, err)
			}, func(ctx context.Context) (gen.WebhookItem, int, error) {
				r, err := ok200(e.gen.WebhookWithResponse(ctx, nil, create))
				if err != nil {
					return last(nil, err)
				}
				return last(r.Items, nil)
			}, func(ctx context.Context) (gen.WebhookItem, int, error) {
				return last(e.c.Webhooks.Create(ctx, create))
			}}
		}},
		{"Update", 1, benchItem(1), 1, func(e *benchEnv) []benchOp {
			return []benchOp{func(ctx context.Context) (gen.WebhookItem, int, error) {
				var it gen.WebhookItem
				return one(&it, e.raw(ctx, http.MethodPut, "/webhooks/1", &update, &it))
			}, func(ctx context.Context) (gen.WebhookItem, int, error) {
				return one(ok200(e.gen.UpdateWebhookWithResponse(ctx, 1, nil, update)))
			}, func(ctx context.Context) (gen.WebhookItem, int, error) {
				return one(e.c.Webhooks.Update(ctx, 1, update))
			}}
		}},
		listCase(benchPages, benchPerPage),
	}
}

// listCase walks a list of pages pages of perPage items at the base URL.
// raw and gen stop on the last page, as the client's iterator does.
func listCase(pages, perPage int) benchCase {
	walk := func(ctx context.Context, page func(context.Context, int) ([]gen.WebhookItem, *int, error)) (gen.WebhookItem, int, error) {
		var it gen.WebhookItem
		n := 0
		for p := 1; ; p++ {
			items, maxPage, err := page(ctx, p)
			if err != nil || len(items) == 0 {
				return it, n, err
			}
			it, n = items[len(items)-1], n+len(items)
			if maxPage == nil || p >= *maxPage {
				return it, n, nil
			}
		}
	}
	return benchCase{"List", pages, benchItem(pages * perPage), pages * perPage, func(e *benchEnv) []benchOp {
		pp := benchPerPage
		return []benchOp{func(ctx context.Context) (gen.WebhookItem, int, error) {
			return walk(ctx, func(ctx context.Context, p int) ([]gen.WebhookItem, *int, error) {
				var out struct {
					MaxPage *int `json:"max_page"`
					Items   []gen.WebhookItem
				}
				err := e.raw(ctx, http.MethodGet, "/webhooks?page="+strconv.Itoa(p)+"&per_page=100", nil, &out)
				return out.Items, out.MaxPage, err
			})
		}, func(ctx context.Context) (gen.WebhookItem, int, error) {
			return walk(ctx, func(ctx context.Context, p int) ([]gen.WebhookItem, *int, error) {
				r, err := ok200(e.gen.GetWebhookListWithResponse(ctx, &gen.GetWebhookListParams{Page: &p, PerPage: &pp}))
				if err != nil {
					return nil, nil, err
				}
				return r.Items, r.MaxPage, nil
			})
		}, func(ctx context.Context) (gen.WebhookItem, int, error) {
			var it gen.WebhookItem
			n := 0
			for item, err := range e.c.Webhooks.List(ctx, &gen.GetWebhookListParams{PerPage: &pp}) {
				if err != nil {
					return it, n, err
				}
				it, n = item, n+1
			}
			return it, n, nil
		}}
	}}
}

// calls builds the case's paths on e, checks what each returns once, and
// returns them as calls that check the number of items.
func (bc benchCase) calls(tb testing.TB, e *benchEnv) []func() error {
	var calls []func() error
	for i, op := range bc.paths(e) {
		call := func() (gen.WebhookItem, int, error) {
			ctx := context.Background()
			if pathNames[i] != "client" {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, partoo.DefaultTimeout)
				defer cancel()
			}
			return op(ctx)
		}
		it, n, err := call()
		if diff := cmp.Diff(bc.want, it); err != nil || diff != "" || n != bc.wantN {
			tb.Fatalf("%s/%s: %v; %d items, want %d; last item (-want +got):\n%s", bc.name, pathNames[i], err, n, bc.wantN, diff)
		}
		calls = append(calls, func() error {
			if _, n, err := call(); err != nil || n != bc.wantN {
				return fmt.Errorf("%s/%s: %v; %d items, want %d", bc.name, pathNames[i], err, n, bc.wantN)
			}
			return nil
		})
	}
	return calls
}

// interleave runs the timed loop described at the top of the file, and
// returns each call's mean time in ns.
func interleave(b *testing.B, calls []func() error) []float64 {
	spent := make([]time.Duration, len(calls))
	rounds := 0
	for b.Loop() {
		for k := range calls {
			i := (rounds + k) % len(calls)
			start := time.Now()
			err := calls[i]()
			spent[i] += time.Since(start)
			if err != nil {
				b.Fatal(err)
			}
		}
		rounds++
	}
	ns := make([]float64, len(calls))
	for i, d := range spent {
		ns[i] = float64(d) / float64(rounds)
	}
	return ns
}

// report reports v for each path, in the unit <path><unit>, and the ratio of
// each later path to each earlier one (client/gen, client/raw, gen/raw). It
// suppresses ns/op, which would be the sum of the paths.
func report(b *testing.B, names []string, v []float64, unit string) {
	b.ReportMetric(0, "ns/op")
	for i, name := range names {
		b.ReportMetric(v[i], name+unit)
		for j := range i {
			b.ReportMetric(v[i]/v[j], name+"/"+names[j])
		}
	}
}

// perRequest returns the allocations and bytes per HTTP request of call,
// which makes reqs requests, over runs calls on one P (as
// testing.AllocsPerRun does).
func perRequest(call func() error, reqs, runs int) (allocs, bytes float64) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	call()
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	for range runs {
		call()
	}
	runtime.ReadMemStats(&m1)
	n := float64(reqs * runs)
	return float64(m1.Mallocs-m0.Mallocs) / n, float64(m1.TotalAlloc-m0.TotalAlloc) / n
}

// BenchmarkInMemory measures the CPU time and the allocations of each path,
// with memTransport in place of the network.
func BenchmarkInMemory(b *testing.B) {
	for _, bc := range benchCases() {
		b.Run(bc.name, func(b *testing.B) {
			calls := bc.calls(b, newEnv(b, "http://127.0.0.1/v2", func() http.RoundTripper { return memTransport{} }))
			report(b, pathNames, interleave(b, calls), "-ns/call")
			// After the loop, whose start resets the reported metrics.
			for i, call := range calls {
				allocs, bytes := perRequest(call, bc.reqs, max(200/bc.reqs, 5))
				b.ReportMetric(allocs, pathNames[i]+"-allocs/req")
				b.ReportMetric(bytes, pathNames[i]+"-B/req")
			}
		})
	}
}

// BenchmarkLoopback measures the wall time of each path, one call at a
// time, against a loopback server in another process. Get64 measures the
// throughput of 64 goroutines that share each path's client.
func BenchmarkLoopback(b *testing.B) {
	base := startServer(b) + "/v2"
	for _, bc := range benchCases() {
		b.Run(bc.name, func(b *testing.B) {
			report(b, pathNames, interleave(b, bc.calls(b, newEnv(b, base, loopbackTransport))), "-ns/call")
		})
	}
	b.Run("Get64", func(b *testing.B) {
		const workers, each = 64, 2
		calls := benchCases()[0].calls(b, newEnv(b, base, loopbackTransport))
		for i, call := range calls {
			calls[i] = func() error { // each worker calls each times
				var wg sync.WaitGroup
				for range workers {
					wg.Go(func() {
						for range each {
							if err := call(); err != nil {
								b.Error(err)
							}
						}
					})
				}
				wg.Wait()
				return nil
			}
			if err := calls[i](); err != nil { // opens the connections
				b.Fatal(err)
			}
		}
		perSec := interleave(b, calls)
		for i, ns := range perSec {
			perSec[i] = workers * each * 1e9 / ns
		}
		report(b, pathNames, perSec, "-req/s")
	})
}

// BenchmarkLargePage measures the peak RSS of a process that walks a list of
// one 50 MB page through one path. Each iteration starts this test binary
// once per path, and once idle for the footprint of the process itself.
func BenchmarkLargePage(b *testing.B) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		b.Skip("the peak RSS is read from /proc/self/status")
	}
	server := startServer(b)
	names := append([]string{"idle"}, pathNames...)
	kb := make([]float64, len(names))
	rounds := 0
	for b.Loop() {
		for k := range names {
			i := (rounds + k) % len(names)
			out, err := helper("rss:"+names[i], "PARTOO_BENCH_URL="+server).Output()
			var peak, n int
			if err == nil {
				_, err = fmt.Sscan(string(out), &peak, &n)
			}
			if err != nil || (i > 0 && n != largeItems) {
				b.Fatalf("%s: %q, %v", names[i], out, err)
			}
			kb[i] += float64(peak)
		}
		rounds++
	}
	for i := range kb {
		kb[i] *= 1024 / float64(rounds) // bytes
	}
	report(b, pathNames, kb[1:], "-peak-RSS-B")
	b.ReportMetric(kb[0], "idle-peak-RSS-B")
}

// BenchmarkRequestBuild compares gen's request builder for GetWebhook with
// net/http building the same request from a string (raw), and with what an
// overridden client.tmpl could emit (onepass): the server URL and the path
// joined and parsed once. gen parses the server URL, then the path against
// it, and then http.NewRequest parses the result again.
func BenchmarkRequestBuild(b *testing.B) {
	const server = "https://api.partoo.co/v2/"
	names := []string{"raw", "onepass", "gen"}
	calls := []func() error{func() error {
		_, err := http.NewRequest(http.MethodGet, server+"webhooks/"+strconv.Itoa(1), nil)
		return err
	}, func() error {
		p, err := oapiruntime.StyleParamWithOptions("simple", false, "webhook_id", 1,
			oapiruntime.StyleParamOptions{ParamLocation: oapiruntime.ParamLocationPath, Type: "integer"})
		if err != nil {
			return err
		}
		u, err := url.Parse(server + fmt.Sprintf("webhooks/%s", p))
		if err != nil {
			return err
		}
		_, err = http.NewRequest(http.MethodGet, u.String(), nil)
		return err
	}, func() error {
		_, err := gen.NewGetWebhookRequest(server, 1, nil)
		return err
	}}
	report(b, names, interleave(b, calls), "-ns/call")
	for i, call := range calls {
		allocs, _ := perRequest(call, 1, 1000)
		b.ReportMetric(allocs, names[i]+"-allocs/req")
	}
}

// startServer starts this test binary as a loopback server and returns its
// URL. The server stops when the benchmark ends, or when this process does
// and the server's stdin closes.
func startServer(b *testing.B) string {
	cmd := helper("serve")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		stdin.Close()
		cmd.Wait()
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		b.Fatalf("starting the server: %v", err)
	}
	return strings.TrimSpace(line)
}

// helper returns the command that runs this test binary as a helper of the
// benchmarks, in mode, with env added.
func helper(mode string, env ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^TestBenchHelperProcess$")
	cmd.Env = append(append(os.Environ(), helperEnv+"="+mode), env...)
	cmd.Stderr = os.Stderr
	return cmd
}

// TestBenchHelperProcess is not a test. The benchmarks start the test
// binary again with PARTOO_BENCH_HELPER set. With "serve" it serves answer
// on loopback and prints its URL, until stdin closes. With "rss:<path>" it
// walks the large page through the path (or nothing for "rss:idle"), then
// prints the peak RSS of the process in kB and the number of items.
func TestBenchHelperProcess(t *testing.T) {
	mode := os.Getenv(helperEnv)
	switch {
	case mode == "":
		t.Skip("run by the benchmarks")
	case mode == "serve":
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		go http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			status, body := answer(r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Get(partoo.APIKeyHeader))
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			w.WriteHeader(status)
			w.Write(body)
		}))
		fmt.Printf("http://%s\n", ln.Addr())
		io.Copy(io.Discard, os.Stdin)
	case strings.HasPrefix(mode, "rss:"):
		n := 0
		if path := strings.TrimPrefix(mode, "rss:"); path != "idle" {
			e := newEnv(t, os.Getenv("PARTOO_BENCH_URL")+"/large/v2", loopbackTransport)
			var err error
			if _, n, err = listCase(1, largeItems).paths(e)[slices.Index(pathNames, path)](context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		status, err := os.ReadFile("/proc/self/status")
		if err != nil {
			t.Fatal(err)
		}
		_, hwm, _ := strings.Cut(string(status), "VmHWM:")
		kb, _, _ := strings.Cut(strings.TrimSpace(hwm), " ")
		fmt.Println(kb, n)
	default:
		t.Fatalf("unknown %s=%q", helperEnv, mode)
	}
	os.Exit(0)
}
