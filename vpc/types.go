package vpc

// The API shapes below follow aws-sdk-go-v2's ec2/types field names, with
// plain values instead of pointers.

// Tag is a resource tag.
type Tag struct{ Key, Value string }

// Filter is a Describe* filter: Name and the values any of which match.
type Filter struct {
	Name   string
	Values []string
}

// Vpc describes a VPC.
type Vpc struct {
	VpcId                   string
	OwnerId                 string
	CidrBlock               string
	CidrBlockAssociationSet []VpcCidrBlockAssociation
	IsDefault               bool
	State                   string // "available"
	Tags                    []Tag
}

// VpcCidrBlockAssociation is one IPv4 block of a VPC.
type VpcCidrBlockAssociation struct {
	AssociationId string
	CidrBlock     string
}

// Subnet describes a subnet.
type Subnet struct {
	SubnetId                string
	VpcId                   string
	OwnerId                 string
	CidrBlock               string
	AvailabilityZone        string // the account's zone name
	AvailabilityZoneId      string
	AvailableIpAddressCount int32
	DefaultForAz            bool
	MapPublicIpOnLaunch     bool
	State                   string
	Tags                    []Tag
}

// RouteTable describes a route table.
type RouteTable struct {
	RouteTableId string
	VpcId        string
	OwnerId      string
	Routes       []Route
	Associations []RouteTableAssociation
}

// Route is one route of a table. Exactly one destination and one target
// are set.
type Route struct {
	DestinationCidrBlock    string
	DestinationPrefixListId string
	GatewayId               string // "local", igw-..., vpce-... (gateway endpoints)
	NatGatewayId            string
	VpcPeeringConnectionId  string
	NetworkInterfaceId      string
	Origin                  string // CreateRouteTable, CreateRoute
	State                   string // active, blackhole
}

// RouteTableAssociation ties a table to a subnet, or marks it main.
type RouteTableAssociation struct {
	RouteTableAssociationId string
	RouteTableId            string
	SubnetId                string
	Main                    bool
}

// InternetGateway describes an internet gateway.
type InternetGateway struct {
	InternetGatewayId string
	OwnerId           string
	Attachments       []InternetGatewayAttachment
}

// InternetGatewayAttachment names the VPC a gateway is attached to.
type InternetGatewayAttachment struct {
	VpcId string
	State string // "available" (AWS's state for an attached gateway)
}

// NatGateway describes a NAT gateway.
type NatGateway struct {
	NatGatewayId        string
	SubnetId            string
	VpcId               string
	State               string // available, failed, deleted
	NatGatewayAddresses []NatGatewayAddress
}

// NatGatewayAddress is a NAT gateway's Elastic IP and private address.
type NatGatewayAddress struct {
	AllocationId string
	PublicIp     string
	PrivateIp    string
}

// Address describes an Elastic IP.
type Address struct {
	AllocationId       string
	AssociationId      string
	PublicIp           string
	Domain             string // "vpc"
	NetworkInterfaceId string
	PrivateIpAddress   string
	InstanceId         string
}

// VpcEndpoint describes a VPC endpoint.
type VpcEndpoint struct {
	VpcEndpointId   string
	VpcEndpointType string // Gateway, Interface
	VpcId           string
	ServiceName     string // com.amazonaws.us-east-1.s3
	State           string // available
	PolicyDocument  string
	RouteTableIds   []string
	SubnetIds       []string
	Groups          []string
	// NetworkInterfaceIds are an interface endpoint's ENIs, one per subnet.
	NetworkInterfaceIds []string
	PrivateDnsEnabled   bool
}

// VpcPeeringConnection describes a peering connection.
type VpcPeeringConnection struct {
	VpcPeeringConnectionId string
	RequesterVpcId         string
	AccepterVpcId          string
	Status                 string // pending-acceptance, active, deleted
}

// SecurityGroup describes a security group.
type SecurityGroup struct {
	GroupId             string
	GroupName           string
	Description         string
	VpcId               string
	OwnerId             string
	IpPermissions       []IpPermission
	IpPermissionsEgress []IpPermission
}

// IpPermission is a set of security-group rules sharing protocol and
// ports. IpProtocol is "tcp", "udp", "icmp", a number, or "-1" for all
// (then the ports are ignored).
type IpPermission struct {
	IpProtocol       string
	FromPort         int32
	ToPort           int32
	IpRanges         []IpRange
	UserIdGroupPairs []UserIdGroupPair
	PrefixListIds    []PrefixListId
}

// IpRange is an IPv4 CIDR peer.
type IpRange struct{ CidrIp, Description string }

// UserIdGroupPair is a security-group peer.
type UserIdGroupPair struct{ GroupId, UserId, Description string }

// PrefixListId is a prefix-list peer.
type PrefixListId struct{ PrefixListId, Description string }

// NetworkAcl describes a network ACL.
type NetworkAcl struct {
	NetworkAclId string
	VpcId        string
	IsDefault    bool
	Entries      []NetworkAclEntry
	Associations []NetworkAclAssociation
}

// NetworkAclEntry is one NACL rule; RuleNumber 32767 is the final "*"
// deny.
type NetworkAclEntry struct {
	RuleNumber int32
	Egress     bool
	Protocol   string
	RuleAction string // allow, deny
	CidrBlock  string
	PortRange  *PortRange
}

// PortRange is an inclusive range of ports.
type PortRange struct{ From, To int32 }

// NetworkAclAssociation ties a NACL to a subnet.
type NetworkAclAssociation struct {
	NetworkAclAssociationId string
	NetworkAclId            string
	SubnetId                string
}

// NetworkInterface describes an ENI.
type NetworkInterface struct {
	NetworkInterfaceId string
	SubnetId           string
	VpcId              string
	AvailabilityZone   string
	OwnerId            string
	PrivateIpAddress   string
	Association        *NetworkInterfaceAssociation
	Attachment         *NetworkInterfaceAttachment
	Groups             []GroupIdentifier
	InterfaceType      string // interface, nat_gateway, vpc_endpoint
	Status             string // in-use, available
	Description        string
}

// NetworkInterfaceAssociation is an ENI's public address.
type NetworkInterfaceAssociation struct {
	PublicIp     string
	AllocationId string // set for an Elastic IP
	IpOwnerId    string // "amazon" for an auto-assigned address
}

// NetworkInterfaceAttachment names the instance an ENI is attached to.
type NetworkInterfaceAttachment struct {
	InstanceId   string
	DeviceIndex  int32
	Status       string
	AttachmentId string
}

// GroupIdentifier names a security group.
type GroupIdentifier struct{ GroupId, GroupName string }

// PrefixList describes an AWS-managed prefix list.
type PrefixList struct {
	PrefixListId   string
	PrefixListName string // com.amazonaws.us-east-1.s3
	Cidrs          []string
}
