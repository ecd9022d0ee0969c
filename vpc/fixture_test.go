package vpc

import (
	"fmt"
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/iam"
	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/sim"
	"github.com/stretchr/testify/require"
)

const (
	testRegion  = "us-east-1"
	testAccount = "111122223333"
)

// netadminPolicy lets the test user manage EC2 networking and nothing
// else.
const netadminPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:*","Resource":"*"}]}`

type fixture struct {
	t         testing.TB
	env       *sim.Env
	w         *region.World
	svc       *Service
	c         *Client
	user      iam.Credentials
	rootCreds iam.Credentials
}

func newFixture(t testing.TB, seed uint64) *fixture {
	t.Helper()
	env := sim.New(seed)
	t.Cleanup(env.Close)
	w, err := region.NewWorld(env, region.Options{HostsPerAZ: map[string]int{"m5": 1}})
	require.NoError(t, err)
	ids := w.IAM()
	root, err := ids.CreateAccount(testAccount)
	require.NoError(t, err)
	_, err = ids.CreateUser(root, iam.CreateUserInput{UserName: "netadmin"})
	require.NoError(t, err)
	require.NoError(t, ids.PutUserPolicy(root, "netadmin", "ec2", netadminPolicy))
	k, err := ids.CreateAccessKey(root, "netadmin")
	require.NoError(t, err)
	svc := MustNew(w, Options{})
	f := &fixture{t: t, env: env, w: w, svc: svc, user: k.Credentials(), rootCreds: root}
	f.c = svc.NewClient(testRegion, region.Credentials(f.user))
	return f
}

// do runs fn in a process and the simulation until it returns.
func (f *fixture) do(fn func(p *sim.Proc)) {
	f.t.Helper()
	f.env.Go("test", fn)
	f.env.RunFor(time.Hour)
}

// requireCode fails unless err carries the AWS error code.
func requireCode(t testing.TB, err error, code string) {
	t.Helper()
	require.Error(t, err)
	var ae interface{ ErrorCode() string }
	require.ErrorAs(t, err, &ae, "error %v carries no AWS code", err)
	require.Equal(t, code, ae.ErrorCode(), "error: %v", err)
}

// network is a VPC 10.0.0.0/16 with a public subnet (10.0.0.0/24, zone a,
// IGW route) and a private one (10.0.1.0/24, zone b, main table: local
// only).
type network struct {
	vpc, public, private, igw, publicRT string
}

func (f *fixture) buildNetwork(p *sim.Proc) network {
	t := f.t
	var n network
	v, err := f.c.CreateVpc(p, &CreateVpcInput{CidrBlock: "10.0.0.0/16"})
	require.NoError(t, err)
	n.vpc = v.Vpc.VpcId
	pub, err := f.c.CreateSubnet(p, &CreateSubnetInput{VpcId: n.vpc, CidrBlock: "10.0.0.0/24", AvailabilityZone: "us-east-1a"})
	require.NoError(t, err)
	n.public = pub.Subnet.SubnetId
	priv, err := f.c.CreateSubnet(p, &CreateSubnetInput{VpcId: n.vpc, CidrBlock: "10.0.1.0/24", AvailabilityZone: "us-east-1b"})
	require.NoError(t, err)
	n.private = priv.Subnet.SubnetId
	g, err := f.c.CreateInternetGateway(p, nil)
	require.NoError(t, err)
	n.igw = g.InternetGateway.InternetGatewayId
	_, err = f.c.AttachInternetGateway(p, &AttachInternetGatewayInput{InternetGatewayId: n.igw, VpcId: n.vpc})
	require.NoError(t, err)
	rt, err := f.c.CreateRouteTable(p, &CreateRouteTableInput{VpcId: n.vpc})
	require.NoError(t, err)
	n.publicRT = rt.RouteTable.RouteTableId
	_, err = f.c.CreateRoute(p, &CreateRouteInput{RouteTableId: n.publicRT, DestinationCidrBlock: "0.0.0.0/0", GatewayId: n.igw})
	require.NoError(t, err)
	_, err = f.c.AssociateRouteTable(p, &AssociateRouteTableInput{RouteTableId: n.publicRT, SubnetId: n.public})
	require.NoError(t, err)
	yes := true
	_, err = f.c.ModifySubnetAttribute(p, &ModifySubnetAttributeInput{SubnetId: n.public, MapPublicIpOnLaunch: &yes})
	require.NoError(t, err)
	return n
}

// instance launches an interface the way ec2 does for an instance.
func (f *fixture) instance(subnet string, groups ...string) InterfaceInfo {
	f.t.Helper()
	plan, err := f.svc.PlanLaunch(testAccount, testRegion, subnet, groups, "")
	require.NoError(f.t, err)
	f.svc.seq++
	info, err := f.svc.LaunchInterface(plan, "i-test"+plan.SubnetID, nil)
	require.NoError(f.t, err)
	return info
}

func sprint(xs ...any) string { return fmt.Sprintf("%+v", xs) }

func (f *fixture) root() iam.Credentials { return f.rootCreds }
