package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestMain runs the command itself when a test starts the test binary as
// updatespec (runMainEnv set), so that a test can signal a real process.
func TestMain(m *testing.M) {
	if os.Getenv(runMainEnv) != "" {
		main()
	}
	os.Exit(m.Run())
}

const runMainEnv = "UPDATESPEC_TEST_RUN_MAIN"

// fakeGo stands for the go command: it passes the lint, and go generate
// writes a file under gen/, says so and waits on the FIFO $FAKE_GO_BLOCK until it is killed or the FIFO is closed.
const fakeGo = `#!/bin/sh
if [ "$1" = generate ]; then
	echo 'package gen // half-generated' > gen/new.go
	echo generating
	exec cat "$FAKE_GO_BLOCK"
fi
exit 0
`

// TestInterruptChangesNothing checks that an update interrupted (Ctrl-C)
// in the middle of a step leaves the tree as it was before the run, as a
// failed step does, and removes its worktree, instead of dying half-updated.
func TestInterruptChangesNothing(t *testing.T) {
	t.Parallel()
	root, bin, inputs := t.TempDir(), t.TempDir(), t.TempDir()
	git := gitIn(t, root)
	for path, body := range map[string]string{filepath.Join(root, "api/openapi-bundled.yaml"): "old spec", filepath.Join(root, "gen/a.go"): "package gen",
		filepath.Join(root, "tools/go.mod"): "module tools", filepath.Join(root, seedRel): frozenSeed(t),
		filepath.Join(inputs, "new.yaml"): string(frozen(t, "webhooks-openapi.yaml")), filepath.Join(bin, "go"): fakeGo} {
		writeFile(t, path, body, 0o755)
	}
	git("init", "-q")
	git("add", "-A")
	git("commit", "-q", "-m", "first")

	block := filepath.Join(bin, "block")
	if err := syscall.Mkfifo(block, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { // lets a fake go that was not killed end
		if f, err := os.OpenFile(block, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			f.Close()
		}
	})
	cmd := exec.Command(os.Args[0], "-root", root, "-spec", filepath.Join(inputs, "new.yaml"))
	cmd.Env = append(os.Environ(), runMainEnv+"=1", "FAKE_GO_BLOCK="+block, "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	// A file, not a pipe: the fake go inherits it, and Wait must not wait
	// for the fake to end.
	stderrFile, err := os.Create(filepath.Join(inputs, "stderr"))
	if err != nil {
		t.Fatal(err)
	}
	defer stderrFile.Close()
	cmd.Stderr = stderrFile
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(stdout)
	for lines.Scan() && lines.Text() != "generating" {
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	for lines.Scan() {
	}
	if err := cmd.Wait(); err == nil {
		t.Errorf("an interrupted update exited 0")
	}
	stderr, err := os.ReadFile(stderrFile.Name())
	if err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(filepath.Join(root, "api/openapi-bundled.yaml")); err != nil || string(got) != "old spec" {
		t.Errorf("api/openapi-bundled.yaml = %q, %v; want the old spec back\n%s", got, err, string(stderr))
	}
	if _, err := os.Stat(filepath.Join(root, "gen/new.go")); !os.IsNotExist(err) {
		t.Errorf("gen/new.go, written by the interrupted step, survived (%v)", err)
	}
	if !strings.Contains(string(stderr), "Nothing was changed") {
		t.Errorf("the failure does not say that nothing was changed:\n%s", string(stderr))
	}
	if list := git("worktree", "list", "--porcelain"); strings.Count(list, "worktree ") != 1 {
		t.Errorf("worktrees left behind:\n%s", list)
	}
}
