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
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			e, _ := json.Marshal(s)
			w.Write(e)
			return
		}
	}
	w.WriteByte('"')
	w.WriteString(s)
	w.WriteByte('"')
}
