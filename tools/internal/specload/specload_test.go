package specload

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
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
