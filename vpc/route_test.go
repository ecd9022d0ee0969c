package vpc

import (
	"strings"
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/billing"
	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/sim"
	"github.com/stretchr/testify/require"
)

func (f *fixture) loc(i InterfaceInfo) region.Location {
	l, err := f.w.InAZ(i.AZID)
	require.NoError(f.t, err)
	return l.WithNetwork(region.NetworkIdentity{VpcID: i.VpcID, SubnetID: i.SubnetID, NetworkInterfaceID: i.NetworkInterfaceID, PrivateIPv4: i.PrivateIP})
}

// TestRouteBetweenInstances: flows between interfaces are checked against
// routes, NACLs and groups, and classified for billing: same zone free,
// across zones $0.01/GB on each side.
func TestRouteBetweenInstances(t *testing.T) {
	f := newFixture(t, 41)
	f.do(func(p *sim.Proc) {
		n := f.buildNetwork(p) // public in zone a, private in zone b
		g, err := f.c.CreateSecurityGroup(p, &CreateSecurityGroupInput{GroupName: "app", Description: "app", VpcId: n.vpc})
		require.NoError(t, err)
		_, err = f.c.AuthorizeSecurityGroupIngress(p, &AuthorizeSecurityGroupIngressInput{GroupId: g.GroupId, IpPermissions: []IpPermission{perm(t, "tcp 8080 10.0.0.0/16")}})
		require.NoError(t, err)
		a1, a2 := f.instance(n.public, g.GroupId), f.instance(n.public, g.GroupId)
		b := f.instance(n.private, g.GroupId)
		dst := func(i InterfaceInfo, port uint16) region.Destination {
			return region.Destination{To: f.loc(i), Port: port}
		}
		r, ok := f.svc.Route(f.loc(a1), dst(a2, 8080))
		require.True(t, ok)
		require.Equal(t, region.TransferIntraAZ, r.Transfer)
		require.Equal(t, region.HopLocal, r.Hops[0].Kind)
		r, ok = f.svc.Route(f.loc(a1), dst(b, 8080))
		require.True(t, ok)
		require.Equal(t, region.TransferInterAZ, r.Transfer)
		_, ok = f.svc.Route(f.loc(a1), dst(b, 22))
		require.False(t, ok, "the group admits 8080 only")
		why := f.svc.ExplainRoute(f.loc(a1), dst(b, 22))
		require.Equal(t, "security-group", why.Blocked.Kind)

		// By address instead of Location.
		r, ok = f.svc.Route(f.loc(a1), region.Destination{IP: b.PrivateIP, Port: 8080})
		require.True(t, ok)
		require.Equal(t, region.TransferInterAZ, r.Transfer)

		// Billing: 10 GiB across zones is $0.10 on each side.
		class, err := f.svc.MeterFlow(f.loc(a1), dst(b, 8080), 10<<30)
		require.NoError(t, err)
		require.Equal(t, region.TransferInterAZ, class)
		class, err = f.svc.MeterFlow(f.loc(a1), dst(a2, 8080), 10<<30)
		require.NoError(t, err)
		require.Equal(t, region.TransferIntraAZ, class)
		inv := f.w.Billing().Invoice(testAccount, billing.MonthOf(f.env.NowTime()))
		var regional billing.Money
		for _, li := range inv.Lines {
			if strings.Contains(li.UsageType, "DataTransfer-Regional-Bytes") {
				regional += li.Cost
			}
		}
		require.Equal(t, billing.MustParseMoney("0.20"), regional)

		// A caller outside any VPC gets a direct path; an unknown interface none.
		_, ok = f.svc.Route(region.InRegion(testRegion), region.Destination{Service: "s3", Region: testRegion, Port: 443})
		require.True(t, ok)
		require.Error(t, f.svc.CheckNetwork(region.NetworkIdentity{NetworkInterfaceID: "eni-00000000000000001"}))
		requireCode(t, f.svc.CheckNetwork(region.NetworkIdentity{SubnetID: "subnet-00000000000000001"}), "InvalidSubnetID.NotFound")
		require.NoError(t, f.svc.CheckNetwork(region.NetworkIdentity{VpcID: n.vpc, SubnetID: n.public, NetworkInterfaceID: a1.NetworkInterfaceID}))
		requireCode(t, f.svc.CheckNetwork(region.NetworkIdentity{VpcID: n.vpc, SubnetID: n.private, NetworkInterfaceID: a1.NetworkInterfaceID}), "InvalidParameterValue")
	})
}

// TestInterfaceEndpoint: an interface endpoint answers the service's name
// inside the VPC (private DNS), bills $0.01 per zone-hour, and its group
// must admit HTTPS from the caller.
func TestInterfaceEndpoint(t *testing.T) {
	f := newFixture(t, 42)
	f.do(func(p *sim.Proc) {
		n := f.buildNetwork(p)
		i := f.instance(n.private)
		path, _ := f.svc.PathToService(i.NetworkInterfaceID, "sts")
		require.Equal(t, PathNone, path.Kind)
		g, err := f.c.CreateSecurityGroup(p, &CreateSecurityGroupInput{GroupName: "endpoint", Description: "https", VpcId: n.vpc})
		require.NoError(t, err)
		ep, err := f.c.CreateVpcEndpoint(p, &CreateVpcEndpointInput{VpcId: n.vpc, ServiceName: "com.amazonaws.us-east-1.sts", VpcEndpointType: "Interface",
			SubnetIds: []string{n.public, n.private}, SecurityGroupIds: []string{g.GroupId}})
		require.NoError(t, err)
		require.Len(t, ep.VpcEndpoint.NetworkInterfaceIds, 2)
		path, _ = f.svc.PathToService(i.NetworkInterfaceID, "sts")
		require.Equal(t, PathNone, path.Kind, "the endpoint's group admits nothing yet")
		require.Equal(t, "security-group", path.Analysis.Blocked.Kind)
		_, err = f.c.AuthorizeSecurityGroupIngress(p, &AuthorizeSecurityGroupIngressInput{GroupId: g.GroupId, IpPermissions: []IpPermission{perm(t, "tcp 443 10.0.0.0/16")}})
		require.NoError(t, err)
		path, _ = f.svc.PathToService(i.NetworkInterfaceID, "sts")
		require.Equal(t, PathInterfaceEndpoint, path.Kind, "%s", path.Analysis)
		require.Equal(t, ep.VpcEndpoint.VpcEndpointId, path.EndpointID)
		r, ok := f.svc.Route(f.loc(i), region.Destination{Service: "sts", Region: testRegion, Port: 443})
		require.True(t, ok)
		require.Equal(t, region.TransferIntraAZ, r.Transfer, "the endpoint's interface in the caller's zone")
		require.Equal(t, ep.VpcEndpoint.VpcEndpointId, r.Keys.SourceVpce)
		require.NoError(t, f.svc.Meter(path, 1<<30, f.env.Now()))
		p.Sleep(10 * time.Hour)
		_, err = f.c.DeleteVpcEndpoints(p, &DeleteVpcEndpointsInput{VpcEndpointIds: []string{ep.VpcEndpoint.VpcEndpointId}})
		require.NoError(t, err)
		p.Sleep(10 * time.Hour)
		inv := f.w.Billing().Invoice(testAccount, billing.MonthOf(f.env.NowTime()))
		var hours, bytes billing.Money
		for _, li := range inv.Lines {
			switch {
			case strings.Contains(li.UsageType, "VpcEndpoint-Hours"):
				hours += li.Cost
			case strings.Contains(li.UsageType, "VpcEndpoint-Bytes"):
				bytes += li.Cost
			}
		}
		require.Equal(t, billing.MustParseMoney("0.20"), hours, "2 zones x 10 h x $0.01 (the first hour started before the sleep)")
		require.Equal(t, billing.MustParseMoney("0.01"), bytes)
	})
}
