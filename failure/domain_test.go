package failure_test

import (
	"context"
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/failure"
	"github.com/nimbus-sim/nimbus/sim"
	"github.com/nimbus-sim/nimbus/sim/study"
)

// pairWatch tracks whether two given hosts are down at once.
type pairWatch struct {
	a, b  string
	down  map[string]bool
	both  *sim.Gauge
	calls int
}

func (w *pairWatch) set(id string, v bool) error {
	w.calls++
	w.down[id] = v
	if w.down[w.a] && w.down[w.b] {
		w.both.Set(1)
	} else {
		w.both.Set(0)
	}
	return nil
}
func (w *pairWatch) FailHost(id string) error   { return w.set(id, true) }
func (w *pairWatch) RepairHost(id string) error { return w.set(id, false) }

// TestCorrelatedFailuresThroughSharedRack: hosts fail on their own (down
// a fraction ph = 0.1 of the time) and with their rack (pr = 0.02). Two
// replicas in one rack are both down a fraction pr + (1-pr) ph² = 0.0298
// of the time; in different racks (pr + (1-pr) ph)² = 0.0139. The
// simulation (20 replications of 20,000 h, seed 8, 99% CIs) must agree
// with both and the shared rack must be clearly worse.
func TestCorrelatedFailuresThroughSharedRack(t *testing.T) {
	var topo failure.Topology
	topo.Add(failure.AZ, "az", "")
	for _, r := range []string{"rack-1", "rack-2"} {
		topo.Add(failure.Rack, r, "az")
		for _, h := range []string{"a", "b"} {
			topo.Add(failure.Host, r+"/"+h, r)
		}
	}
	const ph, pr = 0.1, 0.02
	horizon := sim.Time(20000 * time.Hour)
	cfg := study.Config{Seed: 8, Reps: 20, Points: []study.Point{study.Pt("shared", 1), study.Pt("shared", 0)}}
	res, err := study.Run(context.Background(), cfg, func(rep *study.Rep) study.Result {
		w := &pairWatch{a: "rack-1/a", b: "rack-1/b", down: map[string]bool{}, both: rep.Env.NewGauge("both", 0)}
		if rep.Param("shared") == 0 {
			w.b = "rack-2/b"
		}
		h := newHarness(t, rep.Env, w)
		h.Start(
			failure.DomainFailures(&topo, failure.Host, 9*time.Hour, time.Hour),  // ph = 1/10
			failure.DomainFailures(&topo, failure.Rack, 49*time.Hour, time.Hour), // pr = 1/50
		)
		rep.Env.RunUntil(horizon)
		return study.Result{"both_down": w.both.MeanOver(0, horizon)}
	})
	if err != nil {
		t.Fatal(err)
	}
	shared, apart := res.Summary(0, "both_down", 0.99), res.Summary(1, "both_down", 0.99)
	wantShared, wantApart := pr+(1-pr)*ph*ph, (pr+(1-pr)*ph)*(pr+(1-pr)*ph)
	t.Logf("both down: same rack %.4f [%.4f, %.4f] (want %.4f); different racks %.4f [%.4f, %.4f] (want %.4f)",
		shared.Mean, shared.CILow, shared.CIHigh, wantShared, apart.Mean, apart.CILow, apart.CIHigh, wantApart)
	if wantShared < shared.CILow || wantShared > shared.CIHigh {
		t.Errorf("same rack: %.4f outside the 99%% CI [%.4f, %.4f] (seed 8)", wantShared, shared.CILow, shared.CIHigh)
	}
	if wantApart < apart.CILow || wantApart > apart.CIHigh {
		t.Errorf("different racks: %.4f outside the 99%% CI [%.4f, %.4f] (seed 8)", wantApart, apart.CILow, apart.CIHigh)
	}
	if shared.CILow <= apart.CIHigh {
		t.Error("sharing a rack does not make joint outages clearly more likely")
	}
}
