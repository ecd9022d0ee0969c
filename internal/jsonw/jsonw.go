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
	for i := 0; i < len(s); i++ {
		if !plain[s[i]] {
			e, _ := json.Marshal(s)
			w.Write(e)
			return
		}
	}
	w.WriteByte('"')
	w.WriteString(s)
	w.WriteByte('"')
}

// plain tells the bytes json.Marshal writes unchanged inside a string:
// printable ASCII but for '"', '\\', '<', '>' and '&'. One load a byte
// instead of seven comparisons (a credentials document is ~1 KB of
// them). Built once, never written.
var plain = func() (t [256]bool) {
	for c := 0x20; c <= 0x7e; c++ {
		t[c] = true
	}
	for _, c := range `"\<>&` {
		t[c] = false
	}
	return t
}()
