package redislimit

import (
	"context"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/partoo-go/partoo"
	"github.com/partoo-go/partoo/gen"
	"github.com/partoo-go/partoo/partootest"
)

// benchQuota is a quota so large that no turn waits: the benchmarks
// measure what a turn costs, not the pace.
const benchQuota = 1 << 30

// BenchmarkTurn measures one turn: the in-process token bucket that
// partoo.WithRateLimit uses, and a shared turn through redis-server on
// loopback (one GCRA script per turn).
func BenchmarkTurn(b *testing.B) {
	ctx := context.Background()
	b.Run("in-process", func(b *testing.B) {
		l := rate.NewLimiter(rate.Limit(benchQuota), 1)
		b.ReportAllocs()
		for b.Loop() {
			if err := l.Wait(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("redis", func(b *testing.B) {
		r := startRedis(b)
		// A long timeout: a loaded machine must not turn a slow turn into
		// an error here.
		l, err := New(r.client(b), benchQuota, time.Second, WithoutFallback(), WithTimeout(5*time.Second))
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if err := l.Wait(ctx, "org:1"); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkCall measures a whole call (GET /webhooks/{id} against
// partootest on loopback) paced in-process and through Redis.
func BenchmarkCall(b *testing.B) {
	ctx := context.Background()
	srv := partootest.NewTestServer(b)
	hooks, err := srv.CreateWebhooks(gen.WebhookItem{URL: "https://example.com/hook", EventType: "business_created"})
	if err != nil {
		b.Fatal(err)
	}
	id := hooks[0].ID
	run := func(b *testing.B, c *partoo.Client) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := c.Webhooks.Get(ctx, id); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("in-process", func(b *testing.B) {
		run(b, srv.Client(partoo.WithRateLimit(benchQuota, time.Second)))
	})
	b.Run("redis", func(b *testing.B) {
		r := startRedis(b)
		run(b, srv.Client(WithRedis(r.client(b), benchQuota, time.Second, WithoutFallback(), WithTimeout(5*time.Second))))
	})
}
