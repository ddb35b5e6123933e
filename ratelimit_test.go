package partoo

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// recordingLimiter is a Limiter that records the keys it is asked for and
// answers with err (nil: a turn at once). With block set, it waits for
// the context instead.
type recordingLimiter struct {
	mu    sync.Mutex
	keys  []string
	err   error
	block bool
}

func (l *recordingLimiter) Wait(ctx context.Context, key string) error {
	l.mu.Lock()
	l.keys = append(l.keys, key)
	l.mu.Unlock()
	if l.block {
		<-ctx.Done()
		return ctx.Err()
	}
	return l.err
}

func (l *recordingLimiter) seen() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.keys...)
}

// failedLimiter is a limiter whose setup failed.
type failedLimiter struct{}

func (failedLimiter) Wait(context.Context, string) error { return errNoTurn }
func (failedLimiter) Err() error                         { return errNoTurn }

// errNoTurn is a limiter's own sentinel.
var errNoTurn = errors.New("no turn")

func TestLimiterKeysAndTurns(t *testing.T) {
	t.Parallel()
	keyHash := limitKeyOf([]byte(defaultLimitKeySecret), rtKey)
	tests := []struct {
		name     string
		opts     []Option
		steps    int // 503s before the 200
		forOrg   int
		wantKeys []string
	}{
		{name: "no org_id: the key's hash", wantKeys: []string{keyHash}},
		{name: "the client's org_id", opts: []Option{WithOrgID(7)}, wantKeys: []string{"org:7"}},
		{name: "ForOrg", forOrg: 9, wantKeys: []string{"org:9"}},
		{name: "every attempt takes a turn", opts: []Option{WithOrgID(7)}, steps: 2, wantKeys: []string{"org:7", "org:7", "org:7"}},
		{name: "a secret of one's own", opts: []Option{WithLimitKeySecret([]byte("0123456789abcdef"))}, wantKeys: []string{limitKeyOf([]byte("0123456789abcdef"), rtKey)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newRTServer(t, append(repeat(reply(503, ""), tt.steps), reply(200, rtItemJSON))...)
			l := &recordingLimiter{}
			opts := append([]Option{WithLimiter(l), WithRetryPolicy(RetryPolicy{MinWait: time.Millisecond, MaxWait: time.Millisecond})}, tt.opts...)
			c := newRTClient(t, s, newRTClock(), opts...)
			if tt.forOrg != 0 {
				var err error
				if c, err = c.ForOrg(tt.forOrg); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := c.Webhooks.Get(context.Background(), 1); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.wantKeys, l.seen()); diff != "" {
				t.Errorf("limiter keys (-want +got):\n%s", diff)
			}
			for _, k := range l.seen() {
				if strings.Contains(k, rtKey) {
					t.Errorf("the limiter saw the API key in clear: %q", k)
				}
			}
		})
	}
}

func repeat[T any](v T, n int) []T {
	out := make([]T, n)
	for i := range out {
		out[i] = v
	}
	return out
}

func TestLimitKeyOf(t *testing.T) {
	t.Parallel()
	secret := []byte(defaultLimitKeySecret)
	a, b := limitKeyOf(secret, "key-one"), limitKeyOf(secret, "key-two")
	if a == b {
		t.Errorf("two API keys share the limit key %q", a)
	}
	if again := limitKeyOf(secret, "key-one"); again != a {
		t.Errorf("limit key not stable: %q then %q", a, again)
	}
	if other := limitKeyOf([]byte("another secret!!"), "key-one"); other == a {
		t.Errorf("the secret does not change the limit key")
	}
	if !strings.HasPrefix(a, "key:") || len(a) != len("key:")+32 {
		t.Errorf("limit key %q, want key: and 32 hex digits", a)
	}
}

func TestLimiterErrorEndsTheCallUnsent(t *testing.T) {
	t.Parallel()
	s := newRTServer(t, reply(200, rtItemJSON))
	c := newRTClient(t, s, newRTClock(), WithLimiter(&recordingLimiter{err: errNoTurn}))
	_, err := c.Webhooks.Get(context.Background(), 1)
	if !errors.Is(err, errNoTurn) {
		t.Errorf("err = %v, want the limiter's error", err)
	}
	if n := len(s.requests()); n != 0 {
		t.Errorf("server saw %d requests, want 0", n)
	}
}

func TestLimiterWaitHonoursTheContext(t *testing.T) {
	t.Parallel()
	s := newRTServer(t, reply(200, rtItemJSON))
	c := newRTClient(t, s, newRTClock(), WithLimiter(&recordingLimiter{block: true}))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := c.Webhooks.Get(ctx, 1)
		done <- err
	}()
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if n := len(s.requests()); n != 0 {
		t.Errorf("server saw %d requests, want 0", n)
	}
}

func TestLimiterOptionsRefuseBadInput(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opt  Option
	}{
		{"nil limiter", WithLimiter(nil)},
		{"limiter that failed its setup", WithLimiter(failedLimiter{})},
		{"short secret", WithLimitKeySecret([]byte("short"))},
		{"no secret", WithLimitKeySecret(nil)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if _, err := NewClient(rtKey, tt.opt); err == nil {
				t.Error("NewClient accepted the option")
			}
		})
	}
}

// The in-process limiter of WithRateLimit is a Limiter too, usable on its
// own with the real clock.
func TestRateLimitIsALimiter(t *testing.T) {
	t.Parallel()
	var cfg config
	if err := WithRateLimit(1, time.Hour)(&cfg); err != nil {
		t.Fatal(err)
	}
	var l Limiter = cfg.limiter
	if err := l.Wait(context.Background(), "org:1"); err != nil {
		t.Fatalf("first turn: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := l.Wait(ctx, "org:1"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("second turn within the hour: err = %v, want context.DeadlineExceeded", err)
	}
}
