package main

import (
	"testing"

	"github.com/nimbus-sim/nimbus/sim"
)

// BenchmarkReplication measures one replication of the default scenario
// (spot, Daly's interval, IMDS polled every 5 s) and reports replications
// per second of one core.
func BenchmarkReplication(b *testing.B) {
	cfg := DefaultConfig()
	_, _, _, td := theoryOf(cfg)
	cfg.Interval = hours(td)
	for _, poll := range []struct {
		name string
		cfg  Config
	}{{"poll=5s", cfg}, {"poll=event", func() Config { c := cfg; c.Poll = 0; return c }()}} {
		b.Run(poll.name, func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				env := sim.New(uint64(i))
				if _, err := Simulate(env, poll.cfg); err != nil {
					b.Fatal(err)
				}
				env.Close()
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "reps/s")
		})
	}
}
