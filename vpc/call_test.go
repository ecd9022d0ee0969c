package vpc

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/billing"
	"github.com/nimbus-sim/nimbus/iam"
	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/sim"
	"github.com/stretchr/testify/require"
)

// s3Stub is a stand-in for the s3 service: it answers GetObject with a
// body of size bytes and meters NAT processing of the bytes it sends when
// the route went through a NAT gateway, as a service does from
// Call.Route().
func s3Stub(size int64, seen *region.Route) func(c *region.Call) error {
	return func(c *region.Call) error {
		c.SetResponseBytes(size)
		if r := c.Route(); r != nil {
			*seen = *r
			if h, ok := r.Via(region.HopNATGateway); ok {
				from := region.BillingEndpoint(region.InRegion(c.Region()))
				c.RecordTransfer(billing.Transfer{ResourceID: h.ID, NATGatewayID: h.ID, Bytes: size,
					From: from, To: region.BillingEndpoint(c.Request().From)})
			}
		}
		return nil
	}
}

// at returns a context whose calls come from the interface.
func (f *fixture) at(p *sim.Proc, i InterfaceInfo) context.Context {
	loc, err := f.w.InAZ(i.AZID)
	require.NoError(f.t, err)
	return region.WithLocation(p, loc.WithNetwork(region.NetworkIdentity{VpcID: i.VpcID, SubnetID: i.SubnetID,
		NetworkInterfaceID: i.NetworkInterfaceID, PrivateIPv4: i.PrivateIP, PublicIPv4: i.PublicIP, OnInstance: true}))
}

func (f *fixture) getObject(ctx context.Context, size int64, seen *region.Route) error {
	return f.w.Call(ctx, region.Request{Service: "s3", Operation: "GetObject", Region: testRegion,
		Credentials: region.Credentials(f.user), Resource: "arn:aws:s3:::data/model.bin", ResourceAccount: testAccount},
		s3Stub(size, seen))
}

// TestPrivateSubnetScenario: from a private subnet, S3 calls fail by
// connect timeout while there is no route; a gateway endpoint makes them
// succeed (with aws:SourceVpce, which the user's policy requires); an
// endpoint outage makes them time out again.
func TestPrivateSubnetScenario(t *testing.T) {
	f := newFixture(t, 31)
	f.do(func(p *sim.Proc) {
		n := f.privateNet(p)
		i := f.instance(n.private)
		ctx := f.at(p, i)
		var seen region.Route
		start := f.env.Now()
		err := f.getObject(ctx, 1<<20, &seen)
		var cto *region.ConnectTimeoutError
		require.ErrorAs(t, err, &cto, "no route: the SDK's connect times out")
		require.True(t, errors.Is(err, region.ErrConnectTimeout))
		cfg := region.DefaultClientConfig()
		require.GreaterOrEqual(t, f.env.Now().Sub(start), time.Duration(cfg.MaxAttempts)*cfg.ConnectTimeout)
		why := f.svc.ExplainRoute(region.Location{}.WithNetwork(region.NetworkIdentity{NetworkInterfaceID: i.NetworkInterfaceID}),
			region.Destination{Service: "s3", Region: testRegion, Port: 443})
		require.Equal(t, "route-table", why.Blocked.Kind)
		require.Contains(t, why.Blocked.Detail, "no route matches s3")

		ep := f.addS3Endpoint(p, n)
		// The user may read S3 only through this endpoint.
		require.NoError(t, f.putS3Policy(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*",
			"Condition":{"StringEquals":{"aws:SourceVpce":"`+ep+`"}}}]}`))
		require.NoError(t, f.getObject(ctx, 1<<20, &seen))
		hop, ok := seen.Via(region.HopGatewayEndpoint)
		require.True(t, ok)
		require.Equal(t, ep, hop.ID)
		require.Equal(t, ep, seen.Keys.SourceVpce)
		require.Equal(t, n.vpc, seen.Keys.SourceVpc)

		// From outside the VPC the same user is denied: no aws:SourceVpce.
		err = f.getObject(p, 1, &seen)
		requireCode(t, err, "AccessDenied")

		require.NoError(t, f.svc.FailComponent(ep))
		err = f.getObject(ctx, 1, &seen)
		require.ErrorAs(t, err, &cto, "endpoint outage")
		require.NoError(t, f.svc.RestoreComponent(ep))
		require.NoError(t, f.getObject(ctx, 1, &seen))
	})
}

func (f *fixture) putS3Policy(doc string) error {
	root := f.root()
	return f.w.IAM().PutUserPolicy(root, "netadmin", "s3", doc)
}

// TestMonthlyBillThroughCalls: the January bill of 100 GetObject calls of
// 1 GiB each from a private subnet, through a NAT gateway in the same zone
// or a gateway endpoint, matches the hand computation of
// TestMonthlyBillNATvsEndpoint ($41.70 vs $0).
func TestMonthlyBillThroughCalls(t *testing.T) {
	bill := func(viaNAT bool) billing.Money {
		f := newFixture(t, 32)
		f.env.Go("month", func(p *sim.Proc) {
			n := f.privateNet(p)
			i := f.instance(n.private)
			if viaNAT {
				f.addNAT(p, n)
			} else {
				f.addS3Endpoint(p, n)
			}
			require.NoError(t, f.putS3Policy(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`))
			var seen region.Route
			for k := 0; k < 100; k++ {
				require.NoError(t, f.getObject(f.at(p, i), 1<<30, &seen))
				p.Sleep(7 * time.Hour)
			}
			if viaNAT {
				require.Equal(t, region.TransferNATProcessed, seen.Transfer)
			}
		})
		f.env.RunUntil(sim.Time(time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC).Sub(f.env.Epoch())))
		return f.w.Billing().Invoice(testAccount, billing.MonthOf(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))).Total
	}
	require.Equal(t, billing.MustParseMoney("41.70"), bill(true))
	require.Equal(t, billing.Money(0), bill(false))
}

// TestEndpointPolicy: a gateway endpoint's policy limits what goes through
// it, on top of the caller's own policy, in the pipeline's authorize step:
// a policy allowing s3:GetObject on one bucket denies GetObject on another
// bucket and PutObject, through World.Call.
func TestEndpointPolicy(t *testing.T) {
	f := newFixture(t, 33)
	f.do(func(p *sim.Proc) {
		n := f.privateNet(p)
		i := f.instance(n.private)
		ep, err := f.c.CreateVpcEndpoint(p, &CreateVpcEndpointInput{VpcId: n.vpc, ServiceName: "com.amazonaws.us-east-1.s3",
			RouteTableIds:  []string{rtsOf(t, f, p, n.vpc)},
			PolicyDocument: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::data/*"}]}`})
		require.NoError(t, err)
		require.NoError(t, f.putS3Policy(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`))
		path, err := f.svc.PathToService(i.NetworkInterfaceID, "s3")
		require.NoError(t, err)
		require.Equal(t, ep.VpcEndpoint.VpcEndpointId, path.EndpointID)
		r, ok := f.svc.Route(f.loc(i), region.Destination{Service: "s3", Region: testRegion, Port: 443})
		require.True(t, ok)
		require.Same(t, path.EndpointPolicy, r.EndpointPolicy, "the route carries the endpoint's own policy")
		call := func(op, res string) error {
			return f.w.Call(f.at(p, i), region.Request{Service: "s3", Operation: op, Region: testRegion, Credentials: region.Credentials(f.user),
				Resource: res, ResourceAccount: testAccount}, func(c *region.Call) error { return nil })
		}
		require.NoError(t, call("GetObject", "arn:aws:s3:::data/model.bin"))
		err = call("GetObject", "arn:aws:s3:::other/x")
		requireCode(t, err, "AccessDenied")
		require.ErrorContains(t, err, "because no VPC endpoint policy allows the s3:GetObject action")
		require.ErrorContains(t, err, ep.VpcEndpoint.VpcEndpointId)
		var de *iam.DeniedError
		require.True(t, errors.As(err, &de))
		requireCode(t, call("PutObject", "arn:aws:s3:::data/model.bin"), "AccessDenied")
		// ServicePath.AuthorizeEndpoint agrees with the pipeline.
		other, err := iam.ParseARN("arn:aws:s3:::other/x")
		require.NoError(t, err)
		requireCode(t, path.AuthorizeEndpoint(&iam.Request{Action: "s3:GetObject", Resource: other, ResourceAccount: testAccount}), "AccessDenied")
	})
}

// TestDefaultEndpointPolicy: a route through an endpoint with the default
// full-access policy carries no policy (region.Route's contract: the
// pipeline has nothing to evaluate), while PathToService still shows the
// policy; calls through it are authorized by the caller's policies alone.
func TestDefaultEndpointPolicy(t *testing.T) {
	f := newFixture(t, 34)
	f.do(func(p *sim.Proc) {
		n := f.privateNet(p)
		i := f.instance(n.private)
		f.addS3Endpoint(p, n)
		path, err := f.svc.PathToService(i.NetworkInterfaceID, "s3")
		require.NoError(t, err)
		require.Equal(t, PathGatewayEndpoint, path.Kind)
		require.NotNil(t, path.EndpointPolicy)
		r, ok := f.svc.Route(f.loc(i), region.Destination{Service: "s3", Region: testRegion, Port: 443})
		require.True(t, ok)
		require.Nil(t, r.EndpointPolicy)
		call := func(op, res string) error {
			return f.w.Call(f.at(p, i), region.Request{Service: "s3", Operation: op, Region: testRegion, Credentials: region.Credentials(f.user),
				Resource: res, ResourceAccount: testAccount}, func(c *region.Call) error { return nil })
		}
		requireCode(t, call("GetObject", "arn:aws:s3:::data/x"), "AccessDenied") // the user may not use S3 yet
		require.NoError(t, f.putS3Policy(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`))
		require.NoError(t, call("GetObject", "arn:aws:s3:::data/x"))
		require.NoError(t, call("GetObject", "arn:aws:s3:::other/y"))
		requireCode(t, call("PutObject", "arn:aws:s3:::data/x"), "AccessDenied")
	})
}

// TestRouteCallIsRoute: RouteCall, the pipeline's question, answers as
// Route does, from the cache or not, before and after a change, for a
// caller in a VPC and one outside any.
func TestRouteCallIsRoute(t *testing.T) {
	f := newFixture(t, 31)
	f.do(func(p *sim.Proc) {
		n := f.privateNet(p)
		i := f.instance(n.private)
		loc, _ := region.LocationOf(f.at(p, i))
		outside, err := f.w.InAZ(i.AZID)
		require.NoError(t, err)
		check := func() {
			for _, from := range []region.Location{loc, outside} {
				for _, svc := range []string{"s3", "ec2"} {
					want, wantOK := f.svc.Route(from, region.Destination{Service: svc, Region: testRegion, Port: 443})
					var got region.Route
					ok := f.svc.RouteCall(&got, &from, svc, testRegion)
					require.Equal(t, wantOK, ok, svc)
					require.Equal(t, want, got, svc)
				}
			}
		}
		check()
		check() // cached
		f.addS3Endpoint(p, n)
		check()
	})
}
