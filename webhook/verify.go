package webhook

import (
	"crypto/ed25519"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/partoo-go/partoo/gen"
)

// SignatureHeader is the request header carrying the base64 ED25519
// signature of a delivery's body. Partoo sends it on every delivery.
const SignatureHeader = "X-Partoo-Signature-v1"

// TryoutHeader is the request header Partoo adds to the test deliveries sent
// by POST /webhooks/tryout. Its value is not documented; its presence is
// what counts.
const TryoutHeader = "X-Partoo-Webhook-Tryout"

// Sentinel errors returned (wrapped) by [Verify]. Match them with errors.Is.
var (
	// ErrNotSigned means the signature header is missing or empty.
	ErrNotSigned = errors.New("webhook: missing " + SignatureHeader + " header")
	// ErrInvalidHeader means the signature header is not the strict standard
	// base64 encoding (with padding, no line breaks) of a 64-byte ED25519
	// signature.
	ErrInvalidHeader = errors.New("webhook: malformed " + SignatureHeader + " header")
	// ErrInvalidSignature means the signature does not match the body and
	// the public key: the body was changed, or it was signed with another
	// key (for example the other environment's).
	ErrInvalidSignature = errors.New("webhook: invalid signature")
)

// Verify reports whether signature, the value of the [SignatureHeader]
// header, is a valid ED25519 signature of body by the holder of pub. body
// must be the raw request body, exactly as received.
//
// It returns nil for a valid signature, an error wrapping [ErrNotSigned],
// [ErrInvalidHeader] or [ErrInvalidSignature] otherwise, an error wrapping
// [ErrWeakPublicKey] when pub is a point of small order (whatever the
// signature), and a plain error when pub is not a 32-byte ED25519 public
// key.
func Verify(pub ed25519.PublicKey, body []byte, signature string) error {
	if len(pub) != ed25519.PublicKeySize {
		return fmt.Errorf("webhook: the public key is %d bytes, want an ED25519 key of %d bytes", len(pub), ed25519.PublicKeySize)
	}
	if err := checkWeak("the public key", pub); err != nil {
		return err
	}
	if signature == "" {
		return ErrNotSigned
	}
	// Strict() rejects non-zero padding bits, but the decoder skips line
	// breaks even then: reject them first, as a strict decoder does.
	if strings.ContainsAny(signature, "\r\n") {
		return fmt.Errorf("%w: it contains a line break", ErrInvalidHeader)
	}
	sig, err := base64.StdEncoding.Strict().DecodeString(signature)
	if err != nil {
		return fmt.Errorf("%w: not standard base64: %v", ErrInvalidHeader, err)
	}
	if len(sig) != ed25519.SignatureSize {
		return fmt.Errorf("%w: it decodes to %d bytes, want %d", ErrInvalidHeader, len(sig), ed25519.SignatureSize)
	}
	if !ed25519.Verify(pub, body, sig) {
		return ErrInvalidSignature
	}
	return nil
}

// Partoo's webhook signing keys, as published in its webhooks security guide.
const (
	productionKeyPEM = `-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEA0G9ciHL6XZQXuWq6W4dFLvwNEPWgcdtQgEVlBIwZWBQ=
-----END PUBLIC KEY-----
`
	sandboxKeyPEM = `-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEALsyvX2yVnG3ZKRIFfEvYk2nkzanoNgAqBSqdeNub4sM=
-----END PUBLIC KEY-----
`
)

// Environment is a Partoo environment, named by the base URL of its API.
// Each environment signs its webhook deliveries with its own key, which
// [PublicKey] returns.
//
// The values are those of the client's partoo.Production and
// partoo.Sandbox servers, so Environment(server) converts one; package
// webhook does not import the client, so that a program that only receives
// webhooks does not link it.
type Environment string

// Partoo's environments.
const (
	// Production is Partoo's production environment; its value is the
	// production API URL of the spec, [gen.ServerURLProductionServer].
	Production Environment = gen.ServerURLProductionServer
	// Sandbox is Partoo's sandbox, the development environment for clients
	// and partners; its value is the sandbox API URL of the spec,
	// [gen.ServerURLSandboxServerDevEnvironmentForClientsPartners].
	Sandbox Environment = gen.ServerURLSandboxServerDevEnvironmentForClientsPartners
)

// PublicKey returns the public key that Partoo's environment env signs its
// webhook deliveries with: [Production] or [Sandbox]. The published PEMs
// are parsed once, on first use; each call returns a new slice, so callers
// may keep or modify it.
//
// Any other environment is an error: a fake server (such as partootest) has
// its own key, and a key Partoo publishes later can be loaded with
// [ParsePublicKey].
func PublicKey(env Environment) (ed25519.PublicKey, error) {
	var pub ed25519.PublicKey
	var err error
	switch env {
	case Production:
		pub, err = productionKey()
	case Sandbox:
		pub, err = sandboxKey()
	default:
		return nil, fmt.Errorf("webhook: no Partoo signing key for environment %q: want webhook.Production (%q) or webhook.Sandbox (%q), or use ParsePublicKey for another key", string(env), string(Production), string(Sandbox))
	}
	if err != nil {
		return nil, err
	}
	return slices.Clone(pub), nil
}

// productionKey and sandboxKey parse Partoo's published keys once. They
// hold no mutable state: PublicKey hands out copies.
var (
	productionKey = sync.OnceValues(func() (ed25519.PublicKey, error) { return ParsePublicKey([]byte(productionKeyPEM)) })
	sandboxKey    = sync.OnceValues(func() (ed25519.PublicKey, error) { return ParsePublicKey([]byte(sandboxKeyPEM)) })
)

// ParsePublicKey parses an ED25519 public key from the first PEM block of
// pemData, a "PUBLIC KEY" block holding a PKIX (SubjectPublicKeyInfo) key,
// as Partoo publishes its keys. A key of small order is refused with an
// error wrapping [ErrWeakPublicKey].
func ParsePublicKey(pemData []byte) (ed25519.PublicKey, error) {
	block, _ := pem.Decode(pemData)
	if block == nil {
		return nil, errors.New("webhook: no PEM block in the public key data")
	}
	if block.Type != "PUBLIC KEY" {
		return nil, fmt.Errorf("webhook: the PEM block is %q, want \"PUBLIC KEY\"", block.Type)
	}
	key, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("webhook: parse public key: %w", err)
	}
	pub, ok := key.(ed25519.PublicKey)
	if !ok {
		return nil, fmt.Errorf("webhook: the public key is a %T, want an ED25519 key", key)
	}
	if err := checkWeak("the PEM's public key", pub); err != nil {
		return nil, err
	}
	return pub, nil
}
