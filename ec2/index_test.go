package ec2

import (
	"math/rand/v2"
	"testing"

	"github.com/nimbus-sim/nimbus/internal/mix"
	"github.com/stretchr/testify/require"
)

// unSplitMix64 undoes mix.SplitMix64 on any word, so that an instance ID
// leads back to its sequence number.
func TestUnSplitMix64(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, x := range []uint64{0, 1, 2, 1 << 63, ^uint64(0), 0x9e3779b97f4a7c15} {
		require.Equal(t, x, unSplitMix64(mix.SplitMix64(x)), "%#x", x)
	}
	for range 10000 {
		x := r.Uint64()
		require.Equal(t, x, unSplitMix64(mix.SplitMix64(x)), "%#x", x)
	}
	require.Equal(t, uint64(1), 0xbf58476d1ce4e5b9*splitMixInv1)
	require.Equal(t, uint64(1), 0x94d049bb133111eb*splitMixInv2)
}

// The index finds what it holds by ID, not what it forgot or never held,
// keeps launch order through compactions, and gives back its arrays once
// mostly empty.
func TestInstanceIndex(t *testing.T) {
	var x instanceIndex
	mk := func(seq uint64) *Machine {
		m := &Machine{seq: seq}
		_, m.id = instanceARN(testRegion, testAccount, seq)
		return m
	}
	var ms []*Machine
	for seq := uint64(3); seq < 3+3*1000; seq += 3 { // other resources take the seqs between
		m := mk(seq)
		x.add(m)
		ms = append(ms, m)
	}
	require.Equal(t, 1000, x.len())
	require.Panics(t, func() { x.add(mk(5)) })
	for _, m := range ms {
		got, ok := x.get(m.id)
		require.True(t, ok)
		require.Same(t, m, got)
	}
	_, ok := x.get(mk(4).id) // a sequence number no instance took
	require.False(t, ok)

	// Forget all but every tenth, oldest first, as an hour on does.
	for i, m := range ms {
		if i%10 != 0 {
			x.remove(m)
			_, ok := x.get(m.id)
			require.False(t, ok)
		}
	}
	require.Equal(t, 100, x.len())
	require.Less(t, cap(x.ms), 1000, "arrays given back")
	var order []*Machine
	x.all(func(m *Machine) { order = append(order, m) })
	require.Len(t, order, 100)
	for i, m := range order {
		require.Same(t, ms[10*i], m)
		got, ok := x.get(m.id)
		require.True(t, ok)
		require.Same(t, m, got)
	}
	x.remove(ms[1]) // forgotten already: nothing changes
	require.Equal(t, 100, x.len())
	x.add(mk(10_000))
	require.Equal(t, 101, x.len())
}
