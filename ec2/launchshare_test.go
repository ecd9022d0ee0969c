package ec2

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/nimbus-sim/nimbus/sim"
)

// TestLaunchTagsLeaveRequestAlone launches with two instance tag
// specifications, the first with spare capacity: validateRunInto uses the
// first in place, so the second must land in a copy, not in the caller's
// array; the instance gets both, and a later launch with one
// specification gets exactly its tags.
func TestLaunchTagsLeaveRequestAlone(t *testing.T) {
	f := newFixture(t, 91, Options{})
	backing := make([]Tag, 1, 4)
	backing[0] = Tag{Key: "a", Value: "1"}
	spare := backing[:2]
	f.do(time.Hour, func(p *sim.Proc) {
		m := f.launch(p, RunInstancesInput{InstanceType: "m5.large", TagSpecifications: []TagSpecification{
			{ResourceType: "instance", Tags: backing},
			{ResourceType: "instance", Tags: []Tag{{Key: "b", Value: "2"}}},
		}})
		require.Equal(t, []Tag{{Key: "a", Value: "1"}, {Key: "b", Value: "2"}}, m.tags)
		require.Equal(t, Tag{}, spare[1], "the request's spare capacity was written")
		m2 := f.launch(p, RunInstancesInput{InstanceType: "m5.large", TagSpecifications: []TagSpecification{
			{ResourceType: "instance", Tags: backing},
		}})
		require.Equal(t, []Tag{{Key: "a", Value: "1"}}, m2.tags)
		backing[0].Value = "changed"
		require.Equal(t, "1", m2.tags[0].Value, "the instance shares the request's tags")
	})
}

// TestInstanceProfileARNText launches with a profile by name, then by ARN,
// then by name again: each instance reports the profile's ARN text, the
// same as the one a name stands for.
func TestInstanceProfileARNText(t *testing.T) {
	f := newFixture(t, 92, Options{})
	f.do(time.Hour, func(p *sim.Proc) {
		m1 := f.launch(p, RunInstancesInput{InstanceType: "m5.large", IamInstanceProfile: &IamInstanceProfileSpecification{Name: "worker"}})
		want := "arn:aws:iam::" + m1.account + ":instance-profile/worker"
		require.Equal(t, want, m1.profile.arn)
		m2 := f.launch(p, RunInstancesInput{InstanceType: "m5.large", IamInstanceProfile: &IamInstanceProfileSpecification{Arn: want}})
		require.Equal(t, want, m2.profile.arn)
		m3 := f.launch(p, RunInstancesInput{InstanceType: "m5.large", IamInstanceProfile: &IamInstanceProfileSpecification{Name: "worker"}})
		require.Equal(t, want, m3.profile.arn)
		require.Equal(t, m1.profile.id, m3.profile.id)
	})
}
