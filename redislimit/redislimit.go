// Package redislimit shares Partoo's rate limit between the processes
// that call the API for the same organization (the replicas of a service,
// the workers of a job), through Redis. It is a module of its own, so that
// the client's module graph has no Redis client.
//
// Partoo allows 300 requests per minute per organization. Each replica
// limited on its own with partoo.WithRateLimit(300, time.Minute) would let
// four replicas send 1,200; with a [Limiter] they send 300 together:
//
//	client, err := partoo.NewClient(key,
//		redislimit.WithRedis(rdb, 300, time.Minute, redislimit.WithReplicas(4)))
//
// Every attempt of every call, retries included, takes a turn from a GCRA
// limiter (github.com/go-redis/redis_rate) kept in Redis under the key of
// the organization it counts against (see partoo.Limiter: the org_id sent,
// else a keyed hash of the API key; never the key itself).
//
// # When Redis is slow or down
//
// Each turn asks Redis once or more, each time within [DefaultTimeout]
// (see [WithTimeout]). When Redis does not answer in time, or answers an
// error, the limiter does not wait for it and does not let requests go
// unpaced. By default it falls back to a limit in this process of the
// quota divided by the number of replicas ([WithReplicas]), logs the
// switch once (a warning on the [WithLogger] logger), and asks Redis
// again (a PING in the background, which no call waits for) at most every
// [DefaultProbeInterval]; when Redis answers, the quota is shared again,
// which is logged once too. With [WithoutFallback] the call fails
// instead, with an error matching [ErrUnavailable].
//
// When Redis answers again, a replica keeps to its share of the quota for
// one more probe interval, as well as taking shared turns, since the other
// replicas may not have found Redis yet. Around each switch a window of
// one period may still see up to one request per replica more than the
// quota (each fallback limit starts with one turn): leave that margin in
// n if Partoo must never answer 429, which the client retries anyway for
// idempotent calls.
package redislimit

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"
	"golang.org/x/time/rate"

	"github.com/partoo-go/partoo"
)

// DefaultTimeout bounds each request the limiter sends to Redis unless
// [WithTimeout] says otherwise.
const DefaultTimeout = 100 * time.Millisecond

// DefaultProbeInterval is how often a limiter that fell back to its
// in-process limit asks Redis again.
const DefaultProbeInterval = 500 * time.Millisecond

// DefaultBurst is how many turns may go at once after a quiet spell
// unless [WithBurst] says otherwise.
const DefaultBurst = 2

// DefaultPrefix starts the Redis keys of the limiter unless [WithPrefix]
// says otherwise.
const DefaultPrefix = "partoo-go:limit:"

// ErrUnavailable matches the error of a turn that Redis could not give in
// time, with [WithoutFallback].
var ErrUnavailable = errors.New("redislimit: Redis is unavailable")

// Limiter is a partoo.Limiter that shares a quota through Redis. Create
// one with [New]; it is safe for concurrent use, and one Limiter may serve
// several clients (each organization has its own quota).
type Limiter struct {
	rdb        redis.UniversalClient
	rl         *redis_rate.Limiter
	limit      redis_rate.Limit
	n          int
	per        time.Duration
	replicas   int
	fallback   bool
	timeout    time.Duration
	probeEvery time.Duration
	prefix     string
	logger     *slog.Logger

	// now and sleep are the clock; tests replace them.
	now   func() time.Time
	sleep func(context.Context, time.Duration) error

	mu   sync.Mutex
	keys map[string]*keyState

	// degraded is set while Redis is unavailable; lastProbe is when the
	// limiter last asked Redis while degraded (UnixNano), probing that a
	// probe is under way.
	degraded  atomic.Bool
	lastProbe atomic.Int64
	probing   atomic.Bool
	// resumed is when Redis last answered again after being unavailable
	// (UnixNano; 0: never).
	resumed atomic.Int64

	// shareInterval is per*replicas/n, the pace of this process's fair
	// share (0 without WithReplicas), and yield how much later a process
	// over its share asks again (0 with a burst of 1).
	shareInterval time.Duration
	yield         time.Duration
}

// keyState is what the limiter keeps per key in this process.
type keyState struct {
	// turn lets one goroutine at a time ask Redis for a turn of this key,
	// so that a process sends one request to Redis per turn however many
	// goroutines wait, and the processes have one contender each.
	turn chan struct{}
	// local is the in-process limit used while Redis is unavailable.
	local *rate.Limiter
	// fair is this process's virtual time of its share of the quota
	// (UnixNano): ahead of now when it took more than its share lately.
	// Only the holder of turn reads or writes it.
	fair int64
}

// Option configures a [Limiter].
type Option func(*Limiter) error

// WithReplicas says how many processes share the quota, so that the
// in-process limit used while Redis is unavailable is the quota divided by
// r: each process then sends at most n/r requests per period (rounded
// down), and all together at most n. Count every process that shares the
// organization's quota at the most (a deployment's maximum replicas). It
// is required unless [WithoutFallback] is given. r must be positive, and
// leave each process at least 2 requests per period.
//
// It also sets each process's fair share, n/r: a process that took more
// lately asks again a little later than the others after a refusal, so
// that under contention the turns go round and no replica is starved.
func WithReplicas(r int) Option {
	return func(l *Limiter) error {
		if r <= 0 {
			return fmt.Errorf("redislimit: WithReplicas: %d replicas is not a positive number", r)
		}
		l.replicas = r
		return nil
	}
}

// WithoutFallback makes a turn that Redis cannot give in time fail the
// call, with an error matching [ErrUnavailable], instead of falling back
// to an in-process limit. Nothing is sent then.
func WithoutFallback() Option {
	return func(l *Limiter) error {
		l.fallback = false
		return nil
	}
}

// WithTimeout bounds each request to Redis. If not set, [DefaultTimeout]
// applies. d must be positive. A turn waits for Redis at most d at a
// time, whatever the Redis client's own timeouts, so a Redis that hangs
// delays a call by at most d before the fallback takes over.
func WithTimeout(d time.Duration) Option {
	return func(l *Limiter) error {
		if d <= 0 {
			return fmt.Errorf("redislimit: WithTimeout: the timeout %v is not positive", d)
		}
		l.timeout = d
		return nil
	}
}

// WithBurst sets how many turns may go at once after a quiet spell. The
// limiter then paces the turns at n-b per period, so that no window of one
// period sees more than n, at Redis's clock; a burst of 2 or more also
// keeps the full pace when a turn is asked for a little late. If not set,
// it is [DefaultBurst]. b must be positive and less than n.
func WithBurst(b int) Option {
	return func(l *Limiter) error {
		if b <= 0 {
			return fmt.Errorf("redislimit: WithBurst: %d is not a positive burst", b)
		}
		l.limit.Burst = b
		return nil
	}
}

// WithPrefix sets the start of the limiter's Redis keys, for example to
// keep the production and sandbox quotas apart in one Redis. If not set,
// it is [DefaultPrefix]. Every process sharing a quota must use the same
// prefix.
func WithPrefix(p string) Option {
	return func(l *Limiter) error {
		l.prefix = p
		return nil
	}
}

// WithLogger sets the logger of the switches between the shared quota and
// the in-process limit (one record each). If not set, it is
// slog.Default(). A nil l is an error.
func WithLogger(lg *slog.Logger) Option {
	return func(l *Limiter) error {
		if lg == nil {
			return errors.New("redislimit: WithLogger: the logger is nil")
		}
		l.logger = lg
		return nil
	}
}

// New returns a Limiter that lets at most n requests go per period per
// organization, counted in Redis through rdb, for partoo.WithLimiter.
// [WithReplicas] is required unless [WithoutFallback] is given. rdb must
// not be nil, n must be more than the burst ([WithBurst]), and per longer
// than zero.
func New(rdb redis.UniversalClient, n int, per time.Duration, opts ...Option) (*Limiter, error) {
	l := &Limiter{
		n: n, per: per, fallback: true,
		limit:   redis_rate.Limit{Burst: DefaultBurst},
		timeout: DefaultTimeout, probeEvery: DefaultProbeInterval, prefix: DefaultPrefix,
		logger: slog.Default(), now: time.Now, sleep: sleepContext,
		keys: map[string]*keyState{},
	}
	if rdb == nil {
		return nil, errors.New("redislimit: the Redis client is nil")
	}
	if n <= 0 {
		return nil, fmt.Errorf("redislimit: %d requests is not a positive number", n)
	}
	if per <= 0 {
		return nil, fmt.Errorf("redislimit: the period %v is not positive", per)
	}
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(l); err != nil {
			return nil, err
		}
	}
	if l.limit.Burst >= n {
		return nil, fmt.Errorf("redislimit: the burst of %d is not less than the quota of %d", l.limit.Burst, n)
	}
	if l.fallback {
		switch {
		case l.replicas == 0:
			return nil, errors.New("redislimit: the fallback needs the number of replicas: add WithReplicas, or WithoutFallback")
		case n/l.replicas < 2:
			return nil, fmt.Errorf("redislimit: a quota of %d leaves fewer than 2 requests per period to each of %d replicas", n, l.replicas)
		}
	}
	l.limit.Rate, l.limit.Period = n-l.limit.Burst, per
	if l.replicas > 0 {
		l.shareInterval = per * time.Duration(l.replicas) / time.Duration(n)
		// Half the lateness the burst absorbs, at most one pace.
		pace := per / time.Duration(l.limit.Rate)
		l.yield = min(pace*time.Duration(l.limit.Burst-1)/2, pace)
	}
	l.rdb, l.rl = rdb, redis_rate.NewLimiter(rdb)
	return l, nil
}

// WithRedis returns a partoo.Option that makes the client share a quota
// of n requests per period per organization through Redis: it is
// partoo.WithLimiter with New(rdb, n, per, opts...), and makes
// partoo.NewClient fail when New would.
func WithRedis(rdb redis.UniversalClient, n int, per time.Duration, opts ...Option) partoo.Option {
	l, err := New(rdb, n, per, opts...)
	if err != nil {
		return partoo.WithLimiter(failed{err})
	}
	return partoo.WithLimiter(l)
}

// failed is the limiter of a WithRedis whose New failed: partoo.WithLimiter
// reports its Err.
type failed struct{ err error }

func (f failed) Wait(context.Context, string) error { return f.err }
func (f failed) Err() error                         { return f.err }

// Shared reports whether the limiter shares the quota through Redis: false
// while it falls back to its in-process limit because Redis was found
// unavailable (until Redis answers a probe again).
func (l *Limiter) Shared() bool {
	return !l.degraded.Load()
}

// Wait implements partoo.Limiter: it blocks until one more request counted
// under key may go, then returns nil. It returns an error matching
// ctx.Err() when ctx ends first, one matching context.DeadlineExceeded at
// once when the turn would come after ctx's deadline, and with
// [WithoutFallback] one matching [ErrUnavailable] when Redis does not
// answer in time.
func (l *Limiter) Wait(ctx context.Context, key string) error {
	ks := l.state(key)
	select {
	case ks.turn <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-ks.turn }()
	for {
		if l.degraded.Load() {
			l.probe()
			return l.waitLocal(ctx, ks)
		}
		res, err := l.allow(ctx, key)
		if err != nil {
			if ctxErr := ctx.Err(); ctxErr != nil {
				return ctxErr
			}
			l.markDegraded(err)
			if !l.fallback {
				return fmt.Errorf("%w: %w", ErrUnavailable, err)
			}
			return l.waitLocal(ctx, ks)
		}
		if res.Allowed > 0 {
			l.chargeShare(ks)
			if l.fallback && l.warmingUp() {
				// The other replicas may not have found Redis yet: keep
				// to this one's share meanwhile.
				return l.waitLocal(ctx, ks)
			}
			return nil
		}
		wait := res.RetryAfter
		if l.overShare(ks) {
			wait += l.yield
		}
		if deadline, ok := ctx.Deadline(); ok && l.now().Add(wait).After(deadline) {
			return fmt.Errorf("redislimit: waiting %v for a turn would pass the context deadline: %w", wait, context.DeadlineExceeded)
		}
		if err := l.sleep(ctx, wait); err != nil {
			return err
		}
	}
}

// state returns the state of key in this process, made on first use.
func (l *Limiter) state(key string) *keyState {
	l.mu.Lock()
	defer l.mu.Unlock()
	ks := l.keys[key]
	if ks == nil {
		ks = &keyState{turn: make(chan struct{}, 1)}
		if l.fallback {
			// At most n/replicas requests in any window of per: a bucket
			// of one token refilled n/replicas-1 times per period.
			each := l.n / l.replicas
			ks.local = rate.NewLimiter(rate.Limit(float64(each-1)/l.per.Seconds()), 1)
		}
		l.keys[key] = ks
	}
	return ks
}

// allow asks Redis for a turn of key within the timeout.
func (l *Limiter) allow(ctx context.Context, key string) (*redis_rate.Result, error) {
	var res *redis_rate.Result
	err := l.bounded(ctx, func(ctx context.Context) error {
		var err error
		res, err = l.rl.Allow(ctx, l.prefix+key, l.limit)
		return err
	})
	if err != nil {
		return nil, err // res may still be written by a request left behind
	}
	return res, nil
}

// bounded runs the Redis request f and waits for it at most the timeout,
// whatever the Redis client's own timeouts: f runs in a goroutine of its
// own, left to finish by itself (with its context cancelled) when it
// takes longer.
func (l *Limiter) bounded(ctx context.Context, f func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, l.timeout)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- f(ctx) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return fmt.Errorf("no answer within %v: %w", l.timeout, ctx.Err())
	}
}

// probe asks Redis, in the background, whether it answers again: at most
// once per probe interval and one probe at a time, so that no turn waits
// for it. When Redis answers, the quota is shared again.
func (l *Limiter) probe() {
	now := l.now().UnixNano()
	if now-l.lastProbe.Load() < int64(l.probeEvery) || !l.probing.CompareAndSwap(false, true) {
		return
	}
	l.lastProbe.Store(now)
	go func() {
		defer l.probing.Store(false)
		err := l.bounded(context.Background(), func(ctx context.Context) error { return l.rdb.Ping(ctx).Err() })
		if err == nil && l.degraded.CompareAndSwap(true, false) {
			l.resumed.Store(l.now().UnixNano())
			l.logger.Info("redislimit: Redis answers again; the quota is shared again", "quota", l.quota())
		}
	}()
}

// chargeShare counts a shared turn of this process against its share of
// the quota: its virtual time moves one share interval (per*replicas/n)
// from now or from where it was, and never runs more than two intervals
// ahead, so that a process that had the quota to itself for a while is
// not held back long when the others come back.
func (l *Limiter) chargeShare(ks *keyState) {
	if l.shareInterval == 0 {
		return
	}
	now := l.now().UnixNano()
	step := int64(l.shareInterval)
	ks.fair = min(max(ks.fair, now)+step, now+2*step)
}

// overShare reports whether this process took more than its share of the
// quota lately. Such a process, refused a turn, asks again a little later
// than the others (yield), so that under contention the turns go to the
// replicas below their share first, and none is starved. A turn nobody
// else wants is lost to no one: the burst lets a late ask keep the pace.
func (l *Limiter) overShare(ks *keyState) bool {
	return l.yield > 0 && ks.fair > l.now().UnixNano()
}

// warmingUp reports whether the limiter found Redis again less than a
// probe interval (and a timeout) ago, when the other replicas may still
// be on their fallback limit, not counting in Redis: until then a turn
// takes both a shared turn and one of the fallback limit, so that all
// together stay within the quota.
func (l *Limiter) warmingUp() bool {
	r := l.resumed.Load()
	return r != 0 && l.now().UnixNano()-r < int64(l.probeEvery+l.timeout)
}

// markDegraded switches to the in-process limit after err, logging the
// switch once.
func (l *Limiter) markDegraded(err error) {
	l.lastProbe.Store(l.now().UnixNano())
	if l.degraded.CompareAndSwap(false, true) {
		if l.fallback {
			l.logger.Warn("redislimit: Redis is unavailable; each process falls back to its share of the quota",
				"error", err.Error(), "quota", l.quota(), "replicas", l.replicas, "share", fmt.Sprintf("%d/%v", l.n/l.replicas, l.per))
		} else {
			l.logger.Warn("redislimit: Redis is unavailable; calls fail until it answers", "error", err.Error(), "quota", l.quota())
		}
	}
}

// quota returns the quota as "n/per".
func (l *Limiter) quota() string {
	return fmt.Sprintf("%d/%v", l.n, l.per)
}

// waitLocal waits for a turn of the in-process limit of ks, or fails with
// ErrUnavailable without a fallback.
func (l *Limiter) waitLocal(ctx context.Context, ks *keyState) error {
	if ks.local == nil {
		return fmt.Errorf("%w (waiting for it to answer again)", ErrUnavailable)
	}
	now := l.now()
	r := ks.local.ReserveN(now, 1)
	delay := r.DelayFrom(now)
	if delay <= 0 {
		return nil
	}
	if deadline, ok := ctx.Deadline(); ok && now.Add(delay).After(deadline) {
		r.CancelAt(now)
		return fmt.Errorf("redislimit: waiting %v for a turn of the fallback limit would pass the context deadline: %w", delay, context.DeadlineExceeded)
	}
	if err := l.sleep(ctx, delay); err != nil {
		r.CancelAt(l.now())
		return err
	}
	return nil
}

// sleepContext waits for d or until ctx is done, whichever comes first.
func sleepContext(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
