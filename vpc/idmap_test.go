package vpc

import (
	"maps"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestIDMapActsAsAMap: an idMap answers as the map it stands for, whether
// a record sits in its slot or in its map, through puts, overwrites and
// deletes in any order.
func TestIDMapActsAsAMap(t *testing.T) {
	var m idMap[*int]
	want := map[string]*int{}
	check := func() {
		t.Helper()
		for _, id := range []string{"", "a", "b", "c", "d"} {
			require.Equal(t, want[id], m.get(id), id)
		}
		require.Equal(t, slices.Sorted(maps.Keys(want)), m.sortedIDs())
		var got []*int
		for v := range m.all() {
			got = append(got, v)
		}
		require.ElementsMatch(t, slices.Collect(maps.Values(want)), got)
	}
	v := func(n int) *int { return &n }
	for _, op := range []struct {
		id  string
		val *int // nil: delete
	}{{"b", v(1)}, {"a", v(2)}, {"c", v(3)}, {"b", v(4)}, {"b", nil}, {"d", v(5)}, {"a", v(6)}, {"a", nil}, {"x", nil}, {"b", v(7)}} {
		if op.val == nil {
			m.del(op.id)
			delete(want, op.id)
		} else {
			m.put(op.id, op.val)
			want[op.id] = op.val
		}
		check()
	}
}
