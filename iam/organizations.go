package iam

// AWS Organizations, the part that bears on authorization: an organization
// with a management account, a root, organizational units nested under it,
// member accounts, and SCPs and RCPs attached to the root, to OUs and to
// accounts. The operations carry Organizations' names, shapes and error
// codes (AWS Organizations API Reference,
// https://docs.aws.amazon.com/organizations/latest/APIReference/); region's
// Organizations client sends them through the request pipeline.
//
// Evaluation (organizations_eval.go) walks the levels from the root down to
// the account: at every level some attached policy must allow, and a Deny at
// any level denies ("SCP evaluation",
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html).

import (
	"errors"
	"sort"
	"strings"

	"github.com/nimbus-sim/nimbus/internal/awserr"
)

// Organizations policy types modeled here (the API's PolicyType enum also
// has TAG_POLICY, BACKUP_POLICY, ... which do not bear on authorization).
const (
	ServiceControlPolicyType  = "SERVICE_CONTROL_POLICY"
	ResourceControlPolicyType = "RESOURCE_CONTROL_POLICY"
)

// Feature sets of an organization.
const (
	FeatureSetAll                 = "ALL"
	FeatureSetConsolidatedBilling = "CONSOLIDATED_BILLING"
)

// Organizations quotas ("Quotas for AWS Organizations",
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html).
const (
	MaxOUDepth              = 5    // OUs nested under the root
	MaxPoliciesPerTarget    = 5    // SCPs (or RCPs) attached to one root, OU or account
	MaxOrgPolicySize        = 5120 // characters of an SCP or RCP document
	MaxOUsPerOrganization   = 1000 // organizational units
	MaxPoliciesPerOrgAndTyp = 1000 // policies of one type
)

// Errors of AWS Organizations, by code (all HTTP 400, as the service's JSON
// protocol returns them).
var (
	ErrAWSOrganizationsNotInUse = awserr.Code("AWSOrganizationsNotInUseException")
	ErrOrgAccessDenied          = awserr.Code("AccessDeniedException")
	ErrAlreadyInOrganization    = awserr.Code("AlreadyInOrganizationException")
	ErrAccountNotFound          = awserr.Code("AccountNotFoundException")
	ErrParentNotFound           = awserr.Code("ParentNotFoundException")
	ErrSourceParentNotFound     = awserr.Code("SourceParentNotFoundException")
	ErrDestinationParentNotFnd  = awserr.Code("DestinationParentNotFoundException")
	ErrDuplicateAccount         = awserr.Code("DuplicateAccountException")
	ErrDuplicateOU              = awserr.Code("DuplicateOrganizationalUnitException")
	ErrRootNotFound             = awserr.Code("RootNotFoundException")
	ErrTargetNotFound           = awserr.Code("TargetNotFoundException")
	ErrPolicyNotFound           = awserr.Code("PolicyNotFoundException")
	ErrPolicyTypeNotEnabled     = awserr.Code("PolicyTypeNotEnabledException")
	ErrPolicyTypeAlreadyEnabled = awserr.Code("PolicyTypeAlreadyEnabledException")
	ErrPolicyTypeNotAvailable   = awserr.Code("PolicyTypeNotAvailableForOrganizationException")
	ErrDuplicatePolicy          = awserr.Code("DuplicatePolicyException")
	ErrDuplicatePolicyAttach    = awserr.Code("DuplicatePolicyAttachmentException")
	ErrPolicyNotAttached        = awserr.Code("PolicyNotAttachedException")
	ErrMalformedOrgPolicy       = awserr.Code("MalformedPolicyDocumentException")
	ErrConstraintViolation      = awserr.Code("ConstraintViolationException")
	ErrOrgInvalidInput          = awserr.Code("InvalidInputException")
	ErrHandshakeNotFound        = awserr.Code("HandshakeNotFoundException")
	ErrHandshakeConstraint      = awserr.Code("HandshakeConstraintViolationException")
	ErrDuplicateHandshake       = awserr.Code("DuplicateHandshakeException")
	ErrHandshakeAlreadyInState  = awserr.Code("HandshakeAlreadyInStateException")
)

// Organizations is the AWS Organizations service of a world, sharing the
// Service's accounts: Service.Organizations returns it. Its methods are the
// server side of the Organizations API; they authenticate the credentials
// and authorize the action like every IAM operation.
type Organizations struct{ s *Service }

// Organizations returns the AWS Organizations API of s.
func (s *Service) Organizations() *Organizations { return &Organizations{s: s} }

func orgErr(code, format string, args ...any) error {
	return awserr.New(code, 400, false, format, args...)
}

func notInUse() error {
	return orgErr("AWSOrganizationsNotInUseException", "Your account is not a member of an organization.")
}

func orgAccessDenied() error {
	return orgErr("AccessDeniedException", "You don't have permissions to access this resource.")
}

// orgDenied is IAM's refusal of an Organizations action, under
// Organizations' code (AccessDeniedException) with IAM's explanation.
func orgDenied(d Decision) error {
	return orgErr("AccessDeniedException", "%s", d.Message())
}

func constraint(reason, format string, args ...any) error {
	return orgErr("ConstraintViolationException", "%s: "+format, append([]any{reason}, args...)...)
}

// organization is one AWS Organizations organization.
type organization struct {
	id         string
	arn        ARN
	featureSet string
	mgmt       *account
	root       *orgNode
	nodes      map[string]*orgNode   // root and OUs by ID
	policies   map[string]*orgPolicy // customer policies by ID
	handshakes map[string]*handshake
	enabled    map[string]bool // policy types enabled on the root
	members    map[string]*account
}

// orgNode is the root or an organizational unit.
type orgNode struct {
	id, name string
	arn      ARN
	parent   *orgNode // nil for the root
	attached []*orgPolicy
}

func (n *orgNode) depth() int {
	d := 0
	for p := n.parent; p != nil; p = p.parent {
		d++
	}
	return d
}

// orgPolicy is an SCP or RCP.
type orgPolicy struct {
	id, name, description, typ string
	arn                        ARN
	content                    string
	doc                        *Policy
	awsManaged                 bool
}

// AWS managed organization policies: FullAWSAccess is attached everywhere
// when SCPs are enabled, RCPFullAWSAccess when RCPs are (and cannot be
// detached). Shared by every Service: a compiled Policy is immutable.
var (
	fullAWSAccess = &orgPolicy{id: "p-FullAWSAccess", name: "FullAWSAccess", typ: ServiceControlPolicyType, awsManaged: true,
		description: "Allows access to every operation",
		arn:         ARN{Partition: "aws", Service: "organizations", AccountID: "aws", Resource: "policy/service_control_policy/p-FullAWSAccess"},
		content:     `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`}
	rcpFullAWSAccess = &orgPolicy{id: "p-RCPFullAWSAccess", name: "RCPFullAWSAccess", typ: ResourceControlPolicyType, awsManaged: true,
		description: "Allows access to every operation",
		arn:         ARN{Partition: "aws", Service: "organizations", AccountID: "aws", Resource: "policy/resource_control_policy/p-RCPFullAWSAccess"},
		content:     `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}`}
)

func init() {
	fullAWSAccess.doc = MustParsePolicy(fullAWSAccess.content)
	rcpFullAWSAccess.doc = MustParsePolicy(rcpFullAWSAccess.content)
}

func managedOrgPolicy(typ string) *orgPolicy {
	if typ == ServiceControlPolicyType {
		return fullAWSAccess
	}
	return rcpFullAWSAccess
}

// handshake is an invitation to join an organization.
type handshake struct {
	id, state string
	arn       ARN
	target    string // invited account
}

// Organization describes an organization (DescribeOrganization,
// CreateOrganization).
type Organization struct {
	Id                 string
	Arn                string
	FeatureSet         string
	MasterAccountId    string
	MasterAccountArn   string
	MasterAccountEmail string
}

// PolicyTypeSummary is a policy type and whether it is enabled on a root.
type PolicyTypeSummary struct {
	Type   string
	Status string // "ENABLED"
}

// Root is the organization's root.
type Root struct {
	Id          string
	Arn         string
	Name        string
	PolicyTypes []PolicyTypeSummary
}

// OrganizationalUnit is an OU.
type OrganizationalUnit struct {
	Id   string
	Arn  string
	Name string
}

// PolicySummary describes an organization policy.
type PolicySummary struct {
	Id          string
	Arn         string
	Name        string
	Description string
	Type        string
	AwsManaged  bool
}

// OrgPolicy is an organization policy with its document (Organizations'
// Policy structure; named apart from IAM's Policy).
type OrgPolicy struct {
	PolicySummary PolicySummary
	Content       string
}

// HandshakeParty names one side of a handshake.
type HandshakeParty struct {
	Id   string
	Type string // "ACCOUNT", "ORGANIZATION"
}

// Handshake is an invitation to join an organization.
type Handshake struct {
	Id      string
	Arn     string
	Action  string // "INVITE"
	State   string // "OPEN", "ACCEPTED"
	Parties []HandshakeParty
}

// Inputs and outputs, shaped like the API's.
type (
	CreateOrganizationInput struct {
		FeatureSet string // "ALL" (default) or "CONSOLIDATED_BILLING"
	}
	CreateOrganizationOutput struct{ Organization *Organization }

	DescribeOrganizationInput  struct{}
	DescribeOrganizationOutput struct{ Organization *Organization }

	ListRootsInput  struct{}
	ListRootsOutput struct{ Roots []Root }

	EnablePolicyTypeInput struct {
		RootId     string
		PolicyType string
	}
	EnablePolicyTypeOutput struct{ Root *Root }

	CreateOrganizationalUnitInput struct {
		ParentId string
		Name     string
	}
	CreateOrganizationalUnitOutput struct{ OrganizationalUnit *OrganizationalUnit }

	InviteAccountToOrganizationInput struct {
		Target HandshakeParty // Type "ACCOUNT", Id the 12-digit account ID
	}
	InviteAccountToOrganizationOutput struct{ Handshake *Handshake }

	AcceptHandshakeInput  struct{ HandshakeId string }
	AcceptHandshakeOutput struct{ Handshake *Handshake }

	MoveAccountInput struct {
		AccountId           string
		SourceParentId      string
		DestinationParentId string
	}
	MoveAccountOutput struct{}

	CreateOrgPolicyInput struct {
		Content     string
		Description string
		Name        string
		Type        string // SERVICE_CONTROL_POLICY or RESOURCE_CONTROL_POLICY
	}
	CreateOrgPolicyOutput struct{ Policy *OrgPolicy }

	AttachPolicyInput struct {
		PolicyId string
		TargetId string // r-..., ou-... or a 12-digit account ID
	}
	AttachPolicyOutput struct{}

	DetachPolicyInput struct {
		PolicyId string
		TargetId string
	}
	DetachPolicyOutput struct{}
)

func (o *organization) describe() *Organization {
	return &Organization{Id: o.id, Arn: o.arn.String(), FeatureSet: o.featureSet, MasterAccountId: o.mgmt.id,
		MasterAccountArn:   o.accountARN(o.mgmt.id).String(),
		MasterAccountEmail: "management@" + o.mgmt.id + ".example.com"}
}

func (o *organization) rootOut() Root {
	r := Root{Id: o.root.id, Arn: o.root.arn.String(), Name: o.root.name}
	for _, t := range []string{ResourceControlPolicyType, ServiceControlPolicyType} {
		if o.enabled[t] {
			r.PolicyTypes = append(r.PolicyTypes, PolicyTypeSummary{Type: t, Status: "ENABLED"})
		}
	}
	return r
}

func (o *organization) orgARN(kind, rest string) ARN {
	return ARN{Partition: o.arn.Partition, Service: "organizations", AccountID: o.mgmt.id, Resource: kind + "/" + o.id + "/" + rest}
}

func (o *organization) accountARN(id string) ARN { return o.orgARN("account", id) }

func (p *orgPolicy) summary() PolicySummary {
	return PolicySummary{Id: p.id, Arn: p.arn.String(), Name: p.name, Description: p.description, Type: p.typ, AwsManaged: p.awsManaged}
}

// orgID draws Organizations' identifiers from their own stream, so that
// creating an organization does not shift IAM's key and ID draws.
func (s *Service) orgID(prefix string, n int) string {
	if s.orgRNG == nil {
		s.orgRNG = s.env.Rand("iam/organizations/ids")
	}
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	for {
		b := make([]byte, n)
		for i := range b {
			b[i] = alphabet[s.orgRNG.IntN(len(alphabet))]
		}
		id := prefix + string(b)
		if !s.ids[id] {
			s.ids[id] = true
			return id
		}
	}
}

// orgCaller authenticates c, authorizes action on resource and returns the
// caller's account and its organization (nil when it has none).
func (s *Service) orgCaller(c Credentials, action string, resource ARN) (*Principal, *organization, error) {
	p, err := s.Authenticate(c)
	if err != nil {
		return nil, nil, err
	}
	if p.acct == nil {
		return nil, nil, orgAccessDenied()
	}
	// Organizations actions are granted by the caller's own identity-based
	// policies, so the request is authorized as one in its own account.
	d := s.Authorize(&Request{Principal: p, Action: action, Resource: resource, ResourceAccount: p.AccountID})
	if !d.Allowed {
		return nil, nil, orgDenied(d)
	}
	return p, p.acct.org, nil
}

// mgmtCaller is orgCaller for operations only the management account may
// call: AWSOrganizationsNotInUseException outside an organization,
// AccessDeniedException from a member account. The resource is resolved
// from the caller's organization by res (nil: "*").
func (s *Service) mgmtCaller(c Credentials, action string, res func(*organization) ARN) (*organization, error) {
	p, err := s.Authenticate(c)
	if err != nil {
		return nil, err
	}
	if p.acct == nil {
		return nil, orgAccessDenied()
	}
	o := p.acct.org
	if o == nil {
		return nil, notInUse()
	}
	var arn ARN
	if res != nil {
		arn = res(o)
	}
	d := s.Authorize(&Request{Principal: p, Action: action, Resource: arn, ResourceAccount: p.AccountID})
	if !d.Allowed {
		return nil, orgDenied(d)
	}
	if o.mgmt != p.acct {
		return nil, orgAccessDenied()
	}
	return o, nil
}

// OrganizationsARN returns the ARN of an Organizations entity of the
// caller's organization by ID (root r-..., OU ou-..., policy p-...,
// handshake h-..., or a member account's ID), or "*" when there is none;
// the request pipeline authorizes Organizations calls on it.
func (g *Organizations) OrganizationsARN(c Credentials, id string) string {
	s := g.s
	p, err := s.Authenticate(c)
	if err != nil || p.acct == nil {
		return "*"
	}
	o := p.acct.org
	if o == nil {
		if h := s.findHandshake(p.acct.id, id); h != nil {
			return h.arn.String()
		}
		return "*"
	}
	switch {
	case o.nodes[id] != nil:
		return o.nodes[id].arn.String()
	case o.policies[id] != nil:
		return o.policies[id].arn.String()
	case id == fullAWSAccess.id:
		return fullAWSAccess.arn.String()
	case id == rcpFullAWSAccess.id:
		return rcpFullAWSAccess.arn.String()
	case o.members[id] != nil:
		return o.accountARN(id).String()
	case o.handshakes[id] != nil:
		return o.handshakes[id].arn.String()
	}
	return "*"
}

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
	s.emit(a.id, "CreateOrganization", simF("organization", o.id))
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

// findHandshake finds an invitation to account acct by ID in any
// organization.
func (s *Service) findHandshake(acct, id string) *handshake {
	o := s.handshakeOrg(acct, id)
	if o == nil {
		return nil
	}
	return o.handshakes[id]
}

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

// CreatePolicy creates an SCP or RCP. The document follows the IAM policy
// language with the restrictions of each type ("SCP syntax",
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_syntax.html:
// no Principal or NotPrincipal; "RCP syntax",
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_syntax.html:
// Principal must be "*", no NotPrincipal), at most 5,120 characters.
func (g *Organizations) CreatePolicy(c Credentials, in *CreateOrgPolicyInput) (*CreateOrgPolicyOutput, error) {
	s := g.s
	if in == nil {
		in = &CreateOrgPolicyInput{}
	}
	o, err := s.mgmtCaller(c, "organizations:CreatePolicy", nil)
	if err != nil {
		return nil, err
	}
	if err := checkPolicyType(in.Type); err != nil {
		return nil, err
	}
	if len(in.Name) < 1 || len(in.Name) > 128 {
		return nil, orgErr("InvalidInputException", "INVALID_INPUT: Name must be 1 to 128 characters, got %d", len(in.Name))
	}
	if len(in.Description) > 512 {
		return nil, orgErr("InvalidInputException", "INVALID_INPUT: Description must be at most 512 characters")
	}
	if o.featureSet != FeatureSetAll {
		return nil, orgErr("PolicyTypeNotAvailableForOrganizationException", "You can't use %s in an organization with only consolidated billing features enabled.", in.Type)
	}
	if len(in.Content) > MaxOrgPolicySize {
		return nil, constraint("MAX_POLICY_SIZE_EXCEEDED", "the policy document is %d characters; at most %d", len(in.Content), MaxOrgPolicySize)
	}
	doc, err := parseOrgPolicy(in.Type, in.Content)
	if err != nil {
		return nil, err
	}
	n := 0
	for _, p := range o.policies {
		if p.typ == in.Type {
			n++
			if p.name == in.Name {
				return nil, orgErr("DuplicatePolicyException", "A policy with the same name already exists.")
			}
		}
	}
	if n >= MaxPoliciesPerOrgAndTyp {
		return nil, constraint("POLICY_NUMBER_LIMIT_EXCEEDED", "an organization has at most %d policies of one type", MaxPoliciesPerOrgAndTyp)
	}
	id := s.orgID("p-", 8)
	kind := strings.ToLower(in.Type)
	p := &orgPolicy{id: id, name: in.Name, description: in.Description, typ: in.Type, content: in.Content, doc: doc,
		arn: o.orgARN("policy", kind+"/"+id)}
	o.policies[id] = p
	return &CreateOrgPolicyOutput{Policy: &OrgPolicy{PolicySummary: p.summary(), Content: p.content}}, nil
}

// parseOrgPolicy parses an SCP or RCP document; problems are
// MalformedPolicyDocumentException.
func parseOrgPolicy(typ, content string) (*Policy, error) {
	doc, err := ParsePolicy(content)
	if err != nil {
		var ae *awserr.Error
		msg := err.Error()
		if errors.As(err, &ae) {
			msg = ae.Message
		}
		return nil, orgErr("MalformedPolicyDocumentException", "%s", msg)
	}
	for i, st := range doc.Statements {
		switch {
		case st.NotPrincipal:
			return nil, orgErr("MalformedPolicyDocumentException", "Statement[%d]: NotPrincipal is not supported in a %s", i, strings.ToLower(strings.ReplaceAll(typ, "_", " ")))
		case typ == ServiceControlPolicyType && st.Principal != nil:
			return nil, orgErr("MalformedPolicyDocumentException", "Statement[%d]: a service control policy cannot specify a principal", i)
		case typ == ResourceControlPolicyType && (st.Principal == nil || !st.Principal.All && !(len(st.Principal.AWS) == 1 && st.Principal.AWS[0] == "*")):
			return nil, orgErr("MalformedPolicyDocumentException", "Statement[%d]: a resource control policy's Principal must be \"*\"", i)
		case st.Resource == nil:
			return nil, orgErr("MalformedPolicyDocumentException", "Statement[%d]: Resource is required", i)
		}
	}
	return doc, nil
}

// orgPolicyByID finds a customer or AWS managed policy.
func (o *organization) orgPolicyByID(id string) *orgPolicy {
	switch id {
	case fullAWSAccess.id:
		return fullAWSAccess
	case rcpFullAWSAccess.id:
		return rcpFullAWSAccess
	}
	return o.policies[id]
}

// target is a root, OU or account's attachment list.
func (o *organization) target(id string) (*[]*orgPolicy, bool) {
	if n := o.nodes[id]; n != nil {
		return &n.attached, true
	}
	if a := o.members[id]; a != nil {
		return &a.orgAttached, true
	}
	return nil, false
}

// AttachPolicy attaches an SCP or RCP to the root, an OU or an account. At
// most five policies of a type per target (ConstraintViolationException).
func (g *Organizations) AttachPolicy(c Credentials, in *AttachPolicyInput) (*AttachPolicyOutput, error) {
	s := g.s
	if in == nil {
		in = &AttachPolicyInput{}
	}
	o, err := s.mgmtCaller(c, "organizations:AttachPolicy", func(o *organization) ARN {
		if p := o.orgPolicyByID(in.PolicyId); p != nil {
			return p.arn
		}
		return ARN{}
	})
	if err != nil {
		return nil, err
	}
	p := o.orgPolicyByID(in.PolicyId)
	if p == nil {
		return nil, orgErr("PolicyNotFoundException", "We can't find a policy with the PolicyId %q that you specified.", in.PolicyId)
	}
	list, ok := o.target(in.TargetId)
	if !ok {
		return nil, orgErr("TargetNotFoundException", "We can't find a root, OU, account, or email that matches the TargetId %q that you specified.", in.TargetId)
	}
	if !o.enabled[p.typ] {
		return nil, orgErr("PolicyTypeNotEnabledException", "This operation can be performed only for enabled policy types (%s is not enabled on the root).", p.typ)
	}
	n := 0
	for _, q := range *list {
		if q == p {
			return nil, orgErr("DuplicatePolicyAttachmentException", "The selected policy is already attached to the specified target.")
		}
		if q.typ == p.typ {
			n++
		}
	}
	if n >= MaxPoliciesPerTarget {
		return nil, constraint("POLICY_NUMBER_LIMIT_EXCEEDED", "at most %d policies of type %s can be attached to one target", MaxPoliciesPerTarget, p.typ)
	}
	*list = append(*list, p)
	s.gen++
	return &AttachPolicyOutput{}, nil
}

// DetachPolicy detaches a policy from a target. A target keeps at least one
// SCP while SCPs are enabled, and RCPFullAWSAccess cannot be detached.
func (g *Organizations) DetachPolicy(c Credentials, in *DetachPolicyInput) (*DetachPolicyOutput, error) {
	s := g.s
	if in == nil {
		in = &DetachPolicyInput{}
	}
	o, err := s.mgmtCaller(c, "organizations:DetachPolicy", func(o *organization) ARN {
		if p := o.orgPolicyByID(in.PolicyId); p != nil {
			return p.arn
		}
		return ARN{}
	})
	if err != nil {
		return nil, err
	}
	p := o.orgPolicyByID(in.PolicyId)
	if p == nil {
		return nil, orgErr("PolicyNotFoundException", "We can't find a policy with the PolicyId %q that you specified.", in.PolicyId)
	}
	list, ok := o.target(in.TargetId)
	if !ok {
		return nil, orgErr("TargetNotFoundException", "We can't find a root, OU, account, or email that matches the TargetId %q that you specified.", in.TargetId)
	}
	i, same := -1, 0
	for j, q := range *list {
		if q == p {
			i = j
		}
		if q.typ == p.typ {
			same++
		}
	}
	if i < 0 {
		return nil, orgErr("PolicyNotAttachedException", "The policy isn't attached to the specified target in the specified root.")
	}
	if p == rcpFullAWSAccess {
		return nil, constraint("MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED", "RCPFullAWSAccess cannot be detached")
	}
	if same <= 1 {
		return nil, constraint("MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED", "a target must keep at least one %s attached", p.typ)
	}
	*list = append((*list)[:i:i], (*list)[i+1:]...)
	s.gen++
	return &DetachPolicyOutput{}, nil
}
