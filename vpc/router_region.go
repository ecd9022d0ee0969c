package vpc

import (
	"strconv"

	"github.com/nimbus-sim/nimbus/billing"
	"github.com/nimbus-sim/nimbus/iam"

	"github.com/nimbus-sim/nimbus/region"
)

// The Service is the world's region.Router: New registers it. A call from
// a Location with a network interface follows that interface's subnet
// route table, NACL and security groups; a caller outside any VPC gets a
// direct path.
var (
	_ region.Router               = (*Service)(nil)
	_ region.NetworkChangeCounter = (*Service)(nil)
	_ region.CallRouter           = (*Service)(nil)
)

func protoNum(p string) int {
	switch p {
	case "udp":
		return ProtoUDP
	case "icmp":
		return ProtoICMP
	}
	return ProtoTCP
}

func protoOf(p region.Protocol) string {
	switch p {
	case region.ProtocolUDP:
		return "udp"
	case region.ProtocolICMP:
		return "icmp"
	}
	return "tcp"
}

// Route answers the World's routing question for a call or a flow. A
// route through a gateway or interface endpoint carries the endpoint's
// policy, which the pipeline evaluates with the caller's policies (none
// for the default full-access policy). Answers to calls to service
// endpoints come from a cache that every change empties (routecache.go).
func (s *Service) Route(from region.Location, to region.Destination) (region.Route, bool) {
	id := from.NetworkInterfaceID()
	if id == "" {
		return region.Route{}, true // not inside a VPC: a direct path
	}
	if to.Service == "" {
		return s.route(id, to)
	}
	k := routeKey{eni: id, service: to.Service, region: to.Region, proto: to.Protocol, port: to.Port}
	if m, ok := s.cachedRoute(&k); ok {
		return m.r, m.ok
	}
	s.scratch.natZone = "" // route sets it when it consults a zone's outage
	r, ok := s.route(id, to)
	s.remember(&k, r, ok, s.scratch.natZone)
	return r, ok
}

// RouteCall is region.CallRouter: Route for an API call (TCP to 443 of a
// service endpoint), answered into *dst. The World asks it on every
// attempt of every call from a Location, and Route's signature copies the
// Location, a Destination and the Route each time; this copies the
// cached answer once.
func (s *Service) RouteCall(dst *region.Route, from *region.Location, service, regionCode string) bool {
	id := from.NetworkInterfaceID()
	if id == "" {
		return true // not inside a VPC: a direct path
	}
	// The memo that answered last is compared field by field first: a
	// caller's calls come in runs, and this spares building the key.
	c := &s.routes
	if m := &c.memo[c.last]; m.used && m.gen == c.gen && m.key.eni == id && m.key.service == service &&
		m.key.region == regionCode && m.key.proto == region.ProtocolTCP && m.key.port == 443 &&
		(m.natAZ == "" || s.w.Faults().AZDown(m.natAZ) == m.natDown) {
		setRoute(dst, &m.r)
		return m.ok
	}
	k := routeKey{eni: id, service: service, region: regionCode, proto: region.ProtocolTCP, port: 443}
	if m, ok := s.cachedRoute(&k); ok {
		setRoute(dst, &m.r)
		return m.ok
	}
	s.scratch.natZone = "" // route sets it when it consults a zone's outage
	r, ok := s.route(id, region.Destination{Service: service, Region: regionCode, Protocol: region.ProtocolTCP, Port: 443})
	s.remember(&k, r, ok, s.scratch.natZone)
	setRoute(dst, &r)
	return ok
}

// setRoute copies *src into *dst, which is zero, field by field: a
// whole-Route store goes through the runtime's typed copy, which costs
// more than the few stores.
func setRoute(dst, src *region.Route) {
	dst.Hops, dst.Transfer, dst.EndpointPolicy = src.Hops, src.Transfer, src.EndpointPolicy
	k, d := &src.Keys, &dst.Keys
	d.SourceIP, d.SourceVpc, d.SourceVpce, d.VpcSourceIP = k.SourceIP, k.SourceVpc, k.SourceVpce, k.VpcSourceIP
}

// route is Route without the cache, for a caller on interface id. When it
// consults a NAT gateway zone's outage it leaves the zone in
// s.scratch.natZone.
func (s *Service) route(id string, to region.Destination) (region.Route, bool) {
	e := s.enis[id]
	if e == nil {
		return region.Route{}, false
	}
	proto, port := protoOf(to.Protocol), int(to.Port)
	switch {
	case to.Service != "":
		a, err := s.reach(ENI(e.id), Point{Service: to.Service, Region: to.Region}, protoNum(proto), port, false)
		if err != nil || !a.Reachable {
			return region.Route{}, false
		}
		r := region.Route{Transfer: region.TransferIntraAZ}
		if to.Region != "" && to.Region != e.region() {
			r.Transfer = region.TransferInterRegion
		}
		switch {
		case a.viaVPCE != nil && a.viaVPCE.gateway:
			r.Hops = a.viaVPCE.hops(region.Hop{Kind: region.HopGatewayEndpoint, ID: a.viaVPCE.id})
			r.Keys = region.SourceKeys{SourceVpc: e.subnet.vpc.id, SourceVpce: a.viaVPCE.id, VpcSourceIP: e.ip}
			r.EndpointPolicy = a.viaVPCE.routePolicy()
		case a.viaVPCE != nil:
			r.Hops = a.viaVPCE.hops(region.Hop{Kind: region.HopLocal}, region.Hop{Kind: region.HopInterfaceEndpoint, ID: a.viaVPCE.id})
			if d := a.dstENI; d != nil && d.subnet.azID != e.subnet.azID {
				r.Transfer = region.TransferInterAZ
			}
			r.Keys = region.SourceKeys{SourceVpc: e.subnet.vpc.id, SourceVpce: a.viaVPCE.id, VpcSourceIP: e.ip}
			r.EndpointPolicy = a.viaVPCE.routePolicy()
		case a.viaNAT != nil:
			r.Hops = a.viaNAT.hops(region.Hop{Kind: region.HopNATGateway, ID: a.viaNAT.id}, region.Hop{Kind: region.HopInternetGateway, ID: e.subnet.vpc.igw.id})
			r.Transfer = region.TransferNATProcessed
			r.Keys = region.SourceKeys{SourceIP: a.viaNAT.eip.ip}
		default:
			g := e.subnet.vpc.igw
			r.Hops = g.hops(region.Hop{Kind: region.HopInternetGateway, ID: g.id})
			r.Keys = region.SourceKeys{SourceIP: e.publicIP()}
		}
		return r, true
	case to.To.IsValid() || to.IP.IsValid():
		d := s.eniAt(e, to)
		if d == nil {
			if !to.IP.IsValid() {
				return region.Route{}, true // a place outside any VPC
			}
			a, _ := s.reach(ENI(e.id), Internet(to.IP), protoNum(proto), port, false)
			if a == nil || !a.Reachable {
				return region.Route{}, false
			}
			r := region.Route{Transfer: region.TransferInternetOut}
			if a.viaNAT != nil {
				r.Hops = append(r.Hops, region.Hop{Kind: region.HopNATGateway, ID: a.viaNAT.id})
			}
			r.Hops = append(r.Hops, region.Hop{Kind: region.HopInternetGateway, ID: e.subnet.vpc.igw.id})
			return r, true
		}
		a, _ := s.reach(ENI(e.id), ENI(d.id), protoNum(proto), port, false)
		if a == nil || !a.Reachable {
			return region.Route{}, false
		}
		r := region.Route{Transfer: region.TransferIntraAZ, Hops: []region.Hop{{Kind: region.HopLocal}}}
		if a.viaPeering != nil {
			r.Hops = []region.Hop{{Kind: region.HopPeering, ID: a.viaPeering.id}}
		}
		if d.subnet.azID != e.subnet.azID {
			r.Transfer = region.TransferInterAZ
		}
		return r, true
	}
	return region.Route{}, true
}

// routePolicy is the endpoint policy a Route carries: nil for the default
// full-access policy, which allows every request, as region.Route
// documents, so the pipeline does not evaluate it on every call.
func (ep *endpointRec) routePolicy() *iam.Policy {
	if ep.doc == fullAccessPolicy {
		return nil
	}
	return ep.policy
}

// eniAt finds the interface a destination names: by its network identity,
// else by private address in the source's VPC (then its peers).
func (s *Service) eniAt(src *eniRec, to region.Destination) *eniRec {
	if id := to.To.Network().NetworkInterfaceID; id != "" {
		return s.enis[id]
	}
	ip := to.IP
	if !ip.IsValid() {
		ip = to.To.Network().PrivateIPv4
	}
	if !ip.IsValid() {
		return nil
	}
	var peerHit *eniRec
	for _, id := range sortedKeys(s.enis) {
		d := s.enis[id]
		if d.region() != src.region() || d.ip != ip {
			continue
		}
		if d.subnet.vpc == src.subnet.vpc {
			return d
		}
		peerHit = d
	}
	return peerHit
}

// CheckNetwork validates a network identity: every non-empty ID must
// exist, and they must agree (the subnet in the VPC, the interface in the
// subnet).
//
// The World asks only when the caller's identity or NetworkChanges has
// moved since the last identity found valid, so this needs no memory of
// its own.
func (s *Service) CheckNetwork(n region.NetworkIdentity) error {
	var v *vpcRec
	if n.VpcID != "" {
		if v = s.vpcs.get(n.VpcID); v == nil {
			return clientErr("InvalidVpcID.NotFound", "The vpc ID '%s' does not exist", n.VpcID)
		}
	}
	var sn *subnetRec
	if n.SubnetID != "" {
		if sn = s.subnets[n.SubnetID]; sn == nil {
			return clientErr("InvalidSubnetID.NotFound", "The subnet ID '%s' does not exist", n.SubnetID)
		}
		if v != nil && sn.vpc != v {
			return clientErr("InvalidParameterValue", "Subnet %s is not in VPC %s", sn.id, v.id)
		}
	}
	if n.NetworkInterfaceID != "" {
		e := s.enis[n.NetworkInterfaceID]
		if e == nil {
			return clientErr("InvalidNetworkInterfaceID.NotFound", "The networkInterface ID '%s' does not exist", n.NetworkInterfaceID)
		}
		if (sn != nil && e.subnet != sn) || (v != nil && e.subnet.vpc != v) {
			return clientErr("InvalidParameterValue", "Network interface %s is not in %s", e.id, strconv.Quote(n.SubnetID+n.VpcID))
		}
	}
	return nil
}

// ExplainRoute is the explanation behind Route: after a call from an
// interface fails with a connect timeout for lack of a route, it names the
// component that blocks (the route table and the missing route, the NACL
// and its rule, the group with no matching rule). It is nil for a caller
// outside any VPC or an unknown interface.
func (s *Service) ExplainRoute(from region.Location, to region.Destination) *Analysis {
	e := s.enis[from.Network().NetworkInterfaceID]
	if e == nil {
		return nil
	}
	proto, port := protoOf(to.Protocol), int(to.Port)
	var a *Analysis
	switch {
	case to.Service != "":
		a, _ = s.Reach(ENI(e.id), Point{Service: to.Service, Region: to.Region}, proto, port)
	case to.To.IsValid() || to.IP.IsValid():
		if d := s.eniAt(e, to); d != nil {
			a, _ = s.Reach(ENI(e.id), ENI(d.id), proto, port)
		} else if to.IP.IsValid() {
			a, _ = s.Reach(ENI(e.id), Internet(to.IP), proto, port)
		}
	}
	return a
}

// hopCache keeps a component's route hops so that routing a call does not
// allocate them each time. The World only reads a Route's hops.
type hopCache struct{ cached []region.Hop }

func (c *hopCache) hops(want ...region.Hop) []region.Hop {
	if len(c.cached) == len(want) {
		same := true
		for i := range want {
			same = same && c.cached[i] == want[i]
		}
		if same {
			return c.cached
		}
	}
	c.cached = append([]region.Hop(nil), want...)
	return c.cached
}

// MeterFlow bills bytes sent from an interface to another place (dst.To,
// with the protocol and port of the flow) as their route classifies it:
// nothing within a zone, $0.01/GB on each side across zones
// (DataTransfer-Regional-Bytes,
// https://aws.amazon.com/ec2/pricing/on-demand/#Data_Transfer). It
// returns the route's class, or an error for no route. The sender's
// account pays its side, the receiver's interface owner the other.
func (s *Service) MeterFlow(from region.Location, dst region.Destination, bytes int64) (region.TransferClass, error) {
	r, ok := s.Route(from, dst)
	if !ok {
		return 0, clientErr("InvalidParameterValue", "no route from %v to %v", from, dst)
	}
	to := dst.To
	acct, dstAcct := "", ""
	if e := s.enis[from.Network().NetworkInterfaceID]; e != nil {
		acct = e.account()
	}
	if d := s.enis[to.Network().NetworkInterfaceID]; d != nil {
		dstAcct = d.account()
	}
	if acct == "" || bytes <= 0 {
		return r.Transfer, nil
	}
	t := billing.Transfer{Account: acct, Operation: "Transfer", Bytes: bytes,
		From: region.BillingEndpoint(from), To: region.BillingEndpoint(to)}
	t.To.Account = dstAcct
	if r.Transfer == region.TransferIntraAZ {
		return r.Transfer, nil
	}
	_, err := s.ledger.RecordTransfer(t)
	return r.Transfer, err
}
