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
	MaxOUDepth            = 5    // OUs nested under the root
	MaxPoliciesPerTarget  = 5    // SCPs (or RCPs) attached to one root, OU or account
	MaxOrgPolicySize      = 5120 // characters of an SCP or RCP document
	MaxOUsPerOrganization = 1000 // organizational units
	MaxPoliciesPerType    = 1000 // policies of one type
)

// Errors of AWS Organizations, by code (all HTTP 400, as the service's JSON
// protocol returns them).
var (
	ErrAWSOrganizationsNotInUse  = awserr.Code("AWSOrganizationsNotInUseException")
	ErrOrgAccessDenied           = awserr.Code("AccessDeniedException")
	ErrAlreadyInOrganization     = awserr.Code("AlreadyInOrganizationException")
	ErrAccountNotFound           = awserr.Code("AccountNotFoundException")
	ErrParentNotFound            = awserr.Code("ParentNotFoundException")
	ErrSourceParentNotFound      = awserr.Code("SourceParentNotFoundException")
	ErrDestinationParentNotFound = awserr.Code("DestinationParentNotFoundException")
	ErrDuplicateAccount          = awserr.Code("DuplicateAccountException")
	ErrDuplicateOU               = awserr.Code("DuplicateOrganizationalUnitException")
	ErrRootNotFound              = awserr.Code("RootNotFoundException")
	ErrTargetNotFound            = awserr.Code("TargetNotFoundException")
	ErrPolicyNotFound            = awserr.Code("PolicyNotFoundException")
	ErrPolicyTypeNotEnabled      = awserr.Code("PolicyTypeNotEnabledException")
	ErrPolicyTypeAlreadyEnabled  = awserr.Code("PolicyTypeAlreadyEnabledException")
	ErrPolicyTypeNotAvailable    = awserr.Code("PolicyTypeNotAvailableForOrganizationException")
	ErrDuplicatePolicy           = awserr.Code("DuplicatePolicyException")
	ErrDuplicatePolicyAttach     = awserr.Code("DuplicatePolicyAttachmentException")
	ErrPolicyNotAttached         = awserr.Code("PolicyNotAttachedException")
	ErrMalformedOrgPolicy        = awserr.Code("MalformedPolicyDocumentException")
	ErrConstraintViolation       = awserr.Code("ConstraintViolationException")
	ErrOrgInvalidInput           = awserr.Code("InvalidInputException")
	ErrHandshakeNotFound         = awserr.Code("HandshakeNotFoundException")
	ErrHandshakeConstraint       = awserr.Code("HandshakeConstraintViolationException")
	ErrDuplicateHandshake        = awserr.Code("DuplicateHandshakeException")
	ErrHandshakeAlreadyInState   = awserr.Code("HandshakeAlreadyInStateException")
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
	e := awserr.New("AccessDeniedException", 400, false, "%s", d.Message())
	e.Err = &DeniedError{Decision: d}
	return e
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

func (o *organization) describe() *Organization {
	return &Organization{Id: o.id, Arn: o.arn.String(), FeatureSet: o.featureSet, MasterAccountId: o.mgmt.id,
		MasterAccountArn: o.accountARN(o.mgmt.id).String()}
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
