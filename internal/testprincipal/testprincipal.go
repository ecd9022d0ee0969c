// Package testprincipal builds real IAM principals for tests in a few
// lines, the way a scenario would: the account is opened with
// World.CreateAccount (signing up is not an API call), and users, roles
// and policies are created by IAM API calls through the world's pipeline
// in World.Setup. There is no back door: the principals it returns are
// authenticated and authorized by IAM like any other.
//
//	root := testprincipal.Account(t, w, "111122223333")
//	alice := testprincipal.User(t, w, root, "alice", testprincipal.AllowAll)
package testprincipal

import (
	"context"
	"testing"

	"github.com/nimbus-sim/nimbus/iam"
	"github.com/nimbus-sim/nimbus/region"
)

// AllowAll is an identity policy allowing every action on every resource.
const AllowAll = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`

// Allow returns an identity policy allowing actions on resources.
func Allow(actions, resources []string) string {
	q := func(xs []string) string {
		s := "["
		for i, x := range xs {
			if i > 0 {
				s += ","
			}
			s += `"` + x + `"`
		}
		return s + "]"
	}
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":` + q(actions) + `,"Resource":` + q(resources) + `}]}`
}

// Account opens an account and returns its root user's keys.
func Account(t testing.TB, w *region.World, accountID string) region.Credentials {
	t.Helper()
	root, err := w.CreateAccount(accountID)
	if err != nil {
		t.Fatalf("testprincipal: CreateAccount(%s): %v", accountID, err)
	}
	return root
}

// User creates an IAM user with one inline policy in root's account and
// returns the user's access keys.
func User(t testing.TB, w *region.World, root region.Credentials, name, policy string) region.Credentials {
	t.Helper()
	var creds region.Credentials
	err := w.Setup(func(ctx context.Context) error {
		c := w.IAMClient(root)
		if _, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: name}); err != nil {
			return err
		}
		if policy != "" {
			if _, err := c.PutUserPolicy(ctx, &region.PutUserPolicyInput{UserName: name, PolicyName: name + "-policy",
				PolicyDocument: policy}); err != nil {
				return err
			}
		}
		out, err := c.CreateAccessKey(ctx, &region.CreateAccessKeyInput{UserName: name})
		if err != nil {
			return err
		}
		creds = out.AccessKey.Credentials()
		return nil
	})
	if err != nil {
		t.Fatalf("testprincipal: user %s: %v", name, err)
	}
	return creds
}

// Role creates a role with a trust policy and one inline policy in root's
// account, and returns its ARN.
func Role(t testing.TB, w *region.World, root region.Credentials, name, trust, policy string) iam.ARN {
	t.Helper()
	var arn iam.ARN
	err := w.Setup(func(ctx context.Context) error {
		c := w.IAMClient(root)
		out, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: name, AssumeRolePolicyDocument: trust})
		if err != nil {
			return err
		}
		arn = out.Role.ARN
		if policy == "" {
			return nil
		}
		_, err = c.PutRolePolicy(ctx, &region.PutRolePolicyInput{RoleName: name, PolicyName: name + "-policy", PolicyDocument: policy})
		return err
	})
	if err != nil {
		t.Fatalf("testprincipal: role %s: %v", name, err)
	}
	return arn
}
