package vpc

import (
	"net/netip"

	"github.com/nimbus-sim/nimbus/billing"
	"github.com/nimbus-sim/nimbus/iam"
)

// owned is what every resource record carries: its ID, account and region.
type owned struct {
	id, account, region string
	tags                []Tag
}

type vpcRec struct {
	owned
	cidrs     []netip.Prefix
	cidrIDs   []string
	isDefault bool
	mainRtb   *rtbRec
	nacl      *naclRec // the default NACL
	sg        *sgRec   // the default security group
	igw       *igwRec  // attached gateway, or nil
	// ifEndpoints are the VPC's interface endpoints in creation order.
	ifEndpoints []*endpointRec
	// sgIDs and sgList are the default group alone, as launches without
	// groups use it: built once, never modified, shared by the plans and
	// interfaces of those launches.
	sgIDs  []string
	sgList []*sgRec
	// launchAny and launch remember the default subnets PlanLaunch picks
	// (launchAny for a launch in any zone, launch for one in the zone of
	// each) while launchGen is Service.subnetGen: every launch without a
	// subnet asks, and a default VPC is asked about a zone or two.
	launchAny *subnetRec
	launch    []*subnetRec
	launchGen uint64
}

func (v *vpcRec) defaultGroups() []string {
	if v.sgIDs == nil {
		v.sgIDs = []string{v.sg.id}
	}
	return v.sgIDs
}

func (v *vpcRec) defaultSGs() []*sgRec {
	if v.sgList == nil {
		v.sgList = []*sgRec{v.sg}
	}
	return v.sgList
}

// subnetRec is a subnet. Every world's default VPC has one per zone, in
// one block: the record is kept small (its block is the pool's, cidr;
// the small fields share a word).
type subnetRec struct {
	owned
	vpc  *vpcRec
	azID string
	ips  pool    // also the subnet's block (cidr)
	rtb  *rtbRec // explicit association (rtbAssocID), or nil for the main table
	nacl *naclRec
	// naclSeq numbers the ID of the subnet's network ACL association
	// (Service.naclAssocID): every subnet has one, most never shown,
	// so it is rendered when asked for rather than kept as text.
	naclSeq      uint64
	enis         int32 // interfaces in the subnet (a dependency of DeleteSubnet)
	mapPublic    bool
	defaultForAz bool
	deleted      bool // DeleteSubnet removed it (a LaunchPlan may still point to it)
}

// rtbAssocID returns the ID of the subnet's explicit route table
// association (the one key of its table's assocs naming it), or "".
func (s *subnetRec) rtbAssocID() string {
	if s.rtb == nil {
		return ""
	}
	for id, sn := range s.rtb.assocs {
		if sn == s {
			return id
		}
	}
	return ""
}

// cidr returns the subnet's block.
func (s *subnetRec) cidr() netip.Prefix { return s.ips.prefix() }

// routeTable returns the table that routes the subnet: its explicit
// association, else its VPC's main table.
func (s *subnetRec) routeTable() *rtbRec {
	if s.rtb != nil {
		return s.rtb
	}
	return s.vpc.mainRtb
}

// Route target kinds.
type targetKind uint8

const (
	tLocal targetKind = iota + 1
	tIGW
	tNAT
	tVPCE
	tPeering
	tENI
)

type route struct {
	dst    netip.Prefix // zero for a prefix-list route
	pl     string
	kind   targetKind
	target string // gateway, NAT, endpoint, peering or ENI ID; "local"
	origin string
}

func (r *route) dest() string {
	if r.pl != "" {
		return r.pl
	}
	return r.dst.String()
}

type rtbRec struct {
	owned
	vpc    *vpcRec
	routes []*route
	assocs map[string]*subnetRec // association ID -> subnet
	main   bool
	mainID string // the main association's ID
	table  lpm
	byIdx  []*route // lpm values index this
	dirty  bool
}

type igwRec struct {
	owned
	hopCache
	vpc *vpcRec
}

type natRec struct {
	owned
	hopCache
	subnet *subnetRec
	eip    *eipRec
	eni    *eniRec
	state  string
	meter  billing.MeterID
}

type eipRec struct {
	owned // id is the allocation ID
	ip    netip.Addr
	assoc string // association ID
	eni   *eniRec
	nat   *natRec
	meter billing.MeterID
}

type endpointRec struct {
	owned
	hopCache
	vpc     *vpcRec
	service string // "s3", "dynamodb", ...
	name    string // com.amazonaws.<region>.<service>
	gateway bool
	rtbs    []*rtbRec
	subnets []*subnetRec
	enis    []*eniRec
	sgs     []*sgRec
	policy  *iam.Policy
	doc     string
	pl      *prefixList
	meters  []billing.MeterID // interface endpoints: one per zone
}

type peeringRec struct {
	owned
	requester, accepter *vpcRec
	status              string
}

type sgRec struct {
	owned
	name, desc      string
	vpc             *vpcRec
	ingress, egress []*rule
	refs            int // interfaces using the group
}

type naclRec struct {
	owned
	vpc       *vpcRec
	isDefault bool
	entries   []*naclEntry // sorted by number; the "*" rules are implicit
}

// eniRec is a network interface. Every instance has one for its life, so
// the record is kept small and with few pointers: the account and region
// are the subnet's, the description follows from the kind and the owner,
// and the auto-assigned public address is a bare IPv4 number.
type eniRec struct {
	id     string
	subnet *subnetRec // also the interface's account and region
	sgs    []*sgRec
	eip    *eipRec
	// owner is the instance the interface is attached to (eniInstance),
	// or the NAT gateway or endpoint it belongs to.
	owner       string
	publicMeter billing.MeterID
	ip          netip.Addr
	public      uint32 // auto-assigned public IPv4 address, or 0 for none
	kind        eniKind
}

// eniKind is what an interface belongs to.
type eniKind uint8

const (
	eniInstance eniKind = iota // an instance's primary interface
	eniNAT
	eniEndpoint
)

// String is the kind as DescribeNetworkInterfaces' InterfaceType shows it.
func (k eniKind) String() string {
	switch k {
	case eniNAT:
		return "nat_gateway"
	case eniEndpoint:
		return "vpc_endpoint"
	}
	return "interface"
}

func (e *eniRec) account() string { return e.subnet.account }
func (e *eniRec) region() string  { return e.subnet.region }

// instance returns the ID of the instance the interface is attached to,
// or "".
func (e *eniRec) instance() string {
	if e.kind == eniInstance {
		return e.owner
	}
	return ""
}

// desc is the interface's description as AWS sets it.
func (e *eniRec) desc() string {
	switch e.kind {
	case eniNAT:
		return "Interface for NAT Gateway " + e.owner
	case eniEndpoint:
		return "VPC Endpoint Interface " + e.owner
	}
	return "Primary network interface"
}

// hasPublic reports whether the interface holds an auto-assigned public
// address.
func (e *eniRec) hasPublic() bool { return e.public != 0 }

// publicIP returns the interface's public address (Elastic or
// auto-assigned), or the zero Addr.
func (e *eniRec) publicIP() netip.Addr {
	if e.eip != nil {
		return e.eip.ip
	}
	if e.public != 0 {
		return u32Addr(e.public)
	}
	return netip.Addr{}
}

type prefixList struct {
	id, name, region, service string
	cidrs                     []netip.Prefix
}

func (p *prefixList) contains(a netip.Addr) bool {
	for _, c := range p.cidrs {
		if c.Contains(a) {
			return true
		}
	}
	return false
}
