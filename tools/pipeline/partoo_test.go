package pipeline

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

// fixturePath is the Partoo-shaped bundle of the pipeline tests: every
// endpoint of Partoo's public API whose method and path its docs show, with
// schemas in Partoo's conventions. It is test data, not Partoo's bundle.
const fixturePath = "testdata/partoo-bundle/openapi-bundled.yaml"

// seedElements returns the operations ("get /path") and components
// ("schemas/Name") of the seed excerpt: Partoo's verbatim YAML, which
// needs no x-partoo-go-source.
func seedElements(t *testing.T, root string) map[string]bool {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(root, "tools", "spectest", "testdata", "seed-getWebhook.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(raw), "````yaml")
	if !ok {
		t.Fatal("the seed has no ````yaml fence")
	}
	_, rest, _ = strings.Cut(rest, "\n")
	body, _, _ := strings.Cut(rest, "````")
	var seed struct {
		Paths      map[string]map[string]any            `yaml:"paths"`
		Components map[string]map[string]map[string]any `yaml:"components"`
	}
	if err := yaml.Unmarshal([]byte(body), &seed); err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for path, item := range seed.Paths {
		for method := range item {
			out[method+" "+path] = true
		}
	}
	for section, items := range seed.Components {
		for name := range items {
			out[section+"/"+name] = true
		}
	}
	return out
}

// markEverything returns the fixture with an x-partoo-go-source on every
// operation, webhook and component that is not in the seed excerpt, as a
// bundle the project assembled from Partoo's docs would carry.
func markEverything(t *testing.T, root string, fixture []byte) []byte {
	t.Helper()
	var doc map[string]any
	if err := yaml.Unmarshal(fixture, &doc); err != nil {
		t.Fatal(err)
	}
	seed := seedElements(t, root)
	mark := map[string]any{"kind": "assumption", "note": "a test fixture in Partoo's shapes"}
	for path, item := range doc["paths"].(map[string]any) {
		for method, op := range item.(map[string]any) {
			if o, ok := op.(map[string]any); ok && !seed[method+" "+path] {
				o["x-partoo-go-source"] = mark
			}
		}
	}
	if hooks, ok := doc["webhooks"].(map[string]any); ok {
		for _, item := range hooks {
			for _, op := range item.(map[string]any) {
				if o, ok := op.(map[string]any); ok {
					o["x-partoo-go-source"] = mark
				}
			}
		}
	}
	for section, items := range doc["components"].(map[string]any) {
		if section == "securitySchemes" {
			continue
		}
		for name, v := range items.(map[string]any) {
			if o, ok := v.(map[string]any); ok && !seed[section+"/"+name] {
				if _, isRef := o["$ref"]; !isRef {
					o["x-partoo-go-source"] = mark
				}
			}
		}
	}
	out, err := yaml.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// withDefects returns the fixture with defects of the kinds a real Partoo
// bundle has, which testdata/partoo-bundle/repairs.yaml repairs: an
// operation without an operationId and with its path parameter
// undeclared, a type that is not JSON Schema's, an array without items, a
// discriminator mapping to a schema the bundle lacks, a schema's
// "required: true".
func withDefects(t *testing.T, fixture []byte) []byte {
	t.Helper()
	s := string(fixture)
	s = replaceAfter(t, s, "      operationId: deleteUser\n", "        - $ref: '#/components/parameters/path_user_id'\n", "")
	s = replaceAfter(t, s, "      summary: Delete user\n", "      operationId: deleteUser\n", "")
	s = replaceAfter(t, s, "    query_update_date__gte:\n", "        type: string\n", "        type: timestamp\n")
	s = replaceAfter(t, s, "    Section:\n", "          items:\n            $ref: '#/components/schemas/Group'\n", "")
	s = replaceAfter(t, s, "    CreatePostPayload:\n", "          OFFER: '#/components/schemas/OfferPostPayload'\n",
		"          OFFER: '#/components/schemas/OfferPostPayload'\n          ALERT: '#/components/schemas/AlertPostPayload'\n")
	return []byte(replaceAfter(t, s, "    Section:\n", "          minLength: 1\n", "          minLength: 1\n          required: true\n"))
}

// TestPartooBundle drops the Partoo-shaped fixture (77 operations in 18
// tags: page, cursor and next-link lists, resource families, 204s, an async
// answer, nullable fields, a discriminated oneOf, a multipart upload, a
// binary download and upload, a CSV export, uuid ids, ids above 2^53,
// readOnly and writeOnly properties, an allOf part that requires a
// property of its base) into copies of the repository
// with `make update-spec`: once as Partoo's verbatim bundle (SOURCE=partoo),
// once with every element marked, as an assembled bundle. With no hand
// edit, the update must go through (lint, generation, build, vet, tests);
// generation must be deterministic; and in the copy, every operation must
// have its helper, every list operation's iterator must walk every page
// against partootest, every resource family must keep what it is sent
// through create, get, list, update and delete against partootest, and
// partoo-mock must answer a valid request of every
// operation with its success status and an invalid one with a 4xx it declares. Partoo's
// bundle is taken as it is, with defects injected (withDefects) and
// repaired by a repairs overlay (REPAIRS=), the way a real one is.
func TestPartooBundle(t *testing.T) {
	skipUnlessHeavy(t, "copies the repository, regenerates it from a 77-operation bundle and runs its tests")
	root := repoRoot(t)
	fixture, err := os.ReadFile(filepath.Join(root, "tools", "pipeline", fixturePath))
	if err != nil {
		t.Fatal(err)
	}
	check, err := os.ReadFile(filepath.Join(root, "tools", "pipeline", "testdata", "pipelinecheck_test.go.txt"))
	if err != nil {
		t.Fatal(err)
	}
	for _, mode := range []struct {
		name, source string
		marked       bool
	}{
		{"Partoo's verbatim bundle", "partoo", false},
		{"assembled bundle with every element marked", "", true},
	} {
		t.Run(mode.name, func(t *testing.T) {
			dir := copyRepo(t)
			gitInit(t, dir)
			spec := filepath.Join(t.TempDir(), "openapi-bundled.yaml")
			bundle := fixture
			if mode.marked {
				writeFile(t, spec, markEverything(t, root, fixture))
			} else {
				bundle = withDefects(t, fixture)
				writeFile(t, spec, bundle)
			}
			args := []string{"update-spec", "SPEC=" + spec}
			if mode.source != "" {
				args = append(args, "SOURCE="+mode.source, "ORIGIN=pipeline test fixture",
					"REPAIRS="+filepath.Join(root, "tools", "pipeline", "testdata", "partoo-bundle", "repairs.yaml"))
			}
			start := time.Now()
			out, err := command(t, dir, nil, "make", args...)
			t.Logf("make %s: %v in %v", strings.Join(args, " "), err, time.Since(start).Round(time.Second))
			if err != nil || !strings.Contains(out, "[6/6] write the update into the tree") {
				t.Fatalf("update-spec did not go through: %v\n%s", err, out)
			}
			if _, report, ok := strings.Cut(out, "[6/6] write the update into the tree"); ok {
				t.Logf("update-spec's summary:%s", report)
			}
			prov, err := os.ReadFile(filepath.Join(dir, "api", "provenance.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			if got := regexp.MustCompile(`(?m)^source: partoo$`).Match(prov); got != (mode.source == "partoo") {
				t.Errorf("api/provenance.yaml:\n%s\nwant source partoo: %t", prov, mode.source == "partoo")
			}
			if mode.source == "partoo" {
				verbatim, err := os.ReadFile(filepath.Join(dir, "api", "partoo-verbatim.yaml"))
				if err != nil || string(verbatim) != string(bundle) {
					t.Errorf("api/partoo-verbatim.yaml is not the bundle as given (%v)", err)
				}
				names, err := os.ReadFile(filepath.Join(dir, "api", "names.yaml"))
				if err != nil || !strings.Contains(string(names), "DELETE /user/{user_id}: deleteUserByUserId") {
					t.Errorf("api/names.yaml does not record the derived operationId (%v):\n%s", err, names)
				}
				// A repair of the seed's info reaches the repaired bundle;
				// the seed check (spectest, in update-spec's tests) took it,
				// since it compares the seed with the verbatim file.
				bundled, err := os.ReadFile(filepath.Join(dir, "api", "openapi-bundled.yaml"))
				if err != nil || !strings.Contains(string(bundled), "https://www.partoo.co/en/contact/") {
					t.Errorf("api/openapi-bundled.yaml lacks the repair of info (%v)", err)
				}
				// spec-lint passes on the result, with no mark anywhere.
				run(t, dir, nil, "make", "spec-lint")
			}

			// Generation is deterministic and fast.
			before := snapshot(t, dir)
			start = time.Now()
			run(t, dir, nil, "go", "generate", "./...")
			t.Logf("go generate of the %d-line bundle: %v (warm)", strings.Count(string(fixture), "\n"), time.Since(start).Round(10*time.Millisecond))
			if diff := diffSnapshots(before, snapshot(t, dir)); len(diff) > 0 {
				t.Errorf("regenerating changed %v", diff)
			}

			// The client, its iterators and the fake, with no hand edit.
			mock := filepath.Join(t.TempDir(), "partoo-mock")
			run(t, dir, nil, "go", "build", "-o", mock, "./cmd/partoo-mock")
			writeFile(t, filepath.Join(dir, "pipelinecheck_test.go"), check)
			result := run(t, dir, []string{"PARTOO_MOCK=" + mock}, "go", "test", "-count=1", "-run", "^TestPipelineCheck$", "-v", ".")
			for _, line := range strings.Split(result, "\n") {
				if strings.Contains(line, "pipelinecheck_test.go") {
					t.Log(strings.TrimSpace(line))
				}
			}
		})
	}
}
