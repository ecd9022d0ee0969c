package iam

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestCheckAgreesWithAuthorize: Check allows exactly what Authorize
// allows, and its denial is Authorize's AccessDenied, Decision included.
func TestCheckAgreesWithAuthorize(t *testing.T) {
	svc, _, p := aliceWithPolicy(t, "p", `{"Version":"2012-10-17","Statement":[
	 {"Effect":"Allow","Action":"s3:*","Resource":"*"},
	 {"Effect":"Deny","Action":"s3:DeleteObject","Resource":"arn:aws:s3:::b/locked/*"}]}`)
	for _, c := range []struct {
		action, resource string
		allowed          bool
	}{
		{"s3:GetObject", "arn:aws:s3:::b/k", true},
		{"s3:DeleteObject", "arn:aws:s3:::b/k", true},
		{"s3:DeleteObject", "arn:aws:s3:::b/locked/k", false}, // explicit deny
		{"ec2:RunInstances", "arn:aws:s3:::b/k", false},       // implicit deny
	} {
		req := func() *Request {
			return &Request{Principal: p, Action: c.action, Resource: MustParseARN(c.resource), ResourceAccount: p.AccountID}
		}
		want := svc.Authorize(req())
		got := svc.Check(req())
		require.Equal(t, c.allowed, want.Allowed, "%s on %s", c.action, c.resource)
		if c.allowed {
			require.NoError(t, got)
			continue
		}
		require.EqualError(t, got, want.Err().Error())
		var de *DeniedError
		require.True(t, errors.As(got, &de))
		require.Equal(t, want.Reason, de.Decision.Reason)
		require.Equal(t, want.Statement, de.Decision.Statement)
		require.Equal(t, want.Explain(), de.Decision.Explain())
	}
}
