package iam

// Users, access keys, groups and tags: CreateUser, GetUser, DeleteUser,
// ListUsers, CreateAccessKey, UpdateAccessKey, DeleteAccessKey,
// ListAccessKeys, CreateGroup, AddUserToGroup, RemoveUserFromGroup,
// TagUser, UntagUser, and the user/group policy operations.

import (
	"slices"
	"sort"
	"time"

	"github.com/nimbus-sim/nimbus/internal/awserr"
)

type user struct {
	holder
	bounded
	path      string
	id        string
	arn       ARN
	created   time.Time
	tags      map[string]string
	groups    []*group
	keys      []*accessKey
	principal *Principal

	cache    []PolicyRef
	cacheGen uint64
}

func (u *user) policyRefs(s *Service) []PolicyRef {
	if u.cache != nil && u.cacheGen == s.gen {
		return u.cache
	}
	out := u.refs(make([]PolicyRef, 0, 4))
	for _, g := range u.groups {
		out = g.refs(out)
	}
	u.cache, u.cacheGen = out, s.gen
	return out
}

// User is a snapshot of an IAM user.
type User struct {
	UserName            string
	UserID              string
	ARN                 ARN
	Path                string
	CreateDate          time.Time
	Tags                map[string]string
	PermissionsBoundary ARN
	Groups              []string
	AttachedPolicies    []ARN
	InlinePolicies      []string
}

func (u *user) snapshot() User {
	out := User{UserName: u.name, UserID: u.id, ARN: u.arn, Path: u.path, CreateDate: u.created,
		Tags: cloneTags(u.tags), AttachedPolicies: u.attachedARNs(), InlinePolicies: u.inlineNames()}
	if u.boundary != nil {
		out.PermissionsBoundary = u.boundary.ARN
	}
	for _, g := range u.groups {
		out.Groups = append(out.Groups, g.name)
	}
	return out
}

// CreateUserInput is the input of CreateUser.
type CreateUserInput struct {
	UserName            string
	Path                string
	Tags                map[string]string
	PermissionsBoundary ARN // optional managed policy ARN
}

// CreateUser creates an IAM user in the caller's account.
func (s *Service) CreateUser(c Credentials, in CreateUserInput) (User, error) {
	if err := checkName("userName", in.UserName, 64); err != nil {
		return User{}, err
	}
	path, err := checkPath(in.Path)
	if err != nil {
		return User{}, err
	}
	arn, text, a, err := reserve(s, c, &userKind, "iam:CreateUser", path, in.UserName)
	if err != nil {
		return User{}, err
	}
	if err := checkTags(in.Tags); err != nil {
		return User{}, err
	}
	// The user and its principal live together: one allocation.
	blk := &struct {
		u user
		p Principal
	}{}
	u := &blk.u
	*u = user{holder: holder{kind: "user", name: in.UserName}, path: path, id: s.uniqueID("AIDA", 17),
		arn: arn, created: s.env.NowTime(), tags: cloneTags(in.Tags)}
	if in.PermissionsBoundary.IsValid() {
		m, err := s.findPolicy(a, in.PermissionsBoundary)
		if err != nil {
			return User{}, err
		}
		u.boundary = m
		m.boundaryCount++
	}
	u.principal = &blk.p
	*u.principal = Principal{Type: PrincipalUser, ARN: arn, AccountID: a.id, UserID: u.id, UserName: u.name,
		Tags: u.tags, acct: a, user: u}
	u.principal.finishText(text, "")
	put(&a.users, in.UserName, u)
	s.gen++
	if s.env.Tracing() { // the fields cost allocations
		s.emit(a.id, "CreateUser", simF("arn", u.principal.arnText))
	}
	return u.snapshot(), nil
}

// userFor is lookup for users: an empty name means the calling user.
func (s *Service) userFor(c Credentials, action, name string) (*user, *account, error) {
	if name == "" {
		p, err := s.Authenticate(c)
		if err != nil {
			return nil, nil, err
		}
		if p.user != nil {
			name = p.user.name
		}
	}
	return lookup(s, c, &userKind, action, name)
}

// GetUser returns a user; an empty name means the calling user.
func (s *Service) GetUser(c Credentials, userName string) (User, error) {
	u, _, err := s.userFor(c, "iam:GetUser", userName)
	if err != nil {
		return User{}, err
	}
	return u.snapshot(), nil
}

// ListUsers lists the account's users sorted by name.
func (s *Service) ListUsers(c Credentials) ([]User, error) {
	a, err := s.listCaller(c, "iam:ListUsers", "user")
	if err != nil {
		return nil, err
	}
	return snapshotsByName(a.users, (*user).snapshot, func(u User) string { return u.UserName }), nil
}

// DeleteUser deletes a user that has no access keys, policies or group
// memberships left (DeleteConflict otherwise, as AWS requires).
func (s *Service) DeleteUser(c Credentials, userName string) error {
	u, a, err := s.userFor(c, "iam:DeleteUser", userName)
	if err != nil {
		return err
	}
	if len(u.keys) > 0 || len(u.inline) > 0 || len(u.attached) > 0 || len(u.groups) > 0 {
		return awserr.New("DeleteConflict", 409, false, "Cannot delete entity, must delete access keys, policies and group memberships first.")
	}
	if u.boundary != nil {
		u.boundary.boundaryCount--
	}
	delete(a.users, u.name)
	s.gen++
	return nil
}

// AccessKey is an IAM user's (or the root user's) long-term key pair.
// SecretAccessKey is only returned by CreateAccessKey.
type AccessKey struct {
	UserName        string
	AccessKeyID     string
	SecretAccessKey string
	Status          string // "Active" or "Inactive"
	CreateDate      time.Time
}

// Credentials returns the key pair as Credentials.
func (k AccessKey) Credentials() Credentials {
	return Credentials{AccessKeyID: k.AccessKeyID, SecretAccessKey: k.SecretAccessKey, Source: "StaticCredentials"}
}

func (k *accessKey) status() string {
	if k.active {
		return "Active"
	}
	return "Inactive"
}

// CreateAccessKey creates an AKIA... key pair for a user (at most two per
// user); an empty name means the calling user.
func (s *Service) CreateAccessKey(c Credentials, userName string) (AccessKey, error) {
	u, a, err := s.userFor(c, "iam:CreateAccessKey", userName)
	if err != nil {
		return AccessKey{}, err
	}
	if len(u.keys) >= MaxAccessKeysPerUser {
		return AccessKey{}, limitExceeded("Cannot exceed quota for AccessKeysPerUser: %d", MaxAccessKeysPerUser)
	}
	k := s.newKey("AKIA", a)
	k.user = u
	u.keys = append(u.keys, k)
	if s.env.Tracing() { // the fields cost allocations
		s.emit(a.id, "CreateAccessKey", simF("user", u.name), simF("key", k.id))
	}
	return AccessKey{UserName: u.name, AccessKeyID: k.id, SecretAccessKey: k.secret, Status: "Active", CreateDate: s.env.TimeOf(k.created)}, nil
}

// ListAccessKeys lists a user's keys (without secrets).
func (s *Service) ListAccessKeys(c Credentials, userName string) ([]AccessKey, error) {
	u, _, err := s.userFor(c, "iam:ListAccessKeys", userName)
	if err != nil {
		return nil, err
	}
	out := make([]AccessKey, len(u.keys))
	for i, k := range u.keys {
		out[i] = AccessKey{UserName: u.name, AccessKeyID: k.id, Status: k.status(), CreateDate: s.env.TimeOf(k.created)}
	}
	return out, nil
}

// UpdateAccessKey sets a key's status to "Active" or "Inactive"; an
// inactive key fails authentication with InvalidClientTokenId.
func (s *Service) UpdateAccessKey(c Credentials, userName, accessKeyID, status string) error {
	u, _, err := s.userFor(c, "iam:UpdateAccessKey", userName)
	if err != nil {
		return err
	}
	if status != "Active" && status != "Inactive" {
		return validationError("1 validation error detected: Value '%s' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive]", status)
	}
	for _, k := range u.keys {
		if k.id == accessKeyID {
			k.active = status == "Active"
			return nil
		}
	}
	return noSuchEntity("The Access Key with id %s cannot be found.", accessKeyID)
}

// DeleteAccessKey deletes a user's key.
func (s *Service) DeleteAccessKey(c Credentials, userName, accessKeyID string) error {
	u, _, err := s.userFor(c, "iam:DeleteAccessKey", userName)
	if err != nil {
		return err
	}
	for i, k := range u.keys {
		if k.id == accessKeyID {
			u.keys = slices.Delete(u.keys, i, i+1)
			s.removeKey(k)
			return nil
		}
	}
	return noSuchEntity("The Access Key with id %s cannot be found.", accessKeyID)
}

// PutUserPolicy adds or replaces an inline policy of a user.
func (s *Service) PutUserPolicy(c Credentials, userName, policyName, policyDocument string) error {
	u, _, err := s.userFor(c, "iam:PutUserPolicy", userName)
	if err != nil {
		return err
	}
	return s.changed(u.putInline(s.policies, policyName, policyDocument, MaxUserInlineSize))
}

// GetUserPolicy returns a user's inline policy.
func (s *Service) GetUserPolicy(c Credentials, userName, policyName string) (*Policy, error) {
	u, _, err := s.userFor(c, "iam:GetUserPolicy", userName)
	if err != nil {
		return nil, err
	}
	return u.getInline(policyName)
}

// DeleteUserPolicy deletes a user's inline policy.
func (s *Service) DeleteUserPolicy(c Credentials, userName, policyName string) error {
	u, _, err := s.userFor(c, "iam:DeleteUserPolicy", userName)
	if err != nil {
		return err
	}
	return s.changed(u.deleteInline(policyName))
}

// AttachUserPolicy attaches a managed policy to a user.
func (s *Service) AttachUserPolicy(c Credentials, userName string, policyARN ARN) error {
	u, a, err := s.userFor(c, "iam:AttachUserPolicy", userName)
	if err != nil {
		return err
	}
	return s.withPolicy(a, policyARN, u.attach)
}

// DetachUserPolicy detaches a managed policy from a user.
func (s *Service) DetachUserPolicy(c Credentials, userName string, policyARN ARN) error {
	u, a, err := s.userFor(c, "iam:DetachUserPolicy", userName)
	if err != nil {
		return err
	}
	return s.withPolicy(a, policyARN, u.detach)
}

// PutUserPermissionsBoundary sets a managed policy as the user's
// permissions boundary: the most its identity-based policies can grant.
func (s *Service) PutUserPermissionsBoundary(c Credentials, userName string, policyARN ARN) error {
	u, a, err := s.userFor(c, "iam:PutUserPermissionsBoundary", userName)
	if err != nil {
		return err
	}
	return s.withPolicy(a, policyARN, u.setBoundary)
}

// DeleteUserPermissionsBoundary removes the user's boundary.
func (s *Service) DeleteUserPermissionsBoundary(c Credentials, userName string) error {
	u, _, err := s.userFor(c, "iam:DeleteUserPermissionsBoundary", userName)
	if err != nil {
		return err
	}
	if u.boundary == nil {
		return noSuchEntity("The user %s has no permissions boundary.", u.name)
	}
	u.boundary.boundaryCount--
	u.boundary = nil
	s.gen++
	return nil
}

// TagUser adds or overwrites tags on a user (they become the user's
// aws:PrincipalTag/... values).
func (s *Service) TagUser(c Credentials, userName string, tags map[string]string) error {
	u, _, err := s.userFor(c, "iam:TagUser", userName)
	if err != nil {
		return err
	}
	merged, err := withTags(u.tags, tags)
	if err != nil {
		return err
	}
	u.tags = merged
	u.principal.Tags = merged
	s.gen++ // aws:PrincipalTag
	return nil
}

// UntagUser removes tags from a user.
func (s *Service) UntagUser(c Credentials, userName string, keys []string) error {
	u, _, err := s.userFor(c, "iam:UntagUser", userName)
	if err != nil {
		return err
	}
	u.tags = withoutTags(u.tags, keys)
	u.principal.Tags = u.tags
	s.gen++ // aws:PrincipalTag
	return nil
}

// ----- groups -----

type group struct {
	holder
	path    string
	id      string
	arn     ARN
	created time.Time
	members []*user
}

// Group is a snapshot of an IAM group.
type Group struct {
	GroupName        string
	GroupID          string
	ARN              ARN
	Path             string
	CreateDate       time.Time
	Members          []string
	AttachedPolicies []ARN
	InlinePolicies   []string
}

func (g *group) snapshot() Group {
	out := Group{GroupName: g.name, GroupID: g.id, ARN: g.arn, Path: g.path, CreateDate: g.created,
		AttachedPolicies: g.attachedARNs(), InlinePolicies: g.inlineNames()}
	for _, u := range g.members {
		out.Members = append(out.Members, u.name)
	}
	return out
}

// CreateGroup creates a group.
func (s *Service) CreateGroup(c Credentials, groupName, path string) (Group, error) {
	if err := checkName("groupName", groupName, 128); err != nil {
		return Group{}, err
	}
	path, err := checkPath(path)
	if err != nil {
		return Group{}, err
	}
	arn, _, a, err := reserve(s, c, &groupKind, "iam:CreateGroup", path, groupName)
	if err != nil {
		return Group{}, err
	}
	g := &group{holder: holder{kind: "group", name: groupName}, path: path, id: s.uniqueID("AGPA", 17), arn: arn, created: s.env.NowTime()}
	put(&a.groups, groupName, g)
	s.gen++
	return g.snapshot(), nil
}

func (s *Service) groupFor(c Credentials, action, name string) (*group, *account, error) {
	return lookup(s, c, &groupKind, action, name)
}

// GetGroup returns a group and its members.
func (s *Service) GetGroup(c Credentials, groupName string) (Group, error) {
	g, _, err := s.groupFor(c, "iam:GetGroup", groupName)
	if err != nil {
		return Group{}, err
	}
	return g.snapshot(), nil
}

// DeleteGroup deletes a group with no members and no policies.
func (s *Service) DeleteGroup(c Credentials, groupName string) error {
	g, a, err := s.groupFor(c, "iam:DeleteGroup", groupName)
	if err != nil {
		return err
	}
	if len(g.members) > 0 || len(g.inline) > 0 || len(g.attached) > 0 {
		return awserr.New("DeleteConflict", 409, false, "Cannot delete entity, must remove users and policies from group first.")
	}
	delete(a.groups, g.name)
	s.gen++
	return nil
}

// AddUserToGroup adds a user to a group (at most 10 groups per user).
func (s *Service) AddUserToGroup(c Credentials, groupName, userName string) error {
	g, a, err := s.groupFor(c, "iam:AddUserToGroup", groupName)
	if err != nil {
		return err
	}
	u, ok := a.users[userName]
	if !ok {
		return noSuchEntity("The user with name %s cannot be found.", userName)
	}
	if slices.Contains(u.groups, g) {
		return nil
	}
	if len(u.groups) >= MaxGroupsPerUser {
		return limitExceeded("Cannot exceed quota for GroupsPerUser: %d", MaxGroupsPerUser)
	}
	u.groups = append(u.groups, g)
	sort.Slice(u.groups, func(i, j int) bool { return u.groups[i].name < u.groups[j].name })
	g.members = append(g.members, u)
	s.gen++
	return nil
}

// RemoveUserFromGroup removes a user from a group.
func (s *Service) RemoveUserFromGroup(c Credentials, groupName, userName string) error {
	g, a, err := s.groupFor(c, "iam:RemoveUserFromGroup", groupName)
	if err != nil {
		return err
	}
	u, ok := a.users[userName]
	if !ok {
		return noSuchEntity("The user with name %s cannot be found.", userName)
	}
	i := slices.Index(u.groups, g)
	if i < 0 {
		return noSuchEntity("User %s is not in group %s.", userName, groupName)
	}
	u.groups = slices.Delete(u.groups, i, i+1)
	g.members = slices.DeleteFunc(g.members, func(m *user) bool { return m == u })
	s.gen++
	return nil
}

// PutGroupPolicy adds or replaces an inline policy of a group.
func (s *Service) PutGroupPolicy(c Credentials, groupName, policyName, policyDocument string) error {
	g, _, err := s.groupFor(c, "iam:PutGroupPolicy", groupName)
	if err != nil {
		return err
	}
	return s.changed(g.putInline(s.policies, policyName, policyDocument, MaxGroupInlineSize))
}

// DeleteGroupPolicy deletes a group's inline policy.
func (s *Service) DeleteGroupPolicy(c Credentials, groupName, policyName string) error {
	g, _, err := s.groupFor(c, "iam:DeleteGroupPolicy", groupName)
	if err != nil {
		return err
	}
	return s.changed(g.deleteInline(policyName))
}

// AttachGroupPolicy attaches a managed policy to a group.
func (s *Service) AttachGroupPolicy(c Credentials, groupName string, policyARN ARN) error {
	g, a, err := s.groupFor(c, "iam:AttachGroupPolicy", groupName)
	if err != nil {
		return err
	}
	return s.withPolicy(a, policyARN, g.attach)
}

// DetachGroupPolicy detaches a managed policy from a group.
func (s *Service) DetachGroupPolicy(c Credentials, groupName string, policyARN ARN) error {
	g, a, err := s.groupFor(c, "iam:DetachGroupPolicy", groupName)
	if err != nil {
		return err
	}
	return s.withPolicy(a, policyARN, g.detach)
}
