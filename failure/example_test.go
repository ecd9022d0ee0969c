package failure_test

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/nimbus-sim/nimbus/failure"
	"github.com/nimbus-sim/nimbus/sim"
)

// printAZs is a stand-in for region.World: it prints what it is told.
type printAZs struct{ env *sim.Env }

func (p printAZs) FailAZ(az string) error {
	fmt.Println(p.env.Now(), "FailAZ", az)
	return nil
}

func (p printAZs) RestoreAZ(az string) error {
	fmt.Println(p.env.Now(), "RestoreAZ", az)
	return nil
}

func Example() {
	env := sim.New(1)
	defer env.Close()
	h, err := failure.NewHarness(env, printAZs{env})
	if err != nil {
		fmt.Println(err)
		return
	}
	outage := failure.At(2*time.Hour, failure.AZOutage("use1-az1", 30*time.Minute))
	fmt.Println(outage)
	h.Start(outage)
	env.RunFor(3 * time.Hour) // faults are daemon events: Run would not wait for them
	fmt.Println(h.Windows()[0].Start, h.Windows()[0].End, h.Err())
	// Output:
	// at 2h0m0s: az-down(use1-az1) for 30m0s
	// +2h0m0s FailAZ use1-az1
	// +2h30m0s RestoreAZ use1-az1
	// +2h0m0s +2h30m0s <nil>
}

// The preemption-lifetime model of Google preemptible VMs (https://arxiv.org/abs/1911.05160):
// most of the risk is in the first hours and just before the 24-hour cap.
func ExampleBathtub() {
	env := sim.New(1)
	defer env.Close()
	life := failure.Bathtub{A: 0.45, Tau1: 1, Tau2: 0.8, B: 24, Cap: 24, Src: env.Rand("spot/lifetime")}
	fmt.Println(life)
	for _, h := range []float64{1, 3, 12, 22, 24} {
		fmt.Printf("F(%2.0f h) = %.3f\n", h, life.CDF(h))
	}
	fmt.Printf("mean lifetime %.1f h, median %.2f h\n", life.Mean(), life.Quantile(0.5))
	lifetime := failure.In(time.Hour, life)
	fmt.Println(lifetime.Rand().Round(time.Minute))
	// Output:
	// Bathtub(A=0.45, tau1=1, tau2=0.8, b=24, cap=24)
	// F( 1 h) = 0.284
	// F( 3 h) = 0.428
	// F(12 h) = 0.450
	// F(22 h) = 0.487
	// F(24 h) = 1.000
	// mean lifetime 13.3 h, median 22.24 h
	// 23h59m0s
}

// A plan drawn from a replication's seed: the seed picks the AZ, the
// instant and the duration, and the plan prints itself.
func ExampleDrawPlan() {
	for rep := range 3 {
		seed := sim.DeriveSeed(2026, uint64(rep))
		plan := failure.DrawPlan(seed, func(r *rand.Rand) failure.Plan {
			az := fmt.Sprintf("use1-az%d", 1+r.IntN(6))
			at := time.Duration(r.IntN(24)) * time.Hour
			return failure.Plan{Name: fmt.Sprint("rep", rep), Faults: []failure.Injector{
				failure.At(at, failure.AZOutage(az, time.Duration(15+r.IntN(45))*time.Minute)),
			}}
		})
		fmt.Println(plan)
	}
	// Output:
	// plan rep0: at 4h0m0s: az-down(use1-az6) for 18m0s
	// plan rep1: at 18h0m0s: az-down(use1-az1) for 27m0s
	// plan rep2: at 1h0m0s: az-down(use1-az5) for 34m0s
}

// Permanence is spelled out: a zero duration is an error, Forever keeps
// the fault, and both print what they mean.
func ExampleForever() {
	env := sim.New(1)
	defer env.Close()
	h, err := failure.NewHarness(env, printAZs{env})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(h.Start(failure.AZOutage("use1-az1", 0)))
	forever := failure.AZOutage("use1-az1", failure.Forever)
	fmt.Println(forever)
	fmt.Println(h.Start(forever))
	// Output:
	// failure: az-down(use1-az1) for 0s: duration must be positive (use failure.Forever for a fault that stays)
	// az-down(use1-az1) forever
	// +0s FailAZ use1-az1
	// <nil>
}
