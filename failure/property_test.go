package failure_test

import (
	"fmt"
	"maps"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/nimbus-sim/nimbus/failure"
	"github.com/nimbus-sim/nimbus/sim"
)

// genFault draws a fault from a small universe so that faults overlap on
// the same keys. It returns the fault, the fake world's key and the level
// the fault sets (1 for on/off faults).
func genFault(t *rapid.T, i int) (failure.Fault, string, float64) {
	lbl := fmt.Sprint("fault", i)
	a := rapid.SampledFrom([]string{"use1-az1", "use1-az2"}).Draw(t, lbl+"-place")
	level := float64(rapid.IntRange(2, 9).Draw(t, lbl+"-level"))
	switch rapid.IntRange(0, 7).Draw(t, lbl+"-kind") {
	case 0:
		return failure.HostDown("h-" + a), "host/h-" + a, 1
	case 1:
		return failure.AZDown(a), "az/" + a, 1
	case 2:
		return failure.RegionImpaired("us-east-1"), "region/us-east-1", 1
	case 3:
		return failure.Partitioned(a, "us-west-2"), "partition/" + pairKey(a, "us-west-2"), 1
	case 4:
		return failure.SlowLink("us-west-2", a, level), "latency/" + pairKey(a, "us-west-2"), level
	case 5:
		return failure.Lossy(a, "us-west-2", level/10), "loss/" + pairKey(a, "us-west-2"), level / 10
	case 6:
		return failure.Errors("s3", "us-east-1", level/10), "errors/s3/us-east-1", level / 10
	default:
		return failure.Throttled("s3", "us-east-1", level/10), "throttle/s3/us-east-1", level / 10
	}
}

type planned struct {
	key        string
	level      float64
	start, end sim.Time
	order      int
}

// TestPropertyOutagesRestoreTheWorld: for any set of scheduled outages,
// possibly overlapping on the same part of the world, (1) at every instant
// each part is faulty exactly when some outage of it is in its window, at
// the level of the most recently started one, (2) the world is only ever
// changed at the start or end of some window of that part, and (3) once
// all are over the world is exactly as it was.
func TestPropertyOutagesRestoreTheWorld(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		env := sim.New(1)
		defer env.Close()
		w := newFakeWorld(env)
		down0, level0 := w.snapshot()
		h := newHarness(t, env, w)
		n := rapid.IntRange(1, 10).Draw(t, "n")
		var plan []planned
		for i := range n {
			f, key, level := genFault(t, i)
			start := time.Duration(rapid.IntRange(0, 120).Draw(t, fmt.Sprint("start", i))) * time.Minute
			d := time.Duration(rapid.IntRange(1, 60).Draw(t, fmt.Sprint("dur", i))) * time.Minute
			plan = append(plan, planned{key, level, sim.Time(start), sim.Time(start + d), i})
			h.Start(failure.At(start, failure.For(f, d)))
		}
		// Sample the state half a minute after every minute boundary, when
		// all changes of that minute have happened.
		for m := range 200 {
			st := sim.Time(time.Duration(m)*time.Minute + 30*time.Second)
			env.RunUntil(st)
			want := map[string]planned{}
			for _, p := range plan {
				if st >= p.start && st < p.end {
					if q, ok := want[p.key]; !ok || p.start > q.start || (p.start == q.start && p.order > q.order) {
						want[p.key] = p
					}
				}
			}
			for key, p := range want {
				if p.level == 1 && !w.down[key] {
					t.Fatalf("at %v: %s should be down", st, key)
				}
				if p.level != 1 && w.level[key] != p.level {
					t.Fatalf("at %v: %s at level %v, want %v", st, key, w.level[key], p.level)
				}
			}
			for key := range w.down {
				if _, ok := want[key]; !ok {
					t.Fatalf("at %v: %s down outside every window", st, key)
				}
			}
			for key := range w.level {
				if _, ok := want[key]; !ok {
					t.Fatalf("at %v: %s degraded outside every window", st, key)
				}
			}
		}
		env.RunUntil(sim.Time(4 * time.Hour)) // every window ends by 3h
		// No call outside a window boundary of its key.
		for _, c := range w.calls {
			ok := false
			for _, p := range plan {
				if p.key == c.key && (c.at == p.start || c.at == p.end) {
					ok = true
				}
			}
			if !ok {
				t.Fatalf("%s(%s) at %v is at no window boundary", c.method, c.key, c.at)
			}
		}
		if !maps.Equal(w.down, down0) || !maps.Equal(w.level, level0) {
			t.Fatalf("world after all faults: %v %v, want %v %v", w.down, w.level, down0, level0)
		}
		if err := h.Err(); err != nil {
			t.Fatal(err)
		}
		for _, win := range h.Windows() {
			if win.Open() {
				t.Fatalf("window %+v still open", win)
			}
		}
	})
}

// TestPropertyDuringConfinesRandomFaults: random faults confined with
// During never fire outside [from, to), and everything is reverted at to.
func TestPropertyDuringConfinesRandomFaults(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		seed := rapid.Uint64().Draw(t, "seed")
		env := sim.New(seed)
		defer env.Close()
		w := newFakeWorld(env)
		h := newHarness(t, env, w)
		from := time.Duration(rapid.IntRange(0, 100).Draw(t, "from")) * time.Minute
		to := from + time.Duration(rapid.IntRange(1, 100).Draw(t, "len"))*time.Minute
		f, _, _ := genFault(t, 0)
		mean := time.Duration(rapid.IntRange(1, 30).Draw(t, "mean")) * time.Minute
		h.Start(failure.During(from, to, failure.All(
			failure.Alternating(f, failure.Exp(mean), failure.Exp(mean)),
			failure.Recurring(failure.Exp(mean), failure.HostCrash("h-x", mean)),
		)))
		env.RunUntil(sim.Time(to + 10*time.Hour))
		for _, c := range w.calls {
			if c.at < sim.Time(from) || c.at > sim.Time(to) {
				t.Fatalf("%s(%s) at %v outside [%v, %v]", c.method, c.key, c.at, from, to)
			}
		}
		for _, win := range h.Windows() {
			if win.Start < sim.Time(from) || win.End > sim.Time(to) {
				t.Fatalf("window %+v outside [%v, %v]", win, from, to)
			}
		}
		if len(w.down) != 0 || len(w.level) != 0 {
			t.Fatalf("after the window: %v %v", w.down, w.level)
		}
	})
}
