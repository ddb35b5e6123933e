package partootest_test

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/partoo-go/partoo"
	"github.com/partoo-go/partoo/partootest"
)

// fakeClock is a clock that moves only when told.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func TestQuotaSlidesPerOrganization(t *testing.T) {
	t.Parallel()
	clk := &fakeClock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	srv := partootest.NewTestServer(t, partootest.WithQuota(3, time.Minute), partootest.WithClock(clk.now),
		partootest.WithProviderKey("pk", 7, 8))
	steps := []struct {
		name       string
		advance    time.Duration
		key, path  string
		want       int
		retryAfter string
	}{
		{"first", 0, srv.APIKey, "/webhooks", 200, ""},
		{"second, 10s later", 10 * time.Second, srv.APIKey, "/webhooks", 200, ""},
		{"third", 0, srv.APIKey, "/webhooks", 200, ""},
		{"fourth: over", 0, srv.APIKey, "/webhooks", 429, "50"},
		{"another organization counts apart", 0, "pk", "/webhooks?org_id=7", 200, ""},
		{"a refused request does not count", 20 * time.Second, srv.APIKey, "/webhooks", 429, "30"},
		{"Retry-After rounds up", 29*time.Second + time.Millisecond, srv.APIKey, "/webhooks", 429, "1"},
		{"the first request left the window", time.Second, srv.APIKey, "/webhooks", 200, ""},
		{"the second has not", 0, srv.APIKey, "/webhooks", 429, "10"},
		{"a failed check does not count", 10 * time.Second, srv.APIKey, "/webhooks?per_page=101", 400, ""},
		{"the second left", 0, srv.APIKey, "/webhooks", 200, ""},
	}
	for _, st := range steps {
		clk.advance(st.advance)
		got := call(t, srv, st.key, http.MethodGet, st.path, "", "")
		if got.Status != st.want || got.Header.Get("Retry-After") != st.retryAfter {
			t.Fatalf("%s: %d Retry-After %q, want %d Retry-After %q", st.name, got.Status, got.Header.Get("Retry-After"), st.want, st.retryAfter)
		}
		if got.Status == 429 && got.Body != "" {
			t.Errorf("%s: 429 body %q, want none (Partoo documents none)", st.name, got.Body)
		}
	}
}

func TestQuotaSeenByTheClient(t *testing.T) {
	t.Parallel()
	clk := &fakeClock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	srv := partootest.NewTestServer(t, partootest.WithQuota(1, time.Hour), partootest.WithClock(clk.now))
	c := srv.Client(partoo.WithoutRetries())
	// No webhook 1: the first answer is a 404, which counts.
	if _, err := c.Webhooks.Get(context.Background(), 1); !errors.Is(err, partoo.ErrNotFound) {
		t.Fatalf("first call: err = %v, want ErrNotFound", err)
	}
	_, err := c.Webhooks.Get(context.Background(), 1)
	var apiErr *partoo.APIError
	if !errors.Is(err, partoo.ErrRateLimited) || !errors.As(err, &apiErr) || apiErr.RetryAfter != time.Hour {
		t.Errorf("err = %v, want ErrRateLimited with a Retry-After of 1h", err)
	}
}

func TestWithQuotaRefusesBadInput(t *testing.T) {
	t.Parallel()
	for _, opt := range []partootest.Option{partootest.WithQuota(0, time.Minute), partootest.WithQuota(1, 0)} {
		func() {
			defer func() {
				if recover() == nil {
					t.Error("NewServer accepted a bad quota")
				}
			}()
			partootest.NewServer(opt).Close()
		}()
	}
}

func TestParseQuota(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want partootest.Quota
		ok   bool
	}{
		{"300/1m", partootest.Quota{N: 300, Per: time.Minute}, true},
		{"300/m", partootest.Quota{N: 300, Per: time.Minute}, true},
		{"20/2.5s", partootest.Quota{N: 20, Per: 2500 * time.Millisecond}, true},
		{"300", partootest.Quota{}, false},
		{"0/1m", partootest.Quota{}, false},
		{"-1/1m", partootest.Quota{}, false},
		{"x/1m", partootest.Quota{}, false},
		{"300/0s", partootest.Quota{}, false},
		{"300/minute", partootest.Quota{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := partootest.ParseQuota(tt.in)
			if (err == nil) != tt.ok || got != tt.want {
				t.Errorf("ParseQuota(%q) = %v, %v; want %v, ok %v", tt.in, got, err, tt.want, tt.ok)
			}
			if tt.ok {
				if again, err := partootest.ParseQuota(got.String()); err != nil || again != got {
					t.Errorf("ParseQuota(%q) = %v, %v; want %v", got.String(), again, err, got)
				}
			}
		})
	}
}
