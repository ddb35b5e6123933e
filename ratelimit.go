package partoo

import (
	"context"
	"fmt"
	"time"

	"golang.org/x/time/rate"
)

// WithRateLimit makes the client send at most n requests per period, evenly
// spaced: a request waits for its turn (a token bucket refilled every per/n,
// holding one token), and every attempt of a retried request takes a turn.
// Partoo allows 300 requests per minute per organization, so
// WithRateLimit(300, time.Minute) keeps a bulk job under the limit instead of
// meeting 429 responses; leave a margin if other programs share the key.
//
// The wait honours the call's context: a cancelled context ends it, and a
// call whose turn would come after its context's deadline fails at once with
// an error matching context.DeadlineExceeded. Clients derived with
// [Client.ForOrg] share the limit, since whether Partoo counts per API key
// or per org_id is not documented (an assumption on the safe side).
//
// If not set, requests are not limited. n must be positive and per longer
// than zero.
func WithRateLimit(n int, per time.Duration) Option {
	return func(cfg *config) error {
		switch {
		case n <= 0:
			return fmt.Errorf("partoo: WithRateLimit: %d requests is not a positive number", n)
		case per <= 0:
			return fmt.Errorf("partoo: WithRateLimit: the period %v is not positive", per)
		}
		cfg.limiter = rate.NewLimiter(rate.Limit(float64(n)/per.Seconds()), 1)
		return nil
	}
}

// waitTurn blocks until the rate limiter lets one more request go, using the
// client's clock and sleep.
func (c *Client) waitTurn(ctx context.Context) error {
	if c.cfg.limiter == nil {
		return nil
	}
	now := c.now()
	r := c.cfg.limiter.ReserveN(now, 1)
	if !r.OK() {
		return fmt.Errorf("rate limit: no request can ever be sent with this limit")
	}
	delay := r.DelayFrom(now)
	if delay <= 0 {
		return nil
	}
	if deadline, ok := ctx.Deadline(); ok && now.Add(delay).After(deadline) {
		r.CancelAt(now)
		return fmt.Errorf("rate limit: waiting %v for a turn would pass the context deadline: %w", delay, context.DeadlineExceeded)
	}
	if err := c.sleep(ctx, delay); err != nil {
		r.CancelAt(c.now())
		return fmt.Errorf("rate limit: waiting for a turn: %w", err)
	}
	return nil
}
