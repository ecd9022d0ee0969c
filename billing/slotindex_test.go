package billing

import (
	"fmt"
	"reflect"
	"testing"
	"time"

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
	require.Equal(t, len(us), led.index.n)
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

// TestStartStopTimedAllocatesNothingInSteadyState: a meter started and
// stopped again on a key already seen (an instance stopped and started)
// reuses its slot and its meter: no allocation.
func TestStartStopTimedAllocatesNothingInSteadyState(t *testing.T) {
	env := sim.New(1)
	defer env.Close()
	led := New(env, nil)
	u := instance("i-0123", "m5.large")
	for range 2 {
		id, err := led.StartTimed(u, PerSecond60)
		require.NoError(t, err)
		require.NoError(t, led.StopTimed(id, StopOptions{}))
	}
	allocs := testing.AllocsPerRun(100, func() {
		id, err := led.StartTimed(u, PerSecond60)
		if err != nil {
			panic(err)
		}
		if err := led.StopTimed(id, StopOptions{}); err != nil {
			panic(err)
		}
	})
	require.Zero(t, allocs)
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

// TestInvoiceAllocations: an invoice of a fleet's usage — stopped and
// running meters, a volume, request records, one month, no free tier —
// allocates its invoice, lines and charges once each, and per line only
// the two amounts (a block each: it was nine allocations a line); stopping
// a meter allocates nothing.
func TestInvoiceAllocations(t *testing.T) {
	env := sim.New(1)
	defer env.Close()
	led := New(env, nil, WithDefaultPlan(PlanNone))
	const n = 12
	var ids []MeterID
	for i := range n {
		ids = append(ids, mustStart(t, led, instance(fmt.Sprintf("i-%02d", i), "m5.large"), PerSecond60))
		vol := Usage{Account: acct, Service: "AmazonEC2", UsageType: "EBS:VolumeUsage.gp3", Operation: "CreateVolume",
			Region: "us-east-1", AZ: "use1-az1", ResourceID: fmt.Sprintf("vol-%02d", i), Quantity: 8}
		ids = append(ids, mustStart(t, led, vol, PerSecond60))
	}
	for _, u := range benchUsages(6, false) {
		require.NoError(t, led.Record(u))
	}
	env.RunFor(90 * time.Minute)
	stopped := 0 // half the meters stop, half run on
	stops := testing.AllocsPerRun(n-1, func() {
		require.NoError(t, led.StopTimed(ids[stopped], StopOptions{}))
		stopped++
	})
	require.Zero(t, stops)
	env.RunFor(time.Hour)
	inv := led.Invoice(acct, jan2026)
	require.Len(t, inv.Lines, 2*n+6)
	allocs := testing.AllocsPerRun(20, func() { _ = led.Invoice(acct, jan2026) })
	// Besides the amounts: the invoice, its lines, the charges and their
	// index (a map past 16 charges), a few scratch values.
	require.LessOrEqual(t, allocs, float64(2*len(inv.Lines)+20), "per line: two amounts")
}
