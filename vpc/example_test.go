package vpc_test

import (
	"fmt"
	"net/netip"
	"time"

	"github.com/nimbus-sim/nimbus/iam"
	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/sim"
	"github.com/nimbus-sim/nimbus/vpc"
)

// world builds a world with one account whose user may call EC2.
func world() (*sim.Env, *region.World, *vpc.Service, *vpc.Client) {
	env := sim.New(7)
	w := region.MustNewWorld(env, region.Options{HostsPerAZ: map[string]int{"m5": 1}})
	root, _ := w.IAM().CreateAccount("111122223333")
	_, _ = w.IAM().CreateUser(root, iam.CreateUserInput{UserName: "dev"})
	_ = w.IAM().PutUserPolicy(root, "dev", "ec2", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:*","Resource":"*"}]}`)
	k, _ := w.IAM().CreateAccessKey(root, "dev")
	net := vpc.MustNew(w, vpc.Options{})
	return env, w, net, net.NewClient("us-east-1", region.Credentials(k.Credentials()))
}

// Reach explains why SSH from a laptop does not reach an interface in the
// default VPC, and then that it does once the group admits it.
func ExampleService_Reach() {
	env, _, net, c := world()
	defer env.Close()
	env.Go("admin", func(p *sim.Proc) {
		plan, _ := net.PlanLaunch("111122223333", "us-east-1", "", nil, "")
		eni, _ := net.LaunchInterface(plan, "i-0example", nil)
		laptop := netip.MustParseAddr("198.51.100.20")

		a, _ := net.Reach(vpc.Internet(laptop), vpc.ENI(eni.NetworkInterfaceID), "tcp", 22)
		fmt.Print(a)

		ssh, _ := vpc.ParseRule("tcp 22 198.51.100.20/32")
		_, err := c.AuthorizeSecurityGroupIngress(p, &vpc.AuthorizeSecurityGroupIngressInput{GroupId: eni.Groups[0], IpPermissions: []vpc.IpPermission{ssh}})
		if err != nil {
			fmt.Println(err)
		}
		a, _ = net.Reach(vpc.Internet(laptop), vpc.ENI(eni.NetworkInterfaceID), "tcp", 22)
		fmt.Print(a)
	})
	env.RunFor(time.Minute)
	// Output:
	// not reachable (tcp/22)
	//   internet 198.51.100.20
	//   internet-gateway igw-032f4bb3ae6a425c1: translates 3.80.0.1 to 172.31.0.4
	//   network-acl acl-003d55b8381738f47: inbound rule 100 allows tcp/22 from 198.51.100.20
	//   blocked at security-group sg-0dee21ba09fd7951f: no inbound rule allows tcp/22 from 198.51.100.20
	// reachable (tcp/22)
	//   internet 198.51.100.20
	//   internet-gateway igw-032f4bb3ae6a425c1: translates 3.80.0.1 to 172.31.0.4
	//   network-acl acl-003d55b8381738f47: inbound rule 100 allows tcp/22 from 198.51.100.20
	//   security-group sg-0dee21ba09fd7951f: inbound rule "tcp 22 198.51.100.20/32" allows tcp/22 from 198.51.100.20
	//   network-acl acl-003d55b8381738f47: outbound rule 100 allows reply tcp/49152 to 198.51.100.20
	//   route-table rtb-0eaf2359b6e6a290b: reply 0.0.0.0/0 -> igw-032f4bb3ae6a425c1
	//   network-interface eni-0264354ad3467ba79: 172.31.0.4, public 3.80.0.1 in subnet-0e1f35406dcfacc32 (us-east-1a)
}
