package vpc

import (
	"net/netip"
	"sort"
)

// anyIPv4 is 0.0.0.0/0, the destination of default routes and the block
// of the default allow-all rules, as netip.MustParsePrefix("0.0.0.0/0")
// gives it without parsing.
var anyIPv4 = netip.PrefixFrom(netip.IPv4Unspecified(), 0)

// defaultOf returns the default VPC of (account, region) and whether it
// was built (nil after DeleteVpc removed it). Most worlds have one
// account in one region: the first pair is kept in fields and checked
// before the map, which is made only for a second pair.
func (s *Service) defaultOf(account, regionCode string) (*vpcRec, bool) {
	if s.def1Set && s.def1Account == account && s.def1Region == regionCode {
		return s.def1, true
	}
	v, ok := s.defaults[[2]string{account, regionCode}]
	return v, ok
}

// setDefault records the default VPC (or nil once deleted) of (account,
// region).
func (s *Service) setDefault(account, regionCode string, v *vpcRec) {
	if !s.def1Set || (s.def1Account == account && s.def1Region == regionCode) {
		s.def1Set, s.def1Account, s.def1Region, s.def1 = true, account, regionCode, v
		return
	}
	put(&s.defaults, [2]string{account, regionCode}, v)
}

// subnetsChanged drops what is derived from the set of subnets: the
// sorted IDs and the default VPCs' remembered launch subnets.
func (s *Service) subnetsChanged() {
	s.subnetIDs = nil
	s.subnetGen++
}

// newVPC builds a VPC with what AWS gives every VPC: a main route table
// with the local route, a default network ACL allowing all traffic both
// ways, and a default security group
// (https://docs.aws.amazon.com/vpc/latest/userguide/default-security-group.html).
func (s *Service) newVPC(account, regionCode string, cidr netip.Prefix, isDefault bool) *vpcRec {
	// The record, its first block, its main route table with the local
	// route, and the default group's inbound rule come in one block (every
	// world builds a default VPC). The lists have room for what a default
	// VPC adds: the route to its internet gateway.
	b := new(struct {
		v       vpcRec
		cidr    [1]netip.Prefix
		cidrID  [1]string
		rt      rtbRec
		local   [1]route
		routes  [2]*route
		ingress rule
		rules   [1]*rule
	})
	v := &b.v
	*v = vpcRec{owned: owned{id: s.newID("vpc"), account: account, region: regionCode}, isDefault: isDefault,
		cidrs: b.cidr[:0], cidrIDs: b.cidrID[:0]}
	s.vpcs.put(v.id, v)
	s.addCIDR(v, cidr)
	rt := s.initRouteTable(&b.rt, v, b.routes[:0], b.local[:])
	rt.main = true
	rt.mainID = s.newID("rtbassoc")
	v.mainRtb = rt
	v.nacl = s.newNACL(v, true)
	v.sg = s.newSG(v, "default", "default VPC security group")
	// The default group admits all traffic from its own members, and every
	// new group allows all outbound traffic. (A new group has no inbound
	// rule before this one.)
	b.ingress = rule{id: s.newID("sgr"), proto: ProtoAll, from: -1, to: -1, group: v.sg.id}
	v.sg.ingress = append(b.rules[:0], &b.ingress)
	return v
}

func (s *Service) addCIDR(v *vpcRec, p netip.Prefix) {
	v.cidrs = append(v.cidrs, p)
	v.cidrIDs = append(v.cidrIDs, s.newID("vpc-cidr-assoc"))
	for t := range s.rtbs.all() {
		if t.vpc == v {
			t.routes = append(t.routes, &route{dst: p, kind: tLocal, target: "local", origin: "CreateRouteTable"})
			t.dirty = true
		}
	}
}

func (s *Service) newRouteTable(v *vpcRec) *rtbRec {
	return s.initRouteTable(new(rtbRec), v, nil, nil)
}

// initRouteTable is newRouteTable into a record the caller allocated; the
// route list starts in routes' room, and the local routes are made in
// locals while it lasts.
func (s *Service) initRouteTable(t *rtbRec, v *vpcRec, routes []*route, locals []route) *rtbRec {
	*t = rtbRec{owned: owned{id: s.newID("rtb"), account: v.account, region: v.region}, vpc: v, dirty: true, routes: routes[:0]}
	for i, c := range v.cidrs {
		var r *route
		if i < len(locals) {
			r = &locals[i]
		} else {
			r = new(route)
		}
		*r = route{dst: c, kind: tLocal, target: "local", origin: "CreateRouteTable"}
		t.routes = append(t.routes, r)
	}
	s.rtbs.put(t.id, t)
	return t
}

// newNACL builds a network ACL: a VPC's default one allows all traffic in
// and out with rule 100; a custom one denies everything until rules are
// added (https://docs.aws.amazon.com/vpc/latest/userguide/default-network-acl.html).
func (s *Service) newNACL(v *vpcRec, isDefault bool) *naclRec {
	var n *naclRec
	if isDefault {
		// Every VPC has one: the record, its two rules and their list come
		// in one block.
		b := &struct {
			rec  naclRec
			rule [2]naclEntry
			list [2]*naclEntry
		}{rule: [2]naclEntry{
			{num: 100, egress: false, proto: ProtoAll, cidr: anyIPv4, allow: true},
			{num: 100, egress: true, proto: ProtoAll, cidr: anyIPv4, allow: true},
		}}
		b.list = [2]*naclEntry{&b.rule[0], &b.rule[1]}
		n = &b.rec
		n.entries = b.list[:]
	} else {
		n = new(naclRec)
	}
	n.owned = owned{id: s.newID("acl"), account: v.account, region: v.region}
	n.vpc, n.isDefault = v, isDefault
	s.nacls.put(n.id, n)
	return n
}

// newSG builds a security group with AWS's defaults for a new group: no
// inbound rules and one outbound rule allowing all traffic to 0.0.0.0/0
// (https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html).
func (s *Service) newSG(v *vpcRec, name, desc string) *sgRec {
	// The group, its outbound rule and the rule's list come in one block.
	b := new(struct {
		g    sgRec
		rule rule
		list [1]*rule
	})
	g := &b.g
	*g = sgRec{owned: owned{id: s.newID("sg"), account: v.account, region: v.region}, name: name, desc: desc, vpc: v}
	b.rule = rule{id: s.newID("sgr"), proto: ProtoAll, from: -1, to: -1, cidr: anyIPv4}
	b.list[0] = &b.rule
	g.egress = b.list[:]
	s.sgs.put(g.id, g)
	return g
}

// newSubnet adds a subnet after the caller validated its block.
func (s *Service) newSubnet(v *vpcRec, cidr netip.Prefix, azID string) *subnetRec {
	return s.initSubnet(new(subnetRec), v, cidr, azID)
}

// initSubnet is newSubnet into a record the caller allocated.
func (s *Service) initSubnet(sn *subnetRec, v *vpcRec, cidr netip.Prefix, azID string) *subnetRec {
	*sn = subnetRec{owned: owned{id: s.newID("subnet"), account: v.account, region: v.region}, vpc: v, azID: azID,
		ips: newPool(cidr), nacl: v.nacl, naclSeq: s.nextSeq()}
	s.subnets[sn.id] = sn
	s.subnetsChanged()
	return sn
}

// subnetConflict returns the subnet of v whose block overlaps p, if any.
func (s *Service) subnetConflict(v *vpcRec, p netip.Prefix) *subnetRec {
	for _, id := range s.sortedSubnetIDs() {
		if sn := s.subnets[id]; sn.vpc == v && sn.cidr().Overlaps(p) {
			return sn
		}
	}
	return nil
}

// sortedSubnetIDs returns the subnet IDs in order; the slice is shared,
// callers must not modify it.
func (s *Service) sortedSubnetIDs() []string {
	if s.subnetIDs == nil || len(s.subnetIDs) != len(s.subnets) {
		ids := make([]string, 0, len(s.subnets))
		for id := range s.subnets {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		s.subnetIDs = ids[:len(ids):len(ids)]
	}
	return s.subnetIDs
}

// ensureDefault builds the account's default VPC in a region on first use,
// as AWS builds it at account creation: 172.31.0.0/16, a /20 default
// subnet per zone (in zone-name order: 172.31.0.0/20 in zone a,
// 172.31.16.0/20 in b, ...) that maps public IPs on launch, an attached
// internet gateway, and a main route table sending 0.0.0.0/0 to it
// (https://docs.aws.amazon.com/vpc/latest/userguide/default-vpc.html).
func (s *Service) ensureDefault(account, regionCode string) *vpcRec {
	if v, ok := s.defaultOf(account, regionCode); ok {
		return v
	}
	r, err := s.w.Region(regionCode)
	if err != nil {
		return nil
	}
	s.changed()
	v := s.newVPC(account, regionCode, netip.PrefixFrom(netip.AddrFrom4([4]byte{172, 31, 0, 0}), 16), true)
	s.setDefault(account, regionCode, v)
	// The gateway and its route come in one block.
	gb := new(struct {
		g igwRec
		r route
	})
	g := &gb.g
	*g = igwRec{owned: owned{id: s.newID("igw"), account: account, region: regionCode}, vpc: v}
	s.igws.put(g.id, g)
	v.igw = g
	gb.r = route{dst: anyIPv4, kind: tIGW, target: g.id, origin: "CreateRoute"}
	v.mainRtb.routes = append(v.mainRtb.routes, &gb.r)
	v.mainRtb.dirty = true
	zones := r.AZs()
	// The zones in name order, by insertion sort into buffers on the
	// stack: a region has a handful of zones, and every world builds this.
	// Zone names are distinct, so the order is the one any sort gives.
	// The names are asked of the world, not through azName's memo: most
	// worlds never ask again, and the memo would be a map to fill.
	var nameBuf [8]string
	var idxBuf [8]int
	names, idx := nameBuf[:0], idxBuf[:0]
	for i, z := range zones {
		n, err := s.w.AZName(account, z.ID())
		if err != nil {
			n = z.ID() // as azName answers
		}
		j := len(idx)
		names, idx = append(names, ""), append(idx, 0)
		for ; j > 0 && n < names[j-1]; j-- {
			names[j], idx[j] = names[j-1], idx[j-1]
		}
		names[j], idx[j] = n, i
	}
	// The default subnets' records come in one block: every world that
	// launches without a subnet builds them.
	recs := make([]subnetRec, min(len(idx), 16))
	for k, i := range idx {
		if k >= 16 {
			break // 16 /20s fill the /16
		}
		p := netip.PrefixFrom(netip.AddrFrom4([4]byte{172, 31, byte(16 * k), 0}), 20)
		sn := s.initSubnet(&recs[k], v, p, zones[i].ID())
		sn.mapPublic, sn.defaultForAz = true, true
	}
	// Nothing else makes default subnets, and these are one per zone: what
	// launchSubnet would pick for each zone, and for "" (the least-named
	// zone's, recs[0]), is known now, without sorting every subnet ID.
	if len(recs) > 0 {
		picks := make([]*subnetRec, len(recs))
		for k := range recs {
			picks[k] = &recs[k]
		}
		v.launchAny, v.launch, v.launchGen = &recs[0], picks, s.subnetGen
	}
	return v
}

// DefaultVPC returns the ID of the account's default VPC in a region,
// building it on first use.
func (s *Service) DefaultVPC(account, regionCode string) (string, error) {
	v := s.ensureDefault(account, regionCode)
	if v == nil {
		if _, err := s.w.Region(regionCode); err == nil {
			// The region exists: its default VPC was deleted (on AWS only
			// CreateDefaultVpc, which this package does not model, brings
			// one back). A launch that needs it gets the same code.
			return "", clientErr("VPCIdNotSpecified", "No default VPC for this user in %s.", regionCode)
		}
		return "", clientErr("InvalidParameterValue", "Unknown region %q.", regionCode)
	}
	return v.id, nil
}
