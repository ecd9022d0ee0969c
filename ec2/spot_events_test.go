package ec2

import (
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/sim"
	"github.com/stretchr/testify/require"
)

// launchPending runs one instance and returns it while still pending.
func (f *fixture) launchPending(p *sim.Proc, in RunInstancesInput) *Machine {
	f.t.Helper()
	in.ImageId, in.MinCount, in.MaxCount = f.ami(), 1, 1
	out, err := f.c.RunInstances(p, &in)
	must(f.t, err)
	m, _ := f.svc.Machine(out.Instances[0].InstanceId)
	require.Equal(f.t, InstanceStatePending, m.State())
	return m
}

// The notice event a pending spot instance hands out is its first run's:
// a process that waits on it from the launch wakes at the notice.
func TestSpotNoticeEventOfPendingInstance(t *testing.T) {
	f := newFixture(t, 25, Options{Spot: &SpotOptions{Model: SpotMechanistic, Savings: 0.65, PriceStep: 24 * time.Hour}})
	var woke, reclaimed sim.Time = -1, -2
	f.do(time.Hour, func(p *sim.Proc) {
		m := f.launchPending(p, spotInput(InterruptionTerminate))
		ev, rebal := m.InterruptionNotice(), m.RebalanceRecommendation()
		f.env.Go("waiter", func(w *sim.Proc) {
			if w.Wait(ev) == nil {
				woke = w.Now()
			}
		})
		f.waitRunning(p, m)
		require.Same(t, ev, m.InterruptionNotice(), "the first run keeps the launch's event")
		require.Same(t, rebal, m.RebalanceRecommendation())
		p.Sleep(time.Minute)
		reclaimed = p.Now()
		must(t, f.svc.ReclaimSpot(m.AvailabilityZoneID(), "m5.large", 1))
	})
	require.Equal(t, reclaimed, woke)
}

// A later run has events of its own: its notice leaves the first run's
// event alone.
func TestSpotNoticeEventPerRun(t *testing.T) {
	f := newFixture(t, 26, Options{Spot: &SpotOptions{Model: SpotMechanistic, Savings: 0.65, PriceStep: 24 * time.Hour}})
	f.do(2*time.Hour, func(p *sim.Proc) {
		m := f.launch(p, spotInput(InterruptionStop))
		first, rebal := m.InterruptionNotice(), m.RebalanceRecommendation()
		_, err := f.c.StopInstances(p, &StopInstancesInput{InstanceIds: []string{m.ID()}})
		must(t, err)
		for m.State() != InstanceStateStopped {
			p.Sleep(time.Second)
		}
		_, err = f.c.StartInstances(p, &StartInstancesInput{InstanceIds: []string{m.ID()}})
		must(t, err)
		f.waitRunning(p, m)
		second := m.InterruptionNotice()
		require.NotSame(t, first, second, "a later run has its own event")
		require.NotSame(t, rebal, m.RebalanceRecommendation())
		require.Equal(t, m.ID()+"/spot-notice", second.Name())
		must(t, f.svc.ReclaimSpot(m.AvailabilityZoneID(), "m5.large", 1))
		require.True(t, second.Triggered())
		require.False(t, first.Triggered(), "the second run's notice reaches the first run's event")
	})
}
