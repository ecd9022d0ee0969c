package ec2

import (
	"errors"
	"testing"
	"time"
	"unsafe"

	"github.com/nimbus-sim/nimbus/sim"
	"github.com/stretchr/testify/require"
)

// A metadata read of an item that is not there yet, or has not changed,
// answers from what the instance already holds: no allocation per read,
// and the same body as rendering it afresh.
func TestMetadataPollAllocatesNothing(t *testing.T) {
	f := newFixture(t, 7, Options{})
	var m *Machine
	f.do(time.Hour, func(p *sim.Proc) { m = f.launch(p, spotInput(InterruptionTerminate)) })
	require.Equal(t, InstanceStateRunning, m.State())
	var err error
	allocs := testing.AllocsPerRun(100, func() { _, err = m.metadata("spot/instance-action") })
	require.ErrorIs(t, err, ErrMetadataNotFound)
	require.Equal(t, 0.0, allocs, "a 404 poll of spot/instance-action")
	var nf *notFoundError
	require.True(t, errors.As(err, &nf))
	require.Equal(t, "ec2 imds: 404 Not Found: spot/instance-action", err.Error())

	must(t, f.svc.ReclaimSpot(m.AvailabilityZoneID(), "m5.large", 1))
	require.NotNil(t, m.spot.action)
	var body string
	allocs = testing.AllocsPerRun(100, func() { body, err = m.metadata("latest/meta-data/spot/instance-action") })
	require.NoError(t, err)
	require.Equal(t, 0.0, allocs, "a read of the posted notice")
	require.Equal(t, m.spot.action.json(), body)
}

// The lists in a description share allocations but not arrays: growing
// one of them leaves the others alone, and a volume with several tags
// and an attachment is described whole.
func TestDescribeListsAreIndependent(t *testing.T) {
	f := newFixture(t, 8, Options{})
	f.do(time.Hour, func(p *sim.Proc) {
		m := f.launch(p, RunInstancesInput{InstanceType: "m5.large",
			TagSpecifications: []TagSpecification{{ResourceType: "volume", Tags: []Tag{{"a", "1"}, {"b", "2"}}}}})
		d := m.describe()
		require.Len(t, d.SecurityGroupIds, 1)
		require.Len(t, d.BlockDeviceMappings, 1)
		bdm := d.BlockDeviceMappings[0]
		_ = append(d.SecurityGroupIds, "sg-extra")
		_ = append(d.BlockDeviceMappings[:0], InstanceBlockDeviceMapping{DeviceName: "/dev/other"})
		require.Equal(t, bdm, m.describe().BlockDeviceMappings[0], "the machine's own state is untouched")
		require.Equal(t, m.describe().SecurityGroupIds, d.SecurityGroupIds[:1])
		require.NotEmpty(t, d.PrivateIpAddress)
		require.NotEmpty(t, d.PublicIpAddress)
		require.Equal(t, m.PrivateIP().String(), d.PrivateIpAddress)
		require.Equal(t, m.PublicIP().String(), d.PublicIpAddress)

		out, err := f.c.DescribeVolumes(p, &DescribeVolumesInput{VolumeIds: []string{bdm.VolumeId}})
		require.NoError(t, err)
		require.Len(t, out.Volumes, 1)
		v := out.Volumes[0]
		require.Equal(t, []Tag{{"a", "1"}, {"b", "2"}}, v.Tags)
		require.Len(t, v.Attachments, 1)
		require.Equal(t, m.ID(), v.Attachments[0].InstanceId)

		_, err = f.c.DescribeVolumes(p, &DescribeVolumesInput{VolumeIds: []string{"vol-00000000000000000"}})
		require.Error(t, err)
	})
}

// Launching and terminating through the pipeline stays within the
// allocations measured when the launch path was trimmed (31 per pair,
// of which the pipeline, billing and the world's network take 16).
func TestRunTerminateAllocations(t *testing.T) {
	f := newFixture(t, 9, Options{VolumeAFR: map[VolumeType]float64{VolumeTypeGp3: 0}})
	in := &RunInstancesInput{ImageId: f.ami(), InstanceType: "m5.large", MinCount: 1, MaxCount: 1}
	var allocs float64
	f.do(time.Hour, func(p *sim.Proc) {
		pair := func() {
			out, err := f.c.RunInstances(p, in)
			require.NoError(t, err)
			_, err = f.c.TerminateInstances(p, &TerminateInstancesInput{InstanceIds: []string{out.Instances[0].InstanceId}})
			require.NoError(t, err)
		}
		pair() // caches warm
		allocs = testing.AllocsPerRun(50, pair)
	})
	t.Logf("%v allocations per launch and termination", allocs)
	require.LessOrEqual(t, allocs, 34.0)
}

// A terminated machine stays visible for an hour, so a fleet churning
// instances keeps thousands: the machine fits the 640-byte size class
// with the 8-byte header the allocator puts before an object of more
// than 512 bytes that holds pointers (it took 768 before its fields were
// packed).
func TestMachineSizeClass(t *testing.T) {
	require.LessOrEqual(t, unsafe.Sizeof(Machine{})+8, uintptr(640))
}

// The reservation ID is rendered in its first instance's ARN string; every
// instance of the reservation reports the same one, formatted as
// mix.ID("r", ...) formats it, and the instance's ID is its ARN's tail.
func TestReservationIDSharedByItsInstances(t *testing.T) {
	f := newFixture(t, 5, Options{})
	f.do(time.Hour, func(p *sim.Proc) {
		out, err := f.c.RunInstances(p, &RunInstancesInput{ImageId: f.ami(), InstanceType: "m5.large", MinCount: 3, MaxCount: 3})
		require.NoError(t, err)
		require.Len(t, out.Instances, 3)
		require.Regexp(t, `^r-0[0-9a-f]{16}$`, out.ReservationId)
		d, err := f.c.DescribeInstances(p, &DescribeInstancesInput{})
		require.NoError(t, err)
		require.Len(t, d.Reservations, 1)
		require.Equal(t, out.ReservationId, d.Reservations[0].ReservationId)
		for _, in := range out.Instances {
			m, ok := f.svc.Machine(in.InstanceId)
			require.True(t, ok)
			require.Equal(t, out.ReservationId, m.reservation)
			require.Equal(t, "arn:aws:ec2:"+testRegion+":"+m.account+":instance/"+m.id, m.arnOf())
		}
	})
}

// StateTransitionReason and StateReason follow the last stop or
// termination: the server's message for one EC2 started, "User initiated
// (...)" for the user's, both cleared by a start.
func TestTransitionReasonFollowsTheLastStop(t *testing.T) {
	f := newFixture(t, 11, Options{AutoRecovery: "disabled"})
	f.do(3*time.Hour, func(p *sim.Proc) {
		m := f.launch(p, RunInstancesInput{InstanceType: "m5.large"})
		d := m.describe()
		require.Nil(t, d.StateReason)
		require.Empty(t, d.StateTransitionReason)

		must(t, f.w.Faults().FailHost(m.HostID()))
		require.NoError(t, p.Sleep(5*time.Minute))
		d = m.describe()
		require.Equal(t, InstanceStateStopped, d.State.Name)
		require.Equal(t, reasonHostFailure, *d.StateReason)
		require.Equal(t, reasonHostFailure.Message, d.StateTransitionReason)

		_, err := f.c.StartInstances(p, &StartInstancesInput{InstanceIds: []string{m.ID()}})
		require.NoError(t, err)
		d = m.describe()
		require.Nil(t, d.StateReason)
		require.Empty(t, d.StateTransitionReason)

		f.waitRunning(p, m)
		_, err = f.c.StopInstances(p, &StopInstancesInput{InstanceIds: []string{m.ID()}})
		require.NoError(t, err)
		d = m.describe()
		require.Equal(t, reasonUserStop, *d.StateReason)
		require.Regexp(t, `^User initiated \(2026-01-01 \d\d:\d\d:\d\d GMT\)$`, d.StateTransitionReason)
	})
}

// Every launch makes a root volume: the volume record stays in the
// 256-byte size class (it shares its owner's home, zone name included,
// with the owner's instances in the zone).
func TestVolumeSizeClass(t *testing.T) {
	require.LessOrEqual(t, unsafe.Sizeof(volume{}), uintptr(256))
}

// The machine found last answers the next lookup of its ID without the
// index, and only while the index holds it: once forgotten, an hour after
// it terminated, its ID is unknown again.
func TestLastInstanceForgottenWithTheIndex(t *testing.T) {
	f := newFixture(t, 13, Options{})
	f.do(3*time.Hour, func(p *sim.Proc) {
		m := f.launch(p, RunInstancesInput{InstanceType: "m5.large"})
		_, err := f.c.TerminateInstances(p, &TerminateInstancesInput{InstanceIds: []string{m.ID()}})
		require.NoError(t, err)
		require.NoError(t, p.Sleep(time.Minute))
		got, ok := f.svc.Machine(m.ID())
		require.True(t, ok)
		require.Same(t, m, got)
		require.Equal(t, InstanceStateTerminated, got.State())

		require.NoError(t, p.Sleep(DefaultLifecycleDelays().TerminatedVisible))
		_, ok = f.svc.Machine(m.ID())
		require.False(t, ok)
		_, err = f.c.DescribeInstances(p, &DescribeInstancesInput{InstanceIds: []string{m.ID()}})
		wantCode(t, err, "InvalidInstanceID.NotFound")
	})
}
