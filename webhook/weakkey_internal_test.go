package webhook

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"testing"
)

// This file derives the small-order encodings of edwards25519 from the
// curve equation with math/big, independently of smallOrderKeys, so that a
// wrong or incomplete table cannot go unnoticed.

// Constants of edwards25519 (RFC 8032, section 5.1).
var (
	// curveP is the field prime 2^255 - 19.
	curveP = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 255), big.NewInt(19))
	// curveD is -121665/121666 mod p.
	curveD = func() *big.Int {
		d := new(big.Int).ModInverse(big.NewInt(121666), curveP)
		d.Mul(d, big.NewInt(-121665))
		return d.Mod(d, curveP)
	}()
	// curveL is the prime order of the base point; the group has 8·L points.
	curveL, _ = new(big.Int).SetString("7237005577332262213973186563042994240857116359379907606001950938285454250989", 10)
	// two255 is 2^255, the bound of the 255-bit y field of an encoding.
	two255 = new(big.Int).Lsh(big.NewInt(1), 255)
)

// point is a point in extended twisted Edwards coordinates (X:Y:Z:T), with
// x = X/Z, y = Y/Z and x·y = T/Z.
type point struct{ x, y, z, t *big.Int }

func mod(v *big.Int) *big.Int { return v.Mod(v, curveP) }

func mul(a, b *big.Int) *big.Int { return mod(new(big.Int).Mul(a, b)) }

func affine(x, y *big.Int) point {
	return point{new(big.Int).Set(x), new(big.Int).Set(y), big.NewInt(1), mul(x, y)}
}

func identity() point { return affine(big.NewInt(0), big.NewInt(1)) }

// add returns p+q with the complete addition law for a = -1
// (Hisil-Wong-Carter-Dawson 2008, "add-2008-hwcd-3"); it also doubles.
func (p point) add(q point) point {
	a := mul(new(big.Int).Sub(p.y, p.x), new(big.Int).Sub(q.y, q.x))
	b := mul(new(big.Int).Add(p.y, p.x), new(big.Int).Add(q.y, q.x))
	c := mul(mul(p.t, q.t), new(big.Int).Lsh(curveD, 1))
	d := mul(p.z, new(big.Int).Lsh(q.z, 1))
	e := mod(new(big.Int).Sub(b, a))
	f := mod(new(big.Int).Sub(d, c))
	g := mod(new(big.Int).Add(d, c))
	h := mod(new(big.Int).Add(b, a))
	return point{mul(e, f), mul(g, h), mul(f, g), mul(e, h)}
}

// mult returns [k]p, by double-and-add.
func (p point) mult(k *big.Int) point {
	r := identity()
	for i := k.BitLen() - 1; i >= 0; i-- {
		r = r.add(r)
		if k.Bit(i) == 1 {
			r = r.add(p)
		}
	}
	return r
}

func (p point) isIdentity() bool {
	return mod(new(big.Int).Set(p.x)).Sign() == 0 && mod(new(big.Int).Sub(p.y, p.z)).Sign() == 0
}

// affineXY returns x and y, reduced.
func (p point) affineXY() (x, y *big.Int) {
	zInv := new(big.Int).ModInverse(p.z, curveP)
	return mul(p.x, zInv), mul(p.y, zInv)
}

// encode returns the canonical encoding of p: y in little-endian, with the
// low bit of x in the top bit.
func (p point) encode() [32]byte {
	x, y := p.affineXY()
	var enc [32]byte
	y.FillBytes(enc[:])
	slices.Reverse(enc[:])
	enc[31] |= byte(x.Bit(0) << 7)
	return enc
}

// decode decodes enc as crypto/ed25519 does (see the comment of
// crypto/internal/fips140/edwards25519.Point.SetBytes), which is more lenient
// than RFC 8032: y is the low 255 bits reduced mod p, so values from p to
// 2^255-1 are accepted; x is the even square root of (y²-1)/(d·y²+1),
// negated when the top bit is set, so x = 0 with the top bit set is
// accepted too. ok is false when no such x exists.
func decode(enc [32]byte) (p point, ok bool) {
	le := enc
	sign := le[31] >> 7
	le[31] &= 0x7f
	slices.Reverse(le[:])
	y := mod(new(big.Int).SetBytes(le[:]))
	y2 := mul(y, y)
	u := mod(new(big.Int).Sub(y2, big.NewInt(1)))
	v := mod(new(big.Int).Add(mul(curveD, y2), big.NewInt(1)))
	x2 := mul(u, new(big.Int).ModInverse(v, curveP))
	x := new(big.Int).ModSqrt(x2, curveP)
	if x == nil {
		return point{}, false
	}
	if x.Bit(0) == 1 { // the even root
		x.Sub(curveP, x)
	}
	if sign == 1 {
		mod(x.Sub(curveP, x))
	}
	return affine(x, y), true
}

// basePoint is the generator B of RFC 8032: y = 4/5, x even.
func basePoint(t *testing.T) point {
	t.Helper()
	y := mul(big.NewInt(4), new(big.Int).ModInverse(big.NewInt(5), curveP))
	var enc [32]byte
	y.FillBytes(enc[:])
	slices.Reverse(enc[:])
	b, ok := decode(enc)
	if !ok {
		t.Fatal("the base point does not decode")
	}
	return b
}

// TestCurveArithmetic checks the arithmetic above against crypto/ed25519,
// so that the derivation below does not rest on an untested implementation.
func TestCurveArithmetic(t *testing.T) {
	t.Parallel()
	b := basePoint(t)
	if b.isIdentity() || !b.mult(curveL).isIdentity() {
		t.Fatal("the base point does not have order L")
	}
	for seed := range byte(4) {
		priv := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, ed25519.SeedSize))
		// The secret scalar is the clamped first half of SHA-512(seed),
		// little-endian (RFC 8032, section 5.1.5).
		h := sha512.Sum512(priv.Seed())
		s := h[:32]
		s[0] &= 248
		s[31] &= 127
		s[31] |= 64
		slices.Reverse(s)
		got := b.mult(new(big.Int).SetBytes(s)).encode()
		if want := priv.Public().(ed25519.PublicKey); !bytes.Equal(got[:], want) {
			t.Errorf("seed %d: [s]B = %x, crypto/ed25519 says %x", seed, got, []byte(want))
		}
	}
}

// smallOrderEncodings derives every 32-byte string that crypto/ed25519
// decodes to a point of order dividing 8.
//
// The group has 8·L points and L is prime, so [L]P has order dividing 8
// for every point P, and these multiples make up the torsion subgroup of 8
// points. A string decodes to one of them only if its low 255 bits are
// congruent mod p to that point's y: they are y itself, or y+p when y+p <
// 2^255 (y < 19); y+2p ≥ 2^255 always. The top bit picks x or -x, and -T
// is a torsion point as well. So the candidates below are complete, and
// each is then checked: it decodes, and 8 times its point is the identity.
func smallOrderEncodings(t *testing.T) []string {
	t.Helper()
	torsion := map[[32]byte]point{}
	for n := int64(2); len(torsion) < 8 && n < 1000; n++ {
		var enc [32]byte
		big.NewInt(n).FillBytes(enc[:])
		slices.Reverse(enc[:])
		if p, ok := decode(enc); ok {
			q := p.mult(curveL)
			torsion[q.encode()] = q
		}
	}
	if len(torsion) != 8 {
		t.Fatalf("found %d torsion points, want 8", len(torsion))
	}

	var encs []string
	eight := big.NewInt(8)
	for _, q := range torsion {
		if !q.mult(eight).isIdentity() {
			t.Fatalf("torsion point %x: 8 times it is not the identity", q.encode())
		}
		_, y := q.affineXY()
		for _, raw := range []*big.Int{y, new(big.Int).Add(y, curveP)} {
			if raw.Cmp(two255) >= 0 {
				continue
			}
			for _, sign := range []byte{0, 0x80} {
				var enc [32]byte
				raw.FillBytes(enc[:])
				slices.Reverse(enc[:])
				enc[31] |= sign
				p, ok := decode(enc)
				if !ok || !p.mult(eight).isIdentity() {
					t.Fatalf("encoding %x of a torsion point's y does not decode to a small-order point", enc)
				}
				encs = append(encs, hex.EncodeToString(enc[:]))
			}
		}
	}
	slices.Sort(encs)
	return slices.Compact(encs)
}

// TestSmallOrderKeys asserts that the package's table is exactly the list
// derived from first principles, and that crypto/ed25519 accepts a forged
// signature under each of its keys, which the package refuses.
func TestSmallOrderKeys(t *testing.T) {
	t.Parallel()
	want := smallOrderEncodings(t)
	got := slices.Sorted(slices.Values(smallOrderKeys[:]))
	if !slices.Equal(got, want) {
		t.Fatalf("smallOrderKeys = %q,\nderived %q", got, want)
	}
	if len(want) != 14 {
		// 8 points; x = 0 for the identity and (0,-1), which makes 2 more
		// with the top bit set; y = 0 and y = 1 also encode as p and p+1,
		// with either top bit: 4 more.
		t.Errorf("derived %d encodings, want 14", len(want))
	}

	// A fixed signature with R = identity and S = 0, made without a private
	// key, verifies under a small-order key A for each body whose
	// k = SHA-512(R || A || body) makes [k]A the identity: one in 8 or more.
	forged := make([]byte, ed25519.SignatureSize)
	forged[0] = 1
	for _, h := range want {
		pub, _ := hex.DecodeString(h)
		t.Run(h, func(t *testing.T) {
			t.Parallel()
			if !isSmallOrder(pub) {
				t.Error("isSmallOrder = false")
			}
			body := ""
			for i := range 1024 {
				if b := fmt.Sprint(i); ed25519.Verify(pub, []byte(b), forged) {
					body = b
					break
				}
			}
			if body == "" {
				t.Fatal("crypto/ed25519 refuses the forged signature for 1024 bodies")
			}
			if err := Verify(pub, []byte(body), "AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=="); !errors.Is(err, ErrWeakPublicKey) {
				t.Errorf("Verify of the forged signature = %v, want ErrWeakPublicKey", err)
			}
		})
	}
}

// TestSmallOrderNeighbours checks that isSmallOrder looks at the whole key:
// flipping any bit of a small-order encoding gives a weak key only when the
// result is in the table too, and a generated key is not weak.
func TestSmallOrderNeighbours(t *testing.T) {
	t.Parallel()
	weak := map[string]bool{}
	for _, h := range smallOrderKeys {
		weak[h] = true
	}
	for _, h := range smallOrderKeys {
		key, _ := hex.DecodeString(h)
		for bit := range 8 * len(key) {
			k := bytes.Clone(key)
			k[bit/8] ^= 1 << (bit % 8)
			if got, want := isSmallOrder(k), weak[hex.EncodeToString(k)]; got != want {
				t.Errorf("isSmallOrder(%x) = %t, want %t", k, got, want)
			}
		}
	}
	for seed := range byte(8) {
		pub := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, ed25519.SeedSize)).Public().(ed25519.PublicKey)
		if isSmallOrder(pub) {
			t.Errorf("isSmallOrder(%x) = true for a generated key", []byte(pub))
		}
	}
}
