package ec2

import (
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/sim"
	"github.com/stretchr/testify/require"
)

// DescribeVolumes of one volume (one allocation sized to its lists)
// describes it as the list form does, for volumes with no, one and two
// tags, attached and not, and each list is the output's own: full, so
// that appending to it cannot reach the next one.
func TestDescribeOneVolumeEveryShape(t *testing.T) {
	f := newFixture(t, 53, Options{})
	f.do(time.Hour, func(p *sim.Proc) {
		m := f.launch(p, RunInstancesInput{InstanceType: "m5.large", Placement: &Placement{AvailabilityZone: "us-east-1a"}})
		for i, tags := range [][]Tag{nil, {{"a", "1"}}, {{"a", "1"}, {"b", "2"}}} {
			in := &CreateVolumeInput{AvailabilityZone: "us-east-1a", Size: 10}
			if tags != nil {
				in.TagSpecifications = []TagSpecification{{ResourceType: "volume", Tags: tags}}
			}
			cv, err := f.c.CreateVolume(p, in)
			must(t, err)
			require.Equal(t, tags, cv.Tags)
			require.Equal(t, len(cv.Tags), cap(cv.Tags))
			p.Sleep(time.Minute)
			for _, attach := range []bool{false, true} {
				if attach {
					_, err := f.c.AttachVolume(p, &AttachVolumeInput{VolumeId: cv.VolumeId, InstanceId: m.ID(), Device: "/dev/sdf" + string(rune('a'+i))})
					must(t, err)
				}
				one, err := f.c.DescribeVolumes(p, &DescribeVolumesInput{VolumeIds: []string{cv.VolumeId}})
				must(t, err)
				two, err := f.c.DescribeVolumes(p, &DescribeVolumesInput{VolumeIds: []string{cv.VolumeId, cv.VolumeId}})
				must(t, err)
				require.Len(t, one.Volumes, 1)
				require.Equal(t, two.Volumes[0], one.Volumes[0])
				v := one.Volumes[0]
				require.Equal(t, tags, v.Tags)
				require.Equal(t, len(v.Tags), cap(v.Tags))
				require.Equal(t, len(v.Attachments), cap(v.Attachments))
				if attach {
					require.Len(t, v.Attachments, 1)
					require.Equal(t, m.ID(), v.Attachments[0].InstanceId)
					require.Equal(t, VolumeStateInUse, v.State)
				} else {
					require.Empty(t, v.Attachments)
					require.Equal(t, VolumeStateAvailable, v.State)
				}
			}
		}
		out, err := f.c.DescribeVolumes(p, &DescribeVolumesInput{VolumeIds: []string{"vol-00000000000000000"}})
		wantCode(t, err, "InvalidVolume.NotFound")
		require.NotNil(t, out, "an empty output comes with the error, as before")
		require.Nil(t, out.Volumes)
	})
}
