package elb

import (
	"math/rand/v2"
	"time"

	"github.com/nimbus-sim/nimbus/ec2"
	"github.com/nimbus-sim/nimbus/ec2/serve"
	"github.com/nimbus-sim/nimbus/sim"
)

// flight is one request inside the load balancer: client -> node ->
// target -> node -> client. Flights live in a slab and are reused, so the
// steady state allocates nothing per request.
type flight struct {
	idx, gen      uint32
	client        *serve.Request
	node          *node
	t             *target
	inner         serve.Request
	lat           time.Duration // node <-> target, one way
	atTarget      sim.Time
	deadline      sim.Time
	responded     bool // the client's answer is decided
	clientDone    bool
	targetPending bool
	connOpen      bool
	out           bool // counted in t.outstanding
	outcome       serve.Outcome
	status        int
	bytes         int64
}

type tqEntry struct {
	idx, gen uint32
	at       sim.Time
}

// plane is a load balancer's data plane.
type plane struct {
	lb                                *loadBalancer
	flights                           []*flight
	free                              []uint32
	hNode, hTarget, hClient, hTimeout sim.Handler
	fromTarget                        func(*serve.Request)
	tq                                []tqEntry
	tqHead                            int
	tqArmed                           bool
	dns, slow                         *rand.Rand
}

func (p *plane) init(lb *loadBalancer) {
	env := lb.svc.env
	p.lb = lb
	p.hNode = env.Handle(func(a uint64) { p.atNode(p.get(a)) })
	p.hTarget = env.Handle(func(a uint64) { p.atTargetArrive(p.get(a)) })
	p.hClient = env.Handle(func(a uint64) { p.atClient(p.get(a)) })
	p.hTimeout = env.Handle(func(uint64) { p.sweep() })
	p.fromTarget = p.targetDone
	p.dns = lb.svc.rng(lb.region + "/" + lb.name + "/dns")
	p.slow = lb.svc.rng(lb.region + "/" + lb.name + "/slow-start")
}

func (p *plane) get(a uint64) *flight {
	f := p.flights[uint32(a)]
	if f.gen != uint32(a>>32) {
		panic("elb: stale flight event")
	}
	return f
}

func (f *flight) arg() uint64 { return uint64(f.idx) | uint64(f.gen)<<32 }

func (p *plane) alloc() *flight {
	var f *flight
	if n := len(p.free); n > 0 {
		f = p.flights[p.free[n-1]]
		p.free = p.free[:n-1]
		idx, gen := f.idx, f.gen
		*f = flight{idx: idx, gen: gen}
	} else {
		f = &flight{idx: uint32(len(p.flights))}
		p.flights = append(p.flights, f)
	}
	return f
}

func (p *plane) release(f *flight) {
	f.client = nil
	f.gen++
	p.free = append(p.free, f.idx)
}

// Send is an internet (or VPC) client's request to the load balancer's
// DNS name: the client resolves a node, as DNS would spread clients over
// the nodes it lists; a node that has gone down stays listed for the
// record's TTL, and a client that picked it times out connecting.
func (p *plane) Send(r *serve.Request) {
	lb := p.lb
	s := lb.svc
	env := s.env
	now := env.Now()
	if r.Sent == 0 {
		r.Sent = now
	}
	if r.Port == 0 {
		r.Port = 80
	}
	f := p.alloc()
	f.client = r
	n := p.resolve(now)
	if n == nil || lb.deleted {
		p.replyAt(f, now+sim.Time(s.o.ClientConnectTimeout), serve.Unreachable, 0)
		return
	}
	f.node = n
	lat, err := s.w.Network().Latency(r.From, n.loc)
	if err != nil || !n.up() {
		p.replyAt(f, now+sim.Time(s.o.ClientConnectTimeout), serve.Unreachable, 0)
		return
	}
	env.Schedule(now+sim.Time(lat), p.hNode, f.arg())
}

// resolve picks a node the way a client's DNS answer would.
func (p *plane) resolve(now sim.Time) *node {
	ttl := sim.Time(p.lb.svc.o.DNSTTL)
	listed := 0
	for _, n := range p.lb.nodes {
		n.observe(now)
		if !n.down || now-n.downSince < ttl {
			listed++
		}
	}
	if listed == 0 {
		return nil
	}
	k := 0
	if listed > 1 {
		k = p.dns.IntN(listed)
	}
	for _, n := range p.lb.nodes {
		if !n.down || now-n.downSince < ttl {
			if k == 0 {
				return n
			}
			k--
		}
	}
	return nil
}

// replyAt answers the client at time at (the answer's arrival there).
func (p *plane) replyAt(f *flight, at sim.Time, o serve.Outcome, status int) {
	f.responded = true
	f.outcome, f.status = o, status
	p.lb.svc.env.Schedule(at, p.hClient, f.arg())
}

// respond sends the client an HTTP answer from the node, now.
func (p *plane) respond(f *flight, status int, bytes int64) {
	s := p.lb.svc
	now := s.env.Now()
	f.bytes = bytes
	if f.connOpen {
		f.connOpen = false
		p.lb.lcu.close(now, bytes)
	}
	back, err := s.w.Network().Latency(f.node.loc, f.client.From)
	if err != nil {
		back = 0
	}
	p.replyAt(f, now+sim.Time(back), serve.Answered, status)
}

func (p *plane) atNode(f *flight) {
	lb := p.lb
	s := lb.svc
	now := s.env.Now()
	r := f.client
	if !f.node.up() || lb.deleted {
		p.replyAt(f, max(now, r.Sent+sim.Time(s.o.ClientConnectTimeout)), serve.Unreachable, 0)
		return
	}
	f.connOpen = true
	lb.lcu.openConn(now, r.Bytes)
	l := lb.listeners[int32(r.Port)]
	if l == nil {
		f.connOpen = false
		lb.lcu.close(now, 0)
		back, _ := s.w.Network().Latency(f.node.loc, r.From)
		p.replyAt(f, now+sim.Time(back), serve.Refused, 0)
		return
	}
	act, evals := l.route(r.Path)
	lb.lcu.rules(evals)
	if act.Type == "fixed-response" {
		p.respond(f, atoiStatus(act.FixedResponseConfig.StatusCode), int64(len(act.FixedResponseConfig.MessageBody)))
		return
	}
	tg := s.tgs[act.TargetGroupArn]
	if tg == nil {
		p.respond(f, 503, 0)
		return
	}
	t := tg.pick(f.node, p.slow)
	if t == nil {
		// No registered targets (or none in an enabled zone): 503
		// (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-troubleshooting.html#http-503-issues).
		p.respond(f, 503, 0)
		return
	}
	t.outstanding++
	f.out = true
	tg.requests++
	f.t = t
	f.deadline = now + sim.Time(lb.idleTimeout)
	to, ok := t.location()
	var lat time.Duration
	var err error
	if ok {
		lat, err = s.w.Network().Latency(f.node.loc, to)
	}
	if !ok || err != nil {
		// Nothing answers the SYN: 504 after the connect timeout.
		p.unout(f)
		s.env.After(s.o.TargetConnectTimeout, func() { p.respond(f, 504, 0) })
		return
	}
	f.lat = lat
	s.env.Schedule(now+sim.Time(lat), p.hTarget, f.arg())
}

func atoiStatus(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

func (p *plane) atTargetArrive(f *flight) {
	s := p.lb.svc
	t := f.t
	now := s.env.Now()
	f.atTarget = now
	srv, ok := t.server()
	if ok {
		in := &f.inner
		*in = serve.Request{Method: f.client.Method, Path: f.client.Path, Port: int(t.port), Bytes: f.client.Bytes,
			From: f.node.loc, Sent: now, Reply: p.fromTarget, Index: f.idx}
		if srv.Accept(in) {
			f.targetPending = true
			p.push(f)
			return
		}
		if in.Outcome == serve.Refused {
			p.unout(f)
			// A TCP RST from the target: 502
			// (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-troubleshooting.html#http-502-issues).
			s.env.After(f.lat, func() { p.respond(f, 502, 0) })
			return
		}
	}
	p.unout(f)
	if t.m.State() == ec2.InstanceStateRunning && !s.w.Faults().AZDown(t.azID) {
		// Running but nothing listens: the kernel answers RST.
		s.env.After(f.lat, func() { p.respond(f, 502, 0) })
		return
	}
	// The instance is gone: no answer to the SYN; 504 after the connect
	// timeout.
	s.env.After(s.o.TargetConnectTimeout-f.lat, func() { p.respond(f, 504, 0) })
}

// targetDone runs when the server is done with the request (or dropped it).
func (p *plane) targetDone(in *serve.Request) {
	f := p.flights[in.Index]
	s := p.lb.svc
	f.targetPending = false
	t := f.t
	if f.responded {
		// Timed out already (504); the late answer is discarded.
		if f.clientDone {
			p.release(f)
		}
		return
	}
	now := s.env.Now()
	status, bytes := 502, int64(0)
	if in.Outcome == serve.Answered {
		status, bytes = in.Resp.Status, in.Resp.Bytes
	}
	back := f.lat
	if t.slow > 1 {
		back += time.Duration(float64(now-f.atTarget) * (t.slow - 1))
	}
	at := now + sim.Time(back)
	if at > f.deadline {
		return // the idle timeout answers 504 first
	}
	// The answer passes the node at now+back and reaches the client one
	// more hop later; the connection is counted closed now (LCU minutes).
	f.bytes = bytes
	if f.connOpen {
		f.connOpen = false
		p.lb.lcu.close(now, bytes)
	}
	out, err := s.w.Network().Latency(f.node.loc, f.client.From)
	if err != nil {
		out = 0
	}
	p.replyAt(f, at+sim.Time(out), serve.Answered, status)
}

func (p *plane) atClient(f *flight) {
	r := f.client
	r.Outcome = f.outcome
	r.Resp = serve.Response{Status: f.status, Bytes: f.bytes}
	if f.t != nil {
		r.Instance = f.t.id
	}
	p.unout(f)
	f.clientDone = true
	if !f.targetPending {
		p.release(f)
	}
	r.Reply(r)
}

// push queues f's idle-timeout deadline. Deadlines grow with time (one
// idle timeout per load balancer), so the queue is FIFO and one timer at
// its head serves all of it.
func (p *plane) push(f *flight) {
	p.tq = append(p.tq, tqEntry{f.idx, f.gen, f.deadline})
	if !p.tqArmed {
		p.tqArmed = true
		p.lb.svc.env.Schedule(f.deadline, p.hTimeout, 0)
	}
}

// sweep answers 504 to requests whose target did not answer within the
// idle timeout
// (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-troubleshooting.html#http-504-issues).
func (p *plane) sweep() {
	p.tqArmed = false
	now := p.lb.svc.env.Now()
	for p.tqHead < len(p.tq) {
		e := p.tq[p.tqHead]
		f := p.flights[e.idx]
		if f.gen != e.gen || f.responded {
			p.tqHead++
			continue
		}
		if e.at > now {
			p.tqArmed = true
			p.lb.svc.env.Schedule(e.at, p.hTimeout, 0)
			break
		}
		p.tqHead++
		p.respond(f, 504, 0)
	}
	if p.tqHead > 1024 && p.tqHead*2 > len(p.tq) {
		n := copy(p.tq, p.tq[p.tqHead:])
		p.tq = p.tq[:n]
		p.tqHead = 0
	}
}

// route picks the action for a path: rules by priority, then the default.
// It returns how many rules were evaluated (the LCU dimension).
func (l *listener) route(path string) (Action, int) {
	for i, r := range l.rules {
		for _, pat := range r.patterns {
			if matchPath(pat, path) {
				return r.actions[0], i + 1
			}
		}
	}
	return l.def[0], len(l.rules)
}

// pick chooses a target for a request at node n: among the healthy
// targets in enabled zones (n's zone only when cross-zone is off), or all
// of them when none is healthy (fail open), by round robin or least
// outstanding requests; a target in slow start gets a share growing
// linearly over the slow-start duration.
func (tg *targetGroup) pick(n *node, rng *rand.Rand) *target {
	zone := ""
	if tg.crossZone == "false" {
		zone = n.azID
	}
	c := tg.candidates(zone)
	if len(c) == 0 {
		return nil
	}
	now := tg.svc.env.Now()
	if tg.algo == "least_outstanding_requests" {
		start := int(tg.rr % uint64(len(c)))
		tg.rr++
		best := c[start]
		for i := 1; i < len(c); i++ {
			t := c[(start+i)%len(c)]
			if t.outstanding < best.outstanding {
				best = t
			}
		}
		return best
	}
	for tries := 0; ; tries++ {
		t := c[tg.rr%uint64(len(c))]
		tg.rr++
		if t.slowStart > 0 && t.state == stateHealthy && tries < len(c) {
			if el := now - t.healthySince; el < sim.Time(t.slowStart) && rng.Float64()*float64(t.slowStart) > float64(el) {
				continue
			}
		}
		return t
	}
}

// candidates returns the routable targets, rebuilt when health changes.
func (tg *targetGroup) candidates(zone string) []*target {
	if !tg.dirty && tg.routableFor == zone {
		return tg.routable
	}
	tg.routable = tg.routable[:0]
	eligible := func(t *target) bool {
		return t.state != stateDraining && tg.lb != nil && tg.lb.zoneEnabled(t.azID) && (zone == "" || t.azID == zone)
	}
	for _, t := range tg.targets {
		if eligible(t) && t.state == stateHealthy {
			tg.routable = append(tg.routable, t)
		}
	}
	if len(tg.routable) == 0 {
		// Fail open: with no healthy target, route to all of them
		// (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html).
		for _, t := range tg.targets {
			if eligible(t) {
				tg.routable = append(tg.routable, t)
			}
		}
	}
	tg.dirty = false
	tg.routableFor = zone
	return tg.routable
}

// unout ends f's count as an outstanding request of its target: when its
// answer leaves the node (counted at the client, one hop later) or it
// failed before reaching the target.
func (p *plane) unout(f *flight) {
	if f.out {
		f.out = false
		f.t.outstanding--
	}
}
