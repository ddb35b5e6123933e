package partoo

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"

	"golang.org/x/time/rate"
)

// Limiter paces the attempts of a client's calls: [WithRateLimit] gives one
// that paces a single process, [WithLimiter] takes any other, such as one
// that shares the quota between the replicas of a service through a common
// store (module github.com/partoo-go/partoo/redislimit).
//
// The client calls Wait before every write of a request: each attempt,
// retries included, each redirect hop, each try net/http makes by itself
// (see [RetryPolicy]). Wait
// blocks until one more attempt counted under key may be sent, then
// returns nil. It must return when ctx ends, with an error matching
// ctx.Err(), and may fail at once, matching [context.DeadlineExceeded],
// when the turn would come after ctx's deadline. Any error ends the call
// before the attempt is sent, wrapped (so errors.Is sees the limiter's own
// sentinels).
//
// key names the quota Partoo counts the attempt against: "org:<org_id>"
// when the request sends an org_id, else "key:<hash>", where hash is an
// HMAC-SHA256 of the API key (see [WithLimitKeySecret]) standing for the
// key's own organization. A key never carries the API key in clear.
//
// A Limiter must be safe for concurrent use by multiple goroutines.
type Limiter interface {
	Wait(ctx context.Context, key string) error
}

// WithRateLimit makes the client send at most n requests per period, evenly
// spaced: a request waits for its turn (a token bucket refilled every per/n,
// holding one token), and every write of a request takes a turn: each
// attempt, each redirect hop, each try net/http makes by itself.
// Partoo allows 300 requests per minute per organization, so
// WithRateLimit(300, time.Minute) keeps a bulk job under the limit instead of
// meeting 429 responses. The limit holds in this process only: when several
// processes share an organization, divide the quota between them or share
// it with [WithLimiter].
//
// The wait honours the call's context: a cancelled context ends it, and a
// call whose turn would come after its context's deadline fails at once with
// an error matching context.DeadlineExceeded. Clients derived with
// [Client.ForOrg] share the limit (whatever the org_id, an assumption on the
// safe side).
//
// If not set, requests are not limited. n must be positive and per longer
// than zero. WithRateLimit replaces a [WithLimiter] given before it.
func WithRateLimit(n int, per time.Duration) Option {
	return func(cfg *config) error {
		switch {
		case n <= 0:
			return fmt.Errorf("partoo: WithRateLimit: %d requests is not a positive number", n)
		case per <= 0:
			return fmt.Errorf("partoo: WithRateLimit: the period %v is not positive", per)
		}
		cfg.limiter = &localLimiter{rate.NewLimiter(rate.Limit(float64(n)/per.Seconds()), 1)}
		return nil
	}
}

// WithLimiter makes every attempt of the client's calls wait for a turn
// from l, keyed by the organization it counts against (see [Limiter]): for
// a quota shared between processes, for example
// redislimit.New(rdb, 300, time.Minute) from the module
// github.com/partoo-go/partoo/redislimit. Clients derived with
// [Client.ForOrg] use the same l, under their own org_id's key. For a
// request without org_id the key comes from the API key, so with
// [WithAPIKeySource] the source is asked once more per attempt.
//
// If not set, requests are not limited. A nil l is an error, and so is an
// l with a method Err() error that returns one: a limiter whose setup
// failed can say so, and [NewClient] fails with that error, wrapped.
// WithLimiter replaces a [WithRateLimit] given before it.
func WithLimiter(l Limiter) Option {
	return func(cfg *config) error {
		if l == nil {
			return errors.New("partoo: WithLimiter: the limiter is nil")
		}
		if e, ok := l.(interface{ Err() error }); ok {
			if err := e.Err(); err != nil {
				return fmt.Errorf("partoo: WithLimiter: %w", err)
			}
		}
		cfg.limiter = l
		return nil
	}
}

// defaultLimitKeySecret is the HMAC key of the limit keys unless
// [WithLimitKeySecret] gives one: public, so that replicas agree on the key
// of an API key without any setup.
const defaultLimitKeySecret = "partoo-go limit key v1"

// WithLimitKeySecret sets the secret of the HMAC-SHA256 that turns the API
// key into the key given to a [Limiter] when a request sends no org_id.
// If not set, the secret is a fixed public value: the store then holds a
// hash of the API key that cannot be reversed, but that anyone who knows
// the key can recompute. With a secret of yours, shared by every replica
// that shares the quota, no one without it can tell which API key an entry
// of the store counts. The secret must be at least 16 bytes; it is copied.
func WithLimitKeySecret(secret []byte) Option {
	return func(cfg *config) error {
		if len(secret) < 16 {
			return fmt.Errorf("partoo: WithLimitKeySecret: the secret has %d bytes, fewer than 16", len(secret))
		}
		cfg.limitKeySecret = append([]byte(nil), secret...)
		return nil
	}
}

// waitTurn blocks until the client's limiter lets the next attempt of the
// call go. The in-process limiter of WithRateLimit uses the client's clock.
func (cs *callState) waitTurn(ctx context.Context) error {
	c := cs.c
	switch l := c.cfg.limiter.(type) {
	case nil:
		return nil
	case *localLimiter:
		return l.wait(ctx, c.now, c.sleep)
	default:
		key, err := cs.limitKey(ctx)
		if err != nil {
			return err
		}
		if err := l.Wait(ctx, key); err != nil {
			return fmt.Errorf("rate limit: %w", err)
		}
		return nil
	}
}

// limitKey returns the key of the call's attempts for the limiter: the
// org_id sent, else an HMAC of the API key.
func (cs *callState) limitKey(ctx context.Context) (string, error) {
	if cs.orgID != 0 {
		return "org:" + strconv.Itoa(cs.orgID), nil
	}
	apiKey, err := cs.c.cfg.apiKey(ctx)
	if err != nil {
		return "", fmt.Errorf("the API key source failed: %w", err)
	}
	secret := cs.c.cfg.limitKeySecret
	if secret == nil {
		secret = []byte(defaultLimitKeySecret)
	}
	return limitKeyOf(secret, apiKey), nil
}

// limitKeyOf returns "key:" and the first 128 bits of HMAC-SHA256(secret,
// apiKey) in hex.
func limitKeyOf(secret []byte, apiKey string) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(apiKey))
	var sum [sha256.Size]byte
	return "key:" + hex.EncodeToString(mac.Sum(sum[:0])[:16])
}

// localLimiter is the [Limiter] of [WithRateLimit]: a token bucket in this
// process, the same for every key.
type localLimiter struct {
	lim *rate.Limiter
}

// Wait implements [Limiter] with the real clock; key is not used.
func (l *localLimiter) Wait(ctx context.Context, _ string) error {
	return l.wait(ctx, time.Now, sleepContext)
}

// wait blocks until the bucket lets one more request go, using the clock
// now and sleep.
func (l *localLimiter) wait(ctx context.Context, now func() time.Time, sleep func(context.Context, time.Duration) error) error {
	t := now()
	r := l.lim.ReserveN(t, 1)
	if !r.OK() {
		return fmt.Errorf("rate limit: no request can ever be sent with this limit")
	}
	delay := r.DelayFrom(t)
	if delay <= 0 {
		return nil
	}
	if deadline, ok := ctx.Deadline(); ok && t.Add(delay).After(deadline) {
		r.CancelAt(t)
		return fmt.Errorf("rate limit: waiting %v for a turn would pass the context deadline: %w", delay, context.DeadlineExceeded)
	}
	if err := sleep(ctx, delay); err != nil {
		r.CancelAt(now())
		return fmt.Errorf("rate limit: waiting for a turn: %w", err)
	}
	return nil
}
