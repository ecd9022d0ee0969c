package failure_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/nimbus-sim/nimbus/failure"
	"github.com/nimbus-sim/nimbus/sim"
)

// TestZeroDurationsAreErrors: a zero or negative duration used to make
// the fault permanent without a word. Every timed injector now refuses it
// when armed, and nothing reaches the world.
func TestZeroDurationsAreErrors(t *testing.T) {
	var topo failure.Topology
	require.NoError(t, topo.Add(failure.AZ, "use1-az1", ""))
	require.NoError(t, topo.Add(failure.Rack, "rack-1", "use1-az1"))
	require.NoError(t, topo.Add(failure.Host, "h", "rack-1"))
	cases := map[string]failure.Injector{
		"AZOutage zero":              failure.AZOutage("use1-az1", 0),
		"HostCrash negative":         failure.HostCrash("h", -time.Minute),
		"RegionImpairment zero":      failure.RegionImpairment("us-east-1", 0),
		"NetworkPartition zero":      failure.NetworkPartition("use1-az1", "us-east-1", 0),
		"LatencyDegradation zero":    failure.LatencyDegradation("use1-az1", "us-east-1", 2, 0),
		"PacketLoss zero":            failure.PacketLoss("use1-az1", "us-east-1", 0.1, 0),
		"ErrorSpike zero":            failure.ErrorSpike("s3", "us-east-1", 0.1, 0),
		"ThrottleSpike negative":     failure.ThrottleSpike("s3", "us-east-1", 0.1, -time.Second),
		"For zero":                   failure.For(failure.HostDown("h"), 0),
		"HostFailures zero mttr":     failure.HostFailures("h", time.Hour, 0),
		"HostFailures negative":      failure.HostFailures("h", -time.Hour, time.Hour),
		"SpotStorm negative gap":     failure.SpotStorm("use1-az1", "", 0.5, 1, -time.Minute),
		"DomainFailures zero mtbf":   failure.DomainFailures(&topo, failure.Rack, 0, time.Hour),
		"DomainFailures negative":    failure.DomainFailures(&topo, failure.Host, time.Hour, -time.Hour),
		"nested in At":               failure.At(time.Hour, failure.AZOutage("use1-az1", 0)),
		"nested in Recurring":        failure.Recurring(failure.Exp(time.Hour), failure.HostCrash("h", 0)),
		"nested in During":           failure.During(0, time.Hour, failure.HostCrash("h", 0)),
		"Once of a reversible fault": failure.Once(failure.HostDown("h")),
		"For of a permanent fault":   failure.For(failure.VolumeLost("vol-1"), time.Hour),
	}
	for name, inj := range cases {
		t.Run(name, func(t *testing.T) {
			env := sim.New(1)
			defer env.Close()
			w := newFakeWorld(env)
			h := newHarness(t, env, w, &topo)
			err := h.Start(inj)
			require.Error(t, err, "%v was armed", inj)
			require.Equal(t, err.Error(), h.Err().Error(), "Start's error and Err differ")
			env.RunFor(1000 * time.Hour)
			require.Empty(t, w.calls, "a refused injector reached the world")
			require.Empty(t, h.Windows())
		})
	}
}

// TestForeverIsExplicit: permanence is spelled failure.Forever and
// printed.
func TestForeverIsExplicit(t *testing.T) {
	env := sim.New(1)
	defer env.Close()
	w := newFakeWorld(env)
	h := newHarness(t, env, w)
	inj := failure.AZOutage("use1-az1", failure.Forever)
	require.Equal(t, "az-down(use1-az1) forever", inj.String())
	require.Equal(t, "host-down(h) for 1h0m0s", failure.HostCrash("h", time.Hour).String())
	require.NoError(t, h.Start(inj))
	env.RunFor(10_000 * time.Hour)
	require.True(t, w.down["az/use1-az1"])
	require.True(t, h.Windows()[0].Open())
	require.NoError(t, h.Err())
	// A volume failure is Once: no duration, printed as the fault.
	require.Equal(t, "volume-failure(vol-1)", failure.VolumeFailure("vol-1").String())
}

// serviceSet is a ServiceChecker over a fixed list.
type serviceSet map[string]bool

func (s serviceSet) CheckService(service, region string) error {
	if !s[service] {
		return fmt.Errorf("no service %q", service)
	}
	if region != "us-east-1" && region != "*" {
		return fmt.Errorf("no region %q", region)
	}
	return nil
}

// TestUnknownTargetsFailWhenArmed: an injector that names a zone, host,
// region, place or service the world does not have fails when it is
// armed, naming it, even if its first fault is hours away; it used to be
// discovered (or not) when the fault fired.
func TestUnknownTargetsFailWhenArmed(t *testing.T) {
	var topo failure.Topology
	require.NoError(t, topo.Add(failure.Region, "us-east-1", ""))
	require.NoError(t, topo.Add(failure.AZ, "use1-az1", "us-east-1"))
	require.NoError(t, topo.Add(failure.Host, "h-1", "use1-az1"))
	cases := []struct {
		inj  failure.Injector
		name string
	}{
		{failure.At(2*time.Hour, failure.AZOutage("use1-az9", time.Minute)), `"use1-az9"`},
		{failure.HostCrash("h-404", time.Minute), `"h-404"`},
		{failure.HostCrash("use1-az1", time.Minute), `"use1-az1" is an AZ, not a host`},
		{failure.RegionImpairment("xx-nowhere-1", time.Minute), `"xx-nowhere-1"`},
		{failure.NetworkPartition("use1-az1", "mars", time.Minute), `"mars"`},
		{failure.ErrorSpike("nosuch", "us-east-1", 0.1, time.Minute), `"nosuch"`},
		{failure.ThrottleSpike("s3", "eu-west-9", 0.1, time.Minute), `"eu-west-9"`},
		{failure.ErrorSpike("S3 ", "us-east-1", 0.1, time.Minute), `"S3 "`},
		{failure.SpotStorm("use1-az7", "", 1, 1, 0), `"use1-az7"`},
		{failure.HostFailures("h-404", time.Hour, time.Minute), `"h-404"`},
		{failure.Randomly(0, failure.HostCrash("h-404", time.Minute)), `"h-404"`},
		{failure.OneOf(failure.HostCrash("h-1", time.Minute), failure.HostCrash("h-404", time.Minute)), `"h-404"`},
	}
	for _, c := range cases {
		t.Run(c.inj.String(), func(t *testing.T) {
			env := sim.New(1)
			defer env.Close()
			w := newFakeWorld(env)
			h := newHarness(t, env, w, &topo, serviceSet{"s3": true})
			err := h.Start(c.inj)
			require.Error(t, err)
			require.Contains(t, err.Error(), c.name)
			env.RunFor(100 * time.Hour)
			require.Empty(t, w.calls)
		})
	}
	// The same injectors against known names arm and run cleanly.
	env := sim.New(1)
	defer env.Close()
	w := newFakeWorld(env)
	h := newHarness(t, env, w, &topo, serviceSet{"s3": true})
	require.NoError(t, h.Start(
		failure.At(2*time.Hour, failure.AZOutage("use1-az1", time.Minute)),
		failure.HostCrash("h-1", time.Minute),
		failure.NetworkPartition("use1-az1", "internet", time.Minute),
		failure.ErrorSpike("s3", "us-east-1", 0.1, time.Minute),
		failure.ThrottleSpike("s3", "*", 0.1, time.Minute),
	))
	env.RunFor(3 * time.Hour)
	require.NoError(t, h.Err())
}

// topoSource lists its domains like region.World.FailureTopology, and
// grows (hosts added after the harness was made).
type topoSource struct {
	fakeWorld
	hosts []string
	calls int
}

func (s *topoSource) FailureTopology(...string) (*failure.Topology, error) {
	s.calls++
	t := &failure.Topology{}
	if err := t.Add(failure.AZ, "use1-az1", ""); err != nil {
		return nil, err
	}
	for _, h := range s.hosts {
		if err := t.Add(failure.Host, h, "use1-az1"); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// TestTopologySourceChecksNames: a target that lists its failure domains
// (region.World) is the name authority when no target checks names
// itself; a miss refreshes the list once, so hosts added later are known.
func TestTopologySourceChecksNames(t *testing.T) {
	env := sim.New(1)
	defer env.Close()
	src := &topoSource{fakeWorld: *newFakeWorld(env), hosts: []string{"h-1"}}
	h := newHarness(t, env, src)
	require.NoError(t, h.Start(failure.HostCrash("h-1", time.Minute)))
	err := h.Start(failure.HostCrash("h-2", time.Minute))
	require.ErrorContains(t, err, `no such host "h-2"`)
	src.hosts = append(src.hosts, "h-2")
	require.NoError(t, h.Start(failure.HostCrash("h-2", time.Minute)))
	require.NoError(t, h.Start(failure.HostCrash("h-1", time.Minute)))
	require.Equal(t, 3, src.calls, "the list is built once and refreshed only on a miss")
}

// TestNewHarnessRefusesWhatItCannotDrive: a nil Env, a nil target or a
// value that implements no target interface is an error, not a harness
// whose faults all fail later.
func TestNewHarnessRefusesWhatItCannotDrive(t *testing.T) {
	env := sim.New(1)
	defer env.Close()
	_, err := failure.NewHarness(nil)
	require.ErrorContains(t, err, "nil Env")
	_, err = failure.NewHarness(env, newFakeWorld(env), nil)
	require.ErrorContains(t, err, "target 1 is nil")
	_, err = failure.NewHarness(env, "us-east-1")
	require.ErrorContains(t, err, "target 0 (string) implements no target interface")
	_, err = failure.NewHarness(env)
	require.NoError(t, err, "a harness for Func faults needs no target")
	var topo failure.Topology
	_, err = failure.NewHarness(env, &topo)
	require.NoError(t, err, "a topology is a name authority")
}

// TestInjectionErrorsSurface: errors met while injecting (a target that
// refuses a fault hours into the run) reach the scenario: OnError hears
// each as it happens, Errors lists them, and a Scenario whose plan fails
// its check says so from Start.
func TestInjectionErrorsSurface(t *testing.T) {
	env := sim.New(1)
	defer env.Close()
	w := newFakeWorld(env)
	w.failOn = "bad"
	h := newHarness(t, env, w)
	var heard []sim.Time
	h.OnError(func(error) { heard = append(heard, env.Now()); env.Stop() })
	require.NoError(t, h.Start(failure.At(3*time.Hour, failure.HostCrash("bad-host", time.Minute))))
	env.RunFor(10 * time.Hour)
	require.Equal(t, []sim.Time{at(3 * time.Hour)}, heard)
	require.Equal(t, at(3*time.Hour), env.Now(), "OnError stopped the run at the error")
	errs := h.Errors()
	require.Len(t, errs, 1)
	require.ErrorContains(t, errs[0], "bad-host")
	errs[0] = nil
	require.NotNil(t, h.Errors()[0], "Errors returns a copy")

	sc := failure.Scenario{Name: "typo", Plan: failure.Plan{Name: "p", Faults: []failure.Injector{
		failure.AZOutage("use1-az1", 0),
	}}}
	env2 := sim.New(2)
	defer env2.Close()
	h2, err := sc.Start(env2, newFakeWorld(env2))
	require.ErrorContains(t, err, "scenario typo")
	require.ErrorContains(t, err, "duration must be positive")
	require.True(t, errors.Is(h2.Err(), h2.Errors()[0]) || strings.Contains(h2.Err().Error(), "duration"))
	_, err = sc.Start(env2, 42)
	require.ErrorContains(t, err, "implements no target interface")
}

// TestSamplersRejectBadParameters: Exp(0) and a non-positive rate used to
// draw zero durations silently; Validate reports them and Rand panics.
func TestSamplersRejectBadParameters(t *testing.T) {
	env := sim.New(1)
	defer env.Close()
	src := env.Rand("t")
	for _, mean := range []time.Duration{0, -time.Hour} {
		d := failure.Exp(mean).WithSource(src)
		require.ErrorContains(t, d.Validate(), "unit must be positive")
		require.Panics(t, func() { d.Rand() })
	}
	bad := failure.In(time.Hour, failure.Exponential{Rate: 0}).WithSource(src)
	require.Error(t, bad.Validate())
	require.Panics(t, func() { bad.Rand() })
	nan := failure.In(time.Hour, failure.Weibull{K: -1, Lambda: 1}).WithSource(src)
	require.Error(t, nan.Validate())
	require.Positive(t, failure.Exp(time.Hour).WithSource(src).Rand())
}

// spotCounter is a spot target that only counts reclaims.
type spotCounter struct{ n int }

func (s *spotCounter) ReclaimSpot(string, string, float64) error { s.n++; return nil }

// A spot storm applies the same reclaim wave after wave: an application
// costs its handle and nothing more (the fault's name and key are rendered
// once, its target found without boxing it).
func TestSpotReclaimApplyAllocatesOnlyItsHandle(t *testing.T) {
	env := sim.New(1)
	defer env.Close()
	target := &spotCounter{}
	h, err := failure.NewHarness(env, target)
	require.NoError(t, err)
	f := failure.SpotReclaim("use1-az1", "", 0.5)
	require.Equal(t, "spot-reclaim(use1-az1, *, 0.5)", f.String())
	require.Equal(t, "spot/use1-az1/*", f.Key())
	allocs := testing.AllocsPerRun(100, func() { h.Apply(f) })
	require.LessOrEqual(t, allocs, 1.0)
	require.Equal(t, 101, target.n)
	require.NoError(t, h.Err())
	w := h.Windows()
	require.Len(t, w, 101)
	require.Equal(t, "spot-reclaim(use1-az1, *, 0.5)", w[100].Fault)
	require.Equal(t, "spot/use1-az1/*", w[100].Key)
}

// SpotReclaim renders its name and key once, in one allocation: a
// replication arms a storm per zone.
func TestSpotReclaimConstructionAllocations(t *testing.T) {
	allocs := testing.AllocsPerRun(100, func() {
		f := failure.SpotReclaim("use1-az1", "p3.2xlarge", 0.25)
		if f.Key() != "spot/use1-az1/p3.2xlarge" || f.String() != "spot-reclaim(use1-az1, p3.2xlarge, 0.25)" {
			t.Fatalf("rendered %q, %q", f.String(), f.Key())
		}
	})
	require.LessOrEqual(t, allocs, 2.0) // the strings and the boxed fault
}
