package partootel_test

import (
	"errors"
	"os/exec"
	"strings"
	"testing"
)

// TestCoreFreeOfOpenTelemetry fails when the client's module (the parent
// directory) depends on an OpenTelemetry module: this module exists so
// that it does not.
func TestCoreFreeOfOpenTelemetry(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("runs go list")
	}
	cmd := exec.Command("go", "list", "-m", "all")
	cmd.Dir = ".."
	// -mod=readonly: the test must never write the root's go.mod or
	// go.sum (-mod=mod would add go.sum lines for the module graph).
	cmd.Env = append(cmd.Environ(), "GOWORK=off", "GOFLAGS=-mod=readonly")
	out, err := cmd.Output()
	if err != nil {
		var stderr string
		if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("go list -m all in the root module: %v\n%s", err, stderr)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) == 0 || !strings.HasPrefix(lines[0], "github.com/partoo-go/partoo") {
		t.Fatalf("go list -m all listed %q first, want the root module", lines[0])
	}
	for _, l := range lines {
		if strings.HasPrefix(l, "go.opentelemetry.io/") {
			t.Errorf("the root module depends on %s", l)
		}
	}
}
