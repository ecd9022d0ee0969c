package vpc

import (
	"context"
	"strconv"
)

// CreateVpcInput is CreateVpc's request.
type CreateVpcInput struct {
	CidrBlock string
	Tags      []Tag
}

// CreateVpcOutput is CreateVpc's response.
type CreateVpcOutput struct{ Vpc Vpc }

// CreateVpc creates a VPC with a main route table, a default network ACL
// and a default security group. The block must be /16 to /28.
func (c *Client) CreateVpc(ctx context.Context, in *CreateVpcInput) (*CreateVpcOutput, error) {
	if in == nil {
		in = &CreateVpcInput{}
	}
	var out *CreateVpcOutput
	err := c.call(ctx, "CreateVpc", func(account string) error {
		if in.CidrBlock == "" {
			return clientErr("MissingParameter", "The request must contain the parameter cidrBlock")
		}
		p, err := ValidateVPCCIDR(in.CidrBlock)
		if err != nil {
			return err
		}
		v := c.svc.newVPC(account, c.region, p, false)
		v.tags = tagsCopy(in.Tags)
		out = &CreateVpcOutput{Vpc: c.svc.describeVPC(v)}
		return nil
	})
	return out, err
}

// AssociateVpcCidrBlockInput is AssociateVpcCidrBlock's request.
type AssociateVpcCidrBlockInput struct {
	VpcId     string
	CidrBlock string
}

// AssociateVpcCidrBlockOutput is AssociateVpcCidrBlock's response.
type AssociateVpcCidrBlockOutput struct {
	VpcId                string
	CidrBlockAssociation VpcCidrBlockAssociation
}

// AssociateVpcCidrBlock adds a secondary IPv4 block to a VPC (at most
// MaxCIDRsPerVPC blocks, none overlapping).
func (c *Client) AssociateVpcCidrBlock(ctx context.Context, in *AssociateVpcCidrBlockInput) (*AssociateVpcCidrBlockOutput, error) {
	if in == nil {
		in = &AssociateVpcCidrBlockInput{}
	}
	var out *AssociateVpcCidrBlockOutput
	err := c.call(ctx, "AssociateVpcCidrBlock", func(account string) error {
		v, err := c.svc.getVPC(account, c.region, in.VpcId)
		if err != nil {
			return err
		}
		p, err := ValidateVPCCIDR(in.CidrBlock)
		if err != nil {
			return err
		}
		for _, b := range v.cidrs {
			if b.Overlaps(p) {
				return clientErr("InvalidVpc.Range", "The CIDR '%s' is invalid: it overlaps the VPC's block %s.", in.CidrBlock, b)
			}
		}
		if len(v.cidrs) >= MaxCIDRsPerVPC {
			return clientErr("CidrLimitExceeded", "This network '%s' has met its maximum number of allowed CIDRs: %d", v.id, MaxCIDRsPerVPC)
		}
		c.svc.addCIDR(v, p)
		out = &AssociateVpcCidrBlockOutput{VpcId: v.id, CidrBlockAssociation: VpcCidrBlockAssociation{
			AssociationId: v.cidrIDs[len(v.cidrIDs)-1], CidrBlock: p.String()}}
		return nil
	})
	return out, err
}

// DeleteVpcInput is DeleteVpc's request.
type DeleteVpcInput struct{ VpcId string }

// DeleteVpcOutput is DeleteVpc's (empty) response.
type DeleteVpcOutput struct{}

// DeleteVpc deletes a VPC that has nothing left in it but its main route
// table, default NACL and default security group; anything else (subnets,
// an attached gateway, other groups, tables or ACLs, endpoints, peering
// connections) is a DependencyViolation.
func (c *Client) DeleteVpc(ctx context.Context, in *DeleteVpcInput) (*DeleteVpcOutput, error) {
	if in == nil {
		in = &DeleteVpcInput{}
	}
	err := c.call(ctx, "DeleteVpc", func(account string) error {
		s := c.svc
		v, err := s.getVPC(account, c.region, in.VpcId)
		if err != nil {
			return err
		}
		if dep := s.vpcDependency(v); dep != "" {
			return clientErr("DependencyViolation", "The vpc '%s' has dependencies and cannot be deleted (%s).", v.id, dep)
		}
		s.rtbs.del(v.mainRtb.id)
		s.nacls.del(v.nacl.id)
		s.sgs.del(v.sg.id)
		s.vpcs.del(v.id)
		if v.isDefault {
			s.setDefault(account, c.region, nil)
		}
		return nil
	})
	return &DeleteVpcOutput{}, err
}

func (s *Service) vpcDependency(v *vpcRec) string {
	if v.igw != nil {
		return "internet gateway " + v.igw.id + " is attached"
	}
	for _, id := range sortedKeys(s.subnets) {
		if s.subnets[id].vpc == v {
			return "subnet " + id
		}
	}
	for _, id := range s.sgs.sortedIDs() {
		if g := s.sgs.get(id); g.vpc == v && g != v.sg {
			return "security group " + id
		}
	}
	for _, id := range s.rtbs.sortedIDs() {
		if t := s.rtbs.get(id); t.vpc == v && t != v.mainRtb {
			return "route table " + id
		}
	}
	for _, id := range s.nacls.sortedIDs() {
		if n := s.nacls.get(id); n.vpc == v && n != v.nacl {
			return "network ACL " + id
		}
	}
	for _, id := range sortedKeys(s.endpoints) {
		if s.endpoints[id].vpc == v {
			return "VPC endpoint " + id
		}
	}
	for _, id := range sortedKeys(s.peerings) {
		if p := s.peerings[id]; (p.requester == v || p.accepter == v) && p.status != "deleted" {
			return "peering connection " + id
		}
	}
	return ""
}

// DescribeVpcsInput is DescribeVpcs' request. Filters: vpc-id, cidr,
// is-default.
type DescribeVpcsInput struct {
	VpcIds  []string
	Filters []Filter
}

// DescribeVpcsOutput is DescribeVpcs' response.
type DescribeVpcsOutput struct{ Vpcs []Vpc }

// DescribeVpcs lists the caller's VPCs in the region, the default one
// included.
func (c *Client) DescribeVpcs(ctx context.Context, in *DescribeVpcsInput) (*DescribeVpcsOutput, error) {
	if in == nil {
		in = &DescribeVpcsInput{}
	}
	out := &DescribeVpcsOutput{}
	err := c.call(ctx, "DescribeVpcs", func(account string) error {
		for _, id := range in.VpcIds {
			if _, err := c.svc.getVPC(account, c.region, id); err != nil {
				return err
			}
		}
		for _, id := range c.svc.vpcs.sortedIDs() {
			v := c.svc.vpcs.get(id)
			if v.account != account || v.region != c.region || !wanted(in.VpcIds, id) {
				continue
			}
			ok, err := filtered(in.Filters, map[string]string{"vpc-id": id, "cidr": v.cidrs[0].String(), "is-default": strconv.FormatBool(v.isDefault)})
			if err != nil {
				return err
			}
			if ok {
				out.Vpcs = append(out.Vpcs, c.svc.describeVPC(v))
			}
		}
		return nil
	})
	return out, err
}

func (s *Service) describeVPC(v *vpcRec) Vpc {
	d := Vpc{VpcId: v.id, OwnerId: v.account, CidrBlock: v.cidrs[0].String(), IsDefault: v.isDefault, State: "available", Tags: tagsCopy(v.tags)}
	for i, p := range v.cidrs {
		d.CidrBlockAssociationSet = append(d.CidrBlockAssociationSet, VpcCidrBlockAssociation{AssociationId: v.cidrIDs[i], CidrBlock: p.String()})
	}
	return d
}

// CreateSubnetInput is CreateSubnet's request. AvailabilityZone takes the
// account's zone name, AvailabilityZoneId the zone ID; with neither, EC2
// picks the first zone.
type CreateSubnetInput struct {
	VpcId              string
	CidrBlock          string
	AvailabilityZone   string
	AvailabilityZoneId string
	Tags               []Tag
}

// CreateSubnetOutput is CreateSubnet's response.
type CreateSubnetOutput struct{ Subnet Subnet }

// CreateSubnet creates a subnet in one zone inside its VPC's blocks,
// overlapping no other subnet of the VPC (InvalidSubnet.Range,
// InvalidSubnet.Conflict). It uses the VPC's main route table and default
// network ACL until associated otherwise.
func (c *Client) CreateSubnet(ctx context.Context, in *CreateSubnetInput) (*CreateSubnetOutput, error) {
	if in == nil {
		in = &CreateSubnetInput{}
	}
	var out *CreateSubnetOutput
	err := c.call(ctx, "CreateSubnet", func(account string) error {
		s := c.svc
		v, err := s.getVPC(account, c.region, in.VpcId)
		if err != nil {
			return err
		}
		if in.CidrBlock == "" {
			return clientErr("MissingParameter", "The request must contain the parameter cidrBlock")
		}
		p, err := ValidateSubnetCIDR(in.CidrBlock, v.cidrs)
		if err != nil {
			return err
		}
		if o := s.subnetConflict(v, p); o != nil {
			return clientErr("InvalidSubnet.Conflict", "The CIDR '%s' conflicts with another subnet (%s, %s)", in.CidrBlock, o.id, o.cidr())
		}
		azID, err := s.zoneOf(account, c.region, in.AvailabilityZone, in.AvailabilityZoneId)
		if err != nil {
			return err
		}
		sn := s.newSubnet(v, p, azID)
		sn.tags = tagsCopy(in.Tags)
		out = &CreateSubnetOutput{Subnet: s.describeSubnet(sn)}
		return nil
	})
	return out, err
}

func (s *Service) zoneOf(account, regionCode, name, id string) (string, error) {
	r, err := s.w.Region(regionCode)
	if err != nil {
		return "", err
	}
	pick := name
	if pick == "" {
		pick = id
	}
	if pick == "" {
		best := ""
		for _, z := range r.AZs() {
			if n := s.azName(account, z.ID()); best == "" || n < s.azName(account, best) {
				best = z.ID()
			}
		}
		return best, nil
	}
	azID, err := s.w.AZID(account, pick)
	if err != nil {
		return "", clientErr("InvalidParameterValue", "Value (%s) for parameter availabilityZone is invalid. Subnets can currently only be created in the following availability zones: %s.", pick, s.zoneList(account, r.Code()))
	}
	if z, _ := s.w.AZ(azID); z == nil || z.Region().Code() != regionCode {
		return "", clientErr("InvalidParameterValue", "Value (%s) for parameter availabilityZone is invalid: not a zone of %s.", pick, regionCode)
	}
	return azID, nil
}

func (s *Service) zoneList(account, regionCode string) string {
	r, _ := s.w.Region(regionCode)
	out := ""
	for i, z := range r.AZs() {
		if i > 0 {
			out += ", "
		}
		out += s.azName(account, z.ID())
	}
	return out
}

// DeleteSubnetInput is DeleteSubnet's request.
type DeleteSubnetInput struct{ SubnetId string }

// DeleteSubnetOutput is DeleteSubnet's (empty) response.
type DeleteSubnetOutput struct{}

// DeleteSubnet deletes a subnet with no network interfaces left in it
// (DependencyViolation otherwise).
func (c *Client) DeleteSubnet(ctx context.Context, in *DeleteSubnetInput) (*DeleteSubnetOutput, error) {
	if in == nil {
		in = &DeleteSubnetInput{}
	}
	err := c.call(ctx, "DeleteSubnet", func(account string) error {
		s := c.svc
		sn, err := s.getSubnet(account, c.region, in.SubnetId)
		if err != nil {
			return err
		}
		if sn.enis > 0 {
			return clientErr("DependencyViolation", "The subnet '%s' has dependencies and cannot be deleted.", sn.id)
		}
		if sn.rtb != nil {
			id := sn.rtbAssocID()
			delete(sn.rtb.assocs, id)
			delete(s.rtbAssoc, id)
		}
		delete(s.subnets, sn.id)
		sn.deleted = true
		s.subnetsChanged()
		return nil
	})
	return &DeleteSubnetOutput{}, err
}

// DescribeSubnetsInput is DescribeSubnets' request. Filters: vpc-id,
// subnet-id, availability-zone, availability-zone-id, default-for-az,
// cidr-block.
type DescribeSubnetsInput struct {
	SubnetIds []string
	Filters   []Filter
}

// DescribeSubnetsOutput is DescribeSubnets' response.
type DescribeSubnetsOutput struct{ Subnets []Subnet }

// DescribeSubnets lists the caller's subnets in the region with their
// exact free address counts.
func (c *Client) DescribeSubnets(ctx context.Context, in *DescribeSubnetsInput) (*DescribeSubnetsOutput, error) {
	if in == nil {
		in = &DescribeSubnetsInput{}
	}
	out := &DescribeSubnetsOutput{}
	err := c.call(ctx, "DescribeSubnets", func(account string) error {
		s := c.svc
		for _, id := range in.SubnetIds {
			if _, err := s.getSubnet(account, c.region, id); err != nil {
				return err
			}
		}
		for _, id := range s.sortedSubnetIDs() {
			sn := s.subnets[id]
			if sn.account != account || sn.region != c.region || !wanted(in.SubnetIds, id) {
				continue
			}
			ok, err := filtered(in.Filters, map[string]string{"vpc-id": sn.vpc.id, "subnet-id": id, "availability-zone": s.azName(account, sn.azID),
				"availability-zone-id": sn.azID, "default-for-az": strconv.FormatBool(sn.defaultForAz), "cidr-block": sn.cidr().String()})
			if err != nil {
				return err
			}
			if ok {
				out.Subnets = append(out.Subnets, s.describeSubnet(sn))
			}
		}
		return nil
	})
	return out, err
}

func (s *Service) describeSubnet(sn *subnetRec) Subnet {
	return Subnet{SubnetId: sn.id, VpcId: sn.vpc.id, OwnerId: sn.account, CidrBlock: sn.cidr().String(),
		AvailabilityZone: s.azName(sn.account, sn.azID), AvailabilityZoneId: sn.azID, AvailableIpAddressCount: int32(sn.ips.free),
		DefaultForAz: sn.defaultForAz, MapPublicIpOnLaunch: sn.mapPublic, State: "available", Tags: tagsCopy(sn.tags)}
}

// ModifySubnetAttributeInput is ModifySubnetAttribute's request.
type ModifySubnetAttributeInput struct {
	SubnetId            string
	MapPublicIpOnLaunch *bool
}

// ModifySubnetAttributeOutput is ModifySubnetAttribute's (empty) response.
type ModifySubnetAttributeOutput struct{}

// ModifySubnetAttribute sets whether instances launched in the subnet get
// a public IPv4 address.
func (c *Client) ModifySubnetAttribute(ctx context.Context, in *ModifySubnetAttributeInput) (*ModifySubnetAttributeOutput, error) {
	if in == nil {
		in = &ModifySubnetAttributeInput{}
	}
	err := c.call(ctx, "ModifySubnetAttribute", func(account string) error {
		sn, err := c.svc.getSubnet(account, c.region, in.SubnetId)
		if err != nil {
			return err
		}
		if in.MapPublicIpOnLaunch == nil {
			return clientErr("MissingParameter", "The request must contain an attribute to modify")
		}
		sn.mapPublic = *in.MapPublicIpOnLaunch
		return nil
	})
	return &ModifySubnetAttributeOutput{}, err
}
