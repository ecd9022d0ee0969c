package ec2

import "encoding/json"

// appendJSONString appends s as json.Marshal writes a string: as is
// between quotes when every byte is printable ASCII that encoding/json
// leaves alone (as actions, time stamps and credentials are), through
// json.Marshal otherwise. It is jsonw.String for a byte slice: the
// documents rendered with it are appended in a stack buffer, which
// jsonw's writer interface would move to the heap.
func appendJSONString[S ~string | ~[]byte](b []byte, s S) []byte {
	for i := 0; i < len(s); i++ {
		if !jsonPlain[s[i]] {
			e, _ := json.Marshal(string(s))
			return append(b, e...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// jsonPlain tells the bytes json.Marshal writes unchanged inside a
// string: printable ASCII but for '"', '\\', '<', '>' and '&' (one load a
// byte: a credentials document has ~400 of them). Built once, never
// written.
var jsonPlain = func() (t [256]bool) {
	for c := 0x20; c <= 0x7e; c++ {
		t[c] = true
	}
	for _, c := range `"\<>&` {
		t[c] = false
	}
	return t
}()
