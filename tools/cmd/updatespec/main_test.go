package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
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
		name           string
		report         string
		added, callers int
	}{
		{"empty", "", 0, 0},
		{"only compatible", "Compatible changes:\n- Business: added\n", 0, 0},
		{"mixed", apidiffReport, 2, 2},
		{"indented", strings.ReplaceAll(apidiffReport, "\n-", "\n        -"), 2, 2},
		{"second package resets the section",
			"Incompatible changes:\n- A: removed\nPackage x\nCompatible changes:\n- B: added\n", 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if added, callers := countIncompatible(tt.report); added != tt.added || callers != tt.callers {
				t.Errorf("countIncompatible = %d, %d; want %d, %d", added, callers, tt.added, tt.callers)
			}
		})
	}
}

func TestNextStepsBreakingOnlyForCallers(t *testing.T) {
	tests := []struct {
		name                            string
		breaking, added, callers        int
		wantBreaking, wantInterfaceNote bool
	}{
		{"nothing", 0, 0, 0, false, false},
		{"interface methods only", 0, 176, 0, false, true},
		{"removed Go name", 0, 0, 1, true, false},
		{"spec ERR", 2, 0, 0, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			nextSteps(&b, tt.breaking, tt.added, tt.callers)
			if got := strings.Contains(b.String(), "BREAKING:"); got != tt.wantBreaking {
				t.Errorf("BREAKING step shown = %v, want %v:\n%s", got, tt.wantBreaking, b.String())
			}
			if got := strings.Contains(b.String(), "added to generated interfaces"); got != tt.wantInterfaceNote {
				t.Errorf("interface note shown = %v, want %v:\n%s", got, tt.wantInterfaceNote, b.String())
			}
		})
	}
}

// TestFailRestores checks that a failed update puts back the files it
// changed or deleted under the paths it may write, deletes the files it
// added there, and leaves alone what was untracked before and what is
// outside those paths; and that with -keep-failed it leaves them, and
// prints a revert that restores them.
func TestFailRestores(t *testing.T) {
	t.Parallel()
	for _, keep := range []bool{false, true} {
		root := t.TempDir()
		git := func(args ...string) string {
			t.Helper()
			cmd := exec.Command("git", append([]string{"-c", "commit.gpgsign=false", "-c", "user.name=t", "-c", "user.email=t@example.com"}, args...)...)
			cmd.Dir, cmd.Env = root, append(os.Environ(), "GIT_CONFIG_GLOBAL="+os.DevNull)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("%v: %v\n%s", args, err, out)
			}
			return string(out)
		}
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
		git("init", "-q")
		write("api/openapi-bundled.yaml", "old spec")
		write("gen/a.go", "package gen")
		write("go.mod", "module x")
		write("outside.txt", "kept")
		git("add", "-A")
		git("commit", "-q", "-m", "first")
		write("api/scratch.txt", "untracked before")
		u := &updater{root: root, keepFailed: keep, stdout: &bytes.Buffer{}}
		var err error
		if u.untracked, err = u.git(context.Background(), append([]string{"ls-files", "--others", "--exclude-standard", "--"}, restorable...)...); err != nil {
			t.Fatal(err)
		}
		write("api/openapi-bundled.yaml", "new spec")
		write("gen/b.go", "package gen // new")
		write("internal/apispec/c.go", "new dir")
		write("outside.txt", "changed outside")
		if err := os.Remove(filepath.Join(root, "go.mod")); err != nil {
			t.Fatal(err)
		}
		var stderr bytes.Buffer
		u.stderr = &stderr
		if code := u.fail(3, "go generate", errors.New("boom")); code != 1 {
			t.Fatalf("fail returned %d, want 1", code)
		}
		if keep {
			if _, err := os.Stat(filepath.Join(root, "gen/b.go")); err != nil {
				t.Errorf("-keep-failed removed an added file: %v", err)
			}
			revert := regexp.MustCompile(`(?m)^  (git checkout -- .*|rm .*)$`).FindAllStringSubmatch(stderr.String(), -1)
			if len(revert) != 2 {
				t.Fatalf("-keep-failed printed %d revert command(s), want 2:\n%s", len(revert), stderr.String())
			}
			for _, line := range revert {
				cmd := exec.Command("sh", "-c", line[1])
				cmd.Dir = root
				if out, err := cmd.CombinedOutput(); err != nil {
					t.Fatalf("%s: %v\n%s", line[1], err, out)
				}
			}
		} else if !strings.Contains(stderr.String(), "Nothing was changed") {
			t.Errorf("the restore is not reported:\n%s", stderr.String())
		}
		for rel, want := range map[string]string{"api/openapi-bundled.yaml": "old spec", "gen/a.go": "package gen", "go.mod": "module x", "outside.txt": "changed outside", "api/scratch.txt": "untracked before"} {
			if got, err := os.ReadFile(filepath.Join(root, rel)); err != nil || string(got) != want {
				t.Errorf("keep-failed %t: %s = %q, %v; want %q", keep, rel, got, err, want)
			}
		}
		for _, rel := range []string{"gen/b.go", "internal/apispec/c.go"} {
			if _, err := os.Stat(filepath.Join(root, rel)); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("keep-failed %t: %s survived (%v)", keep, rel, err)
			}
		}
	}
}
