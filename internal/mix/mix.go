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
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}
