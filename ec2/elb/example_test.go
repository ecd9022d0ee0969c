package elb_test

import (
	"context"
	"fmt"
	"time"

	"github.com/nimbus-sim/nimbus/ec2"
	"github.com/nimbus-sim/nimbus/ec2/elb"
	"github.com/nimbus-sim/nimbus/ec2/serve"
	"github.com/nimbus-sim/nimbus/iam"
	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/sim"
	"github.com/nimbus-sim/nimbus/vpc"
)

// operator opens an account and returns an IAM user's keys allowed EC2
// and ELB, created through the IAM API.
func operator(w *region.World) region.Credentials {
	root, _ := w.CreateAccount("111122223333")
	var creds region.Credentials
	_ = w.Setup(func(ctx context.Context) error {
		c := w.IAMClient(root)
		if _, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: "ops"}); err != nil {
			return err
		}
		if _, err := c.PutUserPolicy(ctx, &region.PutUserPolicyInput{UserName: "ops", PolicyName: "ops", PolicyDocument: operatorPolicy}); err != nil {
			return err
		}
		out, err := c.CreateAccessKey(ctx, &region.CreateAccessKeyInput{UserName: "ops"})
		if err != nil {
			return err
		}
		creds = out.AccessKey.Credentials()
		return nil
	})
	return creds
}

// Two servers in two zones behind an ALB, under 50 requests/s for a
// minute.
func Example() {
	env := sim.New(1)
	defer env.Close()
	w := region.MustNewWorld(env, region.Options{HostsPerAZ: map[string]int{"m5": 1}})
	e := ec2.MustNew(w, ec2.Options{})
	srv := serve.New(e)
	lbs := elb.MustNew(srv, elb.Options{})
	creds := operator(w)
	c, ec := lbs.NewClient("us-east-1", creds), e.NewClient("us-east-1", creds)
	var ep serve.Endpoint
	env.Go("setup", func(p *sim.Proc) {
		sns, _ := e.VPC().NewClient("us-east-1", creds).DescribeSubnets(p, &vpc.DescribeSubnetsInput{})
		a, b := sns.Subnets[0], sns.Subnets[1]
		var targets []elb.TargetDescription
		for _, sn := range []vpc.Subnet{a, b} {
			out, err := ec.RunInstances(p, &ec2.RunInstancesInput{ImageId: ec2.ImageID(ec2.PublicImages()[0].Name, "us-east-1"),
				InstanceType: "m5.large", MinCount: 1, MaxCount: 1, SubnetId: sn.SubnetId})
			if err != nil {
				fmt.Println(err)
				return
			}
			m, _ := e.Machine(out.Instances[0].InstanceId)
			for m.State() != ec2.InstanceStateRunning {
				_ = p.Sleep(time.Second)
			}
			_, _ = srv.Listen(m, 80, func(p *sim.Proc, r *serve.Request) serve.Response {
				_ = p.Sleep(10 * time.Millisecond)
				return serve.Response{Status: 200, Bytes: 1000}
			}, serve.Options{})
			targets = append(targets, elb.TargetDescription{Id: m.ID()})
		}
		lb, _ := c.CreateLoadBalancer(p, &elb.CreateLoadBalancerInput{Name: "web", Subnets: []string{a.SubnetId, b.SubnetId}})
		port := int32(80)
		tg, _ := c.CreateTargetGroup(p, &elb.CreateTargetGroupInput{Name: "web", Protocol: "HTTP", Port: &port, VpcId: a.VpcId})
		tgArn := tg.TargetGroups[0].TargetGroupArn
		_, _ = c.RegisterTargets(p, &elb.RegisterTargetsInput{TargetGroupArn: tgArn, Targets: targets})
		_, _ = c.CreateListener(p, &elb.CreateListenerInput{LoadBalancerArn: lb.LoadBalancers[0].LoadBalancerArn, Protocol: "HTTP",
			Port: &port, DefaultActions: []elb.Action{{Type: "forward", TargetGroupArn: tgArn}}})
		_ = p.Sleep(10 * time.Second)
		h, _ := c.DescribeTargetHealth(p, &elb.DescribeTargetHealthInput{TargetGroupArn: tgArn})
		for _, d := range h.TargetHealthDescriptions {
			fmt.Println(d.TargetHealth.State)
		}
		ep, _ = lbs.Endpoint(lb.LoadBalancers[0].LoadBalancerArn)
	})
	env.RunFor(10 * time.Minute)
	rec := &serve.Recorder{}
	start := env.Now()
	g := &serve.Poisson{Rate: 50, Start: start, Stop: start + sim.Time(time.Minute), From: region.OnInternet("us-east-1"), To: ep, Rec: rec}
	_ = g.Run(env)
	env.RunFor(2 * time.Minute)
	s := rec.Summary(start, env.Now())
	fmt.Println(s.Count > 2500, s.ByStatus[200] == s.Count)
	// Output:
	// healthy
	// healthy
	// true true
}
