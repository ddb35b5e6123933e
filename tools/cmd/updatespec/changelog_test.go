package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// TestChangelog: removing an operation is reported as breaking; adding an
// optional property to a schema that responses use is reported, and not
// as breaking, so that update-spec does not advise a major version for it.
func TestChangelog(t *testing.T) {
	if testing.Short() {
		t.Skip("runs oasdiff through go tool")
	}
	t.Parallel()
	spec := frozen(t, "webhooks-openapi.yaml")
	at := bytes.Index(spec, []byte("    WebhookItem:\n"))
	at += bytes.Index(spec[at:], []byte("      properties:\n")) + len("      properties:\n")
	added := append(append(append([]byte(nil), spec[:at]...), "        label:\n          type: string\n          description: A label.\n"...), spec[at:]...)
	start, end := bytes.Index(spec, []byte("  /webhooks/tryout:")), bytes.Index(spec, []byte("  /webhooks/{webhook_id}:"))
	removed := append(append([]byte(nil), spec[:start]...), spec[end:]...)
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	base := write("base.yaml", spec)
	root, err := filepath.Abs(filepath.Join("..", "..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name               string
		revision           []byte
		changes, breaking  int
		atLeastOneNonBreak bool
	}{
		{name: "unchanged", revision: spec},
		{name: "optional response property", revision: added, atLeastOneNonBreak: true},
		{name: "operation removed", revision: removed, changes: 1, breaking: 1},
	} {
		u := &updater{root: root, stdout: io.Discard, stderr: io.Discard}
		changes, breaking, err := u.changelog(context.Background(), base, write(tc.name+".yaml", tc.revision))
		if err != nil {
			t.Fatal(err)
		}
		if tc.atLeastOneNonBreak {
			if changes == 0 || breaking != 0 {
				t.Errorf("%s: %d change(s), %d breaking; want some, none breaking", tc.name, changes, breaking)
			}
		} else if changes != tc.changes || breaking != tc.breaking {
			t.Errorf("%s: %d change(s), %d breaking; want %d, %d", tc.name, changes, breaking, tc.changes, tc.breaking)
		}
	}
}
