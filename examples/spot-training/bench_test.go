package main

import (
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/sim"
)

// BenchmarkReplication measures one replication of the default scenario
// (spot, Daly's interval) for each store, with the notice as an event and
// with IMDS polled every 5 s, and reports replications per second (of
// one core with -cpu 1). Its Envs pool their coroutines, as study.Run's
// do. The S3 store's cost is mostly its requests: PartSize sets how many
// a checkpoint makes.
func BenchmarkReplication(b *testing.B) {
	for _, store := range []Store{StoreS3, StoreEBS} {
		cfg := DefaultConfig()
		cfg.Store = store
		cfg, err := cfg.Calibrate()
		if err != nil {
			b.Fatal(err)
		}
		_, _, _, td := theoryOf(cfg)
		cfg.Interval = time.Duration(toEpochs(cfg, td)/cfg.Epoch.Hours()+0.5) * cfg.Epoch
		for _, poll := range []time.Duration{0, 5 * time.Second} {
			c := cfg
			c.Poll = poll
			name := "store=" + string(store) + "/poll=event"
			if poll > 0 {
				name = "store=" + string(store) + "/poll=" + poll.String()
			}
			b.Run(name, func(b *testing.B) {
				b.ReportAllocs()
				for i := 0; b.Loop(); i++ {
					// As study.Run makes the replications' Envs (main's sweep).
					env := sim.New(uint64(i), sim.WithPooledCoroutines())
					if _, err := Simulate(env, c); err != nil {
						b.Fatal(err)
					}
					env.Close()
				}
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "reps/s")
			})
		}
	}
}
