package iam

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestRequestTimeOnlyWhenAsked: a Service's call fills a zero
// Request.Time only when a condition reads the time, with the instant of
// the call; a Decision explained later still sees that instant.
func TestRequestTimeOnlyWhenAsked(t *testing.T) {
	svc, root := newTestService(t)
	env := svc.Env()
	env.RunFor(90 * time.Minute)
	call := env.NowTime()
	// Allowed during the first hour of the simulation only; the request
	// comes later, so the Allow does not apply.
	mustDo(t, svc.PutUserPolicy(root, "alice", "early", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"s3:GetObject","Resource":"*",
		 "Condition":{"DateLessThan":{"aws:CurrentTime":"`+call.Add(-30*time.Minute).UTC().Format(time.RFC3339)+`"}}},
		{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}]}`))
	p, err := svc.Authenticate(aliceKey(t, svc, root))
	require.NoError(t, err)

	// No statement for s3:ListBucket reads the time.
	req := &Request{Principal: p, Action: "s3:ListBucket", Resource: MustParseARN("arn:aws:s3:::b")}
	require.NoError(t, svc.Check(req))
	require.True(t, req.Time.IsZero(), "no condition asked for the time")

	// The date condition reads it: the time of the call.
	req = &Request{Principal: p, Action: "s3:GetObject", Resource: MustParseARN("arn:aws:s3:::b/k")}
	d := svc.Authorize(req)
	require.False(t, d.Allowed)
	require.Equal(t, call, req.Time)

	// Explained an hour later, the condition still compares the instant
	// of the call.
	req = &Request{Principal: p, Action: "s3:GetObject", Resource: MustParseARN("arn:aws:s3:::b/k")}
	err = svc.Check(req)
	require.ErrorContains(t, err, "AccessDenied")
	env.RunFor(time.Hour)
	var de *DeniedError
	require.ErrorAs(t, err, &de)
	require.Contains(t, de.Decision.Explain(), call.UTC().Format(time.RFC3339))
	require.Equal(t, call, req.Time)

	// A Deny decides before the time is read: Explain, an hour later,
	// reads it for the statement it explains, at the instant of the call.
	mustDo(t, svc.PutUserPolicy(root, "alice", "a-deny", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Deny","Action":"s3:GetObject","Resource":"arn:aws:s3:::locked/*"}]}`))
	call2 := env.NowTime()
	req = &Request{Principal: p, Action: "s3:GetObject", Resource: MustParseARN("arn:aws:s3:::locked/k")}
	d = svc.Authorize(req)
	require.Equal(t, ExplicitDeny, d.Reason)
	require.True(t, req.Time.IsZero(), "the Deny came first")
	env.RunFor(time.Hour)
	require.Contains(t, d.Explain(), call2.UTC().Format(time.RFC3339))

	// A Time given stays as given.
	given := call.Add(-time.Hour)
	req = &Request{Principal: p, Action: "s3:GetObject", Resource: MustParseARN("arn:aws:s3:::b/k"), Time: given}
	require.NoError(t, svc.Check(req))
	require.Equal(t, given, req.Time)
}
