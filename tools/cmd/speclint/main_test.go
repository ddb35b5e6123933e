package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/partoo-go/partoo/tools/internal/specload"
)

// The frozen Webhooks spec, and the excerpt of Partoo's docs it was checked
// against (the live seed follows the live spec).
const (
	webhooksPath = "../../internal/testspec/webhooks-openapi.yaml"
	seedPath     = "../../internal/testspec/seed-getWebhook.md"
)

// TestLintsTheSpec checks that the frozen Webhooks spec passes against its
// seed (exit status 0), and that a spec that is no YAML mapping is blocked (1).
func TestLintsTheSpec(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	if code := run([]string{"-spec", webhooksPath, "-seed", seedPath}, &stdout, &stderr); code != 0 {
		t.Errorf("the frozen spec: exit %d, want 0\n%s%s", code, stdout.String(), stderr.String())
	}
	list := filepath.Join(t.TempDir(), "list.yaml")
	if err := os.WriteFile(list, []byte("- openapi: 3.1.0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code := run([]string{"-spec", list, "-seed", seedPath}, &stdout, &stderr); code != 1 {
		t.Errorf("a YAML list: exit %d, want 1\n%s%s", code, stdout.String(), stderr.String())
	}
}

// TestLintUsage checks the exit status 2 of usage errors.
func TestLintUsage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{name: "no flags", args: nil, want: "-spec and -seed are required"},
		{name: "missing spec file", args: []string{"-spec", filepath.Join(t.TempDir(), "nope.yaml"), "-seed", seedPath}, want: "no such file"},
		{name: "empty seed", args: []string{"-spec", webhooksPath, "-seed", os.DevNull}, want: "seed"},
		{name: "an unknown flag", args: []string{"-partoo"}, want: "-partoo"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var stdout, stderr bytes.Buffer
			if code := run(tt.args, &stdout, &stderr); code != 2 {
				t.Fatalf("exit %d, want 2", code)
			}
			if !strings.Contains(stderr.String(), tt.want) {
				t.Errorf("stderr %q does not contain %q", stderr.String(), tt.want)
			}
		})
	}
}

// TestPartooBundleIgnoresSpecAndSeed checks that, when api/provenance.yaml
// records Partoo's bundle, -spec and -seed are not read: files that do not
// exist change neither the findings nor the exit status.
func TestPartooBundleIgnoresSpecAndSeed(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, specload.VerbatimFile), frozen(t, "defects/bundle.yaml"), 0o644); err != nil {
		t.Fatal(err)
	}
	rec := specload.Record{Source: specload.Partoo, Origin: "test", Date: "2026-01-02", SHA256: specload.Sum(frozen(t, "defects/bundle.yaml"))}
	if err := specload.WriteRecord(dir, rec); err != nil {
		t.Fatal(err)
	}
	args := []string{"-provenance", filepath.Join(dir, specload.ProvenanceFile)}
	var want, got, stderr bytes.Buffer
	wantCode := run(args, &want, &stderr)
	missing := filepath.Join(dir, "missing")
	if code := run(append(args, "-spec", missing+".yaml", "-seed", missing+".md"), &got, &stderr); code != wantCode || got.String() != want.String() {
		t.Errorf("with unreadable -spec and -seed: exit %d, want %d; output:\n%s\nwant:\n%s\n%s", code, wantCode, got.String(), want.String(), stderr.String())
	}
	if wantCode == 2 || want.Len() == 0 {
		t.Errorf("Partoo's bundle alone: exit %d with output %q: the test proves nothing", wantCode, want.String())
	}
}

// TestPartooBundleUnreadable checks that when api/provenance.yaml records
// Partoo's bundle and the bundle cannot be read, speclint fails (exit
// status 1) without linting anything, not even -spec.
func TestPartooBundleUnreadable(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	rec := specload.Record{Source: specload.Partoo, Origin: "test", Date: "2026-01-02", SHA256: specload.Sum(frozen(t, "defects/bundle.yaml"))}
	if err := specload.WriteRecord(dir, rec); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	args := []string{"-provenance", filepath.Join(dir, specload.ProvenanceFile), "-spec", webhooksPath, "-seed", seedPath}
	if code := run(args, &stdout, &stderr); code != 1 || stdout.Len() > 0 || !strings.HasPrefix(stderr.String(), "speclint: ") {
		t.Errorf("without %s: exit %d, want 1; stdout %q, stderr %q", specload.VerbatimFile, code, stdout.String(), stderr.String())
	}
}

// frozen returns the file name of internal/testspec, the frozen specs of the
// tools' tests (its README.md says what each holds).
func frozen(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("../../internal/testspec", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}
