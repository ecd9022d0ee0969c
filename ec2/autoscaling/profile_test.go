package autoscaling_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/ec2"
	"github.com/nimbus-sim/nimbus/ec2/autoscaling"
	"github.com/nimbus-sim/nimbus/internal/testprincipal"
	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/sim"
	"github.com/stretchr/testify/require"
)

// TestLaunchTemplateInstanceProfile: a launch template's instance profile
// reaches the group's instances (their metadata service serves the role's
// credentials), and each launch checks that the group's creator may pass
// the role.
func TestLaunchTemplateInstanceProfile(t *testing.T) {
	f := newFix(t, 5)
	root, err := f.w.CreateAccount("444455556666")
	require.NoError(t, err)
	testprincipal.Role(t, f.w, root, "app", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
 "Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`, "")
	require.NoError(t, f.w.Setup(func(ctx context.Context) error {
		c := f.w.IAMClient(root)
		if _, err := c.CreateInstanceProfile(ctx, &region.CreateInstanceProfileInput{InstanceProfileName: "app"}); err != nil {
			return err
		}
		_, err := c.AddRoleToInstanceProfile(ctx, &region.AddRoleToInstanceProfileInput{InstanceProfileName: "app", RoleName: "app"})
		return err
	}))
	fleet := []string{"ec2:*", "elasticloadbalancing:*", "autoscaling:*"}
	for _, tc := range []struct {
		name     string
		passRole bool
	}{{"nopass", false}, {"pass", true}} {
		policy := testprincipal.Allow(fleet, []string{"*"})
		if tc.passRole {
			policy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ec2:*","elasticloadbalancing:*","autoscaling:*"],"Resource":"*"},
 {"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::444455556666:role/app"}]}`
		}
		c := f.as.NewClient(testRegion, testprincipal.User(t, f.w, root, tc.name, policy))
		subnets := f.subnetsOf(t, root)
		f.do(func(p *sim.Proc) {
			_, err := c.CreateLaunchTemplate(p, &autoscaling.CreateLaunchTemplateInput{LaunchTemplateName: tc.name,
				LaunchTemplateData: &autoscaling.RequestLaunchTemplateData{ImageId: ec2.ImageID(ec2.PublicImages()[0].Name, testRegion),
					InstanceType: "m5.large", IamInstanceProfile: &ec2.IamInstanceProfileSpecification{Name: "app"}}})
			require.NoError(t, err)
			require.NoError(t, c.CreateAutoScalingGroup(p, &autoscaling.CreateAutoScalingGroupInput{AutoScalingGroupName: tc.name,
				LaunchTemplate: &autoscaling.LaunchTemplateSpecification{LaunchTemplateName: tc.name},
				MinSize:        i32(1), MaxSize: i32(1), DesiredCapacity: i32(1), VPCZoneIdentifier: subnets}))
		})
		f.env.RunFor(3 * time.Minute)
		var ids []string
		f.do(func(p *sim.Proc) {
			out, err := c.DescribeAutoScalingGroups(p, nil)
			require.NoError(t, err)
			for _, g := range out.AutoScalingGroups {
				for _, in := range g.Instances {
					if g.AutoScalingGroupName == tc.name {
						ids = append(ids, in.InstanceId)
					}
				}
			}
		})
		if !tc.passRole {
			require.Empty(t, ids)
			acts := strings.Join(f.as.Activities("444455556666", testRegion, tc.name), "\n")
			require.Contains(t, acts, "iam:PassRole")
			continue
		}
		require.Len(t, ids, 1)
		m, ok := f.e.Machine(ids[0])
		require.True(t, ok)
		var credErr error
		got := ""
		_, err := m.Go("probe", func(p *sim.Proc) {
			cr, err := ec2.IMDSCredentials(p)
			credErr, got = err, cr.AccessKeyID
		})
		require.NoError(t, err)
		f.env.RunFor(time.Minute)
		require.NoError(t, credErr)
		require.NotEmpty(t, got)
	}
}

// subnetsOf returns the default subnet of account's first zone.
func (f *fix) subnetsOf(t *testing.T, root region.Credentials) string {
	var id string
	f.do(func(p *sim.Proc) {
		out, err := f.e.VPC().NewClient(testRegion, root).DescribeSubnets(p, nil)
		require.NoError(t, err)
		require.NotEmpty(t, out.Subnets)
		id = out.Subnets[0].SubnetId
	})
	return id
}
