package failure_test

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/failure"
	"github.com/nimbus-sim/nimbus/sim"
	"github.com/nimbus-sim/nimbus/sim/study"
)

// drawAZPlan lets the seed choose which AZ fails, when and for how long.
func drawAZPlan(r *rand.Rand) failure.Plan {
	az := fmt.Sprintf("use1-az%d", 1+r.IntN(3))
	at := time.Duration(r.IntN(24)) * time.Hour
	d := time.Duration(10+r.IntN(50)) * time.Minute
	return failure.Plan{Name: "az-" + az, Faults: []failure.Injector{failure.At(at, failure.AZOutage(az, d))}}
}

func TestDrawPlanIsAFunctionOfTheSeed(t *testing.T) {
	a := failure.DrawPlan(sim.DeriveSeed(1, 7), drawAZPlan)
	b := failure.DrawPlan(sim.DeriveSeed(1, 7), drawAZPlan)
	if a.String() != b.String() {
		t.Errorf("same seed, different plans:\n%v\n%v", a, b)
	}
	seen := map[string]bool{}
	for i := range 20 {
		seen[failure.DrawPlan(sim.DeriveSeed(1, uint64(i)), drawAZPlan).String()] = true
	}
	if len(seen) < 15 {
		t.Errorf("20 seeds drew only %d distinct plans", len(seen))
	}
	if !strings.HasPrefix(a.String(), "plan az-use1-az") || !strings.Contains(a.String(), ": at ") {
		t.Errorf("plan prints as %q", a)
	}
	if s := (failure.Plan{Name: "calm"}).String(); s != "plan calm: no faults" {
		t.Errorf("empty plan prints as %q", s)
	}
}

// TestDrawPlanLeavesScenarioStreamsAlone: drawing the plan must not
// change the draws the scenario makes from the Env's streams.
func TestDrawPlanLeavesScenarioStreamsAlone(t *testing.T) {
	seed := uint64(99)
	env1 := sim.New(seed)
	defer env1.Close()
	x1 := env1.Rand("workload").Uint64()
	failure.DrawPlan(seed, drawAZPlan)
	env2 := sim.New(seed)
	defer env2.Close()
	failure.DrawPlan(seed, drawAZPlan)
	if x2 := env2.Rand("workload").Uint64(); x1 != x2 {
		t.Error("drawing a plan changed the workload's stream")
	}
}

func TestScenarioRecovery(t *testing.T) {
	// A web tier in one AZ: the AZ fails at 2h for 30m; health checks
	// every 10s notice at the third failed check (the first runs at the
	// instant of the fault, so 20s later), and failover to
	// the other AZ takes 5 minutes. Requests in flight (1 MB) are lost.
	env := sim.New(1)
	defer env.Close()
	w := newFakeWorld(env)
	rec := failure.NewRecovery(env, "web")
	sc := failure.Scenario{
		Name: "web",
		Plan: failure.Plan{Name: "az1", Faults: []failure.Injector{failure.At(2*time.Hour, failure.AZOutage("use1-az1", 30*time.Minute))}},
		Workload: func(env *sim.Env, h *failure.Harness) {
			rec.Watch(h, func(win failure.Window) bool { return strings.HasPrefix(win.Key, "az/") })
			env.Go("health", func(p *sim.Proc) {
				bad := 0
				for {
					p.Sleep(10 * time.Second)
					if !w.down["az/use1-az1"] || !rec.IsUp() && bad >= 3 {
						bad = 0
						continue
					}
					if bad++; bad == 3 {
						rec.Detect()
						rec.Down()
						rec.LoseData(1 << 20)
						rec.LoseWork(30 * time.Second)
						p.Sleep(5 * time.Minute)
						rec.Up()
					}
				}
			})
		},
	}
	h, err := sc.Start(env, w)
	if err != nil {
		t.Fatal(err)
	}
	end := sim.Time(24 * time.Hour)
	env.RunUntil(end)
	r := rec.Report(0, end)
	if r.Incidents != 1 || r.Unrecovered != 0 {
		t.Fatalf("report %v", r)
	}
	if r.MeanTimeToDetect != 20*time.Second {
		t.Errorf("time to detect %v, want 20s", r.MeanTimeToDetect)
	}
	if r.MeanTimeToRecover != 5*time.Minute+20*time.Second {
		t.Errorf("time to recover %v, want 5m20s", r.MeanTimeToRecover)
	}
	wantAvail := 1 - (5*time.Minute).Hours()/24
	if d := r.Availability - wantAvail; d > 1e-12 || d < -1e-12 {
		t.Errorf("availability %v, want %v", r.Availability, wantAvail)
	}
	if r.DataLost != 1<<20 || r.WorkLost != 30*time.Second {
		t.Errorf("losses %d bytes, %v", r.DataLost, r.WorkLost)
	}
	m := r.Metrics()
	if m["mean_ttr_s"] != 320 || m["incidents"] != 1 {
		t.Errorf("metrics %v", m)
	}
	if err := h.Err(); err != nil {
		t.Error(err)
	}
	// Over a window without the incident, availability is 1 and nothing
	// was lost.
	if a := rec.Availability(sim.Time(3*time.Hour), end); a != 1 {
		t.Errorf("availability after recovery %v", a)
	}
	if r := rec.Report(sim.Time(3*time.Hour), end); r.Incidents != 0 || r.DataLost != 0 || r.WorkLost != 0 {
		t.Errorf("report over a window after the incident: %v", r)
	}
}

// TestStudyExploresDrawnPlans: each replication of a study draws its own
// fault plan from its seed, notes it in its row, and the metrics follow
// the plan; a replay of a row draws the same plan.
func TestStudyExploresDrawnPlans(t *testing.T) {
	fn := func(rep *study.Rep) study.Result {
		plan := failure.DrawPlan(rep.Seed, drawAZPlan)
		rep.SetNote(plan.String())
		w := newFakeWorld(rep.Env)
		h := newHarness(t, rep.Env, w)
		rec := failure.NewRecovery(rep.Env, "az")
		h.OnChange(func(c failure.Change) {
			if c.Applied {
				rec.Down()
			} else {
				rec.Up()
			}
		})
		plan.Start(h)
		end := sim.Time(48 * time.Hour)
		rep.Env.RunUntil(end)
		return study.Result{"downtime_s": (1 - rec.Availability(0, end)) * end.Seconds()}
	}
	cfg := study.Config{Seed: 3, Reps: 12}
	res, err := study.Run(context.Background(), cfg, fn)
	if err != nil {
		t.Fatal(err)
	}
	notes := map[string]bool{}
	for _, row := range res.Rows {
		notes[row.Note] = true
		// The plan's outage lasts "for <d>"; the measured downtime must be d.
		i := strings.LastIndex(row.Note, " for ")
		d, err := time.ParseDuration(row.Note[i+5:])
		if err != nil {
			t.Fatalf("row %d note %q: %v", row.Rep, row.Note, err)
		}
		if got := row.Metrics["downtime_s"]; math.Abs(got-d.Seconds()) > 1e-6 {
			t.Errorf("row %d (%s): downtime %v s, want %v", row.Rep, row.Note, got, d.Seconds())
		}
	}
	if len(notes) < 8 {
		t.Errorf("12 replications drew only %d distinct plans", len(notes))
	}
	row, _, err := study.Replay(cfg, 0, 5, fn)
	if err != nil || row.Note != res.Rows[5].Note {
		t.Errorf("replay drew %q, study row has %q (%v)", row.Note, res.Rows[5].Note, err)
	}
	var buf bytes.Buffer
	res.WriteRows(&buf, study.CSV)
	if !strings.Contains(buf.String(), res.Rows[0].Note) {
		t.Error("the plan is not printed with the rows")
	}
}
