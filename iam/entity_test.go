package iam

import (
	"errors"
	"fmt"
	"testing"

	"github.com/aws/smithy-go"
)

// wantAPIError fails unless err is the AWS error code with exactly msg.
func wantAPIError(t *testing.T, what string, err error, code, msg string) {
	t.Helper()
	var api smithy.APIError
	if !errors.As(err, &api) {
		t.Errorf("%s: got %v, want %s", what, err, code)
		return
	}
	if api.ErrorCode() != code || api.ErrorMessage() != msg {
		t.Errorf("%s: got %s %q, want %s %q", what, api.ErrorCode(), api.ErrorMessage(), code, msg)
	}
}

// The operations on users, groups, roles and instance profiles share their
// lookup and name reservation; AWS's messages still differ per kind.
func TestEntityMessagesPerKind(t *testing.T) {
	svc, root := newTestService(t)
	_, err := svc.GetUser(root, "nobody")
	wantAPIError(t, "GetUser", err, "NoSuchEntity", "The user with name nobody cannot be found.")
	_, err = svc.GetGroup(root, "nobody")
	wantAPIError(t, "GetGroup", err, "NoSuchEntity", "The group with name nobody cannot be found.")
	_, err = svc.GetRole(root, "nobody")
	wantAPIError(t, "GetRole", err, "NoSuchEntity", "The role with name nobody cannot be found.")
	_, err = svc.GetInstanceProfile(root, "nobody")
	wantAPIError(t, "GetInstanceProfile", err, "NoSuchEntity", "Instance Profile nobody cannot be found.")

	// Names are unique regardless of case.
	_, err = svc.CreateUser(root, CreateUserInput{UserName: "ALICE"})
	wantAPIError(t, "CreateUser", err, "EntityAlreadyExists", "User with name ALICE already exists.")
	_, err = svc.CreateGroup(root, "devs", "")
	mustDo(t, err)
	_, err = svc.CreateGroup(root, "Devs", "")
	wantAPIError(t, "CreateGroup", err, "EntityAlreadyExists", "Group with name Devs already exists.")
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	_, err = svc.CreateRole(root, CreateRoleInput{RoleName: "app", AssumeRolePolicyDocument: trust})
	mustDo(t, err)
	_, err = svc.CreateRole(root, CreateRoleInput{RoleName: "APP", AssumeRolePolicyDocument: trust})
	wantAPIError(t, "CreateRole", err, "EntityAlreadyExists", "Role with name APP already exists.")
	_, err = svc.CreateInstanceProfile(root, "web", "")
	mustDo(t, err)
	_, err = svc.CreateInstanceProfile(root, "WEB", "")
	wantAPIError(t, "CreateInstanceProfile", err, "EntityAlreadyExists", "Instance Profile WEB already exists.")

	wantAPIError(t, "DeleteUserPermissionsBoundary", svc.DeleteUserPermissionsBoundary(root, "alice"),
		"NoSuchEntity", "The user alice has no permissions boundary.")
	wantAPIError(t, "DeleteRolePermissionsBoundary", svc.DeleteRolePermissionsBoundary(root, "app"),
		"NoSuchEntity", "The role app has no permissions boundary.")
	wantAPIError(t, "DeleteGroupPolicy", svc.DeleteGroupPolicy(root, "devs", "p"),
		"NoSuchEntity", "The group policy with name p cannot be found.")
}

// A caller without permission learns nothing about whether an entity
// exists: the action is authorized (on the ARN the entity would have)
// before NoSuchEntity.
func TestEntityLookupAuthorizesFirst(t *testing.T) {
	svc, root := newTestService(t)
	alice := aliceKey(t, svc, root)
	for _, tc := range []struct {
		op  string
		err error
	}{
		{"DeleteUser", svc.DeleteUser(alice, "nobody")},
		{"DeleteGroup", svc.DeleteGroup(alice, "nobody")},
		{"DeleteRole", svc.DeleteRole(alice, "nobody")},
		{"DeleteInstanceProfile", svc.DeleteInstanceProfile(alice, "nobody")},
	} {
		if !errors.Is(tc.err, ErrAccessDenied) {
			t.Errorf("%s by alice without policies: got %v, want AccessDenied", tc.op, tc.err)
		}
	}
}

// The per-account quotas of the kinds reserve checks (users are left out:
// 5000 of them make the test slow for no new path).
func TestEntityQuotaPerKind(t *testing.T) {
	svc, root := newTestService(t)
	for i := range MaxGroupsPerAccount {
		_, err := svc.CreateGroup(root, fmt.Sprintf("g%d", i), "")
		mustDo(t, err)
	}
	_, err := svc.CreateGroup(root, "one-more", "")
	wantAPIError(t, "CreateGroup", err, "LimitExceeded", fmt.Sprintf("Cannot exceed quota for GroupsPerAccount: %d", MaxGroupsPerAccount))

	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	for i := range MaxRolesPerAccount {
		_, err := svc.CreateRole(root, CreateRoleInput{RoleName: fmt.Sprintf("r%d", i), AssumeRolePolicyDocument: trust})
		mustDo(t, err)
	}
	_, err = svc.CreateRole(root, CreateRoleInput{RoleName: "one-more", AssumeRolePolicyDocument: trust})
	wantAPIError(t, "CreateRole", err, "LimitExceeded", fmt.Sprintf("Cannot exceed quota for RolesPerAccount: %d", MaxRolesPerAccount))

	for i := range MaxInstanceProfiles {
		_, err := svc.CreateInstanceProfile(root, fmt.Sprintf("p%d", i), "")
		mustDo(t, err)
	}
	_, err = svc.CreateInstanceProfile(root, "one-more", "")
	wantAPIError(t, "CreateInstanceProfile", err, "LimitExceeded", fmt.Sprintf("Cannot exceed quota for InstanceProfilesPerAccount: %d", MaxInstanceProfiles))
}
