package partootest

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"syscall"
	"time"

	"github.com/partoo-go/partoo/gen"
	"github.com/partoo-go/partoo/webhook"
)

// This file is the fake's side of webhook deliveries: like Partoo, the
// server signs each delivery with an ED25519 key ([Server.PublicKey]
// verifies them) and POSTs {"type", "payload"} to the webhook's URL, with the
// webhook's custom headers. POST /webhooks/tryout delivers a sample event
// for the item's event type, with the X-Partoo-Webhook-Tryout header, and
// [Server.Emit] delivers any event to the registered webhooks.
//
// Unlike Partoo, the fake delivers to loopback hosts only (http or https;
// for https the receiver's certificate must be one the system trusts), so a
// test never reaches the network; it does not retry, and a tryout always
// sends the sample payload (Partoo uses the latest data of the event type
// when it has some).

// DeliveryTimeout bounds each delivery: connecting, sending, and waiting for
// the receiver's answer.
const DeliveryTimeout = 10 * time.Second

// Delivery is a webhook delivery the server sent, or tried to send.
type Delivery struct {
	// Time is when the server sent it.
	Time time.Time
	// WebhookID is the webhook configuration it was sent for, or 0 for a
	// tryout.
	WebhookID int
	// URL is where it was sent.
	URL string
	// EventType is the event's type.
	EventType gen.EventType
	// Tryout reports whether it is a tryout's test delivery (it carried the
	// X-Partoo-Webhook-Tryout header).
	Tryout bool
	// Body is the body as sent and signed.
	Body []byte
	// StatusCode is the receiver's answer, or 0 when there was none.
	StatusCode int
	// Err is why there was no answer: a refused URL, a connection error or
	// a timeout.
	Err error
}

// OK reports whether the receiver acknowledged the delivery with a 2xx.
func (d Delivery) OK() bool { return d.Err == nil && d.StatusCode >= 200 && d.StatusCode <= 299 }

// deliveries holds the signing key, the HTTP client and the delivery log.
// Its log is guarded by the server's mu.
type deliveries struct {
	key    ed25519.PrivateKey
	client *http.Client
	log    []Delivery
}

// WithSigningKey makes the server sign its webhook deliveries with key. If
// not set, each server signs with a random key of its own; read its public
// half with [Server.PublicKey]. A fixed key is for receivers configured
// before the server starts, such as one facing a standalone partoo-mock.
// key must be an ED25519 private key (64 bytes).
func WithSigningKey(key ed25519.PrivateKey) Option {
	return func(c *config) error {
		if len(key) != ed25519.PrivateKeySize {
			return fmt.Errorf("WithSigningKey: the key is %d bytes, want an ED25519 private key of %d bytes", len(key), ed25519.PrivateKeySize)
		}
		c.signingKey = slices.Clone(key)
		return nil
	}
}

// initDeliveries sets up the signed deliveries of a new server (POST
// /webhooks/tryout and Emit send them). key may be nil for a random key.
func (s *Server) initDeliveries(key ed25519.PrivateKey) error {
	if key == nil {
		var err error
		if _, key, err = ed25519.GenerateKey(rand.Reader); err != nil {
			return fmt.Errorf("generate the signing key: %w", err)
		}
	}
	s.hooks = &deliveries{key: key, client: newDeliveryClient()}
	return nil
}

// PublicKey returns the public key that verifies the server's deliveries:
// give it to webhook.NewHandler (HandlerOptions.PublicKey) or webhook.Verify.
// It returns nil for a Server that was not created by [NewServer].
func (s *Server) PublicKey() ed25519.PublicKey {
	if s.hooks == nil {
		return nil
	}
	return slices.Clone(s.hooks.key.Public().(ed25519.PublicKey))
}

// SignPayload returns the X-Partoo-Signature-v1 value of body signed with
// the server's key, for a test that sends its own deliveries.
func (s *Server) SignPayload(body []byte) string {
	if s.hooks == nil {
		panic("partootest: SignPayload on a Server not created by NewServer")
	}
	return SignPayload(s.hooks.key, body)
}

// SignPayload returns the X-Partoo-Signature-v1 value of body signed with
// key: the standard base64 of its ED25519 signature, as Partoo sends it.
func SignPayload(key ed25519.PrivateKey, body []byte) string {
	return base64.StdEncoding.EncodeToString(ed25519.Sign(key, body))
}

// SampleEvent returns the body of a delivery of event, with the sample
// payload the fake sends on tryouts: the examples of Partoo's event pages
// for business_created, business_updated, message_created,
// message_updated and lead_received, {"business": {"id": ...}} for
// business_deleted (whose payload is not documented), and {} for an event
// type the spec does not know.
func SampleEvent(event gen.EventType) []byte {
	body, err := json.Marshal(envelope{Type: event, Payload: samplePayload(event, DefaultOrgID)})
	if err != nil {
		panic("partootest: the sample payloads always encode: " + err.Error())
	}
	return body
}

// envelope is the body of every delivery.
type envelope struct {
	Type    gen.EventType `json:"type"`
	Payload any           `json:"payload"`
}

// samplePayload is the payload of event's sample, in the organization orgID.
// The values are those of Partoo's documented examples.
func samplePayload(event gen.EventType, orgID int) any {
	const businessID = "5409c35a97bbc544d8e26737"
	switch event {
	case gen.EventTypeBusinessCreated, gen.EventTypeBusinessUpdated:
		day := gen.TimeWindows{"10:00-14:00"}
		return gen.BusinessEventPayload{Business: &gen.WebhookBusiness{
			ID:          ptr(businessID),
			Created:     ptr(1409925979.5),
			Modified:    ptr(1561335111.681374),
			Code:        ptr("CS-75019"),
			Status:      ptr("open"),
			OrgID:       ptr(orgID),
			GroupID:     ptr(23),
			Name:        ptr("Corner shop"),
			AddressFull: ptr("12 bis rue du coquelicot"),
			City:        ptr("Paris"),
			Zipcode:     ptr("75019"),
			Region:      ptr("Ile-de-France"),
			Country:     ptr("FR"),
			DefaultLang: ptr("fr"),
			OpenHours: &gen.OpenHours{
				Monday: &day, Tuesday: &day, Wednesday: &day, Thursday: &day, Friday: &day,
				Saturday: &gen.TimeWindows{}, Sunday: &gen.TimeWindows{},
			},
			SpecificHours: &gen.SpecificHours{
				Open:  []gen.SpecificHoursPeriod{{StartsAt: ptr("2020-01-20"), EndsAt: ptr("2020-01-20"), OpenHours: &day}},
				Close: []gen.SpecificHoursPeriod{{StartsAt: ptr("2020-01-20"), EndsAt: ptr("2020-01-22")}},
			},
			Lat:  ptr(-3.585993),
			Long: ptr(47.870341),
			Subscriptions: &gen.BusinessSubscriptions{
				PresenceManagement: &gen.Subscription{Active: ptr(true)},
				ReviewManagement:   &gen.Subscription{Active: ptr(true)},
				ReviewBooster:      &gen.Subscription{Active: ptr(false)},
				Messages:           &gen.Subscription{Active: ptr(false)},
			},
			Features:       []string{"business_edition", "diffusion", "review_management", "review_invite", "messages"},
			CompletionRate: ptr(77),
		}}
	case gen.EventTypeBusinessDeleted:
		return gen.BusinessEventPayload{Business: &gen.WebhookBusiness{ID: ptr(businessID)}}
	case gen.EventTypeMessageCreated, gen.EventTypeMessageUpdated:
		return gen.MessageEventPayload{
			Message: &gen.WebhookMessage{
				ID:             ptr(123),
				ConversationID: ptr(123),
				Date:           ptr("2023-01-31 16:22:17.327878+00:00"),
				ContentType:    ptr(gen.MessageContentTypeText),
				SenderType:     ptr(gen.MessageSenderTypeUser),
				SenderLabel:    ptr("Jane Doe"),
				Status:         ptr(gen.MessageStatusSending),
				IsDeleted:      ptr(false),
				Content:        ptr("Hello, how can we help?"),
				UserID:         ptr("5409c35a97bbc544d8e26738"),
			},
			Conversation: &gen.WebhookConversation{
				ID:               ptr(123),
				ConsumerImg:      ptr("https://www.example.com/profile-picture.jpg"),
				ConsumerName:     ptr("John Doe"),
				Business:         &gen.ConversationBusiness{ID: ptr(123)},
				MessagingPartner: ptr("Facebook"),
			},
			OrgID: ptr(orgID),
		}
	case gen.EventTypeLeadReceived:
		return gen.WebhookLead{
			ID:           ptr(1),
			Source:       ptr("chatbot"),
			CreatedAt:    ptr("2024-11-27T16:10:44.929678Z"),
			ChatbotID:    ptr(1),
			ChatbotName:  ptr("Jim"),
			BusinessName: ptr("Partoo"),
			StoreCode:    ptr("Partoo123"),
			Values:       []gen.LeadValue{{ID: ptr(1), Type: ptr(gen.LeadValueTypeTEXT), Name: ptr("Your firstname"), Value: "John"}},
		}
	}
	return struct{}{}
}

func ptr[T any](v T) *T { return &v }

// Emit delivers event to every webhook registered for its type, in every
// organization, in ID order, and returns the deliveries. payload is encoded
// with encoding/json (pass a json.RawMessage for raw JSON); nil means the
// sample payload of [SampleEvent], in each webhook's organization.
//
// Each delivery is signed and carries the webhook's custom headers; it is
// not a tryout. The error is non-nil when payload cannot be encoded, or when
// a delivery got no 2xx answer (it joins one error per such delivery); no
// webhook for the event type is not an error.
func (s *Server) Emit(ctx context.Context, event gen.EventType, payload any) ([]Delivery, error) {
	if s.hooks == nil {
		return nil, errors.New("Emit: the Server was not created by NewServer")
	}
	var fixed []byte
	if payload != nil {
		var err error
		if fixed, err = json.Marshal(envelope{Type: event, Payload: payload}); err != nil {
			return nil, fmt.Errorf("Emit %s: encode the payload: %w", event, err)
		}
	}
	s.mu.Lock()
	var hooks []gen.WebhookItem
	for _, h := range s.webhooksWhere(nil) {
		if h.EventType == event {
			hooks = append(hooks, h)
		}
	}
	s.mu.Unlock()

	var out []Delivery
	var errs []error
	for _, h := range hooks {
		body := fixed
		if body == nil {
			body, _ = json.Marshal(envelope{Type: event, Payload: samplePayload(event, h.OrgID)})
		}
		d := s.send(ctx, Delivery{WebhookID: h.ID, URL: h.URL, EventType: event, Body: body}, h.CustomHeaders)
		out = append(out, d)
		if !d.OK() {
			errs = append(errs, d.failure())
		}
	}
	return out, errors.Join(errs...)
}

// Deliveries returns the deliveries the server sent or tried, oldest first:
// those of tryouts and of [Server.Emit].
func (s *Server) Deliveries() []Delivery {
	if s.hooks == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Delivery, len(s.hooks.log))
	for i, d := range s.hooks.log {
		d.Body = slices.Clone(d.Body)
		out[i] = d
	}
	return out
}

// deliverTryout sends a tryout's sample event to its URL and returns the
// tryout's result. Partoo does not document that result; the fake's is
// {"event_type", "url", "delivered"}, plus "status_code" when the receiver
// answered and "error" when the delivery failed.
func (s *Server) deliverTryout(ctx context.Context, t Tryout) gen.TryoutResult {
	body, _ := json.Marshal(envelope{Type: t.Item.EventType, Payload: samplePayload(t.Item.EventType, t.OrgID)})
	d := s.send(ctx, Delivery{URL: t.Item.URL, EventType: t.Item.EventType, Tryout: true, Body: body}, t.Item.CustomHeaders)
	result := gen.TryoutResult{"event_type": string(t.Item.EventType), "url": t.Item.URL, "delivered": d.OK()}
	if d.StatusCode != 0 {
		result["status_code"] = d.StatusCode
	}
	if !d.OK() {
		result["error"] = d.failure().Error()
	}
	return result
}

// send signs and POSTs d.Body to d.URL, records the delivery and returns it.
func (s *Server) send(ctx context.Context, d Delivery, custom *gen.CustomHeaders) Delivery {
	d.Time = s.now()
	d.StatusCode, d.Err = s.post(ctx, d, custom)
	s.mu.Lock()
	s.hooks.log = append(s.hooks.log, d)
	s.mu.Unlock()
	d.Body = slices.Clone(d.Body)
	return d
}

func (s *Server) post(ctx context.Context, d Delivery, custom *gen.CustomHeaders) (int, error) {
	u, err := url.Parse(d.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return 0, fmt.Errorf("not an http(s) URL: %q", d.URL)
	}
	if !isLoopback(u.Hostname()) {
		return 0, fmt.Errorf("the fake delivers to loopback hosts only, not %q", u.Host)
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
	req.Header.Set(webhook.SignatureHeader, SignPayload(s.hooks.key, d.Body))
	if d.Tryout {
		req.Header.Set(webhook.TryoutHeader, "true")
	}
	resp, err := s.hooks.client.Do(req)
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

// newDeliveryClient returns the client deliveries use: no proxy, no
// redirects, and a dialer that refuses any address that is not a loopback
// IP, whatever a host name resolves to.
func newDeliveryClient() *http.Client {
	dialer := &net.Dialer{
		Timeout: DeliveryTimeout,
		Control: func(network, address string, _ syscall.RawConn) error {
			host, _, err := net.SplitHostPort(address)
			if err != nil {
				return err
			}
			if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
				return fmt.Errorf("refusing to connect to %s: the fake delivers to loopback addresses only", address)
			}
			return nil
		},
	}
	return &http.Client{
		Timeout: DeliveryTimeout,
		Transport: &http.Transport{
			Proxy:               nil,
			DialContext:         dialer.DialContext,
			TLSHandshakeTimeout: DeliveryTimeout,
			// No idle connections outlive a delivery, so closing the
			// server leaves nothing open.
			DisableKeepAlives: true,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}
