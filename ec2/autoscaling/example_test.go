package autoscaling_test

import (
	"context"
	"fmt"
	"time"

	"github.com/nimbus-sim/nimbus/ec2"
	"github.com/nimbus-sim/nimbus/ec2/autoscaling"
	"github.com/nimbus-sim/nimbus/ec2/elb"
	"github.com/nimbus-sim/nimbus/ec2/serve"
	"github.com/nimbus-sim/nimbus/iam"
	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/sim"
	"github.com/nimbus-sim/nimbus/vpc"
)

// A group of four instances spread over two zones.
func Example() {
	env := sim.New(1)
	defer env.Close()
	w := region.MustNewWorld(env, region.Options{HostsPerAZ: map[string]int{"m5": 1}})
	// Four m5.large are 8 vCPUs: above a new account's 5 Standard vCPUs,
	// so this account has had its quota raised (through Service Quotas;
	// ec2.QuotasClient here).
	e := ec2.MustNew(w, ec2.Options{Quotas: &ec2.QuotaOptions{Values: map[string]int{ec2.QuotaCode(ec2.QuotaStandard, false): 16}}})
	as := autoscaling.MustNew(elb.MustNew(serve.New(e), elb.Options{}), autoscaling.Options{})
	root, _ := w.CreateAccount("111122223333")
	var creds region.Credentials
	_ = w.Setup(func(ctx context.Context) error {
		c := w.IAMClient(root)
		_, _ = c.CreateUser(ctx, &iam.CreateUserInput{UserName: "ops"})
		_, _ = c.PutUserPolicy(ctx, &region.PutUserPolicyInput{UserName: "ops", PolicyName: "ops",
			PolicyDocument: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ec2:*","autoscaling:*","elasticloadbalancing:*"],"Resource":"*"}]}`})
		out, err := c.CreateAccessKey(ctx, &region.CreateAccessKeyInput{UserName: "ops"})
		if err == nil {
			creds = out.AccessKey.Credentials()
		}
		return err
	})
	c := as.NewClient("us-east-1", creds)
	env.Go("ops", func(p *sim.Proc) {
		sns, _ := e.VPC().NewClient("us-east-1", creds).DescribeSubnets(p, &vpc.DescribeSubnetsInput{})
		_, _ = c.CreateLaunchTemplate(p, &autoscaling.CreateLaunchTemplateInput{LaunchTemplateName: "web",
			LaunchTemplateData: &autoscaling.RequestLaunchTemplateData{ImageId: ec2.ImageID(ec2.PublicImages()[0].Name, "us-east-1"), InstanceType: "m5.large"}})
		four := int32(4)
		err := c.CreateAutoScalingGroup(p, &autoscaling.CreateAutoScalingGroupInput{AutoScalingGroupName: "web",
			LaunchTemplate: &autoscaling.LaunchTemplateSpecification{LaunchTemplateName: "web"},
			MinSize:        &four, MaxSize: &four, VPCZoneIdentifier: sns.Subnets[0].SubnetId + "," + sns.Subnets[1].SubnetId})
		if err != nil {
			fmt.Println(err)
			return
		}
		_ = p.Sleep(5 * time.Minute)
		out, _ := c.DescribeAutoScalingGroups(p, nil)
		zones := map[string]int{}
		for _, in := range out.AutoScalingGroups[0].Instances {
			zones[in.AvailabilityZone]++
			fmt.Println(in.LifecycleState)
		}
		fmt.Println(len(zones), "zones")
	})
	env.Run()
	// Output:
	// InService
	// InService
	// InService
	// InService
	// 2 zones
}
