package ec2

import (
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/sim"
	"github.com/stretchr/testify/require"
)

// A volume ID is looked up before it is parsed; the errors still tell a
// missing ID, a malformed one, an unknown one and another account's apart,
// and for a volume that exists the lookup answers only its owner.
func TestVolumeLookupErrors(t *testing.T) {
	f := newFixture(t, 71, Options{})
	root2, err := f.w.CreateAccount("222233334444")
	require.NoError(t, err)
	other := f.svc.NewClient(testRegion, root2)
	f.do(time.Hour, func(p *sim.Proc) {
		vol, err := f.c.CreateVolume(p, &CreateVolumeInput{AvailabilityZone: "us-east-1a", Size: 8})
		must(t, err)
		for _, tc := range []struct{ id, code, msg string }{
			{"", "MissingParameter", "The request must contain the parameter VolumeId"},
			{"vol-xyz", "InvalidParameterValue", "Value (vol-xyz) for parameter volume is invalid. Expected: 'vol-...'."},
			{"i-0123456789abcdef0", "InvalidParameterValue", "Value (i-0123456789abcdef0) for parameter volume is invalid. Expected: 'vol-...'."},
			{"vol-0123456789abcdef0", "InvalidVolume.NotFound", "The volume 'vol-0123456789abcdef0' does not exist."},
		} {
			_, err := f.c.DescribeVolumes(p, &DescribeVolumesInput{VolumeIds: []string{tc.id}})
			wantCode(t, err, tc.code)
			require.ErrorContains(t, err, tc.msg)
			_, err = f.c.DeleteVolume(p, &DeleteVolumeInput{VolumeId: tc.id})
			wantCode(t, err, tc.code)
		}
		_, err = other.DescribeVolumes(p, &DescribeVolumesInput{VolumeIds: []string{vol.VolumeId}})
		wantCode(t, err, "InvalidVolume.NotFound")
		out, err := f.c.DescribeVolumes(p, &DescribeVolumesInput{VolumeIds: []string{vol.VolumeId}})
		must(t, err)
		require.Len(t, out.Volumes, 1)
		require.Equal(t, vol.VolumeId, out.Volumes[0].VolumeId)
		require.Equal(t, "us-east-1a", out.Volumes[0].AvailabilityZone)
	})
}

// DescribeVolumes of one ID and of several describe the same volumes the
// same way, and each output is its own: a later change to the volume or
// a later call leaves an earlier output as it was.
func TestDescribeVolumesOutputsIndependent(t *testing.T) {
	f := newFixture(t, 72, Options{})
	f.do(time.Hour, func(p *sim.Proc) {
		m := f.launch(p, RunInstancesInput{InstanceType: "m5.large", Placement: &Placement{AvailabilityZone: "us-east-1a"}})
		tags := []TagSpecification{{ResourceType: "volume", Tags: []Tag{{Key: "job", Value: "a"}}}}
		a, err := f.c.CreateVolume(p, &CreateVolumeInput{AvailabilityZone: "us-east-1a", Size: 8, TagSpecifications: tags})
		must(t, err)
		require.Equal(t, []Tag{{Key: "job", Value: "a"}}, a.Tags)
		tags[0].Tags[0].Value = "changed" // the caller's input is not the volume's
		b, err := f.c.CreateVolume(p, &CreateVolumeInput{AvailabilityZone: "us-east-1a", Size: 9})
		must(t, err)
		must(t, p.Sleep(time.Minute))
		one, err := f.c.DescribeVolumes(p, &DescribeVolumesInput{VolumeIds: []string{a.VolumeId}})
		must(t, err)
		both, err := f.c.DescribeVolumes(p, &DescribeVolumesInput{VolumeIds: []string{b.VolumeId, a.VolumeId}})
		must(t, err)
		require.Len(t, both.Volumes, 2)
		require.Equal(t, one.Volumes[0], both.Volumes[1])
		require.Equal(t, b.VolumeId, both.Volumes[0].VolumeId)
		require.Equal(t, []Tag{{Key: "job", Value: "a"}}, one.Volumes[0].Tags)
		require.Equal(t, VolumeStateAvailable, one.Volumes[0].State)
		require.Empty(t, one.Volumes[0].Attachments)
		_, err = f.c.AttachVolume(p, &AttachVolumeInput{VolumeId: a.VolumeId, InstanceId: m.ID(), Device: "/dev/sdf"})
		must(t, err)
		again, err := f.c.DescribeVolumes(p, &DescribeVolumesInput{VolumeIds: []string{a.VolumeId}})
		must(t, err)
		require.Equal(t, VolumeStateInUse, again.Volumes[0].State)
		require.Len(t, again.Volumes[0].Attachments, 1)
		require.Equal(t, m.ID(), again.Volumes[0].Attachments[0].InstanceId)
		again.Volumes[0].Tags[0].Value = "mine"
		// The earlier outputs are untouched.
		require.Equal(t, VolumeStateAvailable, one.Volumes[0].State)
		require.Empty(t, one.Volumes[0].Attachments)
		require.Equal(t, "a", one.Volumes[0].Tags[0].Value)
		last, err := f.c.DescribeVolumes(p, &DescribeVolumesInput{VolumeIds: []string{a.VolumeId}})
		must(t, err)
		require.Equal(t, "a", last.Volumes[0].Tags[0].Value)
		require.Equal(t, "us-east-1a", last.Volumes[0].AvailabilityZone)
	})
}
