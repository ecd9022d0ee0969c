package plot

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/nimbus-sim/nimbus/sim/study"
)

const plotW, plotH = 6 * vg.Inch, 4 * vg.Inch

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

func point(r *study.Results, pi int) study.Point {
	if pi < len(r.Meta.Points) {
		return r.Meta.Points[pi]
	}
	return nil
}

// values returns the finite values of metric at point pi, or an error if
// there is no such point or no finite value to draw.
func values(r *study.Results, pi int, metric string) ([]float64, error) {
	if pi < 0 || pi >= max(1, len(r.Meta.Points)) {
		return nil, fmt.Errorf("plot: no point %d", pi)
	}
	var ok []float64
	for _, x := range r.Values(pi, metric) {
		if finite(x) {
			ok = append(ok, x)
		}
	}
	if len(ok) == 0 {
		return nil, fmt.Errorf("plot: no finite values of %q at point %d", metric, pi)
	}
	return ok, nil
}

func title(r *study.Results, pi int, what, metric string) string {
	t := what + " of " + metric
	if p := point(r, pi); len(p) > 0 {
		t += " (" + p.String() + ")"
	}
	return t
}

func save(p *gplot.Plot, w io.Writer, format string) error {
	wt, err := p.WriterTo(plotW, plotH, strings.ToLower(format))
	if err != nil {
		return fmt.Errorf("plot: %w", err)
	}
	_, err = wt.WriteTo(w)
	return err
}

// Histogram draws a histogram of metric at point pi, with bins bins (0
// picks the square root of the number of values).
func Histogram(w io.Writer, format string, r *study.Results, pi int, metric string, bins int) error {
	xs, err := values(r, pi, metric)
	if err != nil {
		return err
	}
	if bins <= 0 {
		bins = max(1, int(math.Sqrt(float64(len(xs)))))
	}
	h, err := plotter.NewHist(plotter.Values(xs), bins)
	if err != nil {
		return fmt.Errorf("plot: %w", err)
	}
	p := gplot.New()
	p.Title.Text = title(r, pi, "Histogram", metric)
	p.X.Label.Text = metric
	p.Y.Label.Text = "replications"
	p.Add(h)
	return save(p, w, format)
}

// ECDF draws the empirical CDF of metric at point pi.
func ECDF(w io.Writer, format string, r *study.Results, pi int, metric string) error {
	xs, err := values(r, pi, metric)
	if err != nil {
		return err
	}
	slices.Sort(xs)
	pts := make(plotter.XYs, 0, len(xs)+1)
	pts = append(pts, plotter.XY{X: xs[0], Y: 0})
	for i, x := range xs {
		pts = append(pts, plotter.XY{X: x, Y: float64(i+1) / float64(len(xs))})
	}
	l, err := plotter.NewLine(pts)
	if err != nil {
		return fmt.Errorf("plot: %w", err)
	}
	l.StepStyle = plotter.PostStep
	p := gplot.New()
	p.Title.Text = title(r, pi, "ECDF", metric)
	p.X.Label.Text = metric
	p.Y.Label.Text = "P(X ≤ x)"
	p.Y.Min, p.Y.Max = 0, 1
	p.Add(l, plotter.NewGrid())
	return save(p, w, format)
}

type meanCI struct {
	plotter.XYs
	plotter.YErrors
}

// MeanCI draws the mean of metric with its confidence interval at level
// (0 means 0.95) against the sweep parameter x, one point per sweep point
// (points are sorted by x; other parameters are not distinguished, so
// sweep one parameter at a time or filter first).
func MeanCI(w io.Writer, format string, r *study.Results, metric, x string, level float64) error {
	if level == 0 {
		level = 0.95
	}
	if !(level > 0 && level < 1) {
		return fmt.Errorf("plot: confidence level %v outside (0, 1)", level)
	}
	var d meanCI
	for _, s := range r.Summaries(level) {
		if s.Metric != metric {
			continue
		}
		xv, ok := s.Params.Get(x)
		if !ok {
			return fmt.Errorf("plot: point %d has no parameter %q", s.Point, x)
		}
		if !finite(s.Mean) {
			continue
		}
		hw := s.HalfWidth()
		if !finite(hw) {
			hw = 0
		}
		d.XYs = append(d.XYs, plotter.XY{X: xv, Y: s.Mean})
		d.YErrors = append(d.YErrors, struct{ Low, High float64 }{hw, hw})
	}
	if len(d.XYs) == 0 {
		return fmt.Errorf("plot: no finite means of %q", metric)
	}
	order := make([]int, len(d.XYs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		switch {
		case d.XYs[a].X < d.XYs[b].X:
			return -1
		case d.XYs[a].X > d.XYs[b].X:
			return 1
		}
		return 0
	})
	var sorted meanCI
	for _, i := range order {
		sorted.XYs = append(sorted.XYs, d.XYs[i])
		sorted.YErrors = append(sorted.YErrors, d.YErrors[i])
	}
	bars, err := plotter.NewYErrorBars(sorted)
	if err != nil {
		return fmt.Errorf("plot: %w", err)
	}
	line, pts, err := plotter.NewLinePoints(sorted.XYs)
	if err != nil {
		return fmt.Errorf("plot: %w", err)
	}
	p := gplot.New()
	p.Title.Text = fmt.Sprintf("Mean of %s with %g%% CI", metric, 100*level)
	p.X.Label.Text = x
	p.Y.Label.Text = metric
	p.Add(line, pts, bars, plotter.NewGrid())
	return save(p, w, format)
}

// Box draws a box-and-whisker plot of metric for every sweep point.
func Box(w io.Writer, format string, r *study.Results, metric string) error {
	p := gplot.New()
	p.Title.Text = "Distribution of " + metric
	p.Y.Label.Text = metric
	var names []string
	for pi := range max(1, len(r.Meta.Points)) {
		xs, err := values(r, pi, metric)
		if err != nil {
			return err
		}
		b, err := plotter.NewBoxPlot(vg.Points(20), float64(pi), plotter.Values(xs))
		if err != nil {
			return fmt.Errorf("plot: %w", err)
		}
		p.Add(b)
		name := point(r, pi).String()
		if name == "" {
			name = fmt.Sprint(pi)
		}
		names = append(names, name)
	}
	p.NominalX(names...)
	return save(p, w, format)
}
