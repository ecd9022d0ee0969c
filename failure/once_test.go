package failure_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/nimbus-sim/nimbus/failure"
	"github.com/nimbus-sim/nimbus/sim"
)

// onceRun is what a harness recorded: its windows, what observers and
// error observers heard, in order, and the world's calls.
type onceRun struct {
	windows []failure.Window
	heard   []string
	calls   []call
	err     string
}

// Injectors apply faults without inverse (Once, a storm's reclaims)
// without a handle, which they have no use for; the books must read as if
// each had gone through Apply: a window per application, closed at once,
// observers told of the faults the world took and not of those it refused
// (Err reports those), and nothing at all once the harness is stopped.
func TestInjectedPermanentFaultsReadAsApply(t *testing.T) {
	faults := []failure.Fault{
		failure.VolumeLost("vol-1"),
		failure.SpotReclaim("use1-az1", "m5.large", 0.3),
		failure.SpotReclaim("use1-az2", "", 1), // the world refuses this one
		failure.VolumeLost("vol-2"),            // after the harness stops
	}
	injectors := []failure.Injector{
		failure.Once(faults[0]),
		failure.SpotStorm("use1-az1", "m5.large", 0.3, 1, 0),
		failure.SpotStorm("use1-az2", "", 1, 1, 0),
		failure.Once(faults[3]),
	}
	run := func(inject func(h *failure.Harness, env *sim.Env)) onceRun {
		env := sim.New(1)
		defer env.Close()
		w := newFakeWorld(env)
		w.failOn = "use1-az2"
		h := newHarness(t, env, w)
		var r onceRun
		h.OnChange(func(c failure.Change) { r.heard = append(r.heard, fmt.Sprintf("change %+v", c)) })
		h.OnError(func(err error) {
			r.heard = append(r.heard, fmt.Sprintf("error %v (windows %+v)", err, h.Windows()))
		})
		inject(h, env)
		env.RunFor(time.Hour)
		r.windows, r.calls = h.Windows(), w.calls
		if err := h.Err(); err != nil {
			r.err = err.Error()
		}
		return r
	}
	stopAt := 25 * time.Minute
	want := run(func(h *failure.Harness, env *sim.Env) {
		for i, f := range faults {
			env.AfterDaemon(time.Duration(10*i)*time.Minute, func() { h.Apply(f) })
		}
		env.AfterDaemon(stopAt, h.Stop)
	})
	got := run(func(h *failure.Harness, env *sim.Env) {
		for i, inj := range injectors {
			require.NoError(t, h.Start(failure.At(time.Duration(10*i)*time.Minute, inj)))
		}
		env.AfterDaemon(stopAt, h.Stop)
	})
	require.Len(t, want.windows, 3, "the stopped harness applied the last fault")
	require.NotEmpty(t, want.err)
	require.Equal(t, want, got)
}

// A stopped harness's storm applies nothing and records nothing.
func TestStoppedStormRecordsNothing(t *testing.T) {
	env := sim.New(1)
	defer env.Close()
	w := newFakeWorld(env)
	h := newHarness(t, env, w)
	require.NoError(t, h.Start(failure.At(time.Hour, failure.SpotStorm("use1-az1", "", 1, 3, time.Minute))))
	env.AfterDaemon(time.Hour+30*time.Second, h.Stop)
	env.RunFor(2 * time.Hour)
	require.Len(t, h.Windows(), 1)
	require.Len(t, w.reclaim, 1)
	require.NoError(t, h.Err())
}

// A storm's name, and the stream a recurring storm draws its gaps from,
// read as they did when fmt rendered them.
func TestStormNames(t *testing.T) {
	for _, c := range []struct {
		az, typ  string
		fraction float64
		waves    int
		gap      time.Duration
	}{
		{"use1-az1", "", 1, 1, 0},
		{"use1-az4", "p3.2xlarge", 0.25, 3, 90 * time.Second},
		{"euw1-az2", "m5.large", 1e-7, 1000, 36 * time.Hour},
	} {
		inj := failure.SpotStorm(c.az, c.typ, c.fraction, c.waves, c.gap)
		reclaim := failure.SpotReclaim(c.az, c.typ, c.fraction)
		require.Equal(t, fmt.Sprintf("spot-storm(%v, waves=%d, gap=%v)", reclaim, c.waves, c.gap), inj.String())
	}
	// The recurring storm's stream: its first gap is the stream's first
	// draw, named after the storm as it always was.
	storm := failure.SpotStorm("use1-az1", "p3.2xlarge", 1, 1, 0)
	env := sim.New(9)
	defer env.Close()
	w := newFakeWorld(env)
	h := newHarness(t, env, w)
	require.NoError(t, h.Start(failure.Recurring(failure.Exp(time.Hour), storm)))
	draws := sim.New(9)
	defer draws.Close()
	first := failure.Exp(time.Hour).WithSource(draws.Rand("failure/recurring/" + storm.String())).Rand()
	env.RunUntil(sim.Time(first))
	require.Len(t, w.reclaim, 1)
	require.Equal(t, sim.Time(first), w.calls[0].at)
}
