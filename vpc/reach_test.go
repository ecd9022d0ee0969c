package vpc

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/nimbus-sim/nimbus/sim"
	"github.com/stretchr/testify/require"
)

func perm(t testing.TB, s string) IpPermission {
	t.Helper()
	p, err := ParseRule(s)
	require.NoError(t, err)
	return p
}

func TestSecurityGroupEvaluation(t *testing.T) {
	f := newFixture(t, 2)
	f.do(func(p *sim.Proc) {
		n := f.buildNetwork(p)
		mk := func(name string) string {
			out, err := f.c.CreateSecurityGroup(p, &CreateSecurityGroupInput{GroupName: name, Description: name, VpcId: n.vpc})
			require.NoError(t, err)
			return out.GroupId
		}
		web, db, ssh := mk("web"), mk("db"), mk("ssh")
		auth := func(g string, rules ...string) {
			in := &AuthorizeSecurityGroupIngressInput{GroupId: g}
			for _, r := range rules {
				in.IpPermissions = append(in.IpPermissions, perm(t, r))
			}
			_, err := f.c.AuthorizeSecurityGroupIngress(p, in)
			require.NoError(t, err)
		}
		auth(web, "tcp 443 0.0.0.0/0")
		auth(db, "tcp 5432 "+web) // a group reference
		auth(ssh, "tcp 22 203.0.113.0/24")

		w := f.instance(n.public, web)
		d := f.instance(n.private, db)
		both := f.instance(n.public, web, ssh) // union of two groups
		other := f.instance(n.private, ssh)

		client := netip.MustParseAddr("203.0.113.9")
		for _, tc := range []struct {
			name     string
			src, dst Point
			proto    string
			port     int
			ok       bool
			blocked  string
		}{
			{"internet to web 443", Internet(client), ENI(w.NetworkInterfaceID), "tcp", 443, true, ""},
			{"internet to web 22: no rule", Internet(client), ENI(w.NetworkInterfaceID), "tcp", 22, false, "security-group"},
			{"union: ssh group admits 22", Internet(client), ENI(both.NetworkInterfaceID), "tcp", 22, true, ""},
			{"union: web group admits 443", Internet(client), ENI(both.NetworkInterfaceID), "tcp", 443, true, ""},
			{"group ref: web member to db", ENI(w.NetworkInterfaceID), ENI(d.NetworkInterfaceID), "tcp", 5432, true, ""},
			{"group ref: non-member to db", ENI(other.NetworkInterfaceID), ENI(d.NetworkInterfaceID), "tcp", 5432, false, "security-group"},
			{"stateful: db's reply needs no inbound rule on web", ENI(w.NetworkInterfaceID), ENI(d.NetworkInterfaceID), "tcp", 5432, true, ""},
			{"db wrong port", ENI(w.NetworkInterfaceID), ENI(d.NetworkInterfaceID), "tcp", 5433, false, "security-group"},
			{"private subnet has no public ip", Internet(client), ENI(d.NetworkInterfaceID), "tcp", 5432, false, "network-interface"},
		} {
			a, err := f.svc.Reach(tc.src, tc.dst, tc.proto, tc.port)
			require.NoError(t, err, tc.name)
			require.Equal(t, tc.ok, a.Reachable, "%s:\n%s", tc.name, a)
			if !tc.ok {
				require.Equal(t, tc.blocked, a.Blocked.Kind, "%s:\n%s", tc.name, a)
			}
		}
		// Revoking web's outbound rule blocks new connections from web (the
		// egress side is checked), but not replies to inbound ones.
		_, err := f.c.RevokeSecurityGroupEgress(p, &AuthorizeSecurityGroupIngressInput{GroupId: web, IpPermissions: []IpPermission{perm(t, "-1 all 0.0.0.0/0")}})
		require.NoError(t, err)
		a, _ := f.svc.Reach(ENI(w.NetworkInterfaceID), ENI(d.NetworkInterfaceID), "tcp", 5432)
		require.False(t, a.Reachable)
		require.Contains(t, a.Blocked.Detail, "no outbound rule")
		a, _ = f.svc.Reach(Internet(client), ENI(w.NetworkInterfaceID), "tcp", 443)
		require.True(t, a.Reachable, "stateful: the reply to an allowed inbound connection passes:\n%s", a)
	})
}

func TestNACLOrdering(t *testing.T) {
	f := newFixture(t, 3)
	f.do(func(p *sim.Proc) {
		n := f.buildNetwork(p)
		g, err := f.c.CreateSecurityGroup(p, &CreateSecurityGroupInput{GroupName: "open", Description: "open", VpcId: n.vpc})
		require.NoError(t, err)
		_, err = f.c.AuthorizeSecurityGroupIngress(p, &AuthorizeSecurityGroupIngressInput{GroupId: g.GroupId, IpPermissions: []IpPermission{perm(t, "tcp 0-65535 0.0.0.0/0")}})
		require.NoError(t, err)
		w := f.instance(n.public, g.GroupId)
		acl, err := f.c.CreateNetworkAcl(p, &CreateNetworkAclInput{VpcId: n.vpc})
		require.NoError(t, err)
		id := acl.NetworkAcl.NetworkAclId
		subs, _ := f.c.DescribeNetworkAcls(p, &DescribeNetworkAclsInput{Filters: []Filter{{Name: "default", Values: []string{"true"}}, {Name: "vpc-id", Values: []string{n.vpc}}}})
		var assoc string
		for _, a := range subs.NetworkAcls[0].Associations {
			if a.SubnetId == n.public {
				assoc = a.NetworkAclAssociationId
			}
		}
		_, err = f.c.ReplaceNetworkAclAssociation(p, &ReplaceNetworkAclAssociationInput{AssociationId: assoc, NetworkAclId: id})
		require.NoError(t, err)
		client := netip.MustParseAddr("198.51.100.7")
		reach := func() *Analysis {
			a, err := f.svc.Reach(Internet(client), ENI(w.NetworkInterfaceID), "tcp", 22)
			require.NoError(t, err)
			return a
		}
		a := reach()
		require.False(t, a.Reachable, "a new custom NACL denies everything")
		require.Contains(t, a.Blocked.Detail, "final * rule")
		entry := func(num int32, egress bool, action, cidr string, from, to int32) {
			_, err := f.c.CreateNetworkAclEntry(p, &CreateNetworkAclEntryInput{NetworkAclId: id, RuleNumber: num, Egress: egress,
				Protocol: "6", RuleAction: action, CidrBlock: cidr, PortRange: &PortRange{From: from, To: to}})
			require.NoError(t, err)
		}
		entry(200, false, "allow", "0.0.0.0/0", 22, 22)
		a = reach()
		require.False(t, a.Reachable, "the reply still needs an outbound ephemeral rule:\n%s", a)
		require.Contains(t, a.Blocked.Detail, "reply tcp/49152")
		entry(100, true, "allow", "0.0.0.0/0", 1024, 65535)
		require.True(t, reach().Reachable)
		entry(150, false, "deny", "198.51.100.0/24", 0, 65535) // lower number wins
		a = reach()
		require.False(t, a.Reachable)
		require.Equal(t, "network-acl "+id+": inbound rule 150 denies tcp/22 from 198.51.100.7", a.Blocked.String())
		entry(90, false, "allow", "198.51.100.7/32", 22, 22)
		require.True(t, reach().Reachable, "rule 90 is evaluated before the deny at 150")
	})
}

func TestPeeringIsNotTransitive(t *testing.T) {
	f := newFixture(t, 4)
	f.do(func(p *sim.Proc) {
		mk := func(cidr, sub string) (string, string) {
			v, err := f.c.CreateVpc(p, &CreateVpcInput{CidrBlock: cidr})
			require.NoError(t, err)
			s, err := f.c.CreateSubnet(p, &CreateSubnetInput{VpcId: v.Vpc.VpcId, CidrBlock: sub})
			require.NoError(t, err)
			return v.Vpc.VpcId, s.Subnet.SubnetId
		}
		a, as := mk("10.1.0.0/16", "10.1.0.0/24")
		b, bs := mk("10.2.0.0/16", "10.2.0.0/24")
		c, cs := mk("10.3.0.0/16", "10.3.0.0/24")
		peer := func(x, y string) string {
			out, err := f.c.CreateVpcPeeringConnection(p, &CreateVpcPeeringConnectionInput{VpcId: x, PeerVpcId: y})
			require.NoError(t, err)
			_, err = f.c.AcceptVpcPeeringConnection(p, &AcceptVpcPeeringConnectionInput{VpcPeeringConnectionId: out.VpcPeeringConnection.VpcPeeringConnectionId})
			require.NoError(t, err)
			return out.VpcPeeringConnection.VpcPeeringConnectionId
		}
		ab, bc := peer(a, b), peer(b, c)
		main := func(v string) string {
			rts, err := f.c.DescribeRouteTables(p, &DescribeRouteTablesInput{Filters: []Filter{{Name: "vpc-id", Values: []string{v}}}})
			require.NoError(t, err)
			return rts.RouteTables[0].RouteTableId
		}
		route := func(v, dst, pcx string) {
			_, err := f.c.CreateRoute(p, &CreateRouteInput{RouteTableId: main(v), DestinationCidrBlock: dst, VpcPeeringConnectionId: pcx})
			require.NoError(t, err)
		}
		route(a, "10.2.0.0/16", ab)
		route(b, "10.1.0.0/16", ab)
		route(a, "10.3.0.0/16", ab) // tries to reach c through b
		route(b, "10.3.0.0/16", bc)
		route(c, "10.2.0.0/16", bc)
		sg := func(v string) string {
			out, err := f.c.CreateSecurityGroup(p, &CreateSecurityGroupInput{GroupName: "icmp", Description: "icmp", VpcId: v})
			require.NoError(t, err)
			_, err = f.c.AuthorizeSecurityGroupIngress(p, &AuthorizeSecurityGroupIngressInput{GroupId: out.GroupId, IpPermissions: []IpPermission{perm(t, "-1 all 10.0.0.0/8")}})
			require.NoError(t, err)
			return out.GroupId
		}
		ia, ib, ic := f.instance(as, sg(a)), f.instance(bs, sg(b)), f.instance(cs, sg(c))
		r, _ := f.svc.Reach(ENI(ia.NetworkInterfaceID), ENI(ib.NetworkInterfaceID), "icmp", 0)
		require.True(t, r.Reachable, "%s", r)
		r, _ = f.svc.Reach(ENI(ib.NetworkInterfaceID), ENI(ic.NetworkInterfaceID), "icmp", 0)
		require.True(t, r.Reachable, "%s", r)
		r, _ = f.svc.Reach(ENI(ia.NetworkInterfaceID), ENI(ic.NetworkInterfaceID), "icmp", 0)
		require.False(t, r.Reachable)
		require.Equal(t, "peering-connection", r.Blocked.Kind)
		require.Contains(t, r.Blocked.Detail, "not transitive")
	})
}

func TestBadInputChangesNothing(t *testing.T) {
	f := newFixture(t, 5)
	f.do(func(p *sim.Proc) {
		n := f.buildNetwork(p)
		snapshot := func() string {
			vs, _ := f.c.DescribeVpcs(p, nil)
			ss, _ := f.c.DescribeSubnets(p, nil)
			rs, _ := f.c.DescribeRouteTables(p, nil)
			gs, _ := f.c.DescribeSecurityGroups(p, nil)
			as, _ := f.c.DescribeNetworkAcls(p, nil)
			return sprint(*vs, *ss, *rs, *gs, *as)
		}
		before := snapshot()
		other, err := f.c.CreateVpc(p, &CreateVpcInput{CidrBlock: "10.9.0.0/16"})
		require.NoError(t, err)
		otherRT := other.Vpc.VpcId
		rts, _ := f.c.DescribeRouteTables(p, &DescribeRouteTablesInput{Filters: []Filter{{Name: "vpc-id", Values: []string{otherRT}}}})
		otherRT = rts.RouteTables[0].RouteTableId
		_, err = f.c.DeleteVpc(p, &DeleteVpcInput{VpcId: other.Vpc.VpcId})
		require.NoError(t, err)
		require.Equal(t, before, snapshot(), "create then delete restores the state")
		sg, _ := f.c.DescribeSecurityGroups(p, &DescribeSecurityGroupsInput{Filters: []Filter{{Name: "vpc-id", Values: []string{n.vpc}}}})
		group := sg.SecurityGroups[0].GroupId
		before = snapshot()

		for _, tc := range []struct {
			name, code string
			call       func() error
		}{
			{"vpc too big", "InvalidVpc.Range", func() error { _, err := f.c.CreateVpc(p, &CreateVpcInput{CidrBlock: "10.0.0.0/8"}); return err }},
			{"malformed vpc cidr", "InvalidParameterValue", func() error { _, err := f.c.CreateVpc(p, &CreateVpcInput{CidrBlock: "10.0.0/16"}); return err }},
			{"overlapping subnet", "InvalidSubnet.Conflict", func() error {
				_, err := f.c.CreateSubnet(p, &CreateSubnetInput{VpcId: n.vpc, CidrBlock: "10.0.0.128/25"})
				return err
			}},
			{"subnet outside vpc", "InvalidSubnet.Range", func() error {
				_, err := f.c.CreateSubnet(p, &CreateSubnetInput{VpcId: n.vpc, CidrBlock: "10.1.0.0/24"})
				return err
			}},
			{"unknown vpc", "InvalidVpcID.NotFound", func() error {
				_, err := f.c.CreateSubnet(p, &CreateSubnetInput{VpcId: "vpc-0000000000000000f", CidrBlock: "10.0.9.0/24"})
				return err
			}},
			{"overlapping secondary", "InvalidVpc.Range", func() error {
				_, err := f.c.AssociateVpcCidrBlock(p, &AssociateVpcCidrBlockInput{VpcId: n.vpc, CidrBlock: "10.0.128.0/17"})
				return err
			}},
			{"port range reversed", "InvalidParameterValue", func() error {
				_, err := f.c.AuthorizeSecurityGroupIngress(p, &AuthorizeSecurityGroupIngressInput{GroupId: group,
					IpPermissions: []IpPermission{perm(t, "tcp 22 0.0.0.0/0"), {IpProtocol: "tcp", FromPort: 90, ToPort: 80, IpRanges: []IpRange{{CidrIp: "0.0.0.0/0"}}}}})
				return err
			}},
			{"port beyond 65535", "InvalidParameterValue", func() error {
				_, err := f.c.AuthorizeSecurityGroupIngress(p, &AuthorizeSecurityGroupIngressInput{GroupId: group,
					IpPermissions: []IpPermission{{IpProtocol: "udp", FromPort: 53, ToPort: 70000, IpRanges: []IpRange{{CidrIp: "0.0.0.0/0"}}}}})
				return err
			}},
			{"unknown referenced group", "InvalidGroup.NotFound", func() error {
				_, err := f.c.AuthorizeSecurityGroupIngress(p, &AuthorizeSecurityGroupIngressInput{GroupId: group, IpPermissions: []IpPermission{perm(t, "tcp 22 sg-00000000000000001")}})
				return err
			}},
			{"duplicate rule", "InvalidPermission.Duplicate", func() error {
				_, err := f.c.AuthorizeSecurityGroupEgress(p, &AuthorizeSecurityGroupIngressInput{GroupId: group, IpPermissions: []IpPermission{perm(t, "-1 all 0.0.0.0/0")}})
				return err
			}},
			{"revoke missing rule", "InvalidPermission.NotFound", func() error {
				_, err := f.c.RevokeSecurityGroupIngress(p, &AuthorizeSecurityGroupIngressInput{GroupId: group, IpPermissions: []IpPermission{perm(t, "tcp 22 0.0.0.0/0")}})
				return err
			}},
			{"delete vpc with dependencies", "DependencyViolation", func() error { _, err := f.c.DeleteVpc(p, &DeleteVpcInput{VpcId: n.vpc}); return err }},
			{"subnet already has a table", "Resource.AlreadyAssociated", func() error {
				_, err := f.c.AssociateRouteTable(p, &AssociateRouteTableInput{RouteTableId: rtsOf(t, f, p, n.vpc), SubnetId: n.public})
				return err
			}},
			{"route exists", "RouteAlreadyExists", func() error {
				_, err := f.c.CreateRoute(p, &CreateRouteInput{RouteTableId: n.publicRT, DestinationCidrBlock: "0.0.0.0/0", GatewayId: n.igw})
				return err
			}},
			{"delete local route", "InvalidParameterValue", func() error {
				_, err := f.c.DeleteRoute(p, &DeleteRouteInput{RouteTableId: n.publicRT, DestinationCidrBlock: "10.0.0.0/16"})
				return err
			}},
			{"nacl rule number 0", "InvalidParameterValue", func() error {
				_, err := f.c.CreateNetworkAclEntry(p, &CreateNetworkAclEntryInput{NetworkAclId: naclOf(t, f, p, n.vpc), RuleNumber: 0, Protocol: "-1", RuleAction: "allow", CidrBlock: "0.0.0.0/0"})
				return err
			}},
			{"nacl rule exists", "NetworkAclEntryAlreadyExists", func() error {
				_, err := f.c.CreateNetworkAclEntry(p, &CreateNetworkAclEntryInput{NetworkAclId: naclOf(t, f, p, n.vpc), RuleNumber: 100, Protocol: "-1", RuleAction: "deny", CidrBlock: "0.0.0.0/0"})
				return err
			}},
			{"delete default group", "CannotDelete", func() error {
				_, err := f.c.DeleteSecurityGroup(p, &DeleteSecurityGroupInput{GroupId: group})
				return err
			}},
		} {
			requireCode(t, tc.call(), tc.code)
			require.Equal(t, before, snapshot(), "%s changed state", tc.name)
		}
		// The other VPC's table: make one, then try to associate it.
		v2, err := f.c.CreateVpc(p, &CreateVpcInput{CidrBlock: "10.9.0.0/16"})
		require.NoError(t, err)
		before = snapshot()
		_, err = f.c.AssociateRouteTable(p, &AssociateRouteTableInput{RouteTableId: rtsOf(t, f, p, v2.Vpc.VpcId), SubnetId: n.public})
		requireCode(t, err, "InvalidParameterValue")
		require.Contains(t, err.Error(), "belong to different networks")
		require.Equal(t, before, snapshot())
		_ = otherRT
	})
}

func rtsOf(t testing.TB, f *fixture, p *sim.Proc, vpc string) string {
	rts, err := f.c.DescribeRouteTables(p, &DescribeRouteTablesInput{Filters: []Filter{{Name: "vpc-id", Values: []string{vpc}}, {Name: "association.main", Values: []string{"true"}}}})
	require.NoError(t, err)
	return rts.RouteTables[0].RouteTableId
}

func naclOf(t testing.TB, f *fixture, p *sim.Proc, vpc string) string {
	as, err := f.c.DescribeNetworkAcls(p, &DescribeNetworkAclsInput{Filters: []Filter{{Name: "vpc-id", Values: []string{vpc}}}})
	require.NoError(t, err)
	return as.NetworkAcls[0].NetworkAclId
}

// TestAssociationIDs: a subnet's association IDs, kept as numbers (NACL)
// or found in the table (route table), are the ones the API handed out:
// DescribeNetworkAcls shows the ID ReplaceNetworkAclAssociation returned,
// the replaced ID is gone, and deleting a subnet with an explicit route
// table association removes the association.
func TestAssociationIDs(t *testing.T) {
	f := newFixture(t, 32)
	f.do(func(p *sim.Proc) {
		n := f.buildNetwork(p)
		acl, err := f.c.CreateNetworkAcl(p, &CreateNetworkAclInput{VpcId: n.vpc})
		require.NoError(t, err)
		assocOf := func(aclID string) string {
			out, err := f.c.DescribeNetworkAcls(p, &DescribeNetworkAclsInput{NetworkAclIds: []string{aclID}})
			require.NoError(t, err)
			for _, a := range out.NetworkAcls[0].Associations {
				if a.SubnetId == n.private {
					return a.NetworkAclAssociationId
				}
			}
			return ""
		}
		def := f.svc.subnets[n.private].nacl.id
		old := assocOf(def)
		require.True(t, strings.HasPrefix(old, "aclassoc-"), old)
		r, err := f.c.ReplaceNetworkAclAssociation(p, &ReplaceNetworkAclAssociationInput{AssociationId: old, NetworkAclId: acl.NetworkAcl.NetworkAclId})
		require.NoError(t, err)
		require.NotEqual(t, old, r.NewAssociationId)
		require.Equal(t, r.NewAssociationId, assocOf(acl.NetworkAcl.NetworkAclId))
		_, err = f.c.ReplaceNetworkAclAssociation(p, &ReplaceNetworkAclAssociationInput{AssociationId: old, NetworkAclId: def})
		requireCode(t, err, "InvalidAssociationID.NotFound")

		rtAssoc := f.svc.subnets[n.public].rtbAssocID()
		require.True(t, strings.HasPrefix(rtAssoc, "rtbassoc-"), rtAssoc)
		_, err = f.c.DeleteSubnet(p, &DeleteSubnetInput{SubnetId: n.public})
		require.NoError(t, err)
		_, err = f.c.DisassociateRouteTable(p, &DisassociateRouteTableInput{AssociationId: rtAssoc})
		requireCode(t, err, "InvalidAssociationID.NotFound")
	})
}
