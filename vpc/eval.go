package vpc

import (
	"net/netip"
	"slices"
)

// sgAllows evaluates security groups: rules only allow, and the rules of
// all the interface's groups are unioned
// (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html).
// peer is the other side's address and peerGroups its groups (nil for a
// peer outside the VPC). It returns the group and rule that allow, or nil.
func sgAllows(groups []*sgRec, ingress bool, proto, port int, peer netip.Addr, peerGroups []*sgRec, pls map[string]*prefixList) (*sgRec, *rule) {
	for _, g := range groups {
		rules := g.egress
		if ingress {
			rules = g.ingress
		}
		for _, r := range rules {
			if !r.matchesTraffic(proto, port) {
				continue
			}
			switch {
			case r.group != "":
				if slices.ContainsFunc(peerGroups, func(pg *sgRec) bool { return pg.id == r.group }) {
					return g, r
				}
			case r.pl != "":
				if pl := pls[r.pl]; pl != nil && pl.contains(peer) {
					return g, r
				}
			default:
				if r.cidr.Contains(peer) {
					return g, r
				}
			}
		}
	}
	return nil, nil
}

// naclVerdict evaluates a network ACL in one direction: rules in ascending
// number, the first match decides, and the final "*" rule denies
// (https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html).
// The returned entry is the deciding rule (the "*" rule when none matched).
func naclVerdict(n *naclRec, egress bool, proto, port int, peer netip.Addr) (bool, *naclEntry) {
	for _, e := range n.entries {
		if e.egress == egress && e.matches(proto, port, peer) {
			return e.allow, e
		}
	}
	if egress {
		return false, &starDeny[1]
	}
	return false, &starDeny[0]
}

// starDeny are the final "*" rules of every NACL (inbound, outbound). They
// are read, never modified.
var starDeny = [2]naclEntry{
	{num: naclDefaultNum, proto: ProtoAll, cidr: netip.PrefixFrom(netip.IPv4Unspecified(), 0)},
	{num: naclDefaultNum, egress: true, proto: ProtoAll, cidr: netip.PrefixFrom(netip.IPv4Unspecified(), 0)},
}

func (n *naclRec) insert(e *naclEntry) {
	i, _ := slices.BinarySearchFunc(n.entries, e, func(a, b *naclEntry) int {
		switch {
		case a.num < b.num:
			return -1
		case a.num > b.num:
			return 1
		}
		return 0
	})
	n.entries = slices.Insert(n.entries, i, e)
}

func (n *naclRec) find(num int32, egress bool) int {
	return slices.IndexFunc(n.entries, func(e *naclEntry) bool { return e.num == num && e.egress == egress })
}
