package ec2

import (
	"net/netip"
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/sim"
	"github.com/nimbus-sim/nimbus/vpc"
	"github.com/stretchr/testify/require"
)

// privateSubnet builds a VPC with a /28 subnet (11 usable addresses) in
// zone b and a security group admitting SSH from 203.0.113.0/24.
func privateSubnet(t *testing.T, f *fixture, p *sim.Proc) (vc *vpc.Client, subnet, group string) {
	vc = f.svc.VPC().NewClient(testRegion, region.Credentials(f.user))
	v, err := vc.CreateVpc(p, &vpc.CreateVpcInput{CidrBlock: "10.20.0.0/16"})
	require.NoError(t, err)
	sn, err := vc.CreateSubnet(p, &vpc.CreateSubnetInput{VpcId: v.Vpc.VpcId, CidrBlock: "10.20.5.0/28", AvailabilityZone: "us-east-1b"})
	require.NoError(t, err)
	g, err := vc.CreateSecurityGroup(p, &vpc.CreateSecurityGroupInput{GroupName: "ssh", Description: "ssh", VpcId: v.Vpc.VpcId})
	require.NoError(t, err)
	rule, err := vpc.ParseRule("tcp 22 203.0.113.0/24")
	require.NoError(t, err)
	_, err = vc.AuthorizeSecurityGroupIngress(p, &vpc.AuthorizeSecurityGroupIngressInput{GroupId: g.GroupId, IpPermissions: []vpc.IpPermission{rule}})
	require.NoError(t, err)
	return vc, sn.Subnet.SubnetId, g.GroupId
}

func TestRunInstancesInSubnet(t *testing.T) {
	f := newFixture(t, 401, Options{})
	f.do(time.Hour, func(p *sim.Proc) {
		vc, subnet, group := privateSubnet(t, f, p)
		m := f.launch(p, RunInstancesInput{InstanceType: "m5.large", SubnetId: subnet, SecurityGroupIds: []string{group}})
		want, _ := f.w.AZID(testAccount, "us-east-1b")
		require.Equal(t, want, m.AvailabilityZoneID(), "the subnet picks the zone")
		require.True(t, netip.MustParsePrefix("10.20.5.0/28").Contains(m.PrivateIP()))
		require.Equal(t, "10.20.5.4", m.PrivateIP().String(), "first address after the four reserved")
		require.False(t, m.PublicIP().IsValid(), "a new subnet does not map public addresses")
		d, err := f.c.DescribeInstances(p, &DescribeInstancesInput{InstanceIds: []string{m.ID()}})
		require.NoError(t, err)
		inst := d.Reservations[0].Instances[0]
		require.Equal(t, subnet, inst.SubnetId)
		require.Equal(t, []string{group}, inst.SecurityGroupIds)
		enis, err := vc.DescribeNetworkInterfaces(p, &vpc.DescribeNetworkInterfacesInput{Filters: []vpc.Filter{{Name: "attachment.instance-id", Values: []string{m.ID()}}}})
		require.NoError(t, err)
		require.Len(t, enis.NetworkInterfaces, 1)
		require.Equal(t, m.NetworkInterfaceID(), enis.NetworkInterfaces[0].NetworkInterfaceId)
		require.Equal(t, "10.20.5.4", enis.NetworkInterfaces[0].PrivateIpAddress)
		sn, err := vc.DescribeSubnets(p, &vpc.DescribeSubnetsInput{SubnetIds: []string{subnet}})
		require.NoError(t, err)
		require.Equal(t, int32(10), sn.Subnets[0].AvailableIpAddressCount)

		// 10 left: asking for at least 11 fails and places nothing.
		_, err = f.c.RunInstances(p, &RunInstancesInput{ImageId: f.ami(), InstanceType: "t3.micro", MinCount: 11, MaxCount: 11, SubnetId: subnet})
		wantCode(t, err, "InsufficientFreeAddressesInSubnet")
		// MaxCount above the free addresses launches what fits.
		out, err := f.c.RunInstances(p, &RunInstancesInput{ImageId: f.ami(), InstanceType: "t3.micro", MinCount: 1, MaxCount: 20, SubnetId: subnet})
		require.NoError(t, err)
		require.Len(t, out.Instances, 10)
		sn, _ = vc.DescribeSubnets(p, &vpc.DescribeSubnetsInput{SubnetIds: []string{subnet}})
		require.Equal(t, int32(0), sn.Subnets[0].AvailableIpAddressCount)
		// A terminated instance gives its address back.
		_, err = f.c.TerminateInstances(p, &TerminateInstancesInput{InstanceIds: []string{out.Instances[0].InstanceId}})
		require.NoError(t, err)
		p.Sleep(10 * time.Minute)
		sn, _ = vc.DescribeSubnets(p, &vpc.DescribeSubnetsInput{SubnetIds: []string{subnet}})
		require.Equal(t, int32(1), sn.Subnets[0].AvailableIpAddressCount)
	})
}

func TestRunInstancesNetworkErrors(t *testing.T) {
	f := newFixture(t, 402, Options{})
	f.do(time.Hour, func(p *sim.Proc) {
		_, subnet, group := privateSubnet(t, f, p)
		run := func(in RunInstancesInput) error {
			in.ImageId, in.InstanceType, in.MinCount, in.MaxCount = f.ami(), "t3.micro", 1, 1
			_, err := f.c.RunInstances(p, &in)
			return err
		}
		wantCode(t, run(RunInstancesInput{SubnetId: "subnet-00000000000000001"}), "InvalidSubnetID.NotFound")
		wantCode(t, run(RunInstancesInput{SecurityGroupIds: []string{"sg-00000000000000001"}}), "InvalidGroup.NotFound")
		wantCode(t, run(RunInstancesInput{SecurityGroupIds: []string{group}}), "InvalidParameter") // group of another VPC than the default
		wantCode(t, run(RunInstancesInput{SubnetId: subnet, Placement: &Placement{AvailabilityZone: "us-east-1a"}}), "InvalidParameterValue")
		wantCode(t, run(RunInstancesInput{KeyName: "nope"}), "InvalidKeyPair.NotFound")
		require.Zero(t, f.w.Fleet().Running(), "no failed launch placed anything")
	})
}

func TestStopReleasesPublicIPKeepsPrivateAndElastic(t *testing.T) {
	f := newFixture(t, 403, Options{})
	f.do(3*time.Hour, func(p *sim.Proc) {
		a := f.launch(p, RunInstancesInput{InstanceType: "m5.large"}) // default VPC
		b := f.launch(p, RunInstancesInput{InstanceType: "m5.large"})
		require.True(t, netip.MustParsePrefix("172.31.0.0/16").Contains(a.PrivateIP()))
		pubA := a.PublicIP()
		require.True(t, pubA.IsValid(), "default subnets map public addresses")
		vc := f.svc.VPC().NewClient(testRegion, region.Credentials(f.user))
		eip, err := vc.AllocateAddress(p, nil)
		require.NoError(t, err)
		_, err = vc.AssociateAddress(p, &vpc.AssociateAddressInput{AllocationId: eip.AllocationId, NetworkInterfaceId: b.NetworkInterfaceID()})
		require.NoError(t, err)
		require.Equal(t, eip.PublicIp, b.PublicIP().String())
		privA, privB := a.PrivateIP(), b.PrivateIP()
		_, err = f.c.StopInstances(p, &StopInstancesInput{InstanceIds: []string{a.ID(), b.ID()}})
		require.NoError(t, err)
		p.Sleep(10 * time.Minute)
		require.Equal(t, InstanceStateStopped, a.State())
		require.False(t, a.PublicIP().IsValid(), "stop releases the auto-assigned address")
		require.Equal(t, eip.PublicIp, b.PublicIP().String(), "an Elastic IP stays")
		d, err := f.c.DescribeInstances(p, &DescribeInstancesInput{InstanceIds: []string{a.ID()}})
		require.NoError(t, err)
		require.Equal(t, privA.String(), d.Reservations[0].Instances[0].PrivateIpAddress, "stop keeps the private address")
		_, err = f.c.StartInstances(p, &StartInstancesInput{InstanceIds: []string{a.ID(), b.ID()}})
		require.NoError(t, err)
		f.waitRunning(p, a)
		require.Equal(t, privA, a.PrivateIP())
		require.Equal(t, privB, b.PrivateIP())
		require.True(t, a.PublicIP().IsValid())
		require.NotEqual(t, pubA, a.PublicIP(), "a start draws a new public address")
		// Billing: the auto-assigned address of a bills only while held.
		lines := f.lines(testAccount, a.NetworkInterfaceID(), "PublicIPv4:InUseAddress")
		require.NotEmpty(t, lines)
	})
}

func TestKeyPairs(t *testing.T) {
	f := newFixture(t, 404, Options{})
	f.do(time.Hour, func(p *sim.Proc) {
		c, err := f.c.CreateKeyPair(p, &CreateKeyPairInput{KeyName: "ops"})
		require.NoError(t, err)
		require.Contains(t, c.KeyMaterial, "PRIVATE KEY")
		_, err = f.c.CreateKeyPair(p, &CreateKeyPairInput{KeyName: "ops"})
		wantCode(t, err, "InvalidKeyPair.Duplicate")
		// ssh-ed25519 key: the blob starts with the length-prefixed type.
		pub := "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl me@laptop"
		im, err := f.c.ImportKeyPair(p, &ImportKeyPairInput{KeyName: "laptop", PublicKeyMaterial: []byte(pub)})
		require.NoError(t, err)
		require.NotEmpty(t, im.KeyFingerprint)
		_, err = f.c.ImportKeyPair(p, &ImportKeyPairInput{KeyName: "bad", PublicKeyMaterial: []byte("ssh-rsa not-base64!")})
		wantCode(t, err, "InvalidKey.Format")
		d, err := f.c.DescribeKeyPairs(p, nil)
		require.NoError(t, err)
		require.Len(t, d.KeyPairs, 2)
		require.Equal(t, "laptop", d.KeyPairs[0].KeyName)
		require.Equal(t, "ed25519", d.KeyPairs[0].KeyType)
		_, err = f.c.DescribeKeyPairs(p, &DescribeKeyPairsInput{KeyNames: []string{"nope"}})
		wantCode(t, err, "InvalidKeyPair.NotFound")
		m := f.launch(p, RunInstancesInput{InstanceType: "t3.micro", KeyName: "ops"})
		_, err = f.c.DeleteKeyPair(p, &DeleteKeyPairInput{KeyName: "ops"})
		require.NoError(t, err)
		d, _ = f.c.DescribeKeyPairs(p, nil)
		require.Len(t, d.KeyPairs, 1)
		out, _ := f.c.DescribeInstances(p, &DescribeInstancesInput{InstanceIds: []string{m.ID()}})
		require.Equal(t, "ops", out.Reservations[0].Instances[0].KeyName, "the instance keeps its key name")
		_, err = f.c.RunInstances(p, &RunInstancesInput{ImageId: f.ami(), InstanceType: "t3.micro", MinCount: 1, MaxCount: 1, KeyName: "ops"})
		wantCode(t, err, "InvalidKeyPair.NotFound")
	})
}

// TestSSHIsAReachQuestion: whether SSH reaches an instance is port 22 from
// the caller's address through the gateway, NACL and groups.
func TestSSHIsAReachQuestion(t *testing.T) {
	f := newFixture(t, 405, Options{})
	f.do(time.Hour, func(p *sim.Proc) {
		m := f.launch(p, RunInstancesInput{InstanceType: "t3.micro"})
		me := netip.MustParseAddr("203.0.113.50")
		a, err := f.svc.VPC().Reach(vpc.Internet(me), vpc.ENI(m.NetworkInterfaceID()), "tcp", 22)
		require.NoError(t, err)
		require.False(t, a.Reachable, "the default group admits only its own members")
		require.Equal(t, "security-group", a.Blocked.Kind)
		vc := f.svc.VPC().NewClient(testRegion, region.Credentials(f.user))
		rule, _ := vpc.ParseRule("tcp 22 203.0.113.50/32")
		d, _ := f.c.DescribeInstances(p, &DescribeInstancesInput{InstanceIds: []string{m.ID()}})
		_, err = vc.AuthorizeSecurityGroupIngress(p, &vpc.AuthorizeSecurityGroupIngressInput{GroupId: d.Reservations[0].Instances[0].SecurityGroupIds[0], IpPermissions: []vpc.IpPermission{rule}})
		require.NoError(t, err)
		a, _ = f.svc.VPC().Reach(vpc.Internet(me), vpc.ENI(m.NetworkInterfaceID()), "tcp", 22)
		require.True(t, a.Reachable, "%s", a)
	})
}

// TestInstanceCallsFollowTheirSubnet: a process on an instance in a
// private subnet reaches S3 only once the subnet has a way out; without
// one the SDK's connect times out.
func TestInstanceCallsFollowTheirSubnet(t *testing.T) {
	f := newFixture(t, 406, Options{})
	must(t, f.iam.PutUserPolicy(f.root, "operator", "s3", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`))
	f.do(2*time.Hour, func(p *sim.Proc) {
		vc, subnet, _ := privateSubnet(t, f, p)
		m := f.launch(p, RunInstancesInput{InstanceType: "t3.micro", SubnetId: subnet})
		get := func() error {
			done := f.env.NewEvent("get")
			var err error
			_, perr := m.Go("get", func(q *sim.Proc) {
				err = f.w.Call(q, region.Request{Service: "s3", Operation: "GetObject", Region: testRegion,
					Credentials: region.Credentials(f.user), Resource: "arn:aws:s3:::b/k", ResourceAccount: testAccount},
					func(*region.Call) error { return nil })
				done.Trigger(nil)
			})
			require.NoError(t, perr)
			_, _ = p.WaitTimeout(done, time.Hour)
			return err
		}
		require.ErrorIs(t, get(), region.ErrConnectTimeout)
		sn, _ := vc.DescribeSubnets(p, &vpc.DescribeSubnetsInput{SubnetIds: []string{subnet}})
		rts, err := vc.DescribeRouteTables(p, &vpc.DescribeRouteTablesInput{Filters: []vpc.Filter{{Name: "vpc-id", Values: []string{sn.Subnets[0].VpcId}}}})
		require.NoError(t, err)
		_, err = vc.CreateVpcEndpoint(p, &vpc.CreateVpcEndpointInput{VpcId: sn.Subnets[0].VpcId, ServiceName: "com.amazonaws.us-east-1.s3",
			RouteTableIds: []string{rts.RouteTables[0].RouteTableId}})
		require.NoError(t, err)
		require.NoError(t, get())
	})
}
