package webhook

import (
	"crypto/ed25519"
	"encoding/base64"
)

// Sign returns the [SignatureHeader] value of body signed with priv, as
// Partoo signs its deliveries: the standard base64 of the body's ED25519
// signature. It is for tests: a program that receives deliveries signs
// bodies with a key pair of its own and gives the public half to [Verify]
// or [NewHandler], without a server. priv must be an ED25519 private key
// (64 bytes); Sign panics otherwise, as ed25519.Sign does.
func Sign(priv ed25519.PrivateKey, body []byte) string {
	return base64.StdEncoding.EncodeToString(ed25519.Sign(priv, body))
}
