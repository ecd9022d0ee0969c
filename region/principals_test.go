package region

import (
	"context"
	"sync"
	"testing"

	"github.com/nimbus-sim/nimbus/iam"
)

// Region's tests call through the real pipeline with real IAM principals:
// the account 111122223333 and its user alice, created by API calls in
// w.Setup.

const testAccount = "111122223333"

// alicePolicy allows everything except s3:DeleteObject, which it denies
// explicitly.
const alicePolicy = `{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Action":"*","Resource":"*"},
 {"Sid":"NoDeletes","Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"}]}`

var (
	testCreds sync.Map // *World -> Credentials of alice
	testStats sync.Map // *World -> PipelineStats after the set-up
)

// statsOf returns w's pipeline counters since its test set-up, so tests
// count their own calls only.
func statsOf(w *World) PipelineStats {
	s := w.PipelineStats()
	v, ok := testStats.Load(w)
	if !ok {
		return s
	}
	b := v.(PipelineStats)
	s.Calls -= b.Calls
	s.Attempts -= b.Attempts
	s.Retries -= b.Retries
	s.Succeeded -= b.Succeeded
	s.Failed -= b.Failed
	s.Throttled -= b.Throttled
	s.Transient -= b.Transient
	s.TimedOut -= b.TimedOut
	s.Unreachable -= b.Unreachable
	s.NoRoute -= b.NoRoute
	for k, n := range b.ByOperation {
		if s.ByOperation[k] -= n; s.ByOperation[k] == 0 {
			delete(s.ByOperation, k)
		}
	}
	return s
}

// withAlice opens the test account and creates alice with alicePolicy,
// and returns her keys (also from alice(w) afterwards).
func withAlice(t testing.TB, w *World) Credentials {
	t.Helper()
	root, err := w.CreateAccount(testAccount)
	if err != nil {
		t.Fatal(err)
	}
	creds := newUser(t, w, root, "alice", alicePolicy)
	testCreds.Store(w, creds)
	testStats.Store(w, w.PipelineStats())
	t.Cleanup(func() { testCreds.Delete(w); testStats.Delete(w) })
	return creds
}

// newUser creates a user with an inline policy in root's account, through
// the pipeline, and returns the user's keys.
func newUser(t testing.TB, w *World, root Credentials, name, policy string) Credentials {
	t.Helper()
	var creds Credentials
	err := w.Setup(func(ctx context.Context) error {
		c := w.IAMClient(root)
		if _, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: name}); err != nil {
			return err
		}
		if policy != "" {
			if _, err := c.PutUserPolicy(ctx, &PutUserPolicyInput{UserName: name, PolicyName: "test", PolicyDocument: policy}); err != nil {
				return err
			}
		}
		out, err := c.CreateAccessKey(ctx, &CreateAccessKeyInput{UserName: name})
		if err != nil {
			return err
		}
		creds = out.AccessKey.Credentials()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return creds
}

// alice returns the keys withAlice made for w (none if it did not).
func alice(w *World) Credentials {
	v, _ := testCreds.Load(w)
	c, _ := v.(Credentials)
	return c
}

// expiringSession returns one-hour role-session credentials of a role
// alice assumes in the test account, through STS.
func expiringSession(w *World) Credentials {
	var creds Credentials
	root := alice(w)
	err := w.Setup(func(ctx context.Context) error {
		c := w.IAMClient(root)
		trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole"}]}`
		if _, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: "temp", AssumeRolePolicyDocument: trust}); err != nil {
			return err
		}
		if _, err := c.PutRolePolicy(ctx, &PutRolePolicyInput{RoleName: "temp", PolicyName: "all", PolicyDocument: alicePolicy}); err != nil {
			return err
		}
		out, err := w.STSClient("us-east-1", root).AssumeRole(ctx, &iam.AssumeRoleInput{
			RoleArn: iam.MustParseARN("arn:aws:iam::111122223333:role/temp"), RoleSessionName: "test-session"})
		if err != nil {
			return err
		}
		creds = out.Credentials
		return nil
	})
	if err != nil {
		panic(err)
	}
	return creds
}
