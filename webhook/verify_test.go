package webhook_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"strings"
	"testing"

	"github.com/partoo-go/partoo/gen"
	"github.com/partoo-go/partoo/webhook"
)

func TestPublicKeyParsesPartooKeys(t *testing.T) {
	t.Parallel()
	prod, err := webhook.PublicKey(webhook.Production)
	if err != nil {
		t.Fatalf("production: %v", err)
	}
	sandbox, err := webhook.PublicKey(webhook.Sandbox)
	if err != nil {
		t.Fatalf("sandbox: %v", err)
	}
	for name, k := range map[string]ed25519.PublicKey{"production": prod, "sandbox": sandbox} {
		if len(k) != ed25519.PublicKeySize {
			t.Errorf("%s key is %d bytes, want %d", name, len(k), ed25519.PublicKeySize)
		}
	}
	if prod.Equal(sandbox) {
		t.Error("the production and sandbox keys are equal")
	}
	// The base64 bodies of the published PEMs end with the raw key: check
	// that the parsed values are those keys, byte for byte.
	for _, c := range []struct {
		name string
		key  ed25519.PublicKey
		spki string
	}{
		{"production", prod, "MCowBQYDK2VwAyEA0G9ciHL6XZQXuWq6W4dFLvwNEPWgcdtQgEVlBIwZWBQ="},
		{"sandbox", sandbox, "MCowBQYDK2VwAyEALsyvX2yVnG3ZKRIFfEvYk2nkzanoNgAqBSqdeNub4sM="},
	} {
		der, err := base64.StdEncoding.DecodeString(c.spki)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(der[len(der)-ed25519.PublicKeySize:], c.key) {
			t.Errorf("%s key = %x, want the key of the published PEM", c.name, []byte(c.key))
		}
	}

	// Each call returns its own slice: changing one does not change the next.
	prod[0] ^= 0xff
	again, err := webhook.PublicKey(webhook.Production)
	if err != nil {
		t.Fatal(err)
	}
	if again.Equal(prod) {
		t.Error("PublicKey returned a shared slice")
	}
}

// TestEnvironmentValues pins the environments to the spec's server URLs,
// which are also the values of the client's partoo.Production and
// partoo.Sandbox.
func TestEnvironmentValues(t *testing.T) {
	t.Parallel()
	if webhook.Production != gen.ServerURLProductionServer || webhook.Sandbox != gen.ServerURLSandboxServerDevEnvironmentForClientsPartners {
		t.Errorf("Production, Sandbox = %q, %q; want the spec's server URLs", webhook.Production, webhook.Sandbox)
	}
}

func TestPublicKeyUnknownEnvironment(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		env  webhook.Environment
	}{
		{"empty", ""},
		{"another URL", "https://example.com/v2"},
		{"a local fake", "http://127.0.0.1:8080/v2"},
		{"production with a trailing slash", webhook.Production + "/"},
		{"production in upper case", webhook.Environment(strings.ToUpper(string(webhook.Production)))},
		{"a name rather than a URL", "production"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			pub, err := webhook.PublicKey(tt.env)
			if err == nil || pub != nil {
				t.Errorf("PublicKey(%q) = %x, %v; want nil and an error", tt.env, []byte(pub), err)
			}
		})
	}
}

func TestParsePublicKeyErrors(t *testing.T) {
	t.Parallel()
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ecDER, err := x509.MarshalPKIXPublicKey(&ecKey.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	pemOf := func(typ string, der []byte) []byte {
		return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
	}
	pub, _ := testKey(t, 1)
	edDER, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		data []byte
		want string // substring of the error; "" means success
	}{
		{"ed25519", pemOf("PUBLIC KEY", edDER), ""},
		{"empty", nil, "no PEM block"},
		{"not PEM", []byte("MCowBQYDK2VwAyEA0G9ciHL6XZQXuWq6W4dFLvwNEPWgcdtQgEVlBIwZWBQ="), "no PEM block"},
		{"private key block", pemOf("PRIVATE KEY", edDER), `"PRIVATE KEY"`},
		{"garbage DER", pemOf("PUBLIC KEY", []byte{0x30, 0x03, 0x01}), "parse public key"},
		{"ECDSA key", pemOf("PUBLIC KEY", ecDER), "ecdsa"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := webhook.ParsePublicKey(tt.data)
			if tt.want == "" {
				if err != nil || !got.Equal(pub) {
					t.Fatalf("ParsePublicKey = %x, %v; want the test key", []byte(got), err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("ParsePublicKey error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestVerify(t *testing.T) {
	t.Parallel()
	pub, priv := testKey(t, 1)
	otherPub, _ := testKey(t, 2)
	prod, err := webhook.PublicKey(webhook.Production)
	if err != nil {
		t.Fatal(err)
	}
	sandbox, err := webhook.PublicKey(webhook.Sandbox)
	if err != nil {
		t.Fatal(err)
	}

	body := []byte(messageBody)
	rawSig := ed25519.Sign(priv, body)
	sig := base64.StdEncoding.EncodeToString(rawSig)

	flippedBody := bytes.Clone(body)
	flippedBody[len(flippedBody)/2] ^= 0x01
	flippedSig := bytes.Clone(rawSig)
	flippedSig[10] ^= 0x01
	// The last base64 character before "==" carries 4 zero padding bits;
	// setting one keeps the same bytes for a lenient decoder but must be
	// rejected by a strict one.
	if !strings.HasSuffix(sig, "==") {
		t.Fatalf("a 64-byte signature encodes with == padding, got %q", sig)
	}
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	last := strings.IndexByte(alphabet, sig[len(sig)-3])
	nonCanonical := sig[:len(sig)-3] + string(alphabet[last|1]) + "=="

	tests := []struct {
		name string
		pub  ed25519.PublicKey
		body []byte
		sig  string
		want error // nil for a valid signature
	}{
		{"valid", pub, body, sig, nil},
		{"valid empty body", pub, nil, base64.StdEncoding.EncodeToString(ed25519.Sign(priv, nil)), nil},
		{"one bit of the body flipped", pub, flippedBody, sig, webhook.ErrInvalidSignature},
		{"one bit of the signature flipped", pub, body, base64.StdEncoding.EncodeToString(flippedSig), webhook.ErrInvalidSignature},
		{"byte appended to the body", pub, append(bytes.Clone(body), ' '), sig, webhook.ErrInvalidSignature},
		{"another key", otherPub, body, sig, webhook.ErrInvalidSignature},
		{"Partoo production key", prod, body, sig, webhook.ErrInvalidSignature},
		{"Partoo sandbox key", sandbox, body, sig, webhook.ErrInvalidSignature},
		{"missing header", pub, body, "", webhook.ErrNotSigned},
		{"not base64", pub, body, "!!not base64!!", webhook.ErrInvalidHeader},
		{"URL-safe alphabet", pub, body, strings.NewReplacer("+", "-", "/", "_").Replace(sig) + "-_", webhook.ErrInvalidHeader},
		{"no padding", pub, body, base64.RawStdEncoding.EncodeToString(rawSig), webhook.ErrInvalidHeader},
		{"non-zero padding bits", pub, body, nonCanonical, webhook.ErrInvalidHeader},
		{"line break inside", pub, body, sig[:40] + "\n" + sig[40:], webhook.ErrInvalidHeader},
		{"surrounding spaces", pub, body, " " + sig + " ", webhook.ErrInvalidHeader},
		{"too short", pub, body, base64.StdEncoding.EncodeToString(rawSig[:32]), webhook.ErrInvalidHeader},
		{"too long", pub, body, base64.StdEncoding.EncodeToString(append(bytes.Clone(rawSig), 0)), webhook.ErrInvalidHeader},
	}
	sentinels := []error{webhook.ErrNotSigned, webhook.ErrInvalidHeader, webhook.ErrInvalidSignature}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := webhook.Verify(tt.pub, tt.body, tt.sig)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Verify: %v", err)
				}
				return
			}
			for _, s := range sentinels {
				if got, want := errors.Is(err, s), s == tt.want; got != want {
					t.Errorf("errors.Is(%v, %v) = %t, want %t", err, s, got, want)
				}
			}
		})
	}
}

func TestVerifyRejectsBadPublicKey(t *testing.T) {
	t.Parallel()
	_, priv := testKey(t, 1)
	sig := sign(priv, "{}")
	for _, key := range []ed25519.PublicKey{nil, make(ed25519.PublicKey, 31), make(ed25519.PublicKey, 64)} {
		err := webhook.Verify(key, []byte("{}"), sig)
		if err == nil || errors.Is(err, webhook.ErrInvalidSignature) {
			t.Errorf("Verify with a %d-byte key: %v, want a key error (and no panic)", len(key), err)
		}
	}
}
