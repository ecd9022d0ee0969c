package autoscaling_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/smithy-go"
	"github.com/nimbus-sim/nimbus/ec2"
	"github.com/nimbus-sim/nimbus/ec2/autoscaling"
	"github.com/nimbus-sim/nimbus/ec2/elb"
	"github.com/nimbus-sim/nimbus/ec2/serve"
	"github.com/nimbus-sim/nimbus/failure"
	"github.com/nimbus-sim/nimbus/internal/testprincipal"
	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/sim"
	"github.com/nimbus-sim/nimbus/vpc"
	"github.com/stretchr/testify/require"
)

const acct, testRegion = "111122223333", "us-east-1"

type fix struct {
	t       *testing.T
	env     *sim.Env
	w       *region.World
	e       *ec2.Service
	srv     *serve.Service
	lb      *elb.Service
	as      *autoscaling.Service
	c       *autoscaling.Client
	lc      *elb.Client
	subnets []vpc.Subnet
}

// newFix builds a world whose account has raised its Standard quotas
// (On-Demand and Spot) to 256 vCPUs, above what any group here launches,
// so that the tests meet capacity, not a new account's 5 vCPUs.
func newFix(t *testing.T, seed uint64) *fix {
	return newFixQuotas(t, seed, &ec2.QuotaOptions{Values: map[string]int{
		ec2.QuotaCode(ec2.QuotaStandard, false): 256, ec2.QuotaCode(ec2.QuotaStandard, true): 256}})
}

// newFixQuotas is newFix with the given quotas (nil: a new account's).
func newFixQuotas(t *testing.T, seed uint64, q *ec2.QuotaOptions) *fix {
	env := sim.New(seed)
	t.Cleanup(env.Close)
	w := region.MustNewWorld(env, region.Options{HostsPerAZ: map[string]int{"m5": 2, "c5": 1, "t3": 1}})
	e := ec2.MustNew(w, ec2.Options{Quotas: q})
	srv := serve.New(e)
	lb := elb.MustNew(srv, elb.Options{})
	as := autoscaling.MustNew(lb, autoscaling.Options{})
	root := testprincipal.Account(t, w, acct)
	op := testprincipal.User(t, w, root, "operator",
		testprincipal.Allow([]string{"ec2:*", "elasticloadbalancing:*", "autoscaling:*"}, []string{"*"}))
	f := &fix{t: t, env: env, w: w, e: e, srv: srv, lb: lb, as: as, c: as.NewClient(testRegion, op), lc: lb.NewClient(testRegion, op)}
	f.do(func(p *sim.Proc) {
		out, err := e.VPC().NewClient(testRegion, op).DescribeSubnets(p, nil)
		require.NoError(t, err)
		f.subnets = out.Subnets
		slices.SortFunc(f.subnets, func(a, b vpc.Subnet) int { return strings.Compare(a.AvailabilityZone, b.AvailabilityZone) })
	})
	as.RegisterUserData("web", func(m *ec2.Machine) error {
		_, err := srv.Listen(m, 80, func(p *sim.Proc, r *serve.Request) serve.Response {
			if r.Path == "/health" {
				return serve.Response{Status: 200}
			}
			if err := p.Sleep(20 * time.Millisecond); err != nil {
				return serve.Response{Status: 500}
			}
			return serve.Response{Status: 200, Bytes: 1000}
		}, serve.Options{Workers: 16})
		return err
	})
	return f
}

func (f *fix) do(fn func(p *sim.Proc)) {
	done := false
	f.env.Go("step", func(p *sim.Proc) { fn(p); done = true })
	for !done && f.env.Step() {
	}
	require.True(f.t, done)
}

func i32(v int32) *int32 { return &v }

func code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// web builds an ALB in the first two zones, a launch template and a group
// of size n with ELB health checks.
func (f *fix) web(n int32) (lbArn, tgArn string) {
	f.do(func(p *sim.Proc) {
		sn := []string{f.subnets[0].SubnetId, f.subnets[1].SubnetId}
		lb, err := f.lc.CreateLoadBalancer(p, &elb.CreateLoadBalancerInput{Name: "web", Subnets: sn})
		require.NoError(f.t, err)
		lbArn = lb.LoadBalancers[0].LoadBalancerArn
		tg, err := f.lc.CreateTargetGroup(p, &elb.CreateTargetGroupInput{Name: "web", Protocol: "HTTP", Port: i32(80),
			VpcId: f.subnets[0].VpcId, HealthCheckPath: "/health"})
		require.NoError(f.t, err)
		tgArn = tg.TargetGroups[0].TargetGroupArn
		_, err = f.lc.CreateListener(p, &elb.CreateListenerInput{LoadBalancerArn: lbArn, Protocol: "HTTP", Port: i32(80),
			DefaultActions: []elb.Action{{Type: "forward", TargetGroupArn: tgArn}}})
		require.NoError(f.t, err)
		_, err = f.c.CreateLaunchTemplate(p, &autoscaling.CreateLaunchTemplateInput{LaunchTemplateName: "web",
			LaunchTemplateData: &autoscaling.RequestLaunchTemplateData{ImageId: ec2.ImageID(ec2.PublicImages()[0].Name, testRegion),
				InstanceType: "m5.large", UserData: "web"}})
		require.NoError(f.t, err)
		require.NoError(f.t, f.c.CreateAutoScalingGroup(p, &autoscaling.CreateAutoScalingGroupInput{AutoScalingGroupName: "web",
			LaunchTemplate: &autoscaling.LaunchTemplateSpecification{LaunchTemplateName: "web"},
			MinSize:        i32(n), MaxSize: i32(2 * n), DesiredCapacity: i32(n),
			VPCZoneIdentifier: sn[0] + "," + sn[1], TargetGroupARNs: []string{tgArn},
			HealthCheckType: "ELB", HealthCheckGracePeriod: i32(60)}))
	})
	return lbArn, tgArn
}

func (f *fix) healthy(tgArn string) (n int, byAZ map[string]int) {
	byAZ = map[string]int{}
	f.do(func(p *sim.Proc) {
		out, err := f.lc.DescribeTargetHealth(p, &elb.DescribeTargetHealthInput{TargetGroupArn: tgArn})
		require.NoError(f.t, err)
		for _, d := range out.TargetHealthDescriptions {
			if d.TargetHealth.State == "healthy" {
				n++
				m, _ := f.e.Machine(d.Target.Id)
				byAZ[m.AvailabilityZoneID()]++
			}
		}
	})
	return n, byAZ
}

func TestBadInput(t *testing.T) {
	f := newFix(t, 1)
	f.web(2)
	f.do(func(p *sim.Proc) {
		err := f.c.CreateAutoScalingGroup(p, &autoscaling.CreateAutoScalingGroupInput{AutoScalingGroupName: "x",
			LaunchTemplate: &autoscaling.LaunchTemplateSpecification{LaunchTemplateName: "web"},
			MinSize:        i32(3), MaxSize: i32(2), VPCZoneIdentifier: f.subnets[0].SubnetId})
		require.Equal(t, "ValidationError", code(err))
		require.Contains(t, err.Error(), "Max bound, 2, must be greater than or equal to min bound, 3")
		err = f.c.CreateAutoScalingGroup(p, &autoscaling.CreateAutoScalingGroupInput{AutoScalingGroupName: "x",
			LaunchTemplate: &autoscaling.LaunchTemplateSpecification{LaunchTemplateName: "nope"},
			MinSize:        i32(1), MaxSize: i32(2), VPCZoneIdentifier: f.subnets[0].SubnetId})
		require.Equal(t, "ValidationError", code(err))
		require.Contains(t, err.Error(), "valid fully-formed launch template")
		err = f.c.CreateAutoScalingGroup(p, &autoscaling.CreateAutoScalingGroupInput{AutoScalingGroupName: "web",
			LaunchTemplate: &autoscaling.LaunchTemplateSpecification{LaunchTemplateName: "web"},
			MinSize:        i32(1), MaxSize: i32(2), VPCZoneIdentifier: f.subnets[0].SubnetId})
		require.Equal(t, "AlreadyExists", code(err))
		err = f.c.SetDesiredCapacity(p, &autoscaling.SetDesiredCapacityInput{AutoScalingGroupName: "web", DesiredCapacity: 9})
		require.Equal(t, "ValidationError", code(err))
		err = f.c.DeleteAutoScalingGroup(p, &autoscaling.DeleteAutoScalingGroupInput{AutoScalingGroupName: "web"})
		require.Equal(t, "ResourceInUse", code(err))
	})
}

func TestGroupFillsZonesAndRegisters(t *testing.T) {
	f := newFix(t, 2)
	_, tg := f.web(4)
	f.env.RunFor(5 * time.Minute)
	n, byAZ := f.healthy(tg)
	require.Equal(t, 4, n)
	require.Len(t, byAZ, 2)
	for _, k := range byAZ {
		require.Equal(t, 2, k)
	}
	// Scale in to 2: one from each zone.
	f.do(func(p *sim.Proc) {
		require.NoError(t, f.c.UpdateAutoScalingGroup(p, &autoscaling.UpdateAutoScalingGroupInput{AutoScalingGroupName: "web", MinSize: i32(1), DesiredCapacity: i32(2)}))
	})
	f.env.RunFor(time.Minute)
	f.do(func(p *sim.Proc) {
		out, err := f.c.DescribeAutoScalingGroups(p, nil)
		require.NoError(t, err)
		require.Len(t, out.AutoScalingGroups[0].Instances, 2)
		require.NotEqual(t, out.AutoScalingGroups[0].Instances[0].AvailabilityZone, out.AutoScalingGroups[0].Instances[1].AvailabilityZone)
	})
}

func TestReplacesUnhealthy(t *testing.T) {
	f := newFix(t, 3)
	_, tg := f.web(2)
	f.env.RunFor(5 * time.Minute)
	ids := map[string]bool{}
	f.do(func(p *sim.Proc) {
		out, _ := f.c.DescribeAutoScalingGroups(p, nil)
		for _, in := range out.AutoScalingGroups[0].Instances {
			ids[in.InstanceId] = true
		}
	})
	var victim string
	for id := range ids {
		if victim == "" || id < victim {
			victim = id
		}
	}
	h, err := failure.NewHarness(f.env, f.lb)
	require.NoError(t, err)
	require.NoError(t, h.Start(failure.For(elb.HealthCheckFailure(victim), time.Hour)))
	f.env.RunFor(6 * time.Minute)
	require.NoError(t, h.Err())
	n, _ := f.healthy(tg)
	require.Equal(t, 2, n)
	f.do(func(p *sim.Proc) {
		out, _ := f.c.DescribeAutoScalingGroups(p, nil)
		for _, in := range out.AutoScalingGroups[0].Instances {
			require.NotEqual(t, victim, in.InstanceId)
		}
	})
	m, _ := f.e.Machine(victim)
	require.Contains(t, []ec2.InstanceStateName{ec2.InstanceStateShuttingDown, ec2.InstanceStateTerminated}, m.State())
}

// TestAZLossRestoresCapacity: a zone goes dark; the group replaces its
// instances in the surviving zone, and the ALB has 4 healthy targets
// again within minutes.
func TestAZLossRestoresCapacity(t *testing.T) {
	f := newFix(t, 4)
	lbArn, tg := f.web(4)
	f.env.RunFor(5 * time.Minute)
	ep, err := f.lb.Endpoint(lbArn)
	require.NoError(t, err)
	rec := &serve.Recorder{}
	t0 := f.env.Now()
	outage := t0 + sim.Time(10*time.Minute)
	g := &serve.Poisson{Rate: 50, Start: t0, Stop: outage + sim.Time(40*time.Minute), From: region.OnInternet(testRegion), To: ep, Rec: rec}
	require.NoError(t, g.Run(f.env))
	dark := f.subnets[0].AvailabilityZoneId
	h, err := failure.NewHarness(f.env, f.w.Faults())
	require.NoError(t, err)
	require.NoError(t, h.Start(failure.At(10*time.Minute, failure.AZOutage(dark, 30*time.Minute))))
	f.env.RunUntil(outage)
	var restored sim.Time
	for f.env.Now() < outage+sim.Time(20*time.Minute) {
		f.env.RunFor(10 * time.Second)
		if n, byAZ := f.healthy(tg); n == 4 && byAZ[dark] == 0 {
			restored = f.env.Now()
			break
		}
	}
	require.NotZero(t, restored, "capacity not restored")
	require.NoError(t, h.Err())
	// EC2 health sees the stopped instances within one control-loop
	// period; a replacement boots, starts its server and passes one health
	// check: minutes, not tens of them.
	require.Less(t, time.Duration(restored-outage), 5*time.Minute)
	t.Logf("capacity restored %v after the outage", time.Duration(restored-outage))
	f.env.RunUntil(outage + sim.Time(41*time.Minute))
	t.Logf("before: %v", rec.Summary(t0, outage-sim.Time(time.Second)))
	t.Logf("during: %v", rec.Summary(outage+sim.Time(2*time.Minute), outage+sim.Time(30*time.Minute)))
	require.Equal(t, 1.0, rec.Summary(outage+sim.Time(2*time.Minute), outage+sim.Time(40*time.Minute)).Availability())
	// The zone is back at 40 min: AZ rebalancing moves instances into it
	// without dropping below capacity.
	f.env.RunUntil(outage + sim.Time(55*time.Minute))
	n, byAZ := f.healthy(tg)
	require.Equal(t, 4, n)
	require.Equal(t, 2, byAZ[dark], "%v", byAZ)
}
