package failure_test

// Analytical validation of the failure machinery through Monte Carlo
// studies: Young/Daly checkpointing [Young 1974; Daly 2006] and replica
// MTTDL (Greenan, Plank, Wylie, "Mean time to meaningless", HotStorage
// 2010, and the Markov model of Patterson, Gibson, Katz, SIGMOD 1988).

import (
	"context"
	"math"
	"testing"
	"time"

	"gonum.org/v1/gonum/mat"

	"github.com/nimbus-sim/nimbus/failure"
	"github.com/nimbus-sim/nimbus/sim"
	"github.com/nimbus-sim/nimbus/sim/study"
)

// Checkpointed job parameters: MTBF M, checkpoint cost C, restart R,
// work W (the 3,600 s / 60 s row of a validation table derived from Daly 2006, with
// a restart cost added).
const (
	cpM = 3600 * time.Second
	cpC = 60 * time.Second
	cpR = 120 * time.Second
	cpW = 8 * time.Hour
)

// dalyTau is Daly's higher-order optimum, eq. 37 [Daly 2006], in seconds.
func dalyTau(m, c float64) float64 {
	if c >= 2*m {
		return m
	}
	x := c / (2 * m)
	return math.Sqrt(2*c*m)*(1+math.Sqrt(x)/3+x/9) - c
}

// expectedWall is E[T_w] under Daly 2006's model, with D = 0, summed per
// segment so that a last partial segment is exact too: each segment of
// compute s plus checkpoint C costs e^{λR} (e^{λ(s+C)} - 1) / λ.
func expectedWall(w, tau, c, r, m float64) float64 {
	lam := 1 / m
	seg := func(s float64) float64 { return math.Exp(lam*r) * math.Expm1(lam*(s+c)) / lam }
	n := math.Floor(w / tau)
	e := n * seg(tau)
	if rem := w - n*tau; rem > 1e-9 {
		e += seg(rem)
	}
	return e
}

// checkpointJob simulates the job: compute in segments of tau, each ended
// by a checkpoint of C; a failure (Poisson, mean M, injected by a
// Recurring fault that interrupts the job) loses the segment in progress
// and costs a restart of R, which a failure can interrupt too.
func checkpointJob(rep *study.Rep) study.Result {
	env := rep.Env
	tau := time.Duration(rep.Param("tau_s") * float64(time.Second))
	h := mustHarness(env)
	var job *sim.Proc
	var wall time.Duration
	failures := 0
	job = env.Go("job", func(p *sim.Proc) {
		remaining := cpW
		restart := false
		for remaining > 0 {
			if restart {
				if p.Sleep(cpR) != nil {
					continue
				}
				restart = false
			}
			seg := min(tau, remaining)
			if p.Sleep(seg+cpC) != nil {
				restart = true
				continue
			}
			remaining -= seg
		}
		wall = p.Now().Duration()
		env.Stop()
	})
	crash := failure.Func("crash(job)", "job", func() error {
		failures++
		job.Interrupt("node failure")
		return nil
	}, nil)
	h.Start(failure.Recurring(failure.Exp(cpM), failure.Once(crash)))
	env.Run()
	if err := h.Err(); err != nil {
		panic(err) // the study fails the replication, naming its seed
	}
	return study.Result{"wall_s": wall.Seconds(), "failures": float64(failures)}
}

func TestYoungDalyCheckpointInterval(t *testing.T) {
	const seed, reps, level = 20260101, 1500, 0.99
	m, c, r, w := cpM.Seconds(), cpC.Seconds(), cpR.Seconds(), cpW.Seconds()
	daly := dalyTau(m, c)
	young := math.Sqrt(2 * c * m)
	taus := []float64{200, 400, daly, 900, 1400, 2400}
	cfg := study.Config{Seed: seed, Reps: reps, Points: study.Grid(study.Axis{Name: "tau_s", Values: taus})}
	res, err := study.Run(context.Background(), cfg, checkpointJob)
	if err != nil {
		t.Fatal(err)
	}
	best, dalyIdx := -1, 2
	var bestMean float64
	for i, tau := range taus {
		s := res.Summary(i, "wall_s", level)
		want := expectedWall(w, tau, c, r, m)
		t.Logf("tau=%7.1f s: mean wall %8.1f s, %g%% CI [%8.1f, %8.1f], E[T_w] %8.1f s (overhead %.4f)",
			tau, s.Mean, 100*level, s.CILow, s.CIHigh, want, want/w-1)
		if want < s.CILow || want > s.CIHigh {
			t.Errorf("tau=%.1f s: E[T_w] = %.1f s outside the %g%% CI [%.1f, %.1f] (seed %d)", tau, want, 100*level, s.CILow, s.CIHigh, seed)
		}
		if best < 0 || s.Mean < bestMean {
			best, bestMean = i, s.Mean
		}
	}
	d := res.Summary(dalyIdx, "wall_s", level)
	t.Logf("Daly tau* = %.1f s, Young %.1f s; lowest simulated mean at tau = %.1f s", daly, young, taus[best])
	// The interval with the lowest mean must not be distinguishable from
	// Daly's optimum: its mean lies within the CI of the mean at tau*.
	if bestMean < d.CILow {
		t.Errorf("tau=%.1f s beats Daly's tau*=%.1f s beyond the CI: %.1f < %.1f (seed %d)", taus[best], daly, bestMean, d.CILow, seed)
	}
	// And the analytical curve is minimised at Daly's point of the grid.
	for i, tau := range taus {
		if i != dalyIdx && expectedWall(w, tau, c, r, m) < expectedWall(w, daly, c, r, m) {
			t.Errorf("E[T_w] at tau=%.1f is below that at Daly's tau*", tau)
		}
	}
	// Daly 2006, eq. 37: the optimum for M=3600 s, delta=60 s is 617.9 s.
	if math.Abs(daly-617.9) > 0.1 {
		t.Errorf("Daly tau* = %.2f s, want 617.9 s", daly)
	}
}

// replicaLoss simulates r replicas, each failing after Exp(1/λ) and
// repaired in parallel after Exp(1/μ), via HostFailures injectors against
// a replica set; the data is lost when every replica is down at once.
type replicaSet struct {
	env    *sim.Env
	down   int
	n      int
	lostAt sim.Time
	lost   bool
}

func (s *replicaSet) FailHost(string) error {
	s.down++
	if s.down == s.n && !s.lost {
		s.lost, s.lostAt = true, s.env.Now()
		s.env.Stop()
	}
	return nil
}

func (s *replicaSet) RepairHost(string) error {
	s.down--
	return nil
}

func replicaRun(rep *study.Rep, mtbf, mttr time.Duration, horizon sim.Time) (lost bool, at sim.Time) {
	env := rep.Env
	set := &replicaSet{env: env, n: 3}
	h := mustHarness(env, set)
	for _, id := range []string{"replica-1", "replica-2", "replica-3"} {
		h.Start(failure.HostFailures(id, mtbf, mttr))
	}
	env.RunUntil(horizon)
	if err := h.Err(); err != nil {
		panic(err)
	}
	return set.lost, set.lostAt
}

// mttdl3Parallel is the CTMC's exact MTTDL for 3 replicas with
// parallel repair.
func mttdl3Parallel(lam, mu float64) float64 {
	return (11*lam*lam + 7*lam*mu + 2*mu*mu) / (6 * lam * lam * lam)
}

// lossProb3Parallel is P(absorbed by t) of the same CTMC (state = live
// replicas), from the matrix exponential of its generator.
func lossProb3Parallel(lam, mu, t float64) float64 {
	// States 3, 2, 1, 0 live replicas; 0 absorbs.
	q := mat.NewDense(4, 4, []float64{
		-3 * lam, 3 * lam, 0, 0,
		mu, -(mu + 2*lam), 2 * lam, 0,
		0, 2 * mu, -(2*mu + lam), lam,
		0, 0, 0, 0,
	})
	q.Scale(t, q)
	var p mat.Dense
	p.Exp(q)
	return p.At(0, 3)
}

func TestReplicatedStorageMTTDL(t *testing.T) {
	// Accelerated rates: λ = 1/h per replica, μ = 10/h, so the MTTDL is
	// 46.8 h of simulated time rather than billions of years.
	const seed, reps, level = 5, 3000, 0.99
	const lam, mu = 1.0, 10.0
	mtbf, mttr := time.Hour, 6*time.Minute
	want := mttdl3Parallel(lam, mu)
	if math.Abs(want-46.8333) > 1e-3 {
		t.Fatalf("MTTDL formula gives %v h, want 46.8333 h", want)
	}
	cfg := study.Config{Seed: seed, Reps: reps}
	// Run to loss (a horizon far beyond any plausible loss time).
	res, err := study.Run(context.Background(), cfg, func(rep *study.Rep) study.Result {
		lost, at := replicaRun(rep, mtbf, mttr, sim.Time(100000*time.Hour))
		if !lost {
			panic("no loss within 100,000 h")
		}
		return study.Result{"ttdl_h": at.Duration().Hours()}
	})
	if err != nil {
		t.Fatal(err)
	}
	s := res.Summary(0, "ttdl_h", level)
	t.Logf("mean time to data loss %.2f h, %g%% CI [%.2f, %.2f], Markov MTTDL %.2f h (seed %d)", s.Mean, 100*level, s.CILow, s.CIHigh, want, seed)
	if want < s.CILow || want > s.CIHigh {
		t.Errorf("MTTDL %.2f h outside the %g%% CI [%.2f, %.2f] (seed %d)", want, 100*level, s.CILow, s.CIHigh, seed)
	}

	// Probability of loss within a horizon of 20 h.
	const horizonH = 20.0
	res, err = study.Run(context.Background(), study.Config{Seed: seed + 1, Reps: reps}, func(rep *study.Rep) study.Result {
		lost, _ := replicaRun(rep, mtbf, mttr, sim.Time(horizonH*float64(time.Hour)))
		return study.Result{"lost": b2f(lost)}
	})
	if err != nil {
		t.Fatal(err)
	}
	s = res.Summary(0, "lost", level)
	exact := lossProb3Parallel(lam, mu, horizonH)
	approx := -math.Expm1(-horizonH / want)
	t.Logf("P(loss within %g h): simulated %.4f, %g%% CI [%.4f, %.4f]; CTMC %.4f; 1-exp(-H/MTTDL) %.4f", horizonH, s.Mean, 100*level, s.CILow, s.CIHigh, exact, approx)
	for name, p := range map[string]float64{"CTMC transient": exact, "1-exp(-H/MTTDL)": approx} {
		if p < s.CILow || p > s.CIHigh {
			t.Errorf("%s probability %.4f outside the %g%% CI [%.4f, %.4f] (seed %d)", name, p, 100*level, s.CILow, s.CIHigh, seed+1)
		}
	}
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
