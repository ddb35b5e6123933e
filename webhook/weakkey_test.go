package webhook_test

import (
	"context"
	"crypto/ed25519"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/partoo-go/partoo/webhook"
)

// forgedSignature is an ED25519 signature made without any private key: R
// is the encoding of the identity point and S is zero. crypto/ed25519
// accepts it for public key A and body m when [k]A is the identity, with
// k = SHA-512(R || A || m): for every body when A is the identity, for one
// body in 2, 4 or 8 when A has order 2, 4 or 8.
var forgedSignature = func() []byte {
	sig := make([]byte, ed25519.SignatureSize)
	sig[0] = 1
	return sig
}()

// weakKeys are encodings of small-order points, the identity among them.
// weakkey_internal_test.go derives the complete list from the curve equation.
var weakKeys = []struct {
	name    string
	hex     string
	anyBody bool // the forged signature verifies every body
}{
	{"identity", "0100000000000000000000000000000000000000000000000000000000000000", true},
	{"identity with the sign bit set", "0100000000000000000000000000000000000000000000000000000000000080", true},
	{"identity with y = p+1", "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", true},
	{"identity with y = p+1 and the sign bit set", "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", true},
	{"order 2", "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", false},
	{"order 4", "0000000000000000000000000000000000000000000000000000000000000000", false},
	{"order 4 with y = p", "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", false},
	{"order 8", "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a", false},
	{"order 8, negated", "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85", false},
}

// forgeableBody returns a delivery body for which crypto/ed25519 accepts
// forgedSignature under pub, so that the test shows a real forgery.
func forgeableBody(t *testing.T, pub ed25519.PublicKey) string {
	t.Helper()
	for i := range 1024 {
		body := fmt.Sprintf(`{"type":"business_deleted","payload":{"n":%d}}`, i)
		if ed25519.Verify(pub, []byte(body), forgedSignature) {
			return body
		}
	}
	t.Fatalf("crypto/ed25519 accepts the forged signature under %x for none of 1024 bodies", []byte(pub))
	return ""
}

func weakKey(t *testing.T, h string) ed25519.PublicKey {
	t.Helper()
	b, err := hex.DecodeString(h)
	if err != nil || len(b) != ed25519.PublicKeySize {
		t.Fatalf("bad test key %q: %v", h, err)
	}
	return b
}

func TestVerifyRefusesWeakPublicKey(t *testing.T) {
	t.Parallel()
	sig := base64.StdEncoding.EncodeToString(forgedSignature)
	for _, k := range weakKeys {
		t.Run(k.name, func(t *testing.T) {
			t.Parallel()
			pub := weakKey(t, k.hex)
			body := forgeableBody(t, pub)
			if k.anyBody && !ed25519.Verify(pub, []byte(messageBody), forgedSignature) {
				t.Errorf("crypto/ed25519 refuses the forged signature of another body under %x", []byte(pub))
			}
			if err := webhook.Verify(pub, []byte(body), sig); !errors.Is(err, webhook.ErrWeakPublicKey) {
				t.Errorf("Verify of a forged signature = %v, want ErrWeakPublicKey", err)
			}
			// A genuine signature does not make the key acceptable either.
			_, priv := testKey(t, 1)
			if err := webhook.Verify(pub, []byte(body), sign(priv, body)); !errors.Is(err, webhook.ErrWeakPublicKey) {
				t.Errorf("Verify = %v, want ErrWeakPublicKey", err)
			}
		})
	}
}

func TestParsePublicKeyRefusesWeakPublicKey(t *testing.T) {
	t.Parallel()
	for _, k := range weakKeys {
		t.Run(k.name, func(t *testing.T) {
			t.Parallel()
			der, err := x509.MarshalPKIXPublicKey(weakKey(t, k.hex))
			if err != nil {
				t.Fatal(err)
			}
			data := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
			pub, err := webhook.ParsePublicKey(data)
			if !errors.Is(err, webhook.ErrWeakPublicKey) || pub != nil {
				t.Errorf("ParsePublicKey = %x, %v; want nil, ErrWeakPublicKey", []byte(pub), err)
			}
		})
	}
}

func TestNewHandlerRefusesWeakPublicKey(t *testing.T) {
	t.Parallel()
	for _, k := range weakKeys {
		t.Run(k.name, func(t *testing.T) {
			t.Parallel()
			pub := weakKey(t, k.hex)
			called := false
			h, err := webhook.NewHandler(webhook.HandlerOptions{PublicKey: pub}, func(context.Context, webhook.Event) error {
				called = true
				return nil
			})
			if errors.Is(err, webhook.ErrWeakPublicKey) && h == nil {
				return
			}
			t.Errorf("NewHandler = %v, %v; want nil, ErrWeakPublicKey", h, err)
			if h == nil {
				return
			}
			body := forgeableBody(t, pub)
			req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
			req.Header.Set(webhook.SignatureHeader, base64.StdEncoding.EncodeToString(forgedSignature))
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if called || rec.Code == http.StatusOK {
				t.Errorf("the handler accepted a forged delivery: status %d, callback called %t", rec.Code, called)
			}
		})
	}
}
