package vpc

import (
	"cmp"
	"net/netip"
	"slices"
)

// lpm answers longest-prefix-match lookups over IPv4 prefixes. The
// prefixes of a route table are nested or disjoint, so they cut the
// address space into at most 2n+1 intervals each owned by one most
// specific prefix; lookup is a binary search over the interval starts
// (11 probes for 1,000 routes, no allocation). Tables change rarely and
// are rebuilt in O(n log n) on change.
type lpm struct {
	starts []uint32
	vals   []int32 // route index, or -1 for no route
}

type lpmEntry struct {
	p   netip.Prefix
	val int32
}

// build replaces the table's contents. Entries with equal prefixes must
// have been resolved by the caller (route priority).
func (t *lpm) build(es []lpmEntry) {
	slices.SortFunc(es, func(a, b lpmEntry) int {
		if c := cmp.Compare(addrU32(a.p.Addr()), addrU32(b.p.Addr())); c != 0 {
			return c
		}
		return cmp.Compare(a.p.Bits(), b.p.Bits())
	})
	t.starts, t.vals = t.starts[:0], t.vals[:0]
	set := func(at uint64, v int32) {
		if at > 0xFFFFFFFF {
			return
		}
		if n := len(t.starts); n > 0 && uint64(t.starts[n-1]) == at {
			t.vals[n-1] = v
			return
		}
		t.starts = append(t.starts, uint32(at))
		t.vals = append(t.vals, v)
	}
	type open struct {
		end uint64
		val int32
	}
	var stack []open
	top := func() int32 {
		if len(stack) == 0 {
			return -1
		}
		return stack[len(stack)-1].val
	}
	set(0, -1)
	pop := func() {
		e := stack[len(stack)-1].end
		stack = stack[:len(stack)-1]
		set(e+1, top())
	}
	for _, e := range es {
		s := uint64(addrU32(e.p.Addr()))
		for len(stack) > 0 && stack[len(stack)-1].end < s {
			pop()
		}
		set(s, e.val)
		stack = append(stack, open{end: s + 1<<(32-e.p.Bits()) - 1, val: e.val})
	}
	for len(stack) > 0 {
		pop()
	}
	// Merge neighbours with the same value.
	w := 0
	for i := range t.starts {
		if w > 0 && t.vals[w-1] == t.vals[i] {
			continue
		}
		t.starts[w], t.vals[w] = t.starts[i], t.vals[i]
		w++
	}
	t.starts, t.vals = t.starts[:w], t.vals[:w]
}

// lookup returns the value of the longest prefix containing a, or -1.
func (t *lpm) lookup(a uint32) int32 {
	lo, hi := 0, len(t.starts)
	for lo < hi { // first start > a
		m := int(uint(lo+hi) >> 1)
		if t.starts[m] <= a {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo == 0 {
		return -1
	}
	return t.vals[lo-1]
}
