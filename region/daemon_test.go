package region

import (
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/sim"
)

// TestRunEndsAfterTheCallDespiteBackgroundTenants: other tenants arrive
// and leave for ever, but env.Run returns when the scenario's one process
// (an hour's wait, then one API call) is done, with the clock at the end
// of the call. A daemon guard at 1000h stops a Run that would otherwise
// never end, so the test fails instead of hanging if tenant events were
// foreground again.
func TestRunEndsAfterTheCallDespiteBackgroundTenants(t *testing.T) {
	w := newWorld(t, 5, Options{HostsPerAZ: map[string]int{"t3": 4}})
	withAlice(t, w)
	if err := w.Fleet().StartBackground("use1-az1", "t3", BackgroundDemand{ArrivalsPerHour: 60, MeanLifetime: 2 * time.Hour}); err != nil {
		t.Fatal(err)
	}
	env := w.Env()
	env.AtDaemon(sim.Time(1000*time.Hour), env.Stop)
	from, _ := w.InAZ("use1-az2")
	var callStart, callEnd sim.Time
	var callErr error
	var launchedBefore int
	env.Go("client", func(p *sim.Proc) {
		p.Sleep(time.Hour)
		st, _ := w.Fleet().Background("use1-az1", "t3")
		launchedBefore = st.Launched
		callStart = env.Now()
		callErr = w.Call(p, getReq(w, from), func(c *Call) error { return nil })
		callEnd = env.Now()
	})
	env.Run()

	if callErr != nil {
		t.Fatal(callErr)
	}
	if env.Now() != callEnd {
		t.Fatalf("Run returned at %v, want %v (the end of the call)", env.Now(), callEnd)
	}
	if d := callEnd.Sub(callStart); d <= 0 || d > time.Second {
		t.Errorf("the call took %v: want the pipeline's latency, positive and well under a second", d)
	}
	// 60 arrivals/h for an hour: Poisson(60), P(< 20) is negligible; seed 5.
	if launchedBefore < 20 {
		t.Errorf("%d background launches in the first hour, want about 60: tenants did not run alongside", launchedBefore)
	}
	st, _ := w.Fleet().Background("use1-az1", "t3")
	if w.Fleet().Running() != st.Launched-st.Departed || w.Fleet().Running() == 0 {
		t.Errorf("running %d, stats %+v: want the tenants still there when Run returns", w.Fleet().Running(), st)
	}

	// A fixed horizon still plays the tenants.
	env.RunFor(time.Hour)
	st2, _ := w.Fleet().Background("use1-az1", "t3")
	if st2.Launched <= st.Launched {
		t.Errorf("no launch in the hour after Run (%d then %d)", st.Launched, st2.Launched)
	}
}
