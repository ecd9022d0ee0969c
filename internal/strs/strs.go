// Package strs compares strings the way the request path's memos need:
// a caller's calls come in runs that pass the very strings of the last
// call (a service's name, an operation constant, an ARN parsed once), so
// comparing where the bytes are answers most comparisons without reading
// them.
//
//	if strs.Same(last.op, op) { return last.stat }
package strs

import "unsafe"

// Same reports a == b, answered in line without reading the bytes when
// both are the same memory (where == calls memequal).
func Same(a, b string) bool {
	return len(a) == len(b) && (unsafe.StringData(a) == unsafe.StringData(b) || a == b)
}

// SameMemory reports whether a and b are the same bytes in memory, and
// so the same string. Equal strings in different memory are not: a memo
// keyed by SameMemory may miss, never answer wrongly.
func SameMemory(a, b string) bool {
	return len(a) == len(b) && unsafe.StringData(a) == unsafe.StringData(b)
}

// Load64 returns the first eight bytes of s as a little-endian word, in
// one load once inlined (s must hold eight bytes): hashing and scanning
// code reads strings a word at a time.
func Load64(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}
