package pipeline

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// replaceAfter replaces the first old after the first anchor in s, and fails
// the test when either is missing, so that a mutation never silently does
// nothing.
func replaceAfter(t *testing.T, s, anchor, old, new string) string {
	t.Helper()
	i := strings.Index(s, anchor)
	if i < 0 {
		t.Fatalf("mutation: anchor %q not found", anchor)
	}
	j := strings.Index(s[i:], old)
	if j < 0 {
		t.Fatalf("mutation: %q not found after %q", old, anchor)
	}
	return s[:i+j] + new + s[i+j+len(old):]
}

// deleteWebhook is the new operation of the mutated spec.
const deleteWebhook = `  /webhooks/{webhook_id}:
    delete:
      tags:
        - Webhooks
      summary: Delete a webhook configuration
      operationId: deleteWebhook
      x-partoo-go-source:
        kind: assumption
        note: Added by the update-spec pipeline test.
      parameters:
        - $ref: '#/components/parameters/webhook_id'
        - $ref: '#/components/parameters/org_id'
      responses:
        '204':
          description: Deleted
        '401':
          $ref: '#/components/responses/401'
        '403':
          $ref: '#/components/responses/403'
        '404':
          $ref: '#/components/responses/404'
`

// reviewWebhook describes the new event type's delivery in the webhooks
// section, as the project's bundle describes each event from Partoo's docs.
const reviewWebhook = `webhooks:
  reviewCreated:
    post:
      summary: Review created
      description: >-
        Sent when a review is created. Partoo POSTs {"type": "review_created", "payload": ...} to the
        configured URL, signed in X-Partoo-Signature-v1.
      x-partoo-go-source:
        kind: assumption
        note: Added by the update-spec pipeline test.
      security: []
      parameters:
        - $ref: '#/components/parameters/partoo_signature_v1'
        - $ref: '#/components/parameters/partoo_webhook_tryout'
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required:
                - type
                - payload
              properties:
                type:
                  $ref: '#/components/schemas/event_type'
                payload:
                  type: object
      responses:
        '200':
          description: Return a 200 status to indicate that the event was properly received.
`

// partooChanges applies what Partoo changed in its own YAML: a new event
// type and a larger CustomHeaders limit. They apply to the bundle and to the
// seed excerpt of Partoo's docs alike.
func partooChanges(t *testing.T, s string) string {
	t.Helper()
	s = replaceAfter(t, s, "    event_type:\n", "        - lead_received\n", "        - lead_received\n        - review_created\n")
	return replaceAfter(t, s, "    CustomHeaders:\n", "      maxProperties: 5\n", "      maxProperties: 8\n")
}

// updateCheck runs in the updated copy: the generated code and the
// spec-derived behaviour follow each change, with no hand-written code.
const updateCheck = `package updatecheck

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/partoo-go/partoo"
	"github.com/partoo-go/partoo/gen"
)

func headers(n int) gen.CustomHeaders {
	h := gen.CustomHeaders{}
	for i := range n {
		h[fmt.Sprintf("X-H%d", i)] = "v"
	}
	return h
}

func TestUpdated(t *testing.T) {
	// The new enum value.
	if !gen.EventTypeReviewCreated.Valid() || gen.EventTypeReviewCreated != "review_created" {
		t.Fatal("EventTypeReviewCreated is not a valid event type")
	}
	// The new limit, in the validation.
	if err := partoo.ValidateCustomHeaders(headers(8)); err != nil {
		t.Fatalf("8 headers: %v", err)
	}
	if err := partoo.ValidateCustomHeaders(headers(9)); !errors.Is(err, partoo.ErrInvalidCustomHeaders) {
		t.Fatalf("9 headers: %v, want ErrInvalidCustomHeaders", err)
	}
	// The new operation has its helper, with org_id defaulting and error
	// mapping; a 204 helper returns only an error.
	var gotQuery string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotQuery = r.Method + " " + r.URL.Path + "?" + r.URL.RawQuery
		if r.URL.Path == "/v2/webhooks/404" {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	client, err := partoo.NewClient("k", partoo.WithBaseURL(srv.URL+"/v2"), partoo.WithOrgID(3))
	if err != nil {
		t.Fatal(err)
	}
	if err := client.Webhooks.Delete(context.Background(), 12); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if gotQuery != "DELETE /v2/webhooks/12?org_id=3" {
		t.Fatalf("request %q, want DELETE /v2/webhooks/12?org_id=3", gotQuery)
	}
	if err := client.Webhooks.Delete(context.Background(), 404); !errors.Is(err, partoo.ErrNotFound) {
		t.Fatalf("Delete(404) = %v, want ErrNotFound", err)
	}
}
`

// staleTest hard-codes a value of the spec, as no test should: the larger
// limit of TestUpdateSpecOutcomes breaks it.
const staleTest = `package stale

import (
	"os"
	"strings"
	"testing"
)

func TestSpecAsItWas(t *testing.T) {
	spec, err := os.ReadFile("../../api/openapi-bundled.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(spec), "maxProperties: 7") {
		t.Fatal("the custom-header limit changed")
	}
}
`

// TestUpdateSpec demonstrates `make update-spec` on a copy of the repository:
// the new spec brings a new operation, a new enum value and a larger
// CustomHeaders limit (with the seed excerpt refreshed as Partoo's docs
// would show it). The generated code and the spec-derived behaviour must
// follow each change. Then the breaking-change gate fails on the commit,
// and passes once the commit declares the break.
//
// Nothing is edited by hand: the fake serves the new operation from the
// generated tables, the tests derive the spec's values from them, and go
// generate rewrites the README's rules table, so the update must go through
// every step. (TestUpdateSpecOutcomes checks a failure at step 5.)
func TestUpdateSpec(t *testing.T) {
	skipUnlessHeavy(t, "copies the repository and runs make update-spec in it")
	t.Parallel()
	dir := copyRepo(t)
	gitInit(t, dir)
	inputs := t.TempDir()

	spec, err := os.ReadFile(filepath.Join(dir, "api", "openapi-bundled.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	mutated := partooChanges(t, string(spec))
	mutated = replaceAfter(t, mutated, "\npaths:\n", "  /webhooks/{webhook_id}:\n", deleteWebhook)
	mutated = replaceAfter(t, mutated, "\nwebhooks:\n", "\nwebhooks:\n", "\n"+reviewWebhook)
	seed, err := os.ReadFile(filepath.Join(dir, "tools", "spectest", "testdata", "seed-getWebhook.md"))
	if err != nil {
		t.Fatal(err)
	}
	newSpec := filepath.Join(inputs, "openapi-bundled.yaml")
	writeFile(t, newSpec, []byte(mutated))
	// Partoo's changes reach the seed's operation: its new excerpt first.
	writeFile(t, filepath.Join(dir, "tools", "spectest", "testdata", "seed-getWebhook.md"), []byte(partooChanges(t, string(seed))))
	gitCommit(t, dir, "Partoo's new seed excerpt")

	out, err := command(t, dir, nil, "make", "update-spec", "SPEC="+newSpec)
	t.Logf("make update-spec:\n%s", out)
	for _, want := range []string{
		"[1/6] lint", "speclint: " + newSpec + ": ok",
		"[3/6] regenerate",
		"[4/6] what changed",
		"DELETE /webhooks/{webhook_id}", // the new operation in the changelog
		"review_created",                // the new enum value
		"[5/6] build, vet and test",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the update-spec output lacks %q", want)
		}
	}
	// Breaking changes come first in the report.
	report := out[strings.Index(out, "[4/6]"):]
	if e, i := strings.Index(report, "\nerror\t"), strings.Index(report, "\ninfo\t"); e < 0 || i < 0 || e > i {
		t.Errorf("the changelog does not list the errors (breaking) before the infos")
	}

	// The generated code reflects each change.
	genSrc, readErr := os.ReadFile(filepath.Join(dir, "gen", "partoo.gen.go"))
	if readErr != nil {
		t.Fatal(readErr)
	}
	for _, want := range []string{`func \(c \*Client\) DeleteWebhook\(`, `EventTypeReviewCreated\s+EventType = "review_created"`} {
		if !regexp.MustCompile(want).Match(genSrc) {
			t.Errorf("gen/partoo.gen.go lacks %s", want)
		}
	}
	writeFile(t, filepath.Join(dir, "internal", "updatecheck", "update_test.go"), []byte(updateCheck))
	check := run(t, dir, nil, "go", "test", "-count=1", "-v", "./internal/updatecheck/")
	if !strings.Contains(check, "--- PASS: TestUpdated") {
		t.Fatalf("the generated code does not follow the spec:\n%s", check)
	}
	os.RemoveAll(filepath.Join(dir, "internal", "updatecheck"))

	if err != nil {
		t.Fatalf("update-spec failed: a spec change must go through by regeneration alone, with no hand edit (a test that hard-codes a value of the spec fails here: derive it from internal/apispec): %v", err)
	}
	if !strings.Contains(out, "[6/6] write the update into the tree") || !strings.Contains(out, "BREAKING: oasdiff rates") {
		t.Fatalf("update-spec succeeded without the next steps and the breaking-change notice")
	}
	readme, readErr := os.ReadFile(filepath.Join(dir, "README.md"))
	if readErr != nil {
		t.Fatal(readErr)
	}
	if !strings.Contains(string(readme), "| headers at most (`maxProperties`) | 8 |") {
		t.Errorf("README.md's rules table does not state the new limit of 8 headers")
	}

	// The gate: undeclared, the breaking changes fail; declared, they pass.
	gitCommit(t, dir, "Take Partoo's new spec")
	gate, gateErr := command(t, dir, gitEnv, "make", "breaking", "BASE=HEAD~1")
	if gateErr == nil || !strings.Contains(gate, "FAIL:") {
		t.Fatalf("make breaking passed an undeclared breaking change:\n%s", gate)
	}
	run(t, dir, gitEnv, "git", "-c", "commit.gpgsign=false", "commit", "-q", "--amend", "-m",
		"Take Partoo's new spec\n\nBREAKING-CHANGE: review_created may appear in responses")
	if gate := run(t, dir, gitEnv, "make", "breaking", "BASE=HEAD~1"); !strings.Contains(gate, "declared by the commit trailer") {
		t.Fatalf("make breaking did not accept the trailer:\n%s", gate)
	}
}

// TestUpdateSpecOutcomes checks update-spec's other outcomes on a copy: a
// spec that fails the lint or the generator changes nothing (an untracked
// file under gen/ included), a dirty tree is refused, a test the new spec
// breaks stops it at step 5 with the tree as it was, and a harmless change
// goes through every step to the next steps.
func TestUpdateSpecOutcomes(t *testing.T) {
	skipUnlessHeavy(t, "copies the repository and runs make update-spec in it")
	t.Parallel()
	dir := copyRepo(t)
	gitInit(t, dir)
	inputs := t.TempDir()
	specPath := filepath.Join(dir, "api", "openapi-bundled.yaml")
	spec, err := os.ReadFile(specPath)
	if err != nil {
		t.Fatal(err)
	}

	// A duplicate operationId fails the lint: nothing changes.
	bad := filepath.Join(inputs, "bad.yaml")
	writeFile(t, bad, []byte(strings.Replace(string(spec), "operationId: tryoutWebhooks", "operationId: getWebhookList", 1)))
	out, err := command(t, dir, nil, "make", "update-spec", "SPEC="+bad)
	if err == nil || !strings.Contains(out, "FAILED at step 1 (spec-lint)") || !strings.Contains(out, "Nothing was changed") {
		t.Fatalf("a spec failing the lint was not refused at step 1:\n%s", out)
	}
	if status := run(t, dir, gitEnv, "git", "status", "--porcelain"); status != "" {
		t.Fatalf("a refused update changed the tree:\n%s", status)
	}

	// A spec that passes the lint but that the generator refuses (a tag
	// whose service name the client already uses) fails at step 3: the
	// tree is as it was, generated code and an untracked file included.
	writeFile(t, filepath.Join(dir, "gen", "notes.txt"), []byte("untracked"))
	refused := filepath.Join(inputs, "refused.yaml")
	writeFile(t, refused, []byte(replaceAfter(t, string(spec), "    put:\n      tags:\n", "        - Webhooks\n", "        - Do\n")))
	out, err = command(t, dir, nil, "make", "update-spec", "SPEC="+refused)
	if err == nil || !strings.Contains(out, "FAILED at step 3") || !strings.Contains(out, "Nothing was changed") {
		t.Fatalf("a spec refused by the generator was not reported at step 3 with nothing changed:\n%s", out)
	}
	if status := run(t, dir, gitEnv, "git", "status", "--porcelain"); strings.TrimSpace(status) != "?? gen/notes.txt" {
		t.Fatalf("a failed update left the tree changed:\n%s", status)
	}
	if err := os.Remove(filepath.Join(dir, "gen", "notes.txt")); err != nil {
		t.Fatal(err)
	}

	// Uncommitted changes are refused, so that the update's changes stand
	// apart from the maintainer's.
	writeFile(t, filepath.Join(dir, "version.go"), []byte("package partoo\n\n// Version is the version of this module.\nconst Version = \"0.1.0\"\n\n// edited\n"))
	harmless := filepath.Join(inputs, "harmless.yaml")
	writeFile(t, harmless, []byte(replaceAfter(t, string(spec), "operationId: tryoutWebhooks", "paraphrased from the page.", "paraphrased from the operation's page.")))
	out, err = command(t, dir, nil, "make", "update-spec", "SPEC="+harmless)
	if err == nil || !strings.Contains(out, "uncommitted changes") {
		t.Fatalf("update-spec ran on a dirty tree:\n%s", out)
	}
	run(t, dir, gitEnv, "git", "checkout", "--", "version.go")

	// A hand-written test that hard-codes the spec stops the update at
	// step 5, after the regeneration (which rewrote the README's rules
	// table too): the tree is as it was.
	writeFile(t, filepath.Join(dir, "internal", "stale", "stale_test.go"), []byte(staleTest))
	larger := func(s string) []byte {
		return []byte(replaceAfter(t, s, "    CustomHeaders:\n", "      maxProperties: 5\n", "      maxProperties: 7\n"))
	}
	seed, err := os.ReadFile(filepath.Join(dir, "tools", "spectest", "testdata", "seed-getWebhook.md"))
	if err != nil {
		t.Fatal(err)
	}
	limit, seedPath := filepath.Join(inputs, "limit.yaml"), filepath.Join(dir, "tools", "spectest", "testdata", "seed-getWebhook.md")
	writeFile(t, limit, larger(string(spec)))
	writeFile(t, seedPath, larger(string(seed)))
	gitCommit(t, dir, "A test that hard-codes the spec, and the seed of the larger limit")
	out, err = command(t, dir, nil, "make", "update-spec", "SPEC="+limit)
	if err == nil || !strings.Contains(out, "FAILED at step 5") || !strings.Contains(out, "Nothing was changed") {
		t.Fatalf("a spec that breaks a test was not reported at step 5 with nothing changed: %v\n%s", err, out)
	}
	if status := run(t, dir, gitEnv, "git", "status", "--porcelain"); status != "" {
		t.Fatalf("a failed update left the tree changed:\n%s", status)
	}
	run(t, dir, gitEnv, "git", "rm", "-q", "-r", "internal/stale")
	writeFile(t, seedPath, seed)
	gitCommit(t, dir, "Remove the test that hard-codes the spec, and take the seed back")

	// A harmless change goes through all six steps.
	out, err = command(t, dir, nil, "make", "update-spec", "SPEC="+harmless)
	if err != nil {
		t.Fatalf("a harmless update failed: %v\n%s", err, out)
	}
	for _, want := range []string{"[5/6] build, vet and test", "[6/6] write the update into the tree", "0 breaking", "No breaking spec change", "apidiff", "CHANGELOG.md"} {
		if !strings.Contains(out, want) {
			t.Errorf("the output lacks %q:\n%s", want, out)
		}
	}
	if status := run(t, dir, gitEnv, "git", "status", "--porcelain"); !strings.Contains(status, "api/openapi-bundled.yaml") {
		t.Errorf("the spec was not replaced:\n%s", status)
	}
}
