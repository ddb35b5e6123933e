package redislimit

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/partoo-go/partoo"
	"github.com/partoo-go/partoo/gen"
	"github.com/partoo-go/partoo/partootest"
)

// The tests of this file run replicas: the test binary run again as a
// child process, with replicaEnv set to its replicaConfig in JSON. Each
// replica has its own client and limiter, and they share a quota through
// one redis-server against one fake Partoo enforcing it (partootest in
// the parent).
const replicaEnv = "REDISLIMIT_TEST_REPLICA"

// The scaled-down quota of the tests, and why these numbers.
//
// The fake allows quotaN requests in any window of quotaPer (20 a
// second), and the replicas call for window (1.5 periods, so the fake's
// window fills and slides). The limiter is given quotaN-margin with a
// burst of burst: it paces at 113 per 6 s (a pace of 53 ms), and lets at
// most 116 go in any window at Redis's clock.
//
//   - Throughput over the quota: never while the replicas share it; a
//     stall only delays turns. (A replica that Redis answers later than
//     redisTimeout falls back to its own share, which Redis does not
//     count: see heldLongest.)
//   - No 429 while the replicas share, whatever the load: the fake
//     counts arrivals, and a loaded machine can hold a request up
//     between its turn and the fake's reading of it, however long. But a
//     request arrives after its turn, and each caller has one request at
//     a time: in any window of quotaPer, at most 116 requests had their
//     turn in the window and at most one per caller (margin) before it,
//     so at most quotaN arrive.
//   - Throughput at least 90%: a turn asked late loses nothing while the
//     lateness is under burst-1 paces (106 ms), since GCRA's burst takes
//     it up again; beyond, the time is lost. The expected total is
//     3+9*113/6 = 172.5 calls for a quota of 180 over the window (95.8%):
//     losing the 10.5 calls down to 90% takes every process held up
//     about 560 ms beyond what the burst absorbs.
//   - Fairness: a replica over its share asks a pace later than the
//     others after a refusal, so the turns go round; with about 43 calls
//     each, half a share is 21.
//   - The pace is low so that the replicas need little CPU, even with the
//     race detector; the Redis timeout is long (500 ms) so that a loaded
//     machine does not look like a slow Redis and cause a switch.
//
// A busier machine than that can fail the assertions that depend on the
// time: the test measures how much the machine held the processes up
// (held) and checks those only when it stayed under their bounds.
const (
	quotaN       = 120
	quotaPer     = 6 * time.Second
	margin       = replicas * workers
	burst        = 3
	replicas     = 4
	workers      = 1               // goroutines calling in each replica
	callTimeout  = 5 * time.Second // a call waits about 0.2 s for its turn: 4 callers, 19 turns a second
	redisTimeout = 500 * time.Millisecond
)

// replicaConfig is what the parent tells a replica.
type replicaConfig struct {
	Name     string        `json:"name"`
	Redis    string        `json:"redis"`
	URL      string        `json:"url"`
	Key      string        `json:"key"`
	Webhook  int           `json:"webhook"`
	Window   time.Duration `json:"window"`
	Timeout  time.Duration `json:"timeout"`
	N        int           `json:"n"`
	Per      time.Duration `json:"per"`
	Replicas int           `json:"replicas"`
}

// replicaResult is what a replica reports on its stdout at the end.
type replicaResult struct {
	Name      string        `json:"name"`
	OK        int           `json:"ok"`
	Throttled int           `json:"throttled"`
	TimedOut  int           `json:"timed_out"`
	Other     int           `json:"other"`
	FirstErr  string        `json:"first_err"`
	MaxCall   time.Duration `json:"max_call"`
	Shared    bool          `json:"shared"`
	Warns     int           `json:"warns"`
	Infos     int           `json:"infos"`
	Held      held          `json:"held"`
}

// held is how much the machine held a process up during a run, as a
// probe in it measures: the probe sleeps probeTick and then pings Redis,
// again and again, and each round that ends later than probeTick was
// held up by the difference (the process, Redis, or both waited for a
// core). The figures say which assertions a run can check: see checked.
type held struct {
	// Total sums the rounds' lateness beyond probeSlack each: a turn
	// crosses three wake-ups (the replica's, Redis's, the replica's
	// again), so rounds late by less than probeSlack leave a turn late by
	// less than the burst absorbs, and lose nothing however many.
	Total time.Duration `json:"total"`
	// Longest is the latest round's lateness.
	Longest time.Duration `json:"longest"`
}

// The probe's round, and the lateness of a round not counted in the total.
const (
	probeTick  = 10 * time.Millisecond
	probeSlack = 20 * time.Millisecond
)

// What the machine may hold the processes up before an assertion that
// the load alone can break is no longer checked (see the comment above
// the quota's constants for the numbers):
//   - heldLongest bounds the longest stall of any process for the
//     assertions a stall of one request breaks: a Redis answer held
//     redisTimeout (500 ms) makes a switch to the fallback (and then the
//     quota is not checked: a share counted outside Redis adds to it)
//     and a warning, a call held a second outlives its context by as
//     much, a Redis key's turns held a second are behind it;
//   - heldTotal bounds the summed stall of any process for the lower
//     bounds (throughput, fairness, no timeout, the shares while Redis
//     is down): about half the 560 ms that lose 10% of the throughput
//     (a turn of a replica's own share is 4 paces, so fairness, and the
//     share while Redis is down, take more; a timeout takes seconds).
const (
	heldLongest = 250 * time.Millisecond
	heldTotal   = 300 * time.Millisecond
)

// probeHeld measures how much the machine holds this process and Redis
// up until end.
func probeHeld(redisAddr string, end time.Time) held {
	rdb := redis.NewClient(&redis.Options{Addr: redisAddr, MaxRetries: -1, DialerRetries: 1})
	defer rdb.Close()
	var h held
	for time.Now().Before(end) {
		start := time.Now()
		time.Sleep(probeTick)
		late := time.Since(start) - probeTick
		// While Redis is down, the ping fails and says nothing of the load.
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		pinged := time.Now()
		if rdb.Ping(ctx).Err() == nil {
			late += time.Since(pinged)
		}
		cancel()
		h.Longest = max(h.Longest, late)
		h.Total += max(0, late-probeSlack)
	}
	return h
}

// most returns, figure by figure, the larger of h and o.
func (h held) most(o held) held {
	return held{Total: max(h.Total, o.Total), Longest: max(h.Longest, o.Longest)}
}

// checked says whether this run checks an assertion that the machine's
// load alone can break: yes when the stall (a figure of held) stayed
// under its bound. Otherwise it logs that the assertion was not checked
// and why; the run's other assertions are checked all the same.
func checked(t *testing.T, what string, stall, bound time.Duration) bool {
	t.Helper()
	if stall < bound {
		return true
	}
	t.Logf("NOT CHECKED, the machine was busy (a process held up %v, over the bound of %v): %s", stall, bound, what)
	return false
}

func TestMain(m *testing.M) {
	if cfg := os.Getenv(replicaEnv); cfg != "" {
		os.Exit(runReplica(cfg, os.Stdin, os.Stdout))
	}
	os.Exit(m.Run())
}

// runReplica is a replica's main: it builds its client, says "ready",
// waits for "go" on stdin, calls the API from several goroutines for the
// window, and prints its replicaResult.
func runReplica(raw string, stdin io.Reader, stdout io.Writer) int {
	var cfg replicaConfig
	if err := json.Unmarshal([]byte(raw), &cfg); err != nil {
		fmt.Fprintln(os.Stderr, "replica:", err)
		return 2
	}
	rdb := redis.NewClient(&redis.Options{Addr: cfg.Redis})
	defer rdb.Close()
	logs, logger := newLogCounter()
	l, err := New(rdb, cfg.N, cfg.Per, WithReplicas(cfg.Replicas), WithLogger(logger), WithBurst(burst), WithTimeout(redisTimeout))
	if err != nil {
		fmt.Fprintln(os.Stderr, "replica:", err)
		return 2
	}
	c, err := partoo.NewClient(cfg.Key, partoo.WithBaseURL(cfg.URL), partoo.WithLimiter(l),
		partoo.WithoutRetries(), partoo.WithUserAgent(cfg.Name))
	if err != nil {
		fmt.Fprintln(os.Stderr, "replica:", err)
		return 2
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	rdb.Ping(ctx) // open a connection before the start
	cancel()

	fmt.Fprintln(stdout, "ready")
	if line, err := bufio.NewReader(stdin).ReadString('\n'); err != nil || line != "go\n" {
		fmt.Fprintln(os.Stderr, "replica: no go:", line, err)
		return 2
	}
	end := time.Now().Add(cfg.Window)
	res := replicaResult{Name: cfg.Name}
	probed := make(chan held, 1)
	go func() { probed <- probeHeld(cfg.Redis, end) }()
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for time.Now().Before(end) {
				ctx, cancel := context.WithTimeout(context.Background(), cfg.Timeout)
				start := time.Now()
				_, err := c.Webhooks.Get(ctx, cfg.Webhook)
				took := time.Since(start)
				cancel()
				mu.Lock()
				res.MaxCall = max(res.MaxCall, took)
				switch {
				case err == nil:
					res.OK++
				case errors.Is(err, partoo.ErrRateLimited):
					res.Throttled++
				case errors.Is(err, context.DeadlineExceeded):
					res.TimedOut++
					if res.FirstErr == "" {
						res.FirstErr = fmt.Sprintf("after %v: %v", took, err)
					}
				default:
					res.Other++
					if res.FirstErr == "" {
						res.FirstErr = err.Error()
					}
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	res.Held = <-probed
	res.Shared = l.Shared()
	res.Warns, res.Infos = logs.count(slog.LevelWarn), logs.count(slog.LevelInfo)
	if err := json.NewEncoder(stdout).Encode(res); err != nil {
		return 1
	}
	return 0
}

// replicaRun is one run of replicas sharing a quota.
type replicaRun struct {
	t      *testing.T
	redis  *redisServer
	srv    *partootest.Server
	procs  []*replicaProc
	start  time.Time
	window time.Duration
	// probed receives how much the machine held the test's process (the
	// fake) up during the window.
	probed chan held
}

type replicaProc struct {
	name   string
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stdout *bufio.Reader
	stderr *bytes.Buffer
}

// startReplicas starts a fake Partoo with the quota and the replicas,
// waits until every replica is ready, and starts them at once.
func startReplicas(t *testing.T, r *redisServer, window time.Duration) *replicaRun {
	t.Helper()
	srv := partootest.NewTestServer(t, partootest.WithQuota(quotaN, quotaPer), partootest.WithRequestLog(20000))
	hooks, err := srv.CreateWebhooks(gen.WebhookItem{URL: "https://example.com/hook", EventType: "business_created"})
	if err != nil {
		t.Fatal(err)
	}
	run := &replicaRun{t: t, redis: r, srv: srv, window: window, probed: make(chan held, 1)}
	for i := range replicas {
		cfg := replicaConfig{
			Name: fmt.Sprintf("replica-%d", i), Redis: r.addr(), URL: srv.URL, Key: srv.APIKey, Webhook: hooks[0].ID,
			Window: window, Timeout: callTimeout, N: quotaN - margin, Per: quotaPer, Replicas: replicas,
		}
		raw, _ := json.Marshal(cfg)
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), replicaEnv+"="+string(raw))
		p := &replicaProc{name: cfg.Name, cmd: cmd, stderr: &bytes.Buffer{}}
		cmd.Stderr = p.stderr
		if p.stdin, err = cmd.StdinPipe(); err != nil {
			t.Fatal(err)
		}
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		p.stdout = bufio.NewReader(out)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			p.cmd.Process.Kill()
			p.cmd.Wait()
		})
		run.procs = append(run.procs, p)
	}
	for _, p := range run.procs {
		line, err := readLine(p.stdout, time.Minute)
		if err != nil || line != "ready" {
			t.Fatalf("%s: %q, %v; stderr:\n%s", p.name, line, err, p.stderr)
		}
	}
	run.start = time.Now()
	for _, p := range run.procs {
		io.WriteString(p.stdin, "go\n")
	}
	go func() { run.probed <- probeHeld(r.addr(), run.start.Add(window)) }()
	return run
}

// readLine reads a line within d.
func readLine(r *bufio.Reader, d time.Duration) (string, error) {
	type answer struct {
		line string
		err  error
	}
	ch := make(chan answer, 1)
	go func() {
		line, err := r.ReadString('\n')
		ch <- answer{strings.TrimSuffix(line, "\n"), err}
	}()
	select {
	case a := <-ch:
		return a.line, a.err
	case <-time.After(d):
		return "", fmt.Errorf("nothing within %v", d)
	}
}

// results waits for the replicas' results, and returns them with the
// most the machine held any process up (see held).
func (run *replicaRun) results() ([]replicaResult, held) {
	t := run.t
	t.Helper()
	var out []replicaResult
	for _, p := range run.procs {
		line, err := readLine(p.stdout, run.window+time.Minute)
		var res replicaResult
		if err == nil {
			err = json.Unmarshal([]byte(line), &res)
		}
		if err != nil {
			t.Fatalf("%s: result %q: %v; stderr:\n%s", p.name, line, err, p.stderr)
		}
		if err := p.cmd.Wait(); err != nil {
			t.Fatalf("%s: %v; stderr:\n%s", p.name, err, p.stderr)
		}
		out = append(out, res)
	}
	parent := <-run.probed
	most := parent
	figures := []string{fmt.Sprintf("fake %v/%v", parent.Total, parent.Longest)}
	for _, res := range out {
		most = most.most(res.Held)
		figures = append(figures, fmt.Sprintf("%s %v/%v", res.Name, res.Held.Total, res.Held.Longest))
	}
	t.Logf("held up (total/longest): %s", strings.Join(figures, ", "))
	return out, most
}

// accepted returns, per replica (by User-Agent), the requests the fake
// answered with status in [from, to).
func (run *replicaRun) count(status int, from, to time.Time) map[string]int {
	counts := map[string]int{}
	for _, r := range run.srv.Requests() {
		if r.Status == status && !r.Time.Before(from) && r.Time.Before(to) {
			counts[r.Header.Get("User-Agent")]++
		}
	}
	return counts
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// Four processes, each with its own client, share the quota: the fake
// answers no 429, the throughput is within 10% of the quota, and no
// replica gets less than half its fair share. The throughput is never
// over the quota, whatever the load; the assertions that the load alone
// can break are checked when the machine held the processes up less than
// their bounds (see held), and logged as not checked otherwise.
func TestReplicasShareTheQuota(t *testing.T) {
	t.Parallel()
	r := startRedis(t)
	window := quotaPer * 3 / 2
	run := startReplicas(t, r, window)
	results, most := run.results()

	ok := run.count(200, run.start, run.start.Add(window))
	total := sum(ok)
	quota := float64(quotaN) * window.Seconds() / quotaPer.Seconds()
	ratio := float64(total) / quota
	t.Logf("%d calls in %v, %.1f%% of the quota of %.0f; per replica %v", total, window, 100*ratio, quota, ok)
	var fellBack []string
	for _, res := range results {
		if res.Other != 0 {
			t.Errorf("%s: %d errors, first: %s", res.Name, res.Other, res.FirstErr)
		}
		if !res.Shared || res.Warns != 0 {
			fellBack = append(fellBack, res.Name)
		}
	}
	// A replica whose Redis answer the machine held up redisTimeout
	// falls back to its share in the process, which Redis does not count:
	// the quota's margin does not cover that. Without it, the quota holds
	// whatever the load.
	if len(fellBack) == 0 {
		if ratio > 1.1 {
			t.Errorf("throughput %d calls in %v, %.1f%% of the quota of %.0f; want at most 110%%", total, window, 100*ratio, quota)
		}
		if n := sum(run.count(429, time.Time{}, time.Now().Add(time.Hour))); n != 0 {
			t.Errorf("the fake answered 429 %d times, want 0", n)
		}
		for _, res := range results {
			if res.Throttled != 0 {
				t.Errorf("%s: %d calls throttled, want 0", res.Name, res.Throttled)
			}
		}
	} else {
		t.Logf("NOT CHECKED, %v fell back to their own share: no 429, throughput at most 110%% of the quota", fellBack)
	}
	if checked(t, "shared throughout, no call outliving its context", most.Longest, heldLongest) {
		for _, res := range results {
			if !res.Shared || res.Warns != 0 {
				t.Errorf("%s: shared %v, %d warnings; want shared throughout", res.Name, res.Shared, res.Warns)
			}
			if res.MaxCall > callTimeout+time.Second {
				t.Errorf("%s: a call took %v, its context %v", res.Name, res.MaxCall, callTimeout)
			}
		}
	}
	if checked(t, "throughput at least 90% of the quota, each replica at least half its share, no timeout", most.Total, heldTotal) {
		if ratio < 0.9 {
			t.Errorf("throughput %d calls in %v, %.1f%% of the quota of %.0f; want at least 90%%", total, window, 100*ratio, quota)
		}
		fair := float64(total) / replicas
		for _, res := range results {
			if got := ok[res.Name]; float64(got) < fair/2 {
				t.Errorf("%s made %d calls, less than half its fair share of %.0f", res.Name, got, fair)
			}
			if res.TimedOut != 0 {
				t.Errorf("%s: %d calls timed out (%s)", res.Name, res.TimedOut, res.FirstErr)
			}
		}
	}
}

// Redis killed in the middle of a run and restarted: each replica keeps
// to its share while Redis is down, no call outlives its context, each
// logs the switch once each way, and shares the quota again once Redis is
// back. As in TestReplicasShareTheQuota, what the load alone can break is
// checked when the machine held the processes up less than its bound.
func TestReplicasSurviveRedisRestart(t *testing.T) {
	t.Parallel()
	r := startRedis(t)
	const (
		killAt    = 2500 * time.Millisecond
		restartAt = 5500 * time.Millisecond
		window    = 9 * time.Second
	)
	run := startReplicas(t, r, window)
	time.Sleep(time.Until(run.start.Add(killAt)))
	r.kill()
	killed := time.Now()
	time.Sleep(time.Until(run.start.Add(restartAt)))
	r.restart()
	restarted := time.Now()
	// The replicas find Redis again within a probe interval and count
	// there; a key lives as long as its turns are ahead.
	time.Sleep(time.Until(restarted.Add(DefaultProbeInterval + time.Second)))
	keys, keysErr := r.client(t).Keys(context.Background(), "*").Result()
	results, most := run.results()

	// Each replica detects the outage at its next turn (a refused
	// connection): from then on it keeps to its share, 29 per 6 s (a
	// bucket of one turn refilled 28 times a period). The fake may read
	// in the window, besides, one request per caller that had its turn
	// before, however late: that bound holds whatever the load.
	from := killed.Add(500 * time.Millisecond)
	down := restarted.Sub(from)
	share := 1 + float64(((quotaN-margin)/replicas)-1)*down.Seconds()/quotaPer.Seconds()
	sent := run.count(200, from, restarted)
	for name, n := range run.count(429, from, restarted) {
		sent[name] += n
	}
	t.Logf("while Redis was down (%v): %v calls, share %.1f each", down, sent, share)
	for _, res := range results {
		if got := float64(sent[res.Name]); got > share+workers {
			t.Errorf("%s sent %.0f requests while Redis was down, want at most its share of %.1f", res.Name, got, share)
		}
		if res.Other != 0 {
			t.Errorf("%s: %d errors, first: %s", res.Name, res.Other, res.FirstErr)
		}
	}
	if checked(t, "no call outliving its context, each switch logged once, the quota counted in Redis again", most.Longest, heldLongest) {
		if keysErr != nil || !slices.ContainsFunc(keys, func(k string) bool { return strings.Contains(k, DefaultPrefix) }) {
			t.Errorf("Redis keys after the restart: %q, %v; want the quota counted there again", keys, keysErr)
		}
		for _, res := range results {
			if res.MaxCall > callTimeout+time.Second {
				t.Errorf("%s: a call took %v, its context %v", res.Name, res.MaxCall, callTimeout)
			}
			if !res.Shared || res.Warns < 1 || res.Warns != res.Infos {
				t.Errorf("%s: shared %v at the end, %d warnings, %d infos; want shared again, each switch logged once", res.Name, res.Shared, res.Warns, res.Infos)
			}
		}
	}
	if checked(t, "each replica sending at least a third of its share while Redis was down", most.Total, heldTotal) {
		for _, res := range results {
			if got := float64(sent[res.Name]); got < share/3 {
				t.Errorf("%s sent %.0f requests while Redis was down, want at least a third of its share of %.1f", res.Name, got, share)
			}
		}
	}
	throttled := run.count(429, time.Time{}, time.Now().Add(time.Hour))
	t.Logf("429s over the run: %v; calls per replica: %v", throttled, run.count(200, time.Time{}, time.Now().Add(time.Hour)))
}
