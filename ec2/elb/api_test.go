package elb_test

import (
	"errors"
	"testing"

	"github.com/aws/smithy-go"
	"github.com/nimbus-sim/nimbus/ec2/elb"
	"github.com/nimbus-sim/nimbus/internal/testprincipal"
	"github.com/nimbus-sim/nimbus/sim"
	"github.com/nimbus-sim/nimbus/vpc"
	"github.com/stretchr/testify/require"
)

func code(t testing.TB, err error) string {
	t.Helper()
	var ae smithy.APIError
	require.True(t, errors.As(err, &ae), "not an API error: %v", err)
	return ae.ErrorCode()
}

func TestBadInput(t *testing.T) {
	f := newFix(t, 1)
	st := f.newStack(1, handler(0), serveOpts())
	f.do(func(p *sim.Proc) {
		// A load balancer in one zone.
		_, err := f.c.CreateLoadBalancer(p, &elb.CreateLoadBalancerInput{Name: "one", Subnets: []string{f.subnets[0].SubnetId}})
		require.Equal(t, "ValidationError", code(t, err))
		require.ErrorIs(t, err, elb.ErrValidation)
		require.Contains(t, err.Error(), "At least two subnets in two different Availability Zones")
		_, err = f.c.CreateLoadBalancer(p, &elb.CreateLoadBalancerInput{Name: "nosubnet", Subnets: []string{f.subnets[0].SubnetId, "subnet-0000"}})
		require.Equal(t, "SubnetNotFound", code(t, err))
		_, err = f.c.CreateLoadBalancer(p, &elb.CreateLoadBalancerInput{Name: "-bad", Subnets: []string{f.subnets[0].SubnetId, f.subnets[1].SubnetId}})
		require.Equal(t, "ValidationError", code(t, err))
		_, err = f.c.CreateLoadBalancer(p, &elb.CreateLoadBalancerInput{Name: "web", Subnets: []string{f.subnets[0].SubnetId, f.subnets[1].SubnetId}})
		require.Equal(t, "DuplicateLoadBalancerName", code(t, err))

		// A listener on a used port.
		_, err = f.c.CreateListener(p, &elb.CreateListenerInput{LoadBalancerArn: st.lbArn, Protocol: "HTTP", Port: i32(80),
			DefaultActions: []elb.Action{{Type: "forward", TargetGroupArn: st.tgArn}}})
		require.Equal(t, "DuplicateListener", code(t, err))
		require.ErrorIs(t, err, elb.ErrDuplicateListener)
		_, err = f.c.CreateListener(p, &elb.CreateListenerInput{LoadBalancerArn: st.lbArn + "x", Protocol: "HTTP", Port: i32(81),
			DefaultActions: []elb.Action{{Type: "forward", TargetGroupArn: st.tgArn}}})
		require.Equal(t, "LoadBalancerNotFound", code(t, err))
		_, err = f.c.CreateListener(p, &elb.CreateListenerInput{LoadBalancerArn: st.lbArn, Protocol: "HTTP", Port: i32(81),
			DefaultActions: []elb.Action{{Type: "forward", TargetGroupArn: "arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/x/1"}}})
		require.Equal(t, "TargetGroupNotFound", code(t, err))

		// Health-check settings out of range.
		_, err = f.c.CreateTargetGroup(p, &elb.CreateTargetGroupInput{Name: "bad", Protocol: "HTTP", Port: i32(80), VpcId: f.subnets[0].VpcId,
			HealthCheckIntervalSeconds: i32(5), HealthCheckTimeoutSeconds: i32(5)})
		require.Equal(t, "ValidationError", code(t, err))
		_, err = f.c.CreateTargetGroup(p, &elb.CreateTargetGroupInput{Name: "web", Protocol: "HTTP", Port: i32(80), VpcId: f.subnets[0].VpcId})
		require.Equal(t, "DuplicateTargetGroupName", code(t, err))

		// A target in another VPC.
		v, err := f.net.CreateVpc(p, &vpc.CreateVpcInput{CidrBlock: "10.9.0.0/16"})
		require.NoError(t, err)
		sn, err := f.net.CreateSubnet(p, &vpc.CreateSubnetInput{VpcId: v.Vpc.VpcId, CidrBlock: "10.9.1.0/24", AvailabilityZone: f.subnets[0].AvailabilityZone})
		require.NoError(t, err)
		other := f.launch(p, sn.Subnet.SubnetId, 1)[0]
		_, err = f.c.RegisterTargets(p, &elb.RegisterTargetsInput{TargetGroupArn: st.tgArn, Targets: []elb.TargetDescription{{Id: other.ID()}}})
		require.Equal(t, "InvalidTarget", code(t, err))
		require.Contains(t, err.Error(), "not in the target group VPC")
		_, err = f.c.RegisterTargets(p, &elb.RegisterTargetsInput{TargetGroupArn: st.tgArn, Targets: []elb.TargetDescription{{Id: "i-0123456789abcdef0"}}})
		require.Equal(t, "InvalidTarget", code(t, err))
		_, err = f.c.DeregisterTargets(p, &elb.DeregisterTargetsInput{TargetGroupArn: st.tgArn, Targets: []elb.TargetDescription{{Id: other.ID()}}})
		require.Equal(t, "InvalidTarget", code(t, err))
		_, err = f.c.DescribeTargetHealth(p, &elb.DescribeTargetHealthInput{TargetGroupArn: st.tgArn + "0"})
		require.Equal(t, "TargetGroupNotFound", code(t, err))

		// Rules: priority in use.
		_, err = f.c.CreateRule(p, &elb.CreateRuleInput{ListenerArn: st.listenerArn, Priority: i32(1),
			Conditions: []elb.RuleCondition{{Field: "path-pattern", Values: []string{"/a/*"}}},
			Actions:    []elb.Action{{Type: "forward", TargetGroupArn: st.tgArn}}})
		require.NoError(t, err)
		_, err = f.c.CreateRule(p, &elb.CreateRuleInput{ListenerArn: st.listenerArn, Priority: i32(1),
			Conditions: []elb.RuleCondition{{Field: "path-pattern", Values: []string{"/b/*"}}},
			Actions:    []elb.Action{{Type: "forward", TargetGroupArn: st.tgArn}}})
		require.Equal(t, "PriorityInUse", code(t, err))
		_, err = f.c.DeleteTargetGroup(p, &elb.DeleteTargetGroupInput{TargetGroupArn: st.tgArn})
		require.Equal(t, "ResourceInUse", code(t, err))
	})
}

func TestAccessDeniedWithoutPolicy(t *testing.T) {
	f := newFix(t, 2)
	ro := testprincipal.User(t, f.w, f.root, "reader", testprincipal.Allow([]string{"elasticloadbalancing:Describe*"}, []string{"*"}))
	c := f.lb.NewClient(testRegion, ro)
	f.do(func(p *sim.Proc) {
		_, err := c.DescribeLoadBalancers(p, nil)
		require.NoError(t, err)
		_, err = c.CreateLoadBalancer(p, &elb.CreateLoadBalancerInput{Name: "x", Subnets: []string{f.subnets[0].SubnetId, f.subnets[1].SubnetId}})
		require.Equal(t, "AccessDenied", code(t, err))
	})
}

func TestDescribe(t *testing.T) {
	f := newFix(t, 3)
	st := f.newStack(1, handler(0), serveOpts())
	f.do(func(p *sim.Proc) {
		out, err := f.c.DescribeLoadBalancers(p, &elb.DescribeLoadBalancersInput{Names: []string{"web"}})
		require.NoError(t, err)
		require.Len(t, out.LoadBalancers, 1)
		lb := out.LoadBalancers[0]
		require.Equal(t, st.lbArn, lb.LoadBalancerArn)
		require.Regexp(t, `^arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/[0-9a-f]{16}$`, lb.LoadBalancerArn)
		require.Regexp(t, `^web-\d+\.us-east-1\.elb\.amazonaws\.com$`, lb.DNSName)
		require.Len(t, lb.AvailabilityZones, 2)
		tgs, err := f.c.DescribeTargetGroups(p, &elb.DescribeTargetGroupsInput{LoadBalancerArn: st.lbArn})
		require.NoError(t, err)
		require.Len(t, tgs.TargetGroups, 1)
		g := tgs.TargetGroups[0]
		// AWS's defaults for an HTTP target group.
		require.Equal(t, []int32{30, 5, 5, 2}, []int32{g.HealthCheckIntervalSeconds, g.HealthCheckTimeoutSeconds, g.HealthyThresholdCount, g.UnhealthyThresholdCount})
		require.Equal(t, "200", g.Matcher.HttpCode)
		ls, err := f.c.DescribeListeners(p, &elb.DescribeListenersInput{LoadBalancerArn: st.lbArn})
		require.NoError(t, err)
		require.Len(t, ls.Listeners, 1)
	})
}
