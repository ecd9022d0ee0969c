package main

import (
	"fmt"
	"time"

	"github.com/nimbus-sim/nimbus/billing"
	"github.com/nimbus-sim/nimbus/ec2"
	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/sim"
	"github.com/nimbus-sim/nimbus/vpc"
)

// gpuWeekend launches a p3.2xlarge on Friday 9 January at 18:00 and
// terminates it on Monday at 09:00, under a monthly budget whose alert
// reports the instant it fires.
func gpuWeekend(s *stage, budget int, alert *[]string) error {
	limit := billing.Money(budget) * billing.Dollar
	var launched sim.Time
	err := s.w.Billing().CreateBudget(billing.Budget{BudgetName: "monthly", AccountID: accountID, BudgetLimit: limit,
		Notifications: []billing.Notification{{NotificationType: billing.Actual, Percent: 100}},
		OnAlert: func(a billing.Alert) {
			*alert = append(*alert, fmt.Sprintf("   budget %q (%v, ACTUAL > 100%%) fired at %s, %v after the instance started running, at cost %v",
				a.BudgetName, limit, s.env.TimeOf(a.At).Format("Mon 2006-01-02 15:04:05.000"), a.At.Sub(launched).Round(time.Millisecond), a.Cost))
		}})
	if err != nil {
		return err
	}
	c := s.ec2.NewClient(home, s.admin)
	s.env.Go("admin", func(p *sim.Proc) {
		if s.err = p.Sleep(s.at(9, 18).Sub(p.Now())); s.err != nil {
			return
		}
		var m *ec2.Machine
		if m, s.err = s.launch(p, c, home, "p3.2xlarge", "", false); s.err != nil {
			return
		}
		launched = p.Now()
		if s.err = p.Sleep(s.at(12, 9).Sub(p.Now())); s.err != nil {
			return
		}
		_, s.err = c.TerminateInstances(p, &ec2.TerminateInstancesInput{InstanceIds: []string{m.ID()}})
	})
	return nil
}

// forgottenBucket fills a bucket on New Year's Eve and never looks at it
// again.
func forgottenBucket(s *stage, gb int) error {
	return s.do(func(p *sim.Proc) error { return s.fill(p, "experiment-2025-results", home, gb) })
}

// natProcessing: an instance in a private subnet whose only way out is a
// NAT gateway reads gb GiB from S3 over the month.
func natProcessing(s *stage, gb int) error {
	vc := s.ec2.VPC().NewClient(home, region.Credentials(s.admin))
	ec := s.ec2.NewClient(home, s.admin)
	var m *ec2.Machine
	err := s.do(func(p *sim.Proc) error {
		if err := s.fill(p, "training-data-nat", home, 5); err != nil {
			return err
		}
		private, err := privateSubnetBehindNAT(p, vc)
		if err != nil {
			return err
		}
		m, err = s.launch(p, ec, home, "t3.micro", private, true)
		return err
	})
	if err != nil {
		return err
	}
	return s.pull(m, "training-data-nat", home, gb, 1)
}

// privateSubnetBehindNAT builds a VPC whose public subnet holds a NAT
// gateway and whose private subnet (same zone) routes 0.0.0.0/0 to it.
func privateSubnetBehindNAT(p *sim.Proc, vc *vpc.Client) (string, error) {
	v, err := vc.CreateVpc(p, &vpc.CreateVpcInput{CidrBlock: "10.0.0.0/16"})
	if err != nil {
		return "", err
	}
	id := v.Vpc.VpcId
	pub, err := vc.CreateSubnet(p, &vpc.CreateSubnetInput{VpcId: id, CidrBlock: "10.0.0.0/24", AvailabilityZone: home + "a"})
	if err != nil {
		return "", err
	}
	priv, err := vc.CreateSubnet(p, &vpc.CreateSubnetInput{VpcId: id, CidrBlock: "10.0.1.0/24", AvailabilityZone: home + "a"})
	if err != nil {
		return "", err
	}
	g, err := vc.CreateInternetGateway(p, nil)
	if err != nil {
		return "", err
	}
	igw := g.InternetGateway.InternetGatewayId
	if _, err := vc.AttachInternetGateway(p, &vpc.AttachInternetGatewayInput{InternetGatewayId: igw, VpcId: id}); err != nil {
		return "", err
	}
	rt, err := vc.CreateRouteTable(p, &vpc.CreateRouteTableInput{VpcId: id})
	if err != nil {
		return "", err
	}
	pubRT := rt.RouteTable.RouteTableId
	if _, err := vc.CreateRoute(p, &vpc.CreateRouteInput{RouteTableId: pubRT, DestinationCidrBlock: "0.0.0.0/0", GatewayId: igw}); err != nil {
		return "", err
	}
	if _, err := vc.AssociateRouteTable(p, &vpc.AssociateRouteTableInput{RouteTableId: pubRT, SubnetId: pub.Subnet.SubnetId}); err != nil {
		return "", err
	}
	rts, err := vc.DescribeRouteTables(p, &vpc.DescribeRouteTablesInput{Filters: []vpc.Filter{
		{Name: "vpc-id", Values: []string{id}}, {Name: "association.main", Values: []string{"true"}}}})
	if err != nil {
		return "", err
	}
	eip, err := vc.AllocateAddress(p, nil)
	if err != nil {
		return "", err
	}
	nat, err := vc.CreateNatGateway(p, &vpc.CreateNatGatewayInput{SubnetId: pub.Subnet.SubnetId, AllocationId: eip.AllocationId})
	if err != nil {
		return "", err
	}
	_, err = vc.CreateRoute(p, &vpc.CreateRouteInput{RouteTableId: rts.RouteTables[0].RouteTableId, DestinationCidrBlock: "0.0.0.0/0",
		NatGatewayId: nat.NatGateway.NatGatewayId})
	return priv.Subnet.SubnetId, err
}

// crossRegion: an instance in far reads gb GiB from a us-east-1 bucket.
func crossRegion(s *stage, far string, gb int) error {
	var m *ec2.Machine
	err := s.do(func(p *sim.Proc) error {
		if err := s.fill(p, "datasets-virginia", home, 5); err != nil {
			return err
		}
		var err error
		m, err = s.launch(p, s.ec2.NewClient(far, s.admin), far, "t3.micro", "", true)
		return err
	})
	if err != nil {
		return err
	}
	return s.pull(m, "datasets-virginia", home, gb, 1)
}

// idleIPv4 allocates n Elastic IPs on New Year's Eve and attaches none.
func idleIPv4(s *stage, n int) error {
	vc := s.ec2.VPC().NewClient(home, region.Credentials(s.admin))
	return s.do(func(p *sim.Proc) error {
		for range n {
			if _, err := vc.AllocateAddress(p, nil); err != nil {
				return err
			}
		}
		return nil
	})
}
