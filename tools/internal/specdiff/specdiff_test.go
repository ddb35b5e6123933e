package specdiff

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/partoo-go/partoo/tools/internal/testspec"
)

// TestOptionalResponseFieldIsNotBreaking: adding an optional property to a
// schema that responses use is reported, and not as breaking, so that
// update-spec does not advise a major version for it.
func TestOptionalResponseFieldIsNotBreaking(t *testing.T) {
	if testing.Short() {
		t.Skip("runs oasdiff through go tool")
	}
	t.Parallel()
	spec := testspec.Webhooks()
	anchor := []byte("    WebhookItem:\n")
	i := bytes.Index(spec, anchor)
	j := bytes.Index(spec[i:], []byte("      properties:\n"))
	if i < 0 || j < 0 {
		t.Fatal("WebhookItem's properties are not in the frozen spec")
	}
	at := i + j + len("      properties:\n")
	added := append(append(append([]byte(nil), spec[:at]...), "        label:\n          type: string\n          description: A label.\n"...), spec[at:]...)
	dir := t.TempDir()
	base, revision := filepath.Join(dir, "base.yaml"), filepath.Join(dir, "revision.yaml")
	if err := os.WriteFile(base, spec, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(revision, added, 0o644); err != nil {
		t.Fatal(err)
	}
	changes, err := Compare(context.Background(), "../..", base, revision, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if len(changes) == 0 {
		t.Fatal("oasdiff reports no change for a new response property")
	}
	for _, c := range changes {
		if c.Breaking() {
			t.Errorf("reported as breaking: %s %s", c.ID, c.Text)
		}
	}
}
