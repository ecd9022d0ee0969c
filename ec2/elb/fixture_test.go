package elb_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/ec2"
	"github.com/nimbus-sim/nimbus/ec2/elb"
	"github.com/nimbus-sim/nimbus/ec2/serve"
	"github.com/nimbus-sim/nimbus/internal/testprincipal"
	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/sim"
	"github.com/nimbus-sim/nimbus/vpc"
	"github.com/stretchr/testify/require"
)

const testRegion = "us-east-1"

// operatorPolicy lets the operator run instances and manage load
// balancers, and nothing else.
var operatorPolicy = testprincipal.Allow([]string{"ec2:*", "elasticloadbalancing:*"}, []string{"*"})

type fix struct {
	t       testing.TB
	env     *sim.Env
	w       *region.World
	ec2     *ec2.Service
	srv     *serve.Service
	lb      *elb.Service
	c       *elb.Client
	ec      *ec2.Client
	net     *vpc.Client
	subnets []vpc.Subnet // default subnets, one per zone, by zone name
	root    region.Credentials
}

func newFix(t testing.TB, seed uint64) *fix {
	env := sim.New(seed)
	t.Cleanup(env.Close)
	w := region.MustNewWorld(env, region.Options{HostsPerAZ: map[string]int{"m5": 2, "t3": 1, "c5": 1}})
	// The tests run a handful of m5.large per zone: more than a new
	// account's 5 Standard vCPUs, so this account's quota is raised.
	e := ec2.MustNew(w, ec2.Options{Quotas: &ec2.QuotaOptions{Values: map[string]int{ec2.QuotaCode(ec2.QuotaStandard, false): 256}}})
	srv := serve.New(e)
	root := testprincipal.Account(t, w, "111122223333")
	op := testprincipal.User(t, w, root, "operator", operatorPolicy)
	f := &fix{t: t, env: env, w: w, ec2: e, srv: srv, lb: elb.MustNew(srv, elb.Options{}), root: root}
	f.c = f.lb.NewClient(testRegion, op)
	f.ec = e.NewClient(testRegion, op)
	f.net = e.VPC().NewClient(testRegion, op)
	f.do(func(p *sim.Proc) {
		out, err := f.net.DescribeSubnets(p, &vpc.DescribeSubnetsInput{})
		require.NoError(t, err)
		f.subnets = out.Subnets
		slices.SortFunc(f.subnets, func(a, b vpc.Subnet) int {
			if a.AvailabilityZone < b.AvailabilityZone {
				return -1
			}
			return 1
		})
	})
	return f
}

// do runs fn as a process and plays the clock until it is done.
func (f *fix) do(fn func(p *sim.Proc)) {
	done := false
	f.env.Go("step", func(p *sim.Proc) { fn(p); done = true })
	for !done && f.env.Step() {
	}
	require.True(f.t, done, "step did not finish")
}

// launch runs n instances in subnet and waits until they run.
func (f *fix) launch(p *sim.Proc, subnet string, n int) []*ec2.Machine {
	out, err := f.ec.RunInstances(p, &ec2.RunInstancesInput{ImageId: ec2.ImageID(ec2.PublicImages()[0].Name, testRegion),
		InstanceType: "m5.large", MinCount: int32(n), MaxCount: int32(n), SubnetId: subnet})
	require.NoError(f.t, err)
	var ms []*ec2.Machine
	for _, in := range out.Instances {
		m, ok := f.ec2.Machine(in.InstanceId)
		require.True(f.t, ok)
		ms = append(ms, m)
	}
	for _, m := range ms {
		for m.State() != ec2.InstanceStateRunning {
			require.NoError(f.t, p.Sleep(time.Second))
		}
	}
	return ms
}

// stack is an ALB over servers in the first two zones.
type stack struct {
	lbArn, tgArn, listenerArn string
	machines                  []*ec2.Machine
	ep                        serve.Endpoint
}

// handler answers every request after d, and "/health" at once.
func handler(d time.Duration) serve.Handler {
	return func(p *sim.Proc, r *serve.Request) serve.Response {
		if r.Path == "/health" {
			return serve.Response{Status: 200, Bytes: 2}
		}
		if err := p.Sleep(d); err != nil {
			return serve.Response{Status: 500}
		}
		return serve.Response{Status: 200, Bytes: 10_000}
	}
}

func i32(v int32) *int32 { return &v }

// newStack builds perAZ servers in each of the first two zones behind an
// ALB listening on port 80, and waits until the targets are healthy.
func (f *fix) newStack(perAZ int, h serve.Handler, so serve.Options) *stack {
	st := &stack{}
	f.do(func(p *sim.Proc) {
		for _, sn := range f.subnets[:2] {
			st.machines = append(st.machines, f.launch(p, sn.SubnetId, perAZ)...)
		}
		for _, m := range st.machines {
			_, err := f.srv.Listen(m, 80, h, so)
			require.NoError(f.t, err)
		}
		lb, err := f.c.CreateLoadBalancer(p, &elb.CreateLoadBalancerInput{Name: "web",
			Subnets: []string{f.subnets[0].SubnetId, f.subnets[1].SubnetId}})
		require.NoError(f.t, err)
		st.lbArn = lb.LoadBalancers[0].LoadBalancerArn
		tg, err := f.c.CreateTargetGroup(p, &elb.CreateTargetGroupInput{Name: "web", Protocol: "HTTP", Port: i32(80),
			VpcId: f.subnets[0].VpcId, HealthCheckPath: "/health"})
		require.NoError(f.t, err)
		st.tgArn = tg.TargetGroups[0].TargetGroupArn
		var ts []elb.TargetDescription
		for _, m := range st.machines {
			ts = append(ts, elb.TargetDescription{Id: m.ID()})
		}
		_, err = f.c.RegisterTargets(p, &elb.RegisterTargetsInput{TargetGroupArn: st.tgArn, Targets: ts})
		require.NoError(f.t, err)
		l, err := f.c.CreateListener(p, &elb.CreateListenerInput{LoadBalancerArn: st.lbArn, Protocol: "HTTP", Port: i32(80),
			DefaultActions: []elb.Action{{Type: "forward", TargetGroupArn: st.tgArn}}})
		require.NoError(f.t, err)
		st.listenerArn = l.Listeners[0].ListenerArn
		require.NoError(f.t, p.Sleep(5*time.Second))
		hs, err := f.c.DescribeTargetHealth(p, &elb.DescribeTargetHealthInput{TargetGroupArn: st.tgArn})
		require.NoError(f.t, err)
		for _, d := range hs.TargetHealthDescriptions {
			require.Equal(f.t, "healthy", d.TargetHealth.State, "%+v", d)
		}
	})
	ep, err := f.lb.Endpoint(st.lbArn)
	require.NoError(f.t, err)
	st.ep = ep
	return st
}

var _ = context.Background

func serveOpts() serve.Options { return serve.Options{Workers: 8, Backlog: 64} }
