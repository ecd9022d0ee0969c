package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/nimbus-sim/nimbus/sim/study"
)

// A variant is the job with one input changed from its configuration.
type variant struct {
	input, value string
	cfg          Config
}

// variants changes the three inputs that drive the answer one at a time
// around base: the reclaim-storm rate (which sets the interruption rate
// M), the checkpoint size (which sets delta, and whether a checkpoint fits
// in the two-minute notice so that nothing is lost), and the spot
// discount (which scales the spot bill but not the wall time).
func variants(base Config) []variant {
	vs := []variant{{"(as configured)", "", base}}
	for _, every := range []time.Duration{0, 24 * time.Hour, 4 * time.Hour} {
		if every == base.StormEvery {
			continue
		}
		c := base
		c.StormEvery = every
		label := "none"
		if every > 0 {
			label = "every " + short(every)
		}
		vs = append(vs, variant{"reclaim storms", label, c})
	}
	for _, gib := range []int{4, 12, 48} {
		if gib == base.StateGiB {
			continue
		}
		c := base
		c.StateGiB = gib
		c.VolumeGiB = max(c.VolumeGiB, 2*gib)
		vs = append(vs, variant{"checkpoint size", fmt.Sprintf("%d GiB (%.1f min)", gib, c.CheckpointTime().Minutes()), c})
	}
	for _, s := range []float64{0.6, 0.7, 0.9} {
		if s == base.Savings {
			continue
		}
		c := base
		c.Savings = s
		vs = append(vs, variant{"spot discount", fmt.Sprintf("%.0f%%", 100*s), c})
	}
	return vs
}

// sensitivity runs the sweep of every variant (same seed, so common random
// numbers across variants where the input does not change the draws) and
// prints one row per variant: the interval of the grid with the lowest
// mean total cost, that cost against on-demand, and the extra wall time.
func sensitivity(ctx context.Context, o *options, stdout, stderr io.Writer) error {
	vs := variants(o.cfg)
	type row struct {
		v                variant
		m, delta, daly   float64
		tau              float64
		spot, od         study.Summary
		wallSpot, wallOD float64
	}
	var rows []row
	for i, v := range vs {
		if err := v.cfg.validate(); err != nil {
			return fmt.Errorf("%s %s: %w", v.input, v.value, err)
		}
		points := []study.Point{study.Pt("tau_h", 0)}
		for _, tau := range intervals(v.cfg) {
			points = append(points, study.Pt("tau_h", tau))
		}
		cfg := study.Config{Name: "spot-training-sensitivity", Seed: o.seed, Reps: o.reps, Points: points, Workers: o.workers}
		if bar := progressBar(stderr, o.quiet, len(points)*o.reps); bar != nil {
			bar.Describe(fmt.Sprintf("variant %d/%d", i+1, len(vs)))
			cfg.Progress = func(p study.Progress) { bar.Set(p.Done) }
			defer bar.Finish()
		}
		res, err := study.Run(ctx, cfg, scenario(v.cfg))
		if err != nil {
			return err
		}
		for _, r := range res.Rows {
			if r.Err != "" {
				return fmt.Errorf("%s %s: replication %d of point %v failed: %s", v.input, v.value, r.Rep, res.Meta.Points[r.Point], r.Err)
			}
		}
		best := 1
		for pi := 2; pi < len(points); pi++ {
			if res.Summary(pi, "total_usd", 0.95).Mean < res.Summary(best, "total_usd", 0.95).Mean {
				best = pi
			}
		}
		m, delta, _, td := theoryOf(v.cfg)
		tau, _ := points[best].Get("tau_h")
		rows = append(rows, row{v, m, delta, td, tau,
			res.Summary(best, "total_usd", 0.95), res.Summary(0, "total_usd", 0.95),
			res.Summary(best, "wall_h", 0.95).Mean, res.Summary(0, "wall_h", 0.95).Mean})
	}
	fmt.Fprintf(stdout, "Sensitivity of the cheapest checkpoint interval of the grid; %d replications per interval, seed %d, 95%% CIs\n\n", o.reps, o.seed)
	fmt.Fprintf(stdout, "| input | value | M (h) | δ (min) | Daly τ (min) | cheapest τ (min) | spot total ($) | on-demand ($) | saving | extra wall time |\n")
	fmt.Fprintf(stdout, "|---|---|---|---|---|---|---|---|---|---|\n")
	for _, r := range rows {
		tau := fmt.Sprintf("%.1f", r.tau*60)
		if r.tau >= r.v.cfg.Work.Hours() {
			tau = "never"
		}
		fmt.Fprintf(stdout, "| %s | %s | %.2f | %.1f | %.1f | %s | %.2f [%.2f, %.2f] | %.2f | %.0f%% | %+.1f%% |\n",
			r.v.input, r.v.value, r.m, r.delta*60, r.daly*60, tau, r.spot.Mean, r.spot.CILow, r.spot.CIHigh, r.od.Mean,
			100*(1-r.spot.Mean/r.od.Mean), 100*(r.wallSpot/r.wallOD-1))
	}
	return nil
}
