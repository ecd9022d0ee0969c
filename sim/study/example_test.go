package study_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
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

// A study writing its rows to a file survives being killed: run again
// with the same configuration, it keeps the rows the file holds, drops the
// row the kill tore, and runs only the rest.
func ExampleConfig_rowFile() {
	dir, _ := os.MkdirTemp("", "study")
	defer os.RemoveAll(dir)
	cfg := study.Config{Name: "demo", Version: "v1", Seed: 3, Reps: 5, Workers: 1, RowFile: filepath.Join(dir, "rows.jsonl")}
	fn := func(rep *study.Rep) study.Result {
		return study.Result{"x": rep.Env.Rand("x").Float64()}
	}
	if _, err := study.Run(context.Background(), cfg, fn); err != nil {
		fmt.Println(err)
		return
	}
	whole, _ := os.ReadFile(cfg.RowFile)

	// What a kill in the middle of writing the fourth row leaves behind:
	// the header, three rows and half of the fourth.
	lines := bytes.SplitAfter(whole, []byte("\n"))
	torn := append(bytes.Join(lines[:4], nil), lines[4][:len(lines[4])/2]...)
	os.WriteFile(cfg.RowFile, torn, 0o644)

	ran := 0
	cfg.Progress = func(p study.Progress) { fmt.Printf("%d/%d done, %d resumed\n", p.Done, p.Total, p.Resumed) }
	res, err := study.Run(context.Background(), cfg, func(rep *study.Rep) study.Result { ran++; return fn(rep) })
	if err != nil {
		fmt.Println(err)
		return
	}
	again, _ := os.ReadFile(cfg.RowFile)
	fmt.Println("replications run again:", ran, "rows:", len(res.Rows), "same file:", bytes.Equal(again, whole))

	// Another configuration is refused, and the file left alone.
	cfg.Seed = 4
	_, err = study.Run(context.Background(), cfg, fn)
	var mismatch *study.MismatchError
	if errors.As(err, &mismatch) {
		fmt.Println("refused: its", mismatch.Field, "is", mismatch.File, "not", mismatch.Study)
	}
	// Output:
	// 3/5 done, 3 resumed
	// 4/5 done, 3 resumed
	// 5/5 done, 3 resumed
	// replications run again: 2 rows: 5 same file: true
	// refused: its seed is 3 not 4
}
