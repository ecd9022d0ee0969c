package ec2

import (
	"strings"
	"testing"
	"time"

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
		require.Equal(t, m.indexKey(), k, id)
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
