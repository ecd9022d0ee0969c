package vpc

import (
	"fmt"
	"net/netip"
	"strings"
)

// Point is one end of a reachability question: a network interface, an
// internet host, or a regional service endpoint (in the region of the
// other end).
type Point struct {
	ENI     string
	Addr    netip.Addr
	Service string
	Region  string // the service's region; "" means the other end's
}

// ENI names a network interface (an instance's primary interface is
// ec2.Machine.NetworkInterfaceID).
func ENI(id string) Point { return Point{ENI: id} }

// Internet names a host on the internet.
func Internet(addr netip.Addr) Point { return Point{Addr: addr} }

// ServiceEndpoint names a regional AWS service endpoint ("s3").
func ServiceEndpoint(service string) Point { return Point{Service: service} }

// Hop is one component a path crosses.
type Hop struct {
	Kind      string // network-interface, security-group, network-acl, route-table, internet-gateway, nat-gateway, vpc-endpoint, peering-connection, internet, service
	Component string // the component's ID (or address)
	Detail    string
}

func (h Hop) String() string {
	if h.Detail == "" {
		return h.Kind + " " + h.Component
	}
	return h.Kind + " " + h.Component + ": " + h.Detail
}

// Analysis is the answer to a reachability question, like a VPC
// Reachability Analyzer analysis: whether the destination is reachable,
// the hops of the path (as far as it goes), and when blocked the exact
// component and why.
type Analysis struct {
	Reachable bool
	Protocol  string
	Port      int
	Hops      []Hop
	// Blocked is the component that stops the traffic, nil if reachable.
	Blocked *Hop
	// What the router needs: the endpoint, NAT gateway or peering the
	// path leaves through, and the interfaces at both ends.
	viaNAT     *natRec
	viaVPCE    *endpointRec
	viaPeering *peeringRec
	srcENI     *eniRec
	dstENI     *eniRec
	// natZone is the zone of the NAT gateway whose outage (the region's
	// fault state, not the Service's) the path depended on, or "".
	natZone string
}

// String prints the analysis as a few readable lines.
func (a *Analysis) String() string {
	var b strings.Builder
	if a.Reachable {
		fmt.Fprintf(&b, "reachable (%s/%d)\n", a.Protocol, a.Port)
	} else {
		fmt.Fprintf(&b, "not reachable (%s/%d)\n", a.Protocol, a.Port)
	}
	for _, h := range a.Hops {
		b.WriteString("  " + h.String() + "\n")
	}
	if a.Blocked != nil {
		b.WriteString("  blocked at " + a.Blocked.String() + "\n")
	}
	return b.String()
}

// Err returns nil when reachable, else an error carrying the explanation.
func (a *Analysis) Err() error {
	if a.Reachable {
		return nil
	}
	return &UnreachableError{Analysis: a}
}

// UnreachableError is a path that does not exist; its message is the
// analysis.
type UnreachableError struct{ Analysis *Analysis }

func (e *UnreachableError) Error() string {
	return "no path: blocked at " + e.Analysis.Blocked.String()
}

type tracer struct {
	s    *Service
	a    *Analysis
	loud bool // build the explanation (Reach); the router runs quiet
}

// note records a hop when the tracer explains; the closure keeps the
// formatting off the router's fast path.
func (t *tracer) note(f func()) {
	if t.loud {
		f()
	}
}

// fail marks the path blocked, with the explanation when the tracer
// explains.
func (t *tracer) fail(f func()) *Analysis {
	t.a.Reachable = false
	if t.loud && f != nil {
		f()
	} else {
		t.a.Blocked = &quietBlock
	}
	return t.a
}

// quietBlock stands for "blocked" on the router's fast path, which needs
// no explanation. It is never modified.
var quietBlock = Hop{Kind: "blocked", Detail: "ask Reach or ExplainRoute for the explanation"}

func (t *tracer) hop(kind, id, format string, args ...any) {
	t.a.Hops = append(t.a.Hops, Hop{Kind: kind, Component: id, Detail: fmt.Sprintf(format, args...)})
}

func (t *tracer) block(kind, id, format string, args ...any) *Analysis {
	t.a.Blocked = &Hop{Kind: kind, Component: id, Detail: fmt.Sprintf(format, args...)}
	return t.a
}

func traffic(proto, port int) string {
	if hasPorts(proto) {
		return fmt.Sprintf("%s/%d", protoName(proto), port)
	}
	return protoName(proto)
}

func groupIDs(gs []*sgRec) string {
	ids := make([]string, len(gs))
	for i, g := range gs {
		ids[i] = g.id
	}
	return strings.Join(ids, ", ")
}

// Reach answers whether traffic of a protocol ("tcp", "udp", "icmp", "-1"
// or a number) to a port goes from src to dst, checking what AWS checks:
// the source's security groups (outbound) and subnet NACL (outbound), its
// route table, the gateway or endpoint or peering on the way, the
// destination's NACL and security groups (inbound), and the stateless
// NACLs again for the reply to an ephemeral port (security groups are
// stateful: replies pass). Unknown interface IDs are an error.
func (s *Service) Reach(src, dst Point, protocol string, port int) (*Analysis, error) {
	proto, err := ParseProtocol(protocol)
	if err != nil {
		return nil, err
	}
	if hasPorts(proto) && (port < 0 || port > 65535) {
		return nil, clientErr("InvalidParameterValue", "Invalid port %d: want 0-65535.", port)
	}
	return s.reach(src, dst, proto, port, true)
}

// reach is Reach with the protocol parsed; quiet (loud false) it skips
// every explanation and reuses the Service's scratch analysis, for the
// router's per-call fast path.
func (s *Service) reach(src, dst Point, proto, port int, loud bool) (*Analysis, error) {
	t := tracer{s: s, loud: loud}
	if loud {
		t.a = &Analysis{Protocol: protoName(proto), Port: port}
	} else {
		s.scratch = Analysis{Port: port}
		t.a = &s.scratch
	}
	switch {
	case src.ENI != "":
		e := s.enis[src.ENI]
		if e == nil {
			return nil, notFound("InvalidNetworkInterfaceID.NotFound", "network interface", src.ENI)
		}
		t.a.srcENI = e
		switch {
		case dst.ENI != "":
			d := s.enis[dst.ENI]
			if d == nil {
				return nil, notFound("InvalidNetworkInterfaceID.NotFound", "network interface", dst.ENI)
			}
			return t.eniToENI(e, d, proto, port), nil
		case dst.Service != "":
			reg := dst.Region
			if reg == "" {
				reg = e.region()
			}
			addr, err := s.ServiceAddr(dst.Service, reg)
			if err != nil {
				return nil, err
			}
			if ep := s.interfaceEndpoint(e.subnet.vpc, dst.Service); ep != nil && reg == e.region() {
				return t.viaInterfaceEndpoint(e, ep, proto, port), nil
			}
			return t.outbound(e, addr, dst.Service, proto, port), nil
		case dst.Addr.IsValid():
			return t.outbound(e, dst.Addr, "", proto, port), nil
		}
	case src.Addr.IsValid() && dst.ENI != "":
		d := s.enis[dst.ENI]
		if d == nil {
			return nil, notFound("InvalidNetworkInterfaceID.NotFound", "network interface", dst.ENI)
		}
		return t.inbound(src.Addr, d, proto, port), nil
	}
	return nil, clientErr("InvalidParameterValue", "Reach needs a network interface at one end: from an interface to an interface, an address or a service, or from an address to an interface.")
}

func (t *tracer) eniHop(e *eniRec) {
	if !t.loud {
		return
	}
	pub := ""
	if ip := e.publicIP(); ip.IsValid() {
		pub = ", public " + ip.String()
	}
	t.note(func() {
		t.hop("network-interface", e.id, "%s%s in %s (%s)", e.ip, pub, e.subnet.id, t.s.azName(e.account(), e.subnet.azID))
	})
}

// sgOut checks the source's groups for outbound traffic.
func (t *tracer) sgOut(e *eniRec, proto, port int, peer netip.Addr, peerGroups []*sgRec) bool {
	g, r := sgAllows(e.sgs, false, proto, port, peer, peerGroups, t.s.madePLs())
	if g == nil {
		t.fail(func() {
			t.block("security-group", groupIDs(e.sgs), "no outbound rule allows %s to %s", traffic(proto, port), peer)
		})
		return false
	}
	t.note(func() { t.hop("security-group", g.id, "outbound rule %q allows %s", r.String(), traffic(proto, port)) })
	return true
}

func (t *tracer) sgIn(e *eniRec, proto, port int, peer netip.Addr, peerGroups []*sgRec) bool {
	g, r := sgAllows(e.sgs, true, proto, port, peer, peerGroups, t.s.madePLs())
	if g == nil {
		t.fail(func() {
			t.block("security-group", groupIDs(e.sgs), "no inbound rule allows %s from %s", traffic(proto, port), peer)
		})
		return false
	}
	t.note(func() {
		t.hop("security-group", g.id, "inbound rule %q allows %s from %s", r.String(), traffic(proto, port), peer)
	})
	return true
}

func (t *tracer) nacl(sn *subnetRec, egress bool, proto, port int, peer netip.Addr, reply bool) bool {
	ok, e := naclVerdict(sn.nacl, egress, proto, port, peer)
	if !t.loud {
		if !ok {
			t.fail(nil)
		}
		return ok
	}
	dir, prep := "inbound", "from"
	if egress {
		dir, prep = "outbound", "to"
	}
	what := traffic(proto, port)
	if reply {
		what = "reply " + what
	}
	if !ok {
		if e.num == naclDefaultNum {
			t.fail(func() {
				t.block("network-acl", sn.nacl.id, "no %s rule allows %s %s %s; the final * rule denies it", dir, what, prep, peer)
			})
		} else {
			t.fail(func() { t.block("network-acl", sn.nacl.id, "%s rule %d denies %s %s %s", dir, e.num, what, prep, peer) })
		}
		return false
	}
	t.note(func() { t.hop("network-acl", sn.nacl.id, "%s rule %d allows %s %s %s", dir, e.num, what, prep, peer) })
	return true
}

func (t *tracer) eniToENI(e, d *eniRec, proto, port int) *Analysis {
	t.eniHop(e)
	if !t.sgOut(e, proto, port, d.ip, d.sgs) {
		return t.a
	}
	cross := e.subnet != d.subnet
	if cross && !t.nacl(e.subnet, true, proto, port, d.ip, false) {
		return t.a
	}
	rt := e.subnet.routeTable()
	r := t.s.lookup(rt, d.ip)
	switch {
	case r == nil:
		return t.fail(func() { t.block("route-table", rt.id, "no route matches %s", d.ip) })
	case e.subnet.vpc == d.subnet.vpc && r.kind == tLocal:
		t.note(func() { t.hop("route-table", rt.id, "%s -> local", r.dest()) })
	case r.kind == tPeering:
		p := t.s.peerings[r.target]
		if p == nil || p.status != "active" {
			return t.fail(func() {
				t.block("route-table", rt.id, "route %s -> %s is a blackhole (the peering connection is not active)", r.dest(), r.target)
			})
		}
		other := p.accepter
		if other == e.subnet.vpc {
			other = p.requester
		}
		if other != d.subnet.vpc {
			// Peering is not transitive: the connection ends in its peer VPC.
			return t.fail(func() {
				t.block("peering-connection", p.id, "connects %s and %s only; %s is in %s (peering is not transitive)", p.requester.id, p.accepter.id, d.ip, d.subnet.vpc.id)
			})
		}
		t.note(func() { t.hop("route-table", rt.id, "%s -> %s", r.dest(), p.id) })
		t.note(func() { t.hop("peering-connection", p.id, "%s <-> %s", p.requester.id, p.accepter.id) })
		t.a.viaPeering = p
		back := d.subnet.routeTable()
		if br := t.s.lookup(back, e.ip); br == nil || br.target != p.id {
			return t.fail(func() { t.block("route-table", back.id, "no return route to %s through %s", e.ip, p.id) })
		}
	default:
		return t.fail(func() {
			t.block("route-table", rt.id, "route %s -> %s does not lead to %s in %s", r.dest(), r.target, d.ip, d.subnet.vpc.id)
		})
	}
	if cross {
		if !t.nacl(d.subnet, false, proto, port, e.ip, false) {
			return t.a
		}
	}
	peerGroups := e.sgs
	if !t.sgIn(d, proto, port, e.ip, peerGroups) {
		return t.a
	}
	if cross {
		if !t.nacl(d.subnet, true, proto, EphemeralPort, e.ip, true) || !t.nacl(e.subnet, false, proto, EphemeralPort, d.ip, true) {
			return t.a
		}
	}
	t.eniHop(d)
	t.a.dstENI = d
	t.a.Reachable = true
	return t.a
}

// outbound traces traffic from an interface to an address outside the VPC
// (a service endpoint when service is set).
func (t *tracer) outbound(e *eniRec, addr netip.Addr, service string, proto, port int) *Analysis {
	var name string
	if t.loud {
		name = addr.String()
		if service != "" {
			name = service + " (" + addr.String() + ")"
		}
	}
	t.eniHop(e)
	if !t.sgOut(e, proto, port, addr, nil) {
		return t.a
	}
	if !t.nacl(e.subnet, true, proto, port, addr, false) {
		return t.a
	}
	rt := e.subnet.routeTable()
	r := t.s.lookup(rt, addr)
	if r == nil {
		return t.fail(func() { t.block("route-table", rt.id, "no route matches %s", name) })
	}
	t.note(func() { t.hop("route-table", rt.id, "%s -> %s", r.dest(), r.target) })
	switch r.kind {
	case tVPCE:
		ep := t.s.endpoints[r.target]
		if ep == nil {
			return t.fail(func() {
				t.block("route-table", rt.id, "route %s -> %s is a blackhole (the endpoint was deleted)", r.dest(), r.target)
			})
		}
		if t.s.failed[ep.id] {
			return t.fail(func() { t.block("vpc-endpoint", ep.id, "%s is unavailable (injected endpoint outage)", ep.name) })
		}
		t.note(func() { t.hop("vpc-endpoint", ep.id, "gateway endpoint for %s", ep.name) })
		t.a.viaVPCE = ep
	case tIGW:
		if !t.igwOK(rt, r, e.subnet.vpc) {
			return t.a
		}
		if !e.publicIP().IsValid() {
			return t.fail(func() {
				t.block("network-interface", e.id, "has no public IPv4 address, so the internet gateway %s cannot translate its traffic", r.target)
			})
		}
		t.note(func() { t.hop("internet-gateway", r.target, "translates %s to %s", e.ip, e.publicIP()) })
	case tNAT:
		n := t.s.nats[r.target]
		if n == nil || n.state != "available" {
			return t.fail(func() {
				t.block("route-table", rt.id, "route %s -> %s is a blackhole (the NAT gateway is not available)", r.dest(), r.target)
			})
		}
		t.a.natZone = n.subnet.azID
		if t.s.failed[n.id] || t.s.w.Faults().AZDown(n.subnet.azID) {
			return t.fail(func() {
				t.block("nat-gateway", n.id, "is down (its zone %s is out or the gateway failed)", t.s.azName(n.account, n.subnet.azID))
			})
		}
		t.note(func() { t.hop("nat-gateway", n.id, "translates %s to %s in %s", e.ip, n.eip.ip, n.subnet.id) })
		if !t.nacl(n.subnet, false, proto, port, e.ip, false) || !t.nacl(n.subnet, true, proto, port, addr, false) {
			return t.a
		}
		nrt := n.subnet.routeTable()
		nr := t.s.lookup(nrt, addr)
		if nr == nil || nr.kind != tIGW {
			return t.fail(func() {
				t.block("route-table", nrt.id, "the NAT gateway's subnet %s has no route to the internet gateway for %s", n.subnet.id, name)
			})
		}
		t.note(func() { t.hop("route-table", nrt.id, "%s -> %s", nr.dest(), nr.target) })
		if !t.igwOK(nrt, nr, e.subnet.vpc) {
			return t.a
		}
		t.note(func() { t.hop("internet-gateway", nr.target, "translates %s to %s", n.eip.ip, n.eip.ip) })
		t.a.viaNAT = n
	default:
		return t.fail(func() {
			t.block("route-table", rt.id, "route %s -> %s does not leave the VPC toward %s", r.dest(), r.target, name)
		})
	}
	if !t.nacl(e.subnet, false, proto, EphemeralPort, addr, true) {
		return t.a
	}
	if service != "" {
		t.note(func() { t.hop("service", service, "%s endpoint at %s", service, addr) })
	} else {
		t.note(func() { t.hop("internet", addr.String(), "") })
	}
	t.a.Reachable = true
	return t.a
}

func (t *tracer) igwOK(rt *rtbRec, r *route, v *vpcRec) bool {
	g := t.s.igws.get(r.target)
	if g == nil || g.vpc != v {
		t.fail(func() {
			t.block("route-table", rt.id, "route %s -> %s is a blackhole (the internet gateway is not attached)", r.dest(), r.target)
		})
		return false
	}
	if t.s.failed[g.id] {
		t.fail(func() { t.block("internet-gateway", g.id, "is down (injected failure)") })
		return false
	}
	return true
}

// inbound traces traffic from an internet host to an interface.
func (t *tracer) inbound(from netip.Addr, d *eniRec, proto, port int) *Analysis {
	t.note(func() { t.hop("internet", from.String(), "") })
	v := d.subnet.vpc
	pub := d.publicIP()
	if v.igw == nil {
		return t.fail(func() { t.block("vpc", v.id, "has no internet gateway attached") })
	}
	if t.s.failed[v.igw.id] {
		return t.fail(func() { t.block("internet-gateway", v.igw.id, "is down (injected failure)") })
	}
	if !pub.IsValid() {
		return t.fail(func() { t.block("network-interface", d.id, "has no public IPv4 address") })
	}
	t.note(func() { t.hop("internet-gateway", v.igw.id, "translates %s to %s", pub, d.ip) })
	if !t.nacl(d.subnet, false, proto, port, from, false) {
		return t.a
	}
	if !t.sgIn(d, proto, port, from, nil) {
		return t.a
	}
	if !t.nacl(d.subnet, true, proto, EphemeralPort, from, true) {
		return t.a
	}
	rt := d.subnet.routeTable()
	r := t.s.lookup(rt, from)
	if r == nil || r.kind != tIGW || r.target != v.igw.id {
		return t.fail(func() {
			t.block("route-table", rt.id, "no route sends the reply to %s through %s (the subnet is not public)", from, v.igw.id)
		})
	}
	t.note(func() { t.hop("route-table", rt.id, "reply %s -> %s", r.dest(), r.target) })
	t.eniHop(d)
	t.a.dstENI = d
	t.a.Reachable = true
	return t.a
}

// interfaceEndpoint returns an interface endpoint for service in v with
// private DNS, which answers the service's name inside the VPC.
func (s *Service) interfaceEndpoint(v *vpcRec, service string) *endpointRec {
	for _, ep := range v.ifEndpoints {
		if ep.service == service && len(ep.enis) > 0 {
			return ep
		}
	}
	return nil
}

// viaInterfaceEndpoint traces a call to a service through the endpoint's
// interface in the caller's zone (else the first one).
func (t *tracer) viaInterfaceEndpoint(e *eniRec, ep *endpointRec, proto, port int) *Analysis {
	d := ep.enis[0]
	for _, x := range ep.enis {
		if x.subnet.azID == e.subnet.azID {
			d = x
		}
	}
	if t.s.failed[ep.id] {
		t.eniHop(e)
		return t.fail(func() { t.block("vpc-endpoint", ep.id, "%s is unavailable (injected endpoint outage)", ep.name) })
	}
	a := t.eniToENI(e, d, proto, port)
	if a.Reachable {
		t.note(func() { t.hop("vpc-endpoint", ep.id, "interface endpoint for %s", ep.name) })
		a.viaVPCE = ep
	}
	return a
}
