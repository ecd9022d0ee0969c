package elb

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/nimbus-sim/nimbus/billing"
)

// CreateLoadBalancerInput is CreateLoadBalancer's request.
type CreateLoadBalancerInput struct {
	Name           string
	Subnets        []string
	SecurityGroups []string
	Scheme         string // "internet-facing" (default) or "internal"
	Type           string // "application" (default); others are not simulated
	IpAddressType  string // "ipv4" (default)
	Tags           []Tag
}

// CreateLoadBalancerOutput is CreateLoadBalancer's response.
type CreateLoadBalancerOutput struct{ LoadBalancers []LoadBalancer }

// validName checks an ELB resource name: 1-32 alphanumerics or hyphens,
// not starting or ending with a hyphen
// (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateLoadBalancer.html).
func validName(kind, name string) error {
	if name == "" || len(name) > 32 {
		return validation("%s name '%s' must be between 1 and 32 characters long", kind, name)
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
			return validation("%s name '%s' can only contain characters that are alphanumeric characters or hyphens(-)", kind, name)
		}
	}
	if name[0] == '-' || name[len(name)-1] == '-' {
		return validation("%s name '%s' cannot begin or end with a hyphen", kind, name)
	}
	return nil
}

// CreateLoadBalancer creates an Application Load Balancer with one node in
// the zone of each subnet. An ALB needs subnets in at least two zones, one
// subnet per zone, all in one VPC.
func (c *Client) CreateLoadBalancer(ctx context.Context, in *CreateLoadBalancerInput) (*CreateLoadBalancerOutput, error) {
	if in == nil {
		in = &CreateLoadBalancerInput{}
	}
	var out *CreateLoadBalancerOutput
	err := c.call(ctx, "CreateLoadBalancer", "", func(account string) error {
		s := c.svc
		if err := validName("Load balancer", in.Name); err != nil {
			return err
		}
		if strings.HasPrefix(in.Name, "internal-") {
			return validation("Load balancer name '%s' cannot begin with 'internal-'", in.Name)
		}
		switch in.Type {
		case "", "application":
		case "network", "gateway":
			return validation("Load balancer type '%s' is not supported by this simulation; only 'application'", in.Type)
		default:
			return validation("1 validation error detected: Value '%s' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [application, network, gateway]", in.Type)
		}
		scheme := in.Scheme
		switch scheme {
		case "":
			scheme = "internet-facing"
		case "internet-facing", "internal":
		default:
			return clientErr("InvalidScheme", "The scheme '%s' is not valid", in.Scheme)
		}
		if in.IpAddressType != "" && in.IpAddressType != "ipv4" {
			return validation("IP address type '%s' is not supported by this simulation; only 'ipv4'", in.IpAddressType)
		}
		for _, lb := range s.lbOrder {
			if !lb.deleted && lb.account == account && lb.region == c.region && lb.name == in.Name {
				return clientErr("DuplicateLoadBalancerName", "A load balancer with the same name '%s' exists, but with different settings", in.Name)
			}
		}
		// Subnets: they exist, one VPC, one per zone, at least two zones
		// (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#availability-zones).
		lb := &loadBalancer{svc: s, name: in.Name, account: account, region: c.region, scheme: scheme,
			created: s.env.Now(), listeners: map[int32]*listener{}, idleTimeout: 60 * time.Second, tags: slices.Clone(in.Tags)}
		seen := map[string]string{}
		for _, id := range in.Subnets {
			sn, err := s.net.SubnetOf(account, c.region, id)
			if err != nil {
				return clientErr("SubnetNotFound", "The subnet ID '%s' is not valid", id)
			}
			if lb.vpc == "" {
				lb.vpc = sn.VpcId
			} else if sn.VpcId != lb.vpc {
				return clientErr("InvalidConfigurationRequest", "The subnets must all be in the same VPC: '%s' is in '%s', not '%s'", id, sn.VpcId, lb.vpc)
			}
			if other, dup := seen[sn.AvailabilityZoneId]; dup {
				return clientErr("InvalidConfigurationRequest", "A load balancer cannot be attached to multiple subnets in the same Availability Zone ('%s' and '%s')", other, id)
			}
			seen[sn.AvailabilityZoneId] = id
			lb.nodes = append(lb.nodes, &node{lb: lb, azID: sn.AvailabilityZoneId, azName: sn.AvailabilityZone, subnet: id})
		}
		if len(lb.nodes) < 2 {
			return validation("At least two subnets in two different Availability Zones must be specified")
		}
		for _, g := range in.SecurityGroups {
			v, err := s.net.GroupVpc(account, c.region, g)
			if err != nil || v != lb.vpc {
				return clientErr("InvalidSecurityGroup", "Security group '%s' does not exist in VPC '%s'", g, lb.vpc)
			}
		}
		lb.sgs = slices.Clone(in.SecurityGroups)
		for _, n := range lb.nodes {
			loc, err := s.w.InAZ(n.azID)
			if err != nil {
				return err
			}
			n.loc = loc
		}
		lb.id = s.newHex()
		lb.arn = arn(c.region, account, "loadbalancer/app/"+in.Name+"/"+lb.id)
		prefix := ""
		if scheme == "internal" {
			prefix = "internal-"
		}
		lb.dns = fmt.Sprintf("%s%s-%d.%s.elb.amazonaws.com", prefix, in.Name, 1000000000+s.seq*7919%900000000, c.region)
		// ALB hours: each hour or partial hour
		// (https://aws.amazon.com/elasticloadbalancing/pricing/).
		id, err := s.ledger.StartTimed(billing.Usage{Account: account, Service: "AWSELB", UsageType: "LoadBalancerUsage",
			Operation: "LoadBalancing:Application", Region: c.region, ResourceID: lb.arn, Quantity: 1}, billing.PerHour)
		if err != nil {
			return err
		}
		lb.meter = id
		lb.lcu.start(lb)
		lb.plane.init(lb)
		s.lbs[lb.arn] = lb
		s.lbOrder = append(s.lbOrder, lb)
		out = &CreateLoadBalancerOutput{LoadBalancers: []LoadBalancer{lb.describe()}}
		return nil
	})
	return out, err
}

func (lb *loadBalancer) describe() LoadBalancer {
	d := LoadBalancer{LoadBalancerArn: lb.arn, LoadBalancerName: lb.name, DNSName: lb.dns, CanonicalHostedZoneId: "Z35SXDOTRQ7X7K",
		Scheme: lb.scheme, Type: "application", IpAddressType: "ipv4", VpcId: lb.vpc, State: LoadBalancerState{Code: "active"},
		SecurityGroups: slices.Clone(lb.sgs), CreatedTime: lb.svc.env.TimeOf(lb.created)}
	for _, n := range lb.nodes {
		d.AvailabilityZones = append(d.AvailabilityZones, AvailabilityZone{ZoneName: n.azName, ZoneId: n.azID, SubnetId: n.subnet})
	}
	return d
}

func (s *Service) getLB(account, regionCode, a string) (*loadBalancer, error) {
	lb := s.lbs[a]
	if lb == nil || lb.deleted || lb.account != account || lb.region != regionCode {
		return nil, clientErr("LoadBalancerNotFound", "Load balancer '%s' not found", a)
	}
	return lb, nil
}

// DescribeLoadBalancersInput is DescribeLoadBalancers' request.
type DescribeLoadBalancersInput struct {
	LoadBalancerArns []string
	Names            []string
}

// DescribeLoadBalancersOutput is DescribeLoadBalancers' response.
type DescribeLoadBalancersOutput struct{ LoadBalancers []LoadBalancer }

// DescribeLoadBalancers lists the caller's load balancers in the region,
// or the ones named (LoadBalancerNotFound if one is missing).
func (c *Client) DescribeLoadBalancers(ctx context.Context, in *DescribeLoadBalancersInput) (*DescribeLoadBalancersOutput, error) {
	if in == nil {
		in = &DescribeLoadBalancersInput{}
	}
	out := &DescribeLoadBalancersOutput{}
	err := c.call(ctx, "DescribeLoadBalancers", "", func(account string) error {
		if len(in.LoadBalancerArns) > 0 && len(in.Names) > 0 {
			return validation("Load balancer names and load balancer ARNs cannot be specified at the same time")
		}
		for _, a := range in.LoadBalancerArns {
			lb, err := c.svc.getLB(account, c.region, a)
			if err != nil {
				return err
			}
			out.LoadBalancers = append(out.LoadBalancers, lb.describe())
		}
		for _, lb := range c.svc.lbOrder {
			if lb.deleted || lb.account != account || lb.region != c.region || len(in.LoadBalancerArns) > 0 {
				continue
			}
			if len(in.Names) == 0 || slices.Contains(in.Names, lb.name) {
				out.LoadBalancers = append(out.LoadBalancers, lb.describe())
			}
		}
		if len(in.Names) > 0 && len(out.LoadBalancers) < len(in.Names) {
			return clientErr("LoadBalancerNotFound", "One or more load balancers not found")
		}
		return nil
	})
	return out, err
}

// DeleteLoadBalancerInput is DeleteLoadBalancer's request.
type DeleteLoadBalancerInput struct{ LoadBalancerArn string }

// DeleteLoadBalancerOutput is DeleteLoadBalancer's (empty) response.
type DeleteLoadBalancerOutput struct{}

// DeleteLoadBalancer deletes a load balancer and its listeners; its
// target groups stay. Deleting one that does not exist succeeds, as on AWS.
func (c *Client) DeleteLoadBalancer(ctx context.Context, in *DeleteLoadBalancerInput) (*DeleteLoadBalancerOutput, error) {
	if in == nil {
		in = &DeleteLoadBalancerInput{}
	}
	err := c.call(ctx, "DeleteLoadBalancer", in.LoadBalancerArn, func(account string) error {
		lb, err := c.svc.getLB(account, c.region, in.LoadBalancerArn)
		if err != nil {
			return nil
		}
		c.svc.deleteLB(lb)
		return nil
	})
	return &DeleteLoadBalancerOutput{}, err
}

func (s *Service) deleteLB(lb *loadBalancer) {
	lb.lcu.settle(true)
	_ = s.ledger.StopTimed(lb.meter, billing.StopOptions{})
	lb.deleted = true
	for _, l := range lb.listeners {
		delete(s.listeners, l.arn)
		for _, r := range l.rules {
			delete(s.rules, r.arn)
		}
	}
	for _, tg := range s.tgOrder {
		if tg.lb == lb {
			tg.lb = nil
			tg.dirty = true
			for _, t := range tg.targets {
				t.timer.Stop()
			}
		}
	}
}

// ModifyLoadBalancerAttributesInput is ModifyLoadBalancerAttributes' request.
type ModifyLoadBalancerAttributesInput struct {
	LoadBalancerArn string
	Attributes      []LoadBalancerAttribute
}

// ModifyLoadBalancerAttributesOutput is its response.
type ModifyLoadBalancerAttributesOutput struct{ Attributes []LoadBalancerAttribute }

// ModifyLoadBalancerAttributes sets idle_timeout.timeout_seconds (1-4000,
// default 60). Cross-zone load balancing is always on at an ALB's level
// (a target group can turn it off).
func (c *Client) ModifyLoadBalancerAttributes(ctx context.Context, in *ModifyLoadBalancerAttributesInput) (*ModifyLoadBalancerAttributesOutput, error) {
	if in == nil {
		in = &ModifyLoadBalancerAttributesInput{}
	}
	out := &ModifyLoadBalancerAttributesOutput{}
	err := c.call(ctx, "ModifyLoadBalancerAttributes", in.LoadBalancerArn, func(account string) error {
		lb, err := c.svc.getLB(account, c.region, in.LoadBalancerArn)
		if err != nil {
			return err
		}
		idle := lb.idleTimeout
		for _, a := range in.Attributes {
			switch a.Key {
			case "idle_timeout.timeout_seconds":
				n, err := strconv.Atoi(a.Value)
				if err != nil || n < 1 || n > 4000 {
					return validation("The value of '%s' must be an integer between 1 and 4000", a.Key)
				}
				idle = time.Duration(n) * time.Second
			case "load_balancing.cross_zone.enabled":
				if a.Value != "true" {
					return clientErr("InvalidConfigurationRequest", "Cross-zone load balancing cannot be disabled for an Application Load Balancer; set it on the target group")
				}
			default:
				return validation("Load balancer attribute key '%s' is not recognized", a.Key)
			}
		}
		lb.idleTimeout = idle
		out.Attributes = []LoadBalancerAttribute{{"idle_timeout.timeout_seconds", strconv.Itoa(int(idle / time.Second))},
			{"load_balancing.cross_zone.enabled", "true"}}
		return nil
	})
	return out, err
}
