package ec2

import (
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/internal/awserr"
	"github.com/nimbus-sim/nimbus/internal/mix"
	"github.com/nimbus-sim/nimbus/sim"
	"github.com/stretchr/testify/require"
)

// The instance index is keyed by the value an ID's hex digits render:
// a machine's key is its ID's, and only the exact form EC2 prints has a
// key, so an ID differing in case or length finds nothing.
func TestInstanceIndexKeys(t *testing.T) {
	f := newFixture(t, 41, Options{})
	var ids []string
	f.do(time.Minute, func(p *sim.Proc) {
		out, err := f.c.RunInstances(p, &RunInstancesInput{ImageId: f.ami(), InstanceType: "m5.large", MinCount: 3, MaxCount: 3})
		require.NoError(t, err)
		for _, in := range out.Instances {
			ids = append(ids, in.InstanceId)
		}
	})
	require.Len(t, ids, 3)
	for _, id := range ids {
		m, ok := f.svc.Machine(id)
		require.True(t, ok, id)
		require.Equal(t, id, m.ID())
		k, ok := instanceKey(id)
		require.True(t, ok, id)
		require.Equal(t, m.seq, mix.UnSplitMix64(k), id)
		require.Equal(t, "arn:aws:ec2:"+testRegion+":"+testAccount+":instance/"+id, m.arnOf())

		for _, bad := range []string{strings.ToUpper(id), "I" + id[1:], id[:len(id)-1], id + "0", "i-" + id[3:] + "0", ""} {
			_, ok := f.svc.Machine(bad)
			require.False(t, ok, "%q found", bad)
		}
	}
	f.do(time.Minute, func(p *sim.Proc) {
		_, err := f.c.TerminateInstances(p, &TerminateInstancesInput{InstanceIds: []string{strings.ToUpper(ids[0])}})
		require.Error(t, err) // malformed: not an alias of ids[0]
		_, err = f.c.TerminateInstances(p, &TerminateInstancesInput{InstanceIds: ids[:1]})
		require.NoError(t, err)
	})
	m, ok := f.svc.Machine(ids[0])
	require.True(t, ok)
	require.Equal(t, InstanceStateTerminated, m.State())
	// Forgotten after TerminatedVisible: gone from the index.
	f.env.RunFor(DefaultLifecycleDelays().TerminatedVisible + time.Minute)
	_, ok = f.svc.Machine(ids[0])
	require.False(t, ok)
	_, ok = f.svc.Machine(ids[1])
	require.True(t, ok)
}

// A launch and termination of one instance (both calls through the
// pipeline, and the termination's completion) allocates at most 16 times
// on average: 13 when this test was written (the machine, its ARN and ID,
// the reservation ID, the output, its addresses, the stepper, the volume
// and its ID, the interface and its ID, the world's bandwidth link, the
// termination's output), with room for amortized growth of the indexes.
// Issue 17's budget is 20.
func TestRunTerminateAllocs(t *testing.T) {
	f := newFixture(t, 1, Options{VolumeAFR: map[VolumeType]float64{VolumeTypeGp3: 0}})
	in := &RunInstancesInput{ImageId: f.ami(), InstanceType: "m5.large", MinCount: 1, MaxCount: 1}
	pair := func(p *sim.Proc) {
		out, err := f.c.RunInstances(p, in)
		require.NoError(t, err)
		_, err = f.c.TerminateInstances(p, &TerminateInstancesInput{InstanceIds: []string{out.Instances[0].InstanceId}})
		require.NoError(t, err)
	}
	const warm, n = 500, 3000
	var before, after runtime.MemStats
	f.env.Go("allocs", func(p *sim.Proc) {
		for range warm {
			pair(p)
		}
		runtime.ReadMemStats(&before)
		for range n {
			pair(p)
		}
		// Let the last terminations complete, as they do within the loop.
		p.Sleep(time.Minute)
		runtime.ReadMemStats(&after)
	})
	f.env.Run()
	perOp := float64(after.Mallocs-before.Mallocs) / n
	t.Logf("%.2f allocs per op", perOp)
	require.LessOrEqual(t, perOp, 16.0, "allocations per launch and termination")
}

// With every zone full, RunInstances answers InsufficientInstanceCapacity
// naming the last zone it tried (the account's zones in name order), as
// the error each full zone would give (zoneFull is worded only then).
func TestRunInstancesAllZonesFull(t *testing.T) {
	f := newFixture(t, 9, Options{}) // one p3 host per zone: eight p3.2xlarge each
	zones := f.svc.zoneOrder(testAccount, testRegion)
	f.do(time.Hour, func(p *sim.Proc) {
		for range zones {
			_, err := f.c.RunInstances(p, &RunInstancesInput{ImageId: f.ami(), InstanceType: "p3.2xlarge", MinCount: 8, MaxCount: 8})
			require.NoError(t, err)
		}
		_, err := f.c.RunInstances(p, &RunInstancesInput{ImageId: f.ami(), InstanceType: "p3.2xlarge", MinCount: 1, MaxCount: 1})
		wantCode(t, err, "InsufficientInstanceCapacity")
		require.ErrorIs(t, err, ErrInsufficientInstanceCapacity)
		var ae *awserr.Error
		require.ErrorAs(t, err, &ae)
		last, err := f.svc.azName(testAccount, zones[len(zones)-1])
		require.NoError(t, err)
		var want *awserr.Error
		require.ErrorAs(t, errInsufficientCapacity("p3.2xlarge", last), &want)
		require.Equal(t, want.Message, ae.Message)
		require.Equal(t, 500, ae.StatusCode)
	})
}
