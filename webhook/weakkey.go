package webhook

import (
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
)

// ErrWeakPublicKey is wrapped by the errors of [Verify], [ParsePublicKey]
// and [NewHandler] when the public key is an encoding of one of the 8
// points of small order of the ED25519 curve, the identity among them. No
// one needs the private key to sign for such a key: under the identity, a
// fixed signature verifies every body, and under the others one body in 2,
// 4 or 8. Partoo's keys are not weak; a weak key is a corrupted, substituted
// or test key, and is refused.
var ErrWeakPublicKey = errors.New("webhook: weak ED25519 public key (a point of small order)")

// smallOrderKeys lists, in hex, every 32-byte string that crypto/ed25519
// decodes to a point of small order: the 8 canonical encodings, the
// identity and (0, -1) with the sign bit set (x = 0, so the bit changes
// nothing), and y = 0 and y = 1 encoded as p and p+1 (p = 2^255-19), with
// either sign bit. weakkey_internal_test.go derives this list from the curve
// equation and checks that it is exactly this one.
var smallOrderKeys = [...]string{
	// The identity (0, 1), order 1.
	"0100000000000000000000000000000000000000000000000000000000000000",
	"0100000000000000000000000000000000000000000000000000000000000080",
	"eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // y = p+1
	"eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
	// (0, -1), order 2.
	"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
	// (±√-1, 0), order 4.
	"0000000000000000000000000000000000000000000000000000000000000000",
	"0000000000000000000000000000000000000000000000000000000000000080",
	"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // y = p
	"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
	// The 4 points of order 8.
	"26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
	"26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
	"c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
	"c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
}

// isSmallOrder reports whether pub is one of smallOrderKeys. A public key
// is not secret, so the comparison need not be constant-time.
func isSmallOrder(pub []byte) bool {
	return slices.Contains(smallOrderKeys[:], hex.EncodeToString(pub))
}

// checkWeak returns an error wrapping ErrWeakPublicKey, naming what, when
// pub is a small-order key.
func checkWeak(what string, pub []byte) error {
	if isSmallOrder(pub) {
		return fmt.Errorf("%w: %s is %x: signatures forged without a private key verify under it", ErrWeakPublicKey, what, pub)
	}
	return nil
}
