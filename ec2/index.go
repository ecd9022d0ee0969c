package ec2

import (
	"slices"

	"github.com/nimbus-sim/nimbus/internal/mix"
)

// instanceIndex finds instances by ID: every instance launched in the last
// TerminatedVisible and more (a terminated instance stays describable for
// an hour), so a fleet churning instances keeps thousands. A map grew,
// rehashed and missed the cache on every launch and lookup; the index is
// instead two slices in launch order, which is sequence order, appended
// to at each launch and searched by the sequence number an ID encodes
// (the ID renders SplitMix64 of it, which mix.UnSplitMix64 inverts).
type instanceIndex struct {
	seqs []uint64   // ascending: machines are added in launch order
	ms   []*Machine // ms[i] is the machine of seqs[i]; nil once forgotten
	dead int        // nil entries of ms
	// last is the machine found or added last, while indexed: a call on
	// an instance looks it up twice (its ARN for the pipeline, then the
	// machine), and a workload acts on the instance it just launched.
	last *Machine
}

// add indexes a newly launched machine, whose sequence number is above
// every indexed one.
func (x *instanceIndex) add(m *Machine) {
	if n := len(x.seqs); n > 0 && x.seqs[n-1] >= m.seq {
		panic("ec2: instance index: machines must be added in launch order")
	}
	x.seqs = appendDoubling(x.seqs, m.seq)
	x.ms = appendDoubling(x.ms, m)
	x.last = m
}

// appendDoubling is append that doubles a full slice's capacity: the
// index and the forget queue grow to an hour of launches (tens of
// thousands of entries) and are then reused, and append's quarter steps
// past 256 entries copied and allocated some five times their final
// size on the way there (about 140 bytes a launch in a benchmark's first
// simulated hours).
func appendDoubling[T any](s []T, v T) []T {
	if len(s) == cap(s) {
		s = slices.Grow(s, max(len(s), 16))
	}
	return append(s, v)
}

// at returns the position of the indexed machine of sequence number seq,
// or -1.
func (x *instanceIndex) at(seq uint64) int {
	i, ok := slices.BinarySearch(x.seqs, seq)
	if !ok || x.ms[i] == nil {
		return -1
	}
	return i
}

// lastWith returns the machine found or added last if it has the given
// ID.
func (x *instanceIndex) lastWith(id string) (*Machine, bool) {
	if m := x.last; m != nil && m.id == id {
		return m, true
	}
	return nil, false
}

// get returns the indexed machine with the given ID.
func (x *instanceIndex) get(id string) (*Machine, bool) {
	if m, ok := x.lastWith(id); ok {
		return m, true
	}
	k, ok := instanceKey(id)
	if !ok {
		return nil, false
	}
	i := x.at(mix.UnSplitMix64(k))
	if i < 0 {
		return nil, false
	}
	x.last = x.ms[i]
	return x.last, true
}

// remove forgets m. The slices are compacted once half their entries
// are forgotten (terminated instances are forgotten roughly in launch
// order, an hour on), and given back once mostly empty.
func (x *instanceIndex) remove(m *Machine) {
	i := x.at(m.seq)
	if i < 0 || x.ms[i] != m {
		return
	}
	x.ms[i] = nil
	x.dead++
	if x.last == m {
		x.last = nil
	}
	if x.dead < 32 || 2*x.dead < len(x.ms) {
		return
	}
	j := 0
	for i, m := range x.ms {
		if m != nil {
			x.ms[j], x.seqs[j] = m, x.seqs[i]
			j++
		}
	}
	clear(x.ms[j:])
	x.ms, x.seqs, x.dead = x.ms[:j], x.seqs[:j], 0
	if cap(x.ms) > 64 && 4*j < cap(x.ms) {
		x.ms, x.seqs = slices.Clone(x.ms), slices.Clone(x.seqs)
	}
}

// len returns the number of indexed machines.
func (x *instanceIndex) len() int { return len(x.ms) - x.dead }

// all returns the indexed machines in launch order; fn must not change
// the index.
func (x *instanceIndex) all(fn func(m *Machine)) {
	for _, m := range x.ms {
		if m != nil {
			fn(m)
		}
	}
}
