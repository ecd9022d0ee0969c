package main

import (
	"fmt"
	"time"

	"github.com/nimbus-sim/nimbus/sim"
)

// One run of the default job (24 h of GPU work, checkpoints every 45 min,
// spot interruptions at M = 7.97 h) at a fixed seed, and the same job
// on-demand with only its final save.
func ExampleSimulate() {
	for _, onDemand := range []bool{false, true} {
		cfg := DefaultConfig()
		if onDemand {
			cfg.OnDemand, cfg.Interval = true, cfg.Work
		}
		env := sim.New(3)
		out, err := Simulate(env, cfg)
		env.Close()
		if err != nil {
			fmt.Println(err)
			return
		}
		market := "spot"
		if onDemand {
			market = "on-demand"
		}
		fmt.Printf("%s: %.2f h, %d interruptions, %v redone, %s instance-hours, %v compute, %v total\n",
			market, out.Wall.Hours(), out.Interruptions, out.Lost.Round(time.Second),
			out.InstanceHours.FloatString(4), out.ComputeCost, out.TotalCost)
	}
	// Output:
	// spot: 26.21 h, 2 interruptions, 49m22s redone, 26.2694 instance-hours, $16.032169042 compute, $16.657340158 total
	// on-demand: 24.07 h, 0 interruptions, 0s redone, 24.0617 instance-hours, $73.6287 compute, $74.201882572 total
}
