package failure

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"gonum.org/v1/gonum/stat/distuv"
)

// Distribution is a probability distribution over float64 values in some
// unit (hours for lifetimes, milliseconds for latencies, ...). Its
// parameters are exported and String prints them, so a Monte Carlo run can
// log exactly what it drew from.
//
// Every implementation in this package is a value struct with a Src field,
// like gonum's distuv types: set Src to a named stream,
//
//	d := failure.Weibull{K: 0.7, Lambda: 1000, Src: env.Rand("failure/disk/d1")}
//
// or leave it nil and let an injector bind a stream with WithSource. Rand
// on a distribution without a source panics: there is no global fallback,
// because a silent global stream would break reproducibility.
type Distribution interface {
	// Rand draws one value.
	Rand() float64
	// CDF returns P(X <= x).
	CDF(x float64) float64
	// Quantile returns the smallest x with CDF(x) >= p, for p in [0, 1].
	Quantile(p float64) float64
	// Mean returns E[X].
	Mean() float64
	// String prints the distribution's name and parameters.
	String() string
	// WithSource returns a copy drawing from src.
	WithSource(src rand.Source) Distribution
	// Validate reports invalid parameters as an error.
	Validate() error
}

func needSrc(name string, src rand.Source) rand.Source {
	if src == nil {
		panic("failure: " + name + ".Rand: Src is nil; bind a named stream (env.Rand(name)) first")
	}
	return src
}

func num(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

// uniform01 draws from (0, 1), never exactly 0, so inverse transforms
// stay finite.
func uniform01(src rand.Source) float64 {
	for {
		if u := float64(src.Uint64()>>11) / (1 << 53); u > 0 {
			return u
		}
	}
}

func checkProb(p float64) {
	if !(p >= 0 && p <= 1) {
		panic(fmt.Sprintf("failure: Quantile: p = %v outside [0, 1]", p))
	}
}

// Exponential is the memoryless lifetime: constant hazard Rate.
type Exponential struct {
	Rate float64
	Src  rand.Source
}

func (d Exponential) g() distuv.Exponential { return distuv.Exponential{Rate: d.Rate} }

// Rand draws by inversion from Src (gonum would allocate a rand.Rand per
// draw). A rate that is not positive panics (see Durations.Rand).
func (d Exponential) Rand() float64 {
	if !(d.Rate > 0) {
		panic(fmt.Sprintf("failure: %v.Rand: rate must be positive", d))
	}
	return -math.Log(uniform01(needSrc("Exponential", d.Src))) / d.Rate
}
func (d Exponential) CDF(x float64) float64      { return d.g().CDF(x) }
func (d Exponential) Quantile(p float64) float64 { checkProb(p); return d.g().Quantile(p) }
func (d Exponential) Mean() float64              { return 1 / d.Rate }
func (d Exponential) String() string             { return "Exponential(rate=" + num(d.Rate) + ")" }
func (d Exponential) WithSource(src rand.Source) Distribution {
	d.Src = src
	return d
}
func (d Exponential) Validate() error {
	if !(d.Rate > 0) || math.IsInf(d.Rate, 1) {
		return fmt.Errorf("failure: %v: rate must be positive and finite", d)
	}
	return nil
}

// Weibull has shape K and scale Lambda: K < 1 is infant mortality
// (decreasing hazard), K > 1 wear-out, K = 1 exponential.
type Weibull struct {
	K, Lambda float64
	Src       rand.Source
}

func (d Weibull) g() distuv.Weibull { return distuv.Weibull{K: d.K, Lambda: d.Lambda} }

func (d Weibull) Rand() float64 {
	return d.Lambda * math.Pow(-math.Log(uniform01(needSrc("Weibull", d.Src))), 1/d.K)
}
func (d Weibull) CDF(x float64) float64      { return d.g().CDF(x) }
func (d Weibull) Quantile(p float64) float64 { checkProb(p); return d.g().Quantile(p) }
func (d Weibull) Mean() float64              { return d.g().Mean() }
func (d Weibull) String() string {
	return "Weibull(k=" + num(d.K) + ", lambda=" + num(d.Lambda) + ")"
}
func (d Weibull) WithSource(src rand.Source) Distribution {
	d.Src = src
	return d
}
func (d Weibull) Validate() error {
	if !(d.K > 0 && d.Lambda > 0) || math.IsInf(d.K, 0) || math.IsInf(d.Lambda, 0) {
		return fmt.Errorf("failure: %v: shape and scale must be positive and finite", d)
	}
	return nil
}

// LogNormal is exp(N(Mu, Sigma²)): a common body for latencies and repair
// times (J. Dean, L. A. Barroso, "The Tail at Scale", CACM 56(2), 2013).
type LogNormal struct {
	Mu, Sigma float64
	Src       rand.Source
}

func (d LogNormal) g() distuv.LogNormal { return distuv.LogNormal{Mu: d.Mu, Sigma: d.Sigma} }

func (d LogNormal) Rand() float64 {
	return d.RandFrom(rand.New(needSrc("LogNormal", d.Src)))
}

// RandFrom is Rand drawing from r (whose source is d.Src for the same
// numbers), for a caller that draws often and keeps r: it spares Rand's
// interface call and its new Rand per draw.
func (d LogNormal) RandFrom(r *rand.Rand) float64 {
	return math.Exp(d.Mu + d.Sigma*r.NormFloat64())
}
func (d LogNormal) CDF(x float64) float64 {
	if x <= 0 {
		return 0
	}
	return d.g().CDF(x)
}
func (d LogNormal) Quantile(p float64) float64 { checkProb(p); return d.g().Quantile(p) }
func (d LogNormal) Mean() float64              { return d.g().Mean() }
func (d LogNormal) String() string {
	return "LogNormal(mu=" + num(d.Mu) + ", sigma=" + num(d.Sigma) + ")"
}
func (d LogNormal) WithSource(src rand.Source) Distribution {
	d.Src = src
	return d
}
func (d LogNormal) Validate() error {
	if !(d.Sigma > 0) || math.IsInf(d.Sigma, 1) || math.IsNaN(d.Mu) || math.IsInf(d.Mu, 0) {
		return fmt.Errorf("failure: %v: sigma must be positive and mu finite", d)
	}
	return nil
}

// Gamma has shape Alpha and rate Beta (mean Alpha/Beta).
type Gamma struct {
	Alpha, Beta float64
	Src         rand.Source
}

func (d Gamma) g() distuv.Gamma {
	return distuv.Gamma{Alpha: d.Alpha, Beta: d.Beta, Src: d.Src}
}

func (d Gamma) Rand() float64 {
	needSrc("Gamma", d.Src)
	return d.g().Rand()
}
func (d Gamma) CDF(x float64) float64 {
	if x <= 0 {
		return 0
	}
	return d.g().CDF(x)
}
func (d Gamma) Quantile(p float64) float64 { checkProb(p); return d.g().Quantile(p) }
func (d Gamma) Mean() float64              { return d.Alpha / d.Beta }
func (d Gamma) String() string {
	return "Gamma(alpha=" + num(d.Alpha) + ", beta=" + num(d.Beta) + ")"
}
func (d Gamma) WithSource(src rand.Source) Distribution {
	d.Src = src
	return d
}
func (d Gamma) Validate() error {
	if !(d.Alpha > 0 && d.Beta > 0) || math.IsInf(d.Alpha, 0) || math.IsInf(d.Beta, 0) {
		return fmt.Errorf("failure: %v: shape and rate must be positive and finite", d)
	}
	return nil
}

// Pareto is the heavy tail: P(X > x) = (Xm/x)^Alpha for x >= Xm. Its mean
// is infinite for Alpha <= 1.
type Pareto struct {
	Xm, Alpha float64
	Src       rand.Source
}

func (d Pareto) g() distuv.Pareto { return distuv.Pareto{Xm: d.Xm, Alpha: d.Alpha} }

func (d Pareto) Rand() float64 {
	return d.Xm * math.Pow(uniform01(needSrc("Pareto", d.Src)), -1/d.Alpha)
}
func (d Pareto) CDF(x float64) float64 {
	if x <= d.Xm {
		return 0
	}
	return d.g().CDF(x)
}
func (d Pareto) Quantile(p float64) float64 { checkProb(p); return d.g().Quantile(p) }
func (d Pareto) Mean() float64              { return d.g().Mean() }
func (d Pareto) String() string {
	return "Pareto(xm=" + num(d.Xm) + ", alpha=" + num(d.Alpha) + ")"
}
func (d Pareto) WithSource(src rand.Source) Distribution {
	d.Src = src
	return d
}
func (d Pareto) Validate() error {
	if !(d.Xm > 0 && d.Alpha > 0) || math.IsInf(d.Xm, 0) || math.IsInf(d.Alpha, 0) {
		return fmt.Errorf("failure: %v: scale and shape must be positive and finite", d)
	}
	return nil
}

// Deterministic always returns Value; it draws nothing from Src, which may
// stay nil.
type Deterministic struct {
	Value float64
}

func (d Deterministic) Rand() float64 { return d.Value }
func (d Deterministic) CDF(x float64) float64 {
	if x < d.Value {
		return 0
	}
	return 1
}
func (d Deterministic) Quantile(p float64) float64          { checkProb(p); return d.Value }
func (d Deterministic) Mean() float64                       { return d.Value }
func (d Deterministic) String() string                      { return "Deterministic(" + num(d.Value) + ")" }
func (d Deterministic) WithSource(rand.Source) Distribution { return d }
func (d Deterministic) Validate() error {
	if math.IsNaN(d.Value) || math.IsInf(d.Value, 0) {
		return fmt.Errorf("failure: %v: value must be finite", d)
	}
	return nil
}

// Empirical resamples observed values: each draw picks one of Samples
// uniformly (a bootstrap), and CDF is the step-function ECDF. Build it with
// NewEmpirical, which sorts a copy.
type Empirical struct {
	Samples []float64 // sorted ascending
	Src     rand.Source
}

// NewEmpirical returns the empirical distribution of samples.
func NewEmpirical(samples []float64, src rand.Source) (Empirical, error) {
	d := Empirical{Samples: slices.Clone(samples), Src: src}
	slices.Sort(d.Samples)
	return d, d.Validate()
}

func (d Empirical) Rand() float64 {
	return d.Samples[rand.New(needSrc("Empirical", d.Src)).IntN(len(d.Samples))]
}
func (d Empirical) CDF(x float64) float64 {
	i, _ := slices.BinarySearch(d.Samples, math.Nextafter(x, math.Inf(1)))
	return float64(i) / float64(len(d.Samples))
}
func (d Empirical) Quantile(p float64) float64 {
	checkProb(p)
	i := int(math.Ceil(p*float64(len(d.Samples)))) - 1
	return d.Samples[max(i, 0)]
}
func (d Empirical) Mean() float64 {
	var s float64
	for _, x := range d.Samples {
		s += x
	}
	return s / float64(len(d.Samples))
}
func (d Empirical) String() string {
	if len(d.Samples) == 0 {
		return "Empirical(n=0)"
	}
	return fmt.Sprintf("Empirical(n=%d, min=%s, max=%s)", len(d.Samples), num(d.Samples[0]), num(d.Samples[len(d.Samples)-1]))
}
func (d Empirical) WithSource(src rand.Source) Distribution {
	d.Src = src
	return d
}
func (d Empirical) Validate() error {
	if len(d.Samples) == 0 {
		return fmt.Errorf("failure: Empirical: no samples")
	}
	for i, x := range d.Samples {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("failure: Empirical: sample %d is %v", i, x)
		}
		if i > 0 && x < d.Samples[i-1] {
			return fmt.Errorf("failure: Empirical: samples not sorted at %d (use NewEmpirical)", i)
		}
	}
	return nil
}

// CDFTable is a distribution given by points of its CDF, interpolated
// linearly: P[i] = P(X <= X[i]), with X strictly increasing, P
// non-decreasing, P[0] = 0 and P[last] = 1. Published quantile tables
// (p50, p90, p99, max) fit this form directly.
type CDFTable struct {
	X, P []float64
	Src  rand.Source
}

func (d CDFTable) Rand() float64 { return d.Quantile(uniform01(needSrc("CDFTable", d.Src))) }
func (d CDFTable) CDF(x float64) float64 {
	n := len(d.X)
	if x <= d.X[0] {
		return 0
	}
	if x >= d.X[n-1] {
		return 1
	}
	i, _ := slices.BinarySearch(d.X, x) // X[i-1] < x <= X[i]
	f := (x - d.X[i-1]) / (d.X[i] - d.X[i-1])
	return d.P[i-1] + f*(d.P[i]-d.P[i-1])
}
func (d CDFTable) Quantile(p float64) float64 {
	checkProb(p)
	if p == 0 {
		return d.X[0]
	}
	i, _ := slices.BinarySearch(d.P, p) // first i with P[i] >= p
	if d.P[i] == d.P[i-1] {
		return d.X[i]
	}
	f := (p - d.P[i-1]) / (d.P[i] - d.P[i-1])
	return d.X[i-1] + f*(d.X[i]-d.X[i-1])
}

// Mean integrates the piecewise-uniform density exactly.
func (d CDFTable) Mean() float64 {
	var m float64
	for i := 1; i < len(d.X); i++ {
		m += (d.P[i] - d.P[i-1]) * (d.X[i] + d.X[i-1]) / 2
	}
	return m
}
func (d CDFTable) String() string {
	s := "CDFTable("
	for i := range d.X {
		if i > 0 {
			s += ", "
		}
		s += num(d.X[i]) + ":" + num(d.P[i])
	}
	return s + ")"
}
func (d CDFTable) WithSource(src rand.Source) Distribution {
	d.Src = src
	return d
}
func (d CDFTable) Validate() error {
	if len(d.X) < 2 || len(d.X) != len(d.P) {
		return fmt.Errorf("failure: CDFTable: need at least two (x, p) points of equal count, have %d x and %d p", len(d.X), len(d.P))
	}
	if d.P[0] != 0 || d.P[len(d.P)-1] != 1 {
		return fmt.Errorf("failure: CDFTable: P must start at 0 and end at 1, have %v and %v", d.P[0], d.P[len(d.P)-1])
	}
	for i := range d.X {
		if math.IsNaN(d.X[i]) || math.IsInf(d.X[i], 0) || math.IsNaN(d.P[i]) {
			return fmt.Errorf("failure: CDFTable: point %d (%v, %v) is not finite", i, d.X[i], d.P[i])
		}
		if i > 0 && !(d.X[i] > d.X[i-1]) {
			return fmt.Errorf("failure: CDFTable: X not strictly increasing at %d (%v after %v)", i, d.X[i], d.X[i-1])
		}
		if i > 0 && d.P[i] < d.P[i-1] {
			return fmt.Errorf("failure: CDFTable: P decreasing at %d (%v after %v)", i, d.P[i], d.P[i-1])
		}
	}
	return nil
}

// Bathtub is the preemption-lifetime model fitted to Google preemptible
// VMs by Kadupitiya, Jadhao and Sharma (HPDC'20) [Kadupitiya et al. 2020]: a
// high early rate, a quiet middle and a surge before the hard cap.
//
//	F(t) = A (1 - exp(-t/Tau1) + exp((t-B)/Tau2))   for 0 <= t < Cap
//
// and the mass left at Cap (1 - F(Cap-)) is the forced stop at the cap.
// Units are the caller's (the paper uses hours: A = 0.45, Tau1 = 1,
// Tau2 = 0.8, B = 24, Cap = 24 gives F(1) = 0.284 and a mean of 13.3).
type Bathtub struct {
	A, Tau1, Tau2, B, Cap float64
	Src                   rand.Source
}

func (d Bathtub) f(t float64) float64 {
	return d.A * (1 - math.Exp(-t/d.Tau1) + math.Exp((t-d.B)/d.Tau2))
}

func (d Bathtub) Rand() float64 { return d.Quantile(uniform01(needSrc("Bathtub", d.Src))) }
func (d Bathtub) CDF(x float64) float64 {
	switch {
	case x < 0:
		return 0
	case x >= d.Cap:
		return 1
	}
	return d.f(x)
}

// Quantile inverts F by bisection (F is strictly increasing on [0, Cap)).
func (d Bathtub) Quantile(p float64) float64 {
	checkProb(p)
	if p <= d.f(0) {
		return 0
	}
	if p > d.f(d.Cap) {
		return d.Cap
	}
	lo, hi := 0.0, d.Cap
	for range 100 {
		mid := (lo + hi) / 2
		if d.f(mid) < p {
			lo = mid
		} else {
			hi = mid
		}
		if hi-lo <= 1e-12*d.Cap {
			break
		}
	}
	return hi
}

// Mean is the integral of the survival function over [0, Cap], in closed
// form.
func (d Bathtub) Mean() float64 {
	return (1-d.A)*d.Cap + d.A*d.Tau1*(1-math.Exp(-d.Cap/d.Tau1)) -
		d.A*d.Tau2*(math.Exp((d.Cap-d.B)/d.Tau2)-math.Exp(-d.B/d.Tau2))
}
func (d Bathtub) String() string {
	return "Bathtub(A=" + num(d.A) + ", tau1=" + num(d.Tau1) + ", tau2=" + num(d.Tau2) +
		", b=" + num(d.B) + ", cap=" + num(d.Cap) + ")"
}
func (d Bathtub) WithSource(src rand.Source) Distribution {
	d.Src = src
	return d
}
func (d Bathtub) Validate() error {
	for _, v := range []float64{d.A, d.Tau1, d.Tau2, d.B, d.Cap} {
		if !(v > 0) || math.IsInf(v, 0) {
			return fmt.Errorf("failure: %v: all parameters must be positive and finite", d)
		}
	}
	if d.f(d.Cap) > 1 {
		return fmt.Errorf("failure: %v: F(cap) = %v exceeds 1", d, d.f(d.Cap))
	}
	return nil
}

// Durations draws time.Durations from a Distribution measured in Unit:
// In(time.Hour, Weibull{K: 0.7, Lambda: 1000}) draws lifetimes in hours.
type Durations struct {
	Dist Distribution
	Unit time.Duration
}

// In measures d in unit.
func In(unit time.Duration, d Distribution) Durations { return Durations{Dist: d, Unit: unit} }

// Exp is the exponential distribution of durations with the given mean,
// which must be positive: Validate (and so every injector, when armed)
// refuses a zero or negative mean, and Rand panics on it.
func Exp(mean time.Duration) Durations {
	return Durations{Dist: Exponential{Rate: 1}, Unit: mean}
}

// Fixed always gives d.
func Fixed(d time.Duration) Durations { return Durations{Dist: Deterministic{Value: 1}, Unit: d} }

// Rand draws a duration, clamped to [0, ~292 years] so that heavy tails
// cannot overflow the clock.
//
// Parameters are checked by Validate, which injectors call when armed and
// which code taking parameters from its user should call and report. Rand
// itself panics on a unit that is not positive or a draw that is NaN
// (invalid parameters that slipped past Validate): a sampler must not
// turn bad parameters into plausible durations, as it used to (zero).
func (d Durations) Rand() time.Duration {
	if d.Unit <= 0 {
		panic(fmt.Sprintf("failure: %v.Rand: unit must be positive", d))
	}
	x := d.Dist.Rand()
	if math.IsNaN(x) {
		panic(fmt.Sprintf("failure: %v.Rand: drew NaN; the distribution's parameters are invalid", d))
	}
	return d.scale(x)
}

// Mean returns the mean duration.
func (d Durations) Mean() time.Duration { return d.scale(d.Dist.Mean()) }

func (d Durations) scale(x float64) time.Duration {
	v := x * float64(d.Unit)
	switch {
	case !(v > 0): // negative or NaN
		return 0
	case v >= math.MaxInt64/2:
		return math.MaxInt64 / 2
	}
	return time.Duration(math.Round(v))
}

// WithSource returns a copy drawing from src.
func (d Durations) WithSource(src rand.Source) Durations {
	d.Dist = d.Dist.WithSource(src)
	return d
}

// Validate checks the distribution and the unit.
func (d Durations) Validate() error {
	if d.Dist == nil {
		return fmt.Errorf("failure: Durations: no distribution")
	}
	if d.Unit <= 0 {
		return fmt.Errorf("failure: %v: unit must be positive", d)
	}
	return d.Dist.Validate()
}

// String prints the distribution and its unit, e.g. "Exponential(rate=1)×4h0m0s".
func (d Durations) String() string {
	return fmt.Sprintf("%v×%v", d.Dist, d.Unit)
}
