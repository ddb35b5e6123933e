package webhook

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/partoo-go/partoo/gen"
)

// ErrInvalidPayload is wrapped by the errors of [Parse]: the body is not
// JSON, not a {"type", "payload"} envelope, or the payload of a known event
// type does not have the documented shape.
var ErrInvalidPayload = errors.New("webhook: invalid payload")

// Event is a decoded webhook delivery. Exactly one group of the typed fields
// is set, depending on Type:
//
//   - business_created, business_updated: Business, and OrgID when the
//     business has an org_id;
//   - message_created, message_updated: Message, and Conversation and OrgID
//     when the payload has them;
//   - lead_received: Lead;
//   - anything else, business_deleted included: none; read Payload.
type Event struct {
	// Type is the event type, one of the gen.EventType constants or a type
	// this version does not know (gen.EventType.Valid tells).
	Type gen.EventType
	// Tryout reports whether the delivery is a test sent by
	// POST /webhooks/tryout (it had the [TryoutHeader] header). [Parse]
	// leaves it false; [Handler] sets it.
	Tryout bool
	// Body is the raw delivery body, as signed. Parse does not copy it.
	Body []byte
	// Payload is the raw "payload" of the envelope; nil when absent.
	Payload json.RawMessage

	// Business is the business of business_created and business_updated.
	Business *Business
	// Message is the message of message_created and message_updated.
	Message *Message
	// Conversation is the conversation of the message, when sent.
	Conversation *Conversation
	// OrgID is the organization the event belongs to, when the event says:
	// the org_id of the business in business events (a copy of
	// Business.OrgID), the payload's org_id in message events. It is nil
	// for lead_received, whose payload has no org_id, and for raw events.
	// Check it: a valid signature does not prove the delivery is for your
	// organization (see HandlerOptions.AllowedOrgIDs).
	OrgID *int
	// Lead is the lead of lead_received.
	Lead *Lead
}

// Business is the business of a business event: the fields the spec
// describes, typed by the generated gen.WebhookBusiness, plus the whole
// object in Raw, which keeps the fields the spec does not describe.
type Business struct {
	gen.WebhookBusiness
	// ID is the business identifier (a 24-hex string in business events).
	// It replaces the embedded WebhookBusiness.ID, which stays nil, so that
	// an integer id decodes too.
	ID ID `json:"id"`
	// Raw is the business object as delivered.
	Raw json.RawMessage `json:"-"`
}

// Message is the message of a message event, typed by the generated
// gen.WebhookMessage. ContentType, SenderType and Status are open enums:
// compare them with the gen.MessageContentType..., gen.MessageSenderType...
// and gen.MessageStatus... constants, and expect values this version does not
// know.
type Message struct {
	gen.WebhookMessage
	// Date is when the message was sent. It replaces the embedded
	// WebhookMessage.Date, which stays nil.
	Date Time `json:"date"`
}

// Conversation is the conversation of a message event, typed by the
// generated gen.WebhookConversation.
type Conversation struct {
	gen.WebhookConversation
	// Business is the conversation's business. It replaces the embedded
	// WebhookConversation.Business, which stays nil, so that its id decodes
	// as a string or an integer.
	Business *ConversationBusiness `json:"business"`
}

// ConversationBusiness is the business of a conversation.
type ConversationBusiness struct {
	// ID is the business identifier; Partoo's example shows an integer.
	ID ID `json:"id"`
}

// Lead is the lead of a lead_received event, typed by the generated
// gen.WebhookLead. Each of its Values has a gen.LeadValueType and a Value
// decoded from JSON (a string in Partoo's example; numbers decode as
// float64 and booleans as bool).
type Lead struct {
	gen.WebhookLead
	// CreatedAt is when the lead was created. It replaces the embedded
	// WebhookLead.CreatedAt, which stays nil.
	CreatedAt Time `json:"created_at"`
}

// Parse decodes a webhook delivery body into an [Event]. It does not verify
// the signature: call [Verify] first, or use [NewHandler].
//
// An unknown event type is not an error: the event has its Type and Payload
// only. Errors wrap [ErrInvalidPayload].
func Parse(body []byte) (Event, error) {
	var env struct {
		Type    *string         `json:"type"`
		Payload json.RawMessage `json:"payload"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		return Event{}, fmt.Errorf("%w: %v", ErrInvalidPayload, err)
	}
	if env.Type == nil || *env.Type == "" {
		return Event{}, fmt.Errorf("%w: the envelope has no \"type\"", ErrInvalidPayload)
	}
	ev := Event{Type: gen.EventType(*env.Type), Body: body, Payload: env.Payload}
	if isNull(ev.Payload) {
		ev.Payload = nil
	}
	var err error
	switch ev.Type {
	case gen.EventTypeBusinessCreated, gen.EventTypeBusinessUpdated:
		err = ev.decodeBusiness()
	case gen.EventTypeMessageCreated, gen.EventTypeMessageUpdated:
		err = ev.decodeMessage()
	case gen.EventTypeLeadReceived:
		var lead Lead
		if err = decodeObject("payload", ev.Payload, &lead); err == nil {
			ev.Lead = &lead
		}
	}
	if err != nil {
		return Event{}, fmt.Errorf("%w: %s event: %v", ErrInvalidPayload, ev.Type, err)
	}
	return ev, nil
}

func (ev *Event) decodeBusiness() error {
	var p struct {
		Business json.RawMessage `json:"business"`
	}
	if err := decodeObject("payload", ev.Payload, &p); err != nil {
		return err
	}
	var b Business
	if err := decodeObject("payload.business", p.Business, &b); err != nil {
		return err
	}
	b.Raw = p.Business
	ev.Business = &b
	if b.OrgID != nil {
		id := *b.OrgID
		ev.OrgID = &id
	}
	return nil
}

func (ev *Event) decodeMessage() error {
	var p struct {
		Message      json.RawMessage `json:"message"`
		Conversation *Conversation   `json:"conversation"`
		OrgID        *int            `json:"org_id"`
	}
	if err := decodeObject("payload", ev.Payload, &p); err != nil {
		return err
	}
	var m Message
	if err := decodeObject("payload.message", p.Message, &m); err != nil {
		return err
	}
	ev.Message, ev.Conversation, ev.OrgID = &m, p.Conversation, p.OrgID
	return nil
}

// decodeObject decodes raw, which must be a JSON object, into v; name is
// its place in the delivery, for the error.
func decodeObject(name string, raw json.RawMessage, v any) error {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || isNull(raw) {
		return fmt.Errorf("%q is missing", name)
	}
	if raw[0] != '{' {
		return fmt.Errorf("%q is not an object", name)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("%q: %v", name, err)
	}
	return nil
}

func isNull(raw json.RawMessage) bool {
	return string(bytes.TrimSpace(raw)) == "null"
}

// ID is an identifier that Partoo sends as a JSON string in some payloads
// and as a JSON integer in others: a business id is
// "5409c35a97bbc544d8e26737" in business events and 123 in conversations.
// It holds the text of either; JSON null leaves it empty.
type ID string

// String returns the identifier's text.
func (id ID) String() string { return string(id) }

// Int64 returns the identifier as an integer, or an error when it is not
// one (a 24-hex business id is not).
func (id ID) Int64() (int64, error) {
	n, err := strconv.ParseInt(string(id), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("webhook: id %q is not an integer", string(id))
	}
	return n, nil
}

// UnmarshalJSON accepts a JSON string, a JSON integer or null.
func (id *ID) UnmarshalJSON(b []byte) error {
	switch {
	case isNull(b):
		*id = ""
		return nil
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*id = ID(s)
		return nil
	case isInteger(b):
		*id = ID(b)
		return nil
	}
	return fmt.Errorf("webhook: id %s is neither a string nor an integer", truncate(b))
}

// MarshalJSON encodes the identifier as a JSON string, or null when empty.
func (id ID) MarshalJSON() ([]byte, error) {
	if id == "" {
		return []byte("null"), nil
	}
	return json.Marshal(string(id))
}

// isInteger reports whether b is a JSON integer: an optional minus sign and
// digits, without a fraction or an exponent.
func isInteger(b []byte) bool {
	if len(b) > 0 && b[0] == '-' {
		b = b[1:]
	}
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// Time is a timestamp in a delivery. It decodes RFC 3339
// ("2024-11-27T16:10:44.929678Z") and the space-separated form Partoo uses
// for message dates ("2023-01-31 16:22:17.327878+00:00"); JSON null or ""
// leave it zero. It encodes as RFC 3339, or null when zero.
type Time struct {
	time.Time
}

// spaceLayout is RFC 3339 with a space instead of the "T", as in Partoo's
// message dates.
const spaceLayout = "2006-01-02 15:04:05Z07:00"

// ParseTime parses a timestamp of a delivery: RFC 3339, with a "T" or a
// space between the date and the time, and with optional fractional seconds.
// A time zone offset (or "Z") is required.
func ParseTime(s string) (time.Time, error) {
	// time.Parse accepts fractional seconds after the seconds even though
	// the layouts omit them.
	for _, layout := range [...]string{time.RFC3339, spaceLayout} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("webhook: time %q is neither RFC 3339 nor \"2006-01-02 15:04:05.999999-07:00\"", s)
}

// UnmarshalJSON accepts a JSON string in a format [ParseTime] reads, "" or
// null.
func (t *Time) UnmarshalJSON(b []byte) error {
	if isNull(b) {
		*t = Time{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("webhook: time %s is not a string", truncate(b))
	}
	if s == "" {
		*t = Time{}
		return nil
	}
	v, err := ParseTime(s)
	if err != nil {
		return err
	}
	t.Time = v
	return nil
}

// MarshalJSON encodes the time as an RFC 3339 string, or null when zero.
func (t Time) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(t.Format(time.RFC3339Nano))
}

// truncate shortens a JSON value for an error message, on a rune boundary.
func truncate(b []byte) string {
	const limit = 40
	if len(b) <= limit {
		return string(b)
	}
	cut := limit
	for cut > 0 && !utf8.RuneStart(b[cut]) {
		cut--
	}
	return string(b[:cut]) + "..."
}
