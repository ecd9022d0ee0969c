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
