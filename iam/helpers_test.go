package iam

import (
	"testing"

	"github.com/nimbus-sim/nimbus/sim"
)

const acctA, acctB = "111122223333", "444455556666"

// newTestService opens account acctA with user alice (no policies).
func newTestService(t testing.TB) (*Service, Credentials) {
	t.Helper()
	env := sim.New(1)
	t.Cleanup(env.Close)
	svc := NewService(env)
	root, err := svc.CreateAccount(acctA)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateUser(root, CreateUserInput{UserName: "alice", Tags: map[string]string{"team": "ml"}}); err != nil {
		t.Fatal(err)
	}
	return svc, root
}

func aliceKey(t testing.TB, svc *Service, root Credentials) Credentials {
	t.Helper()
	k, err := svc.CreateAccessKey(root, "alice")
	if err != nil {
		t.Fatal(err)
	}
	return k.Credentials()
}

// aliceWithPolicy is newTestService with policy put on alice as name, and
// alice authenticated with a new access key.
func aliceWithPolicy(t testing.TB, name, policy string) (*Service, Credentials, *Principal) {
	t.Helper()
	svc, root := newTestService(t)
	mustDo(t, svc.PutUserPolicy(root, "alice", name, policy))
	p, err := svc.Authenticate(aliceKey(t, svc, root))
	mustDo(t, err)
	return svc, root, p
}

func mustDo(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
