package autoscaling_test

import (
	"strings"
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/ec2"
	"github.com/nimbus-sim/nimbus/ec2/autoscaling"
	"github.com/nimbus-sim/nimbus/ec2/elb"
	"github.com/nimbus-sim/nimbus/ec2/serve"
	"github.com/nimbus-sim/nimbus/failure"
	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/sim"
	"github.com/stretchr/testify/require"
)

// cpuGroup builds an ALB and a group whose servers spend cpu
// vCPU-seconds per request.
func (f *fix) cpuGroup(cpu float64, in autoscaling.CreateAutoScalingGroupInput) (ep serve.Endpoint) {
	f.as.RegisterUserData("cpu", func(m *ec2.Machine) error {
		_, err := f.srv.Listen(m, 80, func(p *sim.Proc, r *serve.Request) serve.Response {
			if r.Path == "/health" {
				return serve.Response{Status: 200}
			}
			if err := f.srv.Work(p, cpu); err != nil {
				return serve.Response{Status: 500}
			}
			return serve.Response{Status: 200, Bytes: 1000}
		}, serve.Options{Workers: 32, Backlog: 1024})
		return err
	})
	var lbArn string
	f.do(func(p *sim.Proc) {
		sn := []string{f.subnets[0].SubnetId, f.subnets[1].SubnetId}
		lb, err := f.lc.CreateLoadBalancer(p, &elb.CreateLoadBalancerInput{Name: "web", Subnets: sn})
		require.NoError(f.t, err)
		lbArn = lb.LoadBalancers[0].LoadBalancerArn
		tg, err := f.lc.CreateTargetGroup(p, &elb.CreateTargetGroupInput{Name: "web", Protocol: "HTTP", Port: i32(80),
			VpcId: f.subnets[0].VpcId, HealthCheckPath: "/health"})
		require.NoError(f.t, err)
		tgArn := tg.TargetGroups[0].TargetGroupArn
		_, err = f.lc.CreateListener(p, &elb.CreateListenerInput{LoadBalancerArn: lbArn, Protocol: "HTTP", Port: i32(80),
			DefaultActions: []elb.Action{{Type: "forward", TargetGroupArn: tgArn}}})
		require.NoError(f.t, err)
		_, err = f.c.CreateLaunchTemplate(p, &autoscaling.CreateLaunchTemplateInput{LaunchTemplateName: "cpu",
			LaunchTemplateData: &autoscaling.RequestLaunchTemplateData{ImageId: ec2.ImageID(ec2.PublicImages()[0].Name, testRegion),
				InstanceType: "m5.large", UserData: "cpu"}})
		require.NoError(f.t, err)
		in.AutoScalingGroupName = "cpu"
		if in.MixedInstancesPolicy == nil {
			in.LaunchTemplate = &autoscaling.LaunchTemplateSpecification{LaunchTemplateName: "cpu"}
		} else {
			in.MixedInstancesPolicy.LaunchTemplate.LaunchTemplateSpecification = &autoscaling.LaunchTemplateSpecification{LaunchTemplateName: "cpu"}
		}
		in.VPCZoneIdentifier = sn[0] + "," + sn[1]
		in.TargetGroupARNs = []string{tgArn}
		require.NoError(f.t, f.c.CreateAutoScalingGroup(p, &in))
	})
	ep, err := f.lb.Endpoint(lbArn)
	require.NoError(f.t, err)
	return ep
}

// TestTargetTrackingHoldsCPU: a step from 100 to 300 requests/s of 20 ms
// of CPU each; a 40 % CPU target. The demand is 2 then 6 vCPUs, 0.8 vCPU
// per m5.large at the target, so the group should settle at
// ceil(2.5) = 3 then ceil(7.5) = 8 instances, and the
// average CPU return near 40 % after each step.
func TestTargetTrackingHoldsCPU(t *testing.T) {
	f := newFix(t, 5)
	ep := f.cpuGroup(0.02, autoscaling.CreateAutoScalingGroupInput{MinSize: i32(2), MaxSize: i32(20), DesiredCapacity: i32(2),
		DefaultInstanceWarmup: i32(60), DefaultCooldown: i32(300)})
	f.do(func(p *sim.Proc) {
		require.NoError(t, f.c.PutScalingPolicy(p, &autoscaling.PutScalingPolicyInput{AutoScalingGroupName: "cpu", PolicyName: "cpu40",
			PolicyType: "TargetTrackingScaling", TargetTrackingConfiguration: &autoscaling.TargetTrackingConfiguration{
				PredefinedMetricType: "ASGAverageCPUUtilization", TargetValue: 40}}))
	})
	f.env.RunFor(3 * time.Minute)
	t0 := f.env.Now()
	step := t0 + sim.Time(30*time.Minute)
	end := step + sim.Time(30*time.Minute)
	for _, g := range []*serve.Poisson{
		{Rate: 100, Start: t0, Stop: end, From: region.OnInternet(testRegion), To: ep, Stream: "low"},
		{Rate: 200, Start: step, Stop: end, From: region.OnInternet(testRegion), To: ep, Stream: "high"},
	} {
		require.NoError(t, g.Run(f.env))
	}
	f.env.RunUntil(step)
	n1, cpu1, _ := f.as.GroupMetrics(acct, testRegion, "cpu")
	f.env.RunUntil(end)
	n2, cpu2, _ := f.as.GroupMetrics(acct, testRegion, "cpu")
	t.Logf("before the step: %d instances at %.1f%% CPU; after: %d at %.1f%%", n1, cpu1, n2, cpu2)
	// Tolerance: target tracking rounds capacity up, so CPU sits at or a
	// little below the target: 40 x 5/6 = 33 % for one instance too many.
	require.InDelta(t, 40, cpu1, 10)
	require.InDelta(t, 40, cpu2, 10)
	require.Equal(t, 3, n1)
	require.InDelta(t, 8, n2, 1)
	require.NotEmpty(t, f.as.CPUUtilization(acct, testRegion, "cpu"))
}

// TestMixedInstancesKeepOnDemandBase: 2 on-demand instances as the base,
// the rest spot; a reclaim storm takes spot capacity, never the base.
func TestMixedInstancesKeepOnDemandBase(t *testing.T) {
	f := newFix(t, 6)
	f.cpuGroup(0.001, autoscaling.CreateAutoScalingGroupInput{MinSize: i32(6), MaxSize: i32(6), DesiredCapacity: i32(6),
		MixedInstancesPolicy: &autoscaling.MixedInstancesPolicy{
			LaunchTemplate: &autoscaling.MixedLaunchTemplate{Overrides: []autoscaling.LaunchTemplateOverrides{{InstanceType: "m5.large"}, {InstanceType: "c5.large"}}},
			InstancesDistribution: &autoscaling.InstancesDistribution{OnDemandBaseCapacity: i32(2), OnDemandPercentageAboveBaseCapacity: i32(0),
				SpotAllocationStrategy: "price-capacity-optimized"}},
		CapacityRebalance: true})
	f.env.RunFor(5 * time.Minute)
	count := func() (od, spot int) {
		f.do(func(p *sim.Proc) {
			out, err := f.c.DescribeAutoScalingGroups(p, nil)
			require.NoError(t, err)
			for _, in := range out.AutoScalingGroups[0].Instances {
				if in.Lifecycle == "spot" {
					spot++
				} else {
					od++
				}
			}
		})
		return od, spot
	}
	od, spot := count()
	require.Equal(t, 2, od)
	require.Equal(t, 4, spot)
	h, err := failure.NewHarness(f.env, f.e, f.w.Faults())
	require.NoError(t, err)
	for _, sn := range f.subnets[:2] {
		for _, it := range []string{"m5.large", "c5.large"} {
			require.NoError(t, h.Start(failure.SpotStorm(sn.AvailabilityZoneId, it, 1, 3, 10*time.Minute)))
		}
	}
	minOD := 99
	for i := 0; i < 40*6; i++ {
		f.env.RunFor(10 * time.Second)
		od, _ := count()
		minOD = min(minOD, od)
	}
	od, spot = count()
	require.NoError(t, h.Err())
	t.Logf("after the storm: %d on-demand, %d spot; on-demand never below %d", od, spot, minOD)
	replaced, rebalanced := 0, 0
	for _, a := range f.as.Activities(acct, testRegion, "cpu") {
		if strings.Contains(a, "terminating") {
			replaced++
		}
		if strings.Contains(a, "capacity rebalancing") {
			rebalanced++
		}
	}
	require.Positive(t, replaced, "the storm reclaimed nothing")
	// With CapacityRebalance, instances with a notice are replaced first
	// and terminated by the group once the replacement is in service.
	require.Positive(t, rebalanced, "no capacity rebalancing")
	require.Equal(t, 2, minOD)
	require.Equal(t, 2, od)
	require.Equal(t, 4, spot) // replaced after each wave
}

func TestScheduledAction(t *testing.T) {
	f := newFix(t, 7)
	f.web(2)
	at := f.env.NowTime().Add(time.Hour)
	f.do(func(p *sim.Proc) {
		require.NoError(t, f.c.PutScheduledUpdateGroupAction(p, &autoscaling.PutScheduledUpdateGroupActionInput{AutoScalingGroupName: "web",
			ScheduledActionName: "peak", StartTime: at, MinSize: i32(3), DesiredCapacity: i32(3)}))
		err := f.c.PutScheduledUpdateGroupAction(p, &autoscaling.PutScheduledUpdateGroupActionInput{AutoScalingGroupName: "web",
			ScheduledActionName: "past", StartTime: f.env.NowTime().Add(-time.Hour), DesiredCapacity: i32(3)})
		require.Equal(t, "ValidationError", code(err))
	})
	f.env.RunUntil(f.env.FromTime(at) - sim.Time(time.Second))
	_, _, d := f.as.GroupMetrics(acct, testRegion, "web")
	require.Equal(t, int32(2), d)
	f.env.RunUntil(f.env.FromTime(at) + sim.Time(5*time.Minute))
	n, _, d := f.as.GroupMetrics(acct, testRegion, "web")
	require.Equal(t, int32(3), d)
	require.Equal(t, 3, n)
}

// TestRequestCountPerTarget: 10 requests/s against a target of 150
// requests per target per minute means 600/150 = 4 targets.
func TestRequestCountPerTarget(t *testing.T) {
	f := newFix(t, 8)
	lbArn, tg := f.web(1)
	f.do(func(p *sim.Proc) {
		require.NoError(t, f.c.UpdateAutoScalingGroup(p, &autoscaling.UpdateAutoScalingGroupInput{AutoScalingGroupName: "web", MaxSize: i32(8)}))
		require.NoError(t, f.c.PutScalingPolicy(p, &autoscaling.PutScalingPolicyInput{AutoScalingGroupName: "web", PolicyName: "rpt",
			PolicyType: "TargetTrackingScaling", TargetTrackingConfiguration: &autoscaling.TargetTrackingConfiguration{
				PredefinedMetricType: "ALBRequestCountPerTarget", ResourceLabel: tg, TargetValue: 150}}))
	})
	f.env.RunFor(3 * time.Minute)
	ep, err := f.lb.Endpoint(lbArn)
	require.NoError(t, err)
	start := f.env.Now()
	g := &serve.Poisson{Rate: 10, Start: start, Stop: start + sim.Time(30*time.Minute), From: region.OnInternet(testRegion), To: ep}
	require.NoError(t, g.Run(f.env))
	f.env.RunUntil(start + sim.Time(29*time.Minute))
	n, _, d := f.as.GroupMetrics(acct, testRegion, "web")
	require.InDelta(t, 4, d, 1)
	require.InDelta(t, 4, n, 1)
}
