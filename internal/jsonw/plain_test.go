package jsonw

import (
	"encoding/json"
	"math/rand/v2"
	"testing"
)

// plainByTable is Plain's definition, a byte at a time.
func plainByTable(s string) bool {
	for i := 0; i < len(s); i++ {
		if plain[s[i]] == 0 {
			return false
		}
	}
	return true
}

// TestPlainEightAtATime: the eight-bytes-at-a-time test agrees
// with the byte table for every byte value at every position of strings
// up to 17 bytes (among plain bytes and among others), and for random
// strings; and json.Marshal writes every plain byte as it is.
func TestPlainEightAtATime(t *testing.T) {
	for c := 0; c < 256; c++ {
		e, _ := json.Marshal(string([]byte{byte(c)}))
		if plain[c] == 1 && string(e) != `"`+string([]byte{byte(c)})+`"` {
			t.Fatalf("byte %#x is plain, json.Marshal writes %q", c, e)
		}
	}
	for n := 1; n <= 17; n++ {
		for _, fill := range []byte{'a', 0x00, 0x01, 0x7f, 0xff, '~', ' '} {
			for i := 0; i < n; i++ {
				b := make([]byte, n)
				for j := range b {
					b[j] = fill
				}
				for c := 0; c < 256; c++ {
					b[i] = byte(c)
					if got, want := Plain(string(b)), plainByTable(string(b)); got != want {
						t.Fatalf("%q: %v, want %v", b, got, want)
					}
				}
			}
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for k := 0; k < 100000; k++ {
		b := make([]byte, r.IntN(40))
		for j := range b {
			b[j] = byte(0x20 + r.IntN(0x5f))
			if r.IntN(50) == 0 {
				b[j] = byte(r.IntN(256))
			}
		}
		if got, want := Plain(string(b)), plainByTable(string(b)); got != want {
			t.Fatalf("%q: %v, want %v", b, got, want)
		}
	}
}
