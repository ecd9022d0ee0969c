package elb

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/nimbus-sim/nimbus/ec2"
)

// CreateTargetGroupInput is CreateTargetGroup's request. Nil numbers take
// AWS's defaults for an HTTP target group of instances: interval 30 s,
// timeout 5 s, healthy threshold 5, unhealthy threshold 2, path "/",
// matcher "200"
// (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html#health-check-settings).
type CreateTargetGroupInput struct {
	Name                       string
	Protocol                   string // "HTTP"
	Port                       *int32
	VpcId                      string
	TargetType                 string // "instance" (default)
	HealthCheckProtocol        string
	HealthCheckPort            string
	HealthCheckPath            string
	HealthCheckIntervalSeconds *int32
	HealthCheckTimeoutSeconds  *int32
	HealthyThresholdCount      *int32
	UnhealthyThresholdCount    *int32
	Matcher                    *Matcher
	Tags                       []Tag
}

// CreateTargetGroupOutput is CreateTargetGroup's response.
type CreateTargetGroupOutput struct{ TargetGroups []TargetGroup }

func pick(p *int32, def int32) int32 {
	if p == nil {
		return def
	}
	return *p
}

// parseMatcher parses "200", "200,202" or "200-299"; ALB codes are 200-499.
func parseMatcher(m string) (func(int) bool, error) {
	type span struct{ lo, hi int }
	var spans []span
	for _, part := range strings.Split(m, ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		a, err1 := strconv.Atoi(lo)
		b := a
		var err2 error
		if isRange {
			b, err2 = strconv.Atoi(hi)
		}
		if err1 != nil || err2 != nil || a < 200 || b > 499 || a > b {
			return nil, validation("Health check matcher HTTP code '%s' must be a value between 200 and 499, a list or a range", m)
		}
		spans = append(spans, span{a, b})
	}
	return func(code int) bool {
		for _, s := range spans {
			if code >= s.lo && code <= s.hi {
				return true
			}
		}
		return false
	}, nil
}

// CreateTargetGroup creates a target group of instances in a VPC.
func (c *Client) CreateTargetGroup(ctx context.Context, in *CreateTargetGroupInput) (*CreateTargetGroupOutput, error) {
	if in == nil {
		in = &CreateTargetGroupInput{}
	}
	var out *CreateTargetGroupOutput
	err := c.call(ctx, "CreateTargetGroup", "", func(account string) error {
		s := c.svc
		if err := validName("Target group", in.Name); err != nil {
			return err
		}
		if in.TargetType != "" && in.TargetType != "instance" {
			return validation("Target type '%s' is not supported by this simulation; only 'instance'", in.TargetType)
		}
		if in.Protocol != "HTTP" {
			return validation("A protocol must be specified: 'HTTP' (HTTPS, TCP, UDP and GENEVE target groups are not simulated), not '%s'", in.Protocol)
		}
		if in.Port == nil {
			return validation("A port must be specified")
		}
		if *in.Port < 1 || *in.Port > 65535 {
			return validation("Port '%d' must be between 1 and 65535", *in.Port)
		}
		if in.VpcId == "" {
			return validation("A VPC ID must be specified")
		}
		if err := s.net.VpcOf(account, c.region, in.VpcId); err != nil {
			return validation("The VPC ID '%s' is not found", in.VpcId)
		}
		hc := healthCheck{path: "/", port: "traffic-port", matcher: "200"}
		if in.HealthCheckProtocol != "" && in.HealthCheckProtocol != "HTTP" {
			return validation("Health check protocol '%s' is not supported by this simulation; only 'HTTP'", in.HealthCheckProtocol)
		}
		if in.HealthCheckPath != "" {
			if !strings.HasPrefix(in.HealthCheckPath, "/") || len(in.HealthCheckPath) > 1024 {
				return validation("Health check path '%s' must begin with '/' and be at most 1024 characters", in.HealthCheckPath)
			}
			hc.path = in.HealthCheckPath
		}
		if in.HealthCheckPort != "" && in.HealthCheckPort != "traffic-port" {
			n, err := strconv.Atoi(in.HealthCheckPort)
			if err != nil || n < 1 || n > 65535 {
				return validation("Health check port '%s' must be 'traffic-port' or between 1 and 65535", in.HealthCheckPort)
			}
			hc.port = in.HealthCheckPort
		}
		interval, timeout := pick(in.HealthCheckIntervalSeconds, 30), pick(in.HealthCheckTimeoutSeconds, 5)
		healthy, unhealthy := pick(in.HealthyThresholdCount, 5), pick(in.UnhealthyThresholdCount, 2)
		switch {
		case interval < 5 || interval > 300:
			return validation("Health check interval must be between 5 and 300 seconds")
		case timeout < 2 || timeout > 120:
			return validation("Health check timeout must be between 2 and 120 seconds")
		case timeout >= interval:
			return validation("Health check interval must be greater than the timeout.")
		case healthy < 2 || healthy > 10 || unhealthy < 2 || unhealthy > 10:
			return validation("Healthy and unhealthy threshold counts must be between 2 and 10")
		}
		hc.interval, hc.timeout = time.Duration(interval)*time.Second, time.Duration(timeout)*time.Second
		hc.healthy, hc.unhealth = int(healthy), int(unhealthy)
		if in.Matcher != nil && in.Matcher.HttpCode != "" {
			hc.matcher = in.Matcher.HttpCode
		}
		match, err := parseMatcher(hc.matcher)
		if err != nil {
			return err
		}
		hc.match = match
		for _, tg := range s.tgOrder {
			if tg.account == account && tg.region == c.region && tg.name == in.Name {
				return clientErr("DuplicateTargetGroupName", "A target group with the same name '%s' exists, but with different settings", in.Name)
			}
		}
		tg := &targetGroup{svc: s, name: in.Name, account: account, region: c.region, vpc: in.VpcId, protocol: "HTTP", port: *in.Port,
			hc: hc, dereg: 300 * time.Second, algo: "round_robin", crossZone: "use_load_balancer_configuration", dirty: true,
			tags: slices.Clone(in.Tags)}
		tg.arn = arn(c.region, account, "targetgroup/"+in.Name+"/"+s.newHex())
		s.tgs[tg.arn] = tg
		s.tgOrder = append(s.tgOrder, tg)
		out = &CreateTargetGroupOutput{TargetGroups: []TargetGroup{tg.describe()}}
		return nil
	})
	return out, err
}

func (tg *targetGroup) describe() TargetGroup {
	d := TargetGroup{TargetGroupArn: tg.arn, TargetGroupName: tg.name, Protocol: tg.protocol, Port: tg.port, VpcId: tg.vpc,
		TargetType: "instance", HealthCheckProtocol: "HTTP", HealthCheckPort: tg.hc.port, HealthCheckPath: tg.hc.path,
		HealthCheckEnabled: true, HealthCheckIntervalSeconds: int32(tg.hc.interval / time.Second),
		HealthCheckTimeoutSeconds: int32(tg.hc.timeout / time.Second), HealthyThresholdCount: int32(tg.hc.healthy),
		UnhealthyThresholdCount: int32(tg.hc.unhealth), Matcher: Matcher{HttpCode: tg.hc.matcher}}
	if tg.lb != nil {
		d.LoadBalancerArns = []string{tg.lb.arn}
	}
	return d
}

func (s *Service) getTG(account, regionCode, a string) (*targetGroup, error) {
	tg := s.tgs[a]
	if tg == nil || tg.account != account || tg.region != regionCode {
		return nil, clientErr("TargetGroupNotFound", "Target group '%s' not found", a)
	}
	return tg, nil
}

// DescribeTargetGroupsInput is DescribeTargetGroups' request.
type DescribeTargetGroupsInput struct {
	TargetGroupArns []string
	LoadBalancerArn string
}

// DescribeTargetGroupsOutput is DescribeTargetGroups' response.
type DescribeTargetGroupsOutput struct{ TargetGroups []TargetGroup }

// DescribeTargetGroups lists target groups: the ones named, those of a
// load balancer, or all of the caller's in the region.
func (c *Client) DescribeTargetGroups(ctx context.Context, in *DescribeTargetGroupsInput) (*DescribeTargetGroupsOutput, error) {
	if in == nil {
		in = &DescribeTargetGroupsInput{}
	}
	out := &DescribeTargetGroupsOutput{}
	err := c.call(ctx, "DescribeTargetGroups", "", func(account string) error {
		for _, a := range in.TargetGroupArns {
			tg, err := c.svc.getTG(account, c.region, a)
			if err != nil {
				return err
			}
			out.TargetGroups = append(out.TargetGroups, tg.describe())
		}
		if len(in.TargetGroupArns) > 0 {
			return nil
		}
		if in.LoadBalancerArn != "" {
			if _, err := c.svc.getLB(account, c.region, in.LoadBalancerArn); err != nil {
				return err
			}
		}
		for _, tg := range c.svc.tgOrder {
			if tg.account == account && tg.region == c.region && (in.LoadBalancerArn == "" || tg.lb != nil && tg.lb.arn == in.LoadBalancerArn) {
				out.TargetGroups = append(out.TargetGroups, tg.describe())
			}
		}
		return nil
	})
	return out, err
}

// DeleteTargetGroupInput is DeleteTargetGroup's request.
type DeleteTargetGroupInput struct{ TargetGroupArn string }

// DeleteTargetGroupOutput is DeleteTargetGroup's (empty) response.
type DeleteTargetGroupOutput struct{}

// DeleteTargetGroup deletes a target group no listener uses (ResourceInUse).
func (c *Client) DeleteTargetGroup(ctx context.Context, in *DeleteTargetGroupInput) (*DeleteTargetGroupOutput, error) {
	if in == nil {
		in = &DeleteTargetGroupInput{}
	}
	err := c.call(ctx, "DeleteTargetGroup", in.TargetGroupArn, func(account string) error {
		tg, err := c.svc.getTG(account, c.region, in.TargetGroupArn)
		if err != nil {
			return nil // idempotent, as on AWS
		}
		if tg.lb != nil {
			return clientErr("ResourceInUse", "Target group '%s' is currently in use by a listener or a rule", tg.arn)
		}
		for _, t := range tg.targets {
			t.timer.Stop()
			t.drainTimer.Stop()
		}
		delete(c.svc.tgs, tg.arn)
		c.svc.tgOrder = slices.DeleteFunc(c.svc.tgOrder, func(x *targetGroup) bool { return x == tg })
		return nil
	})
	return &DeleteTargetGroupOutput{}, err
}

// ModifyTargetGroupAttributesInput is ModifyTargetGroupAttributes' request.
type ModifyTargetGroupAttributesInput struct {
	TargetGroupArn string
	Attributes     []TargetGroupAttribute
}

// ModifyTargetGroupAttributesOutput is its response: all the attributes.
type ModifyTargetGroupAttributesOutput struct{ Attributes []TargetGroupAttribute }

// ModifyTargetGroupAttributes sets deregistration_delay.timeout_seconds
// (0-3600, default 300), slow_start.duration_seconds (0 or 30-900),
// load_balancing.algorithm.type (round_robin or
// least_outstanding_requests) and load_balancing.cross_zone.enabled
// (true, false, use_load_balancer_configuration)
// (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-target-group-attributes.html).
func (c *Client) ModifyTargetGroupAttributes(ctx context.Context, in *ModifyTargetGroupAttributesInput) (*ModifyTargetGroupAttributesOutput, error) {
	if in == nil {
		in = &ModifyTargetGroupAttributesInput{}
	}
	out := &ModifyTargetGroupAttributesOutput{}
	err := c.call(ctx, "ModifyTargetGroupAttributes", in.TargetGroupArn, func(account string) error {
		tg, err := c.svc.getTG(account, c.region, in.TargetGroupArn)
		if err != nil {
			return err
		}
		dereg, slow, algo, cz := tg.dereg, tg.slowStart, tg.algo, tg.crossZone
		for _, a := range in.Attributes {
			switch a.Key {
			case "deregistration_delay.timeout_seconds":
				n, err := strconv.Atoi(a.Value)
				if err != nil || n < 0 || n > 3600 {
					return validation("The value of '%s' must be an integer between 0 and 3600", a.Key)
				}
				dereg = time.Duration(n) * time.Second
			case "slow_start.duration_seconds":
				n, err := strconv.Atoi(a.Value)
				if err != nil || n != 0 && (n < 30 || n > 900) {
					return validation("The value of '%s' must be 0 or an integer between 30 and 900", a.Key)
				}
				slow = time.Duration(n) * time.Second
			case "load_balancing.algorithm.type":
				if a.Value != "round_robin" && a.Value != "least_outstanding_requests" {
					return validation("The value of '%s' must be 'round_robin' or 'least_outstanding_requests'", a.Key)
				}
				algo = a.Value
			case "load_balancing.cross_zone.enabled":
				if a.Value != "true" && a.Value != "false" && a.Value != "use_load_balancer_configuration" {
					return validation("The value of '%s' must be 'true', 'false' or 'use_load_balancer_configuration'", a.Key)
				}
				cz = a.Value
			default:
				return validation("Target group attribute key '%s' is not recognized", a.Key)
			}
		}
		if slow > 0 && algo == "least_outstanding_requests" {
			return clientErr("InvalidConfigurationRequest", "Slow start mode is not supported with the least outstanding requests algorithm")
		}
		tg.dereg, tg.slowStart, tg.algo, tg.crossZone = dereg, slow, algo, cz
		tg.dirty = true
		out.Attributes = []TargetGroupAttribute{
			{"deregistration_delay.timeout_seconds", strconv.Itoa(int(dereg / time.Second))},
			{"slow_start.duration_seconds", strconv.Itoa(int(slow / time.Second))},
			{"load_balancing.algorithm.type", algo},
			{"load_balancing.cross_zone.enabled", cz}}
		return nil
	})
	return out, err
}

// RegisterTargetsInput is RegisterTargets' request.
type RegisterTargetsInput struct {
	TargetGroupArn string
	Targets        []TargetDescription
}

// RegisterTargetsOutput is RegisterTargets' (empty) response.
type RegisterTargetsOutput struct{}

// RegisterTargets registers running instances of the group's VPC
// (InvalidTarget otherwise). A target starts "initial" and must pass one
// health check to become healthy; registering a registered target again is
// a no-op.
func (c *Client) RegisterTargets(ctx context.Context, in *RegisterTargetsInput) (*RegisterTargetsOutput, error) {
	if in == nil {
		in = &RegisterTargetsInput{}
	}
	err := c.call(ctx, "RegisterTargets", in.TargetGroupArn, func(account string) error {
		s := c.svc
		tg, err := s.getTG(account, c.region, in.TargetGroupArn)
		if err != nil {
			return err
		}
		if len(in.Targets) == 0 {
			return validation("1 validation error detected: Value null at 'targets' failed to satisfy constraint: Member must not be null")
		}
		type reg struct {
			m    *ec2.Machine
			port int32
			az   string
		}
		var regs []reg
		for _, td := range in.Targets {
			port := pick(td.Port, tg.port)
			if port < 1 || port > 65535 {
				return validation("Port '%d' must be between 1 and 65535", port)
			}
			m, ok := s.ec2.Machine(td.Id)
			if !ok || m.NetworkInterfaceID() == "" || s.net.InterfaceOwner(m.NetworkInterfaceID()) != account {
				return clientErr("InvalidTarget", "The following targets are not valid instances: '%s'", td.Id)
			}
			if m.State() != ec2.InstanceStateRunning {
				return clientErr("InvalidTarget", "The following targets are not in a running state and cannot be registered: '%s'", td.Id)
			}
			info, err := s.net.Interface(m.NetworkInterfaceID())
			if err != nil || info.VpcID != tg.vpc {
				return clientErr("InvalidTarget", "The following targets are not in the target group VPC '%s': '%s'", tg.vpc, td.Id)
			}
			regs = append(regs, reg{m, port, m.AvailabilityZoneID()})
		}
		for _, r := range regs {
			if t := tg.find(r.m.ID(), r.port); t != nil {
				if t.state != stateDraining {
					continue
				}
				tg.remove(t) // re-registering a draining target starts afresh
			}
			tg.add(r.m, r.port, r.az)
		}
		return nil
	})
	return &RegisterTargetsOutput{}, err
}

// DeregisterTargetsInput is DeregisterTargets' request.
type DeregisterTargetsInput struct {
	TargetGroupArn string
	Targets        []TargetDescription
}

// DeregisterTargetsOutput is DeregisterTargets' (empty) response.
type DeregisterTargetsOutput struct{}

// DeregisterTargets starts draining targets: no new requests, in-flight
// ones finish, and the target leaves the group after the deregistration
// delay.
func (c *Client) DeregisterTargets(ctx context.Context, in *DeregisterTargetsInput) (*DeregisterTargetsOutput, error) {
	if in == nil {
		in = &DeregisterTargetsInput{}
	}
	err := c.call(ctx, "DeregisterTargets", in.TargetGroupArn, func(account string) error {
		tg, err := c.svc.getTG(account, c.region, in.TargetGroupArn)
		if err != nil {
			return err
		}
		var ts []*target
		for _, td := range in.Targets {
			t := tg.find(td.Id, pick(td.Port, tg.port))
			if t == nil {
				return clientErr("InvalidTarget", "The following targets are not registered in target group '%s': '%s'", tg.name, td.Id)
			}
			ts = append(ts, t)
		}
		for _, t := range ts {
			tg.drain(t)
		}
		return nil
	})
	return &DeregisterTargetsOutput{}, err
}

// DescribeTargetHealthInput is DescribeTargetHealth's request.
type DescribeTargetHealthInput struct {
	TargetGroupArn string
	Targets        []TargetDescription
}

// DescribeTargetHealthOutput is DescribeTargetHealth's response.
type DescribeTargetHealthOutput struct{ TargetHealthDescriptions []TargetHealthDescription }

// DescribeTargetHealth reports each target's health state and reason.
func (c *Client) DescribeTargetHealth(ctx context.Context, in *DescribeTargetHealthInput) (*DescribeTargetHealthOutput, error) {
	if in == nil {
		in = &DescribeTargetHealthInput{}
	}
	out := &DescribeTargetHealthOutput{}
	err := c.call(ctx, "DescribeTargetHealth", in.TargetGroupArn, func(account string) error {
		tg, err := c.svc.getTG(account, c.region, in.TargetGroupArn)
		if err != nil {
			return err
		}
		for _, t := range tg.targets {
			if len(in.Targets) > 0 && !slices.ContainsFunc(in.Targets, func(d TargetDescription) bool { return d.Id == t.id }) {
				continue
			}
			out.TargetHealthDescriptions = append(out.TargetHealthDescriptions, t.describe())
		}
		return nil
	})
	return out, err
}

func (t *target) describe() TargetHealthDescription {
	p := t.port
	hp := t.tg.hc.port
	if hp == "traffic-port" {
		hp = strconv.Itoa(int(t.port))
	}
	st, reason, desc := t.state, t.reason, t.desc
	if t.tg.lb == nil && st != stateDraining {
		st, reason, desc = stateUnused, "Target.NotInUse", "Target group is not configured to receive traffic from the load balancer"
	} else if t.tg.lb != nil && !t.tg.lb.zoneEnabled(t.azID) && st != stateDraining {
		st, reason, desc = stateUnused, "Target.NotInUse", "Target is in an Availability Zone that is not enabled for the load balancer"
	}
	return TargetHealthDescription{Target: TargetDescription{Id: t.id, Port: &p}, HealthCheckPort: hp,
		TargetHealth: TargetHealth{State: st, Reason: reason, Description: desc}}
}
