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

func mustDo(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
