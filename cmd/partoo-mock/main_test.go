package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/partoo-go/partoo/internal/syncbuf"
	"github.com/partoo-go/partoo/partootest"
)

// The test binary doubles as the command: with this variable set it runs
// main, so the signal test drives a real process.
const runMainEnv = "PARTOO_MOCK_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(runMainEnv) == "1" {
		os.Args = append([]string{"partoo-mock"}, strings.Fields(os.Getenv(runMainEnv+"_ARGS"))...)
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

var urlLine = regexp.MustCompile(`serving the Partoo API at (http://\S+/v2)`)

// get sends GET url with key and returns the status and body.
func get(t *testing.T, url, key string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	if key != "" {
		req.Header.Set("x-APIKey", key)
	}
	client := &http.Client{Transport: &http.Transport{}, Timeout: 10 * time.Second}
	defer client.CloseIdleConnections()
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// startRun runs the command in-process on a free port and returns its URL,
// its stderr, and a function that stops it and returns run's error.
func startRun(t *testing.T, args ...string) (string, *syncbuf.Buffer, func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	outR, outW := io.Pipe()
	stderr := &syncbuf.Buffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"-addr", "127.0.0.1:0"}, args...), outW, stderr)
		outW.Close()
	}()
	line, err := bufio.NewReader(outR).ReadString('\n')
	go io.Copy(io.Discard, outR)
	m := urlLine.FindStringSubmatch(line)
	if m == nil {
		cancel()
		t.Fatalf("no URL in the first line %q (%v); stderr: %s; run: %v", line, err, stderr.String(), <-done)
	}
	stop := sync.OnceValue(func() error {
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(10 * time.Second):
			return errors.New("run did not return 10 s after its context ended")
		}
	})
	t.Cleanup(func() { stop() })
	return m[1], stderr, stop
}

// writeFile writes content to a new file of the test and returns its path.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestRunServesTheAPI(t *testing.T) {
	t.Parallel()
	seed := writeFile(t, "seed.json", `{"webhooks":[{"url":"https://example.com/a","event_type":"business_created"},
		{"url":"https://example.com/b","event_type":"lead_received","org_id":7}], "resources": {}}`)
	url, stderr, stop := startRun(t, "-api-key", "k1", "-org-id", "3", "-provider-key", "pk", "-provider-orgs", "3,7", "-seed", seed, "-log")

	tests := []struct {
		name, path, key string
		want            int
		wantBody        string
	}{
		{"no key", "/webhooks", "", 401, `"authentication"`},
		{"org key sees its seeded webhook", "/webhooks", "k1", 200, `"url":"https://example.com/a"`},
		{"provider on org 7", "/webhooks?org_id=7", "pk", 200, `"url":"https://example.com/b"`},
		{"provider without org_id", "/webhooks", "pk", 400, `"org_id"`},
		{"per_page out of range", "/webhooks?per_page=101", "k1", 400, `"per_page"`},
		{"get", "/webhooks/1", "k1", 200, `"event_type":"business_created"`},
		{"another org's webhook", "/webhooks/2", "k1", 404, `Resource not found`},
		{"trailing slash", "/webhooks/", "k1", 404, `Resource not found`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := get(t, url+tt.path, tt.key)
			if status != tt.want || !strings.Contains(body, tt.wantBody) {
				t.Errorf("%d %s, want %d with %s", status, body, tt.want, tt.wantBody)
			}
		})
	}
	if err := stop(); err != nil {
		t.Errorf("run: %v", err)
	}
	if _, err := http.Get(url + "/webhooks"); err == nil {
		t.Error("the server still answers after it stopped")
	}
	logs := stderr.String()
	if !strings.Contains(logs, "path=/v2/webhooks") || !strings.Contains(logs, "status=401") {
		t.Errorf("-log: request log missing lines:\n%s", logs)
	}
	for _, secret := range []string{"k1", "pk"} {
		if regexp.MustCompile(`\b` + secret + `\b`).MatchString(logs) {
			t.Errorf("the log shows the key %q:\n%s", secret, logs)
		}
	}
}

// -quota answers 429 with Retry-After past the quota.
func TestRunQuota(t *testing.T) {
	t.Parallel()
	url, _, stop := startRun(t, "-quota", "2/1h")
	for i, want := range []int{200, 200} {
		if status, _ := get(t, url+"/webhooks", DefaultAPIKey); status != want {
			t.Errorf("request %d: %d, want %d", i+1, status, want)
		}
	}
	req, _ := http.NewRequest(http.MethodGet, url+"/webhooks", nil)
	req.Header.Set("x-APIKey", DefaultAPIKey)
	client := &http.Client{Transport: &http.Transport{}, Timeout: 10 * time.Second}
	defer client.CloseIdleConnections()
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	// The first request leaves the window an hour after it came, less the
	// time the others took.
	secs, err := strconv.Atoi(resp.Header.Get("Retry-After"))
	if resp.StatusCode != 429 || err != nil || secs > 3600 || secs < 3000 {
		t.Errorf("third request: %d with Retry-After %q, want 429 with about 3600", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if err := stop(); err != nil {
		t.Errorf("run: %v", err)
	}
}

// Request logs are opt-in: without -log the mock is quiet.
func TestRunLogIsOptIn(t *testing.T) {
	t.Parallel()
	url, stderr, stop := startRun(t)
	get(t, url+"/webhooks", DefaultAPIKey)
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(stderr.String(), "path=") {
		t.Errorf("the mock logs requests without -log:\n%s", stderr.String())
	}
}

func TestRunErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tests := []struct {
		name string
		args []string
		is   func(error) bool
	}{
		{"unknown flag", []string{"-nope"}, isUsage},
		{"extra argument", []string{"serve"}, isUsage},
		{"provider key without orgs", []string{"-provider-key", "pk"}, isUsage},
		{"provider orgs without key", []string{"-provider-orgs", "1"}, isUsage},
		{"bad provider org", []string{"-provider-key", "pk", "-provider-orgs", "1,x"}, isUsage},
		{"bad quota", []string{"-quota", "300"}, isUsage},
		{"zero quota", []string{"-quota", "0/1m"}, isUsage},
		{"bad org id", []string{"-org-id", "0"}, isStart},
		{"empty key", []string{"-api-key", ""}, isStart},
		{"bad address", []string{"-addr", "nowhere"}, isStart},
		{"port out of range", []string{"-addr", "127.0.0.1:99999"}, isStart},
		{"missing seed file", []string{"-seed", filepath.Join(dir, "none.json")}, func(err error) bool {
			var se *seedError
			return errors.As(err, &se) && errors.Is(err, fs.ErrNotExist)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			args := tt.args
			if !strings.Contains(strings.Join(args, " "), "-addr") {
				args = append([]string{"-addr", "127.0.0.1:0"}, args...)
			}
			if err := run(ctx, args, io.Discard, io.Discard); !tt.is(err) {
				t.Errorf("run(%q) = %v (%T)", tt.args, err, err)
			}
		})
	}
}

func isUsage(err error) bool {
	var u *usageError
	return errors.As(err, &u)
}

// isStart reports an error that is not the command line's: the server
// could not start (exit status 1).
func isStart(err error) bool {
	return err != nil && !isUsage(err)
}

// A seed file is checked as strictly as the API, and every error says
// where: line, column and field (in JSONPath's bracket notation).
func TestSeedErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		content    string
		line, col  int
		field      string
		onlyOnLoad bool // the shape is right; the server refuses the content
	}{
		{name: "syntax error", content: "{\n  \"webhooks\": [\n    {\"url\": \"https://a.example\",, \"event_type\": \"lead_received\"}\n  ]\n}",
			line: 3, col: 33},
		{name: "cut short", content: "{\"webhooks\": [", line: 1, col: 15},
		{name: "empty file", content: "", line: 1, col: 1},
		{name: "not an object", content: `"webhooks"`, line: 1, col: 1},
		{name: "unknown top-level field", content: "{\n \"hooks\": []}", line: 2, col: 2, field: `["hooks"]`},
		{name: "webhooks not an array", content: `{"webhooks": {}}`, line: 1, col: 14, field: `["webhooks"]`},
		{name: "webhook not an object", onlyOnLoad: true, content: `{"webhooks": [1]}`, line: 1, col: 15, field: `["webhooks"][0]`},
		{name: "unknown webhook field", onlyOnLoad: true, content: "[{\"url\": \"https://a.example\",\n  \"colour\": \"red\"}]", line: 2, col: 13, field: `[0]`},
		{name: "keys in another case", onlyOnLoad: true, content: `[{"URL": "https://a.example", "Event_Type": "lead_received"}]`, line: 1, col: 45, field: `[0]`},
		{name: "type error", onlyOnLoad: true, content: "{\"webhooks\": [\n {\"url\": \"https://a.example\", \"event_type\": \"lead_received\",\n  \"org_id\": \"seven\"}]}",
			line: 3, col: 13, field: `["webhooks"][0]`},
		{name: "data after the value", content: `{"webhooks": []} []`, line: 1, col: 18},
		{name: "resources not an object", content: `{"resources": []}`, line: 1, col: 15, field: `["resources"]`},
		{name: "resource not an object", onlyOnLoad: true, content: `{"resources": {"/webhooks": [1]}}`, line: 1, col: 30, field: `["resources"]["/webhooks"][0]`},
		{name: "two webhooks for one event type", onlyOnLoad: true, content: `{"webhooks": [
  {"url": "https://a.example", "event_type": "lead_received"},
  {"url": "https://b.example", "event_type": "lead_received"}]}`, line: 3, col: 46, field: `["webhooks"][1]`},
		{name: "http to a public host", onlyOnLoad: true, content: `[{"event_type": "lead_received", "url": "http://a.example"}]`,
			line: 1, col: 41, field: `[0]`},
		{name: "unknown event type", onlyOnLoad: true, content: "{\"webhooks\": [{\"url\": \"https://a.example\",\n \"event_type\": \"business_exploded\"}]}",
			line: 2, col: 16, field: `["webhooks"][0]`},
		{name: "invalid custom header", onlyOnLoad: true, content: `{"webhooks": [{"url": "https://a.example", "event_type": "lead_received", "custom_headers": {"X-Partoo-Id": "1"}}]}`,
			line: 1, col: 93, field: `["webhooks"][0]`},
		{name: "undeliverable custom header", onlyOnLoad: true, content: `{"webhooks": [{"url": "https://a.example", "event_type": "lead_received", "custom_headers": {"X-A": "s3cret\r\n"}}]}`,
			line: 1, col: 93, field: `["webhooks"][0]`},
		{name: "webhooks as resources, checked as webhooks", onlyOnLoad: true, content: `{"resources": {"/webhooks": [{"url": "http://a.example"}]}}`,
			line: 1, col: 30, field: `["resources"]["/webhooks"][0]`},
		{name: "unknown collection", onlyOnLoad: true, content: "{\"resources\": {\"/things\": [\n {\"id\": 1}]}}", line: 1, col: 16, field: `["resources"]["/things"]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := writeFile(t, "seed.json", tt.content)
			sd, err := readSeed(path)
			if tt.onlyOnLoad {
				if err != nil {
					t.Fatalf("readSeed: %v, want the shape accepted", err)
				}
				srv := partootest.NewTestServer(t)
				_, _, err = sd.load(srv)
				if n := len(srv.Webhooks()); n != 0 {
					t.Errorf("%d webhooks stored from a refused seed, want 0", n)
				}
			}
			var se *seedError
			if !errors.As(err, &se) {
				t.Fatalf("err = %v (%T), want a *seedError", err, err)
			}
			if se.File != path || se.Line != tt.line || se.Column != tt.col || se.Field != tt.field {
				t.Errorf("%s:%d:%d field %q, want line %d, column %d, field %q (%v)", se.File, se.Line, se.Column, se.Field, tt.line, tt.col, tt.field, err)
			}
			if strings.Contains(err.Error(), "s3cret") {
				t.Errorf("the error shows a header value: %v", err)
			}
		})
	}
}

func TestSeedFormats(t *testing.T) {
	t.Parallel()
	for _, content := range []string{
		`[{"url": "https://a.example", "event_type": "lead_received"}]`,
		`{"webhooks": [{"id": 5, "url": "http://127.0.0.1:9/h", "event_type": "lead_received", "org_id": 2,
		  "custom_headers": {"X-A": "b"}, "created_at": "2020-01-01T00:00:00Z"}], "resources": {}}`,
	} {
		sd, err := readSeed(writeFile(t, "seed.json", content))
		if err != nil {
			t.Fatalf("%s: %v", content, err)
		}
		srv := partootest.NewTestServer(t)
		if hooks, resources, err := sd.load(srv); err != nil || hooks != 1 || resources != 0 {
			t.Errorf("%s: load = %d, %d, %v", content, hooks, resources, err)
		}
	}
}

// Errors are printed once, with one "partoo-mock:" prefix, and no usage
// dump.
func TestErrorsArePrintedOnce(t *testing.T) {
	t.Parallel()
	badSeed := writeFile(t, "seed.json", `{"webhooks": [1]}`)
	tests := []struct {
		name     string
		args     []string
		wantCode int
	}{
		{"listen error", []string{"-addr", "127.0.0.1:99999"}, 1},
		{"option refused by partootest", []string{"-addr", "127.0.0.1:0", "-org-id", "-1"}, 1},
		{"unknown flag", []string{"-nope"}, 2},
		{"seed error", []string{"-addr", "127.0.0.1:0", "-seed", badSeed}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var stdout, stderr bytes.Buffer
			code := runMain(context.Background(), tt.args, &stdout, &stderr)
			out := stderr.String()
			if code != tt.wantCode || strings.Count(out, "\n") != 1 || strings.Count(out, "partoo-mock:") != 1 ||
				!strings.HasPrefix(out, "partoo-mock: ") || strings.Contains(out, "partootest") {
				t.Errorf("exit %d, stderr %q; want exit %d and one line with one partoo-mock: prefix", code, out, tt.wantCode)
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout %q, want nothing", stdout.String())
			}
		})
	}
}

func TestHelp(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	if code := runMain(context.Background(), []string{"-h"}, io.Discard, &out); code != 0 {
		t.Fatalf("exit %d, want 0", code)
	}
	help := out.String()
	for _, want := range []string{"-addr", "127.0.0.1:8080", "-api-key", "-org-id", "-provider-key", "-provider-orgs", "-seed", "-log", "opt-in", "SIGTERM", "x-APIKey", "/v2", "partootest"} {
		if !strings.Contains(help, want) {
			t.Errorf("-h output does not mention %q", want)
		}
	}
	var zero partootest.Server
	for _, op := range zero.Operations() {
		line := regexp.MustCompile(`(?m)^\s+` + regexp.QuoteMeta(op.Method) + `\s+/v2` + regexp.QuoteMeta(op.Path) + `\s+` + regexp.QuoteMeta(op.ID) + `\s+` + string(op.Behavior) + `$`)
		if !line.MatchString(help) {
			t.Errorf("-h output does not list %s %s (%s) as %s", op.Method, op.Path, op.ID, op.Behavior)
		}
	}
}

// TestSignal runs the command as a process and stops it with SIGTERM, then
// SIGINT: it must exit 0 after a graceful shutdown.
func TestSignal(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("os.Process.Signal cannot send SIGINT or SIGTERM on Windows")
	}
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			t.Parallel()
			cmd := exec.Command(os.Args[0])
			cmd.Env = append(os.Environ(), runMainEnv+"=1", runMainEnv+"_ARGS=-addr 127.0.0.1:0 -api-key sigkey")
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			var stderr syncbuf.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer cmd.Process.Kill()
			line, _ := bufio.NewReader(stdout).ReadString('\n')
			m := urlLine.FindStringSubmatch(line)
			if m == nil {
				t.Fatalf("no URL in %q; stderr: %s", line, stderr.String())
			}
			go io.Copy(io.Discard, stdout)
			if status, body := get(t, m[1]+"/webhooks", "sigkey"); status != 200 {
				t.Fatalf("GET /webhooks: %d %s", status, body)
			}
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			errc := make(chan error, 1)
			go func() { errc <- cmd.Wait() }()
			select {
			case err := <-errc:
				if err != nil {
					t.Errorf("exit: %v; stderr: %s", err, stderr.String())
				}
			case <-time.After(10 * time.Second):
				t.Fatal("no exit 10 s after the signal")
			}
			if !strings.Contains(stderr.String(), "shutting down") {
				t.Errorf("stderr does not mention the shutdown:\n%s", stderr.String())
			}
		})
	}
}

// flag.ErrHelp is what run returns for -h; runMain turns it into exit 0.
func TestHelpError(t *testing.T) {
	t.Parallel()
	if err := run(context.Background(), []string{"-h"}, io.Discard, io.Discard); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("run(-h) = %v, want flag.ErrHelp", err)
	}
}

// TestBannerNamesTheAPIKey checks that the first lines name the API key to
// send, and the header, not only the signing key.
func TestBannerNamesTheAPIKey(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	outR, outW := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-api-key", "my-test-key"}, outW, io.Discard)
		outW.Close()
	}()
	r := bufio.NewReader(outR)
	var banner strings.Builder
	for range 3 {
		line, err := r.ReadString('\n')
		banner.WriteString(line)
		if err != nil {
			break
		}
	}
	go io.Copy(io.Discard, outR)
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`in the x-APIKey header: "my-test-key" (org key, org `, "curl -H 'x-APIKey: my-test-key' http://127.0.0.1:"} {
		if !strings.Contains(banner.String(), want) {
			t.Errorf("the banner does not say %q:\n%s", want, banner.String())
		}
	}
}
