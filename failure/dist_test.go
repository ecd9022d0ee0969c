package failure_test

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/failure"
	"github.com/nimbus-sim/nimbus/sim"
)

func dists(env *sim.Env) []failure.Distribution {
	emp, err := failure.NewEmpirical([]float64{3, 1, 4, 1, 5, 9, 2, 6}, nil)
	if err != nil {
		panic(err)
	}
	list := []failure.Distribution{
		failure.Exponential{Rate: 0.5},
		failure.Weibull{K: 0.7, Lambda: 3},
		failure.Weibull{K: 2.5, Lambda: 3},
		failure.LogNormal{Mu: 1, Sigma: 0.5},
		failure.Gamma{Alpha: 2.5, Beta: 1.5},
		failure.Pareto{Xm: 1, Alpha: 3.5},
		failure.Deterministic{Value: 4},
		emp,
		failure.CDFTable{X: []float64{1, 2, 5, 10}, P: []float64{0, 0.5, 0.9, 1}},
		failure.Bathtub{A: 0.45, Tau1: 1, Tau2: 0.8, B: 24, Cap: 24},
	}
	for i, d := range list {
		list[i] = d.WithSource(env.Rand("test/" + d.String()))
	}
	return list
}

// TestDistributionSampleMean draws 200,000 values from each distribution
// (seed 1) and checks the sample mean against Mean within 5 standard
// errors, and the sample CDF at the quartiles against p within 0.005.
func TestDistributionSampleMean(t *testing.T) {
	env := sim.New(1)
	defer env.Close()
	const n = 200000
	for _, d := range dists(env) {
		if err := d.Validate(); err != nil {
			t.Fatal(err)
		}
		xs := make([]float64, n)
		var sum, sum2 float64
		for i := range xs {
			x := d.Rand()
			xs[i] = x
			sum += x
			sum2 += x * x
		}
		mean := sum / n
		se := math.Sqrt((sum2/n-mean*mean)/n) + 1e-12
		if math.Abs(mean-d.Mean()) > 5*se {
			t.Errorf("%v: sample mean %.5f, Mean() %.5f (5 se = %.5f)", d, mean, d.Mean(), 5*se)
		}
		for _, p := range []float64{0.25, 0.5, 0.75} {
			q := d.Quantile(p)
			below := 0
			for _, x := range xs {
				if x <= q {
					below++
				}
			}
			// Discrete distributions jump past p at q.
			if f := float64(below) / n; f < p-0.005 || (f > p+0.005 && d.CDF(q) <= p+0.005) {
				t.Errorf("%v: P(X <= Quantile(%v) = %v) sampled as %.4f", d, p, q, f)
			}
			if c := d.CDF(q); c < p-1e-9 {
				t.Errorf("%v: CDF(Quantile(%v)) = %v < p", d, p, c)
			}
		}
	}
}

func TestBathtubReferenceValues(t *testing.T) {
	// Kadupitiya et al. 2020 (https://arxiv.org/abs/1911.05160): A=0.45, tau1=1, tau2=0.8, b=24 h.
	d := failure.Bathtub{A: 0.45, Tau1: 1, Tau2: 0.8, B: 24, Cap: 24}
	for _, c := range []struct{ t, f float64 }{{1, 0.284}, {3, 0.428}, {12, 0.450}, {22, 0.487}} {
		if got := d.CDF(c.t); math.Abs(got-c.f) > 0.0005 {
			t.Errorf("F(%v h) = %.4f, want %.3f", c.t, got, c.f)
		}
	}
	if got := d.CDF(24); got != 1 {
		t.Errorf("F(24 h) = %v, want 1 (10%% atom at the cap)", got)
	}
	if q := d.Quantile(0.95); q != 24 {
		t.Errorf("Quantile(0.95) = %v, want the cap 24 (F(24-) = 0.9)", q)
	}
	if m := d.Mean(); math.Abs(m-13.3) > 0.05 {
		t.Errorf("mean %.3f h, want 13.3 h", m)
	}
	d.A = 0.5
	if m := d.Mean(); math.Abs(m-12.1) > 0.05 {
		t.Errorf("A=0.5: mean %.3f h, want 12.1 h", m)
	}
	d.A = 0.6
	if err := d.Validate(); err == nil {
		t.Error("A=0.6 gives F(cap) > 1 but validates")
	}
}

func TestDistributionValidate(t *testing.T) {
	bad := []failure.Distribution{
		failure.Exponential{Rate: 0},
		failure.Exponential{Rate: math.NaN()},
		failure.Weibull{K: -1, Lambda: 1},
		failure.LogNormal{Mu: 0, Sigma: 0},
		failure.Gamma{Alpha: 1, Beta: math.Inf(1)},
		failure.Pareto{Xm: 0, Alpha: 1},
		failure.Deterministic{Value: math.NaN()},
		failure.Empirical{},
		failure.Empirical{Samples: []float64{2, 1}},
		failure.CDFTable{X: []float64{1, 2}, P: []float64{0, 0.5}},
		failure.CDFTable{X: []float64{2, 1}, P: []float64{0, 1}},
		failure.CDFTable{X: []float64{1, 2, 3}, P: []float64{0, 0.6, 0.5}},
	}
	for _, d := range bad {
		if err := d.Validate(); err == nil {
			t.Errorf("%v validates", d)
		} else if !strings.HasPrefix(err.Error(), "failure: ") {
			t.Errorf("%v: error %q lacks the package prefix", d, err)
		}
	}
}

func TestRandWithoutSourcePanics(t *testing.T) {
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), "Src is nil") {
			t.Errorf("panic = %v, want a message about the missing source", r)
		}
	}()
	failure.Exponential{Rate: 1}.Rand()
}

// TestStreamsReproduce: the same stream name and seed give the same draws.
func TestStreamsReproduce(t *testing.T) {
	draw := func(seed uint64) []float64 {
		env := sim.New(seed)
		defer env.Close()
		var xs []float64
		for _, d := range dists(env) {
			xs = append(xs, d.Rand(), d.Rand())
		}
		return xs
	}
	a, b, c := draw(9), draw(9), draw(10)
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("draw %d differs between runs with seed 9: %v vs %v", i, a[i], b[i])
		}
	}
	same := 0
	for i := range a {
		if a[i] == c[i] {
			same++
		}
	}
	if same > 4 { // only the deterministic ones
		t.Errorf("seeds 9 and 10 agree on %d of %d draws", same, len(a))
	}
}

func TestDurations(t *testing.T) {
	env := sim.New(2)
	defer env.Close()
	d := failure.Exp(4 * time.Hour).WithSource(env.Rand("d"))
	if d.Mean() != 4*time.Hour {
		t.Errorf("mean %v", d.Mean())
	}
	var sum time.Duration
	const n = 100000
	for range n {
		sum += d.Rand()
	}
	if m := sum / n; m < 3*time.Hour+55*time.Minute || m > 4*time.Hour+5*time.Minute {
		t.Errorf("sample mean %v, want 4h ± 5m (seed 2)", m)
	}
	heavy := failure.In(time.Hour, failure.Pareto{Xm: 1e15, Alpha: 0.1}).WithSource(env.Rand("p"))
	if x := heavy.Rand(); x <= 0 {
		t.Errorf("a huge draw overflowed to %v", x)
	}
	if err := failure.In(0, failure.Exponential{Rate: 1}).Validate(); err == nil {
		t.Error("zero unit validates")
	}
	if s := failure.Fixed(time.Minute).String(); s != "Deterministic(1)×1m0s" {
		t.Errorf("String = %q", s)
	}
}
