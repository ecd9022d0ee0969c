package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/billing"
	"github.com/nimbus-sim/nimbus/ec2"
	"github.com/nimbus-sim/nimbus/iam"
	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/sim"
	"github.com/nimbus-sim/nimbus/sim/study"
)

var update = flag.Bool("update", false, "rewrite testdata/trace.golden")

// goldenSeed is a replication of the default scenario with two
// interruptions (checked by TestGoldenTrace).
const goldenSeed = 3

func TestTheoryMatchesReference(t *testing.T) {
	// REFERENCE.md section 4's validation table (R = D = 0), in seconds.
	for _, c := range []struct{ m, delta, daly, young float64 }{
		{86400, 300, 7001.4, 7200.0},
		{3600, 60, 617.9, 657.3},
		{3600, 300, 1276.5, 1469.7},
		{600, 60, 229.8, 268.3},
	} {
		if got := daly(c.delta, c.m); math.Abs(got-c.daly) > 0.05 {
			t.Errorf("Daly tau(M=%v, delta=%v) = %.2f, want %.1f", c.m, c.delta, got, c.daly)
		}
		if got := young(c.delta, c.m); math.Abs(got-c.young) > 0.05 {
			t.Errorf("Young tau(M=%v, delta=%v) = %.2f, want %.1f", c.m, c.delta, got, c.young)
		}
	}
	if got := daly(10, 4); got != 4 { // delta >= 2M: tau = M
		t.Errorf("Daly tau for delta >= 2M = %v, want M", got)
	}
	// REFERENCE.md 3.2: lambda = -ln(1-f)/730 h; ">20%" is taken as 30%.
	if got, want := hazard(ec2.BucketOver20, 0), -math.Log(0.7)/730; math.Abs(got-want) > 1e-15 {
		t.Errorf("hazard(>20%%) = %v, want %v", got, want)
	}
	if got, want := hazard(ec2.BucketOver20, 8*time.Hour), -math.Log(0.7)/730+0.125; math.Abs(got-want) > 1e-15 {
		t.Errorf("hazard with storms every 8 h = %v, want %v", got, want)
	}
	// 16 GiB at gp3's 125 MiB/s: 131.072 s plus one 2 ms I/O latency.
	if got := DefaultConfig().CheckpointTime(); got != 131074*time.Millisecond {
		t.Errorf("checkpoint time = %v, want 2m11.074s", got)
	}
}

// quiet is the default scenario without interruptions.
func quiet() Config {
	cfg := DefaultConfig()
	cfg.NoInterruptions = true
	return cfg
}

// TestCheckpointsWithoutInterruptions: with nothing reclaiming, the job
// computes exactly W, writes ceil(W/tau) checkpoints each taking ec2's EBS
// time, loses nothing, and its wall time is the sum of its phases.
func TestCheckpointsWithoutInterruptions(t *testing.T) {
	cfg := quiet()
	out, err := Simulate(sim.New(1), cfg)
	if err != nil {
		t.Fatal(err)
	}
	n := int(math.Ceil(float64(cfg.Work) / float64(cfg.Interval)))
	if out.Checkpoints != n || out.CheckpointTime != time.Duration(n)*cfg.CheckpointTime() {
		t.Errorf("%d checkpoints in %v, want %d in %v", out.Checkpoints, out.CheckpointTime, n, time.Duration(n)*cfg.CheckpointTime())
	}
	if out.Computed != cfg.Work || out.Lost != 0 || out.Interruptions != 0 || out.Launches != 1 {
		t.Errorf("computed %v, lost %v, %d interruptions, %d launches; want %v, 0, 0, 1", out.Computed, out.Lost, out.Interruptions, out.Launches, cfg.Work)
	}
	// Wall = set-up (volume, launch, boot, attach: under a minute) +
	// startup + W + checkpoints.
	setup := out.Wall - cfg.Startup - cfg.Work - out.CheckpointTime
	if setup <= 0 || setup > time.Minute {
		t.Errorf("wall %v leaves %v for the volume, launch, boot and attach", out.Wall, setup)
	}
}

// TestDeterminism runs one replication twice at the golden seed, with the
// trace on, and compares the trace hashes (sim.CheckDeterminism).
func TestDeterminism(t *testing.T) {
	var out Outcome
	hash, err := sim.CheckDeterminism(goldenSeed, func(env *sim.Env) {
		var err error
		if out, err = Simulate(env, DefaultConfig()); err != nil {
			t.Error(err)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if out.Interruptions == 0 {
		t.Errorf("seed %d saw no interruption: the check would not cover the reclaim path", goldenSeed)
	}
	t.Logf("trace hash %s, %d interruptions", hash, out.Interruptions)
}

// TestGoldenTrace compares the trace of one replication at goldenSeed,
// and its outcome, with testdata/trace.golden (go test -update rewrites
// it). Any change in what the scenario does shows up as a diff.
func TestGoldenTrace(t *testing.T) {
	env := sim.New(goldenSeed, sim.WithTrace())
	defer env.Close()
	out, err := Simulate(env, DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	if out.Interruptions != 2 {
		t.Errorf("seed %d: %d interruptions, want 2 (the golden run shows reclaims)", goldenSeed, out.Interruptions)
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "# spot-training, default config, seed %d: wall %v, %d interruptions, %d launches, computed %v (lost %v), %d checkpoints, instance hours %s, compute %v, storage %v, total %v, zones %v\n",
		goldenSeed, out.Wall, out.Interruptions, out.Launches, out.Computed, out.Lost, out.Checkpoints,
		out.InstanceHours.RatString(), out.ComputeCost, out.StorageCost, out.TotalCost, out.Zones)
	if err := env.Trace().WriteText(&b); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", "trace.golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(b.Bytes(), want) {
		got, wantLines := strings.Split(b.String(), "\n"), strings.Split(string(want), "\n")
		for i := range max(len(got), len(wantLines)) {
			var g, w string
			if i < len(got) {
				g = got[i]
			}
			if i < len(wantLines) {
				w = wantLines[i]
			}
			if g != w {
				t.Fatalf("trace differs from %s at line %d:\n got: %s\nwant: %s\n(go test -update rewrites it)", path, i+1, g, w)
			}
		}
	}
}

// instanceSpans records, per instance, when it became running and when
// it left running (where ec2 starts and stops its meter).
type instanceSpans map[string]*[2]sim.Time

func (s instanceSpans) watch(svc *ec2.Service) {
	svc.Subscribe(func(e ec2.StateChangeEvent) {
		sp, ok := s[e.InstanceID]
		if !ok {
			sp = &[2]sim.Time{-1, -1}
			s[e.InstanceID] = sp
		}
		switch {
		case e.Current == ec2.InstanceStateRunning:
			sp[0] = e.At
		case e.Previous == ec2.InstanceStateRunning:
			sp[1] = e.At
		}
	})
}

// billedSeconds is per-second billing of a span: whole seconds, the last
// partial one rounded up, at least 60 [S16].
func billedSeconds(from, to sim.Time) int64 {
	d := int64(to - from)
	return max(60, (d+int64(time.Second)-1)/int64(time.Second))
}

// TestOnDemandBaselineBilling: the on-demand run bills its instance per
// second at $3.06/h, exactly: the invoice's amount is the running span
// rounded up to a second, and its cost that many seconds at $0.00085. The
// span is W plus what the job does besides computing (attach, startup,
// final save, the terminate call), so it costs W x $3.06 plus those
// seconds at the same rate, to the nano-dollar.
func TestOnDemandBaselineBilling(t *testing.T) {
	cfg := DefaultConfig()
	cfg.OnDemand, cfg.Interval = true, cfg.Work
	spans := instanceSpans{}
	cfg.setup = func(_ *region.World, svc *ec2.Service, _ iam.Credentials) { spans.watch(svc) }
	out, err := Simulate(sim.New(11), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(spans) != 1 || out.Launches != 1 || out.Interruptions != 0 {
		t.Fatalf("%d instances, %d launches, %d interruptions; want one on-demand instance", len(spans), out.Launches, out.Interruptions)
	}
	var secs int64
	for _, sp := range spans {
		secs = billedSeconds(sp[0], sp[1])
	}
	if want := big.NewRat(secs, 3600); out.InstanceHours.Cmp(want) != 0 {
		t.Errorf("billed %s h, want %d s = %s h", out.InstanceHours.RatString(), secs, want.RatString())
	}
	perSecond := billing.MustParseMoney("0.00085") // $3.06 / 3600, exactly
	if want := billing.Money(secs) * perSecond; out.ComputeCost != want {
		t.Errorf("on-demand compute cost %v, want %d s x $0.00085 = %v", out.ComputeCost, secs, want)
	}
	overhead := secs - int64(cfg.Work/time.Second)
	if w := billing.Money(cfg.Work/time.Second) * perSecond; w != billing.MustParseMoney("73.44") || out.ComputeCost != w+billing.Money(overhead)*perSecond {
		t.Errorf("compute cost %v != W x $3.06 (%v) + %d s of overhead x $0.00085", out.ComputeCost, w, overhead)
	}
	// The overhead is the final save plus the startup plus seconds of
	// API calls: between startup+delta and that plus a minute.
	lo := int64((cfg.Startup + cfg.CheckpointTime()) / time.Second)
	if overhead < lo || overhead > lo+60 {
		t.Errorf("on-demand overhead %d s, want within a minute above startup + final save = %d s", overhead, lo)
	}
	if out.TotalCost != out.ComputeCost+out.StorageCost || out.StorageCost <= 0 {
		t.Errorf("total %v != compute %v + storage %v (storage must be positive)", out.TotalCost, out.ComputeCost, out.StorageCost)
	}
	t.Logf("on-demand: %d s billed = W + %d s, %v compute, %v total", secs, overhead, out.ComputeCost, out.TotalCost)
}

// TestSpotWithoutInterruptionsBillsTheSpotPrice: with reclaims off, a
// spot run bills its instance's running span at the price ec2's spot
// market had: within the first price step (a 6 h job) one line of exactly
// seconds x price; over a 24 h job that crosses a daily price step, one
// line per price, each at a price the market quoted, adding up to the
// span.
func TestSpotWithoutInterruptionsBillsTheSpotPrice(t *testing.T) {
	for _, work := range []time.Duration{6 * time.Hour, 24 * time.Hour} {
		t.Run(work.String(), func(t *testing.T) {
			cfg := quiet()
			cfg.Work = work
			spans := instanceSpans{}
			quoted := map[billing.Price]bool{}
			var led *billing.Ledger
			cfg.setup = func(w *region.World, svc *ec2.Service, _ iam.Credentials) {
				spans.watch(svc)
				led = svc.Billing()
				env := svc.Env()
				env.Go("price-watch", func(p *sim.Proc) { // DescribeSpotPriceHistory, every hour
					for {
						for _, z := range w.AZs() {
							if microUSD, err := svc.SpotPrice(z.ID(), gpuType); err == nil {
								quoted[billing.Price(microUSD)*billing.Price(1e9)] = true
							}
						}
						p.Sleep(time.Hour)
					}
				})
			}
			out, err := Simulate(sim.New(5), cfg)
			if err != nil {
				t.Fatal(err)
			}
			if len(spans) != 1 || out.Interruptions != 0 {
				t.Fatalf("%d instances, %d interruptions; want one uninterrupted", len(spans), out.Interruptions)
			}
			var secs int64
			for _, sp := range spans {
				secs = billedSeconds(sp[0], sp[1])
			}
			if want := big.NewRat(secs, 3600); out.InstanceHours.Cmp(want) != 0 {
				t.Errorf("billed %s h, want %d s", out.InstanceHours.RatString(), secs)
			}
			var lines []billing.LineItem
			for _, mo := range led.Months(account) {
				for _, li := range led.Invoice(account, mo).Lines {
					if strings.Contains(li.UsageType, "SpotUsage:p3.2xlarge") {
						lines = append(lines, li)
					}
				}
			}
			if work < 24*time.Hour && len(lines) != 1 || work >= 24*time.Hour && len(lines) != 2 {
				t.Fatalf("%d SpotUsage lines for a %v job", len(lines), work)
			}
			var sum billing.Money
			for _, li := range lines {
				if !quoted[li.UnitPrice] {
					t.Errorf("line at %v/h: not a price the market quoted", li.UnitPrice)
				}
				// cost = amount x price, rounded half up to a nano-dollar
				exact := new(big.Rat).Mul(li.Amount, li.UnitPrice.Rat())
				exact.Mul(exact, big.NewRat(1e9, 1))
				nano := new(big.Int).Quo(new(big.Int).Add(new(big.Int).Mul(exact.Num(), big.NewInt(2)), exact.Denom()), new(big.Int).Mul(exact.Denom(), big.NewInt(2)))
				if billing.Money(nano.Int64()) != li.Cost {
					t.Errorf("line %s h at %v = %v, want %d nano-dollars", li.Amount.RatString(), li.UnitPrice, li.Cost, nano)
				}
				sum += li.Cost
			}
			if sum != out.ComputeCost {
				t.Errorf("spot lines add up to %v, compute cost %v", sum, out.ComputeCost)
			}
			if len(lines) == 1 { // one price: cost = seconds x price exactly
				want := new(big.Rat).Mul(big.NewRat(secs, 3600), lines[0].UnitPrice.Rat())
				if out.ComputeCost.Rat().Cmp(want) != 0 {
					t.Errorf("compute cost %v, want %d s x %v/h = %s", out.ComputeCost, secs, lines[0].UnitPrice, want.FloatString(9))
				}
				if od := billing.Price(3060000) * billing.Price(1e9); lines[0].UnitPrice != od/5 {
					t.Errorf("first-step spot price %v, want 20%% of $3.06 (the 80%% saving of REFERENCE.md 3.2)", lines[0].UnitPrice)
				}
			}
		})
	}
}

// TestDalyOptimum runs the sweep and checks the interval with the lowest
// mean wall time against Daly's optimum, and every simulated mean against
// the closed form (ExpectedWall). Both interruption sources are
// memoryless (a constant hazard and Poisson storms), so REFERENCE.md 4
// applies with M = 1/(lambda_advisor + 1/storm period) and delta the
// checkpoint time. The notice is the failure instant of the theory: work
// since the last checkpoint is lost when it comes (a 16 GiB checkpoint
// does not fit in the two minutes). The trainer waits on ec2's notice
// event instead of polling (Poll = 0) so that 300 replications per
// interval run in seconds; polling every 5 s only adds 2.5 s on average
// per interruption. Seed 2026, 95% CIs, common random numbers across
// intervals.
func TestDalyOptimum(t *testing.T) {
	const seed, reps, level = 2026, 300, 0.95
	cfg := DefaultConfig()
	cfg.Poll = 0
	_, _, ty, td := theoryOf(cfg)
	taus := intervals(cfg)
	var points []study.Point
	for _, tau := range taus {
		points = append(points, study.Pt("tau_h", tau))
	}
	res, err := study.Run(context.Background(), study.Config{Seed: seed, Reps: reps, Points: points}, scenario(cfg))
	if err != nil {
		t.Fatal(err)
	}
	best, dalyIdx := 0, -1
	for i, tau := range taus {
		s := res.Summary(i, "wall_h", level)
		if s.N != reps {
			t.Fatalf("tau=%v: %d of %d replications reported (%d errors)", tau, s.N, reps, s.Errors)
		}
		want := ExpectedWall(cfg, tau)
		t.Logf("tau = %6.1f min: wall %.3f h [%.3f, %.3f], model %.3f h, %.2f interruptions", tau*60, s.Mean, s.CILow, s.CIHigh, want, res.Summary(i, "interruptions", level).Mean)
		// The closed form (Daly's with the notice lead) must lie inside
		// the 99% CI of the simulated mean.
		if s99 := res.Summary(i, "wall_h", 0.99); want < s99.CILow || want > s99.CIHigh {
			t.Errorf("tau = %.1f min: model %.3f h outside the 99%% CI [%.3f, %.3f] (seed %d)", tau*60, want, s99.CILow, s99.CIHigh, seed)
		}
		if s.Mean < res.Summary(best, "wall_h", level).Mean {
			best = i
		}
		if tau == td {
			dalyIdx = i
		}
	}
	d := res.Summary(dalyIdx, "wall_h", level)
	t.Logf("Daly tau* = %.1f min, Young %.1f min; lowest mean at %.1f min", td*60, ty*60, taus[best]*60)
	if opt := modelOptimum(cfg, td); math.Abs(opt-td) > 0.05*td {
		t.Errorf("the model's optimum %.1f min is not within 5%% of Daly's %.1f min", opt*60, td*60)
	}
	if b := res.Summary(best, "wall_h", level); b.Mean < d.CILow {
		t.Errorf("tau = %.1f min beats Daly's %.1f min beyond the CI: %.3f < %.3f h (seed %d)", taus[best]*60, td*60, b.Mean, d.CILow, seed)
	}
	// And the curve is a valley around Daly's point: a quarter of it
	// (checkpoint overhead) and eight times it (lost work) are worse
	// beyond the CI.
	for _, i := range []int{0, len(taus) - 1} {
		if s := res.Summary(i, "wall_h", level); s.Mean <= d.CIHigh {
			t.Errorf("tau = %.1f min: mean wall %.3f h not above Daly's CI [%.3f, %.3f] (seed %d)", taus[i]*60, s.Mean, d.CILow, d.CIHigh, seed)
		}
	}
}

// TestCapacityMovesTheCheckpoint: when the checkpoint volume's zone has no
// p3 capacity left after a reclaim (other tenants took the hosts), the
// driver launches in another zone, carries the checkpoint there by
// snapshot, and the job resumes from it.
func TestCapacityMovesTheCheckpoint(t *testing.T) {
	cfg := quiet()
	cfg.Work = 4 * time.Hour
	cfg.setup = func(w *region.World, svc *ec2.Service, _ iam.Credentials) {
		env := svc.Env()
		az, err := w.AZID(account, volumeZone)
		if err != nil {
			t.Fatal(err)
		}
		env.At(sim.Time(2*time.Hour), func() {
			for { // other tenants fill the zone's p3 hosts
				if _, err := w.Fleet().Place(az, string(gpuType), region.PlaceOptions{}); err != nil {
					break
				}
			}
			if err := svc.ReclaimSpot(az, string(gpuType), 1); err != nil {
				t.Error(err)
			}
		})
	}
	out, err := Simulate(sim.New(9), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if out.Interruptions != 1 || out.Moves != 1 || out.CapacityErrors < 1 || len(out.Zones) != 2 || out.Zones[0] == out.Zones[1] {
		t.Fatalf("%d interruptions, %d moves, %d capacity errors, zones %v; want one reclaim, then a move to another zone",
			out.Interruptions, out.Moves, out.CapacityErrors, out.Zones)
	}
	// The reclaim came 2 h in: the job lost less than one interval of
	// work, so it resumed from a checkpoint and did not start over.
	if out.Lost <= 0 || out.Lost >= cfg.Interval {
		t.Errorf("lost %v of work, want between 0 and one interval (%v)", out.Lost, cfg.Interval)
	}
}

// TestIAMIsEnforced: without iam:PassRole on the trainer role, the
// engineer cannot launch the trainer with its instance profile, and EC2
// says so as it does.
func TestIAMIsEnforced(t *testing.T) {
	cfg := quiet()
	cfg.setup = func(w *region.World, _ *ec2.Service, root iam.Credentials) {
		noPass := strings.Replace(driverPolicy, `"iam:PassRole"`, `"iam:GetRole"`, 1)
		if err := w.Setup(func(ctx context.Context) error {
			_, err := w.IAMClient(root).PutUserPolicy(ctx, &region.PutUserPolicyInput{UserName: "ml-engineer",
				PolicyName: "spot-training", PolicyDocument: noPass})
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	_, err := Simulate(sim.New(1), cfg)
	if !errors.Is(err, ec2.ErrUnauthorizedOperation) || !strings.Contains(err.Error(), "iam:PassRole") {
		t.Fatalf("err = %v, want UnauthorizedOperation about iam:PassRole", err)
	}
}

// TestMainRuns runs the command with fast settings (a 4 h job, a few
// replications, the notice event instead of polling) and checks its
// table, plot, summary and trace files, and that bad flags are refused.
func TestMainRuns(t *testing.T) {
	dir := t.TempDir()
	plot, sum, trace := filepath.Join(dir, "wall.svg"), filepath.Join(dir, "summary.csv"), filepath.Join(dir, "trace.txt")
	var out bytes.Buffer
	args := []string{"-reps", "4", "-work", "4h", "-poll", "0", "-q", "-plot", plot, "-summary", sum, "-trace", trace}
	if err := run(context.Background(), args, &out, os.Stderr); err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + out.String())
	for _, want := range []string{"on-demand", "(Daly)", "(Young)", "never (final save)", "Cheapest on spot", "4 replications per row"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if n := len(regexp.MustCompile(`(?m)^([0-9.]+ min|never) `).FindAllString(out.String(), -1)); n != 7 {
		t.Errorf("%d interval rows, want 7", n)
	}
	if b, err := os.ReadFile(plot); err != nil || !bytes.Contains(b, []byte("<svg")) {
		t.Errorf("plot: %v, %.60q", err, b)
	}
	if b, err := os.ReadFile(sum); err != nil || !strings.HasPrefix(string(b), "point,tau_h,metric,") {
		t.Errorf("summary: %v, %.60q", err, b)
	}
	if b, err := os.ReadFile(trace); err != nil || !bytes.Contains(b, []byte(" job done ")) {
		t.Errorf("trace: %v, %d bytes without the job's end", err, len(b))
	}
	// Workers never change the results: the same table on one worker.
	var one bytes.Buffer
	if err := run(context.Background(), []string{"-reps", "4", "-work", "4h", "-poll", "0", "-q", "-workers", "1"}, &one, os.Stderr); err != nil {
		t.Fatal(err)
	}
	if one.String() != out.String() {
		t.Errorf("-workers 1 printed a different table:\n%s", one.String())
	}
	for _, bad := range [][]string{{"-reps", "1"}, {"-work", "-1h"}, {"-state-gib", "80"}, {"extra"}} {
		if err := run(context.Background(), bad, &out, &bytes.Buffer{}); err == nil {
			t.Errorf("run %q: no error", bad)
		}
	}
}
