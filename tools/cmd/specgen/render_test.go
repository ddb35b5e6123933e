package main

import (
	"strings"
	"testing"
)

func TestFirstSentence(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ in, want string }{
		{"Manage the webhooks of an organisation. Each one sends events.", "Manage the webhooks of an organisation."},
		{"  Manage webhooks  ", "Manage webhooks."},
		{"Manage webhooks.", "Manage webhooks."},
		{"Version 2.1 of the reviews", "Version 2.1 of the reviews."},
		{"Reviews,\nreplies. And more.", "Reviews,\nreplies."},
	} {
		if got := firstSentence(tt.in); got != tt.want {
			t.Errorf("firstSentence(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestGoString: a string with a backslash or a quote is written raw, unless
// a raw string cannot hold it exactly and readably.
func TestGoString(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ in, want string }{
		{"plain", `"plain"`},
		{`^\d+$`, "`^\\d+$`"},
		{`say "hi"`, "`say \"hi\"`"},
		{"a `tick` and \"quotes\"", `"a ` + "`tick`" + ` and \"quotes\""`},
		{"two\nlines\\", `"two\nlines\\"`},
		{"a bell\a\\", `"a bell\a\\"`},
	} {
		if got := goString(tt.in); got != tt.want {
			t.Errorf("goString(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

// TestExecuteShowsTheBrokenSource checks that a template writing Go that
// does not parse fails with the source, each line numbered, so that the
// line of gofmt's error can be found.
func TestExecuteShowsTheBrokenSource(t *testing.T) {
	t.Parallel()
	src, err := execute("broken.go", "package x\n\nfunc {{.}} {\n", nil, "f(")
	if err == nil {
		t.Fatalf("execute returned no error, and %q", src)
	}
	for _, line := range []string{"    1 package x", "    3 func f( {"} {
		if !strings.Contains(err.Error(), line) {
			t.Errorf("the error does not show the line %q:\n%v", line, err)
		}
	}
	if src, err := execute("good.go", "package x\n\nfunc {{.}}() {}\n", nil, "f"); err != nil || !strings.Contains(string(src), "func f() {}") {
		t.Errorf("execute on valid Go = %q, %v", src, err)
	}
}
