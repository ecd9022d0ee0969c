// Package vpc simulates Amazon VPC networking: VPCs and subnets with AWS's
// CIDR limits and reserved addresses, the default VPC of every account in
// every region, route tables with longest-prefix match and AWS's route
// priority, internet and NAT gateways, Elastic IPs, gateway and interface
// endpoints with prefix lists, peering (not transitive), security groups
// (stateful, allow-only, unioned) and network ACLs (stateless, ordered),
// network interfaces, and reachability questions answered with
// explanations the way VPC Reachability Analyzer does.
//
// The API is EC2's: a Client with aws-sdk-go-v2's operation and field
// names, each call going through region.World.Call under the IAM action
// ec2:<Operation>, with EC2's error codes (InvalidSubnet.Conflict,
// DependencyViolation, InvalidPermission.Duplicate, ...):
//
//	net := vpc.MustNew(w, vpc.Options{})     // ec2.New makes one: ec2.Service.VPC()
//	c := net.NewClient("us-east-1", creds)
//	v, _ := c.CreateVpc(p, &vpc.CreateVpcInput{CidrBlock: "10.0.0.0/16"})
//	sn, _ := c.CreateSubnet(p, &vpc.CreateSubnetInput{VpcId: v.Vpc.VpcId, CidrBlock: "10.0.1.0/24", AvailabilityZone: "us-east-1a"})
//	_, _ = c.CreateVpcEndpoint(p, &vpc.CreateVpcEndpointInput{VpcId: v.Vpc.VpcId,
//		ServiceName: "com.amazonaws.us-east-1.s3", RouteTableIds: []string{mainTable}})
//
// ec2 launches instances into subnets through PlanLaunch and
// LaunchInterface; ask whether traffic gets through with Reach:
//
//	a, _ := net.Reach(vpc.Internet(myIP), vpc.ENI(m.NetworkInterfaceID()), "tcp", 22)
//	fmt.Print(a) // the hops, and the component that blocks
//
// New registers the Service as the world's region.Router: every call from a
// Location carrying a network interface (ec2 gives its instances' processes
// one) follows that interface's route table, NACL and security groups; no
// route is the SDK's connect timeout, and ExplainRoute says why. Routes
// carry the hops, the transfer class and aws:SourceIp / aws:SourceVpc /
// aws:SourceVpce for IAM.
//
// PathToService answers how a call from an interface reaches a service
// endpoint (gateway or interface endpoint, NAT gateway, internet gateway,
// or no path at all), with the condition keys IAM sees and what billing
// charges (NAT processing per GB, its hours, public IPv4 addresses per
// hour). The faults InternetGatewayDown, NATGatewayDown and
// EndpointOutage plug into a failure.Harness with the Service as target.
//
// Simplifications: IPv4 only; NAT gateways are available at once; the
// AWS-managed prefix lists hold one synthetic /16 per service and region;
// hops add no latency of their own.
package vpc
