package iam

import (
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/require"

	"github.com/nimbus-sim/nimbus/internal/refs"
	"github.com/nimbus-sim/nimbus/internal/strs"
)

// getReq is alice's s3:GetObject on arn:aws:s3:::b/k, with a Context
// that never changes (FrozenContext).
func getReq(p *Principal, ctx map[string][]string) *Request {
	return &Request{Principal: p, Action: "s3:GetObject", Resource: MustParseARN("arn:aws:s3:::b/k"), Context: ctx,
		FrozenContext: true}
}

// TestCheckRefilledContext: a caller that refills one Context map between
// calls, without FrozenContext, gets the answer for the keys the map holds
// now, not the one remembered for the same map.
func TestCheckRefilledContext(t *testing.T) {
	svc, _, p := aliceWithPolicy(t, "get", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*",
		 "Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1"}}}]}`)
	ctx := map[string][]string{"aws:SourceVpce": {"vpce-1"}}
	req := getReq(p, ctx)
	req.FrozenContext = false
	require.NoError(t, svc.Check(req))
	require.False(t, svc.allowed.valid && svc.allowed.action == "s3:GetObject", "a Context that may change is not remembered")
	ctx["aws:SourceVpce"] = []string{"vpce-2"}
	req = getReq(p, ctx)
	req.FrozenContext = false
	require.ErrorContains(t, svc.Check(req), "AccessDenied")
}

// TestCheckRemembersAllowed: Check answers the request it allowed last
// without evaluating, and evaluates any other: another action, resource,
// region, resource policy or Context map, another principal.
func TestCheckRemembersAllowed(t *testing.T) {
	svc, root, p := aliceWithPolicy(t, "get", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*",
		 "Condition":{"StringEqualsIfExists":{"aws:SourceVpce":"vpce-1"}}}]}`)
	vpce1 := map[string][]string{"aws:SourceVpce": {"vpce-1"}}
	require.NoError(t, svc.Check(getReq(p, vpce1)))
	require.Same(t, p, svc.allowed.principal)
	require.NoError(t, svc.Check(getReq(p, vpce1)))

	// Each differs from the remembered request in one field: evaluated,
	// and denied.
	for name, req := range map[string]*Request{
		"context": getReq(p, map[string][]string{"aws:SourceVpce": {"vpce-2"}}),
		"action":  {Principal: p, Action: "s3:PutObject", Resource: MustParseARN("arn:aws:s3:::b/k"), Context: vpce1},
		"resource": {Principal: p, Action: "s3:GetObject", Resource: MustParseARN("arn:aws:s3:::other/k"),
			Context: vpce1},
		"resource policy": {Principal: p, Action: "s3:GetObject", Resource: MustParseARN("arn:aws:s3:::b/k"), Context: vpce1,
			ResourceAccount: acctA, ResourcePolicy: MustParsePolicy(`{"Version":"2012-10-17","Statement":[
				{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"}]}`)},
		"principal": getReq(svc.accounts[acctA].root, vpce1),
	} {
		require.NoError(t, svc.Check(getReq(p, vpce1)), name) // remembered again
		err := svc.Check(req)
		if name == "principal" {
			require.NoError(t, err, "the root user may") // and is remembered in turn
			continue
		}
		require.ErrorContains(t, err, "AccessDenied", name)
	}
	// Region: a policy on aws:RequestedRegion.
	mustDo(t, svc.PutUserPolicy(root, "alice", "region", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":"us-east-1"}}}]}`))
	req := getReq(p, vpce1)
	req.RequestedRegion = "us-east-1"
	require.NoError(t, svc.Check(req))
	req = getReq(p, vpce1)
	req.RequestedRegion = "eu-west-1"
	require.ErrorContains(t, svc.Check(req), "AccessDenied")

	// A principal built by hand is not remembered.
	svc.allowed = allowedRequest{}
	hand := &Principal{Type: PrincipalUser, ARN: MustParseARN("arn:aws:iam::" + acctA + ":user/alice"), AccountID: acctA}
	_ = svc.Check(getReq(hand, nil))
	require.False(t, svc.allowed.valid)
}

// behind runs change as if no other request had been checked meanwhile:
// every IAM call is checked, and so replaces the remembered request; a
// change must make the Service evaluate the remembered request again on
// its own (Service.gen).
func behind(t *testing.T, svc *Service, change func() error) {
	t.Helper()
	kept := svc.allowed
	require.True(t, kept.valid)
	require.NoError(t, change())
	svc.allowed = kept
}

// TestCheckForgetsOnChange: every change that bears on the decision makes
// the remembered request evaluated again: a user's tags, a policy, the
// organization ID.
func TestCheckForgetsOnChange(t *testing.T) {
	svc, root, p := aliceWithPolicy(t, "get", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"ml"}}}]}`)
	require.NoError(t, svc.Check(getReq(p, nil)))
	behind(t, svc, func() error { return svc.UntagUser(root, "alice", []string{"team"}) })
	require.ErrorContains(t, svc.Check(getReq(p, nil)), "AccessDenied", "untagged")
	mustDo(t, svc.TagUser(root, "alice", map[string]string{"team": "ml"}))
	require.NoError(t, svc.Check(getReq(p, nil)))

	behind(t, svc, func() error { return svc.DeleteUserPolicy(root, "alice", "get") })
	require.ErrorContains(t, svc.Check(getReq(p, nil)), "AccessDenied", "policy deleted")

	mustDo(t, svc.PutUserPolicy(root, "alice", "org", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-aaaaaaaaaa"}}}]}`))
	mustDo(t, svc.SetOrganization(acctA, "o-aaaaaaaaaa"))
	require.NoError(t, svc.Check(getReq(p, nil)))
	behind(t, svc, func() error { return svc.SetOrganization(acctA, "o-bbbbbbbbbb") })
	require.ErrorContains(t, svc.Check(getReq(p, nil)), "AccessDenied", "another organization")
}

// TestCheckOrganizationNotRemembered: a request with organization keys
// is evaluated every time (it leaves the keys for a later evaluation),
// and attaching a denying SCP denies it.
func TestCheckOrganizationNotRemembered(t *testing.T) {
	f := newOrgFixture(t)
	req := func() *Request {
		return &Request{Principal: f.alice, Action: "ec2:RunInstances", Resource: MustParseARN("arn:aws:ec2:us-east-1:" + acctA + ":instance/*")}
	}
	r := req()
	require.NoError(t, f.svc.Check(r))
	require.NotSame(t, f.alice, f.svc.allowed.principal)
	require.NotEmpty(t, r.orgKeys.principalPath)
	r = req()
	require.NoError(t, f.svc.Check(r))
	require.NotEmpty(t, r.orgKeys.principalPath)
	f.attach(t, f.policy(t, ServiceControlPolicyType, "NoEC2", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"ec2:*","Resource":"*"}]}`), f.rootID)
	require.ErrorContains(t, f.svc.Check(req()), "AccessDenied")
}

// TestCheckDoesNotRememberTheClock: an answer that read aws:CurrentTime
// is evaluated again at every call, and so is one for a given Time.
func TestCheckDoesNotRememberTheClock(t *testing.T) {
	svc, root := newTestService(t)
	env := svc.Env()
	until := env.NowTime().Add(time.Hour)
	mustDo(t, svc.PutUserPolicy(root, "alice", "early", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"s3:GetObject","Resource":"*",
		 "Condition":{"DateLessThan":{"aws:CurrentTime":"`+until.UTC().Format(time.RFC3339)+`"}}}]}`))
	p, err := svc.Authenticate(aliceKey(t, svc, root))
	require.NoError(t, err)
	require.NoError(t, svc.Check(getReq(p, nil)))
	require.NotSame(t, p, svc.allowed.principal, "it read the clock")
	env.RunFor(2 * time.Hour)
	require.ErrorContains(t, svc.Check(getReq(p, nil)), "AccessDenied")

	given := getReq(p, nil)
	given.Time = until.Add(-time.Minute)
	require.NoError(t, svc.Check(given))
	require.NotSame(t, p, svc.allowed.principal)
	later := getReq(p, nil)
	later.Time = until.Add(time.Minute)
	require.ErrorContains(t, svc.Check(later), "AccessDenied")
}

// TestSameMapAndString: identity for maps (equal contents are not
// enough), equality for strings, whatever their bytes' address.
func TestSameMapAndString(t *testing.T) {
	a, b := map[string][]string{"k": {"v"}}, map[string][]string{"k": {"v"}}
	var nilMap map[string][]string
	empty := map[string][]string{}
	require.True(t, refs.Same(&a, &a))
	require.False(t, refs.Same(&a, &b))
	require.True(t, refs.Same(&nilMap, &nilMap))
	require.False(t, refs.Same(&a, &nilMap))
	require.False(t, refs.Same(&nilMap, &empty))
	s := "s3:GetObject"
	require.True(t, strs.Same(s, s))
	require.True(t, strs.Same(s, string([]byte(s))))
	require.False(t, strs.Same(s, "s3:GetObjecT"))
	require.False(t, strs.Same(s, s[:5]))
	require.True(t, strs.Same("", ""))
}

// TestServiceSizeClass: the remembered request and key keep a Service
// (one per world) in the 352-byte size class
// (https://github.com/golang/go/blob/go1.26.0/src/internal/runtime/gc/sizeclasses.go).
func TestServiceSizeClass(t *testing.T) {
	require.LessOrEqual(t, unsafe.Sizeof(Service{}), uintptr(352))
}
