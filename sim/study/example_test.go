package study_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/nimbus-sim/nimbus/sim"
	"github.com/nimbus-sim/nimbus/sim/study"
)

// Estimate the mean of an exponential service time with two sweep points.
func Example() {
	cfg := study.Config{
		Seed:   7,
		Reps:   2000,
		Points: study.Grid(study.Axis{Name: "mean_s", Values: []float64{1, 10}}),
	}
	res, err := study.Run(context.Background(), cfg, func(rep *study.Rep) study.Result {
		mean := time.Duration(rep.Param("mean_s") * float64(time.Second))
		var done time.Duration
		rep.Env.Go("job", func(p *sim.Proc) {
			p.Sleep(sim.Exp(rep.Env.Rand("service"), mean))
			done = p.Now().Duration()
		})
		rep.Env.Run()
		return study.Result{"time_s": done.Seconds()}
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range res.Summaries(0.95) {
		fmt.Printf("%v: mean %.2f s, 95%% CI [%.2f, %.2f], n=%d\n", s.Params, s.Mean, s.CILow, s.CIHigh, s.N)
	}
	// Output:
	// mean_s=1: mean 1.01 s, 95% CI [0.96, 1.06], n=2000
	// mean_s=10: mean 10.08 s, 95% CI [9.60, 10.57], n=2000
}

func ExampleMerge() {
	cfg := study.Config{Seed: 3, Reps: 5}
	fn := func(rep *study.Rep) study.Result {
		return study.Result{"x": rep.Env.Rand("x").Float64()}
	}
	var shards []*study.Results
	for k := range 2 {
		c := cfg
		c.Shard = study.Shard{Index: k, Count: 2}
		r, _ := study.Run(context.Background(), c, fn)
		shards = append(shards, r)
	}
	merged, err := study.Merge(shards...)
	if err != nil {
		fmt.Println(err)
		return
	}
	merged.WriteSummaries(os.Stdout, study.CSV, 0.9)
	// Output:
	// point,metric,n,errors,level,mean,std,ci_low,ci_high,p50,p90,p99,min,max
	// 0,x,5,0,0.9,0.40734618625700103,0.22917453419673958,0.18885327854964937,0.6258390939643527,0.34576195756112615,0.6553180552535214,0.6553180552535214,0.11792585695582092,0.6553180552535214
}
