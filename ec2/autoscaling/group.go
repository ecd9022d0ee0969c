package autoscaling

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/nimbus-sim/nimbus/ec2"
	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/sim"
)

// InstancesDistribution is a mixed-instances policy's on-demand/spot
// split: OnDemandBaseCapacity instances first, then
// OnDemandPercentageAboveBaseCapacity percent of the rest on demand.
type InstancesDistribution struct {
	OnDemandBaseCapacity                *int32
	OnDemandPercentageAboveBaseCapacity *int32
	// SpotAllocationStrategy: "price-capacity-optimized" (default),
	// "capacity-optimized" or "lowest-price".
	SpotAllocationStrategy string
}

// LaunchTemplateOverrides is one instance type a mixed group may launch.
type LaunchTemplateOverrides struct{ InstanceType ec2.InstanceType }

// MixedLaunchTemplate is the launch template of a mixed-instances policy.
type MixedLaunchTemplate struct {
	LaunchTemplateSpecification *LaunchTemplateSpecification
	Overrides                   []LaunchTemplateOverrides
}

// MixedInstancesPolicy launches on-demand and spot instances of several
// types from one template.
type MixedInstancesPolicy struct {
	LaunchTemplate        *MixedLaunchTemplate
	InstancesDistribution *InstancesDistribution
}

// CreateAutoScalingGroupInput is CreateAutoScalingGroup's request.
type CreateAutoScalingGroupInput struct {
	AutoScalingGroupName string
	LaunchTemplate       *LaunchTemplateSpecification
	MixedInstancesPolicy *MixedInstancesPolicy
	MinSize, MaxSize     *int32
	DesiredCapacity      *int32
	// VPCZoneIdentifier is a comma-separated list of subnet IDs.
	VPCZoneIdentifier string
	TargetGroupARNs   []string
	// HealthCheckType is "EC2" (default) or "ELB".
	HealthCheckType string
	// HealthCheckGracePeriod in seconds; default 0 through the API
	// (https://docs.aws.amazon.com/autoscaling/ec2/userguide/health-check-grace-period.html).
	HealthCheckGracePeriod *int32
	// DefaultInstanceWarmup in seconds: how long a new instance's metrics
	// stay out of the group's aggregates.
	DefaultInstanceWarmup *int32
	// DefaultCooldown in seconds; default 300.
	DefaultCooldown   *int32
	CapacityRebalance bool
}

// Instance is one instance of a group as DescribeAutoScalingGroups shows it.
type Instance struct {
	InstanceId       string
	InstanceType     string
	AvailabilityZone string
	LifecycleState   string // Pending, InService, Terminating
	HealthStatus     string // Healthy, Unhealthy
	Lifecycle        string // "on-demand" or "spot"
}

// AutoScalingGroup describes a group.
type AutoScalingGroup struct {
	AutoScalingGroupName string
	AutoScalingGroupARN  string
	MinSize, MaxSize     int32
	DesiredCapacity      int32
	AvailabilityZones    []string
	VPCZoneIdentifier    string
	TargetGroupARNs      []string
	HealthCheckType      string
	Instances            []Instance
}

type member struct {
	m         *ec2.Machine
	az        string
	lifecycle string // Pending, InService
	spot      bool
	launched  sim.Time
	inService sim.Time
	itype     ec2.InstanceType
	// CPU metric: the last full window's utilization (percent).
	sampleCPU float64
	sampleAt  sim.Time
	util      float64
	hasUtil   bool
	atRisk    bool // a spot instance with a rebalance recommendation or interruption notice
}

type subnetInfo struct{ id, az, azName string }

type group struct {
	s                   *Service
	name, arn           string
	account, region     string
	creds               region.Credentials
	lt                  *launchTemplate
	mixed               *MixedInstancesPolicy
	min, max, desired   int32
	subnets             []subnetInfo
	tgs                 []string
	hcType              string
	grace, warmup, cool time.Duration
	rebalance           bool
	members             []*member
	deleted             bool
	lastScale           sim.Time
	schedules           []*scheduled
	policies            []*policy
	proc                *sim.Proc
	activities          []string
	cpuSeries           []Point
}

func groupKey(account, regionCode, name string) string {
	return account + "/" + regionCode + "/" + name
}

// CreateAutoScalingGroup creates a group and starts launching its desired
// capacity across the subnets' zones.
func (c *Client) CreateAutoScalingGroup(ctx context.Context, in *CreateAutoScalingGroupInput) error {
	if in == nil {
		in = &CreateAutoScalingGroupInput{}
	}
	return c.call(ctx, "CreateAutoScalingGroup", func(account string) error {
		s := c.svc
		if in.AutoScalingGroupName == "" || len(in.AutoScalingGroupName) > 255 {
			return validation("1 validation error detected: Value at 'autoScalingGroupName' failed to satisfy constraint: Member must have length between 1 and 255")
		}
		if _, dup := s.groups[groupKey(account, c.region, in.AutoScalingGroupName)]; dup {
			return clientErr("AlreadyExists", "AutoScalingGroup by this name already exists - A group with the name %s already exists", in.AutoScalingGroupName)
		}
		if in.MinSize == nil || in.MaxSize == nil {
			return validation("MinSize and MaxSize are required")
		}
		lo, hi := *in.MinSize, *in.MaxSize
		if lo < 0 || hi < 0 {
			return validation("MinSize and MaxSize must not be negative")
		}
		if lo > hi {
			return validation("Max bound, %d, must be greater than or equal to min bound, %d", hi, lo)
		}
		desired := lo
		if in.DesiredCapacity != nil {
			desired = *in.DesiredCapacity
			if desired < lo || desired > hi {
				return validation("Desired capacity:%d must be between the specified min size:%d and max size:%d", desired, lo, hi)
			}
		}
		g := &group{s: s, name: in.AutoScalingGroupName, account: account, region: c.region, creds: c.creds,
			min: lo, max: hi, desired: desired, hcType: "EC2", cool: 300 * time.Second, rebalance: in.CapacityRebalance}
		spec := in.LaunchTemplate
		if in.MixedInstancesPolicy != nil {
			if spec != nil {
				return validation("Valid requests must contain either LaunchTemplate, LaunchConfigurationName, InstanceId or MixedInstancesPolicy parameter.")
			}
			if in.MixedInstancesPolicy.LaunchTemplate == nil {
				return validation("A mixed instances policy needs a launch template")
			}
			spec = in.MixedInstancesPolicy.LaunchTemplate.LaunchTemplateSpecification
			g.mixed = in.MixedInstancesPolicy
			if d := g.mixed.InstancesDistribution; d != nil {
				switch d.SpotAllocationStrategy {
				case "", "price-capacity-optimized", "capacity-optimized", "lowest-price":
				default:
					return validation("Spot allocation strategy '%s' is not valid", d.SpotAllocationStrategy)
				}
				if p := d.OnDemandPercentageAboveBaseCapacity; p != nil && (*p < 0 || *p > 100) {
					return validation("OnDemandPercentageAboveBaseCapacity must be between 0 and 100")
				}
				if b := d.OnDemandBaseCapacity; b != nil && *b < 0 {
					return validation("OnDemandBaseCapacity must not be negative")
				}
			}
		}
		if spec == nil {
			return validation("Valid requests must contain either LaunchTemplate, LaunchConfigurationName, InstanceId or MixedInstancesPolicy parameter.")
		}
		lt, err := s.findLT(account, c.region, spec)
		if err != nil {
			return err
		}
		g.lt = lt
		if in.VPCZoneIdentifier == "" {
			return validation("At least one Availability Zone or VPC Subnet is required.")
		}
		for _, id := range strings.Split(in.VPCZoneIdentifier, ",") {
			id = strings.TrimSpace(id)
			sn, err := s.net.SubnetOf(account, c.region, id)
			if err != nil {
				return validation("The subnet ID '%s' does not exist", id)
			}
			g.subnets = append(g.subnets, subnetInfo{id, sn.AvailabilityZoneId, sn.AvailabilityZone})
		}
		for _, a := range in.TargetGroupARNs {
			if !s.elb.TargetGroupExists(a) {
				return validation("Provided Target Groups may not be valid. Please ensure they exist and try again.")
			}
		}
		g.tgs = slices.Clone(in.TargetGroupARNs)
		switch in.HealthCheckType {
		case "", "EC2":
		case "ELB":
			g.hcType = "ELB"
		default:
			return validation("Health check type '%s' must be 'EC2' or 'ELB'", in.HealthCheckType)
		}
		if v := in.HealthCheckGracePeriod; v != nil {
			g.grace = time.Duration(*v) * time.Second
		}
		if v := in.DefaultInstanceWarmup; v != nil {
			g.warmup = time.Duration(*v) * time.Second
		}
		if v := in.DefaultCooldown; v != nil {
			g.cool = time.Duration(*v) * time.Second
		}
		g.arn = "arn:aws:autoscaling:" + c.region + ":" + account + ":autoScalingGroup:" + s.newUUID() + ":autoScalingGroupName/" + g.name
		s.groups[groupKey(account, c.region, g.name)] = g
		s.order = append(s.order, g)
		g.start()
		return nil
	})
}

func (s *Service) newUUID() string {
	h := s.newID("x")[2:]
	return h[:8] + "-" + h[8:12] + "-4" + h[12:15] + "-8" + h[15:17] + "00-000000000000"
}

func (s *Service) getGroup(account, regionCode, name string) (*group, error) {
	g := s.groups[groupKey(account, regionCode, name)]
	if g == nil || g.deleted {
		return nil, validation("AutoScalingGroup name not found - AutoScalingGroup %s not found", name)
	}
	return g, nil
}

func (g *group) describe() AutoScalingGroup {
	d := AutoScalingGroup{AutoScalingGroupName: g.name, AutoScalingGroupARN: g.arn, MinSize: g.min, MaxSize: g.max,
		DesiredCapacity: g.desired, TargetGroupARNs: slices.Clone(g.tgs), HealthCheckType: g.hcType}
	var ids []string
	for _, sn := range g.subnets {
		ids = append(ids, sn.id)
		if !slices.Contains(d.AvailabilityZones, sn.azName) {
			d.AvailabilityZones = append(d.AvailabilityZones, sn.azName)
		}
	}
	d.VPCZoneIdentifier = strings.Join(ids, ",")
	for _, m := range g.members {
		lc := "on-demand"
		if m.spot {
			lc = "spot"
		}
		az := m.az
		for _, sn := range g.subnets {
			if sn.az == m.az {
				az = sn.azName
			}
		}
		d.Instances = append(d.Instances, Instance{InstanceId: m.m.ID(), InstanceType: string(m.itype), AvailabilityZone: az,
			LifecycleState: m.lifecycle, HealthStatus: "Healthy", Lifecycle: lc})
	}
	return d
}

// DescribeAutoScalingGroupsInput is DescribeAutoScalingGroups' request.
type DescribeAutoScalingGroupsInput struct{ AutoScalingGroupNames []string }

// DescribeAutoScalingGroupsOutput is its response.
type DescribeAutoScalingGroupsOutput struct{ AutoScalingGroups []AutoScalingGroup }

// DescribeAutoScalingGroups lists groups (unknown names are skipped, as on AWS).
func (c *Client) DescribeAutoScalingGroups(ctx context.Context, in *DescribeAutoScalingGroupsInput) (*DescribeAutoScalingGroupsOutput, error) {
	if in == nil {
		in = &DescribeAutoScalingGroupsInput{}
	}
	out := &DescribeAutoScalingGroupsOutput{}
	err := c.call(ctx, "DescribeAutoScalingGroups", func(account string) error {
		for _, g := range c.svc.order {
			if g.deleted || g.account != account || g.region != c.region {
				continue
			}
			if len(in.AutoScalingGroupNames) == 0 || slices.Contains(in.AutoScalingGroupNames, g.name) {
				out.AutoScalingGroups = append(out.AutoScalingGroups, g.describe())
			}
		}
		return nil
	})
	return out, err
}

// UpdateAutoScalingGroupInput is UpdateAutoScalingGroup's request.
type UpdateAutoScalingGroupInput struct {
	AutoScalingGroupName string
	MinSize, MaxSize     *int32
	DesiredCapacity      *int32
}

// UpdateAutoScalingGroup changes a group's size limits.
func (c *Client) UpdateAutoScalingGroup(ctx context.Context, in *UpdateAutoScalingGroupInput) error {
	if in == nil {
		in = &UpdateAutoScalingGroupInput{}
	}
	return c.call(ctx, "UpdateAutoScalingGroup", func(account string) error {
		g, err := c.svc.getGroup(account, c.region, in.AutoScalingGroupName)
		if err != nil {
			return err
		}
		lo, hi, d := g.min, g.max, g.desired
		if in.MinSize != nil {
			lo = *in.MinSize
		}
		if in.MaxSize != nil {
			hi = *in.MaxSize
		}
		if lo > hi {
			return validation("Max bound, %d, must be greater than or equal to min bound, %d", hi, lo)
		}
		if in.DesiredCapacity != nil {
			d = *in.DesiredCapacity
			if d < lo || d > hi {
				return validation("Desired capacity:%d must be between the specified min size:%d and max size:%d", d, lo, hi)
			}
		} else {
			d = min(max(d, lo), hi)
		}
		g.min, g.max, g.desired = lo, hi, d
		return nil
	})
}

// SetDesiredCapacityInput is SetDesiredCapacity's request.
type SetDesiredCapacityInput struct {
	AutoScalingGroupName string
	DesiredCapacity      int32
}

// SetDesiredCapacity sets a group's desired capacity within its limits.
func (c *Client) SetDesiredCapacity(ctx context.Context, in *SetDesiredCapacityInput) error {
	if in == nil {
		in = &SetDesiredCapacityInput{}
	}
	return c.call(ctx, "SetDesiredCapacity", func(account string) error {
		g, err := c.svc.getGroup(account, c.region, in.AutoScalingGroupName)
		if err != nil {
			return err
		}
		if in.DesiredCapacity < g.min || in.DesiredCapacity > g.max {
			return validation("New SetDesiredCapacity value %d is below min value %d or above max value %d for the AutoScalingGroup.", in.DesiredCapacity, g.min, g.max)
		}
		g.desired = in.DesiredCapacity
		return nil
	})
}

// DeleteAutoScalingGroupInput is DeleteAutoScalingGroup's request.
type DeleteAutoScalingGroupInput struct {
	AutoScalingGroupName string
	ForceDelete          bool
}

// DeleteAutoScalingGroup deletes a group; with instances it needs
// ForceDelete (ResourceInUse), which terminates them.
func (c *Client) DeleteAutoScalingGroup(ctx context.Context, in *DeleteAutoScalingGroupInput) error {
	if in == nil {
		in = &DeleteAutoScalingGroupInput{}
	}
	return c.call(ctx, "DeleteAutoScalingGroup", func(account string) error {
		g, err := c.svc.getGroup(account, c.region, in.AutoScalingGroupName)
		if err != nil {
			return err
		}
		if len(g.members) > 0 && !in.ForceDelete {
			return clientErr("ResourceInUse", "You cannot delete an AutoScalingGroup while there are instances or pending Spot instance request(s) still in the group.")
		}
		g.deleted = true
		g.desired, g.min = 0, 0
		return nil
	})
}
