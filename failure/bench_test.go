package failure_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/failure"
	"github.com/nimbus-sim/nimbus/sim"
	"github.com/nimbus-sim/nimbus/sim/study"
)

// BenchmarkHostFailures runs crash/repair renewal processes on 1,000 hosts
// of 40 racks plus correlated rack outages, and reports faults applied per
// second of wall time.
func BenchmarkHostFailures(b *testing.B) {
	var topo failure.Topology
	topo.Add(failure.AZ, "az", "")
	for r := range 40 {
		rack := fmt.Sprint("rack-", r)
		topo.Add(failure.Rack, rack, "az")
		for h := range 25 {
			topo.Add(failure.Host, fmt.Sprintf("h-%d-%d", r, h), rack)
		}
	}
	env := sim.New(1)
	defer env.Close()
	w := &countingHosts{}
	h := newHarness(b, env, w)
	h.Start(
		failure.DomainFailures(&topo, failure.Host, 1000*time.Hour, 4*time.Hour),
		failure.DomainFailures(&topo, failure.Rack, 10000*time.Hour, 2*time.Hour),
	)
	b.ReportAllocs()
	b.ResetTimer()
	start := len(h.Windows())
	for range b.N {
		env.RunFor(time.Hour)
	}
	faults := len(h.Windows()) - start
	b.ReportMetric(float64(faults)/b.Elapsed().Seconds(), "faults/s")
	b.ReportMetric(float64(faults)/float64(b.N), "faults/simhour")
}

type countingHosts struct{ down, up int }

func (c *countingHosts) FailHost(string) error   { c.down++; return nil }
func (c *countingHosts) RepairHost(string) error { c.up++; return nil }

// BenchmarkCheckpointStudy runs the Young/Daly checkpointed job (8 h of
// work, tau = 600 s, Exp(1 h) failures injected by a Recurring fault) as a
// study on all cores and reports replications per second.
func BenchmarkCheckpointStudy(b *testing.B) {
	cfg := study.Config{Seed: 1, Reps: b.N, Points: []study.Point{study.Pt("tau_s", 600)}}
	b.ReportAllocs()
	if _, err := study.Run(context.Background(), cfg, checkpointJob); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "reps/s")
}
