package specload

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestLoad(t *testing.T) {
	t.Parallel()
	doc, err := Load("../../../api/openapi-bundled.yaml")
	if err != nil {
		t.Fatalf("Load(bundled spec): %v", err)
	}
	if doc.Paths.Value("/webhooks/{webhook_id}") == nil {
		t.Error("the bundled spec has no /webhooks/{webhook_id}")
	}

	dir := t.TempDir()
	for name, body := range map[string]string{
		"missing file": "",
		"invalid":      "openapi: 3.1.0\ninfo: {title: t}\npaths: {}\n", // no info.version
	} {
		path := filepath.Join(dir, strings.ReplaceAll(name, " ", "-")+".yaml")
		if body != "" {
			if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := Load(path); err == nil {
			t.Errorf("%s: Load succeeded, want an error", name)
		}
	}
}

// apiDir writes an api/ directory holding bundle as Partoo's verbatim
// bundle, with repairs (if any).
func apiDir(t *testing.T, bundle, repairs []byte) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, VerbatimFile), bundle, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteRecord(dir, Record{Source: Partoo, Origin: "test", Date: "2026-01-01", SHA256: Sum(bundle)}); err != nil {
		t.Fatal(err)
	}
	if repairs != nil {
		if err := os.WriteFile(filepath.Join(dir, RepairsFile), repairs, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestWriteSpec writes the repaired spec of a Partoo bundle, reports a
// stale repair, refuses one that matches nothing and a verbatim bundle
// that was edited, and leaves an assembled bundle alone.
func TestWriteSpec(t *testing.T) {
	t.Parallel()
	t.Run("Partoo's bundle with its repairs", func(t *testing.T) {
		t.Parallel()
		dir := apiDir(t, frozen(t, "defects/bundle.yaml"), frozen(t, "defects/repairs.yaml"))
		spec := filepath.Join(dir, "openapi-bundled.yaml")
		var report bytes.Buffer
		if err := WriteSpec(dir, spec, &report); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(spec)
		if err != nil {
			t.Fatal(err)
		}
		want, err := Effective(Input{Bundle: frozen(t, "defects/bundle.yaml"), Repairs: frozen(t, "defects/repairs.yaml")})
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want.Spec) {
			t.Error("openapi-bundled.yaml is not the effective spec")
		}
		if !strings.Contains(report.String(), `"deleteVenuesByVenueId"`) {
			t.Errorf("the derived operationId is not reported: %s", report.String())
		}
		// Unchanged, the file is not written again (go test's cache reads its modification time).
		old := time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)
		if err := os.Chtimes(spec, old, old); err != nil {
			t.Fatal(err)
		}
		if err := WriteSpec(dir, spec, &report); err != nil {
			t.Fatal(err)
		}
		if fi, err := os.Stat(spec); err != nil || !fi.ModTime().Equal(old) {
			t.Errorf("an unchanged spec was written again: %v, %v", fi, err)
		}
	})
	t.Run("a repair Partoo made useless", func(t *testing.T) {
		t.Parallel()
		repairs := "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $.info\n    description: the title Partoo already has\n    update: {title: Partoo Rest API}\n"
		dir := apiDir(t, frozen(t, "webhooks-openapi.yaml"), []byte(repairs))
		var report bytes.Buffer
		if err := WriteSpec(dir, filepath.Join(dir, "openapi-bundled.yaml"), &report); err != nil || !strings.Contains(report.String(), "Partoo fixed it: drop the repair") {
			t.Fatalf("err %v, report %q: want nil and the stale repair reported", err, report.String())
		}
	})
	t.Run("a repair that matches nothing", func(t *testing.T) {
		t.Parallel()
		repairs := "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $.components.schemas.Gone\n    description: gone\n    remove: true\n"
		dir := apiDir(t, frozen(t, "webhooks-openapi.yaml"), []byte(repairs))
		spec := filepath.Join(dir, "openapi-bundled.yaml")
		if err := WriteSpec(dir, spec, &bytes.Buffer{}); !errors.Is(err, ErrRepairMatchesNothing) {
			t.Fatalf("err = %v, want ErrRepairMatchesNothing", err)
		}
		if _, err := os.Stat(spec); err == nil {
			t.Error("a refused repair still wrote the spec")
		}
	})
	t.Run("an edited verbatim bundle", func(t *testing.T) {
		t.Parallel()
		dir := apiDir(t, frozen(t, "webhooks-openapi.yaml"), nil)
		if err := os.WriteFile(filepath.Join(dir, VerbatimFile), append(frozen(t, "webhooks-openapi.yaml"), '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		spec := filepath.Join(dir, "openapi-bundled.yaml")
		if err := WriteSpec(dir, spec, &bytes.Buffer{}); err == nil {
			t.Fatal("a verbatim bundle that does not match its SHA-256 was accepted")
		}
		if _, err := os.Stat(spec); err == nil {
			t.Error("an edited verbatim bundle still wrote the spec")
		}
	})
	t.Run("a record whose sha256 is missing, short or another's", func(t *testing.T) {
		t.Parallel()
		for _, sum := range []string{"", "abc", Sum(nil)} {
			dir := apiDir(t, frozen(t, "webhooks-openapi.yaml"), nil)
			if err := WriteRecord(dir, Record{Source: Partoo, Origin: "test", Date: "2026-01-01", SHA256: sum}); err != nil {
				t.Fatal(err)
			}
			spec := filepath.Join(dir, "openapi-bundled.yaml")
			if err := WriteSpec(dir, spec, &bytes.Buffer{}); err == nil {
				t.Errorf("sha256 %q: the verbatim bundle was accepted", sum)
			}
			if _, err := os.Stat(spec); err == nil {
				t.Errorf("sha256 %q: the spec was written", sum)
			}
		}
	})
	t.Run("an assembled bundle", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		spec := filepath.Join(dir, "openapi-bundled.yaml")
		if err := os.WriteFile(spec, frozen(t, "webhooks-openapi.yaml"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := WriteSpec(dir, spec, &bytes.Buffer{}); err != nil {
			t.Fatal(err)
		}
		if got, _ := os.ReadFile(spec); !bytes.Equal(got, frozen(t, "webhooks-openapi.yaml")) {
			t.Error("an assembled bundle was rewritten")
		}
		if err := os.WriteFile(filepath.Join(dir, RepairsFile), frozen(t, "defects/repairs.yaml"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := WriteSpec(dir, spec, &bytes.Buffer{}); err == nil {
			t.Error("repairs beside an assembled bundle were accepted")
		}
	})
}

// TestReadRecord checks that a missing record reads as an assembled bundle,
// and that a record that is not YAML, has an unknown field or names an
// unknown source is an error.
func TestReadRecord(t *testing.T) {
	t.Parallel()
	if r, err := ReadRecord(t.TempDir()); err != nil || r.Source != Assembled {
		t.Errorf("no record: %+v, %v; want source %q", r, err, Assembled)
	}
	for _, body := range []string{"source: [\n", "source: partoo\nsha: abc\n", "source: partner\n"} {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, ProvenanceFile), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := ReadRecord(dir); err == nil {
			t.Errorf("record %q was accepted", body)
		}
	}
}

// frozen returns the contents of internal/testspec/name, the frozen specs of the
// tools' tests (its README.md says what each holds).
func frozen(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("../../internal/testspec", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}
