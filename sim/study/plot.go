package study

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// Plots are written with gonum.org/v1/plot in the format its canvases
// know: "svg", "png", "pdf", "eps", "jpg" or "tif".

const plotW, plotH = 6 * vg.Inch, 4 * vg.Inch

func (r *Results) checkPlot(pi int, metric string) ([]float64, error) {
	if pi < 0 || pi >= max(1, len(r.Meta.Points)) {
		return nil, fmt.Errorf("study: plot: no point %d", pi)
	}
	xs := r.Values(pi, metric)
	var ok []float64
	for _, x := range xs {
		if finite(x) {
			ok = append(ok, x)
		}
	}
	if len(ok) == 0 {
		return nil, fmt.Errorf("study: plot: no finite values of %q at point %d", metric, pi)
	}
	return ok, nil
}

func (r *Results) title(pi int, what, metric string) string {
	t := what + " of " + metric
	if p := r.point(pi); len(p) > 0 {
		t += " (" + p.String() + ")"
	}
	return t
}

func save(p *plot.Plot, w io.Writer, format string) error {
	wt, err := p.WriterTo(plotW, plotH, strings.ToLower(format))
	if err != nil {
		return fmt.Errorf("study: plot: %w", err)
	}
	_, err = wt.WriteTo(w)
	return err
}

// PlotHistogram draws a histogram of metric at point pi, with bins bins
// (0 picks the square root of the number of values).
func (r *Results) PlotHistogram(w io.Writer, format string, pi int, metric string, bins int) error {
	xs, err := r.checkPlot(pi, metric)
	if err != nil {
		return err
	}
	if bins <= 0 {
		bins = max(1, int(math.Sqrt(float64(len(xs)))))
	}
	h, err := plotter.NewHist(plotter.Values(xs), bins)
	if err != nil {
		return fmt.Errorf("study: plot: %w", err)
	}
	p := plot.New()
	p.Title.Text = r.title(pi, "Histogram", metric)
	p.X.Label.Text = metric
	p.Y.Label.Text = "replications"
	p.Add(h)
	return save(p, w, format)
}

// PlotECDF draws the empirical CDF of metric at point pi.
func (r *Results) PlotECDF(w io.Writer, format string, pi int, metric string) error {
	xs, err := r.checkPlot(pi, metric)
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
		return fmt.Errorf("study: plot: %w", err)
	}
	l.StepStyle = plotter.PostStep
	p := plot.New()
	p.Title.Text = r.title(pi, "ECDF", metric)
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

// PlotMeanCI draws the mean of metric with its confidence interval at
// level against the sweep parameter x, one point per sweep point (points
// are sorted by x; other parameters are not distinguished, so sweep one
// parameter at a time or filter first).
func (r *Results) PlotMeanCI(w io.Writer, format, metric, x string, level float64) error {
	if _, err := checkLevel(level); err != nil {
		return err
	}
	var d meanCI
	for _, s := range r.Summaries(level) {
		if s.Metric != metric {
			continue
		}
		xv, ok := s.Params.Get(x)
		if !ok {
			return fmt.Errorf("study: plot: point %d has no parameter %q", s.Point, x)
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
		return fmt.Errorf("study: plot: no finite means of %q", metric)
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
		return fmt.Errorf("study: plot: %w", err)
	}
	line, pts, err := plotter.NewLinePoints(sorted.XYs)
	if err != nil {
		return fmt.Errorf("study: plot: %w", err)
	}
	if level == 0 {
		level = 0.95
	}
	p := plot.New()
	p.Title.Text = fmt.Sprintf("Mean of %s with %g%% CI", metric, 100*level)
	p.X.Label.Text = x
	p.Y.Label.Text = metric
	p.Add(line, pts, bars, plotter.NewGrid())
	return save(p, w, format)
}

// PlotBox draws a box-and-whisker plot of metric for every sweep point.
func (r *Results) PlotBox(w io.Writer, format, metric string) error {
	p := plot.New()
	p.Title.Text = "Distribution of " + metric
	p.Y.Label.Text = metric
	var names []string
	for pi := range max(1, len(r.Meta.Points)) {
		xs, err := r.checkPlot(pi, metric)
		if err != nil {
			return err
		}
		b, err := plotter.NewBoxPlot(vg.Points(20), float64(pi), plotter.Values(xs))
		if err != nil {
			return fmt.Errorf("study: plot: %w", err)
		}
		p.Add(b)
		name := r.point(pi).String()
		if name == "" {
			name = fmt.Sprint(pi)
		}
		names = append(names, name)
	}
	p.NominalX(names...)
	return save(p, w, format)
}
