// Package chunks writes short strings that live as long as a world (IDs,
// object keys and ARNs, action names) end to end into shared byte chunks,
// so that each needs no allocation of its own and strings made one after
// another sit together in memory.
//
//	var c chunks.Text
//	id := c.Concat(512, "vpc-", hex)
//
// The strings handed out are never written again: a chunk only grows by
// appending after them, and a full chunk is left to the strings in it and
// freed by the collector once none of them is referenced.
package chunks

import "unsafe"

// Text is a current chunk. The zero value is ready to use.
type Text struct{ buf []byte }

// Take returns n bytes at the end of the current chunk for the caller to
// fill before it passes them to String; a new chunk of max(size, n) bytes
// replaces one without room.
func (t *Text) Take(n, size int) []byte {
	if cap(t.buf)-len(t.buf) < n {
		t.buf = make([]byte, 0, max(size, n))
	}
	start := len(t.buf)
	t.buf = t.buf[:start+n]
	return t.buf[start : start+n : start+n]
}

// String returns the bytes b, which Take returned and the caller filled,
// as a string without copying them.
func String(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// Concat returns a+b written into the current chunk (see Take for size).
func (t *Text) Concat(size int, a, b string) string {
	d := t.Take(len(a)+len(b), size)
	copy(d[copy(d, a):], b)
	return String(d)
}

// Concat3 returns a+b+c written into the current chunk.
func (t *Text) Concat3(size int, a, b, c string) string {
	d := t.Take(len(a)+len(b)+len(c), size)
	n := copy(d, a)
	n += copy(d[n:], b)
	copy(d[n:], c)
	return String(d)
}

// Copy returns a copy of s written into the current chunk.
func (t *Text) Copy(size int, s string) string {
	d := t.Take(len(s), size)
	copy(d, s)
	return String(d)
}
