package webhook_test

import (
	"bytes"
	"crypto/ed25519"
	"testing"

	"github.com/partoo-go/partoo/webhook"
)

// testKey returns a deterministic ED25519 key pair; different seeds give
// different keys.
func testKey(t testing.TB, seed byte) (ed25519.PublicKey, ed25519.PrivateKey) {
	t.Helper()
	priv := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, ed25519.SeedSize))
	return priv.Public().(ed25519.PublicKey), priv
}

// sign returns the X-Partoo-Signature-v1 value of body.
func sign(priv ed25519.PrivateKey, body string) string {
	return webhook.Sign(priv, []byte(body))
}

// The payloads below are the examples of Partoo's webhook event pages
// (§3.5 of the reference), with, for the business, an extra field that the
// spec does not describe.
const (
	businessBody = `{"type":"business_created","payload":{"business":{
"id":"5409c35a97bbc544d8e26737","created":1409925979.5,"modified":1561335111.681374,
"code":"CS-75019","status":"open","org_id":42,"group_id":23,"name":"Corner shop",
"address":"<string>","address_full":"12 bis rue du coquelicot","address2":"<string>",
"city":"Paris","zipcode":"75019","region":"Ile-de-France","country":"FR","default_lang":"fr",
"open_hours":{"monday":["10:00-14:00"],"tuesday":["10:00-14:00","15:00-19:00"],"wednesday":[],
"thursday":[],"friday":[],"saturday":[],"sunday":[]},
"specific_hours":{"open":[{"starts_at":"2020-01-20","ends_at":"2020-01-20","open_hours":["10:00-14:00"]}],
"close":[{"starts_at":"2020-01-20","ends_at":"2020-01-22"}]},
"description_short":"<string>","description_long":"<string>","website_url":"<string>",
"facebook_url":"<string>","twitter_url":"<string>","google_location_id":"<string>",
"facebook_page_id":"<string>","national_identification_number":"<string>","logo_url":"<string>",
"contacts":[{"name":"<string>","email":"<string>","phone_numbers":["<string>"],"fax":"<string>"}],
"photos":{"LOGO":"<string>","primary":"<string>","secondary":["<string>"]},
"lat":-3.585993,"long":47.870341,
"subscriptions":{"presence_management":{"active":true},"review_management":{"active":true},
"review_booster":{"active":false},"messages":{"active":false}},
"features":["business_edition","diffusion","review_management","review_invite","messages"],
"videos":["<string>"],"siret":"<string>","completion_rate":77,
"news":[{"description":"<string>"}],"promos":[{"title":"<string>"}],
"an_undocumented_field":{"nested":true}}}}`

	messageBody = `{"type":"message_updated",
 "payload":{
   "message":{"id":123,"conversation_id":123,"date":"2023-01-31 16:22:17.327878+00:00",
              "content_type":"Text","sender_type":"User","sender_label":"Jane Doe",
              "status":"Sending","is_deleted":false,"content":"<string>","user_id":"<string>",
              "custom_channel":null},
   "conversation":{"id":123,"consumer_img":"https://www.example.com/profile-picture.jpg",
                   "consumer_name":"John Doe","business":{"id":123},
                   "messaging_partner":"Facebook","custom_channel":null},
   "org_id":123}}`

	leadBody = `{"type":"lead_received",
 "payload":{"id":1,"source":"chatbot","created_at":"2024-11-27T16:10:44.929678Z",
            "chatbot_id":1,"chatbot_name":"Jim","business_name":"Partoo","store_code":"Partoo123",
            "values":[{"id":1,"type":"TEXT","name":"Your firstname","value":"John"}]}}`
)
