package storage

import (
	"math"
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/failure"
	"github.com/nimbus-sim/nimbus/sim"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

var zones3 = []string{"z1", "z2", "z3"}

// TestLossOnlyWhenEveryReplicaFails fails replicas by hand: a group
// survives two failures (and is repaired), and is lost only when its last
// replica fails before a repair completes.
func TestLossOnlyWhenEveryReplicaFails(t *testing.T) {
	env := sim.New(1)
	defer env.Close()
	p, err := New(env, Options{Name: "t", Zones: zones3, NodesPerZone: 2, RepairBandwidth: 1 << 20, ReplaceAfter: time.Hour})
	require.NoError(t, err)
	g, err := p.NewGroup(GroupSpec{})
	require.NoError(t, err)
	require.NoError(t, p.Add(g, 3600<<20, 7)) // one hour to rebuild a replica
	var losses []Loss
	p.OnLoss(func(l Loss) { losses = append(losses, l) })
	holder := func(zone int) int { return int(p.groups[g].replicas[zone]) }

	p.FailNode(holder(0))
	p.FailNode(holder(1))
	require.True(t, p.Readable(g))
	require.Len(t, p.Replicas(g), 1)
	env.RunFor(2 * time.Hour) // both rebuilt (sequentially per failed node: one hour each)
	require.Len(t, p.Replicas(g), 3)
	require.Empty(t, losses)

	for z := range 3 {
		p.FailNode(holder(z))
	}
	require.Len(t, losses, 1)
	require.Equal(t, int64(7), losses[0].Objects)
	require.Equal(t, uint32(1), p.Epoch(g))
	require.Equal(t, int64(1), p.Stats().GroupsLost)
	require.Equal(t, int64(7), p.Stats().ObjectsLost)
}

func TestZoneDownHidesReplicas(t *testing.T) {
	env := sim.New(2)
	defer env.Close()
	dark := map[string]bool{}
	p, err := New(env, Options{Name: "t", Zones: zones3, ZoneDown: func(z string) bool { return dark[z] }})
	require.NoError(t, err)
	multi, err := p.NewGroup(GroupSpec{})
	require.NoError(t, err)
	single, err := p.NewGroup(GroupSpec{SingleZone: true, Zone: "z2"})
	require.NoError(t, err)
	dark["z2"] = true
	require.True(t, p.Readable(multi), "the other zones serve")
	require.False(t, p.Readable(single), "all replicas in the dark zone")
	dark["z1"], dark["z3"] = true, true
	require.False(t, p.Readable(multi))
	require.Zero(t, p.Stats().GroupsLost, "dark is not lost")
}

// mttdlParallel is the exact mean time to data loss of 3 replicas with
// independent exponential failures (rate lambda each) and independent
// exponential repairs (rate mu each, in parallel), from the absorbing
// Markov chain 3 -> 2 -> 1 -> 0:
// (11 lambda^2 + 7 lambda mu + 2 mu^2) / (6 lambda^3).
func mttdlParallel(lambda, mu float64) float64 {
	return (11*lambda*lambda + 7*lambda*mu + 2*mu*mu) / (6 * lambda * lambda * lambda)
}

// TestDurabilityMatchesMarkovMTTDL: durability is an outcome of failures
// racing repair. Assumptions, matching the Markov model: node lifetimes
// exponential with rate lambda = 0.1/h (accelerated: real disks fail about
// 2%/year), each lost replica rebuilt independently in an exponential time
// of mean 1 h (RepairExponential), one replica per zone in three zones,
// spare nodes always available (4 per zone, failed ones replaced after
// 30 min). Seeds 1..N, N = 1000: the sample mean of the time to loss
// must be within 4 standard errors (about 13%) of the exact MTTDL, 468.3 h.
func TestDurabilityMatchesMarkovMTTDL(t *testing.T) {
	const lambda, mu = 0.1, 1.0
	n := 1000
	if testing.Short() {
		n = 500
	}
	want := mttdlParallel(lambda, mu)
	var sum, sumSq float64
	for seed := 1; seed <= n; seed++ {
		env := sim.New(uint64(seed))
		p, err := New(env, Options{Name: "mttdl", Zones: zones3, NodesPerZone: 4,
			NodeLifetime: failure.Exponential{Rate: lambda}, RepairBandwidth: 1 << 20,
			RepairExponential: true, ReplaceAfter: 30 * time.Minute})
		require.NoError(t, err)
		g, err := p.NewGroup(GroupSpec{})
		require.NoError(t, err)
		require.NoError(t, p.Add(g, 3600<<20, 1)) // mean rebuild 1 h at 1 MiB/s
		lost := sim.Time(-1)
		p.OnLoss(func(l Loss) { lost = l.At; env.Stop() })
		env.RunFor(1_000_000 * time.Hour)
		require.GreaterOrEqual(t, lost, sim.Time(0), "seed %d: no loss in 10^6 h", seed)
		h := time.Duration(lost).Hours()
		sum += h
		sumSq += h * h
		env.Close()
	}
	mean := sum / float64(n)
	sd := math.Sqrt(sumSq/float64(n) - mean*mean)
	se := sd / math.Sqrt(float64(n))
	t.Logf("MTTDL: simulated %.1f h (SE %.1f, n=%d), Markov %.1f h", mean, se, n, want)
	require.InDelta(t, want, mean, 4*se)
}

// TestElevenNinesExtrapolation: at AWS-like rates (a 2% annual node
// failure rate, 6 h to rebuild a replica) the same formula gives an
// annual loss probability per object of about 1e-11, the order of S3's
// 99.999999999% design durability
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/DataDurability.html).
// It is an extrapolation: independent failures only; correlated failures
// (racks, power) make real systems do worse.
func TestElevenNinesExtrapolation(t *testing.T) {
	lambda := 0.02 / 8760.0 // per hour
	mu := 1.0 / 6
	mttdlYears := mttdlParallel(lambda, mu) / 8760
	annualLoss := 1 - math.Exp(-1/mttdlYears)
	nines := -math.Log10(annualLoss)
	t.Logf("MTTDL %.3g years, annual loss %.3g, %.2f nines", mttdlYears, annualLoss, nines)
	require.InDelta(t, 11, nines, 0.5)
}

// TestForcedFailureDropsStaleTimer: a node failed from outside (a zone
// loss) must not keep the failure timer it was armed with, else each
// forced failure adds a failure process and the node's rate grows. Seed 3;
// with mean lifetime 100 h and a forced failure every 50 h, natural
// failures are rare (a node lives 49 h between forced failures: about
// 0.39 natural failures per cycle, 78 in 200 cycles); the stale timers
// made it several hundred.
func TestForcedFailureDropsStaleTimer(t *testing.T) {
	env := sim.New(3)
	defer env.Close()
	p, err := New(env, Options{Name: "t", Zones: []string{"z1"}, NodesPerZone: 1,
		NodeLifetime: failure.Exponential{Rate: 1.0 / 100}, ReplaceAfter: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	const cycles = 200
	for i := range cycles {
		env.AfterDaemon(time.Duration(i+1)*50*time.Hour, func() { p.FailNode(0) })
	}
	env.RunUntil(sim.Time(cycles * 50 * time.Hour))
	natural := p.Stats().NodeFailures - cycles
	if natural > 120 {
		t.Fatalf("%d natural failures in %d cycles, want about 78: stale failure timers still fire", natural, cycles)
	}
}

// TestAddChecksRoom: Add refuses bytes that would overfill a live
// replica's node, counting every group on the node (a node's bytes are
// the sum of its groups', not a counter of their own), and takes them
// once removals made room; a failed node's replacement starts empty.
func TestAddChecksRoom(t *testing.T) {
	env := sim.New(4)
	defer env.Close()
	p, err := New(env, Options{Name: "t", Zones: zones3, NodesPerZone: 1, NodeCapacityBytes: 100})
	require.NoError(t, err)
	a, err := p.NewGroup(GroupSpec{})
	require.NoError(t, err)
	b, err := p.NewGroup(GroupSpec{})
	require.NoError(t, err)
	require.NoError(t, p.Add(a, 60, 1))
	require.NoError(t, p.Add(b, 40, 1)) // every node now full: 60 + 40
	require.ErrorIs(t, p.Add(b, 1, 1), ErrInsufficientCapacity)
	require.ErrorIs(t, p.Add(a, 1, 1), ErrInsufficientCapacity)
	require.NoError(t, p.Add(a, -10, -1))
	require.NoError(t, p.Add(b, 10, 1))
	require.ErrorIs(t, p.Add(b, 1, 1), ErrInsufficientCapacity)
	require.Equal(t, int64(100), p.usedOf(0))
	p.FailNode(0)
	require.Zero(t, p.usedOf(0), "a failed node holds nothing")
}

// TestAddMatchesNodeBytes: over random additions, removals and node
// failures with repairs, Add fails exactly when a live replica's node,
// its bytes summed over the groups placed on it, would go over capacity.
func TestAddMatchesNodeBytes(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		env := sim.New(rapid.Uint64().Draw(rt, "seed"))
		defer env.Close()
		const capacity = 1000
		p, err := New(env, Options{Name: "t", Zones: zones3, NodesPerZone: 2, NodeCapacityBytes: capacity,
			RepairBandwidth: 100, ReplaceAfter: time.Minute})
		require.NoError(rt, err)
		var ids []GroupID
		for range 4 {
			id, err := p.NewGroup(GroupSpec{})
			require.NoError(rt, err)
			ids = append(ids, id)
		}
		nodeBytes := func(n int32) int64 {
			var sum int64
			for _, id := range ids {
				for _, r := range p.groups[id].replicas {
					if r == n {
						sum += p.groups[id].bytes
					}
				}
			}
			return sum
		}
		for range rapid.IntRange(1, 60).Draw(rt, "steps") {
			switch rapid.IntRange(0, 5).Draw(rt, "op") {
			case 0:
				p.FailNode(rapid.IntRange(0, p.Nodes()-1).Draw(rt, "node"))
			case 1:
				env.RunFor(time.Duration(rapid.IntRange(1, 120).Draw(rt, "secs")) * time.Second)
			default:
				id := ids[rapid.IntRange(0, len(ids)-1).Draw(rt, "group")]
				bytes := rapid.Int64Range(-int64(p.groups[id].bytes), 400).Draw(rt, "bytes")
				full := false
				if bytes > 0 {
					for _, n := range p.groups[id].replicas {
						full = full || n >= 0 && nodeBytes(n)+bytes > capacity
					}
				}
				err := p.Add(id, bytes, 0)
				if full {
					require.ErrorIs(rt, err, ErrInsufficientCapacity)
				} else {
					require.NoError(rt, err)
				}
			}
			var sum int64
			for _, id := range ids {
				sum += p.groups[id].bytes
			}
			require.Equal(rt, sum, p.stored)
			for n := range int32(p.Nodes()) {
				require.Equal(rt, nodeBytes(n), p.usedOf(n))
				require.LessOrEqual(rt, p.usedOf(n), int64(capacity))
			}
		}
	})
}

// TestReplaceIsTwoAdds: Replace does what Add(to), then Add(from) if
// from's epoch is still the one given, do: for groups lost in between
// (the removal is skipped), a full node (nothing changes), and to ==
// from.
func TestReplaceIsTwoAdds(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		seed := rapid.Uint64().Draw(rt, "seed")
		type world struct {
			env *sim.Env
			p   *Pool
		}
		mk := func() world {
			env := sim.New(seed)
			p, err := New(env, Options{Name: "t", Zones: zones3, NodesPerZone: 1, NodeCapacityBytes: 1000})
			require.NoError(rt, err)
			for range 3 {
				_, err := p.NewGroup(GroupSpec{})
				require.NoError(rt, err)
			}
			return world{env, p}
		}
		a, b := mk(), mk()
		defer a.env.Close()
		defer b.env.Close()
		for range rapid.IntRange(1, 40).Draw(rt, "steps") {
			to := GroupID(rapid.IntRange(1, 3).Draw(rt, "to"))
			from := GroupID(rapid.IntRange(1, 3).Draw(rt, "from"))
			bytes := rapid.Int64Range(0, 300).Draw(rt, "bytes")
			// At most what from holds once to's bytes are in (a
			// group's bytes never go below zero in use).
			held := a.p.groups[from].bytes
			if to == from {
				held += bytes
			}
			fromBytes := rapid.Int64Range(0, held).Draw(rt, "fromBytes")
			epoch := a.p.Epoch(from) - uint32(rapid.IntRange(0, 1).Draw(rt, "stale"))
			if rapid.IntRange(0, 9).Draw(rt, "fail") == 0 {
				n := rapid.IntRange(0, 2).Draw(rt, "node")
				a.p.FailNode(n)
				b.p.FailNode(n)
			}
			ea, errA := a.p.Replace(to, bytes, from, epoch, fromBytes)
			errB := b.p.Add(to, bytes, 1)
			var eb uint32
			if errB == nil {
				if b.p.Epoch(from) == epoch {
					require.NoError(rt, b.p.Add(from, -fromBytes, -1))
				}
				eb = b.p.Epoch(to)
			}
			require.Equal(rt, errB, errA)
			require.Equal(rt, eb, ea)
			require.Equal(rt, b.p.groups, a.p.groups)
			require.Equal(rt, b.p.stored, a.p.stored)
		}
	})
}

// TestReadableAnyReplica: a group is readable while any replica is on a
// live node in a zone that is up, whichever replicas (the first live one
// included) are failed or dark.
func TestReadableAnyReplica(t *testing.T) {
	for mask := range 1 << 6 { // bits 0-2: zone dark; bits 3-5: replica's node failed
		if mask>>3 == 7 {
			continue // every replica failed: the group is lost and placed afresh
		}
		env := sim.New(5)
		dark := map[string]bool{}
		p, err := New(env, Options{Name: "t", Zones: zones3, NodesPerZone: 2, ZoneDown: func(z string) bool { return dark[z] }})
		require.NoError(t, err)
		g, err := p.NewGroup(GroupSpec{})
		require.NoError(t, err)
		want := false
		replicas := append([]int32(nil), p.groups[g].replicas...)
		for i, n := range replicas {
			z := zones3[p.groups[g].zones[i]]
			dark[z] = mask&(1<<i) != 0
			failed := mask&(8<<i) != 0
			if failed {
				p.FailNode(int(n))
			}
			want = want || !dark[z] && !failed
		}
		require.Equal(t, want, p.Readable(g), "mask %06b", mask)
		env.Close()
	}
}

// TestReadableFastPathMatchesGroups checks Readable's and Epoch's quick
// answers (every node up, every replica in place, no zone dark; no group
// ever lost) against the groups themselves, through random runs of node
// failures, repairs, replacements, dark zones and new groups, and the
// count of vacant slots behind them against the slots, and the
// invariant that makes it enough: a slot that holds a node holds a live
// one.
func TestReadableFastPathMatchesGroups(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		env := sim.New(rapid.Uint64().Draw(rt, "seed"))
		defer env.Close()
		dark := map[string]bool{}
		anyDark := func() bool {
			for _, d := range dark {
				if d {
					return true
				}
			}
			return false
		}
		p, err := New(env, Options{Name: "t", Zones: zones3, NodesPerZone: 2, RepairBandwidth: 1 << 20,
			ReplaceAfter: time.Hour, ZoneDown: func(z string) bool { return dark[z] }, AnyZoneDown: anyDark})
		require.NoError(rt, err)
		var ids []GroupID
		newGroup := func() {
			spec := GroupSpec{Replicas: rapid.IntRange(1, 3).Draw(rt, "replicas")}
			if rapid.Bool().Draw(rt, "single") {
				spec.SingleZone, spec.Zone = true, rapid.SampledFrom(zones3).Draw(rt, "zone")
				spec.Replicas = min(spec.Replicas, 2)
			}
			if id, err := p.NewGroup(spec); err == nil {
				ids = append(ids, id)
				require.NoError(rt, p.Add(id, rapid.Int64Range(0, 4<<30).Draw(rt, "bytes"), 1))
			}
		}
		newGroup()
		for range rapid.IntRange(1, 40).Draw(rt, "steps") {
			switch rapid.IntRange(0, 4).Draw(rt, "action") {
			case 0:
				p.FailNode(rapid.IntRange(0, p.Nodes()-1).Draw(rt, "node"))
			case 1:
				env.RunFor(time.Duration(rapid.Int64Range(0, int64(3*time.Hour)).Draw(rt, "wait")))
			case 2:
				z := rapid.SampledFrom(zones3).Draw(rt, "dark zone")
				dark[z] = !dark[z]
			case 3:
				newGroup()
			case 4:
				// Fail every node of a zone at once: groups lose all
				// their replicas there.
				z := rapid.IntRange(0, len(zones3)-1).Draw(rt, "failed zone")
				for _, n := range p.byZone[z] {
					p.FailNode(int(n))
				}
			}
			vacant := 0
			for i := range p.groups {
				for _, n := range p.groups[i].replicas {
					if n < 0 {
						vacant++
					} else {
						require.True(rt, p.nodes[n].alive, "group %d's replica on failed node %d", i, n)
					}
				}
			}
			require.Equal(rt, vacant, p.vacant, "vacant replica slots")
			for _, id := range ids {
				g := &p.groups[id]
				want := false
				for i, n := range g.replicas {
					if n >= 0 && p.nodes[n].alive && !dark[zones3[g.zones[i]]] {
						want = true
						break
					}
				}
				require.Equal(rt, want, p.Readable(id), "Readable(%d)", id)
				require.Equal(rt, g.epoch, p.Epoch(id), "Epoch(%d)", id)
			}
		}
	})
}

// TestReadableWhileLostGroupAwaitsNodes: a group lost with every node of
// its zone is not readable while its replica waits to be placed again,
// even once the nodes are back (its repair, scheduled before their
// return, found none and waits another ReplaceAfter): Readable's fast
// path must not take every node being up for every replica in place.
func TestReadableWhileLostGroupAwaitsNodes(t *testing.T) {
	env := sim.New(3)
	defer env.Close()
	p, err := New(env, Options{Name: "t", Zones: zones3, NodesPerZone: 1, ReplaceAfter: time.Hour,
		ZoneDown: func(string) bool { return false }, AnyZoneDown: func() bool { return false }})
	require.NoError(t, err)
	g, err := p.NewGroup(GroupSpec{Replicas: 1, SingleZone: true, Zone: "z1"})
	require.NoError(t, err)
	require.True(t, p.Readable(g))
	p.FailNode(int(p.byZone[0][0]))
	require.Equal(t, int64(1), p.Stats().GroupsLost)
	require.False(t, p.Readable(g))
	env.RunFor(time.Hour + time.Minute)
	for n := range p.Nodes() {
		require.True(t, p.nodes[n].alive, "node %d is back", n)
	}
	require.False(t, p.Readable(g), "the lost group's replica is not placed yet")
	env.RunFor(time.Hour)
	require.True(t, p.Readable(g), "placed again on the returned node")
	require.Equal(t, uint32(1), p.Epoch(g))
}
