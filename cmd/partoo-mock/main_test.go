package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/partoo-go/partoo/internal/syncbuf"
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
	resp, err := http.DefaultClient.Do(req)
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
	stop := func() error {
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(10 * time.Second):
			t.Fatal("run did not return after its context ended")
			return nil
		}
	}
	return m[1], stderr, stop
}

func TestRunServesTheAPI(t *testing.T) {
	seed := filepath.Join(t.TempDir(), "seed.json")
	os.WriteFile(seed, []byte(`{"items":[{"url":"https://example.com/a","event_type":"business_created"},
		{"url":"https://example.com/b","event_type":"lead_received","org_id":7}]}`), 0o600)
	url, stderr, stop := startRun(t, "-api-key", "k1", "-org-id", "3", "-provider-key", "pk", "-provider-orgs", "3,7", "-seed", seed)

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
		t.Errorf("request log missing lines:\n%s", logs)
	}
	for _, secret := range []string{"k1", "pk"} {
		if regexp.MustCompile(`\b` + secret + `\b`).MatchString(logs) {
			t.Errorf("the log shows the key %q:\n%s", secret, logs)
		}
	}
}

func TestRunQuiet(t *testing.T) {
	url, stderr, stop := startRun(t, "-log=false")
	get(t, url+"/webhooks", DefaultAPIKey)
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(stderr.String(), "path=") {
		t.Errorf("-log=false still logs requests:\n%s", stderr.String())
	}
}

func TestRunErrors(t *testing.T) {
	dir := t.TempDir()
	badSeed := filepath.Join(dir, "bad.json")
	os.WriteFile(badSeed, []byte(`[{"url":"https://example.com","event_type":"lead_received","colour":"red"}]`), 0o600)
	noURL := filepath.Join(dir, "nourl.json")
	os.WriteFile(noURL, []byte(`[{"event_type":"lead_received"}]`), 0o600)
	badType := filepath.Join(dir, "badtype.json")
	os.WriteFile(badType, []byte(`[{"url":"https://example.com","event_type":"nope"}]`), 0o600)
	badHeaders := filepath.Join(dir, "badheaders.json")
	os.WriteFile(badHeaders, []byte(`[{"url":"https://example.com","event_type":"lead_received","custom_headers":{"X-Partoo-Id":"1"}}]`), 0o600)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown flag", []string{"-nope"}, "flag provided but not defined"},
		{"extra argument", []string{"serve"}, "unexpected arguments"},
		{"provider key without orgs", []string{"-provider-key", "pk"}, "needs -provider-orgs"},
		{"provider orgs without key", []string{"-provider-orgs", "1"}, "needs -provider-key"},
		{"bad provider org", []string{"-provider-key", "pk", "-provider-orgs", "1,x"}, `"x" is not a positive`},
		{"bad org id", []string{"-org-id", "0"}, "org_id 0 is not positive"},
		{"empty key", []string{"-api-key", ""}, "WithAPIKey"},
		{"missing seed file", []string{"-seed", filepath.Join(dir, "none.json")}, "no such file"},
		{"seed with an unknown field", []string{"-seed", badSeed}, `unknown field "colour"`},
		{"seed without url", []string{"-seed", noURL}, "url and event_type are required"},
		{"seed with an unknown event type", []string{"-seed", badType}, `event_type "nope" is not one of the spec's event types`},
		{"seed with invalid custom headers", []string{"-seed", badHeaders}, `custom header "X-Partoo-Id"`},
		{"bad address", []string{"-addr", "nowhere"}, "WithAddr"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			err := run(ctx, tt.args, io.Discard, io.Discard)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("run(%q) = %v, want an error containing %q", tt.args, err, tt.want)
			}
		})
	}
}

func TestHelp(t *testing.T) {
	var out bytes.Buffer
	err := run(context.Background(), []string{"-h"}, io.Discard, &out)
	if !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("run(-h) = %v, want flag.ErrHelp", err)
	}
	for _, want := range []string{"-addr", "127.0.0.1:8080", "-api-key", "-org-id", "-provider-key", "-provider-orgs", "-seed", "-log", "SIGTERM", "x-APIKey", "/v2", "400", "401", "415"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("-h output does not mention %q", want)
		}
	}
}

// TestSignal runs the command as a process and stops it with SIGTERM, then
// SIGINT: it must exit 0 after a graceful shutdown.
func TestSignal(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("os.Process.Signal cannot send SIGINT or SIGTERM on Windows")
	}
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
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
