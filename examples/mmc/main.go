// Command mmc runs an M/M/c queue as a Monte Carlo study and compares the
// simulated mean wait in queue with the Erlang C formula (L. Kleinrock, Queueing Systems Vol. 1, 1975;
// M. Harchol-Balter, Performance Modeling and Design of Computer Systems,
// 2013).
//
//	go run ./examples/mmc                                 # the whole sweep, on all cores
//	go run ./examples/mmc -shard 1/4 -out s1.jsonl -resume # one shard of it, resumable
//	go run ./examples/mmc -merge s*.jsonl                  # merge the shards
//
// The shard can also come from the batch system: with -shards N, a
// Kubernetes Indexed Job's JOB_COMPLETION_INDEX or a Slurm array's
// SLURM_ARRAY_TASK_ID picks the shard (see examples/cluster). With
// -resume the rows go to -out as they finish, and a run killed part-way
// continues where it stopped when started again with the same flags.
package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/nimbus-sim/nimbus/internal/cli"
	"github.com/nimbus-sim/nimbus/sim"
	"github.com/nimbus-sim/nimbus/sim/study"
	"github.com/nimbus-sim/nimbus/sim/study/plot"
)

func main() {
	err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	os.Exit(cli.Exit("mmc", err, os.Stderr))
}

// version names what decides the rows besides the seed, the points and the
// replication count: the scenario and its inputs. A row file of another
// version is refused on -resume instead of being continued with rows that
// measure something else.
func version(o *options) string {
	return fmt.Sprintf("mmc/1 customers=%d warmup=%d", o.customers, o.warmup)
}

// points are Erlang C check points (mu = 1): a light
// single server, a heavily loaded pair, and two larger pools.
var points = []study.Point{
	study.Pt("c", 1, "lambda", 0.5),
	study.Pt("c", 2, "lambda", 1.8),
	study.Pt("c", 4, "lambda", 3.2),
	study.Pt("c", 16, "lambda", 12.0),
}

type options struct {
	seed       uint64
	reps       int
	customers  int
	warmup     int
	workers    int
	shard      study.Shard
	shards     int
	out        string
	summary    string
	plot       string
	merge      bool
	resume     bool
	quiet      bool
	shardFiles []string
}

func parse(args []string, stderr io.Writer) (*options, error) {
	o := &options{}
	fs := cli.NewFlagSet("mmc", stderr, cli.AtParse)
	fs.Uint64Var(&o.seed, "seed", 1, "study seed")
	fs.IntVar(&o.reps, "reps", 30, "replications per sweep point")
	fs.IntVar(&o.customers, "customers", 10000, "customers measured per replication")
	fs.IntVar(&o.warmup, "warmup", 1000, "customers discarded at the start of each replication")
	fs.IntVar(&o.workers, "workers", 0, "worker goroutines (0: GOMAXPROCS)")
	fs.Var(&o.shard, "shard", "run only shard k/n of the study")
	fs.IntVar(&o.shards, "shards", 0, "number of shards, with the index from JOB_COMPLETION_INDEX (Kubernetes); a Slurm array needs neither flag")
	fs.StringVar(&o.out, "out", "", "write the rows to this file (.jsonl or .csv); {shard} in the name becomes the shard index")
	fs.BoolVar(&o.resume, "resume", false, "write the rows to -out (.jsonl) as they finish, and if it exists continue the study it holds")
	fs.StringVar(&o.summary, "summary", "", "write the summaries to this file (.csv or .json)")
	fs.StringVar(&o.plot, "plot", "", "write a box plot of the waits relative to Erlang C (.svg or .png)")
	fs.BoolVar(&o.merge, "merge", false, "merge the shard files given as arguments (or glob patterns) instead of running")
	fs.BoolVar(&o.quiet, "q", false, "no progress bar")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: mmc [flags]                 run the M/M/c study (or one shard of it)\n"+
			"       mmc -merge [flags] file...  merge shard files (globs allowed)\n")
		fs.PrintDefaults()
	}
	var err error
	if o.shardFiles, err = parseInterspersed(fs, args); err != nil {
		return nil, err // -h, or a usage error the flag package has explained
	}
	if o.reps < 1 || o.reps > 1_000_000 {
		return nil, cli.Errorf("-reps %d: want 1 to 1000000", o.reps)
	}
	if o.workers < 0 {
		return nil, cli.Errorf("-workers %d is negative (0: GOMAXPROCS)", o.workers)
	}
	if o.shards < 0 {
		return nil, cli.Errorf("-shards %d is negative", o.shards)
	}
	// A replication with no measured customer has no mean wait (0/0);
	// reject the counts rather than print NaN.
	if o.customers < 1 {
		return nil, cli.Errorf("-customers %d: need at least one measured customer", o.customers)
	}
	if o.warmup < 0 {
		return nil, cli.Errorf("-warmup %d is negative", o.warmup)
	}
	if o.merge != (len(o.shardFiles) > 0) {
		return nil, cli.Errorf("-merge takes the shard files as arguments, and arguments need -merge")
	}
	if o.resume {
		switch {
		case o.merge:
			return nil, cli.Errorf("-resume continues a run; a merge is rerun whole")
		case o.out == "":
			return nil, cli.Errorf("-resume needs -out, the row file to continue")
		case format(o.out, study.JSONL) != study.JSONL:
			return nil, cli.Errorf("-resume -out %s: rows are written as they finish only as JSON Lines (.jsonl); a CSV header lists every metric, so CSV is written at the end", o.out)
		}
	}
	return o, nil
}

// parseInterspersed parses flags wherever they appear among the
// arguments (mmc -merge s*.jsonl -summary all.csv), as the flag package
// alone stops at the first argument that is not a flag. "--" ends the
// flags.
func parseInterspersed(fs *cli.FlagSet, args []string) ([]string, error) {
	var rest []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		left := fs.Args()
		if len(left) == 0 {
			return rest, nil
		}
		if used := len(args) - len(left); used > 0 && args[used-1] == "--" {
			return append(rest, left...), nil
		}
		rest = append(rest, left[0])
		args = left[1:]
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	o, err := parse(args, stderr)
	if err != nil {
		return err
	}
	var res *study.Results
	if o.merge {
		if res, err = mergeFiles(o.shardFiles); err != nil {
			return err
		}
	} else {
		if o.shard == (study.Shard{}) {
			// No -shard: a batch system may have assigned one.
			s, ok, err := study.ShardFromEnv(getenv, o.shards)
			if err != nil {
				return err
			}
			if !ok && o.shards > 0 {
				return fmt.Errorf("-shards %d but neither JOB_COMPLETION_INDEX nor SLURM_ARRAY_TASK_ID is set", o.shards)
			}
			o.shard = s
		}
		// A shard's rows are a part of the study; summaries and plots of
		// a part would be wrong, and writing none silently surprises.
		if o.shard.Count > 1 && (o.summary != "" || o.plot != "") {
			return fmt.Errorf("shard %v: -summary and -plot need the whole study; pass them to the -merge step", o.shard)
		}
		o.out = strings.ReplaceAll(o.out, "{shard}", strconv.Itoa(o.shard.Index))
		cfg := study.Config{Name: "mmc", Version: version(o), Seed: o.seed, Reps: o.reps, Points: points, Workers: o.workers, Shard: o.shard}
		if o.resume {
			cfg.RowFile = o.out
		}
		if bar := newBar(stderr, o.quiet); bar != nil {
			cfg.Progress = bar.update
			defer bar.finish()
		}
		if res, err = study.Run(ctx, cfg, scenario(o.customers, o.warmup)); err != nil {
			return err
		}
	}
	if o.out != "" && !o.resume {
		o.out = strings.ReplaceAll(o.out, "{shard}", strconv.Itoa(res.Meta.Shard.Index))
		if err := study.WriteFile(o.out, func(w io.Writer) error { return res.WriteRows(w, format(o.out, study.JSONL)) }); err != nil {
			return err
		}
	}
	if res.Meta.Shard.Count > 1 {
		fmt.Fprintf(stdout, "shard %v: %d replications done; merge the shard files with -merge\n", res.Meta.Shard, len(res.Rows))
		return nil
	}
	if o.summary != "" {
		if err := study.WriteFile(o.summary, func(w io.Writer) error { return res.WriteSummaries(w, format(o.summary, study.CSV), 0.95) }); err != nil {
			return err
		}
	}
	if o.plot != "" {
		ext := strings.TrimPrefix(filepath.Ext(o.plot), ".")
		if err := study.WriteFile(o.plot, func(w io.Writer) error { return plot.Box(w, ext, res, "wq_ratio") }); err != nil {
			return err
		}
	}
	report(stdout, res)
	return nil
}

// bar draws a progress bar on stderr when it is a terminal. It is made at
// the first report, which knows the total and how much a resumed run
// found done. The bar's own time prediction would count resumed rows as
// done at once and promise far too early an end, so the ETA shown is the
// study's, which extrapolates only this run's work.
type bar struct {
	f   *os.File
	bar *progressbar.ProgressBar
}

func newBar(stderr io.Writer, quiet bool) *bar {
	f, ok := stderr.(*os.File)
	if quiet || !ok {
		return nil
	}
	if fi, err := f.Stat(); err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return nil
	}
	return &bar{f: f}
}

func (b *bar) update(p study.Progress) {
	if b.bar == nil {
		b.bar = progressbar.NewOptions(p.Total, progressbar.OptionSetWriter(b.f),
			progressbar.OptionShowCount(), progressbar.OptionSetPredictTime(false),
			progressbar.OptionClearOnFinish(), progressbar.OptionThrottle(100*time.Millisecond))
	}
	b.bar.Describe(describe(p))
	b.bar.Set(p.Done)
}

func (b *bar) finish() {
	if b.bar != nil {
		b.bar.Finish()
	}
}

// describe labels the bar: how many replications a resume found done,
// and the time left at this run's rate.
func describe(p study.Progress) string {
	d := "replications"
	if p.Resumed > 0 {
		d += fmt.Sprintf(" (%d resumed)", p.Resumed)
	}
	if p.Done > p.Resumed && p.Done < p.Total {
		d += ", " + p.ETA.Round(time.Second).String() + " left"
	}
	return d
}

func format(path string, def study.Format) study.Format {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		return study.CSV
	case ".json":
		return study.JSON
	case ".jsonl":
		return study.JSONL
	}
	return def
}

// mergeFiles reads and merges shard files. Arguments with glob
// metacharacters are expanded (for batch systems that run the merge
// without a shell).
func mergeFiles(args []string) (*study.Results, error) {
	var paths []string
	for _, a := range args {
		if !strings.ContainsAny(a, "*?[") {
			paths = append(paths, a)
			continue
		}
		m, err := filepath.Glob(a)
		if err != nil {
			return nil, err
		}
		if len(m) == 0 {
			return nil, fmt.Errorf("no shard files match %q", a)
		}
		paths = append(paths, m...)
	}
	var parts []*study.Results
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return nil, err
		}
		r, err := study.ReadRows(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		parts = append(parts, r)
	}
	return study.Merge(parts...)
}

// erlangCWait is the mean wait in queue of an M/M/c queue with service
// rate 1: Wq = C(c, a) / (c - lambda), a = lambda.
func erlangCWait(c int, lambda float64) float64 {
	term, sum := 1.0, 0.0 // a^k/k!
	for k := range c {
		sum += term
		term *= lambda / float64(k+1)
	}
	top := term * float64(c) / (float64(c) - lambda)
	return top / (sum + top) / (float64(c) - lambda)
}

// scenario simulates one replication: Poisson arrivals at rate lambda,
// c servers with Exp(1 s) service, one process per customer holding a
// server of a sim.Resource; it reports the mean wait in queue of the
// customers after warm-up, and that wait over Erlang C's.
func scenario(customers, warmup int) func(rep *study.Rep) study.Result {
	return func(rep *study.Rep) study.Result {
		env := rep.Env
		c, lambda := int(rep.Param("c")), rep.Param("lambda")
		servers := sim.NewResource(env, "servers", c)
		arrivals, service := env.Rand("mmc/arrivals"), env.Rand("mmc/service")
		gap := time.Duration(float64(time.Second) / lambda)
		var waited time.Duration
		n := 0
		env.Go("source", func(p *sim.Proc) {
			for i := range warmup + customers {
				p.Sleep(sim.Exp(arrivals, gap))
				counted := i >= warmup
				env.Go("customer", func(q *sim.Proc) {
					t0 := q.Now()
					servers.Acquire(q)
					if counted {
						waited += q.Now().Sub(t0)
						n++
					}
					q.Sleep(sim.Exp(service, time.Second))
					servers.Release()
				})
			}
		})
		env.Run()
		wq := waited.Seconds() / float64(n)
		return study.Result{"wq_s": wq, "wq_ratio": wq / erlangCWait(c, lambda)}
	}
}

func report(w io.Writer, res *study.Results) {
	fmt.Fprintf(w, "M/M/c mean wait in queue (mu = 1/s), %d replications per point, seed %d\n", res.Meta.Reps, res.Meta.Seed)
	fmt.Fprintf(w, "%4s %7s %5s   %-30s %10s\n", "c", "lambda", "rho", "simulated Wq, 95% CI (s)", "Erlang C")
	for pi, p := range res.Meta.Points {
		c, _ := p.Get("c")
		lambda, _ := p.Get("lambda")
		s := res.Summary(pi, "wq_s", 0.95)
		want := erlangCWait(int(c), lambda)
		mark := "inside CI"
		switch {
		case math.IsNaN(s.CILow) || math.IsNaN(s.CIHigh):
			// One replication (or none) gives no interval to judge by.
			mark = "no CI (need 2+ replications)"
		case want < s.CILow || want > s.CIHigh:
			mark = "OUTSIDE CI"
		}
		ci := fmt.Sprintf("%.4f [%.4f, %.4f]", s.Mean, s.CILow, s.CIHigh)
		fmt.Fprintf(w, "%4.0f %7.2f %5.2f   %-30s %10.6f  %s\n", c, lambda, lambda/c, ci, want, mark)
	}
}
