package vpc

import (
	"context"
	"net/netip"
)

// MaxSecurityGroupsPerInterface is the default quota of security groups
// per network interface
// (https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html).
const MaxSecurityGroupsPerInterface = 5

func errNoAddresses(sn *subnetRec) error {
	return clientErr("InsufficientFreeAddressesInSubnet",
		"There are not enough free addresses in subnet '%s' to satisfy the requested number of instances.", sn.id)
}

// newENI allocates an interface with the subnet's lowest free address; the
// caller checked that one is free.
// owner is the instance, NAT gateway or endpoint ID (by kind).
func (s *Service) newENI(sn *subnetRec, sgs []*sgRec, kind eniKind, owner string) *eniRec {
	s.changed()
	ip, _ := sn.ips.take()
	e := s.allocENI()
	*e = eniRec{id: s.newID("eni"), subnet: sn, ip: ip, sgs: sgs, kind: kind, owner: owner}
	for _, g := range sgs {
		g.refs++
	}
	sn.enis++
	s.enis[e.id] = e
	return e
}

// allocENI returns a zero record from s.eniSlab, making a slab when it
// is used up: every launch makes an interface, and one allocation for
// several spares the rest theirs. A slab grows from 4 records (a world
// that launches a few instances keeps no more room than it needs) to 32.
// A record is never reused: an interface's record lives while anything
// holds it, as its own allocation would, and the slab with it.
func (s *Service) allocENI() *eniRec {
	if len(s.eniSlab) == 0 {
		s.eniSlabN = min(max(2*s.eniSlabN, 4), 32)
		s.eniSlab = make([]eniRec, s.eniSlabN)
	}
	e := &s.eniSlab[0]
	s.eniSlab = s.eniSlab[1:]
	return e
}

func (s *Service) deleteENI(e *eniRec) {
	s.changed()
	if e.eip != nil {
		s.disassociate(e.eip)
	}
	s.stopMeter(&e.publicMeter)
	e.public = 0
	for _, g := range e.sgs {
		g.refs--
	}
	e.subnet.ips.release(e.ip)
	e.subnet.enis--
	delete(s.enis, e.id)
}

// LaunchPlan is a validated network placement for RunInstances.
type LaunchPlan struct {
	SubnetID string
	AZID     string
	// Groups are the security group IDs the interfaces get.
	Groups []string
	// Free is the number of free addresses in the subnet.
	Free int
	// sn is the subnet SubnetID names, found by PlanLaunch: LaunchInterface
	// uses it, rather than a lookup by ID, while it still exists.
	sn *subnetRec
}

// PlanLaunch validates the network part of a RunInstances request for ec2
// before anything is placed: the subnet (InvalidSubnetID.NotFound), the
// groups (InvalidGroup.NotFound, or InvalidParameter when a group is in
// another VPC) and the zone. With no subnet it uses the default subnet of
// azID (the zone ec2 chose; "" means the default VPC's first zone) and,
// with no groups, the VPC's default security group.
func (s *Service) PlanLaunch(account, regionCode, subnetID string, groupIDs []string, azID string) (LaunchPlan, error) {
	var sn *subnetRec
	if subnetID != "" {
		var err error
		if sn, err = s.getSubnet(account, regionCode, subnetID); err != nil {
			return LaunchPlan{}, err
		}
		if azID != "" && azID != sn.azID {
			return LaunchPlan{}, clientErr("InvalidParameterValue", "The subnet %s is in zone %s, not the requested %s.", sn.id, s.azName(account, sn.azID), s.azName(account, azID))
		}
	} else {
		v := s.ensureDefault(account, regionCode)
		if v == nil {
			return LaunchPlan{}, clientErr("VPCIdNotSpecified", "No default VPC for this user. GroupName is only supported for EC2-Classic and default VPC.")
		}
		sn = s.launchSubnet(account, v, azID)
		if sn == nil {
			return LaunchPlan{}, clientErr("MissingInput", "No subnets found for the default VPC '%s'. Please specify a subnet.", v.id)
		}
	}
	plan := LaunchPlan{SubnetID: sn.id, AZID: sn.azID, Free: sn.ips.free, sn: sn}
	if len(groupIDs) > MaxSecurityGroupsPerInterface {
		return LaunchPlan{}, clientErr("SecurityGroupsPerInterfaceLimitExceeded", "The maximum number of security groups per interface has been reached.")
	}
	for _, id := range groupIDs {
		g, err := s.getSG(account, regionCode, id)
		if err != nil {
			return LaunchPlan{}, err
		}
		if g.vpc != sn.vpc {
			return LaunchPlan{}, clientErr("InvalidParameter", "Security group %s and subnet %s belong to different networks.", g.id, sn.id)
		}
		plan.Groups = append(plan.Groups, g.id)
	}
	if len(plan.Groups) == 0 {
		plan.Groups = sn.vpc.defaultGroups()
	}
	return plan, nil
}

// launchSubnet is the default subnet of v (account's default VPC) a
// launch without a subnet uses: the one in zone azID, or, for "", in the
// zone with the least name for the account; nil if none.
func (s *Service) launchSubnet(account string, v *vpcRec, azID string) *subnetRec {
	if v.launchGen != s.subnetGen {
		v.launchAny, v.launch, v.launchGen = nil, v.launch[:0], s.subnetGen
	}
	if azID == "" {
		if v.launchAny != nil {
			return v.launchAny
		}
	} else {
		for _, sn := range v.launch {
			if sn.azID == azID {
				return sn
			}
		}
	}
	// Candidates of one zone share a name, and the first stays; each
	// candidate's name is looked up once.
	var sn *subnetRec
	var snName string
	for _, id := range s.sortedSubnetIDs() {
		x := s.subnets[id]
		if x.vpc != v || !x.defaultForAz || (azID != "" && x.azID != azID) {
			continue
		}
		switch {
		case sn == nil:
			sn = x
			if azID == "" {
				snName = s.azName(account, x.azID)
			}
		case azID == "":
			if n := s.azName(account, x.azID); n < snName {
				sn, snName = x, n
			}
		}
	}
	switch {
	case sn == nil:
	case azID == "":
		v.launchAny = sn
	default:
		v.launch = append(v.launch, sn)
	}
	return sn
}

// InterfaceInfo is what ec2 shows of an instance's network interface.
type InterfaceInfo struct {
	NetworkInterfaceID string
	SubnetID           string
	VpcID              string
	AZID               string
	PrivateIP          netip.Addr
	PublicIP           netip.Addr
	Groups             []string
}

// LaunchInterface creates an instance's primary interface from a plan: a
// private address from the subnet (InsufficientFreeAddressesInSubnet when
// full) and a public one if the subnet maps public addresses on launch
// (associatePublic overrides when non-nil).
func (s *Service) LaunchInterface(plan LaunchPlan, instanceID string, associatePublic *bool) (InterfaceInfo, error) {
	sn := plan.sn
	if sn == nil || sn.deleted || sn.id != plan.SubnetID {
		sn = s.subnets[plan.SubnetID]
	}
	if sn == nil {
		return InterfaceInfo{}, clientErr("InvalidSubnetID.NotFound", "The subnet ID '%s' does not exist", plan.SubnetID)
	}
	if sn.ips.free == 0 {
		return InterfaceInfo{}, errNoAddresses(sn)
	}
	var gs []*sgRec
	if v := sn.vpc; len(plan.Groups) == 1 && v.sg != nil && plan.Groups[0] == v.sg.id {
		gs = v.defaultSGs() // most launches: the default group, shared
	} else {
		for _, id := range plan.Groups {
			g := s.sgs.get(id)
			if g == nil {
				return InterfaceInfo{}, clientErr("InvalidGroup.NotFound", "The security group '%s' does not exist", id)
			}
			gs = append(gs, g)
		}
	}
	e := s.newENI(sn, gs, eniInstance, instanceID)
	pub := sn.mapPublic
	if associatePublic != nil {
		pub = *associatePublic
	}
	if pub {
		s.assignPublicIP(e)
	}
	info := s.addrs(e)
	// The interface's groups are plan.Groups, looked up in that order; the
	// plan's slice is never modified, so the answer shares it.
	info.Groups = plan.Groups[:len(plan.Groups):len(plan.Groups)]
	return info, nil
}

// Interface returns an interface's current addresses.
func (s *Service) Interface(eniID string) (InterfaceInfo, error) {
	e := s.enis[eniID]
	if e == nil {
		return InterfaceInfo{}, clientErr("InvalidNetworkInterfaceID.NotFound", "The networkInterface ID '%s' does not exist", eniID)
	}
	info := s.addrs(e)
	for _, g := range e.sgs {
		info.Groups = append(info.Groups, g.id)
	}
	return info, nil
}

// InterfaceAddrs is Interface without Groups, which it does not build: for
// callers that want the addresses and the place (ec2 reading a public
// address back, or where a process on an instance sits).
func (s *Service) InterfaceAddrs(eniID string) (InterfaceInfo, error) {
	e := s.enis[eniID]
	if e == nil {
		return InterfaceInfo{}, clientErr("InvalidNetworkInterfaceID.NotFound", "The networkInterface ID '%s' does not exist", eniID)
	}
	return s.addrs(e), nil
}

func (s *Service) addrs(e *eniRec) InterfaceInfo {
	return InterfaceInfo{NetworkInterfaceID: e.id, SubnetID: e.subnet.id, VpcID: e.subnet.vpc.id, AZID: e.subnet.azID, PrivateIP: e.ip, PublicIP: e.publicIP()}
}

// AssignPublicIP gives an interface an auto-assigned public address (an
// instance starting in a subnet that maps them), billed per hour while
// held. It does nothing when the interface has an Elastic IP or already
// has a public address.
func (s *Service) AssignPublicIP(eniID string) {
	if e := s.enis[eniID]; e != nil {
		s.assignPublicIP(e)
	}
}

// assignPublicIP is AssignPublicIP for an interface in hand (one just
// launched: no second lookup by ID).
func (s *Service) assignPublicIP(e *eniRec) {
	if e.eip != nil || e.hasPublic() {
		return
	}
	s.changed()
	e.public = s.nextPublic4()
	e.publicMeter = s.ipMeter(e.account(), e.region(), e.id, true)
}

// ReleasePublicIP gives back an interface's auto-assigned public address
// (an instance stopping); an Elastic IP stays.
func (s *Service) ReleasePublicIP(eniID string) {
	e := s.enis[eniID]
	if e == nil || !e.hasPublic() {
		return
	}
	s.changed()
	e.public = 0
	s.stopMeter(&e.publicMeter)
}

// MapsPublicIP reports whether the interface's subnet maps public
// addresses on launch (ec2 asks on start).
func (s *Service) MapsPublicIP(eniID string) bool {
	e := s.enis[eniID]
	return e != nil && e.subnet.mapPublic
}

// ReleaseInterface deletes an instance's interface when it terminates: its
// private address returns to the subnet, an Elastic IP is disassociated.
func (s *Service) ReleaseInterface(eniID string) {
	if e := s.enis[eniID]; e != nil {
		s.deleteENI(e)
	}
}

// DescribeNetworkInterfacesInput is DescribeNetworkInterfaces' request.
// Filters: vpc-id, subnet-id, attachment.instance-id, interface-type.
type DescribeNetworkInterfacesInput struct {
	NetworkInterfaceIds []string
	Filters             []Filter
}

// DescribeNetworkInterfacesOutput is DescribeNetworkInterfaces' response.
type DescribeNetworkInterfacesOutput struct{ NetworkInterfaces []NetworkInterface }

// DescribeNetworkInterfaces lists the caller's interfaces: instances',
// NAT gateways' and interface endpoints'.
func (c *Client) DescribeNetworkInterfaces(ctx context.Context, in *DescribeNetworkInterfacesInput) (*DescribeNetworkInterfacesOutput, error) {
	if in == nil {
		in = &DescribeNetworkInterfacesInput{}
	}
	out := &DescribeNetworkInterfacesOutput{}
	err := c.call(ctx, "DescribeNetworkInterfaces", func(account string) error {
		s := c.svc
		for _, id := range in.NetworkInterfaceIds {
			if _, err := s.getENI(account, c.region, id); err != nil {
				return err
			}
		}
		for _, id := range sortedKeys(s.enis) {
			e := s.enis[id]
			if e.account() != account || e.region() != c.region || !wanted(in.NetworkInterfaceIds, id) {
				continue
			}
			ok, err := filtered(in.Filters, map[string]string{"vpc-id": e.subnet.vpc.id, "subnet-id": e.subnet.id,
				"attachment.instance-id": e.instance(), "interface-type": e.kind.String(), "network-interface-id": e.id})
			if err != nil {
				return err
			}
			if ok {
				out.NetworkInterfaces = append(out.NetworkInterfaces, s.describeENI(e))
			}
		}
		return nil
	})
	return out, err
}

func (s *Service) describeENI(e *eniRec) NetworkInterface {
	d := NetworkInterface{NetworkInterfaceId: e.id, SubnetId: e.subnet.id, VpcId: e.subnet.vpc.id, AvailabilityZone: s.azName(e.account(), e.subnet.azID),
		OwnerId: e.account(), PrivateIpAddress: e.ip.String(), InterfaceType: e.kind.String(), Status: "in-use", Description: e.desc()}
	if e.eip != nil {
		d.Association = &NetworkInterfaceAssociation{PublicIp: e.eip.ip.String(), AllocationId: e.eip.id, IpOwnerId: e.account()}
	} else if e.hasPublic() {
		d.Association = &NetworkInterfaceAssociation{PublicIp: e.publicIP().String(), IpOwnerId: "amazon"}
	}
	if inst := e.instance(); inst != "" {
		d.Attachment = &NetworkInterfaceAttachment{InstanceId: inst, DeviceIndex: 0, Status: "attached", AttachmentId: "eni-attach-" + e.id[4:]}
	}
	for _, g := range e.sgs {
		d.Groups = append(d.Groups, GroupIdentifier{GroupId: g.id, GroupName: g.name})
	}
	return d
}
