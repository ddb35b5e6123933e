package webhook_test

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"testing"

	"github.com/partoo-go/partoo/webhook"
)

func TestSignVerifies(t *testing.T) {
	t.Parallel()
	priv := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{1}, ed25519.SeedSize))
	pub := priv.Public().(ed25519.PublicKey)
	other := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{2}, ed25519.SeedSize))
	body := []byte(`{"type":"lead_received","payload":{}}`)
	tests := []struct {
		name string
		sig  string
		body []byte
		want error
	}{
		{"signed", webhook.Sign(priv, body), body, nil},
		{"empty body", webhook.Sign(priv, nil), nil, nil},
		{"another key", webhook.Sign(other, body), body, webhook.ErrInvalidSignature},
		{"another body", webhook.Sign(priv, body), append(bytes.Clone(body), ' '), webhook.ErrInvalidSignature},
	}
	for _, tt := range tests {
		if err := webhook.Verify(pub, tt.body, tt.sig); !errors.Is(err, tt.want) {
			t.Errorf("%s: Verify = %v, want %v", tt.name, err, tt.want)
		}
	}
}
