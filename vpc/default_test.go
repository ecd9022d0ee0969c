package vpc

import (
	"testing"

	"github.com/nimbus-sim/nimbus/sim"
	"github.com/stretchr/testify/require"
)

func TestDefaultVPCShape(t *testing.T) {
	f := newFixture(t, 1)
	f.do(func(p *sim.Proc) {
		vs, err := f.c.DescribeVpcs(p, nil)
		require.NoError(t, err)
		require.Len(t, vs.Vpcs, 1)
		v := vs.Vpcs[0]
		require.True(t, v.IsDefault)
		require.Equal(t, "172.31.0.0/16", v.CidrBlock)

		sn, err := f.c.DescribeSubnets(p, &DescribeSubnetsInput{Filters: []Filter{{Name: "vpc-id", Values: []string{v.VpcId}}}})
		require.NoError(t, err)
		r, _ := f.w.Region(testRegion)
		require.Len(t, sn.Subnets, len(r.AZs()), "one default subnet per zone")
		byZone := map[string]Subnet{}
		for _, s := range sn.Subnets {
			require.True(t, s.DefaultForAz)
			require.True(t, s.MapPublicIpOnLaunch)
			require.Equal(t, int32(4091), s.AvailableIpAddressCount, "a /20 less five reserved")
			byZone[s.AvailabilityZone] = s
		}
		require.Equal(t, "172.31.0.0/20", byZone["us-east-1a"].CidrBlock)
		require.Equal(t, "172.31.16.0/20", byZone["us-east-1b"].CidrBlock)

		igw, err := f.c.DescribeInternetGateways(p, nil)
		require.NoError(t, err)
		require.Len(t, igw.InternetGateways, 1)
		require.Equal(t, v.VpcId, igw.InternetGateways[0].Attachments[0].VpcId)

		rts, err := f.c.DescribeRouteTables(p, &DescribeRouteTablesInput{Filters: []Filter{{Name: "association.main", Values: []string{"true"}}}})
		require.NoError(t, err)
		require.Len(t, rts.RouteTables, 1)
		routes := rts.RouteTables[0].Routes
		require.Len(t, routes, 2)
		require.Equal(t, Route{DestinationCidrBlock: "172.31.0.0/16", GatewayId: "local", Origin: "CreateRouteTable", State: "active"}, routes[0])
		require.Equal(t, "0.0.0.0/0", routes[1].DestinationCidrBlock)
		require.Equal(t, igw.InternetGateways[0].InternetGatewayId, routes[1].GatewayId)

		sgs, err := f.c.DescribeSecurityGroups(p, nil)
		require.NoError(t, err)
		require.Len(t, sgs.SecurityGroups, 1)
		g := sgs.SecurityGroups[0]
		require.Equal(t, "default", g.GroupName)
		require.Len(t, g.IpPermissions, 1)
		require.Equal(t, "-1", g.IpPermissions[0].IpProtocol)
		require.Equal(t, g.GroupId, g.IpPermissions[0].UserIdGroupPairs[0].GroupId, "inbound from its own members")
		require.Len(t, g.IpPermissionsEgress, 1)
		require.Equal(t, "0.0.0.0/0", g.IpPermissionsEgress[0].IpRanges[0].CidrIp)

		acls, err := f.c.DescribeNetworkAcls(p, nil)
		require.NoError(t, err)
		require.Len(t, acls.NetworkAcls, 1)
		a := acls.NetworkAcls[0]
		require.True(t, a.IsDefault)
		require.Len(t, a.Associations, len(r.AZs()))
		var nums []int32
		for _, e := range a.Entries {
			nums = append(nums, e.RuleNumber)
		}
		require.Equal(t, []int32{100, 100, 32767, 32767}, nums)
		require.Equal(t, "allow", a.Entries[0].RuleAction)
		require.Equal(t, "deny", a.Entries[2].RuleAction)
	})
}

// Each (account, region) pair has its own default VPC, whichever pair
// came first (the first is kept beside the map), and forgetting one
// (as DeleteVpc does) leaves the others.
func TestDefaultVPCPerAccountAndRegion(t *testing.T) {
	f := newFixture(t, 3)
	regions := f.w.Regions()
	require.GreaterOrEqual(t, len(regions), 2)
	other := regions[1].Code()
	if other == testRegion {
		other = regions[0].Code()
	}
	pairs := [][2]string{{testAccount, testRegion}, {testAccount, other}, {"444455556666", testRegion}}
	ids := map[string]bool{}
	for _, pr := range pairs {
		id, err := f.svc.DefaultVPC(pr[0], pr[1])
		require.NoError(t, err)
		require.False(t, ids[id], "a default VPC per pair")
		ids[id] = true
	}
	for _, pr := range pairs {
		again, err := f.svc.DefaultVPC(pr[0], pr[1])
		require.NoError(t, err)
		require.True(t, ids[again])
	}
	first, err := f.svc.DefaultVPC(testAccount, testRegion)
	require.NoError(t, err)
	second, err := f.svc.DefaultVPC(testAccount, other)
	require.NoError(t, err)

	f.svc.setDefault(testAccount, other, nil)
	_, err = f.svc.DefaultVPC(testAccount, other)
	requireCode(t, err, "VPCIdNotSpecified")
	got, err := f.svc.DefaultVPC(testAccount, testRegion)
	require.NoError(t, err)
	require.Equal(t, first, got)
	require.NotEqual(t, second, got)

	f.svc.setDefault(testAccount, testRegion, nil)
	_, err = f.svc.DefaultVPC(testAccount, testRegion)
	requireCode(t, err, "VPCIdNotSpecified")
	_, err = f.svc.DefaultVPC(testAccount, "xx-nowhere-1")
	requireCode(t, err, "InvalidParameterValue")
	_, err = f.svc.DefaultVPC("444455556666", testRegion)
	require.NoError(t, err)
}
