package region

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nimbus-sim/nimbus/sim"
)

// hostIDsOf lists the IDs of a zone's hosts in pool order.
func hostIDsOf(t *testing.T, w *World, azID string) []string {
	t.Helper()
	hs, err := w.Fleet().Hosts(azID, "")
	require.NoError(t, err)
	ids := make([]string, len(hs))
	for i, h := range hs {
		ids[i] = h.ID
	}
	return ids
}

// TestZonesBuiltOnFirstUse: a zone's hosts are made when first used, with
// the IDs they would have had if every zone had been built up front, so
// the order in which a scenario touches zones changes nothing it can see.
func TestZonesBuiltOnFirstUse(t *testing.T) {
	fresh := newWorld(t, 1, Options{})
	require.Nil(t, fresh.zones, "a new world builds no zone")
	perZone := len(HostTypes()) * DefaultHostsPerAZ
	require.Equal(t, perZone*len(fresh.azs), fresh.Fleet().HostCount(), "unbuilt zones still count")

	// One world walks the zones forwards, the other backwards.
	fwd, back := newWorld(t, 1, Options{}), newWorld(t, 1, Options{})
	azs := fwd.AZs()
	want := map[string][]string{}
	for _, z := range azs {
		want[z.ID()] = hostIDsOf(t, fwd, z.ID())
	}
	for i := len(azs) - 1; i >= 0; i-- {
		require.Equal(t, want[azs[i].ID()], hostIDsOf(t, back, azs[i].ID()), azs[i].ID())
	}
	// Zone z's hosts are the z-th block of the numbering.
	z := azs[7]
	first, err := fwd.parseHostID(want[z.ID()][0])
	require.NoError(t, err)
	require.Equal(t, uint32(z.index*perZone), first)

	// A host ID of a zone nobody touched yet resolves, and builds the zone.
	w := newWorld(t, 1, Options{})
	h, err := w.Fleet().Host(want["euw1-az2"][3])
	require.NoError(t, err)
	require.Equal(t, "euw1-az2", h.AZ)
	require.Equal(t, perZone, countBuilt(w), "one zone built")
	require.NoError(t, w.Faults().FailHost(want["apne1-az4"][0]))
	require.Equal(t, 2*perZone, countBuilt(w))
	got, err := w.Fleet().Host(want["apne1-az4"][0])
	require.NoError(t, err)
	require.True(t, got.Failed)
}

// countBuilt is the number of hosts in built zones.
func countBuilt(w *World) int {
	n := 0
	for _, ps := range w.zones {
		for _, p := range ps {
			if p != nil {
				n += len(p.hosts)
			}
		}
	}
	return n
}

// TestAddHostsToUnbuiltZone: hosts added to a zone not built yet come
// after every zone's starting hosts, as they did when zones were built up
// front, and the zone's own hosts keep their numbers.
func TestAddHostsToUnbuiltZone(t *testing.T) {
	w := newWorld(t, 1, Options{})
	total := w.Fleet().HostCount()
	ids, err := w.Fleet().AddHosts("sae1-az3", "m5", 2)
	require.NoError(t, err)
	require.Equal(t, []string{hostID(uint32(total)), hostID(uint32(total + 1))}, ids)
	require.Equal(t, total+2, w.Fleet().HostCount())
	m5, err := w.Fleet().Hosts("sae1-az3", "m5")
	require.NoError(t, err)
	require.Len(t, m5, DefaultHostsPerAZ+2)
	require.Equal(t, ids[1], m5[len(m5)-1].ID)
	var starting []string
	for _, id := range hostIDsOf(t, w, "sae1-az3") {
		if id != ids[0] && id != ids[1] {
			starting = append(starting, id)
		}
	}
	require.Equal(t, hostIDsOf(t, newWorld(t, 1, Options{}), "sae1-az3"), starting)
}

// TestSharedTablesCopiedOnWrite: worlds share the built-in topology and
// shape table; a shape one world registers is its own.
func TestSharedTablesCopiedOnWrite(t *testing.T) {
	a, b := newWorld(t, 1, Options{}), newWorld(t, 2, Options{})
	require.Same(t, a.topology, b.topology)
	require.Same(t, a.shapeTable, b.shapeTable)
	require.NoError(t, a.Fleet().RegisterShape(Shape{Name: "m5.nano", Family: "m5", VCPUs: 1, MemoryMiB: 256}))
	_, ok := a.Fleet().Shape("m5.nano")
	require.True(t, ok)
	_, ok = b.Fleet().Shape("m5.nano")
	require.False(t, ok, "a shape registered in one world leaked into another")
	require.NotSame(t, a.shapeTable, b.shapeTable)
	base, err := builtinShapeTable()
	require.NoError(t, err)
	require.Len(t, base.shapes, len(Shapes()))

	// A rejected shape leaves the world on the shared table.
	c := newWorld(t, 3, Options{})
	require.Error(t, c.Fleet().RegisterShape(Shape{Name: "m5.large", Family: "m5", VCPUs: 2, MemoryMiB: 8192}))
	require.Same(t, base, c.shapeTable)
}

// TestRegisterShapesMatchesOneByOne: adopting a ShapeSet's shared table
// gives the world exactly what registering its new shapes one by one does.
func TestRegisterShapesMatchesOneByOne(t *testing.T) {
	extra := []Shape{
		{Name: "m5.large", Family: "m5", VCPUs: 2, MemoryMiB: gib(8)}, // known: skipped
		{Name: "m5.metal", Family: "m5", VCPUs: 96, MemoryMiB: gib(384)},
		{Name: "x9.huge", Family: "x9", VCPUs: 8, MemoryMiB: gib(64)}, // no host type: registered, unplaceable
		{Name: "c5.metal", Family: "c5", VCPUs: 96, MemoryMiB: gib(192)},
	}
	set := NewShapeSet(extra)
	shared, single := newWorld(t, 1, Options{}), newWorld(t, 1, Options{})
	require.NoError(t, shared.Fleet().RegisterShapes(set))
	for _, s := range extra {
		if _, known := single.Fleet().Shape(s.Name); !known {
			require.NoError(t, single.Fleet().RegisterShape(s))
		}
	}
	require.Equal(t, single.shapes, shared.shapes)
	require.Equal(t, single.shapeIx, shared.shapeIx)
	require.Equal(t, len(single.shapeTypes), len(shared.shapeTypes))
	for i := range single.shapeTypes {
		require.Equal(t, []uint8(single.shapeTypes[i]), []uint8(shared.shapeTypes[i]), single.shapes[i].Name)
	}
	// A second world adopts the same table, and a later shape of its own
	// does not reach the first.
	other := newWorld(t, 2, Options{})
	require.NoError(t, other.Fleet().RegisterShapes(set))
	require.Same(t, shared.shapeTable, other.shapeTable)
	require.NoError(t, other.Fleet().RegisterShape(Shape{Name: "r5.metal", Family: "r5", VCPUs: 96, MemoryMiB: gib(768)}))
	_, ok := shared.Fleet().Shape("r5.metal")
	require.False(t, ok)

	// A world with its own shapes registers the set one by one.
	own := newWorld(t, 1, Options{Shapes: Shapes()[:3]})
	require.NoError(t, own.Fleet().RegisterShapes(set))
	_, ok = own.Fleet().Shape("c5.metal")
	require.True(t, ok)

	// A bad shape fails where RegisterShape would, keeping those before it.
	bad := NewShapeSet([]Shape{{Name: "m5.metal", Family: "m5", VCPUs: 96, MemoryMiB: gib(384)}, {Name: "bad"}})
	w := newWorld(t, 1, Options{})
	require.ErrorContains(t, w.Fleet().RegisterShapes(bad), "invalid shape")
	_, ok = w.Fleet().Shape("m5.metal")
	require.True(t, ok)
}

// TestLazyStateKeepsDraws: streams taken on first use draw what streams
// taken up front did; a world touched in a different order (other zones,
// a transfer before any placement) still places and measures the same.
func TestLazyStateKeepsDraws(t *testing.T) {
	run := func(warm bool) []any {
		env := sim.New(42)
		defer env.Close()
		w, err := NewWorld(env, Options{})
		require.NoError(t, err)
		if warm {
			for _, z := range w.AZs() {
				_, err := w.Fleet().Hosts(z.ID(), "")
				require.NoError(t, err)
			}
			_, err := w.Network().Latency(InRegion("us-east-1"), InRegion("eu-west-1"))
			require.NoError(t, err)
		}
		var out []any
		for i := range 5 {
			s, err := w.Fleet().Place("use1-az2", "m5.large", PlaceOptions{})
			require.NoError(t, err)
			info, err := w.Fleet().SlotInfo(s)
			require.NoError(t, err)
			from, err := w.AtSlot(s)
			require.NoError(t, err)
			to, err := w.InAZ("use1-az3")
			require.NoError(t, err)
			d, err := w.Network().Latency(from, to)
			require.NoError(t, err)
			out = append(out, info.HostID, d, i)
		}
		return out
	}
	cold := run(false)
	warm := run(true)
	// The warm run drew one cross-region latency first, from another
	// stream: this run's draws are the cold one's.
	require.Equal(t, cold, warm)
}

// TestConcurrentWorlds: worlds built and used on many goroutines at once
// share the built-in tables without a race (run with -race) and stay
// independent.
func TestConcurrentWorlds(t *testing.T) {
	const n = 8
	var wg sync.WaitGroup
	hosts := make([]string, n)
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			env := sim.New(7)
			defer env.Close()
			w, err := NewWorld(env, Options{})
			if err != nil {
				errs[i] = err
				return
			}
			if err := w.Fleet().RegisterShapes(NewShapeSet([]Shape{{Name: "m5.metal", Family: "m5", VCPUs: 96, MemoryMiB: gib(384)}})); err != nil {
				errs[i] = err
				return
			}
			if i%2 == 0 {
				errs[i] = w.Fleet().RegisterShape(Shape{Name: "m5.nano", Family: "m5", VCPUs: 1, MemoryMiB: 256})
			}
			s, err := w.Fleet().Place("usw2-az1", "m5.metal", PlaceOptions{})
			if err != nil {
				errs[i] = err
				return
			}
			info, err := w.Fleet().SlotInfo(s)
			errs[i], hosts[i] = err, info.HostID
		}()
	}
	wg.Wait()
	for i := range n {
		require.NoError(t, errs[i])
		require.Equal(t, hosts[0], hosts[i])
	}
}

// TestOneRegionTopologyShared: a one-region scenario's Options.Regions
// (one spec of Catalog(), unchanged) adopts a topology built once; a
// changed spec builds its own, and Catalog's copies are the caller's.
func TestOneRegionTopologyShared(t *testing.T) {
	one := func(code string) []RegionSpec {
		for _, r := range Catalog() {
			if r.Code == code {
				return []RegionSpec{r}
			}
		}
		t.Fatalf("no region %s", code)
		return nil
	}
	a := newWorld(t, 1, Options{Regions: one("us-east-1")})
	b := newWorld(t, 2, Options{Regions: one("us-east-1")})
	require.Same(t, a.topology, b.topology)
	require.Len(t, a.Regions(), 1)
	require.Len(t, a.Partitions(), 3)
	_, err := a.Region("eu-west-1")
	require.Error(t, err)

	changed := one("us-east-1")
	changed[0].AZIDs = changed[0].AZIDs[:2]
	c := newWorld(t, 1, Options{Regions: changed})
	require.NotSame(t, a.topology, c.topology)
	require.Len(t, c.AZs(), 2)

	// A region alone without its partition's global region is still
	// refused, shared table or not.
	_, err = NewWorld(sim.New(1), Options{Regions: one("eu-west-1")})
	require.ErrorContains(t, err, `global region "us-east-1" is not one of its regions`)

	// Changing a Catalog copy changes neither the next copy nor a world.
	cat := Catalog()
	cat[0].AZIDs[0] = "xxx1-az1"
	cat[1].AZIDs = append(cat[1].AZIDs, "use2-az9")
	fresh := Catalog()
	require.Equal(t, "use1-az1", fresh[0].AZIDs[0])
	require.Equal(t, "use1-az2", fresh[0].AZIDs[1])
	require.Equal(t, "use2-az1", fresh[1].AZIDs[0])
	require.Len(t, fresh[1].AZIDs, 3)
	_, err = newWorld(t, 1, Options{}).AZ("use1-az1")
	require.NoError(t, err)
}
