package iam

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/nimbus-sim/nimbus/sim"
)

// TestCheckForgetsWhatChanges: Check answers a request it allowed before
// without evaluating only while nothing its decision read can have
// changed. Each case allows a request, changes one thing the decision
// depends on, and expects the same request to be denied.
func TestCheckForgetsWhatChanges(t *testing.T) {
	const allowS3 = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
	obj := MustParseARN("arn:aws:s3:::b/ml/k")
	for _, c := range []struct {
		name   string
		policy string
		ctx    map[string][]string
		change func(t *testing.T, svc *Service, root Credentials, req *Request)
	}{
		{name: "inline policy deleted", policy: allowS3, change: func(t *testing.T, svc *Service, root Credentials, _ *Request) {
			mustDo(t, svc.DeleteUserPolicy(root, "alice", "p"))
		}},
		{name: "boundary attached", policy: allowS3, change: func(t *testing.T, svc *Service, root Credentials, _ *Request) {
			m, err := svc.CreatePolicy(root, CreatePolicyInput{PolicyName: "ec2only", PolicyDocument: `{"Version":"2012-10-17","Statement":[
			 {"Effect":"Allow","Action":"ec2:*","Resource":"*"}]}`})
			require.NoError(t, err)
			mustDo(t, svc.PutUserPermissionsBoundary(root, "alice", m.ARN))
		}},
		{name: "resource policy denies", policy: allowS3, change: func(_ *testing.T, _ *Service, _ Credentials, req *Request) {
			req.ResourcePolicy = MustParsePolicy(`{"Version":"2012-10-17","Statement":[
			 {"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"*"}]}`)
		}},
		{name: "another resource", policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/ml/*"}]}`,
			change: func(_ *testing.T, _ *Service, _ Credentials, req *Request) {
				req.Resource = MustParseARN("arn:aws:s3:::b/ops/k")
			}},
		{name: "another resource account", policy: allowS3,
			change: func(_ *testing.T, _ *Service, _ Credentials, req *Request) { req.ResourceAccount = acctB }},
		// Conditions and policy variables read the request's context, its
		// time and the principal's tags, none of which the Service's
		// generation covers: such decisions are never remembered.
		{name: "condition key changes", policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*",
		  "Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]}`, ctx: map[string][]string{"aws:SourceIp": {"10.1.2.3"}},
			change: func(_ *testing.T, _ *Service, _ Credentials, req *Request) {
				req.Context["aws:SourceIp"] = []string{"192.0.2.1"}
			}},
		{name: "time passes", policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*",
		  "Condition":{"DateLessThan":{"aws:CurrentTime":"` + sim.DefaultEpoch().Add(time.Hour).Format(time.RFC3339) + `"}}}]}`,
			change: func(_ *testing.T, svc *Service, _ Credentials, _ *Request) { svc.env.RunFor(2 * time.Hour) }},
		{name: "principal tag in a variable", policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject",
		  "Resource":"arn:aws:s3:::b/${aws:PrincipalTag/team}/*"}]}`,
			change: func(t *testing.T, svc *Service, root Credentials, _ *Request) {
				mustDo(t, svc.TagUser(root, "alice", map[string]string{"team": "ops"}))
			}},
	} {
		t.Run(c.name, func(t *testing.T) {
			svc, root := newTestService(t)
			mustDo(t, svc.PutUserPolicy(root, "alice", "p", c.policy))
			p, err := svc.Authenticate(aliceKey(t, svc, root))
			require.NoError(t, err)
			req := Request{Principal: p, Action: "s3:GetObject", Resource: obj, ResourceAccount: acctA, Context: c.ctx}
			for range 2 { // the second time from memory, where allowed
				r := req
				require.NoError(t, svc.Check(&r))
			}
			c.change(t, svc, root, &req)
			r := req
			require.Error(t, svc.Check(&r))
			r = req
			require.False(t, svc.Authorize(&r).Allowed)
		})
	}
}

// TestCheckRemembersContextFreeAllows: a context-free allow is answered
// from memory, and the request is still prepared (time and
// Organizations keys filled) as an evaluated one is.
func TestCheckRemembersContextFreeAllows(t *testing.T) {
	svc, root := newTestService(t)
	mustDo(t, svc.PutUserPolicy(root, "alice", "p", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`))
	p, err := svc.Authenticate(aliceKey(t, svc, root))
	require.NoError(t, err)
	req := Request{Principal: p, Action: "s3:GetObject", Resource: MustParseARN("arn:aws:s3:::b/k"), ResourceAccount: acctA}
	first := req
	require.NoError(t, svc.Check(&first))
	require.True(t, svc.allowedBefore(&req, allowedTag(&req)))
	again := req
	require.NoError(t, svc.Check(&again))
	require.Equal(t, first, again)
	require.False(t, again.Time.IsZero())

	// Root and other principals' requests are distinct entries.
	rp, err := svc.Authenticate(root)
	require.NoError(t, err)
	other := req
	other.Principal = rp
	require.False(t, svc.allowedBefore(&other, allowedTag(&other)))
}

// TestCheckKeepsRequestsThroughChurn: a caller working through object
// after object does not flush out the requests that recur.
func TestCheckKeepsRequestsThroughChurn(t *testing.T) {
	svc, root := newTestService(t)
	mustDo(t, svc.PutUserPolicy(root, "alice", "p", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","ec2:DescribeVolumes"],"Resource":"*"}]}`))
	p, err := svc.Authenticate(aliceKey(t, svc, root))
	require.NoError(t, err)
	describe := Request{Principal: p, Action: "ec2:DescribeVolumes"}
	r := describe
	require.NoError(t, svc.Check(&r))
	for i := range 3 * len(svc.allowed) {
		get := Request{Principal: p, Action: "s3:GetObject", Resource: MustParseARN(fmt.Sprintf("arn:aws:s3:::b/obj-%d", i)), ResourceAccount: acctA}
		require.NoError(t, svc.Check(&get))
	}
	require.True(t, svc.allowedBefore(&describe, allowedTag(&describe)))
}
