package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/partoo-go/partoo/tools/internal/testspec"
	"golang.org/x/mod/semver"
)

func TestTrailer(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, messages string
		want           bool
	}{
		{name: "hyphen trailer", messages: "Update the spec\n\nBREAKING-CHANGE: tryout is gone\n", want: true},
		{name: "space trailer", messages: "Update\n\nBREAKING CHANGE: tryout is gone", want: true},
		{name: "in an older commit of the range", messages: "Fix docs\n\nUpdate\n\nBREAKING-CHANGE: x\n", want: true},
		{name: "no trailer", messages: "Update the spec\n\nNothing breaks.\n", want: false},
		{name: "empty trailer", messages: "Update\n\nBREAKING-CHANGE:\n", want: false},
		{name: "mid-line mention", messages: "This is not a BREAKING-CHANGE: really\n", want: false},
		{name: "lower case", messages: "breaking-change: x\n", want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := trailer.FindString(tt.messages) != ""; got != tt.want {
				t.Errorf("trailer in %q: %v, want %v", tt.messages, got, tt.want)
			}
		})
	}
}

func TestParseVersion(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, src, want string
	}{
		{name: "plain", src: "package partoo\n\nconst Version = \"0.1.0\"\n", want: "v0.1.0"},
		{name: "grouped with v and pre-release", src: "package p\n\nconst (\n\tX = 1\n\tVersion = \"v2.3.4-rc.1\"\n)\n", want: "v2.3.4-rc.1"},
		{name: "missing", src: "package p\n\nconst Other = \"1.0.0\"\n"},
		{name: "not X.Y.Z", src: "package p\n\nconst Version = \"1.0\"\n"},
		{name: "not a number", src: "package p\n\nconst Version = \"1.x.0\"\n"},
		{name: "not a literal", src: "package p\n\nconst Version = v\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := parseVersion(tt.src)
			if got != tt.want || (err == nil) != (tt.want != "") {
				t.Fatalf("parseVersion = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestLine(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, base, cur string
		want            bool
	}{
		{name: "v0 minor", base: "v0.1.0", cur: "v0.2.0", want: true},
		{name: "v0 patch", base: "v0.1.0", cur: "v0.1.1", want: false},
		{name: "same", base: "v0.1.0", cur: "v0.1.0", want: false},
		{name: "v0 to v1", base: "v0.9.0", cur: "v1.0.0", want: true},
		{name: "v1 minor", base: "v1.2.0", cur: "v1.3.0", want: false},
		{name: "v1 to v2", base: "v1.2.0", cur: "v2.0.0", want: true},
		{name: "downgrade", base: "v2.0.0", cur: "v1.9.0", want: false},
		{name: "pre-release of the next line", base: "v0.1.0", cur: "v0.2.0-rc.1", want: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := semver.Compare(line(tt.cur), line(tt.base)) > 0; got != tt.want {
				t.Errorf("%s starts a new line after %s: %v, want %v", tt.cur, tt.base, got, tt.want)
			}
		})
	}
}

// repo is a throwaway git repository holding a spec and a version.go.
type repo struct {
	t   *testing.T
	dir string
}

func newRepo(t *testing.T) *repo {
	t.Helper()
	r := &repo{t: t, dir: t.TempDir()}
	r.git("init", "-q", "-b", "main")
	return r
}

func (r *repo) git(args ...string) string {
	r.t.Helper()
	cmd := exec.Command("git", append([]string{"-c", "commit.gpgsign=false"}, args...)...)
	cmd.Dir = r.dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com",
		"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com", "GIT_CONFIG_GLOBAL="+os.DevNull)
	out, err := cmd.CombinedOutput()
	if err != nil {
		r.t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return string(out)
}

func (r *repo) write(rel string, data []byte) {
	r.t.Helper()
	path := filepath.Join(r.dir, rel)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		r.t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		r.t.Fatal(err)
	}
}

func (r *repo) commit(msg string) {
	r.t.Helper()
	r.git("add", "-A")
	r.git("commit", "-q", "-m", msg)
}

func versionFile(v string) []byte {
	return []byte("package partoo\n\nconst Version = \"" + v + "\"\n")
}

// gate runs the gate on r against base and returns its exit code and output.
func (r *repo) gate(base string) (int, string) {
	r.t.Helper()
	var out bytes.Buffer
	code := run(context.Background(), []string{"-root", r.dir, "-base", base}, &out, &out)
	return code, out.String()
}

// TestGate runs the gate on throwaway repositories: each row builds a history
// and expects an exit code and a message.
func TestGate(t *testing.T) {
	t.Parallel()
	spec := testspec.Webhooks()
	// Removing POST /webhooks/tryout is an ERR-level change.
	start := bytes.Index(spec, []byte("  /webhooks/tryout:"))
	end := bytes.Index(spec, []byte("  /webhooks/{webhook_id}:"))
	if start < 0 || end < start {
		t.Fatal("cannot find the tryout path in the spec")
	}
	removed := append(append([]byte{}, spec[:start]...), spec[end:]...)
	// A new optional query parameter description is not breaking.
	harmless := bytes.Replace(spec, []byte("Number of items to return per page. Currently limited to 100."),
		[]byte("Number of items per page. Currently limited to 100."), 1)
	// Nor is a new optional field in an answer: a Go client ignores it.
	item := bytes.Index(spec, []byte("    WebhookItem:"))
	props := item + bytes.Index(spec[item:], []byte("      properties:\n")) + len("      properties:\n")
	optional := append(append(append([]byte{}, spec[:props]...), "        label:\n          type: string\n"...), spec[props:]...)

	tests := []struct {
		name     string
		build    func(r *repo)
		base     string
		wantCode int
		wantOut  string
	}{
		{
			name:     "single commit",
			build:    func(r *repo) { r.write("api/openapi-bundled.yaml", spec); r.commit("first") },
			base:     "HEAD~1",
			wantCode: 0, wantOut: "no base",
		},
		{
			name: "unknown base",
			build: func(r *repo) {
				r.write("api/openapi-bundled.yaml", spec)
				r.commit("first")
				r.write("README", []byte("x"))
				r.commit("second")
			},
			base:     "no-such-ref",
			wantCode: 1, wantOut: `the base "no-such-ref" is not a commit`,
		},
		{
			name: "base without the spec",
			build: func(r *repo) {
				r.write("README", []byte("x"))
				r.commit("first")
				r.write("api/openapi-bundled.yaml", spec)
				r.commit("second")
			},
			base:     "HEAD~1",
			wantCode: 0, wantOut: "has no api/openapi-bundled.yaml",
		},
		{
			name: "no breaking change",
			build: func(r *repo) {
				r.write("api/openapi-bundled.yaml", spec)
				r.commit("first")
				r.write("api/openapi-bundled.yaml", harmless)
				r.commit("second")
			},
			base:     "HEAD~1",
			wantCode: 0, wantOut: "no breaking (ERR) change",
		},
		{
			name: "an optional field added to an answer",
			build: func(r *repo) {
				r.write("api/openapi-bundled.yaml", spec)
				r.commit("first")
				r.write("api/openapi-bundled.yaml", optional)
				r.commit("second")
			},
			base:     "HEAD~1",
			wantCode: 0, wantOut: "no breaking (ERR) change",
		},
		{
			name: "undeclared breaking change",
			build: func(r *repo) {
				r.write("api/openapi-bundled.yaml", spec)
				r.write("version.go", versionFile("0.1.0"))
				r.commit("first")
				r.write("api/openapi-bundled.yaml", removed)
				r.write("version.go", versionFile("0.1.1"))
				r.commit("second")
			},
			base:     "HEAD~1",
			wantCode: 1, wantOut: "FAIL: breaking (ERR) change(s) since HEAD~1, and no declaration",
		},
		{
			name: "declared by trailer",
			build: func(r *repo) {
				r.write("api/openapi-bundled.yaml", spec)
				r.commit("first")
				r.write("api/openapi-bundled.yaml", removed)
				r.commit("Drop tryout\n\nBREAKING-CHANGE: POST /webhooks/tryout is removed")
			},
			base:     "HEAD~1",
			wantCode: 0, wantOut: `declared by the commit trailer "BREAKING-CHANGE: POST /webhooks/tryout is removed"`,
		},
		{
			name: "declared by version bump",
			build: func(r *repo) {
				r.write("api/openapi-bundled.yaml", spec)
				r.write("version.go", versionFile("0.1.0"))
				r.commit("first")
				r.write("api/openapi-bundled.yaml", removed)
				r.write("version.go", versionFile("0.2.0"))
				r.commit("second")
			},
			base:     "HEAD~1",
			wantCode: 0, wantOut: "declared by the version bump v0.1.0 -> v0.2.0",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := newRepo(t)
			tt.build(r)
			code, out := r.gate(tt.base)
			if code != tt.wantCode || !strings.Contains(out, tt.wantOut) {
				t.Fatalf("exit %d (want %d), output does not contain %q or is wrong:\n%s", code, tt.wantCode, tt.wantOut, out)
			}
		})
	}
}

// TestRootIsTheTopLevel runs the gate from a subdirectory of the work tree,
// as `go -C tools run` does, and from a directory outside any work tree.
func TestRootIsTheTopLevel(t *testing.T) {
	t.Parallel()
	r := newRepo(t)
	spec := testspec.Webhooks()
	r.write("api/openapi-bundled.yaml", spec)
	r.write("tools/go.mod", []byte("module tools\n"))
	r.commit("first")
	r.write("api/openapi-bundled.yaml", bytes.Replace(spec, []byte("Currently limited to 100."), []byte("At most 100."), 1))
	r.commit("second")
	for _, tt := range []struct {
		root     string
		wantCode int
	}{
		{filepath.Join(r.dir, "tools"), 0},
		{r.dir, 0},
		{filepath.Join(t.TempDir(), "missing"), 2},
	} {
		var out bytes.Buffer
		if code := run(context.Background(), []string{"-root", tt.root, "-base", "HEAD~1"}, &out, &out); code != tt.wantCode {
			t.Errorf("-root %s: exit %d, want %d\n%s", tt.root, code, tt.wantCode, out.String())
		}
	}
}
