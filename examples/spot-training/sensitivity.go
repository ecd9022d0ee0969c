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

// variants changes the inputs that drive the answer one at a time around
// base: the reclaim-storm rate (which sets the interruption rate M), the
// state size (which sets delta, and whether a checkpoint fits in the
// two-minute notice so that a notice loses nothing), the notice handling
// (saving on it, or ignoring it as Daly's model assumes), and the spot
// discount (which scales the spot bill but not the wall time). Each
// variant is calibrated: the S3 store measures its own delta.
func variants(base Config) ([]variant, error) {
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
	for _, gib := range []int{4, 64, 256} {
		if gib == base.StateGiB {
			continue
		}
		c := base
		c.StateGiB, c.delta, c.restore = gib, 0, 0
		c.VolumeGiB = max(c.VolumeGiB, 2*gib)
		// Parts grow with the state beyond 128 of them, so that the
		// variant changes the size and not the request count (and a 256
		// GiB checkpoint is not 2,048 simulated requests).
		c.PartSize = max(c.PartSize, (c.stateBytes()/128+1<<20-1)>>20<<20)
		c, err := c.Calibrate()
		if err != nil {
			return nil, err
		}
		vs = append(vs, variant{"state size", fmt.Sprintf("%d GiB (%s)", gib, c.CheckpointTime().Round(100*time.Millisecond)), c})
	}
	c := base
	c.IgnoreNotice = !base.IgnoreNotice
	label := "ignored"
	if base.IgnoreNotice {
		label = "save on notice"
	}
	vs = append(vs, variant{"notice", label, c})
	for _, s := range []float64{0.6, 0.7, 0.9} {
		if s == base.Savings {
			continue
		}
		c := base
		c.Savings = s
		vs = append(vs, variant{"spot discount", fmt.Sprintf("%.0f%%", 100*s), c})
	}
	return vs, nil
}

// sensitivity runs the sweep of every variant (same seed, so common random
// numbers across variants where the input does not change the draws) and
// prints one row per variant: the interval of the grid with the lowest
// mean total cost, that cost against on-demand, and the extra wall time.
func sensitivity(ctx context.Context, o *options, stdout, stderr io.Writer) error {
	type row struct {
		v                variant
		m, delta, daly   float64
		tau              float64
		spot, od         study.Summary
		wallSpot, wallOD float64
	}
	var rows []row
	vs, err := variants(o.cfg)
	if err != nil {
		return err
	}
	for i, v := range vs {
		if err := v.cfg.validate(); err != nil {
			return fmt.Errorf("%s %s: %w", v.input, v.value, err)
		}
		if v.cfg.Hazard() <= 0 {
			continue
		}
		res, sc, err := sweep(ctx, o, v.cfg, "spot-training-sensitivity", stderr, fmt.Sprintf("variant %d/%d: ", i+1, len(vs)))
		if err != nil {
			return fmt.Errorf("%s %s: %w", v.input, v.value, err)
		}
		points := sc.Points
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
	fmt.Fprintf(stdout, "| input | value | M (h) | δ (s) | Daly τ (min) | cheapest τ (epochs) | spot total ($) | on-demand ($) | saving | extra wall time |\n")
	fmt.Fprintf(stdout, "|---|---|---|---|---|---|---|---|---|---|\n")
	for _, r := range rows {
		tau := fmt.Sprintf("%.0f", r.tau/r.v.cfg.Epoch.Hours())
		if r.tau >= r.v.cfg.Work.Hours() {
			tau = "never"
		}
		fmt.Fprintf(stdout, "| %s | %s | %.2f | %.1f | %.1f | %s | %.2f [%.2f, %.2f] | %.2f | %.0f%% | %+.1f%% |\n",
			r.v.input, r.v.value, r.m, r.delta*3600, r.daly*60, tau, r.spot.Mean, r.spot.CILow, r.spot.CIHigh, r.od.Mean,
			100*(1-r.spot.Mean/r.od.Mean), 100*(r.wallSpot/r.wallOD-1))
	}
	return nil
}
