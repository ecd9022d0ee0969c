package ec2

import (
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/sim"
	"github.com/stretchr/testify/require"
)

// DescribeVolumes' filters: a volume named by ID that does not match is
// left out (no error), filters AND and their values OR, wildcards work,
// the list form filters as the ID forms do, and an unknown filter name is
// InvalidParameterValue.
func TestDescribeVolumesFilters(t *testing.T) {
	f := newFixture(t, 54, Options{})
	f.do(time.Hour, func(p *sim.Proc) {
		m := f.launch(p, RunInstancesInput{InstanceType: "m5.large", Placement: &Placement{AvailabilityZone: "us-east-1a"}})
		mk := func(tag string) string {
			cv, err := f.c.CreateVolume(p, &CreateVolumeInput{AvailabilityZone: "us-east-1a", Size: 10,
				TagSpecifications: []TagSpecification{{ResourceType: "volume", Tags: []Tag{{"job", tag}}}}})
			must(t, err)
			return cv.VolumeId
		}
		a, b := mk("alpha"), mk("beta")
		p.Sleep(time.Minute)
		_, err := f.c.AttachVolume(p, &AttachVolumeInput{VolumeId: a, InstanceId: m.ID(), Device: "/dev/sdf"})
		must(t, err)
		ids := func(in *DescribeVolumesInput) []string {
			out, err := f.c.DescribeVolumes(p, in)
			must(t, err)
			var got []string
			for _, v := range out.Volumes {
				got = append(got, v.VolumeId)
			}
			return got
		}
		available := []Filter{{Name: "status", Values: []string{"available"}}}
		require.Empty(t, ids(&DescribeVolumesInput{VolumeIds: []string{a}, Filters: available}), "in use: left out")
		require.Equal(t, []string{b}, ids(&DescribeVolumesInput{VolumeIds: []string{b}, Filters: available}))
		require.Equal(t, []string{b}, ids(&DescribeVolumesInput{VolumeIds: []string{a, b}, Filters: available}))
		require.Equal(t, []string{a}, ids(&DescribeVolumesInput{Filters: []Filter{
			{Name: "attachment.instance-id", Values: []string{m.ID()}}, {Name: "tag:job", Values: []string{"al*"}}}}))
		require.Empty(t, ids(&DescribeVolumesInput{Filters: []Filter{
			{Name: "attachment.instance-id", Values: []string{m.ID()}}, {Name: "tag:job", Values: []string{"beta"}}}}), "filters AND")
		all := ids(&DescribeVolumesInput{Filters: []Filter{{Name: "tag:job", Values: []string{"alpha", "beta"}}}})
		require.ElementsMatch(t, []string{a, b}, all, "values OR")
		require.ElementsMatch(t, []string{a, b}, ids(&DescribeVolumesInput{Filters: []Filter{
			{Name: "availability-zone", Values: []string{"us-east-1?"}}, {Name: "size", Values: []string{"10"}},
			{Name: "encrypted", Values: []string{"false"}}, {Name: "tag-key", Values: []string{"job"}}}}))
		require.Equal(t, []string{a}, ids(&DescribeVolumesInput{Filters: []Filter{
			{Name: "attachment.status", Values: []string{"attached", "attaching"}}, {Name: "attachment.device", Values: []string{"/dev/sdf"}},
			{Name: "attachment.delete-on-termination", Values: []string{"false"}}, {Name: "volume-id", Values: []string{a, b}}}}))
		_, err = f.c.DescribeVolumes(p, &DescribeVolumesInput{VolumeIds: []string{a}, Filters: []Filter{{Name: "state", Values: []string{"x"}}}})
		wantCode(t, err, "InvalidParameterValue")
	})
}
