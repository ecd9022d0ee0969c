package iam

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// selfManaged lets alice manage her own access keys, so that she can
// change the key she authenticated with last (the one Authenticate
// remembers) without another caller's Authenticate replacing it.
const selfManaged = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:UpdateAccessKey","iam:DeleteAccessKey","iam:CreateAccessKey"],"Resource":"*"}]}`

// TestAuthenticateRemembersKey: the remembered key answers as the lookup
// does, for the same credentials and for copies of their texts, and
// gives way to other credentials.
func TestAuthenticateRemembersKey(t *testing.T) {
	svc, root := newTestService(t)
	alice := aliceKey(t, svc, root)
	p, err := svc.Authenticate(alice)
	require.NoError(t, err)
	require.Equal(t, "alice", p.UserName)
	require.Equal(t, alice.AccessKeyID, svc.recent.id)

	// Copies of the texts (as a caller that parsed them has) match too.
	cp := Credentials{AccessKeyID: string([]byte(alice.AccessKeyID)), SecretAccessKey: string([]byte(alice.SecretAccessKey))}
	q, err := svc.Authenticate(cp)
	require.NoError(t, err)
	require.Same(t, p, q)

	// Same ID, another secret or a token: the errors of the lookup.
	bad := alice
	bad.SecretAccessKey = "x" + alice.SecretAccessKey[1:]
	_, err = svc.Authenticate(bad)
	require.ErrorContains(t, err, "SignatureDoesNotMatch")
	bad = alice
	bad.SessionToken = "token"
	_, err = svc.Authenticate(bad)
	require.ErrorIs(t, err, ErrInvalidClientTokenID)
	require.Equal(t, alice.AccessKeyID, svc.recent.id, "a failed attempt is not remembered")

	// Alternating callers each get their own principal.
	for range 3 {
		p, err = svc.Authenticate(root)
		require.NoError(t, err)
		require.Equal(t, PrincipalAccount, p.Type)
		p, err = svc.Authenticate(alice)
		require.NoError(t, err)
		require.Equal(t, "alice", p.UserName)
	}
}

// TestAuthenticateForgetsDeactivatedKey: a key made inactive by the very
// caller Authenticate remembers stops working on the next call, and works
// again once reactivated.
func TestAuthenticateForgetsDeactivatedKey(t *testing.T) {
	svc, root := newTestService(t)
	mustDo(t, svc.PutUserPolicy(root, "alice", "self", selfManaged))
	alice := aliceKey(t, svc, root)
	mustDo(t, svc.UpdateAccessKey(alice, "alice", alice.AccessKeyID, "Inactive"))
	require.Equal(t, alice.AccessKeyID, svc.recent.id, "alice's own call left her key remembered")
	_, err := svc.Authenticate(alice)
	require.ErrorIs(t, err, ErrInvalidClientTokenID)
	mustDo(t, svc.UpdateAccessKey(root, "alice", alice.AccessKeyID, "Active"))
	_, err = svc.Authenticate(alice)
	require.NoError(t, err)
}

// TestAuthenticateForgetsDeletedKey: deleting the remembered key forgets
// it, whoever deletes it.
func TestAuthenticateForgetsDeletedKey(t *testing.T) {
	svc, root := newTestService(t)
	mustDo(t, svc.PutUserPolicy(root, "alice", "self", selfManaged))
	alice := aliceKey(t, svc, root)
	_, err := svc.Authenticate(alice)
	require.NoError(t, err)
	mustDo(t, svc.DeleteAccessKey(alice, "alice", alice.AccessKeyID))
	require.Nil(t, svc.recent.k)
	_, err = svc.Authenticate(alice)
	require.ErrorIs(t, err, ErrInvalidClientTokenID)
	// A new key of alice's authenticates, the old one still not.
	k, err := svc.CreateAccessKey(root, "alice")
	require.NoError(t, err)
	_, err = svc.Authenticate(k.Credentials())
	require.NoError(t, err)
	_, err = svc.Authenticate(alice)
	require.ErrorIs(t, err, ErrInvalidClientTokenID)
}

// TestAuthenticateRememberedSessionEnds: a remembered session expires to
// the nanosecond (TestSessionExpiresToTheNanosecond) and stops when its
// role is deleted, as one looked up does.
func TestAuthenticateRememberedSessionEnds(t *testing.T) {
	svc, _, ip := profileWorld(t, 1)
	c, err := svc.InstanceProfileCredentials(ip.ARN, "i-1")
	require.NoError(t, err)
	_, err = svc.Authenticate(c)
	require.NoError(t, err)
	require.Equal(t, c.AccessKeyID, svc.recent.id)
	// A wrong token with the remembered ID and secret.
	bad := c
	bad.SessionToken = c.SessionToken[:len(c.SessionToken)-1] + "x"
	_, err = svc.Authenticate(bad)
	require.ErrorIs(t, err, ErrInvalidClientTokenID)

	_, err = svc.Authenticate(c)
	require.NoError(t, err)
	svc.accounts[acctA].roles["WebApp"].deleted = true // as DeleteRole marks it
	_, err = svc.Authenticate(c)
	require.ErrorIs(t, err, ErrInvalidClientTokenID)
	svc.accounts[acctA].roles["WebApp"].deleted = false

	_, err = svc.Authenticate(c)
	require.NoError(t, err)
	svc.Env().RunFor(InstanceProfileSessionDuration)
	_, err = svc.Authenticate(c)
	require.ErrorIs(t, err, ErrExpiredToken)
}
