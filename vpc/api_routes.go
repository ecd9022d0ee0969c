package vpc

import (
	"context"
	"net/netip"
	"strings"
)

// CreateRouteTableInput is CreateRouteTable's request.
type CreateRouteTableInput struct{ VpcId string }

// CreateRouteTableOutput is CreateRouteTable's response.
type CreateRouteTableOutput struct{ RouteTable RouteTable }

// CreateRouteTable creates a table holding the VPC's local routes.
func (c *Client) CreateRouteTable(ctx context.Context, in *CreateRouteTableInput) (*CreateRouteTableOutput, error) {
	if in == nil {
		in = &CreateRouteTableInput{}
	}
	var out *CreateRouteTableOutput
	err := c.call(ctx, "CreateRouteTable", func(account string) error {
		v, err := c.svc.getVPC(account, c.region, in.VpcId)
		if err != nil {
			return err
		}
		out = &CreateRouteTableOutput{RouteTable: c.svc.describeRTB(c.svc.newRouteTable(v))}
		return nil
	})
	return out, err
}

// DeleteRouteTableInput is DeleteRouteTable's request.
type DeleteRouteTableInput struct{ RouteTableId string }

// DeleteRouteTableOutput is DeleteRouteTable's (empty) response.
type DeleteRouteTableOutput struct{}

// DeleteRouteTable deletes a table that is neither main nor associated
// with a subnet (DependencyViolation).
func (c *Client) DeleteRouteTable(ctx context.Context, in *DeleteRouteTableInput) (*DeleteRouteTableOutput, error) {
	if in == nil {
		in = &DeleteRouteTableInput{}
	}
	err := c.call(ctx, "DeleteRouteTable", func(account string) error {
		t, err := c.svc.getRTB(account, c.region, in.RouteTableId)
		if err != nil {
			return err
		}
		if t.main || len(t.assocs) > 0 {
			return clientErr("DependencyViolation", "The routeTable '%s' has dependencies and cannot be deleted.", t.id)
		}
		c.svc.rtbs.del(t.id)
		return nil
	})
	return &DeleteRouteTableOutput{}, err
}

// DescribeRouteTablesInput is DescribeRouteTables' request. Filters:
// vpc-id, association.subnet-id, association.main.
type DescribeRouteTablesInput struct {
	RouteTableIds []string
	Filters       []Filter
}

// DescribeRouteTablesOutput is DescribeRouteTables' response.
type DescribeRouteTablesOutput struct{ RouteTables []RouteTable }

// DescribeRouteTables lists route tables with their routes (and each
// route's state: a route to a deleted or detached target is a blackhole)
// and associations.
func (c *Client) DescribeRouteTables(ctx context.Context, in *DescribeRouteTablesInput) (*DescribeRouteTablesOutput, error) {
	if in == nil {
		in = &DescribeRouteTablesInput{}
	}
	out := &DescribeRouteTablesOutput{}
	err := c.call(ctx, "DescribeRouteTables", func(account string) error {
		s := c.svc
		for _, id := range in.RouteTableIds {
			if _, err := s.getRTB(account, c.region, id); err != nil {
				return err
			}
		}
		for _, id := range s.rtbs.sortedIDs() {
			t := s.rtbs.get(id)
			if t.account != account || t.region != c.region || !wanted(in.RouteTableIds, id) {
				continue
			}
			attrs := map[string]string{"vpc-id": t.vpc.id, "route-table-id": id, "association.main": "false", "association.subnet-id": ""}
			if t.main {
				attrs["association.main"] = "true"
			}
			match := false
			for _, sn := range t.assocs {
				attrs["association.subnet-id"] = sn.id
				if ok, err := filtered(in.Filters, attrs); err != nil {
					return err
				} else if ok {
					match = true
				}
			}
			if len(t.assocs) == 0 {
				ok, err := filtered(in.Filters, attrs)
				if err != nil {
					return err
				}
				match = ok
			}
			if match {
				out.RouteTables = append(out.RouteTables, s.describeRTB(t))
			}
		}
		return nil
	})
	return out, err
}

func (s *Service) describeRTB(t *rtbRec) RouteTable {
	d := RouteTable{RouteTableId: t.id, VpcId: t.vpc.id, OwnerId: t.account}
	for _, r := range t.routes {
		o := Route{Origin: r.origin, State: s.routeState(t, r)}
		if r.pl != "" {
			o.DestinationPrefixListId = r.pl
		} else {
			o.DestinationCidrBlock = r.dst.String()
		}
		switch r.kind {
		case tLocal, tIGW, tVPCE:
			o.GatewayId = r.target
		case tNAT:
			o.NatGatewayId = r.target
		case tPeering:
			o.VpcPeeringConnectionId = r.target
		case tENI:
			o.NetworkInterfaceId = r.target
		}
		d.Routes = append(d.Routes, o)
	}
	if t.main {
		d.Associations = append(d.Associations, RouteTableAssociation{RouteTableAssociationId: t.mainID, RouteTableId: t.id, Main: true})
	}
	for _, id := range sortedKeys(t.assocs) {
		d.Associations = append(d.Associations, RouteTableAssociation{RouteTableAssociationId: id, RouteTableId: t.id, SubnetId: t.assocs[id].id})
	}
	return d
}

// CreateRouteInput is CreateRoute's (and ReplaceRoute's) request: one
// destination (a CIDR block or a prefix list) and one target.
type CreateRouteInput struct {
	RouteTableId            string
	DestinationCidrBlock    string
	DestinationPrefixListId string
	GatewayId               string // igw-...
	NatGatewayId            string
	VpcPeeringConnectionId  string
	NetworkInterfaceId      string
}

// CreateRouteOutput is CreateRoute's response.
type CreateRouteOutput struct{ Return bool }

// CreateRoute adds a route. A destination already in the table is
// RouteAlreadyExists; a target in another VPC (an internet gateway not
// attached to it, an ENI elsewhere) is InvalidParameterValue.
func (c *Client) CreateRoute(ctx context.Context, in *CreateRouteInput) (*CreateRouteOutput, error) {
	return c.putRoute(ctx, "CreateRoute", in)
}

// ReplaceRoute changes the target of an existing route
// (InvalidRoute.NotFound if there is none for the destination).
func (c *Client) ReplaceRoute(ctx context.Context, in *CreateRouteInput) (*CreateRouteOutput, error) {
	return c.putRoute(ctx, "ReplaceRoute", in)
}

func (c *Client) putRoute(ctx context.Context, op string, in *CreateRouteInput) (*CreateRouteOutput, error) {
	if in == nil {
		in = &CreateRouteInput{}
	}
	err := c.call(ctx, op, func(account string) error {
		s := c.svc
		t, err := s.getRTB(account, c.region, in.RouteTableId)
		if err != nil {
			return err
		}
		nr, err := s.parseRoute(account, c.region, t, in)
		if err != nil {
			return err
		}
		i := t.find(nr)
		if op == "CreateRoute" {
			if i >= 0 {
				return clientErr("RouteAlreadyExists", "The route identified by %s already exists.", nr.dest())
			}
			t.routes = append(t.routes, nr)
		} else {
			if i < 0 {
				return clientErr("InvalidRoute.NotFound", "no route with destination-cidr-block %s in route table %s", nr.dest(), t.id)
			}
			if t.routes[i].kind == tLocal && nr.kind != tLocal && nr.kind != tENI {
				return clientErr("InvalidParameterValue", "The local route's target can only be replaced with a network interface.")
			}
			nr.origin = t.routes[i].origin
			t.routes[i] = nr
		}
		t.dirty = true
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &CreateRouteOutput{Return: true}, nil
}

func (t *rtbRec) find(r *route) int {
	for i, x := range t.routes {
		if x.pl == r.pl && (r.pl != "" || x.dst == r.dst) {
			return i
		}
	}
	return -1
}

// parseRoute validates a route request against the table's VPC.
func (s *Service) parseRoute(account, regionCode string, t *rtbRec, in *CreateRouteInput) (*route, error) {
	r := &route{origin: "CreateRoute"}
	switch {
	case in.DestinationCidrBlock != "" && in.DestinationPrefixListId != "":
		return nil, clientErr("InvalidParameterCombination", "Specify only one of destinationCidrBlock and destinationPrefixListId.")
	case in.DestinationCidrBlock != "":
		p, err := ParseCIDR(in.DestinationCidrBlock)
		if err != nil {
			return nil, clientErr("InvalidParameterValue", "Value (%s) for parameter destinationCidrBlock is invalid. This is not a valid CIDR block.", in.DestinationCidrBlock)
		}
		r.dst = p
	case in.DestinationPrefixListId != "":
		if s.plByID()[in.DestinationPrefixListId] == nil {
			return nil, clientErr("InvalidPrefixListId.NotFound", "The prefix list ID '%s' does not exist", in.DestinationPrefixListId)
		}
		r.pl = in.DestinationPrefixListId
	default:
		return nil, clientErr("MissingParameter", "The request must contain the parameter destinationCidrBlock or destinationPrefixListId")
	}
	n := 0
	for _, x := range []string{in.GatewayId, in.NatGatewayId, in.VpcPeeringConnectionId, in.NetworkInterfaceId} {
		if x != "" {
			n++
		}
	}
	if n != 1 {
		return nil, clientErr("InvalidParameterCombination", "The request must name exactly one target: gatewayId, natGatewayId, vpcPeeringConnectionId or networkInterfaceId.")
	}
	diff := func(target string) error {
		return clientErr("InvalidParameterValue", "route table %s and network gateway %s belong to different networks", t.id, target)
	}
	switch {
	case in.GatewayId == "local":
		r.kind, r.target = tLocal, "local"
	case strings.HasPrefix(in.GatewayId, "igw-"):
		g, err := s.getIGW(account, regionCode, in.GatewayId)
		if err != nil {
			return nil, clientErr("InvalidGatewayID.NotFound", "The gateway ID '%s' does not exist", in.GatewayId)
		}
		if g.vpc != t.vpc {
			return nil, diff(g.id)
		}
		r.kind, r.target = tIGW, g.id
	case strings.HasPrefix(in.GatewayId, "vpce-"):
		return nil, clientErr("InvalidParameterValue", "Routes to gateway endpoints are managed by the endpoint: pass the route table to CreateVpcEndpoint or ModifyVpcEndpoint.")
	case in.GatewayId != "":
		return nil, clientErr("InvalidGatewayID.NotFound", "The gateway ID '%s' does not exist", in.GatewayId)
	case in.NatGatewayId != "":
		g, err := s.getNAT(account, regionCode, in.NatGatewayId)
		if err != nil {
			return nil, clientErr("InvalidNatGatewayID.NotFound", "The natGateway ID '%s' does not exist", in.NatGatewayId)
		}
		if g.subnet.vpc != t.vpc {
			return nil, diff(g.id)
		}
		r.kind, r.target = tNAT, g.id
	case in.VpcPeeringConnectionId != "":
		p, err := s.getPeering(account, regionCode, in.VpcPeeringConnectionId)
		if err != nil {
			return nil, err
		}
		if p.requester != t.vpc && p.accepter != t.vpc {
			return nil, diff(p.id)
		}
		r.kind, r.target = tPeering, p.id
	case in.NetworkInterfaceId != "":
		e, err := s.getENI(account, regionCode, in.NetworkInterfaceId)
		if err != nil {
			return nil, err
		}
		if e.subnet.vpc != t.vpc {
			return nil, diff(e.id)
		}
		r.kind, r.target = tENI, e.id
	}
	if r.kind == tLocal && (r.pl != "" || !t.coversLocal(r.dst)) {
		return nil, clientErr("InvalidParameterValue", "The destination %s is not a CIDR block of VPC %s; only those route to local.", r.dest(), t.vpc.id)
	}
	return r, nil
}

func (t *rtbRec) coversLocal(p netip.Prefix) bool {
	for _, c := range t.vpc.cidrs {
		if c == p {
			return true
		}
	}
	return false
}

// DeleteRouteInput is DeleteRoute's request.
type DeleteRouteInput struct {
	RouteTableId            string
	DestinationCidrBlock    string
	DestinationPrefixListId string
}

// DeleteRouteOutput is DeleteRoute's (empty) response.
type DeleteRouteOutput struct{}

// DeleteRoute removes a route; the local route cannot be removed.
func (c *Client) DeleteRoute(ctx context.Context, in *DeleteRouteInput) (*DeleteRouteOutput, error) {
	if in == nil {
		in = &DeleteRouteInput{}
	}
	err := c.call(ctx, "DeleteRoute", func(account string) error {
		t, err := c.svc.getRTB(account, c.region, in.RouteTableId)
		if err != nil {
			return err
		}
		probe := &route{pl: in.DestinationPrefixListId}
		if in.DestinationCidrBlock != "" {
			p, err := ParseCIDR(in.DestinationCidrBlock)
			if err != nil {
				return err
			}
			probe.dst = p
		}
		i := t.find(probe)
		if i < 0 {
			return clientErr("InvalidRoute.NotFound", "no route with destination-cidr-block %s in route table %s", probe.dest(), t.id)
		}
		if t.routes[i].kind == tLocal {
			return clientErr("InvalidParameterValue", "cannot remove local route %s in route table %s", probe.dest(), t.id)
		}
		if t.routes[i].kind == tVPCE {
			return clientErr("InvalidParameterValue", "The route to %s is managed by endpoint %s; modify the endpoint instead.", probe.dest(), t.routes[i].target)
		}
		t.routes = append(t.routes[:i], t.routes[i+1:]...)
		t.dirty = true
		return nil
	})
	return &DeleteRouteOutput{}, err
}

// AssociateRouteTableInput is AssociateRouteTable's request.
type AssociateRouteTableInput struct{ RouteTableId, SubnetId string }

// AssociateRouteTableOutput is AssociateRouteTable's response.
type AssociateRouteTableOutput struct{ AssociationId string }

// AssociateRouteTable makes a table the subnet's explicit table. A table
// of another VPC is InvalidParameterValue; a subnet already associated
// with another table is Resource.AlreadyAssociated.
func (c *Client) AssociateRouteTable(ctx context.Context, in *AssociateRouteTableInput) (*AssociateRouteTableOutput, error) {
	if in == nil {
		in = &AssociateRouteTableInput{}
	}
	var out *AssociateRouteTableOutput
	err := c.call(ctx, "AssociateRouteTable", func(account string) error {
		s := c.svc
		t, err := s.getRTB(account, c.region, in.RouteTableId)
		if err != nil {
			return err
		}
		sn, err := s.getSubnet(account, c.region, in.SubnetId)
		if err != nil {
			return err
		}
		if sn.vpc != t.vpc {
			return clientErr("InvalidParameterValue", "Route table %s and subnet %s belong to different networks", t.id, sn.id)
		}
		if sn.rtb != nil {
			return clientErr("Resource.AlreadyAssociated", "the specified association for route table %s conflicts with an existing association", sn.rtb.id)
		}
		id := s.newID("rtbassoc")
		sn.rtb = t
		put(&t.assocs, id, sn)
		put(&s.rtbAssoc, id, t)
		out = &AssociateRouteTableOutput{AssociationId: id}
		return nil
	})
	return out, err
}

// DisassociateRouteTableInput is DisassociateRouteTable's request.
type DisassociateRouteTableInput struct{ AssociationId string }

// DisassociateRouteTableOutput is DisassociateRouteTable's (empty)
// response.
type DisassociateRouteTableOutput struct{}

// DisassociateRouteTable returns the subnet to the main table.
func (c *Client) DisassociateRouteTable(ctx context.Context, in *DisassociateRouteTableInput) (*DisassociateRouteTableOutput, error) {
	if in == nil {
		in = &DisassociateRouteTableInput{}
	}
	err := c.call(ctx, "DisassociateRouteTable", func(account string) error {
		s := c.svc
		t := s.rtbAssoc[in.AssociationId]
		if t == nil || t.account != account || t.region != c.region {
			return clientErr("InvalidAssociationID.NotFound", "The association ID '%s' does not exist", in.AssociationId)
		}
		sn := t.assocs[in.AssociationId]
		delete(t.assocs, in.AssociationId)
		delete(s.rtbAssoc, in.AssociationId)
		sn.rtb = nil
		return nil
	})
	return &DisassociateRouteTableOutput{}, err
}
