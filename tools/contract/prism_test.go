//go:build unix

package contract

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

// strictEnv is set by `make contract`: Prism must then be available, and
// its absence fails the test instead of skipping it.
const strictEnv = "PARTOO_CONTRACT"

// prismEnv names the Prism executable; the default is the one `make
// contract` installs from tools/prism/package-lock.json.
const prismEnv = "PRISM"

// prismPath returns the Prism executable, or fails (under make contract)
// or skips (plain go test) when there is none.
func prismPath(t *testing.T) string {
	t.Helper()
	p := os.Getenv(prismEnv)
	if p == "" {
		p, _ = filepath.Abs(filepath.Join("..", "prism", "node_modules", ".bin", "prism"))
	}
	if _, err := os.Stat(p); err != nil {
		msg := fmt.Sprintf("Prism is not installed at %s (%v): run `make contract`, which installs the pinned @stoplight/prism-cli with npm ci", p, err)
		if os.Getenv(strictEnv) != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return p
}

// prism is a running `prism mock`.
type prism struct {
	URL string
	cmd *exec.Cmd
	out *output
}

// output collects a process's output, written by the process's copying
// goroutine and read by the test.
type output struct {
	mu    sync.Mutex
	lines strings.Builder
}

func (o *output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.lines.Write(p)
}

func (o *output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.lines.String()
}

// startPrism runs `prism mock` on spec, on a free loopback port, waits until
// it answers, and kills it (with its process group) when the test ends.
func startPrism(t *testing.T, spec string) *prism {
	t.Helper()
	bin := prismPath(t)
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		p, err := tryStartPrism(t, bin, spec)
		if err == nil {
			return p
		}
		lastErr = err
	}
	t.Fatalf("prism did not start: %v", lastErr)
	return nil
}

func tryStartPrism(t *testing.T, bin, spec string) (*prism, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	out := &output{}
	cmd := exec.Command(bin, "mock", "--host", "127.0.0.1", "--port", strconv.Itoa(port), spec)
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	// Prism's dependencies phone home from install scripts only, which
	// npm ci runs with --ignore-scripts; this keeps any runtime reporting off.
	cmd.Env = append(os.Environ(), "SCARF_ANALYTICS=false", "DO_NOT_TRACK=1")
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	kill := func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-exited
	}
	p := &prism{URL: "http://127.0.0.1:" + strconv.Itoa(port), cmd: cmd, out: out}
	deadline := time.Now().Add(90 * time.Second)
	for {
		select {
		case err := <-exited:
			exited <- err
			kill()
			return nil, fmt.Errorf("prism exited before it was ready (%v):\n%s", err, out.String())
		default:
		}
		if strings.Contains(out.String(), "Prism is listening") {
			resp, err := http.Get(p.URL + "/")
			if err == nil {
				resp.Body.Close()
				t.Cleanup(func() {
					kill()
					if t.Failed() {
						t.Logf("prism output:\n%s", out.String())
					}
				})
				return p, nil
			}
		}
		if time.Now().After(deadline) {
			kill()
			return nil, fmt.Errorf("prism not ready after 90 s:\n%s", out.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// forPrism returns a copy of the spec that Prism can enforce, and the
// changes made.
//
// Prism 5.16.0 compiles schemas with ajv 8, which builds every `pattern`
// with the regular expression flag "u". Under that flag an identity escape
// of a character that is not a syntax character (the spec's `\"` in the
// CustomHeaders key pattern) is a syntax error, and Prism swallows the
// error and skips the validation of the whole request body of every
// operation whose schema contains the pattern. The copy drops such
// backslashes, which does not change what the pattern matches under
// ECMAScript's rules without "u" (where `\"` means `"`).
func forPrism(spec []byte) ([]byte, []string, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(spec, &doc); err != nil {
		return nil, nil, err
	}
	var changes []string
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				if k.Value == "pattern" && v.Kind == yaml.ScalarNode {
					if fixed := unicodeSafePattern(v.Value); fixed != v.Value {
						changes = append(changes, fmt.Sprintf("pattern %q -> %q", v.Value, fixed))
						v.Value, v.Style = fixed, yaml.SingleQuotedStyle
					}
				}
			}
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(&doc)
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return nil, nil, err
	}
	return b.Bytes(), changes, nil
}

// unicodeSafePattern removes the backslash of identity escapes that the
// "u" flag rejects: a backslash before anything but a syntax character,
// '/', '-', or an ASCII letter or digit (which start real escapes).
func unicodeSafePattern(p string) string {
	const allowed = `^$\.*+?()[]{}|/-`
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c == '\\' && i+1 < len(p) {
			next := p[i+1]
			isAlnum := next >= 'a' && next <= 'z' || next >= 'A' && next <= 'Z' || next >= '0' && next <= '9'
			if !isAlnum && !strings.ContainsRune(allowed, rune(next)) && next < 0x80 {
				b.WriteByte(next)
			} else {
				b.WriteByte(c)
				b.WriteByte(next)
			}
			i++
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

func TestUnicodeSafePattern(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, in, want string }{
		{"the spec's key pattern", `^[Xx]-(?![Pp][Aa][Rr][Tt][Oo][Oo])[^ ()<>@,;:\\\"\/\[\]?={}]*$`, `^[Xx]-(?![Pp][Aa][Rr][Tt][Oo][Oo])[^ ()<>@,;:\\"\/\[\]?={}]*$`},
		{"nothing to change", `^https://`, `^https://`},
		{"real escapes kept", `\d\w\s\.\-\/\\`, `\d\w\s\.\-\/\\`},
		{"identity escapes dropped", `\"\'\@\:`, `"'@:`},
		{"trailing backslash kept", `a\`, `a\`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := unicodeSafePattern(tt.in); got != tt.want {
				t.Errorf("unicodeSafePattern(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
