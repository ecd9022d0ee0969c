package iam

// The organization's tree: creating it, its root and policy types,
// organizational units, accounts joining (invitation and handshake) and
// moving between OUs.

import (
	"sort"
	"strings"
)

// CreateOrganization creates an organization whose management account is
// the caller's, with a root and no OUs. No policy type is enabled yet:
// enable SCPs and RCPs with EnablePolicyType ("Enabling a policy type",
// https://docs.aws.amazon.com/organizations/latest/userguide/enable-policy-type.html).
func (g *Organizations) CreateOrganization(c Credentials, in *CreateOrganizationInput) (*CreateOrganizationOutput, error) {
	s := g.s
	if in == nil {
		in = &CreateOrganizationInput{}
	}
	fs := in.FeatureSet
	if fs == "" {
		fs = FeatureSetAll
	}
	if fs != FeatureSetAll && fs != FeatureSetConsolidatedBilling {
		return nil, orgErr("InvalidInputException", "INVALID_ENUM: FeatureSet must be ALL or CONSOLIDATED_BILLING, not %q", in.FeatureSet)
	}
	p, o, err := s.orgCaller(c, "organizations:CreateOrganization", ARN{})
	if err != nil {
		return nil, err
	}
	if o != nil {
		return nil, orgErr("AlreadyInOrganizationException", "The AWS account is already a member of an organization.")
	}
	a := p.acct
	o = &organization{id: s.orgID("o-", 10), featureSet: fs, mgmt: a, nodes: map[string]*orgNode{},
		policies: map[string]*orgPolicy{}, handshakes: map[string]*handshake{}, enabled: map[string]bool{},
		members: map[string]*account{}}
	o.arn = ARN{Partition: s.partition, Service: "organizations", AccountID: a.id, Resource: "organization/" + o.id}
	rid := s.orgID("r-", 4)
	o.root = &orgNode{id: rid, name: "Root", arn: o.orgARN("root", rid)}
	o.nodes[rid] = o.root
	s.join(o, a)
	s.gen++
	if s.env.Tracing() { // the fields cost allocations
		s.emit(a.id, "CreateOrganization", simF("organization", o.id))
	}
	return &CreateOrganizationOutput{Organization: o.describe()}, nil
}

// join makes a a member of o under the root, with the managed policies of
// every enabled type attached, as Organizations does for a new account.
func (s *Service) join(o *organization, a *account) {
	a.org, a.orgID, a.parent, a.orgAttached = o, o.id, o.root, nil
	for _, t := range []string{ServiceControlPolicyType, ResourceControlPolicyType} {
		if o.enabled[t] {
			a.orgAttached = append(a.orgAttached, managedOrgPolicy(t))
		}
	}
	o.members[a.id] = a
}

// DescribeOrganization describes the caller's organization; any member
// account may call it.
func (g *Organizations) DescribeOrganization(c Credentials, _ *DescribeOrganizationInput) (*DescribeOrganizationOutput, error) {
	s := g.s
	_, o, err := s.orgCaller(c, "organizations:DescribeOrganization", ARN{})
	if err != nil {
		return nil, err
	}
	if o == nil {
		return nil, notInUse()
	}
	return &DescribeOrganizationOutput{Organization: o.describe()}, nil
}

// ListRoots lists the organization's root (there is one).
func (g *Organizations) ListRoots(c Credentials, _ *ListRootsInput) (*ListRootsOutput, error) {
	s := g.s
	o, err := s.mgmtCaller(c, "organizations:ListRoots", nil)
	if err != nil {
		return nil, err
	}
	return &ListRootsOutput{Roots: []Root{o.rootOut()}}, nil
}

// EnablePolicyType enables SCPs or RCPs on the root; AWS attaches the
// type's full-access managed policy (FullAWSAccess, RCPFullAWSAccess) to
// the root, every OU and every account, so that enabling changes no
// decision until other policies are attached.
func (g *Organizations) EnablePolicyType(c Credentials, in *EnablePolicyTypeInput) (*EnablePolicyTypeOutput, error) {
	s := g.s
	if in == nil {
		in = &EnablePolicyTypeInput{}
	}
	o, err := s.mgmtCaller(c, "organizations:EnablePolicyType", func(o *organization) ARN { return o.root.arn })
	if err != nil {
		return nil, err
	}
	if err := checkPolicyType(in.PolicyType); err != nil {
		return nil, err
	}
	if n := o.nodes[in.RootId]; n == nil || n != o.root {
		return nil, orgErr("RootNotFoundException", "We can't find a root with the RootId %q that you specified.", in.RootId)
	}
	if o.featureSet != FeatureSetAll {
		return nil, orgErr("PolicyTypeNotAvailableForOrganizationException", "You can't use %s in an organization with only consolidated billing features enabled.", in.PolicyType)
	}
	if o.enabled[in.PolicyType] {
		return nil, orgErr("PolicyTypeAlreadyEnabledException", "The specified policy type %s is already enabled.", in.PolicyType)
	}
	o.enabled[in.PolicyType] = true
	m := managedOrgPolicy(in.PolicyType)
	for _, n := range o.nodes {
		n.attached = append(n.attached, m)
	}
	for _, a := range o.members {
		a.orgAttached = append(a.orgAttached, m)
	}
	s.gen++
	r := o.rootOut()
	return &EnablePolicyTypeOutput{Root: &r}, nil
}

func checkPolicyType(t string) error {
	if t != ServiceControlPolicyType && t != ResourceControlPolicyType {
		return orgErr("InvalidInputException", "INVALID_ENUM: policy type %q is not modeled here (want %s or %s)", t, ServiceControlPolicyType, ResourceControlPolicyType)
	}
	return nil
}

// CreateOrganizationalUnit creates an OU under a root or OU.
func (g *Organizations) CreateOrganizationalUnit(c Credentials, in *CreateOrganizationalUnitInput) (*CreateOrganizationalUnitOutput, error) {
	s := g.s
	if in == nil {
		in = &CreateOrganizationalUnitInput{}
	}
	o, err := s.mgmtCaller(c, "organizations:CreateOrganizationalUnit", func(o *organization) ARN {
		if n := o.nodes[in.ParentId]; n != nil {
			return n.arn
		}
		return ARN{}
	})
	if err != nil {
		return nil, err
	}
	if len(in.Name) < 1 || len(in.Name) > 128 {
		return nil, orgErr("InvalidInputException", "INVALID_INPUT: Name must be 1 to 128 characters, got %d", len(in.Name))
	}
	parent := o.nodes[in.ParentId]
	if parent == nil {
		return nil, orgErr("ParentNotFoundException", "We can't find a root or OU with the ParentId %q that you specified.", in.ParentId)
	}
	for _, n := range o.nodes {
		if n.parent == parent && n.name == in.Name {
			return nil, orgErr("DuplicateOrganizationalUnitException", "An OU with the same name already exists.")
		}
	}
	if parent.depth()+1 > MaxOUDepth {
		return nil, constraint("OU_DEPTH_LIMIT_EXCEEDED", "you can nest OUs at most %d levels deep under the root", MaxOUDepth)
	}
	if len(o.nodes)-1 >= MaxOUsPerOrganization {
		return nil, constraint("OU_NUMBER_LIMIT_EXCEEDED", "an organization has at most %d OUs", MaxOUsPerOrganization)
	}
	id := s.orgID("ou-"+strings.TrimPrefix(o.root.id, "r-")+"-", 8)
	n := &orgNode{id: id, name: in.Name, arn: o.orgARN("ou", id), parent: parent}
	for _, t := range []string{ServiceControlPolicyType, ResourceControlPolicyType} {
		if o.enabled[t] {
			n.attached = append(n.attached, managedOrgPolicy(t))
		}
	}
	o.nodes[id] = n
	s.gen++
	return &CreateOrganizationalUnitOutput{OrganizationalUnit: &OrganizationalUnit{Id: id, Arn: n.arn.String(), Name: n.name}}, nil
}

// InviteAccountToOrganization invites an account (by ID) to the caller's
// organization; the account joins when it accepts (AcceptHandshake).
func (g *Organizations) InviteAccountToOrganization(c Credentials, in *InviteAccountToOrganizationInput) (*InviteAccountToOrganizationOutput, error) {
	s := g.s
	if in == nil {
		in = &InviteAccountToOrganizationInput{}
	}
	o, err := s.mgmtCaller(c, "organizations:InviteAccountToOrganization", nil)
	if err != nil {
		return nil, err
	}
	if in.Target.Type != "ACCOUNT" || !isAccountID(in.Target.Id) {
		return nil, orgErr("InvalidInputException", "INVALID_PARTY_TYPE_TARGET: the target must be {Type: ACCOUNT, Id: a 12-digit account ID}, got {%s, %q}", in.Target.Type, in.Target.Id)
	}
	a, ok := s.accounts[in.Target.Id]
	if !ok {
		return nil, orgErr("AccountNotFoundException", "We can't find an AWS account with the AccountId %s that you specified.", in.Target.Id)
	}
	if a.org != nil {
		return nil, orgErr("HandshakeConstraintViolationException", "ALREADY_IN_AN_ORGANIZATION: The account %s is already a member of an organization.", a.id)
	}
	for _, h := range o.handshakes {
		if h.target == a.id && h.state == "OPEN" {
			return nil, orgErr("DuplicateHandshakeException", "A handshake with the same action and target already exists.")
		}
	}
	id := s.orgID("h-", 10)
	h := &handshake{id: id, state: "OPEN", arn: o.orgARN("handshake", "invite/"+id), target: a.id}
	o.handshakes[id] = h
	return &InviteAccountToOrganizationOutput{Handshake: o.handshakeOut(h)}, nil
}

func (o *organization) handshakeOut(h *handshake) *Handshake {
	return &Handshake{Id: h.id, Arn: h.arn.String(), Action: "INVITE", State: h.state,
		Parties: []HandshakeParty{{Id: strings.TrimPrefix(o.id, "o-"), Type: "ORGANIZATION"}, {Id: h.target, Type: "ACCOUNT"}}}
}

// handshakeOrg finds the organization that invited account acct with
// handshake id, or nil.
func (s *Service) handshakeOrg(acct, id string) *organization {
	// Organizations are few; walking the management accounts is cheap and
	// keeps no second index to maintain.
	ids := make([]string, 0, len(s.accounts))
	for aid := range s.accounts {
		ids = append(ids, aid)
	}
	sort.Strings(ids)
	for _, aid := range ids {
		a := s.accounts[aid]
		if a.org == nil || a.org.mgmt != a {
			continue
		}
		if h := a.org.handshakes[id]; h != nil && h.target == acct {
			return a.org
		}
	}
	return nil
}

// AcceptHandshake accepts an invitation: the caller's account joins the
// organization under its root.
func (g *Organizations) AcceptHandshake(c Credentials, in *AcceptHandshakeInput) (*AcceptHandshakeOutput, error) {
	s := g.s
	if in == nil {
		in = &AcceptHandshakeInput{}
	}
	p, err := s.Authenticate(c)
	if err != nil {
		return nil, err
	}
	if p.acct == nil {
		return nil, orgAccessDenied()
	}
	o := s.handshakeOrg(p.acct.id, in.HandshakeId)
	var arn ARN
	if o != nil {
		arn = o.handshakes[in.HandshakeId].arn
	}
	if _, _, err := s.orgCaller(c, "organizations:AcceptHandshake", arn); err != nil {
		return nil, err
	}
	if o == nil {
		return nil, orgErr("HandshakeNotFoundException", "We can't find a handshake with the HandshakeId %q that you specified.", in.HandshakeId)
	}
	h := o.handshakes[in.HandshakeId]
	if h.state != "OPEN" {
		return nil, orgErr("HandshakeAlreadyInStateException", "The specified handshake is already in the requested state (%s).", h.state)
	}
	if p.acct.org != nil {
		return nil, orgErr("HandshakeConstraintViolationException", "ALREADY_IN_AN_ORGANIZATION: The account is already a member of an organization.")
	}
	h.state = "ACCEPTED"
	s.join(o, p.acct)
	s.gen++
	return &AcceptHandshakeOutput{Handshake: o.handshakeOut(h)}, nil
}

// MoveAccount moves a member account from its parent (root or OU) to
// another.
func (g *Organizations) MoveAccount(c Credentials, in *MoveAccountInput) (*MoveAccountOutput, error) {
	s := g.s
	if in == nil {
		in = &MoveAccountInput{}
	}
	o, err := s.mgmtCaller(c, "organizations:MoveAccount", func(o *organization) ARN {
		if o.members[in.AccountId] != nil {
			return o.accountARN(in.AccountId)
		}
		return ARN{}
	})
	if err != nil {
		return nil, err
	}
	a := o.members[in.AccountId]
	if a == nil {
		return nil, orgErr("AccountNotFoundException", "We can't find an AWS account with the AccountId %q that you specified, or the account isn't a member of your organization.", in.AccountId)
	}
	src := o.nodes[in.SourceParentId]
	if src == nil || a.parent != src {
		return nil, orgErr("SourceParentNotFoundException", "We can't find a source root or OU with the ParentId %q that you specified, or it is not the account's parent.", in.SourceParentId)
	}
	dst := o.nodes[in.DestinationParentId]
	if dst == nil {
		return nil, orgErr("DestinationParentNotFoundException", "We can't find the destination container (a root or OU) with the ParentId %q that you specified.", in.DestinationParentId)
	}
	if dst == src {
		return nil, orgErr("DuplicateAccountException", "That account is already present in the specified destination.")
	}
	a.parent = dst
	s.gen++
	return &MoveAccountOutput{}, nil
}
