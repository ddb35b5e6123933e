package partoo_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// tracedProgram is a program of a user's module that imports the
// OpenTelemetry module, which needs a replace of its own.
const tracedProgram = `// Command traced builds a client with OpenTelemetry instrumentation.
package main

import (
	"log"

	"github.com/partoo-go/partoo"
	partootel "github.com/partoo-go/partoo/otel"
)

func main() {
	client, err := partoo.NewClient("a-key", partootel.WithTelemetry())
	if err != nil {
		log.Fatal(err)
	}
	_ = client
}
`

// sharedQuotaProgram is a program that imports the redislimit module,
// which needs a replace of its own too.
const sharedQuotaProgram = `// Command shared paces its calls with a quota shared through Redis.
package main

import (
	"log"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/partoo-go/partoo"
	"github.com/partoo-go/partoo/redislimit"
)

func main() {
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379"})
	client, err := partoo.NewClient("a-key", redislimit.WithRedis(rdb, 300, time.Minute))
	if err != nil {
		log.Fatal(err)
	}
	_ = client
}
`

// readmeInstallLines returns the command lines of the README's Install
// section: its first sh block, without comments and blank lines.
func readmeInstallLines(t *testing.T) []string {
	t.Helper()
	text, fences := readmeFences(t)
	start := strings.Index(text, "\n## Install\n")
	if start < 0 {
		t.Fatal("README.md has no Install section")
	}
	startLine := strings.Count(text[:start+1], "\n") + 1
	endLine := len(strings.Split(text, "\n"))
	if end := strings.Index(text[start+1:], "\n## "); end >= 0 {
		endLine = strings.Count(text[:start+1+end+1], "\n") + 1
	}
	for _, f := range fences {
		if f.lang != "sh" || f.line < startLine || f.line > endLine {
			continue
		}
		var lines []string
		for _, l := range strings.Split(f.text, "\n") {
			if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
				lines = append(lines, l)
			}
		}
		return lines
	}
	t.Fatal("README.md's Install section has no sh block")
	return nil
}

// TestREADMEInstallWorksAsWritten runs the lines of the README's Install
// section, as they are written, in a new module next to a copy of this
// repository, with the real go command and a module proxy that refuses
// this module as the public one does (it is not published). Then the
// module builds and tests the Quickstart (examples/hello) and builds
// programs that import the OpenTelemetry and redislimit modules.
//
// The proxy serves every other module from the module cache, and asks the
// go command's own GOPROXY for what the cache lacks, so the test runs
// offline once the cache holds the modules of this module, otel/ and
// redislimit/ (CI downloads them first).
func TestREADMEInstallWorksAsWritten(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command in a new module")
	}
	t.Parallel()
	lines := readmeInstallLines(t)
	root, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	goEnv := func(name string) string {
		out, err := exec.Command("go", "env", name).Output()
		if err != nil {
			t.Fatalf("go env %s: %v", name, err)
		}
		return strings.TrimSpace(string(out))
	}
	modCache, upstream := goEnv("GOMODCACHE"), goEnv("GOPROXY")

	var refused atomic.Int32
	files := http.FileServer(http.Dir(filepath.Join(modCache, "cache", "download")))
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/github.com/partoo-go/") {
			refused.Add(1)
			http.Error(w, "This module version is not available.", http.StatusForbidden)
			return
		}
		files.ServeHTTP(w, r) // 404 for what the cache lacks: the go command asks the next proxy
	}))
	t.Cleanup(proxy.Close)
	goproxy := proxy.URL
	if upstream != "" && upstream != "off" {
		goproxy += "," + upstream
	}

	// The layout the README describes: the clone next to the user's module.
	dir := t.TempDir()
	if err := os.Symlink(root, filepath.Join(dir, "partoo-go")); err != nil {
		t.Fatal(err)
	}
	app := filepath.Join(dir, "app")
	write := func(name string, data []byte) {
		path := filepath.Join(app, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", []byte("module example.com/app\n\ngo 1.26\n"))
	for _, name := range []string{"main.go", "main_test.go"} { // the Quickstart
		data, err := os.ReadFile(filepath.Join(root, "examples", "hello", name))
		if err != nil {
			t.Fatal(err)
		}
		write(name, data)
	}
	write("traced/main.go", []byte(tracedProgram))
	write("shared/main.go", []byte(sharedQuotaProgram))

	env := append(os.Environ(),
		"GOPROXY="+goproxy, "GOSUMDB=off", "GOFLAGS=", "GOWORK=off", "GOTOOLCHAIN=local",
		"GOPRIVATE=", "GONOPROXY=", "GONOSUMDB=", "GOINSECURE=")
	run := func(line string) (string, error) {
		cmd := exec.Command("sh", "-c", line)
		cmd.Dir, cmd.Env = app, env
		out, err := cmd.CombinedOutput()
		return string(out), err
	}

	// The proxy refuses the module, as the public one does.
	if out, err := run("go get github.com/partoo-go/partoo"); err == nil || !strings.Contains(out, "403") {
		t.Fatalf("go get github.com/partoo-go/partoo: want a 403 from the proxy, got %v:\n%s", err, out)
	}
	if refused.Load() == 0 {
		t.Fatal("the go command did not ask the refusing proxy")
	}

	for _, line := range lines {
		if out, err := run(line); err != nil {
			t.Fatalf("the README's Install line %q fails: %v\n%s", line, err, out)
		}
	}
	for _, line := range []string{"go build ./...", "go vet ./...", "go test -count=1 ."} {
		if out, err := run(line); err != nil {
			t.Fatalf("after the README's Install lines, %s fails: %v\n%s", line, err, out)
		}
	}
}
