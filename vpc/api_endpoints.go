package vpc

import (
	"context"
	"slices"
	"strings"

	"github.com/nimbus-sim/nimbus/billing"
	"github.com/nimbus-sim/nimbus/iam"
)

// CreateVpcEndpointInput is CreateVpcEndpoint's request.
// VpcEndpointType is "Gateway" (the default; S3 and DynamoDB, routed by
// prefix-list routes in RouteTableIds) or "Interface" (an ENI in each of
// SubnetIds, one subnet per zone, answering the service's name inside the
// VPC).
type CreateVpcEndpointInput struct {
	VpcId            string
	ServiceName      string // com.amazonaws.<region>.<service>
	VpcEndpointType  string
	RouteTableIds    []string
	SubnetIds        []string
	SecurityGroupIds []string
	// PolicyDocument is the endpoint policy; empty means full access.
	PolicyDocument string
}

// CreateVpcEndpointOutput is CreateVpcEndpoint's response.
type CreateVpcEndpointOutput struct{ VpcEndpoint VpcEndpoint }

const fullAccessPolicy = `{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}`

// CreateVpcEndpoint creates a gateway or interface endpoint. A gateway
// endpoint adds a route to the service's prefix list in each table.
func (c *Client) CreateVpcEndpoint(ctx context.Context, in *CreateVpcEndpointInput) (*CreateVpcEndpointOutput, error) {
	if in == nil {
		in = &CreateVpcEndpointInput{}
	}
	var out *CreateVpcEndpointOutput
	err := c.call(ctx, "CreateVpcEndpoint", func(account string) error {
		s := c.svc
		v, err := s.getVPC(account, c.region, in.VpcId)
		if err != nil {
			return err
		}
		prefix := "com.amazonaws." + c.region + "."
		service, ok := strings.CutPrefix(in.ServiceName, prefix)
		if !ok || service == "" {
			return clientErr("InvalidServiceName", "The Vpc Endpoint Service '%s' does not exist", in.ServiceName)
		}
		ep := &endpointRec{owned: owned{id: s.newID("vpce"), account: account, region: c.region}, vpc: v, service: service, name: in.ServiceName}
		ep.doc = in.PolicyDocument
		if ep.doc == "" {
			ep.doc = fullAccessPolicy
		}
		pol, err := iam.ParsePolicy(ep.doc)
		if err != nil {
			return clientErr("MalformedPolicyDocument", "Invalid policy document: %v", err)
		}
		ep.policy = pol
		switch in.VpcEndpointType {
		case "", "Gateway":
			pl := s.plNamed()[in.ServiceName]
			if pl == nil {
				return clientErr("InvalidServiceName", "The Vpc Endpoint Service '%s' does not exist as a gateway endpoint service (S3 and DynamoDB are)", in.ServiceName)
			}
			ep.gateway, ep.pl = true, pl
			var ts []*rtbRec
			for _, id := range in.RouteTableIds {
				t, err := s.getRTB(account, c.region, id)
				if err != nil {
					return err
				}
				if t.vpc != v {
					return clientErr("InvalidParameterValue", "Route table %s and VPC %s belong to different networks", t.id, v.id)
				}
				if t.find(&route{pl: pl.id}) >= 0 {
					return clientErr("RouteAlreadyExists", "The route identified by %s already exists.", pl.id)
				}
				ts = append(ts, t)
			}
			for _, t := range ts {
				t.routes = append(t.routes, &route{pl: pl.id, kind: tVPCE, target: ep.id, origin: "CreateRoute"})
				t.dirty = true
			}
			ep.rtbs = ts
		case "Interface":
			var sns []*subnetRec
			zones := map[string]bool{}
			for _, id := range in.SubnetIds {
				sn, err := s.getSubnet(account, c.region, id)
				if err != nil {
					return err
				}
				if sn.vpc != v {
					return clientErr("InvalidParameterValue", "Subnet %s is not in VPC %s", sn.id, v.id)
				}
				if zones[sn.azID] {
					return clientErr("DuplicateSubnetsInSameZone", "Found another VPC endpoint subnet in the availability zone of %s", sn.id)
				}
				if sn.ips.free == 0 {
					return errNoAddresses(sn)
				}
				zones[sn.azID] = true
				sns = append(sns, sn)
			}
			gs := []*sgRec{v.sg}
			if len(in.SecurityGroupIds) > 0 {
				gs = nil
				for _, id := range in.SecurityGroupIds {
					g, err := s.getSG(account, c.region, id)
					if err != nil {
						return err
					}
					gs = append(gs, g)
				}
			}
			ep.sgs = gs
			for _, sn := range sns {
				ep.subnets = append(ep.subnets, sn)
				ep.enis = append(ep.enis, s.newENI(sn, gs, eniEndpoint, ep.id))
				// Billed per endpoint per zone, partial hours in full
				// (https://aws.amazon.com/privatelink/pricing/).
				if id, err := s.ledger.StartTimed(billing.Usage{Account: account, Service: "AmazonVPC", UsageType: "VpcEndpoint-Hours",
					Operation: "CreateVpcEndpoint", Region: c.region, AZ: sn.azID, ResourceID: ep.id, Quantity: 1}, billing.PerHour); err == nil {
					ep.meters = append(ep.meters, id)
				}
			}
		default:
			return clientErr("InvalidParameterValue", "Invalid value '%s' for VpcEndpointType: want Gateway or Interface.", in.VpcEndpointType)
		}
		put(&s.endpoints, ep.id, ep)
		if !ep.gateway {
			v.ifEndpoints = append(v.ifEndpoints, ep)
		}
		out = &CreateVpcEndpointOutput{VpcEndpoint: describeEndpoint(ep)}
		return nil
	})
	return out, err
}

func describeEndpoint(ep *endpointRec) VpcEndpoint {
	d := VpcEndpoint{VpcEndpointId: ep.id, VpcId: ep.vpc.id, ServiceName: ep.name, State: "available", PolicyDocument: ep.doc,
		VpcEndpointType: "Interface", PrivateDnsEnabled: !ep.gateway}
	if ep.gateway {
		d.VpcEndpointType = "Gateway"
	}
	for _, t := range ep.rtbs {
		d.RouteTableIds = append(d.RouteTableIds, t.id)
	}
	for _, sn := range ep.subnets {
		d.SubnetIds = append(d.SubnetIds, sn.id)
	}
	for _, e := range ep.enis {
		d.NetworkInterfaceIds = append(d.NetworkInterfaceIds, e.id)
	}
	for _, g := range ep.sgs {
		d.Groups = append(d.Groups, g.id)
	}
	return d
}

// DeleteVpcEndpointsInput is DeleteVpcEndpoints' request.
type DeleteVpcEndpointsInput struct{ VpcEndpointIds []string }

// DeleteVpcEndpointsOutput is DeleteVpcEndpoints' response.
type DeleteVpcEndpointsOutput struct{}

// DeleteVpcEndpoints deletes endpoints with their routes and interfaces.
func (c *Client) DeleteVpcEndpoints(ctx context.Context, in *DeleteVpcEndpointsInput) (*DeleteVpcEndpointsOutput, error) {
	if in == nil {
		in = &DeleteVpcEndpointsInput{}
	}
	err := c.call(ctx, "DeleteVpcEndpoints", func(account string) error {
		s := c.svc
		var eps []*endpointRec
		for _, id := range in.VpcEndpointIds {
			ep, err := s.getEndpoint(account, c.region, id)
			if err != nil {
				return err
			}
			eps = append(eps, ep)
		}
		for _, ep := range eps {
			for _, t := range ep.rtbs {
				if i := t.find(&route{pl: ep.pl.id}); i >= 0 {
					t.routes = append(t.routes[:i], t.routes[i+1:]...)
					t.dirty = true
				}
			}
			for _, e := range ep.enis {
				s.deleteENI(e)
			}
			for i := range ep.meters {
				s.stopMeter(&ep.meters[i])
			}
			if i := slices.Index(ep.vpc.ifEndpoints, ep); i >= 0 {
				ep.vpc.ifEndpoints = slices.Delete(ep.vpc.ifEndpoints, i, i+1)
			}
			delete(s.endpoints, ep.id)
		}
		return nil
	})
	return &DeleteVpcEndpointsOutput{}, err
}

// DescribeVpcEndpointsInput is DescribeVpcEndpoints' request.
type DescribeVpcEndpointsInput struct{ VpcEndpointIds []string }

// DescribeVpcEndpointsOutput is DescribeVpcEndpoints' response.
type DescribeVpcEndpointsOutput struct{ VpcEndpoints []VpcEndpoint }

// DescribeVpcEndpoints lists the caller's endpoints.
func (c *Client) DescribeVpcEndpoints(ctx context.Context, in *DescribeVpcEndpointsInput) (*DescribeVpcEndpointsOutput, error) {
	if in == nil {
		in = &DescribeVpcEndpointsInput{}
	}
	out := &DescribeVpcEndpointsOutput{}
	err := c.call(ctx, "DescribeVpcEndpoints", func(account string) error {
		for _, id := range in.VpcEndpointIds {
			if _, err := c.svc.getEndpoint(account, c.region, id); err != nil {
				return err
			}
		}
		for _, id := range sortedKeys(c.svc.endpoints) {
			if ep := c.svc.endpoints[id]; ep.account == account && ep.region == c.region && wanted(in.VpcEndpointIds, id) {
				out.VpcEndpoints = append(out.VpcEndpoints, describeEndpoint(ep))
			}
		}
		return nil
	})
	return out, err
}

// DescribePrefixListsInput is DescribePrefixLists' request.
type DescribePrefixListsInput struct{ PrefixListIds []string }

// DescribePrefixListsOutput is DescribePrefixLists' response.
type DescribePrefixListsOutput struct{ PrefixLists []PrefixList }

// DescribePrefixLists lists the region's AWS-managed prefix lists of
// gateway endpoint services.
func (c *Client) DescribePrefixLists(ctx context.Context, in *DescribePrefixListsInput) (*DescribePrefixListsOutput, error) {
	if in == nil {
		in = &DescribePrefixListsInput{}
	}
	out := &DescribePrefixListsOutput{}
	err := c.call(ctx, "DescribePrefixLists", func(string) error {
		pls := c.svc.plByID()
		for _, id := range sortedKeys(pls) {
			p := pls[id]
			if p.region != c.region || !wanted(in.PrefixListIds, id) {
				continue
			}
			d := PrefixList{PrefixListId: p.id, PrefixListName: p.name}
			for _, x := range p.cidrs {
				d.Cidrs = append(d.Cidrs, x.String())
			}
			out.PrefixLists = append(out.PrefixLists, d)
		}
		return nil
	})
	return out, err
}

// CreateVpcPeeringConnectionInput is CreateVpcPeeringConnection's
// request; PeerOwnerId empty means the caller's account. Peers are in the
// same region.
type CreateVpcPeeringConnectionInput struct {
	VpcId       string
	PeerVpcId   string
	PeerOwnerId string
}

// CreateVpcPeeringConnectionOutput is its response.
type CreateVpcPeeringConnectionOutput struct{ VpcPeeringConnection VpcPeeringConnection }

// CreateVpcPeeringConnection requests a peering between two VPCs whose
// blocks do not overlap; it is pending-acceptance until the peer's owner
// accepts it.
func (c *Client) CreateVpcPeeringConnection(ctx context.Context, in *CreateVpcPeeringConnectionInput) (*CreateVpcPeeringConnectionOutput, error) {
	if in == nil {
		in = &CreateVpcPeeringConnectionInput{}
	}
	var out *CreateVpcPeeringConnectionOutput
	err := c.call(ctx, "CreateVpcPeeringConnection", func(account string) error {
		s := c.svc
		v, err := s.getVPC(account, c.region, in.VpcId)
		if err != nil {
			return err
		}
		owner := in.PeerOwnerId
		if owner == "" {
			owner = account
		}
		peer, err := s.getVPC(owner, c.region, in.PeerVpcId)
		if err != nil {
			return err
		}
		if peer == v {
			return clientErr("InvalidParameterValue", "A VPC cannot be peered with itself.")
		}
		for _, a := range v.cidrs {
			for _, b := range peer.cidrs {
				if a.Overlaps(b) {
					return clientErr("InvalidParameterValue", "The CIDR blocks %s of %s and %s of %s overlap; overlapping VPCs cannot be peered.", a, v.id, b, peer.id)
				}
			}
		}
		p := &peeringRec{owned: owned{id: s.newID("pcx"), account: account, region: c.region}, requester: v, accepter: peer, status: "pending-acceptance"}
		put(&s.peerings, p.id, p)
		out = &CreateVpcPeeringConnectionOutput{VpcPeeringConnection: describePeering(p)}
		return nil
	})
	return out, err
}

func describePeering(p *peeringRec) VpcPeeringConnection {
	return VpcPeeringConnection{VpcPeeringConnectionId: p.id, RequesterVpcId: p.requester.id, AccepterVpcId: p.accepter.id, Status: p.status}
}

// AcceptVpcPeeringConnectionInput is AcceptVpcPeeringConnection's request.
type AcceptVpcPeeringConnectionInput struct{ VpcPeeringConnectionId string }

// AcceptVpcPeeringConnectionOutput is its response.
type AcceptVpcPeeringConnectionOutput struct{ VpcPeeringConnection VpcPeeringConnection }

// AcceptVpcPeeringConnection activates a pending peering; only the
// accepter VPC's owner may accept.
func (c *Client) AcceptVpcPeeringConnection(ctx context.Context, in *AcceptVpcPeeringConnectionInput) (*AcceptVpcPeeringConnectionOutput, error) {
	if in == nil {
		in = &AcceptVpcPeeringConnectionInput{}
	}
	var out *AcceptVpcPeeringConnectionOutput
	err := c.call(ctx, "AcceptVpcPeeringConnection", func(account string) error {
		p, err := c.svc.getPeering(account, c.region, in.VpcPeeringConnectionId)
		if err != nil {
			return err
		}
		if p.accepter.account != account {
			return clientErr("OperationNotPermitted", "User %s cannot accept peering %s", account, p.id)
		}
		if p.status != "pending-acceptance" {
			return clientErr("InvalidStateTransition", "Invalid state transition for pcx %s, attempted to transition from %s to active", p.id, p.status)
		}
		p.status = "active"
		out = &AcceptVpcPeeringConnectionOutput{VpcPeeringConnection: describePeering(p)}
		return nil
	})
	return out, err
}
