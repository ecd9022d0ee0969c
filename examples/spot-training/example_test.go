package main

import (
	"fmt"
	"time"

	"github.com/nimbus-sim/nimbus/sim"
)

// One run of the default job (24 h of GPU work in one-minute epochs, 16
// GiB checkpoints to S3 every 45 epochs, spot interruptions at M = 7.97 h)
// at a fixed seed; the same job with its checkpoints on an EBS volume
// instead; and on-demand with only its final save.
func ExampleSimulate() {
	for _, run := range []struct {
		name  string
		store Store
		od    bool
	}{{"spot, S3", StoreS3, false}, {"spot, EBS", StoreEBS, false}, {"on-demand, S3", StoreS3, true}} {
		cfg := DefaultConfig()
		cfg.Store = run.store
		if run.od {
			cfg.OnDemand, cfg.Interval = true, cfg.Work
		}
		env := sim.New(3)
		out, err := Simulate(env, cfg)
		env.Close()
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s: %.2f h, %d interruptions, %v redone, %s instance-hours, %v compute, %v storage, %v total\n",
			run.name, out.Wall.Hours(), out.Interruptions, out.Lost.Round(time.Second),
			out.InstanceHours.FloatString(4), out.ComputeCost, out.StorageCost.RoundCents(), out.TotalCost)
	}
	// Output:
	// spot, S3: 24.23 h, 2 interruptions, 1m3s redone, 24.2875 instance-hours, $14.859331958 compute, $0.41 storage, $15.266336785 total
	// spot, EBS: 26.21 h, 2 interruptions, 49m22s redone, 26.2694 instance-hours, $16.032169042 compute, $0.49 storage, $16.657340158 total
	// on-demand, S3: 24.03 h, 0 interruptions, 0s redone, 24.0292 instance-hours, $73.52925 compute, $0.19 storage, $73.723728661 total
}
