package partoo

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/partoo-go/partoo/gen"
)

// replayCall is one kind of request the replay tests send.
type replayCall struct {
	name       string
	idempotent bool
	call       func(ctx context.Context, c *Client, opts ...CallOption) error
}

var replayCalls = []replayCall{
	{"Webhooks.Create", false, func(ctx context.Context, c *Client, opts ...CallOption) error {
		_, err := c.Webhooks.Create(ctx, gen.CreateWebhooksPayload{Items: []gen.WebhookCreateItem{{URL: "https://example.com/hook", EventType: gen.EventTypeBusinessCreated}}}, opts...)
		return err
	}},
	{"Do POST with a body", false, func(ctx context.Context, c *Client, opts ...CallOption) error {
		return c.Do(ctx, http.MethodPost, "/things", nil, map[string]int{"n": 1}, nil, opts...)
	}},
	{"Do POST without a body", false, func(ctx context.Context, c *Client, opts ...CallOption) error {
		return c.Do(ctx, http.MethodPost, "/things/1/publish", nil, nil, nil, opts...)
	}},
	{"Webhooks.Get", true, func(ctx context.Context, c *Client, opts ...CallOption) error {
		_, err := c.Webhooks.Get(ctx, 1, opts...)
		return err
	}},
	{"Webhooks.Update", true, func(ctx context.Context, c *Client, opts ...CallOption) error {
		_, err := c.Webhooks.Update(ctx, 1, gen.UpdateWebhookPayload{URL: strPtr("https://example.com/hook")}, opts...)
		return err
	}},
}

// TestNoHiddenReplayHTTP2: a server that resets every stream after reading
// it makes net/http's HTTP/2 transport send the request again by itself
// (on PROTOCOL_ERROR before Go 1.27, on REFUSED_STREAM on every release).
// A request that is not idempotent is written once, whatever the retry
// policy; an idempotent one at most MaxAttempts times; every write takes
// a turn of the rate limiter and counts in Response.Attempts.
func TestNoHiddenReplayHTTP2(t *testing.T) {
	t.Parallel()
	for _, proto := range []struct {
		name string
		tls  bool
	}{{"TLS", true}, {"h2c", false}} {
		for _, code := range []struct {
			name string
			code uint32
		}{{"PROTOCOL_ERROR", h2ProtocolErr}, {"REFUSED_STREAM", h2RefusedErr}} {
			for _, rc := range replayCalls {
				for _, policy := range []struct {
					name string
					opts []CallOption
					max  int
				}{
					{"WithoutCallRetries", []CallOption{WithoutCallRetries()}, 1},
					// Two attempts, not the default three: net/http waits
					// 1 s, then 2 s, between its own tries of a refused
					// stream.
					{"MaxAttempts 2", []CallOption{WithCallRetryPolicy(RetryPolicy{MaxAttempts: 2})}, 2},
				} {
					t.Run(strings.Join([]string{proto.name, code.name, rc.name, policy.name}, "/"), func(t *testing.T) {
						t.Parallel()
						s := newH2Server(t, proto.tls, code.code, -1, "")
						clk := newRTClock()
						c, err := NewClient(rtKey, WithBaseURL(s.URL+"/v2"), WithTransport(s.Transport),
							WithRateLimit(1, 10*time.Second), withClock(clk.now, clk.sleep))
						if err != nil {
							t.Fatal(err)
						}
						// Long enough for the fake clock's turns (10 s each) and
						// net/http's own 1 s wait, short enough to fail fast
						// when net/http replays until the deadline.
						ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
						defer cancel()
						var resp Response
						err = rc.call(ctx, c, append(policy.opts, CaptureResponse(&resp))...)
						if err == nil {
							t.Fatal("the call succeeded against a server that resets every stream")
						}
						if errors.Is(err, context.DeadlineExceeded) {
							t.Fatalf("the call ran into its deadline: %v", err)
						}
						want := 1
						if rc.idempotent {
							want = policy.max
						}
						if got := s.Streams(); got != want {
							t.Errorf("the request was written %d times, want %d (err: %v)", got, want, err)
						}
						if resp.Attempts != s.Streams() {
							t.Errorf("Response.Attempts = %d, but the request was written %d times", resp.Attempts, s.Streams())
						}
						turns := 0
						for _, d := range clk.slept() {
							if d > 5*time.Second { // a turn of one request in 10 s; backoffs are shorter
								turns++
							}
						}
						if turns != s.Streams()-1 {
							t.Errorf("%d waits for a turn of the rate limiter, want one for each of the %d writes after the first", turns, s.Streams()-1)
						}
					})
				}
			}
		}
	}
}

// TestNoHiddenReplayHTTP2Recovers: a GET whose first stream is refused is
// sent again by net/http within the retry policy and succeeds; both
// writes count.
func TestNoHiddenReplayHTTP2Recovers(t *testing.T) {
	t.Parallel()
	s := newH2Server(t, true, h2RefusedErr, 1, rtItemJSON)
	clk := newRTClock()
	c, err := NewClient(rtKey, WithBaseURL(s.URL+"/v2"), WithTransport(s.Transport), withClock(clk.now, clk.sleep))
	if err != nil {
		t.Fatal(err)
	}
	var resp Response
	if _, err := c.Webhooks.Get(context.Background(), 1, CaptureResponse(&resp)); err != nil {
		t.Fatal(err)
	}
	if s.Streams() != 2 || resp.Attempts != 2 {
		t.Errorf("%d writes, Response.Attempts = %d, want 2 and 2", s.Streams(), resp.Attempts)
	}
}

// TestNoHiddenReplayHTTP1: a kept-alive connection that dies after the
// server read a POST carrying an idempotency key makes net/http's HTTP/1
// transport send it again on a new connection. The client writes it once.
func TestNoHiddenReplayHTTP1(t *testing.T) {
	t.Parallel()
	for _, rc := range replayCalls {
		if rc.idempotent {
			continue
		}
		for _, header := range []string{"Idempotency-Key", "X-Idempotency-Key"} {
			t.Run(rc.name+"/"+header, func(t *testing.T) {
				t.Parallel()
				var mu sync.Mutex
				posts := 0
				s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					io.Copy(io.Discard, r.Body)
					if r.Method == http.MethodGet {
						reply(200, rtItemJSON)(w, r)
						return
					}
					mu.Lock()
					posts++
					mu.Unlock()
					hangUp(w, r)
				}))
				t.Cleanup(s.Close)
				clk := newRTClock()
				c, err := NewClient(rtKey, WithBaseURL(s.URL+"/v2"), WithTransport(s.Client().Transport), withClock(clk.now, clk.sleep))
				if err != nil {
					t.Fatal(err)
				}
				ctx := context.Background()
				// A first call leaves the connection idle, kept alive.
				if _, err := c.Webhooks.Get(ctx, 1); err != nil {
					t.Fatal(err)
				}
				var resp Response
				err = rc.call(ctx, c, WithHeader(header, "key-1"), CaptureResponse(&resp))
				if err == nil {
					t.Fatal("the call succeeded against a server that hangs up")
				}
				mu.Lock()
				defer mu.Unlock()
				if posts != 1 || resp.Attempts != 1 {
					t.Errorf("the POST was written %d times, Response.Attempts = %d; want 1 and 1 (err: %v)", posts, resp.Attempts, err)
				}
			})
		}
	}
}

// TestNotIdempotentWithoutGetBody: net/http gets a POST without GetBody,
// so that it cannot send it again, and a PUT with it.
func TestNotIdempotentWithoutGetBody(t *testing.T) {
	t.Parallel()
	s := newRTServer(t, reply(200, `{"items":[`+rtItemJSON+`]}`), reply(200, rtItemJSON))
	var mu sync.Mutex
	getBody := map[string]bool{}
	c := newRTClient(t, s, newRTClock(), WithMiddleware(func(next http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(r *http.Request) (*http.Response, error) {
			mu.Lock()
			getBody[r.Method] = r.GetBody != nil
			mu.Unlock()
			return next.RoundTrip(r)
		})
	}))
	ctx := context.Background()
	if _, err := c.Webhooks.Create(ctx, gen.CreateWebhooksPayload{Items: []gen.WebhookCreateItem{{URL: "https://example.com/hook", EventType: gen.EventTypeBusinessCreated}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Webhooks.Update(ctx, 1, gen.UpdateWebhookPayload{URL: strPtr("https://example.com/hook")}); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if getBody[http.MethodPost] || !getBody[http.MethodPut] {
		t.Errorf("GetBody set: %v, want it for PUT only", getBody)
	}
}

// roundTripFunc is an http.RoundTripper made of a function.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestRedirectOfPOSTFollowedByClient: net/http leaves a 307 or 308 of a
// POST to the client, which follows it to the same origin with the same
// body, counts the hop as a write and takes a turn of the rate limiter for
// it; another origin is refused with nothing sent there.
func TestRedirectOfPOSTFollowedByClient(t *testing.T) {
	t.Parallel()
	for _, status := range []int{http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			t.Parallel()
			s := newRTServer(t, reply(status, "", "Location", "/v2/webhooks?moved=1"), reply(200, `{"items":[`+rtItemJSON+`]}`))
			clk := newRTClock()
			c := newRTClient(t, s, clk, WithRateLimit(1, 10*time.Second))
			var resp Response
			items, err := c.Webhooks.Create(context.Background(), gen.CreateWebhooksPayload{Items: []gen.WebhookCreateItem{{URL: "https://example.com/hook", EventType: gen.EventTypeBusinessCreated}}}, CaptureResponse(&resp))
			if err != nil || len(items) != 1 {
				t.Fatalf("Create = %v, %v", items, err)
			}
			seen := s.requests()
			if len(seen) != 2 || seen[1].Method != http.MethodPost || seen[1].Body != seen[0].Body || !json.Valid([]byte(seen[1].Body)) {
				t.Errorf("requests = %+v, want the POST twice with the same body", seen)
			}
			if resp.Attempts != 2 {
				t.Errorf("Response.Attempts = %d, want 2 (the redirect hop is a write)", resp.Attempts)
			}
			if n := len(clk.slept()); n != 1 {
				t.Errorf("%d waits for the rate limiter, want 1 for the hop", n)
			}
		})
	}
	t.Run("other origin", func(t *testing.T) {
		t.Parallel()
		other := newRTServer(t)
		s := newRTServer(t, reply(http.StatusTemporaryRedirect, "", "Location", other.URL+"/v2/webhooks"))
		c := newRTClient(t, s, newRTClock())
		_, err := c.Webhooks.Create(context.Background(), gen.CreateWebhooksPayload{Items: []gen.WebhookCreateItem{{URL: "https://example.com/hook", EventType: gen.EventTypeBusinessCreated}}})
		if !errors.Is(err, ErrCrossOriginRedirect) {
			t.Errorf("err = %v, want ErrCrossOriginRedirect", err)
		}
		if n := len(other.requests()); n != 0 {
			t.Errorf("the other origin got %d requests", n)
		}
	})
}

// TestReplayGoVersion logs the release the replay tests ran on; CI runs
// them on the oldest and the newest supported release.
func TestReplayGoVersion(t *testing.T) {
	t.Log(runtime.Version())
}

func strPtr(s string) *string { return &s }

// h2Server is an HTTP/2 server written frame by frame, for what net/http's
// server cannot be made to do: it reads each request to its end, then
// resets its stream with RST_STREAM (the first resets streams; -1 resets
// them all), and answers the next ones 200 with body. PROTOCOL_ERROR makes
// Go 1.26's transport send the request again; REFUSED_STREAM makes every
// release do so.
// It counts the streams the client opened, which is how many times a
// request was written, whichever layer wrote it.
type h2Server struct {
	URL       string
	Transport http.RoundTripper

	mu      sync.Mutex
	streams int
	resets  int
	code    uint32
	body    []byte
	conns   []net.Conn
	closeFn func()
}

// HTTP/2 frame types and flags (RFC 9113, section 6).
const (
	h2Data         = 0x0
	h2Headers      = 0x1
	h2RSTStream    = 0x3
	h2Settings     = 0x4
	h2Ping         = 0x6
	h2FlagEnd      = 0x1 // END_STREAM; ACK on SETTINGS and PING
	h2FlagHeaders  = 0x4 // END_HEADERS
	h2ProtocolErr  = 0x1
	h2RefusedErr   = 0x7
	h2ClientMagic  = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
	h2Status200    = 0x88 // HPACK: indexed field 8 of the static table, ":status: 200"
	h2ContentTypeJ = 0x5f // HPACK: literal with incremental indexing, name index 31 (content-type)
)

// newH2Server starts an HTTP/2 server on 127.0.0.1, over TLS (ALPN "h2")
// or in cleartext with prior knowledge (h2c), that resets streams with
// the error code (h2ProtocolErr or h2RefusedErr).
func newH2Server(t *testing.T, useTLS bool, code uint32, resets int, body string) *h2Server {
	t.Helper()
	s := &h2Server{resets: resets, code: code, body: []byte(body)}
	if useTLS {
		ts := httptest.NewUnstartedServer(http.NotFoundHandler())
		ts.EnableHTTP2 = true
		ts.Config.ErrorLog = log.New(io.Discard, "", 0) // handshakes cut by Close
		ts.Config.TLSNextProto = map[string]func(*http.Server, *tls.Conn, http.Handler){
			"h2": func(_ *http.Server, c *tls.Conn, _ http.Handler) { s.serve(c) },
		}
		ts.StartTLS()
		s.URL, s.Transport, s.closeFn = ts.URL, ts.Client().Transport, ts.Close
	} else {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		go func() {
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				s.mu.Lock()
				s.conns = append(s.conns, c)
				s.mu.Unlock()
				go s.serve(c)
			}
		}()
		tr := &http.Transport{Protocols: new(http.Protocols)}
		tr.Protocols.SetUnencryptedHTTP2(true)
		s.URL, s.Transport = "http://"+ln.Addr().String(), tr
		s.closeFn = func() {
			ln.Close()
			tr.CloseIdleConnections()
			s.mu.Lock()
			defer s.mu.Unlock()
			for _, c := range s.conns {
				c.Close()
			}
		}
	}
	t.Cleanup(s.closeFn)
	return s
}

// Streams returns how many streams (requests) the client opened.
func (s *h2Server) Streams() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.streams
}

// serve speaks HTTP/2 on c until the client goes away.
func (s *h2Server) serve(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	magic := make([]byte, len(h2ClientMagic))
	if _, err := io.ReadFull(r, magic); err != nil || string(magic) != h2ClientMagic {
		return
	}
	var wmu sync.Mutex
	write := func(typ, flags byte, stream uint32, payload []byte) {
		wmu.Lock()
		defer wmu.Unlock()
		var h [9]byte
		h[0], h[1], h[2] = byte(len(payload)>>16), byte(len(payload)>>8), byte(len(payload))
		h[3], h[4] = typ, flags
		binary.BigEndian.PutUint32(h[5:], stream)
		c.Write(append(h[:], payload...))
	}
	write(h2Settings, 0, 0, nil)
	for {
		var h [9]byte
		if _, err := io.ReadFull(r, h[:]); err != nil {
			return
		}
		n := int(h[0])<<16 | int(h[1])<<8 | int(h[2])
		typ, flags, stream := h[3], h[4], binary.BigEndian.Uint32(h[5:])&0x7fffffff
		payload := make([]byte, n)
		if _, err := io.ReadFull(r, payload); err != nil {
			return
		}
		switch typ {
		case h2Settings:
			if flags&h2FlagEnd == 0 {
				write(h2Settings, h2FlagEnd, 0, nil)
			}
		case h2Ping:
			if flags&h2FlagEnd == 0 {
				write(h2Ping, h2FlagEnd, 0, payload)
			}
		case h2Headers:
			s.mu.Lock()
			s.streams++
			s.mu.Unlock()
		}
		if (typ == h2Headers || typ == h2Data) && flags&h2FlagEnd != 0 {
			// The request is read to its end: reset or answer.
			s.mu.Lock()
			reset := s.resets != 0
			if s.resets > 0 {
				s.resets--
			}
			s.mu.Unlock()
			if reset {
				code := make([]byte, 4)
				binary.BigEndian.PutUint32(code, s.code)
				write(h2RSTStream, 0, stream, code)
				continue
			}
			ct := "application/json"
			hdr := append([]byte{h2Status200, h2ContentTypeJ, byte(len(ct))}, ct...)
			write(h2Headers, h2FlagHeaders, stream, hdr)
			write(h2Data, h2FlagEnd, stream, s.body)
		}
	}
}
