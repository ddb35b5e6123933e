package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/partoo-go/partoo/tools/internal/specload"
	"github.com/partoo-go/partoo/tools/internal/testspec"
)

// apiDir writes an api/ directory holding bundle as Partoo's verbatim
// bundle, with repairs (if any).
func apiDir(t *testing.T, bundle, repairs []byte) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, specload.VerbatimFile), bundle, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := specload.WriteRecord(dir, specload.Record{Source: specload.Partoo, Origin: "test", Date: "2026-01-01", SHA256: specload.Sum(bundle)}); err != nil {
		t.Fatal(err)
	}
	if repairs != nil {
		if err := os.WriteFile(filepath.Join(dir, specload.RepairsFile), repairs, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestRepair writes the repaired spec of a Partoo bundle, reports a stale
// repair, refuses one that matches nothing, and leaves an assembled bundle
// alone.
func TestRepair(t *testing.T) {
	t.Parallel()
	t.Run("Partoo's bundle with its repairs", func(t *testing.T) {
		t.Parallel()
		dir := apiDir(t, testspec.DefectsBundle(), testspec.DefectsRepairs())
		var stderr bytes.Buffer
		if code := run([]string{"-api", dir}, &stderr); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr.String())
		}
		got, err := os.ReadFile(filepath.Join(dir, "openapi-bundled.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		want, err := specload.Effective(specload.Input{Bundle: testspec.DefectsBundle(), Repairs: testspec.DefectsRepairs()})
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want.Spec) {
			t.Error("openapi-bundled.yaml is not the effective spec")
		}
		if !strings.Contains(stderr.String(), `"deleteVenuesByVenueId"`) {
			t.Errorf("the derived operationId is not reported: %s", stderr.String())
		}
	})
	t.Run("a repair Partoo made useless", func(t *testing.T) {
		t.Parallel()
		repairs := "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $.info\n    description: the title Partoo already has\n    update: {title: Partoo Rest API}\n"
		dir := apiDir(t, testspec.Webhooks(), []byte(repairs))
		var stderr bytes.Buffer
		if code := run([]string{"-api", dir}, &stderr); code != 0 || !strings.Contains(stderr.String(), "Partoo fixed it: drop the repair") {
			t.Fatalf("exit %d, stderr %q: want 0 and the stale repair reported", code, stderr.String())
		}
	})
	t.Run("a repair that matches nothing", func(t *testing.T) {
		t.Parallel()
		repairs := "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $.components.schemas.Gone\n    description: gone\n    remove: true\n"
		dir := apiDir(t, testspec.Webhooks(), []byte(repairs))
		var stderr bytes.Buffer
		if code := run([]string{"-api", dir}, &stderr); code != 1 || !strings.Contains(stderr.String(), "matches nothing") {
			t.Fatalf("exit %d, stderr %q: want 1 and the repair refused", code, stderr.String())
		}
		if _, err := os.Stat(filepath.Join(dir, "openapi-bundled.yaml")); err == nil {
			t.Error("a refused repair still wrote the spec")
		}
	})
	t.Run("an assembled bundle", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		spec := filepath.Join(dir, "openapi-bundled.yaml")
		if err := os.WriteFile(spec, testspec.Webhooks(), 0o644); err != nil {
			t.Fatal(err)
		}
		var stderr bytes.Buffer
		if code := run([]string{"-api", dir}, &stderr); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr.String())
		}
		if got, _ := os.ReadFile(spec); !bytes.Equal(got, testspec.Webhooks()) {
			t.Error("an assembled bundle was rewritten")
		}
		if err := os.WriteFile(filepath.Join(dir, specload.RepairsFile), testspec.DefectsRepairs(), 0o644); err != nil {
			t.Fatal(err)
		}
		if code := run([]string{"-api", dir}, &stderr); code != 1 || !strings.Contains(stderr.String(), "assembled") {
			t.Errorf("repairs beside an assembled bundle: exit %d, stderr %q; want 1", code, stderr.String())
		}
	})
}
