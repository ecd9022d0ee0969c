package ec2

import (
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/sim"
	"github.com/stretchr/testify/require"
)

// Simplified automatic recovery (the default): a supported instance whose
// host fails is rebooted on a new host with the same ID, IPs and volumes;
// its processes die. Unsupported types stop.
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instance-configuration-recovery.html
func TestAutoRecoveryOnHostFailure(t *testing.T) {
	f := newFixtureHosts(t, 210, Options{}, map[string]int{"m5": 2, "p3": 1, "t3": 1})
	f.do(time.Hour, func(p *sim.Proc) {
		m := f.launch(p, RunInstancesInput{InstanceType: "m5.large", Placement: &Placement{AvailabilityZone: "us-east-1a"}})
		before := m.describe()
		host := m.HostID()
		w, err := m.Go("worker", func(q *sim.Proc) { q.Sleep(24 * time.Hour) })
		require.NoError(t, err)
		require.NoError(t, f.w.Faults().FailHost(host))
		require.False(t, w.Alive(), "in-memory work is lost")
		require.Equal(t, InstanceStateRunning, m.State())
		require.NotEqual(t, host, m.HostID())
		require.Equal(t, 1, m.Recoveries())
		after := m.describe()
		require.Equal(t, before.PrivateIpAddress, after.PrivateIpAddress)
		require.Equal(t, before.PublicIpAddress, after.PublicIpAddress)
		require.Equal(t, before.BlockDeviceMappings[0].VolumeId, after.BlockDeviceMappings[0].VolumeId)

		g := f.launch(p, RunInstancesInput{InstanceType: "p3.2xlarge", ImageId: ImageID(publicImages[2].Name, testRegion)})
		require.NoError(t, f.w.Faults().FailHost(g.HostID()))
		require.NoError(t, p.Sleep(5*time.Minute))
		require.Equal(t, InstanceStateStopped, g.State(), "p3 does not support recovery")
	})
}

// A zone outage stops its instances (there is no host to recover onto);
// when it ends they restart by default, or stay stopped with AZRestart
// "stopped".
func TestAZOutageRestartPolicy(t *testing.T) {
	for _, policy := range []string{"", "stopped"} {
		f := newFixture(t, 211, Options{AZRestart: policy})
		f.do(3*time.Hour, func(p *sim.Proc) {
			m := f.launch(p, RunInstancesInput{InstanceType: "m5.large"})
			az := m.AvailabilityZoneID()
			require.NoError(t, f.w.Faults().FailAZ(az))
			require.NoError(t, p.Sleep(10*time.Minute))
			require.Equal(t, InstanceStateStopped, m.State())
			require.NoError(t, f.w.Faults().RestoreAZ(az))
			require.NoError(t, p.Sleep(10*time.Minute))
			if policy == "stopped" {
				require.Equal(t, InstanceStateStopped, m.State())
			} else {
				require.Equal(t, InstanceStateRunning, m.State(), "restarted after the outage")
			}
		})
	}
	_, err := New(newFixture(t, 212, Options{}).w, Options{AZRestart: "maybe"})
	require.Error(t, err)
}
