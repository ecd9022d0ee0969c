package billing

import (
	"math/big"
	"math/bits"
)

// u128 is an unsigned 128-bit accumulator. Raw quantities such as
// byte-seconds of S3 storage overflow int64 within a simulated month at
// petabyte scale (10 TB for a month is 2.7e19 byte-seconds), so the ledger
// adds them with carry instead; the add is two instructions on the hot path.
type u128 struct{ hi, lo uint64 }

func mul64(a, b uint64) (hi, lo uint64) { return bits.Mul64(a, b) }

func (x *u128) add64(v uint64) {
	var c uint64
	x.lo, c = bits.Add64(x.lo, v, 0)
	x.hi += c
}

func (x *u128) add(y u128) {
	var c uint64
	x.lo, c = bits.Add64(x.lo, y.lo, 0)
	x.hi += y.hi + c
}

// mulAdd adds a*b.
func (x *u128) mulAdd(a, b uint64) {
	hi, lo := bits.Mul64(a, b)
	x.add(u128{hi, lo})
}

func (x u128) big() *big.Int {
	if x.hi == 0 {
		return new(big.Int).SetUint64(x.lo)
	}
	b := new(big.Int).SetUint64(x.hi)
	b.Lsh(b, 64)
	return b.Or(b, new(big.Int).SetUint64(x.lo))
}

// u128Of returns x (≥ 0) as a u128, if it fits.
func u128Of(x *big.Int) (u128, bool) {
	if x.Sign() < 0 || x.BitLen() > 128 {
		return u128{}, false
	}
	if x.IsUint64() {
		return u128{0, x.Uint64()}, true
	}
	lo := new(big.Int).And(x, maxU64)
	return u128{new(big.Int).Rsh(x, 64).Uint64(), lo.Uint64()}, true
}

var maxU64 = new(big.Int).SetUint64(^uint64(0)) // never changed

// addCarry returns x+y and the carry out of 128 bits (add wraps).
func (x u128) addCarry(y u128) (u128, uint64) {
	lo, c := bits.Add64(x.lo, y.lo, 0)
	hi, c := bits.Add64(x.hi, y.hi, c)
	return u128{hi, lo}, c
}
