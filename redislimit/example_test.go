package redislimit_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/partoo-go/partoo"
	"github.com/partoo-go/partoo/partootest"
	"github.com/partoo-go/partoo/redislimit"
)

// Four replicas share Partoo's 300 requests per minute. Here nothing
// listens at the Redis address, so the limiter falls back to this
// process's share (75 per minute) and the call still goes, paced.
func ExampleWithRedis() {
	srv := partootest.NewServer() // a fake Partoo; use your key and partoo.Production
	defer srv.Close()
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"})
	defer rdb.Close()

	limiter, err := redislimit.New(rdb, 300, time.Minute,
		redislimit.WithReplicas(4),
		redislimit.WithLogger(slog.New(slog.DiscardHandler))) // the switch is logged once
	if err != nil {
		log.Fatal(err)
	}
	client := srv.Client(partoo.WithLimiter(limiter))

	// The fake has no webhook 1: its 404 shows that the request was sent.
	_, err = client.Webhooks.Get(context.Background(), 1)
	fmt.Println("sent:", errors.Is(err, partoo.ErrNotFound))
	fmt.Println("shared through Redis:", limiter.Shared())
	// Output:
	// sent: true
	// shared through Redis: false
}
