// Command durability answers the course's "eleven nines" question: what
// does 99.999999999% annual durability mean for ten million objects, and
// what does it take?
//
//	go run ./examples/durability
//	go run ./examples/durability -years 40 -az-loss-every 2y
//
// Analytically: at 11 nines each object has a 1e-11 chance a year of being
// lost, so ten million objects lose 1e-4 a year on average: one object
// per 10,000 years. Where do 11 nines come from? A Markov model of three
// replicas on nodes that fail at an annual failure rate and are rebuilt
// at a repair bandwidth gives each replica group's MTTDL (theory.go); the
// table shows how the repair bandwidth moves the nines.
//
// By simulation: the model is checked against region/storage, whose nodes
// fail and whose replica groups are rebuilt in virtual time. Real failure
// rates give one loss in millennia, so the simulation is accelerated
// (nodes fail every -mttf, groups rebuild in days), runs -years of virtual
// time, and compares the measured rate of group losses with the Markov
// MTTDL at the same parameters. The same run with whole-zone losses (all
// of a zone's nodes failing at once, every -az-loss-every per zone) shows
// what correlated failures do to the answer.
package main

import (
	"fmt"
	"io"
	"math"
	"time"

	"github.com/nimbus-sim/nimbus/failure"
	"github.com/nimbus-sim/nimbus/internal/cli"
	"github.com/nimbus-sim/nimbus/region/storage"
	"github.com/nimbus-sim/nimbus/sim"
)

func main() { cli.Main("durability", run) }

const (
	year     = 8766 * time.Hour // 365.25 days
	replicas = 3
)

type options struct {
	seed    uint64
	objects float64
	nines   float64
	// the analytic model at real scale
	afr     float64
	nodeTiB float64
	// the accelerated simulation
	years       float64
	groups      int
	mttf        time.Duration
	repair      time.Duration
	azLossEvery time.Duration
	zoneRebuild time.Duration
	reps        int
}

func parse(args []string, stderr io.Writer) (*options, error) {
	o := &options{}
	fs := cli.NewFlagSet("durability", stderr, cli.AtExit)
	fs.Uint64Var(&o.seed, "seed", 1, "simulation seed")
	fs.Float64Var(&o.objects, "objects", 1e7, "objects stored")
	fs.Float64Var(&o.nines, "nines", 11, "annual durability in nines (11: 99.999999999%)")
	fs.Float64Var(&o.afr, "afr", 0.02, "annual failure rate of a storage node (real scale)")
	fs.Float64Var(&o.nodeTiB, "node-tib", 16, "data on a failed node to rebuild, TiB (real scale)")
	fs.Float64Var(&o.years, "years", 10, "virtual years the accelerated simulation runs")
	fs.IntVar(&o.groups, "groups", 200, "replica groups in the accelerated simulation")
	fs.DurationVar(&o.mttf, "mttf", 30*24*time.Hour, "mean time to failure of a node in the accelerated simulation")
	fs.DurationVar(&o.repair, "repair", 24*time.Hour, "mean rebuild time of a lost replica in the accelerated simulation")
	fs.DurationVar(&o.azLossEvery, "az-loss-every", 2*year, "mean time between whole-zone losses per zone in the correlated run")
	fs.DurationVar(&o.zoneRebuild, "zone-rebuild", 7*24*time.Hour, "how long a lost zone's nodes take to come back, in the correlated run")
	fs.IntVar(&o.reps, "reps", 8, "replications of each accelerated run")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	switch {
	case fs.NArg() > 0:
		return nil, cli.Errorf("unexpected arguments %q", fs.Args())
	case !(o.objects >= 1 && o.objects <= 1e15):
		return nil, cli.Errorf("-objects %v: want 1 to 1e15", o.objects)
	case !(o.nines >= 1 && o.nines <= 15):
		return nil, cli.Errorf("-nines %v: want 1 to 15", o.nines)
	case !(o.afr > 0 && o.afr < 1):
		return nil, cli.Errorf("-afr %v: want 0 < rate < 1", o.afr)
	case !(o.nodeTiB > 0 && o.nodeTiB <= 1024):
		return nil, cli.Errorf("-node-tib %v: want 0 < TiB <= 1024", o.nodeTiB)
	case !(o.years > 0 && o.years <= 1000):
		return nil, cli.Errorf("-years %v: want 0 < years <= 1000", o.years)
	case o.groups < 1 || o.groups > 10000:
		return nil, cli.Errorf("-groups %d: want 1 to 10000", o.groups)
	case o.mttf < time.Hour:
		return nil, cli.Errorf("-mttf %v: want at least 1h", o.mttf)
	case o.repair < time.Minute || o.repair > o.mttf:
		return nil, cli.Errorf("-repair %v: want 1m to -mttf", o.repair)
	case o.zoneRebuild < time.Hour || o.zoneRebuild > 365*24*time.Hour:
		return nil, cli.Errorf("-zone-rebuild %v: want 1h to 8760h", o.zoneRebuild)
	case o.reps < 2 || o.reps > 1000:
		return nil, cli.Errorf("-reps %d: want 2 to 1000 (a confidence interval needs two)", o.reps)
	case o.azLossEvery < 24*time.Hour:
		return nil, cli.Errorf("-az-loss-every %v: want at least 24h", o.azLossEvery)
	}
	return o, nil
}

func run(args []string, stdout, stderr io.Writer) error {
	o, err := parse(args, stderr)
	if err != nil {
		return err
	}
	analytic(stdout, o)
	return simulated(stdout, o)
}

// analytic prints the headline arithmetic and the real-scale model.
func analytic(out io.Writer, o *options) {
	p := math.Pow(10, -o.nines)
	perYear := o.objects * p
	fmt.Fprintf(out, "%.0f nines: each object is lost with probability %.0e a year\n", o.nines, p)
	fmt.Fprintf(out, "%.3g objects x %.0e = %.3g expected losses a year: one object every %.0f years\n\n", o.objects, p, perYear, 1/perYear)

	fmt.Fprintf(out, "Where the nines come from: %d replicas in distinct zones, nodes failing at AFR %.1f%%,\n", replicas, 100*o.afr)
	fmt.Fprintf(out, "a failed node's %.0f TiB rebuilt at the repair bandwidth (Markov model, theory.go):\n", o.nodeTiB)
	fmt.Fprintf(out, "%14s %12s %16s %8s %22s\n", "repair MiB/s", "rebuild", "P(loss)/object/yr", "nines", fmt.Sprintf("years/loss (%.3g obj)", o.objects))
	lambda := o.afr // per year
	for _, bw := range []float64{10, 100, 1000, 10000} {
		rebuild := time.Duration(o.nodeTiB * (1 << 40) / (bw * (1 << 20)) * float64(time.Second))
		mu := float64(year) / float64(rebuild)
		pl := annualLoss(mttdl(replicas, lambda, mu))
		fmt.Fprintf(out, "%14.0f %12s %16.2e %8.1f %22.3g\n", bw, rebuild.Round(time.Minute), pl, nines(pl), 1/(o.objects*pl))
	}
	fmt.Fprintln(out)
}

// outcome is one accelerated run.
type outcome struct {
	nodeFailures, groupLosses int64
	zoneLosses                int
}

// simulate runs the pool for o.years with node lifetimes of mean o.mttf
// and exponential rebuilds of mean o.repair; zoneLoss > 0 adds whole-zone
// losses at that mean interval per zone.
func simulate(o *options, seed uint64, zoneLoss time.Duration) (outcome, error) {
	var res outcome
	env := sim.New(seed)
	defer env.Close()
	const groupBytes = 100 << 30
	zones := []string{"use1-az1", "use1-az2", "use1-az4"}
	const perZone = 6
	replaceAfter := time.Hour
	if zoneLoss > 0 {
		replaceAfter = o.zoneRebuild
	}
	pool, err := storage.New(env, storage.Options{
		Name:              "durability",
		Zones:             zones,
		NodesPerZone:      perZone,
		NodeCapacityBytes: 1 << 50,
		NodeLifetime:      failure.Exponential{Rate: 1 / o.mttf.Hours()},
		// The bandwidth that rebuilds one group's bytes in o.repair on
		// average; RepairExponential draws each rebuild around it.
		RepairBandwidth:   groupBytes / o.repair.Seconds(),
		RepairExponential: true,
		// A failed node is replaced in an hour; a lost zone's nodes take
		// o.zoneRebuild (only the zone-loss run fails whole zones).
		ReplaceAfter: replaceAfter,
	})
	if err != nil {
		return res, err
	}
	var addErr error
	pool.OnLoss(func(l storage.Loss) {
		// The owner re-uploads: the group holds the same data again, so
		// the process stays stationary.
		if err := pool.Add(l.Group, l.Bytes, l.Objects); err != nil && addErr == nil {
			addErr = err
		}
	})
	for range o.groups {
		g, err := pool.NewGroup(storage.GroupSpec{Replicas: replicas})
		if err != nil {
			return res, err
		}
		if err := pool.Add(g, groupBytes, 1); err != nil {
			return res, err
		}
	}
	if zoneLoss > 0 {
		rng := env.Rand("durability/zone-loss")
		var next func()
		next = func() {
			d := time.Duration(rng.ExpFloat64() * float64(zoneLoss) / float64(len(zones)))
			env.AfterDaemon(d, func() {
				z := rng.IntN(len(zones))
				for i := range perZone {
					pool.FailNode(z*perZone + i)
				}
				res.zoneLosses++
				next()
			})
		}
		next()
	}
	env.RunUntil(sim.Time(time.Duration(o.years * float64(year))))
	if addErr != nil {
		return res, addErr
	}
	st := pool.Stats()
	res.nodeFailures, res.groupLosses = st.NodeFailures, st.GroupsLost
	return res, nil
}

// simulated prints the accelerated runs against the Markov model.
func simulated(out io.Writer, o *options) error {
	lambda := float64(year) / float64(o.mttf) // per year
	mu := float64(year) / float64(o.repair)
	perGroup := mttdl(replicas, lambda, mu) // years
	want := float64(o.groups) * o.years / perGroup
	fmt.Fprintf(out, "Accelerated simulation (region/storage): %d groups of %d replicas on 3 zones x 6 nodes,\n", o.groups, replicas)
	fmt.Fprintf(out, "node MTTF %v, mean rebuild %v, %.0f virtual years per replication, %d replications from seed %d\n",
		o.mttf, o.repair, o.years, o.reps, o.seed)
	var ind, cor []float64
	var nodes, zoneLosses int64
	for i := range o.reps {
		seed := o.seed*1000 + uint64(i)
		r, err := simulate(o, seed, 0)
		if err != nil {
			return err
		}
		ind = append(ind, float64(r.groupLosses))
		nodes += r.nodeFailures
		r, err = simulate(o, seed, o.azLossEvery)
		if err != nil {
			return err
		}
		cor = append(cor, float64(r.groupLosses))
		zoneLosses += int64(r.zoneLosses)
	}
	m, h := meanCI(ind)
	fmt.Fprintf(out, "  independent node failures (%.0f per replication): %.1f ± %.1f groups lost per replication (95%% CI)\n",
		float64(nodes)/float64(o.reps), m, h)
	fmt.Fprintf(out, "  Markov MTTDL per group %.3f years: %.1f expected; measured/expected %.3f\n", perGroup, want, m/want)
	mc, hc := meanCI(cor)
	fmt.Fprintf(out, "  plus whole-zone losses every %.1f years per zone, the zone rebuilt in %v (%.1f per replication):\n",
		float64(o.azLossEvery)/float64(year), o.zoneRebuild, float64(zoneLosses)/float64(o.reps))
	fmt.Fprintf(out, "    %.1f ± %.1f groups lost per replication: %.2fx the independent losses\n", mc, hc, mc/m)
	fast := want + float64(zoneLosses)/float64(o.reps)*float64(o.groups)*lossFromDegraded(replicas, lambda, mu)
	fmt.Fprintf(out, "    (had each zone loss been rebuilt like one node's failure: %.1f, the Markov model)\n", fast)
	fmt.Fprintln(out, "\nA zone loss puts every group at two replicas at once and leaves nowhere to rebuild the third")
	fmt.Fprintln(out, "until the zone is back: the window, not the extra failure, is what costs durability.")
	return nil
}

// meanCI returns the mean of xs and the half-width of its 95% confidence
// interval (normal approximation over the replications).
func meanCI(xs []float64) (mean, half float64) {
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	if len(xs) < 2 {
		return mean, math.NaN()
	}
	var ss float64
	for _, x := range xs {
		ss += (x - mean) * (x - mean)
	}
	return mean, 1.96 * math.Sqrt(ss/float64(len(xs)-1)/float64(len(xs)))
}
