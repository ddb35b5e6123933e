package pipeline

import (
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// processWords are references to the project's tracker or to documents the
// repository does not hold: a reader of the code or the docs cannot follow
// them. A link to a public upstream issue (a URL) is fine.
var processWords = regexp.MustCompile(`(?i)(^|[^/\w])(issues? ?#?\d+|STYLE\.md|STYLE rule|design card|\.\./shared/)`)

// skipReferences are files written by others: Partoo's docs and bundle,
// generated code, checksums.
func skipReferences(f string) bool {
	return strings.Contains(f, "/testdata/partoo-bundle/") ||
		strings.HasSuffix(f, ".gen.go") || strings.HasSuffix(f, ".gen.go.txt") ||
		strings.HasSuffix(f, ".gen.yaml") || strings.HasSuffix(f, "go.sum") ||
		strings.HasSuffix(f, "package-lock.json") || strings.HasPrefix(f, "api/") ||
		f == "tools/pipeline/references_test.go" // the words themselves
}

func TestProcessWords(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		line string
		want bool
	}{
		{"# issue 3: retries", true},
		{"see Issue #12", true},
		{"(issues 4-6)", true},
		{"STYLE rule 8 says", true},
		{"read ../shared/reference", true},
		{"https://github.com/oapi-codegen/oapi-codegen/issues/1234", false},
		{"quote the RequestID in a support ticket", false},
		{"no issue with 3 retries", false},
	} {
		if got := processWords.MatchString(tt.line); got != tt.want {
			t.Errorf("processWords.MatchString(%q) = %v, want %v", tt.line, got, tt.want)
		}
	}
}

// TestNoProcessReferences checks that no file of the repository refers to a
// tracker issue or to a document the repository does not hold.
func TestNoProcessReferences(t *testing.T) {
	t.Parallel()
	root := repoRoot(t)
	n := 0
	for _, f := range repoFiles(t, root) {
		if skipReferences(f) {
			continue
		}
		raw, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			t.Fatal(err)
		}
		n++
		for i, line := range strings.Split(string(raw), "\n") {
			if m := processWords.FindStringSubmatch(line); m != nil {
				t.Errorf("%s:%d: %q refers to something the repository does not hold: %s", f, i+1, m[2], strings.TrimSpace(line))
			}
		}
	}
	if n < 50 {
		t.Errorf("checked only %d files", n)
	}
}

// mdLink is a Markdown link or image target.
var mdLink = regexp.MustCompile(`\]\(([^)\s]+)\)`)

// TestMarkdownLinksResolve checks that every relative link of every
// Markdown file points to a file or directory of the repository.
func TestMarkdownLinksResolve(t *testing.T) {
	t.Parallel()
	root := repoRoot(t)
	files := repoFiles(t, root)
	exists := map[string]bool{}
	for _, f := range files {
		for d := f; d != "."; d = path.Dir(d) {
			exists[d] = true
		}
	}
	n := 0
	for _, f := range files {
		if !strings.HasSuffix(f, ".md") || skipReferences(f) || strings.Contains(f, "/testdata/") {
			continue
		}
		raw, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(raw), "\n") {
			for _, m := range mdLink.FindAllStringSubmatch(line, -1) {
				target, _, _ := strings.Cut(m[1], "#")
				if target == "" || strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
					continue
				}
				n++
				if p := path.Clean(path.Join(path.Dir(f), target)); !exists[p] {
					t.Errorf("%s:%d: the link to %s points to nothing in the repository", f, i+1, m[1])
				}
			}
		}
	}
	if n == 0 {
		t.Error("no relative link found in the Markdown files")
	}
}

// TestMakeHelpExpandsVariables checks that `make help` prints the values of
// the variables its descriptions name, not "$(NAME)".
func TestMakeHelpExpandsVariables(t *testing.T) {
	t.Parallel()
	out := run(t, repoRoot(t), nil, "make", "--no-print-directory", "help")
	if strings.Contains(out, "$(") {
		t.Errorf("make help prints a variable unexpanded:\n%s", out)
	}
	if !strings.Contains(out, "test ") {
		t.Errorf("make help lists no test target:\n%s", out)
	}
}
