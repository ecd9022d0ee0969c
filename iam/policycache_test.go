package iam

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

const (
	cacheDoc = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ec2:DescribeVolumes","ec2:AttachVolume"],"Resource":"*"}]}`
	trustDoc = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
)

// sharingService is newTestService with c shared.
func sharingService(t *testing.T, c *PolicyCache) (*Service, Credentials) {
	svc, root := newTestService(t)
	svc.SharePolicies(c)
	return svc, root
}

// TestPolicyCacheSharesParsedDocuments: two Services sharing a cache hold
// one parsed Policy for a document both put, and that policy decides as
// one parsed on its own does.
func TestPolicyCacheSharesParsedDocuments(t *testing.T) {
	c := NewPolicyCache()
	a, rootA := sharingService(t, c)
	b, rootB := sharingService(t, c)
	require.NoError(t, a.PutUserPolicy(rootA, "alice", "p", cacheDoc))
	require.NoError(t, b.PutUserPolicy(rootB, "alice", "p", cacheDoc))
	pa := a.accounts[acctA].users["alice"].inline[0].pol
	pb := b.accounts[acctA].users["alice"].inline[0].pol
	require.Same(t, pa, pb)
	require.Len(t, c.m, 1)

	own := MustParsePolicy(cacheDoc)
	require.Equal(t, own.String(), pa.String())
	k := aliceKey(t, b, rootB)
	p, err := b.Authenticate(k)
	require.NoError(t, err)
	arn := MustParseARN("arn:aws:ec2:us-east-1:" + acctA + ":volume/vol-1")
	require.True(t, b.Authorize(&Request{Principal: p, Action: "ec2:AttachVolume", Resource: arn, ResourceAccount: acctA}).Allowed)
	require.False(t, b.Authorize(&Request{Principal: p, Action: "ec2:DeleteVolume", Resource: arn, ResourceAccount: acctA}).Allowed)
}

// TestPolicyCacheKeepsEachUsesChecks: a cached document is still checked
// for the use it is put to (a trust policy is no identity policy, and
// the reverse), and a document that does not parse is not cached and
// fails the same way each time.
func TestPolicyCacheKeepsEachUsesChecks(t *testing.T) {
	c := NewPolicyCache()
	svc, root := sharingService(t, c)
	_, err := svc.CreateRole(root, CreateRoleInput{RoleName: "r", AssumeRolePolicyDocument: trustDoc})
	require.NoError(t, err)
	require.Len(t, c.m, 1)
	err = svc.PutUserPolicy(root, "alice", "p", trustDoc)
	require.ErrorContains(t, err, "should not specify a principal")

	_, err = svc.CreateRole(root, CreateRoleInput{RoleName: "r2", AssumeRolePolicyDocument: cacheDoc})
	require.ErrorContains(t, err, "Principal is required")
	require.Len(t, c.m, 2, "the identity document parsed for the role was not kept")

	bad := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:DescribeVolumes"}]}`
	first := svc.PutUserPolicy(root, "alice", "bad", bad)
	require.Error(t, first)
	second := svc.PutUserPolicy(root, "alice", "bad", bad)
	require.Equal(t, first.Error(), second.Error())

	broken := `{"Version":"2012-10-17","Statement":[`
	first = svc.PutUserPolicy(root, "alice", "broken", broken)
	require.Error(t, first)
	require.Equal(t, first.Error(), svc.PutUserPolicy(root, "alice", "broken", broken).Error())
	_, kept := c.m[broken]
	require.False(t, kept, "a document that does not parse was cached")
}

// TestPolicyCacheBounded: past maxCachedPolicies documents the cache stops
// growing and parses the rest each time.
func TestPolicyCacheBounded(t *testing.T) {
	c := NewPolicyCache()
	for i := range maxCachedPolicies + 10 {
		doc := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Sid":"S%d","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`, i)
		p, size, err := c.parse(doc)
		require.NoError(t, err)
		require.Equal(t, fmt.Sprintf("S%d", i), p.Statements[0].Sid)
		require.Equal(t, p.Size(), size)
	}
	require.Len(t, c.m, maxCachedPolicies)
}

// TestPolicyCacheConcurrent: Services in different goroutines share a
// cache (run with -race).
func TestPolicyCacheConcurrent(t *testing.T) {
	c := NewPolicyCache()
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 20 {
				doc := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Sid":"S%d","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`, (g+i)%7)
				if _, _, err := c.parse(doc); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	require.Len(t, c.m, 7)
}

// TestPolicyCacheSize: the size a cached document reports is its Size,
// every time, and what the quotas are checked against: a policy one byte
// over a role's inline quota is refused on the second put as on the first.
func TestPolicyCacheSize(t *testing.T) {
	c := NewPolicyCache()
	doc := `{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::b/*"}]}`
	want := MustParsePolicy(doc).Size()
	for range 2 {
		_, size, err := c.parse(doc)
		require.NoError(t, err)
		require.Equal(t, want, size)
	}
	var nilCache *PolicyCache
	_, size, err := nilCache.parse(doc)
	require.NoError(t, err)
	require.Equal(t, want, size)

	for _, share := range []*PolicyCache{nil, c} {
		h := holder{kind: "user", name: "alice"}
		require.NoError(t, h.putInline(share, "p", doc, want))
		require.NoError(t, h.putInline(share, "p", doc, want), "replacing a policy counts it once")
		require.ErrorIs(t, h.putInline(share, "q", doc, 2*want-1), ErrLimitExceeded)
		require.Equal(t, want, h.inlineSize())
	}
}

// TestInlineRefNames: an inline policy's reference reads as fmt's %q of
// its name would, for every character a policy name may have.
func TestInlineRefNames(t *testing.T) {
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
	h := holder{kind: "role", name: "trainer"}
	names := []string{"a", "spot-training", "Az09_+=,.@-", strings.Repeat("x", 128)}
	for _, n := range names {
		require.NoError(t, h.putInline(nil, n, doc, 1<<20))
	}
	require.Error(t, h.putInline(nil, `say "hi"`, doc, 1<<20), "a name Go would escape is refused")
	refs := h.refs(nil)
	require.Len(t, refs, len(names))
	for i, r := range refs { // refs come in h.inline's order
		require.Equal(t, fmt.Sprintf("inline policy %q of %s %s", h.inline[i].name, h.kind, h.name), r.Name)
	}
}
