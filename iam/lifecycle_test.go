package iam

// CRUD lifecycles of IAM entities (IAM API Reference: each operation's
// errors), checked through their observable effects.

import (
	"errors"
	"slices"
	"testing"
	"time"
)

func TestUserLifecycle(t *testing.T) {
	svc, root := newTestService(t)
	if _, err := svc.CreateUser(root, CreateUserInput{UserName: "bob", Path: "/ops/"}); err != nil {
		t.Fatal(err)
	}
	us, err := svc.ListUsers(root)
	if err != nil || len(us) != 2 || us[0].UserName != "alice" || us[1].UserName != "bob" {
		t.Fatalf("ListUsers %v %v", us, err)
	}
	// Tags become aws:PrincipalTag values for the next request.
	k := aliceKey(t, svc, root)
	mustDo(t, svc.PutUserPolicy(root, "alice", "tagged", stmt(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/project":"x"}}}`)))
	p, _ := svc.Authenticate(k)
	if svc.Authorize(s3req(p, "s3:GetObject", "arn:aws:s3:::b/k", acctA)).Allowed {
		t.Fatal("allowed before tagging")
	}
	mustDo(t, svc.TagUser(root, "alice", map[string]string{"project": "x"}))
	if d := svc.Authorize(s3req(p, "s3:GetObject", "arn:aws:s3:::b/k", acctA)); !d.Allowed {
		t.Fatalf("after TagUser: %s", d.Explain())
	}
	mustDo(t, svc.UntagUser(root, "alice", []string{"project"}))
	if svc.Authorize(s3req(p, "s3:GetObject", "arn:aws:s3:::b/k", acctA)).Allowed {
		t.Fatal("allowed after UntagUser")
	}
	if err := svc.TagUser(root, "alice", map[string]string{"aws:reserved": "x"}); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("aws: tag prefix: %v", err)
	}
	if got, err := svc.GetUserPolicy(root, "alice", "tagged"); err != nil || len(got.Statements) != 1 {
		t.Errorf("GetUserPolicy %v %v", got, err)
	}
	if _, err := svc.GetUserPolicy(root, "alice", "nope"); !errors.Is(err, ErrNoSuchEntity) {
		t.Errorf("missing inline policy: %v", err)
	}
	// Boundary on, boundary off.
	m, err := svc.CreatePolicy(root, CreatePolicyInput{PolicyName: "B", PolicyDocument: stmt(`{"Effect":"Allow","Action":"s3:*","Resource":"*"}`)})
	if err != nil {
		t.Fatal(err)
	}
	mustDo(t, svc.PutUserPermissionsBoundary(root, "alice", m.ARN))
	if u, _ := svc.GetUser(root, "alice"); u.PermissionsBoundary != m.ARN {
		t.Errorf("boundary %v", u.PermissionsBoundary)
	}
	mustDo(t, svc.DeleteUserPermissionsBoundary(root, "alice"))
	if err := svc.DeleteUserPermissionsBoundary(root, "alice"); !errors.Is(err, ErrNoSuchEntity) {
		t.Errorf("second delete: %v", err)
	}
	// Keys: list without secrets, delete, then the key no longer authenticates.
	keys, err := svc.ListAccessKeys(root, "alice")
	if err != nil || len(keys) != 1 || keys[0].SecretAccessKey != "" || keys[0].Status != "Active" {
		t.Fatalf("ListAccessKeys %+v %v", keys, err)
	}
	mustDo(t, svc.DeleteAccessKey(root, "alice", k.AccessKeyID))
	if _, err := svc.Authenticate(k); !errors.Is(err, ErrInvalidClientTokenID) {
		t.Errorf("deleted key: %v", err)
	}
	if err := svc.DeleteAccessKey(root, "alice", k.AccessKeyID); !errors.Is(err, ErrNoSuchEntity) {
		t.Errorf("deleting twice: %v", err)
	}
	mustDo(t, svc.DeleteUserPolicy(root, "alice", "tagged"))
	mustDo(t, svc.DeleteUser(root, "alice"))
	if _, err := svc.GetUser(root, "alice"); !errors.Is(err, ErrNoSuchEntity) {
		t.Errorf("deleted user: %v", err)
	}
	if err := svc.DeletePolicy(root, m.ARN); err != nil {
		t.Errorf("policy no longer a boundary: %v", err)
	}
	if _, err := svc.GetPolicy(root, m.ARN); !errors.Is(err, ErrNoSuchEntity) {
		t.Errorf("deleted policy: %v", err)
	}
}

func TestRoleLifecycle(t *testing.T) {
	svc, root, alice := setupRole(t)
	r, err := svc.GetRole(root, "Trainer")
	if err != nil || r.MaxSessionDuration != 4*time.Hour || r.ARN != trainerARN || !slices.Equal(r.InlinePolicies, []string{"s3"}) {
		t.Fatalf("GetRole %+v %v", r, err)
	}
	if rs, _ := svc.ListRoles(root); len(rs) != 1 || rs[0].RoleName != "Trainer" {
		t.Errorf("ListRoles %v", rs)
	}
	mustDo(t, svc.UpdateRole(root, "Trainer", "trains models", 2*time.Hour))
	if r, _ := svc.GetRole(root, "Trainer"); r.MaxSessionDuration != 2*time.Hour || r.Description != "trains models" {
		t.Errorf("UpdateRole %+v", r)
	}
	if err := svc.UpdateRole(root, "Trainer", "", 13*time.Hour); !errors.Is(err, ErrValidationError) {
		t.Errorf("13h max session: %v", err)
	}
	// Replacing the trust policy with one naming alice directly lets her in
	// without an identity policy.
	mustDo(t, svc.UpdateAssumeRolePolicy(root, "Trainer", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":["sts:AssumeRole","sts:TagSession"]}]}`))
	out, err := svc.AssumeRole(alice, AssumeRoleInput{RoleArn: trainerARN, RoleSessionName: "s1", Tags: map[string]string{"project": "p1"}})
	if err != nil {
		t.Fatalf("after UpdateAssumeRolePolicy: %v", err)
	}
	// Session tags join role tags as principal tags.
	sp, _ := svc.Authenticate(out.Credentials)
	if sp.Tags["project"] != "p1" || sp.Tags["team"] != "ml" {
		t.Errorf("session principal tags %v", sp.Tags)
	}
	mustDo(t, svc.TagRole(root, "Trainer", map[string]string{"team": "research"}))
	if r, _ := svc.GetRole(root, "Trainer"); r.Tags["team"] != "research" {
		t.Errorf("TagRole %v", r.Tags)
	}
	mustDo(t, svc.UntagRole(root, "Trainer", []string{"team"}))
	if r, _ := svc.GetRole(root, "Trainer"); len(r.Tags) != 0 {
		t.Errorf("UntagRole %v", r.Tags)
	}
	if _, err := svc.GetRolePolicy(root, "Trainer", "s3"); err != nil {
		t.Error(err)
	}
	mustDo(t, svc.AttachRolePolicy(root, "Trainer", AWSManagedPolicyARN("AmazonEC2ReadOnlyAccess")))
	mustDo(t, svc.DetachRolePolicy(root, "Trainer", AWSManagedPolicyARN("AmazonEC2ReadOnlyAccess")))
	if err := svc.DetachRolePolicy(root, "Trainer", AWSManagedPolicyARN("AmazonEC2ReadOnlyAccess")); !errors.Is(err, ErrNoSuchEntity) {
		t.Errorf("detach twice: %v", err)
	}
	mp, _ := svc.GetPolicy(root, AWSManagedPolicyARN("AmazonEC2ReadOnlyAccess"))
	if !mp.IsAWSManaged() || mp.AttachmentCount != 0 {
		t.Errorf("AWS managed policy %+v", mp)
	}
	if err := svc.DeletePolicy(root, mp.ARN); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("deleting an AWS managed policy: %v", err)
	}
	mustDo(t, svc.PutRolePermissionsBoundary(root, "Trainer", AWSManagedPolicyARN("AmazonS3ReadOnlyAccess")))
	sp2, _ := svc.AssumeRole(alice, AssumeRoleInput{RoleArn: trainerARN, RoleSessionName: "s2"})
	p2, _ := svc.Authenticate(sp2.Credentials)
	if svc.Authorize(s3req(p2, "s3:PutObject", "arn:aws:s3:::b/k", acctA)).Allowed {
		t.Error("role boundary (read-only) did not limit PutObject")
	}
	mustDo(t, svc.DeleteRolePermissionsBoundary(root, "Trainer"))
	if d := svc.Authorize(s3req(p2, "s3:PutObject", "arn:aws:s3:::b/k", acctA)); !d.Allowed {
		t.Errorf("after removing the boundary: %s", d.Explain())
	}
	if err := svc.DeleteRole(root, "Trainer"); !errors.Is(err, ErrDeleteConflict) {
		t.Errorf("delete role with inline policy: %v", err)
	}
}

func TestGroupAndProfileLifecycle(t *testing.T) {
	svc, root := newTestService(t)
	if _, err := svc.CreateGroup(root, "devs", "/eng/"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateGroup(root, "DEVS", ""); !errors.Is(err, ErrEntityAlreadyExists) {
		t.Errorf("duplicate group: %v", err)
	}
	mustDo(t, svc.AddUserToGroup(root, "devs", "alice"))
	mustDo(t, svc.PutGroupPolicy(root, "devs", "p", stmt(`{"Effect":"Allow","Action":"s3:*","Resource":"*"}`)))
	mustDo(t, svc.AttachGroupPolicy(root, "devs", AWSManagedPolicyARN("ReadOnlyAccess")))
	g, err := svc.GetGroup(root, "devs")
	if err != nil || g.ARN.String() != "arn:aws:iam::111122223333:group/eng/devs" || !slices.Equal(g.Members, []string{"alice"}) || len(g.AttachedPolicies) != 1 {
		t.Fatalf("GetGroup %+v %v", g, err)
	}
	if u, _ := svc.GetUser(root, "alice"); !slices.Equal(u.Groups, []string{"devs"}) {
		t.Errorf("user groups %v", u.Groups)
	}
	mustDo(t, svc.DeleteGroupPolicy(root, "devs", "p"))
	mustDo(t, svc.DetachGroupPolicy(root, "devs", AWSManagedPolicyARN("ReadOnlyAccess")))
	if err := svc.DeleteGroup(root, "devs"); !errors.Is(err, ErrDeleteConflict) {
		t.Errorf("group with members: %v", err)
	}
	mustDo(t, svc.RemoveUserFromGroup(root, "devs", "alice"))
	mustDo(t, svc.DeleteGroup(root, "devs"))
	if _, err := svc.GetGroup(root, "devs"); !errors.Is(err, ErrNoSuchEntity) {
		t.Errorf("deleted group: %v", err)
	}

	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	if _, err := svc.CreateRole(root, CreateRoleInput{RoleName: "App", AssumeRolePolicyDocument: trust}); err != nil {
		t.Fatal(err)
	}
	ip, _ := svc.CreateInstanceProfile(root, "App", "/web/")
	mustDo(t, svc.AddRoleToInstanceProfile(root, "App", "App"))
	got, err := svc.GetInstanceProfile(root, "App")
	if err != nil || got.ARN.String() != "arn:aws:iam::111122223333:instance-profile/web/App" || len(got.Roles) != 1 || got.Roles[0].Name() != "App" {
		t.Fatalf("GetInstanceProfile %+v %v", got, err)
	}
	if err := svc.DeleteInstanceProfile(root, "App"); !errors.Is(err, ErrDeleteConflict) {
		t.Errorf("delete a profile holding a role: %v", err)
	}
	mustDo(t, svc.RemoveRoleFromInstanceProfile(root, "App", "App"))
	if _, ok := svc.ProfileRole(ip.ARN); ok {
		t.Error("empty profile still has a role")
	}
	mustDo(t, svc.DeleteInstanceProfile(root, "App"))
	mustDo(t, svc.DeleteRole(root, "App"))
	if ps, err := svc.ListPolicies(root); err != nil || len(ps) != 0 {
		t.Errorf("ListPolicies %v %v", ps, err)
	}
	if got := svc.Accounts(); !slices.Equal(got, []string{acctA}) {
		t.Errorf("Accounts %v", got)
	}
}
