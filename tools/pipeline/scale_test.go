package pipeline

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

// syntheticResources is how many resources the synthetic spec adds, each
// with three operations (list, get, create): 300 operations besides the
// Webhooks family.
const syntheticResources = 100

// probeResource is the synthetic resource whose list operation the
// generated-code test drives.
const probeResource = 42

func source(note string) map[string]any {
	return map[string]any{"kind": "assumption", "note": note}
}

func ref(to string) map[string]any { return map[string]any{"$ref": to} }

func errorResponses(codes ...string) map[string]any {
	m := map[string]any{}
	for _, c := range codes {
		m[c] = ref("#/components/responses/" + c)
	}
	return m
}

// syntheticSpec returns spec (the bundled spec) with syntheticResources
// resources added in Partoo's style: a shared org_id parameter, list
// operations answering ListResult plus items through allOf, page and
// per_page parameters, an enum per resource, and the shared error responses.
// Every added element carries x-partoo-go-source, so the spec still lints.
func syntheticSpec(t *testing.T, spec []byte) []byte {
	t.Helper()
	var doc map[string]any
	if err := yaml.Unmarshal(spec, &doc); err != nil {
		t.Fatal(err)
	}
	paths := doc["paths"].(map[string]any)
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	const note = "synthetic resource of the scale test"
	for i := 0; i < syntheticResources; i++ {
		name := fmt.Sprintf("Resource%03d", i)
		lower := fmt.Sprintf("resource%03d", i)
		idParam := map[string]any{"name": lower + "_id", "in": "path", "required": true, "schema": map[string]any{"type": "integer"}}
		item := ref("#/components/schemas/" + name + "Item")

		listResponses := errorResponses("400", "401", "403", "404", "429")
		listResponses["200"] = map[string]any{
			"description": "OK",
			"content": map[string]any{"application/json": map[string]any{"schema": map[string]any{
				"allOf": []any{
					ref("#/components/schemas/ListResult"),
					map[string]any{"type": "object", "properties": map[string]any{
						"items": map[string]any{"type": "array", "items": item},
					}},
				},
			}}},
		}
		createResponses := errorResponses("400", "401", "403", "415", "429")
		createResponses["200"] = map[string]any{"description": "OK", "content": map[string]any{"application/json": map[string]any{"schema": item}}}
		getResponses := errorResponses("401", "403", "404")
		getResponses["200"] = map[string]any{"description": "OK", "content": map[string]any{"application/json": map[string]any{"schema": item}}}

		paths["/"+lower+"s"] = map[string]any{
			"get": map[string]any{
				"tags": []any{name}, "summary": "List " + lower + "s", "operationId": "get" + name + "List",
				"x-partoo-go-source": source(note),
				"parameters": []any{
					ref("#/components/parameters/org_id"),
					ref("#/components/parameters/query_page"),
					ref("#/components/parameters/query_per_page_1_100"),
				},
				"responses": listResponses,
			},
			"post": map[string]any{
				"tags": []any{name}, "summary": "Create a " + lower, "operationId": "create" + name,
				"x-partoo-go-source": source(note),
				"parameters":         []any{ref("#/components/parameters/org_id")},
				"requestBody": map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{
					"schema": ref("#/components/schemas/" + name + "CreatePayload"),
				}}},
				"responses": createResponses,
			},
		}
		paths["/"+lower+"s/{"+lower+"_id}"] = map[string]any{
			"get": map[string]any{
				"tags": []any{name}, "summary": "Get a " + lower, "operationId": "get" + name,
				"x-partoo-go-source": source(note),
				"parameters":         []any{idParam, ref("#/components/parameters/org_id")},
				"responses":          getResponses,
			},
		}
		schemas[name+"Status"] = map[string]any{
			"type": "string", "description": "The " + lower + " status.", "x-partoo-go-source": source(note),
			"enum": []any{"active", "closed", fmt.Sprintf("pending_%03d", i)},
		}
		schemas[name+"Item"] = map[string]any{
			"type": "object", "x-partoo-go-source": source(note),
			"required": []any{"id", "name", "status", "org_id"},
			"properties": map[string]any{
				"id":     map[string]any{"type": "integer"},
				"name":   map[string]any{"type": "string"},
				"status": ref("#/components/schemas/" + name + "Status"),
				"org_id": map[string]any{"type": "integer"},
			},
		}
		schemas[name+"CreatePayload"] = map[string]any{
			"type": "object", "x-partoo-go-source": source(note),
			"required": []any{"name"},
			"properties": map[string]any{
				"name":           map[string]any{"type": "string", "maxLength": 200},
				"custom_headers": ref("#/components/schemas/CustomHeaders"),
			},
		}
	}
	out, err := yaml.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// scaleCheck is the test written into the copy: it drives a NEW list
// operation of the synthetic spec through the generated client embedded in
// partoo.Client, partoo.Paginate and the *APIError mapping, against an
// httptest server. The package under test has no code for it: only the
// generated code and the generic layer.
const scaleCheck = `package scalecheck

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/partoo-go/partoo"
	"github.com/partoo-go/partoo/gen"
)

func TestNewListOperation(t *testing.T) {
	const perPage, total = 2, 5
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v2/RESOURCEs", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("org_id") != "7" || r.Header.Get("x-APIKey") != "k" {
			http.Error(w, "missing org_id or key: "+r.URL.RawQuery, http.StatusTeapot)
			return
		}
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		if page == 0 {
			page = 1
		}
		if r.URL.Query().Get("fail") == "403" && page == 2 {
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprint(w, ` + "`" + `{"errors": {"authorization": "Operation not allowed"}}` + "`" + `)
			return
		}
		maxPage := (total + perPage - 1) / perPage
		items := "["
		for i := (page-1)*perPage + 1; i <= min(page*perPage, total); i++ {
			if len(items) > 1 {
				items += ","
			}
			items += fmt.Sprintf(` + "`" + `{"id": %d, "name": "n%d", "status": "active", "org_id": 7}` + "`" + `, i, i)
		}
		fmt.Fprintf(w, ` + "`" + `{"page": %d, "max_page": %d, "count": %d, "items": %s]}` + "`" + `, page, maxPage, total, items)
	})
	mux.HandleFunc("GET /v2/RESOURCEs/{id}", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, ` + "`" + `{"errors": {"json": "Resource not found"}}` + "`" + `)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	client, err := partoo.NewClient("k", partoo.WithBaseURL(srv.URL+"/v2"), partoo.WithOrgID(7))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	var ids []int
	for item, err := range partoo.Paginate[gen.NAMEItem](ctx, client.GetNAMEList, &gen.GetNAMEListParams{}) {
		if err != nil {
			t.Fatal(err)
		}
		if item.Status != gen.NAMEStatusActive || !item.Status.Valid() {
			t.Fatalf("status %q", item.Status)
		}
		ids = append(ids, item.ID)
	}
	if fmt.Sprint(ids) != "[1 2 3 4 5]" {
		t.Fatalf("paginated ids = %v, want [1 2 3 4 5]", ids)
	}

	// An error on page 2 ends the iteration with the mapped error.
	failOn2 := func(_ context.Context, req *http.Request) error {
		q := req.URL.Query()
		q.Set("fail", "403")
		req.URL.RawQuery = q.Encode()
		return nil
	}
	var seen int
	var iterErr error
	for _, err := range partoo.Paginate[gen.NAMEItem](ctx, func(ctx context.Context, p *gen.GetNAMEListParams, eds ...gen.RequestEditorFn) (*http.Response, error) {
		return client.GetNAMEList(ctx, p, append(eds, failOn2)...)
	}, &gen.GetNAMEListParams{}) {
		if err != nil {
			iterErr = err
			break
		}
		seen++
	}
	if seen != perPage || !errors.Is(iterErr, partoo.ErrForbidden) {
		t.Fatalf("saw %d items then %v, want %d then ErrForbidden", seen, iterErr, perPage)
	}

	_, err = client.GetNAMEWithResponse(ctx, 99, &gen.GetNAMEParams{})
	var apiErr *partoo.APIError
	if !errors.Is(err, partoo.ErrNotFound) || !errors.As(err, &apiErr) || len(apiErr.Messages) != 1 || apiErr.Messages[0] != "json: Resource not found" {
		t.Fatalf("GetNAME(99) error = %v, want a 404 *APIError with the message", err)
	}

	found := false
	for _, op := range gen.Operations() {
		if op.ID == "getNAMEList" {
			found = op.Paginated && op.Path == "/RESOURCEs"
		}
	}
	if !found {
		t.Fatal("gen.Operations has no paginated getNAMEList")
	}
	if n := len(gen.Operations()); n < OPS {
		t.Fatalf("gen.Operations has %d operations, want at least OPS", n)
	}
}
`

// buildAll builds every package of the copy at dir. The fake Partoo server
// (partootest) implements the generated strict server interface by hand, one
// method per operation, on purpose: a spec change it does not follow fails to
// compile. So operations the fake does not implement yet are accepted as the
// only errors, as long as every other package builds.
func buildAll(t *testing.T, dir string) {
	t.Helper()
	out, err := command(dir, nil, "go", "build", "./...")
	if err == nil {
		return
	}
	for _, line := range strings.Split(out, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if !strings.HasPrefix(line, "partootest/") || !strings.Contains(line, "missing method") {
			t.Fatalf("go build ./... failed beyond the fake server's unimplemented operations:\n%s", out)
		}
	}
	t.Logf("partootest does not implement the new operations yet (expected):\n%s", out)
	// Every package that neither is nor imports partootest must build.
	var others []string
	list := run(t, dir, nil, "go", "list", "-f", `{{.ImportPath}} {{join .Deps " "}}`, "./...")
	for _, line := range strings.Split(strings.TrimSpace(list), "\n") {
		fields := strings.Fields(line)
		if len(fields) == 0 || slices.ContainsFunc(fields, func(p string) bool { return strings.HasSuffix(p, "/partootest") }) {
			continue
		}
		others = append(others, fields[0])
	}
	if !slices.Contains(others, "github.com/partoo-go/partoo") {
		t.Fatalf("the root package is not among the packages to build: %v", others)
	}
	run(t, dir, nil, "go", append([]string{"build"}, others...)...)
}

// TestGenerateFromLargeSpec generates the client from a synthetic spec of a
// few hundred operations in a copy of the repository and checks that the
// generation is deterministic, that the result compiles, that the spec
// lints, and that a new list operation paginates and maps errors with no
// hand-written code.
func TestGenerateFromLargeSpec(t *testing.T) {
	t.Parallel()
	dir := copyRepo(t)
	specPath := filepath.Join(dir, "api", "openapi-bundled.yaml")
	original, err := os.ReadFile(specPath)
	if err != nil {
		t.Fatal(err)
	}
	spec := syntheticSpec(t, original)
	writeFile(t, specPath, spec)

	// The Webhooks family is kept.
	for _, id := range []string{"getWebhookList", "getWebhook", "updateWebhook", "tryoutWebhooks"} {
		if !strings.Contains(string(spec), "operationId: "+id) {
			t.Fatalf("the synthetic spec lost %s", id)
		}
	}
	run(t, filepath.Join(dir, "tools"), nil, "go", "run", "./cmd/speclint",
		"-spec", specPath, "-seed", filepath.Join(dir, "tools", "spectest", "testdata", "seed-getWebhook.md"))

	start := time.Now()
	run(t, dir, nil, "go", "generate", "./...")
	t.Logf("go generate (%d operations): %v", 3*syntheticResources+5, time.Since(start))
	first := snapshot(t, dir)
	run(t, dir, nil, "go", "generate", "./...")
	if diff := diffSnapshots(first, snapshot(t, dir)); len(diff) > 0 {
		t.Fatalf("go generate is not deterministic: a second run changed %v", diff)
	}

	genSrc, err := os.ReadFile(filepath.Join(dir, "gen", "partoo.gen.go"))
	if err != nil {
		t.Fatal(err)
	}
	methods := regexp.MustCompile(`(?m)^func \(c \*Client\) (\w+)\(`).FindAllSubmatch(genSrc, -1)
	if want := 3*syntheticResources + 5; len(methods) < want {
		t.Fatalf("gen/partoo.gen.go has %d raw client methods, want at least %d", len(methods), want)
	}

	start = time.Now()
	buildAll(t, dir)
	t.Logf("go build: %v", time.Since(start))

	name := fmt.Sprintf("Resource%03d", probeResource)
	check := strings.NewReplacer("RESOURCE", strings.ToLower(name), "NAME", name,
		"OPS", fmt.Sprint(3*syntheticResources)).Replace(scaleCheck)
	writeFile(t, filepath.Join(dir, "internal", "scalecheck", "scale_test.go"), []byte(check))
	out := run(t, dir, nil, "go", "test", "-count=1", "-v", "-run", "TestNewListOperation", "./internal/scalecheck/")
	if !strings.Contains(out, "--- PASS: TestNewListOperation") {
		t.Fatalf("the new list operation's test did not pass:\n%s", out)
	}
}
