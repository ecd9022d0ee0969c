package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/nimbus-sim/nimbus/billing"
	"github.com/nimbus-sim/nimbus/ec2"
	"github.com/nimbus-sim/nimbus/ec2/autoscaling"
	"github.com/nimbus-sim/nimbus/ec2/elb"
	"github.com/nimbus-sim/nimbus/ec2/serve"
	"github.com/nimbus-sim/nimbus/failure"
	"github.com/nimbus-sim/nimbus/iam"
	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/s3"
	"github.com/nimbus-sim/nimbus/sim"
	"github.com/nimbus-sim/nimbus/vpc"
)

// The operator runs the fleet: EC2, the load balancer and the group, the
// model bucket, and passing the server role to the instances.
func operatorPolicy() string {
	return `{"Version":"2012-10-17","Statement":[
 {"Sid":"Fleet","Effect":"Allow","Action":["ec2:*","elasticloadbalancing:*","autoscaling:*"],"Resource":"*"},
 {"Sid":"PassServerRole","Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::` + account + `:role/inference-server"},
 {"Sid":"ModelBucket","Effect":"Allow","Action":["s3:CreateBucket","s3:PutObject"],"Resource":["arn:aws:s3:::` + bucket + `","arn:aws:s3:::` + bucket + `/models/*"]}]}`
}

const ec2Trust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
 "Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

// The server reads the models and nothing else.
const serverPolicy = `{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::` + bucket + `/models/*"}]}`

// result is one design's run.
type result struct {
	design                string
	before, during, after serve.Summary
	total                 serve.Summary
	lost                  int
	restored              time.Duration            // outage start to full healthy capacity outside the dark zone; -1: never
	loads                 int                      // model loads (server start-ups)
	loadTime              time.Duration            // the first model load's duration
	bill                  billing.Money            // the load window's cost
	cost                  map[string]billing.Money // by service
}

// fleet is one simulated region with the services the example uses.
type fleet struct {
	o       *options
	env     *sim.Env
	led     *billing.Ledger
	w       *region.World
	e       *ec2.Service
	srv     *serve.Service
	lb      *elb.Service
	as      *autoscaling.Service
	s3      *s3.Service
	op      region.Credentials
	subnets []vpc.Subnet
	loads   int
	load1   time.Duration
}

func newFleet(o *options) (*fleet, error) {
	f := &fleet{o: o, env: sim.New(o.seed)}
	f.led = billing.New(f.env, nil)
	if err := f.led.SetAccount(billing.Account{ID: account, Plan: billing.PlanNone}); err != nil {
		return nil, err
	}
	var regions []region.RegionSpec
	for _, rs := range region.Catalog() {
		if rs.Code == regionCode {
			regions = append(regions, rs)
		}
	}
	it, _ := ec2.LookupInstanceType(ec2.InstanceType(o.itype))
	hosts := map[string]int{}
	for _, ht := range ec2.HostTypes() {
		if ht.Family == it.Family {
			// Room for the whole fleet and its replacements in any zone.
			hosts[ht.Name] = max(4, (4*o.perAZ*it.VCPUs+ht.VCPUs-1)/max(ht.VCPUs, 1))
		}
	}
	var err error
	if f.w, err = region.NewWorld(f.env, region.Options{Regions: regions, HostsPerAZ: hosts, Billing: f.led}); err != nil {
		return nil, err
	}
	// A new account's vCPU quota for this class (0 for GPU instances, 5
	// for Standard) is below the fleet: before the story starts, this
	// account asked Service Quotas for twice the group's maximum size
	// (MaxSize is 4 × -per-az), room for it and as many replacements.
	quota := map[string]int{ec2.QuotaCode(ec2.QuotaClassOf(it.Family), false): 2 * 4 * o.perAZ * it.VCPUs}
	if f.e, err = ec2.New(f.w, ec2.Options{Quotas: &ec2.QuotaOptions{Values: quota}}); err != nil {
		return nil, err
	}
	f.srv = serve.New(f.e)
	if f.lb, err = elb.New(f.srv, elb.Options{}); err != nil {
		return nil, err
	}
	if f.as, err = autoscaling.New(f.lb, autoscaling.Options{}); err != nil {
		return nil, err
	}
	if f.s3, err = s3.New(f.w, s3.Options{}); err != nil {
		return nil, err
	}
	root, err := f.w.CreateAccount(account)
	if err != nil {
		return nil, err
	}
	// IAM, as the account's administrator would set it up.
	if err := f.w.Setup(func(ctx context.Context) error {
		c := f.w.IAMClient(root)
		if _, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: "operator"}); err != nil {
			return err
		}
		if _, err := c.PutUserPolicy(ctx, &region.PutUserPolicyInput{UserName: "operator", PolicyName: "fleet", PolicyDocument: operatorPolicy()}); err != nil {
			return err
		}
		k, err := c.CreateAccessKey(ctx, &region.CreateAccessKeyInput{UserName: "operator"})
		if err != nil {
			return err
		}
		f.op = k.AccessKey.Credentials()
		if _, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: "inference-server", AssumeRolePolicyDocument: ec2Trust}); err != nil {
			return err
		}
		if _, err := c.PutRolePolicy(ctx, &region.PutRolePolicyInput{RoleName: "inference-server", PolicyName: "read-models", PolicyDocument: serverPolicy}); err != nil {
			return err
		}
		if _, err := c.CreateInstanceProfile(ctx, &region.CreateInstanceProfileInput{InstanceProfileName: "inference-server"}); err != nil {
			return err
		}
		_, err = c.AddRoleToInstanceProfile(ctx, &region.AddRoleToInstanceProfileInput{InstanceProfileName: "inference-server", RoleName: "inference-server"})
		return err
	}); err != nil {
		return nil, err
	}
	f.as.RegisterUserData("inference-server", f.boot)
	return f, nil
}

// boot is the instance's user data: start the server, which loads the
// model from S3 with the role's credentials before it accepts connections
// (the course's load_model() at start-up).
func (f *fleet) boot(m *ec2.Machine) error {
	_, err := f.srv.Listen(m, port, f.handle, serve.Options{Workers: 2 * f.vcpus(), Backlog: 256, Startup: f.loadModel})
	return err
}

func (f *fleet) vcpus() int {
	it, _ := ec2.LookupInstanceType(ec2.InstanceType(f.o.itype))
	return it.VCPUs
}

func (f *fleet) loadModel(p *sim.Proc) error {
	start := p.Now()
	creds, err := ec2.IMDSCredentials(p)
	if err != nil {
		return err
	}
	out, err := f.s3.NewClient(regionCode, creds).GetObject(p, &s3.GetObjectInput{Bucket: bucket, Key: modelKey})
	if err != nil {
		return err
	}
	// The synthetic body of a size-only object is not read byte by byte:
	// the transfer's time is in the call; its size is checked.
	if err := out.Body.Close(); err != nil {
		return err
	}
	if out.ContentLength == nil || *out.ContentLength != f.o.modelMiB<<20 {
		return errors.New("model: short read")
	}
	f.loads++
	if f.loads == 1 {
		f.load1 = time.Duration(p.Now() - start)
	}
	return nil
}

// handle is the Flask app: /health, and /predict doing the model's CPU work.
func (f *fleet) handle(p *sim.Proc, r *serve.Request) serve.Response {
	if r.Path == "/health" {
		return serve.Response{Status: 200, Bytes: 40}
	}
	if err := f.srv.Work(p, f.o.cpu.Seconds()); err != nil {
		return serve.Response{Status: 500}
	}
	return serve.Response{Status: 200, Bytes: 200}
}

// do runs fn as a process and plays the clock until it returns.
func (f *fleet) do(fn func(p *sim.Proc) error) error {
	done, err := false, error(nil)
	f.env.Go("operator", func(p *sim.Proc) { err = fn(p); done = true })
	for !done && f.env.Step() {
	}
	if !done {
		return errors.New("the operator's step never finished")
	}
	return err
}

func i32(v int32) *int32 { return &v }

// simulate builds the stack with the group in zones (1 or 2) and runs the
// load through the outage of the first zone.
func simulate(o *options, zones int) (*result, error) {
	f, err := newFleet(o)
	if err != nil {
		return nil, err
	}
	defer f.env.Close()
	lc := f.lb.NewClient(regionCode, f.op)
	ac := f.as.NewClient(regionCode, f.op)
	size := int32(2 * o.perAZ)
	var lbArn, tgArn string
	if err := f.do(func(p *sim.Proc) error {
		sc := f.s3.NewClient(regionCode, f.op)
		if _, err := sc.CreateBucket(p, &s3.CreateBucketInput{Bucket: bucket}); err != nil {
			return err
		}
		if _, err := sc.PutObject(p, &s3.PutObjectInput{Bucket: bucket, Key: modelKey, ContentLength: s3.Int64(o.modelMiB << 20)}); err != nil {
			return err
		}
		out, err := f.e.VPC().NewClient(regionCode, f.op).DescribeSubnets(p, nil)
		if err != nil {
			return err
		}
		f.subnets = out.Subnets
		slices.SortFunc(f.subnets, func(a, b vpc.Subnet) int { return strings.Compare(a.AvailabilityZone, b.AvailabilityZone) })
		sn := []string{f.subnets[0].SubnetId, f.subnets[1].SubnetId}
		lb, err := lc.CreateLoadBalancer(p, &elb.CreateLoadBalancerInput{Name: "inference", Subnets: sn})
		if err != nil {
			return err
		}
		lbArn = lb.LoadBalancers[0].LoadBalancerArn
		tg, err := lc.CreateTargetGroup(p, &elb.CreateTargetGroupInput{Name: "inference", Protocol: "HTTP", Port: i32(port),
			VpcId: f.subnets[0].VpcId, HealthCheckPath: "/health",
			HealthCheckIntervalSeconds: i32(int32(o.hcInterval)), HealthCheckTimeoutSeconds: i32(int32(min(5, o.hcInterval-1))),
			UnhealthyThresholdCount: i32(int32(o.unhealthy))})
		if err != nil {
			return err
		}
		tgArn = tg.TargetGroups[0].TargetGroupArn
		if _, err := lc.CreateListener(p, &elb.CreateListenerInput{LoadBalancerArn: lbArn, Protocol: "HTTP", Port: i32(80),
			DefaultActions: []elb.Action{{Type: "forward", TargetGroupArn: tgArn}}}); err != nil {
			return err
		}
		if _, err := ac.CreateLaunchTemplate(p, &autoscaling.CreateLaunchTemplateInput{LaunchTemplateName: "inference-server",
			LaunchTemplateData: &autoscaling.RequestLaunchTemplateData{ImageId: ec2.ImageID(ec2.PublicImages()[0].Name, regionCode),
				InstanceType: ec2.InstanceType(o.itype), UserData: "inference-server",
				IamInstanceProfile: &ec2.IamInstanceProfileSpecification{Name: "inference-server"}}}); err != nil {
			return err
		}
		return ac.CreateAutoScalingGroup(p, &autoscaling.CreateAutoScalingGroupInput{AutoScalingGroupName: "inference",
			LaunchTemplate: &autoscaling.LaunchTemplateSpecification{LaunchTemplateName: "inference-server"},
			MinSize:        i32(size), MaxSize: i32(2 * size), DesiredCapacity: i32(size),
			VPCZoneIdentifier: strings.Join(sn[:zones], ","), TargetGroupARNs: []string{tgArn},
			HealthCheckType: "ELB", HealthCheckGracePeriod: i32(120), DefaultInstanceWarmup: i32(60)})
	}); err != nil {
		return nil, err
	}
	// Let the group fill and every target pass its health checks.
	f.env.RunFor(10 * time.Minute)
	healthy, err := f.healthy(lc, tgArn, "")
	if err != nil {
		return nil, err
	}
	if healthy != int(size) {
		return nil, fmt.Errorf("%d of %d targets healthy after 10 minutes", healthy, size)
	}
	ep, err := f.lb.Endpoint(lbArn)
	if err != nil {
		return nil, err
	}
	rec := &serve.Recorder{}
	t0 := f.env.Now()
	inv0 := f.led.Invoice(account, billing.MonthOf(f.env.NowTime()))
	outage := t0 + sim.Time(time.Hour)
	restore := outage + sim.Time(o.outage)
	end := t0 + sim.Time(time.Duration(o.hours*float64(time.Hour)))
	g := &serve.Poisson{Rate: o.rate, Start: t0, Stop: end, From: region.OnInternet(regionCode), To: ep, Rec: rec, Bytes: 2000}
	if err := g.Run(f.env); err != nil {
		return nil, err
	}
	dark := f.subnets[0].AvailabilityZoneId
	h, err := failure.NewHarness(f.env, f.w.Faults(), f.lb)
	if err != nil {
		return nil, err
	}
	if err := h.Start(failure.At(time.Hour, failure.AZOutage(dark, o.outage))); err != nil {
		return nil, err
	}
	r := &result{design: fmt.Sprintf("%d zone", zones), restored: -1}
	if zones > 1 {
		r.design += "s"
	}
	f.env.RunUntil(outage)
	// Poll, as an operator's dashboard would, for the group back at full
	// healthy capacity outside the dark zone.
	for f.env.Now() < restore {
		f.env.RunFor(10 * time.Second)
		n, err := f.healthy(lc, tgArn, dark)
		if err != nil {
			return nil, err
		}
		if n == int(size) {
			r.restored = time.Duration(f.env.Now() - outage)
			break
		}
	}
	// Drain: the last requests' responses.
	f.env.RunUntil(end + sim.Time(time.Minute))
	if err := h.Err(); err != nil {
		return nil, err
	}
	r.before, r.during, r.after = rec.Summary(t0, outage), rec.Summary(outage, restore), rec.Summary(restore, end)
	r.total = rec.Summary(t0, end)
	r.lost = r.total.Errors
	r.loads, r.loadTime = f.loads, f.load1
	// The ALB's hour in progress goes on the bill (the warm-up before t0
	// had no traffic but health checks, so the hour it shares with the
	// load window is not split there).
	f.lb.Settle()
	inv := f.led.Invoice(account, billing.MonthOf(f.env.NowTime()))
	r.bill, r.cost = inv.Total-inv0.Total, map[string]billing.Money{}
	for _, li := range inv.Lines {
		r.cost[category(li)] += li.Cost
	}
	for _, li := range inv0.Lines {
		r.cost[category(li)] -= li.Cost
	}
	return r, nil
}

// healthy counts the healthy targets outside zone skip (an AZ ID, or "").
func (f *fleet) healthy(lc *elb.Client, tgArn, skip string) (int, error) {
	n := 0
	err := f.do(func(p *sim.Proc) error {
		out, err := lc.DescribeTargetHealth(p, &elb.DescribeTargetHealthInput{TargetGroupArn: tgArn})
		if err != nil {
			return err
		}
		for _, d := range out.TargetHealthDescriptions {
			m, ok := f.e.Machine(d.Target.Id)
			if d.TargetHealth.State == "healthy" && ok && m.AvailabilityZoneID() != skip {
				n++
			}
		}
		return nil
	})
	return n, err
}

// categories are the bill's columns, in print order.
var categories = []string{"instances", "EBS", "ALB hours", "ALB LCUs", "S3", "IPv4", "transfer", "other"}

// category sorts a line of the bill into a column by its usage type.
func category(li billing.LineItem) string {
	u := li.UsageType
	switch {
	case strings.Contains(u, "DataTransfer") || strings.Contains(u, "-Bytes"):
		return "transfer"
	case strings.Contains(u, "BoxUsage"):
		return "instances"
	case strings.Contains(u, "EBS:"):
		return "EBS"
	case strings.Contains(u, "LoadBalancerUsage"):
		return "ALB hours"
	case strings.Contains(u, "LCUUsage"):
		return "ALB LCUs"
	case li.Service == "AmazonS3":
		return "S3"
	case strings.Contains(u, "PublicIPv4"):
		return "IPv4"
	}
	return "other"
}
