package autoscaling

import (
	"errors"
	"fmt"
	"github.com/nimbus-sim/nimbus/billing"
	"slices"

	"github.com/nimbus-sim/nimbus/ec2"
	"github.com/nimbus-sim/nimbus/ec2/elb"
	"github.com/nimbus-sim/nimbus/sim"
)

// start runs the group's control loop: a daemon process (Auto Scaling's
// own doing never keeps env.Run going) that every Period applies
// schedules and policies, checks health, replaces unhealthy instances and
// launches or terminates toward the desired capacity. Its EC2 and ELB
// calls go through the pipeline as the group's creator (AWS uses the
// AWSServiceRoleForAutoScaling service-linked role).
func (g *group) start() {
	s := g.s
	g.proc = s.env.GoDaemon("autoscaling/"+g.name, func(p *sim.Proc) {
		ec := s.ec2.NewClient(g.region, g.creds)
		lc := s.elb.NewClient(g.region, g.creds)
		for {
			g.reconcile(p, ec, lc)
			if g.deleted && len(g.members) == 0 {
				return
			}
			if err := p.Sleep(s.o.Period); err != nil {
				return
			}
		}
	})
}

func (g *group) log(format string, args ...any) {
	g.activities = append(g.activities, fmt.Sprintf("%v ", g.s.env.NowTime().Format("15:04:05"))+fmt.Sprintf(format, args...))
}

func (g *group) reconcile(p *sim.Proc, ec *ec2.Client, lc *elb.Client) {
	s := g.s
	now := p.Now()
	g.runSchedules(now)
	g.sample(now)
	g.runPolicies(now)
	// Pending instances that run now: boot, register, in service.
	for _, m := range g.members {
		if m.lifecycle != "Pending" || m.m.State() != ec2.InstanceStateRunning {
			continue
		}
		if fn := s.boot[g.lt.data.UserData]; fn != nil {
			if err := fn(m.m); err != nil {
				g.log("user data on %s failed: %v", m.m.ID(), err)
			}
		}
		for _, tg := range g.tgs {
			if _, err := lc.RegisterTargets(p, &elb.RegisterTargetsInput{TargetGroupArn: tg, Targets: []elb.TargetDescription{{Id: m.m.ID()}}}); err != nil {
				g.log("registering %s with %s: %v", m.m.ID(), tg, err)
			}
		}
		m.lifecycle, m.inService = "InService", p.Now()
		m.sampleCPU, m.sampleAt = s.elb.Servers().CPUSeconds(m.m.ID()), p.Now()
		g.log("%s in service in %s", m.m.ID(), m.az)
	}
	// Health: EC2 status (not running) and, with the ELB type, the load
	// balancer's verdict once the grace period is over
	// (https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-health-checks.html).
	var bad []*member
	for _, m := range g.members {
		st := m.m.State()
		switch {
		case st == ec2.InstanceStateTerminated || st == ec2.InstanceStateShuttingDown ||
			st == ec2.InstanceStateStopped || st == ec2.InstanceStateStopping:
			bad = append(bad, m)
		case m.lifecycle == "InService" && g.hcType == "ELB" && now-m.launched >= sim.Time(g.grace):
			for _, tg := range g.tgs {
				if s.elb.TargetState(tg, m.m.ID()) == "unhealthy" {
					bad = append(bad, m)
					break
				}
			}
		}
	}
	if len(bad) > 0 {
		g.terminate(p, ec, lc, bad, "unhealthy")
	}
	// Capacity rebalancing: a spot instance at elevated risk is replaced
	// first and terminated once its replacement is in service
	// (https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-capacity-rebalancing.html).
	var risky []*member
	healthy := int32(0)
	for _, m := range g.members {
		if g.rebalance && m.spot && !m.atRisk && m.lifecycle == "InService" {
			if ev := m.m.RebalanceRecommendation(); ev != nil && ev.Triggered() {
				m.atRisk = true
			} else if ev := m.m.InterruptionNotice(); ev != nil && ev.Triggered() {
				m.atRisk = true
			}
			if m.atRisk {
				g.log("%s got a rebalance recommendation: replacing it", m.m.ID())
			}
		}
		if m.atRisk {
			risky = append(risky, m)
		} else if m.lifecycle == "InService" {
			healthy++
		}
	}
	if len(risky) > 0 && healthy >= g.desired {
		g.terminate(p, ec, lc, risky, "capacity rebalancing")
	}
	// Capacity: at-risk instances do not count.
	n := int32(len(g.members) - len(risky))
	if len(risky) > 0 && healthy >= g.desired {
		n = int32(len(g.members))
	}
	switch {
	case n < g.desired:
		g.launch(p, ec, int(g.desired-n))
	case n > g.desired:
		g.terminate(p, ec, lc, g.pickVictims(int(n-g.desired)), "scale-in")
	case len(risky) == 0:
		g.rebalanceZones(p, ec)
	}
}

// rebalanceZones is the AZRebalance process: when every instance is in
// service and the zones' counts differ by more than one (after a zone
// comes back, say), launch one in the emptiest reachable zone; the next
// round's scale-in takes one from the fullest, so capacity never dips
// (https://docs.aws.amazon.com/autoscaling/ec2/userguide/auto-scaling-benefits.html#AutoScalingBehavior.InstanceUsage).
func (g *group) rebalanceZones(p *sim.Proc, ec *ec2.Client) {
	count := map[string]int{}
	for _, sn := range g.subnets {
		if g.s.w.Faults().AZDown(sn.az) {
			return // a zone is dark: imbalance is expected until it is back
		}
		count[sn.az] = 0
	}
	for _, m := range g.members {
		if m.lifecycle != "InService" {
			return
		}
		count[m.az]++
	}
	lo, hi := 1<<30, -1
	for _, c := range count {
		lo, hi = min(lo, c), max(hi, c)
	}
	if hi-lo > 1 && int32(len(g.members)) < g.max+max(1, g.max/10) {
		g.log("rebalancing zones (%d vs %d instances)", lo, hi)
		g.launch(p, ec, 1)
	}
}

// spotTypes orders the overrides for a spot launch in a zone by the
// allocation strategy: lowest-price and price-capacity-optimized by the
// pools' current spot price (the capacity half of the latter is the
// fall-through to the next pool when one has none); capacity-optimized in
// the overrides' order, falling through the same way.
func (g *group) spotTypes(az string, types []ec2.InstanceType) []ec2.InstanceType {
	d := g.mixed.InstancesDistribution
	if d != nil && d.SpotAllocationStrategy == "capacity-optimized" {
		return types
	}
	out := slices.Clone(types)
	price := map[ec2.InstanceType]billing.Money{}
	for _, t := range out {
		p, err := g.s.ec2.SpotPrice(az, t)
		if err != nil {
			p = 1 << 62
		}
		price[t] = p
	}
	slices.SortStableFunc(out, func(a, b ec2.InstanceType) int {
		switch {
		case price[a] < price[b]:
			return -1
		case price[a] > price[b]:
			return 1
		}
		return 0
	})
	return out
}

// terminate deregisters and terminates members, and forgets them.
func (g *group) terminate(p *sim.Proc, ec *ec2.Client, lc *elb.Client, ms []*member, why string) {
	var ids []string
	for _, m := range ms {
		ids = append(ids, m.m.ID())
		g.log("terminating %s (%s)", m.m.ID(), why)
	}
	g.members = slices.DeleteFunc(g.members, func(m *member) bool { return slices.Contains(ms, m) })
	var td []elb.TargetDescription
	for _, id := range ids {
		td = append(td, elb.TargetDescription{Id: id})
	}
	for _, tg := range g.tgs {
		for _, t := range td {
			_, _ = lc.DeregisterTargets(p, &elb.DeregisterTargetsInput{TargetGroupArn: tg, Targets: []elb.TargetDescription{t}})
		}
	}
	var live []string
	for _, m := range ms {
		if m.m.State() != ec2.InstanceStateTerminated && m.m.State() != ec2.InstanceStateShuttingDown {
			live = append(live, m.m.ID())
		}
	}
	if len(live) > 0 {
		if _, err := ec.TerminateInstances(p, &ec2.TerminateInstancesInput{InstanceIds: live}); err != nil {
			g.log("terminate %v: %v", live, err)
		}
	}
}

// pickVictims follows the default termination policy: from the zone with
// the most instances, the oldest first.
func (g *group) pickVictims(k int) []*member {
	var out []*member
	left := slices.Clone(g.members)
	for len(out) < k && len(left) > 0 {
		count := map[string]int{}
		for _, m := range left {
			count[m.az]++
		}
		var v *member
		for _, m := range left {
			if v == nil || count[m.az] > count[v.az] || count[m.az] == count[v.az] && m.launched < v.launched {
				v = m
			}
		}
		out = append(out, v)
		left = slices.DeleteFunc(left, func(m *member) bool { return m == v })
	}
	return out
}

// launch starts k instances, one at a time, each in the enabled zone with
// the fewest of the group's instances; a zone that refuses
// (InsufficientInstanceCapacity, a dark zone) is skipped for this round,
// as Auto Scaling retries in another zone. A quota error ends the round:
// the quota is the account's in the region, whichever zone is tried.
func (g *group) launch(p *sim.Proc, ec *ec2.Client, k int) {
	skip := map[string]bool{}
	for i := 0; i < k; i++ {
		count := map[string]int{}
		for _, m := range g.members {
			count[m.az]++
		}
		var sn *subnetInfo
		for j := range g.subnets {
			c := &g.subnets[j]
			if skip[c.az] {
				continue
			}
			if sn == nil || count[c.az] < count[sn.az] {
				sn = c
			}
		}
		if sn == nil {
			return
		}
		spot := g.nextIsSpot()
		types := []ec2.InstanceType{g.lt.data.InstanceType}
		if g.mixed != nil && g.mixed.LaunchTemplate != nil && len(g.mixed.LaunchTemplate.Overrides) > 0 {
			types = types[:0]
			for _, o := range g.mixed.LaunchTemplate.Overrides {
				types = append(types, o.InstanceType)
			}
		}
		if spot {
			types = g.spotTypes(sn.az, types)
		}
		var launched bool
		for _, it := range types {
			in := &ec2.RunInstancesInput{ImageId: g.lt.data.ImageId, InstanceType: it, MinCount: 1, MaxCount: 1,
				SubnetId: sn.id, SecurityGroupIds: g.lt.data.SecurityGroupIds, IamInstanceProfile: g.lt.data.IamInstanceProfile}
			if spot {
				in.InstanceMarketOptions = &ec2.InstanceMarketOptionsRequest{MarketType: ec2.MarketTypeSpot}
			}
			out, err := ec.RunInstances(p, in)
			if err != nil {
				if errors.Is(err, ec2.ErrInsufficientInstanceCapacity) {
					continue
				}
				g.log("launch in %s failed: %v", sn.azName, err)
				if errors.Is(err, ec2.ErrVcpuLimitExceeded) || errors.Is(err, ec2.ErrMaxSpotInstanceCountExceeded) {
					// A vCPU quota covers the account's whole region: another
					// zone would refuse the same way. The next round retries.
					return
				}
				break
			}
			m, ok := g.s.ec2.Machine(out.Instances[0].InstanceId)
			if !ok {
				break
			}
			g.members = append(g.members, &member{m: m, az: sn.az, lifecycle: "Pending", spot: spot, launched: p.Now(), itype: it})
			g.log("launching %s (%s%s) in %s", m.ID(), it, map[bool]string{true: ", spot"}[spot], sn.azName)
			launched = true
			break
		}
		if !launched {
			skip[sn.az] = true
			i--
		}
	}
}

// nextIsSpot decides the market of the next launch from the
// mixed-instances distribution: on demand until the base is met, then
// the percentage above it, rounded toward on-demand.
func (g *group) nextIsSpot() bool {
	if g.mixed == nil || g.mixed.InstancesDistribution == nil {
		return false
	}
	d := g.mixed.InstancesDistribution
	base, pct := int32(0), int32(100)
	if d.OnDemandBaseCapacity != nil {
		base = *d.OnDemandBaseCapacity
	}
	if d.OnDemandPercentageAboveBaseCapacity != nil {
		pct = *d.OnDemandPercentageAboveBaseCapacity
	}
	var od, spot int32
	for _, m := range g.members {
		if m.spot {
			spot++
		} else {
			od++
		}
	}
	if od < base {
		return false
	}
	above := od - base + spot + 1 // including the one being launched
	wantOD := (above*pct + 99) / 100
	return od-base >= wantOD
}
