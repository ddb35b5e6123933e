package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const apidiffReport = `Package github.com/partoo-go/partoo/gen
Incompatible changes:
- ClientInterface.GetBusiness: added
- ClientInterface.CreateBusiness: added
- GetWebhookParams.Limit: changed from *int to int
- ListWebhooks: removed

Compatible changes:
- GetBusiness: added
- Business: added
`

func TestCountIncompatible(t *testing.T) {
	tests := []struct {
		name   string
		report string
		want   goChanges
	}{
		{"empty", "", goChanges{}},
		{"only compatible", "Compatible changes:\n- Business: added\n", goChanges{}},
		{"mixed", apidiffReport, goChanges{methodsAdded: 2, others: 2}},
		{"indented", strings.ReplaceAll(apidiffReport, "\n-", "\n        -"), goChanges{methodsAdded: 2, others: 2}},
		{"second package resets the section",
			"Incompatible changes:\n- A: removed\nPackage x\nCompatible changes:\n- B: added\n", goChanges{others: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := countIncompatible(tt.report); got != tt.want {
				t.Errorf("countIncompatible = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestNextStepsBreakingOnlyForCallers(t *testing.T) {
	tests := []struct {
		name         string
		breaking     int
		goBreaking   goChanges
		wantBreaking bool
		wantNote     bool
	}{
		{"nothing", 0, goChanges{}, false, false},
		{"interface methods only", 0, goChanges{methodsAdded: 176}, false, true},
		{"removed Go name", 0, goChanges{others: 1}, true, false},
		{"spec ERR", 2, goChanges{}, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			nextSteps(&b, tt.breaking, tt.goBreaking)
			if got := strings.Contains(b.String(), "BREAKING:"); got != tt.wantBreaking {
				t.Errorf("BREAKING step shown = %v, want %v:\n%s", got, tt.wantBreaking, b.String())
			}
			if got := strings.Contains(b.String(), "added to generated interfaces"); got != tt.wantNote {
				t.Errorf("interface note shown = %v, want %v:\n%s", got, tt.wantNote, b.String())
			}
		})
	}
}

// TestSnapshotRestore checks that a restore puts back changed and deleted
// files, deletes new ones, and leaves what is outside the snapshot alone.
func TestSnapshotRestore(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	write := func(rel, body string) {
		t.Helper()
		path := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("api/spec.yaml", "old spec")
	write("gen/a.go", "package gen")
	write("go.mod", "module x")
	write("outside.txt", "kept")
	s, err := takeSnapshot(root, []string{"api", "gen", "go.mod", "not-yet"})
	if err != nil {
		t.Fatal(err)
	}
	write("api/spec.yaml", "new spec")
	write("gen/b.go", "package gen // new")
	write("not-yet/c.go", "new dir")
	write("outside.txt", "changed outside")
	if err := os.Remove(filepath.Join(root, "go.mod")); err != nil {
		t.Fatal(err)
	}
	if err := s.restore(); err != nil {
		t.Fatal(err)
	}
	for rel, want := range map[string]string{"api/spec.yaml": "old spec", "gen/a.go": "package gen", "go.mod": "module x", "outside.txt": "changed outside"} {
		if got, err := os.ReadFile(filepath.Join(root, rel)); err != nil || string(got) != want {
			t.Errorf("%s = %q, %v; want %q", rel, got, err, want)
		}
	}
	for _, rel := range []string{"gen/b.go", "not-yet/c.go"} {
		if _, err := os.Stat(filepath.Join(root, rel)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s survived the restore (%v)", rel, err)
		}
	}
}
