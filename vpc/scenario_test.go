package vpc

import (
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/billing"
	"github.com/nimbus-sim/nimbus/sim"
	"github.com/stretchr/testify/require"
)

// privateNet is buildNetwork with the private subnet in the public one's
// zone (us-east-1a), so NAT traffic pays no inter-AZ transfer.
func (f *fixture) privateNet(p *sim.Proc) network {
	n := f.buildNetwork(p)
	_, err := f.c.DeleteSubnet(p, &DeleteSubnetInput{SubnetId: n.private})
	require.NoError(f.t, err)
	sn, err := f.c.CreateSubnet(p, &CreateSubnetInput{VpcId: n.vpc, CidrBlock: "10.0.1.0/24", AvailabilityZone: "us-east-1a"})
	require.NoError(f.t, err)
	n.private = sn.Subnet.SubnetId
	return n
}

func (f *fixture) addNAT(p *sim.Proc, n network) string {
	eip, err := f.c.AllocateAddress(p, nil)
	require.NoError(f.t, err)
	nat, err := f.c.CreateNatGateway(p, &CreateNatGatewayInput{SubnetId: n.public, AllocationId: eip.AllocationId})
	require.NoError(f.t, err)
	_, err = f.c.CreateRoute(p, &CreateRouteInput{RouteTableId: rtsOf(f.t, f, p, n.vpc), DestinationCidrBlock: "0.0.0.0/0", NatGatewayId: nat.NatGateway.NatGatewayId})
	require.NoError(f.t, err)
	return nat.NatGateway.NatGatewayId
}

func (f *fixture) addS3Endpoint(p *sim.Proc, n network) string {
	ep, err := f.c.CreateVpcEndpoint(p, &CreateVpcEndpointInput{VpcId: n.vpc, ServiceName: "com.amazonaws.us-east-1.s3", RouteTableIds: []string{rtsOf(f.t, f, p, n.vpc)}})
	require.NoError(f.t, err)
	return ep.VpcEndpoint.VpcEndpointId
}

// TestPrivateSubnetPaths: an instance in a private subnet has no path to
// S3 until a gateway endpoint (or a NAT gateway) gives it one, and the
// explanation names the route table.
func TestPrivateSubnetPaths(t *testing.T) {
	f := newFixture(t, 11)
	f.do(func(p *sim.Proc) {
		n := f.privateNet(p)
		i := f.instance(n.private)
		path, err := f.svc.PathToService(i.NetworkInterfaceID, "s3")
		require.NoError(t, err)
		require.Equal(t, PathNone, path.Kind)
		main := rtsOf(t, f, p, n.vpc)
		require.Equal(t, "route-table "+main+": no route matches s3 (52.64.0.2)", path.Analysis.Blocked.String())

		ep := f.addS3Endpoint(p, n)
		path, _ = f.svc.PathToService(i.NetworkInterfaceID, "s3")
		require.Equal(t, PathGatewayEndpoint, path.Kind, "%s", path.Analysis)
		require.Equal(t, map[string][]string{"aws:SourceVpc": {n.vpc}, "aws:SourceVpce": {ep}, "aws:VpcSourceIp": {i.PrivateIP.String()}}, path.ConditionKeys())
		// DynamoDB is not behind the S3 endpoint.
		path, _ = f.svc.PathToService(i.NetworkInterfaceID, "dynamodb")
		require.Equal(t, PathNone, path.Kind)

		// An endpoint outage is a fault: no path while it lasts.
		require.NoError(t, EndpointOutage(ep).Apply([]any{f.svc}))
		path, _ = f.svc.PathToService(i.NetworkInterfaceID, "s3")
		require.Equal(t, PathNone, path.Kind)
		require.Equal(t, "vpc-endpoint", path.Analysis.Blocked.Kind)
		require.NoError(t, EndpointOutage(ep).Revert([]any{f.svc}))

		nat := f.addNAT(p, n)
		path, _ = f.svc.PathToService(i.NetworkInterfaceID, "dynamodb")
		require.Equal(t, PathNATGateway, path.Kind, "%s", path.Analysis)
		require.Equal(t, nat, path.NATGatewayID)
		path, _ = f.svc.PathToService(i.NetworkInterfaceID, "s3")
		require.Equal(t, PathGatewayEndpoint, path.Kind, "the prefix-list route is more specific than 0.0.0.0/0")

		require.NoError(t, NATGatewayDown(nat).Apply([]any{f.svc}))
		path, _ = f.svc.PathToService(i.NetworkInterfaceID, "dynamodb")
		require.Equal(t, "nat-gateway", path.Analysis.Blocked.Kind)
		require.NoError(t, NATGatewayDown(nat).Revert([]any{f.svc}))
		// An AZ outage takes the NAT gateway down for every subnet using it.
		require.NoError(t, f.w.Faults().FailAZ(f.svc.nats[nat].subnet.azID))
		path, _ = f.svc.PathToService(i.NetworkInterfaceID, "dynamodb")
		require.Equal(t, PathNone, path.Kind)
		require.Contains(t, path.Analysis.Blocked.Detail, "is down")
	})
}

// TestMonthlyBillNATvsEndpoint: 100 GB from a private subnet to S3 over
// January, through a NAT gateway in the same zone or through a gateway
// endpoint. By hand from the price rows (us-east-1): NAT $0.045/h x 744 h
// = $33.48, processing $0.045/GB x 100 GB = $4.50, its Elastic IP $0.005/h
// x 744 h = $3.72; total $41.70. The gateway endpoint costs nothing.
func TestMonthlyBillNATvsEndpoint(t *testing.T) {
	const gb = int64(1) << 30
	bill := func(viaNAT bool) billing.Money {
		f := newFixture(t, 12)
		f.env.Go("month", func(p *sim.Proc) {
			n := f.privateNet(p)
			i := f.instance(n.private)
			if viaNAT {
				f.addNAT(p, n)
			} else {
				f.addS3Endpoint(p, n)
			}
			path, err := f.svc.PathToService(i.NetworkInterfaceID, "s3")
			require.NoError(t, err)
			// One GB a day for the first 100 days' worth: 100 transfers
			// spread over the month.
			for k := 0; k < 100; k++ {
				require.NoError(t, f.svc.Meter(path, gb, f.env.Now()))
				p.Sleep(7 * time.Hour)
			}
		})
		end := sim.Time(time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC).Sub(f.env.Epoch()))
		f.env.RunUntil(end)
		inv := f.w.Billing().Invoice(testAccount, billing.MonthOf(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)))
		return inv.Total
	}
	nat, ep := bill(true), bill(false)
	require.Equal(t, billing.MustParseMoney("41.70"), nat, "NAT: 744 h x $0.045 + 100 GB x $0.045 + 744 h x $0.005")
	require.Equal(t, billing.Money(0), ep, "gateway endpoint: free")
}
