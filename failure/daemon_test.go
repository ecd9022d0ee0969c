package failure_test

import (
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/failure"
	"github.com/nimbus-sim/nimbus/sim"
)

// TestRunEndsWithTheWorkload: injectors that never stop by themselves
// (HostFailures, DomainFailures, Recurring, a long During window) and a
// planned outage after the workload's end do not keep env.Run going: it
// returns when the 2-hour workload ends, with the clock at 2h. A guard
// timer at 1000h stops a Run that would otherwise never end, so the test
// fails instead of hanging if harness timers were foreground again.
func TestRunEndsWithTheWorkload(t *testing.T) {
	var topo failure.Topology
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(topo.Add(failure.Region, "r", ""))
	must(topo.Add(failure.AZ, "az1", "r"))
	must(topo.Add(failure.Rack, "rack-a", "az1"))
	must(topo.Add(failure.Host, "h2", "rack-a"))

	env := sim.New(7)
	defer env.Close()
	w := newFakeWorld(env)
	h := newHarness(t, env, w)
	h.Start(
		// MTBF 20m over a 2h workload: P(no crash) = e^-6 ≈ 0.25%; seed 7.
		failure.HostFailures("h1", 20*time.Minute, 5*time.Minute),
		failure.DomainFailures(&topo, failure.Rack, 50*time.Hour, time.Hour),
		failure.During(time.Hour, 1000*time.Hour,
			failure.Recurring(failure.Exp(time.Hour), failure.ErrorSpike("s3", "r", 0.1, time.Minute))),
		failure.At(3*time.Hour, failure.AZOutage("az1", 30*time.Minute)),
	)
	env.AtDaemon(sim.Time(1000*time.Hour), env.Stop)

	var crashesSeen int
	job := env.Go("job", func(p *sim.Proc) {
		for range 120 {
			p.Sleep(time.Minute)
			if w.down["host/h1"] {
				crashesSeen++
			}
		}
	})
	env.Run()

	if got := env.Now(); got != sim.Time(2*time.Hour) {
		t.Fatalf("Run returned at %v, want +2h (the end of the workload)", got)
	}
	if job.Alive() {
		t.Error("the workload is still alive after Run")
	}
	if crashesSeen == 0 {
		t.Error("the workload never saw h1 down: the injector did not run alongside it (seed 7)")
	}
	for _, win := range h.Windows() {
		if win.Start > env.Now() {
			t.Errorf("fault %v applied at %v, after Run returned at %v", win.Fault, win.Start, env.Now())
		}
		if win.Key == "az/az1" {
			t.Errorf("the outage planned at 3h was applied during a 2h run: %+v", win)
		}
	}

	// The rest of the plan is still there for a fixed horizon.
	env.RunUntil(sim.Time(4 * time.Hour))
	var outage bool
	for _, win := range h.Windows() {
		if win.Key == "az/az1" && win.Start == sim.Time(3*time.Hour) && win.End == sim.Time(3*time.Hour+30*time.Minute) {
			outage = true
		}
	}
	if !outage {
		t.Error("RunUntil(4h) did not play the outage planned at [3h, 3h30m)")
	}
}
