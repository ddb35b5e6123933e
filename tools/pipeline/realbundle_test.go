package pipeline

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestRealPartooBundle takes a real Partoo bundle as it is, defects and
// all, through `make update-spec SOURCE=partoo REPAIRS=...`, in a copy of
// the repository. It runs only when given the bundle, since the project
// does not ship Partoo's files:
//
//	PARTOO_REAL_BUNDLE=/path/to/bundle.yaml    Partoo's bundle (make bundle-spec makes one from a multi-file reference)
//	PARTOO_REAL_REPAIRS=/path/to/repairs.yaml  the repairs overlay written for it (optional)
//	PARTOO_REAL_NAMES=/path/to/names.yaml      naming entries to append to api/names.yaml first (optional)
//
// The repairs, the lint and the generation must go through. The build and
// the tests go through as well unless the bundle lacks what the
// hand-written code is built on (the Webhooks family); then the failure is
// logged, and the tree must be as it was.
func TestRealPartooBundle(t *testing.T) {
	bundle := os.Getenv("PARTOO_REAL_BUNDLE")
	if bundle == "" {
		t.Skip("set PARTOO_REAL_BUNDLE=/path/to/bundle.yaml (and PARTOO_REAL_REPAIRS=/path/to/repairs.yaml) to run the pipeline on a real Partoo bundle")
	}
	skipUnlessHeavy(t, "copies the repository and regenerates it from a real bundle")
	dir := copyRepo(t)
	// The consumer example reuses today's Webhooks schemas by $ref; a
	// bundle without them would fail it for reasons of its own.
	if err := os.RemoveAll(filepath.Join(dir, "examples", "consumer-pipeline")); err != nil {
		t.Fatal(err)
	}
	if names := os.Getenv("PARTOO_REAL_NAMES"); names != "" {
		extra, err := os.ReadFile(names)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, "api", "names.yaml")
		current, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, path, append(current, extra...))
	}
	gitInit(t, dir)
	args := []string{"update-spec", "SPEC=" + bundle, "SOURCE=partoo", "ORIGIN=a real Partoo bundle"}
	if repairs := os.Getenv("PARTOO_REAL_REPAIRS"); repairs != "" {
		args = append(args, "REPAIRS="+repairs)
	}
	start := time.Now()
	out, err := command(t, dir, nil, "make", args...)
	elapsed := time.Since(start).Round(time.Second)
	if i := strings.Index(out, "==> update-spec [1/6]"); i >= 0 {
		lint := out[i:]
		if j := strings.Index(lint, "==> update-spec [2/6]"); j >= 0 {
			lint = lint[:j]
		}
		t.Logf("step 1 (repairs and lint):\n%s", lint)
	}
	for step, what := range map[string]string{"[3/6]": "the repairs and the lint", "[4/6]": "the generation"} {
		if !strings.Contains(out, "==> update-spec "+step) {
			t.Fatalf("update-spec stopped before step %s: %s did not go through (%v, %v):\n%s", step, what, err, elapsed, out)
		}
	}
	if err == nil {
		t.Logf("make %s: through all six steps in %v", strings.Join(args, " "), elapsed)
		return
	}
	failure := out
	if i := strings.LastIndex(out, "==> update-spec ["); i >= 0 {
		failure = out[i:]
	}
	t.Logf("make %s: %v after %v; the failed step:\n%s", strings.Join(args, " "), err, elapsed, failure)
	if status := run(t, dir, gitEnv, "git", "status", "--porcelain"); status != "" {
		t.Errorf("the failed update left the tree changed:\n%s", status)
	}
}
