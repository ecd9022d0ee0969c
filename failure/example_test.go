package failure_test

import (
	"fmt"
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
	h := failure.NewHarness(env, printAZs{env})
	outage := failure.At(2*time.Hour, failure.AZOutage("use1-az1", 30*time.Minute))
	fmt.Println(outage)
	h.Start(outage)
	env.Run()
	fmt.Println(h.Windows()[0].Start, h.Windows()[0].End, h.Err())
	// Output:
	// at 2h0m0s: az-down(use1-az1) for 30m0s
	// +2h0m0s FailAZ use1-az1
	// +2h30m0s RestoreAZ use1-az1
	// +2h0m0s +2h30m0s <nil>
}
