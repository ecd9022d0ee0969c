package ec2

import (
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/sim"
	"github.com/stretchr/testify/require"
)

// Each terminated instance stays describable for exactly
// TerminatedVisible after it terminated, whatever else terminated
// before or after it: the forget queue's one timer moves from head to
// head, and the queue is compacted and emptied along the way (a
// termination a minute for 100 minutes keeps about 60 visible).
func TestForgetQueue(t *testing.T) {
	f := newFixture(t, 5, Options{})
	visible := DefaultLifecycleDelays().TerminatedVisible
	terminatedAt := map[string]sim.Time{}
	f.svc.Subscribe(func(e StateChangeEvent) {
		if e.Current == InstanceStateTerminated {
			terminatedAt[e.InstanceID] = e.At
		}
	})
	var ids []string
	check := func() {
		now := f.env.Now()
		for _, id := range ids {
			at, done := terminatedAt[id]
			_, found := f.svc.Machine(id)
			require.Equal(t, !done || now < at+sim.Time(visible), found, "%s terminated at %v, now %v", id, at, now)
		}
	}
	f.do(4*time.Hour, func(p *sim.Proc) {
		for i := 0; i < 100; i++ {
			m := f.launch(p, RunInstancesInput{InstanceType: "m5.large"})
			ids = append(ids, m.ID())
			_, err := f.c.TerminateInstances(p, &TerminateInstancesInput{InstanceIds: []string{m.ID()}})
			require.NoError(t, err)
			check()
			require.NoError(t, p.Sleep(time.Minute))
		}
		for i := 0; i < 14; i++ {
			require.NoError(t, p.Sleep(7*time.Minute+time.Second))
			check()
		}
	})
	require.Len(t, terminatedAt, 100)
	require.Zero(t, f.svc.instances.len())
	require.Empty(t, f.svc.forgets.q)
}
