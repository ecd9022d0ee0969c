// Package mix holds the two non-cryptographic hash functions the simulator
// uses to derive seeds and stable identifiers: FNV-1a over a string, and
// splitmix64's finaliser over a 64-bit word.
package mix

// FNV64a is the 64-bit FNV-1a hash of s.
func FNV64a(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// SplitMix64 is Steele, Lea and Flood's splitmix64 finaliser: a bijection
// with good avalanche, so distinct inputs (counters, seeds) give distinct,
// well-spread outputs.
func SplitMix64(x uint64) uint64 {
	x += splitMixGamma
	x = (x ^ (x >> 30)) * splitMixMul1
	x = (x ^ (x >> 27)) * splitMixMul2
	return x ^ (x >> 31)
}

// SplitMix64's constants: the golden-ratio increment and the two odd
// multipliers.
const (
	splitMixGamma = 0x9e3779b97f4a7c15
	splitMixMul1  = 0xbf58476d1ce4e5b9
	splitMixMul2  = 0x94d049bb133111eb
)

// UnSplitMix64 inverts SplitMix64, so that an identifier rendered from
// SplitMix64 of a counter (ID) leads back to the counter: each of its
// steps (adding a constant, x ^= x>>s, multiplying by an odd constant) is
// a bijection on 64-bit words, undone in reverse order.
func UnSplitMix64(y uint64) uint64 {
	y = unXorShift(y, 31)
	y *= splitMixInv2
	y = unXorShift(y, 27)
	y *= splitMixInv1
	y = unXorShift(y, 30)
	return y - splitMixGamma
}

// unXorShift returns x such that x ^ x>>s == y: each round fixes s more
// of the high bits.
func unXorShift(y uint64, s uint) uint64 {
	x := y
	for i := s; i < 64; i += s {
		x = y ^ x>>s
	}
	return x
}

// The multiplicative inverses, modulo 2^64, of SplitMix64's multipliers.
// Never written after init.
var (
	splitMixInv1 = oddInverse(splitMixMul1)
	splitMixInv2 = oddInverse(splitMixMul2)
)

// oddInverse returns the inverse of odd c modulo 2^64 by Newton's
// iteration, which doubles the correct low bits each round (c is its own
// inverse modulo 8: three bits to start, 96 after five rounds).
func oddInverse(c uint64) uint64 {
	inv := c
	for range 5 {
		inv *= 2 - c*inv
	}
	return inv
}
