package partootest

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// WithQuota makes the server enforce a rate limit per organization, as
// Partoo does (300 requests per minute by default: WithQuota(300,
// time.Minute)): an organization whose last n accepted requests all came
// less than per ago gets 429, with a Retry-After header giving the whole
// seconds until a request may pass again (at least 1) and the spec's 429
// body (none, as Partoo documents none). The window slides on the
// server's clock ([WithClock]); the requests it refuses do not count.
// A request counts once its API key and its organization are known
// (after the checks of route, key, size, media type, parameters and
// organization), whatever happens after.
//
// If not set, the server limits nothing. n must be positive and per longer
// than zero.
func WithQuota(n int, per time.Duration) Option {
	return func(c *config) error {
		switch {
		case n <= 0:
			return fmt.Errorf("WithQuota: %d requests is not a positive number", n)
		case per <= 0:
			return fmt.Errorf("WithQuota: the period %v is not positive", per)
		}
		c.quota = &Quota{N: n, Per: per}
		return nil
	}
}

// Quota is a number of requests per period, as [WithQuota] takes it.
type Quota struct {
	N   int
	Per time.Duration
}

// ParseQuota reads a quota written "n/period", such as "300/1m" or
// "20/2s" (the period in time.ParseDuration's syntax, or a bare unit:
// "300/m"), for command lines and environment variables.
func ParseQuota(s string) (Quota, error) {
	ns, ps, ok := strings.Cut(s, "/")
	if !ok {
		return Quota{}, fmt.Errorf("quota %q: want n/period, such as 300/1m", s)
	}
	n, err := strconv.Atoi(ns)
	if err != nil || n <= 0 {
		return Quota{}, fmt.Errorf("quota %q: %q is not a positive number of requests", s, ns)
	}
	if ps == "s" || ps == "m" || ps == "h" {
		ps = "1" + ps
	}
	per, err := time.ParseDuration(ps)
	if err != nil || per <= 0 {
		return Quota{}, fmt.Errorf("quota %q: %q is not a positive duration", s, ps)
	}
	return Quota{N: n, Per: per}, nil
}

// String returns the quota as ParseQuota reads it.
func (q Quota) String() string {
	return strconv.Itoa(q.N) + "/" + q.Per.String()
}

// quotaState counts the accepted requests of each organization; it is
// guarded by the server's mu.
type quotaState struct {
	Quota
	// last holds, per organization, the times of its last N accepted
	// requests, as a ring whose oldest entry is at next[org].
	last map[int][]time.Time
	next map[int]int
}

// take counts a request of org at now and returns nil, or the 429 to
// answer when org is over the quota.
func (q *quotaState) take(org int, now time.Time) *response {
	ring := q.last[org]
	if len(ring) < q.N {
		q.last[org] = append(ring, now)
		return nil
	}
	i := q.next[org]
	if wait := ring[i].Add(q.Per).Sub(now); wait > 0 {
		resp := specError(http.StatusTooManyRequests)
		secs := int64((wait + time.Second - 1) / time.Second)
		resp.header.Set("Retry-After", strconv.FormatInt(secs, 10))
		return resp
	}
	ring[i] = now
	q.next[org] = (i + 1) % q.N
	return nil
}

// takeQuota counts a request of org against the quota of [WithQuota]; it
// returns the 429 to answer when org is over it, else nil.
func (s *Server) takeQuota(org int) *response {
	if s.quota == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.quota.take(org, s.now())
}
