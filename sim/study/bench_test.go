package study_test

import (
	"context"
	"fmt"
	"runtime"
	"testing"

	"github.com/nimbus-sim/nimbus/sim/study"
)

// BenchmarkStudy measures replications per second of the reference
// scenario (an M/M/1 queue at ρ = 0.5 serving 100 customers, about 400
// events and 200 process switches per replication) on one worker and on
// all cores (GOMAXPROCS workers).
func BenchmarkStudy(b *testing.B) {
	for _, workers := range []int{1, runtime.GOMAXPROCS(0)} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			cfg := study.Config{Seed: 1, Reps: b.N, Workers: workers}
			b.ReportAllocs()
			if _, err := study.Run(context.Background(), cfg, mm1(100)); err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "reps/s")
		})
	}
}
