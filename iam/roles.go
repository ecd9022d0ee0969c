package iam

// Roles: CreateRole, GetRole, DeleteRole, ListRoles, UpdateRole,
// UpdateAssumeRolePolicy, Put/Get/DeleteRolePolicy, Attach/DetachRolePolicy,
// Put/DeleteRolePermissionsBoundary, TagRole, UntagRole.

import (
	"time"

	"github.com/nimbus-sim/nimbus/internal/awserr"
)

// Role session duration bounds ("IAM roles": maximum session duration
// between 1 and 12 hours; AssumeRole DurationSeconds from 900 s).
const (
	MinSessionDuration     = 15 * time.Minute
	DefaultSessionDuration = time.Hour
	MaxRoleSessionDuration = 12 * time.Hour
	// RoleChainingLimit caps sessions assumed with role-session
	// credentials ("Role chaining": at most one hour).
	RoleChainingLimit = time.Hour
)

type role struct {
	holder
	bounded
	path        string
	id          string
	arn         ARN
	created     time.Time
	trust       *Policy
	description string
	maxSession  time.Duration
	tags        map[string]string
	profiles    []*instanceProfile
	deleted     bool
	// linkedService is the service principal of a service-linked role
	// (CreateServiceLinkedRole), "" for ordinary roles.
	linkedService string

	cache    []PolicyRef
	cacheGen uint64
	// text is arn.String(), made on first use: every session of the role
	// carries it (aws:PrincipalArn).
	text string
}

// arnString returns the role's ARN as text.
func (r *role) arnString() string {
	if r.text == "" {
		r.text = r.arn.String()
	}
	return r.text
}

func (r *role) policyRefs(s *Service) []PolicyRef {
	if r.cache != nil && r.cacheGen == s.gen {
		return r.cache
	}
	r.cache, r.cacheGen = r.refs(make([]PolicyRef, 0, 4)), s.gen
	return r.cache
}

// Role is a snapshot of an IAM role.
type Role struct {
	RoleName                 string
	RoleID                   string
	ARN                      ARN
	Path                     string
	CreateDate               time.Time
	AssumeRolePolicyDocument *Policy
	Description              string
	MaxSessionDuration       time.Duration
	Tags                     map[string]string
	PermissionsBoundary      ARN
	AttachedPolicies         []ARN
	InlinePolicies           []string
}

func (r *role) snapshot() Role {
	out := Role{RoleName: r.name, RoleID: r.id, ARN: r.arn, Path: r.path, CreateDate: r.created,
		AssumeRolePolicyDocument: r.trust, Description: r.description, MaxSessionDuration: r.maxSession,
		Tags: cloneTags(r.tags), AttachedPolicies: r.attachedARNs(), InlinePolicies: r.inlineNames()}
	if r.boundary != nil {
		out.PermissionsBoundary = r.boundary.ARN
	}
	return out
}

// CreateRoleInput is the input of CreateRole.
type CreateRoleInput struct {
	RoleName string
	Path     string
	// AssumeRolePolicyDocument is the trust policy: who may assume the role.
	AssumeRolePolicyDocument string
	Description              string
	// MaxSessionDuration is 1 h to 12 h; zero means 1 h.
	MaxSessionDuration  time.Duration
	Tags                map[string]string
	PermissionsBoundary ARN
}

func checkMaxSession(d time.Duration) (time.Duration, error) {
	if d == 0 {
		return DefaultSessionDuration, nil
	}
	if d < time.Hour || d > MaxRoleSessionDuration || d%time.Second != 0 {
		return 0, validationError("1 validation error detected: Value '%d' at 'maxSessionDuration' failed to satisfy constraint: Member must have value between 3600 and 43200", int64(d/time.Second))
	}
	return d, nil
}

// CreateRole creates a role with a trust policy.
func (s *Service) CreateRole(c Credentials, in CreateRoleInput) (Role, error) {
	if err := checkName("roleName", in.RoleName, 64); err != nil {
		return Role{}, err
	}
	path, err := checkPath(in.Path)
	if err != nil {
		return Role{}, err
	}
	if err := reservedPath(path); err != nil {
		return Role{}, err
	}
	maxS, err := checkMaxSession(in.MaxSessionDuration)
	if err != nil {
		return Role{}, err
	}
	arn, text, a, err := reserve(s, c, &roleKind, "iam:CreateRole", path, in.RoleName)
	if err != nil {
		return Role{}, err
	}
	trust, err := parseTrustPolicy(s.policies, in.AssumeRolePolicyDocument)
	if err != nil {
		return Role{}, err
	}
	if err := checkTags(in.Tags); err != nil {
		return Role{}, err
	}
	r := &role{holder: holder{kind: "role", name: in.RoleName}, path: path, id: s.uniqueID("AROA", 17), arn: arn,
		created: s.env.NowTime(), trust: trust, description: in.Description, maxSession: maxS, tags: cloneTags(in.Tags), text: text}
	if in.PermissionsBoundary.IsValid() {
		m, err := s.findPolicy(a, in.PermissionsBoundary)
		if err != nil {
			return Role{}, err
		}
		r.boundary = m
		m.boundaryCount++
	}
	put(&a.roles, in.RoleName, r)
	s.gen++
	if s.env.Tracing() { // the fields cost allocations
		s.emit(a.id, "CreateRole", simF("arn", arn.String()))
	}
	return r.snapshot(), nil
}

func (s *Service) roleFor(c Credentials, action, name string) (*role, *account, error) {
	return lookup(s, c, &roleKind, action, name)
}

// roleToChange is roleFor for operations that change a role: a
// service-linked role is only modifiable by its service.
func (s *Service) roleToChange(c Credentials, action, name string) (*role, *account, error) {
	r, a, err := s.roleFor(c, action, name)
	if err == nil && r.linkedService != "" {
		return nil, nil, unmodifiable(r)
	}
	return r, a, err
}

// GetRole returns a role.
func (s *Service) GetRole(c Credentials, roleName string) (Role, error) {
	r, _, err := s.roleFor(c, "iam:GetRole", roleName)
	if err != nil {
		return Role{}, err
	}
	return r.snapshot(), nil
}

// ListRoles lists the account's roles sorted by name.
func (s *Service) ListRoles(c Credentials) ([]Role, error) {
	a, err := s.listCaller(c, "iam:ListRoles", "role")
	if err != nil {
		return nil, err
	}
	return snapshotsByName(a.roles, (*role).snapshot, func(r Role) string { return r.RoleName }), nil
}

// DeleteRole deletes a role without policies or instance profiles. Its
// outstanding sessions stop authenticating.
func (s *Service) DeleteRole(c Credentials, roleName string) error {
	r, a, err := s.roleToChange(c, "iam:DeleteRole", roleName)
	if err != nil {
		return err
	}
	if len(r.inline) > 0 || len(r.attached) > 0 {
		return awserr.New("DeleteConflict", 409, false, "Cannot delete entity, must detach all policies first.")
	}
	if len(r.profiles) > 0 {
		return awserr.New("DeleteConflict", 409, false, "Cannot delete entity, must remove roles from instance profile first.")
	}
	if r.boundary != nil {
		r.boundary.boundaryCount--
	}
	r.deleted = true
	delete(a.roles, r.name)
	s.gen++
	return nil
}

// UpdateRole changes a role's description and maximum session duration
// (zero leaves it unchanged).
func (s *Service) UpdateRole(c Credentials, roleName, description string, maxSession time.Duration) error {
	r, _, err := s.roleToChange(c, "iam:UpdateRole", roleName)
	if err != nil {
		return err
	}
	if maxSession != 0 {
		d, err := checkMaxSession(maxSession)
		if err != nil {
			return err
		}
		r.maxSession = d
	}
	if description != "" {
		r.description = description
	}
	return nil
}

// UpdateAssumeRolePolicy replaces a role's trust policy.
func (s *Service) UpdateAssumeRolePolicy(c Credentials, roleName, policyDocument string) error {
	r, _, err := s.roleToChange(c, "iam:UpdateAssumeRolePolicy", roleName)
	if err != nil {
		return err
	}
	p, err := parseTrustPolicy(s.policies, policyDocument)
	if err != nil {
		return err
	}
	r.trust = p
	s.gen++
	return nil
}

// PutRolePolicy adds or replaces an inline policy of a role.
func (s *Service) PutRolePolicy(c Credentials, roleName, policyName, policyDocument string) error {
	r, _, err := s.roleToChange(c, "iam:PutRolePolicy", roleName)
	if err != nil {
		return err
	}
	return s.changed(r.putInline(s.policies, policyName, policyDocument, MaxRoleInlineSize))
}

// GetRolePolicy returns a role's inline policy.
func (s *Service) GetRolePolicy(c Credentials, roleName, policyName string) (*Policy, error) {
	r, _, err := s.roleFor(c, "iam:GetRolePolicy", roleName)
	if err != nil {
		return nil, err
	}
	return r.getInline(policyName)
}

// DeleteRolePolicy deletes a role's inline policy.
func (s *Service) DeleteRolePolicy(c Credentials, roleName, policyName string) error {
	r, _, err := s.roleToChange(c, "iam:DeleteRolePolicy", roleName)
	if err != nil {
		return err
	}
	return s.changed(r.deleteInline(policyName))
}

// AttachRolePolicy attaches a managed policy to a role.
func (s *Service) AttachRolePolicy(c Credentials, roleName string, policyARN ARN) error {
	r, a, err := s.roleToChange(c, "iam:AttachRolePolicy", roleName)
	if err != nil {
		return err
	}
	return s.withPolicy(a, policyARN, r.attach)
}

// DetachRolePolicy detaches a managed policy from a role.
func (s *Service) DetachRolePolicy(c Credentials, roleName string, policyARN ARN) error {
	r, a, err := s.roleToChange(c, "iam:DetachRolePolicy", roleName)
	if err != nil {
		return err
	}
	return s.withPolicy(a, policyARN, r.detach)
}

// PutRolePermissionsBoundary sets the role's permissions boundary.
func (s *Service) PutRolePermissionsBoundary(c Credentials, roleName string, policyARN ARN) error {
	r, a, err := s.roleToChange(c, "iam:PutRolePermissionsBoundary", roleName)
	if err != nil {
		return err
	}
	return s.withPolicy(a, policyARN, r.setBoundary)
}

// DeleteRolePermissionsBoundary removes the role's boundary.
func (s *Service) DeleteRolePermissionsBoundary(c Credentials, roleName string) error {
	r, _, err := s.roleToChange(c, "iam:DeleteRolePermissionsBoundary", roleName)
	if err != nil {
		return err
	}
	if r.boundary == nil {
		return noSuchEntity("The role %s has no permissions boundary.", r.name)
	}
	r.boundary.boundaryCount--
	r.boundary = nil
	s.gen++
	return nil
}

// TagRole adds or overwrites tags on a role; sessions started afterwards
// see them as aws:PrincipalTag/... values.
func (s *Service) TagRole(c Credentials, roleName string, tags map[string]string) error {
	r, _, err := s.roleToChange(c, "iam:TagRole", roleName)
	if err != nil {
		return err
	}
	merged, err := withTags(r.tags, tags)
	if err != nil {
		return err
	}
	r.tags = merged
	return nil
}

// UntagRole removes tags from a role.
func (s *Service) UntagRole(c Credentials, roleName string, keys []string) error {
	r, _, err := s.roleToChange(c, "iam:UntagRole", roleName)
	if err != nil {
		return err
	}
	r.tags = withoutTags(r.tags, keys)
	return nil
}
