package ec2

import "encoding/json"

// appendJSONString appends s as json.Marshal writes a string: as is
// between quotes when every byte is printable ASCII that encoding/json
// leaves alone (as actions, time stamps and credentials are), through
// json.Marshal otherwise. It is jsonw.String for a byte slice: the
// documents rendered with it are appended in a stack buffer, which
// jsonw's writer interface would move to the heap.
func appendJSONString[S ~string | ~[]byte](b []byte, s S) []byte {
	if !jsonPlainString(string(s)) {
		e, _ := json.Marshal(string(s))
		return append(b, e...)
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// jsonPlainString reports whether json.Marshal writes every byte of s
// unchanged inside a string. It looks eight bytes up at a time and tests
// them together, as a credentials document has ~400 to test.
func jsonPlainString(s string) bool {
	for ; len(s) >= 8; s = s[8:] {
		if jsonPlain[s[0]]&jsonPlain[s[1]]&jsonPlain[s[2]]&jsonPlain[s[3]]&
			jsonPlain[s[4]]&jsonPlain[s[5]]&jsonPlain[s[6]]&jsonPlain[s[7]] == 0 {
			return false
		}
	}
	for i := 0; i < len(s); i++ {
		if jsonPlain[s[i]] == 0 {
			return false
		}
	}
	return true
}

// jsonPlain is 1 for the bytes json.Marshal writes unchanged inside a
// string: printable ASCII but for '"', '\\', '<', '>' and '&'. Built
// once, never written.
var jsonPlain = func() (t [256]uint8) {
	for c := 0x20; c <= 0x7e; c++ {
		t[c] = 1
	}
	for _, c := range `"\<>&` {
		t[c] = 0
	}
	return t
}()
