package webhook_test

import (
	"bufio"
	"bytes"
	"errors"
	"os/exec"
	"testing"
)

// TestNoClientDependency checks that package webhook does not depend on the
// API client, the root package: a program that only receives webhooks must
// not link it. It runs go list, which go test puts on the PATH.
func TestNoClientDependency(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list; skipped in -short mode")
	}
	t.Parallel()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("the go command is not available: %v", err)
	}
	const (
		pkg    = "github.com/partoo-go/partoo/webhook"
		client = "github.com/partoo-go/partoo"
	)
	out, err := exec.Command(goTool, "list", "-deps", pkg).Output()
	if err != nil {
		var stderr []byte
		if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
			stderr = ee.Stderr
		}
		t.Fatalf("go list -deps %s: %v\n%s", pkg, err, stderr)
	}
	found := false
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		switch sc.Text() {
		case client:
			t.Errorf("%s depends on %s", pkg, client)
		case pkg:
			found = true
		}
	}
	if !found {
		t.Fatalf("go list -deps %s does not list the package itself:\n%s", pkg, out)
	}
}
