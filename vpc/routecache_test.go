package vpc

import (
	"net/netip"
	"reflect"
	"strings"
	"testing"

	"github.com/nimbus-sim/nimbus/iam"
	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/sim"
	"github.com/stretchr/testify/require"
)

// routeProbe is a question Route answers from its cache: a call from an
// interface to a service endpoint.
type routeProbe struct {
	from region.Location
	to   region.Destination
}

func (f *fixture) probe(i InterfaceInfo, service string) routeProbe {
	return routeProbe{from: f.loc(i), to: region.Destination{Service: service, Region: testRegion, Port: 443}}
}

// pathOf names a route by its hops ("internet-gateway",
// "nat-gateway+internet-gateway", ...), or "none".
func pathOf(r region.Route, ok bool) string {
	if !ok {
		return "none"
	}
	kinds := make([]string, len(r.Hops))
	for i, h := range r.Hops {
		kinds[i] = h.Kind.String()
	}
	return strings.Join(kinds, "+")
}

// TestRouteCacheInvalidation: Route remembers its answers to calls from
// interfaces to service endpoints, and every kind of change that alters
// such an answer makes Route answer anew: routes, route-table
// associations, internet gateways (failed, restored), gateway and
// interface endpoints (created, failed, deleted), NAT gateways (created,
// their zone dark, deleted), security-group rules, NACL entries and
// associations, an interface's public and Elastic addresses, and the
// interface itself (which CheckNetwork's memo forgets too). Each step first asks the question (so the old answer
// is remembered), makes the change, and requires the new answer to equal
// one computed without the cache and to differ from the old one: a cache
// that missed the change would serve the old answer and fail.
func TestRouteCacheInvalidation(t *testing.T) {
	f := newFixture(t, 61)
	f.do(func(p *sim.Proc) {
		s := f.svc
		n := f.buildNetwork(p) // public subnet in zone a (IGW route), private in zone b (local only)
		a := f.instance(n.public)
		b := f.instance(n.private)
		aEC2, aS3, bEC2 := f.probe(a, "ec2"), f.probe(a, "s3"), f.probe(b, "ec2")

		ask := func(q routeProbe) (region.Route, bool) { return s.Route(q.from, q.to) }
		step := func(what string, q routeProbe, change func(), want string) region.Route {
			t.Helper()
			before, beforeOK := ask(q)
			k := routeKey{eni: q.from.NetworkInterfaceID(), service: q.to.Service, region: q.to.Region, port: q.to.Port}
			_, hit := s.cachedRoute(&k)
			require.True(t, hit, "%s: the answer before the change is remembered", what)
			change()
			got, ok := ask(q)
			fresh, freshOK := s.route(q.from.NetworkInterfaceID(), q.to)
			require.Equal(t, freshOK, ok, "%s: the cache answers as a fresh route", what)
			require.Equal(t, fresh, got, "%s: the cache answers as a fresh route", what)
			require.Equal(t, want, pathOf(got, ok), "%s", what)
			require.False(t, beforeOK == ok && pathOf(before, beforeOK) == pathOf(got, ok) && before.Keys == got.Keys,
				"%s: the change must alter the answer, else this step proves nothing", what)
			// Asked again, the new answer is the remembered one.
			again, againOK := ask(q)
			require.Equal(t, ok, againOK, "%s", what)
			require.Equal(t, got, again, "%s", what)
			return got
		}
		noErr := func(_ any, err error) { t.Helper(); require.NoError(t, err) }
		pub := s.subnets[n.public]

		r, ok := ask(aEC2)
		require.True(t, ok)
		require.Equal(t, "internet-gateway", pathOf(r, ok))

		// Routes and route-table associations.
		step("route deleted", aEC2, func() {
			noErr(f.c.DeleteRoute(p, &DeleteRouteInput{RouteTableId: n.publicRT, DestinationCidrBlock: "0.0.0.0/0"}))
		}, "none")
		step("route created", aEC2, func() {
			noErr(f.c.CreateRoute(p, &CreateRouteInput{RouteTableId: n.publicRT, DestinationCidrBlock: "0.0.0.0/0", GatewayId: n.igw}))
		}, "internet-gateway")
		step("route table disassociated", aEC2, func() {
			noErr(f.c.DisassociateRouteTable(p, &DisassociateRouteTableInput{AssociationId: pub.rtbAssocID()}))
		}, "none")
		step("route table associated", aEC2, func() {
			noErr(f.c.AssociateRouteTable(p, &AssociateRouteTableInput{RouteTableId: n.publicRT, SubnetId: n.public}))
		}, "internet-gateway")

		// Internet gateways. (One cannot be detached while an interface
		// behind it has a public address, so detaching never changes a
		// route to a service.)
		step("gateway failed", aEC2, func() { require.NoError(t, s.FailComponent(n.igw)) }, "none")
		step("gateway restored", aEC2, func() { require.NoError(t, s.RestoreComponent(n.igw)) }, "internet-gateway")

		// Security groups.
		sg := a.Groups[0]
		all := []IpPermission{perm(t, "-1 all 0.0.0.0/0")}
		step("egress revoked", aEC2, func() {
			noErr(f.c.RevokeSecurityGroupEgress(p, &AuthorizeSecurityGroupIngressInput{GroupId: sg, IpPermissions: all}))
		}, "none")
		step("egress authorized", aEC2, func() {
			noErr(f.c.AuthorizeSecurityGroupEgress(p, &AuthorizeSecurityGroupIngressInput{GroupId: sg, IpPermissions: all}))
		}, "internet-gateway")

		// NACL entries and associations.
		deny := &CreateNetworkAclEntryInput{NetworkAclId: pub.nacl.id, RuleNumber: 50, Egress: true, Protocol: "-1", RuleAction: "deny", CidrBlock: "0.0.0.0/0"}
		step("nacl entry added", aEC2, func() { noErr(f.c.CreateNetworkAclEntry(p, deny)) }, "none")
		step("nacl entry deleted", aEC2, func() {
			noErr(f.c.DeleteNetworkAclEntry(p, &DeleteNetworkAclEntryInput{NetworkAclId: pub.nacl.id, RuleNumber: 50, Egress: true}))
		}, "internet-gateway")
		defaultACL := pub.nacl.id
		custom, err := f.c.CreateNetworkAcl(p, &CreateNetworkAclInput{VpcId: n.vpc}) // denies everything
		require.NoError(t, err)
		step("nacl association replaced", aEC2, func() {
			noErr(f.c.ReplaceNetworkAclAssociation(p, &ReplaceNetworkAclAssociationInput{AssociationId: f.svc.naclAssocID(pub), NetworkAclId: custom.NetworkAcl.NetworkAclId}))
		}, "none")
		step("nacl association restored", aEC2, func() {
			noErr(f.c.ReplaceNetworkAclAssociation(p, &ReplaceNetworkAclAssociationInput{AssociationId: f.svc.naclAssocID(pub), NetworkAclId: defaultACL}))
		}, "internet-gateway")

		// The interface's addresses.
		step("public address released", aEC2, func() { s.ReleasePublicIP(a.NetworkInterfaceID) }, "none")
		old := a.PublicIP
		r = step("public address assigned", aEC2, func() { s.AssignPublicIP(a.NetworkInterfaceID) }, "internet-gateway")
		require.NotEqual(t, old, r.Keys.SourceIP, "a new auto-assigned address")
		eip, err := f.c.AllocateAddress(p, nil)
		require.NoError(t, err)
		r = step("elastic address associated", aEC2, func() {
			noErr(f.c.AssociateAddress(p, &AssociateAddressInput{AllocationId: eip.AllocationId, NetworkInterfaceId: a.NetworkInterfaceID}))
		}, "internet-gateway")
		require.Equal(t, netip.MustParseAddr(eip.PublicIp), r.Keys.SourceIP)

		// Gateway endpoints.
		var gwe string
		step("gateway endpoint created", aS3, func() {
			out, err := f.c.CreateVpcEndpoint(p, &CreateVpcEndpointInput{VpcId: n.vpc, ServiceName: "com.amazonaws.us-east-1.s3", RouteTableIds: []string{n.publicRT}})
			require.NoError(t, err)
			gwe = out.VpcEndpoint.VpcEndpointId
		}, "gateway-endpoint")
		step("gateway endpoint failed", aS3, func() { require.NoError(t, s.FailComponent(gwe)) }, "none")
		step("gateway endpoint restored", aS3, func() { require.NoError(t, s.RestoreComponent(gwe)) }, "gateway-endpoint")
		step("gateway endpoint deleted", aS3, func() {
			noErr(f.c.DeleteVpcEndpoints(p, &DeleteVpcEndpointsInput{VpcEndpointIds: []string{gwe}}))
		}, "internet-gateway")

		// Interface endpoints.
		https, err := f.c.CreateSecurityGroup(p, &CreateSecurityGroupInput{GroupName: "endpoint", Description: "https", VpcId: n.vpc})
		require.NoError(t, err)
		noErr(f.c.AuthorizeSecurityGroupIngress(p, &AuthorizeSecurityGroupIngressInput{GroupId: https.GroupId, IpPermissions: []IpPermission{perm(t, "tcp 443 10.0.0.0/16")}}))
		var ife string
		step("interface endpoint created", aEC2, func() {
			out, err := f.c.CreateVpcEndpoint(p, &CreateVpcEndpointInput{VpcId: n.vpc, ServiceName: "com.amazonaws.us-east-1.ec2", VpcEndpointType: "Interface",
				SubnetIds: []string{n.public}, SecurityGroupIds: []string{https.GroupId}})
			require.NoError(t, err)
			ife = out.VpcEndpoint.VpcEndpointId
		}, "local+interface-endpoint")
		step("interface endpoint deleted", aEC2, func() {
			noErr(f.c.DeleteVpcEndpoints(p, &DeleteVpcEndpointsInput{VpcEndpointIds: []string{ife}}))
		}, "internet-gateway")

		// NAT gateways, and the outage of their zone, which is the
		// region's state rather than the Service's.
		r, ok = ask(bEC2)
		require.Equal(t, "none", pathOf(r, ok), "the private subnet has only the local route")
		var nat string
		step("nat gateway created", bEC2, func() { nat = f.addNAT(p, n) }, "nat-gateway+internet-gateway")
		step("nat zone dark", bEC2, func() { require.NoError(t, f.w.Faults().FailAZ(pub.azID)) }, "none")
		step("nat zone back", bEC2, func() { require.NoError(t, f.w.Faults().RestoreAZ(pub.azID)) }, "nat-gateway+internet-gateway")
		step("nat gateway deleted", bEC2, func() {
			noErr(f.c.DeleteNatGateway(p, &DeleteNatGatewayInput{NatGatewayId: nat}))
		}, "none")

		// The interface itself; CheckNetwork, which remembers the last
		// identity it found valid, forgets it too.
		id := aEC2.from.Network()
		require.NoError(t, s.CheckNetwork(id))
		step("interface released", aEC2, func() { s.ReleaseInterface(a.NetworkInterfaceID) }, "none")
		requireCode(t, s.CheckNetwork(id), "InvalidNetworkInterfaceID.NotFound")
	})
}

// TestRouteCacheKeepsAnswers: reads do not forget remembered routes, and a
// remembered answer costs no allocation.
func TestRouteCacheKeepsAnswers(t *testing.T) {
	f := newFixture(t, 62)
	f.do(func(p *sim.Proc) {
		n := f.buildNetwork(p)
		a := f.instance(n.public)
		q := f.probe(a, "ec2")
		k := routeKey{eni: a.NetworkInterfaceID, service: "ec2", region: testRegion, port: 443}
		r, ok := f.svc.Route(q.from, q.to)
		require.True(t, ok)
		_, err := f.c.DescribeRouteTables(p, &DescribeRouteTablesInput{})
		require.NoError(t, err)
		m, hit := f.svc.cachedRoute(&k)
		require.True(t, hit, "a Describe changes nothing")
		require.Equal(t, r, m.r)
		allocs := testing.AllocsPerRun(100, func() {
			if _, ok := f.svc.Route(q.from, q.to); !ok {
				t.Fatal("no route")
			}
		})
		require.Zero(t, allocs, "a remembered route allocates nothing")
	})
}

// TestSetRouteCopiesEveryField: setRoute copies a Route field by field;
// a field added to Route or SourceKeys must be added there too.
func TestSetRouteCopiesEveryField(t *testing.T) {
	require.Equal(t, 4, reflect.TypeOf(region.Route{}).NumField(), "update setRoute")
	require.Equal(t, 4, reflect.TypeOf(region.SourceKeys{}).NumField(), "update setRoute")
	src := region.Route{Hops: []region.Hop{{Kind: region.HopGatewayEndpoint, ID: "vpce-1"}}, Transfer: region.TransferInterAZ,
		Keys: region.SourceKeys{SourceIP: netip.MustParseAddr("203.0.113.1"), SourceVpc: "vpc-1", SourceVpce: "vpce-1",
			VpcSourceIP: netip.MustParseAddr("10.0.0.1")},
		EndpointPolicy: &iam.Policy{}}
	var dst region.Route
	setRoute(&dst, &src)
	require.Equal(t, src, dst)
}
