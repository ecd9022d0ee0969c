package elb

import (
	"slices"
	"strconv"

	"github.com/nimbus-sim/nimbus/ec2"
	"github.com/nimbus-sim/nimbus/ec2/serve"
	"github.com/nimbus-sim/nimbus/sim"
)

func (lb *loadBalancer) zoneEnabled(azID string) bool {
	for _, n := range lb.nodes {
		if n.azID == azID {
			return true
		}
	}
	return false
}

func (tg *targetGroup) find(id string, port int32) *target {
	for _, t := range tg.targets {
		if t.id == id && t.port == port {
			return t
		}
	}
	return nil
}

func (tg *targetGroup) add(m *ec2.Machine, port int32, az string) {
	now := tg.svc.env.Now()
	t := &target{tg: tg, id: m.ID(), port: port, m: m, azID: az, registered: now,
		state: stateInitial, reason: "Elb.RegistrationInProgress", desc: "Target registration is in progress"}
	tg.targets = append(tg.targets, t)
	tg.dirty = true
	if tg.lb != nil {
		t.startChecks()
	}
}

func (tg *targetGroup) remove(t *target) {
	t.timer.Stop()
	t.drainTimer.Stop()
	tg.targets = slices.DeleteFunc(tg.targets, func(x *target) bool { return x == t })
	tg.dirty = true
}

// drain starts deregistration: no new requests go to t; in-flight ones
// finish; t leaves after the deregistration delay (a foreground timer: the
// user asked for it, like an instance's stopping -> stopped).
func (tg *targetGroup) drain(t *target) {
	if t.state == stateDraining {
		return
	}
	t.timer.Stop()
	t.state, t.reason, t.desc = stateDraining, "Target.DeregistrationInProgress", "Target deregistration is in progress"
	tg.dirty = true
	if tg.dereg == 0 || tg.lb == nil {
		tg.remove(t)
		return
	}
	t.drainTimer = tg.svc.env.After(tg.dereg, func() { tg.remove(t) })
}

// attach connects a target group to a load balancer (a listener or rule
// forwards to it): health checks start.
func (tg *targetGroup) attach(lb *loadBalancer) {
	if tg.lb == lb {
		return
	}
	tg.lb = lb
	tg.dirty = true
	for _, t := range tg.targets {
		if t.state != stateDraining {
			t.startChecks()
		}
	}
}

// startChecks runs the first health check now and then every interval.
// Health checks are the load balancer's own doing, so their timers are
// daemon events: they never keep env.Run going. One checker per target
// stands for the checks every node makes (their results agree here, as
// the nodes see the same target).
func (t *target) startChecks() {
	t.timer.Stop()
	t.timer = t.tg.svc.env.AtDaemon(t.tg.svc.env.Now(), t.check)
}

// checkerNode is the node that checks t: an up node in t's zone, else
// any up node.
func (lb *loadBalancer) checkerNode(azID string) *node {
	var any *node
	for _, n := range lb.nodes {
		if !n.up() {
			continue
		}
		if n.azID == azID {
			return n
		}
		if any == nil {
			any = n
		}
	}
	return any
}

func (t *target) check() {
	tg := t.tg
	s := tg.svc
	env := s.env
	if tg.lb == nil || t.state == stateDraining || !slices.Contains(tg.targets, t) {
		return
	}
	hc := &tg.hc
	t.timer = env.AfterDaemon(hc.interval, t.check)
	t.probe++
	seq := t.probe
	start := env.Now()
	result := func(ok bool, reason, desc string) {
		if seq != t.probe || t.state == stateDraining {
			return
		}
		t.probe++ // resolved: later answers to this probe are ignored
		t.result(ok, reason, desc)
	}
	timeout := func(after sim.Time) {
		env.AtDaemon(after, func() { result(false, "Target.Timeout", "Request timed out") })
	}
	from := tg.lb.checkerNode(t.azID)
	if from == nil {
		return // no node to check from: the state holds
	}
	switch t.m.State() {
	case ec2.InstanceStateRunning:
	case ec2.InstanceStatePending:
		timeout(start + sim.Time(hc.timeout))
		return
	default:
		env.AtDaemon(start, func() {
			result(false, "Target.InvalidState", "Target is in the "+string(t.m.State())+" state")
		})
		return
	}
	to, ok := t.location()
	if !ok {
		timeout(start + sim.Time(hc.timeout))
		return
	}
	lat, err := s.w.Network().Latency(from.loc, to)
	if err != nil {
		timeout(start + sim.Time(hc.timeout))
		return
	}
	timeout(start + sim.Time(hc.timeout))
	port := int(t.port)
	if hc.port != "traffic-port" {
		port, _ = strconv.Atoi(hc.port)
	}
	env.AfterDaemon(lat, func() {
		if t.failChecks {
			env.AfterDaemon(lat, func() {
				result(false, "Target.ResponseCodeMismatch", "Health checks failed with these codes: [500]")
			})
			return
		}
		srv, ok := s.srv.Server(t.id, port)
		if !ok {
			if t.m.State() == ec2.InstanceStateRunning && !s.w.Faults().AZDown(t.azID) {
				env.AfterDaemon(lat, func() { result(false, "Target.FailedHealthChecks", "Health checks failed") })
			}
			return // unreachable: the timeout decides
		}
		r := &serve.Request{Method: "GET", Path: hc.path, Port: port, From: from.loc, Sent: env.Now()}
		r.Reply = func(r *serve.Request) {
			if r.Outcome != serve.Answered {
				env.AfterDaemon(lat, func() { result(false, "Target.FailedHealthChecks", "Health checks failed") })
				return
			}
			code := r.Resp.Status
			env.AfterDaemon(lat, func() {
				if hc.match(code) {
					result(true, "", "")
				} else {
					result(false, "Target.ResponseCodeMismatch", "Health checks failed with these codes: ["+strconv.Itoa(code)+"]")
				}
			})
		}
		if !srv.Accept(r) {
			if r.Outcome == serve.Refused {
				env.AfterDaemon(lat, func() { result(false, "Target.FailedHealthChecks", "Health checks failed") })
			}
		}
	})
}

// result applies one health check's outcome: a registered target becomes
// healthy after one passing check; a healthy one unhealthy after
// UnhealthyThresholdCount consecutive failures; an unhealthy one healthy
// again after HealthyThresholdCount consecutive successes
// (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html).
func (t *target) result(ok bool, reason, desc string) {
	hc := &t.tg.hc
	before := t.state
	if ok {
		t.bad = 0
		t.ok++
		if t.state == stateInitial || t.state == stateUnhealthy && t.ok >= hc.healthy {
			t.state, t.reason, t.desc = stateHealthy, "", ""
		}
	} else {
		t.ok = 0
		t.bad++
		if t.state == stateHealthy && t.bad >= hc.unhealth || t.state == stateInitial && t.bad >= hc.unhealth {
			t.state = stateUnhealthy
		}
		if t.state == stateUnhealthy {
			t.reason, t.desc = reason, desc
		} else if t.state == stateInitial {
			t.reason, t.desc = "Elb.InitialHealthChecking", "Initial health checks in progress"
		}
	}
	if t.state != before {
		if t.state == stateHealthy {
			t.healthySince = t.tg.svc.env.Now()
			// Slow start applies to targets that become healthy while it
			// is enabled, and only if another target is already healthy
			// (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-target-group-attributes.html#slow-start-mode).
			t.slowStart = 0
			for _, o := range t.tg.targets {
				if o != t && o.state == stateHealthy {
					t.slowStart = t.tg.slowStart
					break
				}
			}
		}
		t.tg.dirty = true
		t.tg.svc.trace(t, before)
	}
}

func (s *Service) trace(t *target, before string) {
	if s.env.Tracing() {
		s.env.Emit(t.tg.arn, "target-health", sim.F("target", t.id), sim.F("from", before), sim.F("to", t.state), sim.F("reason", t.reason))
	}
}
