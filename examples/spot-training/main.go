// Command spot-training answers an ML engineer's question: what does a
// training job cost, and how long does it take, on spot p3.2xlarge
// instances versus on-demand — and how often should it checkpoint?
//
//	go run ./examples/spot-training                 # the sweep, on all cores
//	go run ./examples/spot-training -plot wall.svg  # and a mean ± CI plot
//	go run ./examples/spot-training -reps 1000 -seed 7 -workers 2
//
// The job needs W hours of GPU compute. A driver (the engineer's script,
// with an IAM user whose policy allows what it calls) creates a gp3
// checkpoint volume and launches a spot p3.2xlarge with an instance
// profile; the trainer on the instance reads its role's credentials from
// the metadata service, attaches the volume, restores the last checkpoint,
// and computes, writing its state to the volume every tau. It polls
// spot/instance-action every 5 s; on a notice it stops (a 16 GiB
// checkpoint takes longer than the two minutes' notice) and the driver
// launches a replacement at once. Interruptions come from ec2's
// statistical spot model at p3.2xlarge's Spot Instance Advisor bucket
// (">20%", https://aws.amazon.com/ec2/spot/instance-advisor/) plus reclaim storms (failure.SpotStorm); the
// money comes from billing's invoices.
//
// If the volume's zone runs out of p3 capacity, the driver launches in
// another zone and carries the checkpoint there by snapshot.
//
// A sim/study sweep over tau, including Young's and Daly's optimum for the
// interruption rate (Young 1974, Daly 2006; see theory.go), runs N replications per
// interval and prints wall time, interruptions, lost work and cost with 95%
// confidence intervals, next to the same job on on-demand capacity and to
// the closed-form mean wall time (ExpectedWall: Daly's, extended with the
// two-minute notice). See README.md for the figures at the default seed.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/nimbus-sim/nimbus/ec2"
	"github.com/nimbus-sim/nimbus/sim/study"
	"github.com/nimbus-sim/nimbus/sim/study/plot"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "spot-training:", err)
		os.Exit(1)
	}
}

type options struct {
	cfg     Config
	seed    uint64
	reps    int
	workers int
	plot    string
	summary string
	trace   string
	quiet   bool
	// sens prints the sensitivity table instead of the sweep.
	sens bool
}

func parse(args []string, stderr io.Writer) (*options, error) {
	o := &options{cfg: DefaultConfig()}
	fs := flag.NewFlagSet("spot-training", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Uint64Var(&o.seed, "seed", 1, "study seed")
	fs.IntVar(&o.reps, "reps", 100, "replications per checkpoint interval")
	fs.IntVar(&o.workers, "workers", 0, "worker goroutines (0: GOMAXPROCS)")
	fs.StringVar(&o.plot, "plot", "", "write a plot of the mean wall time ± 95% CI against the interval (.svg or .png)")
	fs.StringVar(&o.summary, "summary", "", "write every summary to this file (.csv or .json)")
	fs.StringVar(&o.trace, "trace", "", "write the trace of replication 0 at Daly's interval (.json: Chrome/Perfetto; else text)")
	fs.BoolVar(&o.quiet, "q", false, "no progress bar")
	fs.BoolVar(&o.sens, "sensitivity", false, "print how the cheapest interval and its cost move with the storm rate, checkpoint size and spot discount (one at a time)")
	fs.DurationVar(&o.cfg.Work, "work", o.cfg.Work, "GPU compute the job needs (W)")
	fs.IntVar(&o.cfg.StateGiB, "state-gib", o.cfg.StateGiB, "checkpoint size in GiB (written to gp3 at 125 MiB/s)")
	fs.DurationVar(&o.cfg.Startup, "startup", o.cfg.Startup, "framework start on a fresh instance, before the restore")
	fs.DurationVar(&o.cfg.StormEvery, "storm-every", o.cfg.StormEvery, "mean time between reclaim storms per zone (0: the advisor bucket's rate alone)")
	fs.DurationVar(&o.cfg.Poll, "poll", o.cfg.Poll, "spot/instance-action poll period (0: wait for the notice event)")
	fs.Float64Var(&o.cfg.Savings, "savings", o.cfg.Savings, "spot discount off on-demand")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if o.reps < 2 {
		return nil, fmt.Errorf("-reps %d: need at least 2 for a confidence interval", o.reps)
	}
	return o, o.cfg.validate()
}

// theoryOf returns the interruption rate's MTTI M, the checkpoint time
// delta, and Young's and Daly's intervals, in hours.
func theoryOf(cfg Config) (m, delta, tauYoung, tauDaly float64) {
	m = 1 / cfg.Hazard()
	delta = cfg.CheckpointTime().Hours()
	return m, delta, young(delta, m), daly(delta, m)
}

// intervals is the sweep, in hours: Young's and Daly's optimum and
// multiples of Daly's from 1/4 to 8. Intervals beyond W are one segment
// ("never", only the final save); that point appears only when
// interruptions are rare enough for 8x Daly's interval to exceed W, since
// with M well below W never checkpointing has so heavy a tail that a
// replication can outlast any horizon.
func intervals(cfg Config) []float64 {
	_, _, ty, td := theoryOf(cfg)
	taus := []float64{td / 4, td / 2, td, ty, 2 * td, 4 * td, 8 * td}
	for i, tau := range taus { // beyond W every interval is one segment
		taus[i] = min(tau, cfg.Work.Hours())
	}
	slices.Sort(taus)
	return slices.Compact(taus)
}

func hours(h float64) time.Duration { return time.Duration(math.Round(h * float64(time.Hour))) }

// scenario is one replication: the job at the point's interval (tau_h),
// on spot or (tau_h = 0) on-demand.
func scenario(base Config) func(rep *study.Rep) study.Result {
	return func(rep *study.Rep) study.Result {
		cfg := base
		if tau := rep.Param("tau_h"); tau > 0 {
			cfg.Interval = hours(tau)
		} else {
			cfg.OnDemand, cfg.Interval = true, cfg.Work
		}
		out, err := Simulate(rep.Env, cfg)
		if err != nil {
			panic(err) // recorded in the row with the Replay call that reproduces it
		}
		return study.Result{
			"wall_h":        out.Wall.Hours(),
			"interruptions": float64(out.Interruptions),
			"lost_h":        out.Lost.Hours(),
			"instance_h":    ratFloat(out.InstanceHours),
			"compute_usd":   out.ComputeCost.Dollars(),
			"total_usd":     out.TotalCost.Dollars(),
		}
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parse(args, stderr)
	if err != nil {
		return err
	}
	if o.cfg.Hazard() <= 0 {
		return fmt.Errorf("no interruption rate to optimise for")
	}
	if o.sens {
		return sensitivity(ctx, o, stdout, stderr)
	}
	points := []study.Point{study.Pt("tau_h", 0)} // on-demand
	for _, tau := range intervals(o.cfg) {
		points = append(points, study.Pt("tau_h", tau))
	}
	cfg := study.Config{Name: "spot-training", Seed: o.seed, Reps: o.reps, Points: points, Workers: o.workers}
	if bar := progressBar(stderr, o.quiet, len(points)*o.reps); bar != nil {
		cfg.Progress = func(p study.Progress) { bar.Set(p.Done) }
		defer bar.Finish()
	}
	res, err := study.Run(ctx, cfg, scenario(o.cfg))
	if err != nil {
		return err
	}
	for _, row := range res.Rows {
		if row.Err != "" {
			return fmt.Errorf("replication %d of point %v failed: %s", row.Rep, res.Meta.Points[row.Point], row.Err)
		}
	}
	if o.summary != "" {
		format := study.CSV
		if strings.EqualFold(filepath.Ext(o.summary), ".json") {
			format = study.JSON
		}
		if err := writeFile(o.summary, func(w io.Writer) error { return res.WriteSummaries(w, format, 0.95) }); err != nil {
			return err
		}
	}
	if o.plot != "" {
		spot := &study.Results{Meta: res.Meta, Rows: nil}
		spot.Meta.Points = res.Meta.Points[1:]
		for _, row := range res.Rows {
			if row.Point > 0 {
				row.Point--
				spot.Rows = append(spot.Rows, row)
			}
		}
		ext := strings.TrimPrefix(filepath.Ext(o.plot), ".")
		if err := writeFile(o.plot, func(w io.Writer) error { return plot.MeanCI(w, ext, spot, "wall_h", "tau_h", 0.95) }); err != nil {
			return err
		}
	}
	if o.trace != "" {
		if err := writeTrace(o.trace, cfg, o.cfg); err != nil {
			return err
		}
	}
	report(stdout, o, res)
	return nil
}

// writeTrace replays replication 0 at Daly's interval with the trace on
// and writes it.
func writeTrace(path string, cfg study.Config, base Config) error {
	cfg.Progress = nil
	_, _, _, td := theoryOf(base)
	pi := 0
	for i, p := range cfg.Points {
		if tau, _ := p.Get("tau_h"); tau > 0 && (pi == 0 || math.Abs(tau-td) < 1e-12) {
			pi = i
		}
	}
	_, tr, err := study.Replay(cfg, pi, 0, scenario(base))
	if err != nil {
		return err
	}
	return writeFile(path, func(w io.Writer) error {
		if strings.EqualFold(filepath.Ext(path), ".json") {
			return tr.WriteChromeJSON(w)
		}
		return tr.WriteText(w)
	})
}

// modelApplies reports whether ExpectedWall describes the job: it
// assumes no checkpoint fits in the notice lead.
func modelApplies(cfg Config) bool { return cfg.CheckpointTime() > ec2.NoticeLead }

// modelOptimum is the interval minimising ExpectedWall, in hours, found
// by a scan on a log grid from Daly's tau/10 to 10x, refined around the
// best point.
func modelOptimum(cfg Config, tauDaly float64) float64 {
	best, bestE := tauDaly, ExpectedWall(cfg, tauDaly)
	lo, hi := math.Log(tauDaly/10), math.Log(tauDaly*10)
	for range 3 {
		step := (hi - lo) / 200
		for x := lo; x <= hi; x += step {
			if e := ExpectedWall(cfg, math.Exp(x)); e < bestE {
				best, bestE = math.Exp(x), e
			}
		}
		lo, hi = math.Log(best)-2*step, math.Log(best)+2*step
	}
	return best
}

func report(w io.Writer, o *options, res *study.Results) {
	cfg := o.cfg
	m, delta, ty, td := theoryOf(cfg)
	fmt.Fprintf(w, "Training job: %s of GPU compute on p3.2xlarge (us-east-1), %d GiB checkpoints on gp3 (%.1f min each)\n",
		short(cfg.Work), cfg.StateGiB, delta*60)
	fmt.Fprintf(w, "Spot interruptions: advisor bucket %v (MTTI %.0f h)", cfg.Bucket, 1/hazard(cfg.Bucket, 0))
	if cfg.StormEvery > 0 {
		fmt.Fprintf(w, " + reclaim storms every %s per zone", short(cfg.StormEvery))
	}
	fmt.Fprintf(w, " -> M = %.2f h\n", m)
	fmt.Fprintf(w, "Young tau = %.1f min, Daly tau = %.1f min", ty*60, td*60)
	if modelApplies(cfg) {
		fmt.Fprintf(w, ", model optimum %.1f min", modelOptimum(cfg, td)*60)
	}
	fmt.Fprintf(w, "; %d replications per row, seed %d, 95%% CIs\n\n", res.Meta.Reps, res.Meta.Seed)
	fmt.Fprintf(w, "%-22s %-23s %7s %7s %7s %-23s %-23s\n", "checkpoint every", "wall time (h)", "model", "interr.", "lost h", "instance cost ($)", "total cost ($)")
	ci := func(s study.Summary, prec int) string {
		return fmt.Sprintf("%.*f [%.*f, %.*f]", prec, s.Mean, prec, s.CILow, prec, s.CIHigh)
	}
	mean := func(pi int, metric string) float64 { return res.Summary(pi, metric, 0.95).Mean }
	bestWall, bestCost := 1, 1
	for pi := 1; pi < len(res.Meta.Points); pi++ {
		if mean(pi, "wall_h") < mean(bestWall, "wall_h") {
			bestWall = pi
		}
		if mean(pi, "total_usd") < mean(bestCost, "total_usd") {
			bestCost = pi
		}
	}
	for pi, p := range res.Meta.Points {
		tau, _ := p.Get("tau_h")
		label, model := "on-demand (final save)", "-"
		if pi == 0 {
			od := cfg
			od.OnDemand = true
			model = fmt.Sprintf("%.2f", ExpectedWall(od, cfg.Work.Hours()))
		} else {
			label = fmt.Sprintf("%.1f min", tau*60)
			switch {
			case tau == td:
				label += " (Daly)"
			case tau == ty:
				label += " (Young)"
			case tau >= cfg.Work.Hours():
				label = "never (final save)"
			}
			if modelApplies(cfg) {
				model = fmt.Sprintf("%.2f", ExpectedWall(cfg, tau))
			}
		}
		if pi == bestWall {
			label += " *"
		}
		fmt.Fprintf(w, "%-22s %-23s %7s %7.2f %7.2f %-23s %-23s\n", label,
			ci(res.Summary(pi, "wall_h", 0.95), 2), model, mean(pi, "interruptions"), mean(pi, "lost_h"),
			ci(res.Summary(pi, "compute_usd", 0.95), 2), ci(res.Summary(pi, "total_usd", 0.95), 2))
	}
	tau, _ := res.Meta.Points[bestCost].Get("tau_h")
	every := fmt.Sprintf("every %.1f min", tau*60)
	if tau >= cfg.Work.Hours() {
		every = "never (final save only)"
	}
	od, b := mean(0, "total_usd"), mean(bestCost, "total_usd")
	fmt.Fprintf(w, "\n* lowest mean wall time; model: the closed-form mean wall time (Daly's, with the two-minute notice).\n")
	fmt.Fprintf(w, "Cheapest on spot: checkpointing %s, $%.2f vs $%.2f on-demand (%.0f%% less), %.1f%% longer.\n",
		every, b, od, 100*(1-b/od), 100*(mean(bestCost, "wall_h")/mean(0, "wall_h")-1))
}

// short prints a duration without trailing zero units ("24h", "1h30m").
func short(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

func ratFloat(r interface{ Float64() (float64, bool) }) float64 {
	f, _ := r.Float64()
	return f
}

// progressBar returns a bar on stderr if it is a terminal, else nil.
func progressBar(stderr io.Writer, quiet bool, total int) *progressbar.ProgressBar {
	f, ok := stderr.(*os.File)
	if quiet || !ok {
		return nil
	}
	if fi, err := f.Stat(); err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return nil
	}
	return progressbar.NewOptions(total, progressbar.OptionSetWriter(f),
		progressbar.OptionSetDescription("replications"), progressbar.OptionShowCount(),
		progressbar.OptionSetPredictTime(true), progressbar.OptionClearOnFinish(),
		progressbar.OptionThrottle(100*time.Millisecond))
}

func writeFile(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	return f.Close()
}
