package region

import (
	"errors"
	"fmt"
	"sort"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/nimbus-sim/nimbus/internal/awserr"
)

func mustPlace(t testing.TB, w *World, az, typ string, o PlaceOptions) Slot {
	t.Helper()
	s, err := w.Fleet().Place(az, typ, o)
	if err != nil {
		t.Fatalf("Place(%s, %s): %v", az, typ, err)
	}
	return s
}

// TestFragmentationInsufficientCapacity: two m5 hosts each hold two
// m5.8xlarge (16 cores on each socket), leaving 8 free cores per socket:
// 32 free cores (64 vCPUs) in the zone, yet an m5.12xlarge (24 cores, one
// whole socket) fits nowhere.
func TestFragmentationInsufficientCapacity(t *testing.T) {
	w := newWorld(t, 1, Options{HostsPerAZ: map[string]int{"m5": 2}})
	for range 4 {
		mustPlace(t, w, "use1-az1", "m5.8xlarge", PlaceOptions{})
	}
	free, _ := w.Fleet().FreeCapacity("use1-az1", "m5")
	if free.VCPUs < 48 || free.Cores != 32 {
		t.Fatalf("free capacity %+v, want 32 cores", free)
	}
	_, err := w.Fleet().Place("use1-az1", "m5.12xlarge", PlaceOptions{})
	if !errors.Is(err, ErrInsufficientInstanceCapacity) {
		t.Fatalf("m5.12xlarge with %d free vCPUs spread over hosts: got %v, want InsufficientInstanceCapacity", free.VCPUs, err)
	}
	var ae *awserr.Error
	if !errors.As(err, &ae) || ae.StatusCode != 500 || !ae.Retryable {
		t.Fatalf("error shape %#v", err)
	}
	// Smaller sizes still fit in the holes.
	mustPlace(t, w, "use1-az1", "m5.4xlarge", PlaceOptions{})
}

func TestUnsupportedAndUnknownTypes(t *testing.T) {
	w := newWorld(t, 1, Options{HostsPerAZ: map[string]int{"m5": 1}})
	if _, err := w.Fleet().Place("use1-az1", "c5.large", PlaceOptions{}); !errors.Is(err, ErrUnsupported) {
		t.Errorf("c5 in an m5-only zone: %v", err)
	}
	if _, err := w.Fleet().Place("use1-az1", "m9.huge", PlaceOptions{}); err == nil {
		t.Error("unknown type accepted")
	}
	if _, err := w.Fleet().Place("use1-az9", "m5.large", PlaceOptions{}); err == nil {
		t.Error("unknown zone accepted")
	}
	// An out-of-range policy is the caller's mistake, not a request for
	// the default: it is refused and nothing is placed.
	if _, err := w.Fleet().Place("use1-az1", "m5.large", PlaceOptions{Policy: WorstFit + 1}); !errors.Is(err, awserr.Code("InvalidParameterValue")) {
		t.Errorf("invalid policy: %v", err)
	}
	if w.Fleet().Running() != 0 {
		t.Errorf("%d placed after refused calls", w.Fleet().Running())
	}
}

// TestBestFitPacksTightest: best fit fills a partly used host before an
// empty one; worst fit spreads; first fit takes pool order.
func TestPoliciesChooseHosts(t *testing.T) {
	w := newWorld(t, 1, Options{HostsPerAZ: map[string]int{"m5": 3}})
	a := mustPlace(t, w, "use1-az1", "m5.large", PlaceOptions{})
	ia, _ := w.Fleet().SlotInfo(a)
	b := mustPlace(t, w, "use1-az1", "m5.large", PlaceOptions{})
	ib, _ := w.Fleet().SlotInfo(b)
	if ia.HostID != ib.HostID {
		t.Errorf("best fit put the second instance on %s, not next to the first on %s", ib.HostID, ia.HostID)
	}
	c := mustPlace(t, w, "use1-az1", "m5.large", PlaceOptions{Policy: WorstFit})
	ic, _ := w.Fleet().SlotInfo(c)
	if ic.HostID == ia.HostID {
		t.Errorf("worst fit chose the used host %s", ic.HostID)
	}
	d := mustPlace(t, w, "use1-az1", "m5.large", PlaceOptions{Policy: FirstFit})
	id, _ := w.Fleet().SlotInfo(d)
	hs, _ := w.Fleet().Hosts("use1-az1", "m5")
	if id.HostID != hs[0].ID {
		t.Errorf("first fit chose %s, want the first host %s", id.HostID, hs[0].ID)
	}
}

func TestReleaseAndStaleSlots(t *testing.T) {
	w := newWorld(t, 1, Options{HostsPerAZ: map[string]int{"c5": 1}})
	var slots []Slot
	for range 36 {
		slots = append(slots, mustPlace(t, w, "use1-az1", "c5.large", PlaceOptions{}))
	}
	if _, err := w.Fleet().Place("use1-az1", "c5.large", PlaceOptions{}); !errors.Is(err, ErrInsufficientInstanceCapacity) {
		t.Fatalf("37th c5.large: %v", err)
	}
	if err := w.Fleet().Release(slots[5]); err != nil {
		t.Fatal(err)
	}
	if err := w.Fleet().Release(slots[5]); !errors.Is(err, ErrSlotNotFound) {
		t.Fatalf("double release: %v", err)
	}
	again := mustPlace(t, w, "use1-az1", "c5.large", PlaceOptions{})
	if again == slots[5] {
		t.Fatal("reused storage gave an equal handle; stale handles would alias")
	}
	if _, err := w.Fleet().SlotInfo(slots[5]); err == nil {
		t.Fatal("stale slot still resolves")
	}
	if err := w.Fleet().Release(0); err == nil {
		t.Fatal("zero slot released")
	}
}

func TestHostFailureNotifiesObservers(t *testing.T) {
	w := newWorld(t, 1, Options{HostsPerAZ: map[string]int{"m5": 2}})
	var events []HostEvent
	w.Fleet().OnHostEvent(func(e HostEvent) { events = append(events, e) })
	s1 := mustPlace(t, w, "use1-az1", "m5.large", PlaceOptions{Owner: 11})
	s2 := mustPlace(t, w, "use1-az1", "m5.xlarge", PlaceOptions{Owner: 22})
	info, _ := w.Fleet().SlotInfo(s1)
	if err := w.Faults().FailHost(info.HostID); err != nil {
		t.Fatal(err)
	}
	if len(events) != 1 || !events[0].Failed || len(events[0].Slots) != 2 {
		t.Fatalf("events %+v", events)
	}
	owners := []uint64{events[0].Slots[0].Owner, events[0].Slots[1].Owner}
	sort.Slice(owners, func(i, j int) bool { return owners[i] < owners[j] })
	if owners[0] != 11 || owners[1] != 22 {
		t.Errorf("owners %v", owners)
	}
	if _, err := w.Fleet().SlotInfo(s2); err == nil {
		t.Error("slot on failed host still placed")
	}
	if w.Fleet().Running() != 0 {
		t.Errorf("running %d", w.Fleet().Running())
	}
	// The failed host takes nothing; the other one does.
	for range 48 {
		s := mustPlace(t, w, "use1-az1", "m5.large", PlaceOptions{})
		if si, _ := w.Fleet().SlotInfo(s); si.HostID == info.HostID {
			t.Fatal("placed on a failed host")
		}
	}
	if _, err := w.Fleet().Place("use1-az1", "m5.large", PlaceOptions{}); !errors.Is(err, ErrInsufficientInstanceCapacity) {
		t.Fatal("failed host still counted")
	}
	if err := w.Faults().RepairHost(info.HostID); err != nil {
		t.Fatal(err)
	}
	mustPlace(t, w, "use1-az1", "m5.large", PlaceOptions{})
	if len(events) != 2 || events[1].Failed {
		t.Errorf("repair event missing: %+v", events)
	}
	if err := w.Faults().FailHost("h-bogus"); !errors.Is(err, ErrInvalidHostID) {
		t.Errorf("bad host ID: %v", err)
	}
}

func TestFailAZ(t *testing.T) {
	w := newWorld(t, 1, Options{HostsPerAZ: map[string]int{"m5": 2}})
	lost := 0
	w.Fleet().OnHostEvent(func(e HostEvent) { lost += len(e.Slots) })
	for range 5 {
		mustPlace(t, w, "use1-az1", "m5.large", PlaceOptions{})
	}
	mustPlace(t, w, "use1-az2", "m5.large", PlaceOptions{})
	if w.Faults().AnyAZDown() || w.Faults().AZDown("use1-az1") {
		t.Error("a zone is dark before FailAZ")
	}
	if err := w.Faults().FailAZ("use1-az1"); err != nil {
		t.Fatal(err)
	}
	if !w.Faults().AnyAZDown() || !w.Faults().AZDown("use1-az1") || w.Faults().AZDown("use1-az2") {
		t.Errorf("after FailAZ(use1-az1): AnyAZDown %v, AZDown az1 %v, az2 %v",
			w.Faults().AnyAZDown(), w.Faults().AZDown("use1-az1"), w.Faults().AZDown("use1-az2"))
	}
	if lost != 5 || w.Fleet().Running() != 1 {
		t.Errorf("lost %d, running %d", lost, w.Fleet().Running())
	}
	if _, err := w.Fleet().Place("use1-az1", "m5.large", PlaceOptions{}); !errors.Is(err, ErrInsufficientInstanceCapacity) {
		t.Errorf("launch into a dark zone: %v", err)
	}
	loc, _ := w.InAZ("use1-az1")
	if _, err := w.Network().Latency(InRegion("us-east-1"), loc); !errors.Is(err, ErrUnreachable) {
		t.Errorf("dark zone reachable: %v", err)
	}
	// A host that failed on its own stays down when its zone returns.
	hs, _ := w.Fleet().Hosts("use1-az1", "m5")
	w.Faults().FailHost(hs[0].ID)
	if err := w.Faults().RestoreAZ("use1-az1"); err != nil {
		t.Fatal(err)
	}
	if w.Faults().AnyAZDown() {
		t.Error("AnyAZDown after the only dark zone was restored")
	}
	if h, _ := w.Fleet().Host(hs[0].ID); !h.Failed {
		t.Error("independently failed host came back with its zone")
	}
	if h, _ := w.Fleet().Host(hs[1].ID); h.Failed {
		t.Error("zone restored but its host is down")
	}
	mustPlace(t, w, "use1-az1", "m5.large", PlaceOptions{})
}

func TestPlacementGroups(t *testing.T) {
	w := newWorld(t, 1, Options{HostsPerAZ: map[string]int{"m5": 8}, RackSize: 2})
	// Spread: each instance on its own rack (4 racks of 2 hosts).
	sp, _ := w.Fleet().NewPlacementGroup("spread", Spread, 0)
	racks := map[int]bool{}
	var spSlots []Slot
	for range 4 {
		s := mustPlace(t, w, "use1-az1", "m5.large", PlaceOptions{Group: sp})
		spSlots = append(spSlots, s)
		si, _ := w.Fleet().SlotInfo(s)
		h, _ := w.Fleet().Host(si.HostID)
		if racks[h.Rack] {
			t.Fatalf("spread group reused rack %d", h.Rack)
		}
		racks[h.Rack] = true
	}
	if _, err := w.Fleet().Place("use1-az1", "m5.large", PlaceOptions{Group: sp}); !errors.Is(err, ErrInsufficientInstanceCapacity) {
		t.Fatalf("fifth spread instance with four racks: %v", err)
	}
	if err := sp.Delete(); err == nil {
		t.Fatal("deleted a group in use")
	}
	w.Fleet().Release(spSlots[0])
	mustPlace(t, w, "use1-az1", "m5.large", PlaceOptions{Group: sp})

	// Cluster: all in the anchor rack; the third m5.24xlarge fails even
	// though six other hosts are empty.
	w = newWorld(t, 1, Options{HostsPerAZ: map[string]int{"m5": 8}, RackSize: 2})
	cl, _ := w.Fleet().NewPlacementGroup("cluster", Cluster, 0)
	var rack = -1
	for i := range 2 {
		s := mustPlace(t, w, "use1-az1", "m5.24xlarge", PlaceOptions{Group: cl})
		si, _ := w.Fleet().SlotInfo(s)
		h, _ := w.Fleet().Host(si.HostID)
		if i == 0 {
			rack = h.Rack
		} else if h.Rack != rack {
			t.Fatalf("cluster member on rack %d, anchor %d", h.Rack, rack)
		}
	}
	if _, err := w.Fleet().Place("use1-az1", "m5.24xlarge", PlaceOptions{Group: cl}); !errors.Is(err, ErrInsufficientInstanceCapacity) {
		t.Fatalf("cluster overflow: %v", err)
	}
	if _, err := w.Fleet().Place("use1-az2", "m5.large", PlaceOptions{Group: cl}); !errors.Is(err, awserr.Code("InvalidPlacementGroup.InUse")) {
		t.Fatalf("cluster group spanning zones: %v", err)
	}

	// Partition: partitions never share a rack.
	pg, _ := w.Fleet().NewPlacementGroup("part", PartitionStrategy, 2)
	rackPart := map[int]int{}
	for i := range 6 {
		part := i%2 + 1
		s, err := w.Fleet().Place("use1-az2", "m5.xlarge", PlaceOptions{Group: pg, Partition: part})
		if err != nil {
			t.Fatal(err)
		}
		si, _ := w.Fleet().SlotInfo(s)
		h, _ := w.Fleet().Host(si.HostID)
		if p, ok := rackPart[h.Rack]; ok && p != part {
			t.Fatalf("rack %d holds partitions %d and %d", h.Rack, p, part)
		}
		rackPart[h.Rack] = part
	}
	if _, err := w.Fleet().NewPlacementGroup("p", PartitionStrategy, 8); err == nil {
		t.Fatal("8 partitions accepted")
	}
	if _, err := w.Fleet().Place("use1-az2", "m5.large", PlaceOptions{Group: pg, Partition: 3}); err == nil {
		t.Fatal("partition 3 of 2 accepted")
	}
}

func TestDedicatedHostPlacement(t *testing.T) {
	w := newWorld(t, 1, Options{HostsPerAZ: map[string]int{"m5": 2, "c5": 1}})
	hs, _ := w.Fleet().Hosts("use1-az1", "m5")
	target := hs[1].ID
	for range 6 {
		s := mustPlace(t, w, "use1-az1", "m5.4xlarge", PlaceOptions{Host: target})
		if si, _ := w.Fleet().SlotInfo(s); si.HostID != target {
			t.Fatalf("placed on %s, asked %s", si.HostID, target)
		}
	}
	if _, err := w.Fleet().Place("use1-az1", "m5.4xlarge", PlaceOptions{Host: target}); err == nil {
		t.Fatal("seventh m5.4xlarge on one host accepted")
	}
	c5, _ := w.Fleet().Hosts("use1-az1", "c5")
	if _, err := w.Fleet().Place("use1-az1", "m5.large", PlaceOptions{Host: c5[0].ID}); err == nil {
		t.Fatal("m5 on a c5 host accepted")
	}
}

func TestBackgroundTenantsReachLittleLaw(t *testing.T) {
	// 60 arrivals/h of t3 sizes, 2 h mean lifetime: about 120 tenants in
	// steady state on 4 t3 hosts (768 slots). Seed 3; tolerance 25%.
	w := newWorld(t, 3, Options{HostsPerAZ: map[string]int{"t3": 4}})
	if err := w.Fleet().StartBackground("use1-az1", "t3", BackgroundDemand{ArrivalsPerHour: 60, MeanLifetime: 2 * time.Hour}); err != nil {
		t.Fatal(err)
	}
	env := w.Env()
	var sum, n float64
	for h := 1; h <= 200; h++ {
		env.RunUntil(env.Now().Add(time.Hour))
		if h > 20 {
			sum += float64(w.Fleet().Running())
			n++
		}
	}
	mean := sum / n
	if mean < 90 || mean > 150 {
		t.Errorf("mean background tenants %.1f, want about 120", mean)
	}
	st, _ := w.Fleet().Background("use1-az1", "t3")
	if st.Launched-st.Departed != w.Fleet().Running() || st.Rejected != 0 {
		t.Errorf("stats %+v vs running %d", st, w.Fleet().Running())
	}
	w.Fleet().StopBackground("use1-az1", "t3")
	env.RunUntil(env.Now().Add(100 * time.Hour))
	if w.Fleet().Running() != 0 {
		t.Errorf("%d tenants left 50 lifetimes after stop", w.Fleet().Running())
	}
	if err := w.Fleet().StartBackground("use1-az1", "t3", BackgroundDemand{ArrivalsPerHour: 1, MeanLifetime: time.Hour,
		Mix: map[string]float64{"m5.large": 1}}); err == nil {
		t.Error("m5 mix on t3 hosts accepted")
	}
}

// checkInvariants recomputes every host's usage from the live slots and
// compares it with the host records and the free-capacity index.
func checkInvariants(w *World) error {
	type use struct {
		cores             [maxSockets]int
		mem, vcpu, gpu, n int
	}
	uses := make([]use, len(w.hosts))
	seen := 0
	for i := range w.slots {
		sl := &w.slots[i]
		if !sl.live() {
			continue
		}
		seen++
		s := w.shapes[sl.shape]
		u := &uses[sl.host]
		for k, c := range w.allocOf(sl) {
			u.cores[k] += int(c)
		}
		u.mem += s.MemoryMiB
		u.vcpu += s.VCPUs
		u.gpu += s.GPUs
		u.n++
		if w.hosts[sl.host].failed != 0 {
			return fmt.Errorf("slot %d on failed host", i)
		}
	}
	if seen != w.running {
		return fmt.Errorf("running %d, live slots %d", w.running, seen)
	}
	listed := 0
	for hi := range w.hosts {
		h := &w.hosts[hi]
		if hi < w.layout.perZone*len(w.azs) && w.zones[hi/w.layout.perZone] == nil {
			continue // a zone not built yet: no slots can be there (listed == seen below)
		}
		ht := w.hostTypes[h.typ]
		u := uses[hi]
		for k := 0; k < ht.Sockets; k++ {
			if u.cores[k] > ht.CoresPerSocket || int(h.free[k]) != ht.CoresPerSocket-u.cores[k] {
				return fmt.Errorf("host %d socket %d: used %d, free %d", hi, k, u.cores[k], h.free[k])
			}
		}
		if u.mem > ht.MemoryMiB || u.vcpu > ht.VCPUs || u.gpu > ht.GPUs || (ht.MaxInstances > 0 && u.n > ht.MaxInstances) {
			return fmt.Errorf("host %d over capacity: %+v", hi, u)
		}
		if int(h.memFree) != ht.MemoryMiB-u.mem || int(h.vcpuFree) != ht.VCPUs-u.vcpu ||
			int(h.gpuFree) != ht.GPUs-u.gpu || int(h.nInst) != u.n {
			return fmt.Errorf("host %d record disagrees with its slots", hi)
		}
		n := 0
		for i := h.head; i != noSlot; i = w.slots[i].next {
			if !w.slots[i].live() || w.slots[i].host != uint32(hi) {
				return fmt.Errorf("host %d lists slot %d that is not its own", hi, i)
			}
			n++
		}
		if n != u.n {
			return fmt.Errorf("host %d lists %d slots, holds %d", hi, n, u.n)
		}
		listed += n
	}
	if listed != seen {
		return fmt.Errorf("%d slots listed on hosts, %d live", listed, seen)
	}
	for _, p := range w.pools {
		if p == nil {
			continue // its zone is not built yet
		}
		var want []uint64
		for _, hi := range p.hosts {
			if w.hosts[hi].failed == 0 {
				want = append(want, w.keyOf(hi))
			}
		}
		sort.Slice(want, func(i, j int) bool { return want[i] < want[j] })
		var got []uint64
		w.tree(p).Ascend(func(k uint64) bool { got = append(got, k); return true })
		if fmt.Sprint(got) != fmt.Sprint(want) {
			return fmt.Errorf("pool %d index %v, recomputed %v", p.idx, got, want)
		}
	}
	return nil
}

// TestPackingInvariants (rapid): under random launches, releases, host
// and zone failures and repairs, no host is ever over capacity in any dimension,
// every running instance is on exactly one host, and the free-capacity
// index equals a recomputation.
func TestPackingInvariants(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		w := newWorld(t, rapid.Uint64().Draw(rt, "seed"), Options{
			Regions:    []RegionSpec{{Code: "us-east-1", Name: "x", Partition: "aws", AZIDs: []string{"use1-az1", "use1-az2"}}},
			HostsPerAZ: map[string]int{"m5": 3, "t3": 2, "p3": 2, "c5": 2, "c5.cascadelake": 1},
			RackSize:   2,
		})
		var types []string
		for _, s := range w.shapes {
			types = append(types, s.Name)
		}
		groups := []*PlacementGroup{nil}
		for _, st := range []Strategy{Cluster, Spread} {
			g, _ := w.Fleet().NewPlacementGroup(st.String(), st, 0)
			groups = append(groups, g)
		}
		pg, _ := w.Fleet().NewPlacementGroup("p", PartitionStrategy, 2)
		groups = append(groups, pg)
		var live []Slot
		azs := []string{"use1-az1", "use1-az2"}
		for step := 0; step < 150; step++ {
			switch op := rapid.IntRange(0, 11).Draw(rt, "op"); {
			case op < 6:
				g := rapid.SampledFrom(groups).Draw(rt, "group")
				o := PlaceOptions{Policy: Policy(rapid.IntRange(0, 2).Draw(rt, "policy")), Group: g}
				if g != nil && g.strategy == PartitionStrategy {
					o.Partition = rapid.IntRange(0, 2).Draw(rt, "partition")
				}
				s, err := w.Fleet().Place(rapid.SampledFrom(azs).Draw(rt, "az"), rapid.SampledFrom(types).Draw(rt, "type"), o)
				if err == nil {
					live = append(live, s)
				} else if !errors.Is(err, ErrInsufficientInstanceCapacity) && !errors.Is(err, ErrUnsupported) && !errors.Is(err, awserr.Code("InvalidPlacementGroup.InUse")) {
					rt.Fatalf("unexpected error %v", err)
				}
			case op < 8 && len(live) > 0:
				i := rapid.IntRange(0, len(live)-1).Draw(rt, "victim")
				err := w.Fleet().Release(live[i])
				if err != nil && !errors.Is(err, ErrSlotNotFound) {
					rt.Fatal(err)
				}
				live = append(live[:i], live[i+1:]...)
			case op == 8:
				w.Faults().FailHost(hostID(uint32(rapid.IntRange(0, w.hostCount()-1).Draw(rt, "fail"))))
			case op == 9:
				w.Faults().RepairHost(hostID(uint32(rapid.IntRange(0, w.hostCount()-1).Draw(rt, "repair"))))
			case op == 10:
				w.Faults().FailAZ(rapid.SampledFrom(azs).Draw(rt, "failaz"))
			default:
				w.Faults().RestoreAZ(rapid.SampledFrom(azs).Draw(rt, "restoreaz"))
			}
			if err := checkInvariants(w); err != nil {
				rt.Fatalf("step %d: %v", step, err)
			}
		}
		for _, g := range groups[1:] {
			total := 0
			for i := range w.slots {
				if w.slots[i].live() && w.slots[i].group == g.idx+1 {
					total++
				}
			}
			if total != g.members {
				rt.Fatalf("group %s counts %d members, %d placed", g.name, g.members, total)
			}
		}
	})
}

// TestCapacityShortageObserved: a background tenant that finds no host is
// reported, as is an ordinary launch, so a spot model can react.
func TestCapacityShortageObserved(t *testing.T) {
	w := newWorld(t, 2, Options{HostsPerAZ: map[string]int{"p3": 1}})
	var got []CapacityShortage
	w.Fleet().OnCapacityShortage(func(c CapacityShortage) { got = append(got, c) })
	mustPlace(t, w, "use1-az1", "p3.16xlarge", PlaceOptions{})
	if _, err := w.Fleet().Place("use1-az1", "p3.2xlarge", PlaceOptions{}); err == nil {
		t.Fatal("full p3 host took more")
	}
	w.Fleet().StartBackground("use1-az1", "p3", BackgroundDemand{ArrivalsPerHour: 10, MeanLifetime: time.Hour})
	w.Env().RunUntil(w.Env().Now().Add(time.Hour))
	st, _ := w.Fleet().Background("use1-az1", "p3")
	if len(got) != 1+st.Rejected || st.Rejected == 0 || got[0].Background || !got[len(got)-1].Background ||
		got[0].InstanceType != "p3.2xlarge" || got[0].AZ != "use1-az1" {
		t.Fatalf("shortages %+v, background stats %+v", got, st)
	}
}
