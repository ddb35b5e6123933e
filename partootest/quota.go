package partootest

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// WithQuota limits each organization to n requests per period, as Partoo
// does (its default is WithQuota(300, time.Minute)): an organization whose
// last n accepted requests all came less than per ago gets 429, with the
// spec's 429 body (none) and Retry-After, the whole seconds (at least 1)
// until a request may pass. The window slides on the server's clock
// ([WithClock]). A request counts once its key and organization passed
// their checks (steps 1 to 6 of the package documentation), whatever
// happens after; refused ones do not count. Without it the server limits
// nothing. n and per must be positive.
func WithQuota(n int, per time.Duration) Option {
	return option("WithQuota", n > 0 && per > 0, fmt.Sprintf("%d requests per %v: want a positive number per a positive period", n, per),
		func(c *config) { c.quota = &Quota{N: n, Per: per} })
}

// Quota is a number of requests per period, as [WithQuota] takes it.
type Quota struct {
	N   int           // requests
	Per time.Duration // per period
}

// ParseQuota reads a quota written "n/period" for a command line: "300/1m",
// "20/2s" (time.ParseDuration's syntax), or "300/m" (a bare unit).
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

// takeQuota counts a request of org against the quota of [WithQuota], or
// returns the 429 to answer when org is over it.
func (s *Server) takeQuota(org int) *response {
	if s.quota == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now, last := s.now(), s.quotaUsed[org]
	if len(last) == s.quota.N {
		if wait := last[0].Add(s.quota.Per).Sub(now); wait > 0 {
			resp := specError(http.StatusTooManyRequests)
			resp.header.Set("Retry-After", strconv.FormatInt(int64((wait+time.Second-1)/time.Second), 10))
			return resp
		}
		last = last[1:]
	}
	s.quotaUsed[org] = append(last, now)
	return nil
}
