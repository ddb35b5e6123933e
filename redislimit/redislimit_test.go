package redislimit

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/partoo-go/partoo"
	"github.com/partoo-go/partoo/partootest"
)

// logCounter is a slog handler that counts records per level.
type logCounter struct {
	mu     sync.Mutex
	counts map[slog.Level]int
}

func newLogCounter() (*logCounter, *slog.Logger) {
	c := &logCounter{counts: map[slog.Level]int{}}
	return c, slog.New(c)
}

func (c *logCounter) Enabled(context.Context, slog.Level) bool { return true }
func (c *logCounter) Handle(_ context.Context, r slog.Record) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.counts[r.Level]++
	return nil
}
func (c *logCounter) WithAttrs([]slog.Attr) slog.Handler { return c }
func (c *logCounter) WithGroup(string) slog.Handler      { return c }

func (c *logCounter) count(l slog.Level) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.counts[l]
}

// fakeClock is a clock whose sleep returns at once and moves the time.
type fakeClock struct {
	mu    sync.Mutex
	t     time.Time
	slept []time.Duration
}

func newFakeClock() *fakeClock { return &fakeClock{t: time.Now()} }

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.slept = append(c.slept, d)
	c.t = c.t.Add(d)
	return ctx.Err()
}

func (c *fakeClock) waits() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.slept...)
}

// downRedis returns a Redis client of a loopback port where nothing
// listens: every command fails at once.
func downRedis(t *testing.T) *redis.Client {
	t.Helper()
	rdb := redis.NewClient(&redis.Options{Addr: net.JoinHostPort("127.0.0.1", "1"), MaxRetries: -1})
	t.Cleanup(func() { rdb.Close() })
	return rdb
}

// hangingRedis returns a Redis client of a server that accepts
// connections and never answers, with the Redis client's own timeouts
// left long: only the limiter's timeout can end a turn in time.
func hangingRedis(t *testing.T) *redis.Client {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	rdb := redis.NewClient(&redis.Options{Addr: ln.Addr().String(), ReadTimeout: time.Minute, WriteTimeout: time.Minute, MaxRetries: -1})
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		rdb.Close()
	})
	return rdb
}

func TestNewRefusesBadInput(t *testing.T) {
	t.Parallel()
	rdb := downRedis(t)
	tests := []struct {
		name string
		rdb  redis.UniversalClient
		n    int
		per  time.Duration
		opts []Option
		want string
	}{
		{"nil client", nil, 300, time.Minute, []Option{WithReplicas(2)}, "the Redis client is nil"},
		{"zero quota", rdb, 0, time.Minute, []Option{WithReplicas(2)}, "0 requests is not a positive number"},
		{"zero period", rdb, 300, 0, []Option{WithReplicas(2)}, "the period 0s is not positive"},
		{"no replicas", rdb, 300, time.Minute, nil, "add WithReplicas, or WithoutFallback"},
		{"zero replicas", rdb, 300, time.Minute, []Option{WithReplicas(0)}, "0 replicas is not a positive number"},
		{"too many replicas", rdb, 10, time.Minute, []Option{WithReplicas(6)}, "fewer than 2 requests per period to each of 6 replicas"},
		{"burst as large as the quota", rdb, 10, time.Minute, []Option{WithoutFallback(), WithBurst(10)}, "the burst of 10 is not less than the quota of 10"},
		{"zero burst", rdb, 10, time.Minute, []Option{WithoutFallback(), WithBurst(0)}, "0 is not a positive burst"},
		{"zero timeout", rdb, 10, time.Minute, []Option{WithoutFallback(), WithTimeout(0)}, "the timeout 0s is not positive"},
		{"nil logger", rdb, 10, time.Minute, []Option{WithoutFallback(), WithLogger(nil)}, "the logger is nil"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			// This test pins the documented messages on purpose.
			if _, err := New(tt.rdb, tt.n, tt.per, tt.opts...); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("New: err = %v, want one saying %q", err, tt.want)
			}
			if _, err := partoo.NewClient("k", WithRedis(tt.rdb, tt.n, tt.per, tt.opts...)); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("NewClient(WithRedis): err = %v, want one saying %q", err, tt.want)
			}
		})
	}
}

// Redis down: each process paces itself at its share of the quota, and
// says so once.
func TestFallbackWhenRedisIsDown(t *testing.T) {
	t.Parallel()
	logs, logger := newLogCounter()
	l, err := New(downRedis(t), 300, time.Minute, WithReplicas(4), WithLogger(logger))
	if err != nil {
		t.Fatal(err)
	}
	clk := newFakeClock()
	l.now, l.sleep = clk.now, clk.sleep
	for range 4 {
		if err := l.Wait(context.Background(), "org:1"); err != nil {
			t.Fatal(err)
		}
	}
	if l.Shared() {
		t.Error("Shared() = true with Redis down")
	}
	// 75 per minute per process: one token, refilled 74 times a minute.
	interval := time.Minute / 74
	for i, d := range clk.waits() {
		if d.Round(time.Millisecond) != interval.Round(time.Millisecond) {
			t.Errorf("wait %d = %v, want %v", i, d, interval)
		}
	}
	if n := len(clk.waits()); n != 3 {
		t.Errorf("%d waits, want 3 (the first turn goes at once)", n)
	}
	if n := logs.count(slog.LevelWarn); n != 1 {
		t.Errorf("%d warnings, want 1", n)
	}
	// Another organization has its own share.
	before := len(clk.waits())
	if err := l.Wait(context.Background(), "org:2"); err != nil || len(clk.waits()) != before {
		t.Errorf("first turn of another org: err %v, waits %v", err, clk.waits()[before:])
	}
}

// A Redis that accepts and never answers delays a turn by the limiter's
// timeout, not by the Redis client's.
func TestFallbackWhenRedisHangs(t *testing.T) {
	t.Parallel()
	_, logger := newLogCounter()
	l, err := New(hangingRedis(t), 300, time.Minute, WithReplicas(4), WithLogger(logger), WithTimeout(50*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := l.Wait(context.Background(), "org:1"); err != nil {
		t.Fatal(err)
	}
	// Generous: the point is that the Redis client's minute is not waited.
	if elapsed := time.Since(start); elapsed > 10*time.Second {
		t.Errorf("the turn took %v", elapsed)
	}
	if l.Shared() {
		t.Error("Shared() = true with a Redis that does not answer")
	}
}

// WithoutFallback fails the call, before anything is sent.
func TestWithoutFallbackFailsTheCall(t *testing.T) {
	t.Parallel()
	srv := partootest.NewTestServer(t)
	_, logger := newLogCounter()
	c := srv.Client(WithRedis(downRedis(t), 300, time.Minute, WithoutFallback(), WithLogger(logger)))
	for range 2 { // the first asks Redis, the second fails before the probe interval
		if _, err := c.Webhooks.Get(context.Background(), 1); !errors.Is(err, ErrUnavailable) {
			t.Errorf("err = %v, want ErrUnavailable", err)
		}
	}
	if n := srv.RequestCount(); n != 0 {
		t.Errorf("the server saw %d requests, want 0", n)
	}
}

func TestWaitHonoursTheContext(t *testing.T) {
	t.Parallel()
	_, logger := newLogCounter()
	// Redis down, 2 per hour for this process: the second turn is 1h away.
	l, err := New(downRedis(t), 8, time.Hour, WithReplicas(4), WithLogger(logger))
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Wait(context.Background(), "org:1"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := l.Wait(ctx, "org:1"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("a turn after the deadline: err = %v, want DeadlineExceeded at once", err)
	}
	ctx, cancel = context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- l.Wait(ctx, "org:1") }()
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("a cancelled wait: err = %v, want context.Canceled", err)
	}
}

// Two limiters on one Redis, as two processes would be, share the quota
// of an organization, and the keys in Redis hold no API key.
func TestLimitersShareThroughRedis(t *testing.T) {
	t.Parallel()
	r := startRedis(t)
	rdb := r.client(t)
	a, err := New(r.client(t), 10, time.Hour, WithReplicas(2))
	if err != nil {
		t.Fatal(err)
	}
	b, err := New(r.client(t), 10, time.Hour, WithReplicas(2))
	if err != nil {
		t.Fatal(err)
	}
	// Burst 2: one turn each, then the next is 7.5 minutes away for both.
	if err := a.Wait(context.Background(), "org:7"); err != nil {
		t.Fatal(err)
	}
	if err := b.Wait(context.Background(), "org:7"); err != nil {
		t.Fatal(err)
	}
	for name, l := range map[string]*Limiter{"a": a, "b": b} {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		if err := l.Wait(ctx, "org:7"); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("limiter %s: third turn: err = %v, want DeadlineExceeded", name, err)
		}
		cancel()
		if !l.Shared() {
			t.Errorf("limiter %s: Shared() = false", name)
		}
	}
	// Another organization has its own quota.
	if err := a.Wait(context.Background(), "org:8"); err != nil {
		t.Fatal(err)
	}

	// Through a client: no org_id, so the key is a hash of the API key.
	srv := partootest.NewTestServer(t)
	c := srv.Client(partoo.WithLimiter(a))
	if _, err := c.Webhooks.Get(context.Background(), 1); !errors.Is(err, partoo.ErrNotFound) {
		t.Fatalf("err = %v, want ErrNotFound from the fake", err)
	}
	keys, err := rdb.Keys(context.Background(), "*").Result()
	if err != nil {
		t.Fatal(err)
	}
	var hashed int
	for _, k := range keys {
		if strings.Contains(k, srv.APIKey) {
			t.Errorf("Redis key %q holds the API key", k)
		}
		if strings.HasPrefix(k, "rate:"+DefaultPrefix+"key:") {
			hashed++
		}
	}
	if hashed != 1 || len(keys) != 3 {
		t.Errorf("Redis keys %q, want org:7, org:8 and one key: hash", keys)
	}
}
