package vpc

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// IP protocol numbers the rules name; -1 means every protocol.
const (
	ProtoAll  = -1
	ProtoICMP = 1
	ProtoTCP  = 6
	ProtoUDP  = 17
)

// EphemeralPort is the client port Reach and the router assume for a
// reply: 49152 is inside both the Linux (32768-60999) and Windows
// (49152-65535) ephemeral ranges, so a NACL that admits either admits it
// (https://docs.aws.amazon.com/vpc/latest/userguide/custom-network-acl.html#nacl-ephemeral-ports).
const EphemeralPort = 49152

// ParseProtocol parses an IpProtocol value as EC2 accepts it: "tcp",
// "udp", "icmp", "-1" or "all" (all protocols), or a protocol number
// 0-255.
func ParseProtocol(s string) (int, error) {
	switch strings.ToLower(s) {
	case "tcp":
		return ProtoTCP, nil
	case "udp":
		return ProtoUDP, nil
	case "icmp":
		return ProtoICMP, nil
	case "-1", "all":
		return ProtoAll, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > 255 || s != strconv.Itoa(n) {
		return 0, clientErr("InvalidParameterValue", "Invalid value '%s' for IP protocol. Unknown protocol.", s)
	}
	return n, nil
}

func protoName(p int) string {
	switch p {
	case ProtoAll:
		return "all"
	case ProtoTCP:
		return "tcp"
	case ProtoUDP:
		return "udp"
	case ProtoICMP:
		return "icmp"
	}
	return strconv.Itoa(p)
}

// hasPorts reports whether ports mean something for the protocol: only
// TCP and UDP have port ranges; ICMP uses them for type and code, and
// every other protocol ignores them.
func hasPorts(p int) bool { return p == ProtoTCP || p == ProtoUDP }

// checkPorts validates a rule's port range for its protocol.
func checkPorts(proto int, from, to int32) error {
	switch {
	case hasPorts(proto):
		if from < 0 || to > 65535 || from > to {
			return clientErr("InvalidParameterValue",
				"Invalid value '%d-%d' for portRange. The port range must be within 0-65535 with FromPort not greater than ToPort.", from, to)
		}
	case proto == ProtoICMP:
		if from < -1 || from > 255 || to < -1 || to > 255 {
			return clientErr("InvalidParameterValue", "Invalid value '%d/%d' for ICMP type/code: each must be -1 or 0-255.", from, to)
		}
	}
	return nil
}

// rule is one security-group rule: one protocol and port range, and one
// peer (a CIDR, a group or a prefix list). AWS counts rules this way for
// its quota.
type rule struct {
	id       string
	proto    int
	from, to int32
	cidr     netip.Prefix
	group    string
	pl       string
	desc     string
}

func (r *rule) sameAs(o *rule) bool {
	return r.proto == o.proto && r.from == o.from && r.to == o.to && r.cidr == o.cidr && r.group == o.group && r.pl == o.pl
}

// matchesTraffic reports whether the rule's protocol and ports admit the
// traffic.
func (r *rule) matchesTraffic(proto, port int) bool {
	if r.proto == ProtoAll {
		return true
	}
	if r.proto != proto {
		return false
	}
	if hasPorts(proto) {
		return int32(port) >= r.from && int32(port) <= r.to
	}
	if proto == ProtoICMP && r.from != -1 {
		return int32(port) == r.from
	}
	return true
}

func (r *rule) peer() string {
	switch {
	case r.group != "":
		return r.group
	case r.pl != "":
		return r.pl
	}
	return r.cidr.String()
}

func (r *rule) String() string {
	ports := "all"
	if hasPorts(r.proto) {
		ports = strconv.Itoa(int(r.from))
		if r.to != r.from {
			ports += "-" + strconv.Itoa(int(r.to))
		}
	}
	return protoName(r.proto) + " " + ports + " " + r.peer()
}

// ParseRule parses a compact rule "PROTO PORTS PEER" as tests and examples
// write it: "tcp 22 203.0.113.0/24", "tcp 1024-65535 0.0.0.0/0",
// "-1 all sg-0123", "tcp 443 pl-63a5400a". PORTS is a port, a range
// "from-to" or "all". It returns the equivalent IpPermission.
func ParseRule(s string) (IpPermission, error) {
	f := strings.Fields(s)
	if len(f) != 3 {
		return IpPermission{}, clientErr("InvalidParameterValue", "Invalid rule %q: want \"PROTO PORTS PEER\".", s)
	}
	proto, err := ParseProtocol(f[0])
	if err != nil {
		return IpPermission{}, err
	}
	perm := IpPermission{IpProtocol: f[0], FromPort: -1, ToPort: -1}
	if f[1] != "all" {
		lo, hi, ok := strings.Cut(f[1], "-")
		a, err1 := strconv.ParseInt(lo, 10, 32)
		b := a
		var err2 error
		if ok {
			b, err2 = strconv.ParseInt(hi, 10, 32)
		}
		if err1 != nil || err2 != nil {
			return IpPermission{}, clientErr("InvalidParameterValue", "Invalid rule %q: bad port range %q.", s, f[1])
		}
		perm.FromPort, perm.ToPort = int32(a), int32(b)
	} else if hasPorts(proto) {
		perm.FromPort, perm.ToPort = 0, 65535
	}
	switch peer := f[2]; {
	case strings.HasPrefix(peer, "sg-"):
		perm.UserIdGroupPairs = []UserIdGroupPair{{GroupId: peer}}
	case strings.HasPrefix(peer, "pl-"):
		perm.PrefixListIds = []PrefixListId{{PrefixListId: peer}}
	default:
		perm.IpRanges = []IpRange{{CidrIp: peer}}
	}
	if _, err := expand(perm); err != nil {
		return IpPermission{}, err
	}
	return perm, nil
}

// expand validates an IpPermission and splits it into rules, one per peer.
func expand(p IpPermission) ([]rule, error) {
	proto, err := ParseProtocol(p.IpProtocol)
	if err != nil {
		return nil, err
	}
	from, to := p.FromPort, p.ToPort
	if err := checkPorts(proto, from, to); err != nil {
		return nil, err
	}
	if !hasPorts(proto) && proto != ProtoICMP {
		from, to = -1, -1
	}
	var out []rule
	for _, r := range p.IpRanges {
		c, err := netip.ParsePrefix(r.CidrIp)
		if err != nil || !c.Addr().Is4() || c.Masked() != c {
			return nil, clientErr("InvalidParameterValue", "CIDR block %s is malformed", r.CidrIp)
		}
		out = append(out, rule{proto: proto, from: from, to: to, cidr: c, desc: r.Description})
	}
	for _, g := range p.UserIdGroupPairs {
		if g.GroupId == "" {
			return nil, clientErr("MissingParameter", "The request must contain the parameter groupId")
		}
		out = append(out, rule{proto: proto, from: from, to: to, group: g.GroupId, desc: g.Description})
	}
	for _, l := range p.PrefixListIds {
		out = append(out, rule{proto: proto, from: from, to: to, pl: l.PrefixListId, desc: l.Description})
	}
	if len(out) == 0 {
		return nil, clientErr("InvalidParameterValue", "The request must name a source or destination: IpRanges, UserIdGroupPairs or PrefixListIds.")
	}
	return out, nil
}

// naclEntry is one network ACL rule.
type naclEntry struct {
	num      int32
	egress   bool
	proto    int
	from, to int32
	cidr     netip.Prefix
	allow    bool
}

func (e *naclEntry) matches(proto, port int, peer netip.Addr) bool {
	if !e.cidr.Contains(peer) {
		return false
	}
	if e.proto == ProtoAll {
		return true
	}
	if e.proto != proto {
		return false
	}
	if hasPorts(proto) {
		return int32(port) >= e.from && int32(port) <= e.to
	}
	return true
}

func (e *naclEntry) String() string {
	act := "deny"
	if e.allow {
		act = "allow"
	}
	ports := "all"
	if hasPorts(e.proto) {
		ports = fmt.Sprintf("%d-%d", e.from, e.to)
	}
	num := strconv.Itoa(int(e.num))
	if e.num == naclDefaultNum {
		num = "*"
	}
	return fmt.Sprintf("rule %s %s %s %s %s", num, act, protoName(e.proto), ports, e.cidr)
}

// naclDefaultNum stands for the "*" rule every NACL ends with: deny all.
// Rule numbers users give run from 1 to 32766
// (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateNetworkAclEntry.html).
const (
	naclDefaultNum = 32767
	naclMaxNum     = 32766
)
