package main

import (
	"strings"
	"testing"

	"github.com/partoo-go/partoo/tools/internal/specload"
	"github.com/partoo-go/partoo/tools/internal/testspec"
	"gopkg.in/yaml.v3"
)

// lintSelf lints a spec as Partoo's verbatim bundle (its own seed).
func lintSelf(t *testing.T, spec []byte) []Finding {
	t.Helper()
	seed, err := seedYAML(spec)
	if err != nil {
		t.Fatal(err)
	}
	return Lint(spec, seed, nil)
}

// TestDefectLevels lints the invented defect bundle: each defect class is
// reported at its level, and every blocking finding of the structural
// rules carries a repair.
func TestDefectLevels(t *testing.T) {
	t.Parallel()
	findings := lintSelf(t, testspec.DefectsBundle())
	got := map[string]int{}
	for _, f := range findings {
		got[f.Level+" "+f.Rule]++
		if f.Level == Blocking && f.Rule != "kin-openapi" && len(f.Fix) == 0 {
			t.Errorf("blocking finding without a repair: %+v", f)
		}
	}
	for _, want := range []string{
		"blocking type", "blocking array-items", "blocking path-parameter", "blocking parameter",
		"blocking required", "blocking examples", "blocking keyword", "blocking pattern-format",
		"blocking ref", "blocking go-name", "blocking operation-id", "blocking discriminator", "advisory format", "advisory ref-sibling",
	} {
		if got[want] == 0 {
			t.Errorf("no %s finding; got %v", want, got)
		}
	}
	if got["blocking type"] != 8 {
		t.Errorf("%d type findings, want 8 (timestamp, datetime, float, text, Integer, string,, array of string, boolean | null)", got["blocking type"])
	}
	if got["blocking go-name"] != 5 {
		t.Errorf("%d go-name findings, want 5 (two properties, a schema and a parameter, a schema and an operation's answer type, a schema and the client, two operationIds)", got["blocking go-name"])
	}
	if got["blocking path-parameter"] != 2 {
		t.Errorf("%d path-parameter findings, want 2 (one undeclared, one optional)", got["blocking path-parameter"])
	}
}

// TestRepairsReadyToPaste pastes the repairs of every blocking finding into
// an overlay, applies it with the one loader, and lints again: nothing
// blocking is left. The hand-written repairs of the fixture do as well,
// and leave the advisory findings: an unknown format, an example that
// breaks its schema.
func TestRepairsReadyToPaste(t *testing.T) {
	t.Parallel()
	bundle := testspec.DefectsBundle()
	var actions []Action
	for _, f := range lintSelf(t, bundle) {
		actions = append(actions, f.Fix...)
	}
	overlay := pastedOverlay(t, actions)
	for name, repairs := range map[string][]byte{"pasted": overlay, "hand-written": testspec.DefectsRepairs()} {
		res, err := specload.Effective(specload.Input{Bundle: bundle, Repairs: repairs})
		if err != nil {
			t.Fatalf("%s: %v\n%s", name, err, repairs)
		}
		advisory := map[string]bool{}
		for _, f := range lintSelf(t, res.Repaired) {
			if f.Level == Blocking {
				t.Errorf("%s repairs: still blocking: [%s] %s", name, f.Rule, f.Message)
			} else {
				advisory[f.Rule] = true
			}
		}
		if name == "hand-written" && (!advisory["format"] || !advisory["example"]) {
			t.Errorf("hand-written repairs: advisory rules %v, want format and example", advisory)
		}
		// The 3.1 form every consumer reads lints clean as well.
		for _, f := range lintSelf(t, res.Spec) {
			if f.Level == Blocking {
				t.Errorf("%s repairs, 3.1 form: still blocking: [%s] %s", name, f.Rule, f.Message)
			}
		}
	}
}

// TestSummaryFitsOnAScreen checks that advisory findings alone pass, with
// a summary of a few lines per rule.
func TestSummaryFitsOnAScreen(t *testing.T) {
	t.Parallel()
	var findings []Finding
	for i := range 40 {
		findings = append(findings, Finding{Level: Advisory, Rule: "format", Line: i + 1, Message: "format \"x\" is unknown"})
	}
	var stdout, stderr strings.Builder
	if code := report(&stdout, &stderr, "spec.yaml", findings, false); code != 0 {
		t.Fatalf("exit %d with advisory findings only, want 0", code)
	}
	if lines := strings.Count(stdout.String(), "\n"); lines > 8 {
		t.Errorf("the summary of 40 advisory findings takes %d lines:\n%s", lines, stdout.String())
	}
}

// pastedOverlay is the overlay a maintainer makes by pasting actions, the
// repairs of findings, into an empty repairs file.
func pastedOverlay(t *testing.T, actions []Action) []byte {
	t.Helper()
	overlay, err := yaml.Marshal(map[string]any{
		"overlay": "1.0.0",
		"info":    map[string]string{"title": "pasted", "version": "1"},
		"actions": actions,
	})
	if err != nil {
		t.Fatal(err)
	}
	return overlay
}
