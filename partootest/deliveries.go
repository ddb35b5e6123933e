package partootest

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/partoo-go/partoo/gen"
	"github.com/partoo-go/partoo/internal/apispec"
	"github.com/partoo-go/partoo/internal/loopback"
	"github.com/partoo-go/partoo/webhook"
)

// DeliveryTimeout bounds each delivery, from connecting to the answer.
const DeliveryTimeout = 10 * time.Second

// Delivery is a webhook delivery the server sent, or tried to send.
type Delivery struct {
	Time       time.Time     // when the server sent it
	WebhookID  int           // the webhook configuration it was sent for, or 0 for a tryout
	OrgID      int           // the organization of the webhook, or the one the tryout acted on
	URL        string        // where it was sent
	EventType  gen.EventType // the event's type
	Tryout     bool          // a tryout's test delivery, with the X-Partoo-Webhook-Tryout header
	Body       []byte        // the body as sent and signed
	StatusCode int           // the receiver's answer, or 0 when there was none
	Err        error         // why there was no answer: a refused URL, a connection error, a timeout
}

// OK reports whether the receiver acknowledged the delivery with a 2xx.
func (d Delivery) OK() bool { return d.Err == nil && d.StatusCode >= 200 && d.StatusCode <= 299 }

// WithSigningKey makes the server sign its deliveries with key, an ED25519
// private key (64 bytes), instead of a random key of its own
// ([Server.PublicKey]): for receivers configured before the server starts,
// such as one facing a standalone partoo-mock.
func WithSigningKey(key ed25519.PrivateKey) Option {
	return option("WithSigningKey", len(key) == ed25519.PrivateKeySize,
		fmt.Sprintf("the key is %d bytes, want an ED25519 private key of %d bytes", len(key), ed25519.PrivateKeySize),
		func(c *config) { c.signingKey = slices.Clone(key) })
}

// PublicKey returns the public key that verifies the server's deliveries:
// give it to webhook.NewHandler (HandlerOptions.PublicKey) or webhook.Verify.
// It returns nil for a Server that was not created by [NewServer].
func (s *Server) PublicKey() ed25519.PublicKey {
	if s.signingKey == nil {
		return nil
	}
	return slices.Clone(s.signingKey.Public().(ed25519.PublicKey))
}

// SampleEvent returns the body of a delivery of event that tryouts send:
// the example of the event's schema in the spec's webhooks section, with
// its type; {"type": event, "payload": {}} for an event the spec lacks.
func SampleEvent(event gen.EventType) []byte {
	return sampleEvent(event, 0)
}

// sampleEvent is SampleEvent with every org_id of the payload set to
// orgID, unless orgID is 0.
func sampleEvent(event gen.EventType, orgID int) []byte {
	v := map[string]any{"payload": map[string]any{}}
	if i := slices.IndexFunc(apispec.Events[:], func(e apispec.Event) bool { return e.Type == string(event) }); i >= 0 {
		if ex, err := decodeObject([]byte(apispec.Schemas[apispec.Events[i].Schema].Example)); err == nil {
			v = ex
		}
	}
	v["type"] = event
	if orgID != 0 {
		setOrgID(v["payload"], json.Number(strconv.Itoa(orgID)))
	}
	body, _ := json.Marshal(v) // a decoded example always encodes
	return body
}

// setOrgID sets every org_id in v, a decoded JSON value, to id.
func setOrgID(v any, id json.Number) {
	switch x := v.(type) {
	case map[string]any:
		for k, sub := range x {
			if setOrgID(sub, id); k == "org_id" {
				x[k] = id
			}
		}
	case []any:
		for _, sub := range x {
			setOrgID(sub, id)
		}
	}
}

// Emit delivers event to every webhook of its type, of every organization,
// in ID order, and returns the deliveries, signed and with the webhook's
// custom headers. The body is {"type", "payload"}, payload encoded with
// encoding/json (a json.RawMessage as it is), or, when nil, the payload of
// [SampleEvent] in each webhook's organization. The error joins one per
// delivery without a 2xx answer, or says payload cannot be encoded; no
// webhook for the event is no error.
func (s *Server) Emit(ctx context.Context, event gen.EventType, payload any) ([]Delivery, error) {
	if s.signingKey == nil {
		return nil, errors.New("Emit: the Server was not created by NewServer")
	}
	var fixed []byte
	if payload != nil {
		var err error
		if fixed, err = json.Marshal(map[string]any{"type": event, "payload": payload}); err != nil {
			return nil, fmt.Errorf("Emit %s: encode the payload: %w", event, err)
		}
	}
	var out []Delivery
	var errs []error
	for _, h := range s.Webhooks() {
		if h.EventType != event {
			continue
		}
		body := fixed
		if body == nil {
			body = sampleEvent(event, h.OrgID)
		}
		d := s.send(ctx, Delivery{WebhookID: h.ID, OrgID: h.OrgID, URL: h.URL, EventType: event, Body: body}, h.CustomHeaders)
		if out = append(out, d); !d.OK() {
			errs = append(errs, d.failure())
		}
	}
	return out, errors.Join(errs...)
}

// Deliveries returns the deliveries the server sent or tried, oldest first:
// those of tryouts and of [Server.Emit], the last [MaxKept].
func (s *Server) Deliveries() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := slices.Clone(s.deliveries)
	for i := range out {
		out[i].Body = slices.Clone(out[i].Body)
	}
	return out
}

// send signs and POSTs d.Body to d.URL, records the delivery and returns it.
func (s *Server) send(ctx context.Context, d Delivery, custom *gen.CustomHeaders) Delivery {
	d.Time = s.now()
	d.StatusCode, d.Err = s.post(ctx, d, custom)
	s.mu.Lock()
	s.deliveries = keepLast(s.deliveries, d, MaxKept)
	s.mu.Unlock()
	d.Body = slices.Clone(d.Body)
	return d
}

func (s *Server) post(ctx context.Context, d Delivery, custom *gen.CustomHeaders) (int, error) {
	if u, err := url.Parse(d.URL); err != nil || !loopback.Host(u.Hostname()) {
		return 0, fmt.Errorf("the fake delivers to loopback hosts only, not %q", d.URL)
	}
	ctx, cancel := context.WithTimeout(ctx, DeliveryTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.URL, bytes.NewReader(d.Body))
	if err != nil {
		return 0, err
	}
	if custom != nil {
		for k, v := range *custom {
			req.Header.Set(k, v)
		}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "partootest")
	req.Header.Set(webhook.SignatureHeader, webhook.Sign(s.signingKey, d.Body))
	if d.Tryout {
		req.Header.Set(webhook.TryoutHeader, "true")
	}
	resp, err := s.deliveryClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	return resp.StatusCode, nil
}

// failure describes a delivery that got no 2xx answer.
func (d Delivery) failure() error {
	target := d.URL
	if d.WebhookID != 0 {
		target = fmt.Sprintf("webhook %d (%s)", d.WebhookID, d.URL)
	}
	if d.Err != nil {
		return fmt.Errorf("deliver %s to %s: %w", d.EventType, target, d.Err)
	}
	return fmt.Errorf("deliver %s to %s: status %d %s", d.EventType, target, d.StatusCode, http.StatusText(d.StatusCode))
}

// newDeliveryClient returns the client of the deliveries: no proxy, no
// redirects, no idle connections, and a dialer that refuses any address
// that is not a loopback IP, whatever a host name resolves to.
func newDeliveryClient() *http.Client {
	t := newClientTransport()
	t.DialContext = (&net.Dialer{Timeout: DeliveryTimeout, Control: loopback.Control}).DialContext
	t.DisableKeepAlives = true
	return &http.Client{Timeout: DeliveryTimeout, Transport: t, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}
