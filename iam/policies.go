package iam

// Managed and inline policies and permissions boundaries: CreatePolicy,
// GetPolicy, DeletePolicy, Put/Get/DeleteUserPolicy (and Role, Group),
// Attach/DetachUserPolicy (and Role, Group), Put/DeleteUserPermissionsBoundary
// (and Role).

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/nimbus-sim/nimbus/internal/awserr"
)

// Quotas from the IAM User Guide, "IAM and AWS STS quotas" (default values).
const (
	MaxManagedPolicySize = 6144  // characters, whitespace excluded
	MaxUserInlineSize    = 2048  // aggregate of a user's inline policies
	MaxGroupInlineSize   = 5120  // aggregate of a group's inline policies
	MaxRoleInlineSize    = 10240 // aggregate of a role's inline policies
	MaxTrustPolicySize   = 2048  // role trust policy
	MaxAttachedPolicies  = 10    // managed policies per user, role or group
	MaxAccessKeysPerUser = 2
	MaxGroupsPerUser     = 10
	MaxTagsPerEntity     = 50
	MaxUsersPerAccount   = 5000
	MaxRolesPerAccount   = 1000
	MaxGroupsPerAccount  = 300
	MaxCustomerPolicies  = 1500
	MaxInstanceProfiles  = 1000
	MaxSessionPolicySize = 2048 // packed size limit of an inline session policy
)

// ManagedPolicy is a standalone policy with an ARN: customer managed
// (arn:aws:iam::ACCT:policy/path/Name) or AWS managed
// (arn:aws:iam::aws:policy/Name).
type ManagedPolicy struct {
	ARN              ARN
	PolicyName       string
	PolicyID         string
	Path             string
	Description      string
	DefaultVersionID string
	AttachmentCount  int
	CreateDate       time.Time
	Document         *Policy
	Tags             map[string]string
	awsManaged       bool
	boundaryCount    int
}

// IsAWSManaged reports whether AWS maintains the policy.
func (m *ManagedPolicy) IsAWSManaged() bool { return m.awsManaged }

func (m *ManagedPolicy) snapshot() ManagedPolicy {
	c := *m
	c.Tags = cloneTags(m.Tags)
	return c
}

type namedPolicy struct {
	name string
	pol  *Policy
	size int // pol.Size(), counted once when it was put
}

// holder is what users, groups and roles share: inline and attached
// policies.
type holder struct {
	kind     string // "user", "group", "role"
	name     string
	inline   []namedPolicy // sorted by name
	attached []*ManagedPolicy
}

func (h *holder) refs(out []PolicyRef) []PolicyRef {
	for _, np := range h.inline {
		// fmt's %q of a policy name is the name in double quotes: putInline
		// admits only [\w+=,.@-]+, nothing Go would escape. One
		// concatenation instead of Sprintf's boxed arguments.
		out = append(out, PolicyRef{Kind: IdentityPolicy, Name: "inline policy \"" + np.name + "\" of " + h.kind + " " + h.name, Policy: np.pol})
	}
	for _, m := range h.attached {
		out = append(out, PolicyRef{Kind: IdentityPolicy, Name: "managed policy " + m.ARN.String(), Policy: m.Document})
	}
	return out
}

func (h *holder) inlineSize() int {
	n := 0
	for _, np := range h.inline {
		n += np.size
	}
	return n
}

// putInline parses doc as an identity-based policy and stores it as h's
// inline policy name; limit is h's quota for all its inline policies
// together (PutUserPolicy, PutGroupPolicy, PutRolePolicy).
func (h *holder) putInline(c *PolicyCache, name, doc string, limit int) error {
	p, psize, err := parseIdentityPolicy(c, doc, 0)
	if err != nil {
		return err
	}
	if err := checkName("policyName", name, 128); err != nil {
		return err
	}
	i, found := slices.BinarySearchFunc(h.inline, name, func(a namedPolicy, n string) int { return strings.Compare(a.name, n) })
	size := h.inlineSize() + psize
	if found {
		size -= h.inline[i].size
	}
	if size > limit {
		return limitExceeded("Maximum policy size of %d bytes exceeded for %s %s.", limit, h.kind, h.name)
	}
	if found {
		h.inline[i].pol, h.inline[i].size = p, psize
	} else {
		h.inline = slices.Insert(h.inline, i, namedPolicy{name, p, psize})
	}
	return nil
}

func (h *holder) getInline(name string) (*Policy, error) {
	for _, np := range h.inline {
		if np.name == name {
			return np.pol, nil
		}
	}
	return nil, noSuchEntity("The %s policy with name %s cannot be found.", h.kind, name)
}

func (h *holder) deleteInline(name string) error {
	for i, np := range h.inline {
		if np.name == name {
			h.inline = slices.Delete(h.inline, i, i+1)
			return nil
		}
	}
	return noSuchEntity("The %s policy with name %s cannot be found.", h.kind, name)
}

func (h *holder) inlineNames() []string {
	out := make([]string, len(h.inline))
	for i, np := range h.inline {
		out[i] = np.name
	}
	return out
}

func (h *holder) attach(m *ManagedPolicy) error {
	if slices.Contains(h.attached, m) {
		return nil // AttachUserPolicy is idempotent
	}
	if len(h.attached) >= MaxAttachedPolicies {
		return limitExceeded("Cannot exceed quota for PoliciesPerUser: %d", MaxAttachedPolicies)
	}
	h.attached = append(h.attached, m)
	m.AttachmentCount++
	return nil
}

func (h *holder) detach(m *ManagedPolicy) error {
	i := slices.Index(h.attached, m)
	if i < 0 {
		return noSuchEntity("Policy %s was not found.", m.ARN)
	}
	h.attached = slices.Delete(h.attached, i, i+1)
	m.AttachmentCount--
	return nil
}

func (h *holder) attachedARNs() []ARN {
	out := make([]ARN, len(h.attached))
	for i, m := range h.attached {
		out[i] = m.ARN
	}
	return out
}

// bounded is what users and roles share: an optional permissions boundary,
// counted on the policy so that DeletePolicy can refuse while it is in use.
type bounded struct {
	boundary *ManagedPolicy
	bref     PolicyRef
}

func (b *bounded) boundaryRef() *PolicyRef {
	if b.boundary == nil {
		return nil
	}
	b.bref = PolicyRef{Kind: PermissionsBoundary, Name: "permissions boundary " + b.boundary.ARN.String(), Policy: b.boundary.Document}
	return &b.bref
}

// setBoundary replaces the boundary with m (Put*PermissionsBoundary). The
// error is always nil: it has the shape of the operations withPolicy
// applies.
func (b *bounded) setBoundary(m *ManagedPolicy) error {
	if b.boundary != nil {
		b.boundary.boundaryCount--
	}
	b.boundary = m
	m.boundaryCount++
	return nil
}

// withPolicy finds the managed policy arn and applies op to it (a holder's
// attach or detach, a boundary's setBoundary); a change bumps the policy
// generation so that cached policy lists are rebuilt.
func (s *Service) withPolicy(a *account, arn ARN, op func(*ManagedPolicy) error) error {
	m, err := s.findPolicy(a, arn)
	if err != nil {
		return err
	}
	if m.awsManaged && m.Path == ServiceLinkedRolePathPrefix {
		// Service role policies belong to service-linked roles, which only
		// their service changes.
		return awserr.New("PolicyNotAttachable", 400, false, "Cannot attach a Service Role Policy to a Customer Role.")
	}
	return s.changed(op(m))
}

// changed bumps the policy generation unless err says nothing changed.
func (s *Service) changed(err error) error {
	if err == nil {
		s.gen++
	}
	return err
}

// parseIdentityPolicy parses a document for an identity-based policy or a
// permissions boundary: Principal is not allowed, Resource is required.
// It parses through c (nil: no cache), and returns the policy's Size too.
func parseIdentityPolicy(c *PolicyCache, doc string, limit int) (*Policy, int, error) {
	p, size, err := c.parse(doc)
	if err != nil {
		return nil, 0, err
	}
	if err := checkSids(p); err != nil {
		return nil, 0, err
	}
	for i, st := range p.Statements {
		if st.Principal != nil {
			return nil, 0, errf(fmt.Sprintf("Statement[%d].Principal", i), "Policy document should not specify a principal.")
		}
		if st.Resource == nil {
			return nil, 0, errf(fmt.Sprintf("Statement[%d]", i), "Policy statement must contain resources.")
		}
	}
	if limit > 0 && size > limit {
		return nil, 0, limitExceeded("Cannot exceed quota for PolicySize: %d", limit)
	}
	return p, size, nil
}

// checkSids enforces IAM's rule for policies it stores (identity, trust,
// boundary, session): a Sid is alphanumeric. Resource policies of other
// services (S3 bucket policies) are laxer, so ParsePolicy does not check.
func checkSids(p *Policy) error {
	for i, st := range p.Statements {
		for _, r := range st.Sid {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
				return errf(fmt.Sprintf("Statement[%d].Sid", i), "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*: %q", st.Sid)
			}
		}
	}
	return nil
}

// ParseTrustPolicy parses a role trust policy: every statement needs a
// Principal, and the actions must be STS actions (sts:AssumeRole,
// sts:AssumeRoleWithWebIdentity, sts:AssumeRoleWithSAML, sts:TagSession,
// sts:SetSourceIdentity).
func ParseTrustPolicy(doc string) (*Policy, error) { return parseTrustPolicy(nil, doc) }

// parseTrustPolicy is ParseTrustPolicy parsing through c.
func parseTrustPolicy(c *PolicyCache, doc string) (*Policy, error) {
	p, size, err := c.parse(doc)
	if err != nil {
		return nil, err
	}
	if err := checkSids(p); err != nil {
		return nil, err
	}
	for i, st := range p.Statements {
		if st.Principal == nil {
			return nil, errf(fmt.Sprintf("Statement[%d]", i), "AssumeRolepolicy contained an invalid principal element: Principal is required")
		}
		if st.NotPrincipal {
			// "AWS JSON policy elements: NotPrincipal": not usable in an
			// IAM role trust policy.
			return nil, errf(fmt.Sprintf("Statement[%d].NotPrincipal", i), "AssumeRolepolicy contained an invalid principal element: NotPrincipal cannot be used in a role trust policy")
		}
		for _, a := range st.Action {
			if a != "*" && !(len(a) > 4 && (a[:4] == "sts:" || a[:4] == "STS:" || a[:4] == "Sts:")) {
				return nil, errf(fmt.Sprintf("Statement[%d].Action", i), "AssumeRole policy may only specify STS AssumeRole actions, got %q", a)
			}
		}
	}
	if size > MaxTrustPolicySize {
		return nil, limitExceeded("Cannot exceed quota for ACLSizePerRole: %d", MaxTrustPolicySize)
	}
	return p, nil
}

// ParseResourcePolicy parses a resource-based policy (bucket policy and the
// like): every statement needs a Principal or NotPrincipal and a Resource.
func ParseResourcePolicy(doc string) (*Policy, error) {
	p, err := ParsePolicy(doc)
	if err != nil {
		return nil, err
	}
	for i, st := range p.Statements {
		if st.Principal == nil {
			return nil, errf(fmt.Sprintf("Statement[%d]", i), "Missing required field Principal")
		}
		if st.NotPrincipal && st.Effect == Allow {
			// "AWS JSON policy elements: NotPrincipal": must be used with
			// "Effect":"Deny"; with Allow it is not supported.
			return nil, errf(fmt.Sprintf("Statement[%d].NotPrincipal", i), "NotPrincipal must be used with \"Effect\": \"Deny\"; it is not supported with Allow")
		}
		if st.Resource == nil {
			return nil, errf(fmt.Sprintf("Statement[%d]", i), "Policy statement must contain resources.")
		}
	}
	return p, nil
}

// CreatePolicyInput is the input of CreatePolicy.
type CreatePolicyInput struct {
	PolicyName     string
	Path           string
	PolicyDocument string
	Description    string
	Tags           map[string]string
}

// CreatePolicy creates a customer managed policy in the caller's account.
func (s *Service) CreatePolicy(c Credentials, in CreatePolicyInput) (ManagedPolicy, error) {
	path, err := checkPath(in.Path)
	if err != nil {
		return ManagedPolicy{}, err
	}
	if err := checkName("policyName", in.PolicyName, 128); err != nil {
		return ManagedPolicy{}, err
	}
	p, err := s.Authenticate(c)
	if err != nil {
		return ManagedPolicy{}, err
	}
	arn := s.iamARN(p.AccountID, "policy", path, in.PolicyName)
	_, a, err := s.caller(c, "iam:CreatePolicy", arn)
	if err != nil {
		return ManagedPolicy{}, err
	}
	for _, m := range a.policies {
		if m.PolicyName == in.PolicyName {
			return ManagedPolicy{}, alreadyExists("A policy called %s already exists. Duplicate names are not allowed.", in.PolicyName)
		}
	}
	if len(a.policies) >= MaxCustomerPolicies {
		return ManagedPolicy{}, limitExceeded("Cannot exceed quota for PoliciesPerAccount: %d", MaxCustomerPolicies)
	}
	doc, _, err := parseIdentityPolicy(s.policies, in.PolicyDocument, MaxManagedPolicySize)
	if err != nil {
		return ManagedPolicy{}, err
	}
	if err := checkTags(in.Tags); err != nil {
		return ManagedPolicy{}, err
	}
	m := &ManagedPolicy{
		ARN: arn, PolicyName: in.PolicyName, PolicyID: s.uniqueID("ANPA", 17), Path: path,
		Description: in.Description, DefaultVersionID: "v1", CreateDate: s.env.NowTime(),
		Document: doc, Tags: cloneTags(in.Tags),
	}
	put(&a.policies, arn.String(), m)
	s.gen++
	if s.env.Tracing() { // the fields cost allocations
		s.emit(a.id, "CreatePolicy", simF("arn", arn.String()))
	}
	return m.snapshot(), nil
}

// GetPolicy returns a managed policy (customer managed in the caller's
// account, or AWS managed).
func (s *Service) GetPolicy(c Credentials, policyARN ARN) (ManagedPolicy, error) {
	_, a, err := s.caller(c, "iam:GetPolicy", policyARN)
	if err != nil {
		return ManagedPolicy{}, err
	}
	m, err := s.findPolicy(a, policyARN)
	if err != nil {
		return ManagedPolicy{}, err
	}
	return m.snapshot(), nil
}

// DeletePolicy deletes a customer managed policy that is attached nowhere.
func (s *Service) DeletePolicy(c Credentials, policyARN ARN) error {
	_, a, err := s.caller(c, "iam:DeletePolicy", policyARN)
	if err != nil {
		return err
	}
	m, err := s.findPolicy(a, policyARN)
	if err != nil {
		return err
	}
	if m.awsManaged {
		return invalidInput("Cannot delete an AWS managed policy: %s", policyARN)
	}
	if m.AttachmentCount > 0 || m.boundaryCount > 0 {
		return awserr.New("DeleteConflict", 409, false, "Cannot delete a policy attached to entities.")
	}
	delete(a.policies, policyARN.String())
	s.gen++
	return nil
}

// ListPolicies lists the customer managed policies of the caller's
// account, sorted by name.
func (s *Service) ListPolicies(c Credentials) ([]ManagedPolicy, error) {
	a, err := s.listCaller(c, "iam:ListPolicies", "policy")
	if err != nil {
		return nil, err
	}
	return snapshotsByName(a.policies, (*ManagedPolicy).snapshot, func(m ManagedPolicy) string { return m.PolicyName }), nil
}

func (s *Service) findPolicy(a *account, arn ARN) (*ManagedPolicy, error) {
	key := arn.String()
	if m, ok := s.awsManaged(key); ok {
		return m, nil
	}
	if arn.AccountID == a.id {
		if m, ok := a.policies[key]; ok {
			return m, nil
		}
	}
	return nil, noSuchEntity("Policy %s does not exist or is not attachable.", arn)
}
