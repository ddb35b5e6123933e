package redislimit

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os/exec"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// redisServer is a redis-server of Debian's package, started for a test on
// a free loopback port without persistence, and stopped when the test
// ends.
type redisServer struct {
	t    testing.TB
	bin  string
	port int
	dir  string

	mu     sync.Mutex
	cmd    *exec.Cmd
	exited chan struct{} // closed when cmd has exited
	out    *bytes.Buffer
}

// startRedis starts a redis-server, or skips the test when none is
// installed (make test says so).
func startRedis(t testing.TB) *redisServer {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Skip("redis-server is not installed (Debian package redis-server; .ci/run installs it): skipping the tests against a real Redis")
	}
	r := &redisServer{t: t, bin: bin, dir: t.TempDir()}
	t.Cleanup(r.kill)
	// A free port may be taken between the probe and the start: try a few.
	for range 5 {
		r.port = freePort(t)
		if err := r.start(); err == nil {
			return r
		}
	}
	t.Fatalf("redis-server did not start: %s", r.output())
	return nil
}

// addr returns the server's host:port.
func (r *redisServer) addr() string {
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(r.port))
}

// start runs redis-server on r's port and waits until it answers PING.
func (r *redisServer) start() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := &bytes.Buffer{}
	cmd := exec.Command(r.bin, "--port", strconv.Itoa(r.port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--dir", r.dir, "--daemonize", "no", "--loglevel", "warning")
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan struct{})
	go func() {
		cmd.Wait()
		close(exited)
	}()
	rdb := redis.NewClient(&redis.Options{Addr: r.addr(), MaxRetries: -1, DialTimeout: time.Second})
	defer rdb.Close()
	deadline := time.Now().Add(20 * time.Second)
	for {
		select {
		case <-exited:
			r.out = out
			return fmt.Errorf("redis-server exited: %s", out)
		default:
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err := rdb.Ping(ctx).Err()
		cancel()
		if err == nil {
			r.cmd, r.exited, r.out = cmd, exited, out
			return nil
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			<-exited
			r.out = out
			return fmt.Errorf("redis-server did not answer PING within 20s: %v", err)
		}
		select {
		case <-exited:
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// restart starts the server again on the same port, after kill.
func (r *redisServer) restart() {
	r.t.Helper()
	if err := r.start(); err != nil {
		r.t.Fatalf("restarting redis-server: %v", err)
	}
}

// kill stops the server at once (SIGKILL), as a crash would; it does
// nothing when the server is not running.
func (r *redisServer) kill() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cmd == nil {
		return
	}
	r.cmd.Process.Kill()
	<-r.exited
	r.cmd = nil
}

func (r *redisServer) output() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.out == nil {
		return ""
	}
	return r.out.String()
}

// client returns a Redis client of the server, closed when the test ends.
func (r *redisServer) client(t testing.TB) *redis.Client {
	rdb := redis.NewClient(&redis.Options{Addr: r.addr()})
	t.Cleanup(func() { rdb.Close() })
	return rdb
}

// freePort returns a loopback port that was free a moment ago.
func freePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}
