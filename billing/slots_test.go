package billing

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/nimbus-sim/nimbus/sim"
	"github.com/stretchr/testify/require"
)

// TestSlotIndexResolvesCollidingHashes fills an index whose keys all share
// one hash, so every probe walks past the others' tags, and checks that
// each key still finds its own slot across the table's doublings, and that
// a key never inserted is not found.
func TestSlotIndexResolvesCollidingHashes(t *testing.T) {
	env := sim.New(1)
	defer env.Close()
	led := New(env, nil)
	us := benchUsages(300, false)
	for _, u := range us {
		require.NoError(t, led.Record(u))
	}
	keyOf := func(u Usage) lineKey {
		d, err := led.dimsOf(&u)
		require.NoError(t, err)
		return lineKey{slotKey: slotKey{dims: d, month: led.monthOf(0)}, resource: u.ResourceID}
	}
	want := map[string]int32{}
	for _, u := range us {
		k := keyOf(u)
		i, ok := led.lookup(&k, led.keyHash(&k))
		require.True(t, ok, u.ResourceID)
		want[u.ResourceID] = i
	}
	const h = 0xDEADBEEF_00000000
	led.index = slotIndex{}
	for _, u := range us {
		led.index.insert(h, want[u.ResourceID])
	}
	require.Equal(t, len(us), int(led.index.n))
	require.GreaterOrEqual(t, len(led.index.tab), 2*len(us))
	for _, u := range us {
		k := keyOf(u)
		i, ok := led.lookup(&k, h)
		require.True(t, ok, u.ResourceID)
		require.Equal(t, want[u.ResourceID], i, u.ResourceID)
	}
	missing := keyOf(us[0])
	missing.resource = fmt.Sprintf("bucket-%04d", len(us))
	_, ok := led.lookup(&missing, h)
	require.False(t, ok)
	missing = keyOf(us[0])
	missing.month++
	_, ok = led.lookup(&missing, h)
	require.False(t, ok)
}

// TestSlotHoldsNoPointers: slots hold no pointer, so the collector never
// scans the slot store (its resources are kept apart); a field with one
// would make every chunk scanned again at each cycle.
func TestSlotHoldsNoPointers(t *testing.T) {
	var check func(reflect.Type, string)
	check = func(ty reflect.Type, path string) {
		switch ty.Kind() {
		case reflect.Struct:
			for i := range ty.NumField() {
				check(ty.Field(i).Type, path+"."+ty.Field(i).Name)
			}
		case reflect.Array:
			check(ty.Elem(), path+"[]")
		case reflect.Pointer, reflect.Slice, reflect.Map, reflect.String, reflect.Interface, reflect.Func, reflect.Chan, reflect.UnsafePointer:
			t.Errorf("%s is a %v", path, ty.Kind())
		}
	}
	check(reflect.TypeFor[slot](), "slot")
	require.LessOrEqual(t, reflect.TypeFor[slot]().Size(), uintptr(80))
}
