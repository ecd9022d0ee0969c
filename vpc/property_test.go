package vpc

import (
	"errors"
	"testing"

	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/sim"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// TestRouterAgreesWithReach: for random NACL and security-group rules and
// random traffic, the router's quiet fast path and Reach's explained
// answer agree, and a blocked Reach always names a component.
func TestRouterAgreesWithReach(t *testing.T) {
	f := newFixture(t, 51)
	f.do(func(p *sim.Proc) {
		n := f.buildNetwork(p)
		g, err := f.c.CreateSecurityGroup(p, &CreateSecurityGroupInput{GroupName: "prop", Description: "prop", VpcId: n.vpc})
		require.NoError(t, err)
		acl := naclOf(t, f, p, n.vpc)
		a, b := f.instance(n.public, g.GroupId), f.instance(n.private, g.GroupId)
		num := int32(1)
		seen := map[bool]int{}
		// check asks the router and Reach about a→b and b→a, and reports
		// a disagreement or a block without a component.
		check := func(fatalf func(string, ...any), rp region.Protocol, proto string, port int) {
			for _, pair := range [][2]InterfaceInfo{{a, b}, {b, a}} {
				dst := region.Destination{To: f.loc(pair[1]), Protocol: rp, Port: uint16(port)}
				_, ok := f.svc.Route(f.loc(pair[0]), dst)
				an, err := f.svc.Reach(ENI(pair[0].NetworkInterfaceID), ENI(pair[1].NetworkInterfaceID), proto, port)
				if err != nil {
					fatalf("%v", err)
				}
				seen[ok]++
				if ok != an.Reachable {
					fatalf("router %v, Reach %v:\n%s", ok, an.Reachable, an)
				}
				if !an.Reachable && (an.Blocked == nil || an.Blocked.Component == "") {
					fatalf("blocked without a component:\n%s", an)
				}
			}
		}
		// Both answers are covered whatever rapid draws (its seed differs
		// per run, and its rules accumulate): blocked first, as the group
		// admits nothing yet, then reachable once it admits the VPC.
		check(t.Fatalf, region.ProtocolTCP, "tcp", 443)
		require.Zero(t, seen[true], "a group without ingress rules admits nothing")
		_, err = f.c.AuthorizeSecurityGroupIngress(p, &AuthorizeSecurityGroupIngressInput{GroupId: g.GroupId,
			IpPermissions: []IpPermission{{IpProtocol: "tcp", FromPort: 443, ToPort: 443, IpRanges: []IpRange{{CidrIp: "10.0.0.0/16"}}}}})
		require.NoError(t, err)
		check(t.Fatalf, region.ProtocolTCP, "tcp", 443)
		require.Positive(t, seen[true], "the default NACL and a group admitting the VPC let tcp/443 through")
		rapid.Check(t, func(rt *rapid.T) {
			proto := rapid.SampledFrom([]string{"tcp", "udp"}).Draw(rt, "proto")
			lo := rapid.IntRange(0, 65535).Draw(rt, "lo")
			hi := rapid.IntRange(lo, 65535).Draw(rt, "hi")
			cidr := rapid.SampledFrom([]string{"0.0.0.0/0", "10.0.0.0/16", "10.0.1.0/24", "10.0.0.0/24", "192.168.0.0/16"}).Draw(rt, "cidr")
			switch rapid.IntRange(0, 2).Draw(rt, "what") {
			case 0:
				_, err := f.c.AuthorizeSecurityGroupIngress(p, &AuthorizeSecurityGroupIngressInput{GroupId: g.GroupId,
					IpPermissions: []IpPermission{{IpProtocol: proto, FromPort: int32(lo), ToPort: int32(hi), IpRanges: []IpRange{{CidrIp: cidr}}}}})
				if err != nil && !isDup(err) {
					rt.Fatal(err)
				}
			default:
				num++
				_, err := f.c.CreateNetworkAclEntry(p, &CreateNetworkAclEntryInput{NetworkAclId: acl, RuleNumber: num % 200,
					Egress: rapid.Bool().Draw(rt, "egress"), Protocol: proto, RuleAction: rapid.SampledFrom([]string{"allow", "deny"}).Draw(rt, "action"),
					CidrBlock: cidr, PortRange: &PortRange{From: int32(lo), To: int32(hi)}})
				_ = err // a full ACL or a taken number is fine: the rules stay as they are
			}
			port := rapid.IntRange(0, 65535).Draw(rt, "port")
			rp := region.ProtocolTCP
			if proto == "udp" {
				rp = region.ProtocolUDP
			}
			check(rt.Fatalf, rp, proto, port)
		})
		t.Logf("answers: %d reachable, %d blocked", seen[true], seen[false])
	})
}

func isDup(err error) bool {
	return errors.Is(err, ErrInvalidPermissionDuplicate) || errors.Is(err, ErrRulesPerSecurityGroupLimit)
}
