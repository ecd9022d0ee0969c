// Command spot-training answers an ML engineer's question: what does a
// training job cost, and how long does it take, on spot p3.2xlarge
// instances versus on-demand — and how often should it checkpoint?
//
//	go run ./examples/spot-training                 # the sweep, on all cores
//	go run ./examples/spot-training -store ebs      # checkpoints on a gp3 volume instead of S3
//	go run ./examples/spot-training -plot wall.svg -csv rows.csv -trace run.json
//	go run ./examples/spot-training -reps 1000 -seed 7 -workers 2
//
// The job needs W hours of GPU compute, in one-minute epochs. A driver
// (the engineer's script, with an IAM user whose policy allows what it
// calls) creates a VPC with a private route table holding an S3 gateway
// endpoint and the checkpoint bucket, and launches a spot p3.2xlarge with
// an instance profile in a private subnet of the zone (one subnet per
// zone used). The trainer on the instance follows the course's training
// script: credentials from the metadata service, the latest
// checkpoints/epoch_NNNN.pt found by ListObjectsV2 (paginated) and read
// with the transfer manager's Downloader, then compute, uploading the
// state every k epochs with the Uploader (multipart, PartSize parts),
// retrying S3 errors with capped exponential backoff and jitter. It polls
// spot/instance-action every 5 s and, on a notice, saves the last whole
// epoch if a checkpoint fits before the interruption; the driver launches
// a replacement at once. -store ebs keeps the state on a gp3 volume
// instead, carried to another zone by snapshot when capacity runs out.
// Interruptions come from ec2's statistical spot model at p3.2xlarge's
// Spot Instance Advisor bucket (">20%",
// https://aws.amazon.com/ec2/spot/instance-advisor/) plus reclaim storms
// (failure.SpotStorm); the money comes from billing's invoices.
//
// A sim/study sweep over the checkpoint interval, including Young's and
// Daly's optimum for the interruption rate and the measured S3 checkpoint
// time (Young 1974, Daly 2006; see theory.go), runs N replications per
// interval and prints checkpoints written, lost work, time checkpointing,
// wall time and cost with 95% confidence intervals, next to the same job
// on on-demand capacity and, when a notice loses work, to the closed-form
// mean wall time (ExpectedWall: Daly's, extended with the two-minute
// notice). See README.md for the figures at the default seed.
package main

import (
	"context"
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
	"github.com/nimbus-sim/nimbus/internal/cli"
	"github.com/nimbus-sim/nimbus/s3"
	"github.com/nimbus-sim/nimbus/sim/study"
	"github.com/nimbus-sim/nimbus/sim/study/plot"
)

func main() {
	cli.Main("spot-training", func(args []string, stdout, stderr io.Writer) error {
		return run(context.Background(), args, stdout, stderr)
	})
}

type options struct {
	cfg     Config
	seed    uint64
	reps    int
	workers int
	plot    string
	summary string
	csv     string
	trace   string
	quiet   bool
	// sens prints the sensitivity table instead of the sweep.
	sens bool
}

func parse(args []string, stderr io.Writer) (*options, error) {
	o := &options{cfg: DefaultConfig()}
	fs := cli.NewFlagSet("spot-training", stderr, cli.AtParse)
	store := string(o.cfg.Store)
	partMiB := o.cfg.PartSize >> 20
	fs.StringVar(&store, "store", store, "where checkpoints go: s3 (a bucket, through a gateway endpoint) or ebs (a gp3 volume)")
	fs.Uint64Var(&o.seed, "seed", 1, "study seed")
	fs.IntVar(&o.reps, "reps", 100, "replications per checkpoint interval (2..100000)")
	fs.IntVar(&o.workers, "workers", 0, "worker goroutines (0: GOMAXPROCS)")
	fs.StringVar(&o.plot, "plot", "", "write a plot of the mean wall time ± 95% CI against the interval (.svg or .png)")
	fs.StringVar(&o.summary, "summary", "", "write every summary to this file (.csv or .json)")
	fs.StringVar(&o.csv, "csv", "", "write every replication's metrics to this CSV file")
	fs.StringVar(&o.trace, "trace", "", "write the trace of replication 0 at Daly's interval (.json: Chrome/Perfetto; else text)")
	fs.BoolVar(&o.quiet, "q", false, "no progress bar and no speed line on stderr")
	fs.BoolVar(&o.sens, "sensitivity", false, "print how the cheapest interval and its cost move with the storm rate, the state size, the notice handling and the spot discount (one at a time)")
	fs.DurationVar(&o.cfg.Work, "work", o.cfg.Work, "GPU compute the job needs (W), whole epochs")
	fs.DurationVar(&o.cfg.Epoch, "epoch", o.cfg.Epoch, "compute per epoch (checkpoints fall on epoch boundaries)")
	fs.IntVar(&o.cfg.StateGiB, "state-gib", o.cfg.StateGiB, "checkpoint size in GiB")
	fs.Int64Var(&partMiB, "part-mib", partMiB, "S3 multipart part size in MiB (5..5120)")
	fs.DurationVar(&o.cfg.Startup, "startup", o.cfg.Startup, "framework start on a fresh instance, before the restore")
	fs.DurationVar(&o.cfg.StormEvery, "storm-every", o.cfg.StormEvery, "mean time between reclaim storms per zone (0: the advisor bucket's rate alone)")
	fs.DurationVar(&o.cfg.Poll, "poll", o.cfg.Poll, "spot/instance-action poll period (0: wait for the notice event)")
	fs.BoolVar(&o.cfg.IgnoreNotice, "ignore-notice", false, "the trainer ignores the interruption notice (Daly's model then applies)")
	fs.Float64Var(&o.cfg.Savings, "savings", o.cfg.Savings, "spot discount off on-demand, in [0, 1)")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	o.cfg.Store, o.cfg.PartSize = Store(store), partMiB<<20
	c := o.cfg
	switch {
	case fs.NArg() > 0:
		return nil, fs.Usagef("unexpected argument %q", fs.Arg(0))
	case c.Store != StoreS3 && c.Store != StoreEBS:
		return nil, fs.Usagef("-store %q: want s3 or ebs", store)
	case o.reps < 2 || o.reps > 100000:
		return nil, fs.Usagef("-reps %d: want 2..100000 (a confidence interval needs two)", o.reps)
	case o.workers < 0:
		return nil, fs.Usagef("-workers %d: must not be negative", o.workers)
	case c.Epoch <= 0:
		return nil, fs.Usagef("-epoch %v: must be positive", c.Epoch)
	case c.Work <= 0 || c.Work%c.Epoch != 0 || c.Work/c.Epoch > maxEpochs:
		return nil, fs.Usagef("-work %v: want 1 to %d whole epochs of %v", c.Work, maxEpochs, c.Epoch)
	case c.StateGiB <= 0 || c.Store == StoreEBS && c.StateGiB > c.VolumeGiB/2:
		return nil, fs.Usagef("-state-gib %d: want 1..%d for -store %s", c.StateGiB, map[Store]int{StoreS3: int(s3.MaxObjectSize >> 30), StoreEBS: c.VolumeGiB / 2}[c.Store], c.Store)
	case c.Store == StoreS3 && int64(c.StateGiB) > s3.MaxObjectSize>>30:
		return nil, fs.Usagef("-state-gib %d: beyond S3's largest object", c.StateGiB)
	case partMiB < s3.MinPartSize>>20 || partMiB > s3.MaxPartSize>>20:
		return nil, fs.Usagef("-part-mib %d: want 5..5120 (S3's part sizes)", partMiB)
	case c.Startup < 0:
		return nil, fs.Usagef("-startup %v: must not be negative", c.Startup)
	case c.StormEvery < 0:
		return nil, fs.Usagef("-storm-every %v: must not be negative", c.StormEvery)
	case c.Poll < 0:
		return nil, fs.Usagef("-poll %v: must not be negative", c.Poll)
	case !(c.Savings >= 0 && c.Savings < 1):
		return nil, fs.Usagef("-savings %v: want [0, 1)", c.Savings)
	case c.Hazard() <= 0:
		return nil, fs.Usagef("-storm-every %v: no interruption rate to optimise for", c.StormEvery)
	}
	if err := c.validate(); err != nil {
		return nil, fs.Usagef("%v", err)
	}
	return o, nil
}

// theoryOf returns the interruption rate's MTTI M, the checkpoint time
// delta, and Young's and Daly's intervals, in hours.
func theoryOf(cfg Config) (m, delta, tauYoung, tauDaly float64) {
	m = 1 / cfg.Hazard()
	delta = cfg.CheckpointTime().Hours()
	return m, delta, young(delta, m), daly(delta, m)
}

// toEpochs rounds an interval (hours) to a whole number of epochs (at
// least one, at most W), in hours.
func toEpochs(cfg Config, tau float64) float64 {
	e := cfg.Epoch.Hours()
	k := min(max(1, math.Round(tau/e)), float64(cfg.Work/cfg.Epoch))
	return k * e
}

// intervals is the sweep, in hours: Young's and Daly's optimum and
// multiples of Daly's from 1/4 to 8, each rounded to whole epochs.
// Intervals beyond W are one segment ("never", only the final save); that
// point appears only when interruptions are rare enough for 8x Daly's
// interval to exceed W, since with M well below W never checkpointing has
// so heavy a tail that a replication can outlast any horizon.
func intervals(cfg Config) []float64 {
	_, _, ty, td := theoryOf(cfg)
	taus := []float64{td / 4, td / 2, td, ty, 2 * td, 4 * td, 8 * td}
	for i, tau := range taus {
		taus[i] = toEpochs(cfg, tau)
	}
	slices.Sort(taus)
	return slices.Compact(taus)
}

// scenario is one replication: the job at the point's interval (tau_h,
// whole epochs), on spot or (tau_h = 0) on-demand.
func scenario(base Config) func(rep *study.Rep) study.Result {
	return func(rep *study.Rep) study.Result {
		cfg := base
		if tau := rep.Param("tau_h"); tau > 0 {
			cfg.Interval = time.Duration(math.Round(tau/cfg.Epoch.Hours())) * cfg.Epoch
		} else {
			cfg.OnDemand, cfg.Interval = true, cfg.Work
		}
		out, err := Simulate(rep.Env, cfg)
		if err != nil {
			rep.Fail(err) // recorded in the row with the Replay call that reproduces it
			return nil
		}
		return study.Result{
			"wall_h":        out.Wall.Hours(),
			"interruptions": float64(out.Interruptions),
			"lost_h":        out.Lost.Hours(),
			"checkpoints":   float64(out.Checkpoints),
			"ckpt_h":        out.CheckpointTime.Hours(),
			"s3_requests":   float64(out.S3Requests),
			"instance_h":    ratFloat(out.InstanceHours),
			"compute_usd":   out.ComputeCost.Dollars(),
			"storage_usd":   out.StorageCost.Dollars(),
			"total_usd":     out.TotalCost.Dollars(),
		}
	}
}

// sweep runs the study of cfg over on-demand and the intervals, with the
// progress bar, and returns it with its wall-clock time (for the speed
// line on stderr only: it never reaches stdout or any file).
func sweep(ctx context.Context, o *options, cfg Config, name string, stderr io.Writer, describe string) (*study.Results, study.Config, error) {
	points := []study.Point{study.Pt("tau_h", 0)} // on-demand
	for _, tau := range intervals(cfg) {
		points = append(points, study.Pt("tau_h", tau))
	}
	sc := study.Config{Name: name, Seed: o.seed, Reps: o.reps, Points: points, Workers: o.workers}
	if bar := progressBar(stderr, o.quiet, len(points)*o.reps); bar != nil {
		if describe != "" {
			bar.Describe(describe)
		}
		sc.Progress = func(p study.Progress) { bar.Set(p.Done) }
		defer bar.Finish()
	}
	start := time.Now()
	res, err := study.Run(ctx, sc, scenario(cfg))
	if err != nil {
		return nil, sc, err
	}
	if !o.quiet {
		n := len(points) * o.reps
		secs := time.Since(start).Seconds()
		fmt.Fprintf(stderr, "%s%d replications in %.1f s: %.1f replications per second\n", describe, n, secs, float64(n)/secs)
	}
	for _, row := range res.Rows {
		if row.Err != "" {
			return nil, sc, fmt.Errorf("replication %d of point %v failed: %s", row.Rep, res.Meta.Points[row.Point], row.Err)
		}
	}
	return res, sc, nil
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parse(args, stderr)
	if err != nil {
		return err
	}
	if o.cfg, err = o.cfg.Calibrate(); err != nil {
		return err
	}
	if o.sens {
		return sensitivity(ctx, o, stdout, stderr)
	}
	res, cfg, err := sweep(ctx, o, o.cfg, "spot-training", stderr, "")
	if err != nil {
		return err
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
	if o.csv != "" {
		if err := writeFile(o.csv, func(w io.Writer) error { return res.WriteRows(w, study.CSV) }); err != nil {
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
	td = toEpochs(base, td)
	pi := 0
	for i, p := range cfg.Points {
		if tau, _ := p.Get("tau_h"); tau > 0 && (pi == 0 || tau == td) {
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
// assumes a notice during compute loses the work since the last
// checkpoint, which holds when the trainer ignores the notice or no
// checkpoint fits in the notice lead.
func modelApplies(cfg Config) bool {
	return cfg.IgnoreNotice || cfg.CheckpointTime() > ec2.NoticeLead
}

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

// storeLine describes where checkpoints go and what one costs in time.
func storeLine(cfg Config) string {
	if cfg.Store == StoreEBS {
		return fmt.Sprintf("%d GiB checkpoints on a gp3 volume (%.1f min each, as ec2's EBS model times them)",
			cfg.StateGiB, cfg.CheckpointTime().Minutes())
	}
	return fmt.Sprintf("%d GiB checkpoints to S3 through a gateway endpoint, %d MiB parts (%.1f s each, restore %.1f s, measured)",
		cfg.StateGiB, cfg.PartSize>>20, cfg.CheckpointTime().Seconds(), cfg.RestoreTime().Seconds())
}

// everyLabel is an interval as the table shows it: k epochs and minutes.
func everyLabel(cfg Config, tau float64) string {
	k := int(math.Round(tau / cfg.Epoch.Hours()))
	if tau >= cfg.Work.Hours() {
		return "never (final save)"
	}
	return fmt.Sprintf("%d ep (%.0f min)", k, tau*60)
}

func report(w io.Writer, o *options, res *study.Results) {
	cfg := o.cfg
	m, _, ty, td := theoryOf(cfg)
	notice := "saves the last whole epoch on the notice if a checkpoint fits in the time left"
	if cfg.IgnoreNotice {
		notice = "ignores the notice"
	}
	fmt.Fprintf(w, "Training job: %s of GPU compute in %s epochs on p3.2xlarge (us-east-1); %s\n", short(cfg.Work), short(cfg.Epoch), storeLine(cfg))
	fmt.Fprintf(w, "The trainer %s. Spot interruptions: advisor bucket %v (MTTI %.0f h)", notice, cfg.Bucket, 1/hazard(cfg.Bucket, 0))
	if cfg.StormEvery > 0 {
		fmt.Fprintf(w, " + reclaim storms every %s per zone", short(cfg.StormEvery))
	}
	fmt.Fprintf(w, " -> M = %.2f h\n", m)
	fmt.Fprintf(w, "Young tau = %.1f min, Daly tau = %.1f min", ty*60, td*60)
	if modelApplies(cfg) {
		fmt.Fprintf(w, ", model optimum %.1f min", modelOptimum(cfg, td)*60)
	} else {
		fmt.Fprintf(w, " (Daly's model assumes a notice loses work; this trainer saves on it, so no model column)")
	}
	fmt.Fprintf(w, "; %d replications per row, seed %d, 95%% CIs\n\n", res.Meta.Reps, res.Meta.Seed)
	fmt.Fprintf(w, "%-22s %7s %7s %7s %-23s %7s %7s %-23s\n", "checkpoint every", "writes", "lost h", "ckpt h", "wall time (h)", "model", "interr.", "total cost ($)")
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
	tdE, tyE := toEpochs(cfg, td), toEpochs(cfg, ty)
	for pi, p := range res.Meta.Points {
		tau, _ := p.Get("tau_h")
		label, model := "on-demand (final save)", "-"
		if pi == 0 {
			od := cfg
			od.OnDemand = true
			model = fmt.Sprintf("%.2f", ExpectedWall(od, cfg.Work.Hours()))
		} else {
			label = everyLabel(cfg, tau)
			switch {
			case tau >= cfg.Work.Hours():
			case tau == tdE && tau == tyE:
				label += " DY"
			case tau == tdE:
				label += " D"
			case tau == tyE:
				label += " Y"
			}
			if modelApplies(cfg) {
				model = fmt.Sprintf("%.2f", ExpectedWall(cfg, tau))
			}
		}
		if pi == bestWall {
			label += " *"
		}
		fmt.Fprintf(w, "%-22s %7.1f %7.2f %7.2f %-23s %7s %7.2f %-23s\n", label,
			mean(pi, "checkpoints"), mean(pi, "lost_h"), mean(pi, "ckpt_h"), ci(res.Summary(pi, "wall_h", 0.95), 2),
			model, mean(pi, "interruptions"), ci(res.Summary(pi, "total_usd", 0.95), 2))
	}
	tau, _ := res.Meta.Points[bestCost].Get("tau_h")
	every := "every " + everyLabel(cfg, tau)
	if tau >= cfg.Work.Hours() {
		every = "never (final save only)"
	}
	od, b := mean(0, "total_usd"), mean(bestCost, "total_usd")
	fmt.Fprintf(w, "\nD: Daly's tau, Y: Young's (rounded to whole epochs); * lowest mean wall time. writes: checkpoints completed;\n")
	fmt.Fprintf(w, "lost h: compute redone; ckpt h: time spent checkpointing; model: closed-form mean wall time (Daly's, with the notice).\n")
	fmt.Fprintf(w, "Cheapest of the %d intervals tried on spot: checkpointing %s, $%.2f vs $%.2f on-demand (%.0f%% less), %.1f%% longer;\n",
		len(res.Meta.Points)-1, every, b, od, 100*(1-b/od), 100*(mean(bestCost, "wall_h")/mean(0, "wall_h")-1))
	fmt.Fprintf(w, "of it, %s is checkpoint storage and requests, %.0f S3 requests.\n",
		fmt.Sprintf("$%.2f", mean(bestCost, "storage_usd")), mean(bestCost, "s3_requests"))
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
