package iam

// What the operations on users, groups, roles and instance profiles share:
// finding the entity an operation names (after authorizing the operation on
// it), reserving the name of a new one, listing, and tag changes. The
// per-kind facts (where the account keeps them, ARN type, AWS's messages)
// live in one entityKind value per kind.

import (
	"maps"
	"sort"
	"strings"

	"github.com/nimbus-sim/nimbus/internal/awserr"
)

// entityKind is what differs between the kinds of named IAM entities in
// the shared code below.
type entityKind[E any] struct {
	arnType  string // resource type in the ARN: "user", "role", ...
	table    func(*account) map[string]E
	arn      func(E) ARN
	notFound string // NoSuchEntity message; %s is the name
	exists   string // EntityAlreadyExists message; %s is the name
	quota    string // quota name in the LimitExceeded message
	max      int    // entities of this kind per account
}

var (
	userKind = entityKind[*user]{
		arnType:  "user",
		table:    func(a *account) map[string]*user { return a.users },
		arn:      func(u *user) ARN { return u.arn },
		notFound: "The user with name %s cannot be found.",
		exists:   "User with name %s already exists.",
		quota:    "UsersPerAccount", max: MaxUsersPerAccount,
	}
	groupKind = entityKind[*group]{
		arnType:  "group",
		table:    func(a *account) map[string]*group { return a.groups },
		arn:      func(g *group) ARN { return g.arn },
		notFound: "The group with name %s cannot be found.",
		exists:   "Group with name %s already exists.",
		quota:    "GroupsPerAccount", max: MaxGroupsPerAccount,
	}
	roleKind = entityKind[*role]{
		arnType:  "role",
		table:    func(a *account) map[string]*role { return a.roles },
		arn:      func(r *role) ARN { return r.arn },
		notFound: "The role with name %s cannot be found.",
		exists:   "Role with name %s already exists.",
		quota:    "RolesPerAccount", max: MaxRolesPerAccount,
	}
	profileKind = entityKind[*instanceProfile]{
		arnType:  "instance-profile",
		table:    func(a *account) map[string]*instanceProfile { return a.profiles },
		arn:      func(ip *instanceProfile) ARN { return ip.arn },
		notFound: "Instance Profile %s cannot be found.",
		exists:   "Instance Profile %s already exists.",
		quota:    "InstanceProfilesPerAccount", max: MaxInstanceProfiles,
	}
)

// lookup authenticates c, authorizes action on the entity of kind k named
// name and returns it with its account. The action is authorized first, on
// the ARN the entity would have at path "/" when there is none, so that a
// caller without permission gets AccessDenied rather than learning whether
// the entity exists.
func lookup[E any](s *Service, c Credentials, k *entityKind[E], action, name string) (E, *account, error) {
	var none E
	p, err := s.Authenticate(c)
	if err != nil {
		return none, nil, err
	}
	a := p.acct
	if a == nil {
		return none, nil, awserr.New("AccessDenied", 403, false, "%s is not authorized to perform: %s", p.display(), action)
	}
	e, ok := k.table(a)[name]
	var arn ARN
	if ok {
		arn = k.arn(e)
	} else {
		arn = s.iamARN(a.id, k.arnType, "/", name)
	}
	if _, _, err := s.caller(c, action, arn); err != nil {
		return none, nil, err
	}
	if !ok {
		return none, nil, noSuchEntity(k.notFound, name)
	}
	return e, a, nil
}

// reserve authorizes action (CreateUser, ...) on the ARN a new entity of
// kind k named name at path would have, and checks that the name is free
// and the account's quota not reached. It returns that ARN, its text and
// the account.
func reserve[E any](s *Service, c Credentials, k *entityKind[E], action, path, name string) (ARN, string, *account, error) {
	p, err := s.Authenticate(c)
	if err != nil {
		return ARN{}, "", nil, err
	}
	arn, text := s.iamARNText(p.AccountID, k.arnType, path, name)
	_, a, err := s.caller(c, action, arn)
	if err != nil {
		return ARN{}, "", nil, err
	}
	if findFold(k.table(a), name) {
		return ARN{}, "", nil, alreadyExists(k.exists, name)
	}
	if len(k.table(a)) >= k.max {
		return ARN{}, "", nil, limitExceeded("Cannot exceed quota for %s: %d", k.quota, k.max)
	}
	return arn, text, a, nil
}

// findFold reports whether m has name, compared case-insensitively: IAM
// names are unique regardless of case.
func findFold[V any](m map[string]V, name string) bool {
	for k := range m {
		if strings.EqualFold(k, name) {
			return true
		}
	}
	return false
}

// listCaller authenticates c and authorizes a List operation on every
// resource of arnType ("user", "policy", ...) in the caller's account.
func (s *Service) listCaller(c Credentials, action, arnType string) (*account, error) {
	p, err := s.Authenticate(c)
	if err != nil {
		return nil, err
	}
	_, a, err := s.caller(c, action, s.iamARN(p.AccountID, arnType, "/", "*"))
	if err != nil {
		return nil, err
	}
	return a, nil
}

// snapshotsByName returns the snapshots of m's values sorted by name (names
// are unique within an account, so the order is total).
func snapshotsByName[E, S any](m map[string]E, snapshot func(E) S, name func(S) string) []S {
	out := make([]S, 0, len(m))
	for _, e := range m {
		out = append(out, snapshot(e))
	}
	sort.Slice(out, func(i, j int) bool { return name(out[i]) < name(out[j]) })
	return out
}

// withTags returns a copy of old with add's tags added or overwritten,
// checked against the tagging quotas (TagUser, TagRole).
func withTags(old, add map[string]string) (map[string]string, error) {
	merged := cloneTags(old)
	if merged == nil {
		merged = map[string]string{}
	}
	maps.Copy(merged, add)
	if err := checkTags(merged); err != nil {
		return nil, err
	}
	return merged, nil
}

// withoutTags returns a copy of old without keys (UntagUser, UntagRole).
func withoutTags(old map[string]string, keys []string) map[string]string {
	out := cloneTags(old)
	for _, k := range keys {
		delete(out, k)
	}
	return out
}

func cloneTags(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	return maps.Clone(m)
}

// checkTags enforces "Tagging IAM resources": at most 50 tags, keys 1-128
// characters, values 0-256, no "aws:" prefix.
func checkTags(m map[string]string) error {
	if len(m) > MaxTagsPerEntity {
		return limitExceeded("Cannot exceed quota for TagsPerEntity: %d", MaxTagsPerEntity)
	}
	for k, v := range m {
		if k == "" || len(k) > 128 {
			return invalidInput("tag key %q must be 1 to 128 characters", k)
		}
		if len(v) > 256 {
			return invalidInput("tag value for key %q must be at most 256 characters", k)
		}
		if strings.HasPrefix(strings.ToLower(k), "aws:") {
			return invalidInput("tag key %q: the aws: prefix is reserved for AWS use", k)
		}
	}
	return nil
}
