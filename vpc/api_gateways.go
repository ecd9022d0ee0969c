package vpc

import (
	"context"
	"net/netip"

	"github.com/nimbus-sim/nimbus/billing"
)

// CreateInternetGatewayInput is CreateInternetGateway's request.
type CreateInternetGatewayInput struct{ Tags []Tag }

// CreateInternetGatewayOutput is CreateInternetGateway's response.
type CreateInternetGatewayOutput struct{ InternetGateway InternetGateway }

// CreateInternetGateway creates a detached internet gateway.
func (c *Client) CreateInternetGateway(ctx context.Context, in *CreateInternetGatewayInput) (*CreateInternetGatewayOutput, error) {
	var out *CreateInternetGatewayOutput
	err := c.call(ctx, "CreateInternetGateway", func(account string) error {
		g := &igwRec{owned: owned{id: c.svc.newID("igw"), account: account, region: c.region}}
		if in != nil {
			g.tags = tagsCopy(in.Tags)
		}
		c.svc.igws.put(g.id, g)
		out = &CreateInternetGatewayOutput{InternetGateway: describeIGW(g)}
		return nil
	})
	return out, err
}

func describeIGW(g *igwRec) InternetGateway {
	d := InternetGateway{InternetGatewayId: g.id, OwnerId: g.account}
	if g.vpc != nil {
		d.Attachments = []InternetGatewayAttachment{{VpcId: g.vpc.id, State: "available"}}
	}
	return d
}

// AttachInternetGatewayInput is AttachInternetGateway's (and
// DetachInternetGateway's) request.
type AttachInternetGatewayInput struct{ InternetGatewayId, VpcId string }

// AttachInternetGatewayOutput is AttachInternetGateway's (empty) response.
type AttachInternetGatewayOutput struct{}

// AttachInternetGateway attaches a gateway to a VPC; a VPC has at most
// one, and a gateway serves one VPC (Resource.AlreadyAssociated).
func (c *Client) AttachInternetGateway(ctx context.Context, in *AttachInternetGatewayInput) (*AttachInternetGatewayOutput, error) {
	if in == nil {
		in = &AttachInternetGatewayInput{}
	}
	err := c.call(ctx, "AttachInternetGateway", func(account string) error {
		g, err := c.svc.getIGW(account, c.region, in.InternetGatewayId)
		if err != nil {
			return err
		}
		v, err := c.svc.getVPC(account, c.region, in.VpcId)
		if err != nil {
			return err
		}
		if g.vpc != nil {
			return clientErr("Resource.AlreadyAssociated", "resource %s is already attached to network %s", g.id, g.vpc.id)
		}
		if v.igw != nil {
			return clientErr("Resource.AlreadyAssociated", "Network %s already has an internet gateway attached", v.id)
		}
		g.vpc, v.igw = v, g
		return nil
	})
	return &AttachInternetGatewayOutput{}, err
}

// DetachInternetGatewayOutput is DetachInternetGateway's (empty) response.
type DetachInternetGatewayOutput struct{}

// DetachInternetGateway detaches a gateway; routes to it become
// blackholes. While an interface of the VPC has a public address, the
// detach is DependencyViolation, as in EC2.
func (c *Client) DetachInternetGateway(ctx context.Context, in *AttachInternetGatewayInput) (*DetachInternetGatewayOutput, error) {
	if in == nil {
		in = &AttachInternetGatewayInput{}
	}
	err := c.call(ctx, "DetachInternetGateway", func(account string) error {
		s := c.svc
		g, err := s.getIGW(account, c.region, in.InternetGatewayId)
		if err != nil {
			return err
		}
		v, err := s.getVPC(account, c.region, in.VpcId)
		if err != nil {
			return err
		}
		if g.vpc != v {
			return clientErr("Gateway.NotAttached", "resource %s is not attached to network %s", g.id, v.id)
		}
		for _, id := range sortedKeys(s.enis) {
			if e := s.enis[id]; e.subnet.vpc == v && e.publicIP().IsValid() {
				return clientErr("DependencyViolation", "Network %s has some mapped public address(es) (%s on %s). Please unmap those public address(es) before detaching the gateway.", v.id, e.publicIP(), e.id)
			}
		}
		g.vpc, v.igw = nil, nil
		return nil
	})
	return &DetachInternetGatewayOutput{}, err
}

// DeleteInternetGatewayInput is DeleteInternetGateway's request.
type DeleteInternetGatewayInput struct{ InternetGatewayId string }

// DeleteInternetGatewayOutput is DeleteInternetGateway's (empty) response.
type DeleteInternetGatewayOutput struct{}

// DeleteInternetGateway deletes a detached gateway (DependencyViolation
// while attached).
func (c *Client) DeleteInternetGateway(ctx context.Context, in *DeleteInternetGatewayInput) (*DeleteInternetGatewayOutput, error) {
	if in == nil {
		in = &DeleteInternetGatewayInput{}
	}
	err := c.call(ctx, "DeleteInternetGateway", func(account string) error {
		g, err := c.svc.getIGW(account, c.region, in.InternetGatewayId)
		if err != nil {
			return err
		}
		if g.vpc != nil {
			return clientErr("DependencyViolation", "The internetGateway '%s' has dependencies and cannot be deleted.", g.id)
		}
		c.svc.igws.del(g.id)
		return nil
	})
	return &DeleteInternetGatewayOutput{}, err
}

// DescribeInternetGatewaysInput is DescribeInternetGateways' request.
type DescribeInternetGatewaysInput struct{ InternetGatewayIds []string }

// DescribeInternetGatewaysOutput is DescribeInternetGateways' response.
type DescribeInternetGatewaysOutput struct{ InternetGateways []InternetGateway }

// DescribeInternetGateways lists the caller's internet gateways.
func (c *Client) DescribeInternetGateways(ctx context.Context, in *DescribeInternetGatewaysInput) (*DescribeInternetGatewaysOutput, error) {
	if in == nil {
		in = &DescribeInternetGatewaysInput{}
	}
	out := &DescribeInternetGatewaysOutput{}
	err := c.call(ctx, "DescribeInternetGateways", func(account string) error {
		for _, id := range in.InternetGatewayIds {
			if _, err := c.svc.getIGW(account, c.region, id); err != nil {
				return err
			}
		}
		for _, id := range c.svc.igws.sortedIDs() {
			if g := c.svc.igws.get(id); g.account == account && g.region == c.region && wanted(in.InternetGatewayIds, id) {
				out.InternetGateways = append(out.InternetGateways, describeIGW(g))
			}
		}
		return nil
	})
	return out, err
}

// nextPublic hands out an Amazon-owned public address (from 3.80.0.0/12).
func (s *Service) nextPublic() netip.Addr { return u32Addr(s.nextPublic4()) }

// nextPublic4 is nextPublic as a number (never 0).
func (s *Service) nextPublic4() uint32 {
	s.publicSeq++
	n := s.publicSeq
	return 3<<24 | uint32(80+byte(n>>16)&15)<<16 | uint32(byte(n>>8))<<8 | uint32(byte(n))
}

// ipMeter starts the hourly meter of a public IPv4 address: $0.005 per
// hour whether in use or idle
// (https://aws.amazon.com/vpc/pricing/, "Public IPv4 addresses").
func (s *Service) ipMeter(account, regionCode, resource string, inUse bool) billing.MeterID {
	ut := "PublicIPv4:IdleAddress"
	if inUse {
		ut = "PublicIPv4:InUseAddress"
	}
	id, err := s.ledger.StartTimed(billing.Usage{Account: account, Service: "AmazonVPC", UsageType: ut, Operation: "AllocateAddress",
		Region: regionCode, ResourceID: resource, Quantity: 1}, billing.PerSecond)
	if err != nil {
		return 0 // a catalog without the row bills nothing
	}
	return id
}

func (s *Service) stopMeter(id *billing.MeterID) {
	if id.IsValid() {
		_ = s.ledger.StopTimed(*id, billing.StopOptions{})
	}
	*id = 0
}

// AllocateAddressInput is AllocateAddress' request.
type AllocateAddressInput struct{ Domain string }

// AllocateAddressOutput is AllocateAddress' response.
type AllocateAddressOutput struct {
	AllocationId string
	PublicIp     string
	Domain       string
}

// AllocateAddress allocates an Elastic IP; it bills from now until
// released, associated or not.
func (c *Client) AllocateAddress(ctx context.Context, in *AllocateAddressInput) (*AllocateAddressOutput, error) {
	var out *AllocateAddressOutput
	err := c.call(ctx, "AllocateAddress", func(account string) error {
		s := c.svc
		e := &eipRec{owned: owned{id: s.newID("eipalloc"), account: account, region: c.region}, ip: s.nextPublic()}
		e.meter = s.ipMeter(account, c.region, e.id, false)
		put(&s.eips, e.id, e)
		out = &AllocateAddressOutput{AllocationId: e.id, PublicIp: e.ip.String(), Domain: "vpc"}
		return nil
	})
	return out, err
}

// AssociateAddressInput is AssociateAddress' request: the interface, or
// the instance (its primary interface, resolved by ec2).
type AssociateAddressInput struct {
	AllocationId       string
	NetworkInterfaceId string
}

// AssociateAddressOutput is AssociateAddress' response.
type AssociateAddressOutput struct{ AssociationId string }

// AssociateAddress maps an Elastic IP to an interface, replacing its
// auto-assigned public address.
func (c *Client) AssociateAddress(ctx context.Context, in *AssociateAddressInput) (*AssociateAddressOutput, error) {
	if in == nil {
		in = &AssociateAddressInput{}
	}
	var out *AssociateAddressOutput
	err := c.call(ctx, "AssociateAddress", func(account string) error {
		s := c.svc
		e, err := s.getEIP(account, c.region, in.AllocationId)
		if err != nil {
			return err
		}
		n, err := s.getENI(account, c.region, in.NetworkInterfaceId)
		if err != nil {
			return err
		}
		if e.nat != nil || (e.eni != nil && e.eni != n) {
			return clientErr("Resource.AlreadyAssociated", "The address with allocation id [%s] is already associated", e.id)
		}
		if n.subnet.vpc.igw == nil {
			return clientErr("Gateway.NotAttached", "Network %s is not attached to any internet gateway", n.subnet.vpc.id)
		}
		s.associate(e, n)
		out = &AssociateAddressOutput{AssociationId: e.assoc}
		return nil
	})
	return out, err
}

func (s *Service) associate(e *eipRec, n *eniRec) {
	s.changed()
	if n.eip != nil && n.eip != e {
		s.disassociate(n.eip)
	}
	if n.hasPublic() {
		n.public = 0
		s.stopMeter(&n.publicMeter)
	}
	e.eni, n.eip = n, e
	e.assoc = s.newID("eipassoc")
	s.stopMeter(&e.meter)
	e.meter = s.ipMeter(e.account, e.region, e.id, true)
}

func (s *Service) disassociate(e *eipRec) {
	s.changed()
	if e.eni != nil {
		e.eni.eip = nil
	}
	e.eni, e.assoc = nil, ""
	s.stopMeter(&e.meter)
	e.meter = s.ipMeter(e.account, e.region, e.id, false)
}

// ReleaseAddressInput is ReleaseAddress' request.
type ReleaseAddressInput struct{ AllocationId string }

// ReleaseAddressOutput is ReleaseAddress' (empty) response.
type ReleaseAddressOutput struct{}

// ReleaseAddress releases an Elastic IP that is not associated
// (InvalidIPAddress.InUse otherwise).
func (c *Client) ReleaseAddress(ctx context.Context, in *ReleaseAddressInput) (*ReleaseAddressOutput, error) {
	if in == nil {
		in = &ReleaseAddressInput{}
	}
	err := c.call(ctx, "ReleaseAddress", func(account string) error {
		s := c.svc
		e, err := s.getEIP(account, c.region, in.AllocationId)
		if err != nil {
			return err
		}
		if e.eni != nil || e.nat != nil {
			return clientErr("InvalidIPAddress.InUse", "Address %s is in use.", e.ip)
		}
		s.stopMeter(&e.meter)
		delete(s.eips, e.id)
		return nil
	})
	return &ReleaseAddressOutput{}, err
}

// DescribeAddressesInput is DescribeAddresses' request.
type DescribeAddressesInput struct{ AllocationIds []string }

// DescribeAddressesOutput is DescribeAddresses' response.
type DescribeAddressesOutput struct{ Addresses []Address }

// DescribeAddresses lists the caller's Elastic IPs.
func (c *Client) DescribeAddresses(ctx context.Context, in *DescribeAddressesInput) (*DescribeAddressesOutput, error) {
	if in == nil {
		in = &DescribeAddressesInput{}
	}
	out := &DescribeAddressesOutput{}
	err := c.call(ctx, "DescribeAddresses", func(account string) error {
		for _, id := range in.AllocationIds {
			if _, err := c.svc.getEIP(account, c.region, id); err != nil {
				return err
			}
		}
		for _, id := range sortedKeys(c.svc.eips) {
			e := c.svc.eips[id]
			if e.account != account || e.region != c.region || !wanted(in.AllocationIds, id) {
				continue
			}
			a := Address{AllocationId: e.id, AssociationId: e.assoc, PublicIp: e.ip.String(), Domain: "vpc"}
			if e.eni != nil {
				a.NetworkInterfaceId, a.PrivateIpAddress, a.InstanceId = e.eni.id, e.eni.ip.String(), e.eni.instance()
			}
			if e.nat != nil {
				a.NetworkInterfaceId, a.PrivateIpAddress = e.nat.eni.id, e.nat.eni.ip.String()
			}
			out.Addresses = append(out.Addresses, a)
		}
		return nil
	})
	return out, err
}

// CreateNatGatewayInput is CreateNatGateway's request: a public NAT
// gateway in a subnet with an Elastic IP.
type CreateNatGatewayInput struct {
	SubnetId     string
	AllocationId string
}

// CreateNatGatewayOutput is CreateNatGateway's response.
type CreateNatGatewayOutput struct{ NatGateway NatGateway }

// CreateNatGateway creates a zonal NAT gateway with an interface in the
// subnet and the Elastic IP as its public address. It is available at
// once (AWS takes a few minutes) and bills per hour from now
// (NatGateway-Hours) and per GB processed (NatGateway-Bytes).
func (c *Client) CreateNatGateway(ctx context.Context, in *CreateNatGatewayInput) (*CreateNatGatewayOutput, error) {
	if in == nil {
		in = &CreateNatGatewayInput{}
	}
	var out *CreateNatGatewayOutput
	err := c.call(ctx, "CreateNatGateway", func(account string) error {
		s := c.svc
		sn, err := s.getSubnet(account, c.region, in.SubnetId)
		if err != nil {
			return err
		}
		if in.AllocationId == "" {
			return clientErr("MissingParameter", "The request must contain the parameter AllocationId for a public NAT gateway")
		}
		e, err := s.getEIP(account, c.region, in.AllocationId)
		if err != nil {
			return err
		}
		if e.eni != nil || e.nat != nil {
			return clientErr("Resource.AlreadyAssociated", "Elastic IP address [%s] is already associated", e.id)
		}
		if sn.ips.free == 0 {
			return errNoAddresses(sn)
		}
		n := &natRec{owned: owned{id: s.newID("nat"), account: account, region: c.region}, subnet: sn, eip: e, state: "available"}
		n.eni = s.newENI(sn, nil, eniNAT, n.id)
		e.nat = n
		e.assoc = s.newID("eipassoc")
		s.stopMeter(&e.meter)
		e.meter = s.ipMeter(account, c.region, e.id, true)
		if id, err := s.ledger.StartTimed(billing.Usage{Account: account, Service: "AmazonEC2", UsageType: "NatGateway-Hours",
			Operation: "CreateNatGateway", Region: c.region, AZ: sn.azID, ResourceID: n.id, Quantity: 1}, billing.PerHour); err == nil {
			n.meter = id
		}
		put(&s.nats, n.id, n)
		out = &CreateNatGatewayOutput{NatGateway: describeNAT(n)}
		return nil
	})
	return out, err
}

func describeNAT(n *natRec) NatGateway {
	return NatGateway{NatGatewayId: n.id, SubnetId: n.subnet.id, VpcId: n.subnet.vpc.id, State: n.state,
		NatGatewayAddresses: []NatGatewayAddress{{AllocationId: n.eip.id, PublicIp: n.eip.ip.String(), PrivateIp: n.eni.ip.String()}}}
}

// DeleteNatGatewayInput is DeleteNatGateway's request.
type DeleteNatGatewayInput struct{ NatGatewayId string }

// DeleteNatGatewayOutput is DeleteNatGateway's response.
type DeleteNatGatewayOutput struct{ NatGatewayId string }

// DeleteNatGateway deletes a NAT gateway: its meter stops, its Elastic IP
// is disassociated (and bills as idle until released) and routes to it
// become blackholes.
func (c *Client) DeleteNatGateway(ctx context.Context, in *DeleteNatGatewayInput) (*DeleteNatGatewayOutput, error) {
	if in == nil {
		in = &DeleteNatGatewayInput{}
	}
	err := c.call(ctx, "DeleteNatGateway", func(account string) error {
		s := c.svc
		n, err := s.getNAT(account, c.region, in.NatGatewayId)
		if err != nil {
			return err
		}
		n.state = "deleted"
		s.stopMeter(&n.meter)
		n.eip.nat = nil
		n.eip.assoc = ""
		s.stopMeter(&n.eip.meter)
		n.eip.meter = s.ipMeter(n.eip.account, n.eip.region, n.eip.id, false)
		s.deleteENI(n.eni)
		return nil
	})
	return &DeleteNatGatewayOutput{NatGatewayId: in.NatGatewayId}, err
}

// DescribeNatGatewaysInput is DescribeNatGateways' request.
type DescribeNatGatewaysInput struct{ NatGatewayIds []string }

// DescribeNatGatewaysOutput is DescribeNatGateways' response.
type DescribeNatGatewaysOutput struct{ NatGateways []NatGateway }

// DescribeNatGateways lists the caller's NAT gateways (deleted ones too,
// as EC2 shows them for a while).
func (c *Client) DescribeNatGateways(ctx context.Context, in *DescribeNatGatewaysInput) (*DescribeNatGatewaysOutput, error) {
	if in == nil {
		in = &DescribeNatGatewaysInput{}
	}
	out := &DescribeNatGatewaysOutput{}
	err := c.call(ctx, "DescribeNatGateways", func(account string) error {
		for _, id := range sortedKeys(c.svc.nats) {
			n := c.svc.nats[id]
			if n.account == account && n.region == c.region && wanted(in.NatGatewayIds, id) {
				d := describeNAT(n)
				if n.state == "available" && (c.svc.failed[n.id] || c.svc.w.Faults().AZDown(n.subnet.azID)) {
					d.State = "failed"
				}
				out.NatGateways = append(out.NatGateways, d)
			}
		}
		return nil
	})
	return out, err
}
