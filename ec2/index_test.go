package ec2

import (
	"testing"

	"github.com/stretchr/testify/require"
)

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
