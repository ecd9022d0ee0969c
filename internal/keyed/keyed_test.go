package keyed

import (
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

type item struct{ k, v int }

func (i *item) Key() int { return i.k }

// TestListActsAsAMap (rapid): adds of fresh keys, with finds of present
// and absent keys between them, answer as a map does, below and past
// ScanMax, with and without room; All keeps the order of the adds.
func TestListActsAsAMap(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		var l List[int, *item]
		if rapid.Bool().Draw(rt, "room") {
			var room [2]*item
			l.Room(room[:])
		}
		want := map[int]*item{}
		var order []*item
		for range rapid.IntRange(0, 3*ScanMax).Draw(rt, "n") {
			k := rapid.IntRange(0, 40).Draw(rt, "k")
			if _, ok := want[k]; !ok {
				it := &item{k, len(order)}
				l.Add(it)
				want[k] = it
				order = append(order, it)
			}
			q := rapid.IntRange(0, 40).Draw(rt, "q")
			got, ok := l.Find(q)
			w, wok := want[q]
			require.Equal(rt, wok, ok, "find %d", q)
			require.Same(rt, w, got, "find %d", q)
		}
		require.Equal(rt, order, l.All())
		require.Equal(rt, len(order) > ScanMax, l.index != nil)
	})
}
