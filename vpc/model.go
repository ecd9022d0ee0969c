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
	// launch remembers the default subnet PlanLaunch picks per zone ("" for
	// any) while launchGen is Service.subnetGen: every launch without a
	// subnet asks, and a default VPC is asked about a zone or two.
	launch    []launchPick
	launchGen uint64
}

type launchPick struct {
	azID string
	sn   *subnetRec
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

type subnetRec struct {
	owned
	vpc          *vpcRec
	cidr         netip.Prefix
	azID         string
	mapPublic    bool
	defaultForAz bool
	ips          pool
	rtb          *rtbRec // explicit association, or nil for the main table
	rtbAssoc     string
	nacl         *naclRec
	naclAssoc    string
	enis         int // interfaces in the subnet (a dependency of DeleteSubnet)
}

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

type eniRec struct {
	owned
	subnet      *subnetRec
	ip          netip.Addr
	public      netip.Addr // auto-assigned public address, or zero
	publicMeter billing.MeterID
	eip         *eipRec
	sgs         []*sgRec
	instance    string
	kind        string // interface, nat_gateway, vpc_endpoint
	desc        string
}

// publicIP returns the interface's public address (Elastic or
// auto-assigned), or the zero Addr.
func (e *eniRec) publicIP() netip.Addr {
	if e.eip != nil {
		return e.eip.ip
	}
	return e.public
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
