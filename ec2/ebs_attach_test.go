package ec2

import (
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/sim"
	"github.com/stretchr/testify/require"
)

// A volume moved from one instance to another (attached, detached,
// attached elsewhere) shows on the instance that holds it only, with the
// later attachment's device and time; the first attachment's output and
// the detach's output keep theirs.
func TestVolumeReattachedElsewhere(t *testing.T) {
	f := newFixture(t, 73, Options{})
	f.do(time.Hour, func(p *sim.Proc) {
		az := &Placement{AvailabilityZone: "us-east-1a"}
		m := f.launch(p, RunInstancesInput{InstanceType: "m5.large", Placement: az})
		n := f.launch(p, RunInstancesInput{InstanceType: "m5.large", Placement: az})
		vol, err := f.c.CreateVolume(p, &CreateVolumeInput{AvailabilityZone: "us-east-1a", Size: 8})
		must(t, err)
		must(t, p.Sleep(time.Minute))
		first, err := f.c.AttachVolume(p, &AttachVolumeInput{VolumeId: vol.VolumeId, InstanceId: m.ID(), Device: "/dev/sdf"})
		must(t, err)
		must(t, p.Sleep(time.Minute))
		det, err := f.c.DetachVolume(p, &DetachVolumeInput{VolumeId: vol.VolumeId})
		must(t, err)
		require.Equal(t, first.AttachTime, det.AttachTime)
		require.Equal(t, "/dev/sdf", det.Device)
		must(t, p.Sleep(time.Minute))
		second, err := f.c.AttachVolume(p, &AttachVolumeInput{VolumeId: vol.VolumeId, InstanceId: n.ID(), Device: "/dev/sdg"})
		must(t, err)
		require.True(t, second.AttachTime.After(first.AttachTime))
		require.Equal(t, "/dev/sdf", first.Device)
		require.Equal(t, m.ID(), first.InstanceId)
		for _, x := range m.describe().BlockDeviceMappings {
			require.NotEqual(t, vol.VolumeId, x.VolumeId)
		}
		var found bool
		for _, x := range n.describe().BlockDeviceMappings {
			if x.VolumeId == vol.VolumeId {
				found = true
				require.Equal(t, "/dev/sdg", x.DeviceName)
			}
		}
		require.True(t, found)
		out, err := f.c.DescribeVolumes(p, &DescribeVolumesInput{VolumeIds: []string{vol.VolumeId}})
		must(t, err)
		require.Equal(t, []VolumeAttachment{{VolumeId: vol.VolumeId, InstanceId: n.ID(), Device: "/dev/sdg",
			State: AttachmentAttached, AttachTime: second.AttachTime}}, out.Volumes[0].Attachments)
		_, err = f.c.DetachVolume(p, &DetachVolumeInput{VolumeId: vol.VolumeId, InstanceId: m.ID()})
		wantCode(t, err, "InvalidAttachment.NotFound")
	})
}
