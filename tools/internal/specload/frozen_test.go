package specload

import (
	"os"
	"path/filepath"
	"testing"
)

// frozenDir holds the tools' frozen specs, which the tests mutate to prove
// each rule (see its README.md).
const frozenDir = "../../testdata"

// frozen returns the file name of frozenDir.
func frozen(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(frozenDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}
