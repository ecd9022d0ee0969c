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
