package autoscaling

import (
	"context"
	"math"
	"time"

	"github.com/nimbus-sim/nimbus/sim"
)

// ScheduledUpdateGroupAction input: at StartTime, set the group's sizes.
type PutScheduledUpdateGroupActionInput struct {
	AutoScalingGroupName string
	ScheduledActionName  string
	StartTime            time.Time
	// Recurrence (cron) is not simulated; Every repeats the action.
	Every            time.Duration
	MinSize, MaxSize *int32
	DesiredCapacity  *int32
}

type scheduled struct {
	name              string
	at                sim.Time
	every             time.Duration
	min, max, desired *int32
}

// PutScheduledUpdateGroupAction adds a scheduled action.
func (c *Client) PutScheduledUpdateGroupAction(ctx context.Context, in *PutScheduledUpdateGroupActionInput) error {
	if in == nil {
		in = &PutScheduledUpdateGroupActionInput{}
	}
	return c.call(ctx, "PutScheduledUpdateGroupAction", func(account string) error {
		g, err := c.svc.getGroup(account, c.region, in.AutoScalingGroupName)
		if err != nil {
			return err
		}
		if in.ScheduledActionName == "" {
			return validation("ScheduledActionName is required")
		}
		if in.MinSize == nil && in.MaxSize == nil && in.DesiredCapacity == nil {
			return validation("At least one of MinSize, MaxSize or DesiredCapacity must be specified")
		}
		at := c.svc.env.FromTime(in.StartTime)
		if at < c.svc.env.Now() {
			return validation("Given start time is in the past")
		}
		g.schedules = append(g.schedules, &scheduled{name: in.ScheduledActionName, at: at, every: in.Every,
			min: in.MinSize, max: in.MaxSize, desired: in.DesiredCapacity})
		return nil
	})
}

func (g *group) runSchedules(now sim.Time) {
	for _, a := range g.schedules {
		for a.at <= now && a.at >= 0 {
			if a.min != nil {
				g.min = *a.min
			}
			if a.max != nil {
				g.max = *a.max
			}
			if a.desired != nil {
				g.desired = *a.desired
			}
			g.desired = min(max(g.desired, g.min), g.max)
			g.log("scheduled action %s: min %d max %d desired %d", a.name, g.min, g.max, g.desired)
			if a.every <= 0 {
				a.at = -1
			} else {
				a.at += sim.Time(a.every)
			}
		}
	}
}

// TargetTrackingConfiguration keeps a metric near a target value.
type TargetTrackingConfiguration struct {
	// PredefinedMetricType: "ASGAverageCPUUtilization" or
	// "ALBRequestCountPerTarget" (then ResourceLabel names the target group ARN).
	PredefinedMetricType string
	ResourceLabel        string
	TargetValue          float64
	DisableScaleIn       bool
}

// PutScalingPolicyInput is PutScalingPolicy's request (TargetTrackingScaling only).
type PutScalingPolicyInput struct {
	AutoScalingGroupName        string
	PolicyName                  string
	PolicyType                  string // "TargetTrackingScaling"
	TargetTrackingConfiguration *TargetTrackingConfiguration
	EstimatedInstanceWarmup     *int32
}

type policy struct {
	name   string
	cfg    TargetTrackingConfiguration
	warmup time.Duration
	// the request-count metric's last reading
	lastCount int64
	lastAt    sim.Time
}

// PutScalingPolicy adds a target-tracking policy.
func (c *Client) PutScalingPolicy(ctx context.Context, in *PutScalingPolicyInput) error {
	if in == nil {
		in = &PutScalingPolicyInput{}
	}
	return c.call(ctx, "PutScalingPolicy", func(account string) error {
		g, err := c.svc.getGroup(account, c.region, in.AutoScalingGroupName)
		if err != nil {
			return err
		}
		if in.PolicyType != "TargetTrackingScaling" {
			return validation("Policy type '%s' is not supported by this simulation; use 'TargetTrackingScaling'", in.PolicyType)
		}
		tc := in.TargetTrackingConfiguration
		if tc == nil || !(tc.TargetValue > 0) {
			return validation("TargetTrackingConfiguration with a positive TargetValue is required")
		}
		switch tc.PredefinedMetricType {
		case "ASGAverageCPUUtilization":
		case "ALBRequestCountPerTarget":
			if !c.svc.elb.TargetGroupExists(tc.ResourceLabel) {
				return validation("ResourceLabel must name the target group of the ALBRequestCountPerTarget metric")
			}
		default:
			return validation("Predefined metric type '%s' is not supported", tc.PredefinedMetricType)
		}
		pol := &policy{name: in.PolicyName, cfg: *tc, warmup: g.warmup}
		if in.EstimatedInstanceWarmup != nil {
			pol.warmup = time.Duration(*in.EstimatedInstanceWarmup) * time.Second
		}
		g.policies = append(g.policies, pol)
		return nil
	})
}

// runPolicies applies target tracking: desired = ceil(current x metric /
// target), scaling out at once and in only after the cooldown, counting
// only instances past their warm-up in the metric
// (https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-scaling-target-tracking.html).
func (g *group) runPolicies(now sim.Time) {
	for _, pol := range g.policies {
		var warm []*member
		for _, m := range g.members {
			if m.lifecycle == "InService" && now-m.inService >= sim.Time(pol.warmup) {
				warm = append(warm, m)
			}
		}
		if len(warm) == 0 {
			continue
		}
		var metric float64
		switch pol.cfg.PredefinedMetricType {
		case "ASGAverageCPUUtilization":
			k := 0
			for _, m := range warm {
				if m.hasUtil {
					metric += m.util
					k++
				}
			}
			if k == 0 {
				continue
			}
			metric /= float64(k)
		case "ALBRequestCountPerTarget":
			// Requests per target per minute, from the target group's count.
			c := g.s.elb.RequestCount(pol.cfg.ResourceLabel)
			if pol.lastAt == 0 {
				pol.lastCount, pol.lastAt = c, now
				continue
			}
			dt := time.Duration(now - pol.lastAt)
			if dt < time.Minute {
				continue
			}
			metric = float64(c-pol.lastCount) / dt.Minutes() / float64(len(warm))
			pol.lastCount, pol.lastAt = c, now
		}
		cur := int32(len(g.members))
		want := int32(math.Ceil(float64(len(warm)) * metric / pol.cfg.TargetValue))
		want += cur - int32(len(warm)) // warming instances count as capacity
		want = min(max(want, g.min), g.max)
		switch {
		case want > g.desired:
			g.desired = want
			g.lastScale = now
			g.log("policy %s: metric %.1f, scale out to %d", pol.name, metric, want)
		case want < g.desired && !pol.cfg.DisableScaleIn && now-g.lastScale >= sim.Time(g.cool):
			g.desired = want
			g.lastScale = now
			g.log("policy %s: metric %.1f, scale in to %d", pol.name, metric, want)
		}
	}
}
