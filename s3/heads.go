package s3

import (
	"math/bits"
	"unsafe"

	"github.com/nimbus-sim/nimbus/internal/mix"
	"github.com/nimbus-sim/nimbus/internal/strs"
)

// headIndex maps each key of a bucket to its newest version, for the
// exact-key lookups of GET, HEAD, PUT and DELETE: one hash probe instead
// of a B-tree descent of some twenty string comparisons. It is an
// open-addressing table of version pointers (linear probing,
// backward-shift deletion, at most 3/4 full), each version carrying its
// key (version.keyData, keyLen), so an object costs one 8-byte slot and
// one tag byte at 3/8 to 3/4 load and 8 bytes in its version: some 23
// bytes, where a Go map[string]*version takes some 44 (24-byte slots,
// control bytes, load slack), and ten million objects must fit in well
// under 2 GiB. The index answers lookups only; nothing iterates over it,
// so the order of its slots never shows.
//
// tags holds a byte per slot: 0 for a free slot, else 0x80 with seven
// bits of the key's hash. A probe reads the tag first and looks at the
// version (and then its key's bytes, elsewhere again) only when the tag
// matches: a colliding slot of a big bucket costs two cache misses to
// rule out by its key, and one in 128 of them gets past its tag. The
// tags of a table are an eighth of its slots' size, so they stay in
// cache longer, and a lookup of a missing key mostly ends at a free tag.
type headIndex struct {
	slots []*version // nil, or a power of two long
	tags  []uint8    // as long as slots; 0 is a free slot
	n     int
	// gen counts the changes to the index (set, delete, resize): a
	// look-up made at generation gen still holds while gen is unchanged
	// (served.head).
	gen uint64
}

// tagOf is the tag of a key of hash h: the hash's top seven bits (the
// slot comes from its low bits) and the occupied bit.
func tagOf(h uint64) uint8 { return uint8(h>>57) | 0x80 }

// keyHash hashes a key eight bytes at a time. It needs to be fast and
// deterministic, not resistant to chosen collisions. Only the index's
// layout depends on it (nothing iterates over the index), so it can
// change without changing any result.
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
	if n <= 16 {
		// Most keys of studies ("obj/000000123"): the first and the last
		// eight bytes (overlapping below 16), the last word multiplied
		// so that it does not cancel the first, in one round of mixing
		// where a word at a time takes two. The look-up's loads wait for
		// the hash, so its latency counts as much as its instructions.
		return mix.SplitMix64(h ^ strs.Load64(s) ^ bits.RotateLeft64(strs.Load64(s[n-8:]), 29)*0xbf58476d1ce4e5b9)
	}
	i := 0
	for ; n-i > 8; i += 8 {
		h = mix.SplitMix64(h ^ strs.Load64(s[i:]))
	}
	return mix.SplitMix64(h ^ strs.Load64(s[n-8:])) // the last eight bytes, overlapping the previous word
}

// len returns the number of keys.
func (x *headIndex) len() int { return x.n }

// get returns the newest version of key.
func (x *headIndex) get(key string) (*version, bool) {
	v, _, ok := x.find(key)
	return v, ok
}

// find is get, also returning the key's hash for set's use (setHashed).
func (x *headIndex) find(key string) (*version, uint64, bool) {
	i, h, ok := x.findSlot(key)
	if !ok {
		return nil, h, false
	}
	return x.slots[i], h, true
}

// findSlot returns the slot of key and its hash (keyHash), or ok false.
// A slot index is a number, not a pointer: served keeps it without a
// write barrier (headHint).
func (x *headIndex) findSlot(key string) (int, uint64, bool) {
	h := keyHash(key)
	if x.n == 0 {
		return 0, h, false
	}
	mask := uint64(len(x.slots) - 1)
	tag := tagOf(h)
	for i := h & mask; ; i = (i + 1) & mask {
		t := x.tags[i]
		if t == 0 {
			return 0, h, false
		}
		if t != tag {
			continue
		}
		k := x.slots[i].key()
		if n := len(k); n != len(key) {
			continue
		} else if n >= 8 && n <= 16 {
			// Two words, in line, where == calls the runtime's
			// memequal: most keys of studies ("obj/000000123") are 8
			// to 16 bytes long.
			if strs.Load64(k) == strs.Load64(key) && strs.Load64(k[n-8:]) == strs.Load64(key[n-8:]) {
				return int(i), h, true
			}
		} else if k == key {
			return int(i), h, true
		}
	}
}

// set makes v the newest version of its key (v.key()), adding the key if
// it is new.
func (x *headIndex) set(v *version) { x.setHashed(v, keyHash(v.key())) }

// setHashed is set for a key whose hash (keyHash) is h.
func (x *headIndex) setHashed(v *version, h uint64) {
	x.gen++
	if len(x.slots) == 0 {
		x.resize(8)
	}
	key := v.key()
	tag := tagOf(h)
	for {
		mask := uint64(len(x.slots) - 1)
		i := h & mask
		for ; x.tags[i] != 0; i = (i + 1) & mask {
			if x.tags[i] == tag && x.slots[i].key() == key {
				x.slots[i] = v
				return
			}
		}
		if 4*(x.n+1) <= 3*len(x.slots) {
			x.slots[i], x.tags[i] = v, tag
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
	x.gen++
	h := keyHash(key)
	mask := uint64(len(x.slots) - 1)
	tag := tagOf(h)
	i := h & mask
	for ; ; i = (i + 1) & mask {
		t := x.tags[i]
		if t == 0 {
			return
		}
		if t == tag && x.slots[i].key() == key {
			break
		}
	}
	// Close the gap: move back each later entry of the run whose home
	// slot is not after the gap, so every key stays reachable from its
	// home without tombstones.
	for j := i; ; {
		j = (j + 1) & mask
		if x.tags[j] == 0 {
			break
		}
		w := x.slots[j]
		if home := keyHash(w.key()) & mask; (j-home)&mask >= (j-i)&mask {
			x.slots[i], x.tags[i] = w, x.tags[j]
			i = j
		}
	}
	x.slots[i], x.tags[i] = nil, 0
	x.n--
}

func (x *headIndex) resize(size int) {
	x.gen++
	old := x.slots
	x.slots, x.tags = make([]*version, size), make([]uint8, size)
	mask := uint64(size - 1)
	for _, v := range old {
		if v == nil {
			continue
		}
		h := keyHash(v.key())
		i := h & mask
		for x.tags[i] != 0 {
			i = (i + 1) & mask
		}
		x.slots[i], x.tags[i] = v, tagOf(h)
	}
}

// The key of a version is kept as a pointer to its bytes and a 16-bit
// length, which fits in the struct's padding.
const _ uint16 = MaxKeyLength

// key returns the key the version belongs to.
func (v *version) key() string { return unsafe.String(v.keyData, int(v.keyLen)) }

// setKey records key, which must stay unchanged (an interned key), as
// the version's.
func (v *version) setKey(key string) {
	v.keyData, v.keyLen = unsafe.StringData(key), uint16(len(key))
	v.flags &^= flagARN | flagETag
}

// shareKey records head's key, the same key's interned bytes, as v's
// (and its ARN with them: flagARN). The ETag after them, if any, is
// head's, not v's.
func (v *version) shareKey(head *version) {
	v.keyData, v.keyLen = head.keyData, head.keyLen
	v.flags = v.flags&^(flagARN|flagETag) | head.flags&flagARN
}
