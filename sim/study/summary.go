package study

import (
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// Summary describes one metric at one sweep point.
type Summary struct {
	Point  int
	Params Point
	Metric string
	// N counts the replications that reported the metric; Errors those
	// of the point that panicked.
	N, Errors int
	Mean      float64
	StdDev    float64 // sample standard deviation (n-1)
	// CILow and CIHigh bound the Student-t confidence interval of the mean
	// at Level (NaN for fewer than two values).
	CILow, CIHigh float64
	Level         float64
	P50, P90, P99 float64
	Min, Max      float64
}

// HalfWidth returns half the width of the confidence interval.
func (s Summary) HalfWidth() float64 { return (s.CIHigh - s.CILow) / 2 }

// Summaries summarises every metric at every point, ordered by point and
// then metric name, with confidence intervals at level (0 means 0.95).
// Values are taken in replication order, so the summaries are
// bit-identical however the rows were computed.
func (r *Results) Summaries(level float64) []Summary {
	level, err := checkLevel(level)
	if err != nil {
		panic(err)
	}
	metrics := r.Metrics()
	npoints := max(1, len(r.Meta.Points))
	var out []Summary
	for pi := range npoints {
		var params Point
		if pi < len(r.Meta.Points) {
			params = r.Meta.Points[pi]
		}
		errs := 0
		for _, row := range r.Rows {
			if row.Point == pi && row.Err != "" {
				errs++
			}
		}
		for _, m := range metrics {
			s := Summarize(r.Values(pi, m), level)
			s.Point, s.Params, s.Metric, s.Errors = pi, params, m, errs
			out = append(out, s)
		}
	}
	return out
}

// Summary returns the summary of one metric at point pi.
func (r *Results) Summary(pi int, metric string, level float64) Summary {
	s := Summarize(r.Values(pi, metric), level)
	s.Point, s.Metric = pi, metric
	if pi < len(r.Meta.Points) {
		s.Params = r.Meta.Points[pi]
	}
	return s
}

// checkLevel defaults a zero confidence level to 0.95 and rejects levels
// outside (0, 1). The functions that return an error report it; those
// that cannot panic with it.
func checkLevel(level float64) (float64, error) {
	if level == 0 {
		return 0.95, nil
	}
	if !(level > 0 && level < 1) {
		return 0, fmt.Errorf("study: confidence level %v outside (0, 1)", level)
	}
	return level, nil
}

// Summarize computes the statistics of xs (in the given order) with a
// Student-t confidence interval at level (0 means 0.95, as for
// Summaries; a level outside (0, 1) panics).
func Summarize(xs []float64, level float64) Summary {
	level, err := checkLevel(level)
	if err != nil {
		panic(err)
	}
	n := len(xs)
	s := Summary{N: n, Level: level}
	nan := math.NaN()
	if n == 0 {
		s.Mean, s.StdDev, s.CILow, s.CIHigh = nan, nan, nan, nan
		s.P50, s.P90, s.P99, s.Min, s.Max = nan, nan, nan, nan, nan
		return s
	}
	var sum float64
	for _, x := range xs {
		sum += x
	}
	s.Mean = sum / float64(n)
	s.StdDev, s.CILow, s.CIHigh = nan, nan, nan
	if n > 1 {
		var ss float64
		for _, x := range xs {
			d := x - s.Mean
			ss += d * d
		}
		s.StdDev = math.Sqrt(ss / float64(n-1))
		t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(n - 1)}.Quantile((1 + level) / 2)
		hw := t * s.StdDev / math.Sqrt(float64(n))
		s.CILow, s.CIHigh = s.Mean-hw, s.Mean+hw
	}
	sorted := slices.Clone(xs)
	slices.Sort(sorted)
	s.Min, s.Max = sorted[0], sorted[n-1]
	q := func(p float64) float64 { return stat.Quantile(p, stat.Empirical, sorted, nil) }
	s.P50, s.P90, s.P99 = q(0.5), q(0.9), q(0.99)
	return s
}
