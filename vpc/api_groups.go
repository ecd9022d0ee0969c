package vpc

import (
	"context"
	"strings"
)

// MaxRulesPerDirection is the default quota of inbound (and, separately,
// outbound) rules per security group
// (https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html).
const MaxRulesPerDirection = 60

// CreateSecurityGroupInput is CreateSecurityGroup's request; VpcId empty
// means the default VPC.
type CreateSecurityGroupInput struct {
	GroupName   string
	Description string
	VpcId       string
}

// CreateSecurityGroupOutput is CreateSecurityGroup's response.
type CreateSecurityGroupOutput struct{ GroupId string }

// CreateSecurityGroup creates a group with AWS's defaults: no inbound
// rule, all outbound traffic allowed. Names are unique per VPC
// (InvalidGroup.Duplicate) and cannot start with "sg-".
func (c *Client) CreateSecurityGroup(ctx context.Context, in *CreateSecurityGroupInput) (*CreateSecurityGroupOutput, error) {
	if in == nil {
		in = &CreateSecurityGroupInput{}
	}
	var out *CreateSecurityGroupOutput
	err := c.call(ctx, "CreateSecurityGroup", func(account string) error {
		s := c.svc
		if in.GroupName == "" || in.Description == "" {
			return clientErr("MissingParameter", "The request must contain the parameters groupName and groupDescription")
		}
		if strings.HasPrefix(strings.ToLower(in.GroupName), "sg-") || len(in.GroupName) > 255 {
			return clientErr("InvalidParameterValue", "Invalid value '%s' for groupName. Group names may not be in the format sg-* and are at most 255 characters.", in.GroupName)
		}
		var v *vpcRec
		if in.VpcId == "" {
			v = s.ensureDefault(account, c.region)
			if v == nil {
				return clientErr("VPCIdNotSpecified", "No default VPC for this user")
			}
		} else {
			var err error
			if v, err = s.getVPC(account, c.region, in.VpcId); err != nil {
				return err
			}
		}
		for _, id := range s.sgs.sortedIDs() {
			if g := s.sgs.get(id); g.vpc == v && g.name == in.GroupName {
				return clientErr("InvalidGroup.Duplicate", "The security group '%s' already exists for VPC '%s'", in.GroupName, v.id)
			}
		}
		out = &CreateSecurityGroupOutput{GroupId: s.newSG(v, in.GroupName, in.Description).id}
		return nil
	})
	return out, err
}

// DeleteSecurityGroupInput is DeleteSecurityGroup's request.
type DeleteSecurityGroupInput struct{ GroupId string }

// DeleteSecurityGroupOutput is DeleteSecurityGroup's (empty) response.
type DeleteSecurityGroupOutput struct{}

// DeleteSecurityGroup deletes a group that no interface uses and no other
// group's rule references (DependencyViolation); the default group cannot
// be deleted (CannotDelete).
func (c *Client) DeleteSecurityGroup(ctx context.Context, in *DeleteSecurityGroupInput) (*DeleteSecurityGroupOutput, error) {
	if in == nil {
		in = &DeleteSecurityGroupInput{}
	}
	err := c.call(ctx, "DeleteSecurityGroup", func(account string) error {
		s := c.svc
		g, err := s.getSG(account, c.region, in.GroupId)
		if err != nil {
			return err
		}
		if g == g.vpc.sg {
			return clientErr("CannotDelete", "the specified group: \"%s\" name: \"default\" cannot be deleted by a user", g.id)
		}
		if g.refs > 0 {
			return clientErr("DependencyViolation", "resource %s has a dependent object", g.id)
		}
		for _, id := range s.sgs.sortedIDs() {
			o := s.sgs.get(id)
			if o == g {
				continue
			}
			for _, r := range append(append([]*rule(nil), o.ingress...), o.egress...) {
				if r.group == g.id {
					return clientErr("DependencyViolation", "resource %s has a dependent object (a rule of %s references it)", g.id, o.id)
				}
			}
		}
		s.sgs.del(g.id)
		return nil
	})
	return &DeleteSecurityGroupOutput{}, err
}

// AuthorizeSecurityGroupIngressInput is the request of the four
// Authorize/Revoke operations.
type AuthorizeSecurityGroupIngressInput struct {
	GroupId       string
	IpPermissions []IpPermission
}

// AuthorizeSecurityGroupIngressOutput is their response.
type AuthorizeSecurityGroupIngressOutput struct{ Return bool }

// AuthorizeSecurityGroupIngress adds inbound rules. A rule already present
// is InvalidPermission.Duplicate; more than MaxRulesPerDirection is
// RulesPerSecurityGroupLimitExceeded; a bad port range or protocol is
// InvalidParameterValue. All or nothing.
func (c *Client) AuthorizeSecurityGroupIngress(ctx context.Context, in *AuthorizeSecurityGroupIngressInput) (*AuthorizeSecurityGroupIngressOutput, error) {
	return c.editRules(ctx, "AuthorizeSecurityGroupIngress", in, true, true)
}

// AuthorizeSecurityGroupEgress adds outbound rules.
func (c *Client) AuthorizeSecurityGroupEgress(ctx context.Context, in *AuthorizeSecurityGroupIngressInput) (*AuthorizeSecurityGroupIngressOutput, error) {
	return c.editRules(ctx, "AuthorizeSecurityGroupEgress", in, false, true)
}

// RevokeSecurityGroupIngress removes inbound rules
// (InvalidPermission.NotFound for a rule not there).
func (c *Client) RevokeSecurityGroupIngress(ctx context.Context, in *AuthorizeSecurityGroupIngressInput) (*AuthorizeSecurityGroupIngressOutput, error) {
	return c.editRules(ctx, "RevokeSecurityGroupIngress", in, true, false)
}

// RevokeSecurityGroupEgress removes outbound rules.
func (c *Client) RevokeSecurityGroupEgress(ctx context.Context, in *AuthorizeSecurityGroupIngressInput) (*AuthorizeSecurityGroupIngressOutput, error) {
	return c.editRules(ctx, "RevokeSecurityGroupEgress", in, false, false)
}

func (c *Client) editRules(ctx context.Context, op string, in *AuthorizeSecurityGroupIngressInput, ingress, add bool) (*AuthorizeSecurityGroupIngressOutput, error) {
	if in == nil {
		in = &AuthorizeSecurityGroupIngressInput{}
	}
	err := c.call(ctx, op, func(account string) error {
		s := c.svc
		g, err := s.getSG(account, c.region, in.GroupId)
		if err != nil {
			return err
		}
		var rs []rule
		for _, p := range in.IpPermissions {
			x, err := expand(p)
			if err != nil {
				return err
			}
			rs = append(rs, x...)
		}
		if len(rs) == 0 {
			return clientErr("MissingParameter", "The request must contain the parameter ipPermissions")
		}
		list := &g.egress
		if ingress {
			list = &g.ingress
		}
		next := append([]*rule(nil), *list...)
		for i := range rs {
			r := &rs[i]
			if r.group != "" {
				o := s.sgs.get(r.group)
				if o == nil || o.region != c.region {
					return clientErr("InvalidGroup.NotFound", "The security group '%s' does not exist", r.group)
				}
			}
			if r.pl != "" && s.plByID()[r.pl] == nil {
				return clientErr("InvalidPrefixListId.NotFound", "The prefix list ID '%s' does not exist", r.pl)
			}
			at := -1
			for j, x := range next {
				if x.sameAs(r) {
					at = j
				}
			}
			switch {
			case add && at >= 0:
				return clientErr("InvalidPermission.Duplicate", "the specified rule \"peer: %s, %s, ALLOW\" already exists", r.peer(), r.String())
			case add:
				r.id = s.newID("sgr")
				next = append(next, r)
			case at < 0:
				return clientErr("InvalidPermission.NotFound", "The specified rule does not exist in this security group.")
			default:
				next = append(next[:at], next[at+1:]...)
			}
		}
		if len(next) > MaxRulesPerDirection {
			return clientErr("RulesPerSecurityGroupLimitExceeded", "The maximum number of rules per security group has been reached.")
		}
		*list = next
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &AuthorizeSecurityGroupIngressOutput{Return: true}, nil
}

// DescribeSecurityGroupsInput is DescribeSecurityGroups' request.
// Filters: vpc-id, group-name, group-id.
type DescribeSecurityGroupsInput struct {
	GroupIds []string
	Filters  []Filter
}

// DescribeSecurityGroupsOutput is DescribeSecurityGroups' response.
type DescribeSecurityGroupsOutput struct{ SecurityGroups []SecurityGroup }

// DescribeSecurityGroups lists groups with their rules, one IpPermission
// per rule.
func (c *Client) DescribeSecurityGroups(ctx context.Context, in *DescribeSecurityGroupsInput) (*DescribeSecurityGroupsOutput, error) {
	if in == nil {
		in = &DescribeSecurityGroupsInput{}
	}
	out := &DescribeSecurityGroupsOutput{}
	err := c.call(ctx, "DescribeSecurityGroups", func(account string) error {
		s := c.svc
		for _, id := range in.GroupIds {
			if _, err := s.getSG(account, c.region, id); err != nil {
				return err
			}
		}
		for _, id := range s.sgs.sortedIDs() {
			g := s.sgs.get(id)
			if g.account != account || g.region != c.region || !wanted(in.GroupIds, id) {
				continue
			}
			ok, err := filtered(in.Filters, map[string]string{"vpc-id": g.vpc.id, "group-name": g.name, "group-id": g.id})
			if err != nil {
				return err
			}
			if ok {
				out.SecurityGroups = append(out.SecurityGroups, describeSG(g))
			}
		}
		return nil
	})
	return out, err
}

func describeSG(g *sgRec) SecurityGroup {
	d := SecurityGroup{GroupId: g.id, GroupName: g.name, Description: g.desc, VpcId: g.vpc.id, OwnerId: g.account}
	conv := func(r *rule) IpPermission {
		p := IpPermission{IpProtocol: protoName(r.proto), FromPort: r.from, ToPort: r.to}
		if r.proto == ProtoAll {
			p.IpProtocol = "-1"
		}
		switch {
		case r.group != "":
			p.UserIdGroupPairs = []UserIdGroupPair{{GroupId: r.group, UserId: g.account, Description: r.desc}}
		case r.pl != "":
			p.PrefixListIds = []PrefixListId{{PrefixListId: r.pl, Description: r.desc}}
		default:
			p.IpRanges = []IpRange{{CidrIp: r.cidr.String(), Description: r.desc}}
		}
		return p
	}
	for _, r := range g.ingress {
		d.IpPermissions = append(d.IpPermissions, conv(r))
	}
	for _, r := range g.egress {
		d.IpPermissionsEgress = append(d.IpPermissionsEgress, conv(r))
	}
	return d
}
