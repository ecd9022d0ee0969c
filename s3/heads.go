package s3

import (
	"unsafe"

	"github.com/nimbus-sim/nimbus/internal/mix"
)

// headIndex maps each key of a bucket to its newest version, for the
// exact-key lookups of GET, HEAD, PUT and DELETE: one hash probe instead
// of a B-tree descent of some twenty string comparisons. It is an
// open-addressing table of version pointers (linear probing,
// backward-shift deletion, at most 3/4 full), each version carrying its
// key (version.keyData, keyLen), so an object costs one 8-byte slot at
// 3/8 to 3/4 load and 8 bytes in its version: some 21 bytes, where a Go
// map[string]*version takes some 44 (24-byte slots, control bytes, load
// slack), and ten million objects must fit in well under 2 GiB. The
// index answers lookups only; nothing iterates over it, so the order of
// its slots never shows.
type headIndex struct {
	slots []*version // nil, or a power of two long; nil is a free slot
	n     int
}

// keyHash hashes a key eight bytes at a time. It needs to be fast and
// deterministic, not resistant to chosen collisions.
func keyHash(s string) uint64 {
	n := len(s)
	h := uint64(n) * 0x9e3779b97f4a7c15
	if n < 8 {
		var t uint64
		for i := n - 1; i >= 0; i-- {
			t = t<<8 | uint64(s[i])
		}
		return mix.SplitMix64(h ^ t)
	}
	i := 0
	for ; n-i > 8; i += 8 {
		h = mix.SplitMix64(h ^ load64(s[i:]))
	}
	return mix.SplitMix64(h ^ load64(s[n-8:])) // the last eight bytes, overlapping the previous word
}

// load64 returns the first eight bytes of s as a little-endian word.
func load64(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// len returns the number of keys.
func (x *headIndex) len() int { return x.n }

// get returns the newest version of key.
func (x *headIndex) get(key string) (*version, bool) {
	if x.n == 0 {
		return nil, false
	}
	mask := uint64(len(x.slots) - 1)
	for i := keyHash(key) & mask; ; i = (i + 1) & mask {
		v := x.slots[i]
		if v == nil {
			return nil, false
		}
		if v.key() == key {
			return v, true
		}
	}
}

// set makes v the newest version of its key (v.key()), adding the key if
// it is new.
func (x *headIndex) set(v *version) {
	if len(x.slots) == 0 {
		x.resize(8)
	}
	key := v.key()
	for {
		mask := uint64(len(x.slots) - 1)
		i := keyHash(key) & mask
		for ; x.slots[i] != nil; i = (i + 1) & mask {
			if x.slots[i].key() == key {
				x.slots[i] = v
				return
			}
		}
		if 4*(x.n+1) <= 3*len(x.slots) {
			x.slots[i] = v
			x.n++
			return
		}
		x.resize(2 * len(x.slots))
	}
}

// delete removes key, if present.
func (x *headIndex) delete(key string) {
	if x.n == 0 {
		return
	}
	mask := uint64(len(x.slots) - 1)
	i := keyHash(key) & mask
	for ; ; i = (i + 1) & mask {
		v := x.slots[i]
		if v == nil {
			return
		}
		if v.key() == key {
			break
		}
	}
	// Close the gap: move back each later entry of the run whose home
	// slot is not after the gap, so every key stays reachable from its
	// home without tombstones.
	for j := i; ; {
		j = (j + 1) & mask
		w := x.slots[j]
		if w == nil {
			break
		}
		if home := keyHash(w.key()) & mask; (j-home)&mask >= (j-i)&mask {
			x.slots[i] = w
			i = j
		}
	}
	x.slots[i] = nil
	x.n--
}

func (x *headIndex) resize(size int) {
	old := x.slots
	x.slots = make([]*version, size)
	mask := uint64(size - 1)
	for _, v := range old {
		if v == nil {
			continue
		}
		i := keyHash(v.key()) & mask
		for x.slots[i] != nil {
			i = (i + 1) & mask
		}
		x.slots[i] = v
	}
}

// The key of a version is kept as a pointer to its bytes and a 16-bit
// length, which fits in the struct's padding.
const _ uint16 = MaxKeyLength

// key returns the key the version belongs to.
func (v *version) key() string { return unsafe.String(v.keyData, int(v.keyLen)) }

// setKey records key, which must stay unchanged (an interned key), as
// the version's.
func (v *version) setKey(key string) { v.keyData, v.keyLen = unsafe.StringData(key), uint16(len(key)) }
