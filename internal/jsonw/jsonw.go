// Package jsonw writes JSON strings byte for byte as encoding/json does,
// without its reflection for the common case.
package jsonw

import "encoding/json"

// Writer is what String writes to: a *bytes.Buffer or a *strings.Builder.
type Writer interface {
	Write(p []byte) (int, error)
	WriteByte(c byte) error
	WriteString(s string) (int, error)
}

// String writes s as a JSON string, exactly as json.Marshal writes it.
// Most strings the simulator renders (actions, ARNs, condition keys,
// credentials drawn from printable alphabets) are plain printable ASCII
// that encoding/json writes unchanged between quotes; writing them
// directly saves an allocation per string. Anything json would escape
// (quotes, backslashes, control bytes, <, > and &, non-ASCII) goes
// through json.Marshal.
func String(w Writer, s string) {
	if !Plain(s) {
		e, _ := json.Marshal(s)
		w.Write(e)
		return
	}
	w.WriteByte('"')
	w.WriteString(s)
	w.WriteByte('"')
}

// Append appends s as a JSON string, exactly as json.Marshal writes it:
// String for a byte slice, for documents appended in a stack buffer,
// which String's writer interface would move to the heap.
func Append[S ~string | ~[]byte](b []byte, s S) []byte {
	if !Plain(string(s)) {
		e, _ := json.Marshal(string(s))
		return append(b, e...)
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// Plain reports whether json.Marshal writes every byte of s unchanged
// inside a string: printable ASCII but for '"', '\\', '<', '>' and '&'.
// It looks eight bytes up at a time and tests them together (a
// credentials document has ~400 to test).
func Plain(s string) bool {
	for ; len(s) >= 8; s = s[8:] {
		if plain[s[0]]&plain[s[1]]&plain[s[2]]&plain[s[3]]&
			plain[s[4]]&plain[s[5]]&plain[s[6]]&plain[s[7]] == 0 {
			return false
		}
	}
	for i := 0; i < len(s); i++ {
		if plain[s[i]] == 0 {
			return false
		}
	}
	return true
}

// plain is 1 for the bytes json.Marshal writes unchanged inside a string
// (see Plain): one load a byte instead of seven comparisons. Built once,
// never written.
var plain = func() (t [256]uint8) {
	for c := 0x20; c <= 0x7e; c++ {
		t[c] = 1
	}
	for _, c := range `"\<>&` {
		t[c] = 0
	}
	return t
}()
