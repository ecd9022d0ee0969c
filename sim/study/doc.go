// Package study runs Monte Carlo studies of nimbus scenarios: many
// replications, each in its own sim.Env, on all cores or sharded across a
// cluster, with summaries, confidence intervals and output files, resuming
// where a killed run stopped.
//
// # Usage
//
//	cfg := study.Config{
//		Seed:   1,
//		Reps:   1000,
//		Points: study.Grid(study.Axis{Name: "interval_s", Values: []float64{300, 600, 1200}}),
//	}
//	res, err := study.Run(ctx, cfg, func(rep *study.Rep) study.Result {
//		env := rep.Env // seeded with study.SeedOf(cfg.Seed, rep.Index); Run closes it
//		... build the scenario, env.RunUntil(...) ...
//		return study.Result{"wall_h": wall.Hours(), "lost_h": lost.Hours()}
//	})
//	for _, s := range res.Summaries(0.95) {
//		fmt.Println(s.Params, s.Metric, s.Mean, s.CILow, s.CIHigh)
//	}
//	res.WriteRows(f, study.CSV)
//	err = study.WriteFile("summary.csv", func(w io.Writer) error {
//		return res.WriteSummaries(w, study.CSV, 0.95)
//	})
//
// # Determinism
//
// Replication i of every sweep point runs with the seed
// sim.DeriveSeed(Seed, i) (common random numbers: points are compared on
// the same draws). Rows are stored by (point, index) and summaries sum
// them in that order, so results are bit-identical whatever the number
// of workers or shards. The worker goroutines live only inside Run; each
// Env is driven by one goroutine, as package sim requires.
//
// # Sharding
//
// Shard k of n runs the replications with global index k, k+n, ... (the
// global index is point×Reps + replication). The shard comes from a flag
// (*Shard is a flag.Value) or from the batch system via ShardFromEnv:
// JOB_COMPLETION_INDEX in a Kubernetes Indexed Job, SLURM_ARRAY_TASK_ID in
// a Slurm job array. Each shard writes its rows (WriteRows, JSON Lines or
// CSV, headed by a line describing the study); ReadRows and Merge put the
// shards back together, checking that every shard is there exactly once,
// and the merged results write byte-identical files to a single-process
// run. See examples/cluster for a Kubernetes manifest and a Slurm script.
//
// # Resuming
//
// Machines running long studies get preempted: spot nodes under a
// Kubernetes Job, Slurm tasks on a preemptible partition. With
// Config.RowFile set, Run appends each row to that JSON Lines file as soon
// as it and every row before it are done, one write per row, so a killed
// process leaves a prefix of the finished file and at most one torn final
// row. Rerunning the same configuration resumes: Run checks that the
// file's header describes this study, refusing it otherwise with a
// *MismatchError naming the first field that differs (name, version,
// seed, reps, points or shard); it cuts off a torn final row, keeps the
// rows before it, and runs only the rest. Since every replication's seed
// depends only on the study seed and its index, the finished file is
// byte-identical to an uninterrupted run's, and Merge cannot tell a
// resumed shard from another. A file that is not a study's row file, or
// is a CSV one, is refused and left as it is. Progress counts the resumed
// rows in Done and reports them as Resumed. Summaries and plots, written
// once at the end, go through WriteFile, which writes a temporary file and
// renames it into place.
//
// # Failed replications
//
// A replication that panics, or reports an error with Rep.Fail (such as
// the injection errors of a failure.Harness), gets a row whose Err names
// its seed and the Replay call that reruns it; summaries skip it and count
// it under Errors.
//
// # Reproducing one replication
//
// Every row carries its point, replication index and seed, and a note the
// replication may attach (Rep.SetNote), such as the fault plan it drew
// from its seed with failure.DrawPlan. Replay reruns
// one replication alone with tracing on, so an outlier can be opened as a
// timeline.
//
// Plots of results are drawn by package sim/study/plot, so that this
// package does not depend on a plotting library.
package study
