package webhook_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/partoo-go/partoo/gen"
	"github.com/partoo-go/partoo/webhook"
)

func ptr[T any](v T) *T { return &v }

func TestParseBusinessEvent(t *testing.T) {
	t.Parallel()
	for _, typ := range []gen.EventType{gen.EventTypeBusinessCreated, gen.EventTypeBusinessUpdated} {
		t.Run(string(typ), func(t *testing.T) {
			t.Parallel()
			body := strings.Replace(businessBody, `"business_created"`, `"`+string(typ)+`"`, 1)
			ev, err := webhook.Parse([]byte(body))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if ev.Type != typ || ev.Business == nil || ev.Message != nil || ev.Lead != nil || ev.Tryout {
				t.Fatalf("Parse = type %q, business %v, message %v, lead %v, tryout %t", ev.Type, ev.Business, ev.Message, ev.Lead, ev.Tryout)
			}
			b := ev.Business
			if b.ID != "5409c35a97bbc544d8e26737" {
				t.Errorf("ID = %q", b.ID)
			}
			if b.WebhookBusiness.ID != nil {
				t.Errorf("the shadowed WebhookBusiness.ID = %q, want nil", *b.WebhookBusiness.ID)
			}
			checks := []struct {
				name      string
				got, want any
			}{
				{"name", b.Name, ptr("Corner shop")},
				{"org_id", b.OrgID, ptr(42)},
				{"event org_id", ev.OrgID, ptr(42)},
				{"group_id", b.GroupID, ptr(23)},
				{"created", b.Created, ptr(1409925979.5)},
				{"modified", b.Modified, ptr(1561335111.681374)},
				{"lat", b.Lat, ptr(-3.585993)},
				{"long", b.Long, ptr(47.870341)},
				{"zipcode", b.Zipcode, ptr("75019")},
				{"completion_rate", b.CompletionRate, ptr(77)},
				{"open_hours.tuesday", b.OpenHours.Tuesday, ptr(gen.TimeWindows{"10:00-14:00", "15:00-19:00"})},
				{"open_hours.sunday", b.OpenHours.Sunday, ptr(gen.TimeWindows{})},
				{"specific_hours", b.SpecificHours, &gen.SpecificHours{
					Open:  []gen.SpecificHoursPeriod{{StartsAt: ptr("2020-01-20"), EndsAt: ptr("2020-01-20"), OpenHours: ptr(gen.TimeWindows{"10:00-14:00"})}},
					Close: []gen.SpecificHoursPeriod{{StartsAt: ptr("2020-01-20"), EndsAt: ptr("2020-01-22")}},
				}},
				{"subscriptions.review_booster", b.Subscriptions.ReviewBooster, &gen.Subscription{Active: ptr(false)}},
				{"photos", b.Photos, &gen.BusinessPhotos{LOGO: ptr("<string>"), Primary: ptr("<string>"), Secondary: []string{"<string>"}}},
				{"features", b.Features, []string{"business_edition", "diffusion", "review_management", "review_invite", "messages"}},
				{"news", b.News, []map[string]any{{"description": "<string>"}}},
			}
			for _, c := range checks {
				if diff := cmp.Diff(c.want, c.got); diff != "" {
					t.Errorf("%s (-want +got):\n%s", c.name, diff)
				}
			}
			var raw map[string]json.RawMessage
			if err := json.Unmarshal(b.Raw, &raw); err != nil {
				t.Fatalf("Raw is not an object: %v", err)
			}
			if got := string(raw["an_undocumented_field"]); got != `{"nested":true}` {
				t.Errorf("Raw keeps an_undocumented_field = %s", got)
			}
			if string(ev.Body) != body {
				t.Error("Body is not the delivery body")
			}
		})
	}
}

func TestParseMessageEvent(t *testing.T) {
	t.Parallel()
	ev, err := webhook.Parse([]byte(messageBody))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if ev.Type != gen.EventTypeMessageUpdated || ev.Message == nil || ev.Conversation == nil || ev.Business != nil {
		t.Fatalf("Parse = type %q, message %v, conversation %v, business %v", ev.Type, ev.Message, ev.Conversation, ev.Business)
	}
	m := ev.Message
	if want := time.Date(2023, 1, 31, 16, 22, 17, 327878000, time.UTC); !m.Date.Equal(want) {
		t.Errorf("Date = %v, want %v", m.Date, want)
	}
	if m.WebhookMessage.Date != nil {
		t.Errorf("the shadowed WebhookMessage.Date = %q, want nil", *m.WebhookMessage.Date)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"id", m.ID, ptr(123)},
		{"conversation_id", m.ConversationID, ptr(123)},
		{"content_type", m.ContentType, ptr(gen.MessageContentTypeText)},
		{"sender_type", m.SenderType, ptr(gen.MessageSenderTypeUser)},
		{"status", m.Status, ptr(gen.MessageStatusSending)},
		{"sender_label", m.SenderLabel, ptr("Jane Doe")},
		{"is_deleted", m.IsDeleted, ptr(false)},
		{"custom_channel", m.CustomChannel, nil},
		{"conversation.business", ev.Conversation.Business, &webhook.ConversationBusiness{ID: "123"}},
		{"conversation.consumer_name", ev.Conversation.ConsumerName, ptr("John Doe")},
		{"conversation.messaging_partner", ev.Conversation.MessagingPartner, ptr("Facebook")},
		{"org_id", ev.OrgID, ptr(123)},
	}
	for _, c := range checks {
		if diff := cmp.Diff(c.want, c.got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", c.name, diff)
		}
	}
	if n, err := ev.Conversation.Business.ID.Int64(); n != 123 || err != nil {
		t.Errorf("conversation business ID.Int64() = %d, %v", n, err)
	}
}

func TestParseMessageOpenEnums(t *testing.T) {
	t.Parallel()
	body := `{"type":"message_created","payload":{"message":{"id":1,"content_type":"Sticker","sender_type":"Bot","status":"Queued","date":"2024-11-27T16:10:44Z"},"conversation":{"business":{"id":"5409c35a97bbc544d8e26737"}}}}`
	ev, err := webhook.Parse([]byte(body))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	m := ev.Message
	if *m.ContentType != "Sticker" || m.ContentType.Valid() || *m.SenderType != "Bot" || m.SenderType.Valid() || *m.Status != "Queued" || m.Status.Valid() {
		t.Errorf("unknown enum values = %q %q %q, want them kept and not Valid", *m.ContentType, *m.SenderType, *m.Status)
	}
	if ev.Conversation.Business.ID != "5409c35a97bbc544d8e26737" {
		t.Errorf("string conversation business id = %q", ev.Conversation.Business.ID)
	}
	if ev.OrgID != nil {
		t.Errorf("OrgID = %d, want nil when absent", *ev.OrgID)
	}
}

func TestParseLeadEvent(t *testing.T) {
	t.Parallel()
	ev, err := webhook.Parse([]byte(leadBody))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if ev.Type != gen.EventTypeLeadReceived || ev.Lead == nil {
		t.Fatalf("Parse = type %q, lead %v", ev.Type, ev.Lead)
	}
	l := ev.Lead
	if want := time.Date(2024, 11, 27, 16, 10, 44, 929678000, time.UTC); !l.CreatedAt.Equal(want) {
		t.Errorf("CreatedAt = %v, want %v", l.CreatedAt, want)
	}
	want := []gen.LeadValue{{ID: ptr(1), Type: ptr(gen.LeadValueTypeTEXT), Name: ptr("Your firstname"), Value: "John"}}
	if diff := cmp.Diff(want, l.Values); diff != "" {
		t.Errorf("Values (-want +got):\n%s", diff)
	}
	if *l.Source != "chatbot" || *l.ChatbotName != "Jim" || *l.StoreCode != "Partoo123" || *l.ID != 1 {
		t.Errorf("lead = %+v", l.WebhookLead)
	}

	typed := `{"type":"lead_received","payload":{"values":[{"type":"NUMBER","value":42},{"type":"OPT_IN","value":true},{"type":"SIGNATURE","value":{"x":1}}]}}`
	ev, err = webhook.Parse([]byte(typed))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	got := []any{ev.Lead.Values[0].Value, ev.Lead.Values[1].Value, ev.Lead.Values[2].Value}
	if diff := cmp.Diff([]any{42.0, true, map[string]any{"x": 1.0}}, got); diff != "" {
		t.Errorf("typed values (-want +got):\n%s", diff)
	}
	if ev.Lead.Values[2].Type.Valid() {
		t.Error("unknown lead value type SIGNATURE is Valid")
	}
}

func TestParseRawEvents(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		body        string
		wantType    gen.EventType
		wantPayload string
	}{
		{"business_deleted", `{"type":"business_deleted","payload":{"business":{"id":"5409c35a97bbc544d8e26737"}}}`, gen.EventTypeBusinessDeleted, `{"business":{"id":"5409c35a97bbc544d8e26737"}}`},
		{"unknown type", `{"type":"future_event","payload":{"review":{"id":1}}}`, "future_event", `{"review":{"id":1}}`},
		{"unknown type without payload", `{"type":"ping"}`, "ping", ""},
		{"unknown type with null payload", `{"type":"ping","payload":null}`, "ping", ""},
		{"unknown type with array payload", `{"type":"batch","payload":[1,2]}`, "batch", `[1,2]`},
		{"extra envelope fields", `{"type":"business_deleted","payload":{},"version":2}`, gen.EventTypeBusinessDeleted, `{}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ev, err := webhook.Parse([]byte(tt.body))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if ev.Type != tt.wantType || string(ev.Payload) != tt.wantPayload {
				t.Errorf("Parse = type %q payload %s, want %q %s", ev.Type, ev.Payload, tt.wantType, tt.wantPayload)
			}
			if ev.Business != nil || ev.Message != nil || ev.Conversation != nil || ev.OrgID != nil || ev.Lead != nil {
				t.Errorf("a raw event has typed fields: %+v", ev)
			}
		})
	}
}

func TestParseInvalid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body string
		want string // substring of the error
	}{
		{"empty", ``, "unexpected end"},
		{"not JSON", `type=business_created`, "invalid character"},
		{"truncated", messageBody[:len(messageBody)-2], "unexpected end"},
		{"trailing data", `{"type":"ping"}{}`, "invalid character"},
		{"array", `[{"type":"ping"}]`, "cannot unmarshal array"},
		{"null", `null`, `no "type"`},
		{"no type", `{"payload":{}}`, `no "type"`},
		{"empty type", `{"type":"","payload":{}}`, `no "type"`},
		{"numeric type", `{"type":1,"payload":{}}`, "cannot unmarshal number"},
		{"business without payload", `{"type":"business_created"}`, `"payload" is missing`},
		{"business with array payload", `{"type":"business_created","payload":[]}`, `"payload" is not an object`},
		{"business without business", `{"type":"business_updated","payload":{}}`, `"payload.business" is missing`},
		{"business null", `{"type":"business_updated","payload":{"business":null}}`, `"payload.business" is missing`},
		{"business as string", `{"type":"business_updated","payload":{"business":"x"}}`, `"payload.business" is not an object`},
		{"business org_id as string", `{"type":"business_updated","payload":{"business":{"org_id":"42"}}}`, "cannot unmarshal string"},
		{"business id as bool", `{"type":"business_updated","payload":{"business":{"id":true}}}`, "neither a string nor an integer"},
		{"business id as float", `{"type":"business_updated","payload":{"business":{"id":1.5}}}`, "neither a string nor an integer"},
		{"message without message", `{"type":"message_created","payload":{"org_id":1}}`, `"payload.message" is missing`},
		{"message date not a time", `{"type":"message_created","payload":{"message":{"date":"yesterday"}}}`, `time "yesterday"`},
		{"message date without zone", `{"type":"message_updated","payload":{"message":{"date":"2023-01-31 16:22:17.327878"}}}`, "neither RFC 3339"},
		{"message date as number", `{"type":"message_updated","payload":{"message":{"date":1675182137}}}`, "is not a string"},
		{"conversation business id as object", `{"type":"message_updated","payload":{"message":{},"conversation":{"business":{"id":{}}}}}`, "neither a string nor an integer"},
		{"lead without payload", `{"type":"lead_received","payload":null}`, `"payload" is missing`},
		{"lead values not an array", `{"type":"lead_received","payload":{"values":{}}}`, "cannot unmarshal object"},
		{"lead created_at bad", `{"type":"lead_received","payload":{"created_at":"27/11/2024"}}`, "neither RFC 3339"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ev, err := webhook.Parse([]byte(tt.body))
			if err == nil {
				t.Fatalf("Parse = %+v, want an error", ev)
			}
			if !errors.Is(err, webhook.ErrInvalidPayload) {
				t.Errorf("error %v does not wrap ErrInvalidPayload", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
		})
	}
}

func TestID(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		json    string
		want    webhook.ID
		wantErr bool
	}{
		{"string", `"5409c35a97bbc544d8e26737"`, "5409c35a97bbc544d8e26737", false},
		{"escaped string", `"a\u0062c"`, "abc", false},
		{"integer", `123`, "123", false},
		{"negative integer", `-7`, "-7", false},
		{"big integer", `123456789012345678901234567890`, "123456789012345678901234567890", false},
		{"null", `null`, "", false},
		{"float", `1.5`, "", true},
		{"exponent", `1e3`, "", true},
		{"bool", `false`, "", true},
		{"array", `[1]`, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var v struct {
				ID webhook.ID `json:"id"`
			}
			err := json.Unmarshal([]byte(`{"id":`+tt.json+`}`), &v)
			if (err != nil) != tt.wantErr || v.ID != tt.want {
				t.Fatalf("decode %s = %q, %v; want %q, error %t", tt.json, v.ID, err, tt.want, tt.wantErr)
			}
		})
	}

	out, err := json.Marshal([]webhook.ID{"123", ""})
	if err != nil || string(out) != `["123",null]` {
		t.Errorf("Marshal = %s, %v", out, err)
	}
	if _, err := webhook.ID("5409c35a97bbc544d8e26737").Int64(); err == nil || !strings.Contains(err.Error(), `"5409c35a97bbc544d8e26737"`) {
		t.Errorf("Int64 of a hex id: %v", err)
	}
}

func TestParseTime(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		want    time.Time
		wantErr bool
	}{
		{"Partoo message date", "2023-01-31 16:22:17.327878+00:00", time.Date(2023, 1, 31, 16, 22, 17, 327878000, time.UTC), false},
		{"RFC 3339 with Z", "2024-11-27T16:10:44.929678Z", time.Date(2024, 11, 27, 16, 10, 44, 929678000, time.UTC), false},
		{"RFC 3339 without fraction", "2024-11-27T16:10:44Z", time.Date(2024, 11, 27, 16, 10, 44, 0, time.UTC), false},
		{"offset", "2024-11-27T18:10:44+02:00", time.Date(2024, 11, 27, 16, 10, 44, 0, time.UTC), false},
		{"space and Z", "2024-11-27 16:10:44Z", time.Date(2024, 11, 27, 16, 10, 44, 0, time.UTC), false},
		{"no zone", "2024-11-27T16:10:44", time.Time{}, true},
		{"date only", "2024-11-27", time.Time{}, true},
		{"empty", "", time.Time{}, true},
		{"epoch seconds", "1732723844", time.Time{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := webhook.ParseTime(tt.in)
			if (err != nil) != tt.wantErr || !got.Equal(tt.want) {
				t.Fatalf("ParseTime(%q) = %v, %v; want %v, error %t", tt.in, got, err, tt.want, tt.wantErr)
			}
			if err != nil && !strings.Contains(err.Error(), `"`+tt.in+`"`) {
				t.Errorf("error %q does not quote the input", err)
			}
		})
	}
}

func TestTimeJSON(t *testing.T) {
	t.Parallel()
	var v struct {
		A, B, C webhook.Time
	}
	if err := json.Unmarshal([]byte(`{"A":"2023-01-31 16:22:17.327878+00:00","B":null,"C":""}`), &v); err != nil {
		t.Fatal(err)
	}
	if !v.B.IsZero() || !v.C.IsZero() || v.A.IsZero() {
		t.Errorf("decoded %v %v %v", v.A, v.B, v.C)
	}
	out, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"A":"2023-01-31T16:22:17.327878Z","B":null,"C":null}`; string(out) != want {
		t.Errorf("Marshal = %s, want %s", out, want)
	}
}

// FuzzParse checks that Parse never panics and that its result is
// consistent: an error wraps ErrInvalidPayload; a success has a type and
// exactly the typed fields of that type.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		businessBody, messageBody, leadBody,
		`{"type":"business_deleted","payload":{}}`,
		`{"type":"future_event","payload":[1]}`,
		`{"type":"message_created","payload":{"message":{"date":"2023-01-31 16:22:17+00:00"},"conversation":{"business":{"id":"1"}}}}`,
		`{"type":"lead_received","payload":{"values":[{"type":"BOOLEAN","value":true}]}}`,
		`{"type":"business_updated","payload":{"business":{"id":-0}}}`,
		`null`, `[]`, `{}`, `{"type":null}`, ``,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		ev, err := webhook.Parse(body)
		if err != nil {
			if !errors.Is(err, webhook.ErrInvalidPayload) {
				t.Fatalf("error %v does not wrap ErrInvalidPayload", err)
			}
			return
		}
		if ev.Type == "" {
			t.Fatal("no error and no type")
		}
		business := ev.Type == gen.EventTypeBusinessCreated || ev.Type == gen.EventTypeBusinessUpdated
		message := ev.Type == gen.EventTypeMessageCreated || ev.Type == gen.EventTypeMessageUpdated
		lead := ev.Type == gen.EventTypeLeadReceived
		if (ev.Business != nil) != business || (ev.Message != nil) != message || (ev.Lead != nil) != lead {
			t.Fatalf("type %q with business %t, message %t, lead %t", ev.Type, ev.Business != nil, ev.Message != nil, ev.Lead != nil)
		}
		if !message && ev.Conversation != nil {
			t.Fatalf("type %q with message fields", ev.Type)
		}
		if !message && !business && ev.OrgID != nil {
			t.Fatalf("type %q with an org_id", ev.Type)
		}
		if business && !cmp.Equal(ev.OrgID, ev.Business.OrgID) {
			t.Fatalf("OrgID = %v, Business.OrgID = %v", ev.OrgID, ev.Business.OrgID)
		}
		if business && !json.Valid(ev.Business.Raw) {
			t.Fatalf("Business.Raw is not JSON: %q", ev.Business.Raw)
		}
	})
}

// TestEventOrgID checks where Event.OrgID comes from for each event type,
// and that it is nil when the event does not say.
func TestEventOrgID(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body string
		want *int
	}{
		{"business event", businessBody, ptr(42)},
		{"business without org_id", `{"type":"business_updated","payload":{"business":{"id":"5409c35a97bbc544d8e26737"}}}`, nil},
		{"business with a null org_id", `{"type":"business_updated","payload":{"business":{"id":"a","org_id":null}}}`, nil},
		{"message event", messageBody, ptr(123)},
		{"message without org_id", `{"type":"message_created","payload":{"message":{"id":1}}}`, nil},
		{"lead event", leadBody, nil},
		{"business_deleted with an org_id", `{"type":"business_deleted","payload":{"business":{"org_id":42},"org_id":42}}`, nil},
		{"unknown type with an org_id", `{"type":"future_event","payload":{"org_id":42}}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ev, err := webhook.Parse([]byte(tt.body))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if diff := cmp.Diff(tt.want, ev.OrgID); diff != "" {
				t.Errorf("OrgID (-want +got):\n%s", diff)
			}
			if ev.Business != nil && ev.OrgID != nil && ev.OrgID == ev.Business.OrgID {
				t.Error("OrgID shares its pointer with Business.OrgID")
			}
		})
	}
}
