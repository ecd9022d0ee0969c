package vpc

import (
	"context"
	"net/netip"
)

// MaxNACLRulesPerDirection is the default quota of inbound (and,
// separately, outbound) rules per network ACL
// (https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html).
const MaxNACLRulesPerDirection = 20

// CreateNetworkAclInput is CreateNetworkAcl's request.
type CreateNetworkAclInput struct{ VpcId string }

// CreateNetworkAclOutput is CreateNetworkAcl's response.
type CreateNetworkAclOutput struct{ NetworkAcl NetworkAcl }

// CreateNetworkAcl creates a custom network ACL, which denies all traffic
// until rules are added.
func (c *Client) CreateNetworkAcl(ctx context.Context, in *CreateNetworkAclInput) (*CreateNetworkAclOutput, error) {
	if in == nil {
		in = &CreateNetworkAclInput{}
	}
	var out *CreateNetworkAclOutput
	err := c.call(ctx, "CreateNetworkAcl", func(account string) error {
		v, err := c.svc.getVPC(account, c.region, in.VpcId)
		if err != nil {
			return err
		}
		out = &CreateNetworkAclOutput{NetworkAcl: c.svc.describeNACL(c.svc.newNACL(v, false))}
		return nil
	})
	return out, err
}

// DeleteNetworkAclInput is DeleteNetworkAcl's request.
type DeleteNetworkAclInput struct{ NetworkAclId string }

// DeleteNetworkAclOutput is DeleteNetworkAcl's (empty) response.
type DeleteNetworkAclOutput struct{}

// DeleteNetworkAcl deletes a custom ACL no subnet uses; the default ACL
// cannot be deleted.
func (c *Client) DeleteNetworkAcl(ctx context.Context, in *DeleteNetworkAclInput) (*DeleteNetworkAclOutput, error) {
	if in == nil {
		in = &DeleteNetworkAclInput{}
	}
	err := c.call(ctx, "DeleteNetworkAcl", func(account string) error {
		s := c.svc
		n, err := s.getNACL(account, c.region, in.NetworkAclId)
		if err != nil {
			return err
		}
		if n.isDefault {
			return clientErr("InvalidParameterValue", "cannot delete default network ACL %s", n.id)
		}
		for _, id := range s.sortedSubnetIDs() {
			if s.subnets[id].nacl == n {
				return clientErr("DependencyViolation", "The networkAcl '%s' has dependencies and cannot be deleted.", n.id)
			}
		}
		s.nacls.del(n.id)
		return nil
	})
	return &DeleteNetworkAclOutput{}, err
}

// CreateNetworkAclEntryInput is CreateNetworkAclEntry's (and
// ReplaceNetworkAclEntry's) request. Protocol is "-1" (all), "6", "17",
// "1" or another number (also "tcp", "udp", "icmp"); PortRange is needed
// for TCP and UDP.
type CreateNetworkAclEntryInput struct {
	NetworkAclId string
	RuleNumber   int32
	Egress       bool
	Protocol     string
	RuleAction   string // allow, deny
	CidrBlock    string
	PortRange    *PortRange
}

// CreateNetworkAclEntryOutput is CreateNetworkAclEntry's (empty) response.
type CreateNetworkAclEntryOutput struct{}

// CreateNetworkAclEntry adds a numbered rule (1-32766) to one direction.
// A number already used in that direction is NetworkAclEntryAlreadyExists;
// more than MaxNACLRulesPerDirection is NetworkAclEntryLimitExceeded.
func (c *Client) CreateNetworkAclEntry(ctx context.Context, in *CreateNetworkAclEntryInput) (*CreateNetworkAclEntryOutput, error) {
	return c.putEntry(ctx, "CreateNetworkAclEntry", in)
}

// ReplaceNetworkAclEntry replaces the rule with the number
// (InvalidNetworkAclEntry.NotFound if none).
func (c *Client) ReplaceNetworkAclEntry(ctx context.Context, in *CreateNetworkAclEntryInput) (*CreateNetworkAclEntryOutput, error) {
	return c.putEntry(ctx, "ReplaceNetworkAclEntry", in)
}

func parseEntry(in *CreateNetworkAclEntryInput) (*naclEntry, error) {
	if in.RuleNumber < 1 || in.RuleNumber > naclMaxNum {
		return nil, clientErr("InvalidParameterValue", "Invalid value '%d' for ruleNumber. Rule numbers must be between 1 and %d.", in.RuleNumber, naclMaxNum)
	}
	proto, err := ParseProtocol(in.Protocol)
	if err != nil {
		return nil, err
	}
	e := &naclEntry{num: in.RuleNumber, egress: in.Egress, proto: proto, from: -1, to: -1}
	switch in.RuleAction {
	case "allow":
		e.allow = true
	case "deny":
	default:
		return nil, clientErr("InvalidParameterValue", "Invalid value '%s' for ruleAction: want allow or deny.", in.RuleAction)
	}
	p, err := netip.ParsePrefix(in.CidrBlock)
	if err != nil || !p.Addr().Is4() || p.Masked() != p {
		return nil, clientErr("InvalidParameterValue", "Value (%s) for parameter cidrBlock is invalid. This is not a valid CIDR block.", in.CidrBlock)
	}
	e.cidr = p
	if hasPorts(proto) {
		if in.PortRange == nil {
			return nil, clientErr("InvalidParameterValue", "The request must contain the parameter portRange for protocol %s.", in.Protocol)
		}
		if err := checkPorts(proto, in.PortRange.From, in.PortRange.To); err != nil {
			return nil, err
		}
		e.from, e.to = in.PortRange.From, in.PortRange.To
	}
	return e, nil
}

func (c *Client) putEntry(ctx context.Context, op string, in *CreateNetworkAclEntryInput) (*CreateNetworkAclEntryOutput, error) {
	if in == nil {
		in = &CreateNetworkAclEntryInput{}
	}
	err := c.call(ctx, op, func(account string) error {
		n, err := c.svc.getNACL(account, c.region, in.NetworkAclId)
		if err != nil {
			return err
		}
		e, err := parseEntry(in)
		if err != nil {
			return err
		}
		i := n.find(e.num, e.egress)
		if op == "ReplaceNetworkAclEntry" {
			if i < 0 {
				return clientErr("InvalidNetworkAclEntry.NotFound", "The network acl entry identified by %d does not exist.", e.num)
			}
			n.entries[i] = e
			return nil
		}
		if i >= 0 {
			return clientErr("NetworkAclEntryAlreadyExists", "The network acl entry identified by %d already exists.", e.num)
		}
		count := 0
		for _, x := range n.entries {
			if x.egress == e.egress {
				count++
			}
		}
		if count >= MaxNACLRulesPerDirection {
			return clientErr("NetworkAclEntryLimitExceeded", "The maximum number of network acl entries has been reached.")
		}
		n.insert(e)
		return nil
	})
	return &CreateNetworkAclEntryOutput{}, err
}

// DeleteNetworkAclEntryInput is DeleteNetworkAclEntry's request.
type DeleteNetworkAclEntryInput struct {
	NetworkAclId string
	RuleNumber   int32
	Egress       bool
}

// DeleteNetworkAclEntryOutput is DeleteNetworkAclEntry's (empty) response.
type DeleteNetworkAclEntryOutput struct{}

// DeleteNetworkAclEntry removes a numbered rule.
func (c *Client) DeleteNetworkAclEntry(ctx context.Context, in *DeleteNetworkAclEntryInput) (*DeleteNetworkAclEntryOutput, error) {
	if in == nil {
		in = &DeleteNetworkAclEntryInput{}
	}
	err := c.call(ctx, "DeleteNetworkAclEntry", func(account string) error {
		n, err := c.svc.getNACL(account, c.region, in.NetworkAclId)
		if err != nil {
			return err
		}
		i := n.find(in.RuleNumber, in.Egress)
		if i < 0 {
			return clientErr("InvalidNetworkAclEntry.NotFound", "The network acl entry identified by %d does not exist.", in.RuleNumber)
		}
		n.entries = append(n.entries[:i], n.entries[i+1:]...)
		return nil
	})
	return &DeleteNetworkAclEntryOutput{}, err
}

// ReplaceNetworkAclAssociationInput is ReplaceNetworkAclAssociation's
// request: the subnet's current association and the ACL to use.
type ReplaceNetworkAclAssociationInput struct{ AssociationId, NetworkAclId string }

// ReplaceNetworkAclAssociationOutput is its response.
type ReplaceNetworkAclAssociationOutput struct{ NewAssociationId string }

// ReplaceNetworkAclAssociation moves a subnet to another ACL of its VPC.
func (c *Client) ReplaceNetworkAclAssociation(ctx context.Context, in *ReplaceNetworkAclAssociationInput) (*ReplaceNetworkAclAssociationOutput, error) {
	if in == nil {
		in = &ReplaceNetworkAclAssociationInput{}
	}
	var out *ReplaceNetworkAclAssociationOutput
	err := c.call(ctx, "ReplaceNetworkAclAssociation", func(account string) error {
		s := c.svc
		n, err := s.getNACL(account, c.region, in.NetworkAclId)
		if err != nil {
			return err
		}
		var sn *subnetRec
		for _, id := range s.sortedSubnetIDs() {
			if x := s.subnets[id]; isNACLAssoc(x, in.AssociationId) && x.account == account {
				sn = x
			}
		}
		if sn == nil {
			return clientErr("InvalidAssociationID.NotFound", "The association ID '%s' does not exist", in.AssociationId)
		}
		if sn.vpc != n.vpc {
			return clientErr("InvalidParameterValue", "Network ACL %s and subnet %s belong to different networks", n.id, sn.id)
		}
		sn.nacl, sn.naclSeq = n, s.nextSeq()
		out = &ReplaceNetworkAclAssociationOutput{NewAssociationId: s.naclAssocID(sn)}
		return nil
	})
	return out, err
}

// DescribeNetworkAclsInput is DescribeNetworkAcls' request. Filters:
// vpc-id, default, association.subnet-id.
type DescribeNetworkAclsInput struct {
	NetworkAclIds []string
	Filters       []Filter
}

// DescribeNetworkAclsOutput is DescribeNetworkAcls' response.
type DescribeNetworkAclsOutput struct{ NetworkAcls []NetworkAcl }

// DescribeNetworkAcls lists ACLs with their entries (the final "*" rules
// shown as number 32767) and subnet associations.
func (c *Client) DescribeNetworkAcls(ctx context.Context, in *DescribeNetworkAclsInput) (*DescribeNetworkAclsOutput, error) {
	if in == nil {
		in = &DescribeNetworkAclsInput{}
	}
	out := &DescribeNetworkAclsOutput{}
	err := c.call(ctx, "DescribeNetworkAcls", func(account string) error {
		s := c.svc
		for _, id := range in.NetworkAclIds {
			if _, err := s.getNACL(account, c.region, id); err != nil {
				return err
			}
		}
		for _, id := range s.nacls.sortedIDs() {
			n := s.nacls.get(id)
			if n.account != account || n.region != c.region || !wanted(in.NetworkAclIds, id) {
				continue
			}
			def := "false"
			if n.isDefault {
				def = "true"
			}
			ok, err := filtered(in.Filters, map[string]string{"vpc-id": n.vpc.id, "default": def, "network-acl-id": n.id})
			if err != nil {
				return err
			}
			if ok {
				out.NetworkAcls = append(out.NetworkAcls, s.describeNACL(n))
			}
		}
		return nil
	})
	return out, err
}

func (s *Service) describeNACL(n *naclRec) NetworkAcl {
	d := NetworkAcl{NetworkAclId: n.id, VpcId: n.vpc.id, IsDefault: n.isDefault}
	conv := func(e *naclEntry) NetworkAclEntry {
		o := NetworkAclEntry{RuleNumber: e.num, Egress: e.egress, Protocol: "-1", RuleAction: "deny", CidrBlock: e.cidr.String()}
		if e.proto != ProtoAll {
			o.Protocol = protoName(e.proto)
			if hasPorts(e.proto) {
				o.Protocol = map[int]string{ProtoTCP: "6", ProtoUDP: "17"}[e.proto]
				o.PortRange = &PortRange{From: e.from, To: e.to}
			}
		}
		if e.allow {
			o.RuleAction = "allow"
		}
		return o
	}
	for _, e := range n.entries {
		d.Entries = append(d.Entries, conv(e))
	}
	all := netip.MustParsePrefix("0.0.0.0/0")
	for _, eg := range []bool{false, true} {
		d.Entries = append(d.Entries, conv(&naclEntry{num: naclDefaultNum, egress: eg, proto: ProtoAll, cidr: all}))
	}
	for _, id := range s.sortedSubnetIDs() {
		if sn := s.subnets[id]; sn.nacl == n {
			d.Associations = append(d.Associations, NetworkAclAssociation{NetworkAclAssociationId: s.naclAssocID(sn), NetworkAclId: n.id, SubnetId: sn.id})
		}
	}
	return d
}
