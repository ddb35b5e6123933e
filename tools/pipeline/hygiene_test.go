package pipeline

import (
	"encoding/json"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
	modzip "golang.org/x/mod/zip"

	"github.com/partoo-go/partoo"
)

const modulePath = "github.com/partoo-go/partoo"

// forbiddenModules must never reach a consumer's module graph: they are the
// generator and spec tools, which live in tools/go.mod.
var forbiddenModules = []string{
	"github.com/oapi-codegen/oapi-codegen/v2",
	"github.com/oasdiff/oasdiff",
	"github.com/getkin/kin-openapi",
}

// TestRootGoMod checks the root go.mod: no replace, no tool, and none of
// the forbidden modules, directly or indirectly.
func TestRootGoMod(t *testing.T) {
	t.Parallel()
	path := filepath.Join(repoRoot(t), "go.mod")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := modfile.Parse(path, data, nil)
	if err != nil {
		t.Fatal(err)
	}
	if f.Module.Mod.Path != modulePath {
		t.Errorf("module path %q, want %q", f.Module.Mod.Path, modulePath)
	}
	for _, r := range f.Replace {
		t.Errorf("go.mod replaces %s: a consumer would not see it; keep replaces in tools/go.mod", r.Old.Path)
	}
	for _, tool := range f.Tool {
		t.Errorf("go.mod has tool %s: tools belong in tools/go.mod", tool.Path)
	}
	for _, r := range f.Require {
		for _, bad := range forbiddenModules {
			if r.Mod.Path == bad {
				t.Errorf("go.mod requires %s", bad)
			}
		}
	}
}

// buildProxy writes a file-based module proxy holding the repository's
// module at version, zipped from the files git would commit, and returns its
// directory.
func buildProxy(t *testing.T, version string) string {
	t.Helper()
	root := repoRoot(t)
	src := t.TempDir()
	for _, f := range repoFiles(t, root) {
		copyFile(t, filepath.Join(root, f), filepath.Join(src, f))
	}
	proxy := t.TempDir()
	dir := filepath.Join(proxy, modulePath, "@v")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	zf, err := os.Create(filepath.Join(dir, version+".zip"))
	if err != nil {
		t.Fatal(err)
	}
	if err := modzip.CreateFromDir(zf, module.Version{Path: modulePath, Version: version}, src); err != nil {
		t.Fatal(err)
	}
	if err := zf.Close(); err != nil {
		t.Fatal(err)
	}
	mod, err := os.ReadFile(filepath.Join(src, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	info, err := json.Marshal(map[string]any{"Version": version, "Time": time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, version+".mod"), mod)
	writeFile(t, filepath.Join(dir, version+".info"), info)
	writeFile(t, filepath.Join(dir, "list"), []byte(version+"\n"))
	return proxy
}

// consumerMain is a program of another module that uses partoo against a
// local server and prints the User-Agent it received.
const consumerMain = `package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"

	"github.com/partoo-go/partoo"
)

func main() {
	var ua string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ua = r.Header.Get("User-Agent")
		io.WriteString(w, ` + "`" + `{"id": 1, "url": "https://example.com", "event_type": "business_created", "created_at": "x", "updated_at": "x", "org_id": 2}` + "`" + `)
	}))
	defer srv.Close()
	client, err := partoo.NewClient("key", partoo.WithBaseURL(srv.URL+"/v2"))
	if err != nil {
		log.Fatal(err)
	}
	hook, err := client.Webhooks.Get(context.Background(), 1)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("webhook %d\nuser-agent %s\n", hook.ID, ua)
}
`

// TestGoGetThroughModuleProxy publishes the module at "v"+partoo.Version in
// a local file-based module proxy, then builds a consumer module that gets
// it with `go get`. The consumer's module graph must not contain the
// generator or the spec tools, its build must link no YAML or OpenAPI
// parser, the module zip must ship the spec where docs/maintaining.md says, and the
// User-Agent must carry partoo.Version.
//
// Third-party modules come from the shared module cache's download
// directory, which is itself a file proxy, and then from the usual
// GOPROXY; the module cache of the test is private, so a stale copy of our
// module can never be used. Checksums of our unpublished module cannot be in
// the checksum database: GOSUMDB is off for this test only.
func TestGoGetThroughModuleProxy(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: builds a module proxy and oapi-codegen, and generates code in a consumer module")
	}
	t.Parallel()
	version := "v" + partoo.Version
	proxy := buildProxy(t, version)

	goEnv := func(name string) string {
		return strings.TrimSpace(run(t, t.TempDir(), nil, "go", "env", name))
	}
	upstream := "file://" + filepath.Join(goEnv("GOMODCACHE"), "cache", "download")
	if p := goEnv("GOPROXY"); p != "" && p != "off" {
		upstream += "," + p
	}
	env := []string{
		"GOPROXY=file://" + proxy + "," + upstream,
		"GOMODCACHE=" + filepath.Join(t.TempDir(), "modcache"),
		"GOFLAGS=-mod=mod -modcacherw",
		"GOSUMDB=off",
		"GOWORK=off",
		"GOTOOLCHAIN=local",
	}
	consumer := t.TempDir()
	writeFile(t, filepath.Join(consumer, "go.mod"), []byte("module example.com/consumer\n\ngo 1.26.0\n"))
	writeFile(t, filepath.Join(consumer, "main.go"), []byte(consumerMain))

	run(t, consumer, env, "go", "get", modulePath+"@"+version)
	run(t, consumer, env, "go", "build", "-o", "consumer", ".")
	out := run(t, consumer, env, "./consumer")
	if want := "user-agent partoo-go/" + partoo.Version + " ("; !strings.Contains(out, want) {
		t.Errorf("the program printed %q, want a line with %q", out, want)
	}

	graph := run(t, consumer, env, "go", "mod", "graph")
	if !strings.Contains(graph, modulePath+"@"+version) {
		t.Fatalf("the module graph does not contain %s@%s:\n%s", modulePath, version, graph)
	}
	for _, bad := range forbiddenModules {
		if strings.Contains(graph, bad+"@") {
			t.Errorf("the consumer's module graph contains %s", bad)
		}
	}
	run(t, consumer, env, "go", "mod", "verify")

	for _, pkg := range strings.Fields(run(t, consumer, env, "go", "list", "-deps", ".")) {
		for _, bad := range []string{"yaml", "kin-openapi", "openapi3", "oapi-codegen/oapi-codegen"} {
			if strings.Contains(pkg, bad) {
				t.Errorf("the consumer links %s", pkg)
			}
		}
	}

	dir := strings.TrimSpace(run(t, consumer, env, "go", "list", "-m", "-f", "{{.Dir}}", modulePath))
	if _, err := os.Stat(filepath.Join(dir, "api", "openapi-bundled.yaml")); err != nil {
		t.Errorf("the module does not ship api/openapi-bundled.yaml where docs/maintaining.md says: %v", err)
	}
	for _, sub := range []string{"tools", "examples/consumer-pipeline"} {
		if _, err := os.Stat(filepath.Join(dir, sub)); err == nil {
			t.Errorf("the module zip contains %s, a separate module", sub)
		}
	}

	docsCodegen(t, consumer, env)
}

// relaySpec is another team's spec, as in docs/maintaining.md ("Reusing the
// spec in another codegen pipeline").
const relaySpec = `openapi: 3.1.0
info:
  title: Relay
  version: 1.0.0
paths:
  /tenants/{tenant}/webhooks:
    get:
      operationId: listTenantWebhooks
      parameters:
        - name: tenant
          in: path
          required: true
          schema:
            type: string
      responses:
        '200':
          description: OK
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/TenantWebhooks'
components:
  schemas:
    TenantWebhooks:
      type: object
      properties:
        webhooks:
          type: array
          items:
            $ref: 'partoo.yaml#/components/schemas/WebhookItem'
    TenantHeaders:
      type: object
      properties:
        headers:
          $ref: 'partoo.yaml#/components/schemas/CustomHeaders'
`

// relayConfig is the oapi-codegen configuration of docs/maintaining.md.
const relayConfig = `package: relayapi
output: relayapi/relay.gen.go
generate:
  models: true
  client: true
output-options:
  name-normalizer: ToCamelCaseWithInitialisms
import-mapping:
  partoo.yaml: github.com/partoo-go/partoo/gen
`

// docsCodegen runs the codegen pipeline of docs/maintaining.md in the consumer module
// that got partoo through the proxy: copy the spec out of the module cache,
// generate with import-mapping, build. The generated code must reuse package
// gen, not copy its types.
func docsCodegen(t *testing.T, consumer string, env []string) {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "oapi-codegen")
	run(t, ".", nil, "go", "build", "-o", bin, "github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen")
	writeFile(t, filepath.Join(consumer, "api", "relay.yaml"), []byte(relaySpec))
	writeFile(t, filepath.Join(consumer, "oapi-codegen.yaml"), []byte(relayConfig))
	// The first go:generate line of docs/maintaining.md, twice: the copy must be
	// replaceable although the module cache is read-only.
	copySpec := `install -m 0644 "$(go list -m -f '{{.Dir}}' github.com/partoo-go/partoo)/api/openapi-bundled.yaml" api/partoo.yaml`
	run(t, consumer, env, "sh", "-c", copySpec)
	run(t, consumer, env, "sh", "-c", copySpec)
	run(t, consumer, env, bin, "-config", "oapi-codegen.yaml", "api/relay.yaml")
	run(t, consumer, env, "go", "build", "./...")
	src, err := os.ReadFile(filepath.Join(consumer, "relayapi", "relay.gen.go"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(src), `"github.com/partoo-go/partoo/gen"`) || !strings.Contains(string(src), "[]externalRef0.WebhookItem") {
		t.Errorf("the generated code does not use package gen:\n%s", src)
	}
	for _, decl := range []string{"type WebhookItem ", "type CustomHeaders "} {
		if strings.Contains(string(src), decl) {
			t.Errorf("the generated code declares %q instead of reusing package gen", decl)
		}
	}
}

// TestToolsImportNoRootInternals: no program or package of the tools
// module imports the root module's internal packages (its tests may). The
// generated tables live there: a broken one would stop specgen, which
// regenerates them, from building.
func TestToolsImportNoRootInternals(t *testing.T) {
	t.Parallel()
	tools := filepath.Join(repoRoot(t), "tools")
	err := filepath.WalkDir(tools, func(path string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.IsDir() && (d.Name() == "testdata" || d.Name() == "node_modules"):
			return filepath.SkipDir
		case d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go"):
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		for _, imp := range f.Imports {
			if p, _ := strconv.Unquote(imp.Path.Value); strings.HasPrefix(p, modulePath+"/internal/") {
				rel, _ := filepath.Rel(tools, path)
				t.Errorf("tools/%s imports %s: the tools module must not import the root module's internal packages", rel, p)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
