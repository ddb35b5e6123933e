package webhook_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"sync"

	"github.com/partoo-go/partoo/gen"
	"github.com/partoo-go/partoo/webhook"
)

// exampleKey stands in for Partoo's signing key in the examples: they sign
// deliveries themselves, where a real receiver uses webhook.PublicKey.
func exampleKey() (ed25519.PublicKey, ed25519.PrivateKey) {
	priv := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))
	return priv.Public().(ed25519.PublicKey), priv
}

// deliver POSTs body to url as Partoo does, signed with priv, with extra
// headers, and returns the status.
func deliver(client *http.Client, url string, priv ed25519.PrivateKey, body string, header ...string) int {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader([]byte(body)))
	if err != nil {
		log.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(webhook.SignatureHeader, webhook.Sign(priv, []byte(body)))
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := client.Do(req)
	if err != nil {
		log.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// A complete receiver: it checks the X-Auth-Token custom header configured on
// the webhook and the signature, then handles typed events.
func ExampleNewHandler() {
	// A real receiver uses Partoo's key for its environment:
	//   pub, err := webhook.PublicKey(webhook.Production)
	pub, priv := exampleKey()

	h, err := webhook.NewHandler(webhook.HandlerOptions{
		PublicKey:   pub,
		CheckSecret: webhook.HeaderSecret("X-Auth-Token", "a-shared-secret"),
		OnError: func(r *http.Request, status int, err error) {
			fmt.Println("rejected:", status, err)
		},
	}, func(ctx context.Context, ev webhook.Event) error {
		if ev.Tryout {
			fmt.Println("test delivery:", ev.Type)
			return nil
		}
		switch ev.Type {
		case gen.EventTypeMessageCreated, gen.EventTypeMessageUpdated:
			// Optional fields are pointers, nil when absent; enums are open.
			m := ev.Message
			consumer := m.SenderType != nil && *m.SenderType == gen.MessageSenderTypeConsumer
			sent := m.Status != nil && *m.Status == gen.MessageStatusSuccess
			if consumer && sent && m.Content != nil && ev.Conversation != nil && ev.Conversation.ID != nil {
				fmt.Printf("conversation %d: %q at %s\n", *ev.Conversation.ID, *m.Content, m.Date.Format("15:04"))
			}
		case gen.EventTypeLeadReceived:
			for _, v := range ev.Lead.Values {
				fmt.Printf("lead %s (%s): %v\n", *v.Name, *v.Type, v.Value)
			}
		default:
			fmt.Println("ignored:", ev.Type) // acknowledged all the same
		}
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/partoo/webhooks", h)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	url, client := srv.URL+"/partoo/webhooks", srv.Client()

	fmt.Println(deliver(client, url, priv, `{"type":"message_created","payload":{"message":{"id":1,"date":"2023-01-31 16:22:17.327878+00:00","content_type":"Text","sender_type":"Consumer","status":"Success","content":"Are you open on Sunday?"},"conversation":{"id":7,"consumer_name":"John Doe","business":{"id":123}},"org_id":42}}`,
		"X-Auth-Token", "a-shared-secret"))
	fmt.Println(deliver(client, url, priv, `{"type":"lead_received","payload":{"id":1,"values":[{"id":1,"type":"EMAIL","name":"Your email","value":"john@example.com"}]}}`,
		"X-Auth-Token", "a-shared-secret", webhook.TryoutHeader, "1"))
	fmt.Println(deliver(client, url, priv, `{"type":"business_deleted","payload":{}}`,
		"X-Auth-Token", "a-shared-secret"))
	fmt.Println(deliver(client, url, priv, `{"type":"business_deleted","payload":{}}`,
		"X-Auth-Token", "a-guess"))
	// Output:
	// conversation 7: "Are you open on Sunday?" at 16:22
	// 200
	// test delivery: lead_received
	// 200
	// ignored: business_deleted
	// 200
	// rejected: 401 webhook: shared secret mismatch: the header "X-Auth-Token" does not match
	// 401
}

// Partoo's signature has no timestamp and deliveries have no documented id,
// so a retried or replayed delivery is the same body, byte for byte. This receiver
// remembers the SHA-256 of the bodies it processed (a real one would use a
// shared store with an expiry) and acknowledges repeats without processing
// them again. It records a body only after processing succeeded, so a
// delivery that failed (500) is processed when Partoo retries it.
func ExampleNewHandler_deduplicate() {
	pub, priv := exampleKey()
	var (
		mu   sync.Mutex
		seen = map[[32]byte]bool{}
		fail = true // the first attempt fails, as if a database were down
	)
	h, err := webhook.NewHandler(webhook.HandlerOptions{PublicKey: pub}, func(ctx context.Context, ev webhook.Event) error {
		key := sha256.Sum256(ev.Body)
		mu.Lock()
		defer mu.Unlock()
		if seen[key] {
			fmt.Println("duplicate, acknowledged")
			return nil
		}
		if fail {
			fail = false
			return errors.New("database unavailable")
		}
		fmt.Println("processed", ev.Type)
		seen[key] = true
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	body := `{"type":"business_updated","payload":{"business":{"id":"5409c35a97bbc544d8e26737","name":"Corner shop"}}}`
	for range 3 { // the first delivery, Partoo's retry, then a replay
		fmt.Println(deliver(srv.Client(), srv.URL, priv, body))
	}
	// Output:
	// 500
	// processed business_updated
	// 200
	// duplicate, acknowledged
	// 200
}

// Partoo signs every customer's deliveries with the same key, so a valid
// signature does not prove a delivery is for you. This receiver accepts
// only the events of its organization, 42. A lead_received event carries
// no org_id, so it is refused too; receive it on another URL if you need it.
func ExampleNewHandler_allowedOrgIDs() {
	pub, priv := exampleKey()
	h, err := webhook.NewHandler(webhook.HandlerOptions{
		PublicKey:     pub,
		AllowedOrgIDs: []int{42},
		OnError: func(r *http.Request, status int, err error) {
			fmt.Println("rejected:", status, errors.Is(err, webhook.ErrOrgNotAllowed))
		},
	}, func(ctx context.Context, ev webhook.Event) error {
		fmt.Println("processed", ev.Type, "for org", *ev.OrgID)
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	for _, body := range []string{
		`{"type":"business_updated","payload":{"business":{"id":"5409c35a97bbc544d8e26737","org_id":42}}}`,
		`{"type":"business_updated","payload":{"business":{"id":"65c0ffee65c0ffee65c0ffee","org_id":7}}}`,
		`{"type":"lead_received","payload":{"id":1,"values":[]}}`,
	} {
		fmt.Println(deliver(srv.Client(), srv.URL, priv, body))
	}
	// Output:
	// processed business_updated for org 42
	// 200
	// rejected: 403 true
	// 403
	// rejected: 403 true
	// 403
}

func ExampleVerify() {
	pub, priv := exampleKey()
	body := []byte(`{"type":"business_deleted","payload":{}}`)
	sig := webhook.Sign(priv, body)

	fmt.Println(webhook.Verify(pub, body, sig))

	sandbox, err := webhook.PublicKey(webhook.Sandbox)
	if err != nil {
		log.Fatal(err)
	}
	err = webhook.Verify(sandbox, body, sig)
	fmt.Println(errors.Is(err, webhook.ErrInvalidSignature), err)

	err = webhook.Verify(pub, body, "")
	fmt.Println(errors.Is(err, webhook.ErrNotSigned), err)
	// Output:
	// <nil>
	// true webhook: invalid signature
	// true webhook: missing X-Partoo-Signature-v1 header
}

func ExamplePublicKey() {
	pub, err := webhook.PublicKey(webhook.Production)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(pub))

	_, err = webhook.PublicKey("https://example.com/v2")
	fmt.Println(err)
	// Output:
	// 32
	// webhook: no Partoo signing key for environment "https://example.com/v2": want webhook.Production ("https://api.partoo.co/v2") or webhook.Sandbox ("https://api.sandbox.partoo.co/v2"), or use ParsePublicKey for another key
}

func ExampleParse() {
	ev, err := webhook.Parse([]byte(`{"type":"business_updated","payload":{"business":{"id":"5409c35a97bbc544d8e26737","name":"Corner shop","org_id":42,"open_hours":{"monday":["10:00-14:00"]},"brand_new_field":1}}}`))
	if err != nil {
		log.Fatal(err)
	}
	b := ev.Business
	fmt.Println(ev.Type, b.ID, *b.Name, *b.OrgID, *b.OpenHours.Monday)
	fmt.Println(string(b.Raw[len(b.Raw)-20:]))

	ev, err = webhook.Parse([]byte(`{"type":"future_event","payload":{"id":9}}`))
	fmt.Println(ev.Type, ev.Type.Valid(), string(ev.Payload), err)

	_, err = webhook.Parse([]byte(`{"type":"message_updated","payload":{}}`))
	fmt.Println(errors.Is(err, webhook.ErrInvalidPayload), err)
	// Output:
	// business_updated 5409c35a97bbc544d8e26737 Corner shop 42 [10:00-14:00]
	// "brand_new_field":1}
	// future_event false {"id":9} <nil>
	// true webhook: invalid payload: message_updated event: "payload.message" is missing
}

// A receiver tested without Partoo and without the client: the test signs
// a delivery with a key pair of its own, as Partoo signs with its key, and
// the handler verifies it with the public half.
func ExampleSign() {
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		log.Fatal(err)
	}
	h, err := webhook.NewHandler(webhook.HandlerOptions{PublicKey: pub}, func(ctx context.Context, ev webhook.Event) error {
		fmt.Println("received", ev.Type, *ev.Lead.ChatbotName)
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	body := []byte(`{"type":"lead_received","payload":{"id":1,"chatbot_name":"Jim"}}`)
	req := httptest.NewRequest(http.MethodPost, "/partoo", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(webhook.SignatureHeader, webhook.Sign(priv, body))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	fmt.Println(rec.Code)
	// Output:
	// received lead_received Jim
	// 200
}
